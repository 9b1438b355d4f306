"""Public pages on where Palmecentret works: regions, countries, programmes, projects."""

from functools import lru_cache

from django.db.models import Exists, OuterRef, Prefetch
from django.http import QueryDict
from django.utils.html import escape
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.views.generic import DetailView, ListView

from palmecentret.links import fixed_url, fixed_url_with_query
from palmecentret.views import BreadcrumbsMixin, CompiledLookupMixin, PreviewMixin

from .aggregates import (
    facet_options,
    project_index,
    project_relations,
    reference_objects,
    regions_with_counts,
)
from .cards import cards_by_pk, latest_cards, newest_cards, project_cards
from .filters import ProjectFilter, with_list_filters
from .models import Country, Partner, Programme, Project, Region


# How many projects a region, country, programme or member page lists before linking to
# the filtered project list: pages stay the same size whatever the amount of data.
LISTED = 12


def filtered_list_url(**filters):
    return fixed_url_with_query("projects:project-list", **filters)


def regions_crumb():
    return (fixed_url("projects:region-list"), _("Regions"))


def projects_crumb():
    return (fixed_url("projects:project-list"), _("Projects"))


class RegionListView(BreadcrumbsMixin, ListView):
    template_name = "projects/region_list.html"
    context_object_name = "regions"

    def get_breadcrumbs(self):
        return [regions_crumb()]

    def get_queryset(self):
        # Counted from the project index (projects/aggregates.py), not per region in SQL.
        return regions_with_counts(Region.objects.prefetch_related(
            Prefetch("countries", queryset=Country.objects.order_by("name"))
        ))

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            # The map links the countries the list shows, from the same prefetch: no query
            # of its own (the template's `regions` is this same, now evaluated, queryset).
            map_countries=[country for region in self.object_list
                           for country in region.countries.all()],
            **kwargs,
        )


class RegionDetailView(CompiledLookupMixin, BreadcrumbsMixin, DetailView):
    model = Region
    latest_count = 6

    def get_breadcrumbs(self):
        return [regions_crumb(), (self.request.path, self.object.name)]

    def get_context_data(self, **kwargs):
        region = self.object
        references = reference_objects()  # read once per content generation
        return super().get_context_data(
            countries=[c for c in references["country"].values() if c.region_id == region.pk],
            programmes=[p for p in references["programme"].values()
                        if p.region_id == region.pk and p.published],
            latest_projects=latest_cards(project_index().masks["region"].get(region.pk, 0),
                                         self.latest_count),
            all_projects_url=filtered_list_url(region=region.slug),
            **kwargs,
        )


class CountryDetailView(BreadcrumbsMixin, DetailView):
    def get_queryset(self):
        return Country.objects.select_related("region")

    def get_breadcrumbs(self):
        region = self.object.region
        return [regions_crumb(), (region.get_absolute_url(), region.name),
                (self.request.path, self.object.name)]

    def get_context_data(self, **kwargs):
        country = self.object
        # The projects and their counts from the project index (projects/aggregates.py).
        index = project_index()
        in_country = index.masks["country"].get(country.pk, 0)
        in_member = index.masks["member"]
        completed_mask = index.masks["status"].get(Project.Status.COMPLETED, 0)
        ongoing, completed = in_country & ~completed_mask, in_country & completed_mask
        return super().get_context_data(
            programmes=Programme.objects.public().filter(countries=country),
            ongoing_projects=newest_cards(ongoing, LISTED),
            ongoing_count=ongoing.bit_count(),
            completed_projects=newest_cards(completed, LISTED),
            completed_count=completed.bit_count(),
            all_projects_url=filtered_list_url(country=country.slug),
            # Only partners of projects that show their partners: a partner at risk is
            # never named, not even here.
            partners=Partner.objects.filter(country=country).filter(Exists(
                Project.partners.through.objects.filter(
                    partner=OuterRef("pk"),
                    project__in=Project.objects.public().filter(
                        visibility=Project.Visibility.PUBLIC),
                ))),
            # The published members with a public project here: from the index too (a
            # DISTINCT over the members' projects in the country took PostgreSQL 8 ms).
            member_organisations=[
                member for pk, member in reference_objects()["member"].items()
                if member.published and in_member.get(pk, 0) & in_country],
            **kwargs,
        )


class ProgrammeDetailView(PreviewMixin, BreadcrumbsMixin, DetailView):
    queryset = Programme.objects.select_related("region", "funder").prefetch_related(
        "countries", "themes"
    )

    def get_breadcrumbs(self):
        region = self.object.region
        return [regions_crumb(), (region.get_absolute_url(), region.name),
                (self.request.path, self.object.name)]

    def get_context_data(self, **kwargs):
        in_programme = project_index().masks["programme"].get(self.object.pk, 0)
        return super().get_context_data(
            projects=newest_cards(in_programme, LISTED),
            project_count=in_programme.bit_count(),
            all_projects_url=filtered_list_url(programme=self.object.slug),
            **kwargs,
        )


class PagedCards:
    """The list's projects as the paginator sees them: a page's slice of them is read
    as pks by `pks_between(start, stop)` and shown as cards (projects/cards.py), and the
    whole list is never built. (Their number the paginator is given by the view, from the
    project index.)"""

    def __init__(self, pks_between, cards):
        self.pks_between = pks_between
        self.cards = cards

    def __getitem__(self, page):
        return self.cards(self.pks_between(page.start, page.stop))


class ProjectListView(BreadcrumbsMixin, ListView):
    """Projects with combinable filters, counts per filter value, sorting and pages."""

    template_name = "projects/project_list.html"
    context_object_name = "projects"
    paginate_by = 20

    def get_breadcrumbs(self):
        return [projects_crumb()]

    def get_queryset(self):
        self.filterset = ProjectFilter.for_request(self.request)
        # The number of projects and the counts per filter value, from the project index
        # (projects/aggregates.py): no grouped counts in SQL, and the paginator need not
        # count the list again.
        self.total, self.counts = self.filterset.counts()
        if self.filterset.pages_from_index():
            # The projects in the default order or its reverse, which the project index
            # knows (ProjectFilter.pages_from_index()): a page is read by pk, without the
            # SQL of the filters' joins and the sort, and the database confirms it.
            return PagedCards(self.filterset.index_page, cards_by_pk)
        pks = self.filterset.qs.values_list("pk", flat=True)
        return PagedCards(lambda start, stop: list(pks[start:stop]), project_cards)

    def paginate_queryset(self, queryset, page_size):
        # A page number that is not a number or past the end gets the nearest real page
        # rather than a 404: a shared link stays useful after the list shrinks.
        paginator = self.get_paginator(queryset, page_size)
        paginator.count = self.total
        page = paginator.get_page(self.request.GET.get(self.page_kwarg))
        return paginator, page, page.object_list, page.has_other_pages()

    def get_context_data(self, **kwargs):
        sort = self.filterset.form.data.get("sort")
        return super().get_context_data(
            filterset=self.filterset,
            facets=facets_for(self.filterset, self.counts),
            sort_options_html=_options_html([
                {"value": value, "label": label, "selected": value == sort}
                for value, label in self.filterset.SORT_CHOICES]),
            active_filters=active_filters(self.filterset, self.request),
            # The list's filters and sort for its exports and feed (not its page number).
            list_query=with_list_filters("", self.request),
            **kwargs,
        )


class ProjectDetailView(CompiledLookupMixin, PreviewMixin, BreadcrumbsMixin, DetailView):
    context_object_name = "project"
    queryset = Project.objects.all()

    def get_breadcrumbs(self):
        return [projects_crumb(), (self.request.path, self.object.title)]

    def get_context_data(self, **kwargs):
        project = self.object
        # Its programme and funder, and (read in one query) its countries, themes,
        # member organisations and partners, from the small tables' per-version copies.
        references = reference_objects()
        return super().get_context_data(
            programme=references["programme"].get(project.programme_id),
            funder=references["funder"].get(project.funder_id),
            **project_relations(project), **kwargs)


def facets_for(filterset, counts):
    """Each filter as the template draws it: its name, label and options with counts;
    the selected value is kept even when it has no projects left."""
    selected = {name: filterset.form.data.get(name, "") for name in filterset.FACETS}
    named = facet_options()
    options = {
        name: [(value, label, counts[name].get(pk, 0)) for pk, value, label in named[name]]
        for name in ("region", "country", "theme", "member", "funder")
    }
    options["status"] = [(value, label.capitalize(), counts["status"].get(value, 0))
                         for value, label in Project.Status.choices]
    options["year"] = [(str(year), str(year), n) for year, n in counts["year"].items()]
    facets = []
    for name in filterset.FACETS:
        choices = [
            {"value": value, "label": label, "count": n, "selected": value == selected[name]}
            for value, label, n in options[name]
            if n or value == selected[name]
        ]
        facets.append({"name": name, "label": filterset.filters[name].label,
                       "options": choices, "options_html": _options_html(choices)})
    return facets


def _options_html(choices):
    """A select's <option> elements, with the number of projects where a choice has
    one (`count`). Built here rather than in a template loop: the list page shows a few
    hundred of them, and this is a tenth of the loop's cost. The same few hundred values
    and names come back on every page: each is escaped once (_escaped), and the elements
    are joined as format_html_join would, without its escaping of every part each
    time."""
    return mark_safe("\n".join(
        f'<option value="{_escaped(str(c["value"]))}"{" selected" if c["selected"] else ""}>'
        f'{_escaped(str(c["label"]))}{" (%d)" % c["count"] if "count" in c else ""}</option>'
        for c in choices
    ))


# Pure, and the facets have a few hundred distinct values and names: their escaped forms
# are kept rather than made again on every page.
_escaped = lru_cache(maxsize=4096)(escape)


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
