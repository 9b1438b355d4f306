"""An editor finds things in Chromium at 1366 px: a project by its member organisation's
short name in the list's search, and a country by typing in the project form's chooser."""

import pytest

from tests.admin_personas import carl, log_in
from tests.factories import CountryFactory, MemberOrganisationFactory, ProjectFactory


@pytest.fixture
def project(transactional_db):
    CountryFactory.create_batch(40)
    CountryFactory(name_sv="Sydafrika", name_en="South Africa")
    project = ProjectFactory(title_sv="Fackligt ledarskap",
                             countries=[CountryFactory(name_sv="Palestina")])
    project.member_organisations.add(MemberOrganisationFactory(short_name="HRF"))
    return project


def test_an_editor_searches_projects_and_types_a_country_into_the_chooser(page, project):
    page.set_viewport_size({"width": 1366, "height": 900})
    log_in(page, carl())  # the content editor

    page.goto("/admin/projects/project/")
    page.fill("#searchbar", "HRF")
    page.press("#searchbar", "Enter")
    page.wait_for_url("**q=HRF**")
    assert page.locator("#result_list tbody tr").count() == 1
    assert "Fackligt ledarskap" in page.locator("#result_list").inner_text()

    page.click("#result_list tbody tr a")
    chooser = page.locator("#id_countries").locator("xpath=following-sibling::span[1]")
    chooser.click()
    page.keyboard.type("Sydaf")  # into the chooser's search box, which now has focus
    options = page.locator(".select2-results__option")
    options.filter(has_text="Sydafrika").wait_for()
    assert options.count() == 1  # one match, not a 42-row list
    options.first.click()
    assert "Sydafrika" in chooser.inner_text()
    page.click("input[name=_continue]")
    page.wait_for_selector(".messagelist .success")
    project.refresh_from_db()
    assert {c.name_sv for c in project.countries.all()} == {"Palestina", "Sydafrika"}
