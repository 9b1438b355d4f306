"""The admin's registration actions go through the rules; only managers move people up."""

import pytest
from django.core import mail
from django.core.cache import cache
from django.urls import reverse

from newsletter.models import Registration
from tests.admin_personas import carl, nina
from tests.factories import RegistrationFactory, SeminarFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _fresh_cache():
    cache.clear()


def run_action(client, model, action, objects):
    return client.post(reverse(f"admin:newsletter_{model}_changelist"), {
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
