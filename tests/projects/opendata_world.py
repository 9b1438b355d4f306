"""A small world of projects for the open-data tests: one of each kind that the files
must treat differently (public, hidden partners, draft, internal, a hostile title)."""

import datetime
from types import SimpleNamespace

from lxml import etree

from projects.models import Project
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
                                 funder_contribution_identifier=CONTRIBUTION)
    abf = MemberOrganisationFactory(slug="abf", name_sv="Arbetarnas bildningsförbund",
                                    name_en="Workers' Educational Association")
    visible_partner = PartnerFactory(name="Synlig partner i Manila", place="Manila",
                                     country=philippines)
    secret_partner = PartnerFactory(name="Hemlig partnerorganisation", place="Hemlig ort",
                                    country=burma)
    world = SimpleNamespace(asia=asia, balkans=balkans, philippines=philippines, burma=burma,
                            serbia=serbia, youth=youth, women=women, sida=sida,
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
    return world


def body(response):
    """The whole body of a plain or streamed response."""
    if response.streaming:
        return b"".join(response.streaming_content)
    return response.content


def parse_xml(response):
    return etree.fromstring(body(response))
