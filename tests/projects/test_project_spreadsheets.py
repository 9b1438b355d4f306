"""The project spreadsheet in admin: an exported file imports back unchanged, the confirm
step saves all rows or none, a tampered or vanished file reference is a clear 400, errors
are sentences, and no cell of an export is a formula."""

import io

import openpyxl
import pytest
from django.core.management import call_command
from django.urls import reverse

from projects.models import Project
from tests.admin_personas import carl

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


def export(client, file_format, query=""):
    """Every column of the project spreadsheet, as the export page posts it."""
    from projects.resources import ProjectResource

    data = {"format": file_format, "resource": "0",
            **{f"projectresource_{name}": "on" for name in ProjectResource.Meta.fields}}
    response = client.post(reverse(EXPORT) + query, data)
    assert response.status_code == 200, response.content[:500]
    if response.streaming:
        return b"".join(response.streaming_content)
    return response.content


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
