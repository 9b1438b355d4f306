"""The project form explains itself: a help text on every field in the editor's language,
the slug filled in from the title and an IATI identifier proposed and checked."""

import json
import re

import pytest
from django.utils import translation

from projects.models import Project
from tests.admin_forms import PROJECT_INLINES
from tests.admin_personas import root
from tests.factories import CountryFactory, ProgrammeFactory, ProjectFactory

pytestmark = pytest.mark.django_db

ADD = "/admin/projects/project/add/"


@pytest.fixture
def admin(client):
    user = root()
    client.force_login(user)
    return user


def post_new_project(client, iati_identifier):
    country = CountryFactory()
    return client.post(ADD, {
        "title_sv": "Nytt projekt", "slug": "nytt-projekt", "iati_identifier": iati_identifier,
        "visibility": "public", "status": "planned", "start_date": "2027-01-01",
        "countries": [country.pk], **PROJECT_INLINES,
    })


def test_every_field_of_the_project_form_has_a_swedish_help_text(client, admin):
    response = client.get(ADD)
    html = response.content.decode()
    fields = response.context["adminform"].form.fields
    assert {"title_sv", "title_en", "slug", "iati_identifier", "countries", "budget_sek",
            "visibility", "published", "image_alt_en"} <= set(fields)
    for name, field in fields.items():
        with translation.override("en"):
            english = str(field.help_text)
        with translation.override("sv"):
            swedish = str(field.help_text)
        assert english, f"{name} has no help text"
        assert swedish != english, f"{name}'s help text is not translated"
        assert swedish in html, f"{name}'s Swedish help text is not on the form"
    assert "Visas på projektsidan, som filter i projektlistan och i IATI-filen." in html


def test_the_english_admin_shows_the_english_help_texts(client, admin):
    html = client.get("/en" + ADD).content.decode()
    assert "One or two sentences. Shown on the card, at the top of the project page" in html


def test_the_slug_is_filled_in_from_the_swedish_title(client, admin):
    html = client.get(ADD).content.decode()
    constants = re.search(r'data-prepopulated-fields="([^"]*)"', html).group(1)
    prepopulated = json.loads(constants.replace("&quot;", '"'))
    assert {"id": "#id_slug", "dependency_ids": ["#id_title_sv"]}.items() <= {
        k: v for field in prepopulated if field["id"] == "#id_slug"
        for k, v in field.items()}.items()


def test_a_new_project_is_proposed_the_next_free_identifier(client, admin, settings):
    assert settings.IATI_ORGANISATION_IDENTIFIER == "SE-ON-DEMO"  # the development default
    ProjectFactory(iati_identifier="SE-ON-DEMO-7")
    ProjectFactory(iati_identifier="SE-ON-DEMO-GEN-40")  # another series: not counted
    form = client.get(ADD).context["adminform"].form
    assert form.initial["iati_identifier"] == "SE-ON-DEMO-8"


def test_the_proposal_names_the_programme_the_form_was_opened_for(client, admin, settings):
    settings.IATI_ORGANISATION_IDENTIFIER = "SE-ON-802005-4035"
    programme = ProgrammeFactory(slug="civic-space")
    ProjectFactory(iati_identifier="SE-ON-802005-4035-civic-space-2")
    form = client.get(f"{ADD}?programme={programme.pk}").context["adminform"].form
    assert form.initial["iati_identifier"] == "SE-ON-802005-4035-civic-space-3"
    assert form.initial["programme"] == str(programme.pk)


def test_the_proposed_identifier_is_accepted(client, admin):
    proposal = client.get(ADD).context["adminform"].form.initial["iati_identifier"]
    assert post_new_project(client, proposal).status_code == 302
    assert Project.objects.get(slug="nytt-projekt").iati_identifier == proposal


def test_an_identifier_of_another_organisation_is_refused_in_swedish(client, admin):
    response = post_new_project(client, "SE-ON-999999-0000-1")
    assert response.status_code == 200
    errors = response.context["adminform"].form.errors["iati_identifier"]
    assert errors == ["IATI-identifieraren måste börja med Palmecentrets "
                      "organisationsidentifierare och ett bindestreck, SE-ON-DEMO-, "
                      "t.ex. SE-ON-DEMO-123 (IATI-regel 1.1.21)."]
    assert not Project.objects.filter(slug="nytt-projekt").exists()


def test_the_organisation_identifier_alone_is_refused(client, admin):
    # "SE-ON-DEMOX-1" starts with the identifier but not with the identifier and a hyphen.
    response = post_new_project(client, "SE-ON-DEMOX-1")
    assert "iati_identifier" in response.context["adminform"].form.errors


def test_a_saved_identifier_under_another_prefix_does_not_block_other_edits(client, admin):
    project = ProjectFactory(iati_identifier="SE-ON-OLD-1", title_sv="Gammalt")
    data = {"title_sv": "Nytt namn", "slug": project.slug, "iati_identifier": "SE-ON-OLD-1",
            "visibility": "public", "status": "planned",
            "start_date": project.start_date.isoformat(),
            "countries": [c.pk for c in project.countries.all()] or [CountryFactory().pk],
            **PROJECT_INLINES}
    response = client.post(f"/admin/projects/project/{project.pk}/change/", data)
    assert response.status_code == 302
    project.refresh_from_db()
    assert project.title_sv == "Nytt namn"
