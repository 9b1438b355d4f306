"""The log on stdout: one JSON object a line in production (timestamp, level, logger,
message, then the record's own fields), plain lines in development, and never an e-mail
address in clear."""

import json
import logging
import logging.config
import subprocess
import sys

import pytest
from django.conf import settings
from django.urls import reverse

from palmecentret.log_format import redact
from tests.palmecentret.production import PRODUCTION_ENV, ROOT, environment

# Emits, through the configured logging, the kinds of record the portal writes: a login
# failure with a hostile username, a 404 as Django's request handler logs it, a failed
# mail with the exception, and a message about an address.
EMIT = r"""
import django, logging
django.setup()
from django.http import HttpResponseNotFound
from django.test import RequestFactory
from django.utils.log import log_response

logging.getLogger("palmecentret.security").warning(
    "login failed: username=%r ip=%s reason=%s", "eve\nINFO forged line", "203.0.113.9",
    "password")
request = RequestFactory().get("/projekt/finns-inte/?q=1")
log_response("Not Found: %s", request.path, response=HttpResponseNotFound(), request=request)
try:
    raise ConnectionError("refused: {'anna.svensson@example.org': (550, b'no such user')}")
except ConnectionError:
    logging.getLogger("newsletter.subscriptions").exception(
        "newsletter mail %s to subscriber %s failed", "confirm", 42)
logging.getLogger("palmecentret.views").info("hello from Anna.Svensson@Example.org")
logging.getLogger("palmecentret.views").debug("not shown at INFO")
"""


def emit(**overrides):
    result = subprocess.run([sys.executable, "-c", EMIT], cwd=ROOT, capture_output=True,
                            text=True, timeout=60,
                            env=environment(DJANGO_SETTINGS_MODULE="palmecentret.settings",
                                            **overrides))
    assert result.returncode == 0, result.stderr
    return result


def test_production_logs_one_json_object_a_line_to_stdout():
    result = emit()
    lines = result.stdout.splitlines()
    records = [json.loads(line) for line in lines]  # every line is one whole object
    assert len(records) == 4, result.stdout
    assert not result.stderr
    for record in records:
        assert list(record)[:4] == ["timestamp", "level", "logger", "message"]
        assert record["timestamp"].endswith("Z") and "T" in record["timestamp"]

    login, not_found, mail, hello = records
    assert login["level"] == "WARNING" and login["logger"] == "palmecentret.security"
    # The hostile newline stays inside the message: it cannot forge a line of its own.
    assert login["message"] == ("login failed: username='eve\\nINFO forged line' "
                                "ip=203.0.113.9 reason=password")

    assert not_found["logger"] == "django.request"
    assert not_found["message"] == "Not Found: /projekt/finns-inte/"
    assert (not_found["method"], not_found["path"], not_found["status_code"]) == (
        "GET", "/projekt/finns-inte/", 404)
    assert "request" not in not_found

    assert mail["level"] == "ERROR"
    assert "Traceback" in mail["exc_info"] and "ConnectionError" in mail["exc_info"]


def test_no_e_mail_address_reaches_the_log_in_clear():
    result = emit()
    assert "svensson" not in result.stdout.lower()
    mail, hello = [json.loads(line) for line in result.stdout.splitlines()][2:]
    # The same address (whatever its case) gets the same mark, so lines can be followed.
    mark = redact("anna.svensson@example.org", secret=PRODUCTION_ENV["SECRET_KEY"])
    assert mark.startswith("<e-mail ") and mark in mail["exc_info"]
    assert hello["message"] == f"hello from {mark}"


def test_redaction_covers_addresses_in_urls_and_keeps_other_text():
    assert redact("GET /admin/?q=anna%40example.org") == (
        f"GET /admin/?q={redact('anna@example.org')}")
    assert redact("no address here: user@localhost, 50 % @ noon") == (
        "no address here: user@localhost, 50 % @ noon")
    assert redact("a@example.org") != redact("b@example.org")


def test_development_logs_plain_lines():
    result = emit(DEBUG="true", SECRET_KEY="")
    first = result.stdout.splitlines()[0]
    assert (" WARNING palmecentret.security login failed: "
            "username='eve\\nINFO forged line'") in first
    assert not first.startswith("{")
    assert "svensson" not in result.stdout.lower()


def test_log_format_and_level_can_be_chosen_and_a_typo_stops_the_start():
    records = [json.loads(line) for line in emit(
        DEBUG="true", SECRET_KEY="", LOG_FORMAT="json", LOG_LEVEL="debug").stdout.splitlines()]
    assert records[-1]["level"] == "DEBUG"
    result = subprocess.run([sys.executable, "-c", EMIT], cwd=ROOT, capture_output=True,
                            text=True, timeout=60,
                            env=environment(DJANGO_SETTINGS_MODULE="palmecentret.settings",
                                            LOG_FORMAT="jsno"))
    assert result.returncode != 0
    assert result.stderr.strip() == "palmecentret: LOG_FORMAT must be json or text."


@pytest.fixture
def security_log_as_json():
    """The palmecentret.security logger written through the configured JSON formatter."""
    import io

    formatter = logging.config.DictConfigurator(settings.LOGGING).configure_formatter(
        settings.LOGGING["formatters"]["json"])
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.setFormatter(formatter)
    logger = logging.getLogger("palmecentret.security")
    logger.addHandler(handler)
    old_level = logger.level
    logger.setLevel(logging.INFO)
    yield stream
    logger.removeHandler(handler)
    logger.setLevel(old_level)


@pytest.mark.django_db
def test_a_failed_staff_login_is_one_json_line_without_the_password(client,
                                                                   security_log_as_json):
    client.post(reverse("admin:login"), {"username": "mallory", "password": "Secret-123!"})
    lines = security_log_as_json.getvalue().splitlines()
    assert len(lines) == 1
    record = json.loads(lines[0])
    assert record["logger"] == "palmecentret.security" and record["level"] == "WARNING"
    assert record["message"].startswith("login failed: username='mallory' ip=127.0.0.1")
    assert "Secret-123!" not in lines[0]
