"""Template tags of the stories: the language a story's text is really in (English is
optional, Swedish shows in its place), and the latest stories other pages show."""

from django import template
from django.conf import settings
from django.utils.html import format_html
from django.utils.translation import get_language

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
