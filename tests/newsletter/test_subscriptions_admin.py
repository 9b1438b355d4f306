"""The subscriber admin's GDPR tools: nina (newsletter manager) exports everything about
an address as JSON and erases it after a confirmation page; carl (content editor) gets
403 on both."""

import json

import pytest
from django.urls import reverse
from django.utils import timezone

from newsletter.models import ConsentRecord, Registration, Subscriber, Subscription, email_hash
from tests.admin_personas import carl, nina
from tests.factories import (
    ConsentRecordFactory,
    RegistrationFactory,
    SubscriberFactory,
    SubscriptionFactory,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def alice():
    subscriber = SubscriberFactory(email="alice@example.org", name="Alice",
                                   confirmed_at=timezone.now())
    SubscriptionFactory(subscriber=subscriber, status="active")
    ConsentRecordFactory(subscriber=subscriber)
    RegistrationFactory(email="Alice@Example.org", name="Alice")
    return subscriber


def export_url(subscriber):
    return reverse("admin:newsletter_subscriber_export_data", args=[subscriber.pk])


def erase_url(subscriber):
    return reverse("admin:newsletter_subscriber_erase", args=[subscriber.pk])


def test_a_content_editor_can_neither_export_nor_erase(client, alice):
    client.force_login(carl())
    assert client.get(export_url(alice)).status_code == 403
    assert client.get(erase_url(alice)).status_code == 403
    assert client.post(erase_url(alice)).status_code == 403
    assert Subscriber.objects.filter(pk=alice.pk).exists()


def test_visitors_are_sent_to_the_login(client, alice):
    response = client.get(export_url(alice))
    assert response.status_code == 302 and "login" in response["Location"]


def test_the_newsletter_manager_sees_both_tools_on_the_subscriber_page(client, alice):
    client.force_login(nina())
    html = client.get(reverse("admin:newsletter_subscriber_change", args=[alice.pk])
                      ).content.decode()
    assert export_url(alice) in html and erase_url(alice) in html


def test_the_newsletter_manager_exports_everything_as_json(client, alice):
    client.force_login(nina())
    response = client.get(export_url(alice))

    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"
    assert response["Content-Disposition"] == (
        f'attachment; filename="subscriber-{alice.pk}.json"')
    data = json.loads(response.content)
    assert data["subscriber"]["email"] == "alice@example.org"
    assert len(data["subscriptions"]) == 1 and len(data["consent_log"]) == 1
    assert [r["email"] for r in data["seminar_registrations"]] == ["Alice@Example.org"]


def test_erasing_asks_first_then_erases(client, alice):
    client.force_login(nina())
    page = client.get(erase_url(alice))
    assert page.status_code == 200
    html = page.content.decode()
    assert "Ja, radera allt" in html and "1 seminarieanmälan med samma adress" in html
    assert Subscriber.objects.filter(pk=alice.pk).exists()

    response = client.post(erase_url(alice))
    assert response.status_code == 302
    assert response["Location"] == reverse("admin:newsletter_subscriber_changelist")
    assert not Subscriber.objects.exists() and not Subscription.objects.exists()
    assert not Registration.objects.exists()
    hashed = ConsentRecord.objects.filter(email_hash=email_hash("alice@example.org"))
    assert set(hashed.values_list("action", flat=True)) == {"subscribe", "erase"}
    assert not hashed.filter(subscriber__isnull=False).exists()
    message = client.get(response["Location"]).content.decode()
    assert ("Prenumeranten är raderad. Prenumerationer: 1, leveranser: 0, "
            "seminarieanmälningar: 1.") in message
    assert "alice@example.org" not in message


def test_a_missing_subscriber_is_a_404(client):
    client.force_login(nina())
    assert client.get(reverse("admin:newsletter_subscriber_erase", args=[999])
                      ).status_code == 404
