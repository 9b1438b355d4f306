"""The regions page's world map in Chromium: accessible, fits a phone, and a visitor who
clicks a red country (or tabs to it) reaches that country's page."""

import io

import pytest
from django.core.management import call_command

from tests.browser.accessibility import assert_accessible

# (regions page, Palestine's name, Palestine's page) in each language.
PAGES = [
    pytest.param("/regioner/", "Palestina", "/lander/palestina/", id="sv"),
    pytest.param("/en/regions/", "Palestine", "/en/countries/palestina/", id="en"),
]
PHONE_WIDTH = 360
DEMO_COUNTRIES = 13  # load_demo's countries, all of which the map can draw


@pytest.fixture(autouse=True)
def demo_content(transactional_db):
    call_command("load_demo", allow_production=True, stdout=io.StringIO())


@pytest.mark.parametrize(("path", "name", "country_path"), PAGES)
def test_map_is_accessible_and_fits_a_phone(page, path, name, country_path):
    page.goto(path)
    world_map = page.locator("svg.world-map")
    assert world_map.is_visible()
    assert world_map.get_by_role("link").count() == DEMO_COUNTRIES
    assert_accessible(page)

    page.set_viewport_size({"width": PHONE_WIDTH, "height": 780})
    page.reload()
    assert world_map.is_visible()
    box = world_map.bounding_box()
    assert box["width"] <= PHONE_WIDTH and box["height"] > 100, box
    width = page.evaluate("() => document.scrollingElement.scrollWidth")
    assert width <= PHONE_WIDTH, f"{path} scrolls sideways on a phone ({width} px)"


@pytest.mark.parametrize(("path", "name", "country_path"), PAGES)
def test_clicking_a_red_country_opens_its_page(page, path, name, country_path):
    page.goto(path)

    page.locator("svg.world-map").get_by_role("link", name=name).click()

    page.wait_for_url(f"**{country_path}")
    assert name in page.locator("main h1").inner_text()


def test_keyboard_reaches_the_map_links_and_shows_where_focus_is(page):
    page.goto("/regioner/")
    for _ in range(60):
        page.keyboard.press("Tab")
        if page.evaluate("() => !!document.activeElement.closest('svg.world-map')"):
            break
    else:
        pytest.fail("Tab never reached a country on the map")

    # The focused country gets a thick blue edge (site.css), not only the browser's ring.
    stroke = page.evaluate(
        "() => getComputedStyle(document.activeElement.querySelector('path')).stroke"
    )
    assert stroke == "rgb(26, 79, 139)"
    page.keyboard.press("Enter")
    page.wait_for_url("**/lander/*/")
