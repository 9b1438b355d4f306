"""Open data beside the IATI file: CSV and JSON of the filtered project list, JSON per
project, Atom feeds, the open-data page, and the rule that only public data gets out."""

import csv
import datetime
import io
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.checks import run_checks
from django.urls import reverse
from django.utils import translation

from common.text import CONTROL_CHARACTERS
from tests.projects.opendata_world import ATOM_NS, ORGANISATION, body, build_world, parse_xml
from tests.sitemaps import sitemap_xml

pytestmark = pytest.mark.django_db

ATOM = "{http://www.w3.org/2005/Atom}"


@pytest.fixture
def world(settings):
    settings.IATI_ORGANISATION_IDENTIFIER = ORGANISATION
    return build_world()


def url(name, **kwargs):
    return reverse(f"projects:{name}", kwargs=kwargs or None)


def csv_rows(response):
    return list(csv.DictReader(io.StringIO(body(response).decode("utf-8-sig"))))


def json_list(response):
    return json.loads(body(response))


def feed_entries(response):
    root = parse_xml(response)
    return [entry.findtext(f"{ATOM}title") for entry in root.iter(f"{ATOM}entry")]


# --- Only public data gets out -----------------------------------------------------------

def everything_published(client, world):
    """Every open-data output, as text, for the assertions below."""
    with translation.override("en"):
        english_csv = url("project-list-csv")  # /en/projects.csv: English words too
    responses = {
        "IATI file": client.get("/iati/activities.xml"),
        "CSV": client.get(url("project-list-csv")),
        "JSON list": client.get(url("project-list-json")),
        "overall feed": client.get(url("project-feed")),
        "region feed": client.get(url("region-feed", slug="asien")),
        "English CSV": client.get(english_csv),
    }
    for name, response in responses.items():
        assert response.status_code == 200, name
    return {name: body(response).decode("utf-8") for name, response in responses.items()}


def test_unpublished_and_internal_projects_appear_in_none_of_the_outputs(client, world):
    for name, text in everything_published(client, world).items():
        assert "Unga i tre länder på Västbanken" in text, name  # the test can see titles
        assert "Opublicerat utkast" not in text, name
        assert world.draft.iati_identifier not in text, name
        assert "Internt projekt" not in text, name
        assert world.internal.iati_identifier not in text, name
    for project in (world.draft, world.internal):
        response = client.get(url("project-detail-json", slug=project.slug))
        assert response.status_code == 404
        assert response.json() == {"error": "not found"}


def test_the_region_feed_shows_the_regions_public_projects(client, world):
    # (The control character in the hostile title is dropped: XML cannot carry it.)
    assert set(feed_entries(client.get(url("region-feed", slug="asien")))) == {
        "Unga i tre länder på Västbanken", "Skyddat projekt",
        '=HYPERLINK("http://evil.example","Klicka")', "Akut stöd",
    }


def test_hidden_partners_name_and_place_appear_in_none_of_the_outputs(client, world):
    texts = everything_published(client, world)
    texts["JSON detail"] = client.get(url("project-detail-json",
                                          slug=world.hidden.slug)).content.decode()
    for name, text in texts.items():
        assert "Hemlig partnerorganisation" not in text, name
        assert "Hemlig ort" not in text, name
    # The partner of a project that shows its partners is there: the test can see names.
    for name in ("IATI file", "CSV", "JSON list"):
        assert "Synlig partner i Manila" in texts[name] and "Manila" in texts[name]


def test_a_project_unpublished_after_publishing_leaves_every_output(client, world):
    world.public.published = False
    world.public.save()
    for name, text in everything_published(client, world).items():
        assert "Unga i tre länder" not in text, name
    assert client.get(url("project-detail-json", slug="unga-i-tre-lander")).status_code == 404


# --- The exports follow the list's filters -----------------------------------------------

QUERIES = [
    "",
    "country=filippinerna",
    "region=asien",
    "country=burma&theme=jamstalldhet",
    "theme=unga&sort=title",
    "status=completed",
    "year=2017",
    "q=skyddat",
    "country=finns-inte",  # an unknown value is left out, as on the page
    "sort=budget&page=2",
]


def page_identifiers(client, query):
    response = client.get(f"{url('project-list')}?{query}")
    # Every page of the list, in its order: the filter set's queryset.
    return [p.iati_identifier for p in response.context["filterset"].qs]


@pytest.mark.parametrize("query", QUERIES)
def test_csv_and_json_hold_exactly_the_projects_the_page_lists(client, world, query):
    expected = page_identifiers(client, query)
    rows = csv_rows(client.get(f"{url('project-list-csv')}?{query}"))
    assert [row["iati_identifier"] for row in rows] == expected
    data = json_list(client.get(f"{url('project-list-json')}?{query}"))
    assert [p["iati_identifier"] for p in data["projects"]] == expected
    assert data["count"] == len(expected)


def test_a_filter_narrows_the_exports(client, world):
    rows = csv_rows(client.get(f"{url('project-list-csv')}?country=burma&theme=jamstalldhet"))
    assert {row["title_sv"] for row in rows} == {"Unga i tre länder på Västbanken",
                                                 "Skyddat projekt"}


@pytest.mark.parametrize("query", ["country=serbien", "theme=jamstalldhet", "region=asien&q=unga"])
def test_the_feed_follows_the_lists_filters_too(client, world, query):
    # (The feed drops the hostile title's control character: XML cannot carry it.)
    listed = {CONTROL_CHARACTERS.sub("", p.title)
              for p in client.get(f"{url('project-list')}?{query}").context["filterset"].qs}
    assert set(feed_entries(client.get(f"{url('project-feed')}?{query}"))) == listed
    assert listed


def test_a_filtered_feed_is_named_after_its_filters_in_the_visitors_language(client, world):
    root = parse_xml(client.get(f"{url('project-feed')}?country=burma"))
    assert root.findtext("atom:title", namespaces=ATOM_NS) == "Palmecentret: projekt – Burma"
    with translation.override("en"):
        feed = url("project-feed")
    root = parse_xml(client.get(f"{feed}?country=burma"))
    assert (root.findtext("atom:title", namespaces=ATOM_NS)
            == f"Olof Palme International Center: projects – {world.burma.name_en}")


def test_the_list_page_links_its_exports_and_feed_with_its_filters(client, world):
    html = client.get(f"{url('project-list')}?country=burma&page=2&sort=title").content.decode()
    for name in ("project-list-csv", "project-list-json", "project-feed"):
        assert f'href="{url(name)}?country=burma&amp;sort=title"' in html
    head = html.split("</head>")[0]
    assert '<link rel="alternate" type="application/atom+xml"' in head
    assert f'href="{url("project-feed")}?country=burma&amp;sort=title"' in head


def test_the_region_page_announces_its_feed(client, world):
    html = client.get(world.asia.get_absolute_url()).content.decode()
    feed = url("region-feed", slug="asien")
    assert '<link rel="alternate" type="application/atom+xml"' in html
    assert f'href="{feed}"' in html


# --- CSV ---------------------------------------------------------------------------------

def test_csv_is_utf8_with_a_byte_order_mark_for_excel(client, world):
    response = client.get(url("project-list-csv"))
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert "attachment" in response["Content-Disposition"]
    data = body(response)
    assert data.startswith("\ufeff".encode("utf-8"))
    text = data.decode("utf-8-sig")
    assert "Unga i tre länder på Västbanken" in text
    assert "Jämställdhet" in text


def test_csv_cells_cannot_run_as_spreadsheet_formulas(client, world):
    rows = {row["iati_identifier"]: row for row in csv_rows(client.get(url("project-list-csv")))}
    hostile = rows[world.hostile.iati_identifier]
    assert hostile["title_sv"] == "'=HYPERLINK(\"http://evil.example\",\"Klicka\")\x0b"
    assert hostile["title_en"] == "'@SUM(A1)"
    for row in rows.values():
        assert not any(cell.startswith(("=", "+", "-", "@", "\t", "\r"))
                       for cell in row.values()), row


@pytest.mark.parametrize("start", ["=", "+", "-", "@", "\t", "\r"])
def test_every_formula_start_is_neutralised(start):
    from common.spreadsheets import spreadsheet_safe

    assert spreadsheet_safe(f"{start}1+1") == f"'{start}1+1"
    assert spreadsheet_safe("Västbanken") == "Västbanken"
    assert spreadsheet_safe(1_000_000) == "1000000"


def test_csv_has_the_iati_columns(client, world):
    rows = {row["iati_identifier"]: row for row in csv_rows(client.get(url("project-list-csv")))}
    row = rows[world.public.iati_identifier]
    assert row["iati_activity_status"] == "4"
    assert row["recipient_countries"] == "MM; PH; RS"
    assert row["recipient_country_percentages"] == "33.34; 33.33; 33.33"
    assert row["sectors_dac"] == "15150; 15170"
    assert row["budget"] == "1000001" and row["currency"] == "SEK"
    assert row["funder_iati_identifier"] == "SE-0"
    assert row["parent_activity"] == "SE-0-SE-6-TEST-CSO"
    assert row["planned_start"] == row["actual_start"] == "2016-03-01"
    assert row["actual_end"] == "2018-06-30"
    assert row["local_partners"] == "Synlig partner i Manila"
    assert row["member_organisations"] == "Arbetarnas bildningsförbund"


# --- JSON --------------------------------------------------------------------------------

def test_json_list_keeps_swedish_characters_and_names_its_licence(client, world):
    response = client.get(url("project-list-json"))
    assert response["Content-Type"] == "application/json; charset=utf-8"
    assert response["Access-Control-Allow-Origin"] == "*"
    raw = body(response).decode("utf-8")
    assert "Västbanken" in raw and "\\u00e4" not in raw
    data = json.loads(raw)
    assert data["licence"]["name"] == "CC BY 4.0"
    assert data["publisher"]["iati_identifier"] == ORGANISATION


def test_json_detail_matches_the_iati_content(client, world):
    response = client.get(url("project-detail-json", slug=world.public.slug))
    assert response.status_code == 200
    assert "Västbanken" in response.content.decode("utf-8")
    data = response.json()
    assert data["iati_identifier"] == world.public.iati_identifier
    assert data["title"] == {"sv": "Unga i tre länder på Västbanken",
                             "en": "Young people in three countries"}
    assert [(c["code"], c["percentage"]) for c in data["recipient_countries"]] == [
        ("MM", "33.34"), ("PH", "33.33"), ("RS", "33.33")]
    assert [s["code"] for s in data["sectors"]] == ["15150", "15170"]
    assert sum(b["value"] for b in data["budgets"]) == data["budget_sek"] == 1_000_001
    assert data["related_activities"] == [
        {"type": "1", "type_name": "parent", "ref": "SE-0-SE-6-TEST-CSO"}]
    assert [o["role_name"] for o in data["participating_organisations"]] == [
        "funding", "extending", "implementing", "implementing", "implementing"]
    assert data["url"]["en"].endswith("/en/projects/unga-i-tre-lander/")


def test_json_detail_of_a_project_that_hides_partners(client, world):
    data = client.get(url("project-detail-json", slug=world.hidden.slug)).json()
    assert data["local_partners"] == []
    assert "Hemlig" not in json.dumps(data, ensure_ascii=False)


def test_the_same_project_says_the_same_in_json_and_in_the_list(client, world):
    detail = client.get(url("project-detail-json", slug=world.public.slug)).json()
    listed = {p["iati_identifier"]: p for p in json_list(client.get(url("project-list-json")))
              ["projects"]}
    assert listed[world.public.iati_identifier] == detail


# --- Feeds -------------------------------------------------------------------------------

def test_the_feed_is_atom_newest_update_first(client, world, settings):
    world.planned.summary_sv = "Ändrad."
    world.planned.save()
    response = client.get(url("project-feed"))
    assert response["Content-Type"].startswith("application/atom+xml")
    root = parse_xml(response)
    assert root.tag == f"{ATOM}feed"
    for required in ("id", "title", "updated", "author"):
        assert root.find(f"{ATOM}{required}") is not None, required
    entries = list(root.iter(f"{ATOM}entry"))
    assert entries[0].findtext(f"{ATOM}title") == "Planerat projekt"
    assert entries[0].findtext(f"{ATOM}summary") == "Ändrad."
    updated = [e.findtext(f"{ATOM}updated") for e in entries]
    assert updated == sorted(updated, reverse=True)
    for entry in entries:
        assert entry.findtext(f"{ATOM}id")
        assert entry.find(f"{ATOM}link").get("href").startswith(
            f"{settings.SITE_URL}/projekt/")


@pytest.mark.parametrize("feed", ["project-feed", "region-feed"])
def test_the_feeds_links_are_on_site_url_whatever_host_the_request_names(
        client, world, settings, feed):
    # Whoever sends the request chooses its Host header (a proxy that passes it on, a
    # wrong DNS name that ALLOWED_HOSTS lets through): feed readers that cache the feed
    # must be sent to the portal, not to that host.
    settings.SITE_URL = "https://palmecentret.example"
    settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, "host-header.example"]
    address = url(feed, slug="asien") if feed == "region-feed" else url(feed)
    response = client.get(f"{address}?theme=unga", HTTP_HOST="host-header.example")
    assert response.status_code == 200
    assert "host-header.example" not in response.content.decode()
    root = parse_xml(response)
    links = [link.get("href") for link in root.iter(f"{ATOM}link")]
    ids = [element.text for element in root.iter(f"{ATOM}id")]
    assert links and ids
    assert all(address.startswith("https://palmecentret.example/") for address in links + ids)
    assert root.find(f"{ATOM}link[@rel='self']").get("href") == (
        f"https://palmecentret.example{address}" + ("?theme=unga" if feed == "project-feed"
                                                    else ""))


def test_the_feed_is_limited(client, world, monkeypatch):
    from projects.feeds import ProjectFeed

    monkeypatch.setattr(ProjectFeed, "limit", 2)
    assert len(feed_entries(client.get(url("project-feed")))) == 2


def test_an_unknown_region_has_no_feed(client, world):
    assert client.get(url("region-feed", slug="finns-inte")).status_code == 404


def test_the_english_feed_speaks_english(client, world, settings):
    with translation.override("en"):
        feed = url("project-feed")
    root = parse_xml(client.get(feed))
    assert root.findtext("atom:title", namespaces=ATOM_NS) == "Olof Palme International Center: projects"
    titles = [e.findtext(f"{ATOM}title") for e in root.iter(f"{ATOM}entry")]
    assert "Young people in three countries" in titles
    assert all(e.find(f"{ATOM}link").get("href").startswith(
        f"{settings.SITE_URL}/en/projects/")
               for e in root.iter(f"{ATOM}entry"))


# --- The open-data page ------------------------------------------------------------------

@pytest.mark.parametrize("language", ["sv", "en"])
def test_the_open_data_page_explains_and_links_everything(client, world, language):
    with translation.override(language):
        page = url("open-data")
        links = ["/iati/activities.xml", url("project-list-csv"), url("project-list-json"),
                 url("project-feed"), url("region-feed", slug="asien"), url("project-list")]
    response = client.get(page)
    assert response.status_code == 200
    html = response.content.decode()
    for link in links:
        assert f"{link}\"" in html, link
    assert "https://creativecommons.org/licenses/by/4.0/" in html
    assert ORGANISATION in html
    assert 'aria-current="page"' in html  # its breadcrumb


def test_the_open_data_page_is_in_the_footer_and_the_sitemap(client, world, settings):
    html = client.get("/").content.decode()
    assert f'href="{url("open-data")}"' in html
    xml = sitemap_xml(client)
    assert f"<loc>{settings.SITE_URL}{url('open-data')}</loc>" in xml
    with translation.override("en"):
        assert f"<loc>{settings.SITE_URL}{url('open-data')}</loc>" in xml


def test_the_open_data_page_marks_a_placeholder_identifier(client, settings):
    settings.IATI_ORGANISATION_IDENTIFIER = settings.DEMO_IATI_ORGANISATION_IDENTIFIER
    with translation.override("en"):
        html = client.get(url("open-data")).content.decode()
    assert "Demo site: a placeholder, not a real identifier." in html


def test_the_addresses_the_design_fixes():
    with translation.override("sv"):
        assert url("open-data") == "/oppna-data/"
        assert url("project-list-csv") == "/projekt.csv"
        assert url("project-feed") == "/projekt/flode.atom"
        assert url("region-feed", slug="asien") == "/regioner/asien/flode.atom"
    with translation.override("en"):
        assert url("open-data") == "/en/open-data/"
        assert url("project-list-json") == "/en/projects.json"
        assert url("project-list-csv") == "/en/projects.csv"
    assert reverse("iati-activities") == "/iati/activities.xml"


# --- Settings ----------------------------------------------------------------------------

def test_production_warns_about_the_placeholder_iati_identifier(settings):
    settings.DEBUG = False
    settings.IATI_ORGANISATION_IDENTIFIER = settings.DEMO_IATI_ORGANISATION_IDENTIFIER
    ids = {message.id for message in run_checks(include_deployment_checks=True)}
    assert "palmecentret.W004" in ids
    settings.IATI_ORGANISATION_IDENTIFIER = "SE-ON-1234567890"
    ids = {message.id for message in run_checks(include_deployment_checks=True)}
    assert "palmecentret.W004" not in ids


@pytest.mark.parametrize(("value", "accepted"), [
    ("SE-ON-1234567890", True),
    ("XM-DAC-41302", True),
    ("SE ON 123", False),
    ("palmecentret", False),
])
def test_a_malformed_iati_identifier_stops_the_start(value, accepted):
    root = Path(__file__).resolve().parents[2]
    env = {k: v for k, v in os.environ.items() if k not in ("DEBUG", "DATABASE_URL")}
    env.update(IATI_ORGANISATION_IDENTIFIER=value, DJANGO_SETTINGS_MODULE="palmecentret.settings")
    result = subprocess.run(
        [sys.executable, "-c", "from django.conf import settings as s; "
                               "print(s.IATI_ORGANISATION_IDENTIFIER)"],
        cwd=root, env=env, capture_output=True, text=True, timeout=60)
    if accepted:
        assert result.returncode == 0, result.stderr
        assert result.stdout.strip() == value
    else:
        assert result.returncode != 0
        assert "IATI_ORGANISATION_IDENTIFIER" in result.stderr


# --- Queries -----------------------------------------------------------------------------

def count_queries(client, urls):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    counts = {}
    for name, address in urls.items():
        with CaptureQueriesContext(connection) as queries:
            response = client.get(address)
            body(response)
        assert response.status_code == 200, name
        counts[name] = len(queries)
    return counts


def test_pages_feeds_and_small_exports_run_the_same_queries_at_any_size(client, world):
    from tests.factories import PartnerFactory, ProjectFactory

    urls = {"page": url("open-data"), "feed": url("project-feed"),
            "filtered feed": f"{url('project-feed')}?region=asien&theme=unga",
            "region feed": url("region-feed", slug="asien"),
            "detail": url("project-detail-json", slug=world.public.slug),
            "csv": url("project-list-csv"), "json": url("project-list-json"),
            "list": url("project-list")}

    def add(count):
        for _ in range(count):
            project = ProjectFactory(
                countries=[world.philippines, world.burma], themes=[world.youth],
                partners=[PartnerFactory(country=world.burma)],
                member_organisations=[world.abf], programme=world.programme)
            project.transactions.create(transaction_type="1", date=datetime.date(2020, 1, 1),
                                        value=5, provider=world.sida)
            indicator = project.results.create(title_sv="R").indicators.create(title_sv="I")
            indicator.periods.create(period_start=datetime.date(2020, 1, 1),
                                     period_end=datetime.date(2020, 12, 31), target=1)
            project.policy_markers.create(code="1", significance="1")

    add(5)
    small = count_queries(client, urls)
    add(60)  # still one chunk for the exports; the feeds stop at their limit anyway
    assert count_queries(client, urls) == small
    assert max(small.values()) <= 25, small


# --- The same numbers in every language --------------------------------------------------

def test_percentages_split_the_same_way_in_swedish_and_english(client, world):
    # Alphabetically the first country is Elfenbenskusten in Swedish but Germany in
    # English: the extra hundredth goes by code instead, so both files agree.
    from tests.factories import CountryFactory, ProjectFactory

    countries = [CountryFactory(slug=slug, iso_code=code, name_sv=sv, name_en=en,
                                region=world.balkans)
                 for slug, code, sv, en in [("tyskland", "DE", "Tyskland", "Germany"),
                                            ("grekland", "GR", "Grekland", "Greece"),
                                            ("elfenbenskusten", "CI", "Elfenbenskusten",
                                             "Ivory Coast")]]
    project = ProjectFactory(slug="tre-lander", countries=countries, themes=[world.youth])
    shares = {}
    for language in ("sv", "en"):
        with translation.override(language):
            rows = {row["iati_identifier"]: row
                    for row in csv_rows(client.get(url("project-list-csv")))}
            records = {record["iati_identifier"]: record
                       for record in json_list(client.get(url("project-list-json")))["projects"]}
        row = rows[project.iati_identifier]
        shares[language, "csv"] = list(zip(row["recipient_countries"].split("; "),
                                           row["recipient_country_percentages"].split("; ")))
        shares[language, "json"] = [(c["code"], c["percentage"])
                                    for c in records[project.iati_identifier]
                                    ["recipient_countries"]]
    expected = [("CI", "33.34"), ("DE", "33.33"), ("GR", "33.33")]
    assert shares == {key: expected for key in shares}


# --- Money, classifications and results in CSV and JSON ----------------------------------

def test_csv_carries_money_totals_classifications_markers_and_results(client, world):
    rows = {row["iati_identifier"]: row for row in csv_rows(client.get(url("project-list-csv")))}
    public, relief, planned = (rows[p.iati_identifier]
                               for p in (world.public, world.relief, world.planned))
    assert (public["incoming_funds_sek"], public["disbursements_sek"],
            public["expenditure_sek"]) == ("600000.00", "250000.50", "")
    assert public["other_currency_totals"] == "EUR 1200.00 expenditure"
    assert [public[name] for name in ("aid_type", "flow_type", "finance_type",
                                      "collaboration_type", "tied_status")] == [
        "C01", "30", "110", "1", "5"]
    assert public["policy_markers"] == "11:2"
    assert relief["policy_markers"] == "1:1; 3:2"  # the programme's
    assert (public["humanitarian"], relief["humanitarian"]) == ("0", "1")
    assert (public["result_count"], relief["result_count"], planned["result_count"]) == (
        "2", "1", "0")
    assert planned["incoming_funds_sek"] == planned["other_currency_totals"] == ""


def test_json_carries_transactions_with_totals_per_currency(client, world):
    data = client.get(url("project-detail-json", slug=world.public.slug)).json()
    incoming, disbursement, expenditure = data["transactions"]
    assert incoming == {
        "type": "incoming_funds", "type_code": "1", "date": "2016-03-15",
        "value": "600000.00", "currency": "SEK", "value_date": "2016-03-15",
        "provider": {"name": {"sv": "Sida", "en": "Sida"}, "ref": "SE-0",
                     "activity_id": "SE-0-SE-6-TEST-CSO"},
        "receiver": None,
    }
    assert disbursement["receiver"] == {"name": "Synlig partner i Manila"}
    assert (expenditure["type"], expenditure["currency"]) == ("expenditure", "EUR")
    assert data["transaction_totals"] == {"incoming_funds": {"SEK": "600000.00"},
                                          "disbursement": {"SEK": "250000.50"},
                                          "expenditure": {"EUR": "1200.00"}}
    hidden = client.get(url("project-detail-json", slug=world.hidden.slug)).json()
    assert hidden["transactions"][1]["receiver"] == {"name": "a local partner"}


def test_json_carries_classifications_markers_and_results(client, world):
    data = client.get(url("project-detail-json", slug=world.public.slug)).json()
    assert data["classifications"] == {"collaboration_type": "1", "flow_type": "30",
                                       "finance_type": "110", "aid_type": "C01",
                                       "tied_status": "5"}
    assert data["policy_markers"] == [{
        "code": "11", "name": {"sv": "funktionsnedsättning", "en": "disability"},
        "significance": "2",
        "significance_name": {"sv": "huvudmål", "en": "principal objective"}}]
    assert data["humanitarian"] is False
    outcome = data["results"][0]
    assert (outcome["type"], outcome["type_name"]) == ("2", "outcome")
    assert outcome["title"]["en"] == "Young women lead union branches"
    indicator = outcome["indicators"][0]
    assert {key: indicator[key] for key in ("measure", "ascending", "baseline")} == {
        "measure": "percentage", "ascending": True,
        "baseline": {"year": 2016, "value": "12.5"}}
    assert indicator["periods"] == [
        {"start": "2016-03-01", "end": "2016-12-31", "target": "20", "actual": "18"},
        {"start": "2017-01-01", "end": "2017-12-31", "target": "30", "actual": None}]
    relief = client.get(url("project-detail-json", slug=world.relief.slug)).json()
    assert relief["humanitarian"] is True
    assert [m["code"] for m in relief["policy_markers"]] == ["1", "3"]
    assert relief["classifications"]["flow_type"] == "10"
