"""A mail server that accepts the connection and then says nothing fails the send after
EMAIL_TIMEOUT, instead of holding the worker (or a visitor's request) for ever."""

import os
import socket
import subprocess
import sys
import threading
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]

SEND = """
import time, django
django.setup()
from newsletter import emails
started = time.monotonic()
try:
    emails.send("subscription_manage", "someone@example.org", {
        "lists": [], "manage_url": "https://x/", "unsubscribe_url": "https://x/",
        "valid_days": 60})
except emails.MAIL_ERRORS as error:
    print("failed", type(error).__name__, round(time.monotonic() - started, 1))
"""


@pytest.fixture
def silent_smtp_server():
    """A TCP server that accepts connections and never sends SMTP's greeting."""
    listener = socket.create_server(("127.0.0.1", 0))
    listener.settimeout(0.2)
    accepted, stop = [], threading.Event()

    def accept():
        while not stop.is_set():
            try:
                accepted.append(listener.accept()[0])
            except OSError:
                continue

    thread = threading.Thread(target=accept, daemon=True)
    thread.start()
    yield listener.getsockname()[1]
    stop.set()
    thread.join()
    for connection in accepted:
        connection.close()
    listener.close()


def test_a_silent_mail_server_fails_the_send_after_the_timeout(silent_smtp_server):
    env = {"PATH": os.environ.get("PATH", "/usr/bin:/bin"),
           "DJANGO_SETTINGS_MODULE": "palmecentret.settings",
           "EMAIL_URL": f"smtp://127.0.0.1:{silent_smtp_server}", "EMAIL_TIMEOUT": "1"}
    try:
        result = subprocess.run([sys.executable, "-c", SEND], cwd=ROOT, env=env,
                                capture_output=True, text=True, timeout=20)
    except subprocess.TimeoutExpired:
        pytest.fail("the send was still waiting for the silent mail server after 20 s")
    assert result.returncode == 0, result.stderr
    failed, _error, seconds = result.stdout.split()
    assert failed == "failed" and float(seconds) < 10
