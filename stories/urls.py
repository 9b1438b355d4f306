from django.urls import path
from django.utils.translation import gettext_lazy as _

from . import views

app_name = "stories"

urlpatterns = [
    path(_("stories/"), views.StoryListView.as_view(), name="story-list"),
    path(_("stories/<slug:slug>/"), views.StoryDetailView.as_view(), name="story-detail"),
]
