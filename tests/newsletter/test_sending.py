"""Sending a mailing: recipients, content per language, headers, batches, retries, resuming."""

import datetime
import re
import smtplib

import pytest
from django.core import mail
from django.core.mail.backends import locmem
from django.core.management import call_command
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from newsletter import links, sending, tokens
from newsletter.markdown import to_html, to_text
from newsletter.models import Delivery, Mailing, Subscription
from tests.factories import (
    MailingFactory,
    MailingListFactory,
    SeminarFactory,
    SubscriberFactory,
    SubscriptionFactory,
)

pytestmark = pytest.mark.django_db

ACTIVE = Subscription.Status.ACTIVE
TASK_PATH = "newsletter.sending.send_mailing"


@pytest.fixture(autouse=True)
def _site(settings):
    settings.SITE_URL = "https://palmecentret.example"


def active(subscriber, mailing_list):
    return SubscriptionFactory(subscriber=subscriber, mailing_list=mailing_list,
                               status=ACTIVE)


def by_recipient(outbox):
    return {message.to[0]: message for message in outbox}


def html_of(message):
    return message.alternatives[0][0]


# --- Markdown -------------------------------------------------------------------------

def test_markdown_becomes_sanitised_html_with_absolute_links():
    html = to_html('Hej **alla**! <script>alert("x")</script>\n\n'
                   '[Projekten](/projekt/) [farligt](javascript:alert(1)) '
                   '<a href="https://abf.se" onclick="steal()">ABF</a>\n\n- ett\n- två')
    assert "<strong>alla</strong>" in html
    assert "<script" not in html and "alert" not in html and "onclick" not in html
    assert 'href="https://palmecentret.example/projekt/"' in html
    assert 'rel="noopener noreferrer"' in html
    assert "javascript:" not in html
    assert "<li>ett</li>" in html


def test_the_text_part_is_the_markdown_itself_with_absolute_links():
    assert to_text("Hej **alla**\r\n\r\n- [ett](/projekt/)\r\n- [två](https://abf.se/)\r\n") == (
        "Hej **alla**\n\n- [ett](https://palmecentret.example/projekt/)\n"
        "- [två](https://abf.se/)")


# --- Queueing -------------------------------------------------------------------------

def test_queueing_makes_one_delivery_per_unique_active_subscriber_and_enqueues_sending():
    news, seminars, other = MailingListFactory.create_batch(3)
    on_both, on_news = SubscriberFactory.create_batch(2)
    active(on_both, news)
    active(on_both, seminars)
    active(on_news, news)
    SubscriptionFactory(mailing_list=news, status=Subscription.Status.PENDING)
    SubscriptionFactory(mailing_list=seminars, status=Subscription.Status.UNSUBSCRIBED)
    SubscriptionFactory(mailing_list=other, status=ACTIVE)
    mailing = MailingFactory(mailing_lists=[news, seminars])

    assert sending.queue(mailing.pk) == 2

    mailing.refresh_from_db()
    assert mailing.status == Mailing.Status.QUEUED and mailing.queued_at is not None
    assert set(mailing.deliveries.values_list("subscriber", "status")) == {
        (on_both.pk, "pending"), (on_news.pk, "pending")}
    task = DBTaskResult.objects.get(task_path=TASK_PATH)
    assert task.args_kwargs["args"][0] == mailing.pk
    assert mail.outbox == []


def test_a_second_queueing_creates_no_second_set():
    subscription = SubscriptionFactory(status=ACTIVE)
    mailing = MailingFactory(mailing_lists=[subscription.mailing_list])
    sending.queue(mailing.pk)
    with pytest.raises(sending.CannotQueue):
        sending.queue(mailing.pk)
    assert mailing.deliveries.count() == 1
    assert DBTaskResult.objects.filter(task_path=TASK_PATH).count() == 1


@pytest.mark.parametrize("problem", ["no lists", "no subscribers", "unpublished seminar"])
def test_a_mailing_that_cannot_go_out_is_not_queued(problem):
    subscription = SubscriptionFactory(status=ACTIVE)
    mailing = MailingFactory(mailing_lists=[subscription.mailing_list])
    if problem == "no lists":
        mailing.mailing_lists.clear()
    elif problem == "no subscribers":
        subscription.delete()
    else:
        mailing.seminar = SeminarFactory(published=False)
        mailing.save()
    with pytest.raises(sending.CannotQueue):
        sending.queue(mailing.pk)
    mailing.refresh_from_db()
    assert mailing.status == Mailing.Status.DRAFT
    assert not Delivery.objects.exists() and not DBTaskResult.objects.exists()


# --- What each recipient gets ---------------------------------------------------------

def test_each_recipient_gets_one_copy_in_their_language(immediate_tasks):
    news, seminars = MailingListFactory.create_batch(2)
    swede = SubscriberFactory(language="sv")
    english = SubscriberFactory(language="en")
    for person in (swede, english):
        active(person, news)
        active(person, seminars)
    mailing = MailingFactory(mailing_lists=[news, seminars], subject_sv="Hej",
                             body_sv="Nyheter på **svenska**.", subject_en="Hello",
                             body_en="News in **English**.")

    sending.queue(mailing.pk)

    assert len(mail.outbox) == 2
    got = by_recipient(mail.outbox)
    assert got[swede.email].subject == "Hej"
    assert "Nyheter på **svenska**." in got[swede.email].body
    assert "<strong>svenska</strong>" in html_of(got[swede.email])
    assert got[english.email].subject == "Hello"
    assert "<strong>English</strong>" in html_of(got[english.email])
    mailing.refresh_from_db()
    assert mailing.status == Mailing.Status.SENT and mailing.finished_at is not None
    assert set(mailing.deliveries.values_list("status", flat=True)) == {"sent"}
    assert all(mailing.deliveries.values_list("sent_at", flat=True))


def test_english_readers_get_swedish_when_there_is_no_english_version(immediate_tasks):
    subscription = SubscriptionFactory(status=ACTIVE, subscriber__language="en")
    mailing = MailingFactory(mailing_lists=[subscription.mailing_list], subject_sv="Hej",
                             body_sv="Bara svenska.")
    sending.queue(mailing.pk)
    (message,) = mail.outbox
    assert message.subject == "Hej" and "Bara svenska." in message.body
    assert 'lang="sv"' in html_of(message)


def test_every_list_mail_offers_one_click_unsubscribe_and_the_preferences(immediate_tasks):
    news, seminars = MailingListFactory.create_batch(2)
    one_list, two_lists = SubscriberFactory.create_batch(2)
    active(one_list, news)
    active(two_lists, news)
    active(two_lists, seminars)
    mailing = MailingFactory(mailing_lists=[news, seminars])

    sending.queue(mailing.pk)

    got = by_recipient(mail.outbox)
    for person, leaves in ((one_list, news.pk), (two_lists, None)):
        message = got[person.email]
        header = message.extra_headers["List-Unsubscribe"]
        assert header.startswith("<https://palmecentret.example/") and header.endswith(">")
        # The link leaves the list the mail came through, or every list when it came
        # through several.
        unsubscribe = header[1:-1]
        assert page_of(unsubscribe) == page_of(
            links.unsubscribe_url(person, news if leaves else None))
        assert tokens.read("unsubscribe", token_of(unsubscribe)) == [person.pk, leaves]
        assert message.extra_headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
        (manage,) = re.findall(re.escape(page_of(links.manage_url(person))) + r"/[^/\s]+/",
                               message.body)
        assert tokens.read("manage", token_of(manage)) == person.pk
        assert manage.replace("&", "&amp;") in html_of(message)
        assert unsubscribe in message.body


# A signed link's token names the second it was made in, which may be the one before the
# test makes the link it expects: the page and what the token says are compared instead.
def page_of(url):
    return url.rstrip("/").rsplit("/", 1)[0]


def token_of(url):
    return url.rstrip("/").rsplit("/", 1)[1]


def test_a_seminar_invitation_carries_the_seminars_details_and_registration_link(
        immediate_tasks):
    seminar = SeminarFactory(
        slug="demokrati-i-myanmar", title_sv="Demokrati i Myanmar",
        title_en="Democracy in Myanmar", place_sv="ABF-huset, Stockholm",
        online_url="https://meet.example/hemligt",
        # 16:00 UTC in March is 17:00 in Stockholm.
        starts_at=datetime.datetime(2030, 3, 14, 16, 0, tzinfo=datetime.UTC),
        ends_at=datetime.datetime(2030, 3, 14, 18, 0, tzinfo=datetime.UTC))
    invitations = MailingListFactory()
    swede = SubscriberFactory(language="sv")
    english = SubscriberFactory(language="en")
    active(swede, invitations)
    active(english, invitations)
    mailing = MailingFactory(mailing_lists=[invitations], seminar=seminar,
                             subject_en="Invitation", body_en="Welcome.")

    sending.queue(mailing.pk)

    got = by_recipient(mail.outbox)
    swedish, in_english = got[swede.email], got[english.email]
    for message in (swedish, in_english):
        for part in (message.body, html_of(message)):
            assert "17:00" in part and "19:00" in part
            assert "ABF-huset, Stockholm" in part
            # The online link goes only to those with a place (the registration mail).
            assert "meet.example" not in part
    assert "Demokrati i Myanmar" in swedish.body
    assert "https://palmecentret.example/seminarier/demokrati-i-myanmar/" in swedish.body
    assert "Democracy in Myanmar" in in_english.body
    assert ("https://palmecentret.example/en/seminars/demokrati-i-myanmar/"
            in html_of(in_english))
    assert "March" in in_english.body


# --- Batches, failures, resuming ------------------------------------------------------

def queued_mailing(count, **kwargs):
    mailing_list = MailingListFactory()
    for _ in range(count):
        SubscriptionFactory(mailing_list=mailing_list, status=ACTIVE)
    mailing = MailingFactory(mailing_lists=[mailing_list], **kwargs)
    sending.queue(mailing.pk)
    return mailing


def ready_tasks():
    return DBTaskResult.objects.filter(task_path=TASK_PATH, status="READY")


def test_a_task_run_sends_one_batch_and_queues_the_next(settings):
    settings.NEWSLETTER_BATCH_SIZE = 2
    mailing = queued_mailing(5)
    DBTaskResult.objects.all().delete()

    sending.send_mailing.call(mailing.pk)

    assert len(mail.outbox) == 2
    mailing.refresh_from_db()
    assert mailing.status == Mailing.Status.SENDING
    # The next batch, due at once; the stand-in for this run was withdrawn.
    (following,) = ready_tasks()
    assert following.args_kwargs["args"] == [mailing.pk, 0, 0]
    assert following.run_after.year == 9999


def test_a_run_that_dies_leaves_a_stand_in_that_resumes_later(settings, monkeypatch):
    mailing = queued_mailing(3)
    DBTaskResult.objects.all().delete()

    def crash(*args):
        raise SystemExit("killed")

    monkeypatch.setattr(sending, "send_batch", crash)
    with pytest.raises(SystemExit):
        sending.send_mailing.call(mailing.pk)

    (stand_in,) = ready_tasks()
    due_in = stand_in.run_after - timezone.now()
    assert settings.NEWSLETTER_RESUME_AFTER - datetime.timedelta(seconds=5) < due_in
    assert due_in <= settings.NEWSLETTER_RESUME_AFTER


def test_a_row_sent_by_another_worker_meanwhile_is_not_sent_again():
    mailing = queued_mailing(1)
    delivery = mailing.deliveries.select_related("subscriber").get()
    # Another worker sent it after this one read its batch.
    Delivery.objects.filter(pk=delivery.pk).update(status="sent", attempts=1)
    message = sending.build_message(mailing, delivery.subscriber, list(
        mailing.mailing_lists.all()))
    assert sending._deliver(delivery, message, message.get_connection()) == "skipped"
    assert mail.outbox == []


def test_someone_who_left_after_queueing_gets_nothing():
    mailing = queued_mailing(2)
    leaver = mailing.deliveries.first().subscriber
    Subscription.objects.filter(subscriber=leaver).update(
        status=Subscription.Status.UNSUBSCRIBED)

    outcome = sending.send_batch(mailing.pk)

    assert (outcome.sent, outcome.dropped) == (1, 1)
    assert [message.to[0] for message in mail.outbox] != [leaver.email]
    assert not mailing.deliveries.filter(subscriber=leaver).exists()


class RefusingBackend(locmem.EmailBackend):
    """The mail server refuses addresses at refused.example."""

    def send_messages(self, messages):
        for message in messages:
            if message.to[0].endswith("@refused.example"):
                raise smtplib.SMTPRecipientsRefused({message.to[0]: (550, b"No such user")})
        return super().send_messages(messages)


def test_a_refused_address_is_tried_again_and_then_given_up(settings, immediate_tasks):
    settings.EMAIL_BACKEND = f"{__name__}.RefusingBackend"
    mailing_list = MailingListFactory()
    SubscriptionFactory.create_batch(2, mailing_list=mailing_list, status=ACTIVE)
    refused = SubscriptionFactory(mailing_list=mailing_list, status=ACTIVE,
                                  subscriber__email="nobody@refused.example").subscriber
    mailing = MailingFactory(mailing_lists=[mailing_list])

    sending.queue(mailing.pk)

    assert len(mail.outbox) == 2
    failed = mailing.deliveries.get(subscriber=refused)
    assert failed.status == Delivery.Status.FAILED
    assert failed.attempts == sending.MAX_ATTEMPTS
    assert "SMTPRecipientsRefused" in failed.error and failed.sent_at is None
    mailing.refresh_from_db()
    assert mailing.status == Mailing.Status.SENT


class DeadServerBackend(locmem.EmailBackend):
    def send_messages(self, messages):
        raise smtplib.SMTPServerDisconnected("Connection unexpectedly closed")


def test_a_dead_mail_server_pauses_the_mailing_instead_of_using_up_every_attempt(settings):
    settings.EMAIL_BACKEND = f"{__name__}.DeadServerBackend"
    mailing = queued_mailing(sending.FAILURES_IN_A_ROW + 3)

    outcome = sending.send_batch(mailing.pk)

    assert outcome.server_down and outcome.failed == sending.FAILURES_IN_A_ROW
    assert sending.after_batch(mailing.pk, 0, outcome) == sending.Next(
        0, settings.NEWSLETTER_RETRY_AFTER, outages=1)
    # Tried once, still pending: the next round tries them again.
    assert mailing.deliveries.filter(status="pending", attempts=1).count() == \
        sending.FAILURES_IN_A_ROW
    assert mailing.deliveries.filter(status="pending", attempts=0).count() == 3


@pytest.mark.django_db(transaction=True)
def test_the_worker_sends_a_whole_mailing_batch_after_batch(settings):
    settings.NEWSLETTER_BATCH_SIZE = 3
    mailing = queued_mailing(8)

    call_command("db_worker", "--batch", "--no-startup-delay", "--no-reload",
                 "--interval", "0", verbosity=0)

    assert sorted(message.to[0] for message in mail.outbox) == sorted(
        mailing.deliveries.values_list("subscriber__email", flat=True))
    mailing.refresh_from_db()
    assert mailing.status == Mailing.Status.SENT
    # Three batches, the last one finishing the mailing; no stand-in is left behind.
    assert DBTaskResult.objects.filter(task_path=TASK_PATH, status="SUCCESSFUL").count() == 3
    assert not ready_tasks().exists()


def test_tasks_queued_under_their_old_paths_still_run_after_the_deploy():
    """The queue stores a task's import path; rows queued before the tasks moved beside
    the rules that queue them name newsletter.tasks."""
    from django.utils.module_loading import import_string

    from newsletter import registrations

    assert import_string("newsletter.tasks.send_mailing") is sending.send_mailing
    assert import_string("newsletter.tasks.send_place_mail") is registrations.send_place_mail
    assert (import_string("newsletter.tasks.release_expired_holds")
            is registrations.release_expired_holds)
