from django.urls import path
from django.utils.translation import gettext_lazy as _

from . import feeds, views

app_name = "stories"

urlpatterns = [
    path(_("stories/"), views.StoryListView.as_view(), name="story-list"),
    # A file name with a dot never clashes with a story's slug.
    path(_("stories/feed.atom"), feeds.StoryFeed(), name="story-feed"),
    path(_("stories/<slug:slug>/"), views.StoryDetailView.as_view(), name="story-detail"),
]
