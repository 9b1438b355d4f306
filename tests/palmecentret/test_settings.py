"""Settings come from the environment, and production refuses unsafe ones at start."""

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
REAL_KEY = "x" * 50


def load_settings(**environ):
    """Import the settings in a fresh interpreter with only the given variables set."""
    env = {k: v for k, v in os.environ.items()
           if k not in ("DEBUG", "SECRET_KEY", "DATABASE_URL", "SECURE_PROXY_SSL_HEADER")}
    env.update(environ, DJANGO_SETTINGS_MODULE="palmecentret.settings")
    code = ("from django.conf import settings as s; "
            "print(s.DEBUG, s.SECURE_SSL_REDIRECT, s.SESSION_COOKIE_SECURE, "
            "s.CSRF_COOKIE_SECURE, s.SECURE_HSTS_SECONDS, s.SECURE_PROXY_SSL_HEADER, "
            "s.DATABASES['default']['ENGINE'], s.LANGUAGE_CODE, s.TIME_ZONE)")
    return subprocess.run([sys.executable, "-c", code], cwd=ROOT, env=env,
                          capture_output=True, text=True, timeout=60)


def test_production_refuses_the_development_secret_with_one_line():
    result = load_settings(DEBUG="false")
    assert result.returncode != 0
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1
    assert "SECRET_KEY" in lines[0]


def test_production_refuses_a_short_secret():
    result = load_settings(DEBUG="false", SECRET_KEY="short")
    assert result.returncode != 0
    assert "SECRET_KEY" in result.stderr


def test_production_with_a_real_secret_is_https_only():
    result = load_settings(DEBUG="false", SECRET_KEY=REAL_KEY,
                           SECURE_PROXY_SSL_HEADER="HTTP_X_FORWARDED_PROTO,https")
    assert result.returncode == 0, result.stderr
    assert result.stdout.split()[:5] == ["False", "True", "True", "True", "31536000"]
    assert "('HTTP_X_FORWARDED_PROTO', 'https')" in result.stdout


def test_development_defaults_need_no_configuration():
    result = load_settings()
    assert result.returncode == 0, result.stderr
    fields = result.stdout.split()
    assert fields[0] == "True"
    assert "django.db.backends.sqlite3" in result.stdout
    assert fields[-2:] == ["sv", "Europe/Stockholm"]


def test_postgresql_from_database_url():
    result = load_settings(DATABASE_URL="postgres://user:pw@db.example:5432/portal")
    assert result.returncode == 0, result.stderr
    assert "django.db.backends.postgresql" in result.stdout


def test_a_mistyped_boolean_fails_loudly():
    result = load_settings(DEBUG="flase")
    assert result.returncode != 0
    assert "DEBUG" in result.stderr and "not a boolean" in result.stderr
