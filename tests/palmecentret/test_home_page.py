"""The home page leads with what the organisation is for, two calls to action (the
projects and "Support us") and a large picture; its regions are cards with their
countries on a map."""

import lxml.html
import pytest

from tests.factories import CountryFactory, ProjectFactory, RegionFactory
from tests.html import select

pytestmark = pytest.mark.django_db


def home(client, path):
    response = client.get(path)
    assert response.status_code == 200
    return lxml.html.fromstring(response.content.decode())


@pytest.fixture
def balkans():
    region = RegionFactory(slug="balkan", name_sv="Balkan", name_en="The Balkans")
    serbia = CountryFactory(name_sv="Serbien", name_en="Serbia", iso_code="RS", region=region)
    ProjectFactory(countries=[serbia])
    return region


@pytest.mark.parametrize(("path", "projects", "support"), [
    ("/", "/projekt/", "/stod-oss/"),
    ("/en/", "/en/projects/", "/en/support-us/"),
])
def test_the_hero_says_what_we_are_for_and_leads_to_the_projects_and_support(
        client, balkans, path, projects, support):
    (hero,) = select(home(client, path), "section", "home-hero")

    assert hero.xpath(".//h1")
    assert "democra" in hero.text_content().lower() or "demokrati" in hero.text_content()
    assert [a.get("href") for a in select(hero, "a", "btn")] == [projects, support]


def test_without_a_project_image_the_hero_shows_the_map_of_our_countries(client, balkans):
    (hero,) = select(home(client, "/en/"), "section", "home-hero")

    links = hero.xpath(".//svg[@class='world-map']//a/@href")
    assert links == ["/en/countries/" + balkans.countries.get().slug + "/"]


def test_region_cards_show_their_countries_on_a_decorative_map(client, balkans):
    (card,) = select(home(client, "/en/"), "article", "region-card")

    assert card.xpath(".//h3//a/@href") == ["/en/regions/balkan/"]
    (svg,) = card.xpath(".//svg")
    assert svg.get("aria-hidden") == "true" and not svg.xpath(".//title")
    assert len(svg.xpath(".//*[@class='marked']")) >= 1


def test_the_hero_shows_the_newest_project_with_a_photo_and_names_it(client, balkans, settings,
                                                                      tmp_path):
    settings.MEDIA_ROOT = tmp_path
    from django.core.management import call_command
    import io
    settings.DEBUG = True
    call_command("load_demo", stdout=io.StringIO())
    (hero,) = select(home(client, "/"), "section", "home-hero")

    (img,) = hero.xpath(".//img[@class='media-img']")
    assert img.get("alt") and img.get("width") and img.get("loading") != "lazy"
    assert hero.xpath(".//figcaption[@class='media-credit']")
    assert hero.xpath(".//p[@class='home-hero-caption']/a/@href")[0].startswith("/projekt/")
    assert not hero.xpath(".//svg[@class='world-map']")
