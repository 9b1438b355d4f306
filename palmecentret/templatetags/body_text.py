"""{{ text|markdown }}: a long text written by staff in Markdown (a model's MARKDOWN_FIELDS:
project and programme bodies, country and region focus, member, network and seminar
descriptions) as HTML; {{ text|markdown_plain }}: the same as plain text, for page
descriptions and shortened previews."""

import html

from django import template
from django.utils.html import strip_tags
from django.utils.safestring import mark_safe

from common.markdown import sanitised_html

register = template.Library()


@register.filter
def markdown(text):
    """Sanitised HTML (common.markdown, the rules of the mailings): safe to mark safe."""
    return mark_safe(sanitised_html(text))  # noqa: S308 - nh3 has cleaned it


@register.filter
def markdown_plain(text):
    """The words without the marks (for a meta description or a truncated preview):
    the rendered HTML's text, which the template escapes again."""
    return " ".join(html.unescape(strip_tags(sanitised_html(text))).split())
