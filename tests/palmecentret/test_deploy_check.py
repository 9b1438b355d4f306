"""`manage.py check --deploy` is clean with production's environment, and production does
not start at all with the development secret."""

import subprocess
import sys

import pytest
from django.core.checks import run_checks

from palmecentret.settings import DEVELOPMENT_SECRET_KEY
from tests.palmecentret.production import ROOT, environment


def check_deploy(**overrides):
    return subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=ROOT, env=environment(**overrides), capture_output=True, text=True, timeout=120)


def test_check_deploy_reports_no_issue_with_the_production_environment():
    result = check_deploy()
    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues" in result.stdout


def test_check_deploy_fails_on_a_setting_production_must_not_have():
    """The same command does fail when something is wrong, so the test above means it."""
    result = check_deploy(SECURE_HSTS_SECONDS="0")
    assert result.returncode != 0
    assert "security.W004" in result.stderr  # HSTS off


def test_choosing_hsts_preload_keeps_the_check_clean():
    result = check_deploy(SECURE_HSTS_PRELOAD="true")
    assert result.returncode == 0, result.stdout + result.stderr


def test_production_refuses_to_start_with_the_development_secret():
    for secret in (None, DEVELOPMENT_SECRET_KEY):
        env = environment()
        if secret is None:
            del env["SECRET_KEY"]
        else:
            env["SECRET_KEY"] = secret
        result = subprocess.run(
            [sys.executable, "manage.py", "check", "--deploy"], cwd=ROOT, env=env,
            capture_output=True, text=True, timeout=120)
        assert result.returncode != 0
        # One line that says what to do, no traceback.
        assert result.stderr.strip().splitlines() == [
            "palmecentret: refusing to start with DEBUG off and no real SECRET_KEY; "
            "set SECRET_KEY to a random string of at least 32 characters."]


def deploy_check_ids():
    return {message.id for message in run_checks(include_deployment_checks=True)}


@pytest.mark.parametrize("site_url", ["http://127.0.0.1:8000", "http://palmecenter.se",
                                      "https://localhost:8443", "https://portal.localhost"])
def test_a_development_site_url_is_a_deploy_warning(settings, site_url):
    settings.DEBUG = False
    settings.SITE_URL = site_url
    messages = [m for m in run_checks(include_deployment_checks=True)
                if m.id == "palmecentret.W006"]
    assert len(messages) == 1
    # Says where the address would end up.
    assert "IATI" in messages[0].msg and "JSON" in messages[0].msg


def test_the_public_https_address_passes(settings):
    settings.DEBUG = False
    settings.SITE_URL = "https://www.palmecenter.se"
    assert "palmecentret.W006" not in deploy_check_ids()


def test_the_placeholder_iati_contact_is_a_deploy_warning(settings):
    settings.DEBUG = False
    settings.IATI_CONTACT = {**settings.IATI_CONTACT, "email": "open-data@example.org"}
    assert "palmecentret.W007" in deploy_check_ids()
    settings.IATI_CONTACT = {**settings.IATI_CONTACT, "email": "info@palmecenter.se"}
    assert "palmecentret.W007" not in deploy_check_ids()
