"""Values computed once per content generation and kept in the cache: the project index
and filter names (projects/aggregates.py), the page parts every page repeats (the footer's
signup form), and rendered fragments that many pages share (project cards, the menu and
the fixed parts of the page frame: {% fragment %} in palmecentret/templatetags/page_tags.py).

They only change when staff change content, and every such change bumps the page cache's
site-wide generation number (palmecentret/page_cache.py: content models' signals, admin
POSTs, load_demo, migrate). A value is stored in the cache under that number, and each
process also keeps the one it last used: a request costs one small cache read (the
number, read once per request by page_cache.generation()) to know its copy is current.
A change makes the next request rebuild it, once for all processes when the cache is
shared (Redis). Without a working cache it is rebuilt for each use: slow, but never
wrong.
"""

import logging
import threading
from collections import OrderedDict

from django.core.cache import cache
from django.utils.translation import get_language

from . import page_cache

logger = logging.getLogger(__name__)

KEY_PREFIX = "site-data:"
# A generation's entries are never read after the next bump; this only bounds how long
# they occupy the cache.
TIMEOUT = 24 * 60 * 60

# This process's copies: {(name, language): (generation, value)}.
_local = {}


def generation_cached(name, build, per_language=False):
    """build()'s value for the current content generation (and language), from this
    process's copy, the shared cache, or build() itself, in that order."""
    generation = page_cache.generation()
    if generation is None:
        return build()
    language = get_language() if per_language else None
    local = _local.get((name, language))
    if local is not None and local[0] == generation:
        return local[1]
    key = f"{KEY_PREFIX}{name}:{generation}" + (f":{language}" if language else "")
    try:
        value = cache.get(key)
    except Exception:
        logger.warning("site data cache unavailable; computing %s", name, exc_info=True)
        value = None
    if value is None:
        value = build()
        try:
            cache.set(key, value, TIMEOUT)
        except Exception:
            logger.warning("site data cache: could not store %s", name, exc_info=True)
    _local[(name, language)] = (generation, value)
    return value


# Rendered fragments: {(generation, language, key): html}, in this process only (a shared
# cache's round trip per card would cost more than rendering it); the least recently used
# go first, those of past generations among them.
FRAGMENT_LIMIT = 4000
_fragments = OrderedDict()
_fragments_lock = threading.Lock()


def fragment(key, render):
    """render()'s HTML for `key` under the current content generation and language,
    rendered once per process. For parts of pages that many pages repeat (a project's
    card is on list, region, country, member and search pages; the menu, the brand and
    search box, the footer's links on every page): each page still reads which cards it
    shows from the database, and a change to any content renders them anew.
    """
    return fragments([key], lambda missing: {key: render()})[0]


def fragments(keys, render_missing):
    """The HTML for each of `keys`, in their order, as fragment() keeps it: those not
    rendered yet are rendered together by render_missing(missing keys), which returns
    {key: html} (the project cards of a page read their rows in one query) and may leave
    out a key that has nothing to show; that key is then left out here too."""
    generation = page_cache.generation()
    if generation is None:
        rendered = render_missing(list(keys))
        return [rendered[key] for key in keys if key in rendered]
    language = get_language()
    found = {}
    with _fragments_lock:
        for key in keys:
            full_key = (generation, language, key)
            html = _fragments.get(full_key)
            if html is not None:
                _fragments.move_to_end(full_key)
                found[key] = html
    missing = [key for key in keys if key not in found]
    if missing:
        rendered = render_missing(missing)
        found.update(rendered)
        with _fragments_lock:
            for key, html in rendered.items():
                _fragments[(generation, language, key)] = html
            while len(_fragments) > FRAGMENT_LIMIT:
                _fragments.popitem(last=False)
    return [found[key] for key in keys if key in found]
