"""Staff find things in admin: the project search matches countries (Swedish and English),
member organisations and programmes, one row per project; the choosers on the project
and programme forms are searchable for a content editor, and for nobody without the
view permission."""

import pytest
from django.contrib.admin.widgets import AutocompleteSelect, AutocompleteSelectMultiple
from django.urls import reverse

from tests.admin_personas import carl, nina
from tests.factories import (
    CountryFactory,
    FunderFactory,
    MemberOrganisationFactory,
    PartnerFactory,
    ProgrammeFactory,
    ProjectFactory,
    RegionFactory,
    ThemeFactory,
)

pytestmark = pytest.mark.django_db

CHANGELIST = "/admin/projects/project/"
AUTOCOMPLETE = "/admin/autocomplete/"


@pytest.fixture
def editor(client):
    client.force_login(carl())


@pytest.fixture
def projects():
    """A project in two African countries, with a member organisation and a programme;
    another elsewhere that no search below should find."""
    south_africa = CountryFactory(name_sv="Sydafrika", name_en="South Africa")
    car = CountryFactory(name_sv="Centralafrikanska republiken",
                         name_en="Central African Republic")
    found = ProjectFactory(
        title_sv="Fackligt ledarskap", title_en="Union leadership",
        countries=[south_africa, car],
        programme=ProgrammeFactory(name_sv="Södra Afrika-programmet",
                                   name_en="Southern Africa programme"))
    found.member_organisations.add(MemberOrganisationFactory(
        name_sv="Hotell- och restaurangfacket", name_en="Hotel and Restaurant Workers",
        short_name="HRF"))
    other = ProjectFactory(title_sv="Bostäder", title_en="Housing",
                           countries=[CountryFactory(name_sv="Palestina",
                                                     name_en="Palestine")])
    return found, other


def search(client, term):
    response = client.get(CHANGELIST, {"q": term})
    assert response.status_code == 200
    return list(response.context["cl"].result_list)


@pytest.mark.parametrize("term", [
    "afrika",          # both countries' Swedish names: still one row
    "African",         # ... and their English names
    "Sydafrika",
    "South Africa",
    "HRF",             # the member organisation's short name
    "restaurangfacket",
    "Restaurant Workers",
    "Afrika-programmet",
    "Southern Africa programme",
])
def test_the_project_search_matches_countries_members_and_programme_once(
        client, editor, projects, term):
    found, _other = projects
    assert search(client, term) == [found]


def test_the_search_still_matches_titles_and_says_what_it_searches(client, editor,
                                                                   projects):
    _found, other = projects
    assert search(client, "Bostäder") == [other]
    response = client.get(CHANGELIST)
    assert "Söker i titlar, adressnamn, IATI-identiteter, länder" in response.text


@pytest.fixture
def choosables():
    country = CountryFactory(name_sv="Sydafrika", name_en="South Africa")
    return {
        "countries": country,
        "themes": ThemeFactory(name_sv="Arbetsrätt", name_en="Labour rights"),
        "partners": PartnerFactory(name="Sydafrikanska gruvarbetarförbundet",
                                   country=country),
        "member_organisations": MemberOrganisationFactory(short_name="HRF"),
        "programme": ProgrammeFactory(name_sv="Södra Afrika-programmet"),
        "funder": FunderFactory(name_sv="Sida"),
        "region": RegionFactory(name_sv="Södra Afrika"),
    }


def autocomplete(client, model, field, term):
    return client.get(AUTOCOMPLETE, {"app_label": "projects", "model_name": model,
                                     "field_name": field, "term": term})


@pytest.mark.parametrize(("model", "field", "term"), [
    ("project", "countries", "Sydaf"),
    ("project", "countries", "South Af"),
    ("project", "themes", "Arbetsr"),
    ("project", "partners", "gruvarb"),
    ("project", "member_organisations", "HRF"),
    ("project", "programme", "Afrika-prog"),
    ("project", "funder", "Sida"),
    ("programme", "countries", "Sydaf"),
    ("programme", "themes", "Labour"),
    ("programme", "region", "Södra"),
    ("programme", "funder", "Sida"),
])
def test_a_content_editor_searches_each_chooser(client, editor, choosables, model, field,
                                                term):
    response = autocomplete(client, model, field, term)
    assert response.status_code == 200
    results = response.json()["results"]
    assert [r["id"] for r in results] == [str(choosables[field].pk)]


def test_the_choosers_are_closed_to_staff_without_the_view_permission(client, choosables):
    client.force_login(nina())  # the newsletter manager: no projects
    assert autocomplete(client, "project", "countries", "Sydaf").status_code == 403


def test_the_project_form_offers_search_boxes_not_long_lists(client, editor):
    CountryFactory.create_batch(30)
    response = client.get(reverse("admin:projects_project_add"))
    fields = response.context["adminform"].form.fields
    for name in ("programme", "funder"):
        assert isinstance(fields[name].widget.widget, AutocompleteSelect)
    for name in ("countries", "themes", "partners", "member_organisations"):
        assert isinstance(fields[name].widget.widget, AutocompleteSelectMultiple)
    html = response.text
    # The six, and the funder and partner choosers of a new transaction's row.
    assert html.count('class="admin-autocomplete') == 8
    # None of the 30 countries is written into the page: the chooser asks as one types.
    assert "Land " not in html
