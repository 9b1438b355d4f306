"""send_seminar_reminders: the day before, once, to people with a place, with place or link."""

import datetime
import io

import pytest
from django.core import mail
from django.core.management import CommandError, call_command
from django.utils import timezone

from newsletter.models import Registration
from tests.factories import RegistrationFactory, SeminarFactory

pytestmark = pytest.mark.django_db


def in_hours(hours):
    start = timezone.now() + datetime.timedelta(hours=hours)
    return {"starts_at": start, "ends_at": start + datetime.timedelta(hours=2)}


def remind(**options):
    out = io.StringIO()
    call_command("send_seminar_reminders", stdout=out, stderr=io.StringIO(), **options)
    return out.getvalue()


def test_people_with_a_place_are_reminded_the_day_before_with_the_place():
    seminar = SeminarFactory(place_sv="ABF-huset, Sveavägen 41", **in_hours(30))
    alice = RegistrationFactory(seminar=seminar, email="alice@example.org")
    RegistrationFactory(seminar=seminar, status="waitlisted")
    RegistrationFactory(seminar=seminar, status="cancelled")

    assert "Sent 1 seminar reminder(s)." in remind()

    (message,) = mail.outbox
    assert message.to == ["alice@example.org"]
    assert message.subject.startswith(f"Påminnelse: {seminar.title} den ")
    assert "ABF-huset, Sveavägen 41" in message.body
    assert "/seminarier/avboka/" in message.body  # her link to give the place up
    alice.refresh_from_db()
    assert alice.reminded_at is not None


def test_an_online_seminar_reminder_carries_the_link():
    seminar = SeminarFactory(place_sv="", online_url="https://meet.example/abc", **in_hours(40))
    RegistrationFactory(seminar=seminar, language="en")
    remind()
    (message,) = mail.outbox
    assert "https://meet.example/abc" in message.body
    assert "https://meet.example/abc" in message.alternatives[0][0]
    assert message.subject.startswith("Reminder:")


def test_running_twice_reminds_once():
    seminar = SeminarFactory(**in_hours(30))
    RegistrationFactory.create_batch(3, seminar=seminar)
    remind()
    assert "Sent 0 seminar reminder(s)." in remind()
    assert len(mail.outbox) == 3


@pytest.mark.parametrize("hours", [2, 23, 49, 24 * 7, -30])
def test_seminars_outside_the_day_before_are_left_alone(hours):
    RegistrationFactory(seminar=SeminarFactory(**in_hours(hours)))
    remind()
    assert mail.outbox == []
    assert not Registration.objects.filter(reminded_at__isnull=False).exists()


def test_unpublished_seminars_send_no_reminders():
    RegistrationFactory(seminar=SeminarFactory(published=False, **in_hours(30)))
    remind()
    assert mail.outbox == []


def test_a_dry_run_sends_and_marks_nothing():
    RegistrationFactory(seminar=SeminarFactory(**in_hours(30)))
    assert "1 seminar reminder(s) due" in remind(dry_run=True)
    assert mail.outbox == []
    assert Registration.objects.get().reminded_at is None


def test_a_failing_mail_server_leaves_the_reminder_for_the_next_run(settings):
    RegistrationFactory(seminar=SeminarFactory(**in_hours(30)))
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", 9  # nothing listens there
    with pytest.raises(CommandError, match="1 reminder"):
        remind()
    assert Registration.objects.get().reminded_at is None

    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    remind()
    assert len(mail.outbox) == 1
    assert Registration.objects.get().reminded_at is not None


def test_each_reminder_costs_one_claiming_update_and_no_other_query(
        django_assert_num_queries):
    seminar = SeminarFactory(**in_hours(30))
    RegistrationFactory.create_batch(4, seminar=seminar)
    # One select (with the seminar joined), then one claiming update per registration.
    with django_assert_num_queries(1 + 4):
        remind()
