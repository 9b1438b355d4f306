"""The charts of projects and budgets on the open-data and region pages: SVG drawn on the
server with a title, a description in words and the same figures as a table; only public
projects count, a change shows at once, each language in its own words and numbers, and
the pages' query counts do not grow."""

import re
import xml.etree.ElementTree as ET

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from common.charts import WIDTH, bar_chart
from projects.models import Project
from tests.conftest import local_cache
from tests.factories import CountryFactory, ProjectFactory, RegionFactory, ThemeFactory
from tests.html import page_html as page

pytestmark = pytest.mark.django_db

SVG = "{http://www.w3.org/2000/svg}"
NBSP = "\xa0"  # Swedish groups thousands with a no-break space


@pytest.fixture(autouse=True)
def page_cache_off(settings):
    yield from local_cache(settings, "chart-tests", page_cache_seconds=0)


def chart(html, chart_id):
    """(title, description, {label: value as the bar shows it}) of a chart's SVG, and
    its table as {row heading: cell}, for the assertions below."""
    found = re.search(rf'<svg class="bar-chart"[^>]*aria-labelledby="{chart_id}-title '
                      rf'{chart_id}-desc".*?</svg>', html, re.S)
    assert found, f"no chart {chart_id}"
    svg = ET.fromstring(found[0])
    title, desc = svg.find(f"{SVG}title").text, svg.find(f"{SVG}desc").text
    bars = {}
    for group in svg.iter(f"{SVG}g"):
        label = " ".join("".join(group.find(f"{SVG}text").itertext()).split())
        bars[label] = group.findall(f"{SVG}text")[1].text
    # The table that follows the chart, with the chart's title as its caption.
    after = html[found.end():]
    table = after[:after.index("</table>")]
    assert f"<caption>{title}</caption>" in table
    rows = dict(re.findall(r'<th scope="row">([^<]*)</th><td[^>]*>([^<]*)</td>', table))
    return title, desc, bars, rows


def kr(text):
    """Swedish amounts as the page writes them: "1 200 000 kr", the thousands grouped
    with no-break spaces."""
    return re.sub(r"(?<=\d) (?=\d)", NBSP, text)


@pytest.fixture
def world():
    """Two regions and two themes with known projects, and projects that must not count."""
    asia = RegionFactory(slug="asien", name_sv="Asien", name_en="Asia", sort_order=1)
    balkans = RegionFactory(slug="balkan", name_sv="Balkan", name_en="The Balkans",
                            sort_order=2)
    burma = CountryFactory(slug="burma", name_sv="Burma", name_en="Burma", region=asia)
    manila = CountryFactory(slug="filippinerna", name_sv="Filippinerna",
                            name_en="The Philippines", region=asia)
    serbia = CountryFactory(slug="serbien", name_sv="Serbien", name_en="Serbia",
                            region=balkans)
    youth = ThemeFactory(slug="unga", name_sv="Unga", name_en="Youth")
    democracy = ThemeFactory(slug="demokrati", name_sv="Demokrati", name_en="Democracy")
    ThemeFactory(slug="miljo", name_sv="Miljö", name_en="Environment")  # no project
    # In two countries of Asia: counted once there, with its budget once.
    ProjectFactory(slug="fack", countries=[burma, manila], themes=[youth, democracy],
                   budget_sek=1_200_000)
    ProjectFactory(countries=[burma], themes=[youth], budget_sek=300_000,
                   visibility=Project.Visibility.HIDE_PARTNERS)  # public, partners hidden
    ProjectFactory(countries=[serbia], themes=[democracy], budget_sek=None)
    ProjectFactory(countries=[serbia], themes=[youth], budget_sek=50_000)
    # Never counted: a draft and an internal project.
    ProjectFactory(countries=[serbia], themes=[democracy], budget_sek=9_000_000,
                   published=False)
    ProjectFactory(countries=[burma], themes=[youth], budget_sek=9_000_000,
                   visibility=Project.Visibility.INTERNAL)
    return {"asia": asia, "balkans": balkans, "serbia": serbia}


def test_the_open_data_page_charts_public_projects_and_budgets_by_region_and_theme(
        client, world):
    html = page(client, "/oppna-data/")
    title, desc, bars, rows = chart(html, "by-region-projects")
    assert title == "Projekt per region"
    assert desc == "Störst först: Asien, 2 projekt; Balkan, 2 projekt."
    assert bars == rows == {"Asien": "2", "Balkan": "2"}

    title, desc, bars, rows = chart(html, "by-region-budget")
    assert title == "Budget per region"
    assert desc == kr("Störst först: Asien, 1 500 000 kr; Balkan, 50 000 kr.")
    assert bars == rows == {"Asien": kr("1 500 000 kr"), "Balkan": kr("50 000 kr")}

    # Largest first; a theme without a public project is left out.
    title, desc, bars, rows = chart(html, "by-theme-projects")
    assert title == "Projekt per tema"
    assert list(rows.items()) == [("Unga", "3"), ("Demokrati", "2")]
    assert desc == "Störst först: Unga, 3 projekt; Demokrati, 2 projekt."
    title, desc, bars, rows = chart(html, "by-theme-budget")
    assert list(bars.items()) == [("Unga", kr("1 550 000 kr")),
                                  ("Demokrati", kr("1 200 000 kr"))]
    assert "Miljö" not in html


def test_bars_are_scaled_to_the_largest_figure(client, world):
    html = page(client, "/oppna-data/")
    svg = ET.fromstring(re.search(r'<svg class="bar-chart"[^>]*by-theme-budget-title.*?</svg>',
                                  html, re.S)[0])
    widths = [float(rect.get("width")) for rect in svg.iter(f"{SVG}rect")]
    assert widths == [WIDTH, pytest.approx(WIDTH * 1_200_000 / 1_550_000, abs=0.1)]


def test_a_region_page_charts_its_countries_and_themes(client, world):
    ThemeFactory(slug="fred", name_sv="Fred")
    ProjectFactory(countries=[CountryFactory(region=RegionFactory())],
                   themes=[ThemeFactory(name_sv="Fred och säkerhet")])  # another region's
    html = page(client, "/regioner/asien/")
    title, desc, bars, rows = chart(html, "by-country-projects")
    assert title == "Projekt per land"
    assert rows == {"Burma": "2", "Filippinerna": "1"}
    assert chart(html, "by-country-budget")[3] == {"Burma": kr("1 500 000 kr"),
                                                  "Filippinerna": kr("1 200 000 kr")}
    assert chart(html, "by-theme-projects")[3] == {"Unga": "2", "Demokrati": "1"}
    assert "Fred" not in html
    html = page(client, "/regioner/balkan/")
    assert chart(html, "by-country-budget")[3] == {"Serbien": kr("50 000 kr")}


def test_the_charts_follow_a_change_of_budget_or_country_at_once(client, world):
    assert chart(page(client, "/oppna-data/"), "by-region-budget")[3]["Asien"] == kr(
        "1 500 000 kr")
    project = Project.objects.get(slug="fack")
    project.budget_sek = 2_000_000
    project.save()
    assert chart(page(client, "/oppna-data/"), "by-region-budget")[3]["Asien"] == kr(
        "2 300 000 kr")
    project.countries.set([world["serbia"]])
    html = page(client, "/oppna-data/")
    assert chart(html, "by-region-projects")[3] == {"Balkan": "3", "Asien": "1"}
    assert chart(html, "by-region-budget")[3] == {"Balkan": kr("2 050 000 kr"),
                                                 "Asien": kr("300 000 kr")}
    assert chart(page(client, "/regioner/balkan/"), "by-country-projects")[3] == {
        "Serbien": "3"}
    project.published = False
    project.save()
    assert chart(page(client, "/oppna-data/"), "by-region-projects")[3] == {
        "Balkan": "2", "Asien": "1"}


def test_the_english_page_has_english_words_and_numbers(client, world):
    html = page(client, "/en/open-data/")
    title, desc, bars, rows = chart(html, "by-region-budget")
    assert title == "Budget by region"
    assert desc == "Largest first: Asia, SEK 1,500,000; The Balkans, SEK 50,000."
    assert rows == {"Asia": "SEK 1,500,000", "The Balkans": "SEK 50,000"}
    title, desc, bars, rows = chart(html, "by-region-projects")
    assert (title, desc) == ("Projects by region",
                             "Largest first: Asia, 2 projects; The Balkans, 2 projects.")
    assert "Show as table" in html and "Visa som tabell" not in html
    html = page(client, "/en/regions/asien/")
    assert chart(html, "by-country-projects")[0] == "Projects by country"
    assert "The Philippines" in chart(html, "by-country-projects")[3]


def test_without_public_projects_a_sentence_replaces_the_charts(client):
    RegionFactory(slug="asien", name_sv="Asien")
    ProjectFactory(published=False)
    for path in ("/oppna-data/", "/regioner/asien/"):
        html = page(client, path)
        figures = html[html.index('id="figures-title"'):].split("</section>")[0]
        assert "Inga projekt har publicerats ännu." in figures
        assert "<svg" not in figures and "<table" not in figures


def test_a_chart_with_nothing_to_show_says_so(client):
    country = CountryFactory(region=RegionFactory(slug="asien"))
    ProjectFactory(countries=[country], budget_sek=None)
    html = page(client, "/regioner/asien/")
    figures = html[html.index('id="figures-title"'):].split("</section>")[0]
    assert "Inget av projekten har någon publicerad budget ännu." in figures
    assert "Inget av projekten har något tema ännu." in figures
    assert chart(html, "by-country-projects")[3] == {country.name_sv: "1"}


def test_the_charts_are_read_only_when_their_fragment_is_missing(client, world):
    def queries(path):
        with CaptureQueriesContext(connection) as captured:
            page(client, path)
        return len(captured)

    def more_projects():
        # A content change: every fragment of every page is read again.
        ProjectFactory.create_batch(5, countries=[world["serbia"]], themes=[ThemeFactory()])

    for path in ("/oppna-data/", "/regioner/asien/", "/regioner/balkan/"):
        more_projects()
        cold, warm = queries(path), queries(path)
        more_projects()
        assert (queries(path), queries(path)) == (cold, warm), path
    # The open-data page's charts: a query for each pair of them, on a miss only. Its
    # other figures (the number of projects, the regions' feeds, the annual reports) it
    # reads every time, and the footer's mailing lists are a fragment of their own.
    more_projects()
    cold, warm = queries("/oppna-data/"), queries("/oppna-data/")
    assert (cold, warm) == (6, 3)


def test_the_chart_geometry_fits_its_width():
    chart = bar_chart(
        "test", "Test", [("Kort", 3), ("Ett mycket långt namn på ett tema som inte får plats "
                                       "på en rad i diagrammet", 1), ("Noll", 0)],
        label_heading="Tema", value_heading="Projekt", shown=str, empty_text="Inget.")
    longest, wrapped, zero = chart.bars
    assert longest.bar_width == WIDTH and longest.value_inside  # the value in its bar
    assert len(wrapped.label_lines) == 2 and not wrapped.value_inside
    assert wrapped.bar_y > wrapped.label_lines[-1][0]  # the bar under its label's lines
    assert zero.bar_width == 0 and zero.shown == "0"
    assert chart.height == zero.bar_y + chart.bar_height
    assert not chart.empty
    assert bar_chart("none", "Test", [("Noll", 0)], label_heading="", value_heading="",
                     shown=str, empty_text="Inget.").empty
