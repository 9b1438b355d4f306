"""Raced signups on PostgreSQL, from many threads at once: the unique index on the
lower-cased address and the subscriber's row lock leave one subscriber, one waiting
subscription and one confirmation mail."""

import threading

import pytest
from django.core import mail
from django.test import Client

from newsletter import subscriptions
from newsletter.models import ConsentRecord, Subscriber, Subscription
from tests.concurrency import at_once
from tests.factories import MailingListFactory

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]

THREADS = 20


def letter_case(n, address="alice.andersson@example.org"):
    """The n-th way of writing the address: every letter's case picked by n's bits."""
    return "".join(ch.upper() if (n >> (i % 20)) & 1 else ch for i, ch in enumerate(address))


def test_twenty_signups_of_one_address_at_once_make_one_subscriber_and_one_mail():
    newsletter = MailingListFactory(slug="nyhetsbrev")

    def sign_up(n):
        # The rules, then the mail as the page's task sends it (throttled per address).
        subscriber = subscriptions.subscribe(letter_case(n), lists=[newsletter],
                                             language="sv", source="test", consent_text="ok")
        subscriptions.send_confirmation(subscriber)

    assert len({letter_case(n) for n in range(THREADS)}) == THREADS
    assert at_once(THREADS, sign_up) == []

    subscriber = Subscriber.objects.get()
    assert subscriber.email == "alice.andersson@example.org"
    assert list(Subscription.objects.values_list("status", flat=True)) == ["pending"]
    assert ConsentRecord.objects.filter(subscriber=subscriber).count() == THREADS
    assert len(mail.outbox) == 1


def test_twenty_signups_through_the_page_at_once(settings, immediate_tasks):
    MailingListFactory(slug="nyhetsbrev")
    # Twenty people in one office: generous limits for this test's one address.
    settings.NEWSLETTER_SIGNUP_RATE_PER_IP = settings.NEWSLETTER_SIGNUP_RATE_PER_ADDRESS = "100/h"
    codes = []
    lock = threading.Lock()

    def post(n):
        response = Client().post("/nyhetsbrev/", {"email": letter_case(n),
                                                  "lists": ["nyhetsbrev"]})
        with lock:
            codes.append(response.status_code)

    assert at_once(THREADS, post) == []
    assert codes == [302] * THREADS
    assert Subscriber.objects.count() == 1 and Subscription.objects.count() == 1
    assert len(mail.outbox) == 1


def test_signups_confirmations_and_unsubscribes_at_once_leave_a_consistent_state():
    newsletter = MailingListFactory(slug="nyhetsbrev")
    invitations = MailingListFactory(slug="seminarier")
    alice = subscriptions.subscribe("alice@example.org", lists=[newsletter], language="sv",
                                    source="test", consent_text="ok")

    def act(n):
        if n % 3 == 0:
            subscriptions.subscribe(letter_case(n, "alice@example.org"),
                                    lists=[newsletter, invitations], language="sv",
                                    source="test", consent_text="ok")
        elif n % 3 == 1:
            subscriptions.confirm(alice, source="test")
        else:
            subscriptions.unsubscribe(alice, invitations, source="test")

    assert at_once(THREADS, act) == []
    assert Subscriber.objects.count() == 1
    assert Subscription.objects.count() == 2
    for subscription in Subscription.objects.all():
        assert (subscription.status == "unsubscribed") == (
            subscription.unsubscribed_at is not None)
        if subscription.status == "active":
            assert subscription.confirmed_at is not None


def test_the_purge_and_a_signup_at_once_never_lose_the_signup(monkeypatch):
    import datetime

    from django.utils import timezone

    newsletter = MailingListFactory(slug="nyhetsbrev")
    for n in range(THREADS):
        subscriptions.subscribe(f"old{n}@example.org", lists=[newsletter], language="sv",
                                source="test", consent_text="ok")
    Subscriber.objects.update(created=timezone.now() - datetime.timedelta(days=30))
    Subscription.objects.update(created=timezone.now() - datetime.timedelta(days=30))
    ConsentRecord.objects.update(created=timezone.now() - datetime.timedelta(days=30))

    def act(n):
        if n % 2:
            subscriptions.purge_unconfirmed(7)
        else:
            subscriptions.subscribe(f"old{n}@example.org", lists=[newsletter],
                                    language="sv", source="test", consent_text="ok")

    assert at_once(THREADS, act) == []
    # Everyone who signed up again has a subscriber and a waiting subscription.
    for n in range(0, THREADS, 2):
        subscriber = Subscriber.objects.get(email=f"old{n}@example.org")
        assert subscriber.subscriptions.get().status == "pending"
    assert not Subscriber.objects.filter(email__in=[f"old{n}@example.org"
                                                    for n in range(1, THREADS, 2)]).exists()
