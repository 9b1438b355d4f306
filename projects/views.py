"""Public pages on where Palmecentret works: regions, countries, programmes, projects."""

from collections import defaultdict
from decimal import ROUND_HALF_UP, Decimal

from django.core.paginator import Paginator
from django.db.models import Count, Exists, OuterRef, Prefetch, prefetch_related_objects
from django.http import QueryDict
from django.urls import reverse
from django.utils.formats import date_format, number_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.utils.translation import ngettext
from django.views.generic import DetailView, ListView, TemplateView

from common.charts import bar_chart, grouped
from common.views import LISTED, BreadcrumbsMixin, PreviewMixin, list_url
from members.models import MemberOrganisation

from .filters import ProjectFilter, with_list_filters
from .models import (
    NEWEST_FIRST,
    Country,
    Indicator,
    Partner,
    Programme,
    Project,
    Region,
    Result,
    Theme,
    Transaction,
    count_of,
    sum_of,
)


def filtered_list_url(**filters):
    return list_url("projects:project-list", **filters)


def regions_crumb():
    return (reverse("projects:region-list"), _("Regions"))


def projects_crumb():
    return (reverse("projects:project-list"), _("Projects"))


def public_cards():
    """The public projects as cards show them, newest first as the project list's
    default order, which the pages' "all projects" links lead to."""
    return Project.objects.public().for_cards().newest_first()


def project_charts(chart_id, categories, projects, *, label_heading, titles, keep_empty=True,
                   empty_text=gettext_lazy("No projects have been published yet.")):
    """Two bar charts of `categories` (regions, countries or themes): the number of
    `projects` in each and their budget in total, from one query. `projects` are public
    projects filtered by an OuterRef to the category; one in several categories counts
    in each, with its whole budget. A category without projects is left out unless
    `keep_empty` (a place where we work says something with a 0; a theme does not)."""
    rows = categories.annotate(project_count=count_of(projects),
                               budget_total=sum_of(projects, "budget_sek"))
    rows = [row for row in rows if keep_empty or row.project_count]
    projects_title, budget_title = titles
    return [
        bar_chart(
            f"{chart_id}-projects", projects_title,
            [(row.name, row.project_count) for row in rows],
            label_heading=label_heading, value_heading=_("Projects"), shown=grouped,
            empty_text=empty_text,
            spoken=lambda n: ngettext("%(count)s project", "%(count)s projects", n)
            % {"count": grouped(n)},
        ),
        bar_chart(
            f"{chart_id}-budget", budget_title,
            [(row.name, row.budget_total) for row in rows],
            label_heading=label_heading, value_heading=_("Budget"),
            shown=lambda n: _("SEK %(amount)s") % {"amount": grouped(n)},
            empty_text=_("None of these projects has a published budget yet."),
        ),
    ]


class RegionListView(BreadcrumbsMixin, ListView):
    template_name = "projects/region_list.html"
    context_object_name = "regions"

    def get_breadcrumbs(self):
        return [regions_crumb()]

    def get_queryset(self):
        return Region.objects.with_counts().prefetch_related(
            Prefetch("countries", queryset=Country.objects.order_by("name")))

    def get_context_data(self, **kwargs):
        regions = self.object_list
        return super().get_context_data(
            # The map links the countries the list shows, from the same prefetch. Both
            # are read only when the template's cached fragment of them is missing.
            map_countries=lambda: [country for region in regions
                                   for country in region.countries.all()],
            **kwargs,
        )


class RegionDetailView(BreadcrumbsMixin, DetailView):
    model = Region
    latest_count = 6

    def get_breadcrumbs(self):
        return [regions_crumb(), (self.request.path, self.object.name)]

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            # Called only when the template's cached fragment of it is missing.
            work=self.work,
            charts=self.charts,
            all_projects_url=filtered_list_url(region=self.object.slug),
            **kwargs,
        )

    def charts(self):
        """The region's public projects and budgets by country and by theme: one
        {% cache %} fragment, a query for each pair of charts."""
        region = self.object
        return [
            project_charts(
                "by-country", Country.objects.filter(region=region),
                Project.objects.public().filter(countries=OuterRef("pk")),
                label_heading=_("Country"),
                titles=(_("Projects by country"), _("Budget by country"))),
            project_charts(
                "by-theme", Theme.objects.all(),
                Project.objects.public().in_region(region).filter(themes=OuterRef("pk")),
                label_heading=_("Theme"), keep_empty=False,
                empty_text=_("None of these projects has a theme yet."),
                titles=(_("Projects by theme"), _("Budget by theme"))),
        ]

    def work(self):
        """The region's countries, programmes and latest projects: one {% cache %}
        fragment, shared by all its visitors."""
        region = self.object
        return {
            "countries": region.countries.order_by("name"),
            "programmes": Programme.objects.public().filter(region=region),
            "latest_projects": Project.objects.public().for_cards().in_region(region)
            .newest_published()[:self.latest_count],
        }


class CountryDetailView(BreadcrumbsMixin, DetailView):
    queryset = Country.objects.select_related("region")

    def get_breadcrumbs(self):
        region = self.object.region
        return [regions_crumb(), (region.get_absolute_url(), region.name),
                (self.request.path, self.object.name)]

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            # Called only when the template's cached fragment of it is missing.
            work=self.work,
            all_projects_url=filtered_list_url(country=self.object.slug),
            **kwargs,
        )

    def work(self):
        """The country's programmes and projects, the member organisations active there
        and its local partners: one {% cache %} fragment, shared by all its visitors."""
        country = self.object
        in_country = public_cards().filter(countries=country)
        public_here = Project.objects.public().filter(countries=country)
        by_status = dict(public_here.order_by().values_list("status").annotate(n=Count("pk")))
        completed_count = by_status.pop(Project.Status.COMPLETED, 0)
        return {
            "programmes": Programme.objects.public().filter(countries=country),
            "ongoing_projects": in_country.exclude(status=Project.Status.COMPLETED)[:LISTED],
            "ongoing_count": sum(by_status.values()),
            "completed_projects": in_country.filter(status=Project.Status.COMPLETED)[:LISTED],
            "completed_count": completed_count,
            # Only partners of projects that show their partners: a partner at risk is
            # never named, not even here.
            "partners": Partner.objects.filter(country=country).filter(Exists(
                Project.partners.through.objects.filter(
                    partner=OuterRef("pk"),
                    project__in=public_here.filter(visibility=Project.Visibility.PUBLIC),
                ))),
            "member_organisations": MemberOrganisation.objects.public().filter(Exists(
                Project.member_organisations.through.objects.filter(
                    memberorganisation=OuterRef("pk"), project__in=public_here))),
        }


class ProgrammeDetailView(PreviewMixin, BreadcrumbsMixin, DetailView):
    # Its countries and themes are read inside the template's cached fragment.
    queryset = Programme.objects.select_related("region", "funder")

    def get_breadcrumbs(self):
        region = self.object.region
        return [regions_crumb(), (region.get_absolute_url(), region.name),
                (self.request.path, self.object.name)]

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            # Called only when the template's cached fragment of it is missing.
            work=self.work,
            all_projects_url=filtered_list_url(programme=self.object.slug),
            **kwargs,
        )

    def work(self):
        """The programme's projects: one {% cache %} fragment with its countries and
        themes, shared by all its visitors."""
        in_programme = public_cards().filter(programme=self.object)
        return {"projects": in_programme[:LISTED], "project_count": in_programme.count()}


class ProjectListView(BreadcrumbsMixin, TemplateView):
    """Projects with combinable filters, counts per filter value, sorting and pages."""

    template_name = "projects/project_list.html"
    page_size = 20

    def get_breadcrumbs(self):
        return [projects_crumb()]

    def get_context_data(self, **kwargs):
        self.filterset = filterset = ProjectFilter.for_request(self.request)
        sort = filterset.form.data.get("sort")
        return super().get_context_data(
            filterset=filterset,
            # Counted only when the template's cached fragment of the filters is missing:
            # the same for every page and sort of a filtered list.
            facets=lambda: facets_for(filterset),
            facets_key=with_list_filters("", self.request, without=("page", "sort")),
            # Called only when the template's cached fragment of this page is missing.
            results=self.results,
            page_number=self.request.GET.get("page"),
            sort_options=[{"value": value, "label": label, "selected": value == sort}
                          for value, label in filterset.SORT_CHOICES],
            active_filters=active_filters(filterset, self.request),
            unusable_filters=unusable_filters(filterset),
            # The list's filters and sort for its exports and feed (not its page number).
            list_query=with_list_filters("", self.request),
            **kwargs,
        )

    def results(self):
        """One page of the filtered list: a {% cache %} fragment shared by every visitor
        of the same filters, sort and page. A page number that is not a number or past
        the end gets the nearest real page rather than a 404: a shared link stays useful
        after the list shrinks."""
        page = Paginator(self.filterset.qs.for_cards(), self.page_size).get_page(
            self.request.GET.get("page"))
        return {"page_obj": page, "paginator": page.paginator,
                "is_paginated": page.has_other_pages()}


class ProjectDetailView(PreviewMixin, BreadcrumbsMixin, DetailView):
    """A project: its facts, body, locator map and related projects, each a {% cache %}
    fragment whose data a view method reads only when the fragment is missing, so a page
    whose fragments are kept runs one query (the project)."""

    context_object_name = "project"
    queryset = Project.objects.select_related("programme", "funder")
    related_count = 4

    def get_breadcrumbs(self):
        # The page itself; the links above it are trail()'s, in a fragment of their own.
        return [(self.request.path, self.object.title)]

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            # Each called only when the template's cached fragment of it is missing.
            with_relations=self.with_relations,
            trail=self.trail,
            related_projects=self.related_projects,
            money=self.money,
            results=self.results,
            **kwargs,
        )

    def with_relations(self):
        """The project with what its facts name: one {% cache %} fragment. Built per
        request: a translated name's ordering follows the current language."""
        prefetch_related_objects(
            [self.object],
            Prefetch("countries", queryset=Country.objects.order_by("name")),
            Prefetch("themes", queryset=Theme.objects.order_by("name")),
            Prefetch("member_organisations",
                     queryset=MemberOrganisation.objects.order_by("name")),
            Prefetch("partners", queryset=Partner.objects.order_by("name")),
        )
        return self.object

    def money(self):
        """The "money in and out" summary: one {% cache %} fragment, one query whatever
        the number of transactions. Received by funder, paid by local partner (one line
        for them all, and no name read, when the project hides its partners) and spent by
        the project itself, each as a total per currency. None without transactions."""
        project = self.object
        hides_partners = project.hides_partners
        rows = Transaction.objects.filter(project=project).select_related("provider")
        if not hides_partners:
            rows = rows.select_related("receiver")
        received, paid, spent = defaultdict(Totals), defaultdict(Totals), Totals()
        first = last = None
        for row in rows:
            if row.transaction_type == Transaction.Type.INCOMING_FUNDS:
                received[str(row.provider) if row.provider else ""].add(row)
            elif row.transaction_type == Transaction.Type.DISBURSEMENT:
                named = row.receiver if not hides_partners and row.receiver else None
                paid[named.name if named else ""].add(row)
            else:
                spent.add(row)
            first = min(first or row.date, row.date)
            last = max(last or row.date, row.date)
        if last is None:
            return None
        lines = [(_("Received from %(funder)s") % {"funder": name} if name
                  else _("Received from funders"), totals.shown())
                 for name, totals in sorted(received.items())]
        lines += [(_("Paid to the local partner %(partner)s") % {"partner": name} if name
                   else _("Paid to local partners"), totals.shown())
                  for name, totals in sorted(paid.items(),
                                             key=lambda item: (item[0] == "", item[0]))]
        if spent:
            lines.append((_("Spent by the project itself"), spent.shown()))
        return {"lines": lines, "first": first, "last": last,
                "hides_partners": hides_partners and bool(paid)}

    def results(self):
        """The project's results with their indicators and each one's periods: one
        {% cache %} fragment, three queries whatever their number (one without results)."""
        results = list(Result.objects.filter(project=self.object).prefetch_related(
            Prefetch("indicators", queryset=Indicator.objects.prefetch_related("periods"))))
        return [
            {"title": result.title, "description": result.description,
             "indicators": [shown_indicator(indicator)
                            for indicator in result.indicators.all()]}
            for result in results
        ]

    def trail(self):
        """The links above the project: Home › Regions › region › country, through its
        first country by its Swedish name (the site's own language), so that both
        languages show the same place; Home › Projects if it is in no country."""
        country = (Country.objects.filter(projects=self.object).select_related("region")
                   .order_by("name_sv", "pk").first())
        if country is None:
            return [projects_crumb()]
        region = country.region
        return [regions_crumb(), (region.get_absolute_url(), region.name),
                (country.get_absolute_url(), country.name)]

    def related_projects(self):
        """A few other public projects in one of its countries or on one of its themes,
        those sharing a country first, then the newest: two queries whatever the data."""
        project = self.object
        through_countries = Project.countries.through.objects
        through_themes = Project.themes.through.objects
        shares_country = Exists(through_countries.filter(
            project=OuterRef("pk"),
            country__in=through_countries.filter(project=project).values("country")))
        shares_theme = Exists(through_themes.filter(
            project=OuterRef("pk"),
            theme__in=through_themes.filter(project=project).values("theme")))
        return list(
            public_cards().exclude(pk=project.pk)
            .annotate(shares_country=shares_country).filter(shares_country | shares_theme)
            .order_by("-shares_country", *NEWEST_FIRST)[:self.related_count])


class Totals:
    """Sums of transactions per currency, shown as the page shows the budget."""

    def __init__(self):
        self.by_currency = defaultdict(Decimal)

    def add(self, transaction):
        self.by_currency[transaction.currency] += transaction.value

    def __bool__(self):
        return bool(self.by_currency)

    def shown(self):
        """["1 200 000 kr", "3 400 EUR"]: kronor first, to the whole unit (the open data
        has every öre)."""
        return [money_shown(total, currency) for currency, total in
                sorted(self.by_currency.items(),
                       key=lambda item: (item[0] != "SEK", item[0]))]


def money_shown(amount, currency):
    """An amount in the visitor's words and number format: 1 200 kr, SEK 1,200."""
    whole = number_format(amount.quantize(Decimal(1), rounding=ROUND_HALF_UP),
                          decimal_pos=0, force_grouping=True)
    if currency == "SEK":
        return _("SEK %(amount)s") % {"amount": whole}
    return _("%(currency)s %(amount)s") % {"currency": currency, "amount": whole}


def number_shown(value, measure):
    """An indicator's value as the visitor reads it: 1 200, 12,5 or 40 % in the visitor's
    locale; decimals only where there are some."""
    places = next(n for n in (0, 1, 2) if value == round(value, n))
    shown = number_format(value, decimal_pos=places, force_grouping=True)
    if measure == Indicator.Measure.PERCENTAGE:
        return _("%(value)s%%") % {"value": shown}
    return shown


def period_shown(start, end):
    """A calendar year as its number; any other period from month to month."""
    if (start.month, start.day, end.month, end.day) == (1, 1, 12, 31) and (
            start.year == end.year):
        return str(start.year)
    if start.year == end.year and start.month == end.month:
        return date_format(start, "F Y")
    return f"{date_format(start, 'F Y')} – {date_format(end, 'F Y')}"


def shown_indicator(indicator):
    """An indicator as its table shows it: title, baseline and each period's figures."""
    measure = indicator.measure
    baseline = None
    if indicator.baseline_value is not None:
        baseline = {"year": indicator.baseline_year,
                    "value": number_shown(indicator.baseline_value, measure)}
    return {
        "title": indicator.title,
        "percentage": measure == Indicator.Measure.PERCENTAGE,
        "baseline": baseline,
        "periods": [{"label": period_shown(period.period_start, period.period_end),
                     "start": period.period_start, "end": period.period_end,
                     "target": number_shown(period.target, measure),
                     "actual": None if period.actual is None
                     else number_shown(period.actual, measure)}
                    for period in indicator.periods.all()],
    }


def facets_for(filterset):
    """Each filter as the template draws it: its name, label and options with the number
    of projects each would list; the selected value is kept even when it has none."""
    counts = filterset.counts()
    selected = {name: filterset.form.data.get(name, "") for name in filterset.FACETS}
    named = {
        "region": [(r.pk, r.slug, r.name) for r in Region.objects.all()],
        "country": [(c.pk, c.slug, c.name) for c in Country.objects.order_by("name")],
        "theme": [(t.pk, t.slug, t.name) for t in filterset.filters["theme"].queryset],
        "member": [(m.pk, m.slug, m.name)
                   for m in MemberOrganisation.objects.public().order_by("name")],
        "funder": [(f.pk, str(f.pk), f.name) for f in filterset.filters["funder"].queryset],
    }
    options = {
        name: [(value, label, counts[name].get(pk, 0)) for pk, value, label in named[name]]
        for name in named
    }
    options["status"] = [(value, label.capitalize(), counts["status"].get(value, 0))
                         for value, label in Project.Status.choices]
    options["year"] = [(str(year), str(year), n) for year, n in counts["year"].items()]
    return [
        {"name": name, "label": filterset.filters[name].label,
         "options": [{"value": value, "label": label, "count": n,
                      "selected": value == selected[name]}
                     for value, label, n in options[name] if n or value == selected[name]]}
        for name in filterset.FACETS
    ]


# What the list says of a filter value in the address that it cannot use, and what it
# shows instead: the other filters still apply.
UNUSABLE = {
    "region": gettext_lazy("We found no region “%(value)s”; showing all regions."),
    "country": gettext_lazy("We found no country “%(value)s”; showing all countries."),
    "theme": gettext_lazy("We found no theme “%(value)s”; showing all themes."),
    "member": gettext_lazy("We found no member organisation “%(value)s”; showing all member "
                    "organisations."),
    "programme": gettext_lazy("We found no programme “%(value)s”; showing all programmes."),
    "funder": gettext_lazy("We found no funder “%(value)s”; showing all funders."),
    "status": gettext_lazy("We know no status “%(value)s”; showing every status."),
    "year": gettext_lazy("We cannot show the year “%(value)s”; showing all years."),
    "sort": gettext_lazy("We cannot sort by “%(value)s”; showing the newest first."),
    "q": gettext_lazy("The words are too long to search for; showing projects with any words."),
}
# A value is shown only so far: it came from an address anyone can write.
SHOWN_VALUE_LENGTH = 40


def unusable_filters(filterset):
    """One sentence for each filter in the address whose value the list cannot use."""
    filterset.errors  # noqa: B018 - validates the form, fills cleaned_data
    messages = []
    for name in filterset.form.errors:
        value = filterset.form.data.get(name, "")
        if len(value) > SHOWN_VALUE_LENGTH:
            value = value[:SHOWN_VALUE_LENGTH - 1] + "…"
        if name in UNUSABLE:
            messages.append(UNUSABLE[name] % {"value": value})
        else:  # a filter added without its sentence still says what went wrong
            messages.extend(f"{filterset.form[name].label}: {error}"
                            for error in filterset.form.errors[name])
    return messages


def active_filters(filterset, request):
    """The valid filters in force, each with a link that removes just that one (and
    drops any value that could not be used)."""
    filterset.errors  # noqa: B018 - validates the form, fills cleaned_data
    valid = {name: value for name, value in filterset.form.cleaned_data.items()
             if value not in (None, "")}
    kept = {name: request.GET[name] for name in valid if name in request.GET}
    active = []
    for name in ("q", "programme", *filterset.FACETS):
        if name not in valid:
            continue
        params = QueryDict(mutable=True)
        params.update({k: v for k, v in kept.items() if k != name})
        value = valid[name]
        if name == "status":
            shown = Project.Status(value).label
        elif name == "year":
            shown = str(int(value))
        else:
            shown = str(value)
        active.append({"label": filterset.filters[name].label, "value": shown,
                       "remove_url": "?" + params.urlencode() if params else request.path})
    return active
