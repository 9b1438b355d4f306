"""The mailing admin: composing, preview, test mail, sending once, progress, who may."""

import html

import pytest
from django.core import mail
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext
from django_tasks_db.models import DBTaskResult

from newsletter.models import Delivery, Mailing, Subscription
from tests.admin_personas import carl, nina, root
from tests.factories import (
    DeliveryFactory,
    MailingFactory,
    MailingListFactory,
    SeminarFactory,
    SubscriptionFactory,
)

pytestmark = pytest.mark.django_db

ACTIVE = Subscription.Status.ACTIVE


def in_swedish(text):
    """What Nina, whose admin is in Swedish, reads for the English source text."""
    with translation.override("sv"):
        return gettext(text)


def url(name, mailing=None):
    return reverse(f"admin:newsletter_mailing_{name}", args=[mailing.pk] if mailing else [])


@pytest.fixture
def mailing():
    news = MailingListFactory(name_sv="Nyhetsbrev")
    for _ in range(3):
        SubscriptionFactory(mailing_list=news, status=ACTIVE)
    SubscriptionFactory(mailing_list=news, status=Subscription.Status.PENDING)
    return MailingFactory(mailing_lists=[news], subject_sv="Hej alla",
                          body_sv='Hej **alla**! <script>alert("svenska")</script>',
                          subject_en="Hello all",
                          body_en='Hello **all**! <script>alert("english")</script>')


def test_a_content_editor_gets_403_on_every_mailing_page(client, mailing):
    client.force_login(carl())
    for page in [url("changelist"), url("add"), url("change", mailing),
                 url("preview", mailing), url("send", mailing),
                 reverse("admin:newsletter_delivery_changelist")]:
        assert client.get(page).status_code == 403, page
    assert client.post(url("send", mailing)).status_code == 403
    assert client.post(url("send_test", mailing)).status_code == 403
    assert not Delivery.objects.exists() and mail.outbox == []


def test_the_preview_shows_both_languages_without_any_script(client, mailing):
    client.force_login(nina())
    response = client.get(url("preview", mailing))
    assert response.status_code == 200
    page = response.content.decode()
    assert "Hej alla" in page and "Hello all" in page
    # The HTML part sits in a sandboxed frame, escaped into its srcdoc attribute.
    assert page.count('<iframe sandbox="" srcdoc="') == 2
    assert html.escape("<strong>alla</strong>") in page
    assert html.escape("<strong>all</strong>") in page
    assert html.escape("<script>") not in page.split("<pre")[0]
    # The plain text shows the Markdown as written, as text.
    assert "Hej **alla**!" in page
    assert "<script>alert" not in page
    assert html.escape('<script>alert("svenska")</script>') in page


def test_a_test_mail_goes_to_the_staff_member_only(client, mailing):
    client.force_login(nina())
    response = client.post(url("send_test", mailing))
    assert response.status_code == 302
    assert [message.to for message in mail.outbox] == [["nina@example.org"]] * 2
    assert {message.subject for message in mail.outbox} == {"[Test] Hej alla",
                                                            "[Test] Hello all"}
    # Not a list mail: no unsubscribe header that would lead nowhere.
    assert "List-Unsubscribe" not in mail.outbox[0].extra_headers
    assert not Delivery.objects.exists()
    mailing.refresh_from_db()
    assert mailing.status == Mailing.Status.DRAFT


def test_a_test_mail_needs_an_address(client, mailing):
    user = nina()
    user.email = ""
    user.save()
    client.force_login(user)
    response = client.post(url("send_test", mailing), follow=True)
    assert mail.outbox == []
    assert "Ditt konto har ingen e-postadress att skicka testet till." in (
        response.content.decode())


def test_sending_asks_first_then_queues_once_however_often_it_is_posted(client, mailing):
    client.force_login(nina())
    confirm = client.get(url("send", mailing))
    assert confirm.status_code == 200
    assert confirm.context["recipients"] == 3
    assert "”Hej alla” kommer att skickas till 3 prenumeranter." in confirm.content.decode()
    assert not Delivery.objects.exists()

    first = client.post(url("send", mailing))
    second = client.post(url("send", mailing), follow=True)

    assert first.status_code == 302 and first.url == url("changelist")
    assert in_swedish("This mailing has been sent or queued for sending already.") in (
        second.content.decode())
    mailing.refresh_from_db()
    assert mailing.status == Mailing.Status.QUEUED
    assert mailing.deliveries.count() == 3
    assert DBTaskResult.objects.filter(task_path="newsletter.sending.send_mailing").count() == 1


def test_a_mailing_that_cannot_go_out_says_why(client):
    mailing = MailingFactory(mailing_lists=[MailingListFactory()])
    client.force_login(nina())
    confirm = client.get(url("send", mailing))
    assert "De valda listorna har inga aktiva prenumeranter." in confirm.content.decode()
    assert in_swedish("Yes, send it") not in confirm.content.decode()
    client.post(url("send", mailing))
    assert not Delivery.objects.exists()


def test_a_queued_or_sent_mailing_is_read_only(client, mailing):
    mailing.status = Mailing.Status.SENT
    mailing.save()
    client.force_login(nina())
    page = client.get(url("change", mailing))
    assert page.status_code == 200
    assert page.context["has_change_permission"] is False
    response = client.post(url("change", mailing), {"subject_sv": "Ändrad"})
    assert response.status_code == 403
    mailing.refresh_from_db()
    assert mailing.subject_sv == "Hej alla"


def test_the_list_shows_progress_with_a_fixed_number_of_queries(client, mailing):
    client.force_login(nina())
    mailing.status = Mailing.Status.SENDING
    mailing.save()
    for status in ["sent", "sent", "failed", "pending"]:
        DeliveryFactory(mailing=mailing, status=status)

    def count_queries():
        with CaptureQueriesContext(connection) as queries:
            response = client.get(url("changelist"))
        assert response.status_code == 200
        return response, len(queries)

    response, few = count_queries()
    page = response.content.decode()
    assert "2 / 4" in page
    failed_link = reverse("admin:newsletter_delivery_changelist")
    assert f'href="{failed_link}?mailing__id__exact={mailing.pk}&amp;status__exact=failed">1<' \
        in page
    for _ in range(5):
        other = MailingFactory(mailing_lists=[MailingListFactory()], status="sent")
        DeliveryFactory(mailing=other, status="sent")
    _, many = count_queries()
    # Session, user, groups' permissions, the count, the page with its progress
    # (annotated), the lists (prefetched), filters: the same however many mailings.
    assert many == few


def test_a_newsletter_manager_can_compose_and_a_half_english_version_is_refused(client):
    news = MailingListFactory()
    client.force_login(nina())
    data = {"subject_sv": "Hej", "body_sv": "Text", "subject_en": "Hello", "body_en": "",
            "mailing_lists": [news.pk]}
    refused = client.post(url("add"), data)
    assert refused.status_code == 200
    assert "Skriv även den engelska brödtexten" in refused.content.decode()
    data["body_en"] = "Text"
    assert client.post(url("add"), data).status_code == 302
    created = Mailing.objects.get()
    assert created.created_by.username == "nina"
    assert list(created.mailing_lists.all()) == [news]


def test_an_invitation_starts_from_the_seminar(client):
    seminar = SeminarFactory(title_sv="Demokrati", title_en="Democracy",
                             description_sv="Om demokrati.", description_en="On democracy.")
    invitations = MailingListFactory(slug="seminarier")
    client.force_login(nina())
    form = client.get(url("add") + f"?seminar={seminar.pk}").context["adminform"].form
    assert form.initial["seminar"] == str(seminar.pk)
    assert form.initial["body_sv"] == "Om demokrati." and "Demokrati" in form.initial[
        "subject_sv"]
    assert "Democracy" in form.initial["subject_en"]
    assert form.initial["mailing_lists"] == [invitations.pk]


def test_deliveries_are_listed_read_only(client, mailing):
    DeliveryFactory(mailing=mailing, status="failed", error="550 No such user")
    client.force_login(root())
    listing = client.get(reverse("admin:newsletter_delivery_changelist"))
    assert listing.status_code == 200 and "550 No such user" in listing.content.decode()
    assert client.get(reverse("admin:newsletter_delivery_add")).status_code == 403


def test_a_mailing_going_out_cannot_be_deleted_but_a_sent_ones_reader_can_be_erased(
        client, mailing):
    client.force_login(nina())
    mailing.status = Mailing.Status.SENDING
    mailing.save()
    delivery = DeliveryFactory(mailing=mailing, status="sent")
    assert client.get(url("delete", mailing)).status_code == 403
    # Erasing a subscriber takes their deliveries with them.
    subscriber_delete = reverse("admin:newsletter_subscriber_delete",
                                args=[delivery.subscriber.pk])
    assert client.post(subscriber_delete, {"post": "yes"}).status_code == 302
    assert not Delivery.objects.filter(pk=delivery.pk).exists()
