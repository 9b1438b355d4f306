"""An editor's whole task in Chromium: log in, create a project with two countries and a
partner, save it as a draft, preview it, publish it, and see it on the public page."""

import io

import pytest
from django.core.management import call_command

from projects.models import Project
from tests.admin_personas import carl, log_in


@pytest.fixture(autouse=True)
def demo_content(transactional_db):
    call_command("load_demo", allow_production=True, stdout=io.StringIO())


def pick(page, field, text):
    """Choose `text` in an admin autocomplete (select2) field, as a person would."""
    page.locator(f"#id_{field}").locator("xpath=following-sibling::span[1]").click()
    page.keyboard.type(text)  # into the field's own search box, which now has focus
    page.locator(".select2-results__option", has_text=text).first.click()


def test_an_editor_publishes_a_new_project(page):
    log_in(page, carl())  # the content editor

    page.goto("/admin/projects/project/add/")
    page.fill("#id_title_sv", "Webbläsartest")  # the slug fills itself in: "webblasartest"
    page.fill("#id_iati_identifier", "SE-ON-DEMO-BROWSER")
    pick(page, "countries", "Sydafrika")
    pick(page, "countries", "Namibia")
    pick(page, "partners", "Demo")
    page.fill("#id_start_date", "2026-01-01")
    page.fill("#id_end_date", "2027-12-31")
    page.fill("#id_summary_sv", "Ett projekt som en redaktör skapade i testet.")
    page.click("input[name=_continue]")
    page.wait_for_selector(".messagelist .success")

    project = Project.objects.get(slug="webblasartest")
    assert not project.published
    assert {c.iso_code for c in project.countries.all()} == {"ZA", "NA"}
    assert project.partners.count() == 1

    # Preview: "view on site" opens the draft with the banner, visitors get 404.
    page.click("a.viewsitelink")
    page.wait_for_url("**/projekt/webblasartest/")
    assert "Inte publicerad." in page.locator("main").inner_text()
    page.go_back()

    page.check("#id_published")
    page.click("input[name=_save]")
    # The IATI file needs a sector: the form says what is missing and keeps the draft.
    page.wait_for_selector(".errorlist")
    assert "minst ett tema med en OECD DAC-ändamålskod" in page.locator(
        ".errorlist").first.inner_text()
    assert not Project.objects.get(slug="webblasartest").published
    pick(page, "themes", "Demokrati")
    page.click("input[name=_save]")
    page.wait_for_selector(".messagelist .success")

    visitor = page.context.browser.new_page(base_url=page.url.split("/admin/")[0])
    visitor.goto("/projekt/webblasartest/")
    body = visitor.locator("main").inner_text()
    assert "Webbläsartest" in body
    assert "Sydafrika" in body and "Namibia" in body
    assert "Inte publicerad." not in body
    visitor.close()
