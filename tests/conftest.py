"""Suite-wide fixtures and the rules for tests that need PostgreSQL, Redis or a browser.

Tests marked ``postgres`` run only on PostgreSQL, tests marked ``redis`` only where Redis
answers (at REDIS_TEST_URL, a database of their own which they may flush), tests marked
``browser`` only where Chromium is installed. CI sets REQUIRE_POSTGRES=1 / REQUIRE_REDIS=1
/ REQUIRE_BROWSER=1, which turns those skips into failures, so a CI run can never pass by
quietly skipping them.
"""

import os
import time
import types

import pytest
from django.db import connection


# Database 13 by default, never the 0 a developer's own portal uses: the tests flush it.
# Two test runs side by side (two checkouts) need one each: REDIS_TEST_URL=.../12.
REDIS_TEST_URL = os.environ.get("REDIS_TEST_URL", "redis://127.0.0.1:6379/13")


def _required(name):
    return os.environ.get(name, "").strip().lower() in ("1", "true", "yes")


@pytest.fixture(autouse=True)
def _fast_passwords(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def _empty_cache():
    """Every test starts with an empty cache. The page cache stays on (PAGE_CACHE_SECONDS
    as configured), so the whole suite runs the pages as production serves them; but a
    page one test cached must not answer another test's request for the same URL over
    different data (the database is rolled back between tests, the cache is not)."""
    from django.core.cache import caches

    for cache in caches.all(initialized_only=True):
        cache.clear()


def local_cache(settings, location, page_cache_seconds):
    """For a fixture to `yield from`: a local-memory cache of the tests' own (whatever
    the environment says), empty before and after each test, and the page cache on for
    page_cache_seconds (0: off)."""
    from django.core.cache import cache

    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache",
                                   "LOCATION": location}}
    settings.PAGE_CACHE_SECONDS = page_cache_seconds
    cache.clear()
    yield
    cache.clear()


@pytest.fixture(autouse=True)
def _postgres_only(request):
    if request.node.get_closest_marker("postgres") is None:
        return
    if connection.vendor != "postgresql":
        if _required("REQUIRE_POSTGRES"):
            pytest.fail("REQUIRE_POSTGRES is set but the tests run on " + connection.vendor)
        pytest.skip("needs PostgreSQL (DATABASE_URL=postgres://...); runs in CI")


@pytest.fixture(autouse=True)
def _redis_only(request):
    if request.node.get_closest_marker("redis") is None:
        return
    import redis

    try:
        redis.Redis.from_url(REDIS_TEST_URL, socket_connect_timeout=2).ping()
    except redis.RedisError as exc:
        if _required("REQUIRE_REDIS"):
            pytest.fail(f"REQUIRE_REDIS is set but Redis does not answer at "
                        f"{REDIS_TEST_URL}: {exc}")
        pytest.skip(f"needs Redis at {REDIS_TEST_URL} ({exc}); runs in CI")


@pytest.fixture
def redis_url():
    """REDIS_TEST_URL, flushed before and after the test (for tests marked ``redis``)."""
    import redis

    client = redis.Redis.from_url(REDIS_TEST_URL)
    client.flushdb()
    yield REDIS_TEST_URL
    client.flushdb()
    client.close()


@pytest.fixture(autouse=True)
def _english_off(settings):
    """Every test starts in the default language, as a visitor arriving at / does."""
    from django.utils import translation

    translation.activate(settings.LANGUAGE_CODE)
    yield
    translation.activate(settings.LANGUAGE_CODE)


@pytest.fixture
def immediate_tasks(settings):
    """Tasks run where they are queued, as with TASKS_BACKEND=immediate (and in the live
    server of browser tests, a thread of this process). Without it they wait in the
    database queue, as in production, and nothing runs them."""
    settings.TASKS = {"default": {
        "BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}


@pytest.fixture
def task_queue(settings):
    """Tasks queued in the database, as in production (for a test in a module that
    otherwise runs them at once). Call it for (task path, arguments) of each task
    waiting, oldest first."""
    from django_tasks_db.models import DBTaskResult

    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}

    def queued():
        return [(result.task_path, result.args_kwargs["args"])
                for result in DBTaskResult.objects.order_by("enqueued_at", "id")]

    return queued


@pytest.fixture
def ratelimit_clock_stopped(monkeypatch):
    """django-ratelimit counts in fixed windows (a minute for seminar registrations): a
    test whose requests straddle a window's end would see its count start again and
    fail at random. Here its clock stands still, and only its clock."""
    import django_ratelimit.core

    now = time.time()
    monkeypatch.setattr(django_ratelimit.core, "time", types.SimpleNamespace(time=lambda: now))


@pytest.fixture(autouse=True, scope="session")
def _media_root(tmp_path_factory):
    """Uploads and renditions go to a temporary MEDIA_ROOT of the test run's own, never
    the checkout's media/ (or whatever MEDIA_ROOT the environment names)."""
    from django.test import override_settings

    with override_settings(MEDIA_ROOT=str(tmp_path_factory.mktemp("media"))):
        yield
