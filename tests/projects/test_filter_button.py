"""The project list's filter button (what folds the filters on a phone) says how many
filters are in use: only values that could be used count, never the sort order."""

import re

import lxml.html
import pytest

from projects.models import Project
from tests.factories import CountryFactory, ProjectFactory, RegionFactory, ThemeFactory
from tests.html import select

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def world():
    asia = RegionFactory(slug="asien", name_sv="Asien", name_en="Asia")
    ThemeFactory(slug="unga")
    ProjectFactory(countries=[CountryFactory(region=asia)], status=Project.Status.ONGOING)


def filter_button(client, path):
    response = client.get(path)
    assert response.status_code == 200
    (button,) = select(lxml.html.fromstring(response.content.decode()), "button", "filters-toggle")
    return button


@pytest.mark.parametrize(("query", "text"), [
    ("", "Filtrera"),
    ("?sort=title", "Filtrera"),
    ("?region=asien", "Filtrera (1)"),
    ("?region=asien&status=ongoing&sort=title", "Filtrera (2)"),
    ("?region=asien&status=ongoing&theme=unga", "Filtrera (3)"),
    ("?q=vatten", "Filtrera (1)"),
    # Values that could not be used are not counted.
    ("?region=atlantis", "Filtrera"),
    ("?region=asien&status=sleeping&year=abc", "Filtrera (1)"),
])
def test_filter_button_counts_the_filters_in_use(client, query, text):
    button = filter_button(client, "/projekt/" + query)

    assert button.text_content().strip() == text


def test_filter_button_in_english(client):
    assert filter_button(client, "/en/projects/").text_content().strip() == "Filter"
    assert filter_button(client, "/en/projects/?region=asien&status=ongoing").text_content(
        ).strip() == "Filter (2)"


def test_filter_button_controls_the_filters_form_and_opens_it_when_a_value_was_wrong(client):
    button = filter_button(client, "/projekt/")
    assert button.get("aria-controls") == "project-filters"
    assert button.get("aria-expanded") == "false"

    html = client.get("/projekt/?region=atlantis").content.decode()
    # The message about the value that was left out is in the form: shown, not folded.
    assert re.search(r'aria-expanded="true" aria-controls="project-filters"', html)
    assert re.search(r'<form [^>]*class="project-filters is-open" id="project-filters"', html)
