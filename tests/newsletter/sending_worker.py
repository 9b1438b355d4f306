"""The kill-and-restart test's helpers: a mail backend that can hang, and its scenario steps.

The steps run in their own processes (`python -m tests.newsletter.sending_worker STEP ...`
with DJANGO_SETTINGS_MODULE=tests.newsletter.worker_settings), against the database the
worker uses, so the test works the same on a PostgreSQL test database and a SQLite file.
"""

import email
import json
import os
import sys
import time
from pathlib import Path

from django.core.mail.backends import filebased

SEPARATOR = b"\n" + b"-" * 79 + b"\n"


class PausingFileBackend(filebased.EmailBackend):
    """Django's file backend, one file per connection; with TEST_MAIL_PAUSE_AFTER=N it
    writes N messages in this process, then touches TEST_MAIL_PAUSED and hangs before the
    next, so the test can kill the worker while a delivery is claimed and uncommitted."""

    written = 0

    def write_message(self, message):
        pause_after = os.environ.get("TEST_MAIL_PAUSE_AFTER")
        if pause_after and PausingFileBackend.written >= int(pause_after):
            Path(os.environ["TEST_MAIL_PAUSED"]).touch()
            time.sleep(600)
        super().write_message(message)
        PausingFileBackend.written += 1


def recipients_in(mail_dir):
    """The To address of every complete message the file backend wrote, in order."""
    found = []
    for path in sorted(Path(mail_dir).glob("*.log")):
        for chunk in path.read_bytes().split(SEPARATOR):
            if chunk.strip():
                found.append(email.message_from_bytes(chunk)["To"])
    return found


# --- Scenario steps, each in its own process ------------------------------------------

def setup(count, migrate="no"):
    """A mailing to `count` subscribers over two lists (some on both), plus people who must
    not get it; queued for sending. Returns its id and the expected addresses. With
    migrate="migrate", creates the tables first (a new SQLite file)."""
    from django.core.management import call_command

    from newsletter import sending
    from newsletter.models import Mailing, MailingList, Subscriber, Subscription

    if migrate == "migrate":
        call_command("migrate", verbosity=0)

    news = MailingList.objects.create(name_sv="Nyhetsbrev", slug="nyhetsbrev-worker")
    seminars = MailingList.objects.create(name_sv="Seminarier", slug="seminarier-worker")
    people = Subscriber.objects.bulk_create(
        [Subscriber(email=f"reader{n}@example.org", language="en" if n % 3 else "sv")
         for n in range(count + 2)])
    subscriptions = [Subscription(subscriber=person, mailing_list=news, status="active")
                     for person in people[:count]]
    # Every fifth is on both lists and still gets one copy.
    subscriptions += [Subscription(subscriber=person, mailing_list=seminars, status="active")
                      for person in people[:count:5]]
    subscriptions += [
        Subscription(subscriber=people[count], mailing_list=news, status="pending"),
        Subscription(subscriber=people[count + 1], mailing_list=news, status="unsubscribed"),
    ]
    Subscription.objects.bulk_create(subscriptions)
    mailing = Mailing.objects.create(subject_sv="Hej", body_sv="Nyheter.",
                                     subject_en="Hello", body_en="News.")
    mailing.mailing_lists.set([news, seminars])
    sending.queue(mailing.pk)
    return {"mailing": mailing.pk, "emails": [person.email for person in people[:count]]}


def progress(mailing_id):
    from django.db.models import Count

    from newsletter.models import Delivery, Mailing

    # The status first: once it says sent, the counts read after it are final.
    status = Mailing.objects.get(pk=mailing_id).status
    counts = dict(Delivery.objects.filter(mailing_id=mailing_id).values_list("status")
                  .annotate(n=Count("pk")).values_list("status", "n"))
    return {"status": status, **counts}


def task_records():
    """The statuses of the task records, sorted."""
    from django_tasks_db.models import DBTaskResult

    return sorted(DBTaskResult.objects.values_list("status", flat=True))


def daily_prune():
    """The daily prune as README's "Daily jobs" runs it."""
    from django.core.management import call_command

    call_command("prune_task_results", verbosity=0)
    return task_records()


def wait_until_sent(mailing_id, timeout):
    deadline = time.monotonic() + float(timeout)
    while time.monotonic() < deadline:
        state = progress(mailing_id)
        if state["status"] == "sent":
            return state
        time.sleep(0.1)
    return progress(mailing_id)


if __name__ == "__main__":
    import django

    django.setup()
    step, *arguments = sys.argv[1:]
    step_function = {"setup": setup, "progress": progress, "task_records": task_records,
                     "daily_prune": daily_prune, "wait_until_sent": wait_until_sent}[step]
    print(json.dumps(step_function(*[int(a) if a.isdigit() else a for a in arguments])))
