"""Suite-wide fixtures and the rules for tests that need PostgreSQL or a browser.

Tests marked ``postgres`` run only on PostgreSQL, tests marked ``browser`` only where
Chromium is installed. CI sets REQUIRE_POSTGRES=1 / REQUIRE_BROWSER=1, which turns those
skips into failures, so a CI run can never pass by quietly skipping them.
"""

import os

import pytest
from django.db import connection


def _required(name):
    return os.environ.get(name, "").strip().lower() in ("1", "true", "yes")


@pytest.fixture(autouse=True)
def _fast_passwords(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def _postgres_only(request):
    if request.node.get_closest_marker("postgres") is None:
        return
    if connection.vendor != "postgresql":
        if _required("REQUIRE_POSTGRES"):
            pytest.fail("REQUIRE_POSTGRES is set but the tests run on " + connection.vendor)
        pytest.skip("needs PostgreSQL (DATABASE_URL=postgres://...); runs in CI")


@pytest.fixture(autouse=True)
def _english_off(settings):
    """Every test starts in the default language, as a visitor arriving at / does."""
    from django.utils import translation

    translation.activate(settings.LANGUAGE_CODE)
    yield
    translation.activate(settings.LANGUAGE_CODE)
