"""The Atom feed of the latest stories (/berattelser/flode.atom, /en/stories/feed.atom),
narrowed by the story list's filters in the query string.

Every address in it is absolute on SITE_URL, as in the projects' feeds: Django's Feed
would complete a bare path with the request's Host header, which the sender chooses."""

import datetime
from dataclasses import dataclass

from django.conf import settings
from django.contrib.syndication.views import Feed
from django.db.models import Prefetch, QuerySet
from django.urls import reverse
from django.utils import timezone
from django.utils.feedgenerator import Atom1Feed
from django.utils.html import escape
from django.utils.translation import gettext as _

from projects.models import Country, Theme

from .filters import StoryFilter


@dataclass
class FeedSource:
    """What the feed is about for one request (the feed instance is shared by all)."""

    title: str
    query: str
    stories: QuerySet


def _absolute(path):
    return settings.SITE_URL + path


class StoryFeed(Feed):
    """The public stories, newest first."""

    feed_type = Atom1Feed
    limit = 30
    author_name = "Palmecentret"

    def get_object(self, request, *args, **kwargs):
        filterset = StoryFilter.for_request(request)
        filterset.errors  # noqa: B018 - validates the form, fills cleaned_data
        shown = [str(value) for name, value in filterset.form.cleaned_data.items()
                 if value not in (None, "")]
        if shown:
            title = _("Olof Palme International Center: stories – %(filters)s") % {
                "filters": ", ".join(shown)}
        else:
            title = _("Olof Palme International Center: stories")
        query = request.GET.copy()
        query.pop("page", None)
        return FeedSource(title=title, query=f"?{query.urlencode()}" if query else "",
                          stories=filterset.qs)

    def title(self, obj):
        return obj.title

    def link(self, obj):
        return _absolute(reverse("stories:story-list") + obj.query)

    def feed_url(self, obj):
        return _absolute(reverse("stories:story-feed") + obj.query)

    def subtitle(self, obj):
        return _("Stories and news from the work of the Olof Palme International Center, "
                 "its partners and member organisations.")

    def items(self, obj):
        return obj.stories.prefetch_related(
            Prefetch("countries", queryset=Country.objects.order_by("name")),
            Prefetch("themes", queryset=Theme.objects.order_by("name")),
        )[:self.limit]

    def item_title(self, item):
        return item.title

    def item_description(self, item):
        # Atom's summary is sent as HTML: the plain lead is escaped so it stays text.
        return escape(item.lead)

    def item_link(self, item):
        return _absolute(item.get_absolute_url())

    def item_author_name(self, item):
        return item.author or None

    def item_pubdate(self, item):
        # The day it was published, from its midnight in the organisation's time zone.
        return datetime.datetime.combine(item.published_on, datetime.time(),
                                         tzinfo=timezone.get_current_timezone())

    def item_updateddate(self, item):
        return item.updated

    def item_categories(self, item):
        return [*(c.name for c in item.countries.all()), *(t.name for t in item.themes.all())]
