"""The subscription pages: signing up on the newsletter page and from any page's footer,
the confirmation link, the preference centre, one-click unsubscribing (RFC 8058), 'send
me a new link', rate limits and the honeypot."""

import datetime
import re

import pytest
from django.core import mail
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.db import connection
from django.urls import reverse
from django.utils import translation

from newsletter import subscriptions, tokens
from newsletter.models import ConsentRecord, Subscriber, Subscription
from tests.factories import MailingListFactory, SubscriptionFactory

# The mails go out through tasks; here they run at once unless a test asks for the queue.
pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("immediate_tasks")]


@pytest.fixture
def newsletter():
    return MailingListFactory(slug="nyhetsbrev", name_sv="Nyhetsbrev", name_en="Newsletter",
                              sort_order=1, description_en="News about our work.")


@pytest.fixture
def invitations():
    return MailingListFactory(slug="seminarier", name_sv="Inbjudningar",
                              name_en="Seminar invitations", sort_order=2)


def url(name, language="sv", **kwargs):
    with translation.override(language):
        return reverse(f"newsletter:{name}", kwargs=kwargs or None)


def token_url(name, purpose, value, language="sv"):
    return url(name, language, token=tokens.make(purpose, value))


def link_in(message, url_name):
    """The path of a signed link in a mail (the mail has SITE_URL in front)."""
    with translation.override("en"):
        english = reverse(f"newsletter:{url_name}", kwargs={"token": "T"}).rsplit("T", 1)[0]
    with translation.override("sv"):
        swedish = reverse(f"newsletter:{url_name}", kwargs={"token": "T"}).rsplit("T", 1)[0]
    found = re.search(rf"https?://[^/\s]+((?:{re.escape(english)}|{re.escape(swedish)})\S+/)",
                      message.body)
    assert found, message.body
    return found.group(1)


ALICE = {"email": "Alice@Example.org", "name": "Alice", "lists": ["nyhetsbrev"]}


# --- The newsletter page and the footer ----------------------------------------------------

def test_the_newsletter_page_has_the_form_with_every_public_list(client, newsletter,
                                                                 invitations):
    MailingListFactory(slug="styrelsen", name_en="Board", is_public=False)
    response = client.get("/en/newsletter/")
    assert response.status_code == 200
    html = response.content.decode()
    assert 'id="signup-form"' in html
    assert 'value="nyhetsbrev"' in html and 'value="seminarier"' in html
    assert 'value="styrelsen"' not in html
    assert "News about our work." in html
    assert "<legend" in html and "What would you like to receive?" in html
    assert str(subscriptions_consent("en")) in html
    assert 'aria-describedby="signup-consent"' in html
    # The page's own form only: no second one in the footer.
    assert 'id="footer-signup"' not in html


def subscriptions_consent(language):
    from newsletter.forms import SignupForm

    with translation.override(language):
        return str(SignupForm.CONSENT_TEXT)


def test_a_link_can_tick_a_list_in_advance(client, newsletter, invitations):
    html = client.get("/en/newsletter/?list=seminarier&list=nonsense").content.decode()
    ticked = re.findall(r'<input type="checkbox"[^>]*value="(\w+)"[^>]*checked', html)
    assert ticked == ["seminarier"]


def test_every_other_page_has_the_compact_form_in_its_footer(client, newsletter):
    html = client.get("/en/about/").content.decode()
    footer = html[html.index('id="footer-signup"'):]
    assert 'action="/en/newsletter/"' in html
    # No CSRF token (the signup view is csrf_exempt), so no page sets a cookie for it.
    assert 'csrfmiddlewaretoken' not in footer
    assert '<label class="form-label" for="footer-email">' in footer
    assert "<legend" in footer and 'id="footer-lists_0"' in footer
    assert 'name="source" value="/en/about/"' in footer
    assert subscriptions_consent("en") in footer
    assert 'name="website"' in footer and 'aria-hidden="true"' in footer


def test_the_footer_form_costs_one_query_and_none_without_lists(client, newsletter):
    def queries(path):
        with CaptureQueriesContext(connection) as captured:
            assert client.get(path).status_code == 200
        return [q["sql"] for q in captured if "newsletter_mailinglist" in q["sql"]]

    assert len(queries("/en/about/")) == 1
    newsletter.is_public = False
    newsletter.save()
    assert len(queries("/en/about/")) == 1
    assert 'id="footer-signup"' not in client.get("/en/about/").content.decode()


def test_alice_signs_up_from_the_footer_in_english(client, newsletter):
    response = client.post("/en/newsletter/", {**ALICE, "source": "/en/about/"})

    assert response.status_code == 302
    assert response["Location"] == url("signup-thanks", "en")
    thanks = client.get(response["Location"]).content.decode()
    assert "Check your inbox" in thanks and "72 hours" in thanks
    alice = Subscriber.objects.get()
    assert (alice.email, alice.name, alice.language) == ("alice@example.org", "Alice", "en")
    record = ConsentRecord.objects.get()
    assert record.source.endswith("/en/about/")
    assert record.consent_text == subscriptions_consent("en")
    (message,) = mail.outbox
    assert link_in(message, "confirm").startswith("/en/")


def test_the_source_field_cannot_put_text_of_a_strangers_choosing_in_the_log(
        client, newsletter):
    for source in ["https://evil.example/", "//evil.example/", "/nowhere/at/all/",
                   "/en/newsletter/confirm/secret-token/", "/en/about/\x00", "x" * 300]:
        client.post("/en/newsletter/", {**ALICE, "source": source})
    sources = set(ConsentRecord.objects.values_list("source", flat=True))
    assert all(s.endswith("/en/newsletter/") for s in sources), sources


def test_the_answer_is_the_same_for_new_pending_active_and_unsubscribed_addresses(
        client, newsletter):
    def answer(email):
        response = Client().post("/en/newsletter/", {**ALICE, "email": email})
        return response.status_code, response["Location"]

    SubscriptionFactory(subscriber__email="active@example.org", mailing_list=newsletter,
                        status="active")
    SubscriptionFactory(subscriber__email="pending@example.org", mailing_list=newsletter)
    SubscriptionFactory(subscriber__email="gone@example.org", mailing_list=newsletter,
                        status="unsubscribed")
    answers = {answer(email) for email in ["new@example.org", "active@example.org",
                                           "pending@example.org", "gone@example.org"]}
    assert answers == {(302, url("signup-thanks", "en"))}


def test_an_invalid_form_is_shown_again_with_errors_in_the_visitors_language(client,
                                                                            newsletter):
    sv = client.post(url("signup"), {"email": "x", "lists": []})
    en = client.post(url("signup", "en"), {"email": "x", "lists": ["nonsense"]})

    assert sv.status_code == en.status_code == 400
    swedish = sv.content.decode()
    assert "Fyll i en giltig e-postadress." in swedish
    assert "Rätta de markerade fälten och skicka formuläret igen." in swedish
    assert "Enter a valid email" not in swedish and "Please correct" not in swedish
    english = en.content.decode()
    assert "giltig e-postadress" not in english
    assert "Enter a valid email address." in english
    assert "Please correct the marked fields" in english
    assert 'aria-invalid="true"' in english
    assert "Select a valid choice." in english
    assert not Subscriber.objects.exists() and mail.outbox == []


def test_ticking_no_list_is_an_error(client, newsletter):
    response = client.post(url("signup", "en"), {"email": "alice@example.org"})
    assert response.status_code == 400
    assert "Tick at least one of the lists." in response.content.decode()


def test_a_bot_filling_in_the_honeypot_gets_the_same_answer_and_nothing_happens(
        client, newsletter):
    response = client.post(url("signup", "en"), {**ALICE, "website": "http://spam.example"})
    assert response.status_code == 302 and response["Location"] == url("signup-thanks", "en")
    assert not Subscriber.objects.exists() and mail.outbox == []


def test_a_get_only_page_refuses_other_methods(client, newsletter):
    assert client.post(url("signup-thanks")).status_code == 405
    assert client.put(url("signup")).status_code == 405


# --- Rate limits ---------------------------------------------------------------------------

def test_too_many_signups_from_one_visitor_get_429_in_their_language(client, newsletter,
                                                                     settings):
    settings.NEWSLETTER_SIGNUP_RATE_PER_IP = "3/h"
    for n in range(3):
        assert client.post(url("signup", "en"), {**ALICE, "email": f"p{n}@example.org"}
                           ).status_code == 302
    response = client.post(url("signup", "en"), {**ALICE, "email": "p9@example.org"})

    assert response.status_code == 429
    assert response["Retry-After"] == "3600"
    assert "Too many attempts" in response.content.decode()
    assert Subscriber.objects.count() == 3
    # Another visitor is not held up.
    other = Client(REMOTE_ADDR="192.0.2.7").post(url("signup"), ALICE)
    assert other.status_code == 302


def test_the_visitors_address_is_read_behind_the_proxy(client, newsletter, settings):
    settings.NEWSLETTER_SIGNUP_RATE_PER_IP = "1/h"
    settings.TRUSTED_PROXY_COUNT = 1
    first = Client(HTTP_X_FORWARDED_FOR="198.51.100.1").post(url("signup"), ALICE)
    second = Client(HTTP_X_FORWARDED_FOR="198.51.100.2").post(url("signup"), ALICE)
    again = Client(HTTP_X_FORWARDED_FOR="198.51.100.1").post(url("signup"), ALICE)
    assert [first.status_code, second.status_code, again.status_code] == [302, 302, 429]


def test_too_many_signups_for_one_address_from_anywhere_get_429(newsletter, settings):
    settings.NEWSLETTER_SIGNUP_RATE_PER_ADDRESS = "2/10m"
    codes = [Client(REMOTE_ADDR=f"192.0.2.{n}").post(
        url("signup"), {**ALICE, "email": "ALICE@example.org" if n % 2 else "alice@example.org"}
    ).status_code for n in range(1, 5)]
    assert codes == [302, 302, 429, 429]
    assert ConsentRecord.objects.count() == 2


def test_a_thousand_bot_signups_from_one_address_send_few_mails(newsletter):
    bot = Client(REMOTE_ADDR="203.0.113.9")
    codes = [bot.post(url("signup"), {**ALICE, "email": f"victim{n}@example.org"}).status_code
             for n in range(1000)]
    assert codes.count(302) == 20  # NEWSLETTER_SIGNUP_RATE_PER_IP
    assert len(mail.outbox) == 20


# --- The confirmation link -----------------------------------------------------------------

@pytest.fixture
def pending_alice(client, newsletter):
    client.post(url("signup", "en"), ALICE)
    (message,) = mail.outbox
    mail.outbox.clear()
    return Subscriber.objects.get(), link_in(message, "confirm")


def test_opening_the_confirmation_link_confirms_nothing_until_the_button(client,
                                                                        pending_alice):
    alice, link = pending_alice
    page = client.get(link)
    assert page.status_code == 200
    html = page.content.decode()
    assert "Confirm your subscription" in html and "Newsletter" in html
    assert "Yes, confirm my subscription" in html
    assert page["X-Robots-Tag"] == "noindex" and "no-store" in page["Cache-Control"]
    assert Subscription.objects.get().status == "pending"

    done = client.post(link)
    assert done.status_code == 302 and done["Location"] == link
    assert Subscription.objects.get().status == "active"
    confirmed = client.get(link).content.decode()
    assert "Your subscription is confirmed" in confirmed
    record = ConsentRecord.objects.get(action="confirm")
    assert "/confirm/" in record.source and link.split("/")[-2] not in record.source

    # A second click is harmless.
    assert client.post(link).status_code == 302
    assert ConsentRecord.objects.filter(action="confirm").count() == 1


def test_signing_up_needs_no_csrf_token_and_no_page_sets_the_csrf_cookie(newsletter):
    """The footer form is on every page; a CSRF token there would set a cookie on every
    page and keep them all out of the page cache. Signing up only asks for a mail to the
    address given, rate-limited and double opt-in, so a cross-site post gains nothing."""
    visitor = Client(enforce_csrf_checks=True)
    for page in ("/en/about/", "/en/newsletter/"):
        response = visitor.get(page)
        assert response.status_code == 200
        assert not response.cookies, page
        assert "csrfmiddlewaretoken" not in response.content.decode(), page
    response = visitor.post("/en/newsletter/", {**ALICE, "source": "/en/about/"})
    assert response.status_code == 302
    assert Subscriber.objects.get().email == "alice@example.org"
    assert len(mail.outbox) == 1


def test_the_confirm_button_needs_the_csrf_token(pending_alice):
    alice, link = pending_alice
    assert Client(enforce_csrf_checks=True).post(link).status_code == 403
    assert Subscription.objects.get().status == "pending"


def test_a_tampered_confirmation_link_gets_a_clear_page_offering_a_new_mail(client,
                                                                           pending_alice):
    alice, link = pending_alice
    tampered = link[:-8] + "AAAAAAA/"
    for response in (client.get(tampered), client.post(tampered)):
        assert response.status_code == 400
        html = response.content.decode()
        assert "This link does not work" in html
        assert 'id="link-request-form"' in html
    assert Subscription.objects.get().status == "pending"


def test_an_expired_confirmation_link_says_so(client, pending_alice, monkeypatch):
    alice, link = pending_alice
    later = datetime.datetime.now().timestamp() + 73 * 3600
    monkeypatch.setattr("time.time", lambda: later)
    response = client.post(link)
    assert response.status_code == 400
    assert "This link has expired" in response.content.decode()
    assert Subscription.objects.get().status == "pending"


def test_the_link_of_a_subscriber_who_is_gone_says_so(client, pending_alice):
    alice, link = pending_alice
    alice.delete()
    response = client.get(link)
    assert response.status_code == 404
    assert "We found no subscription for this link" in response.content.decode()


def test_a_link_for_another_purpose_does_not_confirm(client, pending_alice):
    alice, link = pending_alice
    assert client.post(token_url("confirm", "manage", alice.pk)).status_code == 400
    assert client.post(token_url("confirm", "confirm", "not a number")).status_code == 400
    assert Subscription.objects.get().status == "pending"


# --- The preference centre -----------------------------------------------------------------

@pytest.fixture
def alice(pending_alice, invitations):
    subscriber, _ = pending_alice
    subscriptions.confirm(subscriber, source="test")
    return subscriber


def test_the_preference_centre_changes_lists_name_and_language(client, alice, newsletter,
                                                               invitations):
    token = tokens.make("manage", alice.pk)
    page_url = url("manage", "en", token=token)
    page = client.get(page_url)
    assert page.status_code == 200
    html = page.content.decode()
    assert "alice@example.org" in html
    assert re.search(r'value="nyhetsbrev"[^>]*checked', html)
    assert not re.search(r'value="seminarier"[^>]*checked', html)

    response = client.post(page_url, {"lists": ["seminarier"], "name": "Alice Andersson",
                                      "language": "sv"})
    assert response.status_code == 302
    # The page again, in the language chosen, saying it is saved.
    assert response["Location"] == url("manage", "sv", token=token) + "?saved=1"
    saved = client.get(response["Location"])
    assert 'role="status"' in saved.content.decode()
    alice.refresh_from_db()
    assert (alice.name, alice.language) == ("Alice Andersson", "sv")
    assert dict(alice.subscriptions.values_list("mailing_list__slug", "status")) == {
        "nyhetsbrev": "unsubscribed", "seminarier": "active"}
    assert set(ConsentRecord.objects.filter(subscriber=alice).values_list(
        "action", flat=True)) >= {"change", "unsubscribe"}
    assert mail.outbox == []


def test_bad_preferences_are_shown_again_with_errors(client, alice):
    page_url = token_url("manage", "manage", alice.pk, "en")
    response = client.post(page_url, {"lists": ["nonsense"], "language": "xx",
                                      "name": "x" * 300})
    assert response.status_code == 400
    assert "Please correct the marked fields" in response.content.decode()
    assert Subscription.objects.get(mailing_list__slug="nyhetsbrev").status == "active"


def test_preferences_need_the_csrf_token(alice):
    page_url = token_url("manage", "manage", alice.pk, "en")
    response = Client(enforce_csrf_checks=True).post(page_url, {"lists": [], "language": "en"})
    assert response.status_code == 403
    assert Subscription.objects.get(mailing_list__slug="nyhetsbrev").status == "active"


def test_an_expired_or_bad_preference_link_offers_a_new_one(client, alice, monkeypatch):
    page_url = token_url("manage", "manage", alice.pk, "en")
    assert client.get(page_url[:-5] + "xxxx/").status_code == 400
    later = datetime.datetime.now().timestamp() + 61 * 86400
    monkeypatch.setattr("time.time", lambda: later)
    response = client.get(page_url)
    assert response.status_code == 400
    assert "This link has expired" in response.content.decode()


# --- Unsubscribing -------------------------------------------------------------------------

def test_a_one_click_post_unsubscribes_at_once_without_cookies_or_token(alice, newsletter):
    link = token_url("unsubscribe", "unsubscribe", [alice.pk, newsletter.pk], "en")
    # As a mail provider sends it (RFC 8058): no cookie, no CSRF token, this body.
    response = Client(enforce_csrf_checks=True).post(
        link, "List-Unsubscribe=One-Click", content_type="application/x-www-form-urlencoded")

    assert response.status_code == 200
    assert "You are unsubscribed" in response.content.decode()
    assert Subscription.objects.get(mailing_list=newsletter).status == "unsubscribed"
    record = ConsentRecord.objects.get(action="unsubscribe")
    assert record.source == "List-Unsubscribe-Post (RFC 8058)"
    assert record.mailing_list == newsletter
    # Again: harmless.
    again = Client(enforce_csrf_checks=True).post(link, {"List-Unsubscribe": "One-Click"})
    assert again.status_code == 200
    assert ConsentRecord.objects.filter(action="unsubscribe").count() == 1


def test_opening_the_unsubscribe_link_shows_one_button_and_changes_nothing(client, alice,
                                                                           newsletter):
    link = token_url("unsubscribe", "unsubscribe", [alice.pk, None], "en")
    page = client.get(link)
    html = page.content.decode()
    assert page.status_code == 200
    assert "Do you want to stop receiving all our newsletters" in html
    main = html[html.index("<main"):html.index("</main>")]
    assert main.count('type="submit"') == 1
    assert Subscription.objects.get(mailing_list=newsletter).status == "active"

    done = client.post(link)
    assert done.status_code == 200
    assert Subscription.objects.get(mailing_list=newsletter).status == "unsubscribed"
    alice.refresh_from_db()
    assert alice.unsubscribed_at is not None
    # Whoever changes their mind gets back to the preference centre.
    assert re.search(r'href="(/en/[^"]+/preferences/[^"]+/)"', done.content.decode())
    assert "You are not subscribed" in client.get(link).content.decode()


def test_unsubscribing_from_the_preference_centre(client, alice, newsletter):
    html = client.get(token_url("manage", "manage", alice.pk, "en")).content.decode()
    action = re.search(r'<form method="post" action="([^"]+/unsubscribe/[^"]+)"', html).group(1)
    assert client.post(action).status_code == 200
    assert Subscription.objects.get(mailing_list=newsletter).status == "unsubscribed"


def test_an_unsubscribe_link_for_someone_erased_answers_kindly(client, alice, newsletter):
    link = token_url("unsubscribe", "unsubscribe", [alice.pk, newsletter.pk], "en")
    subscriptions.erase(alice)
    assert client.post(link, {"List-Unsubscribe": "One-Click"}).status_code == 200
    assert client.get(link).status_code == 200


def test_a_bad_unsubscribe_link_is_a_400_page(client, alice):
    for value in ["x", [alice.pk], [alice.pk, "x"], [True, None]]:
        response = client.post(token_url("unsubscribe", "unsubscribe", value))
        assert response.status_code == 400, value
    assert client.post(url("unsubscribe", token="nonsense")).status_code == 400
    assert Subscription.objects.filter(status="active").exists()


# --- 'Manage my subscription' --------------------------------------------------------------

def test_a_known_address_gets_a_fresh_link_and_the_answer_is_the_same_for_strangers(
        client, alice):
    mail.outbox.clear()
    known = client.post(url("manage-request", "en"), {"email": " ALICE@example.org"})
    unknown = Client().post(url("manage-request", "en"), {"email": "nobody@example.org"})

    assert known.status_code == unknown.status_code == 302
    assert known["Location"] == unknown["Location"] == url("manage-sent", "en")
    assert "If this address is on our lists" in client.get(known["Location"]).content.decode()
    (message,) = mail.outbox
    assert message.to == ["alice@example.org"]
    page = client.get(link_in(message, "manage"))
    assert page.status_code == 200 and "alice@example.org" in page.content.decode()


def test_send_me_my_link_answers_at_once_the_same_for_known_and_unknown_addresses(
        client, alice, task_queue):
    """The mail went out inside the request for a known address only, so the answer
    took measurably longer for it. Now every valid request queues the same task (with
    the subscriber's id, or none for an unknown address: no typed address is stored in
    the queue) and the view itself sends nothing."""
    mail.outbox.clear()
    known = client.post(url("manage-request", "en"), {"email": "alice@example.org"})
    unknown = Client().post(url("manage-request", "en"), {"email": "nobody@example.org"})

    assert known.status_code == unknown.status_code == 302
    assert known["Location"] == unknown["Location"]
    assert mail.outbox == []
    assert task_queue() == [("newsletter.tasks.send_link", [alice.pk]),
                              ("newsletter.tasks.send_link", [None])]


def test_the_link_task_mails_a_known_address_once_per_interval_and_nobody_else(alice):
    from newsletter import tasks

    mail.outbox.clear()
    tasks.send_link.enqueue(None)
    tasks.send_link.enqueue(alice.pk)
    tasks.send_link.enqueue(alice.pk)
    (message,) = mail.outbox
    assert message.to == ["alice@example.org"]


def test_the_sent_page_does_not_claim_a_mail_was_just_sent(client, alice):
    """Within NEWSLETTER_MAIL_INTERVAL_MINUTES of the last mail, asking again sends none:
    the page says a mail is on its way or went out in the last few minutes."""
    for _ in range(2):
        response = client.post(url("manage-request", "en"), {"email": "alice@example.org"})
    page = client.get(response["Location"]).content.decode()
    assert ("If this address is on our lists, a mail with a link to manage your "
            "subscription is on its way, or was sent in the last few minutes.") in page
    assert "We send at most one such mail every 10 minutes" in page
    swedish = client.get(url("manage-sent")).content.decode()
    assert "Om adressen finns på våra listor är ett mejl" in swedish


def test_signing_up_queues_the_confirmation_and_sends_nothing_itself(client, newsletter,
                                                                     task_queue):
    SubscriptionFactory(subscriber__email="active@example.org", mailing_list=newsletter,
                        status="active")
    for email in ("new@example.org", "active@example.org"):
        assert Client().post(url("signup"), {**ALICE, "email": email}).status_code == 302
    assert mail.outbox == []
    new, active = Subscriber.objects.get(email="new@example.org"), Subscriber.objects.get(
        email="active@example.org")
    assert task_queue() == [("newsletter.tasks.send_confirmation", [new.pk]),
                              ("newsletter.tasks.send_confirmation", [active.pk])]


def test_the_manage_request_form_shows_errors_and_has_its_own_rate_limits(client, alice,
                                                                         settings):
    response = client.post(url("manage-request", "en"), {"email": "not an address"})
    assert response.status_code == 400
    assert "Enter a valid email address." in response.content.decode()

    settings.NEWSLETTER_LINK_RATE_PER_ADDRESS = "2/h"
    codes = [Client(REMOTE_ADDR=f"192.0.2.{n}").post(
        url("manage-request", "en"), {"email": "alice@example.org"}).status_code
        for n in range(1, 4)]
    assert codes == [302, 302, 429]

    settings.NEWSLETTER_LINK_RATE_PER_IP = "1/m"
    bot = Client(REMOTE_ADDR="203.0.113.50")
    assert bot.post(url("manage-request"), {"email": "a@example.org"}).status_code == 302
    limited = bot.post(url("manage-request"), {"email": "b@example.org"})
    assert limited.status_code == 429 and limited["Retry-After"] == "60"


def test_the_manage_request_honeypot(client, alice):
    mail.outbox.clear()
    response = client.post(url("manage-request"), {"email": "alice@example.org",
                                                   "website": "x"})
    assert response.status_code == 302 and mail.outbox == []
