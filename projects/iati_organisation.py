"""The IATI 2.03 organisation file (/iati/organisation.xml): Palmecentret itself, its
budget per year and per country summed from the public projects, and its annual reports."""

import datetime
from collections import defaultdict
from dataclasses import dataclass, field

from django.conf import settings
from django.db.models import Count, Max
from django.utils import timezone, translation
from django.utils.translation import gettext as _

# The activity file's writer and rules, so that both files are written and split alike.
from .opendata import (
    CURRENCY,
    IATI_VERSION,
    budget_periods,
    reporting_organisation,
    share_whole,
    split_percentages,
    timestamp,
    write_element,
    xml_text,
)
from .models import AnnualReport, Project

DOCUMENT_ANNUAL_REPORT = "B01"  # DocumentCategory "Annual report"


def budgeted_projects():
    """The public projects whose budgets the activity file reports (an amount and an end
    date: a budget is split over the years the project runs)."""
    return Project.objects.public().filter(budget_sek__isnull=False, end_date__isnull=False)


def _year(year):
    return datetime.date(year, 1, 1), datetime.date(year, 12, 31)


def total_budgets():
    """{year: kronor}: each budgeted project's budget split over calendar years exactly as
    its activity does (budget_periods), summed. Projects with the same dates and budget
    split alike, so the database counts them and each split is made once."""
    totals = defaultdict(int)
    groups = (budgeted_projects().order_by().values_list("start_date", "end_date", "budget_sek")
              .annotate(projects=Count("pk")))
    for start, end, budget, projects in groups:
        for first, _last, value in budget_periods(start, end, budget):
            totals[first.year] += value * projects
    return dict(sorted(totals.items()))


def share_out(value, percentages):
    """`value` whole kronor shared by `percentages` (two decimals, adding up to 100), in
    whole kronor that add up to `value`: the largest remainders get the kronor left over,
    the first in order where they tie."""
    return share_whole(value, [int(share * 100) for share in percentages])


@dataclass
class CountryBudgets:
    code: str
    names: dict
    years: dict = field(default_factory=dict)  # {year: kronor}


def country_budgets():
    """[CountryBudgets] in order of ISO code: each budgeted project's yearly budget shared
    over its countries by the percentages of its activity (split_percentages, in order of
    ISO code), summed per country and year. One query: the project-country links with the
    project's dates and budget, in the order the shares are given."""
    links = (Project.countries.through.objects
             .filter(project__in=budgeted_projects())
             .order_by("project_id", "country__iso_code")
             .values_list("project_id", "project__start_date", "project__end_date",
                          "project__budget_sek", "country__iso_code", "country__name_sv",
                          "country__name_en"))
    countries = {}

    def add(project_rows):
        start, end, budget = project_rows[0][1:4]
        codes = [row[4] for row in project_rows]
        percentages = split_percentages(len(codes))
        for first, _last, value in budget_periods(start, end, budget):
            for code, share in zip(codes, share_out(value, percentages)):
                years = countries[code].years
                years[first.year] = years.get(first.year, 0) + share

    current, rows = None, []
    for row in links.iterator(chunk_size=2000):
        code = row[4]
        if code not in countries:
            countries[code] = CountryBudgets(code, {"sv": row[5], "en": row[6] or ""})
        if row[0] != current and rows:
            add(rows)
            rows = []
        current = row[0]
        rows.append(row)
    if rows:
        add(rows)
    return [countries[code] for code in sorted(countries)]


def _media_type(url):
    return "application/pdf" if url.lower().split("?")[0].endswith(".pdf") else "text/html"


def annual_report_links():
    """(url, language, title) per annual report and language it exists in, newest first."""
    links = []
    for report in AnnualReport.objects.order_by("-year"):
        for code in ("sv", "en"):
            url = getattr(report, f"url_{code}", "")
            if url:
                with translation.override(code):
                    title = _("Annual report %(year)s") % {"year": report.year}
                links.append((url, code, title))
    return links


def last_updated(now):
    """When anything the file reports last changed: the latest change to any project
    (publishing or hiding one moves the totals too) or annual report, never after
    `now`."""
    stamps = [Project.objects.aggregate(latest=Max("updated"))["latest"],
              AnnualReport.objects.aggregate(latest=Max("updated"))["latest"]]
    return min(max((stamp for stamp in stamps if stamp), default=now), now)


def _narratives(texts):
    """Swedish (the file's default language, no xml:lang) and English."""
    return [("narrative", {} if code == "sv" else {"xml:lang": code}, text)
            for code, text in texts.items() if text]


def _budget(tag, year, value, before=()):
    first, last = _year(year)
    return (tag, {}, [
        *before,
        ("period-start", {"iso-date": first.isoformat()}, None),
        ("period-end", {"iso-date": last.isoformat()}, None),
        ("value", {"currency": CURRENCY, "value-date": first.isoformat()}, str(value)),
    ])


def organisation_element(now):
    """The iati-organisation element, children in the order the 2.03 schema requires.
    Budgets carry no status: a sum of project plans is indicative, IATI's default."""
    reporting = reporting_organisation()
    children = [
        ("organisation-identifier", {}, reporting.ref),
        ("name", {}, _narratives(reporting.names)),
        ("reporting-org", {"ref": reporting.ref, "type": reporting.type},
         _narratives(reporting.names)),
    ]
    children += [_budget("total-budget", year, value)
                 for year, value in total_budgets().items()]
    for country in country_budgets():
        recipient = ("recipient-country", {"code": country.code},
                     _narratives(country.names))
        children += [_budget("recipient-country-budget", year, value, before=[recipient])
                     for year, value in sorted(country.years.items())]
    children += [
        ("document-link", {"url": url, "format": _media_type(url)}, [
            ("title", {}, _narratives({language: title})),
            ("category", {"code": DOCUMENT_ANNUAL_REPORT}, None),
            ("language", {"code": language}, None),
        ])
        for url, language, title in annual_report_links()
    ]
    return ("iati-organisation", {
        "last-updated-datetime": timestamp(last_updated(now)),
        "xml:lang": "sv",
        "default-currency": CURRENCY,
    }, children)


def organisation_file(now=None):
    """The whole iati-organisations document as bytes: small (a few elements a year and
    country), so built at once. A fixed number of queries whatever the number of
    projects: budget totals, country links, annual reports, last change."""
    now = timezone.localtime(now or timezone.now()).replace(microsecond=0)
    licence = settings.OPEN_DATA_LICENCE
    out = ['<?xml version="1.0" encoding="UTF-8"?>\n'
           f"<!-- {xml_text(settings.IATI_ORGANISATION_NAME['en'])}. "
           f"Licence: {xml_text(licence['name'])} {xml_text(licence['url'])} -->\n"
           f'<iati-organisations version="{IATI_VERSION}" '
           f'generated-datetime="{now.isoformat()}">\n']
    write_element(out, organisation_element(now), 1)
    out.append("</iati-organisations>\n")
    return "".join(out).encode("utf-8")
