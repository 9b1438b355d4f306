"""Home, about and open-data pages in both languages, as a browser, a keyboard and a small
phone see them."""

import io
from urllib.parse import urlsplit

import pytest
from django.core.management import call_command

from tests.browser.accessibility import assert_accessible

# (path, its language, the same page in the other language): the public URL contract
# of DESIGN.md, written out so a change to it shows here.
PAGES = [
    pytest.param("/", "sv", "/en/", id="home-sv"),
    pytest.param("/om-oss/", "sv", "/en/about/", id="about-sv"),
    pytest.param("/en/", "en", "/", id="home-en"),
    pytest.param("/en/about/", "en", "/om-oss/", id="about-en"),
    # The longest text page: a guide to the open-data files, element names in code.
    pytest.param("/oppna-data/", "sv", "/en/open-data/", id="open-data-sv"),
    pytest.param("/en/open-data/", "en", "/oppna-data/", id="open-data-en"),
]
OTHER_LANGUAGE = {"sv": "en", "en": "sv"}

PHONE_WIDTH = 360  # CSS pixels; the narrowest common phone


@pytest.fixture(autouse=True)
def demo_content(transactional_db):
    """The demo content, so the pages show real lists (regions, projects, members)."""
    # Tests run with DEBUG off (as Django's test runner does), which the command reads as
    # production; the test database is not.
    call_command("load_demo", allow_production=True, stdout=io.StringIO())


def visit(page, path):
    response = page.goto(path)
    assert response is not None and response.status == 200, (
        f"GET {path} answered {response and response.status}"
    )
    return response


@pytest.mark.parametrize(("path", "language", "other_path"), PAGES)
def test_page_loads_all_its_assets_from_this_site(page, offsite_requests, path, language,
                                                  other_path):
    failed = []
    page.on("response", lambda r: r.status >= 400 and failed.append(f"{r.status} {r.url}"))
    page.on("requestfailed", lambda r: failed.append(f"{r.failure} {r.url}"))

    visit(page, path)
    page.wait_for_load_state("networkidle")

    assert not offsite_requests, f"{path} fetches from other sites: {offsite_requests}"
    assert not failed, f"{path} has requests that failed: {failed}"


@pytest.mark.parametrize(("path", "language", "other_path"), PAGES)
def test_axe_finds_no_serious_violations(page, path, language, other_path):
    visit(page, path)

    assert_accessible(page)


@pytest.mark.parametrize(("path", "language", "other_path"), PAGES)
def test_html_lang_is_the_page_language(page, path, language, other_path):
    visit(page, path)

    lang = page.locator("html").get_attribute("lang") or ""
    # "sv" and "sv-SE" both say Swedish to a screen reader.
    assert lang.split("-")[0].lower() == language, f'{path}: <html lang="{lang}">'


@pytest.mark.parametrize(("path", "language", "other_path"), PAGES)
def test_first_tab_reaches_skip_link_which_moves_focus_to_main_content(
    page, path, language, other_path
):
    visit(page, path)

    page.keyboard.press("Tab")
    focused = page.evaluate(
        """() => {
            const el = document.activeElement;
            const href = el.getAttribute("href") || "";
            const target = href.startsWith("#") ? document.getElementById(href.slice(1)) : null;
            const box = el.getBoundingClientRect();
            return {
                tag: el.tagName, href, text: el.innerText.trim(),
                targetInMain: !!(target && target.closest("main, [role=main]")),
                width: box.width, height: box.height,
            };
        }"""
    )
    assert focused["tag"] == "A" and focused["targetInMain"], (
        f"{path}: the first Tab should reach a link to the main content, reached {focused}"
    )
    assert focused["text"], f"{path}: the skip link has no text"
    # Hidden until focused, then visible: a sighted keyboard user must see where focus is.
    assert focused["width"] > 1 and focused["height"] > 1, (
        f"{path}: the focused skip link is not visible ({focused['width']}x{focused['height']} px)"
    )

    page.keyboard.press("Enter")

    in_main = page.evaluate("() => !!document.activeElement.closest('main, [role=main]')")
    assert in_main, (
        f"{path}: after following the skip link focus is on "
        + page.evaluate("() => document.activeElement.outerHTML.slice(0, 120)")
    )


@pytest.mark.parametrize(("path", "language", "other_path"), PAGES)
def test_no_horizontal_scrolling_on_a_small_phone(page, path, language, other_path):
    page.set_viewport_size({"width": PHONE_WIDTH, "height": 780})
    visit(page, path)

    scroll_width = page.evaluate("() => document.scrollingElement.scrollWidth")
    if scroll_width > PHONE_WIDTH:
        # Name the culprits: the innermost elements that stick out to the right.
        too_wide = page.evaluate(
            """(width) => [...document.body.querySelectorAll("*")]
                .filter(el => el.getBoundingClientRect().right > width + 0.5)
                .filter(el => ![...el.children]
                    .some(c => c.getBoundingClientRect().right > width + 0.5))
                .slice(0, 10)
                .map(el => `${el.outerHTML.slice(0, 100)} `
                    + `(right edge ${Math.round(el.getBoundingClientRect().right)} px)`)""",
            PHONE_WIDTH,
        )
        pytest.fail(
            f"{path} scrolls sideways at {PHONE_WIDTH} px: content is {scroll_width} px wide.\n"
            + "\n".join(too_wide)
        )


@pytest.mark.parametrize(("path", "language", "other_path"), PAGES)
def test_language_switch_leads_to_same_page_in_other_language(page, path, language, other_path):
    other = OTHER_LANGUAGE[language]
    visit(page, path)

    # A plain link (works without JavaScript) that says which language it leads to.
    switch = page.locator(f'a[hreflang="{other}"]:visible')
    assert switch.count() >= 1, f'{path}: no visible link with hreflang="{other}"'
    switch.first.click()
    page.wait_for_load_state()

    assert urlsplit(page.url).path == other_path
    assert (page.locator("html").get_attribute("lang") or "").split("-")[0] == other
