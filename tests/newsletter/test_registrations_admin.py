"""The admin's registration actions go through the rules; only managers move people up."""

import datetime

import pytest
from django.core import mail
from django.core.cache import cache
from django.urls import reverse
from django.utils import timezone, translation

from newsletter import registrations
from newsletter.models import Registration
from tests.admin_personas import carl, nina, staff
from tests.factories import RegistrationFactory, SeminarFactory

# The mails go out through tasks (the worker's, in production), run at once here.
pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("immediate_tasks")]


@pytest.fixture(autouse=True)
def _fresh_cache():
    cache.clear()


def run_action(client, model, action, objects, language="sv"):
    with translation.override(language):
        changelist = reverse(f"admin:newsletter_{model}_changelist")
    return client.post(changelist, {
        "action": action, "_selected_action": [o.pk for o in objects]}, follow=True)


def test_nina_cancels_a_registration_and_the_first_waiting_moves_up(client):
    seminar = SeminarFactory(capacity=1)
    alice = RegistrationFactory(seminar=seminar)
    bob = RegistrationFactory(seminar=seminar, status="waitlisted", email="bob@example.org")
    client.force_login(nina())

    response = run_action(client, "registration", "cancel_registrations", [alice])

    assert "1 anmälan avbokad." in response.content.decode()
    alice.refresh_from_db()
    bob.refresh_from_db()
    assert alice.status == "cancelled" and bob.status == "confirmed" and bob.promoted_at
    assert [m.to for m in mail.outbox] == [["bob@example.org"]]


def expired(registration):
    """Registered on the public form more than the hold ago and never confirmed."""
    Registration.objects.filter(pk=registration.pk).update(
        address_confirmed_at=None, created=timezone.now() - datetime.timedelta(hours=30))
    return registration


def test_cancelling_a_registration_nobody_confirmed_in_time_says_it_was_released(client):
    seminar = SeminarFactory(capacity=1)
    mallory = expired(RegistrationFactory(seminar=seminar, email="made-up@example.org"))
    bob = RegistrationFactory(seminar=seminar, status="waitlisted", email="bob@example.org")
    client.force_login(nina())

    response = run_action(client, "registration", "cancel_registrations", [mallory])

    assert response.status_code == 200
    page = response.content.decode()
    assert "0 anmälningar avbokade." in page
    assert ("1 anmälan hade inte bekräftats i tid av den som anmälde sig och har släppts."
            in page)
    assert not Registration.objects.filter(pk=mallory.pk).exists()
    # Released as the rules release it: the place went to the first confirmed waiting.
    bob.refresh_from_db()
    assert bob.status == "confirmed"
    assert [m.to for m in mail.outbox] == [["bob@example.org"]]


def test_the_admin_in_english_says_so_in_english(client):
    mallory = expired(RegistrationFactory(seminar=SeminarFactory(capacity=1)))
    client.force_login(nina())
    page = run_action(client, "registration", "cancel_registrations", [mallory],
                      language="en").content.decode()
    assert ("0 registrations cancelled. 1 registration had not been confirmed in time by "
            "the registrant and was released.") in page


def test_cancelling_a_valid_and_an_expired_registration_together_does_both(client):
    seminar = SeminarFactory(capacity=2)
    alice = RegistrationFactory(seminar=seminar, email="alice@example.org")
    mallory = expired(RegistrationFactory(seminar=seminar, email="made-up@example.org"))
    waiting = [RegistrationFactory(seminar=seminar, status="waitlisted",
                                   email=f"waiting{n}@example.org") for n in range(2)]
    client.force_login(nina())

    response = run_action(client, "registration", "cancel_registrations", [alice, mallory])

    assert response.status_code == 200
    page = response.content.decode()
    assert "1 anmälan avbokad." in page and "1 anmälan hade inte bekräftats i tid" in page
    assert Registration.objects.get(pk=alice.pk).status == "cancelled"
    assert not Registration.objects.filter(pk=mallory.pk).exists()
    assert {r.status for r in Registration.objects.filter(pk__in=[w.pk for w in waiting])} \
        == {"confirmed"}
    assert sorted(m.to[0] for m in mail.outbox) == ["waiting0@example.org",
                                                    "waiting1@example.org"]


def test_nina_marks_a_registration_phoned_in_as_confirmed_and_it_moves_up(client):
    """Per registered on the form, never got the mail, and phoned: nina vouches for his
    address. He moves up as if he had confirmed, gets the mail, and the history says
    who confirmed it."""
    seminar = SeminarFactory(capacity=1)
    holder = RegistrationFactory(seminar=seminar)
    per = RegistrationFactory(seminar=seminar, status="waitlisted", email="per@example.org",
                              address_confirmed_at=None)
    registrations.cancel(holder.pk)
    assert Registration.objects.get(pk=per.pk).status == "waitlisted"  # not confirmed yet
    client.force_login(nina())

    response = run_action(client, "registration", "mark_confirmed", [per])

    assert "1 anmälan markerad som bekräftad." in response.content.decode()
    per.refresh_from_db()
    assert per.address_confirmed_at is not None
    assert per.status == "confirmed" and per.promoted_at
    (message,) = mail.outbox
    assert message.to == ["per@example.org"] and message.subject.startswith("En plats")
    history = client.get(reverse("admin:newsletter_registration_history", args=[per.pk]))
    assert "nina" in history.content.decode()
    assert "bekräftad av den anmälda" in history.content.decode()

    again = run_action(client, "registration", "mark_confirmed", [per])
    assert "0 anmälningar markerade som bekräftade." in again.content.decode()
    assert len(mail.outbox) == 1


def test_marking_a_place_confirmed_sends_the_registration_mail(client):
    alice = RegistrationFactory(seminar=SeminarFactory(capacity=5),
                                email="alice@example.org", address_confirmed_at=None)
    client.force_login(nina())
    run_action(client, "registration", "mark_confirmed", [alice])
    (message,) = mail.outbox
    assert message.to == ["alice@example.org"]
    assert message.subject.startswith("Du är anmäld") and message.attachments


def test_marking_an_expired_registration_confirmed_says_it_was_released(client):
    mallory = expired(RegistrationFactory(seminar=SeminarFactory(capacity=1)))
    client.force_login(nina())
    page = run_action(client, "registration", "mark_confirmed", [mallory]).content.decode()
    assert "1 anmälan hade inte bekräftats i tid" in page
    assert not Registration.objects.filter(pk=mallory.pk).exists()


def test_only_those_who_may_change_registrations_may_mark_them_confirmed(client):
    from django.contrib.auth.models import Permission

    per = RegistrationFactory(address_confirmed_at=None)
    reader = staff("reader")
    reader.user_permissions.add(Permission.objects.get(codename="view_registration"))
    for user in (carl(), reader):
        client.force_login(user)
        changelist = client.get(reverse("admin:newsletter_registration_changelist"))
        assert "mark_confirmed" not in changelist.content.decode()
        run_action(client, "registration", "mark_confirmed", [per])
        assert Registration.objects.get(pk=per.pk).address_confirmed_at is None
    assert mail.outbox == []


def test_nina_gives_new_places_to_the_waiting_list(client):
    seminar = SeminarFactory(capacity=1)
    RegistrationFactory(seminar=seminar)
    waiting = RegistrationFactory.create_batch(3, seminar=seminar, status="waitlisted")
    seminar.capacity = 3
    seminar.save()
    client.force_login(nina())

    response = run_action(client, "seminar", "fill_free_places", [seminar])

    assert "2 personer har flyttats upp från väntelistan." in response.content.decode()
    statuses = [Registration.objects.get(pk=r.pk).status for r in waiting]
    assert statuses == ["confirmed", "confirmed", "waitlisted"]
    assert len(mail.outbox) == 2


def test_a_content_editor_cannot_move_people_up(client):
    seminar = SeminarFactory(capacity=2)
    RegistrationFactory(seminar=seminar, status="waitlisted")
    client.force_login(carl())
    changelist = client.get(reverse("admin:newsletter_seminar_changelist")).content.decode()
    assert "fill_free_places" not in changelist
    run_action(client, "seminar", "fill_free_places", [seminar])
    assert Registration.objects.get().status == "waitlisted"
    assert mail.outbox == []
