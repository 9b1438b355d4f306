"""Shared by the newsletter tests."""

import pytest
from django.core.cache import cache
from django.utils import timezone

from tests.newsletter.task_queue import Clock


@pytest.fixture(autouse=True)
def _fresh_cache():
    """Rate-limit counters and the re-send throttles live in the cache, and database ids
    repeat between tests: each test starts and ends with an empty cache."""
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def clock(monkeypatch):
    """The portal's time (django.utils.timezone.now) stands still until the test moves it
    (tests.newsletter.task_queue.run_queue does, to each next task that is due)."""
    clock = Clock()
    monkeypatch.setattr(timezone, "now", lambda: clock.now)
    return clock
