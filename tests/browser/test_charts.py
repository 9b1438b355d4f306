"""The charts of the open-data and region pages in Chromium on a phone (390 px) and a
desktop (1366 px): each an image with a name and a description, its table one keyboard
press away with the same figures, nothing wider than the screen, axe clean."""

import io

import pytest
from django.core.management import call_command

from tests.browser.accessibility import assert_accessible

PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1366, "height": 900}
PAGES = ["/oppna-data/", "/regioner/balkan/", "/en/open-data/"]


@pytest.fixture(autouse=True)
def demo_content(transactional_db):
    call_command("load_demo", allow_production=True, projects=30, stdout=io.StringIO())


@pytest.mark.parametrize("viewport", [PHONE, DESKTOP], ids=["390", "1366"])
@pytest.mark.parametrize("path", PAGES)
def test_charts_fit_the_screen_and_their_tables_open_from_the_keyboard(page, path, viewport):
    page.set_viewport_size(viewport)
    page.goto(path)
    charts = page.locator("svg.bar-chart")
    assert charts.count() == 4
    for svg in charts.all():
        # An image named by its title, described by its figures in words.
        assert svg.get_attribute("role") == "img"
        name = svg.evaluate("svg => svg.querySelector('title').textContent")
        description = svg.evaluate("svg => svg.querySelector('desc').textContent")
        assert name and any(ch.isdigit() for ch in description)
        box = svg.bounding_box()
        assert 0 < box["width"] <= viewport["width"] and box["height"] > 40
        # Every label and value inside the drawing: nothing cut off or spilling over
        # (give or take a glyph's overhang: a "J" or "T" reaches a unit left of its x).
        overflow = svg.evaluate("""svg => [...svg.querySelectorAll('text')].filter(t => {
            const b = t.getBBox(), v = svg.viewBox.baseVal;
            return b.x < -2 || b.x + b.width > v.width + 2;
        }).map(t => t.textContent)""")
        assert overflow == [], overflow

    # The first chart's table: its summary is reached with Tab, opened with Enter.
    summary = page.locator("details.bar-chart-table > summary").first
    table = page.locator("details.bar-chart-table table").first
    assert not table.is_visible()
    summary.focus()
    page.keyboard.press("Enter")
    assert table.is_visible()
    caption = table.locator("caption").inner_text()
    first_name = charts.first.evaluate("svg => svg.querySelector('title').textContent")
    assert caption == first_name
    bar_values = charts.first.evaluate(
        "svg => [...svg.querySelectorAll('text.bar-value')].map(t => t.textContent)")
    cells = table.locator("tbody td").all_inner_texts()
    assert cells == bar_values and len(cells) >= 3
    assert table.get_by_role("rowheader").count() == len(cells)
    table_box = table.bounding_box()
    assert table_box["x"] + table_box["width"] <= viewport["width"]

    width = page.evaluate("() => document.scrollingElement.scrollWidth")
    assert width <= viewport["width"], f"{path} scrolls sideways ({width} px)"
    assert_accessible(page)
