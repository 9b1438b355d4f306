from django.urls import path
from django.utils.translation import gettext_lazy as _

from . import registration_views, subscription_views, views

app_name = "newsletter"

urlpatterns = [
    path(_("seminars/"), views.SeminarListView.as_view(), name="seminar-list"),
    path(_("seminars/<slug:slug>/"), views.SeminarDetailView.as_view(), name="seminar-detail"),
    # Seminar registration (newsletter.registration_views).
    path(_("seminars/calendar.ics"), registration_views.seminar_calendar,
         name="seminar-calendar"),
    path(_("seminars/<slug:slug>/register/"), registration_views.register,
         name="seminar-register"),
    path(_("seminars/<slug:slug>/register/thanks/"), registration_views.registered,
         name="seminar-registered"),
    path(_("seminars/confirm/<str:token>/"), registration_views.confirm_registration,
         name="registration-confirm"),
    path(_("seminars/cancel/<str:token>/"), registration_views.cancel_registration,
         name="registration-cancel"),
    # Subscribing, the preference centre and unsubscribing (newsletter.subscription_views).
    path(_("newsletter/"), subscription_views.signup, name="signup"),
    path(_("newsletter/thanks/"), subscription_views.signup_thanks, name="signup-thanks"),
    path(_("newsletter/confirm/<str:token>/"), subscription_views.confirm, name="confirm"),
    path(_("newsletter/preferences/<str:token>/"), subscription_views.manage, name="manage"),
    path(_("newsletter/unsubscribe/<str:token>/"), subscription_views.unsubscribe,
         name="unsubscribe"),
    path(_("newsletter/manage/"), subscription_views.manage_request, name="manage-request"),
    path(_("newsletter/manage/sent/"), subscription_views.manage_sent, name="manage-sent"),
]
