"""The public page cache: whole pages for anonymous visitors served from the cache, made
stale at once by a site-wide generation number that every change to public content bumps.

How it fits together:

- PageCacheMiddleware sits early in MIDDLEWARE (after security headers and static files,
  before sessions, CSRF and authentication), so a hit costs one cache round trip and no
  session, translation, URL resolving or SQL work. A miss goes on to the view and its
  answer is stored on the way back if it is the same for every anonymous visitor.
- Only GET and HEAD from visitors without a session cookie are served or stored. Anyone
  logged in (staff previewing drafts, the "not published" banner, the admin) always gets
  the view and never fills the cache. Answers that set a cookie (a form's CSRF cookie),
  say private/no-store/no-cache (never_cache views, pages behind signed links) or are
  streamed are not stored; neither are the admin and /healthz.
- The key is a hash of scheme, host and full path with its query string. The language is
  part of the path (Swedish unprefixed, English under /en/): LocaleMiddleware picks the
  language from the path alone, whatever Accept-Language or cookie the visitor sends.
- Each stored page carries the generation number it was rendered under; a page whose
  number is not the current one is a miss. The number is read before the view runs, so a
  page rendered while staff saved a change can never come back as current.
- The number is bumped by the content models' save/delete/m2m signals (connect_signals,
  from the app config), by every successful admin POST (bulk actions use update(), which
  sends no signal; imports; restores from history), by commands that write in bulk
  (load_demo) and by every migrate (each deployment runs it: new templates).
  Subscribers, consents and mailings are not content: a signup bot cannot flush the
  cache.
- PAGE_CACHE_SECONDS bounds how old a page may be (time-dependent content such as
  upcoming seminars); 0 turns the cache off.
- A stored page keeps its ETag (ConditionalGetMiddleware, above this one, answers 304)
  and a gzip copy made once when it is stored, sent to browsers that accept gzip (the
  7 MB sitemap becomes a few hundred KB). Nothing secret is ever in a stored page (no
  CSRF token, nothing personal), so compressing it leaks nothing (BREACH needs a secret
  in a compressed answer that also reflects the attacker's input).

With the local-memory cache each process has its own pages and number; production uses a
shared cache (CACHE_URL=redis://...), as the deploy check palmecentret.W005 reminds.
"""

import hashlib
import logging
import secrets
from contextvars import ContextVar

from django.conf import settings
from django.contrib.messages.storage.cookie import CookieStorage
from django.core.cache import caches
from django.db import DEFAULT_DB_ALIAS, connections, transaction
from django.db.models.signals import m2m_changed, post_delete, post_save
from django.http import HttpResponse
from django.utils.cache import cc_delim_re, patch_vary_headers, set_response_etag
from django.utils.regex_helper import _lazy_re_compile
from django.utils.text import compress_string

logger = logging.getLogger(__name__)

CACHE_ALIAS = "default"
GENERATION_KEY = "page-cache:generation"
# The number is the format of a stored entry: change it with the format, so pages a
# shared cache still holds from the previous release are never read as the new one.
PAGE_KEY_PREFIX = "page-cache:page:1:"
# The models whose content public pages show. Not Subscriber, Subscription, ConsentRecord,
# Mailing or Delivery: nothing public shows them, and anyone can create them.
CONTENT_MODELS = (
    "members.MemberOrganisation", "members.Network",
    "projects.Region", "projects.Country", "projects.Theme", "projects.Funder",
    "projects.Programme", "projects.Partner", "projects.Project",
    # A project's page and the IATI files show its money and results.
    "projects.Transaction", "projects.PolicyMarker", "projects.Result", "projects.Indicator",
    "projects.IndicatorPeriod", "projects.AnnualReport",
    # The footer form lists the public mailing lists; a seminar's page shows the places
    # left, which every registration and cancellation changes.
    "newsletter.MailingList", "newsletter.Seminar", "newsletter.Registration",
    # Its many-to-many tables too: a story linked to a country shows on the country's page.
    "stories.Story",
)
# Cache-Control words that forbid a shared cache from storing the answer.
UNCACHEABLE_DIRECTIVES = {"private", "no-store", "no-cache"}
# Vary headers the key already covers: the language is in the path; Cookie matters only
# for the personal cookies above (and the CSRF cookie, whose pages set it and so are not
# stored); nothing is compressed below this middleware.
HARMLESS_VARY = {"cookie", "accept-language", "accept-encoding"}
CACHE_HEADER = "X-Cache"
# As django.middleware.gzip: who accepts gzip, and below what size it is not worth it.
ACCEPTS_GZIP = _lazy_re_compile(r"\bgzip\b")
MIN_GZIP_BYTES = 200


def _cache():
    return caches[CACHE_ALIAS]


# --- The generation number ------------------------------------------------------------

def _new_generation(cache):
    """Start a generation number if there is none (first start, cache cleared or evicted)
    and return the current one. It starts at a random value, so a number recreated after
    an eviction cannot match pages stored under an earlier one."""
    cache.add(GENERATION_KEY, secrets.randbits(52), timeout=None)
    return cache.get(GENERATION_KEY)


# The number as this request read it: a request is rendered under one generation, and
# its {% cache %} fragments cost no further read of it.
# _OUTSIDE: not in a request (commands, the worker): read every time.
_OUTSIDE, _UNREAD = object(), object()
_request_generation = ContextVar("page_cache_request_generation", default=_OUTSIDE)


def request_started_receiver(sender, **kwargs):
    _request_generation.set(_UNREAD)


def request_finished_receiver(sender, **kwargs):
    _request_generation.set(_OUTSIDE)


def _remember(generation):
    if _request_generation.get() is not _OUTSIDE:
        _request_generation.set(generation)


def generation():
    """The current generation number, started if there is none, read once per request;
    None when the cache is down."""
    known = _request_generation.get()
    if known is not _OUTSIDE and known is not _UNREAD:
        return known
    try:
        cache = _cache()
        number = cache.get(GENERATION_KEY)
        if number is None:
            number = _new_generation(cache)
    except Exception:
        return None
    if number is not None:
        _remember(number)
    return number


def bump():
    """Make every stored page stale. Never raises: a cache that is down must not turn a
    staff member's save into an error (the failure is logged; pages stored before it
    stay until PAGE_CACHE_SECONDS at most)."""
    if _request_generation.get() is not _OUTSIDE:
        _request_generation.set(_UNREAD)  # what this request renders next, it renders anew
    cache = _cache()
    try:
        try:
            cache.incr(GENERATION_KEY)
        except ValueError:
            # No number yet: a new random one is as good as a bump.
            if not cache.add(GENERATION_KEY, secrets.randbits(52), timeout=None):
                cache.incr(GENERATION_KEY)
    except Exception:
        logger.exception("page cache: could not bump the generation; cached pages may "
                         "be stale for up to PAGE_CACHE_SECONDS")


def stale_after_migrate(sender, **kwargs):
    """post_migrate: a deployment's new templates and
    data must not be hidden behind pages the previous release cached."""
    bump()


def stale_after_template_edit(sender, file_path, **kwargs):
    """runserver's file_changed: a template edited on disk makes every cached page and
    rendered page part stale, as a deployment's migrate does (Django itself only empties
    its template loaders' cache then; the server keeps running)."""
    from django.template.autoreload import get_template_directories

    if file_path.suffix != ".py" and any(
            directory in file_path.parents for directory in get_template_directories()):
        bump()


def current_generation():
    try:
        return _cache().get(GENERATION_KEY)
    except Exception:
        return None


def content_changed(sender, using=None, action=None, **kwargs):
    """Signal receiver for the content models. Bumps now (this process's next request,
    and tests whose transaction never commits) and once more when the transaction
    commits, so a page rendered from the old rows in between is not kept."""
    if action is not None and not action.startswith("post_"):
        return  # m2m_changed's pre_add/pre_remove/pre_clear
    bump()
    connection = connections[using or DEFAULT_DB_ALIAS]
    if connection.in_atomic_block and not any(
            entry[1] is bump for entry in connection.run_on_commit):
        # One bump per transaction, however many rows it saves (an import of thousands).
        transaction.on_commit(bump, using=using)


def _signal_connections():
    """(signal, sender, dispatch_uid) for every content model and its many-to-many
    tables."""
    from django.apps import apps

    for label in CONTENT_MODELS:
        model = apps.get_model(label)
        uid = f"page-cache-{label}"
        yield post_save, model, f"{uid}-save"
        yield post_delete, model, f"{uid}-delete"
        for field in model._meta.local_many_to_many:
            yield m2m_changed, field.remote_field.through, f"{uid}-{field.name}-m2m"


def connect_signals():
    """Connect content_changed to every content model (from PalmecentretConfig.ready)."""
    for signal, sender, uid in _signal_connections():
        signal.connect(content_changed, sender=sender, dispatch_uid=uid)


def disconnect_signals():
    """The opposite, for tests of what happens without a signal (queryset.update())."""
    for signal, sender, uid in _signal_connections():
        signal.disconnect(sender=sender, dispatch_uid=uid)


# --- Which requests and answers -----------------------------------------------------------

def _admin_prefixes():
    prefixes = [f"/{settings.ADMIN_URL}"]
    prefixes += [f"/{code}/{settings.ADMIN_URL}" for code, _name in settings.LANGUAGES
                 if code != settings.LANGUAGE_CODE]
    return tuple(prefixes)


def is_admin_path(path):
    return path.startswith(_admin_prefixes())


def never_cached_path(path):
    return path == "/healthz" or is_admin_path(path)


def personal_cookies():
    """Cookies that mean the answer may be personal: a session (anyone logged in) and
    Django's cookie-stored messages."""
    return (settings.SESSION_COOKIE_NAME, CookieStorage.cookie_name)


def is_anonymous_read(request):
    """A GET or HEAD from a visitor without personal cookies, outside the admin and
    /healthz: the same answer for everyone and nothing of the visitor's own to see. Also
    decides which requests may read from the read replica (common.db_router)."""
    return (request.method in ("GET", "HEAD")
            and not any(name in request.COOKIES for name in personal_cookies())
            and not never_cached_path(request.path_info))


def may_use_cache(request):
    """A request the cache may answer (and whose answer it may store)."""
    return settings.PAGE_CACHE_SECONDS > 0 and is_anonymous_read(request)


def may_store(request, response):
    """An answer that is the same for every anonymous visitor of this URL."""
    if (request.method != "GET" or response.status_code != 200 or response.streaming
            or response.cookies or response.has_header("Content-Encoding")):
        return False
    directives = {part.split("=", 1)[0].strip().lower()
                  for part in cc_delim_re.split(response.get("Cache-Control", "")) if part}
    if directives & UNCACHEABLE_DIRECTIVES:
        return False
    vary = {part.strip().lower() for part in cc_delim_re.split(response.get("Vary", ""))
            if part.strip()}
    if vary - HARMLESS_VARY:
        return False
    user = getattr(request, "user", None)
    # Belt and braces: without a session cookie nobody is logged in.
    return not (user is not None and user.is_authenticated)


def page_key(request):
    address = f"{request.scheme}://{request.get_host()}{request.get_full_path()}"
    return PAGE_KEY_PREFIX + hashlib.sha256(address.encode()).hexdigest()


# --- The middleware -----------------------------------------------------------------------

class PageCacheMiddleware:
    """Serves stored pages to anonymous visitors and stores what they may share; bumps the
    generation after a successful admin POST. See the module's docstring."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.method == "POST" and is_admin_path(request.path_info):
            response = self.get_response(request)
            user = getattr(request, "user", None)
            # Staff only: a stranger's failed login attempts must not flush the cache.
            if response.status_code < 400 and user is not None and user.is_staff:
                bump()
            return response
        if not may_use_cache(request):
            return self.get_response(request)

        key = page_key(request)
        cache = _cache()
        try:
            found = cache.get_many([GENERATION_KEY, key])
            generation = found.get(GENERATION_KEY)
            if generation is None:
                generation = _new_generation(cache)
            _remember(generation)
        except Exception:
            logger.warning("page cache unavailable; serving %s from the view", request.path,
                           exc_info=True)
            return self.get_response(request)

        entry = found.get(key)
        if entry is not None and entry[0] == generation:
            return self._hit(request, entry)

        response = self.get_response(request)
        if may_store(request, response):
            self._store(cache, key, generation, request, response)
        response[CACHE_HEADER] = "miss"
        return response

    @staticmethod
    def _store(cache, key, generation, request, response):
        if not response.has_header("ETag"):
            set_response_etag(response)
        content = response.content
        gzipped = compress_string(content) if len(content) >= MIN_GZIP_BYTES else None
        if gzipped is not None and len(gzipped) < len(content):
            # The address has two variants from now on; say so on both.
            patch_vary_headers(response, ("Accept-Encoding",))
        else:
            gzipped = None
        try:
            cache.set(key, (generation, response.status_code, list(response.items()),
                            content, gzipped), settings.PAGE_CACHE_SECONDS)
        except Exception:
            logger.warning("page cache: could not store %s", request.path, exc_info=True)

    @staticmethod
    def _hit(request, entry):
        _generation, status, headers, content, gzipped = entry
        compressed = gzipped is not None and ACCEPTS_GZIP.search(
            request.META.get("HTTP_ACCEPT_ENCODING", ""))
        response = HttpResponse(gzipped if compressed else content, status=status)
        for name, value in headers:
            response[name] = value
        if compressed:
            response["Content-Encoding"] = "gzip"
            response["Content-Length"] = str(len(gzipped))
            # Another representation: a weak ETag, as Django's GZipMiddleware makes it.
            etag = response.get("ETag", "")
            if etag.startswith('"'):
                response["ETag"] = "W/" + etag
        response[CACHE_HEADER] = "hit"
        return response
