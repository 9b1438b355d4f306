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

