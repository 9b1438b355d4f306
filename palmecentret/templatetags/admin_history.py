"""History entries on the admin's history pages in the reader's language (common.history)."""

from django import template

from common.history import change_message

register = template.Library()


@register.filter
def history_text(message, opts=None):
    """A stored change message or revision comment as text; `opts` the page's model's
    options (the history pages have them as `opts`)."""
    return change_message(message, getattr(opts, "model", None))
