"""The regions page's world map: every country drawn, those we work in linked to their
pages with their names in the page's language, at a fixed number of queries."""

import re
import xml.etree.ElementTree as ET

import pytest

from projects.templatetags.world_map import map_data
from tests.factories import CountryFactory, ProjectFactory, RegionFactory

pytestmark = pytest.mark.django_db

SVG = "{http://www.w3.org/2000/svg}"
# The countries of the demo content (load_demo), which the map must be able to draw.
DEMO_CODES = {"PS", "EH", "MM", "RS", "AL", "XK", "SY", "TR", "TN", "ZA", "NA", "ZW", "PH"}


def world_map(response):
    """The page's map as an XML tree (the inline <svg> is well-formed XML)."""
    assert response.status_code == 200
    found = re.findall(r'<svg class="world-map".*?</svg>', response.content.decode(), re.S)
    assert len(found) == 1, "the page should have exactly one world map"
    return ET.fromstring(found[0])


def map_links(svg):
    """{href: title} of every link on the map."""
    return {a.get("href"): a.find(f"{SVG}title").text for a in svg.iter(f"{SVG}a")}


@pytest.fixture
def palestine():
    region = RegionFactory(slug="mena", name_sv="Mellanöstern", name_en="Middle East")
    return CountryFactory(slug="palestina", iso_code="PS", name_sv="Palestina",
                          name_en="Palestine", region=region)


@pytest.fixture
def south_africa():
    region = RegionFactory(slug="sodra-afrika", name_sv="Södra Afrika",
                           name_en="Southern Africa")
    return CountryFactory(slug="sydafrika", iso_code="ZA", name_sv="Sydafrika",
                          name_en="South Africa", region=region)


def test_map_data_can_draw_every_demo_country():
    data = map_data()
    codes = [shape["code"] for shape in data["countries"]]
    assert DEMO_CODES <= set(codes)
    assert len(codes) == len(set(codes)), "one shape per country"
    assert re.fullmatch(r"0 0 \d+ \d+", data["viewBox"])
    assert all(re.fullmatch(r"[A-Z]{2}", code) for code in codes)
    assert all(shape["d"].startswith("M") for shape in data["countries"])


def test_swedish_regions_page_links_each_country_we_work_in_with_its_swedish_name(
    client, palestine, south_africa
):
    svg = world_map(client.get("/regioner/"))

    assert map_links(svg) == {"/lander/palestina/": "Palestina", "/lander/sydafrika/": "Sydafrika"}


def test_english_regions_page_names_and_links_countries_in_english(client, palestine,
                                                                    south_africa):
    svg = world_map(client.get("/en/regions/"))

    assert map_links(svg) == {"/en/countries/palestina/": "Palestine",
                              "/en/countries/sydafrika/": "South Africa"}


def test_countries_we_do_not_work_in_are_drawn_but_not_linked(client, palestine):
    svg = world_map(client.get("/regioner/"))

    others = svg.find(f"{SVG}g[@class='world-map-other']")
    assert len(others.findall(f"{SVG}path")) == len(map_data()["countries"]) - 1
    assert not list(others.iter(f"{SVG}a"))
    # Screen readers skip the unlinked shapes; the linked ones have names.
    assert others.get("aria-hidden") == "true"


def test_country_the_map_cannot_draw_is_still_linked_in_the_list(client, palestine):
    # No shape for the code: left off the map, but the list still leads to its page.
    CountryFactory(slug="atlantis", iso_code="QQ", name_sv="Atlantis", region=palestine.region)

    response = client.get("/regioner/")

    assert "/lander/atlantis/" not in map_links(world_map(response))
    assert 'href="/lander/atlantis/"' in response.content.decode()


def test_no_map_without_countries(client):
    RegionFactory()

    response = client.get("/regioner/")

    assert response.status_code == 200
    assert b'class="world-map"' not in response.content


@pytest.mark.parametrize("countries", [2, 20])
def test_regions_page_queries_do_not_grow_with_countries_and_projects(
    client, django_assert_num_queries, countries
):
    codes = sorted(shape["code"] for shape in map_data()["countries"])[:countries]
    regions = [RegionFactory(), RegionFactory()]
    for i, code in enumerate(codes):
        country = CountryFactory(iso_code=code, region=regions[i % 2])
        ProjectFactory(countries=[country])
        ProjectFactory(countries=[country])

    # 1. the regions with their counts; 2. their countries (prefetched, and shared by the list and the
    # map); 3. the footer's mailing lists.
    with django_assert_num_queries(3):
        svg = world_map(client.get("/regioner/"))

    assert len(map_links(svg)) == countries
