"""Recording a project's money, results and IATI classifications in the admin: on the
project's page (transactions, results, policy markers), on a result's page (its
indicators) and an indicator's (its periods), each leading back to the project; for the
content editors, not the newsletter managers; and what the history keeps of it."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone
from reversion.models import Version

from projects.models import (AnnualReport, Indicator, PolicyMarker, Programme, Project,
                             Result, Transaction)
from tests.admin_forms import submit
from tests.admin_personas import carl, nina
from tests.factories import (CountryFactory, FunderFactory, PartnerFactory,
                             ProgrammeFactory, ProjectFactory, ThemeFactory)

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def organisation(settings):
    settings.IATI_ORGANISATION_IDENTIFIER = "SE-ON-TEST"


@pytest.fixture
def editor(client):
    user = carl()
    client.force_login(user)
    return user


@pytest.fixture
def project():
    country = CountryFactory(iso_code="PS")
    return ProjectFactory(title_sv="Unga ledare", countries=[country],
                          themes=[ThemeFactory(dac_purpose_code="15150")],
                          partners=[PartnerFactory(name="Partnern i Ramallah",
                                                   country=country)])


def change_url(obj):
    opts = obj._meta
    return reverse(f"admin:{opts.app_label}_{opts.model_name}_change", args=[obj.pk])


def rows(prefix, *rows_):
    """The POST fields of new inline rows under `prefix` (added to the page's own)."""
    data = {f"{prefix}-TOTAL_FORMS": str(len(rows_))}
    for n, row in enumerate(rows_):
        data.update({f"{prefix}-{n}-{name}": value for name, value in row.items()})
    return data


def test_an_editor_records_money_results_and_policy_markers_on_the_project(
        client, editor, project):
    sida = FunderFactory(name_sv="Sida")
    partner = project.partners.get()
    page = client.get(change_url(project))
    html = page.content.decode()
    # The sections, in Swedish.
    for heading in ("Transaktioner", "Resultat", "IATI-klassificeringar",
                    "policymarkörer (tomt: programmets)"):
        assert heading.lower() in html.lower(), heading
    response = submit(client, page, **rows(
        "transactions",
        {"transaction_type": "1", "date": "2025-02-01", "value": "500000",
         "currency": "SEK", "provider": sida.pk, "provider_activity_id": "SE-0-SE-6-123"},
        {"transaction_type": "3", "date": "2025-03-01", "value": "200000",
         "currency": "SEK", "receiver": partner.pk}),
        **rows("results", {"result_type": "2", "title_sv": "Fler unga kvinnor leder",
                           "title_en": "More young women lead"}),
        **rows("policy_markers", {"code": "1", "significance": "2"}),
        default_aid_type="C01", humanitarian="on")
    assert response.status_code == 302, response.content.decode()[:3000]
    incoming, disbursement = project.transactions.order_by("date")
    assert (incoming.provider, incoming.value, incoming.provider_activity_id) == (
        sida, 500000, "SE-0-SE-6-123")
    assert disbursement.receiver == partner
    assert project.results.get().title_sv == "Fler unga kvinnor leder"
    assert project.policy_markers.get().significance == "2"
    project.refresh_from_db()
    assert (project.default_aid_type, project.humanitarian) == ("C01", True)


def test_a_transaction_dated_in_the_future_is_refused_in_swedish(client, editor, project):
    tomorrow = timezone.localdate() + datetime.timedelta(days=1)
    response = submit(client, client.get(change_url(project)), **rows(
        "transactions", {"transaction_type": "4", "date": tomorrow.isoformat(),
                         "value": "100", "currency": "SEK"}))
    assert response.status_code == 200
    assert "Datumet kan inte ligga i framtiden" in response.content.decode()
    assert not Transaction.objects.exists()


def test_a_programme_sets_classifications_and_policy_markers_for_its_projects(client,
                                                                                editor):
    programme = ProgrammeFactory()
    programme.countries.set([CountryFactory()])
    page = client.get(change_url(programme))
    assert "IATI-klassificeringar" in page.content.decode()
    response = submit(client, page, default_flow_type="10", default_tied_status="5",
                      **rows("policy_markers", {"code": "3", "significance": "1"}))
    assert response.status_code == 302, response.content.decode()[:3000]
    programme = Programme.objects.get(pk=programme.pk)
    assert (programme.default_flow_type, programme.default_tied_status) == ("10", "5")
    assert programme.policy_markers.get().code == "3"


@pytest.fixture
def indicator(project):
    result = Result.objects.create(project=project, title_sv="Fler unga kvinnor leder",
                                   title_en="More young women lead")
    return Indicator.objects.create(result=result, title_sv="Kvinnliga ordförande",
                                    title_en="Women chairs")


def test_a_result_is_reached_from_its_project_and_leads_back_to_it(client, editor,
                                                                    indicator):
    result, project = indicator.result, indicator.result.project
    html = client.get(change_url(project)).content.decode()
    assert f'href="{change_url(result)}"' in html
    page = client.get(change_url(result))
    html = page.content.decode()
    breadcrumbs = html[html.index('class="breadcrumbs"'):]
    breadcrumbs = breadcrumbs[:breadcrumbs.index("</div>")]
    assert f'href="{change_url(project)}"' in breadcrumbs and "Unga ledare" in breadcrumbs
    assert f'href="{change_url(indicator)}"' in html  # its indicators, each with a link
    response = submit(client, page, description_sv="Mäts i fackklubbarnas register.")
    assert response.status_code == 302 and response.url == change_url(project)


def test_an_indicators_periods_are_recorded_on_its_page(client, editor, indicator):
    page = client.get(change_url(indicator))
    html = page.content.decode()
    assert f'href="{change_url(indicator.result)}"' in html  # back to its result
    response = submit(client, page, baseline_year="2024", baseline_value="3", **rows(
        "periods", {"period_start": "2025-01-01", "period_end": "2025-12-31",
                    "target": "10", "actual": "7"}))
    assert response.status_code == 302, response.content.decode()[:3000]
    assert response.url == change_url(indicator.result)
    period = indicator.periods.get()
    assert (period.target, period.actual) == (10, 7)


def test_results_and_indicators_stay_off_the_admin_index(client, editor, indicator):
    html = client.get(reverse("admin:index")).content.decode()
    assert reverse("admin:projects_project_changelist") in html
    assert reverse("admin:projects_annualreport_changelist") in html
    assert reverse("admin:projects_result_changelist") not in html
    assert reverse("admin:projects_indicator_changelist") not in html


def test_a_newsletter_manager_cannot_open_results_or_annual_reports(client, indicator):
    report = AnnualReport.objects.create(year=2025, url_sv="https://example.org/ar.pdf")
    client.force_login(nina())
    for obj in (indicator.result, indicator, report):
        assert client.get(change_url(obj)).status_code == 403


def test_a_content_editor_adds_an_annual_report(client, editor):
    page = client.get(reverse("admin:projects_annualreport_add"))
    response = submit(client, page, year="2025", url_sv="palmecentret.se/ar-2025.pdf")
    assert response.status_code == 302, response.content.decode()[:3000]
    assert AnnualReport.objects.get().url_sv == "https://palmecentret.se/ar-2025.pdf"


def test_the_history_names_a_deleted_transaction_and_a_restore_leaves_the_money_as_it_is(
        client, editor, project):
    # A restore is about the project's own fields (common.admin_base.HistoryAdmin): the
    # rows on its page, like a seminar's registrations, are left as they are now.
    submit(client, client.get(change_url(project)), **rows(
        "transactions", {"transaction_type": "4", "date": "2025-01-10", "value": "900",
                         "currency": "SEK"}))
    page = client.get(change_url(project))
    response = submit(client, page, **{"transactions-0-DELETE": "on"})
    assert response.status_code == 302
    assert not project.transactions.exists()
    history = client.get(reverse("admin:projects_project_history", args=[project.pk]))
    assert "Tog bort transaktion" in history.content.decode()
    assert "2025-01-10: 900.00 SEK" in history.content.decode()
    first = Version.objects.get_for_object(project).order_by("pk").first()
    restore = reverse("admin:projects_project_revision", args=[project.pk, first.pk])
    assert submit(client, client.get(restore)).status_code == 302
    assert not Project.objects.get(pk=project.pk).transactions.exists()


def test_a_project_without_policy_markers_lists_none_of_its_programmes(client, editor,
                                                                       project):
    # The project's own markers only: an empty list means the programme's apply.
    programme = ProgrammeFactory()
    PolicyMarker.objects.create(programme=programme, code="1", significance="1")
    Project.objects.filter(pk=project.pk).update(programme=programme)
    page = client.get(change_url(project))
    assert page.context["inline_admin_formsets"][2].formset.total_form_count() == 0
