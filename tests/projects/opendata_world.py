"""A small world of projects for the open-data tests: one of each kind that the files
must treat differently (public, hidden partners, draft, internal, a hostile title), with
the money, results and classifications IATI data users read, including the awkward cases
(disbursements to hidden partners, euros, unmeasured periods, markers from the
programme, humanitarian work without a budget)."""

import datetime
from decimal import Decimal
from types import SimpleNamespace

from lxml import etree

from projects.models import (
    Indicator,
    IndicatorPeriod,
    PolicyMarker,
    Project,
    Result,
    Transaction,
)
from tests.factories import (
    CountryFactory,
    FunderFactory,
    MemberOrganisationFactory,
    PartnerFactory,
    ProgrammeFactory,
    ProjectFactory,
    RegionFactory,
    ThemeFactory,
)

CONTRIBUTION = "SE-0-SE-6-TEST-CSO"
ORGANISATION = "SE-ON-TESTORG"
ATOM_NS = {"atom": "http://www.w3.org/2005/Atom"}
XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"


def build_world():
    asia = RegionFactory(slug="asien", name_sv="Asien", name_en="Asia")
    balkans = RegionFactory(slug="balkan", name_sv="Balkan", name_en="The Balkans")
    philippines = CountryFactory(slug="filippinerna", iso_code="PH", name_sv="Filippinerna",
                                 name_en="The Philippines", region=asia)
    burma = CountryFactory(slug="burma", iso_code="MM", name_sv="Burma", region=asia)
    serbia = CountryFactory(slug="serbien", iso_code="RS", name_sv="Serbien", region=balkans)
    youth = ThemeFactory(slug="unga", name_sv="Unga", name_en="Youth",
                         dac_purpose_code="15150")
    democracy = ThemeFactory(slug="demokrati", name_sv="Demokrati", dac_purpose_code="15150")
    women = ThemeFactory(slug="jamstalldhet", name_sv="Jämställdhet", name_en="Gender equality",
                         dac_purpose_code="15170")
    uncoded = ThemeFactory(slug="okodat", name_sv="Okodat", dac_purpose_code="")
    sida = FunderFactory(name_sv="Sida", name_en="Sida", short_name="Sida",
                         iati_identifier="SE-0")
    fund = FunderFactory(name_sv="Solidaritetsfonden", iati_identifier="")
    programme = ProgrammeFactory(slug="asienprogrammet", name_sv="Asienprogrammet",
                                 region=asia, funder=sida,
                                 funder_contribution_identifier=CONTRIBUTION,
                                 default_aid_type="C01", default_flow_type="10",
                                 default_finance_type="110", default_collaboration_type="1",
                                 default_tied_status="5")
    PolicyMarker.objects.create(programme=programme, code="1", significance="1")
    PolicyMarker.objects.create(programme=programme, code="3", significance="2")
    abf = MemberOrganisationFactory(slug="abf", name_sv="Arbetarnas bildningsförbund",
                                    name_en="Workers' Educational Association")
    visible_partner = PartnerFactory(name="Synlig partner i Manila", place="Manila",
                                     country=philippines)
    secret_partner = PartnerFactory(name="Hemlig partnerorganisation", place="Hemlig ort",
                                    country=burma)
    world = SimpleNamespace(asia=asia, balkans=balkans, philippines=philippines, burma=burma,
                            serbia=serbia, youth=youth, women=women, sida=sida, fund=fund,
                            programme=programme, abf=abf)
    world.public = ProjectFactory(
        slug="unga-i-tre-lander", iati_identifier=f"{ORGANISATION}-1",
        title_sv="Unga i tre länder på Västbanken", title_en="Young people in three countries",
        summary_sv="Unga lär sig om sina rättigheter.", summary_en="Young people learn.",
        body_sv="Mer text.", countries=[philippines, burma, serbia],
        themes=[youth, democracy, women, uncoded], partners=[visible_partner],
        member_organisations=[abf], funder=sida, programme=programme,
        status=Project.Status.COMPLETED, start_date=datetime.date(2016, 3, 1),
        end_date=datetime.date(2018, 6, 30), budget_sek=1_000_001,
    )
    world.hidden = ProjectFactory(
        slug="skyddat-projekt", iati_identifier=f"{ORGANISATION}-2",
        title_sv="Skyddat projekt", title_en="Protected project", countries=[burma],
        themes=[women], partners=[secret_partner], funder=fund,
        visibility=Project.Visibility.HIDE_PARTNERS, status=Project.Status.ONGOING,
        start_date=datetime.date(2024, 1, 1), end_date=datetime.date(2099, 12, 31),
        budget_sek=500_000,
    )
    world.planned = ProjectFactory(
        slug="planerat-projekt", iati_identifier=f"{ORGANISATION}-3",
        title_sv="Planerat projekt", title_en="", countries=[serbia], themes=[youth],
        status=Project.Status.PLANNED, start_date=datetime.date(2098, 1, 1), end_date=None,
        budget_sek=None,
    )
    # A title a spreadsheet would run as a formula, with a control character XML refuses
    # (stored before such characters were stripped on save: update() saves no model).
    world.hostile = ProjectFactory(
        slug="formel", iati_identifier=f"{ORGANISATION}-4",
        title_sv='=HYPERLINK("http://evil.example","Klicka")',
        title_en="@SUM(A1)", countries=[philippines], themes=[youth],
    )
    Project.objects.filter(pk=world.hostile.pk).update(title_sv=world.hostile.title_sv + "\x0b")
    world.hostile.refresh_from_db()
    world.draft = ProjectFactory(slug="utkast", iati_identifier=f"{ORGANISATION}-5",
                                 title_sv="Opublicerat utkast", countries=[philippines],
                                 published=False)
    world.internal = ProjectFactory(slug="internt", iati_identifier=f"{ORGANISATION}-6",
                                    title_sv="Internt projekt", countries=[philippines],
                                    visibility=Project.Visibility.INTERNAL)
    add_money_and_results(world, visible_partner, secret_partner, fund)
    return world


def add_money_and_results(world, visible_partner, secret_partner, fund):
    """Transactions, results and the awkward projects the rules must still pass."""
    public, hidden = world.public, world.hidden
    # Incoming funds from Sida without an activity identifier of their own (the
    # programme's contribution is used), a disbursement to a named partner, and an
    # expenditure in euros.
    world.incoming = Transaction.objects.create(
        project=public, transaction_type="1", date=datetime.date(2016, 3, 15),
        value=Decimal("600000.00"), provider=world.sida)
    Transaction.objects.create(
        project=public, transaction_type="3", date=datetime.date(2016, 4, 1),
        value=Decimal("250000.50"), receiver=visible_partner,
        value_date=datetime.date(2016, 3, 31))
    Transaction.objects.create(
        project=public, transaction_type="4", date=datetime.date(2017, 5, 2),
        value=Decimal("1200.00"), currency="EUR")
    # The project's own markers replace the programme's; its own flow type overrides.
    PolicyMarker.objects.create(project=public, code="11", significance="2")
    Project.objects.filter(pk=public.pk).update(default_flow_type="30")
    world.result = Result.objects.create(
        project=public, result_type="2", title_sv="Unga kvinnor leder fackklubbar",
        title_en="Young women lead union branches",
        description_sv="Andelen kvinnliga ordförande.")
    world.indicator = Indicator.objects.create(
        result=world.result, title_sv="Andel kvinnliga ordförande",
        title_en="Share of women chairs", measure="2", baseline_year=2016,
        baseline_value=Decimal("12.50"))
    world.period = IndicatorPeriod.objects.create(
        indicator=world.indicator, period_start=datetime.date(2016, 3, 1),
        period_end=datetime.date(2016, 12, 31), target=Decimal("20"), actual=Decimal("18"))
    IndicatorPeriod.objects.create(
        indicator=world.indicator, period_start=datetime.date(2017, 1, 1),
        period_end=datetime.date(2017, 12, 31), target=Decimal("30"))
    # A lower count is the aim; no baseline, no description, no English title.
    threats = Result.objects.create(project=public, result_type="1",
                                    title_sv="Färre hot mot fackligt aktiva")
    Indicator.objects.create(result=threats, title_sv="Anmälda hot", ascending=False)

    # The hidden project paid its secret partner: the files say "a local partner".
    Transaction.objects.create(
        project=hidden, transaction_type="1", date=datetime.date(2024, 1, 10),
        value=Decimal("100000"), provider=fund, provider_activity_id="")
    Transaction.objects.create(
        project=hidden, transaction_type="3", date=datetime.date(2024, 2, 1),
        value=Decimal("90000"), receiver=secret_partner)

    # Humanitarian work in two countries, no English at all, no end date, no budget for a
    # stated reason, the programme's markers and classifications, an unmeasured period.
    world.relief = ProjectFactory(
        slug="akut-stod", iati_identifier=f"{ORGANISATION}-7", title_sv="Akut stöd",
        title_en="", summary_sv="Stöd efter jordbävningen.", summary_en="", body_sv="",
        body_en="", countries=[world.serbia, world.philippines], themes=[world.women],
        programme=world.programme, funder=None, status=Project.Status.ONGOING,
        start_date=datetime.date(2023, 2, 6), end_date=None, budget_sek=None,
        humanitarian=True, budget_not_provided="3")
    Transaction.objects.create(
        project=world.relief, transaction_type="4", date=datetime.date(2023, 3, 1),
        value=Decimal("4500.75"), currency="EUR", value_date=datetime.date(2023, 2, 28))
    shelter = Result.objects.create(project=world.relief, result_type="1",
                                    title_sv="Familjer får tak över huvudet")
    counted = Indicator.objects.create(result=shelter, title_sv="Familjer", measure="1",
                                       baseline_year=2023, baseline_value=0)
    IndicatorPeriod.objects.create(
        indicator=counted, period_start=datetime.date(2023, 2, 6),
        period_end=datetime.date(2023, 12, 31), target=Decimal("500"))
    for project in (public, hidden, world.relief):
        project.refresh_from_db()


def body(response):
    """The whole body of a plain or streamed response."""
    if response.streaming:
        return b"".join(response.streaming_content)
    return response.content


def parse_xml(response):
    return etree.fromstring(body(response))
