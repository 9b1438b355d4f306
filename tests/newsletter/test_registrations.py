"""Registration rules and the mails of each step (mail.outbox), .ics parsed back."""

import datetime
import zoneinfo

import icalendar
import pytest
from django.core import mail
from django.core.cache import cache
from django.db import IntegrityError
from django.utils import timezone

from newsletter import registrations
from newsletter.models import ConsentRecord, Registration, email_hash
from tests.factories import RegistrationFactory, SeminarFactory
from tests.newsletter.mail_links import cancel_path

# The mails go out through tasks (the worker's, in production), run at once here.
pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("immediate_tasks")]

STOCKHOLM = zoneinfo.ZoneInfo("Europe/Stockholm")
CONSENT = "I agree that Palmecentret stores my name ..."
SOURCE = "https://portal.example/seminarier/x/"


def register(seminar, email, name="Alice Andersson", language="sv", confirmed=True):
    """Registering as the page does (the rules, then the mail its task sends) and, as a
    real person does, confirming with the mail's link. The mail asking to confirm is
    tested in test_registrations_confirmation.py; here it leaves the outbox once used."""
    registration = registrations.register(
        seminar, name=name, email=email, organisation="LO", language=language,
        consent_text=CONSENT, source=SOURCE)
    registrations.send_registration_mail(registration.pk)
    if confirmed:
        asking = mail.outbox.pop()
        assert asking.to == [registration.email]
        registrations.confirm(registration.pk)
        registration.refresh_from_db()
    return registration


def the_calendar(message):
    (attachment,) = message.attachments
    filename, content, mimetype = attachment
    assert filename.endswith(".ics") and mimetype == "text/calendar"
    return icalendar.Calendar.from_ical(content)


def test_alice_gets_a_place_and_a_mail_with_the_seminar_for_her_calendar():
    start = datetime.datetime(2031, 3, 14, 18, 0, tzinfo=STOCKHOLM)
    seminar = SeminarFactory(title_sv="Fackliga rättigheter", capacity=10, starts_at=start,
                             ends_at=start + datetime.timedelta(hours=2),
                             place_sv="ABF-huset, Stockholm")

    register(seminar, "alice@example.org")

    registration = Registration.objects.get()
    assert registration.status == Registration.Status.CONFIRMED
    assert (registration.name, registration.organisation, registration.language) == (
        "Alice Andersson", "LO", "sv")
    (message,) = mail.outbox
    assert message.to == ["alice@example.org"]
    assert "Fackliga rättigheter" in message.subject
    # Stockholm time in the text, whatever the server's clock zone.
    assert "14 mars 2031, 18:00–20:00" in message.body
    assert "ABF-huset, Stockholm" in message.body
    assert cancel_path(message).startswith("/seminarier/avboka/")
    event = the_calendar(message).events[0]
    assert event["SUMMARY"] == "Fackliga rättigheter"
    assert event["LOCATION"] == "ABF-huset, Stockholm"
    assert event.start == start and event.start.tzinfo.key == "Europe/Stockholm"
    assert event.end == start + datetime.timedelta(hours=2)


def test_the_registration_consent_is_recorded_with_the_words_shown():
    seminar = SeminarFactory()
    register(seminar, "Alice@Example.org", confirmed=False)
    consent = ConsentRecord.objects.get()
    assert consent.action == ConsentRecord.Action.REGISTER
    assert consent.consent_text == CONSENT and consent.source == SOURCE
    assert consent.email_hash == email_hash("alice@example.org")


def test_mails_are_in_the_registrants_language():
    seminar = SeminarFactory(title_sv="Fred", title_en="Peace")
    alice = register(seminar, "alice@example.org", language="en", confirmed=False)
    (asking,) = mail.outbox
    assert asking.subject == "Confirm your registration: Peace"
    assert "/en/seminars/confirm/" in asking.body
    registrations.confirm(alice.pk)
    message = mail.outbox[-1]
    assert "Peace" in message.subject and "You are registered" in message.subject
    assert "/en/seminars/cancel/" in message.body
    assert cancel_path(message, language="en")
    assert the_calendar(message).events[0]["SUMMARY"] == "Peace"


def test_the_online_link_goes_to_people_with_a_place():
    seminar = SeminarFactory(capacity=1, place_sv="", online_url="https://meet.example/abc")
    register(seminar, "alice@example.org")
    register(seminar, "bob@example.org", name="Bob", confirmed=False)
    confirmed, waitlisted = mail.outbox
    assert "https://meet.example/abc" in confirmed.body
    assert "https://meet.example/abc" in confirmed.alternatives[0][0]
    assert the_calendar(confirmed).events[0]["LOCATION"] == "https://meet.example/abc"
    assert "https://meet.example/abc" not in waitlisted.body


def test_when_the_seminar_is_full_bob_is_put_on_the_waiting_list():
    seminar = SeminarFactory(capacity=1)
    register(seminar, "alice@example.org")
    bob = register(seminar, "bob@example.org", name="Bob", confirmed=False)

    assert bob.status == Registration.Status.WAITLISTED
    message = mail.outbox[-1]
    assert message.to == ["bob@example.org"]
    assert message.subject.startswith("Bekräfta din anmälan: ")
    assert "Seminariet är fullbokat, så anmälan står på väntelistan." in message.body
    # No calendar file: Bob has no place (yet) to put in his calendar.
    assert message.attachments == []
    assert cancel_path(message)


def test_a_seminar_without_a_capacity_never_fills():
    seminar = SeminarFactory(capacity=None)
    for n in range(5):
        register(seminar, f"person{n}@example.org")
    assert set(Registration.objects.values_list("status", flat=True)) == {"confirmed"}


def test_a_repeat_in_another_letter_case_adds_no_row_and_answers_as_the_first_time():
    seminar = SeminarFactory(capacity=5)
    first = register(seminar, "alice@example.org", confirmed=False)
    again = register(seminar, "ALICE@Example.ORG", name="Someone else", confirmed=False)

    assert again.pk == first.pk
    assert Registration.objects.count() == 1
    assert ConsentRecord.objects.count() == 1
    # Not altered by whoever typed the address again.
    assert Registration.objects.get().name == "Alice Andersson"
    # A double click sends one mail, not two.
    assert len(mail.outbox) == 1


def test_a_repeat_after_a_while_sends_the_mail_again_for_someone_who_lost_it():
    seminar = SeminarFactory(capacity=1)
    register(seminar, "alice@example.org")
    register(seminar, "bob@example.org")
    cache.clear()  # as if RESEND_AFTER had passed
    # Confirmed by now: the mail with the place, or the waiting list's.
    register(seminar, "alice@example.org", confirmed=False)
    register(seminar, "bob@example.org", confirmed=False)
    alices_first, alices_again, bobs_again = mail.outbox
    assert alices_first.subject == alices_again.subject
    assert alices_again.subject.startswith("Du är anmäld") and alices_again.attachments
    assert bobs_again.subject.startswith("På väntelistan")


def test_a_lost_race_on_the_unique_index_answers_as_a_repeat(monkeypatch):
    # Someone saved the address (e.g. in the admin) between the look-up and the insert:
    # the look-up misses it once, the unique index refuses the second row.
    seminar = SeminarFactory()
    existing = RegistrationFactory(seminar=seminar, email="alice@example.org")
    real_lookup = registrations._live_registration
    calls = []

    def miss_once(*args):
        calls.append(args)
        return None if len(calls) == 1 else real_lookup(*args)

    monkeypatch.setattr(registrations, "_live_registration", miss_once)
    outcome = register(seminar, "Alice@example.org")

    assert outcome.pk == existing.pk
    assert Registration.objects.count() == 1
    # The consent of the refused row was rolled back with it: nothing half-written.
    assert ConsentRecord.objects.count() == 0


def test_other_integrity_errors_are_not_taken_for_a_repeat(monkeypatch):
    seminar = SeminarFactory()

    def broken_create(**kwargs):
        raise IntegrityError("some other constraint")

    monkeypatch.setattr(Registration.objects, "create", broken_create)
    with pytest.raises(IntegrityError):
        register(seminar, "alice@example.org")


def test_a_cancelled_person_may_register_again():
    seminar = SeminarFactory()
    first = register(seminar, "alice@example.org")
    registrations.cancel(first.pk)
    again = register(seminar, "alice@example.org")
    assert again.pk != first.pk
    assert Registration.objects.filter(seminar=seminar).count() == 2


@pytest.mark.parametrize("change, reason", [
    ({"published": False}, registrations.UNPUBLISHED),
    ({"registration_deadline": timezone.now() - datetime.timedelta(minutes=1)},
     registrations.DEADLINE),
    ({"starts_at": timezone.now() - datetime.timedelta(minutes=5)}, registrations.STARTED),
    ({"starts_at": timezone.now() - datetime.timedelta(days=2),
      "ends_at": timezone.now() - datetime.timedelta(days=2) + datetime.timedelta(hours=2)},
     registrations.OVER),
])
def test_registration_is_closed_for_a_reason(change, reason):
    seminar = SeminarFactory(**change)
    assert registrations.closed_reason(seminar) == reason
    with pytest.raises(registrations.RegistrationClosed) as closed:
        register(seminar, "alice@example.org")
    assert closed.value.reason == reason
    assert not Registration.objects.exists() and not ConsentRecord.objects.exists()
    assert mail.outbox == []


def test_registration_is_open_until_the_deadline():
    seminar = SeminarFactory(
        registration_deadline=timezone.now() + datetime.timedelta(minutes=1))
    assert registrations.closed_reason(seminar) is None


def test_cancelling_a_place_moves_the_first_on_the_waiting_list_up_and_mails_them():
    seminar = SeminarFactory(capacity=1, online_url="https://meet.example/abc")
    alice = register(seminar, "alice@example.org")
    bob = register(seminar, "bob@example.org", name="Bob")
    carol = register(seminar, "carol@example.org", name="Carol")
    mail.outbox.clear()

    result = registrations.cancel(alice.pk)

    assert result.changed
    alice.refresh_from_db()
    bob.refresh_from_db()
    carol.refresh_from_db()
    assert alice.status == Registration.Status.CANCELLED and alice.cancelled_at
    assert bob.status == Registration.Status.CONFIRMED and bob.promoted_at
    assert carol.status == Registration.Status.WAITLISTED and carol.promoted_at is None
    (message,) = mail.outbox
    assert message.to == ["bob@example.org"]
    assert "Bob" in message.body and "https://meet.example/abc" in message.body
    assert the_calendar(message).events[0]["SUMMARY"] == seminar.title
    assert cancel_path(message)


def test_cancelling_twice_changes_nothing_the_second_time():
    seminar = SeminarFactory(capacity=1)
    alice = register(seminar, "alice@example.org")
    register(seminar, "bob@example.org")
    registrations.cancel(alice.pk)
    cancelled_at = Registration.objects.get(pk=alice.pk).cancelled_at
    mail.outbox.clear()

    again = registrations.cancel(alice.pk)

    assert not again.changed
    assert Registration.objects.get(pk=alice.pk).cancelled_at == cancelled_at
    assert mail.outbox == []


def test_leaving_the_waiting_list_moves_nobody_up():
    seminar = SeminarFactory(capacity=1)
    register(seminar, "alice@example.org")
    bob = register(seminar, "bob@example.org")
    register(seminar, "carol@example.org")
    mail.outbox.clear()
    registrations.cancel(bob.pk)
    assert mail.outbox == []
    assert Registration.objects.filter(status="waitlisted").count() == 1


def test_nobody_moves_up_into_a_seminar_that_has_begun():
    seminar = SeminarFactory(capacity=1)
    alice = register(seminar, "alice@example.org")
    register(seminar, "bob@example.org")
    seminar.starts_at = timezone.now() - datetime.timedelta(minutes=10)
    seminar.save()
    mail.outbox.clear()
    registrations.cancel(alice.pk)
    assert Registration.objects.filter(status="confirmed").count() == 0
    assert mail.outbox == []


def test_a_seminar_that_is_over_cannot_be_cancelled():
    start = timezone.now() - datetime.timedelta(days=3)
    alice = RegistrationFactory(seminar=SeminarFactory(
        starts_at=start, ends_at=start + datetime.timedelta(hours=2)))
    assert not registrations.cancel(alice.pk).changed
    alice.refresh_from_db()
    assert alice.status == Registration.Status.CONFIRMED


def test_cancelling_a_removed_registration_says_so():
    with pytest.raises(Registration.DoesNotExist):
        registrations.cancel(987654)


def test_raising_the_capacity_lets_the_waiting_list_move_up_in_order():
    seminar = SeminarFactory(capacity=1)
    register(seminar, "alice@example.org")
    bob = register(seminar, "bob@example.org")
    carol = register(seminar, "carol@example.org")
    dave = register(seminar, "dave@example.org")
    seminar.capacity = 3
    seminar.save()
    mail.outbox.clear()

    promoted = registrations.promote_waiting(seminar)

    assert [p.pk for p in promoted] == [bob.pk, carol.pk]
    assert [m.to for m in mail.outbox] == [["bob@example.org"], ["carol@example.org"]]
    dave.refresh_from_db()
    assert dave.status == Registration.Status.WAITLISTED


def test_after_raising_the_capacity_newcomers_queue_behind_the_people_waiting(client,
                                                                             settings):
    """The page and registering count alike: a free place is owed to the people already
    waiting, so until the waiting list has moved up the page says "waiting list" and
    someone new gets a place on it, not the place."""
    settings.PAGE_CACHE_SECONDS = 0
    seminar = SeminarFactory(capacity=1)
    register(seminar, "alice@example.org")
    bob = register(seminar, "bob@example.org", name="Bob")
    seminar.capacity = 2
    seminar.save()
    assert "2, alla upptagna: väntelista" in client.get(
        seminar.get_absolute_url()).content.decode()

    carol = register(seminar, "carol@example.org", name="Carol",
                     confirmed=False)

    assert carol.status == Registration.Status.WAITLISTED
    # Staff give the new place to the waiting list: to Bob, who was waiting first.
    assert [p.pk for p in registrations.promote_waiting(seminar)] == [bob.pk]
    carol.refresh_from_db()
    assert carol.status == Registration.Status.WAITLISTED


def test_a_failing_mail_server_does_not_undo_the_registration(settings, caplog):
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", 9  # nothing listens there
    seminar = SeminarFactory()
    register(seminar, "alice@example.org", confirmed=False)
    assert Registration.objects.count() == 1
    assert "failed" in caplog.text
