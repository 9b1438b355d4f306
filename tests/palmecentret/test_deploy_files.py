"""deploy/: the environment file example names exactly the variables the portal and
gunicorn read, reads alike for systemd and the portal, and is a clean production
configuration once filled in; the systemd units are valid and fit gunicorn.conf.py."""

import configparser
import json
import os
import re
import shutil
import subprocess
import sys

import environ
import pytest

from tests.palmecentret.production import CLEARED, PRODUCTION_ENV, ROOT

DEPLOY = ROOT / "deploy"
ENV_EXAMPLE = DEPLOY / "palmecentret.env.example"
UNITS = DEPLOY / "systemd"

# How settings.py and gunicorn.conf.py read the environment (their helpers included).
READ_IN_SETTINGS = re.compile(r'\benv(?:\.\w+)?\(\s*"([A-Z][A-Z0-9_]*)"'
                              r'|\benv_bool\(\s*"([A-Z][A-Z0-9_]*)"'
                              r'|\b_seconds\(\s*"([A-Z][A-Z0-9_]*)"')
READ_IN_GUNICORN = re.compile(r'os\.environ\.get\(\s*"([A-Z][A-Z0-9_]*)"'
                              r'|_whole_number\(\s*"([A-Z][A-Z0-9_]*)"')
# In the example: NAME=value, or "# NAME=value" for one left at its default.
NAMED_IN_EXAMPLE = re.compile(r"^#?\s*([A-Z][A-Z0-9_]*)=", re.MULTILINE)
LEFT_AT_DEFAULT = re.compile(r"^#\s*([A-Z][A-Z0-9_]*)=(.*)$", re.MULTILINE)
# Commented lines that show what to fill in rather than the default: the placeholders
# and the production paths.
TO_FILL_IN = {"SWISH_NUMBER", "BANKGIRO", "IATI_ORGANISATION_IDENTIFIER", "STATIC_ROOT",
              "MEDIA_ROOT"}
# README's configuration tables: | `NAME` | `default` ... | example | what it does |
README_ROW = re.compile(r"^\| `([A-Z][A-Z0-9_]*)` \| [^|`]*`([^`]*)`", re.MULTILINE)

DEFAULTS = """
import datetime, json, sys
from django.conf import settings

def shown(value):
    if isinstance(value, datetime.timedelta):
        return str(int(value.total_seconds()))
    return str(value).lower() if isinstance(value, bool) else str(value)

print(json.dumps({name: shown(getattr(settings, name)) for name in sys.argv[1:]
                  if hasattr(settings, name)}))
"""


def names(pattern, text):
    return {next(filter(None, groups)) for groups in pattern.findall(text)}


def example_values():
    """The example's uncommented lines, read the way systemd's EnvironmentFile reads them."""
    values = {}
    for line in ENV_EXAMPLE.read_text().splitlines():
        if line.strip() and not line.lstrip().startswith("#"):
            name, _, value = line.partition("=")
            values[name.strip()] = value.strip()
    return values


def test_the_example_names_every_variable_the_portal_and_gunicorn_read_and_no_other():
    read = (names(READ_IN_SETTINGS, (ROOT / "palmecentret" / "settings.py").read_text())
            | names(READ_IN_GUNICORN, (ROOT / "gunicorn.conf.py").read_text()))
    named = set(NAMED_IN_EXAMPLE.findall(ENV_EXAMPLE.read_text()))
    assert len(read) > 30  # the patterns still find what settings.py reads
    assert read - named == set(), "read but missing from deploy/palmecentret.env.example"
    assert named - read == set(), "in deploy/palmecentret.env.example but read by nobody"


def test_the_defaults_the_example_and_the_readme_state_are_the_portals():
    left_at_default = {name: value.strip()
                       for name, value in LEFT_AT_DEFAULT.findall(ENV_EXAMPLE.read_text())
                       if name not in TO_FILL_IN}
    # What production computes with none of them set (settings of the same name).
    env = {k: v for k, v in os.environ.items()
           if k not in CLEARED and k not in PRODUCTION_ENV}
    env.update(PRODUCTION_ENV, DJANGO_SETTINGS_MODULE="palmecentret.settings")
    for name in left_at_default:
        env.pop(name, None)
    result = subprocess.run([sys.executable, "-c", DEFAULTS, *left_at_default], cwd=ROOT,
                            env=env, capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr
    portal = json.loads(result.stdout)
    readme = dict(README_ROW.findall((ROOT / "README.md").read_text()))
    assert len(portal) > 15  # the names still match settings
    for name, value in left_at_default.items():
        if name in portal:
            assert value == portal[name], f"{name} in deploy/palmecentret.env.example"
            assert readme.get(name, value) == value, f"{name}'s default in README.md"


def test_the_example_reads_alike_for_systemd_and_the_portal(monkeypatch, tmp_path):
    # settings.py reads .env beside manage.py with django-environ; the units load the same
    # file with systemd's EnvironmentFile=. Plain lines mean both see the same values.
    read_by_portal = {}
    monkeypatch.setattr(environ.Env, "ENVIRON", read_by_portal)
    environ.Env.read_env(ENV_EXAMPLE, overwrite=True)
    assert read_by_portal == example_values()
    for name, value in example_values().items():
        assert not value.startswith(("'", '"')) and " #" not in value, name


def test_the_example_filled_in_is_a_clean_production_configuration():
    values = example_values()
    assert values["DEBUG"] == "false" and values["SECRET_KEY"] == ""  # the operator's own
    values.update(SECRET_KEY="filled-in-by-the-operator-0123456789-abcdefghijklmnopqrstuv",
                  SWISH_NUMBER="9001234567", BANKGIRO="900-1234",
                  IATI_ORGANISATION_IDENTIFIER="SE-ON-802000-0000",
                  IATI_CONTACT_EMAIL="oppna-data@palmecenter.example")
    env = {k: v for k, v in os.environ.items() if k not in CLEARED and k not in PRODUCTION_ENV}
    env.update(values)
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=ROOT, env=env, capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stdout + result.stderr

    # As shipped, without the operator's secret, production does not start.
    env["SECRET_KEY"] = ""
    result = subprocess.run([sys.executable, "manage.py", "check"], cwd=ROOT, env=env,
                            capture_output=True, text=True, timeout=120)
    assert result.returncode != 0 and "SECRET_KEY" in result.stderr


def unit(name):
    parser = configparser.ConfigParser(interpolation=None, strict=False)
    parser.optionxform = str  # systemd's keys are case-sensitive
    parser.read(UNITS / name)
    return parser


def test_the_units_run_the_checkout_with_its_environment_file():
    web, worker = unit("palmecentret-web.service"), unit("palmecentret-worker.service")
    for service in (web["Service"], worker["Service"]):
        directory = service["WorkingDirectory"]
        # The .env beside manage.py, which manage.py run by hand reads too.
        assert service["EnvironmentFile"] == f"{directory}/.env"
        assert service["ExecStart"].startswith(f"{directory}/.venv/bin/")
        assert service["User"] == "palmecentret"
    # gunicorn from the working directory, so it reads ./gunicorn.conf.py.
    assert web["Service"]["ExecStart"].endswith("/.venv/bin/gunicorn palmecentret.wsgi")
    assert web["Service"]["Type"] == "notify"
    assert worker["Service"]["ExecStart"].endswith("manage.py db_worker --no-reload")


def test_new_code_needs_a_restart_of_the_web_server_not_a_reload():
    # gunicorn.conf.py loads the portal in the master: a reload (SIGHUP) would fork new
    # workers from the code already loaded, so the unit offers none.
    config = {}
    exec(compile((ROOT / "gunicorn.conf.py").read_text(), "gunicorn.conf.py", "exec"), config)
    assert config["preload_app"] is True
    assert "ExecReload" not in unit("palmecentret-web.service")["Service"]


def test_systemd_waits_longer_than_gunicorn_and_the_worker_need_to_stop():
    config = {}
    exec(compile((ROOT / "gunicorn.conf.py").read_text(), "gunicorn.conf.py", "exec"), config)
    web = unit("palmecentret-web.service")["Service"]
    assert int(web["TimeoutStopSec"]) > config["graceful_timeout"]
    assert web["KillMode"] == "mixed"  # SIGTERM to the master only; it stops its workers
    assert int(unit("palmecentret-worker.service")["Service"]["TimeoutStopSec"]) >= 120


@pytest.mark.skipif(shutil.which("systemd-analyze") is None, reason="no systemd-analyze")
def test_systemd_accepts_the_units(tmp_path):
    # Verified against this checkout (systemd checks that the programs exist).
    (tmp_path / "env").write_text("")
    paths = []
    for source in sorted(UNITS.glob("*.service")):
        text = source.read_text().replace("/srv/palmecentret/.env", str(tmp_path / "env"))
        text = text.replace("/srv/palmecentret", str(ROOT))
        text = re.sub(r"^(User|Group)=.*$", r"\1=root", text, flags=re.MULTILINE)
        (tmp_path / source.name).write_text(text)
        paths.append(str(tmp_path / source.name))
    result = subprocess.run(["systemd-analyze", "verify", *paths], capture_output=True,
                            text=True, timeout=60)
    complaints = [line for line in (result.stdout + result.stderr).splitlines()
                  if str(tmp_path) in line]
    assert result.returncode == 0 and not complaints, result.stdout + result.stderr


def test_nginx_forwards_what_the_portal_trusts():
    conf = (DEPLOY / "nginx.conf").read_text()
    values = example_values()
    # X-Forwarded-Proto overwritten by nginx (never the visitor's), as
    # SECURE_PROXY_SSL_HEADER expects; one proxy appending to X-Forwarded-For, as
    # TRUSTED_PROXY_COUNT=1 says.
    assert "proxy_set_header X-Forwarded-Proto $scheme;" in conf
    assert values["SECURE_PROXY_SSL_HEADER"] == "HTTP_X_FORWARDED_PROTO,https"
    assert "proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for;" in conf
    assert values["TRUSTED_PROXY_COUNT"] == "1"
    assert f"server {values['GUNICORN_BIND']};" in conf
    assert "return 301 https://$host$request_uri;" in conf
