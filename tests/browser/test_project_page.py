"""A project page in Chromium, on a phone and a desktop: the trail leads to its country,
the locator map is an image named after its countries, the body's Markdown is formatted,
related projects lead on, its money and results read as tables, axe finds nothing and
nothing scrolls sideways. The project list's cards show the budget the list sorts by, and
an unknown filter is named."""

import io

import pytest
from django.core.management import call_command

from projects.models import Project
from tests.browser.accessibility import assert_accessible

WIDTHS = [pytest.param(390, id="phone"), pytest.param(1366, id="desktop")]


@pytest.fixture(autouse=True)
def demo_content(transactional_db):
    call_command("load_demo", allow_production=True, stdout=io.StringIO())
    project = Project.objects.get(slug="starkare-fackforbund-serbien")
    project.body_sv = ("Projektet stöder **fria fackföreningar**. Läs mer hos "
                       "[ABF](https://www.abf.se/).\n\n<script>document.title='hacked'</script>")
    project.save()


def assert_no_sideways_scroll(page, width):
    scroll_width = page.evaluate("() => document.scrollingElement.scrollWidth")
    assert scroll_width <= width, f"{page.url} scrolls sideways ({scroll_width} px)"


@pytest.mark.parametrize("width", WIDTHS)
def test_a_project_page_places_the_project_and_leads_on(page, width):
    page.set_viewport_size({"width": width, "height": 844})
    page.goto("/projekt/starkare-fackforbund-serbien/")

    trail = page.get_by_role("navigation", name="Brödsmulor")
    assert trail.get_by_role("link").all_inner_texts() == ["Start", "Regioner", "Balkan",
                                                           "Serbien"]
    locator_map = page.get_by_role("img", name="Karta som visar var projektet arbetar: Serbien")
    assert locator_map.is_visible()
    box = locator_map.bounding_box()
    assert 100 < box["width"] <= width and box["height"] > 60, box
    body = page.locator(".body-text")
    assert body.locator("strong").inner_text() == "fria fackföreningar"
    assert body.get_by_role("link", name="ABF").get_attribute("href") == "https://www.abf.se/"
    assert page.title() != "hacked"
    related = page.get_by_role("region", name="Relaterade projekt")
    assert 1 <= related.get_by_role("article").count() <= 4
    assert_accessible(page)
    assert_no_sideways_scroll(page, width)

    trail.get_by_role("link", name="Serbien").click()
    page.wait_for_url("**/lander/serbien/")


@pytest.mark.parametrize("width", WIDTHS)
def test_the_list_sorted_by_budget_shows_budgets_and_names_an_unknown_country(page, width):
    page.set_viewport_size({"width": width, "height": 844})
    page.goto("/en/projects/?sort=budget&country=" + "atlantis" * 10)

    notice = page.get_by_role("alert")
    assert notice.inner_text().startswith("We found no country “atlantisatlantis")
    first_card = page.locator(".project-card").first
    assert "SEK " in first_card.inner_text()
    assert_accessible(page)
    assert_no_sideways_scroll(page, width)


@pytest.mark.parametrize("width", WIDTHS)
def test_a_projects_money_and_results_read_as_tables_in_both_languages(page, width):
    page.set_viewport_size({"width": width, "height": 844})
    # Under way: some years measured, the rest not yet; partners hidden.
    page.goto("/en/projects/unga-kvinnor-burma/")
    money = page.get_by_role("region", name="Money in and out")
    assert money.get_by_role("rowheader", name="Received from The Olof Palme "
                             "International Center's solidarity fund").is_visible()
    assert money.get_by_role("rowheader", name="Paid to local partners").is_visible()
    assert "Demo-" not in page.content()
    results = page.get_by_role("region", name="Results")
    people = results.get_by_role("table", name="People who took part in the training")
    assert people.get_by_role("columnheader").all_inner_texts() == ["Period", "Target",
                                                                    "Achieved"]
    assert people.get_by_role("cell", name="not yet measured").count() >= 1
    assert_accessible(page)
    assert_no_sideways_scroll(page, width)

    page.goto("/projekt/starkare-fackforbund-serbien/")
    money = page.get_by_role("region", name="Pengar in och ut")
    assert money.get_by_role("rowheader", name="Utbetalt till den lokala partnern "
                             "Demo-fackförbund Belgrad").is_visible()
    assert page.get_by_role("region", name="Resultat").get_by_role("table").count() >= 1
    assert_accessible(page)
    assert_no_sideways_scroll(page, width)
