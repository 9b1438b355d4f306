from django.urls import path
from django.utils.translation import gettext_lazy as _

from . import views

app_name = "newsletter"

urlpatterns = [
    path(_("seminars/"), views.SeminarListView.as_view(), name="seminar-list"),
    path(_("seminars/<slug:slug>/"), views.SeminarDetailView.as_view(), name="seminar-detail"),
    path(_("newsletter/"), views.NewsletterView.as_view(), name="signup"),
]
