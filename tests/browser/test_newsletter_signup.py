"""A visitor subscribes from the footer in Chromium, confirms with the link from the mail
(written to a file, as the file e-mail backend does), changes preferences and
unsubscribes; axe on the signup, confirmation, preference and unsubscribe pages."""

import email
import email.policy
import io
import re

import pytest
from django.core.cache import cache
from django.core.management import call_command

from tests.browser.accessibility import assert_accessible


@pytest.fixture(autouse=True)
def demo_content(transactional_db):
    call_command("load_demo", allow_production=True, stdout=io.StringIO())
    cache.clear()  # no rate-limit counts or mail throttles left from other tests


@pytest.fixture
def mail_dir(settings, tmp_path, immediate_tasks):
    # The live server is a thread of this process, so it sees these settings.
    settings.EMAIL_BACKEND = "django.core.mail.backends.filebased.EmailBackend"
    settings.EMAIL_FILE_PATH = str(tmp_path)
    return tmp_path


def mails(mail_dir):
    """The messages the portal has written, parsed (each file may hold several)."""
    messages = []
    for path in sorted(mail_dir.iterdir()):
        for raw in path.read_bytes().split(b"\n" + b"-" * 79 + b"\n"):
            if raw.strip():
                messages.append(email.message_from_bytes(raw.strip() + b"\n",
                                                         policy=email.policy.default))
    return messages


def link_path(message, word):
    """The path of the link in the plain-text part whose address contains `word`."""
    text = message.get_body(preferencelist=("plain",)).get_content()
    found = re.search(r"https?://[^/\s]+(/\S*/" + word + r"/\S+/)", text)
    assert found, text
    return found.group(1)


def heading(page):
    return page.locator("main h1").inner_text()


def test_a_visitor_subscribes_from_the_footer_confirms_changes_and_unsubscribes(
        page, mail_dir):
    from newsletter.models import Subscriber

    page.goto("/en/about/")
    footer = page.locator("#footer-signup")
    footer.get_by_label("E-mail address").fill("Alice@Example.org")
    footer.get_by_label(re.compile("^Name")).fill("Alice")
    footer.get_by_role("group", name="What would you like to receive?").get_by_label(
        "Newsletter").check()
    footer.get_by_role("button", name="Subscribe").click()

    page.wait_for_url("**/en/newsletter/thanks/")
    assert heading(page) == "Check your inbox"
    assert_accessible(page)

    (message,) = mails(mail_dir)
    assert message["To"] == "alice@example.org"
    page.goto(link_path(message, "confirm"))
    assert heading(page) == "Confirm your subscription"
    assert_accessible(page)
    page.get_by_role("button", name="Yes, confirm my subscription").click()
    page.wait_for_load_state()
    assert heading(page) == "Your subscription is confirmed"
    assert_accessible(page)

    page.get_by_role("link", name="Change what you receive, your name or language").click()
    page.wait_for_load_state()
    assert heading(page) == "Your subscription"
    assert_accessible(page)
    lists = page.get_by_role("group", name="What would you like to receive?")
    assert lists.get_by_label("Newsletter").is_checked()
    lists.get_by_label("Seminar invitations").check()
    page.get_by_role("textbox", name=re.compile("^Name")).fill("Alice Andersson")
    page.get_by_role("button", name="Save my choices").click()
    page.wait_for_load_state()
    assert page.get_by_role("status").inner_text() == "Your choices are saved."
    alice = Subscriber.objects.get()
    assert alice.name == "Alice Andersson"
    assert set(alice.subscriptions.values_list("status", flat=True)) == {"active"}

    page.get_by_role("button", name="Unsubscribe from everything").click()
    page.wait_for_load_state()
    assert heading(page) == "You are unsubscribed"
    assert_accessible(page)
    assert set(alice.subscriptions.values_list("status", flat=True)) == {"unsubscribed"}


def test_the_signup_and_manage_pages_and_a_list_unsubscribe_link_pass_axe(page, mail_dir):
    from newsletter import links, subscriptions
    from newsletter.models import MailingList

    page.goto("/en/newsletter/")
    assert_accessible(page)
    # With errors shown (the browser's own checks skipped, as in a browser without them).
    page.evaluate("document.getElementById('signup-form').noValidate = true")
    form = page.locator("#signup-form")
    form.get_by_role("textbox", name=re.compile("^E-mail address")).fill("nonsense")
    form.get_by_role("button", name="Subscribe").click()
    page.wait_for_load_state()
    assert page.get_by_role("alert").inner_text().startswith("Please correct")
    assert_accessible(page)

    page.goto("/en/newsletter/manage/")
    assert_accessible(page)

    newsletter = MailingList.objects.get(slug="nyhetsbrev")
    bob = subscriptions.subscribe("bob@example.org", lists=[newsletter], language="en",
                                  source="test", consent_text="ok")
    subscriptions.confirm(bob, source="test")
    page.goto(re.sub(r"^https?://[^/]+", "", links.unsubscribe_url(bob, newsletter)))
    assert heading(page) == "Unsubscribe"
    assert_accessible(page)

    page.goto("/en/newsletter/confirm/not-a-real-link/")
    assert heading(page) == "This link does not work"
    assert_accessible(page)
