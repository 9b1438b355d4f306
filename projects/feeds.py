"""Atom feeds of newly published and updated projects: the whole list (with the list's
filters), and per region.

Every address in a feed is absolute on SITE_URL, like the mails and the IATI file: Django's
Feed would complete a bare path with the request's Host header, which the sender chooses,
and a feed reader keeps what it was given."""

from dataclasses import dataclass

from django.conf import settings
from django.contrib.syndication.views import Feed
from django.db.models import QuerySet
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils.feedgenerator import Atom1Feed
from django.utils.html import escape
from django.utils.translation import gettext as _

from .filters import ProjectFilter, with_list_filters
from .opendata import xml_safe
from .models import Project, Region
from .views import active_filters


@dataclass
class FeedSource:
    """What one feed is about. Feeds are single instances shared by every request, so
    whatever depends on the request travels in this object, not on the feed. `link` and
    `feed_url` are paths."""

    title: str
    link: str
    feed_url: str
    projects: QuerySet


def _with_query(url, request):
    # A feed is always newest-updated first, in full.
    return with_list_filters(url, request, without=("page", "sort"))


def _absolute(path):
    return settings.SITE_URL + path


class ProjectFeed(Feed):
    """The public projects, most recently updated first; the project list's filters in
    the query string narrow it the same way (?country=palestina&theme=unga)."""

    feed_type = Atom1Feed
    limit = 50
    author_name = "Palmecentret"

    def get_object(self, request, *args, **kwargs):
        filterset = ProjectFilter.for_request(request)
        shown = [f["value"] for f in active_filters(filterset, request)]
        if shown:
            title = _("Olof Palme International Center: projects – %(filters)s") % {
                "filters": ", ".join(shown)}
        else:
            title = _("Olof Palme International Center: projects")
        return FeedSource(
            title=title,
            link=_with_query(reverse("projects:project-list"), request),
            feed_url=_with_query(reverse("projects:project-feed"), request),
            projects=filterset.qs,
        )

    def title(self, obj):
        return xml_safe(obj.title)

    def link(self, obj):
        return _absolute(obj.link)

    def feed_url(self, obj):
        return _absolute(obj.feed_url)

    def subtitle(self, obj):
        return _("Newly published and updated development projects of the Olof Palme "
                 "International Center and its member organisations.")

    def feed_copyright(self, obj):
        return f"{settings.IATI_ORGANISATION_NAME['sv']}, {settings.OPEN_DATA_LICENCE['name']}"

    def items(self, obj):
        return (obj.projects.order_by("-updated", "-pk").prefetch_related("countries", "themes")
                [: self.limit])

    # Staff texts may hold characters XML cannot carry (pasted control characters);
    # one of them would make the whole feed unreadable.
    def item_title(self, item):
        return xml_safe(item.title)

    def item_description(self, item):
        # Atom's summary is sent as HTML: the plain text is escaped so it stays text.
        return escape(xml_safe(item.summary))

    def item_link(self, item):
        return _absolute(item.get_absolute_url())

    def item_pubdate(self, item):
        return item.published_at

    def item_updateddate(self, item):
        return item.updated

    def item_categories(self, item):
        return [xml_safe(name) for name in (*(c.name for c in item.countries.all()),
                                            *(t.name for t in item.themes.all()))]


class RegionProjectFeed(ProjectFeed):
    """The public projects in one region (/regioner/<slug>/flode.atom)."""

    def get_object(self, request, slug):
        region = get_object_or_404(Region, slug=slug)
        return FeedSource(
            title=_("Olof Palme International Center: projects in %(region)s") % {
                "region": region.name},
            link=region.get_absolute_url(),
            feed_url=reverse("projects:region-feed", kwargs={"slug": region.slug}),
            projects=Project.objects.public().in_region(region),
        )
