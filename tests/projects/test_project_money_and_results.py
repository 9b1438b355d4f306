"""The project page's "money in and out" and results, as a visitor reads them: the sums by
funder, partner and the project's own costs in the page's language and number format,
partners' names never shown when the project hides them, each indicator's targets and
achievements as a table; and the same few queries whatever the amount of data."""

import datetime
import re
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from projects.models import Indicator, IndicatorPeriod, Project, Result, Transaction
from tests.factories import FunderFactory, PartnerFactory, ProgrammeFactory, ProjectFactory

pytestmark = pytest.mark.django_db

Type = Transaction.Type
DAY = datetime.date(2021, 3, 15)


def page(client, path):
    response = client.get(path)
    assert response.status_code == 200, (path, response.status_code)
    return response.content.decode()


def text(html):
    """What the visitor reads: tags dropped, spaces (non-breaking too) collapsed."""
    html = re.sub(r"<br>", " ", html)
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html).replace("\xa0", " ")).strip()


def section(html, heading_id):
    found = re.search(rf'<section[^>]*aria-labelledby="{heading_id}".*?</section>', html,
                      re.S)
    return found[0] if found else None


def money_rows(html):
    """The money table's rows as (label, amounts) in the visitor's words."""
    table = section(html, "money-title")
    return [(text(label), text(amount)) for label, amount in re.findall(
        r'<th scope="row">(.*?)</th><td[^>]*>(.*?)</td>', table, re.S)]


def pay(project, kind, value, *, currency="SEK", provider=None, receiver=None, day=DAY,
        provider_activity_id=""):
    return Transaction.objects.create(
        project=project, transaction_type=kind, value=Decimal(value), currency=currency,
        provider=provider, receiver=receiver, date=day,
        provider_activity_id=provider_activity_id)


@pytest.fixture
def sida():
    return FunderFactory(name_sv="Styrelsen för internationellt utvecklingssamarbete",
                         name_en="Swedish International Development Cooperation Agency",
                         short_name="Sida", slug="sida")


@pytest.fixture
def funded(sida):
    """A project in a Sida programme that received money twice, paid two partners and
    spent some itself, part of it in euros."""
    belgrade = PartnerFactory(name="Fackförbundet i Belgrad", place="Belgrad")
    nis = PartnerFactory(name="Partnerorganisationen i Niš", place="Niš")
    project = ProjectFactory(slug="fack-i-serbien", partners=[belgrade, nis],
                             programme=ProgrammeFactory(funder=sida))
    pay(project, Type.INCOMING_FUNDS, "1000000", provider=sida, day=datetime.date(2020, 1, 20))
    pay(project, Type.INCOMING_FUNDS, "500000.50", provider=sida)
    pay(project, Type.DISBURSEMENT, "400000", receiver=belgrade)
    pay(project, Type.DISBURSEMENT, "250000", receiver=nis)
    pay(project, Type.DISBURSEMENT, "50000", receiver=nis, day=datetime.date(2021, 6, 30))
    pay(project, Type.EXPENDITURE, "120000.40")
    pay(project, Type.EXPENDITURE, "3400", currency="EUR")
    return project


def test_the_money_in_and_out_is_summed_by_funder_partner_and_own_costs(client, funded):
    html = page(client, "/projekt/fack-i-serbien/")
    assert "Pengar in och ut" in html
    assert money_rows(html) == [
        ("Mottaget från Sida", "1 500 001 kr"),
        ("Utbetalt till den lokala partnern Fackförbundet i Belgrad", "400 000 kr"),
        ("Utbetalt till den lokala partnern Partnerorganisationen i Niš", "300 000 kr"),
        ("Projektets egna kostnader", "120 000 kr 3 400 EUR"),
    ]
    money = text(section(html, "money-title"))
    assert "från 20 januari 2020 till 30 juni 2021" in money
    assert "projektets öppna data (JSON)" in money and "IATI-fil" in money
    assert 'href="/projekt/fack-i-serbien.json"' in html
    assert 'href="/iati/activities.xml"' in html


def test_the_english_page_says_it_in_english_with_english_numbers(client, funded):
    html = page(client, "/en/projects/fack-i-serbien/")
    assert "Money in and out" in html and "Pengar" not in html
    assert money_rows(html) == [
        ("Received from Sida", "SEK 1,500,001"),
        ("Paid to the local partner Fackförbundet i Belgrad", "SEK 400,000"),
        ("Paid to the local partner Partnerorganisationen i Niš", "SEK 300,000"),
        ("Spent by the project itself", "SEK 120,000 EUR 3,400"),
    ]
    assert "from 20 January 2020 to 30 June 2021" in text(section(html, "money-title"))


def test_hidden_partners_are_paid_but_never_named_not_even_in_the_source(client, sida):
    secret = PartnerFactory(name="Hemliga kvinnoförbundet", place="Hemligstad")
    project = ProjectFactory(slug="skyddat", partners=[secret],
                             visibility=Project.Visibility.HIDE_PARTNERS)
    pay(project, Type.INCOMING_FUNDS, "900000", provider=sida)
    pay(project, Type.DISBURSEMENT, "600000", receiver=secret)
    for path, paid in (("/projekt/skyddat/", ("Utbetalt till lokala partner", "600 000 kr")),
                       ("/en/projects/skyddat/", ("Paid to local partners", "SEK 600,000"))):
        html = page(client, path)
        assert paid in money_rows(html)
        assert "Hemlig" not in html, path
    assert "namnges inte" in text(section(page(client, "/projekt/skyddat/"), "money-title"))


def test_a_project_without_transactions_or_results_shows_neither_section(client):
    ProjectFactory(slug="tyst")
    html = page(client, "/projekt/tyst/")
    assert section(html, "money-title") is None
    assert section(html, "results-title") is None
    assert "Pengar in och ut" not in html and "Resultat" not in html


def test_a_draft_projects_money_and_results_are_not_shown(client, sida):
    draft = ProjectFactory(slug="utkast", published=False)
    pay(draft, Type.INCOMING_FUNDS, "777777", provider=sida)
    add_result(draft, periods=1)
    response = client.get("/projekt/utkast/")
    assert response.status_code == 404
    assert "777" not in response.content.decode()
    internal = ProjectFactory(slug="internt", visibility=Project.Visibility.INTERNAL)
    pay(internal, Type.INCOMING_FUNDS, "777777", provider=sida)
    assert client.get("/projekt/internt/").status_code == 404


def add_result(project, *, periods=3, measured=2, today=datetime.date(2026, 1, 1)):
    """A result with a people-reached indicator and a share of women, `periods` calendar
    years from 2021, the first `measured` of them measured."""
    result = Result.objects.create(
        project=project, title_sv="Fler unga organiserar sig",
        title_en="More young people organise",
        description_sv="Mäts med deltagarlistor.", description_en="Measured by attendance.")
    people = Indicator.objects.create(
        result=result, title_sv="Nådda personer", title_en="People reached",
        measure=Indicator.Measure.UNIT, baseline_year=2020, baseline_value=Decimal(0))
    women = Indicator.objects.create(
        result=result, title_sv="Andel kvinnor bland ledarna",
        title_en="Share of women among the leaders", measure=Indicator.Measure.PERCENTAGE,
        baseline_year=2020, baseline_value=Decimal("22.5"))
    for number in range(periods):
        year = 2021 + number
        done = number < measured
        IndicatorPeriod.objects.create(
            indicator=people, period_start=datetime.date(year, 1, 1),
            period_end=datetime.date(year, 12, 31), target=Decimal(1200),
            actual=Decimal(1350) if done else None)
        IndicatorPeriod.objects.create(
            indicator=women, period_start=datetime.date(year, 1, 1),
            period_end=datetime.date(year, 12, 31), target=Decimal(30 + 5 * number),
            actual=Decimal(28 + 5 * number) if done else None)
    return result


def results_tables(html):
    """Each indicator's table: (caption, [(period, target, achieved)])."""
    found = []
    for caption, body in re.findall(r"<caption>(.*?)</caption>.*?<tbody>(.*?)</tbody>",
                                    section(html, "results-title"), re.S):
        rows = [tuple(text(cell) for cell in row) for row in re.findall(
            r'<tr><th scope="row">(.*?)</th><td[^>]*>(.*?)</td><td[^>]*>(.*?)</td></tr>',
            body, re.S)]
        found.append((text(caption), rows))
    return found


def test_results_show_each_indicators_baseline_targets_and_achievements(client):
    project = ProjectFactory(slug="unga")
    add_result(project)
    html = page(client, "/projekt/unga/")
    results = section(html, "results-title")
    assert "<h3" in results and "Fler unga organiserar sig" in results
    assert "Mäts med deltagarlistor." in results
    assert results_tables(html) == [
        ("Nådda personer Utgångsläge 2020: 0", [
            ("2021", "1 200", "1 350"), ("2022", "1 200", "1 350"),
            ("2023", "1 200", "ännu inte mätt")]),
        ("Andel kvinnor bland ledarna Utgångsläge 2020: 22,5 %", [
            ("2021", "30 %", "28 %"), ("2022", "35 %", "33 %"),
            ("2023", "40 %", "ännu inte mätt")]),
    ]
    assert re.search(r'<th scope="col"[^>]*>Mål</th>', results)

    english = page(client, "/en/projects/unga/")
    assert "More young people organise" in english
    assert results_tables(english)[1] == (
        "Share of women among the leaders Baseline 2020: 22.5%", [
            ("2021", "30%", "28%"), ("2022", "35%", "33%"), ("2023", "40%",
                                                            "not yet measured")])


def test_a_period_that_is_not_a_calendar_year_is_named_by_its_months(client):
    project = ProjectFactory(slug="brutet")
    result = Result.objects.create(project=project, title_sv="Resultat", title_en="Result")
    indicator = Indicator.objects.create(result=result, title_sv="Kurser",
                                         title_en="Courses")
    IndicatorPeriod.objects.create(indicator=indicator, period_start=datetime.date(2016, 3, 1),
                                   period_end=datetime.date(2017, 2, 28), target=12)
    assert results_tables(page(client, "/projekt/brutet/")) == [
        ("Kurser", [("mars 2016 – februari 2017", "12", "ännu inte mätt")])]
    assert results_tables(page(client, "/en/projects/brutet/"))[0][1][0][0] == (
        "March 2016 – February 2017")


def first_request_queries(client, path):
    """The queries of a request that renders every {% cache %} fragment afresh (each
    change of content makes them stale): how many, and how many read each new table."""
    with CaptureQueriesContext(connection) as queries:
        page(client, path)
    sql = [query["sql"] for query in queries]
    tables = {table: sum(f'FROM "projects_{table}"' in q for q in sql)
              for table in ("transaction", "result", "indicator", "indicatorperiod")}
    return len(sql), tables


def test_the_page_runs_the_same_queries_with_more_money_and_results(client, funded, sida):
    add_result(funded, periods=1)
    small = first_request_queries(client, "/projekt/fack-i-serbien/")
    belgrade = funded.partners.first()
    for month in range(1, 13):
        day = datetime.date(2022, month, 1)
        pay(funded, Type.INCOMING_FUNDS, "1000", provider=FunderFactory(), day=day)
        pay(funded, Type.DISBURSEMENT, "100", receiver=PartnerFactory(), day=day)
        pay(funded, Type.DISBURSEMENT, "100", receiver=belgrade, day=day)
        pay(funded, Type.EXPENDITURE, "10", currency="USD", day=day)
    for _ in range(3):
        add_result(funded, periods=4)
    large = first_request_queries(client, "/projekt/fack-i-serbien/")
    # The money: one query of the transactions with their funders and partners. The
    # results: results, their indicators, the indicators' periods.
    assert large == small
    assert small[1] == {"transaction": 1, "result": 1, "indicator": 1, "indicatorperiod": 1}
    assert len(money_rows(page(client, "/projekt/fack-i-serbien/"))) > 20
    assert len(results_tables(page(client, "/projekt/fack-i-serbien/"))) == 8
