"""Shared by the newsletter tests."""

import pytest
from django.core.cache import cache


@pytest.fixture(autouse=True)
def _fresh_cache():
    """Rate-limit counters and the re-send throttles live in the cache, and database ids
    repeat between tests: each test starts and ends with an empty cache."""
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def immediate_tasks(settings):
    """Tasks run where they are queued, as with TASKS_BACKEND=immediate. Without it the
    tests queue them in the database, as production does, and nothing runs them."""
    settings.TASKS = {"default": {
        "BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
