"""Arbitrary text posted to every public subscription form (hypothesis): the answer is
200, 302, 400 or 429, never a 500, and no row is ever half-written."""

import pytest
from django.core.cache import cache
from django.test import Client
from django.urls import reverse
from django.utils import translation
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from newsletter import subscriptions, tokens
from newsletter.models import ConsentRecord, Subscriber, Subscription, email_hash
from tests.factories import MailingListFactory

pytestmark = pytest.mark.django_db

ALLOWED = {200, 302, 400, 429}
FIELDS = ["email", "name", "lists", "website", "source", "language", "List-Unsubscribe"]
EXAMPLES = settings(max_examples=50, deadline=None,
                    suppress_health_check=[HealthCheck.too_slow,
                                           HealthCheck.function_scoped_fixture])

# Mostly nonsense (control characters, very long text), sometimes a plausible value, so
# that both the error path and the storing path are exercised.
values = st.one_of(
    st.text(), st.text(max_size=3), st.emails(), st.just("on"),
    st.text(alphabet=st.characters(codec="utf-8"), min_size=200, max_size=2000),
    st.sampled_from(["alice@example.org", " ALICE@Example.org ", "åsa@bücher.example",
                     "nyhetsbrev", "seminarier", "sv", "en", "One-Click", "/en/about/",
                     "x" * 300, "alice\x00@example.org", "a@b\u200b.org", "9" * 30]),
)
forms = st.dictionaries(st.one_of(st.sampled_from(FIELDS), st.text(max_size=10)),
                        st.one_of(values, st.lists(values, max_size=3)), max_size=7)
# A path segment: anything but "/" (which would make it another address, a 404).
segments = st.text(alphabet=st.characters(blacklist_categories=("Cs",),
                                          blacklist_characters="/"), min_size=1)


@pytest.fixture
def mailing_lists():
    return [MailingListFactory(slug="nyhetsbrev"), MailingListFactory(slug="seminarier")]


def assert_nothing_half_written():
    """Every subscriber has a normalised address and its signup in the consent log;
    every waiting or active subscription was logged for its list; an active one was
    confirmed, an unsubscribed one says when."""
    for subscriber in Subscriber.objects.all():
        assert subscriptions.normalise_email(subscriber.email) == subscriber.email
        assert ConsentRecord.objects.filter(subscriber=subscriber,
                                            email_hash=email_hash(subscriber.email)).exists()
    for subscription in Subscription.objects.select_related("subscriber"):
        logged = ConsentRecord.objects.filter(subscriber=subscription.subscriber_id,
                                              mailing_list=subscription.mailing_list_id)
        if subscription.status == "pending":
            assert logged.filter(action="subscribe").exists()
        if subscription.status == "active":
            assert subscription.confirmed_at is not None
            assert logged.filter(action__in=["confirm", "change"]).exists()
        assert (subscription.status == "unsubscribed") == (
            subscription.unsubscribed_at is not None)


def start_afresh():
    """The fixture's lists are shared by a test's examples; the people are not."""
    cache.clear()
    Subscriber.objects.all().delete()
    ConsentRecord.objects.all().delete()


def path(name, language="sv", **kwargs):
    with translation.override(language):
        return reverse(f"newsletter:{name}", kwargs=kwargs or None)


def token_path(name, token):
    # reverse() percent-encodes what a path segment cannot hold as it is.
    return path(name, token=token)


# Nearly valid signups (a real-looking address and a list) with anything else added, so
# that the storing path sees arbitrary names, sources and letter cases too.
signups = st.builds(
    lambda base, extra: {**base, **extra},
    st.fixed_dictionaries({
        "email": st.one_of(st.emails(), values),
        "lists": st.lists(st.one_of(st.sampled_from(["nyhetsbrev", "seminarier"]), values),
                          max_size=3),
    }),
    st.dictionaries(st.sampled_from(["name", "source", "website"]), values, max_size=3),
)


@EXAMPLES
@given(data=st.one_of(forms, signups), language=st.sampled_from(["sv", "en"]))
def test_any_signup_form_gets_a_proper_answer(mailing_lists, data, language):
    cache.clear()  # each example is its own visitor, not a flood from one address
    response = Client().post(path("signup", language), data)
    assert response.status_code in ALLOWED
    assert_nothing_half_written()


@EXAMPLES
@given(body=st.binary(max_size=300))
def test_any_bytes_posted_to_the_signup_get_a_proper_answer(mailing_lists, body):
    cache.clear()
    response = Client().generic("POST", path("signup"), body,
                                content_type="application/x-www-form-urlencoded")
    assert response.status_code in ALLOWED
    assert_nothing_half_written()


@EXAMPLES
@given(data=forms)
def test_any_manage_request_gets_a_proper_answer(mailing_lists, data):
    cache.clear()
    response = Client().post(path("manage-request"), data)
    assert response.status_code in ALLOWED
    assert_nothing_half_written()


@EXAMPLES
@given(token=segments, data=forms, name=st.sampled_from(["confirm", "manage", "unsubscribe"]))
def test_any_link_with_a_bad_token_changes_nothing(mailing_lists, token, data, name):
    start_afresh()
    alice = subscriptions.subscribe("alice@example.org", lists=mailing_lists, language="sv",
                                    source="test", consent_text="ok")
    for response in (Client().post(token_path(name, token), data),
                     Client().get(token_path(name, token))):
        assert response.status_code in ALLOWED
    assert set(alice.subscriptions.values_list("status", flat=True)) == {"pending"}
    assert_nothing_half_written()


@EXAMPLES
@given(data=forms)
def test_any_preferences_posted_with_a_good_link_get_a_proper_answer(mailing_lists, data):
    start_afresh()
    alice = subscriptions.subscribe("alice@example.org", lists=mailing_lists[:1],
                                    language="sv", source="test", consent_text="ok")
    subscriptions.confirm(alice, source="test")
    response = Client().post(token_path("manage", tokens.make("manage", alice.pk)), data)
    assert response.status_code in ALLOWED
    assert_nothing_half_written()


@EXAMPLES
@given(data=forms, which=st.sampled_from(["confirm", "unsubscribe-one", "unsubscribe-all"]))
def test_any_form_posted_to_a_good_confirm_or_unsubscribe_link_acts_once(
        mailing_lists, data, which):
    start_afresh()
    alice = subscriptions.subscribe("alice@example.org", lists=mailing_lists, language="sv",
                                    source="test", consent_text="ok")
    if which == "confirm":
        link = token_path("confirm", tokens.make("confirm", alice.pk))
    else:
        subscriptions.confirm(alice, source="test")
        target = mailing_lists[0].pk if which == "unsubscribe-one" else None
        link = token_path("unsubscribe", tokens.make("unsubscribe", [alice.pk, target]))
    responses = [Client().post(link, data) for _ in range(2)]
    assert {r.status_code for r in responses} <= ALLOWED
    expected = {"confirm": {"active"}, "unsubscribe-all": {"unsubscribed"},
                "unsubscribe-one": {"unsubscribed", "active"}}[which]
    assert set(alice.subscriptions.values_list("status", flat=True)) == expected
    logged = ConsentRecord.objects.filter(subscriber=alice).exclude(action="subscribe")
    # Each list changed once, however many posts: one confirm (or confirm + unsubscribe).
    assert logged.count() == {"confirm": 2, "unsubscribe-all": 4, "unsubscribe-one": 3}[which]
    assert_nothing_half_written()


@EXAMPLES
@given(email=st.text(max_size=300))
def test_normalising_is_idempotent_and_never_crashes(email):
    try:
        normalised = subscriptions.normalise_email(email)
    except Exception as error:  # noqa: BLE001 - only ValidationError is allowed
        from django.core.exceptions import ValidationError

        assert isinstance(error, ValidationError)
    else:
        assert subscriptions.normalise_email(normalised) == normalised
        assert normalised == normalised.strip().lower() and len(normalised) <= 254
