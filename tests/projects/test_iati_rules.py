"""The activity file passes IATI's own checks, not only the schema: the Standard Ruleset
and the codelists (tests/projects/iati_rules.py), on the demo content and on awkward data;
and the checker does catch what it is there to catch."""

import copy
import datetime
import io
from pathlib import Path

import pytest
from django.core.management import call_command
from lxml import etree

from tests.projects import iati_rules
from tests.projects.opendata_world import ORGANISATION, build_world, parse_xml

pytestmark = pytest.mark.django_db

DATA = Path(__file__).resolve().parents[1] / "data" / "iati-2.03"
URL = "/iati/activities.xml"

# Warnings IATI's rules give on purpose, with the reason (the README's open-data section
# lists them for data users). None so far.
EXPECTED_WARNINGS = set()


@pytest.fixture(scope="module")
def schema():
    return etree.XMLSchema(etree.parse(str(DATA / "iati-activities-schema.xsd")))


@pytest.fixture
def world(settings):
    settings.IATI_ORGANISATION_IDENTIFIER = ORGANISATION
    settings.SITE_URL = "https://palmecentret.example"
    return build_world()


def assert_passes(root, schema):
    assert schema.validate(root.getroottree()), "\n".join(
        str(e) for e in list(schema.error_log)[:10])
    findings = iati_rules.check(root)
    assert iati_rules.errors(findings) == []
    assert {f.rule for f in iati_rules.warnings(findings)} <= EXPECTED_WARNINGS, [
        str(f) for f in iati_rules.warnings(findings)]


def test_the_copies_are_kept_with_their_source_and_licence():
    source = (DATA / "SOURCE.md").read_text()
    assert "IATI/IATI-Rulesets" in source and "IATI/IATI-Codelists" in source
    assert "MIT" in (DATA / "rulesets" / "LICENSE").read_text()
    assert (DATA / "rulesets" / "SPEC.rst").is_file()
    for _, name in iati_rules.CODE_ATTRIBUTES:
        assert (DATA / "codelists" / f"{name}.xml").is_file(), name


def test_every_rule_type_of_the_ruleset_is_implemented():
    names = set()
    for rules in iati_rules.ruleset().values():
        for name, rule in rules.items():
            names.add(name)
            if name == "loop":
                names.update(inner for case in rule["cases"] for inner in case["do"])
    assert names - {"loop"} <= set(iati_rules.RULES)


def test_the_awkward_world_passes_schema_rules_and_codelists(client, world, schema):
    root = parse_xml(client.get(URL))
    assert len(root) == 5
    assert_passes(root, schema)


def test_the_demo_content_passes_schema_rules_and_codelists(client, settings, schema):
    settings.DEBUG = True  # load_demo takes DEBUG off for production
    call_command("load_demo", stdout=io.StringIO(), projects=40)
    settings.DEBUG = False
    assert_passes(parse_xml(client.get(URL)), schema)


# --- The checker is not a rubber stamp ---------------------------------------------------

@pytest.fixture
def public(client, world):
    root = parse_xml(client.get(URL))
    activity = next(a for a in root if a.findtext("iati-identifier") == f"{ORGANISATION}-1")
    for other in [a for a in root if a is not activity]:
        root.remove(other)
    assert iati_rules.errors(iati_rules.check(root)) == []
    return root


def broken(root, change):
    """The rule ids and codelists the checker finds after `change(activity)`."""
    root = copy.deepcopy(root)
    change(root[0])
    return {finding.rule for finding in iati_rules.errors(iati_rules.check(root))}


def test_percentages_that_do_not_add_up_are_found(public):
    def uneven(activity):
        activity.find("recipient-country").set("percentage", "40")
        activity.find("sector").set("percentage", "49.99")
    assert {"3.1.2", "2.1.2"} <= broken(public, uneven)


def test_a_withdrawn_or_unknown_code_is_found(public):
    def withdrawn(activity):
        activity.find("sector").set("code", "11321")  # withdrawn at the end of 2019
        activity.find("default-aid-type").set("code", "Z99")
        activity.find("recipient-country").set("code", "XX")
    assert {"codelist Sector", "codelist AidType", "codelist Country"} <= broken(public,
                                                                                withdrawn)


def test_dates_in_the_wrong_order_or_in_the_future_are_found(public):
    future = (datetime.date.today() + datetime.timedelta(days=30)).isoformat()

    def misdated(activity):
        activity.find("activity-date[@type='3']").set("iso-date", "2015-01-01")
        activity.find("transaction/transaction-date").set("iso-date", future)
        activity.find("result/indicator/period/period-end").set("iso-date", "2015-01-01")
        activity.find("budget/period-end").set("iso-date", "2030-12-31")
    assert {"11.1.2", "11.2.1", "8.6.1", "7.5.3"} <= broken(public, misdated)


def test_an_identifier_without_the_organisations_prefix_is_found(public):
    def foreign(activity):
        activity.find("iati-identifier").text = "XM-DAC-1-PROJECT"
    root = copy.deepcopy(public)
    foreign(root[0])
    assert "1.1.21" in {f.rule for f in iati_rules.check(root)}


def test_missing_essentials_are_found(public):
    def bare(activity):
        for tag in ("sector", "activity-date", "transaction/receiver-org/narrative"):
            for element in activity.findall(tag):
                element.getparent().remove(element)
        for element in activity.iterfind("result/indicator/period/actual"):
            element.set("value", "many")
    assert {"6.2.2", "6.11.1", "6.9.2"} <= broken(public, bare)
    root = copy.deepcopy(public)
    bare(root[0])
    assert "8.10.2" in {f.rule for f in iati_rules.warnings(iati_rules.check(root))}


def test_the_checker_reads_an_organisation_file_too():
    root = etree.fromstring(
        b'<iati-organisations version="2.03"><iati-organisation xml:lang="sv" '
        b'default-currency="SEK" last-updated-datetime="2020-01-01T00:00:00+00:00">'
        b'<organisation-identifier>SE-ON-1</organisation-identifier>'
        b'<reporting-org ref="SE-ON-1" type="22"><narrative>P</narrative></reporting-org>'
        b'<total-budget status="2"><period-start iso-date="2020-01-01"/>'
        b'<period-end iso-date="2021-06-30"/><value value-date="2020-01-01">1</value>'
        b'</total-budget></iati-organisation></iati-organisations>')
    findings = iati_rules.check(root)
    assert {f.rule for f in iati_rules.errors(findings)} == {"7.5.3"}
    assert findings[0].where.startswith("SE-ON-1 /iati-organisations/iati-organisation")
