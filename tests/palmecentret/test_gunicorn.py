"""gunicorn.conf.py: gunicorn accepts it, takes its values from the environment, and a
gunicorn started with it serves the portal in production mode with JSON log lines."""

import json
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest

from tests.palmecentret.production import ROOT, environment

GUNICORN = str(Path(sys.executable).with_name("gunicorn"))


def gunicorn(*args, **env):
    return subprocess.run([GUNICORN, *args], cwd=ROOT, env=environment(**env),
                          capture_output=True, text=True, timeout=120)


def resolved(**env):
    """gunicorn's settings as it resolves them from ./gunicorn.conf.py and the environment."""
    result = gunicorn("--print-config", "palmecentret.wsgi", **env)
    assert result.returncode == 0, result.stderr
    return dict(line.split(" = ", 1) for line in result.stdout.splitlines() if " = " in line)


def test_gunicorn_accepts_the_configuration():
    result = gunicorn("--check-config", "-c", "gunicorn.conf.py", "palmecentret.wsgi")
    assert result.returncode == 0, result.stdout + result.stderr


def test_the_defaults_are_a_local_address_and_sync_workers_for_the_cores():
    config = {k.strip(): v.strip() for k, v in resolved().items()}
    assert config["bind"] == "['127.0.0.1:8000']"
    assert config["worker_class"] == "sync"
    assert config["workers"] == str(os.cpu_count() + 1)
    assert config["timeout"] == "30"
    # Loaded once in the master; workers live as long as it does (gunicorn.conf.py).
    assert config["preload_app"] == "True"
    assert config["max_requests"] == "0" and config["max_requests_jitter"] == "0"
    assert config["forwarded_allow_ips"] == "['127.0.0.1', '::1']"
    assert config["accesslog"] == "-"


def test_values_come_from_the_environment():
    config = {k.strip(): v.strip() for k, v in resolved(
        GUNICORN_BIND="unix:/run/palmecentret/gunicorn.sock", WEB_CONCURRENCY="3",
        GUNICORN_TIMEOUT="45", GUNICORN_MAX_REQUESTS="0",
        FORWARDED_ALLOW_IPS="10.0.0.5").items()}
    assert config["bind"] == "['unix:/run/palmecentret/gunicorn.sock']"
    assert config["workers"] == "3"
    assert config["timeout"] == "45"
    assert config["max_requests"] == "0"
    assert config["forwarded_allow_ips"] == "['10.0.0.5']"
    config = {k.strip(): v.strip() for k, v in resolved(GUNICORN_MAX_REQUESTS="50000").items()}
    assert config["max_requests"] == "50000" and config["max_requests_jitter"] == "5000"


def test_a_bad_value_stops_gunicorn_with_a_clear_message():
    result = gunicorn("--print-config", "palmecentret.wsgi", GUNICORN_TIMEOUT="soon")
    assert result.returncode != 0
    assert "GUNICORN_TIMEOUT='soon' must be a whole number" in result.stdout + result.stderr


def free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def get(port, path, **headers):
    request = urllib.request.Request(f"http://127.0.0.1:{port}{path}", headers=headers)
    opener = urllib.request.build_opener(NoRedirect)
    try:
        with opener.open(request, timeout=10) as response:
            return response.status, response.headers, response.read()
    except urllib.error.HTTPError as error:
        return error.code, error.headers, error.read()


class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


@pytest.fixture
def production_server(tmp_path):
    """gunicorn with ./gunicorn.conf.py and production's environment on a free port, on a
    migrated database and collected static files of its own, as the README's deployment
    steps leave them; stopped (the whole process group) afterwards."""
    port = free_port()
    env = environment(DATABASE_URL=f"sqlite:///{tmp_path / 'db.sqlite3'}",
                      STATIC_ROOT=str(tmp_path / "static"),
                      ALLOWED_HOSTS="127.0.0.1", GUNICORN_BIND=f"127.0.0.1:{port}",
                      WEB_CONCURRENCY="2", PYTHONUNBUFFERED="1")
    for command in (["migrate", "--no-input"], ["collectstatic", "--no-input"]):
        subprocess.run([sys.executable, "manage.py", *command], cwd=ROOT, env=env,
                       check=True, capture_output=True, timeout=300)
    log = open(tmp_path / "gunicorn.log", "w+b")
    process = subprocess.Popen([GUNICORN], cwd=ROOT, env=env, stdout=log,
                               stderr=subprocess.STDOUT, start_new_session=True)
    try:
        deadline = time.monotonic() + 60
        while True:
            assert process.poll() is None, (tmp_path / "gunicorn.log").read_text()
            try:
                if get(port, "/healthz")[0] == 200:
                    break
            except OSError:
                pass
            assert time.monotonic() < deadline, "gunicorn did not answer within 60 s"
            time.sleep(0.2)
        yield port, process, tmp_path / "gunicorn.log"
    finally:
        if process.poll() is None:
            os.killpg(process.pid, signal.SIGTERM)
            try:
                process.wait(30)
            except subprocess.TimeoutExpired:
                os.killpg(process.pid, signal.SIGKILL)
                process.wait()
        log.close()


def test_gunicorn_serves_production_and_logs_json_lines(production_server):
    port, process, log_path = production_server

    status, headers, body = get(port, "/projekt.json?q=anna%40example.org",
                                **{"X-Forwarded-Proto": "https"})
    assert status == 200 and json.loads(body)["projects"] == []
    assert "frame-ancestors 'none'" in headers["Content-Security-Policy"]
    assert headers["Strict-Transport-Security"].startswith("max-age=31536000")
    # Plain http (no proxy header) is sent to https.
    status, headers, _ = get(port, "/om-oss/")
    assert status == 301 and headers["Location"] == f"https://127.0.0.1:{port}/om-oss/"

    os.killpg(process.pid, signal.SIGTERM)  # stop, so every line is written
    process.wait(30)
    lines = log_path.read_text().splitlines()
    records = [json.loads(line) for line in lines]  # every line is one JSON object
    assert all({"timestamp", "level", "logger", "message"} <= set(r) for r in records)

    access = [r for r in records if r["logger"] == "gunicorn.access"]
    by_path = {r["path"]: r for r in access}
    export = by_path["/projekt.json"]
    assert (export["method"], export["status"]) == ("GET", 200)
    assert export["message"] == "GET /projekt.json 200"
    assert export["duration_ms"] >= 0 and export["bytes"] > 0
    assert export["query"].startswith("q=<e-mail ")  # no address in the log
    assert by_path["/om-oss/"]["status"] == 301
    assert by_path["/healthz"]["status"] == 200
    # Each access line once (the portal's own logging must not repeat gunicorn's lines).
    assert len([r for r in access if r["path"] == "/projekt.json"]) == 1

    messages = [r["message"] for r in records if r["logger"] == "gunicorn.error"]
    assert any(m.startswith("Listening at: http://127.0.0.1:") for m in messages)
    assert "Using worker: sync" in messages
    assert "anna" not in log_path.read_text()


_FROZEN = """
import gc
import palmecentret.wsgi
print(gc.get_freeze_count(), len(gc.get_objects()))
"""


def test_the_loaded_portal_is_set_aside_from_full_garbage_collections():
    # A worker's full collection would otherwise walk every object of Django and the
    # apps in the middle of a request (palmecentret/wsgi.py).
    result = subprocess.run([sys.executable, "-c", _FROZEN], cwd=ROOT, env=environment(),
                            capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, result.stderr
    frozen, collected = map(int, result.stdout.split())
    assert frozen > 50_000
    assert collected < frozen / 20


_FORK = """
import runpy
import palmecentret.wsgi
from django.db import connection
connection.ensure_connection()
opened = connection.connection is not None
runpy.run_path("gunicorn.conf.py")["pre_fork"](None, None)
print(opened, connection.connection is None)
"""


def test_the_master_holds_no_database_connection_when_it_forks_a_worker(tmp_path):
    # A connection opened while loading would otherwise be shared by every worker.
    result = subprocess.run([sys.executable, "-c", _FORK], cwd=ROOT, capture_output=True,
                            text=True, timeout=60, env=environment(
                                DATABASE_URL=f"sqlite:///{tmp_path / 'db.sqlite3'}"))
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["True", "True"]
