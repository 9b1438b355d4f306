"""Open data: the published projects as an IATI 2.03 activity file, CSV and JSON, all
streamed and all derived from one description of each project so they never disagree."""

import datetime
import itertools
import json
import re
from dataclasses import dataclass, field
from decimal import Decimal
from xml.sax.saxutils import escape

from django.conf import settings
from django.db.models import Prefetch, Q
from django.utils import timezone, translation

from members.models import MemberOrganisation
# CSV whose cells no spreadsheet runs as formulas, shared with the admin's exports.
from common import spreadsheets

from . import codelists
from .models import (
    AID_CLASSIFICATIONS,
    Country,
    Indicator,
    IndicatorPeriod,
    Partner,
    PolicyMarker,
    Project,
    Result,
    Theme,
    Transaction,
)

# Projects read per query when streaming; each chunk also runs one query per relation,
# so memory holds at most this many projects whatever the total.
CHUNK_SIZE = 500
# Bytes collected before a piece of a streamed file is handed to the server: large enough
# that the server is not called once per project, small enough to stay flat.
PIECE_SIZE = 64 * 1024

IATI_VERSION = "2.03"
LANGUAGES = ("sv", "en")
# The first paragraph of a demo project's description (Project.is_demo).
DEMO_NOTE = {"sv": "Exempelprojekt (demoinnehåll).", "en": "Example project (demo content)."}

# IATI codelists used below (https://iatistandard.org/en/iati-standard/203/codelists/).
# ActivityStatus: 1 pipeline/identification, 2 implementation, 4 closed. A completed
# project is reported closed: the portal marks a project completed once its work and
# accounts are done, and has no separate "finalisation" state (3).
ACTIVITY_STATUS = {
    Project.Status.PLANNED: "1",
    Project.Status.ONGOING: "2",
    Project.Status.COMPLETED: "4",
}
# ActivityDateType.
PLANNED_START, ACTUAL_START, PLANNED_END, ACTUAL_END = "1", "2", "3", "4"
DATE_NAMES = {PLANNED_START: "planned_start", ACTUAL_START: "actual_start",
              PLANNED_END: "planned_end", ACTUAL_END: "actual_end"}
# OrganisationRole.
FUNDING, EXTENDING, IMPLEMENTING = "1", "3", "4"
ROLE_NAMES = {FUNDING: "funding", EXTENDING: "extending", IMPLEMENTING: "implementing"}
# ActivityScope: one country is national (4), several multi-national (3).
SCOPE_NATIONAL, SCOPE_MULTINATIONAL = "4", "3"
SECTOR_VOCABULARY_DAC = "1"  # OECD DAC CRS 5-digit purpose codes
RELATED_PARENT = "1"  # RelatedActivityType
DOCUMENT_WEB_PAGE = "A12"  # DocumentCategory "Activity web page"
BUDGET_ORIGINAL = "1"  # BudgetType
BUDGET_INDICATIVE, BUDGET_COMMITTED = "1", "2"  # BudgetStatus
LOCATION_REACH_ACTIVITY = "1"
GEOGRAPHIC_VOCABULARY_ISO_COUNTRY = "A4"
CURRENCY = "SEK"
CONTACT_GENERAL = "1"  # ContactType "General Enquiries"
POLICY_VOCABULARY_DAC = "1"  # PolicyMarkerVocabulary OECD DAC CRS
AID_TYPE_VOCABULARY_DAC = "1"  # AidTypeVocabulary OECD DAC
TRANSACTION_NAMES = {Transaction.Type.INCOMING_FUNDS: "incoming_funds",
                     Transaction.Type.DISBURSEMENT: "disbursement",
                     Transaction.Type.EXPENDITURE: "expenditure"}
MEASURE_NAMES = {Indicator.Measure.UNIT: "unit", Indicator.Measure.PERCENTAGE: "percentage"}
RESULT_TYPE_NAMES = {"1": "output", "2": "outcome", "3": "impact", "9": "other"}
# The receiver of a disbursement when the project hides its partners: no name, no ref.
LOCAL_PARTNER = {"sv": "en lokal partner", "en": "a local partner"}
# The classifications as the XML names them, in the schema's order, with the JSON's keys.
CLASSIFICATION_ELEMENTS = [
    ("default_collaboration_type", "collaboration-type", "collaboration_type"),
    ("default_flow_type", "default-flow-type", "flow_type"),
    ("default_finance_type", "default-finance-type", "finance_type"),
    ("default_aid_type", "default-aid-type", "aid_type"),
    ("default_tied_status", "default-tied-status", "tied_status"),
]

# Characters XML 1.0 cannot carry at all (control characters, lone surrogates): a title
# pasted from a word processor must not make the whole file unreadable.
_NOT_XML = re.compile("[^\u0009\u000a\u000d\u0020-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")


def export_queryset(projects):
    """`projects` with everything describe() reads, prefetched: for a single project or a
    short list (a feed); long lists go through iterate()."""
    return projects.select_related("programme__funder", "funder").prefetch_related(
        "countries", "themes", "member_organisations",
        Prefetch("partners", queryset=Partner.objects.select_related("country")),
        Prefetch("transactions",
                 queryset=Transaction.objects.select_related("provider", "receiver")),
        "results__indicators__periods", "policy_markers", "programme__policy_markers",
    )


@dataclass
class Related:
    """A project's many-to-many relations, in each model's own order."""

    countries: list
    themes: list
    members: list
    partners: list
    transactions: list = field(default_factory=list)
    # (Result, [(Indicator, [IndicatorPeriod])]) in the models' order.
    results: list = field(default_factory=list)
    # The markers the activity reports: the project's own, else its programme's.
    policy_markers: list = field(default_factory=list)

    @classmethod
    def of(cls, project):
        """From the project's (prefetched) managers."""
        markers = list(project.policy_markers.all())
        if not markers and project.programme is not None:
            markers = list(project.programme.policy_markers.all())
        results = [(result, [(indicator, list(indicator.periods.all()))
                             for indicator in result.indicators.all()])
                   for result in project.results.all()]
        return cls(list(project.countries.all()), list(project.themes.all()),
                   list(project.member_organisations.all()), list(project.partners.all()),
                   transactions=list(project.transactions.all()), results=results,
                   policy_markers=markers)


def _links(name, ids):
    """(project id, related id) rows of Project.<name> for the projects `ids`."""
    m2m = Project._meta.get_field(name)
    through = m2m.remote_field.through
    source, target = m2m.m2m_field_name(), m2m.m2m_reverse_field_name()
    return through.objects.filter(**{f"{source}_id__in": ids}).values_list(
        f"{source}_id", f"{target}_id")


def _ordered(model):
    """{pk: (position, object)} of a small reference table, in its Meta ordering."""
    return {obj.pk: (position, obj) for position, obj in enumerate(model.objects.all())}


def iterate(projects):
    """(project, Related) for each of `projects`, CHUNK_SIZE projects at a time, with a
    fixed number of queries a chunk and memory that does not grow with the total.

    Not prefetch_related() here: it gives every project a queryset per relation that
    points back at the project (and modeltranslation a new queryset class each), so each
    project becomes a reference cycle that only the garbage collector frees, and memory
    grows with the number of projects until it runs. The relations are joined by hand
    from the link tables instead; countries, themes and member organisations are small
    tables read once."""
    tables = {"countries": _ordered(Country), "themes": _ordered(Theme),
              "member_organisations": _ordered(MemberOrganisation)}
    batch = []
    for project in projects.select_related("programme__funder", "funder").iterator(
            chunk_size=CHUNK_SIZE):
        batch.append(project)
        if len(batch) >= CHUNK_SIZE:
            yield from _with_relations(batch, tables)
            batch = []
    yield from _with_relations(batch, tables)


def _with_relations(batch, tables):
    if not batch:
        return
    ids = [project.pk for project in batch]
    found = {}
    for name, table in tables.items():
        rows = {}
        for project_id, related_id in _links(name, ids):
            rows.setdefault(project_id, []).append(table[related_id])
        found[name] = rows
    partners = {}
    links = (Project.partners.through.objects.filter(project_id__in=ids)
             .select_related("partner__country"))
    for link in links:
        partners.setdefault(link.project_id, []).append(link.partner)
    transactions = {}
    for row in Transaction.objects.filter(project_id__in=ids).select_related("provider",
                                                                             "receiver"):
        transactions.setdefault(row.project_id, []).append(row)
    # Results, their indicators and the indicators' periods: one query each, joined here.
    periods = {}
    for row in IndicatorPeriod.objects.filter(indicator__result__project_id__in=ids):
        periods.setdefault(row.indicator_id, []).append(row)
    indicators = {}
    for row in Indicator.objects.filter(result__project_id__in=ids):
        indicators.setdefault(row.result_id, []).append((row, periods.get(row.pk, [])))
    results = {}
    for row in Result.objects.filter(project_id__in=ids):
        results.setdefault(row.project_id, []).append((row, indicators.get(row.pk, [])))
    programme_ids = {project.programme_id for project in batch if project.programme_id}
    own_markers, programme_markers = {}, {}
    for row in PolicyMarker.objects.filter(Q(project_id__in=ids)
                                           | Q(programme_id__in=programme_ids)):
        if row.project_id:
            own_markers.setdefault(row.project_id, []).append(row)
        else:
            programme_markers.setdefault(row.programme_id, []).append(row)

    def in_order(pairs):
        return [obj for _, obj in sorted(pairs, key=lambda pair: pair[0])]

    for project in batch:
        yield project, Related(
            countries=in_order(found["countries"].get(project.pk, [])),
            themes=in_order(found["themes"].get(project.pk, [])),
            members=in_order(found["member_organisations"].get(project.pk, [])),
            partners=sorted(partners.get(project.pk, []), key=lambda p: (p.name, p.pk)),
            transactions=transactions.get(project.pk, []),
            results=results.get(project.pk, []),
            policy_markers=(own_markers.get(project.pk)
                            or programme_markers.get(project.programme_id, [])),
        )


# --- Rules shared by every format --------------------------------------------------------

def split_percentages(count):
    """`count` shares of 100 as Decimals with two decimals that add up to exactly 100:
    equal, the first ones a hundredth larger where 100 does not divide evenly."""
    if count <= 0:
        return []
    each, extra = divmod(10000, count)
    return [Decimal(each + (1 if i < extra else 0)) / 100 for i in range(count)]


def format_decimal(value):
    """100, 50, 33.34: no exponent, no trailing zeros."""
    return format(value.normalize(), "f")


def budget_periods(start, end, total):
    """The budget split over calendar years (IATI wants budget periods of at most a
    year; Palmecentret and Sida keep accounts by calendar year), in proportion to the
    days in each, in whole kronor that add up exactly to `total`."""
    periods = []
    for year in range(start.year, end.year + 1):
        first = max(start, datetime.date(year, 1, 1))
        last = min(end, datetime.date(year, 12, 31))
        periods.append((first, last, (last - first).days + 1))
    values = share_whole(total, [length for _, _, length in periods])
    return [(first, last, value) for (first, last, _), value in zip(periods, values)]


def share_whole(total, weights):
    """`total` whole kronor shared in proportion to `weights`, in whole kronor that add up
    to `total`: rounded down, and the largest remainders (the first where they tie) get
    the kronor left over."""
    whole = sum(weights)
    shares = [divmod(total * weight, whole) for weight in weights]
    values = [value for value, _rest in shares]
    leftover = total - sum(values)
    for index in sorted(range(len(shares)), key=lambda i: -shares[i][1])[:leftover]:
        values[index] += 1
    return values


def translations(obj, name):
    """{"sv": ..., "en": ...} of a translated field, without empty languages (an English
    text that falls back to Swedish on the page is not an English text)."""
    texts = {}
    for code in LANGUAGES:
        value = getattr(obj, f"{name}_{code}", None)
        if value:
            texts[code] = value
    return texts


@dataclass
class Organisation:
    role: str
    names: dict
    ref: str = ""
    type: str = ""
    activity_id: str = ""
    # Which of the portal's records it comes from: funder, palmecentret, member, partner.
    kind: str = ""

    def as_json(self):
        return {"role": self.role, "role_name": ROLE_NAMES[self.role], "ref": self.ref or None,
                "type": self.type or None, "activity_id": self.activity_id or None,
                "name": self.names}


@dataclass
class Party:
    """The provider or receiver of a transaction."""

    names: dict
    ref: str = ""
    activity_id: str = ""
    # A partner the project does not name: "a local partner", no name and no ref.
    hidden: bool = False


@dataclass
class Money:
    """A transaction as the files report it."""

    type_code: str
    date: datetime.date
    value: Decimal
    currency: str
    value_date: datetime.date
    provider: Party = None
    receiver: Party = None

    def as_json(self):
        return {
            "type": TRANSACTION_NAMES[self.type_code], "type_code": self.type_code,
            "date": self.date.isoformat(), "value": money(self.value),
            "currency": self.currency, "value_date": self.value_date.isoformat(),
            "provider": {"name": self.provider.names, "ref": self.provider.ref or None,
                         "activity_id": self.provider.activity_id or None}
            if self.provider else None,
            # JSON is language-neutral: a hidden partner is "a local partner" in English.
            "receiver": None if self.receiver is None else {
                "name": LOCAL_PARTNER["en"] if self.receiver.hidden
                else self.receiver.names["sv"]},
        }


def money(value):
    """An amount with two decimals, as a string: "1200.50"."""
    return f"{value:.2f}"


def totals(transactions):
    """{type name: {currency: "sum"}} of the transactions, only the types present."""
    sums = {}
    for flow in transactions:
        by_currency = sums.setdefault(TRANSACTION_NAMES[flow.type_code], {})
        by_currency[flow.currency] = by_currency.get(flow.currency, Decimal(0)) + flow.value
    return {name: {currency: money(total) for currency, total in sorted(by_currency.items())}
            for name, by_currency in sums.items()}


def code_names(choices, code):
    """{"sv": ..., "en": ...} of a TextChoices label."""
    names = {}
    for language in LANGUAGES:
        with translation.override(language):
            names[language] = str(choices(code).label)
    return names


@dataclass
class Activity:
    """One public project as every open-data format describes it."""

    project: Project
    identifier: str
    titles: dict
    descriptions: dict
    status_code: str
    dates: list  # (ActivityDateType code, date)
    countries: list  # (Country, percentage)
    places: list  # (place, ISO country code): empty when partners are hidden
    sectors: list  # (code, name, percentage)
    organisations: list
    partners: list  # Partner: empty when partners are hidden
    budgets: list  # (period start, period end, value in SEK)
    urls: dict
    parent: str  # the funder's contribution this project's programme belongs to
    last_updated: datetime.datetime
    themes: list = field(default_factory=list)
    transactions: list = field(default_factory=list)  # Money
    classifications: dict = field(default_factory=dict)  # AID_CLASSIFICATIONS name: code
    policy_markers: list = field(default_factory=list)  # PolicyMarker
    results: list = field(default_factory=list)  # see Related.results
    humanitarian: bool = False
    budget_not_provided: str = ""  # BudgetNotProvided code, only without budgets

    @property
    def dates_by_name(self):
        named = dict.fromkeys(DATE_NAMES.values())
        named.update({DATE_NAMES[code]: day for code, day in self.dates})
        return named

    def as_json(self):
        """The JSON record: the IATI content with names, plus what the page shows."""
        project = self.project
        programme = project.programme
        return {
            "iati_identifier": self.identifier,
            "title": self.titles,
            "description": self.descriptions,
            "url": self.urls,
            "status": project.status,
            "iati_activity_status": self.status_code,
            "dates": {name: day.isoformat() if day else None
                      for name, day in self.dates_by_name.items()},
            "recipient_countries": [
                {"code": country.iso_code, "name": translations(country, "name"),
                 "percentage": format_decimal(share)}
                for country, share in self.countries
            ],
            "sectors": [
                {"vocabulary": SECTOR_VOCABULARY_DAC, "code": code, "name": name or None,
                 "percentage": format_decimal(share)}
                for code, name, share in self.sectors
            ],
            "themes": [{"slug": theme.slug, "name": translations(theme, "name")}
                       for theme in self.themes],
            "budget_sek": project.budget_sek,
            "budgets": [{"period_start": first.isoformat(), "period_end": last.isoformat(),
                         "value": value, "currency": CURRENCY}
                        for first, last, value in self.budgets],
            "participating_organisations": [org.as_json() for org in self.organisations],
            "local_partners": [{"name": partner.name, "country": partner.country.iso_code,
                                "place": partner.place or None}
                               for partner in self.partners],
            "programme": {
                "name": translations(programme, "name"),
                "url": absolute_urls(programme) if programme.published else None,
                "funder_contribution_identifier":
                    programme.funder_contribution_identifier or None,
            } if programme else None,
            "related_activities": [{"type": RELATED_PARENT, "type_name": "parent",
                                    "ref": self.parent}] if self.parent else [],
            "people_reached": project.people_reached,
            "classifications": {key: self.classifications.get(name) or None
                                for name, _, key in CLASSIFICATION_ELEMENTS},
            "policy_markers": [
                {"code": marker.code,
                 "name": code_names(PolicyMarker.Code, marker.code),
                 "significance": marker.significance,
                 "significance_name": code_names(PolicyMarker.Significance,
                                                 marker.significance)}
                for marker in self.policy_markers
            ],
            "humanitarian": self.humanitarian,
            "transactions": [flow.as_json() for flow in self.transactions],
            "transaction_totals": totals(self.transactions),
            "results": [
                {"type": result.result_type,
                 "type_name": RESULT_TYPE_NAMES.get(result.result_type),
                 "title": translations(result, "title"),
                 "description": translations(result, "description"),
                 "indicators": [
                     {"title": translations(indicator, "title"),
                      "measure": MEASURE_NAMES.get(indicator.measure),
                      "ascending": indicator.ascending,
                      "baseline": {"year": indicator.baseline_year,
                                   "value": format_decimal(indicator.baseline_value)}
                      if indicator.baseline_year is not None else None,
                      "periods": [
                          {"start": period.period_start.isoformat(),
                           "end": period.period_end.isoformat(),
                           "target": format_decimal(period.target),
                           "actual": None if period.actual is None
                           else format_decimal(period.actual)}
                          for period in periods
                      ]}
                     for indicator, periods in indicators
                 ]}
                for result, indicators in self.results
            ],
            "first_published": timestamp(project.published_at) or None,
            "last_updated": timestamp(self.last_updated),
        }

    def as_row(self):
        """The CSV row: the JSON record flattened, lists joined with "; "."""
        project = self.project
        funder = next((o for o in self.organisations if o.role == FUNDING), None)
        dates = self.dates_by_name
        programme = project.programme
        sums = totals(self.transactions)
        return [
            self.identifier,
            self.titles.get("sv", ""), self.titles.get("en", ""),
            self.descriptions.get("sv", ""), self.descriptions.get("en", ""),
            self.urls["sv"], self.urls["en"],
            project.status, self.status_code,
            *(dates[name].isoformat() if dates[name] else "" for name in DATE_NAMES.values()),
            _join(country.iso_code for country, _ in self.countries),
            _join(format_decimal(share) for _, share in self.countries),
            _join(country.name_sv for country, _ in self.countries),
            _join(code for code, _, _ in self.sectors),
            _join(format_decimal(share) for _, _, share in self.sectors),
            _join(theme.name_sv for theme in self.themes),
            "" if project.budget_sek is None else project.budget_sek,
            CURRENCY if project.budget_sek is not None else "",
            funder.names.get("sv", "") if funder else "",
            funder.ref if funder else "",
            programme.name_sv if programme else "",
            self.parent,
            _join(o.names.get("sv", "") for o in self.organisations if o.kind == "member"),
            _join(partner.name for partner in self.partners),
            _join(place for place, _ in self.places),
            "" if project.people_reached is None else project.people_reached,
            timestamp(project.published_at),
            timestamp(self.last_updated),
            *(sums.get(name, {}).get(CURRENCY, "") for name in TRANSACTION_NAMES.values()),
            _join(f"{currency} {total} {name}" for name, by_currency in sums.items()
                  for currency, total in by_currency.items() if currency != CURRENCY),
            *(self.classifications.get(name) or "" for name in (
                "default_aid_type", "default_flow_type", "default_finance_type",
                "default_collaboration_type", "default_tied_status")),
            _join(f"{marker.code}:{marker.significance}" for marker in self.policy_markers),
            int(self.humanitarian),
            len(self.results),
        ]


CSV_COLUMNS = [
    "iati_identifier", "title_sv", "title_en", "description_sv", "description_en",
    "url_sv", "url_en", "status", "iati_activity_status",
    *DATE_NAMES.values(),
    "recipient_countries", "recipient_country_percentages", "recipient_country_names_sv",
    "sectors_dac", "sector_percentages", "themes_sv",
    "budget", "currency", "funder", "funder_iati_identifier", "programme",
    "parent_activity", "member_organisations", "local_partners", "local_partner_places",
    "people_reached", "first_published", "last_updated",
    "incoming_funds_sek", "disbursements_sek", "expenditure_sek", "other_currency_totals",
    "aid_type", "flow_type", "finance_type", "collaboration_type", "tied_status",
    "policy_markers", "humanitarian", "result_count",
]


def timestamp(moment):
    """Local (Stockholm) time to the second, with its offset: 2025-03-01T09:00:00+01:00."""
    if moment is None:
        return ""
    return timezone.localtime(moment).replace(microsecond=0).isoformat()


def _join(values):
    return "; ".join(value for value in values if value)


def absolute_urls(obj):
    """The object's page in each language, as absolute URLs on SITE_URL."""
    urls = {}
    for code in LANGUAGES:
        with translation.override(code):
            urls[code] = settings.SITE_URL + obj.get_absolute_url()
    return urls


def reporting_organisation():
    return Organisation(role=EXTENDING, names=dict(settings.IATI_ORGANISATION_NAME),
                        ref=settings.IATI_ORGANISATION_IDENTIFIER,
                        type=settings.IATI_ORGANISATION_TYPE, kind="palmecentret")


def describe(project, today, related=None):
    """The Activity for a project, with its relations from iterate() or, if not given,
    from its managers (see export_queryset())."""
    related = related or Related.of(project)
    # A fixed order whatever the language: the models order by name, which
    # modeltranslation reads in the active language, and the first country and sector
    # get the hundredth left over when 100 does not divide evenly (IATI rule 3.1.2).
    countries = sorted(related.countries, key=lambda country: country.iso_code)
    themes = sorted(related.themes, key=lambda theme: (theme.name_sv, theme.pk))
    members = sorted(related.members, key=lambda member: (member.name_sv, member.pk))
    programme = project.programme
    partners = [] if project.hides_partners else related.partners

    dates = [(PLANNED_START, project.start_date)]
    if project.status != Project.Status.PLANNED and project.start_date <= today:
        dates.append((ACTUAL_START, project.start_date))
    if project.end_date:
        dates.append((PLANNED_END, project.end_date))
        # An actual date is never in the future, whatever the status says.
        if project.status == Project.Status.COMPLETED and project.end_date <= today:
            dates.append((ACTUAL_END, project.end_date))

    names = codelists.active_codes("Sector")
    codes = sorted({t.dac_purpose_code for t in themes if t.dac_purpose_code})
    sectors = [(code, names.get(code, ""), share)
               for code, share in zip(codes, split_percentages(len(codes)))]

    # Funding: the project's funder, else its programme's; the funder's contribution
    # (e.g. Sida's frame agreement) is the activity it published for this money.
    funder = project.funder or (programme.funder if programme else None)
    contribution = programme.funder_contribution_identifier if programme else ""
    organisations = []
    if funder:
        organisations.append(Organisation(
            role=FUNDING, names=translations(funder, "name"), ref=funder.iati_identifier,
            activity_id=contribution if programme and programme.funder_id == funder.pk
            else "", kind="funder"))
    palmecentret = reporting_organisation()
    organisations.append(palmecentret)
    # Palmecentret carries out every project together with its member organisations
    # and local partners, so it is also an implementing organisation.
    organisations.append(Organisation(role=IMPLEMENTING, names=palmecentret.names,
                                      ref=palmecentret.ref, type=palmecentret.type,
                                      kind="palmecentret"))
    organisations.extend(
        Organisation(role=IMPLEMENTING, names=translations(member, "name"), kind="member")
        for member in members
    )
    # Partners have no types or identifiers in the portal; their names are proper names.
    organisations.extend(Organisation(role=IMPLEMENTING, names={"sv": partner.name},
                                      kind="partner") for partner in partners)

    places = list(dict.fromkeys((p.place, p.country.iso_code) for p in partners if p.place))

    budgets = []
    if project.budget_sek is not None and project.end_date:
        budgets = budget_periods(project.start_date, project.end_date, project.budget_sek)

    # The admin refuses a future date (Transaction.clean); one stored some other way
    # stays out of every format rather than break IATI rules 11.2.1 and 11.2.2.
    flows = [_money(row, project, funder) for row in related.transactions
             if max(row.date, row.value_date or row.date) <= today]

    descriptions = {}
    for code in LANGUAGES:
        # Demo content says so in the file too (pages show a badge; IATI has no place
        # for one): nobody may take it for real reporting.
        note = DEMO_NOTE[code] if project.is_demo else ""
        text = "\n\n".join(t for t in (note, getattr(project, f"summary_{code}"),
                                         getattr(project, f"body_{code}")) if t)
        if text:
            descriptions[code] = text

    return Activity(
        project=project,
        identifier=project.iati_identifier,
        titles=translations(project, "title"),
        descriptions=descriptions,
        status_code=ACTIVITY_STATUS[project.status],
        dates=dates,
        countries=list(zip(countries, split_percentages(len(countries)))),
        places=places,
        sectors=sectors,
        organisations=organisations,
        partners=partners,
        budgets=budgets,
        urls=absolute_urls(project),
        parent=contribution,
        last_updated=_last_updated(project, funder, related, partners),
        themes=themes,
        transactions=flows,
        classifications={name: project.classification(name) for name in AID_CLASSIFICATIONS},
        policy_markers=related.policy_markers,
        results=related.results,
        humanitarian=project.humanitarian,
        budget_not_provided="" if budgets else project.budget_not_provided,
    )


def _money(row, project, funder):
    """A Transaction as Money: incoming funds name their funder (the activity's if the
    row names none) and the funder's activity the money comes from; a disbursement names
    its partner unless the project hides its partners."""
    programme = project.programme
    provider = receiver = None
    if row.transaction_type == Transaction.Type.INCOMING_FUNDS:
        source = row.provider or funder
        if source is not None:
            # The programme's contribution identifier is that funder's activity only.
            contribution = (programme.funder_contribution_identifier
                            if programme and programme.funder_id == source.pk else "")
            provider = Party(names=translations(source, "name") or {"sv": str(source)},
                             ref=source.iati_identifier,
                             activity_id=row.provider_activity_id or contribution)
    elif row.transaction_type == Transaction.Type.DISBURSEMENT and row.receiver is not None:
        receiver = (Party(names=dict(LOCAL_PARTNER), hidden=True) if project.hides_partners
                    else Party(names={"sv": row.receiver.name}))
    return Money(type_code=row.transaction_type, date=row.date, value=row.value,
                 currency=row.currency, value_date=row.value_date or row.date,
                 provider=provider, receiver=receiver)


def _last_updated(project, funder, related, partners):
    """The latest change to anything the activity reports: the project, its programme,
    funders, countries, themes, member organisations, named partners, transactions,
    results, indicators and periods. (Deleted rows and policy markers leave no stamp of
    their own: projects/receivers.py touches the project or programme for them.)"""
    rows = [project, project.programme, funder, *related.countries, *related.themes,
            *related.members, *partners, *related.transactions]
    rows += [row.provider for row in related.transactions]
    rows += [row.receiver for row in related.transactions if not project.hides_partners]
    for result, indicators in related.results:
        rows.append(result)
        for indicator, periods in indicators:
            rows.append(indicator)
            rows.extend(periods)
    return max(stamp for stamp in (getattr(row, "updated", None) for row in rows) if stamp)


# --- IATI XML ----------------------------------------------------------------------------

# Attribute values are always written in double quotes; white space other than a plain
# space is kept as a character reference, or a parser would turn it into a space.
_ATTRIBUTE_ENTITIES = {'"': "&quot;", "\n": "&#10;", "\r": "&#13;", "\t": "&#9;"}


def xml_safe(value):
    """The text without the characters XML 1.0 cannot carry."""
    text = str(value)
    # isprintable() is a fast check that covers almost every text (it is False for line
    # breaks and the like, which then take the slower exact way).
    return text if text.isprintable() else _NOT_XML.sub("", text)


def xml_text(value):
    return escape(xml_safe(value))


def _attrs(attrs):
    return "".join(f' {name}="{escape(xml_safe(value), _ATTRIBUTE_ENTITIES)}"'
                   for name, value in attrs.items() if value not in (None, ""))


def write_element(out, node, depth):
    """Serialise (tag, attrs, children or text) with two-space indentation."""
    tag, attrs, content = node
    indent = "  " * depth
    if content is None or content == []:
        out.append(f"{indent}<{tag}{_attrs(attrs)}/>\n")
    elif isinstance(content, list):
        out.append(f"{indent}<{tag}{_attrs(attrs)}>\n")
        for child in content:
            write_element(out, child, depth + 1)
        out.append(f"{indent}</{tag}>\n")
    else:
        out.append(f"{indent}<{tag}{_attrs(attrs)}>{xml_text(content)}</{tag}>\n")


def _narratives(texts):
    """Narratives in Swedish (the activity's default language, no xml:lang) and English."""
    return [("narrative", {} if code == "sv" else {"xml:lang": code}, text)
            for code, text in texts.items() if text]


def activity_element(activity):
    """The iati-activity element, children in the order the 2.03 schema requires."""
    reporting = reporting_organisation()
    descriptions = activity.descriptions or activity.titles
    children = [
        ("iati-identifier", {}, activity.identifier),
        ("reporting-org", {"ref": reporting.ref, "type": reporting.type},
         _narratives(reporting.names)),
        ("title", {}, _narratives(activity.titles)),
        ("description", {"type": "1"}, _narratives(descriptions)),
        *(("participating-org", {"ref": org.ref, "type": org.type, "role": org.role,
                                 "activity-id": org.activity_id}, _narratives(org.names))
          for org in activity.organisations),
        ("activity-status", {"code": activity.status_code}, None),
        *(("activity-date", {"type": code, "iso-date": day.isoformat()}, None)
          for code, day in activity.dates),
        contact_element(),
    ]
    if activity.countries:
        children.append(("activity-scope", {"code": SCOPE_NATIONAL if len(activity.countries)
                                            == 1 else SCOPE_MULTINATIONAL}, None))
    children += [
        ("recipient-country", {"code": country.iso_code,
                               "percentage": format_decimal(share)}, None)
        for country, share in activity.countries
    ]
    children += [
        ("location", {}, [
            ("location-reach", {"code": LOCATION_REACH_ACTIVITY}, None),
            ("name", {}, _narratives({"sv": place})),
            ("administrative", {"vocabulary": GEOGRAPHIC_VOCABULARY_ISO_COUNTRY,
                                "level": "0", "code": iso_code}, None),
        ])
        for place, iso_code in activity.places
    ]
    children += [
        ("sector", {"vocabulary": SECTOR_VOCABULARY_DAC, "code": code,
                    "percentage": format_decimal(share)},
         _narratives({"en": name}) if name else None)
        for code, name, share in activity.sectors
    ]
    children += [
        ("policy-marker", {"vocabulary": POLICY_VOCABULARY_DAC, "code": marker.code,
                           "significance": marker.significance}, None)
        for marker in activity.policy_markers
    ]
    for name, element, _ in CLASSIFICATION_ELEMENTS:
        code = activity.classifications.get(name)
        if code:
            attrs = {"code": code}
            if element == "default-aid-type":
                attrs["vocabulary"] = AID_TYPE_VOCABULARY_DAC
            children.append((element, attrs, None))
    budget_status = (BUDGET_INDICATIVE if activity.project.status == Project.Status.PLANNED
                     else BUDGET_COMMITTED)
    children += [
        ("budget", {"type": BUDGET_ORIGINAL, "status": budget_status}, [
            ("period-start", {"iso-date": first.isoformat()}, None),
            ("period-end", {"iso-date": last.isoformat()}, None),
            ("value", {"currency": CURRENCY, "value-date": first.isoformat()}, str(value)),
        ])
        for first, last, value in activity.budgets
    ]
    children += [transaction_element(flow) for flow in activity.transactions]
    for code in LANGUAGES:
        # The English page shows the Swedish title where there is no English one.
        title = activity.titles.get(code) or activity.titles.get("sv", "")
        children.append(("document-link", {"url": activity.urls[code], "format": "text/html"}, [
            ("title", {}, [("narrative", {} if code == "sv" else {"xml:lang": code}, title)]),
            ("category", {"code": DOCUMENT_WEB_PAGE}, None),
            ("language", {"code": code}, None),
        ]))
    if activity.parent:
        children.append(("related-activity", {"ref": activity.parent,
                                              "type": RELATED_PARENT}, None))
    children += [result_element(result, indicators)
                 for result, indicators in activity.results]
    return ("iati-activity", {
        "last-updated-datetime": timestamp(activity.last_updated),
        "xml:lang": "sv",
        "default-currency": CURRENCY,
        "humanitarian": "1" if activity.humanitarian else None,
        "budget-not-provided": activity.budget_not_provided,
    }, children)


def contact_element():
    """Who answers questions about the data (settings.IATI_CONTACT), on every activity."""
    contact = settings.IATI_CONTACT
    children = [("organisation", {}, _narratives(contact["organisation"]))]
    children += [(name, {}, contact[key]) for key, name in (("email", "email"),
                                                            ("website", "website"))
                 if contact.get(key)]
    if contact.get("mailing_address"):
        children.append(("mailing-address", {},
                         _narratives({"sv": contact["mailing_address"]})))
    return ("contact-info", {"type": CONTACT_GENERAL}, children)


def transaction_element(flow):
    children = [
        ("transaction-type", {"code": flow.type_code}, None),
        ("transaction-date", {"iso-date": flow.date.isoformat()}, None),
        ("value", {"currency": flow.currency, "value-date": flow.value_date.isoformat()},
         money(flow.value)),
    ]
    if flow.provider:
        children.append(("provider-org", {"ref": flow.provider.ref,
                                          "provider-activity-id": flow.provider.activity_id},
                         _narratives(flow.provider.names)))
    if flow.receiver:
        children.append(("receiver-org", {"ref": flow.receiver.ref},
                         _narratives(flow.receiver.names)))
    return ("transaction", {}, children)


def result_element(result, indicators):
    """A result with its indicators: baseline, and per period the target and, once
    measured, the actual value (IATI rules 8.8-8.10: values are numbers)."""
    children = [("title", {}, _narratives(translations(result, "title")
                                          or {"sv": str(result)}))]
    description = translations(result, "description")
    if description:
        children.append(("description", {}, _narratives(description)))
    for indicator, periods in indicators:
        parts = [("title", {}, _narratives(translations(indicator, "title")
                                           or {"sv": str(indicator)}))]
        if indicator.baseline_year is not None and indicator.baseline_value is not None:
            parts.append(("baseline", {"year": str(indicator.baseline_year),
                                       "value": format_decimal(indicator.baseline_value)},
                          None))
        for period in periods:
            measured = [("target", {"value": format_decimal(period.target)}, None)]
            if period.actual is not None:
                measured.append(("actual", {"value": format_decimal(period.actual)}, None))
            parts.append(("period", {}, [
                ("period-start", {"iso-date": period.period_start.isoformat()}, None),
                ("period-end", {"iso-date": period.period_end.isoformat()}, None),
                *measured,
            ]))
        children.append(("indicator", {"measure": indicator.measure,
                                       "ascending": "1" if indicator.ascending else "0"},
                         parts))
    return ("result", {"type": result.result_type}, children)


class IatiActivitiesFile:
    """The iati-activities document of the public projects, produced piece by piece.

    Iterate to get bytes; afterwards `activity_count` and `size` say what was made. The
    same object serves the web view and the write_iati command."""

    def __init__(self, projects=None, now=None):
        self.projects = Project.objects.public() if projects is None else projects
        self.now = now or timezone.now()
        self.activity_count = 0
        self.size = 0

    def _pieces(self):
        now = timezone.localtime(self.now).replace(microsecond=0)
        today = now.date()
        licence = settings.OPEN_DATA_LICENCE
        yield ('<?xml version="1.0" encoding="UTF-8"?>\n'
               f"<!-- {xml_text(settings.IATI_ORGANISATION_NAME['en'])}: published projects. "
               f"Licence: {xml_text(licence['name'])} {xml_text(licence['url'])} -->\n"
               f'<iati-activities version="{IATI_VERSION}" '
               f'generated-datetime="{now.isoformat()}">\n')
        pending, pending_size = [], 0
        for project, related in iterate(self.projects.order_by("pk")):
            out = []
            write_element(out, activity_element(describe(project, today, related)), 1)
            activity = "".join(out)
            pending.append(activity)
            pending_size += len(activity)
            self.activity_count += 1
            if pending_size >= PIECE_SIZE:
                yield "".join(pending)
                pending, pending_size = [], 0
        pending.append("</iati-activities>\n")
        yield "".join(pending)

    def __iter__(self):
        self.activity_count = self.size = 0
        for piece in self._pieces():
            data = piece.encode("utf-8")
            self.size += len(data)
            yield data


# --- CSV and JSON ------------------------------------------------------------------------


def csv_pieces(projects, now=None):
    """UTF-8 CSV with a byte-order mark (so Excel reads å, ä, ö right), one row a project,
    no cell a formula."""
    today = timezone.localdate(now or timezone.now())
    rows = (describe(project, today, related).as_row() for project, related in iterate(projects))
    return spreadsheets.csv_pieces(itertools.chain([CSV_COLUMNS], rows))


def json_metadata(count, source_url, now=None):
    licence = settings.OPEN_DATA_LICENCE
    return {
        "publisher": {"name": dict(settings.IATI_ORGANISATION_NAME),
                      "iati_identifier": settings.IATI_ORGANISATION_IDENTIFIER},
        "licence": {"name": licence["name"], "url": licence["url"]},
        "generated": timezone.localtime(now or timezone.now()).replace(
            microsecond=0).isoformat(),
        "source": source_url,
        "count": count,
    }


def json_dumps(data, **kwargs):
    # ensure_ascii=False: "Västbanken", not "V\u00e4stbanken".
    return json.dumps(data, ensure_ascii=False, **kwargs)


def json_pieces(projects, metadata, now=None):
    """{"publisher": ..., "projects": [...]}, one project at a time."""
    today = timezone.localdate(now or timezone.now())
    head = json_dumps(metadata)
    out = [head[:-1] + ', "projects": [']
    first = True
    for project, related in iterate(projects):
        record = describe(project, today, related).as_json()
        out.append(("\n" if first else ",\n") + json_dumps(record))
        first = False
        if len(out) >= 200:
            yield "".join(out).encode("utf-8")
            out = []
    out.append("\n]}\n")
    yield "".join(out).encode("utf-8")
