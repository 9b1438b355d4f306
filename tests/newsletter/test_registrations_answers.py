"""The answer after registering for a seminar is the same whatever the address's state (new,
holding a place, waiting, the seminar full or not); the mail tells its owner where they
stand, and registering again sends it again within the limits."""

import smtplib

import pytest
from django.core import mail
from django.core.cache import cache
from django.test import Client
from django.urls import reverse
from django.utils import translation

from newsletter.models import Registration
from tests.factories import RegistrationFactory, SeminarFactory

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("immediate_tasks")]

FORM = {"name": "Alice Andersson", "organisation": "LO", "consent": "on"}


def register_url(seminar, language="sv"):
    with translation.override(language):
        return reverse("newsletter:seminar-register", kwargs={"slug": seminar.slug})


def main_of(html):
    return html[html.index("<main"):html.index("</main>")]


def answer(seminar, email, language="sv"):
    """What a visitor (a fresh one each time) sees after sending the form: the status, the
    address it leads to and the words of the page there, with the seminar's own title and
    address taken out so that two seminars' answers compare."""
    visitor = Client()
    response = visitor.post(register_url(seminar, language), {**FORM, "email": email})
    assert response.status_code == 302, response.status_code
    page = visitor.get(response["Location"])
    words = (main_of(page.content.decode()).replace(seminar.title, "TITLE")
             .replace(seminar.slug, "SLUG"))
    return (response.status_code, response["Location"].replace(seminar.slug, "SLUG"),
            page.status_code, words)


@pytest.fixture
def seminars():
    """One seminar with places left and one full one, each with a person holding a place
    and (the full one) a person on the waiting list."""
    open_seminar = SeminarFactory(capacity=5)
    full = SeminarFactory(capacity=1)
    for seminar in (open_seminar, full):
        RegistrationFactory(seminar=seminar, email="holder@example.org", name="Holder")
    RegistrationFactory(seminar=full, email="waiter@example.org", name="Waiter",
                        status="waitlisted")
    return open_seminar, full


@pytest.mark.parametrize("language", ["sv", "en"])
def test_the_answer_tells_a_stranger_nothing_about_the_address(seminars, language):
    answers = {answer(seminar, email, language)
               for seminar in seminars
               for email in ("new@example.org", "holder@example.org", "waiter@example.org",
                             "HOLDER@example.org")}
    assert len(answers) == 1
    (_, location, _, words), = answers
    assert "status" not in location and "SLUG" in location
    # Honest for a repeat within the interval, when no new mail goes out.
    expected = ("It is on its way, or was sent in the last few minutes" if language == "en"
                else "Det är på väg, eller skickades för några minuter sedan")
    assert expected in words


def test_the_mail_tells_its_owner_where_they_stand(seminars):
    open_seminar, full = seminars
    for email in ("holder@example.org", "waiter@example.org"):
        answer(full, email)
    holder, waiter = mail.outbox
    assert holder.to == ["holder@example.org"] and holder.subject.startswith("Du är anmäld")
    assert waiter.to == ["waiter@example.org"]
    assert waiter.subject.startswith("På väntelistan")


def test_registering_again_sends_the_mail_again_once_the_interval_has_passed(seminars):
    open_seminar, _ = seminars
    answer(open_seminar, "holder@example.org")
    answer(open_seminar, "holder@example.org")  # a double click: one mail
    assert len(mail.outbox) == 1
    cache.clear()  # RESEND_AFTER has passed (and the rate limit's minute with it)
    answer(open_seminar, "holder@example.org")
    assert len(mail.outbox) == 2
    assert mail.outbox[0].subject == mail.outbox[1].subject


def test_a_mail_that_failed_is_sent_when_the_person_registers_again(monkeypatch, caplog):
    """The mail server refused the first mail: registering again within the interval
    must send it rather than answer "a mail was sent" and send none."""
    seminar = SeminarFactory()

    def refuse(*args, **kwargs):
        raise smtplib.SMTPServerDisconnected("gone")

    monkeypatch.setattr("newsletter.emails.send", refuse)
    answer(seminar, "alice@example.org")
    assert Registration.objects.get().email == "alice@example.org"
    assert "failed" in caplog.text and mail.outbox == []
    monkeypatch.undo()

    answer(seminar, "alice@example.org")
    (message,) = mail.outbox
    assert message.to == ["alice@example.org"]


def test_the_page_sends_nothing_itself_and_queues_the_same_task_every_time(seminars,
                                                                          task_queue):
    open_seminar, _ = seminars
    answer(open_seminar, "new@example.org")
    answer(open_seminar, "holder@example.org")
    assert mail.outbox == []
    new = Registration.objects.get(email="new@example.org")
    holder = Registration.objects.get(email="holder@example.org", seminar=open_seminar)
    # (A new registration also queues the release of its hold, due when the hold ends.)
    mails = [task for task in task_queue() if task[0].endswith("send_registration_mail")]
    assert mails == [("newsletter.tasks.send_registration_mail", [new.pk]),
                     ("newsletter.tasks.send_registration_mail", [holder.pk])]
