"""Plain reverse() under the names projects/views.py and palmecentret/search.py still
import; goes when they are rewritten (issue 24). New code calls reverse() itself."""

from django.urls import reverse
from django.utils.http import urlencode


def fixed_url(name, current_app=None):
    return reverse(name, current_app=current_app)


def fixed_url_with_query(name, **query):
    return f"{reverse(name)}?{urlencode(query)}"


def slug_urls(name):
    return lambda slug: reverse(name, kwargs={"slug": slug})
