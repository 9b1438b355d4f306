"""Template tags of the stories: the language a story's text is really in (English is
optional, Swedish shows in its place), and the latest stories other pages show."""

from django import template
from django.conf import settings
from django.db.models import Exists, OuterRef
from django.urls import reverse
from django.utils.html import format_html
from django.utils.http import urlencode
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from members.models import MemberOrganisation
from projects.models import Country, Project, Region

from ..models import Story
from ..views import for_cards

register = template.Library()


@register.simple_tag
def fallback_lang(story, field):
    """` lang="sv"` where the page's language has no text of its own in `field` (the
    Swedish shows in its place, MODELTRANSLATION_FALLBACK_LANGUAGES), so that screen
    readers pronounce it as Swedish; nothing where it has."""
    language = get_language()
    if language == settings.LANGUAGE_CODE or (getattr(story, f"{field}_{language}", "")
                                              or "").strip():
        return ""
    return format_html(' lang="{}"', settings.LANGUAGE_CODE)


@register.simple_tag
def in_page_language(story):
    """Whether the story has a title of its own in the page's language."""
    language = get_language()
    return language == settings.LANGUAGE_CODE or bool(
        (getattr(story, f"title_{language}", "") or "").strip())


# How many stories the home, region, country, project and member pages show.
LATEST = 3


def _about(stories, about):
    """`stories` narrowed to those about `about` (a region through its countries)."""
    if about is None:
        return stories, {}
    if isinstance(about, Region):
        return stories.filter(Exists(Story.countries.through.objects.filter(
            story=OuterRef("pk"), country__region=about))), {"region": about.slug}
    if isinstance(about, Country):
        return stories.filter(Exists(Story.countries.through.objects.filter(
            story=OuterRef("pk"), country=about))), {"country": about.slug}
    if isinstance(about, Project):
        return stories.filter(Exists(Story.projects.through.objects.filter(
            story=OuterRef("pk"), project=about))), {}
    if isinstance(about, MemberOrganisation):
        return stories.filter(Exists(Story.member_organisations.through.objects.filter(
            story=OuterRef("pk"), memberorganisation=about))), {}
    raise TypeError(f"No stories are about a {type(about).__name__}.")


@register.inclusion_tag("includes/latest_stories.html", takes_context=True)
def latest_stories(context, about=None, home=False):
    """The latest public stories about `about` (a region, country, project or member
    organisation; all of them if None) as a section of cards with a link to the list,
    filtered to them where it can be; nothing if there are none. Two queries (the
    stories, their countries), to be kept in the page's {% cache %} fragment."""
    stories, filters = _about(Story.objects.public(), about)
    stories = list(for_cards(stories.newest_first())[:LATEST])
    if about is None:
        title = _("Latest stories")
    elif isinstance(about, Project):
        title = _("Stories from the project")
    else:
        title = _("Stories from %(name)s") % {"name": about.name}
    all_url = reverse("stories:story-list")
    all_label = _("All stories")
    if filters:
        all_url = f"{all_url}?{urlencode(filters)}"
        all_label = _("All stories from %(name)s") % {"name": about.name}
    return {"stories": stories, "title": title, "all_url": all_url, "all_label": all_label,
            "home": home,
            # What the cards' own {% cache %} fragments are keyed by.
            **{name: context.get(name) for name in (
                "fragment_seconds", "content_version", "LANGUAGE_CODE")}}
