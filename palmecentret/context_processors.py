"""What every page's base template needs: language alternates and site settings."""

from django.conf import settings
from django.urls import NoReverseMatch, reverse, translate_url
from django.utils.translation import get_language, get_language_info, override

from common import page_cache


MAX_KEPT_QUERY = 500
# How long a {% cache %} fragment is kept; a content change replaces it long before.
FRAGMENT_SECONDS = 24 * 60 * 60


def site(request):
    """Links to this same page in each language, for the switch and hreflang tags."""
    current = get_language()
    query = request.META.get("QUERY_STRING", "")
    if len(query) > MAX_KEPT_QUERY:
        # An absurdly long query (a 10,000-character search) is not worth repeating in
        # every link of the page; the alternate links then lead to the plain page.
        query = ""
    alternates = []
    for code, _name in settings.LANGUAGES:
        url = request.path if code == current else _in_language(request, code)
        if query:
            url = f"{url}?{query}"
        alternates.append({"code": code, "name": get_language_info(code)["name_local"],
                           "url": url, "current": code == current,
                           "absolute_url": settings.SITE_URL + url})
    version = page_cache.generation()
    return {
        # For {% cache %} fragments that only a content change alters: keyed by the
        # content version (None, and so not kept, when the cache is down).
        "content_version": version,
        "fragment_seconds": FRAGMENT_SECONDS if version is not None else 0,
        "language_alternates": alternates,
        "SITE_URL": settings.SITE_URL,
        "canonical_url": settings.SITE_URL + request.path,
    }


def _in_language(request, code):
    """This page's path in another language, as translate_url() gives it, from the view
    the request was resolved to rather than resolving its path once more (which took
    most of the time every page spent on its alternates)."""
    match = request.resolver_match
    if match is None:  # not resolved: an error page
        return translate_url(request.path, code)
    with override(code):
        try:
            return reverse(match.view_name, args=match.args, kwargs=match.kwargs)
        except NoReverseMatch:
            return request.path
