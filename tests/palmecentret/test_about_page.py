"""The about page's figures come from the data, it promises nothing the site does not
have, and English pages call the organisation by its English name."""

import re

import pytest

from projects.models import Project
from tests.conftest import local_cache
from tests.factories import CountryFactory, MemberOrganisationFactory, ProjectFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def page_cache_off(settings):
    # The figures are a {% cache %} fragment: a change must show without the page cache.
    yield from local_cache(settings, "about-page-tests", page_cache_seconds=0)


def page(client, path):
    response = client.get(path)
    assert response.status_code == 200, (path, response.status_code)
    return response.content.decode()


def figures(html):
    """The figures as a visitor reads them: '3 member organisations | ...'."""
    part = re.search(r'<ul class="[^"]*about-figures"[^>]*>(.*?)</ul>', html, re.S)[1]
    return " | ".join(" ".join(re.sub(r"<[^>]+>", " ", li).split())
                      for li in re.findall(r"<li[^>]*>(.*?)</li>", part, re.S))


def test_the_figures_count_members_countries_and_projects_from_the_data(client):
    MemberOrganisationFactory.create_batch(3)
    MemberOrganisationFactory(published=False)
    burma, serbia = CountryFactory(), CountryFactory()
    CountryFactory()  # no project: not a country where we work
    ProjectFactory(countries=[burma, serbia])
    ProjectFactory(countries=[burma])
    ProjectFactory(countries=[CountryFactory()], published=False)
    ProjectFactory(countries=[CountryFactory()], visibility=Project.Visibility.INTERNAL)
    assert figures(page(client, "/om-oss/")) == (
        "3 medlemsorganisationer | 2 länder där vi arbetar | 2 projekt på webbplatsen")
    assert figures(page(client, "/en/about/")) == (
        "3 member organisations | 2 countries where we work | 2 projects on this site")


def test_the_figures_follow_a_change_at_once_and_say_one_in_the_singular(client):
    MemberOrganisationFactory()
    ProjectFactory(countries=[CountryFactory()])
    assert figures(page(client, "/en/about/")) == (
        "1 member organisation | 1 country where we work | 1 project on this site")
    ProjectFactory(countries=[CountryFactory()])
    assert figures(page(client, "/en/about/")) == (
        "1 member organisation | 2 countries where we work | 2 projects on this site")


def test_the_about_page_promises_no_film(client):
    for path in ("/om-oss/", "/en/about/"):
        html = page(client, path).lower()
        assert "film från 2012" not in html and "film from 2012" not in html


def visible_text(html):
    """What a visitor reads below the header (the header's logo is the brand)."""
    html = html[html.index("</header>"):]
    return " ".join(re.sub(r"<[^>]+>", " ", html).split())


@pytest.mark.parametrize("path", ["/en/", "/en/about/", "/en/projects/", "/en/regions/",
                                  "/en/members/", "/en/networks/", "/en/newsletter/",
                                  "/en/open-data/", "/en/search/?q=x"])
def test_english_pages_call_the_organisation_by_its_english_name(client, path):
    html = page(client, path)
    assert "Palmecentret" not in visible_text(html)
    assert "Palmes Internationella" not in html
    footer = html[html.index('id="footer-about"'):]
    assert footer.startswith('id="footer-about" class="h5">Olof Palme International Center<')
    assert re.search(r"<title>.* – Olof Palme International Center</title>", html)


def test_swedish_pages_keep_the_swedish_names(client):
    html = page(client, "/om-oss/")
    assert 'id="footer-about" class="h5">Olof Palmes Internationella Center<' in html
    assert re.search(r"<title>Om oss – Palmecentret</title>", html)
    assert "Om Palmecentret" in html
