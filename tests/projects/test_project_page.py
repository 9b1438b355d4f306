"""The project page: where it is (breadcrumb trail and locator map), its body in Markdown
rendered safely, and related projects a visitor may go on to."""

import re
import xml.etree.ElementTree as ET

import pytest

from projects.models import Project
from tests.factories import (
    CountryFactory,
    ProgrammeFactory,
    ProjectFactory,
    RegionFactory,
    ThemeFactory,
)

pytestmark = pytest.mark.django_db

SVG = "{http://www.w3.org/2000/svg}"


def page(client, path):
    response = client.get(path)
    assert response.status_code == 200, (path, response.status_code)
    return response.content.decode()


def trail(html):
    """The breadcrumb trail as the visitor reads it: 'Home › ... › page'."""
    nav = re.search(r'<nav aria-label="[^"]+" class="breadcrumbs">(.*?)</nav>', html, re.S)
    items = re.findall(r'<li class="breadcrumb-item[^"]*"[^>]*>(.*?)</li>', nav[1], re.S)
    return " › ".join(re.sub(r"<[^>]+>", "", item).strip() for item in items)


def trail_links(html):
    nav = re.search(r'class="breadcrumbs">(.*?)</nav>', html, re.S)[1]
    return re.findall(r'href="([^"]+)"', nav)


@pytest.fixture
def balkans():
    region = RegionFactory(slug="balkan", name_sv="Balkan", name_en="The Balkans")
    return {
        "serbia": CountryFactory(slug="serbien", iso_code="RS", name_sv="Serbien",
                                 name_en="Serbia", region=region),
        # First by Swedish name, but not by English (Kosovo < Serbia).
        "albania": CountryFactory(slug="albanien", iso_code="AL", name_sv="Albanien",
                                  name_en="Albania", region=region),
        "kosovo": CountryFactory(slug="kosovo", iso_code="XK", name_sv="Kosovo",
                                 name_en="Kosovo", region=region),
    }


def test_the_trail_leads_through_the_projects_region_and_country(client, balkans):
    ProjectFactory(slug="fack-i-serbien", title_sv="Fack i Serbien",
                   title_en="Unions in Serbia", countries=[balkans["serbia"]])
    html = page(client, "/projekt/fack-i-serbien/")
    assert trail(html) == "Start › Regioner › Balkan › Serbien › Fack i Serbien"
    assert trail_links(html) == ["/", "/regioner/", "/regioner/balkan/", "/lander/serbien/"]
    html = page(client, "/en/projects/fack-i-serbien/")
    assert trail(html) == "Home › Regions › The Balkans › Serbia › Unions in Serbia"
    assert trail_links(html) == ["/en/", "/en/regions/", "/en/regions/balkan/",
                                 "/en/countries/serbien/"]


def test_a_project_in_several_countries_is_placed_in_its_first_by_name_in_both_languages(
        client, balkans):
    other_region = RegionFactory(slug="asien", name_sv="Asien", name_en="Asia")
    ProjectFactory(slug="regionalt", title_sv="Regionalt", title_en="Regional",
                   countries=[balkans["serbia"], balkans["kosovo"],
                              CountryFactory(name_sv="Vietnam", region=other_region)])
    assert trail(page(client, "/projekt/regionalt/")) == (
        "Start › Regioner › Balkan › Kosovo › Regionalt")
    assert trail(page(client, "/en/projects/regionalt/")) == (
        "Home › Regions › The Balkans › Kosovo › Regional")


def test_a_project_in_no_country_is_placed_in_the_project_list(client):
    ProjectFactory(slug="tematiskt", title_sv="Tematiskt", countries=[])
    assert trail(page(client, "/projekt/tematiskt/")) == "Start › Projekt › Tematiskt"


def locator_map(html):
    found = re.findall(r'<svg class="locator-map".*?</svg>', html, re.S)
    assert len(found) == 1, "the page should have exactly one locator map"
    return ET.fromstring(found[0])


def test_the_locator_map_marks_the_projects_countries_and_is_named(client, balkans):
    ProjectFactory(slug="vastra-balkan", countries=[balkans["serbia"], balkans["kosovo"]])
    svg = locator_map(page(client, "/en/projects/vastra-balkan/"))
    assert svg.get("role") == "img"
    title = svg.find(f"{SVG}title")
    assert svg.get("aria-labelledby") == title.get("id")
    assert title.text == "Map showing where the project works: Kosovo, Serbia"
    marked = [path.get("d") for path in svg.iter(f"{SVG}path")
              if path.get("class") == "marked"]
    from projects.templatetags.world_map import map_data
    shapes = {shape["code"]: shape["d"] for shape in map_data()["countries"]}
    assert sorted(marked) == sorted([shapes["RS"], shapes["XK"]])
    assert not list(svg.iter(f"{SVG}a")), "an image, not links: the facts link the countries"
    # A crop around the Balkans, not the whole world.
    x, y, width, height = (float(n) for n in svg.get("viewBox").split())
    assert width < 2000 / 3
    assert "Karta som visar var projektet arbetar: Kosovo, Serbien" in page(
        client, "/projekt/vastra-balkan/")


def test_a_project_without_a_country_on_the_map_has_no_locator_map(client):
    ProjectFactory(slug="utan-karta", countries=[CountryFactory(iso_code="ZZ")])
    ProjectFactory(slug="utan-land", countries=[])
    for slug in ("utan-karta", "utan-land"):
        assert "locator-map" not in page(client, f"/projekt/{slug}/").split("<main")[1]


BODY = """Vi stöder **fria fackföreningar** och [ABF](https://www.abf.se/).

- studiecirklar
- utbildning

<script>alert("hacked")</script>
<a href="javascript:alert(1)">klicka</a>
<p onclick="alert(2)" onmouseover="alert(3)">Text</p>
<img src="x" onerror="alert(4)">
<iframe src="https://evil.example/"></iframe>
<form action="https://evil.example/"><input name="password"></form>
"""


def body_text(html):
    return re.search(r'<div class="body-text">(.*?)</div>', html, re.S)[1]


def test_the_body_is_markdown_rendered_as_html(client):
    ProjectFactory(slug="markdown", body_sv=BODY)
    body = body_text(page(client, "/projekt/markdown/"))
    assert "<strong>fria fackföreningar</strong>" in body
    assert '<a href="https://www.abf.se/" rel="noopener noreferrer">ABF</a>' in body
    assert "<li>studiecirklar</li>" in body
    assert "**" not in body and "](" not in body


def test_dangerous_html_in_the_body_is_stripped(client):
    ProjectFactory(slug="farlig", body_sv=BODY)
    body = body_text(page(client, "/projekt/farlig/"))
    for dangerous in ("<script", "alert(\"hacked\")", "javascript:", "onclick", "onmouseover",
                      "onerror", "<iframe", "<form", "<input", "style="):
        assert dangerous not in body, dangerous
    assert "klicka" in body and "Text" in body  # the words stay, the code goes


def test_a_programme_body_is_markdown_too(client):
    ProgrammeFactory(slug="balkanprogrammet",
                     body_sv="Programmet har **15 projekt**.\n\n<script>alert(1)</script>")
    body = body_text(page(client, "/program/balkanprogrammet/"))
    assert "<strong>15 projekt</strong>" in body and "<script" not in body


def test_staff_are_told_the_body_is_markdown(admin_client):
    project = ProjectFactory()
    for url in (f"/admin/projects/project/{project.pk}/change/",
                "/admin/projects/programme/add/"):
        html = admin_client.get(url).content.decode()
        assert html.count("Markdown: **fetstil**") == 2, url  # the Swedish and English body


def test_people_reached_are_shown_when_known(client):
    ProjectFactory(slug="kant", people_reached=12500)
    ProjectFactory(slug="okant", people_reached=None)
    assert re.search(r"Nådda personer</dt><dd[^>]*>12\s500</dd>", page(client, "/projekt/kant/"))
    assert re.search(r"People reached</dt><dd[^>]*>12,500</dd>",
                     page(client, "/en/projects/kant/"))
    assert "People reached" not in page(client, "/en/projects/okant/")


def related_titles(html):
    if 'id="related-title"' not in html:
        return []
    section = html[html.index('id="related-title"'):]
    section = section[:section.index("</section>")]
    return re.findall(r'<h3 class="h5 card-title"><a href="[^"]+">([^<]+)</a>', section)


def test_related_projects_share_a_country_or_a_theme_are_public_and_not_itself(client,
                                                                              balkans):
    youth = ThemeFactory(name_sv="Unga")
    ProjectFactory(slug="fack-i-serbien", title_sv="Fack i Serbien",
                   countries=[balkans["serbia"]], themes=[youth])
    ProjectFactory(title_sv="Samma land", countries=[balkans["serbia"]])
    ProjectFactory(title_sv="Samma tema", countries=[balkans["albania"]], themes=[youth])
    ProjectFactory(title_sv="Annat land och tema", countries=[balkans["kosovo"]],
                   themes=[ThemeFactory()])
    ProjectFactory(title_sv="Utkast", countries=[balkans["serbia"]], published=False)
    ProjectFactory(title_sv="Internt", countries=[balkans["serbia"]],
                   visibility=Project.Visibility.INTERNAL)
    titles = related_titles(page(client, "/projekt/fack-i-serbien/"))
    # Those sharing a country come first.
    assert titles == ["Samma land", "Samma tema"]
    html = page(client, "/en/projects/fack-i-serbien/")
    assert "Related projects" in html


def test_related_projects_are_a_few_and_none_means_no_section(client, balkans):
    ProjectFactory(slug="ensam", countries=[balkans["kosovo"]])
    assert related_titles(page(client, "/projekt/ensam/")) == []
    assert "Relaterade projekt" not in page(client, "/projekt/ensam/")
    ProjectFactory.create_batch(7, countries=[balkans["kosovo"]])
    assert len(related_titles(page(client, "/projekt/ensam/"))) == 4
