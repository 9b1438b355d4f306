"""The header every page shares: "Support us" as a button in both languages, and the menu
button that folds the menu on a phone (closed only when script runs; the markup always
has the whole menu, so a browser without script shows it)."""

import lxml.html
import pytest

from tests.factories import ProjectFactory
from tests.html import select

pytestmark = pytest.mark.django_db


def header(client, path):
    response = client.get(path)
    assert response.status_code == 200, (path, response.status_code)
    return select(lxml.html.fromstring(response.content.decode()), "header", "site-header")[0]


@pytest.mark.parametrize(("path", "text", "href"), [
    ("/", "Stöd oss", "/stod-oss/"),
    ("/projekt/", "Stöd oss", "/stod-oss/"),
    ("/projekt/vatten/", "Stöd oss", "/stod-oss/"),
    ("/om-oss/", "Stöd oss", "/stod-oss/"),
    ("/sok/?q=vatten", "Stöd oss", "/stod-oss/"),
    ("/en/", "Support us", "/en/support-us/"),
    ("/en/projects/", "Support us", "/en/support-us/"),
    ("/en/projects/vatten/", "Support us", "/en/support-us/"),
    ("/en/about/", "Support us", "/en/support-us/"),
])
def test_every_page_has_support_us_as_a_button_in_the_header(client, path, text, href):
    ProjectFactory(slug="vatten")

    (link,) = select(header(client, path), "a", "header-support")

    assert link.text_content().strip() == text
    assert link.get("href") == href
    assert "btn" in link.get("class").split()


def test_support_link_is_marked_current_on_the_support_page(client):
    assert select(header(client, "/stod-oss/"), "a", "header-support")[0].get("aria-current") == "page"
    assert select(header(client, "/"), "a", "header-support")[0].get("aria-current") is None


@pytest.mark.parametrize(("path", "label"), [("/", "Meny"), ("/en/", "Menu")])
def test_menu_button_controls_the_menu_which_holds_search_language_and_main_menu(
        client, path, label):
    head = header(client, path)

    (button,) = select(head, "button", "menu-toggle")
    assert button.text_content().strip() == label
    assert button.get("type") == "button" and button.get("aria-expanded") == "false"
    (menu,) = select(head, "div", id=button.get("aria-controls"))
    # In the markup the menu is open; only the stylesheet folds it when script runs.
    assert "is-open" not in menu.get("class") and menu.get("hidden") is None
    assert select(menu, "form", role="search") and select(menu, "nav", "language-switch")[0].xpath(".//a")
    assert len(select(menu, "nav", "main-nav")[0].xpath(".//a")) == 8


@pytest.mark.parametrize(("path", "name"), [
    ("/", "Palmecentret Olof Palmes Internationella Center"),
    ("/projekt/", "Palmecentret Olof Palmes Internationella Center"),
    ("/en/", "Olof Palme International Center"),
    ("/en/projects/", "Olof Palme International Center"),
    ("/en/support-us/", "Olof Palme International Center"),
])
def test_the_brand_in_the_header_is_the_organisations_name_in_the_pages_language(
        client, path, name):
    (brand,) = select(header(client, path), "a", "site-brand")

    assert " ".join(brand.text_content().split()) == name
    assert brand.get("href") == ("/en/" if path.startswith("/en/") else "/")


def test_the_english_support_page_calls_the_organisation_by_its_english_name(client):
    response = client.get("/en/support-us/")
    html = response.content.decode()

    assert "Palmecentret" not in html  # the header, the description and the text alike
    assert "Olof Palme International Center's solidarity fund" in html
    assert "Palmecentret" in client.get("/stod-oss/").content.decode()
