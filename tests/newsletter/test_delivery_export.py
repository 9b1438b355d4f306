"""nina (newsletter manager) exports a mailing's deliveries (who it went to, which failed
and why), CSV or XLSX, filtered like the admin list and safe to open in a spreadsheet;
carl (content editor) may not: deliveries name subscribers."""

import pytest
from django.urls import reverse

from newsletter.models import Delivery
from newsletter.resources import DeliveryResource
from tests.admin_personas import carl, nina
from tests.factories import DeliveryFactory, MailingFactory, SubscriberFactory
from tests.spreadsheets import csv_rows, export_form, xlsx_rows

pytestmark = pytest.mark.django_db

EXPORT = "admin:newsletter_delivery_export"
CSV, XLSX = "0", "1"
COLUMNS = ["mailing", "subscriber", "status", "attempts", "sent_at", "error"]


def form(file_format):
    return export_form(DeliveryResource, COLUMNS, file_format)


@pytest.fixture
def mailing():
    mailing = MailingFactory(subject_sv="Vårens nyhetsbrev", status="sent")
    DeliveryFactory(mailing=mailing, subscriber=SubscriberFactory(email="anna@example.org"),
                    status=Delivery.Status.SENT, attempts=1)
    # A mail server's answer, as the worker stores it: it may hold anything.
    DeliveryFactory(mailing=mailing, subscriber=SubscriberFactory(email="bertil@example.org"),
                    status=Delivery.Status.FAILED, attempts=3,
                    error="-ERR =cmd|' /C calc'!A0 \x02refused")
    DeliveryFactory(subscriber=SubscriberFactory(email="annan@example.org"))
    return mailing


def export(client, query, file_format):
    response = client.post(reverse(EXPORT) + query, form(file_format))
    assert response.status_code == 200
    return response


def test_the_failed_deliveries_of_a_mailing_as_csv(client, mailing):
    client.force_login(nina())
    (row,) = csv_rows(export(client, f"?mailing__id__exact={mailing.pk}&status__exact=failed",
                             CSV))
    assert row["Utskick"] == "Vårens nyhetsbrev"
    assert row["Prenumerant"] == "bertil@example.org"
    assert row["Status"] == "misslyckades"
    assert row["Försök"] == "3"
    assert row["Fel"].startswith("'-ERR =cmd")


def test_the_deliveries_as_xlsx_hold_texts_as_text(client, mailing):
    client.force_login(nina())
    rows = xlsx_rows(export(client, f"?mailing__id__exact={mailing.pk}", XLSX))
    assert [row["Prenumerant"].value for row in rows] == ["anna@example.org",
                                                         "bertil@example.org"]
    error = rows[1]["Fel"]
    assert error.data_type == "s"
    # The control character XLSX cannot carry is left out; the rest is as stored.
    assert error.value == "-ERR =cmd|' /C calc'!A0 refused"


def test_a_content_editor_gets_403_and_no_addresses(client, mailing):
    client.force_login(carl())
    assert client.get(reverse(EXPORT)).status_code == 403
    for file_format in (CSV, XLSX):
        response = client.post(reverse(EXPORT), form(file_format))
        assert response.status_code == 403
        assert b"anna@example.org" not in response.content
