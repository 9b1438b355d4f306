"""Editing projects in admin: validation in the editor's language, publishing, copies,
history with restore, spreadsheet import and export, and lists that stay fast."""

import io

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from reversion.models import Version

from projects.models import Partner, Project
from tests.admin_forms import PROJECT_INLINES
from tests.admin_personas import carl
from tests.factories import CountryFactory, PartnerFactory, ProjectFactory, ThemeFactory
from tests.spreadsheets import content_of

pytestmark = pytest.mark.django_db

ADD = "/admin/projects/project/add/"


@pytest.fixture(autouse=True)
def organisation(settings):
    """The factories' identifiers (SE-ON-TEST-<n>) are this organisation's."""
    settings.IATI_ORGANISATION_IDENTIFIER = "SE-ON-TEST"


@pytest.fixture
def editor(client):
    user = carl()
    client.force_login(user)
    return user


@pytest.fixture
def countries():
    return [CountryFactory(iso_code="PS", slug="palestina"),
            CountryFactory(iso_code="ZA", slug="sydafrika")]


def form_data(country_list, **changes):
    data = {
        "title_sv": "Nytt projekt", "title_en": "", "slug": "nytt-projekt",
        "iati_identifier": "SE-ON-TEST-NEW", "visibility": "public", "status": "planned",
        "start_date": "2027-01-01", "end_date": "2027-12-31", "budget_sek": "100000",
        "countries": [c.pk for c in country_list], "summary_sv": "", "summary_en": "",
        "body_sv": "", "body_en": "", **PROJECT_INLINES,
    }
    data.update(changes)
    return {k: v for k, v in data.items() if v is not None}


def errors_of(response):
    return response.context["adminform"].form.errors


def test_an_editor_creates_a_draft_with_two_countries_and_a_partner(client, editor,
                                                                    countries):
    partner = PartnerFactory(country=countries[0])
    response = client.post(ADD, form_data(countries, partners=[partner.pk]))
    assert response.status_code == 302
    project = Project.objects.get(slug="nytt-projekt")
    assert not project.published
    assert set(project.countries.all()) == set(countries)
    assert list(project.partners.all()) == [partner]
    # The history records who made it.
    assert Version.objects.get_for_object(project).get().revision.user == editor


@pytest.mark.parametrize(("changes", "field", "message"), [
    ({"end_date": "2026-01-01"}, "__all__", "Slutdatum kan inte ligga före startdatum."),
    ({"budget_sek": "-5"}, "__all__", "Budgeten kan inte vara negativ."),
    ({"countries": None}, "countries", "Detta fält måste fyllas i."),
    ({"iati_identifier": "inte ett id"}, "iati_identifier", "Använd formen"),
    ({"slug": "finns-redan"}, "slug", "finns redan"),
    ({"iati_identifier": "SE-ON-TEST-TAKEN"}, "iati_identifier", "finns redan"),
])
def test_validation_speaks_the_editors_language(client, editor, countries, changes, field,
                                                message):
    ProjectFactory(slug="finns-redan", iati_identifier="SE-ON-TEST-TAKEN")
    response = client.post(ADD, form_data(countries, **changes))
    assert response.status_code == 200
    assert any(message in error for error in errors_of(response)[field])
    assert not Project.objects.filter(slug="nytt-projekt").exists()


def test_validation_in_english_for_an_english_editor(client, editor, countries):
    response = client.post("/en" + ADD, form_data(countries, end_date="2026-01-01"))
    assert "The end date cannot be before the start date." in errors_of(response)["__all__"]


def test_bulk_publish_and_unpublish(client, editor):
    theme = ThemeFactory(dac_purpose_code="15150")
    drafts = [ProjectFactory(published=False, themes=[theme]) for _ in range(3)]
    changelist = reverse("admin:projects_project_changelist")
    client.post(changelist, {"action": "publish", "_selected_action": [p.pk for p in drafts]})
    for project in drafts:
        project.refresh_from_db()
        assert project.published and project.published_at is not None
        assert Version.objects.get_for_object(project).count() == 1
    client.post(changelist, {"action": "unpublish",
                             "_selected_action": [drafts[0].pk]})
    drafts[0].refresh_from_db()
    assert not drafts[0].published


def test_save_as_copy_makes_a_draft_with_its_own_identifiers(client, editor, countries):
    original = ProjectFactory(slug="original", iati_identifier="SE-ON-TEST-ORIG",
                              countries=countries, themes=[ThemeFactory()])
    url = reverse("admin:projects_project_change", args=[original.pk])
    data = form_data(countries, slug="original", iati_identifier="SE-ON-TEST-ORIG",
                     published="on", _saveasnew="Spara som ny")
    response = client.post(url, data)
    assert response.status_code == 302
    copy = Project.objects.get(slug="original-kopia")
    assert copy.iati_identifier == "SE-ON-TEST-ORIG-COPY"
    assert not copy.published
    assert set(copy.countries.all()) == set(countries)


def test_history_shows_changes_and_restores_an_earlier_version(client, editor, countries):
    client.post(ADD, form_data(countries, title_sv="Första titeln"))
    project = Project.objects.get(slug="nytt-projekt")
    change = reverse("admin:projects_project_change", args=[project.pk])
    client.post(change, form_data(countries, title_sv="Andra titeln"))
    project.refresh_from_db()
    assert project.title_sv == "Andra titeln"

    history = client.get(reverse("admin:projects_project_history", args=[project.pk]))
    assert history.status_code == 200
    assert "carl" in history.content.decode()

    first = Version.objects.get_for_object(project).order_by("pk").first()
    revision_url = reverse("admin:projects_project_revision", args=[project.pk, first.pk])
    assert client.get(revision_url).status_code == 200
    client.post(revision_url, form_data(countries, title_sv="Första titeln"))
    project.refresh_from_db()
    assert project.title_sv == "Första titeln"


def test_two_partners_of_the_same_name_are_told_apart_by_their_slugs(client, editor,
                                                                    countries):
    PartnerFactory(name="Kvinnocentret", slug="kvinnocentret", country=countries[0])
    add = reverse("admin:projects_partner_add")
    data = {"name": "Kvinnocentret", "slug": "kvinnocentret", "country": countries[1].pk,
            "place": "Durban", "website": ""}
    response = client.post(add, data)
    assert response.status_code == 200
    assert "finns redan" in str(errors_of(response)["slug"])
    response = client.post(add, {**data, "slug": "kvinnocentret-durban"})
    assert response.status_code == 302
    assert Partner.objects.filter(name="Kvinnocentret").count() == 2


CSV_HEADER = ("iati_identifier,slug,title_sv,title_en,countries,status,start_date,end_date,"
              "budget_sek,visibility,published\n")


def import_csv(client, text):
    upload = io.BytesIO(text.encode())
    upload.name = "projekt.csv"
    return client.post(reverse("admin:projects_project_import"),
                       {"resource": "0", "format": "0", "import_file": upload})


def test_import_previews_row_errors_and_changes_nothing(client, editor, countries):
    before = Project.objects.count()
    response = import_csv(client, CSV_HEADER
                          + "SE-ON-TEST-IMP-1,imp-1,Import ett,,PS,ongoing,2025-01-01,2026-12-31,"
                            "1000,public,0\n"
                          + "SE-ON-TEST-IMP-2,imp-2,Import två,,XX,ongoing,2026-01-01,2025-01-01,"
                            "-5,public,0\n"
                          + "SE-ON-TEST-IMP-3,imp-3,Import tre,,,ongoing,2025-01-01,,,public,0\n")
    assert response.status_code == 200
    html = response.content.decode()
    assert "Slutdatum kan inte ligga före startdatum." in html
    assert "Budgeten kan inte vara negativ." in html
    errors = {row.number: row.error_dict for row in response.context["result"].invalid_rows}
    assert sorted(errors) == [2, 3]
    assert "XX" in str(errors[2]["countries"])
    assert "minst ett land" in str(errors[3]["countries"])
    # No confirm button: a file with errors cannot be imported, and nothing was saved.
    assert "confirm_form" not in response.context or response.context["confirm_form"] is None
    assert Project.objects.count() == before


def test_import_confirms_after_a_clean_preview(client, editor, countries):
    response = import_csv(client, CSV_HEADER
                          + "SE-ON-TEST-IMP-1,imp-1,Import ett,,\"PS,ZA\",ongoing,2025-01-01,"
                            "2026-12-31,1000,public,0\n")
    confirm = response.context["confirm_form"].initial
    response = client.post(reverse("admin:projects_project_process_import"), confirm)
    assert response.status_code == 302
    project = Project.objects.get(iati_identifier="SE-ON-TEST-IMP-1")
    assert {c.iso_code for c in project.countries.all()} == {"PS", "ZA"}


def test_export_takes_the_filtered_list(client, editor):
    ProjectFactory(title_sv="Publicerat", published=True)
    ProjectFactory(title_sv="Utkastet", published=False)
    url = reverse("admin:projects_project_export") + "?published__exact=0"
    response = client.post(url, {"format": "0", "resource": "0",
                                 "projectresource_title_sv": "on",
                                 "projectresource_iati_identifier": "on"})
    body = content_of(response).decode()
    assert "Utkastet" in body
    assert "Publicerat" not in body


def changelist_queries(client):
    with CaptureQueriesContext(connection) as queries:
        response = client.get(reverse("admin:projects_project_changelist"))
    assert response.status_code == 200
    return len(queries)


def test_the_project_list_runs_a_fixed_number_of_queries(client, editor, settings):
    from django.core.management import call_command

    settings.DEBUG = True  # load_demo refuses what looks like production
    call_command("load_demo", projects=10, stdout=io.StringIO())
    small = changelist_queries(client)
    call_command("load_demo", projects=300, stdout=io.StringIO())
    assert changelist_queries(client) == small


@pytest.mark.postgres
def test_the_project_list_is_fixed_at_ten_thousand_projects(client, editor, settings):
    from django.core.management import call_command

    settings.DEBUG = True
    call_command("load_demo", projects=10, stdout=io.StringIO())
    small = changelist_queries(client)
    call_command("load_demo", projects=10_000, stdout=io.StringIO())
    assert Project.objects.count() > 10_000
    assert changelist_queries(client) == small
