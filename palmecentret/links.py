"""Addresses of the site's fixed pages, and of pages named by a slug, reversed once rather
than on every page.

A page links the same argument-less URLs every time (the home page, the project list, the
newsletter's pages, the list's exports), and reverse() built each anew: ten of them took
0.1 ms of the project list's 2.4 ms. What reverse() gives for a name without arguments
depends only on the language (i18n_patterns and the translated paths), the script
prefix, the URL configuration and the current application namespace, not on anything a
request changes while the process runs: so it is kept per those in this process.

The same holds for the part around the slug in the address of a page named by one (a
project, country, member organisation...): a search page, a sitemap section or a list of
cards names dozens to thousands of them, and reverse() took 20 us for each.
"""

import re

from django.conf import settings
from django.urls import get_script_prefix, get_urlconf, reverse
from django.utils.http import urlencode
from django.utils.translation import get_language

def _reversing_for():
    """What reverse()'s answer depends on besides the name and arguments: the language,
    the script prefix and the URL configuration."""
    return get_language(), get_script_prefix(), get_urlconf() or settings.ROOT_URLCONF


# {(name, current app, *_reversing_for()): path}; bounded by the number of such names
# times languages.
_paths = {}


def fixed_url(name, current_app=None):
    """reverse(name, current_app=current_app) for a URL without arguments."""
    key = (name, current_app, *_reversing_for())
    path = _paths.get(key)
    if path is None:
        path = _paths[key] = reverse(name, current_app=current_app)
    return path


def fixed_url_with_query(name, **query):
    """fixed_url(name) with a query string: a list's address with its filters."""
    return f"{fixed_url(name)}?{urlencode(query)}"


# A slug as the <slug:...> path converter accepts it: such a slug is written into the
# address as it is, with no quoting.
_SLUG = re.compile(r"[-a-zA-Z0-9_]+")
# Stands for the slug while the address around it is reversed (no fixed part of an
# address contains it).
_MARKER = "SLUG-MARKER"
# {(name, *_reversing_for()): (before, after)}
_around_slug = {}


def around_slug(name):
    """(before, after): the address of the page `name` names by a slug, on either side of
    the slug, in the current language."""
    key = (name, *_reversing_for())
    around = _around_slug.get(key)
    if around is None:
        before, _marker, after = reverse(name, kwargs={"slug": _MARKER}).partition(_MARKER)
        around = _around_slug[key] = (before, after)
    return around


def slug_urls(name):
    """A function giving slug_url(name, slug) for any slug: for the many addresses of one
    page (a search's hits), what they depend on is looked up once, not for each (it takes
    three context-local lookups, a third of slug_url()'s time)."""
    before, after = around_slug(name)

    def url(slug):
        if not _SLUG.fullmatch(slug):
            return reverse(name, kwargs={"slug": slug})  # as ever: NoReverseMatch
        return f"{before}{slug}{after}"

    return url


def slug_url(name, slug):
    """reverse(name, kwargs={"slug": slug}) for a URL whose only argument is a slug."""
    return slug_urls(name)(slug)
