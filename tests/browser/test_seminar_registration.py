"""Chromium: register for a seminar, confirm and cancel by the mails' links; axe on each
page met."""

import io
import re

import pytest
from django.core import mail
from django.core.cache import cache
from django.core.management import call_command
from django.utils import translation

from tests.browser.accessibility import assert_accessible


@pytest.fixture(autouse=True)
def demo_content(transactional_db):
    call_command("load_demo", allow_production=True, stdout=io.StringIO())
    cache.clear()  # no rate-limit counts left from other tests


def field(label, page):
    """A text box of the registration form (the footer has a signup form too), found by
    its label as a screen reader names it (required ones end in *)."""
    return page.locator("#registration-form").get_by_role(
        "textbox", name=re.compile("^" + re.escape(label) + r"\*?$"))


def link_path(message, word):
    """The path of the mail's /en/seminars/<word>/... link."""
    return re.search(r"https?://[^/\s]+(/en/seminars/" + word + r"/\S+/)",
                     message.body).group(1)


def follow(page, path, heading, button, result):
    """A mail's link: its page with one button, pressed; axe on the page before and after."""
    page.goto(path)
    assert page.locator("h1").inner_text() == heading
    assert_accessible(page)
    page.get_by_role("button", name=button).click()
    page.wait_for_load_state()
    assert page.locator("h1").inner_text() == result
    assert_accessible(page)


def english_seminar_url():
    from newsletter.models import Seminar

    seminar = Seminar.objects.upcoming().first()
    with translation.override("en"):  # /en/seminars/<slug>/: the words are English too
        return seminar, seminar.get_absolute_url()


def test_a_visitor_registers_and_then_cancels(page, immediate_tasks):
    from newsletter.models import Registration, Subscription

    seminar, url = english_seminar_url()
    page.goto(url)
    assert_accessible(page)
    # The seminar's page links to the form, on a page of its own.
    page.get_by_role("link", name="Register").click()
    page.wait_for_url("**/register/")
    assert_accessible(page)

    field("Name", page).fill("Alice Andersson")
    field("E-mail address", page).fill("alice@example.org")
    field("Organisation", page).fill("LO")
    page.get_by_role("checkbox", name=re.compile(
        "^I agree that the Olof Palme International Center stores")).check()
    page.get_by_role("checkbox", name=re.compile("^Also send me invitations")).check()
    page.get_by_role("button", name="Register").click()

    page.wait_for_url("**/register/thanks/**")
    assert page.locator("h1").inner_text() == "Check your inbox"
    assert_accessible(page)
    registration = Registration.objects.get(seminar=seminar)
    assert registration.status == "confirmed" and registration.language == "en"
    assert registration.address_confirmed_at is None  # a place held until she confirms

    # The registration's mail, and the invitations' confirmation (double opt-in): each
    # asks to confirm.
    asking, confirmation = mail.outbox
    assert "/en/newsletter/confirm/" in confirmation.body
    assert Subscription.objects.get(subscriber__email="alice@example.org").mailing_list.slug == (
        "seminarier")
    follow(page, link_path(asking, "confirm"), "Confirm your registration",
           "Confirm my registration", "Your registration is confirmed")
    registration.refresh_from_db()
    assert registration.address_confirmed_at is not None

    # Now the mail with the calendar file and the link to cancel.
    message = mail.outbox[-1]
    assert message.subject.startswith("You are registered") and message.attachments
    follow(page, link_path(message, "cancel"), "Cancel your registration",
           "Cancel my registration", "Your registration is cancelled")
    registration.refresh_from_db()
    assert registration.status == "cancelled"


def test_errors_are_shown_next_to_their_fields_and_pass_axe(page):
    _, url = english_seminar_url()
    page.goto(url + "register/")
    # Skip the browser's own checks so the server's error page is what we see (as in a
    # browser that has none).
    page.evaluate("document.getElementById('registration-form').noValidate = true")
    field("E-mail address", page).fill("not an address")
    page.get_by_role("button", name="Register").click()
    page.wait_for_load_state()

    assert page.get_by_role("alert").inner_text().startswith("Please correct")
    email = field("E-mail address", page)
    assert email.get_attribute("aria-invalid") == "true"
    described_by = email.get_attribute("aria-describedby")
    assert "valid email" in page.locator(f"#{described_by}").inner_text()
    assert_accessible(page)
