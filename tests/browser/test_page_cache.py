"""The page cache in Chromium: a visitor gets a project page from the cache, an editor in
another browser renames the project, and the visitor's next visit shows the new name;
the footer signup works from a page the cache served."""

import re

import pytest
from django.core.cache import cache

from tests.admin_personas import carl, log_in
from tests.factories import CountryFactory, MailingListFactory, ProjectFactory


@pytest.fixture(autouse=True)
def content(transactional_db, settings):
    settings.PAGE_CACHE_SECONDS = 600  # on, whatever the environment says
    cache.clear()
    MailingListFactory(slug="nyhetsbrev", name_sv="Nyhetsbrev", name_en="Newsletter")
    return ProjectFactory(slug="fackliga-rattigheter", title_sv="Fackliga rättigheter",
                          countries=[CountryFactory(slug="filippinerna")])


def test_a_visitor_sees_an_editors_change_at_once_despite_the_cache(page, content):
    first = page.goto("/projekt/fackliga-rattigheter/")
    assert first.headers["x-cache"] == "miss"
    again = page.goto("/projekt/fackliga-rattigheter/")
    assert again.headers["x-cache"] == "hit"
    assert page.locator("main h1").inner_text() == "Fackliga rättigheter"

    editor = page.context.browser.new_context(base_url=page.url.split("/projekt/")[0])
    admin = editor.new_page()
    log_in(admin, carl())  # the content editor
    admin.goto(f"/admin/projects/project/{content.pk}/change/")
    admin.fill("#id_title_sv", "Starkare fackföreningar")
    admin.click("input[name=_save]")
    admin.wait_for_selector(".messagelist .success")
    # The editor's own visit to the public page is never stored for anyone.
    assert "x-cache" not in admin.goto("/projekt/fackliga-rattigheter/").headers
    editor.close()

    page.reload()
    assert page.locator("main h1").inner_text() == "Starkare fackföreningar"


def test_the_footer_signup_works_on_a_page_served_from_the_cache(page):
    page.goto("/en/projects/")
    response = page.goto("/en/projects/")
    assert response.headers["x-cache"] == "hit"
    assert "set-cookie" not in response.headers

    footer = page.locator("#footer-signup")
    footer.get_by_label("E-mail address").fill("alice@example.org")
    footer.get_by_role("group", name="What would you like to receive?").get_by_label(
        "Newsletter").check()
    footer.get_by_role("button", name="Subscribe").click()
    page.wait_for_url(re.compile(r".*/en/newsletter/thanks/$"))
    assert page.locator("main h1").inner_text() == "Check your inbox"
