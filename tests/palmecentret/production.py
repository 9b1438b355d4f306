"""The production environment for tests: the variables a real deployment sets (DESIGN.md:
DEBUG off, a real secret, the TLS proxy's header), and the settings they give, read from
palmecentret/settings.py in a fresh interpreter so that tests check what production
really runs, not a hand-written copy of it."""

import json
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
HOST = "portal.example.org"

# Every variable a test run might have set that would change what production looks like.
CLEARED = ("DEBUG", "SECRET_KEY", "DATABASE_URL", "ALLOWED_HOSTS", "CSRF_TRUSTED_ORIGINS",
           "SECURE_PROXY_SSL_HEADER", "SECURE_SSL_REDIRECT", "SECURE_HSTS_SECONDS",
           "SECURE_HSTS_PRELOAD", "CACHE_URL", "LOG_FORMAT", "LOG_LEVEL", "OTP_REQUIRED",
           "SITE_URL", "DJANGO_SETTINGS_MODULE", "STATIC_ROOT", "TASKS_BACKEND",
           "DATABASE_REPLICA_URL")

PRODUCTION_ENV = {
    "DEBUG": "false",
    "SECRET_KEY": "test-only-6Hq2vX9pL1mZ8cR4tY7wB3nK5sD0fG2jA6eU9iO4wQ7rT1",
    "ALLOWED_HOSTS": HOST,
    "CSRF_TRUSTED_ORIGINS": f"https://{HOST}",
    "SITE_URL": f"https://{HOST}",
    "SECURE_PROXY_SSL_HEADER": "HTTP_X_FORWARDED_PROTO,https",
    # A shared cache, as several gunicorn workers need (nothing connects to it here).
    "CACHE_URL": "redis://127.0.0.1:6379/1",
    # Palmecentret's real details instead of the examples the deploy checks warn about.
    "SWISH_NUMBER": "9001234567",
    "BANKGIRO": "900-1234",
    "IATI_ORGANISATION_IDENTIFIER": "SE-ON-802000-0000",
    "IATI_CONTACT_EMAIL": "oppna-data@palmecenter.example",
}


def environment(**overrides):
    """os.environ without the test run's own choices, plus production's, plus overrides."""
    env = {k: v for k, v in os.environ.items() if k not in CLEARED}
    env.update(PRODUCTION_ENV)
    env.update(overrides)
    return env


_DUMP = """
import json
from django.conf import settings as s
names = [n for n in dir(s) if n.startswith(("SECURE_", "SESSION_COOKIE_", "CSRF_COOKIE_"))]
names += ["CONTENT_SECURITY_POLICY", "PERMISSIONS_POLICY", "X_FRAME_OPTIONS", "ALLOWED_HOSTS",
          "CSRF_TRUSTED_ORIGINS", "SILENCED_SYSTEM_CHECKS"]
print(json.dumps({n: getattr(s, n) for n in names}, default=str))
"""


def production_settings(**overrides):
    """The security settings production computes from its environment, as a dict ready for
    pytest-django's ``settings`` fixture."""
    result = subprocess.run([sys.executable, "-c", _DUMP], cwd=ROOT, capture_output=True,
                            text=True, timeout=60,
                            env=environment(DJANGO_SETTINGS_MODULE="palmecentret.settings",
                                            **overrides))
    assert result.returncode == 0, result.stderr
    values = json.loads(result.stdout)
    if values.get("SECURE_PROXY_SSL_HEADER"):
        values["SECURE_PROXY_SSL_HEADER"] = tuple(values["SECURE_PROXY_SSL_HEADER"])
    return values
