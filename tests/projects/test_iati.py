"""The IATI activity file: valid against the official 2.03 schema, with the content rules
Sida's reporting needs, streamed with flat memory, and written to disk by a command."""

import datetime
import gc
import io
import tracemalloc
from decimal import Decimal
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from lxml import etree

from projects import codelists, opendata
from projects.models import Project, Theme
from tests.projects.opendata_world import (
    CONTRIBUTION,
    ORGANISATION,
    XML_LANG,
    body,
    build_world,
    parse_xml,
)

pytestmark = pytest.mark.django_db

SCHEMA_DIR = Path(__file__).resolve().parents[1] / "data" / "iati-2.03"
URL = "/iati/activities.xml"


@pytest.fixture(scope="module")
def schema():
    return etree.XMLSchema(etree.parse(str(SCHEMA_DIR / "iati-activities-schema.xsd")))


@pytest.fixture
def world(iati_settings):
    return build_world()


def assert_valid(schema, document):
    if not schema.validate(document):
        errors = "\n".join(str(e) for e in list(schema.error_log)[:10])
        pytest.fail(f"not valid IATI 2.03:\n{errors}")


def activities(root):
    return {a.findtext("iati-identifier"): a for a in root.iter("iati-activity")}


def narratives(element):
    """{language: text} of an element's narratives; no xml:lang means the activity's."""
    return {n.get(XML_LANG, "sv"): n.text for n in element.findall("narrative")}


def load_demo(settings, **options):
    settings.DEBUG = True  # load_demo takes DEBUG off for production
    call_command("load_demo", stdout=io.StringIO(), **options)
    settings.DEBUG = False


# --- The schema --------------------------------------------------------------------------

def test_the_schema_files_are_kept_with_their_source_and_licence():
    source = (SCHEMA_DIR / "SOURCE.md").read_text()
    assert "IATI/IATI-Schemas" in source and "Licence" in source
    for name in ("iati-activities-schema.xsd", "iati-common.xsd", "xml.xsd"):
        assert (SCHEMA_DIR / name).is_file()


def test_the_demo_content_validates(client, settings, schema):
    load_demo(settings)
    root = parse_xml(client.get(URL))
    assert_valid(schema, root.getroottree())
    assert root.get("version") == "2.03"
    assert len(activities(root)) == Project.objects.public().count() > 5


def test_demo_projects_say_so_in_their_descriptions(client, settings):
    # Pages show a badge; the file opens the description with the sentence instead.
    load_demo(settings, projects=5)
    for element in activities(parse_xml(client.get(URL))).values():
        texts = narratives(element.find("description"))
        assert texts["sv"].startswith("Exempelprojekt (demoinnehåll).\n\n")
        assert texts["en"].startswith("Example project (demo content).\n\n")


def test_a_thousand_generated_projects_validate(client, settings, schema):
    load_demo(settings, projects=1000)
    response = client.get(URL)
    assert response.streaming
    root = parse_xml(response)
    assert_valid(schema, root.getroottree())
    # About 85 % of generated projects are published and not internal.
    assert len(activities(root)) == Project.objects.public().count() > 800


def test_the_test_world_validates_despite_control_characters(client, world, schema):
    root = parse_xml(client.get(URL))
    assert_valid(schema, root.getroottree())
    title = activities(root)[world.hostile.iati_identifier].find("title")
    assert narratives(title)["sv"] == '=HYPERLINK("http://evil.example","Klicka")'


# --- Content -----------------------------------------------------------------------------

@pytest.fixture
def public(client, world):
    return activities(parse_xml(client.get(URL)))[world.public.iati_identifier]


def test_identifier_reporting_organisation_and_last_update(public, world):
    world.public.refresh_from_db()
    assert public.findtext("iati-identifier") == f"{ORGANISATION}-1"
    reporting = public.find("reporting-org")
    assert reporting.get("ref") == ORGANISATION
    assert reporting.get("type") == "22"
    assert narratives(reporting) == {"sv": "Olof Palmes Internationella Center",
                                     "en": "Olof Palme International Center"}
    assert public.get("default-currency") == "SEK"
    assert public.get(XML_LANG) == "sv"
    updated = datetime.datetime.fromisoformat(public.get("last-updated-datetime"))
    assert updated == world.public.updated.replace(microsecond=0)


def test_title_and_description_in_swedish_and_english(public):
    assert narratives(public.find("title")) == {"sv": "Unga i tre länder på Västbanken",
                                                "en": "Young people in three countries"}
    description = public.find("description")
    assert description.get("type") == "1"
    assert narratives(description) == {"sv": "Unga lär sig om sina rättigheter.\n\nMer text.",
                                       "en": "Young people learn."}


def test_no_english_narrative_where_there_is_no_english_text(client, world):
    planned = activities(parse_xml(client.get(URL)))[world.planned.iati_identifier]
    assert narratives(planned.find("title")) == {"sv": "Planerat projekt"}


def test_participating_organisations_and_their_roles(public):
    orgs = [(o.get("role"), o.get("ref"), o.get("type"), narratives(o).get("sv"),
             o.get("activity-id")) for o in public.findall("participating-org")]
    assert orgs == [
        ("1", "SE-0", None, "Sida", CONTRIBUTION),
        ("3", ORGANISATION, "22", "Olof Palmes Internationella Center", None),
        ("4", ORGANISATION, "22", "Olof Palmes Internationella Center", None),
        ("4", None, None, "Arbetarnas bildningsförbund", None),
        ("4", None, None, "Synlig partner i Manila", None),
    ]


def test_countries_share_exactly_one_hundred_percent(public):
    countries = public.findall("recipient-country")
    assert [c.get("code") for c in countries] == ["MM", "PH", "RS"]
    assert [c.get("percentage") for c in countries] == ["33.34", "33.33", "33.33"]
    assert sum(Decimal(c.get("percentage")) for c in countries) == 100
    assert public.find("activity-scope").get("code") == "3"


def test_a_single_country_has_one_hundred_percent_and_national_scope(client, world):
    hostile = activities(parse_xml(client.get(URL)))[world.hostile.iati_identifier]
    assert [(c.get("code"), c.get("percentage"))
            for c in hostile.findall("recipient-country")] == [("PH", "100")]
    assert hostile.find("activity-scope").get("code") == "4"


def test_sectors_are_dac_five_digit_codes_once_each_summing_to_one_hundred(public):
    sectors = public.findall("sector")
    assert [(s.get("vocabulary"), s.get("code"), s.get("percentage")) for s in sectors] == [
        ("1", "15150", "50"), ("1", "15170", "50")]
    assert narratives(sectors[0])["en"] == "Democratic participation and civil society"


def test_the_partners_place_is_a_location_in_its_country(public):
    location = public.find("location")
    assert narratives(location.find("name")) == {"sv": "Manila"}
    administrative = location.find("administrative")
    assert (administrative.get("vocabulary"), administrative.get("code")) == ("A4", "PH")


def test_budgets_per_calendar_year_in_sek_adding_up_to_the_project_budget(public):
    budgets = public.findall("budget")
    periods = [(b.find("period-start").get("iso-date"), b.find("period-end").get("iso-date"))
               for b in budgets]
    assert periods == [("2016-03-01", "2016-12-31"), ("2017-01-01", "2017-12-31"),
                       ("2018-01-01", "2018-06-30")]
    values = [b.find("value") for b in budgets]
    assert sum(int(v.text) for v in values) == 1_000_001
    assert {v.get("currency") for v in values} == {"SEK"}
    assert [v.get("value-date") for v in values] == [start for start, _ in periods]
    assert {(b.get("type"), b.get("status")) for b in budgets} == {("1", "2")}


def test_no_budget_without_an_amount_or_an_end(client, world):
    planned = activities(parse_xml(client.get(URL)))[world.planned.iati_identifier]
    assert planned.findall("budget") == []


def test_related_activity_is_the_programmes_contribution_as_parent(public, client, world):
    related = public.findall("related-activity")
    assert [(r.get("type"), r.get("ref")) for r in related] == [("1", CONTRIBUTION)]
    hidden = activities(parse_xml(client.get(URL)))[world.hidden.iati_identifier]
    assert hidden.findall("related-activity") == []


def test_links_to_the_project_page_in_both_languages(public):
    links = public.findall("document-link")
    assert [link.get("url") for link in links] == [
        "https://palmecentret.example/projekt/unga-i-tre-lander/",
        "https://palmecentret.example/en/projects/unga-i-tre-lander/",
    ]
    assert {link.find("category").get("code") for link in links} == {"A12"}


@pytest.mark.parametrize(("status", "start", "end", "code", "date_types"), [
    # Planned: only planned dates.
    ("planned", datetime.date(2098, 1, 1), datetime.date(2099, 1, 1), "1", ["1", "3"]),
    # Ongoing: it has started, it has not ended.
    ("ongoing", datetime.date(2020, 1, 1), datetime.date(2099, 1, 1), "2", ["1", "2", "3"]),
    # Completed and over: every date.
    ("completed", datetime.date(2016, 1, 1), datetime.date(2018, 1, 1), "4",
     ["1", "2", "3", "4"]),
    # Marked completed but the end is still ahead: an actual date is never in the future.
    ("completed", datetime.date(2016, 1, 1), datetime.date(2099, 1, 1), "4", ["1", "2", "3"]),
    # No end date: no end at all.
    ("ongoing", datetime.date(2020, 1, 1), None, "2", ["1", "2"]),
])
def test_activity_status_and_dates(client, iati_settings, status, start, end, code,
                                   date_types):
    from tests.factories import ProjectFactory

    project = ProjectFactory(status=status, start_date=start, end_date=end)
    activity = activities(parse_xml(client.get(URL)))[project.iati_identifier]
    assert activity.find("activity-status").get("code") == code
    dates = activity.findall("activity-date")
    assert [d.get("type") for d in dates] == date_types
    assert dates[0].get("iso-date") == start.isoformat()


def test_hidden_partners_have_no_name_and_no_place(client, world):
    hidden = activities(parse_xml(client.get(URL)))[world.hidden.iati_identifier]
    text = etree.tostring(hidden, encoding="unicode")
    assert "Hemlig" not in text
    assert hidden.findall("location") == []
    assert [o.get("role") for o in hidden.findall("participating-org")] == ["1", "3", "4"]


# --- The rules behind the numbers --------------------------------------------------------

@pytest.mark.parametrize("count", range(1, 13))
def test_percentages_always_add_up_to_exactly_one_hundred(count):
    shares = opendata.split_percentages(count)
    assert len(shares) == count
    assert sum(shares) == 100
    assert max(shares) - min(shares) <= Decimal("0.01")


@pytest.mark.parametrize(("start", "end", "total"), [
    (datetime.date(2016, 3, 1), datetime.date(2018, 6, 30), 1_000_001),
    (datetime.date(2024, 1, 1), datetime.date(2024, 1, 1), 7),
    (datetime.date(2023, 12, 31), datetime.date(2030, 1, 1), 0),
    (datetime.date(2020, 2, 1), datetime.date(2021, 1, 31), 99_999),
])
def test_budget_periods_cover_the_project_a_year_at_most_each(start, end, total):
    periods = opendata.budget_periods(start, end, total)
    assert periods[0][0] == start and periods[-1][1] == end
    assert sum(value for _, _, value in periods) == total
    for (first, last, _), following in zip(periods, periods[1:] + [None]):
        assert first.year == last.year and first <= last
        if following:
            assert following[0] == last + datetime.timedelta(days=1)


def test_every_demo_theme_code_is_an_active_dac_sector(settings):
    load_demo(settings)
    codes = codelists.active_codes("Sector")
    assert all(len(code) == 5 and code.isdigit() and name for code, name in codes.items())
    used = set(Theme.objects.exclude(dac_purpose_code="").values_list("dac_purpose_code",
                                                                        flat=True))
    assert used and used <= set(codes)


# --- Streaming ---------------------------------------------------------------------------

def iati_queries(client):
    with CaptureQueriesContext(connection) as queries:
        body(client.get(URL))
    return len(queries)


def test_queries_are_per_chunk_not_per_project(client, iati_settings):
    from tests.factories import PartnerFactory, ProjectFactory, ThemeFactory

    theme = ThemeFactory()

    def add(count):
        # Each with money, a result measured over a period and a policy marker.
        for _ in range(count):
            project = ProjectFactory(themes=[theme], partners=[PartnerFactory()])
            project.transactions.create(transaction_type="4", date=datetime.date(2020, 1, 1),
                                        value=5)
            indicator = project.results.create(title_sv="R").indicators.create(title_sv="I")
            indicator.periods.create(period_start=datetime.date(2020, 1, 1),
                                     period_end=datetime.date(2020, 12, 31), target=1)
            project.policy_markers.create(code="1", significance="1")

    add(5)
    few = iati_queries(client)
    add(40)
    # Once: countries, themes, member organisations. Per chunk of projects: the projects,
    # then the links to countries, themes, member organisations and partners, the
    # transactions, results, indicators, periods and policy markers.
    assert iati_queries(client) == few <= 13


def peak_memory(client):
    """Peak Python memory while streaming the whole file (each piece dropped at once)."""
    gc.collect()
    tracemalloc.start()
    try:
        size = sum(len(piece) for piece in client.get(URL).streaming_content)
        return tracemalloc.get_traced_memory()[1], size
    finally:
        tracemalloc.stop()


def test_memory_stays_flat_as_the_number_of_projects_grows(client, settings, monkeypatch):
    # Chunks of 100, so that both sizes below stream several full chunks.
    monkeypatch.setattr(opendata, "CHUNK_SIZE", 100)
    load_demo(settings, projects=200)
    peak_memory(client)  # warm-up: caches, translations, URL resolver
    small_peak, small_size = peak_memory(client)
    load_demo(settings, projects=1000)
    large_peak, large_size = peak_memory(client)
    assert large_size > 4 * small_size
    # Five times the file, not five times the memory; and less than the file itself,
    # which a document built in memory would need at the very least.
    assert large_peak < small_peak * 1.5, (small_peak, large_peak)
    assert large_peak < large_size, (large_peak, large_size)


# --- The command -------------------------------------------------------------------------

def test_write_iati_writes_the_same_valid_file(client, world, schema, tmp_path):
    target = tmp_path / "activities.xml"
    out = io.StringIO()
    call_command("write_iati", str(target), stdout=out)
    written = etree.parse(str(target))
    assert_valid(schema, written)
    served = parse_xml(client.get(URL))
    assert set(activities(written.getroot())) == set(activities(served))
    assert f"Wrote 5 activities ({target.stat().st_size:,} bytes)" in out.getvalue()
    # No temporary file left behind; the organisation file beside it (test_iati_organisation).
    assert sorted(tmp_path.iterdir()) == [target, tmp_path / "organisation.xml"]
    assert target.stat().st_mode & 0o044  # readable by the web server


def test_write_iati_replaces_an_old_file(world, tmp_path):
    target = tmp_path / "activities.xml"
    target.write_text("old")
    call_command("write_iati", str(target), stdout=io.StringIO())
    assert target.read_bytes().startswith(b"<?xml")


@pytest.mark.parametrize("where", ["missing-directory/activities.xml", "."])
def test_write_iati_refuses_a_path_it_cannot_write(world, tmp_path, where):
    with pytest.raises(CommandError):
        call_command("write_iati", str(tmp_path / where), stdout=io.StringIO())
    assert list(tmp_path.iterdir()) == []


def test_staff_text_cannot_break_the_xml():
    # Quotes, ampersands, angle brackets and line breaks in attributes (identifiers are
    # typed by staff) and in text, and characters XML cannot carry at all.
    node = ("participating-org", {"ref": 'SE-0 "x" & <y>\nz', "role": "1"},
            [("narrative", {}, "A & B <script>\x00\x1f\ud800 Västbanken")])
    out = []
    opendata.write_element(out, node, 0)
    parsed = etree.fromstring("".join(out))
    assert parsed.get("ref") == 'SE-0 "x" & <y>\nz'
    assert parsed.findtext("narrative") == "A & B <script> Västbanken"


# --- Money, classifications, results (issue 28) ------------------------------------------

@pytest.fixture
def file(client, world):
    return activities(parse_xml(client.get(URL)))


def test_transactions_show_money_coming_in_and_going_out(file, world):
    rows = [(t.find("transaction-type").get("code"),
             t.find("transaction-date").get("iso-date"),
             t.find("value").text, t.find("value").get("currency"),
             t.find("value").get("value-date"))
            for t in file[world.public.iati_identifier].findall("transaction")]
    assert rows == [
        ("1", "2016-03-15", "600000.00", "SEK", "2016-03-15"),
        ("3", "2016-04-01", "250000.50", "SEK", "2016-03-31"),
        ("4", "2017-05-02", "1200.00", "EUR", "2017-05-02"),
    ]


def test_incoming_funds_name_the_funder_and_its_contribution(file, world):
    incoming, disbursement, expenditure = file[world.public.iati_identifier].findall(
        "transaction")
    provider = incoming.find("provider-org")
    assert (provider.get("ref"), provider.get("provider-activity-id")) == ("SE-0",
                                                                           CONTRIBUTION)
    assert narratives(provider)["sv"] == "Sida"
    assert narratives(disbursement.find("receiver-org")) == {"sv": "Synlig partner i Manila"}
    assert expenditure.find("provider-org") is None is expenditure.find("receiver-org")


def test_a_transactions_own_funder_activity_wins_over_the_programmes(client, world):
    world.incoming.provider_activity_id = "SE-0-SE-6-OTHER"
    world.incoming.save()
    public = activities(parse_xml(client.get(URL)))[world.public.iati_identifier]
    assert public.find("transaction/provider-org").get("provider-activity-id") == (
        "SE-0-SE-6-OTHER")


def test_a_transaction_dated_in_the_future_stays_out_of_the_file(client, world):
    # The admin refuses it; a spreadsheet or the shell might not.
    tomorrow = datetime.date.today() + datetime.timedelta(days=2)
    world.public.transactions.create(transaction_type="4", date=tomorrow, value=1)
    world.public.transactions.create(transaction_type="4", date=datetime.date(2020, 1, 1),
                                     value_date=tomorrow, value=1)
    public = activities(parse_xml(client.get(URL)))[world.public.iati_identifier]
    assert len(public.findall("transaction")) == 3


def test_a_disbursement_to_a_hidden_partner_names_no_one(file, world):
    hidden = file[world.hidden.iati_identifier]
    incoming, disbursement = hidden.findall("transaction")
    receiver = disbursement.find("receiver-org")
    assert receiver.get("ref") is None
    assert narratives(receiver) == {"sv": "en lokal partner", "en": "a local partner"}
    # A funder without an IATI identifier, outside any programme: a name only.
    provider = incoming.find("provider-org")
    assert provider.attrib == {} and narratives(provider) == {"sv": "Solidaritetsfonden"}


def test_classifications_are_the_projects_own_else_the_programmes(file, world):
    def classifications(activity):
        return [(e.tag, e.get("code"), e.get("vocabulary")) for e in activity
                if e.tag in ("collaboration-type", "default-flow-type",
                             "default-finance-type", "default-aid-type",
                             "default-tied-status")]
    programme = [("collaboration-type", "1", None), ("default-flow-type", "10", None),
                 ("default-finance-type", "110", None), ("default-aid-type", "C01", "1"),
                 ("default-tied-status", "5", None)]
    assert classifications(file[world.relief.iati_identifier]) == programme
    own = [("default-flow-type", "30", None) if tag == "default-flow-type" else
           (tag, code, vocabulary) for tag, code, vocabulary in programme]
    assert classifications(file[world.public.iati_identifier]) == own
    # Outside a programme and without values of its own: no element at all.
    assert classifications(file[world.hidden.iati_identifier]) == []


def test_policy_markers_are_the_projects_own_else_the_programmes(file, world):
    def markers(activity):
        return [(m.get("vocabulary"), m.get("code"), m.get("significance"))
                for m in activity.findall("policy-marker")]
    assert markers(file[world.public.iati_identifier]) == [("1", "11", "2")]
    assert markers(file[world.relief.iati_identifier]) == [("1", "1", "1"), ("1", "3", "2")]
    assert markers(file[world.hidden.iati_identifier]) == []


def test_results_with_indicators_baselines_targets_and_what_was_achieved(file, world):
    outcome, output = file[world.public.iati_identifier].findall("result")
    assert (outcome.get("type"), output.get("type")) == ("2", "1")
    assert narratives(outcome.find("title")) == {"sv": "Unga kvinnor leder fackklubbar",
                                                 "en": "Young women lead union branches"}
    assert narratives(outcome.find("description")) == {"sv": "Andelen kvinnliga ordförande."}
    indicator = outcome.find("indicator")
    assert (indicator.get("measure"), indicator.get("ascending")) == ("2", "1")
    assert indicator.find("baseline").attrib == {"year": "2016", "value": "12.5"}
    periods = [(p.find("period-start").get("iso-date"), p.find("period-end").get("iso-date"),
                p.find("target").get("value"),
                None if p.find("actual") is None else p.find("actual").get("value"))
               for p in indicator.findall("period")]
    # The second period is not measured yet: a target, no actual.
    assert periods == [("2016-03-01", "2016-12-31", "20", "18"),
                       ("2017-01-01", "2017-12-31", "30", None)]
    # No description, no baseline, no periods: nothing empty is written.
    assert output.find("description") is None
    assert output.find("indicator").get("ascending") == "0"
    assert output.find("indicator/baseline") is None


def test_every_activity_has_contact_info_and_the_reporting_organisations_type(file):
    for activity in file.values():
        assert activity.find("reporting-org").get("type") == "22"
        contact = activity.find("contact-info")
        assert contact.get("type") == "1"
        assert narratives(contact.find("organisation"))["en"] == (
            "Olof Palme International Center")
        assert contact.findtext("email") and contact.findtext("website")
        assert narratives(contact.find("mailing-address"))["sv"]


def test_humanitarian_and_why_no_budget_are_stated_where_they_apply(file, world):
    relief = file[world.relief.iati_identifier]
    assert relief.get("humanitarian") == "1"
    assert relief.get("budget-not-provided") == "3"
    assert relief.findall("budget") == []
    for project in (world.public, world.planned):  # the planned one has no reason given
        assert file[project.iati_identifier].get("humanitarian") is None
        assert file[project.iati_identifier].get("budget-not-provided") is None


def test_a_reason_for_no_budget_is_not_stated_beside_a_budget(client, world):
    world.public.budget_not_provided = "1"
    world.public.save()
    public = activities(parse_xml(client.get(URL)))[world.public.iati_identifier]
    assert public.findall("budget") and public.get("budget-not-provided") is None


# --- last-updated-datetime follows what the activity reports ------------------------------

LONG_AGO = datetime.datetime(2020, 1, 1, tzinfo=datetime.timezone.utc)


def age_everything():
    from members.models import MemberOrganisation
    from projects import models

    for model in (models.Project, models.Programme, models.Country, models.Theme,
                  models.Funder, models.Partner, MemberOrganisation, models.Transaction, models.Result,
                  models.Indicator, models.IndicatorPeriod):
        model.objects.update(updated=LONG_AGO)


def last_updated(client, project):
    """The activity's stamp in the file and in the project's JSON (which read their
    relations in different ways)."""
    in_file = activities(parse_xml(client.get(URL)))[project.iati_identifier].get(
        "last-updated-datetime")
    in_json = client.get(f"/projekt/{project.slug}.json").json()["last_updated"]
    assert in_file == in_json
    return datetime.datetime.fromisoformat(in_file)


def _save(obj, **values):
    for name, value in values.items():
        setattr(obj, name, value)
    obj.save()


CHANGES = {
    "programme's contribution": lambda w: _save(w.programme,
                                                funder_contribution_identifier="SE-0-NEW"),
    "a theme's code": lambda w: _save(w.women, dac_purpose_code="15160"),
    "a country's code": lambda w: _save(w.burma, iso_code="MN"),
    "the funder": lambda w: _save(w.sida, name_en="Swedish Sida"),
    "a partner": lambda w: _save(w.public.partners.get(), place="Cebu"),
    "a member organisation": lambda w: _save(w.abf, name_en="ABF"),
    "a new transaction": lambda w: w.public.transactions.create(
        transaction_type="4", date=datetime.date(2018, 1, 5), value=10),
    "a changed transaction": lambda w: _save(w.incoming, value=1),
    "a deleted transaction": lambda w: w.incoming.delete(),
    "a result": lambda w: _save(w.result, title_en="Changed"),
    "a deleted result": lambda w: w.result.delete(),
    "an indicator": lambda w: _save(w.indicator, ascending=False),
    "a deleted indicator": lambda w: w.indicator.delete(),
    "a period": lambda w: _save(w.period, actual=19),
    "a deleted period": lambda w: w.period.delete(),
    "a new policy marker": lambda w: w.public.policy_markers.create(code="2",
                                                                    significance="1"),
    "a deleted policy marker": lambda w: w.public.policy_markers.get().delete(),
    "a country removed": lambda w: w.public.countries.remove(w.serbia),
    "a theme removed from the theme's side": lambda w: w.women.projects.remove(w.public),
    "partners cleared": lambda w: w.public.partners.clear(),
}


@pytest.mark.parametrize("change", CHANGES)
def test_last_updated_moves_when_anything_the_activity_reports_changes(client, world, change):
    age_everything()
    assert last_updated(client, world.public) == LONG_AGO
    CHANGES[change](world)
    assert last_updated(client, world.public) > LONG_AGO


def test_a_programmes_policy_marker_moves_its_projects_last_update(client, world):
    age_everything()
    marker = world.programme.policy_markers.get(code="1")
    marker.significance = "2"
    marker.save()
    assert last_updated(client, world.relief) > LONG_AGO
    age_everything()
    marker.delete()
    assert last_updated(client, world.relief) > LONG_AGO
