"""A worker killed (SIGKILL) in the middle of a mailing and started again: everyone gets
exactly one copy, and the daily prune clears the record the killed worker left behind. The
real `manage.py db_worker` in a subprocess, on PostgreSQL (the test database) and on a
SQLite file."""

import collections
import json
import os
import signal
import subprocess
import sys
import time
from urllib.parse import quote

import pytest
from django.conf import settings
from django.db import connection

from tests.newsletter.sending_worker import recipients_in

RECIPIENTS = 300
# The first worker is killed while it hangs on the next message after this many (in the
# second batch of 100): one delivery claimed and not committed, the rest pending.
KILLED_AFTER = 150


class Worker:
    def __init__(self, database_url, mail_dir, paused_flag):
        self.env = {
            **os.environ,
            "DATABASE_URL": database_url,
            "DJANGO_SETTINGS_MODULE": "tests.newsletter.worker_settings",
            "TASKS_BACKEND": "database",
            "TEST_MAIL_DIR": str(mail_dir),
            "TEST_MAIL_PAUSED": str(paused_flag),
            "LOG_LEVEL": "WARNING",
        }
        self.env.pop("TEST_MAIL_PAUSE_AFTER", None)

    def step(self, *arguments):
        """A scenario step (tests.newsletter.sending_worker) against the worker's database."""
        done = subprocess.run(
            [sys.executable, "-m", "tests.newsletter.sending_worker", *map(str, arguments)],
            cwd=settings.BASE_DIR, env=self.env, capture_output=True, text=True, timeout=60,
            check=False)
        assert done.returncode == 0, done.stderr
        return json.loads(done.stdout.strip().splitlines()[-1])

    def start(self, **env):
        return subprocess.Popen(
            [sys.executable, "manage.py", "db_worker", "--no-reload", "--no-startup-delay",
             "--interval", "0.1", "--verbosity", "0"],
            cwd=settings.BASE_DIR, env={**self.env, **env}, stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE, text=True)


def wait_for(condition, timeout, what):
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, f"timed out waiting for {what}"
        time.sleep(0.05)


def kill_and_restart(database_url, tmp_path, label, migrate="no"):
    mail_dir, paused = tmp_path / "mail", tmp_path / "paused"
    worker = Worker(database_url, mail_dir, paused)
    started = time.monotonic()
    queued = worker.step("setup", RECIPIENTS, migrate)

    first = worker.start(TEST_MAIL_PAUSE_AFTER=str(KILLED_AFTER))
    try:
        wait_for(lambda: paused.exists() or first.poll() is not None, 30,
                 "the first worker to reach its pause")
        assert first.poll() is None, first.stderr.read()
    finally:
        first.send_signal(signal.SIGKILL)
        first.wait()
    killed_at = time.monotonic()

    # The message it hung on was never written, and its claim died with it.
    assert len(recipients_in(mail_dir)) == KILLED_AFTER
    state = worker.step("progress", queued["mailing"])
    assert state == {"status": "sending", "sent": KILLED_AFTER,
                     "pending": RECIPIENTS - KILLED_AFTER}

    second = worker.start()
    try:
        state = worker.step("wait_until_sent", queued["mailing"], 30)
    finally:
        second.send_signal(signal.SIGTERM)
        second.wait(timeout=30)
    timings = {"until killed": killed_at - started, "total": time.monotonic() - started}
    print(f"\nkill-and-restart with {RECIPIENTS} recipients on {label}: "
          + ", ".join(f"{name} {seconds:.1f} s" for name, seconds in timings.items()))

    assert state == {"status": "sent", "sent": RECIPIENTS}
    copies = collections.Counter(recipients_in(mail_dir))
    assert set(copies) == set(queued["emails"])
    assert set(copies.values()) == {1}

    # The killed worker's run is still marked running; the daily prune removes it now
    # that the mailing is sent (and keeps the finished records for their 14 days), once
    # twice NEWSLETTER_RESUME_AFTER (1 s here) have passed since it started.
    records = worker.step("task_records")
    assert records.count("RUNNING") == 1 and set(records) == {"RUNNING", "SUCCESSFUL"}
    time.sleep(max(0.0, killed_at + 2 - time.monotonic()))
    assert worker.step("daily_prune") == [status for status in records if status != "RUNNING"]


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_a_killed_worker_resumes_and_everyone_gets_one_copy_on_postgresql(tmp_path):
    # The test database, which this test leaves committed for the worker and flushes after.
    db = connection.settings_dict
    credentials = quote(db["USER"] or "", safe="")
    if db["PASSWORD"]:
        credentials += ":" + quote(db["PASSWORD"], safe="")
    url = (f"postgres://{credentials}@{db['HOST'] or 'localhost'}:{db['PORT'] or 5432}/"
           f"{quote(db['NAME'], safe='')}")
    kill_and_restart(url, tmp_path, "PostgreSQL")


def test_a_killed_worker_resumes_and_everyone_gets_one_copy_on_sqlite(tmp_path):
    # The suite's own SQLite test database lives in memory, out of the worker's reach: the
    # worker gets a file database of its own, migrated by the setup step.
    kill_and_restart(f"sqlite:///{tmp_path / 'worker.sqlite3'}", tmp_path, "SQLite",
                     migrate="migrate")
