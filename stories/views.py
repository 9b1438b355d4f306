"""Public pages of the stories: the list with its filters, and each story's page."""

from django.conf import settings
from django.core.paginator import Paginator
from django.db.models import Exists, OuterRef, Prefetch, prefetch_related_objects
from django.http import QueryDict
from django.urls import reverse
from django.utils.translation import gettext_lazy as _lazy
from django.utils.translation import pgettext
from django.views.generic import DetailView, TemplateView

from common.images import ImageMixin
from common.views import BreadcrumbsMixin, PreviewMixin
from members.models import MemberOrganisation
from projects.models import Country, Project, Region, Theme

from .filters import StoryFilter
from .models import Story

# What a story card (includes/story_card.html) shows, and nothing more (not the body).
CARD_FIELDS = ("title", "slug", "lead", "published_on", "is_demo", *ImageMixin.IMAGE_FIELDS)


def for_cards(stories):
    """`stories` as cards show them: their own fields without the body, and their
    countries A-Z (card_countries, for the picture's fallback) in one more query whatever
    the number of cards."""
    return stories.only(*CARD_FIELDS).prefetch_related(
        Prefetch("countries", queryset=Country.objects.only(
            "name", "iso_code", "region__slug").select_related("region").order_by("name"),
            to_attr="card_countries"))


def share_image(story):
    """The story's image for a link shared elsewhere (Open Graph): the JPEG rendition
    closest below SHARE_WIDTH, on SITE_URL (a preview is fetched by another site); None
    without an image. Reads no file and runs no query."""
    renditions = story.renditions()
    if not renditions:
        return None
    width, height, _webp, jpeg = ([r for r in renditions if r[0] <= SHARE_WIDTH]
                                  or renditions[:1])[-1]
    return {"url": settings.SITE_URL + jpeg.url, "width": width, "height": height}


def stories_crumb():
    return (reverse("stories:story-list"), pgettext("public pages", "Stories"))


# Open Graph's recommended width of a shared link's image.
SHARE_WIDTH = 1200

# What the list says of a filter value in the address that it cannot use; the other
# filters still apply.
UNUSABLE = {
    "region": _lazy("We found no region “%(value)s”; showing all regions."),
    "country": _lazy("We found no country “%(value)s”; showing all countries."),
    "theme": _lazy("We found no theme “%(value)s”; showing all themes."),
}
# A value is shown only so far: it came from an address anyone can write.
SHOWN_VALUE_LENGTH = 40


class StoryListView(BreadcrumbsMixin, TemplateView):
    """The public stories newest first, filtered by region, country and theme, in pages."""

    template_name = "stories/story_list.html"
    page_size = 12

    def get_breadcrumbs(self):
        return [stories_crumb()]

    def get_context_data(self, **kwargs):
        self.filterset = filterset = StoryFilter.for_request(self.request)
        filterset.errors  # noqa: B018 - validates the form, fills cleaned_data
        query = self.request.GET.copy()
        query.pop("page", None)
        return super().get_context_data(
            filterset=filterset,
            # Counted only when the template's cached fragment of the filters is missing.
            facets=lambda: self.facets(),
            list_query=query.urlencode(),
            # Called only when the template's cached fragment of this page is missing.
            results=self.results,
            page_number=self.request.GET.get("page"),
            active_filters=self.active_filters(),
            unusable_filters=self.unusable_filters(),
            **kwargs,
        )

    def results(self):
        """One page of the filtered list: a {% cache %} fragment shared by every visitor
        of the same filters and page. A page number that is not one, or past the end,
        gets the nearest real page: a shared link stays useful after the list shrinks."""
        page = Paginator(for_cards(self.filterset.qs), self.page_size).get_page(
            self.request.GET.get("page"))
        return {"page_obj": page, "paginator": page.paginator,
                "is_paginated": page.has_other_pages()}

    def facets(self):
        """Each filter as the form draws it: its options with the number of stories each
        would list; a value without stories is left out unless it is the one chosen."""
        filterset = self.filterset
        counts = filterset.counts()
        selected = {name: filterset.form.data.get(name, "") for name in filterset.FACETS}
        named = {
            "region": Region.objects.all(),
            "country": Country.objects.order_by("name"),
            "theme": Theme.objects.order_by("name"),
        }
        return [
            {"name": name, "label": filterset.filters[name].label,
             "options": [{"value": obj.slug, "label": obj.name, "count": n,
                          "selected": obj.slug == selected[name]}
                         for obj in named[name]
                         if (n := counts[name].get(obj.pk, 0)) or obj.slug == selected[name]]}
            for name in filterset.FACETS
        ]

    def unusable_filters(self):
        """One sentence for each filter in the address whose value the list cannot use."""
        messages = []
        for name in self.filterset.form.errors:
            value = self.filterset.form.data.get(name, "")
            if len(value) > SHOWN_VALUE_LENGTH:
                value = value[:SHOWN_VALUE_LENGTH - 1] + "…"
            messages.append(UNUSABLE[name] % {"value": value})
        return messages

    def active_filters(self):
        """The valid filters in force, each with a link that removes just that one."""
        filterset, request = self.filterset, self.request
        valid = {name: value for name, value in filterset.form.cleaned_data.items()
                 if value not in (None, "")}
        active = []
        for name in filterset.FACETS:
            if name not in valid:
                continue
            params = QueryDict(mutable=True)
            params.update({k: request.GET[k] for k in valid if k != name})
            active.append({"label": filterset.filters[name].label, "value": str(valid[name]),
                           "remove_url": "?" + params.urlencode() if params else request.path})
        return active


class StoryDetailView(PreviewMixin, BreadcrumbsMixin, DetailView):
    """A story: its text, what it is about and more stories like it, each a {% cache %}
    fragment whose data a view method reads only when the fragment is missing."""

    context_object_name = "story"
    queryset = Story.objects.all()
    related_count = 3

    def get_breadcrumbs(self):
        return [stories_crumb(), (self.request.path, self.object.title)]

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            # Each called only when the template's cached fragment of it is missing.
            with_relations=self.with_relations,
            more_stories=self.more_stories,
            og_image=share_image(self.object),
            **kwargs,
        )

    def with_relations(self):
        """The story with what it is about: its public projects only (an internal or
        unpublished project is never named or linked here), its countries, themes and
        public member organisations, A-Z in the current language."""
        prefetch_related_objects(
            [self.object],
            Prefetch("projects", queryset=Project.objects.public().order_by("title"),
                     to_attr="public_projects"),
            Prefetch("countries", queryset=Country.objects.order_by("name")),
            Prefetch("themes", queryset=Theme.objects.order_by("name")),
            Prefetch("member_organisations",
                     queryset=MemberOrganisation.objects.public().order_by("name"),
                     to_attr="public_members"),
        )
        return self.object

    def more_stories(self):
        """A few other public stories sharing a country, a theme or a public project with
        this one, newest first: two queries whatever the data."""
        story = self.object
        through = Story.countries.through.objects
        shares_country = Exists(through.filter(
            story=OuterRef("pk"),
            country__in=through.filter(story=story).values("country")))
        themes = Story.themes.through.objects
        shares_theme = Exists(themes.filter(
            story=OuterRef("pk"), theme__in=themes.filter(story=story).values("theme")))
        projects = Story.projects.through.objects
        shares_project = Exists(projects.filter(
            story=OuterRef("pk"),
            project__in=projects.filter(story=story,
                                        project__in=Project.objects.public()).values("project")))
        return list(for_cards(Story.objects.public().exclude(pk=story.pk)
                              .filter(shares_country | shares_theme | shares_project)
                              .newest_first())[:self.related_count])
