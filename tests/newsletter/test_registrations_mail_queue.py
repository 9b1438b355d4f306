"""The mails that tell a person a place is theirs (confirmed with a place, moved up from the
waiting list) go out from the worker: no public request waits on the mail server, the
queue holds record ids only, and a mail server that fails is tried again later. The
queue is the database backend's, as in production (the `task_queue` fixture)."""

import datetime
import smtplib
from urllib.parse import urlsplit

import pytest
from django.core import mail
from django.core.mail.backends import locmem
from django.urls import reverse
from django.utils import timezone

from newsletter import links, registrations
from newsletter.models import Registration
from tests.factories import RegistrationFactory, SeminarFactory
from tests.newsletter.task_queue import run_due, run_queue

pytestmark = pytest.mark.django_db

PLACE_MAIL = "newsletter.registrations.send_place_mail"


def path(url):
    return urlsplit(url).path


def from_the_form(seminar, email):
    """A registration made on the public form and not confirmed yet."""
    return RegistrationFactory(seminar=seminar, email=email, address_confirmed_at=None)


def place_mails(queued):
    return [arguments for task, arguments in queued if task == PLACE_MAIL]


def test_confirming_a_place_answers_before_the_mail_goes_out(client, task_queue):
    seminar = SeminarFactory(capacity=2, online_url="https://meet.example/abc")
    alice = from_the_form(seminar, "alice@example.org")

    response = client.post(path(links.confirm_registration_url(alice)))

    assert response.status_code == 302
    assert mail.outbox == []
    assert place_mails(task_queue()) == [[alice.pk]]
    run_due()
    (message,) = mail.outbox
    assert message.to == ["alice@example.org"]
    assert message.subject.startswith("Du är anmäld")
    assert message.attachments and "https://meet.example/abc" in message.body


def test_cancelling_answers_before_the_person_moving_up_is_mailed(client, task_queue):
    seminar = SeminarFactory(capacity=1)
    alice = RegistrationFactory(seminar=seminar, email="alice@example.org")
    bob = RegistrationFactory(seminar=seminar, status="waitlisted", email="bob@example.org")

    assert client.post(path(links.cancel_registration_url(alice))).status_code == 302

    assert Registration.objects.get(pk=bob.pk).status == "confirmed"
    assert mail.outbox == []
    assert place_mails(task_queue()) == [[bob.pk]]
    run_due()
    (message,) = mail.outbox
    assert message.to == ["bob@example.org"] and message.subject.startswith("En plats")


def test_registering_releases_a_lapsed_hold_and_queues_the_mail_of_who_moves_up(
        client, task_queue):
    seminar = SeminarFactory(capacity=1)
    stale = from_the_form(seminar, "made-up@example.org")
    Registration.objects.filter(pk=stale.pk).update(
        created=timezone.now() - datetime.timedelta(hours=30))
    bob = RegistrationFactory(seminar=seminar, status="waitlisted", email="bob@example.org")

    response = client.post(reverse("newsletter:seminar-register",
                                   kwargs={"slug": seminar.slug}), {
        "name": "Carol", "email": "carol@example.org", "consent": "on"})

    assert response.status_code == 302
    assert mail.outbox == []
    carol = Registration.objects.get(email="carol@example.org")
    queued = task_queue()
    assert place_mails(queued) == [[bob.pk]]
    assert ("newsletter.tasks.send_registration_mail", [carol.pk]) in queued
    # Nothing but record ids: no address typed on the form waits in the queue.
    assert "@" not in repr(queued)


def test_a_place_no_longer_theirs_when_the_worker_comes_gets_no_mail(client, task_queue):
    seminar = SeminarFactory(capacity=2)
    alice = from_the_form(seminar, "alice@example.org")
    client.post(path(links.confirm_registration_url(alice)))
    client.post(path(links.cancel_registration_url(alice)))

    run_due()

    assert mail.outbox == []


class FailingMailServer(locmem.EmailBackend):
    """Away until `back` on the clock, noting every attempt."""

    back = None
    attempts = []

    def send_messages(self, messages):
        FailingMailServer.attempts.append(timezone.now())
        if timezone.now() < FailingMailServer.back:
            raise smtplib.SMTPServerDisconnected("Connection unexpectedly closed")
        return super().send_messages(messages)


def test_a_place_mail_the_mail_server_failed_is_tried_again_later(settings, clock,
                                                                   task_queue):
    settings.EMAIL_BACKEND = f"{__name__}.FailingMailServer"
    FailingMailServer.back = clock.now + datetime.timedelta(minutes=2, seconds=30)
    FailingMailServer.attempts = []
    seminar = SeminarFactory(capacity=1)
    alice = RegistrationFactory(seminar=seminar)
    bob = RegistrationFactory(seminar=seminar, status="waitlisted", email="bob@example.org")
    registrations.cancel(alice.pk)
    started = clock.now

    run_queue(clock, task_path=PLACE_MAIL)

    # At once, then after 1 and 2 more minutes (as a mailing waits for its server).
    assert [attempt - started for attempt in FailingMailServer.attempts] == [
        datetime.timedelta(0), datetime.timedelta(minutes=1), datetime.timedelta(minutes=3)]
    (message,) = mail.outbox
    assert message.to == [bob.email]


def test_a_mail_server_that_stays_away_is_given_up_after_a_few_tries(settings, clock,
                                                                     task_queue):
    settings.EMAIL_BACKEND = f"{__name__}.FailingMailServer"
    FailingMailServer.back = clock.now + datetime.timedelta(days=1)
    FailingMailServer.attempts = []
    seminar = SeminarFactory(capacity=1)
    alice = RegistrationFactory(seminar=seminar)
    RegistrationFactory(seminar=seminar, status="waitlisted")
    registrations.cancel(alice.pk)

    run_queue(clock, task_path=PLACE_MAIL)

    assert len(FailingMailServer.attempts) == 5 and mail.outbox == []
