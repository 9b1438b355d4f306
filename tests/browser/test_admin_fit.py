"""Admin screens fit a 1366 px screen: the dashboard's table of projects per region keeps
its headers in words, and the import preview with failing rows scrolls no sideways and
shows each failing row's errors as text next to it."""

import io

import pytest
from django.core.management import call_command

from tests.admin_personas import carl, log_in
from tests.factories import CountryFactory

WIDTH = 1366

# Every header cell of a table that is squeezed narrower than its longest word.
SQUEEZED_HEADERS = """table => [...document.querySelectorAll(table + ' th')]
    .filter(th => th.scrollWidth > th.clientWidth || th.getClientRects()[0].width < 40)
    .map(th => th.textContent)"""


@pytest.fixture
def wide(page):
    page.set_viewport_size({"width": WIDTH, "height": 900})
    return page


def page_width(page):
    return page.evaluate("document.documentElement.scrollWidth")


def test_the_dashboard_keeps_its_table_headers_in_words(wide, transactional_db):
    call_command("load_demo", allow_production=True, stdout=io.StringIO())
    log_in(wide, carl())
    wide.screenshot(path="/tmp/fit_dashboard.png", full_page=True)
    assert wide.locator(".portal-dashboard table tbody tr").count() > 0
    assert wide.evaluate(f"({SQUEEZED_HEADERS})('.portal-dashboard')") == []
    # One header line each: not a letter per line.
    heights = wide.evaluate("""[...document.querySelectorAll('.portal-dashboard th')]
        .map(th => th.getClientRects()[0].height)""")
    assert max(heights) < 40, heights
    assert page_width(wide) <= WIDTH


HEADER = ("iati_identifier,slug,title_sv,countries,status,start_date,budget_sek,summary_sv\n")


def test_the_import_preview_shows_each_failing_rows_errors_and_fits(wide, transactional_db,
                                                                    tmp_path):
    CountryFactory(iso_code="PS", slug="palestina")
    long_text = "Ett långt stycke om projektets mål och arbete " * 12
    rows = [f"SE-ON-DEMO-IMP-1,import-1,Import 1,PS,ongoing,2025-01-01,mycket,{long_text}",
            f"SE-ON-DEMO-IMP-2,import-2,Import 2,PS,ongoing,2025-13-01,1000,{long_text}",
            f"SE-ON-DEMO-IMP-3,import-3,Import 3,XX,ongoing,2025-01-01,2.5,{long_text}"]
    upload = tmp_path / "projekt.csv"
    upload.write_text(HEADER + "\n".join(rows) + "\n")
    log_in(wide, carl())
    wide.goto("/admin/projects/project/import/")
    wide.set_input_files("#id_import_file", str(upload))
    wide.select_option("#id_format", index=1)  # CSV (the first option is "---")
    wide.click("input[type=submit]")
    wide.wait_for_selector("table.import-preview")
    wide.screenshot(path="/tmp/fit_import.png", full_page=True)

    assert page_width(wide) <= WIDTH
    failing = wide.locator("table.import-preview tbody tr")
    assert failing.count() == 3
    for number, words in ((0, "Skriv ett heltal"), (1, "Skriv datumet"), (2, "Skriv ett heltal")):
        errors = failing.nth(number).locator("td.errors")
        assert errors.is_visible()
        assert words in errors.inner_text()  # in words, without hovering over a count
        for item in errors.locator("li li").all():
            assert item.is_visible()
    assert wide.evaluate("(" + SQUEEZED_HEADERS + ")('table.import-preview')") == []


def test_the_example_file_previews_cleanly_and_fits(wide, transactional_db, tmp_path):
    CountryFactory(iso_code="PS", slug="palestina")
    log_in(wide, carl())
    wide.goto("/admin/projects/project/import/")
    with wide.expect_download() as download:
        wide.click("a[download]")
    example = tmp_path / "exempel.csv"
    download.value.save_as(example)
    wide.set_input_files("#id_import_file", str(example))
    wide.select_option("#id_format", index=1)
    wide.click("input[type=submit]")
    wide.wait_for_selector("table.import-preview")
    wide.screenshot(path="/tmp/fit_import_clean.png", full_page=True)
    assert wide.locator("table.import-preview tbody tr").count() == 1
    assert page_width(wide) <= WIDTH
