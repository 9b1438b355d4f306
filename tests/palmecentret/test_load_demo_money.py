"""load_demo's money, results, classifications and annual reports: what a data user or a
visitor of a demo project reads must be plausible (nothing dated in the future or before
the project began, no more paid out than came in, no more in than the budget) and plainly
made up."""

import datetime
import io
import random
from collections import defaultdict
from decimal import Decimal

import pytest
from django.core.management import call_command
from django.utils import timezone

from palmecentret import demo_money
from projects.models import (
    AnnualReport,
    Indicator,
    IndicatorPeriod,
    PolicyMarker,
    Programme,
    Project,
    Result,
    Transaction,
)

pytestmark = pytest.mark.django_db

Type = Transaction.Type


@pytest.fixture(autouse=True)
def _development(settings):
    # pytest-django runs with DEBUG off, which the command takes for production.
    settings.DEBUG = True


@pytest.fixture
def loaded():
    call_command("load_demo", projects=60, stdout=io.StringIO())


def totals(project_ids=None):
    """{project id: {type: total}} of the SEK transactions."""
    rows = Transaction.objects.all()
    if project_ids is not None:
        rows = rows.filter(project__in=project_ids)
    found = defaultdict(lambda: defaultdict(Decimal))
    for project_id, kind, value, currency in rows.values_list(
            "project_id", "transaction_type", "value", "currency"):
        assert currency == "SEK"
        found[project_id][kind] += value
    return found


def test_no_transaction_is_dated_in_the_future_or_before_the_project_began(loaded):
    today = timezone.localdate()
    assert Transaction.objects.count() > 100
    for transaction in Transaction.objects.select_related("project"):
        assert transaction.project.start_date <= transaction.date <= today, transaction
        assert transaction.value_date is None or transaction.value_date <= today
    # A project that has not started has had no money yet.
    assert not Transaction.objects.filter(project__start_date__gt=today).exists()


def test_the_money_adds_up_against_the_budget(loaded):
    budgets = dict(Project.objects.values_list("pk", "budget_sek"))
    found = totals()
    assert len(found) > 30
    for project_id, by_type in found.items():
        received = by_type[Type.INCOMING_FUNDS]
        paid = by_type[Type.DISBURSEMENT] + by_type[Type.EXPENDITURE]
        assert 0 < received <= budgets[project_id], project_id
        assert paid <= received, project_id


def test_a_completed_project_has_received_most_of_its_budget_and_spent_it(loaded):
    project = Project.objects.get(slug="starkare-fackforbund-serbien")
    by_type = totals([project.pk])[project.pk]
    assert by_type[Type.INCOMING_FUNDS] >= Decimal("0.85") * project.budget_sek
    paid = by_type[Type.DISBURSEMENT] + by_type[Type.EXPENDITURE]
    assert paid >= Decimal("0.8") * by_type[Type.INCOMING_FUNDS]


def test_incoming_funds_come_from_the_funder_of_the_programme_with_its_contribution(loaded):
    incoming = Transaction.objects.filter(transaction_type=Type.INCOMING_FUNDS,
                                          project__programme__isnull=False)
    assert incoming.exists()
    for transaction in incoming.select_related("project__programme", "provider"):
        programme = transaction.project.programme
        assert transaction.provider == programme.funder
        assert transaction.provider.short_name == "Sida"
        assert transaction.provider_activity_id == programme.funder_contribution_identifier
    fund = Transaction.objects.filter(project__slug="fackliga-rattigheter-filippinerna",
                                      transaction_type=Type.INCOMING_FUNDS)
    assert {t.provider.slug for t in fund} == {"palmecentrets-solidaritetsfond"}


def test_disbursements_go_to_the_projects_own_partners_hidden_ones_too(loaded):
    hidden = Project.objects.get(slug="kvinnors-organisering-vastbanken-gaza")
    assert hidden.hides_partners
    paid_to = set(hidden.transactions.filter(transaction_type=Type.DISBURSEMENT)
                  .values_list("receiver", flat=True))
    assert paid_to == set(hidden.partners.values_list("pk", flat=True))
    for transaction in Transaction.objects.filter(transaction_type=Type.DISBURSEMENT):
        assert transaction.project.partners.filter(pk=transaction.receiver_id).exists()


def test_a_hidden_partners_payments_show_on_the_page_without_its_name(loaded, client):
    project = Project.objects.get(slug="kvinnors-organisering-vastbanken-gaza")
    partners = list(project.partners.all())
    for path in (project.get_absolute_url(), "/en/projects/" + project.slug + "/"):
        html = client.get(path).content.decode()
        assert 'aria-labelledby="money-title"' in html
        assert "lokala partner" in html or "local partners" in html
        for partner in partners:
            assert partner.name not in html, path
        # The places too, but for Gaza: the project's own title names it.
        assert "Hebron" not in html, path


def test_results_have_targets_every_year_and_achievements_only_once_a_year_ended(loaded):
    today = timezone.localdate()
    periods = IndicatorPeriod.objects.select_related("indicator__result__project")
    assert periods.filter(actual__isnull=False).exists()
    assert periods.filter(actual__isnull=True).exists()
    for period in periods:
        project = period.indicator.result.project
        assert period.target is not None
        assert project.start_date <= period.period_start <= period.period_end
        if period.period_end >= today:
            assert period.actual is None, period
        elif project.end_date and period.period_end <= project.end_date:
            assert period.actual is not None, period
    for indicator in Indicator.objects.all():
        assert indicator.baseline_year and indicator.baseline_value is not None
        assert 1 <= indicator.periods.count() <= 7
        if indicator.measure == Indicator.Measure.PERCENTAGE:
            assert all(0 <= p.target <= 100 for p in indicator.periods.all())
    # One or two indicators per result, on the written projects and some generated ones.
    assert {r.indicators.count() for r in Result.objects.all()} == {1, 2}
    assert Result.objects.filter(project__slug__startswith="exempelprojekt-").exists()
    assert not Project.objects.filter(slug="unga-kvinnor-burma", results=None).exists()


def test_programmes_and_projects_carry_the_iati_classifications(loaded):
    for programme in Programme.objects.all():
        assert (programme.default_aid_type, programme.default_flow_type,
                programme.default_finance_type, programme.default_collaboration_type,
                programme.default_tied_status) == ("C01", "10", "110", "1", "5")
        assert set(programme.policy_markers.values_list("code", flat=True)) == {"1", "3"}
    # A project outside a programme says its own: the solidarity fund's money is private.
    fund_project = Project.objects.get(slug="fackliga-rattigheter-filippinerna")
    assert fund_project.classification("default_flow_type") == "30"
    in_programme = Project.objects.get(slug="starkare-fackforbund-serbien")
    assert in_programme.default_flow_type == ""
    assert in_programme.classification("default_flow_type") == "10"
    own = Project.objects.get(slug="unga-kvinnor-burma").policy_markers.get(code="1")
    assert own.significance == PolicyMarker.Significance.PRINCIPAL


def test_annual_reports_are_plainly_examples_and_a_real_one_is_kept(loaded):
    reports = AnnualReport.objects.all()
    assert reports.count() >= 3
    for report in reports:
        assert report.url_sv.startswith("https://example.org/")
        assert "exempel" in report.url_sv
        assert report.url_en == "" or "example.org/" in report.url_en
    AnnualReport.objects.filter(year=2024).update(url_sv="https://www.palmecenter.se/ar.pdf")
    call_command("load_demo", stdout=io.StringIO())
    assert AnnualReport.objects.get(year=2024).url_sv == "https://www.palmecenter.se/ar.pdf"


def test_every_new_object_passes_model_validation(loaded):
    for model in (Transaction, PolicyMarker, Result, Indicator, IndicatorPeriod,
                  AnnualReport):
        assert model.objects.exists(), model
        for obj in model.objects.all():
            obj.full_clean()


def test_running_again_the_same_day_gives_the_same_money_and_results():
    call_command("load_demo", projects=20, stdout=io.StringIO())

    def snapshot():
        return (
            sorted(Transaction.objects.values_list(
                "project__slug", "transaction_type", "date", "value", "receiver__name")),
            sorted(IndicatorPeriod.objects.values_list(
                "indicator__result__project__slug", "indicator__title_sv", "period_start",
                "target", "actual")),
        )

    before = snapshot()
    call_command("load_demo", projects=20, stdout=io.StringIO())
    assert snapshot() == before
    Project.objects.filter(slug__startswith="exempelprojekt-").delete()
    call_command("load_demo", projects=20, stdout=io.StringIO())
    assert snapshot() == before


def test_the_money_of_a_project_under_way_stops_at_today():
    project = Project(pk=1, start_date=datetime.date(2024, 3, 1),
                      end_date=datetime.date(2027, 2, 28), budget_sek=3_000_000)
    today = datetime.date(2025, 5, 10)
    rows = demo_money.demo_transactions(
        random.Random(1), project, today, provider=Project(pk=7),
        provider_activity_id="SE-0-X", partner_ids=[3, 4])
    incoming = [r for r in rows if r.transaction_type == Type.INCOMING_FUNDS]
    # The first two years' instalments; the third year has not begun.
    assert [r.date.year for r in incoming] == [2024, 2025]
    assert max(r.date for r in rows) <= today
    assert sum(r.value for r in incoming) <= 2 * 1_000_000
    # The second year's payments fall after today: not made yet.
    assert not [r for r in rows if r.transaction_type != Type.INCOMING_FUNDS
                and r.date.year == 2025 and r.date > today]
