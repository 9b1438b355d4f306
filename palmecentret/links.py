"""Addresses of the site's fixed pages, reversed once rather than on every page.

A page links the same argument-less URLs every time (the home page, the project list, the
newsletter's pages, the list's exports), and reverse() built each anew: ten of them took
0.1 ms of the project list's 2.4 ms. What reverse() gives for a name without arguments
depends only on the language (i18n_patterns and the translated paths), the script
prefix, the URL configuration and the current application namespace, not on anything a
request changes while the process runs: so it is kept per those in this process.
"""

from django.conf import settings
from django.urls import get_script_prefix, get_urlconf, reverse
from django.utils.translation import get_language

# {(name, current app, language, script prefix, URL configuration): path}; bounded by
# the number of such names times languages.
_paths = {}


def fixed_url(name, current_app=None):
    """reverse(name, current_app=current_app) for a URL without arguments."""
    key = (name, current_app, get_language(), get_script_prefix(),
           get_urlconf() or settings.ROOT_URLCONF)
    path = _paths.get(key)
    if path is None:
        path = _paths[key] = reverse(name, current_app=current_app)
    return path
