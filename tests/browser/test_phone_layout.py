"""A phone (390×844) and a desktop (1366 px) in Chromium: the menu and the project list's
filters fold behind buttons that work with a mouse and a keyboard on the phone and are
not there on the desktop; "Support us" and the Swish link are in reach; nothing scrolls
sideways and axe stays clean with everything open."""

import io

import pytest
from django.core.management import call_command

from tests.browser.accessibility import assert_accessible

PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1366, "height": 900}
PAGES = ["/", "/en/", "/projekt/", "/en/projects/?region=balkan&status=completed",
         "/stod-oss/", "/en/support-us/?amount=250"]


@pytest.fixture(autouse=True)
def demo_content(transactional_db):
    call_command("load_demo", allow_production=True, stdout=io.StringIO())


def visit(page, path, viewport):
    page.set_viewport_size(viewport)
    response = page.goto(path)
    assert response is not None and response.status == 200, (path, response and response.status)


def test_phone_header_is_one_row_with_support_and_a_menu_button(page):
    visit(page, "/", PHONE)

    header = page.locator("header.site-header").bounding_box()
    assert header["height"] < 70
    assert page.get_by_role("banner").get_by_role("link", name="Stöd oss").is_visible()
    menu = page.locator("#site-menu")
    assert not menu.is_visible()
    button = page.get_by_role("button", name="Meny")
    assert button.get_attribute("aria-expanded") == "false"

    button.click()
    assert menu.is_visible() and button.get_attribute("aria-expanded") == "true"
    assert page.get_by_role("banner").get_by_role("link", name="English").is_visible()
    assert page.get_by_role("banner").get_by_role("searchbox").is_visible()
    button.click()
    assert not menu.is_visible() and button.get_attribute("aria-expanded") == "false"


def test_phone_menu_works_with_the_keyboard(page):
    visit(page, "/en/", PHONE)
    button = page.get_by_role("button", name="Menu")
    menu = page.locator("#site-menu")

    page.keyboard.press("Tab")  # the skip link
    page.keyboard.press("Tab")  # the brand
    page.keyboard.press("Tab")  # Support us
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.getAttribute('aria-controls')") == "site-menu"
    page.keyboard.press("Enter")
    assert menu.is_visible() and button.get_attribute("aria-expanded") == "true"
    # The menu comes next in the focus order: the search box first.
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.type") == "search"
    page.keyboard.press("Escape")
    assert not menu.is_visible() and button.get_attribute("aria-expanded") == "false"
    assert page.evaluate("document.activeElement.getAttribute('aria-controls')") == "site-menu"
    page.keyboard.press("Space")
    assert menu.is_visible()
    page.keyboard.press("Space")
    assert not menu.is_visible()


def test_phone_project_list_folds_filters_behind_a_button_with_the_count(page):
    visit(page, "/projekt/?region=balkan&status=completed", PHONE)

    form = page.locator("#project-filters")
    assert not form.is_visible()
    first_card = page.locator(".project-card").first.bounding_box()
    assert first_card["y"] < PHONE["height"]
    button = page.get_by_role("button", name="Filtrera (2)")
    button.click()
    assert form.is_visible() and button.get_attribute("aria-expanded") == "true"
    page.get_by_label("Tema").select_option(index=1)
    page.get_by_role("button", name="Visa projekt").click()
    page.wait_for_url("**theme=*")
    assert page.get_by_role("button", name="Filtrera (3)").is_visible()


def test_first_project_card_is_on_the_first_phone_screen_without_filters(page):
    visit(page, "/en/projects/", PHONE)

    assert page.get_by_role("button", name="Filter", exact=True).is_visible()
    assert page.locator(".project-card").first.bounding_box()["y"] < PHONE["height"]


def test_desktop_shows_menu_and_filters_without_buttons(page):
    visit(page, "/projekt/", DESKTOP)

    assert page.locator("nav.main-nav").is_visible()
    assert page.get_by_role("banner").get_by_role("searchbox").is_visible()
    assert page.get_by_role("banner").get_by_role("link", name="Stöd oss").is_visible()
    assert not page.locator(".menu-toggle").is_visible()
    assert not page.locator(".filters-toggle").is_visible()
    assert page.locator("#project-filters").is_visible()


def test_without_script_the_menu_and_filters_are_simply_shown(browser, live_server):
    context = browser.new_context(base_url=live_server.url, java_script_enabled=False,
                                  viewport=PHONE)
    try:
        page = context.new_page()
        page.goto("/projekt/")
        assert page.locator("#site-menu").is_visible()
        assert not page.locator(".menu-toggle").is_visible()
        assert page.locator("#project-filters").is_visible()
        assert not page.locator(".filters-toggle").is_visible()
    finally:
        context.close()


def test_phone_support_page_offers_a_swish_link_for_the_chosen_amount(page):
    visit(page, "/stod-oss/", PHONE)

    page.get_by_label("250 kr").check()
    page.get_by_role("button", name="Välj beloppet").click()
    link = page.get_by_role("link", name="Öppna Swish och ge 250 kr")
    assert link.is_visible()
    href = link.get_attribute("href")
    assert href.startswith("https://app.swish.nu/1/p/sw/?sw=1234567890&amt=250&cur=SEK")
    assert "msg=G%C3%A5va%20till%20solidaritetsfonden" in href
    assert page.locator("svg.swish-qr").count() == 1


@pytest.mark.parametrize("path", PAGES)
@pytest.mark.parametrize("viewport", [PHONE, DESKTOP], ids=["390", "1366"])
def test_no_sideways_scrolling_and_axe_clean_with_everything_open(page, path, viewport):
    visit(page, path, viewport)
    if viewport is PHONE:
        page.locator(".menu-toggle").click()
        if page.locator(".filters-toggle").count():
            page.locator(".filters-toggle").click()

    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= viewport["width"], f"{path} is {width} px wide"
    assert_accessible(page)
