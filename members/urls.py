from django.urls import path
from django.utils.translation import gettext_lazy as _

from . import views

app_name = "members"

urlpatterns = [
    path(_("members/"), views.MemberListView.as_view(), name="member-list"),
    path(_("members/<slug:slug>/"), views.MemberDetailView.as_view(), name="member-detail"),
    path(_("networks/"), views.NetworkListView.as_view(), name="network-list"),
    path(_("networks/<slug:slug>/"), views.NetworkDetailView.as_view(), name="network-detail"),
]
