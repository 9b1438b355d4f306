"""Template tags for the open-data links: exports and feeds that keep the list's filters."""

from django import template
from django.urls import reverse

from projects.filters import with_list_filters as _with_list_filters

register = template.Library()


@register.simple_tag(takes_context=True)
def with_list_filters(context, url_name):
    """The URL named `url_name` with the project list's current filters and sort, but
    not its page number (an export or a feed is the whole filtered list)."""
    return _with_list_filters(reverse(url_name), context["request"])
