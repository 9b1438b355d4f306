"""The admin pages staff use most pass axe's WCAG 2.1 AA checks at 1366 px, as the staff
roles see them: the login page; for Carl, the content editor, the dashboard, the project
list searched and filtered, the project form (new and saved, its help texts beside their
fields, at 390 px too), the import page and its preview with failing rows, the export
page, a history page and the staff guide, and the story list and form (new, saved, and
refused for naming a hidden partner); for Nina, the newsletter manager, a seminar
with its registrations, the mailing form and the subscriber list; and a few pages in the
admin's dark theme.

Each test visits its pages in turn and fails once, naming every page and violation, so a
run shows all there is to fix."""

import datetime
import io

import pytest
from django.core.management import call_command

from newsletter.models import Seminar
from projects.models import (Indicator, IndicatorPeriod, PolicyMarker, Programme, Project,
                             Result, Transaction)
from stories.models import Story
from tests.admin_personas import carl, log_in, nina
from tests.browser.accessibility import FAILING_IMPACTS, axe_violations, describe
from tests.factories import MailingFactory, RegistrationFactory, SubscriberFactory

WIDTH = 1366
PHONE = 390

# Three failing rows: a number in words; a month 13; an unknown country and another
# organisation's IATI identifier.
FAILING_IMPORT = (
    "iati_identifier,slug,title_sv,countries,status,start_date,budget_sek\n"
    "SE-ON-DEMO-AXE-1,axe-1,Axe 1,PS,ongoing,2025-01-01,mycket\n"
    "SE-ON-DEMO-AXE-2,axe-2,Axe 2,PS,ongoing,2025-13-01,1000\n"
    "SE-ON-999999-0000-3,axe-3,Axe 3,XX,ongoing,2025-01-01,1000\n")


class Audit:
    """axe's serious and critical violations on each page visited, by page."""

    def __init__(self, page):
        self.page = page
        self.failures = []

    def check(self, label):
        self.page.wait_for_load_state("load")
        failing = [v for v in axe_violations(self.page) if v["impact"] in FAILING_IMPACTS]
        if failing:
            self.failures.append(f"{label} ({self.page.url}):\n{describe(failing)}")

    def visit(self, label, url):
        response = self.page.goto(url)
        assert response.ok, f"{label}: {url} answered {response.status}"
        self.check(label)

    def assert_clean(self):
        assert not self.failures, ("axe found serious or critical WCAG violations:\n\n"
                                   + "\n\n".join(self.failures))


@pytest.fixture
def demo(transactional_db):
    call_command("load_demo", allow_production=True, stdout=io.StringIO())


@pytest.fixture
def wide(page):
    page.set_viewport_size({"width": WIDTH, "height": 900})
    return page


def help_text_beside(page, field):
    """The text of `field`'s help text, after checking that it is visible and sits just
    under the field."""
    row = page.locator(f".form-row:has(#id_{field}), .fieldBox:has(#id_{field})").last
    help_text = row.locator(".help").first
    assert help_text.is_visible(), f"{field}'s help text is not visible"
    field_box = page.locator(f"#id_{field}").bounding_box()
    help_box = help_text.bounding_box()
    # Under the field, not a screen away.
    assert 0 <= help_box["y"] - (field_box["y"] + field_box["height"]) < 80, (field,
                                                                              help_box)
    return help_text.inner_text()


def test_the_login_page_passes_axe(wide, transactional_db):
    audit = Audit(wide)
    audit.visit("login", "/admin/login/")
    wide.screenshot(path="/tmp/axe_login.png", full_page=True)
    audit.assert_clean()


def test_the_content_editors_pages_pass_axe(wide, demo, tmp_path):
    project = Project.objects.order_by("pk").first()
    audit = Audit(wide)
    log_in(wide, carl())
    audit.check("dashboard")
    wide.screenshot(path="/tmp/axe_dashboard.png", full_page=True)

    audit.visit("project list, searched and filtered",
                "/admin/projects/project/?q=a&status__exact=ongoing")
    assert wide.locator("#result_list tbody tr").count() > 0
    wide.screenshot(path="/tmp/axe_project_list.png", full_page=True)

    audit.visit("new project", "/admin/projects/project/add/")
    assert "Palmecentrets organisationsidentifierare" in help_text_beside(wide,
                                                                          "iati_identifier")
    assert help_text_beside(wide, "slug")
    wide.screenshot(path="/tmp/axe_project_add.png", full_page=True)
    audit.visit("saved project", f"/admin/projects/project/{project.pk}/change/")
    assert help_text_beside(wide, "budget_sek")
    wide.screenshot(path="/tmp/axe_project_change.png", full_page=True)
    # A search chooser open, its search box and options showing.
    wide.locator("#id_programme + .select2-container [role=combobox]").click()
    wide.locator(".select2-dropdown .select2-search__field").wait_for()
    wide.locator(".select2-results__option").first.wait_for()
    audit.check("saved project, the programme chooser open")
    wide.keyboard.press("Escape")
    audit.visit("project history", f"/admin/projects/project/{project.pk}/history/")

    audit.visit("import", "/admin/projects/project/import/")
    upload = tmp_path / "projekt.csv"
    upload.write_text(FAILING_IMPORT)
    wide.set_input_files("#id_import_file", str(upload))
    wide.select_option("#id_format", index=1)  # CSV
    wide.click("input[type=submit]")
    wide.wait_for_selector("table.import-preview")
    assert wide.locator("table.import-preview tbody tr").count() == 3
    assert "IATI-identifieraren måste börja med" in wide.locator(
        "table.import-preview tbody tr").nth(2).inner_text()
    audit.check("import preview with failing rows")
    wide.screenshot(path="/tmp/axe_import_preview.png", full_page=True)
    audit.visit("export", "/admin/projects/project/export/")

    audit.visit("staff guide", "/admin/guide/")
    wide.screenshot(path="/tmp/axe_guide.png", full_page=True)
    audit.assert_clean()


def test_the_story_pages_pass_axe_and_refuse_to_publish_a_hidden_partners_name(wide, demo):
    story = Story.objects.get(slug="unga-kvinnor-tar-plats")  # its project hides partners
    audit = Audit(wide)
    log_in(wide, carl())
    audit.visit("story list", "/admin/stories/story/?q=unga")
    assert wide.locator("#result_list tbody tr").count() > 0
    # The list fits beside the filters: nothing scrolls sideways.
    assert wide.evaluate("document.querySelector('#changelist .results').scrollWidth <= "
                         "document.querySelector('#changelist .results').clientWidth")
    wide.screenshot(path="/tmp/storyadmin_list.png", full_page=True)
    audit.visit("new story", "/admin/stories/story/add/")
    wide.screenshot(path="/tmp/storyadmin_add.png", full_page=True)
    assert "Filled in from the Swedish title" not in help_text_beside(wide, "slug")
    assert "Vem som skrev den" in help_text_beside(wide, "author")
    change = f"/admin/stories/story/{story.pk}/change/"
    audit.visit("saved story", change)
    wide.locator("#id_projects + .select2-container .select2-search__field").click()
    wide.locator(".select2-results__option").first.wait_for()
    audit.check("saved story, the project chooser open")
    wide.keyboard.press("Escape")
    # The editor names the partner in the body of the published story and saves.
    wide.fill("#id_body_sv", "Vi besökte Demo-partnerorganisation Yangon i våras.")
    wide.click("input[name=_save]")
    error = wide.locator(".errornote, .errorlist").first
    error.wait_for()
    assert "Demo-partnerorganisation Yangon" in wide.locator(".errorlist").first.inner_text()
    audit.check("saved story, refused: it names a hidden partner")
    wide.screenshot(path="/tmp/storyadmin_refused.png", full_page=True)
    story.refresh_from_db()
    assert "Yangon" not in story.body_sv
    audit.visit("story history", f"/admin/stories/story/{story.pk}/history/")
    audit.assert_clean()


def test_the_newsletter_managers_pages_pass_axe(wide, demo):
    mailing = MailingFactory()
    SubscriberFactory.create_batch(3)
    seminar = Seminar.objects.order_by("pk").first()
    RegistrationFactory.create_batch(3, seminar=seminar)
    audit = Audit(wide)
    log_in(wide, nina())
    audit.check("dashboard")
    audit.visit("seminar with registrations",
                f"/admin/newsletter/seminar/{seminar.pk}/change/")
    assert wide.locator("#registrations-group tr.has_original").count() == 3
    # The registrations' table fits beside the menu: nothing scrolls sideways.
    assert wide.evaluate("document.documentElement.scrollWidth") <= WIDTH
    wide.screenshot(path="/tmp/axe_seminar.png", full_page=True)
    audit.visit("new mailing", "/admin/newsletter/mailing/add/")
    audit.visit("draft mailing", f"/admin/newsletter/mailing/{mailing.pk}/change/")
    wide.screenshot(path="/tmp/axe_mailing.png", full_page=True)
    audit.visit("subscribers", "/admin/newsletter/subscriber/")
    wide.screenshot(path="/tmp/axe_subscribers.png", full_page=True)
    audit.assert_clean()


def money_and_results(project):
    """A transaction, a policy marker, and a result with an indicator and a period."""
    Transaction.objects.create(project=project, transaction_type="4",
                               date=datetime.date(2025, 3, 1), value=12000)
    PolicyMarker.objects.create(project=project, code="1", significance="2")
    result = Result.objects.create(project=project, title_sv="Fler kvinnor leder",
                                   title_en="More women lead")
    indicator = Indicator.objects.create(result=result, title_sv="Kvinnliga ordförande",
                                         title_en="Women chairs", baseline_year=2024,
                                         baseline_value=2)
    IndicatorPeriod.objects.create(indicator=indicator, period_start=datetime.date(2025, 1, 1),
                                   period_end=datetime.date(2025, 12, 31), target=10, actual=6)
    return indicator


def test_the_money_and_results_pages_pass_axe(wide, demo):
    project = Project.objects.order_by("pk").first()
    indicator = money_and_results(project)
    programme = Programme.objects.order_by("pk").first()
    audit = Audit(wide)
    log_in(wide, carl())
    audit.visit("project with money and results",
                f"/admin/projects/project/{project.pk}/change/")
    wide.locator("#transactions-group").scroll_into_view_if_needed()
    # The transactions' eight columns scroll in their own box: the page does not.
    assert wide.evaluate("document.documentElement.scrollWidth") <= WIDTH
    # The classifications, opened.
    wide.locator("fieldset.collapse summary, fieldset.collapse h2 a").first.click()
    audit.check("project with money and results, classifications open")
    wide.screenshot(path="/tmp/axe_project_money.png", full_page=True)
    audit.visit("result", f"/admin/projects/result/{indicator.result.pk}/change/")
    wide.screenshot(path="/tmp/axe_result.png", full_page=True)
    audit.visit("indicator", f"/admin/projects/indicator/{indicator.pk}/change/")
    wide.screenshot(path="/tmp/axe_indicator.png", full_page=True)
    audit.visit("programme", f"/admin/projects/programme/{programme.pk}/change/")
    audit.visit("new annual report", "/admin/projects/annualreport/add/")
    audit.assert_clean()


def test_the_money_and_results_pages_pass_axe_on_a_phone(page, demo):
    page.set_viewport_size({"width": PHONE, "height": 844})
    project = Project.objects.order_by("pk").first()
    indicator = money_and_results(project)
    audit = Audit(page)
    log_in(page, carl())
    audit.visit("project with money and results at 390 px",
                f"/admin/projects/project/{project.pk}/change/")
    page.screenshot(path="/tmp/axe_project_money_phone.png", full_page=True)
    audit.visit("indicator at 390 px", f"/admin/projects/indicator/{indicator.pk}/change/")
    page.screenshot(path="/tmp/axe_indicator_phone.png", full_page=True)
    audit.assert_clean()


def test_the_project_form_passes_axe_on_a_phone(page, transactional_db):
    page.set_viewport_size({"width": PHONE, "height": 844})
    audit = Audit(page)
    log_in(page, carl())
    audit.visit("new project at 390 px", "/admin/projects/project/add/")
    assert help_text_beside(page, "iati_identifier")
    page.screenshot(path="/tmp/axe_project_add_phone.png", full_page=True)
    audit.assert_clean()


def test_the_admin_in_its_dark_theme_passes_axe(wide, demo):
    # Django's admin follows the system's dark mode (and its theme button).
    wide.emulate_media(color_scheme="dark")
    project = Project.objects.order_by("pk").first()
    audit = Audit(wide)
    log_in(wide, carl())
    audit.check("dashboard, dark")
    audit.visit("project list, dark", "/admin/projects/project/?q=a")
    audit.visit("saved project, dark", f"/admin/projects/project/{project.pk}/change/")
    wide.screenshot(path="/tmp/axe_project_change_dark.png", full_page=True)
    audit.visit("staff guide, dark", "/admin/guide/")
    audit.assert_clean()
