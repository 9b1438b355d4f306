"""The IATI organisation file: valid against the official 2.03 schema, its budgets the sum
of the activity file's, its annual reports linked, written to disk by write_iati; and both
IATI files answer conditional requests."""

import datetime
import io
from collections import defaultdict
from decimal import Decimal
from pathlib import Path

import pytest
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from lxml import etree

from common import page_cache
from projects.iati_organisation import share_out
from projects.models import AnnualReport, Project, Transaction
from tests.factories import CountryFactory, ProjectFactory
from tests.projects import iati_rules
from tests.projects.opendata_world import ORGANISATION, XML_LANG, body, build_world, parse_xml

pytestmark = pytest.mark.django_db

SCHEMA_DIR = Path(__file__).resolve().parents[1] / "data" / "iati-2.03"
URL = "/iati/organisation.xml"
ACTIVITIES_URL = "/iati/activities.xml"


@pytest.fixture(scope="module")
def schema():
    return etree.XMLSchema(etree.parse(str(SCHEMA_DIR / "iati-organisations-schema.xsd")))


@pytest.fixture
def world(iati_settings):
    world = build_world()
    # Awkward on purpose: a budget but no country, a report only in Swedish.
    world.nowhere = ProjectFactory(slug="utan-land", iati_identifier=f"{ORGANISATION}-90",
                                   countries=[], budget_sek=70_000,
                                   start_date=datetime.date(2017, 7, 1),
                                   end_date=datetime.date(2017, 12, 31))
    AnnualReport.objects.create(year=2023, url_sv="https://palmecentret.example/ar-2023.pdf")
    AnnualReport.objects.create(year=2024, url_sv="https://palmecentret.example/ar-2024.pdf",
                                url_en="https://palmecentret.example/annual-report-2024")
    return world


def assert_valid(schema, document):
    if not schema.validate(document):
        errors = "\n".join(str(e) for e in list(schema.error_log)[:10])
        pytest.fail(f"not valid IATI 2.03:\n{errors}")


def organisation(client):
    root = parse_xml(client.get(URL))
    return root.find("iati-organisation")


def narratives(element):
    """{language: text}; no xml:lang means the organisation's default, Swedish."""
    return {n.get(XML_LANG, "sv"): n.text for n in element.findall("narrative")}


def yearly(elements):
    """{year: kronor} of total-budget or recipient-country-budget elements."""
    values = {}
    for element in elements:
        start = element.find("period-start").get("iso-date")
        assert element.find("period-end").get("iso-date") == start[:4] + "-12-31"
        values[int(start[:4])] = int(element.findtext("value"))
    return values


def activity_budgets_by_year(client):
    """{year: kronor} summed over the activity file's budget elements."""
    totals = defaultdict(int)
    for budget in parse_xml(client.get(ACTIVITIES_URL)).iter("budget"):
        totals[int(budget.find("period-start").get("iso-date")[:4])] += int(
            budget.findtext("value"))
    return dict(totals)


def country_budgets(org):
    """{iso code: {year: kronor}}, and the codes in the file's order."""
    found, order = defaultdict(dict), []
    for element in org.findall("recipient-country-budget"):
        code = element.find("recipient-country").get("code")
        if code not in order:
            order.append(code)
        found[code].update(yearly([element]))
    return found, order


def load_demo(settings, **options):
    settings.DEBUG = True  # load_demo takes DEBUG off for production
    call_command("load_demo", stdout=io.StringIO(), **options)
    settings.DEBUG = False


# --- Valid --------------------------------------------------------------------------------

def test_the_schema_is_kept_beside_the_activity_schema_with_its_source():
    assert (SCHEMA_DIR / "iati-organisations-schema.xsd").is_file()
    assert "iati-organisations-schema.xsd" in (SCHEMA_DIR / "SOURCE.md").read_text()


def test_the_demo_content_validates(client, settings, schema):
    load_demo(settings)
    response = client.get(URL)
    assert response["Content-Type"] == "application/xml; charset=utf-8"
    assert response["Access-Control-Allow-Origin"] == "*"
    root = parse_xml(response)
    assert_valid(schema, root.getroottree())
    assert root.get("version") == "2.03"
    assert root.find("iati-organisation/total-budget") is not None


def test_awkward_data_validates(client, world, schema):
    assert_valid(schema, parse_xml(client.get(URL)).getroottree())


def test_no_projects_and_no_reports_still_validate(client, iati_settings, schema):
    org = organisation(client)
    assert_valid(schema, org.getroottree())
    assert org.find("total-budget") is None and org.find("document-link") is None


def test_iatis_rules_find_nothing_in_awkward_data(client, world):
    assert iati_rules.check(parse_xml(client.get(URL))) == []


def test_iatis_rules_find_nothing_in_the_demo_content(client, settings):
    load_demo(settings, projects=30)
    assert iati_rules.check(parse_xml(client.get(URL))) == []


# --- Who -----------------------------------------------------------------------------------

def test_identifier_name_in_both_languages_and_reporting_organisation(client, world):
    org = organisation(client)
    assert org.findtext("organisation-identifier") == ORGANISATION
    assert org.get(XML_LANG) == "sv" and org.get("default-currency") == "SEK"
    assert narratives(org.find("name")) == {"sv": "Olof Palmes Internationella Center",
                                            "en": "Olof Palme International Center"}
    reporting = org.find("reporting-org")
    assert (reporting.get("ref"), reporting.get("type")) == (ORGANISATION, "22")


def test_last_updated_is_the_latest_change_to_a_project(client, world):
    world.public.save()
    world.public.refresh_from_db()
    stamp = datetime.datetime.fromisoformat(organisation(client).get("last-updated-datetime"))
    assert stamp == world.public.updated.replace(microsecond=0)


def test_last_updated_moves_with_a_new_annual_report(client, world):
    long_ago = datetime.datetime(2020, 1, 1, tzinfo=datetime.timezone.utc)
    Project.objects.update(updated=long_ago)
    AnnualReport.objects.update(updated=long_ago)
    assert organisation(client).get("last-updated-datetime").startswith("2020-01-01")
    AnnualReport.objects.create(year=2019, url_sv="https://example.org/ar-2019.pdf")
    stamp = datetime.datetime.fromisoformat(organisation(client).get("last-updated-datetime"))
    assert stamp > long_ago


# --- Money ---------------------------------------------------------------------------------

def test_total_budget_per_year_equals_the_activity_files_budgets(client, world):
    totals = yearly(organisation(client).findall("total-budget"))
    assert totals == activity_budgets_by_year(client)
    # public 1,000,001 + hidden 500,000 + hostile 1,000,000 + nowhere 70,000; not the
    # draft's or the internal project's million, not the planned project without budget.
    assert sum(totals.values()) == 2_570_001
    # 2017: 365 of the public project's 852 days, and the whole of the other one.
    assert totals[2017] == 1_000_001 * 365 // 852 + 70_000


def test_demo_totals_equal_the_activity_files_budgets(client, settings):
    load_demo(settings, projects=60)
    assert yearly(organisation(client).findall("total-budget")) == activity_budgets_by_year(
        client)


def test_a_draft_or_internal_project_counts_once_it_is_public(client, world):
    before = sum(yearly(organisation(client).findall("total-budget")).values())
    Project.objects.filter(pk=world.draft.pk).update(published=True)
    Project.objects.filter(pk=world.internal.pk).update(visibility=Project.Visibility.PUBLIC)
    page_cache.bump()
    after = sum(yearly(organisation(client).findall("total-budget")).values())
    assert after == before + 2_000_000


def test_country_budgets_share_each_years_budget_by_the_activitys_percentages(client,
                                                                               iati_settings):
    kenya, bolivia, palestine = (CountryFactory(iso_code=code) for code in ("KE", "BO", "PS"))
    ProjectFactory(countries=[kenya, bolivia, palestine], budget_sek=100,
                   start_date=datetime.date(2021, 1, 1), end_date=datetime.date(2021, 12, 31))
    ProjectFactory(countries=[kenya], budget_sek=1_000, start_date=datetime.date(2021, 7, 1),
                   end_date=datetime.date(2022, 6, 30))
    found, order = country_budgets(organisation(client))
    # In order of ISO code; 33.34 % of 100 kronor to the first, Bolivia.
    assert order == ["BO", "KE", "PS"]
    assert found == {"BO": {2021: 34}, "KE": {2021: 33 + 504, 2022: 496},
                     "PS": {2021: 33}}


def test_country_budgets_add_up_to_the_totals_of_projects_with_countries(client, world):
    org = organisation(client)
    totals = yearly(org.findall("total-budget"))
    found, order = country_budgets(org)
    assert order == sorted(order) == ["MM", "PH", "RS"]
    by_year = defaultdict(int)
    for years in found.values():
        for year, value in years.items():
            by_year[year] += value
    totals[2017] -= 70_000  # the project without a country
    assert dict(by_year) == totals
    element = org.find("recipient-country-budget/recipient-country[@code='PH']")
    assert narratives(element) == {"sv": "Filippinerna", "en": "The Philippines"}


def test_country_budgets_follow_the_activity_files_budgets_and_percentages(client, world):
    # Each activity's yearly budgets shared by its recipient-country percentages, read
    # from the activity file itself: the two files tell one story.
    expected = defaultdict(lambda: defaultdict(int))
    for activity in parse_xml(client.get(ACTIVITIES_URL)).iter("iati-activity"):
        countries = sorted((c.get("code"), Decimal(c.get("percentage")))
                           for c in activity.findall("recipient-country"))
        for budget in activity.findall("budget"):
            year = int(budget.find("period-start").get("iso-date")[:4])
            shares = share_out(int(budget.findtext("value")), [p for _, p in countries])
            for (code, _), value in zip(countries, shares):
                expected[code][year] += value
    found, _ = country_budgets(organisation(client))
    assert found == {code: dict(years) for code, years in expected.items()}


def test_hidden_partners_stay_hidden(client, world):
    text = body(client.get(URL)).decode()
    assert "Hemlig" not in text and "Synlig partner" not in text


# --- Annual reports ------------------------------------------------------------------------

def test_annual_reports_link_in_each_language_they_exist_in(client, world):
    links = organisation(client).findall("document-link")
    found = [(link.get("url"), link.get("format"), link.find("category").get("code"),
              link.find("language").get("code"), narratives(link.find("title")))
             for link in links]
    assert found == [
        ("https://palmecentret.example/ar-2024.pdf", "application/pdf", "B01", "sv",
         {"sv": "Årsberättelse 2024"}),
        ("https://palmecentret.example/annual-report-2024", "text/html", "B01", "en",
         {"en": "Annual report 2024"}),
        # No English address: no English title or link.
        ("https://palmecentret.example/ar-2023.pdf", "application/pdf", "B01", "sv",
         {"sv": "Årsberättelse 2023"}),
    ]


# --- Queries -------------------------------------------------------------------------------

def organisation_queries(client):
    with CaptureQueriesContext(connection) as queries:
        body(client.get(URL))
    return len(queries)


def test_queries_do_not_grow_with_the_projects(client, iati_settings):
    for _ in range(3):
        ProjectFactory(countries=[CountryFactory(), CountryFactory()])
    few = organisation_queries(client)
    for _ in range(30):
        ProjectFactory(countries=[CountryFactory(), CountryFactory()],
                       start_date=datetime.date(2019, 5, 1))
    page_cache.bump()
    # Totals per year (grouped in the database), the country links with their projects'
    # budgets, the annual reports, the latest change to a project and to a report.
    assert organisation_queries(client) == few == 5


# --- write_iati ----------------------------------------------------------------------------

def test_write_iati_writes_the_organisation_file_beside_the_activity_file(client, world,
                                                                          schema, tmp_path):
    out = io.StringIO()
    call_command("write_iati", str(tmp_path / "activities.xml"), stdout=out)
    written = etree.parse(str(tmp_path / "organisation.xml"))
    assert_valid(schema, written)
    served = organisation(client)
    assert (yearly(written.getroot().find("iati-organisation").findall("total-budget"))
            == yearly(served.findall("total-budget")))
    assert "to " + str(tmp_path / "organisation.xml") in out.getvalue()
    assert (tmp_path / "organisation.xml").stat().st_mode & 0o044


def test_write_iati_writes_the_organisation_file_where_asked(world, tmp_path):
    (tmp_path / "org").mkdir()
    call_command("write_iati", str(tmp_path / "activities.xml"),
                 organisation=str(tmp_path / "org" / "palmecentret.xml"), stdout=io.StringIO())
    assert sorted(p.name for p in tmp_path.rglob("*.xml")) == ["activities.xml",
                                                               "palmecentret.xml"]


# --- Conditional requests ------------------------------------------------------------------

@pytest.mark.parametrize("url", [URL, ACTIVITIES_URL])
def test_a_repeated_request_gets_not_modified_without_a_body(client, world, url):
    first = client.get(url)
    etag = first["ETag"]
    assert etag and body(first)
    again = client.get(url, HTTP_IF_NONE_MATCH=etag)
    assert again.status_code == 304
    assert body(again) == b""
    assert again["ETag"] == etag


@pytest.mark.parametrize("url", [URL, ACTIVITIES_URL])
def test_editing_a_project_sends_the_file_again(client, world, url):
    etag = client.get(url)["ETag"]
    world.public.budget_sek = 2_000_000
    world.public.save()
    changed = client.get(url, HTTP_IF_NONE_MATCH=etag)
    assert changed.status_code == 200 and changed["ETag"] != etag
    assert body(changed)


def test_a_new_transaction_changes_the_activity_files_etag(client, world):
    etag = client.get(ACTIVITIES_URL)["ETag"]
    Transaction.objects.create(project=world.public, transaction_type="4",
                               date=datetime.date(2017, 5, 1), value=Decimal("1200.00"))
    changed = client.get(ACTIVITIES_URL, HTTP_IF_NONE_MATCH=etag)
    assert changed.status_code == 200 and changed["ETag"] != etag


@pytest.mark.parametrize("url", [URL, ACTIVITIES_URL])
@pytest.mark.parametrize(("name", "value"), [("SITE_URL", "https://palmecentret.se"),
                                             ("IATI_ORGANISATION_IDENTIFIER", "SE-ON-1234")])
def test_a_setting_the_file_prints_is_part_of_the_etag(client, world, settings, url, name,
                                                       value):
    settings.PAGE_CACHE_SECONDS = 0  # no stored copy of the answer: the view decides
    etag = client.get(url)["ETag"]
    setattr(settings, name, value)
    assert client.get(url, HTTP_IF_NONE_MATCH=etag).status_code == 200


def test_without_the_cache_the_activity_file_comes_without_an_etag(client, world,
                                                                   monkeypatch):
    monkeypatch.setattr(page_cache, "generation", lambda: None)
    response = client.get(ACTIVITIES_URL, HTTP_IF_NONE_MATCH="*")
    assert response.status_code == 200 and not response.has_header("ETag")
    assert response.streaming
