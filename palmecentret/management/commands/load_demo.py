"""manage.py load_demo: fill the portal with demo content built from the organisation's facts."""

import datetime
import random
from dataclasses import dataclass
from zoneinfo import ZoneInfo

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import connection, transaction
from django.db.models.functions import Substr
from django.utils import timezone, translation
from django.utils.text import slugify

from common import page_cache
from common.db import lift_statement_timeout
from common.search_documents import update_search_documents
from members.models import MemberOrganisation, Network
from newsletter.models import MailingList, Seminar, Subscriber, Subscription
from palmecentret import demo_images, demo_money
from projects.models import (
    AidType,
    AnnualReport,
    CollaborationType,
    Country,
    FinanceType,
    FlowType,
    Funder,
    Partner,
    PolicyMarker,
    Programme,
    Project,
    Region,
    Result,
    Theme,
    TiedStatus,
    Transaction,
)
from stories.models import Story

# Seminars happen in Stockholm, so their times are Stockholm times whatever the server's
# own TIME_ZONE is.
STOCKHOLM = ZoneInfo("Europe/Stockholm")

# Demo projects are marked by Project.is_demo (an "Example" badge on their cards and
# pages). Their summaries used to start with these sentences: a database loaded then
# loses them on the next run.
DEMO_MARKER_SV = "Exempelprojekt (demoinnehåll)."
DEMO_MARKER_EN = "Example project (demo content)."

GENERATED_SLUG = "exempelprojekt-{}"
GENERATED_IATI = "SE-ON-DEMO-GEN-{}"
SUBSCRIBER_EMAIL = "demo-subscriber-{}@example.org"
# Each generated project draws from its own generator seeded with its number, so project
# 17 is the same whether it was made by --projects 20 or --projects 10000.
GENERATED_SEED = "palmecentret-demo"
# A generated project's money and results come from a generator of their own, so the
# project itself is drawn as before they existed.
GENERATED_MONEY_SEED = "palmecentret-demo-money"
# Rows per INSERT; also how often the progress display moves.
BATCH_SIZE = 1000

CSO_CONTRIBUTION = "SE-0-SE-6-DEMO-CSO"
PAO_CONTRIBUTION = "SE-0-SE-6-DEMO-PAO"
# The facts: the CSO framework ran four years and the PAO support three, both from 2016.
CSO_PERIOD = (datetime.date(2016, 1, 1), datetime.date(2019, 12, 31))
PAO_PERIOD = (datetime.date(2016, 1, 1), datetime.date(2018, 12, 31))


# --- The demo content ---------------------------------------------------------------------
# Written from /work/shared/FACTS.md. Swedish first (the default site), English beside it.

REGIONS = [
    {
        "slug": "asien", "sort_order": 10,
        "name_sv": "Asien", "name_en": "Asia",
        "focus_sv": "Arbetet i Asien sker främst i Burma (Myanmar) och Filippinerna. Fokus "
                    "ligger på rättigheter för arbetare, kvinnor, unga och etniska minoriteter.",
        "focus_en": "Our work in Asia is mainly in Burma (Myanmar) and the Philippines, with "
                    "a focus on the rights of workers, women, young people and ethnic "
                    "minorities.",
    },
    {
        "slug": "balkan", "sort_order": 20,
        "name_sv": "Balkan", "name_en": "The Balkans",
        "focus_sv": "Det övergripande temat på Balkan är starkare fackföreningar i alla länder. "
                    "I Serbien arbetar vi också för ökad transparens, i Albanien för kvinnors "
                    "ställning i politik och offentlig förvaltning och i Kosovo för "
                    "medborgarnas inflytande.",
        "focus_en": "The overall theme in the Balkans is stronger trade unions in every "
                    "country. In Serbia we also work for more transparency, in Albania for "
                    "women's position in politics and public administration, and in Kosovo "
                    "for citizens' influence.",
    },
    {
        "slug": "mellanostern-och-nordafrika", "sort_order": 30,
        "name_sv": "Mellanöstern och Nordafrika", "name_en": "Middle East and North Africa",
        "focus_sv": "Vi samarbetar med organisationer som verkar i eller med Palestina, "
                    "Syrien, Turkiet, Tunisien och Västsahara. I Palestina står marginaliserade "
                    "grupper i centrum, framför allt unga och kvinnor.",
        "focus_en": "We work with organisations active in or with Palestine, Syria, Turkey, "
                    "Tunisia and Western Sahara. In Palestine the work centres on marginalised "
                    "groups, above all young people and women.",
    },
    {
        "slug": "sodra-afrika", "sort_order": 40,
        "name_sv": "Södra Afrika", "name_en": "Southern Africa",
        "focus_sv": "I Sydafrika, Namibia och Zimbabwe arbetar vi för rättigheter för arbetare, "
                    "kvinnor och unga. Målgrupperna får kunskap och verktyg för att kunna kräva "
                    "sina rättigheter.",
        "focus_en": "In South Africa, Namibia and Zimbabwe we work for the rights of workers, "
                    "women and young people. The target groups gain the knowledge and tools "
                    "to claim their rights.",
    },
]

_ASIA_FOCUS = (
    "Rättigheter för arbetare, kvinnor, unga och etniska minoriteter.",
    "The rights of workers, women, young people and ethnic minorities.",
)
_SOUTHERN_AFRICA_FOCUS = (
    "Rättigheter för arbetare, kvinnor och unga, och kunskap och verktyg för att kräva dem.",
    "The rights of workers, women and young people, and the knowledge and tools to claim "
    "them.",
)

# (ISO 3166-1 alpha-2, slug, region slug, Swedish name, English name, focus (sv, en) or None)
COUNTRIES = [
    ("MM", "burma", "asien", "Burma (Myanmar)", "Burma (Myanmar)", _ASIA_FOCUS),
    ("PH", "filippinerna", "asien", "Filippinerna", "The Philippines", _ASIA_FOCUS),
    ("RS", "serbien", "balkan", "Serbien", "Serbia", (
        "Starkare fackföreningar och ökad transparens.",
        "Stronger trade unions and more transparency.",
    )),
    ("AL", "albanien", "balkan", "Albanien", "Albania", (
        "Starkare fackföreningar och kvinnors ställning i politik och offentlig förvaltning.",
        "Stronger trade unions and women's position in politics and public administration.",
    )),
    ("XK", "kosovo", "balkan", "Kosovo", "Kosovo", (
        "Starkare fackföreningar och medborgarnas inflytande.",
        "Stronger trade unions and citizens' influence.",
    )),
    ("PS", "palestina", "mellanostern-och-nordafrika", "Palestina", "Palestine", (
        "Marginaliserade grupper, framför allt unga och kvinnor, får kunskap om sina "
        "rättigheter och skyldigheter och tar en aktiv roll i förändringen av samhället.",
        "Marginalised groups, above all young people and women, learn about their rights "
        "and duties and take an active part in changing their society.",
    )),
    ("SY", "syrien", "mellanostern-och-nordafrika", "Syrien", "Syria", None),
    ("TR", "turkiet", "mellanostern-och-nordafrika", "Turkiet", "Turkey", None),
    ("TN", "tunisien", "mellanostern-och-nordafrika", "Tunisien", "Tunisia", None),
    ("EH", "vastsahara", "mellanostern-och-nordafrika", "Västsahara", "Western Sahara", None),
    ("ZA", "sydafrika", "sodra-afrika", "Sydafrika", "South Africa", _SOUTHERN_AFRICA_FOCUS),
    ("NA", "namibia", "sodra-afrika", "Namibia", "Namibia", _SOUTHERN_AFRICA_FOCUS),
    ("ZW", "zimbabwe", "sodra-afrika", "Zimbabwe", "Zimbabwe", _SOUTHERN_AFRICA_FOCUS),
]

# (slug, Swedish name, English name, OECD DAC purpose code, description sv, description en)
THEMES = [
    # 16070 "Labour rights" (since the 2019 CRS revision; 16020 is now employment creation).
    ("arbetares-rattigheter", "Arbetares rättigheter", "Workers' rights", "16070",
     "Rätten att organisera sig fackligt, förhandla kollektivt och arbeta under trygga "
     "förhållanden.",
     "The right to organise in trade unions, to bargain collectively and to work in safe "
     "conditions."),
    ("jamstalldhet", "Jämställdhet", "Gender equality", "15170",
     "Kvinnors rättigheter och inflytande i arbetslivet, politiken och samhället.",
     "Women's rights and influence at work, in politics and in society."),
    # The DAC list has no youth sector; young people's work here is about taking part
    # in civil society, which is 15150.
    ("unga", "Unga", "Youth", "15150",
     "Unga människors organisering, kunskap om sina rättigheter och möjlighet att påverka.",
     "Young people organising, knowing their rights and having a say."),
    ("demokrati", "Demokrati", "Democracy", "15150",
     "Demokratiskt deltagande, ett starkt civilsamhälle och medborgarnas inflytande.",
     "Democratic participation, a strong civil society and citizens' influence."),
    ("manskliga-rattigheter", "Mänskliga rättigheter", "Human rights", "15160",
     "Alla människors rätt att känna till och kräva sina rättigheter.",
     "Everyone's right to know and claim their rights."),
    ("fred-och-sakerhet", "Fred och säkerhet", "Peace and security", "15220",
     "Fredligt konfliktlösande, nedrustning och gemensam säkerhet.",
     "Peaceful conflict resolution, disarmament and common security."),
    ("transparens", "Transparens", "Transparency", "15113",
     "Öppenhet och ansvarsutkrävande i offentlig förvaltning och organisationer.",
     "Openness and accountability in public administration and organisations."),
]

Kind = MemberOrganisation.Kind

# slug, kind, short name, Swedish name, English name, description sv, description en,
# website (only where the address is certain), founder, parent slug
MEMBERS = [
    dict(slug="kf", kind=Kind.COOPERATIVE, short_name="KF",
         name_sv="Kooperativa förbundet", name_en="Swedish Cooperative Union",
         description_sv="Konsumentkooperationens förbund i Sverige och en av de tre "
                        "organisationer som grundade Palmecentret 1992.",
         description_en="The union of Sweden's consumer cooperatives and one of the three "
                        "organisations that founded the Olof Palme International Center in 1992.",
         website="https://www.kf.se", is_founder=True),
    dict(slug="lo", kind=Kind.CONFEDERATION, short_name="LO",
         name_sv="Landsorganisationen i Sverige", name_en="Swedish Trade Union Confederation",
         description_sv="LO samlar arbetarnas fackförbund i Sverige och är en av "
                        "Palmecentrets tre grundare.",
         description_en="LO brings together Sweden's blue-collar trade unions and is one of "
                        "the Olof Palme International Center's three founders.",
         website="https://www.lo.se", is_founder=True),
    dict(slug="socialdemokraterna", kind=Kind.PARTY, short_name="",
         name_sv="Socialdemokraterna", name_en="Swedish Social Democratic Party",
         description_sv="Arbetarrörelsens politiska parti och en av Palmecentrets tre "
                        "grundare.",
         description_en="The labour movement's political party and one of the Olof Palme "
                        "International Center's three founders.",
         website="https://www.socialdemokraterna.se", is_founder=True),
    dict(slug="abf", kind=Kind.STUDY_ASSOCIATION, short_name="ABF",
         name_sv="Arbetarnas bildningsförbund", name_en="Workers' Educational Association",
         description_sv="Arbetarrörelsens studieförbund, med studiecirklar och kultur över "
                        "hela landet.",
         description_en="The labour movement's study association, with study circles and "
                        "cultural events all over Sweden.",
         website="https://www.abf.se"),
    dict(slug="unga-ornar", kind=Kind.YOUTH, short_name="",
         name_sv="Unga Örnar", name_en="Unga Örnar (Young Eagles)",
         description_sv="En barn- och ungdomsorganisation inom arbetarrörelsen.",
         description_en="A children's and youth organisation within the labour movement.",
         website="https://www.ungaornar.se"),
    dict(slug="hyresgastforeningen", kind=Kind.TENANTS, short_name="",
         name_sv="Hyresgästföreningen", name_en="Swedish Union of Tenants",
         description_sv="Organiserar hyresgäster och arbetar för trygga hem till rimliga "
                        "hyror.",
         description_en="Organises tenants and works for secure homes at fair rents.",
         website="https://www.hyresgastforeningen.se"),
    dict(slug="folkets-hus-och-parker", kind=Kind.OTHER, short_name="",
         name_sv="Folkets Hus och Parker",
         name_en="Folkets Hus och Parker (People's Houses and Parks)",
         description_sv="Samlar arbetarrörelsens mötesplatser, folkets hus och folkparker, "
                        "runt om i Sverige.",
         description_en="Brings together the labour movement's meeting places, people's "
                        "houses and people's parks, all over Sweden.",
         website=""),
    dict(slug="verdandi", kind=Kind.OTHER, short_name="",
         name_sv="Verdandi", name_en="Verdandi",
         description_sv="En social organisation inom arbetarrörelsen som arbetar mot "
                        "utanförskap.",
         description_en="A social organisation within the labour movement that works "
                        "against exclusion.",
         website="https://www.verdandi.se"),
    dict(slug="pro", kind=Kind.PENSIONERS, short_name="PRO",
         name_sv="Pensionärernas riksorganisation",
         name_en="Swedish National Pensioners' Organisation",
         description_sv="Organiserar pensionärer och arbetar för bättre villkor för äldre.",
         description_en="Organises pensioners and works for better conditions for older "
                        "people.",
         website="https://www.pro.se"),
    dict(slug="if-metall", kind=Kind.TRADE_UNION, short_name="", parent="lo",
         name_sv="IF Metall", name_en="IF Metall",
         description_sv="LO-förbundet för arbetare inom industrin.",
         description_en="The LO union for industrial workers.",
         website="https://www.ifmetall.se"),
    dict(slug="kommunal", kind=Kind.TRADE_UNION, short_name="Kommunal", parent="lo",
         name_sv="Svenska Kommunalarbetareförbundet", name_en="Swedish Municipal Workers' Union",
         description_sv="LO-förbundet för arbetare inom bland annat vård, omsorg och "
                        "kommunal service.",
         description_en="The LO union for workers in health care, social care and municipal "
                        "services, among others.",
         website="https://www.kommunal.se"),
    dict(slug="handels", kind=Kind.TRADE_UNION, short_name="Handels", parent="lo",
         name_sv="Handelsanställdas förbund", name_en="Swedish Commercial Employees' Union",
         description_sv="LO-förbundet för anställda inom handel och lager.",
         description_en="The LO union for employees in retail, wholesale and warehouses.",
         website="https://www.handels.se"),
    dict(slug="byggnads", kind=Kind.TRADE_UNION, short_name="Byggnads", parent="lo",
         name_sv="Svenska Byggnadsarbetareförbundet", name_en="Swedish Building Workers' Union",
         description_sv="LO-förbundet för arbetare inom bygg och anläggning.",
         description_en="The LO union for construction workers.",
         website="https://www.byggnads.se"),
    dict(slug="seko", kind=Kind.TRADE_UNION, short_name="Seko", parent="lo",
         name_sv="Seko – Facket för Service och Kommunikation",
         name_en="Seko – Union for Service and Communication Employees",
         description_sv="LO-förbundet för anställda inom service och kommunikation, till "
                        "exempel järnväg och post.",
         description_en="The LO union for service and communication employees, for example "
                        "on the railways and in the postal service.",
         website="https://www.seko.se"),
]

Scope = Network.Scope
FOLKKRAFT_MEMBERS = ["lo", "abf", "hyresgastforeningen", "folkets-hus-och-parker", "verdandi",
                     "unga-ornar", "pro"]

NETWORKS = [
    dict(slug="folkkraft", scope=Scope.NATIONAL, short_name="", website="",
         members=FOLKKRAFT_MEMBERS,
         # The facts name Folkkraft's seven organisations; Palmecentret is not one of them.
         palmecentret_participates=False,
         name_sv="Folkkraft", name_en="Folkkraft",
         description_sv=(
             "Folkkraft är ett nätverk av organisationer nära arbetarrörelsen: LO, ABF, "
             "Hyresgästföreningen, Folkets Hus och Parker, Verdandi, Unga Örnar och PRO. "
             "Målet är ett varaktigt lokalt engagemang i hela Sverige, mötesplatser för "
             "människor med olika bakgrund och i olika åldrar, att motverka segregation och "
             "att stärka folkrörelserna genom lokalt organiserande.\n\n"
             "I november 2023 startade LO-distriktet i Västsverige en förstudie med stöd från "
             "Europeiska socialfonden (Svenska ESF-rådet) om hur samarbetet kan utvecklas: hur "
             "det kan nå människor som står långt från arbetsmarknaden, med fokus på "
             "inkludering och jämställdhet. Förstudien kartlägger befintliga strukturer och "
             "förbereder en ansökan om ett större projekt på flera orter."),
         description_en=(
             "Folkkraft is a network of organisations close to the labour movement: LO, ABF, "
             "the Swedish Union of Tenants, Folkets Hus och Parker, Verdandi, Unga Örnar and "
             "PRO. It aims at lasting local engagement all over Sweden, meeting places for "
             "people of different backgrounds and ages, countering segregation and "
             "strengthening popular movements through local organising.\n\n"
             "In November 2023 the LO district of Western Sweden (LO-distriktet i "
             "Västsverige) started a pre-study funded by the European Social Fund (the "
             "Swedish ESF Council) on developing the cooperation: reaching people far from "
             "the labour market, with a focus on inclusion and gender equality. The "
             "pre-study maps existing structures and prepares an application for a larger "
             "project in several localities.")),
    dict(slug="natverket-for-karnvapennedrustning", scope=Scope.NATIONAL, short_name="",
         website="", members=[],
         name_sv="Svenska nätverket för kärnvapennedrustning",
         name_en="Swedish network for nuclear disarmament",
         description_sv="Svenska organisationer som tillsammans arbetar för "
                        "kärnvapennedrustning.",
         description_en="Swedish organisations working together for nuclear disarmament."),
    dict(slug="osse-natverket", scope=Scope.NATIONAL, short_name="", website="", members=[],
         name_sv="Svenska OSSE-nätverket", name_en="Swedish OSCE network",
         description_sv="Svenska organisationer som följer och vill stärka arbetet inom "
                        "Organisationen för säkerhet och samarbete i Europa (OSSE).",
         description_en="Swedish organisations that follow and want to strengthen the work "
                        "of the Organization for Security and Co-operation in Europe (OSCE)."),
    dict(slug="globalportalen", scope=Scope.NATIONAL, short_name="",
         website="https://www.globalportalen.org", members=[],
         name_sv="Globalportalen", name_en="Globalportalen",
         description_sv="En webbplats som samlar nyheter om bistånd och utveckling från ett "
                        "femtiotal svenska ideella organisationer, folkhögskolor och "
                        "studieförbund.",
         description_en="A website gathering news on aid and development from some fifty "
                        "Swedish non-profit organisations, folk high schools and study "
                        "associations."),
    dict(slug="partianknutna-organisationer", scope=Scope.NATIONAL, short_name="",
         website="", members=[],
         name_sv="De partianknutna organisationernas samarbete",
         name_en="Cooperation of the party-affiliated organisations",
         description_sv="Palmecentret har nära kontakt med de sex andra partianknutna "
                        "organisationerna i Sverige och driver flera projekt tillsammans "
                        "med dem.",
         description_en="The Olof Palme International Center works closely with the six "
                        "other Swedish party-affiliated organisations, with several joint "
                        "projects."),
    dict(slug="efds", scope=Scope.EUROPEAN, short_name="EFDS", website="", members=[],
         name_sv="European Forum for Democracy and Solidarity",
         name_en="European Forum for Democracy and Solidarity",
         description_sv="Ett europeiskt forum för demokrati och solidaritet.",
         description_en="A European forum for democracy and solidarity."),
    dict(slug="enop", scope=Scope.EUROPEAN, short_name="ENOP", website="", members=[],
         name_sv="European Network of Political Foundations",
         name_en="European Network of Political Foundations",
         description_sv="Ett nätverk av politiska stiftelser i Europa.",
         description_en="A network of political foundations in Europe."),
    dict(slug="feps", scope=Scope.EUROPEAN, short_name="FEPS",
         website="https://feps-europe.eu", members=[],
         name_sv="Foundation for European Progressive Studies",
         name_en="Foundation for European Progressive Studies",
         description_sv="En europeisk progressiv tankesmedja.",
         description_en="A European progressive think tank."),
    dict(slug="concord", scope=Scope.EUROPEAN, short_name="CONCORD",
         website="https://concordeurope.org", members=[],
         name_sv="CONCORD", name_en="CONCORD",
         description_sv="Den europeiska sammanslutningen av organisationer för bistånd och "
                        "utveckling.",
         description_en="The European confederation of relief and development "
                        "organisations."),
    dict(slug="solidar", scope=Scope.EUROPEAN, short_name="SOLIDAR",
         website="https://www.solidar.org", members=[],
         name_sv="SOLIDAR", name_en="SOLIDAR",
         description_sv="Ett europeiskt nätverk av civilsamhällesorganisationer som "
                        "arbetar för social rättvisa.",
         description_en="A European network of civil society organisations working for "
                        "social justice."),
]

MAILING_LISTS = [
    dict(slug="nyhetsbrev", sort_order=10, name_sv="Nyhetsbrev", name_en="Newsletter",
         description_sv="Nyheter om vårt internationella arbete, våra partnerorganisationer "
                        "och hur du kan engagera dig.",
         description_en="News about our international work, our partner organisations and "
                        "how you can get involved."),
    dict(slug="seminarier", sort_order=20, name_sv="Inbjudningar till seminarier",
         name_en="Seminar invitations",
         description_sv="Inbjudningar till våra seminarier och samtal om internationella "
                        "frågor.",
         description_en="Invitations to our seminars and talks on international issues."),
]

Framework = Programme.FundingFramework
_DEMO_PROGRAMME_SV = ("Demoinnehåll: programmets namn, period och identifierare är exempel, "
                      "inte verklig rapportering.")
_DEMO_PROGRAMME_EN = ("Demo content: the programme's name, period and identifiers are "
                      "examples, not real reporting.")

PROGRAMMES = [
    dict(slug="asien-folkrorelseprojektramen", region="asien", countries=["MM", "PH"],
         framework=Framework.SIDA_CSO,
         themes=["arbetares-rattigheter", "jamstalldhet", "unga", "manskliga-rattigheter"],
         name_sv="Asienprogrammet (folkrörelseprojektramen)",
         name_en="Asia programme (CSO framework)",
         summary_sv="Stöd till organisationer i Burma (Myanmar) och Filippinerna som arbetar "
                    "för rättigheter för arbetare, kvinnor, unga och etniska minoriteter.",
         summary_en="Support to organisations in Burma (Myanmar) and the Philippines working "
                    "for the rights of workers, women, young people and ethnic minorities."),
    dict(slug="asien-demokratistod", region="asien", countries=["MM"],
         framework=Framework.SIDA_PAO, themes=["demokrati", "unga"],
         name_sv="Demokratistöd i Asien (PAO)", name_en="Democracy support in Asia (PAO)",
         summary_sv="Det särskilda demokratistödet genom partianknutna organisationer, med "
                    "fokus på ungas deltagande i det demokratiska samtalet.",
         summary_en="The special democracy support through party-affiliated organisations, "
                    "focused on young people taking part in democratic debate."),
    dict(slug="balkan-folkrorelseprojektramen", region="balkan", countries=["RS", "AL", "XK"],
         framework=Framework.SIDA_CSO, themes=["arbetares-rattigheter", "transparens"],
         name_sv="Balkanprogrammet (folkrörelseprojektramen)",
         name_en="Balkans programme (CSO framework)",
         summary_sv="Starkare fackföreningar i Serbien, Albanien och Kosovo, och ökad "
                    "transparens i Serbien.",
         summary_en="Stronger trade unions in Serbia, Albania and Kosovo, and more "
                    "transparency in Serbia."),
    dict(slug="balkan-demokratistod", region="balkan", countries=["RS", "AL", "XK"],
         framework=Framework.SIDA_PAO, themes=["demokrati", "jamstalldhet", "transparens"],
         name_sv="Demokratistöd på Balkan (PAO)", name_en="Democracy support in the Balkans (PAO)",
         summary_sv="Kvinnors ställning i politik och offentlig förvaltning i Albanien och "
                    "medborgarnas inflytande i Kosovo.",
         summary_en="Women's position in politics and public administration in Albania and "
                    "citizens' influence in Kosovo."),
    dict(slug="palestinaprogrammet", region="mellanostern-och-nordafrika", countries=["PS"],
         framework=Framework.SIDA_CSO,
         themes=["unga", "jamstalldhet", "manskliga-rattigheter"],
         name_sv="Palestinaprogrammet", name_en="Palestine programme",
         summary_sv="Marginaliserade grupper, framför allt unga och kvinnor, får kunskap om "
                    "sina rättigheter och skyldigheter och tar en aktiv roll i förändringen "
                    "av samhället.",
         summary_en="Marginalised groups, above all young people and women, learn about "
                    "their rights and duties and take an active part in changing their "
                    "society.",
         body_sv="Programmet omfattar 15 projekt, varav 8 genomförs tillsammans med "
                 "medlemsorganisationer, och når flera tusen palestinier på Västbanken och "
                 "i Gaza.",
         body_en="The programme has 15 projects, 8 of them carried out with member "
                 "organisations, and reaches several thousand Palestinians on the West Bank "
                 "and in Gaza."),
    dict(slug="mena-regionalt", region="mellanostern-och-nordafrika",
         countries=["SY", "TR", "TN", "EH"], framework=Framework.SIDA_CSO,
         themes=["manskliga-rattigheter", "fred-och-sakerhet"],
         name_sv="Regionalt program för Mellanöstern och Nordafrika",
         name_en="Regional programme for the Middle East and North Africa",
         summary_sv="Stöd till organisationer som verkar i eller med Syrien, Turkiet, "
                    "Tunisien och Västsahara.",
         summary_en="Support to organisations working in or with Syria, Turkey, Tunisia and "
                    "Western Sahara."),
    dict(slug="mena-demokratistod", region="mellanostern-och-nordafrika",
         countries=["PS", "TN"], framework=Framework.SIDA_PAO,
         themes=["demokrati", "unga"],
         name_sv="Demokratistöd i Mellanöstern och Nordafrika (PAO)",
         name_en="Democracy support in the Middle East and North Africa (PAO)",
         summary_sv="Det särskilda demokratistödet genom partianknutna organisationer i "
                    "Palestina och Tunisien.",
         summary_en="The special democracy support through party-affiliated organisations "
                    "in Palestine and Tunisia."),
    dict(slug="sodra-afrika-folkrorelseprojektramen", region="sodra-afrika",
         countries=["ZA", "NA", "ZW"], framework=Framework.SIDA_CSO,
         themes=["arbetares-rattigheter", "jamstalldhet", "unga"],
         name_sv="Södra Afrika-programmet (folkrörelseprojektramen)",
         name_en="Southern Africa programme (CSO framework)",
         summary_sv="Arbetare, kvinnor och unga i Sydafrika, Namibia och Zimbabwe får "
                    "kunskap och verktyg för att kräva sina rättigheter.",
         summary_en="Workers, women and young people in South Africa, Namibia and Zimbabwe "
                    "gain the knowledge and tools to claim their rights."),
    dict(slug="sodra-afrika-demokratistod", region="sodra-afrika", countries=["ZA", "ZW"],
         framework=Framework.SIDA_PAO, themes=["demokrati", "unga"],
         name_sv="Demokratistöd i södra Afrika (PAO)",
         name_en="Democracy support in Southern Africa (PAO)",
         summary_sv="Det särskilda demokratistödet genom partianknutna organisationer i "
                    "Sydafrika och Zimbabwe.",
         summary_en="The special democracy support through party-affiliated organisations "
                    "in South Africa and Zimbabwe."),
]

# (country ISO code, name, place). Fictional organisations; the names say so.
PARTNERS = [
    ("MM", "Demo-partnerorganisation Yangon", "Yangon"),
    ("MM", "Demo-kvinnonätverk Mandalay", "Mandalay"),
    ("PH", "Demo-fackförbund Manila", "Manila"),
    ("PH", "Demo-partnerorganisation Davao", "Davao"),
    ("RS", "Demo-fackförbund Belgrad", "Belgrad"),
    ("RS", "Demo-partnerorganisation Niš", "Niš"),
    ("AL", "Demo-kvinnoförbund Tirana", "Tirana"),
    ("XK", "Demo-medborgarforum Pristina", "Pristina"),
    ("PS", "Demo-partnerorganisation Ramallah", "Ramallah"),
    ("PS", "Demo-ungdomscenter Gaza", "Gaza"),
    ("PS", "Demo-kvinnoorganisation Hebron", "Hebron"),
    ("SY", "Demo-partnerorganisation Syrien", ""),
    ("TR", "Demo-partnerorganisation Istanbul", "Istanbul"),
    ("TN", "Demo-fackförbund Tunis", "Tunis"),
    ("EH", "Demo-partnerorganisation Västsahara", ""),
    ("ZA", "Demo-fackförbund Johannesburg", "Johannesburg"),
    ("ZA", "Demo-ungdomsorganisation Durban", "Durban"),
    ("NA", "Demo-partnerorganisation Windhoek", "Windhoek"),
    ("ZW", "Demo-kvinnoorganisation Harare", "Harare"),
    ("ZW", "Demo-partnerorganisation Bulawayo", "Bulawayo"),
]

Status = Project.Status
Visibility = Project.Visibility
_d = datetime.date

# Hand-written demo projects. Completed ones sit inside the 2016 programmes' periods;
# ongoing and planned ones are outside them, so they have no programme. The summary's
# demo marker is added when loading.
PROJECTS = [
    # Asia
    dict(slug="fackliga-rattigheter-filippinerna", programme=None, funder="fund",
         countries=["PH"], themes=["arbetares-rattigheter", "manskliga-rattigheter"],
         partners=["Demo-fackförbund Manila", "Demo-partnerorganisation Davao"],
         members=["lo", "if-metall"], status=Status.ONGOING,
         start_date=_d(2024, 1, 1), end_date=_d(2027, 12, 31), budget_sek=1_500_000,
         people_reached=None, visibility=Visibility.PUBLIC, published=True,
         title_sv="Fackliga rättigheter i Filippinerna",
         title_en="Trade union rights in the Philippines",
         summary_sv="Arbetare i exportindustrin lär sig om sina rättigheter och bygger "
                    "starkare fackklubbar.",
         summary_en="Workers in export industries learn about their rights and build "
                    "stronger workplace unions.",
         body_sv="Projektet kombinerar studiecirklar, utbildning av förtroendevalda och stöd "
                 "till lokalt organiserande. Svenska medlemsorganisationer delar sina "
                 "erfarenheter av kollektivavtal och arbetsmiljöarbete.",
         body_en="The project combines study circles, training for elected representatives "
                 "and support for local organising. Swedish member organisations share their "
                 "experience of collective agreements and workplace safety."),
    dict(slug="unga-kvinnor-burma", programme=None, funder="fund",
         countries=["MM"], themes=["jamstalldhet", "unga"],
         partners=["Demo-partnerorganisation Yangon", "Demo-kvinnonätverk Mandalay"],
         members=["abf"], status=Status.ONGOING,
         start_date=_d(2025, 1, 1), end_date=_d(2027, 12, 31), budget_sek=900_000,
         people_reached=None, visibility=Visibility.HIDE_PARTNERS, published=True,
         title_sv="Unga kvinnors organisering i Burma (Myanmar)",
         title_en="Young women organising in Burma (Myanmar)",
         summary_sv="Unga kvinnor får utbildning i ledarskap och rättigheter och stöd att "
                    "organisera sig i sina lokalsamhällen.",
         summary_en="Young women receive training in leadership and rights and support to "
                    "organise in their communities.",
         body_sv="Av säkerhetsskäl visas inte partnerorganisationernas namn och orter.",
         body_en="For security reasons the names and locations of the partner organisations "
                 "are not shown."),
    dict(slug="etniska-minoriteters-rattigheter-burma",
         programme="asien-folkrorelseprojektramen", funder="sida",
         countries=["MM"], themes=["manskliga-rattigheter", "demokrati"],
         partners=["Demo-partnerorganisation Yangon"], members=["abf"],
         status=Status.COMPLETED, start_date=_d(2016, 3, 1), end_date=_d(2019, 6, 30),
         budget_sek=2_000_000, people_reached=None, visibility=Visibility.INTERNAL,
         published=True,
         title_sv="Etniska minoriteters rättigheter i Burma (Myanmar)",
         title_en="Rights of ethnic minorities in Burma (Myanmar)",
         summary_sv="Organisationer för etniska minoriteter stärker sin kunskap om mänskliga "
                    "rättigheter och sin röst i samhällsdebatten.",
         summary_en="Organisations of ethnic minorities strengthen their knowledge of human "
                    "rights and their voice in public debate.",
         body_sv="Projektet visas bara internt i administrationen.",
         body_en="This project is only shown internally in the administration."),
    # The Balkans
    dict(slug="starkare-fackforbund-serbien", programme="balkan-folkrorelseprojektramen",
         funder="sida", countries=["RS"],
         themes=["arbetares-rattigheter", "transparens"],
         partners=["Demo-fackförbund Belgrad", "Demo-partnerorganisation Niš"],
         members=["kommunal", "seko"], status=Status.COMPLETED,
         start_date=_d(2016, 1, 1), end_date=_d(2019, 12, 31), budget_sek=2_400_000,
         people_reached=None, visibility=Visibility.PUBLIC, published=True,
         title_sv="Starkare fackförbund i Serbien", title_en="Stronger trade unions in Serbia",
         summary_sv="Fackförbund i Serbien utvecklar sin organisering och arbetar för öppenhet "
                    "i offentlig sektor.",
         summary_en="Trade unions in Serbia develop their organising and work for openness "
                    "in the public sector.",
         body_sv="Förtroendevalda utbildas i förhandling och medlemsvärvning, och förbunden "
                 "granskar hur offentliga medel används.",
         body_en="Elected representatives are trained in bargaining and recruiting members, "
                 "and the unions scrutinise how public money is spent."),
    dict(slug="kvinnor-i-politiken-albanien", programme="balkan-demokratistod", funder="sida",
         countries=["AL"], themes=["jamstalldhet", "demokrati"],
         partners=["Demo-kvinnoförbund Tirana"], members=["socialdemokraterna"],
         status=Status.COMPLETED, start_date=_d(2016, 4, 1), end_date=_d(2018, 12, 31),
         budget_sek=1_200_000, people_reached=None, visibility=Visibility.PUBLIC,
         published=True,
         title_sv="Kvinnor i politik och förvaltning i Albanien",
         title_en="Women in politics and public administration in Albania",
         summary_sv="Kvinnor i Albanien stärker sin ställning i politiken och den offentliga "
                    "förvaltningen.",
         summary_en="Women in Albania strengthen their position in politics and public "
                    "administration.",
         body_sv="Mentorprogram och utbildningar för kvinnor som vill ta politiska uppdrag "
                 "eller arbeta i förvaltningen.",
         body_en="Mentoring and training for women who want to take on political office or "
                 "work in public administration."),
    dict(slug="medborgarinflytande-kosovo", programme=None, funder="fund",
         countries=["XK"], themes=["demokrati"], partners=["Demo-medborgarforum Pristina"],
         members=["abf"], status=Status.PLANNED,
         start_date=_d(2027, 1, 1), end_date=_d(2028, 12, 31), budget_sek=600_000,
         people_reached=None, visibility=Visibility.PUBLIC, published=False,
         title_sv="Medborgarnas inflytande i Kosovo", title_en="Citizens' influence in Kosovo",
         summary_sv="Lokala forum där medborgare kan påverka beslut i sin kommun.",
         summary_en="Local forums where citizens can influence decisions in their "
                    "municipality.",
         body_sv="Ett utkast som ännu inte är publicerat.",
         body_en="A draft that is not yet published."),
    # Middle East and North Africa
    dict(slug="unga-palestinier-kanner-sina-rattigheter", programme="palestinaprogrammet",
         funder="sida", countries=["PS"], themes=["unga", "manskliga-rattigheter"],
         partners=["Demo-partnerorganisation Ramallah", "Demo-ungdomscenter Gaza"],
         members=["unga-ornar", "abf"], status=Status.COMPLETED,
         start_date=_d(2016, 1, 1), end_date=_d(2019, 12, 31), budget_sek=3_000_000,
         people_reached=2_000, visibility=Visibility.PUBLIC, published=True,
         title_sv="Unga palestinier känner sina rättigheter",
         title_en="Young Palestinians know their rights",
         summary_sv="Unga på Västbanken och i Gaza lär sig om sina rättigheter och "
                    "skyldigheter och tar en aktiv roll i förändringen av sitt samhälle.",
         summary_en="Young people on the West Bank and in Gaza learn about their rights and "
                    "duties and take an active part in changing their society.",
         body_sv="Ungdomsledare utbildas och driver sedan egna grupper i sina lokalsamhällen.",
         body_en="Youth leaders are trained and then run their own groups in their "
                 "communities."),
    dict(slug="kvinnors-organisering-vastbanken-gaza", programme="palestinaprogrammet",
         funder="sida", countries=["PS"], themes=["jamstalldhet"],
         partners=["Demo-kvinnoorganisation Hebron", "Demo-ungdomscenter Gaza"],
         members=["kommunal"], status=Status.COMPLETED,
         start_date=_d(2017, 1, 1), end_date=_d(2019, 12, 31), budget_sek=1_800_000,
         people_reached=None, visibility=Visibility.HIDE_PARTNERS, published=True,
         title_sv="Kvinnors organisering på Västbanken och i Gaza",
         title_en="Women organising on the West Bank and in Gaza",
         summary_sv="Kvinnor organiserar sig för att kräva sina rättigheter i arbetslivet och "
                    "i samhället.",
         summary_en="Women organise to claim their rights at work and in society.",
         body_sv="Av säkerhetsskäl visas inte partnerorganisationernas namn och orter.",
         body_en="For security reasons the names and locations of the partner organisations "
                 "are not shown."),
    dict(slug="unga-arbetares-rattigheter-tunisien", programme=None, funder="fund",
         countries=["TN"], themes=["arbetares-rattigheter", "unga"],
         partners=["Demo-fackförbund Tunis"], members=["handels"], status=Status.ONGOING,
         start_date=_d(2025, 6, 1), end_date=_d(2027, 5, 31), budget_sek=700_000,
         people_reached=None, visibility=Visibility.PUBLIC, published=True,
         title_sv="Unga arbetares rättigheter i Tunisien",
         title_en="Young workers' rights in Tunisia",
         summary_sv="Unga arbetare i handeln lär sig om sina rättigheter och om facklig "
                    "organisering.",
         summary_en="Young retail workers learn about their rights and about trade union "
                    "organising.",
         body_sv="Utbildningar och erfarenhetsutbyte mellan unga fackligt aktiva i Tunisien "
                 "och Sverige.",
         body_en="Training and exchanges between young trade union activists in Tunisia and "
                 "Sweden."),
    dict(slug="regionalt-utbyte-manskliga-rattigheter", programme="mena-regionalt",
         funder="sida", countries=["TR", "SY", "EH"],
         themes=["manskliga-rattigheter", "fred-och-sakerhet"],
         partners=["Demo-partnerorganisation Istanbul", "Demo-partnerorganisation Syrien",
                   "Demo-partnerorganisation Västsahara"],
         members=["lo"], status=Status.COMPLETED,
         start_date=_d(2016, 9, 1), end_date=_d(2019, 8, 31), budget_sek=1_500_000,
         people_reached=None, visibility=Visibility.PUBLIC, published=True,
         title_sv="Regionalt utbyte om mänskliga rättigheter",
         title_en="Regional exchange on human rights",
         summary_sv="Organisationer från flera länder i regionen utbyter erfarenheter av "
                    "arbete för mänskliga rättigheter och fred.",
         summary_en="Organisations from several countries in the region exchange experience "
                    "of working for human rights and peace.",
         body_sv="Regionala möten och gemensamma utbildningar.",
         body_en="Regional meetings and joint training."),
    # Southern Africa
    dict(slug="fackligt-organiserande-sydafrika", programme=None, funder="sida",
         countries=["ZA"], themes=["arbetares-rattigheter"],
         partners=["Demo-fackförbund Johannesburg"],
         members=["lo", "if-metall", "byggnads"], status=Status.ONGOING,
         start_date=_d(2023, 1, 1), end_date=_d(2026, 12, 31), budget_sek=2_500_000,
         people_reached=None, visibility=Visibility.PUBLIC, published=True,
         title_sv="Fackligt organiserande i Sydafrika",
         title_en="Trade union organising in South Africa",
         summary_sv="Fackförbund når nya medlemmar bland arbetare med osäkra anställningar.",
         summary_en="Trade unions reach new members among workers in insecure jobs.",
         body_sv="Svenska förbund och sydafrikanska partner utvecklar metoder för att "
                 "organisera på arbetsplatser där facket saknas.",
         body_en="Swedish unions and South African partners develop ways of organising "
                 "workplaces without a union."),
    dict(slug="ungas-inflytande-namibia-zimbabwe", programme="sodra-afrika-demokratistod",
         funder="sida", countries=["NA", "ZW"], themes=["unga", "demokrati"],
         partners=["Demo-partnerorganisation Windhoek", "Demo-partnerorganisation Bulawayo"],
         members=["unga-ornar"], status=Status.COMPLETED,
         start_date=_d(2016, 1, 1), end_date=_d(2018, 12, 31), budget_sek=1_100_000,
         people_reached=1_000, visibility=Visibility.PUBLIC, published=True,
         title_sv="Ungas inflytande i Namibia och Zimbabwe",
         title_en="Young people's influence in Namibia and Zimbabwe",
         summary_sv="Unga får kunskap och verktyg för att påverka politiken i sina länder.",
         summary_en="Young people gain the knowledge and tools to influence politics in their "
                    "countries.",
         body_sv="Ungdomsforum, utbildningar i påverkansarbete och möten med beslutsfattare.",
         body_en="Youth forums, training in advocacy and meetings with decision-makers."),
    dict(slug="kvinnors-rattigheter-i-arbetslivet-zimbabwe", programme=None, funder="fund",
         countries=["ZW"], themes=["jamstalldhet", "arbetares-rattigheter"],
         partners=["Demo-kvinnoorganisation Harare"], members=["kommunal"],
         status=Status.PLANNED, start_date=_d(2027, 3, 1), end_date=_d(2029, 2, 28),
         budget_sek=800_000, people_reached=None, visibility=Visibility.PUBLIC,
         published=True,
         title_sv="Kvinnors rättigheter i arbetslivet i Zimbabwe",
         title_en="Women's rights at work in Zimbabwe",
         summary_sv="Kvinnor inom vård och omsorg organiserar sig för bättre villkor.",
         summary_en="Women in health and social care organise for better conditions.",
         body_sv="Ett planerat projekt som finansieras av solidaritetsfonden.",
         body_en="A planned project financed by the solidarity fund."),
]


# Hand-written demo stories about the demo projects, in our own words from the facts. Dates
# are days before the day of the run, so the newest stays recent (as the seminars' dates
# move). The one about Serbia has no English: English pages show the Swedish text, as
# they do for any story not yet translated. None names a partner of a project that hides
# its partners, nor its place (stories/safety.py; a test holds it).
STORIES = [
    dict(slug="fackklubben-som-vaxte", days_ago=3,
         projects=["fackliga-rattigheter-filippinerna"], countries=["PH"],
         themes=["arbetares-rattigheter"], members=["lo", "if-metall"],
         author="Palmecentrets kommunikatör (demo)",
         title_sv="Fackklubben som växte sig stark i exportzonen",
         title_en="The workplace union that grew strong in the export zone",
         lead_sv="När arbetarna i en klädfabrik började träffas i studiecirkel var de fem. "
                 "Ett år senare har fackklubben över hundra medlemmar.",
         lead_en="When the workers at a garment factory started meeting in a study circle "
                 "there were five of them. A year later their union has over a hundred "
                 "members.",
         body_sv="Studiecirkeln tog upp frågor som arbetarna själva valde:\n\n"
                 "- rätten att organisera sig utan att bli straffad för det,\n"
                 "- arbetstider och övertid,\n"
                 "- säkerheten vid maskinerna.\n\n"
                 "Förtroendevalda från svenska fackförbund delade sina erfarenheter av "
                 "kollektivavtal och arbetsmiljöarbete. Hur det går till i Sverige "
                 "berättar [LO på sin webbplats](https://www.lo.se/).",
         body_en="The study circle took up questions the workers chose themselves:\n\n"
                 "- the right to organise without being punished for it,\n"
                 "- working hours and overtime,\n"
                 "- safety at the machines.\n\n"
                 "Elected representatives from Swedish unions shared their experience of "
                 "collective agreements and workplace safety. Read more about "
                 "[the project Trade union rights in the Philippines]"
                 "(/en/projects/fackliga-rattigheter-filippinerna/)."),
    dict(slug="unga-kvinnor-tar-plats", days_ago=10,
         projects=["unga-kvinnor-burma"], countries=["MM"], themes=["jamstalldhet", "unga"],
         members=["abf"], author="",
         title_sv="Unga kvinnor tar plats i sina lokalsamhällen",
         title_en="Young women take their place in their communities",
         lead_sv="Utbildning i ledarskap och rättigheter ger unga kvinnor i Burma modet att "
                 "tala på byns möten.",
         lead_en="Training in leadership and rights gives young women in Burma the courage "
                 "to speak at village meetings.",
         body_sv="Deltagarna lär sig om sina rättigheter, hur ett möte leds och hur man "
                 "organiserar sig tillsammans med andra. Av säkerhetsskäl nämner vi varken "
                 "våra partnerorganisationer eller orterna där de arbetar.",
         body_en="The participants learn about their rights, how to chair a meeting and how "
                 "to organise together with others. For security reasons we name neither "
                 "our partner organisations nor the places where they work."),
    dict(slug="ungdomsledare-pa-vastbanken", days_ago=17,
         projects=["unga-palestinier-kanner-sina-rattigheter"], countries=["PS"],
         themes=["unga", "manskliga-rattigheter"], members=["unga-ornar", "abf"], author="",
         title_sv="Ungdomsledarna som startade egna grupper",
         title_en="The youth leaders who started groups of their own",
         lead_sv="Unga palestinier som utbildats till ledare driver nu egna grupper där "
                 "andra unga lär sig om sina rättigheter och skyldigheter.",
         lead_en="Young Palestinians trained as leaders now run groups of their own, where "
                 "other young people learn about their rights and duties.",
         body_sv="Tusentals unga på Västbanken och i Gaza har nåtts av arbetet. Många säger "
                 "att det viktigaste var att få ta ansvar och bli lyssnade på.",
         body_en="Thousands of young people on the West Bank and in Gaza have been reached "
                 "by the work. Many say the most important thing was to take responsibility "
                 "and be listened to."),
    dict(slug="facket-nar-de-otrygga", days_ago=26,
         projects=["fackligt-organiserande-sydafrika"], countries=["ZA"],
         themes=["arbetares-rattigheter"], members=["lo", "byggnads"], author="",
         title_sv="Facket når dem med otrygga anställningar",
         title_en="Unions reach workers in insecure jobs",
         lead_sv="I Sydafrika prövar fackförbund nya sätt att organisera arbetsplatser där "
                 "facket saknas.",
         lead_en="In South Africa, unions try new ways of organising workplaces without a "
                 "union.",
         body_sv="Svenska förbund och sydafrikanska partner jämför metoder: hembesök, "
                 "möten efter skiftet och medlemsvärvare som själva har haft tillfälliga "
                 "jobb.",
         body_en="Swedish unions and South African partners compare methods: home visits, "
                 "meetings after the shift, and recruiters who have had temporary jobs "
                 "themselves."),
    dict(slug="oppenhet-i-serbien", days_ago=38,
         projects=["starkare-fackforbund-serbien"], countries=["RS"],
         themes=["transparens", "arbetares-rattigheter"], members=["kommunal", "seko"],
         author="",
         title_sv="Fackförbund granskar hur offentliga medel används",
         title_en="",
         lead_sv="Fackförbunden i Serbien har lärt sig att följa pengarna i den offentliga "
                 "sektorn, och kräver öppenhet.",
         lead_en="",
         body_sv="Förtroendevalda utbildades i förhandling och medlemsvärvning, och förbunden "
                 "började granska budgetar och upphandlingar.",
         body_en=""),
    dict(slug="unga-i-handeln-tunisien", days_ago=52,
         projects=["unga-arbetares-rattigheter-tunisien"], countries=["TN"],
         themes=["arbetares-rattigheter", "unga"], members=["handels"], author="",
         title_sv="Unga i handeln möts över Medelhavet",
         title_en="Young retail workers meet across the Mediterranean",
         lead_sv="Unga fackligt aktiva från Tunisien och Sverige jämförde sina villkor och "
                 "sina sätt att organisera sig.",
         lead_en="Young trade union activists from Tunisia and Sweden compared their "
                 "conditions and their ways of organising.",
         body_sv="Utbytet visade att frågorna är desamma: scheman som ändras med kort "
                 "varsel, låga löner och rätten att bilda en fackklubb.",
         body_en="The exchange showed that the questions are the same: schedules changed "
                 "at short notice, low pay and the right to form a workplace union."),
]


# The IATI classifications of Sida's money (set on the programmes; a Sida-funded project
# outside a programme sets its own) and of the solidarity fund's, which is collected
# privately rather than official aid.
SIDA_CLASSIFICATIONS = {
    "default_aid_type": AidType.PROJECT, "default_flow_type": FlowType.ODA,
    "default_finance_type": FinanceType.GRANT,
    "default_collaboration_type": CollaborationType.BILATERAL,
    "default_tied_status": TiedStatus.UNTIED,
}
FUND_CLASSIFICATIONS = {
    "default_aid_type": AidType.PROJECT, "default_flow_type": FlowType.PRIVATE,
    "default_finance_type": FinanceType.GRANT, "default_collaboration_type": "",
    "default_tied_status": TiedStatus.UNTIED,
}
# The programmes' policy markers: every programme aims at gender equality and good
# governance, principally where its name says so.
Marker = PolicyMarker.Code
Significance = PolicyMarker.Significance
# A project with markers of its own reports those instead of its programme's.
PROJECT_MARKERS = {
    "unga-kvinnor-burma": {Marker.GENDER_EQUALITY: Significance.PRINCIPAL,
                           Marker.GOOD_GOVERNANCE: Significance.SIGNIFICANT},
    "kvinnor-i-politiken-albanien": {Marker.GENDER_EQUALITY: Significance.PRINCIPAL,
                                     Marker.GOOD_GOVERNANCE: Significance.PRINCIPAL},
}
# Annual reports at addresses that are plainly examples (example.org is reserved for that);
# the newest has no English edition, as a real one may not.
ANNUAL_REPORT_SV = "https://example.org/demo/palmecentret-arsberattelse-{}-exempel.pdf"
ANNUAL_REPORT_EN = "https://example.org/demo/palmecentret-annual-report-{}-example.pdf"
ANNUAL_REPORT_YEARS = (2021, 2022, 2023, 2024, 2025)


@dataclass
class Pools:
    """What generated projects are spread over, read once before the bulk work."""

    countries: list
    countries_by_region: dict
    programmes_by_country: dict
    partners_by_country: dict
    themes: list
    members: list
    sida: Funder
    fund: Funder


def _add_months(day, months):
    """The first of the month `months` after `day`'s month."""
    index = day.year * 12 + day.month - 1 + months
    return datetime.date(index // 12, index % 12 + 1, 1)


def _chunks(items, size=BATCH_SIZE):
    """`items` in lists of at most `size`, to keep IN lists short."""
    for offset in range(0, len(items), size):
        yield items[offset:offset + size]


def _period(start, months):
    """A period starting on the first of a month and ending on the last day of a month."""
    return start, _add_months(start, months) - datetime.timedelta(days=1)


class Command(BaseCommand):
    help = (
        "Load the demo content built from the organisation's facts (regions, countries, "
        "themes, funders, member organisations, networks, mailing lists, programmes, "
        "partners, demo projects with their money and results, annual reports, seminars, "
        "stories), in Swedish and English. Safe to run "
        "again. "
        "--projects N and --subscribers N add generated projects and subscribers in bulk. "
        "Refuses to run with DEBUG off unless --allow-production is given."
    )
    requires_migrations_checks = True

    def add_arguments(self, parser):
        parser.add_argument(
            "--projects", type=int, default=0, metavar="N",
            help='Ensure generated projects 1..N exist ("Exempelprojekt 1" ...).',
        )
        parser.add_argument(
            "--subscribers", type=int, default=0, metavar="N",
            help="Ensure N confirmed demo subscribers with an active newsletter subscription.",
        )
        parser.add_argument(
            "--allow-production", action="store_true",
            help="Run even though DEBUG is off (demo projects would appear on a live site).",
        )

    def handle(self, *args, **options):
        projects, subscribers = options["projects"], options["subscribers"]
        if projects < 0:
            raise CommandError("--projects must be 0 or more.")
        if subscribers < 0:
            raise CommandError("--subscribers must be 0 or more.")
        if not settings.DEBUG and not options["allow_production"]:
            # DEBUG off means production here: published demo projects would go live.
            raise CommandError(
                "DEBUG is off, so this looks like production; demo content would be "
                "published. Use --allow-production if you really mean it."
            )
        # Bulk inserts of 100,000 subscribers are single long statements; nobody waits
        # for a page here.
        lift_statement_timeout()
        self.verbosity = options["verbosity"]
        self.now = timezone.now()
        self.created_projects = self.created_subscribers = None

        # modeltranslation fills each original column (title, name...) from the active
        # language; keep them Swedish, the default site language, even under
        # call_command in an English request.
        with translation.override(settings.LANGUAGE_CODE), transaction.atomic():
            self._load_facts()
            if projects:
                self._ensure_generated_projects(projects)
            if subscribers:
                self._ensure_subscribers(subscribers)
        if projects or subscribers:
            self._analyze()
        # bulk_create sends no signals: make the cached pages stale here (a shared cache
        # only; a local-memory one lives in the server's own process).
        page_cache.bump()

        if self.verbosity >= 1:
            self.stdout.write(self.style.SUCCESS(self._summary()))

    @staticmethod
    def _analyze():
        """Fresh planner statistics after a bulk load, as PostgreSQL's manual advises
        ("Populating a Database"): until autovacuum gets round to it (or never, where it
        is off) the planner takes the new tables for nearly empty and picks nested loops
        that turn a one-second export into half a minute.

        And a vacuum, which marks the new rows visible to every transaction: until then
        each read of a row asks the commit log about it, and an index-only scan visits
        the table for every row. VACUUM cannot run inside a transaction; called inside one
        (as in the tests), the statistics alone."""
        if connection.vendor != "postgresql":
            return
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE" if connection.in_atomic_block else "VACUUM (ANALYZE)")

    # --- The facts ------------------------------------------------------------------------

    def _load_facts(self):
        regions = self._load_regions()
        countries = self._load_countries(regions)
        themes = self._load_themes()
        funders = self._load_funders()
        members = self._load_members()
        self._load_networks(members)
        self._load_mailing_lists()
        programmes = self._load_programmes(regions, countries, themes, funders)
        partners = self._load_partners(countries)
        self._load_projects(programmes, funders, countries, themes, partners, members)
        self._mark_old_demo_projects()
        self._load_annual_reports()
        self._load_seminars()
        self._load_images(countries, members, programmes)
        self._load_stories(countries, themes, members)
        if self.verbosity >= 2:
            self.stdout.write("Demo content from the facts loaded.")

    def _load_regions(self):
        regions = {}
        for data in REGIONS:
            data = dict(data)
            slug = data.pop("slug")
            regions[slug], _ = Region.objects.update_or_create(slug=slug, defaults=data)
        return regions

    def _load_countries(self, regions):
        countries = {}
        for iso_code, slug, region, name_sv, name_en, focus in COUNTRIES:
            focus_sv, focus_en = focus or ("", "")
            countries[iso_code], _ = Country.objects.update_or_create(
                iso_code=iso_code,
                defaults={"slug": slug, "region": regions[region], "name_sv": name_sv,
                          "name_en": name_en, "focus_sv": focus_sv, "focus_en": focus_en},
            )
        return countries

    def _load_themes(self):
        themes = {}
        for slug, name_sv, name_en, code, description_sv, description_en in THEMES:
            themes[slug], _ = Theme.objects.update_or_create(
                slug=slug,
                defaults={"name_sv": name_sv, "name_en": name_en, "dac_purpose_code": code,
                          "description_sv": description_sv,
                          "description_en": description_en},
            )
        return themes

    def _load_funders(self):
        # Found by what named them before funders had slugs (Sida by its IATI identifier,
        # the fund by its name), so a database loaded then is updated, not duplicated; the
        # slugs are those projects/migrations/0009_fill_slugs.py gave them.
        sida, _ = Funder.objects.update_or_create(
            iati_identifier="SE-0",
            defaults={"name_sv": "Styrelsen för internationellt utvecklingssamarbete",
                      "name_en": "Swedish International Development Cooperation Agency",
                      "slug": "sida", "short_name": "Sida", "website": "https://www.sida.se"},
        )
        # No short name: the spreadsheet names it by its slug.
        fund, _ = Funder.objects.update_or_create(
            name_sv="Palmecentrets solidaritetsfond",
            defaults={"name_en": "The Olof Palme International Center's solidarity fund",
                      "slug": "palmecentrets-solidaritetsfond", "short_name": "",
                      "iati_identifier": "", "website": ""},
        )
        return {"sida": sida, "fund": fund}

    def _load_members(self):
        members = {}
        # Parents first: the unions point at LO.
        for data in sorted(MEMBERS, key=lambda d: "parent" in d):
            data = dict(data)
            slug = data.pop("slug")
            parent = data.pop("parent", None)
            is_founder = data.pop("is_founder", False)
            members[slug], _ = MemberOrganisation.objects.update_or_create(
                slug=slug,
                defaults={**data, "parent": members[parent] if parent else None,
                          "is_founder": is_founder,
                          "member_since": 1992 if is_founder else None,
                          "published": True},
            )
        return members

    def _load_networks(self, members):
        for data in NETWORKS:
            data = dict(data)
            slug = data.pop("slug")
            member_slugs = data.pop("members")
            data.setdefault("palmecentret_participates", True)
            network, _ = Network.objects.update_or_create(
                slug=slug, defaults={**data, "published": True}
            )
            network.members.set([members[s] for s in member_slugs])

    def _load_mailing_lists(self):
        for data in MAILING_LISTS:
            data = dict(data)
            slug = data.pop("slug")
            MailingList.objects.update_or_create(
                slug=slug, defaults={**data, "is_public": True}
            )

    def _load_programmes(self, regions, countries, themes, funders):
        programmes = {}
        for data in PROGRAMMES:
            data = dict(data)
            slug = data.pop("slug")
            framework = data.pop("framework")
            start, end = CSO_PERIOD if framework == Framework.SIDA_CSO else PAO_PERIOD
            body_sv = data.pop("body_sv", "")
            body_en = data.pop("body_en", "")
            country_codes = data.pop("countries")
            theme_slugs = data.pop("themes")
            programme, _ = Programme.objects.update_or_create(
                slug=slug,
                defaults={
                    **data,
                    "region": regions[data["region"]],
                    "funding_framework": framework,
                    "funder": funders["sida"],
                    "funder_contribution_identifier": CSO_CONTRIBUTION
                    if framework == Framework.SIDA_CSO else PAO_CONTRIBUTION,
                    "start_date": start,
                    "end_date": end,
                    "body_sv": f"{body_sv}\n\n{_DEMO_PROGRAMME_SV}".strip(),
                    "body_en": f"{body_en}\n\n{_DEMO_PROGRAMME_EN}".strip(),
                    "published": True,
                    **SIDA_CLASSIFICATIONS,
                },
            )
            programme.countries.set([countries[c] for c in country_codes])
            programme.themes.set([themes[t] for t in theme_slugs])
            markers = {
                Marker.GENDER_EQUALITY: Significance.PRINCIPAL
                if "jamstalldhet" in theme_slugs else Significance.SIGNIFICANT,
                Marker.GOOD_GOVERNANCE: Significance.PRINCIPAL
                if framework == Framework.SIDA_PAO else Significance.SIGNIFICANT,
            }
            for code, significance in markers.items():
                PolicyMarker.objects.update_or_create(
                    programme=programme, code=code, defaults={"significance": significance})
            programmes[slug] = programme
        return programmes

    def _load_partners(self, countries):
        partners = {}
        for iso_code, name, place in PARTNERS:
            partners[name], _ = Partner.objects.update_or_create(
                name=name, country=countries[iso_code],
                defaults={"place": place, "slug": slugify(name)},
            )
        return partners

    def _load_projects(self, programmes, funders, countries, themes, partners, members):
        loaded = []
        for data in PROJECTS:
            data = dict(data)
            slug = data.pop("slug")
            programme = data.pop("programme")
            funder = data.pop("funder")
            relations = {
                "countries": [countries[c] for c in data.pop("countries")],
                "themes": [themes[t] for t in data.pop("themes")],
                "partners": [partners[p] for p in data.pop("partners")],
                "member_organisations": [members[m] for m in data.pop("members")],
            }
            project, _ = Project.objects.update_or_create(
                slug=slug,
                defaults={
                    **data,
                    "programme": programmes[programme] if programme else None,
                    "funder": funders[funder],
                    "is_demo": True,
                    "iati_identifier": f"SE-ON-DEMO-{slug}",
                    # Inside a programme it reports the programme's classifications.
                    **(dict.fromkeys(SIDA_CLASSIFICATIONS, "") if programme
                       else SIDA_CLASSIFICATIONS if funder == "sida"
                       else FUND_CLASSIFICATIONS),
                },
            )
            for name, objects in relations.items():
                getattr(project, name).set(objects)
            for code, significance in PROJECT_MARKERS.get(slug, {}).items():
                PolicyMarker.objects.update_or_create(
                    project=project, code=code, defaults={"significance": significance})
            countries_here = relations["countries"]
            self._give_map(project, countries_here, countries_here[0].region.slug)
            loaded.append((project, relations))
        self._load_money_and_results(loaded)

    def _load_money_and_results(self, loaded):
        """The written projects' transactions and results, drawn again on each run: what
        has been paid and achieved depends on the day of the run."""
        today = timezone.localdate(self.now)
        projects = [project for project, _ in loaded]
        Transaction.objects.filter(project__in=projects).delete()
        Result.objects.filter(project__in=projects).delete()
        transactions, results = [], []
        for project, relations in loaded:
            rng = random.Random(f"{GENERATED_MONEY_SEED}:{project.slug}")
            transactions += self._money(rng, project, today,
                                        [p.pk for p in relations["partners"]])
            themes = [t.slug for t in relations["themes"]]
            results.append(demo_money.demo_result(
                rng, project, today, theme_slug=themes[0],
                women_leaders="jamstalldhet" in themes or rng.random() < 0.3))
        Transaction.objects.bulk_create(transactions, batch_size=BATCH_SIZE)
        demo_money.save_results(results)

    @staticmethod
    def _money(rng, project, today, partner_ids, half_yearly=True):
        """A demo project's transactions: incoming funds from its funder, for money
        within a programme from the funder's contribution to the programme."""
        programme = project.programme
        provider = programme.funder if programme and programme.funder else project.funder
        if provider is None:
            return []
        return demo_money.demo_transactions(
            rng, project, today, provider=provider,
            provider_activity_id=programme.funder_contribution_identifier if programme else "",
            partner_ids=partner_ids, half_yearly=half_yearly)

    def _load_annual_reports(self):
        # A report staff have entered for a year is never replaced by an example.
        for year in ANNUAL_REPORT_YEARS:
            AnnualReport.objects.get_or_create(year=year, defaults={
                "url_sv": ANNUAL_REPORT_SV.format(year),
                "url_en": ANNUAL_REPORT_EN.format(year) if year != ANNUAL_REPORT_YEARS[-1]
                else "",
            })

    def _load_seminars(self):
        # Dates move with each run so the upcoming seminar stays upcoming.
        today = timezone.localdate(self.now, STOCKHOLM)
        upcoming_day = today + datetime.timedelta(weeks=4)
        upcoming_start = datetime.datetime.combine(upcoming_day, datetime.time(15, 0),
                                                   tzinfo=STOCKHOLM)
        past_day = today - datetime.timedelta(weeks=6)
        past_start = datetime.datetime.combine(past_day, datetime.time(18, 0),
                                               tzinfo=STOCKHOLM)
        Seminar.objects.update_or_create(
            slug="fackliga-rattigheter-i-sodra-afrika",
            defaults={
                "title_sv": "Fackliga rättigheter i södra Afrika – samtal med våra partner",
                "title_en": "Trade union rights in Southern Africa – a conversation with "
                            "our partners",
                "description_sv": "Hur får arbetare, kvinnor och unga i "
                                  "Sydafrika, Namibia och Zimbabwe kunskap och verktyg för "
                                  "att kräva sina rättigheter? Partnerorganisationer och "
                                  "medlemsorganisationer berättar om sina erfarenheter.",
                "description_en": "How do workers, women and young "
                                  "people in South Africa, Namibia and Zimbabwe gain the "
                                  "knowledge and tools to claim their rights? Partner and "
                                  "member organisations share their experience.",
                "starts_at": upcoming_start,
                "ends_at": upcoming_start + datetime.timedelta(hours=2),
                "place_sv": "Stockholm (lokalen meddelas senare)",
                "place_en": "Stockholm (venue to be announced)",
                "online_url": "",
                "language": "sv",
                "capacity": 80,
                "registration_deadline": datetime.datetime.combine(
                    upcoming_day - datetime.timedelta(days=3), datetime.time(12, 0),
                    tzinfo=STOCKHOLM),
                "published": True,
                "is_demo": True,
            },
        )
        Seminar.objects.update_or_create(
            slug="fred-och-nedrustning-i-olof-palmes-anda",
            defaults={
                "title_sv": "Fred och nedrustning i Olof Palmes anda",
                "title_en": "Peace and disarmament in the spirit of Olof Palme",
                "description_sv": "Ett samtal om kärnvapennedrustning, "
                                  "gemensam säkerhet och civilsamhällets roll för fred.",
                "description_en": "A conversation about nuclear "
                                  "disarmament, common security and civil society's part "
                                  "in building peace.",
                "starts_at": past_start,
                "ends_at": past_start + datetime.timedelta(minutes=90),
                "place_sv": "Stockholm",
                "place_en": "Stockholm",
                "online_url": "",
                "language": "sv",
                "capacity": 60,
                "registration_deadline": past_start - datetime.timedelta(days=2),
                "published": True,
                "is_demo": True,
            },
        )

    def _load_stories(self, countries, themes, members):
        today = timezone.localdate(self.now, STOCKHOLM)
        for data in STORIES:
            data = dict(data)
            slug = data.pop("slug")
            relations = {
                "projects": list(Project.objects.filter(slug__in=data.pop("projects"))),
                "countries": [countries[c] for c in data.pop("countries")],
                "themes": [themes[t] for t in data.pop("themes")],
                "member_organisations": [members[m] for m in data.pop("members")],
            }
            published_on = today - datetime.timedelta(days=data.pop("days_ago"))
            story, _ = Story.objects.update_or_create(
                slug=slug,
                defaults={**data, "published_on": published_on, "published": True,
                          "is_demo": True},
            )
            for name, objects in relations.items():
                getattr(story, name).set(objects)
            countries_here = relations["countries"]
            self._give_map(story, countries_here, countries_here[0].region.slug)

    # --- Images -------------------------------------------------------------------------

    def _give_map(self, obj, countries, region_slug):
        """`obj` gets a picture of the map of `countries` on the region's colour."""
        colour = demo_images.REGION_COLOURS.get(region_slug, demo_images.PC_RED)
        names_sv = ", ".join(c.name_sv for c in countries)
        names_en = ", ".join(c.name_en for c in countries)
        demo_images.give_image(
            obj, demo_images.map_picture([c.iso_code for c in countries], colour),
            f"Demobild: karta över {names_sv}", f"Demo image: map of {names_en}")

    def _load_images(self, countries, members, programmes):
        """Drawn pictures for the content written here (generated projects use the pages'
        fallback); each run draws them again but stores and renders only what changed."""
        for country in countries.values():
            self._give_map(country, [country], country.region.slug)
        for programme in programmes.values():
            self._give_map(programme, list(programme.countries.order_by("name")),
                           programme.region.slug)
        for member in members.values():
            self._give_logo(member)
        for network in Network.objects.filter(slug__in=[n["slug"] for n in NETWORKS]):
            self._give_logo(network, colour=(29, 29, 27))
        sweden = Country(iso_code="SE", name_sv="Sverige", name_en="Sweden")
        for seminar in Seminar.objects.filter(
                slug__in=["fackliga-rattigheter-i-sodra-afrika",
                          "fred-och-nedrustning-i-olof-palmes-anda"]):
            self._give_map(seminar, [sweden], "")

    def _give_logo(self, organisation, colour=demo_images.PC_RED):
        label = organisation.short_name or "".join(
            word[0] for word in organisation.name_sv.split() if word[0].isupper())[:4]
        demo_images.give_image(
            organisation, demo_images.name_plate(label or organisation.name_sv[:3], colour),
            f"Demologotyp: {organisation.short_name or organisation.name_sv}",
            f"Demo logo: {organisation.short_name or organisation.name_en}")

    # --- Generated projects ---------------------------------------------------------------

    def _pools(self):
        countries = list(Country.objects.order_by("iso_code"))
        countries_by_region = {}
        for country in countries:
            countries_by_region.setdefault(country.region_id, []).append(country)
        programmes = {p.pk: p for p in Programme.objects.select_related("funder")
                      .order_by("slug")}
        programmes_by_country = {}
        for programme_id, country_id in (
            Programme.countries.through.objects.order_by("programme__slug", "country_id")
            .values_list("programme_id", "country_id")
        ):
            programmes_by_country.setdefault(country_id, []).append(programmes[programme_id])
        partners_by_country = {}
        for partner in Partner.objects.order_by("name", "pk"):
            partners_by_country.setdefault(partner.country_id, []).append(partner)
        return Pools(
            countries=countries,
            countries_by_region=countries_by_region,
            programmes_by_country=programmes_by_country,
            partners_by_country=partners_by_country,
            themes=list(Theme.objects.order_by("slug")),
            members=list(MemberOrganisation.objects.order_by("slug")),
            sida=Funder.objects.get(iati_identifier="SE-0"),
            fund=Funder.objects.get(name_sv="Palmecentrets solidaritetsfond"),
        )

    def _generated_project(self, number, pools):
        """Project `number` and its relations, the same for the same number every time."""
        rng = random.Random(f"{GENERATED_SEED}:{number}")
        country = rng.choice(pools.countries)
        countries = [country]
        neighbours = [c for c in pools.countries_by_region[country.region_id] if c != country]
        if neighbours and rng.random() < 0.15:
            countries.append(rng.choice(neighbours))
        themes = rng.sample(pools.themes, k=min(len(pools.themes), rng.choice((1, 1, 2))))
        status = rng.choices(
            (Status.PLANNED, Status.ONGOING, Status.COMPLETED), weights=(15, 35, 50)
        )[0]

        programme = None
        funder = pools.sida if rng.random() < 0.5 else pools.fund
        months = rng.choice((12, 18, 24, 36, 48))
        programmes = pools.programmes_by_country.get(country.pk, [])
        if status == Status.COMPLETED and programmes and rng.random() < 0.7:
            # Inside a programme: within its period (the 2016 programmes have all ended).
            programme, funder = rng.choice(programmes), pools.sida
            start, end = _period(_add_months(programme.start_date, rng.randrange(12)), months)
            if programme.end_date:
                end = min(end, programme.end_date)
        elif status == Status.COMPLETED:
            start, end = _period(datetime.date(rng.randint(2016, 2021), rng.randint(1, 12), 1),
                                 min(months, 36))
        elif status == Status.ONGOING:
            start = datetime.date(rng.randint(2023, 2025), rng.randint(1, 12), 1)
            end = _add_months(datetime.date(rng.randint(2027, 2029), rng.randint(1, 12), 1),
                              1) - datetime.timedelta(days=1)
        else:
            start, end = _period(datetime.date(rng.randint(2027, 2028), rng.randint(1, 12), 1),
                                 months)

        visibility = rng.choices(
            (Visibility.PUBLIC, Visibility.HIDE_PARTNERS, Visibility.INTERNAL),
            weights=(85, 10, 5),
        )[0]
        published = rng.random() < 0.9
        available = pools.partners_by_country.get(country.pk, [])
        partners = []
        # A project that hides its partners always has some, so the hiding is visible.
        if available and (visibility == Visibility.HIDE_PARTNERS or rng.random() < 0.7):
            partners = rng.sample(available, k=min(len(available), rng.choice((1, 2))))
        members = rng.sample(pools.members, k=min(len(pools.members), rng.choice((0, 1, 1, 2))))
        theme = themes[0]

        project = Project(
            slug=GENERATED_SLUG.format(number),
            iati_identifier=GENERATED_IATI.format(number),
            title_sv=f"Exempelprojekt {number}",
            title_en=f"Example project {number}",
            summary_sv=f"Ett genererat projekt om {theme.name_sv.lower()} i {country.name_sv}.",
            summary_en=f"A generated project on {theme.name_en.lower()} in {country.name_en}.",
            is_demo=True,
            body_sv="Projektet är skapat av kommandot load_demo för att visa portalen med "
                    "många projekt. Alla uppgifter är påhittade.",
            body_en="This project was made by the load_demo command to show the portal with "
                    "many projects. Every detail is made up.",
            programme=programme,
            funder=funder,
            status=status,
            start_date=start,
            end_date=end,
            budget_sek=rng.randint(1, 60) * 50_000,
            people_reached=rng.randint(1, 50) * 100 if status == Status.COMPLETED else None,
            visibility=visibility,
            published=published,
            **(SIDA_CLASSIFICATIONS if programme is None and funder == pools.sida
               else FUND_CLASSIFICATIONS if programme is None else {}),
            # bulk_create skips Project.save(), which would set this.
            published_at=min(datetime.datetime.combine(start, datetime.time(9, 0),
                                                       tzinfo=STOCKHOLM), self.now)
            if published else None,
        )
        relations = {
            "countries": countries,
            "themes": themes,
            "partners": partners,
            "member_organisations": members,
        }
        return project, relations

    def _mark_old_demo_projects(self):
        """A database loaded before Project.is_demo: its demo projects (all those with
        the demo's IATI identifiers) get the flag, and lose the sentence that marked them
        at the start of their summaries."""
        demo = Project.objects.filter(iati_identifier__startswith="SE-ON-DEMO-")
        demo.filter(is_demo=False).update(is_demo=True)
        for code, marker in (("sv", DEMO_MARKER_SV), ("en", DEMO_MARKER_EN)):
            field = f"summary_{code}"
            marked = demo.filter(**{f"{field}__startswith": f"{marker} "})
            changed = list(marked.values_list("pk", flat=True))
            if changed:
                marked.update(**{field: Substr(field, len(marker) + 2)})
                update_search_documents(Project.objects.filter(pk__in=changed))

    def _ensure_generated_projects(self, total):
        existing = set(Project.objects.filter(
            slug__startswith=GENERATED_SLUG.format("")
        ).values_list("slug", flat=True))
        # A number counts as present if either its slug or its IATI identifier is taken,
        # so a half-edited project never makes the insert fail on a unique column.
        taken_iati = set(Project.objects.filter(
            iati_identifier__startswith=GENERATED_IATI.format("")
        ).values_list("iati_identifier", flat=True))
        missing = [
            n for n in range(1, total + 1)
            if GENERATED_SLUG.format(n) not in existing
            and GENERATED_IATI.format(n) not in taken_iati
        ]
        if not missing:
            self.created_projects = 0
            return
        pools = self._pools()
        if not pools.countries:
            raise CommandError("No countries to spread generated projects over.")

        done = 0
        for offset in range(0, len(missing), BATCH_SIZE):
            batch = [self._generated_project(n, pools)
                     for n in missing[offset:offset + BATCH_SIZE]]
            projects = Project.objects.bulk_create([p for p, _ in batch], batch_size=BATCH_SIZE)
            if any(p.pk is None for p in projects):
                # Backends that cannot return ids from a bulk insert: look them up.
                ids = dict(Project.objects.filter(slug__in=[p.slug for p in projects])
                           .values_list("slug", "pk"))
                for project in projects:
                    project.pk = ids[project.slug]
            for name in ("countries", "themes", "partners", "member_organisations"):
                self._bulk_link(name, [(p.pk, relations[name]) for p, relations in batch])
            self._generated_money_and_results(batch)
            # bulk_create skips Project.save() and the links' signals, which would write
            # them (with the names of what they are linked to: after the links).
            update_search_documents(Project.objects.filter(pk__in=[p.pk for p in projects]))
            done += len(batch)
            self._progress("Generated projects", done, len(missing))
        self.created_projects = done

    def _generated_money_and_results(self, batch):
        """Transactions for every generated project that has started, and a result for
        some, in a few bulk inserts per batch."""
        today = timezone.localdate(self.now)
        transactions, results = [], []
        for project, relations in batch:
            rng = random.Random(f"{GENERATED_MONEY_SEED}:{project.slug}")
            # Yearly payments: fewer rows to insert for thousands of projects.
            transactions += self._money(rng, project, today,
                                        [p.pk for p in relations["partners"]],
                                        half_yearly=False)
            if rng.random() < 0.25:
                results.append(demo_money.demo_result(
                    rng, project, today, theme_slug=relations["themes"][0].slug,
                    women_leaders=rng.random() < 0.5))
        Transaction.objects.bulk_create(transactions, batch_size=BATCH_SIZE)
        demo_money.save_results(results)

    def _bulk_link(self, name, rows):
        """Insert many-to-many rows for Project.<name> straight into its through table."""
        m2m = Project._meta.get_field(name)
        through = m2m.remote_field.through
        source = through._meta.get_field(m2m.m2m_field_name()).attname
        target = through._meta.get_field(m2m.m2m_reverse_field_name()).attname
        through.objects.bulk_create(
            [through(**{source: pk, target: obj.pk}) for pk, objects in rows for obj in objects],
            batch_size=BATCH_SIZE,
        )

    # --- Subscribers ----------------------------------------------------------------------

    def _ensure_subscribers(self, total):
        newsletter = MailingList.objects.get(slug="nyhetsbrev")
        seminars = MailingList.objects.get(slug="seminarier")
        wanted = {SUBSCRIBER_EMAIL.format(n): n for n in range(1, total + 1)}
        # Found by prefix rather than a 10,000-item IN list, which SQLite may refuse.
        ids, to_reactivate = {}, []
        for pk, email, confirmed_at, unsubscribed_at in self._demo_subscribers().values_list(
            "pk", "email", "confirmed_at", "unsubscribed_at"
        ):
            if email.lower() in wanted:
                ids[email.lower()] = pk
                if confirmed_at is None or unsubscribed_at is not None:
                    to_reactivate.append(pk)
        # "Ensure" also means a demo address unsubscribed while trying the site is
        # confirmed and subscribed again.
        for chunk in _chunks(to_reactivate):
            Subscriber.objects.filter(pk__in=chunk).update(confirmed_at=self.now,
                                                           unsubscribed_at=None)

        missing = [email for email in wanted if email not in ids]
        for offset in range(0, len(missing), BATCH_SIZE):
            chunk = missing[offset:offset + BATCH_SIZE]
            created = Subscriber.objects.bulk_create(
                [Subscriber(email=email,
                            # Every fifth reads in English, so both kinds exist.
                            language="en" if wanted[email] % 5 == 0 else "sv",
                            confirmed_at=self.now)
                 for email in chunk],
                batch_size=BATCH_SIZE,
            )
            if any(s.pk is None for s in created):
                # Backends that cannot return ids from a bulk insert: look them up.
                created = Subscriber.objects.filter(email__in=chunk)
            ids.update({s.email.lower(): s.pk for s in created})
            self._progress("Subscribers", offset + len(chunk), len(missing))
        self.created_subscribers = len(missing)

        self._ensure_active(newsletter, set(ids.values()))
        # Every third also wants seminar invitations.
        self._ensure_active(seminars, {ids[e] for e, n in wanted.items() if n % 3 == 0})

    def _demo_subscribers(self):
        return Subscriber.objects.filter(email__istartswith=SUBSCRIBER_EMAIL.split("{")[0])

    def _ensure_active(self, mailing_list, subscriber_ids):
        """An active subscription to `mailing_list` for each of `subscriber_ids`, in bulk."""
        present, inactive = set(), []
        for pk, subscriber_id, status in Subscription.objects.filter(
            mailing_list=mailing_list, subscriber__in=self._demo_subscribers()
        ).values_list("pk", "subscriber_id", "status"):
            if subscriber_id in subscriber_ids:
                present.add(subscriber_id)
                if status != Subscription.Status.ACTIVE:
                    inactive.append(pk)
        for chunk in _chunks(inactive):
            Subscription.objects.filter(pk__in=chunk).update(
                status=Subscription.Status.ACTIVE, confirmed_at=self.now, unsubscribed_at=None)
        Subscription.objects.bulk_create(
            [Subscription(subscriber_id=pk, mailing_list=mailing_list,
                          status=Subscription.Status.ACTIVE, confirmed_at=self.now)
             for pk in sorted(subscriber_ids - present)],
            batch_size=BATCH_SIZE,
        )

    # --- Output ---------------------------------------------------------------------------

    def _progress(self, label, done, total):
        if self.verbosity < 1:
            return
        if self.stdout.isatty():
            # One line, rewritten in place.
            self.stdout.write(f"\r{label}: {done}/{total}", ending="")
            self.stdout.flush()
            if done >= total:
                self.stdout.write("")
        else:
            self.stdout.write(f"{label}: {done}/{total}")

    def _summary(self):
        counts = [
            (Region, "regions"), (Country, "countries"), (Theme, "themes"),
            (Funder, "funders"), (MemberOrganisation, "member organisations"),
            (Network, "networks"), (MailingList, "mailing lists"),
            (Programme, "programmes"), (Partner, "partners"), (Project, "projects"),
            (Transaction, "transactions"), (Result, "results"),
            (Seminar, "seminars"), (Story, "stories"), (Subscriber, "subscribers"),
        ]
        lines = ["Demo content loaded. The database now holds: " + ", ".join(
            f"{model.objects.count()} {label}" for model, label in counts
        ) + "."]
        if self.created_projects is not None:
            lines.append(f"Generated projects created in this run: {self.created_projects}.")
        if self.created_subscribers is not None:
            lines.append(f"Demo subscribers created in this run: {self.created_subscribers}.")
        return "\n".join(lines)
