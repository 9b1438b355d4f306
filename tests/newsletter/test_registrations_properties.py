"""Hypothesis: any text posted gets 200/302/400/429, never 500, and no half-written rows."""

import urllib.parse

import pytest
from django.core.cache import cache
from django.urls import reverse
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from newsletter import tokens
from newsletter.models import ConsentRecord, Registration, Seminar, Subscriber, email_hash
from tests.factories import MailingListFactory, RegistrationFactory, SeminarFactory

pytestmark = pytest.mark.django_db

ALLOWED = {200, 302, 400, 429}
FIELDS = ["name", "email", "organisation", "consent", "invitations"]
# The fixtures are shared by a test's examples on purpose: rows pile up across them, and
# one test client (no cookies matter here) serves them all.
EXAMPLES = settings(max_examples=50, deadline=None,
                    suppress_health_check=[HealthCheck.too_slow,
                                           HealthCheck.function_scoped_fixture])

# Mostly nonsense, sometimes a plausible value, so that both the error path and the
# storing path are exercised.
values = st.one_of(st.text(), st.text(max_size=3), st.emails(), st.just("on"),
                   st.sampled_from(["alice@example.org", "ALICE@example.org", "x" * 300]))
arbitrary_forms = st.dictionaries(st.one_of(st.sampled_from(FIELDS), st.text(max_size=10)),
                                  st.one_of(values, st.lists(values, max_size=3)), max_size=7)
# Complete forms with odd values, so the storing path (and the invitations box) is taken.
complete_forms = st.fixed_dictionaries(
    {"name": st.text(min_size=1), "email": st.one_of(st.emails(), values),
     "consent": st.just("on")},
    optional={"organisation": st.text(), "invitations": st.sampled_from(["on", "", "1"])})
forms = st.one_of(arbitrary_forms, complete_forms)


def assert_nothing_half_written(seminar):
    """Each stored registration has its consent record; places never exceed capacity; no
    one confirmed waits while a place is free (only they move up); a cancelled row says
    when; a subscriber from the invitations box has the subscription and its consent
    record."""
    live = Registration.objects.filter(seminar=seminar)
    hashes = set(ConsentRecord.objects.filter(action=ConsentRecord.Action.REGISTER)
                 .values_list("email_hash", flat=True))
    for registration in live:
        assert email_hash(registration.email) in hashes
        assert (registration.status == "cancelled") == (registration.cancelled_at is not None)
    assert ConsentRecord.objects.filter(action="register").count() >= live.count()
    seminar.refresh_from_db()
    confirmed = live.filter(status="confirmed").count()
    assert seminar.capacity is None or confirmed <= seminar.capacity
    if live.filter(status="waitlisted", address_confirmed_at__isnull=False).exists():
        assert confirmed == seminar.capacity
    # The invitations box: each subscriber has their subscription and its consent record.
    for subscriber in Subscriber.objects.all():
        lists = set(subscriber.subscriptions.values_list("mailing_list", flat=True))
        logged = set(ConsentRecord.objects.filter(subscriber=subscriber, action="subscribe")
                     .values_list("mailing_list", flat=True))
        assert lists and lists <= logged


@pytest.fixture
def seminar():
    MailingListFactory(slug="seminarier")
    return SeminarFactory(capacity=3)


@EXAMPLES
@given(data=forms)
def test_any_registration_form_gets_a_proper_answer(client, seminar, data):
    cache.clear()  # each example is its own visitor, not a flood from one address
    response = client.post(
        reverse("newsletter:seminar-register", kwargs={"slug": seminar.slug}), data)
    assert response.status_code in ALLOWED
    assert_nothing_half_written(seminar)


@EXAMPLES
@given(body=st.binary(max_size=300))
def test_any_bytes_posted_as_a_form_get_a_proper_answer(client, seminar, body):
    cache.clear()
    response = client.generic(
        "POST", reverse("newsletter:seminar-register", kwargs={"slug": seminar.slug}),
        body, content_type="application/x-www-form-urlencoded")
    assert response.status_code in ALLOWED
    assert_nothing_half_written(seminar)


# A path segment: anything but "/" (which would make it another address, a 404).
segment_characters = st.characters(blacklist_categories=("Cs",), blacklist_characters="/")


def registered(seminar, **fields):
    """A registration with its consent record, as the form would have stored it."""
    registration = RegistrationFactory(seminar=seminar, **fields)
    ConsentRecord.objects.create(email_hash=email_hash(registration.email),
                                 action=ConsentRecord.Action.REGISTER)
    return registration


def cancel_url(token):
    return reverse("newsletter:registration-cancel",
                   kwargs={"token": urllib.parse.quote(token, safe="")})


def start_afresh(seminar, capacity):
    Registration.objects.filter(seminar=seminar).delete()
    Seminar.objects.filter(pk=seminar.pk).update(capacity=capacity)


@EXAMPLES
@given(token=st.text(alphabet=segment_characters, min_size=1), data=forms)
def test_any_cancel_link_and_form_gets_a_proper_answer(client, seminar, token, data):
    start_afresh(seminar, capacity=3)
    alice = registered(seminar)
    for response in (client.post(cancel_url(token), data), client.get(cancel_url(token))):
        assert response.status_code in ALLOWED
    alice.refresh_from_db()
    assert alice.status == "confirmed"
    assert_nothing_half_written(seminar)


@EXAMPLES
@given(token=st.text(alphabet=segment_characters, min_size=1), data=forms)
def test_any_confirm_link_and_form_gets_a_proper_answer(client, seminar, token, data):
    start_afresh(seminar, capacity=3)
    alice = registered(seminar, address_confirmed_at=None)
    url = reverse("newsletter:registration-confirm",
                  kwargs={"token": urllib.parse.quote(token, safe="")})
    for response in (client.post(url, data), client.get(url)):
        assert response.status_code in ALLOWED
    alice.refresh_from_db()
    assert alice.address_confirmed_at is None and alice.status == "confirmed"
    assert_nothing_half_written(seminar)


@EXAMPLES
@given(data=forms, position=st.integers(min_value=0, max_value=120),
       character=segment_characters)
def test_a_real_cancel_link_altered_anywhere_or_with_any_form_cancels_at_most_once(
        client, seminar, data, position, character):
    start_afresh(seminar, capacity=1)
    alice = registered(seminar)
    registered(seminar, status="waitlisted")
    token = tokens.make("cancel", alice.pk)
    if position < len(token):
        token = token[:position] + character + token[position + 1:]
    responses = [client.post(cancel_url(token), data) for _ in range(2)]
    assert {r.status_code for r in responses} <= ALLOWED
    alice.refresh_from_db()
    if alice.status == "cancelled":
        assert [r.status_code for r in responses] == [302, 302]
        # The freed place went to the one waiting, once.
        assert Registration.objects.filter(seminar=seminar, status="confirmed").count() == 1
    assert_nothing_half_written(seminar)
