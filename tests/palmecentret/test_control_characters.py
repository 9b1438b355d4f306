"""Texts keep no control characters (only line feeds and tabs; CR LF becomes LF), whoever
saves them: an editor in the admin, a spreadsheet import, a visitor's form. A migration
cleans what was stored before, and search snippets show no highlight the text did not
earn."""

import io

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.urls import reverse
from django.utils import translation

from members.models import MemberOrganisation
from newsletter.models import Registration, Subscriber
from projects.models import Project
from tests.admin_forms import PROJECT_INLINES
from tests.admin_personas import carl
from tests.factories import (
    CountryFactory,
    MemberOrganisationFactory,
    ProjectFactory,
    SeminarFactory,
    SubscriberFactory,
)

pytestmark = pytest.mark.django_db

BODY = "Rad ett\r\nRad två\x07\tslut\x1b[0m\rsista\x0b raden\x85"
CLEAN_BODY = "Rad ett\nRad två\tslut[0m\nsista raden"


@pytest.fixture
def palestine():
    return CountryFactory(iso_code="PS", slug="palestina")


def test_an_editor_saves_a_project_without_control_characters(client, palestine):
    client.force_login(carl())
    response = client.post(reverse("admin:projects_project_add"), {
        "title_sv": "Projekt\x02 ett", "title_en": "", "slug": "projekt-ett",
        "iati_identifier": "SE-ON-DEMO-1", "visibility": "public", "status": "planned",
        "start_date": "2027-01-01", "countries": [palestine.pk], "summary_sv": "",
        "summary_en": "", "body_sv": BODY, "body_en": "", **PROJECT_INLINES})
    assert response.status_code == 302
    project = Project.objects.get(slug="projekt-ett")
    assert project.title_sv == "Projekt ett"
    assert project.body_sv == CLEAN_BODY


def test_an_import_stores_text_without_control_characters(client, palestine):
    client.force_login(carl())
    text = ("iati_identifier,slug,title_sv,countries,status,start_date,body_sv\n"
            'SE-ON-DEMO-IMP-1,import-1,Import\x02 ett,PS,ongoing,2025-01-01,"' + BODY + '"\n')
    upload = io.BytesIO(text.encode())
    upload.name = "projekt.csv"
    preview = client.post(reverse("admin:projects_project_import"),
                          {"resource": "0", "format": "0", "import_file": upload})
    response = client.post(reverse("admin:projects_project_process_import"),
                           preview.context["confirm_form"].initial)
    assert response.status_code == 302
    project = Project.objects.get(iati_identifier="SE-ON-DEMO-IMP-1")
    assert project.title_sv == "Import ett"
    assert project.body_sv == CLEAN_BODY


def test_a_file_that_differs_only_in_control_characters_changes_nothing(client, palestine):
    project = ProjectFactory(iati_identifier="SE-ON-DEMO-IMP-1", slug="import-1",
                             title_sv="Import ett", body_sv="Rad ett\nRad två",
                             countries=[palestine])
    client.force_login(carl())
    # A spreadsheet's line break (CR LF) and a stray control character.
    text = ("iati_identifier,slug,title_sv,countries,body_sv\n"
            'SE-ON-DEMO-IMP-1,import-1,Import ett\x02,PS,"Rad ett\r\nRad två"\n')
    upload = io.BytesIO(text.encode())
    upload.name = "projekt.csv"
    preview = client.post(reverse("admin:projects_project_import"),
                          {"resource": "0", "format": "0", "import_file": upload})
    assert [row.import_type for row in preview.context["result"].valid_rows()] == ["skip"]
    # Linking its country stamped the stored project after the factory read it.
    project.refresh_from_db()
    updated = project.updated
    client.post(reverse("admin:projects_project_process_import"),
                preview.context["confirm_form"].initial)
    project.refresh_from_db()
    assert project.updated == updated


def test_a_visitor_registers_without_control_characters(client):
    seminar = SeminarFactory()
    with translation.override("sv"):
        url = reverse("newsletter:seminar-register", kwargs={"slug": seminar.slug})
    response = client.post(url, {"name": "Alice\x02 Andersson", "email": "alice@example.org",
                                 "organisation": "LO\x1b[31m", "consent": "on"})
    assert response.status_code == 302
    registration = Registration.objects.get(email="alice@example.org")
    assert registration.name == "Alice Andersson"
    assert registration.organisation == "LO[31m"


@pytest.mark.parametrize(("factory", "field"), [
    (MemberOrganisationFactory, "description_sv"),
    (SeminarFactory, "description_en"),
    (SubscriberFactory, "name"),
])
def test_every_app_saves_text_without_control_characters(factory, field):
    saved = factory(**{field: BODY})
    saved.refresh_from_db()
    assert getattr(saved, field) == CLEAN_BODY


@pytest.mark.django_db(transaction=True)
def test_the_migration_cleans_what_was_stored_and_keeps_the_update_times():
    project = ProjectFactory()
    member = MemberOrganisationFactory()
    subscriber = SubscriberFactory()
    # Stored before texts were cleaned on save (update() saves no model).
    Project.objects.filter(pk=project.pk).update(title_sv="Titel\x02", body_sv=BODY)
    MemberOrganisation.objects.filter(pk=member.pk).update(name_sv="\x1fABF")
    # (SQLite stores a NUL; PostgreSQL never could.)
    nul = "\x00" if connection.vendor == "sqlite" else "\x1f"
    Subscriber.objects.filter(pk=subscriber.pk).update(name=f"Anna{nul}")
    updated = Project.objects.get(pk=project.pk).updated

    executor = MigrationExecutor(connection)
    executor.migrate([("palmecentret", "0001_roles")])
    executor = MigrationExecutor(connection)
    executor.migrate(executor.loader.graph.leaf_nodes())

    project.refresh_from_db()
    assert project.title_sv == "Titel"
    assert project.body_sv == CLEAN_BODY
    assert project.updated == updated
    assert MemberOrganisation.objects.get(pk=member.pk).name_sv == "ABF"
    assert Subscriber.objects.get(pk=subscriber.pk).name == "Anna"


def test_search_snippets_show_no_highlight_the_text_did_not_earn(client, palestine):
    # The search marks its hits with the same control characters (palmecentret.search).
    ProjectFactory(slug="kooperativ", title_sv="Kooperativ i Ramallah",
                   body_sv="\x02Falskt\x03 märkt. Här nämns kooperativ och \x02mer\x03.",
                   countries=[palestine])
    with translation.override("sv"):
        url = reverse("search")
    html = client.get(url, {"q": "Ramallah"}).content.decode()
    assert "/kooperativ/" in html
    assert "<mark>Falskt</mark>" not in html
    assert "<mark>mer</mark>" not in html
