"""A visitor's browsing in Chromium: every page type passes axe in both languages and
fits a 360 px phone, a keyboard alone reaches the filters and a project, print hides
the navigation."""

import io
import re

import pytest
from django.core.management import call_command

from tests.browser.accessibility import assert_accessible

# One page of each type, Swedish and English (the demo content's slugs).
PAGE_TYPES = {
    "regions": ("/regioner/", "/en/regions/"),
    "region": ("/regioner/mellanostern-och-nordafrika/",
               "/en/regions/mellanostern-och-nordafrika/"),
    "country": ("/lander/palestina/", "/en/countries/palestina/"),
    "programme": (None, None),  # filled from the database: the first public programme
    "projects": ("/projekt/?region=balkan&sort=title", "/en/projects/?region=balkan&sort=title"),
    "project": (None, None),
    "members": ("/medlemmar/", "/en/members/"),
    "member": ("/medlemmar/lo/", "/en/members/lo/"),
    "networks": ("/natverk/", "/en/networks/"),
    "network": ("/natverk/folkkraft/", "/en/networks/folkkraft/"),
    "seminars": ("/seminarier/", "/en/seminars/"),
    "seminar": (None, None),
    "newsletter": ("/nyhetsbrev/", "/en/newsletter/"),
    "support": ("/stod-oss/", "/en/support-us/"),
    "search": ("/sok/?q=r%C3%A4ttigheter", "/en/search/?q=rights"),
    "not found": ("/finns-inte/", "/en/no-such-page/"),
}


@pytest.fixture(autouse=True)
def demo_content(transactional_db):
    call_command("load_demo", allow_production=True, stdout=io.StringIO())


def urls_for(kind):
    from newsletter.models import Seminar
    from projects.models import Programme, Project

    first = {
        "programme": Programme.objects.public().order_by("slug").first(),
        "project": Project.objects.public().order_by("slug").first(),
        "seminar": Seminar.objects.upcoming().first(),
    }
    if kind in first:
        obj = first[kind]
        return obj.get_absolute_url(), "/en" + obj.get_absolute_url().replace(
            "/program/", "/programmes/").replace("/projekt/", "/projects/").replace(
            "/seminarier/", "/seminars/")
    return PAGE_TYPES[kind]


@pytest.mark.parametrize("language", [0, 1], ids=["sv", "en"])
@pytest.mark.parametrize("kind", PAGE_TYPES)
def test_every_page_type_is_accessible_and_fits_a_phone(page, kind, language):
    url = urls_for(kind)[language]
    response = page.goto(url)
    assert response.status == (404 if kind == "not found" else 200), url
    assert_accessible(page)

    page.set_viewport_size({"width": 360, "height": 780})
    page.reload()
    width = page.evaluate("() => document.scrollingElement.scrollWidth")
    assert width <= 360, f"{url} scrolls sideways on a phone ({width} px)"


def test_a_keyboard_alone_reaches_the_filters_and_a_project(page):
    page.goto("/")
    # Tab along the page to the "Projects" link in the main menu and follow it.
    for _ in range(40):
        page.keyboard.press("Tab")
        if page.evaluate("() => document.activeElement.textContent.trim()") == "Projekt":
            break
    else:
        pytest.fail("Tab never reached the Projects link")
    page.keyboard.press("Enter")
    page.wait_for_url("**/projekt/")

    # Tab on to the country filter, choose Palestine with the keyboard and submit.
    for _ in range(60):
        page.keyboard.press("Tab")
        if page.evaluate("() => document.activeElement.id") == "filter-country":
            break
    else:
        pytest.fail("Tab never reached the country filter")
    page.keyboard.type("Palestina")
    for _ in range(20):
        page.keyboard.press("Tab")
        if page.evaluate("() => document.activeElement.type") == "submit":
            break
    page.keyboard.press("Enter")
    page.wait_for_url("**/projekt/?*country=palestina*")

    # Then Tab to the first project in the results and open it.
    for _ in range(40):
        page.keyboard.press("Tab")
        href = page.evaluate("() => document.activeElement.getAttribute('href') || ''")
        if re.fullmatch(r"/projekt/[-\w]+/", href):
            break
    else:
        pytest.fail("Tab never reached a project")
    page.keyboard.press("Enter")
    page.wait_for_url("**/projekt/*/")
    assert "Palestina" in page.locator("main").inner_text()


def test_print_shows_the_content_without_navigation_and_writes_links_out(page):
    page.goto("/lander/palestina/")
    page.emulate_media(media="print")
    assert not page.locator("nav.main-nav").is_visible()
    assert not page.locator("footer").is_visible()
    assert page.locator("main h1").is_visible()
    after = page.evaluate(
        "() => getComputedStyle(document.querySelector('main a[href^=\"/\"]'), '::after').content"
    )
    assert "/" in after


def test_copy_link_works_as_a_plain_link_and_copies_with_script(page, browser):
    from projects.models import Project

    project = Project.objects.public().order_by("slug").first()
    page.context.grant_permissions(["clipboard-read", "clipboard-write"])
    page.goto(project.get_absolute_url())
    assert page.get_by_role("link", name="Kopiera länk för delning").count() == 1
    link = page.locator("[data-copy-link]")
    assert link.get_attribute("href").endswith(project.get_absolute_url())
    link.click()
    # Read back by pasting, as a person would: the page itself may not read the clipboard
    # (the Permissions-Policy refuses clipboard-read).
    box = page.locator("input[name=q]").first
    box.click()
    box.press("ControlOrMeta+V")
    assert box.input_value().endswith(project.get_absolute_url())
    assert link.inner_text() == "Länken är kopierad"


def test_a_keyboard_alone_searches_from_the_header(page):
    page.goto("/")
    for _ in range(10):
        page.keyboard.press("Tab")
        if page.evaluate("() => document.activeElement.name") == "q":
            break
    else:
        pytest.fail("Tab never reached the search box")
    page.keyboard.type("Palestina")
    page.keyboard.press("Enter")
    page.wait_for_url("**/sok/?q=Palestina")
    assert page.locator("main mark").count() > 0
