"""What every page's base template needs: language alternates and site settings."""

from django.conf import settings
from django.urls import translate_url
from django.utils.translation import get_language, get_language_info


MAX_KEPT_QUERY = 500


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
        url = translate_url(request.path, code)
        if query:
            url = f"{url}?{query}"
        alternates.append({"code": code, "name": get_language_info(code)["name_local"],
                           "url": url, "current": code == current,
                           "absolute_url": settings.SITE_URL + url})
    return {
        "language_alternates": alternates,
        "SITE_URL": settings.SITE_URL,
        "canonical_url": settings.SITE_URL + request.path,
    }
