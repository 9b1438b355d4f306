"""The subscription rules (newsletter.subscriptions): normalised addresses, double opt-in
with throttled mails, confirming, preferences, leaving, export, erasure and the purge of
unconfirmed signups; every change in the consent log."""

import datetime
import io
import json
import smtplib

import pytest
from django.contrib.admin.models import CHANGE, LogEntry
from django.contrib.contenttypes.models import ContentType
from django.core import mail
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.core.management import CommandError, call_command
from django.urls import reverse
from django.utils import timezone, translation
from reversion.models import Version

from newsletter import links, registrations, subscriptions
from newsletter.models import (
    ConsentRecord,
    Delivery,
    Mailing,
    Registration,
    Subscriber,
    Subscription,
    email_hash,
)
from tests.factories import (
    MailingListFactory,
    RegistrationFactory,
    SeminarFactory,
    SubscriberFactory,
    SubscriptionFactory,
)

pytestmark = pytest.mark.django_db

CONSENT = "Palmecentret stores your address."


@pytest.fixture
def newsletter():
    return MailingListFactory(slug="nyhetsbrev", name_sv="Nyhetsbrev", name_en="Newsletter")


@pytest.fixture
def invitations():
    return MailingListFactory(slug="seminarier", name_sv="Inbjudningar",
                              name_en="Seminar invitations")


def subscribe(email, lists, **kwargs):
    """A signup as the page makes it: the rules, then the confirmation mail that the
    page's task sends (newsletter.tasks.send_confirmation)."""
    kwargs.setdefault("language", "sv")
    subscriber = subscriptions.subscribe(email, lists=lists,
                                         source="https://portal.test/nyhetsbrev/",
                                         consent_text=CONSENT, **kwargs)
    subscriptions.send_confirmation(subscriber)
    return subscriber


def statuses(subscriber):
    return dict(subscriber.subscriptions.values_list("mailing_list__slug", "status"))


def actions(subscriber):
    return list(ConsentRecord.objects.filter(subscriber=subscriber).order_by("pk")
                .values_list("action", "mailing_list__slug"))


def link_prefix(url_name, language):
    """The start of a signed link's address in a language (whatever the URL words)."""
    with translation.override(language):
        return reverse(f"newsletter:{url_name}", kwargs={"token": "T"}).rsplit("T", 1)[0]


def in_language(language, text):
    with translation.override(language):
        return translation.gettext(text)


def later(monkeypatch, **delta):
    """Move the clock forward (from where it is, so calls add up); the mail throttle is
    in the cache, so clear that too."""
    moved = timezone.now() + datetime.timedelta(**delta)
    monkeypatch.setattr(timezone, "now", lambda: moved)
    cache.clear()
    return moved


# --- Addresses -----------------------------------------------------------------------------

@pytest.mark.parametrize("typed, stored", [
    ("alice@example.org", "alice@example.org"),
    ("  Alice@Example.ORG \n", "alice@example.org"),
    ("\u00a0bob@example.org\u00a0", "bob@example.org"),
    ("Åsa@bücher.example", None),  # a Unicode local part: Django's validator refuses it
    ("asa@Bücher.Example", "asa@xn--bcher-kva.example"),
    ("asa@xn--bcher-kva.example", "asa@xn--bcher-kva.example"),
    ("kim@münchen.de.", None),
])
def test_addresses_are_normalised_before_storing(typed, stored):
    if stored is None:
        with pytest.raises(ValidationError):
            subscriptions.normalise_email(typed)
    else:
        assert subscriptions.normalise_email(typed) == stored
        assert subscriptions.normalise_email(stored) == stored


@pytest.mark.parametrize("typed", [
    "", "alice", "alice@", "@example.org", "alice@@example.org", "al ice@example.org",
    "alice@exa mple.org", "alice@example..org", "alice\x00@example.org",
    "alice\u200b@example.org", "alice@example.org\r\nBcc: x@example.org",
    "a" * 250 + "@example.org", "alice@" + "x" * 64 + ".org",
])
def test_what_is_not_an_address_is_refused_with_a_clear_error(typed):
    with pytest.raises(ValidationError) as refused:
        subscriptions.normalise_email(typed)
    assert refused.value.messages and all(refused.value.messages)


def test_names_lose_control_characters_and_fit_their_column():
    assert subscriptions.one_line(" Anna\tvon\x00 Svensson\n", 200) == "Anna von Svensson"
    assert len(subscriptions.one_line("x" * 500, 200)) == 200
    # The zero-width non-joiner belongs in some names (Persian).
    assert subscriptions.one_line("می\u200cخواهم", 200) == "می\u200cخواهم"


# --- Subscribing ---------------------------------------------------------------------------

def test_a_new_address_waits_for_confirmation_and_gets_one_mail(newsletter, invitations):
    subscriber = subscribe(" Alice@Example.org", [newsletter, invitations], name="Alice",
                           language="en")

    assert subscriber.email == "alice@example.org"
    assert (subscriber.name, subscriber.language) == ("Alice", "en")
    assert subscriber.confirmed_at is None
    assert statuses(subscriber) == {"nyhetsbrev": "pending", "seminarier": "pending"}
    records = ConsentRecord.objects.filter(subscriber=subscriber)
    assert sorted(records.values_list("mailing_list__slug", flat=True)) == [
        "nyhetsbrev", "seminarier"]
    for record in records:
        assert record.action == "subscribe"
        assert record.consent_text == CONSENT
        assert record.source == "https://portal.test/nyhetsbrev/"
        assert record.email_hash == email_hash("alice@example.org")
    (message,) = mail.outbox
    assert message.to == ["alice@example.org"]
    assert message.subject == (
        "Confirm your subscription to the Olof Palme International Center's mails")
    assert "/en/newsletter/confirm/" in message.body
    assert "Newsletter" in message.body and "Seminar invitations" in message.body
    assert "72 hours" in message.body
    assert "/en/newsletter/confirm/" in message.alternatives[0][0]


def test_the_confirmation_mail_is_in_the_subscribers_language(newsletter):
    subscribe("sven@example.org", [newsletter], language="sv")
    (message,) = mail.outbox
    assert link_prefix("confirm", "sv") in message.body and "/en/" not in message.body
    assert message.subject == in_language(
        "sv", "Confirm your subscription to the Olof Palme International Center's mails")


def test_signing_up_again_in_any_case_stores_one_subscriber_and_sends_no_second_mail(
        newsletter):
    first = subscribe("alice@example.org", [newsletter])
    again = subscribe("ALICE@EXAMPLE.ORG ", [newsletter])

    assert again.pk == first.pk
    assert Subscriber.objects.count() == 1 and Subscription.objects.count() == 1
    assert len(mail.outbox) == 1
    # Each signup is logged: the second one too, with the text shown.
    assert actions(first) == [("subscribe", "nyhetsbrev"), ("subscribe", "nyhetsbrev")]


def test_after_the_interval_a_repeated_signup_sends_the_mail_again(newsletter, monkeypatch):
    subscribe("alice@example.org", [newsletter])
    later(monkeypatch, minutes=11)
    subscribe("alice@example.org", [newsletter])
    assert len(mail.outbox) == 2


def test_a_bot_signing_up_one_address_a_thousand_times_sends_one_mail(newsletter):
    for n in range(1000):
        subscribe("victim@example.org" if n % 2 else "VICTIM@example.org", [newsletter])
    assert len(mail.outbox) == 1
    assert Subscriber.objects.count() == 1


def test_an_active_list_stays_active_and_sends_nothing(newsletter):
    subscription = SubscriptionFactory(mailing_list=newsletter, status="active",
                                       subscriber__email="Alice@Example.org",
                                       subscriber__confirmed_at=timezone.now())

    subscriber = subscribe("alice@example.org", [newsletter])

    assert subscriber.pk == subscription.subscriber_id
    subscription.refresh_from_db()
    assert subscription.status == "active"
    assert mail.outbox == []
    assert not ConsentRecord.objects.exists()


def test_a_new_list_for_an_active_subscriber_needs_its_own_confirmation(
        newsletter, invitations):
    alice = SubscriberFactory(email="alice@example.org", name="Alice", language="sv",
                              confirmed_at=timezone.now())
    SubscriptionFactory(subscriber=alice, mailing_list=newsletter, status="active")

    subscribe("alice@example.org", [newsletter, invitations], name="Mallory", language="en")

    assert statuses(alice) == {"nyhetsbrev": "active", "seminarier": "pending"}
    (message,) = mail.outbox
    assert "Inbjudningar" in message.body and "Nyhetsbrev" not in message.body
    # A stranger typing a confirmed address cannot change its details.
    alice.refresh_from_db()
    assert (alice.name, alice.language) == ("Alice", "sv")


def test_coming_back_after_unsubscribing_needs_a_confirmation_again(newsletter):
    subscription = SubscriptionFactory(mailing_list=newsletter, status="unsubscribed",
                                       subscriber__confirmed_at=timezone.now(),
                                       unsubscribed_at=timezone.now())
    subscribe(subscription.subscriber.email, [newsletter])
    subscription.refresh_from_db()
    assert subscription.status == "pending" and subscription.unsubscribed_at is None
    assert len(mail.outbox) == 1


def test_a_failing_mail_server_keeps_the_signup_and_lets_a_retry_send(
        newsletter, monkeypatch, caplog):
    def refuse(*args, **kwargs):
        raise smtplib.SMTPServerDisconnected("gone")

    monkeypatch.setattr("newsletter.emails.send", refuse)
    subscriber = subscribe("alice@example.org", [newsletter])
    assert statuses(subscriber) == {"nyhetsbrev": "pending"}
    assert "failed" in caplog.text
    monkeypatch.undo()
    subscribe("alice@example.org", [newsletter])
    assert len(mail.outbox) == 1


def test_subscribing_needs_a_list_and_a_real_address(newsletter):
    with pytest.raises(ValueError):
        subscribe("alice@example.org", [])
    with pytest.raises(ValidationError):
        subscribe("not an address", [newsletter])
    assert not Subscriber.objects.exists()


def test_an_unknown_language_falls_back_to_swedish(newsletter):
    assert subscribe("alice@example.org", [newsletter], language="xx").language == "sv"


# --- Confirming ----------------------------------------------------------------------------

def test_confirming_activates_what_waits_and_a_second_time_changes_nothing(
        newsletter, invitations):
    subscriber = subscribe("alice@example.org", [newsletter, invitations])

    confirmed = subscriptions.confirm(subscriber, source="https://portal.test/confirm/",
                                      consent_text="Confirm that…")
    assert {m.slug for m in confirmed} == {"nyhetsbrev", "seminarier"}
    subscriber.refresh_from_db()
    assert subscriber.confirmed_at is not None and subscriber.unsubscribed_at is None
    assert statuses(subscriber) == {"nyhetsbrev": "active", "seminarier": "active"}
    assert all(s.confirmed_at for s in subscriber.subscriptions.all())
    confirm_records = ConsentRecord.objects.filter(action="confirm")
    assert confirm_records.count() == 2
    assert set(confirm_records.values_list("consent_text", flat=True)) == {"Confirm that…"}

    assert subscriptions.confirm(subscriber, source="again") == []
    assert ConsentRecord.objects.filter(action="confirm").count() == 2


def test_confirming_a_subscriber_that_is_gone_does_nothing(newsletter):
    subscriber = subscribe("alice@example.org", [newsletter])
    Subscriber.objects.filter(pk=subscriber.pk).delete()
    assert subscriptions.confirm(subscriber, source="x") == []


# --- Preferences and leaving ---------------------------------------------------------------

@pytest.fixture
def alice(newsletter, invitations):
    subscriber = subscribe("alice@example.org", [newsletter], name="Alice")
    subscriptions.confirm(subscriber, source="test")
    mail.outbox.clear()
    subscriber.refresh_from_db()
    return subscriber


def test_preferences_add_and_remove_lists_and_change_name_and_language(
        alice, newsletter, invitations):
    changed = subscriptions.update_preferences(
        alice, lists=[invitations], offered=[newsletter, invitations], name="Alice A",
        language="en", source="https://portal.test/prefs/", consent_text="Tick what…")

    assert changed
    assert statuses(alice) == {"nyhetsbrev": "unsubscribed", "seminarier": "active"}
    alice.refresh_from_db()
    assert (alice.name, alice.language) == ("Alice A", "en")
    assert alice.unsubscribed_at is None
    latest = list(ConsentRecord.objects.filter(subscriber=alice, source__endswith="/prefs/")
                  .order_by("pk").values_list("action", "mailing_list__slug", "consent_text"))
    assert latest == [("change", "seminarier", "Tick what…"),
                      ("unsubscribe", "nyhetsbrev", ""),
                      ("change", None, "Tick what…")]
    # Nothing to confirm: the link came from the person's own mailbox.
    assert mail.outbox == []


def test_saving_unchanged_preferences_logs_nothing(alice, newsletter, invitations):
    before = ConsentRecord.objects.count()
    assert not subscriptions.update_preferences(
        alice, lists=[newsletter], offered=[newsletter, invitations], name="Alice",
        language="sv", source="x", consent_text="y")
    assert ConsentRecord.objects.count() == before


def test_unticking_everything_unsubscribes_the_person(alice, newsletter, invitations):
    subscriptions.update_preferences(alice, lists=[], offered=[newsletter, invitations],
                                     name="Alice", language="sv", source="x", consent_text="y")
    alice.refresh_from_db()
    assert alice.unsubscribed_at is not None
    assert statuses(alice) == {"nyhetsbrev": "unsubscribed"}


def test_unsubscribing_from_one_list_keeps_the_others(alice, newsletter, invitations):
    subscriptions.update_preferences(alice, lists=[newsletter, invitations],
                                     offered=[newsletter, invitations], name="Alice",
                                     language="sv", source="x", consent_text="y")
    left = subscriptions.unsubscribe(alice, invitations, source="one-click")
    assert left == [invitations]
    assert statuses(alice) == {"nyhetsbrev": "active", "seminarier": "unsubscribed"}
    alice.refresh_from_db()
    assert alice.unsubscribed_at is None
    assert subscriptions.unsubscribe(alice, invitations, source="again") == []


def test_unsubscribing_from_everything_also_ends_what_waits(alice, newsletter, invitations):
    subscribe("alice@example.org", [invitations])
    left = subscriptions.unsubscribe(alice, source="https://portal.test/unsubscribe/")
    assert {m.slug for m in left} == {"nyhetsbrev", "seminarier"}
    assert set(statuses(alice).values()) == {"unsubscribed"}
    alice.refresh_from_db()
    assert alice.unsubscribed_at is not None
    assert ConsentRecord.objects.filter(subscriber=alice, action="unsubscribe").count() == 2
    # Repeating it is harmless and logs nothing more.
    assert subscriptions.unsubscribe(alice, source="again") == []
    assert ConsentRecord.objects.filter(subscriber=alice, action="unsubscribe").count() == 2


def test_list_mails_carry_the_one_click_unsubscribe_headers(alice, newsletter, settings):
    settings.SITE_URL = "https://palmecentret.example"
    headers = links.list_unsubscribe_headers(links.unsubscribe_url(alice, newsletter))
    assert headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert headers["List-Unsubscribe"].startswith(
        "<https://palmecentret.example" + link_prefix("unsubscribe", "sv"))
    assert headers["List-Unsubscribe"].endswith("/>")


# --- 'Send me a new link' ------------------------------------------------------------------

def test_a_subscriber_asking_for_a_link_gets_one_to_the_preference_centre(alice):
    assert subscriptions.send_link(alice) is True
    (message,) = mail.outbox
    assert message.subject == in_language("sv", "Your link to manage your subscription")
    assert link_prefix("manage", "sv") in message.body
    assert link_prefix("unsubscribe", "sv") in message.body
    # Throttled like the confirmation mail.
    assert subscriptions.send_link(alice) is False
    assert len(mail.outbox) == 1


def test_an_address_still_waiting_gets_the_confirmation_again(newsletter, monkeypatch):
    subscriber = subscribe("alice@example.org", [newsletter])
    later(monkeypatch, minutes=11)
    assert subscriptions.send_link(subscriber) is True
    assert link_prefix("confirm", "sv") in mail.outbox[-1].body


# --- Export and erasure --------------------------------------------------------------------

@pytest.fixture
def held_data(alice, newsletter):
    mailing = Mailing.objects.create(subject_sv="Nyheter i maj", body_sv="Hej")
    Delivery.objects.create(mailing=mailing, subscriber=alice, status="sent",
                            sent_at=timezone.now())
    seminar = SeminarFactory(capacity=1)
    place = registrations.register(seminar, name="Alice", email="ALICE@example.org",
                                   language="sv", consent_text="I agree", source="s")
    waiting = registrations.register(seminar, name="Bob", email="bob@example.org",
                                     language="sv", consent_text="I agree", source="s")
    registrations.confirm(waiting.pk)  # Bob confirms from his mail: a place can go to him
    past = RegistrationFactory(email="alice@example.org", name="Alice",
                               seminar=SeminarFactory(
                                   starts_at=timezone.now() - datetime.timedelta(days=30)))
    mail.outbox.clear()
    return {"delivery_mailing": mailing, "place": place, "waiting": waiting, "past": past}


def test_the_export_holds_everything_about_the_address(alice, held_data):
    data = subscriptions.export_data(alice)
    json.dumps(data)  # JSON-ready as it is

    assert data["subscriber"]["email"] == "alice@example.org"
    assert data["subscriber"]["name"] == "Alice"
    assert [s["mailing_list"] for s in data["subscriptions"]] == ["nyhetsbrev"]
    assert {c["action"] for c in data["consent_log"]} == {"subscribe", "confirm", "register"}
    assert [d["mailing"] for d in data["deliveries"]] == ["Nyheter i maj"]
    assert len(data["seminar_registrations"]) == 2
    assert {r["email"] for r in data["seminar_registrations"]} == {
        "ALICE@example.org", "alice@example.org"}


def test_erasing_leaves_no_copy_of_the_address_anywhere(immediate_tasks, alice, held_data,
                                                      newsletter):
    subscriber_type = ContentType.objects.get_for_model(Subscriber)
    LogEntry.objects.create(user_id=_staff().pk, content_type=subscriber_type,
                            object_id=str(alice.pk), object_repr=str(alice),
                            action_flag=CHANGE, change_message="[]")
    hashed = email_hash("alice@example.org")
    kept = ConsentRecord.objects.filter(email_hash=hashed).count()

    counts = subscriptions.erase(alice)

    assert counts == {"subscribers": 1, "subscriptions": 1, "deliveries": 1,
                      "registrations": 2, "consent_records_kept": kept}
    assert not Subscriber.objects.filter(pk=alice.pk).exists()
    assert not Subscription.objects.exists() and not Delivery.objects.exists()
    assert list(Registration.objects.values_list("email", flat=True)) == ["bob@example.org"]
    # Her place went to Bob, who was told.
    held_data["waiting"].refresh_from_db()
    assert held_data["waiting"].status == "confirmed"
    assert [m.to for m in mail.outbox] == [["bob@example.org"]]
    # The consent log keeps only the hash, plus the erasure itself.
    records = ConsentRecord.objects.filter(email_hash=hashed)
    assert records.count() == kept + 1
    assert not records.filter(subscriber__isnull=False).exists()
    assert records.filter(action="erase").count() == 1
    assert not LogEntry.objects.filter(object_repr__icontains="alice").exists()
    assert not Version.objects.filter(serialized_data__icontains="alice@").exists()
    assert_address_nowhere("alice@example.org")


def _staff():
    from django.contrib.auth.models import User

    return User.objects.create_user("staffer", is_staff=True)


def assert_address_nowhere(address):
    """No table in the database holds the address, in any letter case (every text
    column of every model, searched)."""
    from django.apps import apps
    from django.db import models

    for model in apps.get_models():
        text_fields = [f.name for f in model._meta.get_fields()
                       if isinstance(f, (models.CharField, models.TextField))
                       and not f.many_to_many and f.concrete]
        for name in text_fields:
            hits = model._base_manager.filter(**{f"{name}__icontains": address})
            assert not hits.exists(), f"{model._meta.label}.{name} still holds {address}"


def test_erasing_an_address_without_registrations_or_deliveries(newsletter):
    subscriber = subscribe("solo@example.org", [newsletter])
    counts = subscriptions.erase(subscriber)
    assert counts["registrations"] == 0 and counts["subscribers"] == 1
    assert_address_nowhere("solo@example.org")


# --- Purging unconfirmed signups -----------------------------------------------------------

def test_the_purge_deletes_only_what_waited_too_long(newsletter, invitations, monkeypatch):
    stale = subscribe("stale@example.org", [newsletter])
    confirmed = subscribe("confirmed@example.org", [newsletter])
    subscriptions.confirm(confirmed, source="x")
    # Confirmed long ago, but a stranger signed them up for another list: that one goes.
    subscribe("confirmed@example.org", [invitations])
    renewed = subscribe("renewed@example.org", [newsletter])

    later(monkeypatch, days=6)
    subscribe("renewed@example.org", [newsletter])  # a new signup: a new week
    later(monkeypatch, days=6)  # day 12: the cut-off is day 5
    fresh = subscribe("fresh@example.org", [newsletter])

    assert subscriptions.purge_unconfirmed(7) == (2, 1)

    assert not Subscriber.objects.filter(pk=stale.pk).exists()
    assert statuses(confirmed) == {"nyhetsbrev": "active"}
    assert statuses(renewed) == {"nyhetsbrev": "pending"}
    assert statuses(fresh) == {"nyhetsbrev": "pending"}
    # The consent log keeps the stale signup's record, with only the hash.
    assert ConsentRecord.objects.filter(email_hash=email_hash("stale@example.org"),
                                        subscriber__isnull=True).count() == 1
    assert subscriptions.purge_unconfirmed(7) == (0, 0)


def test_the_purge_command_reads_its_default_from_settings(newsletter, monkeypatch, settings):
    settings.NEWSLETTER_UNCONFIRMED_DAYS = 3
    subscribe("stale@example.org", [newsletter])
    later(monkeypatch, days=4)
    out = io.StringIO()
    call_command("purge_unconfirmed", stdout=out)
    assert "Deleted 1 unconfirmed subscription(s) and 1 unconfirmed subscriber(s)" in (
        out.getvalue())
    assert not Subscriber.objects.exists()


def test_the_purge_command_takes_days_and_refuses_nonsense(newsletter, monkeypatch):
    subscribe("stale@example.org", [newsletter])
    later(monkeypatch, days=4)
    call_command("purge_unconfirmed", days=5, stdout=io.StringIO())
    assert Subscriber.objects.count() == 1
    call_command("purge_unconfirmed", "--days", "3", stdout=io.StringIO())
    assert not Subscriber.objects.exists()
    with pytest.raises(CommandError):
        call_command("purge_unconfirmed", days=0, stdout=io.StringIO())
