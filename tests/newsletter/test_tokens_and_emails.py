"""Signed links and the mail helper that every newsletter and seminar mail goes through."""

import datetime

import pytest
from django.core import mail
from django.test import override_settings

from newsletter import emails, tokens


def test_a_token_reads_back_for_its_own_purpose_only():
    token = tokens.make("confirm", {"id": 7})
    assert tokens.read("confirm", token) == {"id": 7}
    with pytest.raises(tokens.BadToken):
        tokens.read("unsubscribe", token)
    with pytest.raises(tokens.BadToken):
        tokens.read("confirm", token[:-2] + "xx")


def test_a_confirmation_link_expires(monkeypatch):
    token = tokens.make("confirm", 7)
    later = datetime.datetime.now().timestamp() + 73 * 3600
    monkeypatch.setattr("time.time", lambda: later)
    with pytest.raises(tokens.ExpiredToken):
        tokens.read("confirm", token)


def test_an_unsubscribe_link_never_expires(monkeypatch):
    token = tokens.make("unsubscribe", 7)
    later = datetime.datetime.now().timestamp() + 5 * 365 * 86400
    monkeypatch.setattr("time.time", lambda: later)
    assert tokens.read("unsubscribe", token) == 7


@override_settings(SITE_URL="https://portal.example")
def test_mails_render_subject_text_and_html_in_the_recipients_language(tmp_path, settings):
    # Assigned, not mutated, so Django rebuilds its template engines.
    settings.TEMPLATES = [{**settings.TEMPLATES[0],
                           "DIRS": [tmp_path, *settings.TEMPLATES[0]["DIRS"]]}]
    (tmp_path / "emails").mkdir()
    (tmp_path / "emails" / "hello_subject.txt").write_text(
        '{% load i18n %}{% translate "Home" %}\n')
    (tmp_path / "emails" / "hello.txt").write_text("Text {{ SITE_URL }}")
    (tmp_path / "emails" / "hello.html").write_text("<p>HTML {{ name }}</p>")
    emails.send("hello", "a@example.org", {"name": "Åsa"}, language="sv",
                headers={"X-Test": "1"})
    emails.send("hello", "b@example.org", language="en")
    swedish, english = mail.outbox
    assert swedish.subject == "Start" and english.subject == "Home"
    assert swedish.body == "Text https://portal.example"
    assert swedish.alternatives[0][0] == "<p>HTML Åsa</p>"
    assert swedish.extra_headers["X-Test"] == "1"
    assert emails.absolute("/x/") == "https://portal.example/x/"
