"""Registration pages: form, registering, thanks, the cancel link, rate limit, query counts."""

import datetime
import re
from urllib.parse import urlsplit

import pytest
from django.core import mail
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext

from newsletter import links, registration_views, tokens
from newsletter.models import ConsentRecord, Registration, Subscriber
from newsletter.registration_views import REGISTRATION_RATE
from newsletter.subscriptions import INVISIBLE_CHARACTERS, export_data, normalise_email
from tests.factories import MailingListFactory, RegistrationFactory, SeminarFactory
from tests.newsletter.mail_links import cancel_path

# The registrant's mail goes out through a task, run at once here.
pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("immediate_tasks")]

ALICE = {"name": "Alice Andersson", "email": "alice@example.org", "organisation": "LO",
         "consent": "on"}
BOB = {**ALICE, "name": "Bob Berg", "email": "bob@example.org"}


def register_url(seminar, language="sv"):
    with translation.override(language):
        return reverse("newsletter:seminar-register", kwargs={"slug": seminar.slug})


def main_of(response):
    """The page's own content, without the header's search form and the footer."""
    html = response.content.decode()
    return html[html.index("<main"):html.index("</main>")]


def in_swedish(text):
    """What a Swedish visitor reads for the English source text."""
    with translation.override("sv"):
        return gettext(text)


def test_the_seminar_page_links_to_the_registration_form(client):
    seminar = SeminarFactory(capacity=40)
    html = client.get(seminar.get_absolute_url()).content.decode()
    # Capacity and places left are shown, and a link to the form: no form, no token.
    assert f'href="{register_url(seminar)}"' in html and ">Anmäl mig</a>" in html
    assert "40, varav 40 lediga" in html
    assert "csrfmiddlewaretoken" not in html
    form = client.get(register_url(seminar)).content.decode()
    assert f'action="{register_url(seminar)}"' in form
    for field in ("name", "email", "organisation", "consent"):
        assert f'name="{field}"' in form
    # Without the invitation list, no box for it.
    assert 'name="invitations"' not in form


def test_a_full_seminar_offers_the_waiting_list(client):
    seminar = SeminarFactory(capacity=0)
    html = client.get(seminar.get_absolute_url()).content.decode()
    assert ">Ställ mig på väntelistan</a>" in html


def test_the_invitations_box_is_offered_when_the_list_exists(client):
    MailingListFactory(slug="seminarier")
    seminar = SeminarFactory()
    html = client.get(register_url(seminar)).content.decode()
    assert 'name="invitations"' in html
    assert "Skicka mig även inbjudningar till Palmecentrets kommande seminarier." in html


def test_ticking_the_invitations_box_subscribes_with_the_words_shown(client, settings):
    settings.SITE_URL = "https://portal.example"
    invitations = MailingListFactory(slug="seminarier")
    seminar = SeminarFactory()
    response = client.post(register_url(seminar, "en"), {**ALICE, "invitations": "on"})

    assert response.status_code == 302 and "invitations=1" in response["Location"]
    assert "confirm with its link" in client.get(response["Location"]).content.decode()
    subscriber = Subscriber.objects.get()
    assert (subscriber.email, subscriber.name, subscriber.language) == (
        "alice@example.org", "Alice Andersson", "en")
    subscription = subscriber.subscriptions.get()
    assert subscription.mailing_list == invitations
    # Double opt-in: the invitations start once Alice confirms from her mail.
    assert subscription.status == "pending"
    consent = ConsentRecord.objects.get(action="subscribe")
    assert consent.mailing_list == invitations
    assert consent.consent_text == (
        "Also send me invitations to the Olof Palme International Center's future seminars. "
        "I can unsubscribe at any time with the link in every invitation.")
    assert consent.source == "https://portal.example/en/seminars/" + seminar.slug + "/"
    # The registration's own consent is a record of its own, with its own words.
    assert ConsentRecord.objects.get(action="register").consent_text.startswith(
        "I agree that the Olof Palme International Center stores")
    # Two mails, each asking to confirm its own: the registration, the subscription.
    registered, confirm = mail.outbox
    assert "/en/seminars/confirm/" in registered.body and confirm.to == ["alice@example.org"]
    assert "/en/newsletter/confirm/" in confirm.body


def test_without_the_box_ticked_nobody_is_subscribed(client):
    MailingListFactory(slug="seminarier")
    client.post(register_url(SeminarFactory()), ALICE)
    assert not Subscriber.objects.exists()
    assert not ConsentRecord.objects.filter(action="subscribe").exists()


def test_alice_registers_and_lands_on_the_thank_you_page(client):
    seminar = SeminarFactory(capacity=10)
    response = client.post(register_url(seminar), ALICE)

    assert response.status_code == 302
    thanks = client.get(response["Location"])
    assert thanks.status_code == 200
    assert "<h1>Titta i din inkorg</h1>" in thanks.content.decode()
    registration = Registration.objects.get()
    assert registration.status == "confirmed" and registration.language == "sv"
    assert ConsentRecord.objects.get().source.endswith(seminar.get_absolute_url())
    (message,) = mail.outbox
    assert message.to == ["alice@example.org"]
    assert "/seminarier/bekrafta/" in message.body


def test_an_english_visitor_registers_in_english(client):
    seminar = SeminarFactory(title_en="Peace")
    response = client.post(register_url(seminar, "en"), ALICE)
    assert response.status_code == 302 and response["Location"].startswith("/en/")
    assert Registration.objects.get().language == "en"
    assert cancel_path(mail.outbox[0], language="en").startswith("/en/seminars/cancel/")


def test_a_full_seminar_offers_the_waiting_list_and_bob_joins_it(client):
    seminar = SeminarFactory(capacity=1)
    client.post(register_url(seminar), ALICE)

    page = client.get(seminar.get_absolute_url()).content.decode()
    assert "Seminariet är fullbokat." in page and "Ställ mig på väntelistan" in page
    assert "1, alla upptagna: väntelista" in page

    response = client.post(register_url(seminar), BOB)
    assert response.status_code == 302
    assert Registration.objects.get(email="bob@example.org").status == "waitlisted"
    assert "anmälan står på väntelistan" in mail.outbox[-1].body


def test_an_invalid_form_is_shown_again_with_clear_errors_and_nothing_stored(client):
    seminar = SeminarFactory()
    response = client.post(register_url(seminar), {"name": "", "email": "not an address"})

    assert response.status_code == 400
    html = response.content.decode()
    assert "Rätta de markerade fälten och skicka formuläret igen." in html
    assert 'aria-invalid="true"' in html
    assert in_swedish("We can only register you if you agree to this.") in html
    assert 'value="not an address"' in html
    assert not Registration.objects.exists() and not ConsentRecord.objects.exists()
    assert mail.outbox == []


def test_errors_are_in_the_visitors_language(client):
    seminar = SeminarFactory()
    sv = client.post(register_url(seminar), {**ALICE, "email": "x"}).content.decode()
    en = client.post(register_url(seminar, "en"), {**ALICE, "email": "x"}).content.decode()
    assert "Fyll i en giltig e-postadress." in sv and "Enter a valid email" not in sv
    assert "Enter a valid email address." in en and "giltig e-postadress" not in en


def test_a_repeat_in_another_case_adds_no_row_and_gets_the_same_friendly_answer(client):
    seminar = SeminarFactory()
    first = client.post(register_url(seminar), ALICE)
    again = client.post(register_url(seminar), {**ALICE, "email": "ALICE@EXAMPLE.ORG"})

    assert again.status_code == 302 and again["Location"] == first["Location"]
    assert Registration.objects.count() == 1
    assert len(mail.outbox) == 1


def test_after_the_deadline_the_form_is_closed_with_a_message(client):
    seminar = SeminarFactory(
        registration_deadline=timezone.now() - datetime.timedelta(hours=1))
    page = client.get(seminar.get_absolute_url()).content.decode()
    assert "Anmälan stängde den" in page
    assert 'name="email"' not in page

    response = client.post(register_url(seminar), ALICE)
    assert response.status_code == 400
    assert "Anmälan stängde den" in response.content.decode()
    assert not Registration.objects.exists()


def test_a_started_seminar_says_registration_is_closed(client):
    seminar = SeminarFactory(starts_at=timezone.now() - datetime.timedelta(minutes=30))
    page = client.get(seminar.get_absolute_url()).content.decode()
    assert "Seminariet har börjat, så anmälan är stängd." in page


def test_an_unpublished_seminar_cannot_be_registered_for(client):
    seminar = SeminarFactory(published=False)
    assert client.post(register_url(seminar), ALICE).status_code == 404
    assert not Registration.objects.exists()


def test_the_register_page_works_on_its_own(client):
    seminar = SeminarFactory()
    response = client.get(register_url(seminar))
    assert response.status_code == 200
    assert 'name="email"' in response.content.decode()


def test_many_registrations_from_one_address_are_slowed_down(client, ratelimit_clock_stopped):
    limit = int(REGISTRATION_RATE.split("/")[0])
    seminar = SeminarFactory()
    statuses = [client.post(register_url(seminar), {**ALICE, "email": f"p{n}@example.org"})
                .status_code for n in range(limit + 1)]
    assert statuses == [302] * limit + [429]
    last = client.post(register_url(seminar), {**ALICE, "email": "late@example.org"})
    assert last["Retry-After"] == "60"
    assert "För många anmälningar på en gång" in last.content.decode()
    assert Registration.objects.count() == limit


def test_after_the_hourly_limit_the_visitor_is_told_to_wait_an_hour(
        client, ratelimit_clock_stopped, monkeypatch):
    monkeypatch.setattr(registration_views, "REGISTRATION_RATES", ("10/m", "2/h"))
    seminar = SeminarFactory()
    statuses = [client.post(register_url(seminar), {**ALICE, "email": f"p{n}@example.org"})
                .status_code for n in range(3)]
    assert statuses == [302, 302, 429]
    last = client.post(register_url(seminar), {**ALICE, "email": "late@example.org"})
    assert last["Retry-After"] == "3600"
    assert "60 minuter" in last.content.decode()


def test_the_cancel_link_shows_one_button_and_a_post_cancels(client):
    seminar = SeminarFactory(capacity=1)
    client.post(register_url(seminar), ALICE)
    client.post(register_url(seminar), BOB)
    alices, bobs = mail.outbox
    link = cancel_path(alices)
    assert link.startswith("/seminarier/avboka/")
    # Bob confirms, so that a place freed can go to him.
    client.post(re.search(r"https?://[^/\s]+(/seminarier/bekrafta/\S+/)", bobs.body)[1])
    mail.outbox.clear()

    page = client.get(link)
    assert page.status_code == 200 and page["X-Robots-Tag"] == "noindex"
    assert "no-store" in page["Cache-Control"]
    html = main_of(page)
    assert html.count('type="submit"') == 1 and "Avanmäl mig" in html
    # Following the link (a mail scanner does) cancels nothing.
    assert Registration.objects.get(email="alice@example.org").status == "confirmed"

    response = client.post(link)
    assert response.status_code == 302 and response["Location"] == link
    assert "<h1>Du är avanmäld</h1>" in client.get(link).content.decode()
    assert Registration.objects.get(email="alice@example.org").status == "cancelled"
    assert Registration.objects.get(email="bob@example.org").status == "confirmed"
    (promoted,) = mail.outbox
    assert promoted.to == ["bob@example.org"]

    # The second click is harmless.
    assert client.post(link).status_code == 302
    assert len(mail.outbox) == 1


def test_a_waitlisted_person_is_offered_to_leave_the_waiting_list(client):
    bob = RegistrationFactory(status="waitlisted", seminar=SeminarFactory(capacity=0))
    html = main_of(client.get(urlsplit(links.cancel_registration_url(bob)).path))
    assert "<h1>Lämna väntelistan</h1>" in html
    assert in_swedish("Cancel my registration") not in html


def test_a_tampered_cancel_link_gets_a_clear_page(client):
    alice = RegistrationFactory()
    token = tokens.make("cancel", alice.pk)
    # Mallory changes the registration number inside the signed value.
    forged = tokens.make("cancel", alice.pk + 1)[:-3] + token[-3:]
    for bad in (token[:-2] + "xx", forged, "not-a-token", tokens.make("confirm", alice.pk)):
        url = reverse("newsletter:registration-cancel", kwargs={"token": bad})
        for response in (client.get(url), client.post(url)):
            assert response.status_code == 400
            assert "Länken fungerar inte" in response.content.decode()
    alice.refresh_from_db()
    assert alice.status == "confirmed"


def test_a_link_to_a_removed_registration_says_so(client):
    url = reverse("newsletter:registration-cancel",
                  kwargs={"token": tokens.make("cancel", 987654)})
    response = client.get(url)
    assert response.status_code == 404
    assert "Vi hittade ingen anmälan för den här länken" in response.content.decode()


def test_the_cancel_page_of_a_seminar_that_is_over_has_no_button(client):
    start = timezone.now() - datetime.timedelta(days=3)
    alice = RegistrationFactory(seminar=SeminarFactory(
        starts_at=start, ends_at=start + datetime.timedelta(hours=2)))
    url = reverse("newsletter:registration-cancel",
                  kwargs={"token": tokens.make("cancel", alice.pk)})
    html = main_of(client.get(url))
    assert in_swedish("This seminar has taken place") in html and 'type="submit"' not in html
    assert client.post(url).status_code == 302
    alice.refresh_from_db()
    assert alice.status == "confirmed"


def test_public_pages_never_show_who_registered(client):
    seminar = SeminarFactory(capacity=1)
    RegistrationFactory(seminar=seminar, name="Zlatan Secretsson",
                        email="zlatan@example.org", organisation="Hemliga förbundet")
    for url in (seminar.get_absolute_url(), reverse("newsletter:seminar-list"),
                register_url(seminar), reverse("newsletter:seminar-calendar")):
        body = client.get(url).content.decode()
        assert "Zlatan" not in body and "zlatan@" not in body and "Hemliga" not in body


def seminar_page_queries(client, seminar):
    """The page's queries on a second visit."""
    client.get(seminar.get_absolute_url())
    with CaptureQueriesContext(connection) as queries:
        response = client.get(seminar.get_absolute_url())
    assert response.status_code == 200
    return len(queries)


def test_the_seminar_page_runs_the_same_queries_with_few_and_many_registrations(client, settings):
    settings.PAGE_CACHE_SECONDS = 0  # the page's own queries, not a stored copy
    MailingListFactory(slug="seminarier")
    seminar = SeminarFactory(capacity=500)
    closed = SeminarFactory(registration_deadline=timezone.now() - datetime.timedelta(days=1))
    RegistrationFactory.create_batch(2, seminar=seminar)
    few = seminar_page_queries(client, seminar)
    RegistrationFactory.create_batch(60, seminar=seminar)
    RegistrationFactory.create_batch(5, seminar=seminar, status="waitlisted")
    assert seminar_page_queries(client, seminar) == few
    # The places left cost one query over a closed seminar's page (whatever the
    # site-wide parts cost): the count of places taken.
    assert few == seminar_page_queries(client, closed) + 1


def test_a_registration_keeps_the_address_as_a_subscription_would(client):
    """Spaces, capitals and a Unicode domain are normalised as on the signup form, so the
    person's data export and erasure find the registration with their subscription."""
    seminar = SeminarFactory()
    response = client.post(register_url(seminar), {**ALICE, "email": " Alice@Exämple.se "})
    assert response.status_code == 302
    registration = Registration.objects.get()
    assert registration.email == "alice@xn--exmple-cua.se"
    alice = Subscriber.objects.create(email=normalise_email("alice@exämple.se"))
    exported = export_data(alice)["seminar_registrations"]
    assert [r["email"] for r in exported] == ["alice@xn--exmple-cua.se"]


def test_an_address_with_an_invisible_character_is_refused_clearly(client):
    seminar = SeminarFactory()
    response = client.post(register_url(seminar), {**ALICE, "email": "alice@exam\u200bple.org"})
    assert response.status_code == 400
    assert not Registration.objects.exists()
    assert in_swedish(INVISIBLE_CHARACTERS) in response.content.decode()
