"""Nothing invalid reaches the IATI file (issue 28, items 6, 7, 8 and 11), whichever way
an editor tries: the theme form refuses a code that is not a DAC sector; publishing needs
a country and a theme with a DAC code (the project form, the bulk action and the
spreadsheet import alike); a published project keeps its IATI identifier; a completed
project has ended, and one still ongoing after its end date is flagged on the dashboard."""

import datetime
import io

import pytest
from django.urls import reverse
from django.utils import timezone

from projects.models import Project, Theme
from tests.admin_forms import submit
from tests.admin_personas import carl
from tests.factories import CountryFactory, ProgrammeFactory, ProjectFactory, ThemeFactory

pytestmark = pytest.mark.django_db



def today():
    # Read when the test runs, not when it is collected: a run that crosses midnight in
    # Stockholm would otherwise test yesterday's "tomorrow".
    return timezone.localdate()


def tomorrow():
    return today() + datetime.timedelta(days=1)
MISSING_THEME = "minst ett tema med en OECD DAC-ändamålskod (IATI-regel 6.2.2)"


@pytest.fixture(autouse=True)
def organisation(settings):
    settings.IATI_ORGANISATION_IDENTIFIER = "SE-ON-TEST"


@pytest.fixture
def editor(client):
    client.force_login(carl())


@pytest.fixture
def palestine():
    return CountryFactory(iso_code="PS", slug="palestina")


def change_url(obj):
    opts = obj._meta
    return reverse(f"admin:{opts.app_label}_{opts.model_name}_change", args=[obj.pk])


def errors(response, field):
    assert response.status_code == 200, "saved, not refused"
    return " ".join(response.context["adminform"].form.errors.get(field, []))


# --- 6: a theme's code is a DAC sector IATI has not withdrawn ----------------------------

@pytest.mark.parametrize("code", ["15159", "15162"])  # never a sector; withdrawn (now 15160)
def test_the_theme_form_refuses_a_code_that_is_not_an_active_dac_sector(client, editor,
                                                                        code):
    theme = ThemeFactory(dac_purpose_code="15150")
    response = submit(client, client.get(change_url(theme)), dac_purpose_code=code)
    assert (f"{code} finns inte i IATI:s kodlista Sector (eller så har IATI dragit "
            "tillbaka koden).") in errors(response, "dac_purpose_code")
    assert Theme.objects.get(pk=theme.pk).dac_purpose_code == "15150"


# --- 7: publishing needs a country and a sector ----------------------------------------

def test_the_project_form_says_what_publishing_needs_and_keeps_a_draft(client, editor,
                                                                       palestine):
    draft = ProjectFactory(published=False, countries=[palestine],
                           themes=[ThemeFactory(dac_purpose_code="")])
    response = submit(client, client.get(change_url(draft)), published="on")
    assert (f"Innan projektet kan publiceras behöver det {MISSING_THEME}. Spara det "
            "opublicerat, eller lägg till det som saknas.") in errors(response, "published")
    assert not Project.objects.get(pk=draft.pk).published


def test_the_project_form_publishes_once_a_theme_with_a_code_is_added(client, editor,
                                                                      palestine):
    draft = ProjectFactory(published=False, countries=[palestine])
    theme = ThemeFactory(dac_purpose_code="15150")
    response = submit(client, client.get(change_url(draft)), published="on",
                      themes=[str(theme.pk)])
    assert response.status_code == 302
    assert Project.objects.get(pk=draft.pk).published


def test_a_published_project_cannot_lose_its_last_sector(client, editor, palestine):
    project = ProjectFactory(countries=[palestine], themes=[ThemeFactory()])
    response = submit(client, client.get(change_url(project)), themes=[])
    assert MISSING_THEME in errors(response, "published")
    assert project.themes.exists()


def test_a_project_published_before_the_rule_can_still_be_edited(client, editor,
                                                                 palestine):
    # Published without a theme before publishing asked for one: fixing its summary is
    # not refused for what it already lacked.
    project = ProjectFactory(countries=[palestine])
    response = submit(client, client.get(change_url(project)), summary_sv="Ny.")
    assert response.status_code == 302


def test_the_bulk_action_publishes_only_the_projects_that_may_be_and_says_why(
        client, editor, palestine):
    ready = ProjectFactory(published=False, countries=[palestine],
                           themes=[ThemeFactory()])
    unready = ProjectFactory(published=False, title_sv="Utan tema", countries=[palestine])
    response = client.post(reverse("admin:projects_project_changelist"),
                           {"action": "publish", "_selected_action": [ready.pk, unready.pk]},
                           follow=True)
    shown = [str(message) for message in response.context["messages"]]
    assert f"Utan tema publicerades inte: det behöver {MISSING_THEME}." in shown
    assert "1 post publicerad." in shown
    assert Project.objects.get(pk=ready.pk).published
    assert not Project.objects.get(pk=unready.pk).published


def test_a_project_ticked_published_on_its_programmes_page_needs_the_same(client, editor,
                                                                         palestine):
    draft = ProjectFactory(published=False, countries=[palestine])
    draft.programme = ProgrammeFactory()
    draft.programme.countries.set([palestine])
    draft.save()
    page = client.get(change_url(draft.programme))
    response = submit(client, page, **{"projects-0-published": "on"})
    assert response.status_code == 200
    assert MISSING_THEME in response.content.decode()
    assert not Project.objects.get(pk=draft.pk).published


IMPORT = "admin:projects_project_import"


def preview(client, text):
    upload = io.BytesIO(text.encode())
    upload.name = "projekt.csv"
    return client.post(reverse(IMPORT), {"resource": "0", "format": "0",
                                         "import_file": upload})


def row_errors(response):
    result = response.context["result"]
    return " ".join(" ".join(messages) for row in result.invalid_rows
                    for messages in row.error_dict.values())


HEADER = "iati_identifier,slug,title_sv,countries,themes,status,start_date,published\n"


def test_the_import_does_not_publish_a_project_without_a_sector(client, editor, palestine):
    ThemeFactory(slug="utan-kod", dac_purpose_code="")
    response = preview(client, HEADER + "SE-ON-TEST-N1,ny-1,Ny 1,PS,utan-kod,planned,"
                                        "2025-01-01,1\n")
    assert MISSING_THEME in row_errors(response)
    # The same row as a draft is fine.
    response = preview(client, HEADER + "SE-ON-TEST-N1,ny-1,Ny 1,PS,utan-kod,planned,"
                                        "2025-01-01,0\n")
    assert not response.context["result"].has_validation_errors()


# --- 8: a published project keeps its IATI identifier --------------------------------

def test_a_published_projects_identifier_cannot_change_in_the_form(client, editor,
                                                                  palestine):
    project = ProjectFactory(iati_identifier="SE-ON-TEST-FAST", countries=[palestine],
                             themes=[ThemeFactory()])
    response = submit(client, client.get(change_url(project)),
                      iati_identifier="SE-ON-TEST-NYTT")
    assert ("IATI-identifieraren kan inte ändras när projektet väl har publicerats: "
            "dataanvändare och finansiärer känner projektet som SE-ON-TEST-FAST."
            ) in errors(response, "iati_identifier")
    assert Project.objects.get(pk=project.pk).iati_identifier == "SE-ON-TEST-FAST"


def test_a_projects_identifier_may_change_while_it_has_never_been_published(
        client, editor, palestine):
    draft = ProjectFactory(published=False, iati_identifier="SE-ON-TEST-UTKAST",
                           countries=[palestine])
    response = submit(client, client.get(change_url(draft)),
                      iati_identifier="SE-ON-TEST-RATTAT")
    assert response.status_code == 302
    assert Project.objects.get(pk=draft.pk).iati_identifier == "SE-ON-TEST-RATTAT"


def test_the_import_refuses_a_published_project_under_a_new_identifier(client, editor,
                                                                       palestine):
    ProjectFactory(slug="fast", iati_identifier="SE-ON-TEST-FAST", countries=[palestine])
    response = preview(client, "iati_identifier,slug,title_sv,countries,status,start_date\n"
                               "SE-ON-TEST-NYTT,fast,Fast,PS,planned,2025-01-01\n")
    assert ("fast är ett publicerat projekt vars IATI-identifierare är SE-ON-TEST-FAST. "
            "Ett publicerat projekts identifierare kan inte ändras") in row_errors(response)


# --- 11: status and dates agree --------------------------------------------------------

COMPLETED_NEEDS_END = "Ett avslutat projekt behöver sitt faktiska slutdatum"


@pytest.mark.parametrize("end", ["tomorrow", "none"])
def test_a_completed_project_needs_an_end_date_not_in_the_future(client, editor,
                                                                 palestine, end):
    project = ProjectFactory(countries=[palestine], themes=[ThemeFactory()])
    end_date = tomorrow().isoformat() if end == "tomorrow" else ""
    response = submit(client, client.get(change_url(project)), status="completed",
                      end_date=end_date)
    assert COMPLETED_NEEDS_END in errors(response, "end_date")
    assert Project.objects.get(pk=project.pk).status == "ongoing"


def test_a_completed_project_that_has_ended_is_saved(client, editor, palestine):
    project = ProjectFactory(countries=[palestine], themes=[ThemeFactory()])
    response = submit(client, client.get(change_url(project)), status="completed",
                      end_date=today().isoformat())
    assert response.status_code == 302


def test_the_import_refuses_a_completed_project_without_its_end(client, editor, palestine):
    response = preview(client, "iati_identifier,slug,title_sv,countries,status,start_date,"
                               "end_date\nSE-ON-TEST-K1,k-1,K 1,PS,completed,2025-01-01,"
                               f"{tomorrow().isoformat()}\n")
    assert COMPLETED_NEEDS_END in row_errors(response)


def test_the_dashboard_flags_ongoing_projects_past_their_end_and_lists_them(client,
                                                                           editor):
    yesterday = today() - datetime.timedelta(days=1)
    late = ProjectFactory(title_sv="Försenat", end_date=yesterday)
    ProjectFactory(title_sv="Utkast försenat", end_date=yesterday, published=False)
    ProjectFactory(title_sv="Klart", end_date=yesterday, status="completed")
    ProjectFactory(title_sv="Pågår", end_date=tomorrow())
    html = client.get(reverse("admin:index")).content.decode()
    assert "1 pågående projekt har passerat sitt slutdatum" in html
    link = reverse("admin:projects_project_changelist") + "?published__exact=1&amp;past_end=1"
    assert link in html
    listed = client.get(link.replace("&amp;", "&"))
    assert [p.pk for p in listed.context["cl"].result_list] == [late.pk]


def test_the_dashboard_says_nothing_when_no_project_is_past_its_end(client, editor):
    ProjectFactory(end_date=tomorrow())
    assert "passerat sitt slutdatum" not in client.get(reverse("admin:index")).content.decode()
