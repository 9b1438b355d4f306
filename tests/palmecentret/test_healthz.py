"""/healthz tells the load balancer whether the database answers; pages degrade to a
branded 503 while it does not."""

import os
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest
from django.conf import settings
from django.contrib.sessions.backends.db import SessionStore
from django.db import DatabaseError, InterfaceError, OperationalError, connection
from django.test import Client

ROOT = Path(__file__).resolve().parents[2]


@pytest.mark.django_db
def test_healthz_answers_200_when_the_database_answers(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok", "database": "up"}
    assert "no-cache" in response["Cache-Control"]


def free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def get(url):
    try:
        with urllib.request.urlopen(url, timeout=10) as response:
            return response.status, response.read().decode()
    except urllib.error.HTTPError as error:
        return error.code, error.read().decode()


@pytest.fixture(params=["sqlite", "postgresql"])
def portal_without_database(request, tmp_path):
    """The real portal under gunicorn, configured with a database that does not answer:
    a SQLite file in a directory that does not exist, or a PostgreSQL port nobody
    listens on."""
    if request.param == "sqlite":
        database_url = f"sqlite:///{tmp_path}/missing/dir/db.sqlite3"
    else:
        database_url = f"postgres://postgres@127.0.0.1:{free_port()}/palmecentret"
    port = free_port()
    env = {**os.environ, "DATABASE_URL": database_url, "DEBUG": "true"}
    server = subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "palmecentret.wsgi", "--bind",
         f"127.0.0.1:{port}", "--workers", "1", "--log-level", "warning"],
        cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                socket.create_connection(("127.0.0.1", port), timeout=1).close()
                break
            except OSError:
                if server.poll() is not None or time.monotonic() > deadline:
                    pytest.fail("gunicorn did not start: " + server.stderr.read().decode())
                time.sleep(0.1)
        yield base
    finally:
        server.terminate()
        server.wait(timeout=10)


def test_healthz_answers_503_when_the_database_is_down(portal_without_database):
    status, body = get(portal_without_database + "/healthz")
    assert status == 503
    assert '"database": "down"' in body


def test_pages_answer_a_branded_503_when_the_database_is_down(portal_without_database):
    status, body = get(portal_without_database + "/")
    assert status == 503
    assert "Portalen är tillfälligt otillgänglig" in body
    status, body = get(portal_without_database + "/en/projects/")
    assert status == 503
    assert "The portal is briefly unavailable" in body


@pytest.mark.parametrize("error", [OperationalError, InterfaceError, DatabaseError])
@pytest.mark.django_db
def test_healthz_answers_503_for_any_database_error(client, monkeypatch, error):
    def refuse():
        raise error("connection already closed")

    # InterfaceError (a closed connection) is no DatabaseError: it must count as down too.
    monkeypatch.setattr(connection, "cursor", refuse)
    response = client.get("/healthz")
    assert response.status_code == 503
    assert response.json() == {"status": "unavailable", "database": "down"}


@pytest.mark.django_db
def test_a_session_the_database_cannot_load_gives_the_503_page_not_a_500(monkeypatch):
    """Middleware reads a logged-in visitor's session before any view runs; the database
    failing there is the same branded 503 as in a view."""
    def refuse(self):
        raise OperationalError("connection refused")

    monkeypatch.setattr(SessionStore, "load", refuse)
    visitor = Client(raise_request_exception=False)
    visitor.cookies[settings.SESSION_COOKIE_NAME] = "a-session-of-a-logged-in-visitor"
    response = visitor.get("/en/")
    assert response.status_code == 503
    assert response["Retry-After"] == "30"
    assert "The portal is briefly unavailable" in response.content.decode()
