"""{{ text|markdown }}: a project's or programme's body, written by staff in Markdown."""

from django import template
from django.utils.safestring import mark_safe

from common.markdown import sanitised_html

register = template.Library()


@register.filter
def markdown(text):
    """Sanitised HTML (common.markdown, the rules of the mailings): safe to mark safe."""
    return mark_safe(sanitised_html(text))  # noqa: S308 - nh3 has cleaned it
