"""A mailing while the mail server is away or refuses some addresses: it goes on soon after
a short outage, waits longer the longer the trouble lasts, and everyone still gets one copy.
The queue runs as the worker runs it, on a clock that jumps to the next task that is due
(tests.newsletter.task_queue)."""

import collections
import datetime
import os
import smtplib
import subprocess
import sys

import pytest
from django.conf import settings as django_settings
from django.core import mail
from django.core.mail.backends import locmem
from django.utils import timezone

from newsletter import sending
from newsletter.models import Delivery, Mailing, Subscription
from tests.factories import MailingFactory, MailingListFactory, SubscriptionFactory
from tests.newsletter.task_queue import run_queue

pytestmark = pytest.mark.django_db

MINUTE = datetime.timedelta(minutes=1)


class MailServer(locmem.EmailBackend):
    """The mail server: away during `outages` ((from, until) on the clock), refusing
    addresses at refused.example, noting every attempt as (time, address, accepted)."""

    outages = []
    attempts = []

    def send_messages(self, messages):
        for message in messages:
            now, address = timezone.now(), message.to[0]
            if any(start <= now < end for start, end in MailServer.outages):
                MailServer.attempts.append((now, address, False))
                raise smtplib.SMTPServerDisconnected("Connection unexpectedly closed")
            if address.endswith("@refused.example"):
                MailServer.attempts.append((now, address, False))
                raise smtplib.SMTPRecipientsRefused({address: (450, b"Mailbox busy")})
            MailServer.attempts.append((now, address, True))
        return super().send_messages(messages)


@pytest.fixture
def server(settings):
    settings.EMAIL_BACKEND = f"{__name__}.MailServer"
    settings.NEWSLETTER_BATCH_SIZE = 10
    MailServer.outages, MailServer.attempts = [], []
    return MailServer


def queued_mailing(count, refused=0):
    mailing_list = MailingListFactory()
    for n in range(count):
        SubscriptionFactory(mailing_list=mailing_list, status=Subscription.Status.ACTIVE,
                            subscriber__email=f"reader{n}@example.org")
    for n in range(refused):
        SubscriptionFactory(mailing_list=mailing_list, status=Subscription.Status.ACTIVE,
                            subscriber__email=f"busy{n}@refused.example")
    mailing = MailingFactory(mailing_lists=[mailing_list])
    sending.queue(mailing.pk)
    return mailing


def minutes_after(start, times):
    return [round((time - start) / MINUTE, 2) for time in times]


def assert_everyone_got_one_copy(mailing):
    copies = collections.Counter(message.to[0] for message in mail.outbox)
    assert set(copies.values()) == {1}
    assert set(copies) == set(mailing.deliveries.filter(status=Delivery.Status.SENT)
                              .values_list("subscriber__email", flat=True))


def test_a_mail_server_away_for_a_minute_holds_the_mailing_back_about_a_minute(clock,
                                                                               server):
    start = clock.now
    server.outages = [(start, start + MINUTE)]
    mailing = queued_mailing(30)

    run_queue(clock)

    mailing.refresh_from_db()
    assert mailing.status == Mailing.Status.SENT
    assert mailing.deliveries.filter(status=Delivery.Status.SENT).count() == 30
    assert_everyone_got_one_copy(mailing)
    # Stopped at once (five failures in a row), tried again a minute later, and the five
    # who were tried during the outage a minute after the rest.
    sent = minutes_after(start, [time for time, _address, accepted in server.attempts
                                 if accepted])
    assert sorted(set(sent)) == [1, 2]
    assert sent.count(2) == sending.FAILURES_IN_A_ROW
    assert (mailing.finished_at - start) / MINUTE == 2


def test_the_longer_the_mail_server_is_away_the_longer_the_mailing_waits(clock, server):
    start = clock.now
    server.outages = [(start, start + 40 * MINUTE)]
    mailing = queued_mailing(40)

    run_queue(clock)

    # Each try of a server that is still away stops the batch and waits twice as long as
    # the last time, up to 16 times the first wait (NEWSLETTER_RETRY_AFTER).
    tries = sorted({time for time, _address, accepted in server.attempts if not accepted})
    assert minutes_after(start, tries) == [0, 1, 3, 7, 15, 31]
    back = min(time for time, _address, accepted in server.attempts if accepted)
    assert minutes_after(start, [back]) == [47]
    mailing.refresh_from_db()
    assert mailing.status == Mailing.Status.SENT
    assert mailing.deliveries.filter(status=Delivery.Status.SENT).count() == 40
    assert_everyone_got_one_copy(mailing)


def test_a_refused_address_is_tried_again_sooner_then_less_often_then_given_up(clock,
                                                                             server):
    start = clock.now
    mailing = queued_mailing(12, refused=1)

    run_queue(clock)

    tries = [time for time, address, _accepted in server.attempts
             if address == "busy0@refused.example"]
    assert minutes_after(start, tries) == [0, 1, 3, 7, 15]
    refused = mailing.deliveries.get(subscriber__email="busy0@refused.example")
    assert refused.status == Delivery.Status.FAILED
    assert refused.attempts == sending.MAX_ATTEMPTS == 5
    assert "SMTPRecipientsRefused" in refused.error
    # Nobody else waited for it.
    assert {time for time, _address, accepted in server.attempts if accepted} == {start}
    mailing.refresh_from_db()
    assert mailing.status == Mailing.Status.SENT
    assert_everyone_got_one_copy(mailing)


def test_the_waits_follow_the_settings(clock, server, settings):
    settings.NEWSLETTER_RETRY_AFTER = datetime.timedelta(seconds=30)
    start = clock.now
    server.outages = [(start, start + 5 * MINUTE)]
    mailing = queued_mailing(40)

    run_queue(clock)

    tries = sorted({time for time, _address, accepted in server.attempts if not accepted})
    assert minutes_after(start, tries) == [0, 0.5, 1.5, 3.5]
    mailing.refresh_from_db()
    assert mailing.status == Mailing.Status.SENT


# --- From the environment ----------------------------------------------------------------

def waits_from(**environ):
    env = {name: value for name, value in os.environ.items()
           if not name.startswith("NEWSLETTER_")}
    env.update(environ, DJANGO_SETTINGS_MODULE="palmecentret.settings")
    code = ("from django.conf import settings as s; "
            "print(int(s.NEWSLETTER_RETRY_AFTER.total_seconds()), "
            "int(s.NEWSLETTER_RESUME_AFTER.total_seconds()))")
    return subprocess.run([sys.executable, "-c", code], cwd=django_settings.BASE_DIR,
                          env=env, capture_output=True, text=True, timeout=60)


def test_the_waits_come_from_the_environment_in_seconds():
    defaults = waits_from()
    assert defaults.returncode == 0, defaults.stderr
    assert defaults.stdout.split() == ["60", "300"]
    chosen = waits_from(NEWSLETTER_RETRY_AFTER="120", NEWSLETTER_RESUME_AFTER=" 600 ")
    assert chosen.returncode == 0, chosen.stderr
    assert chosen.stdout.split() == ["120", "600"]
    # Set but empty, as an environment file may leave it: the default.
    assert waits_from(NEWSLETTER_RETRY_AFTER="").stdout.split() == ["60", "300"]


@pytest.mark.parametrize("value", ["0", "-60", "15m", "1.5", "²"])
@pytest.mark.parametrize("name", ["NEWSLETTER_RETRY_AFTER", "NEWSLETTER_RESUME_AFTER"])
def test_a_wait_that_is_no_whole_number_of_seconds_stops_the_start(name, value):
    result = waits_from(**{name: value})
    assert result.returncode != 0
    assert result.stderr.strip().splitlines() == [
        f"palmecentret: {name} must be a whole number of seconds, at least 1."]
