"""The latest stories on the pages of what they are about: the home page (any story),
a region (through its countries), a country, a project and a member organisation. Three,
newest first, published only, with a link to the list filtered to them where it can be."""

import re

import pytest

from tests.factories import (
    CountryFactory,
    MemberOrganisationFactory,
    ProjectFactory,
    RegionFactory,
    StoryFactory,
)

pytestmark = pytest.mark.django_db


def stories_section(client, path):
    """(the section's heading, its card titles, its "all" link) or None without it."""
    response = client.get(path)
    assert response.status_code == 200, path
    html = response.content.decode()
    found = re.search(r'<section class="latest-stories.*?</section>', html, re.S)
    if not found:
        return None
    section = found[0]
    heading = re.search(r'<h2 id="stories-title"[^>]*>(.*?)</h2>', section)[1]
    titles = re.findall(r'<h3 class="h5 card-title"><a [^>]*>(.*?)</a>', section)
    link = re.search(r'</h2>\s*<a href="([^"]+)">(.*?)</a>', section)
    return heading, titles, (link[1].replace("&amp;", "&"), link[2])


@pytest.fixture
def place():
    region = RegionFactory(slug="balkan", name_sv="Balkan")
    serbia = CountryFactory(slug="serbien", name_sv="Serbien", region=region)
    kosovo = CountryFactory(slug="kosovo", name_sv="Kosovo", region=region)
    elsewhere = CountryFactory(slug="chile", name_sv="Chile", region=RegionFactory())
    return {"region": region, "serbia": serbia, "kosovo": kosovo, "elsewhere": elsewhere}


def test_the_home_page_shows_the_three_newest_published_stories(client):
    assert stories_section(client, "/") is None  # no stories yet, no empty section
    for month in range(1, 6):
        StoryFactory(title_sv=f"Månad {month}", published_on=f"2026-{month:02d}-01")
    StoryFactory(title_sv="Utkast", published_on="2026-12-01", published=False)
    assert stories_section(client, "/") == (
        "Senaste berättelserna", ["Månad 5", "Månad 4", "Månad 3"],
        ("/berattelser/", "Alla berättelser"))
    assert stories_section(client, "/en/")[0] == "Latest stories"


def test_a_region_shows_the_stories_of_its_countries(client, place):
    StoryFactory(title_sv="Från Belgrad", countries=[place["serbia"]],
                 published_on="2026-03-01")
    StoryFactory(title_sv="Från Pristina", countries=[place["kosovo"], place["serbia"]],
                 published_on="2026-04-01")
    StoryFactory(title_sv="Från Santiago", countries=[place["elsewhere"]])
    assert stories_section(client, "/regioner/balkan/") == (
        "Berättelser från Balkan", ["Från Pristina", "Från Belgrad"],
        ("/berattelser/?region=balkan", "Alla berättelser från Balkan"))
    assert stories_section(client, "/lander/kosovo/") == (
        "Berättelser från Kosovo", ["Från Pristina"],
        ("/berattelser/?country=kosovo", "Alla berättelser från Kosovo"))
    assert stories_section(client, "/lander/chile/")[1] == ["Från Santiago"]


def test_a_project_and_a_member_show_their_stories(client, place):
    project = ProjectFactory(slug="fack", countries=[place["serbia"]])
    member = MemberOrganisationFactory(slug="abf", name_sv="ABF")
    StoryFactory(title_sv="Om projektet", projects=[project])
    StoryFactory(title_sv="Om ABF", member_organisations=[member])
    StoryFactory(title_sv="Utkast om båda", projects=[project], member_organisations=[member],
                 published=False)
    assert stories_section(client, "/projekt/fack/") == (
        "Berättelser från projektet", ["Om projektet"], ("/berattelser/", "Alla berättelser"))
    assert stories_section(client, "/medlemmar/abf/")[:2] == (
        "Berättelser från ABF", ["Om ABF"])
    # A page without stories has no section.
    assert stories_section(client, "/lander/serbien/") is None
