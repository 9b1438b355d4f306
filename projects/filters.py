"""The project list's filters: parsed and validated by django-filter from a plain GET URL
that can be bookmarked and shared, with counts per filter value."""

import django_filters
from django.db.models import Count, Exists, F, Max, Min, OuterRef, Q
from django.utils.translation import gettext_lazy as _

from common.search_documents import matching_words
from members.models import MemberOrganisation

from .models import NEWEST_FIRST, Country, Funder, Programme, Project, Region, Theme


def _exists(through_model, **lookups):
    """A correlated EXISTS on a many-to-many table: filters without joins, so a project
    in two matching countries is still listed once."""
    return Exists(through_model.objects.filter(project=OuterRef("pk"), **lookups))


def active_in_year(year):
    """Projects running at some time during the year."""
    return Q(start_date__year__lte=year) & (Q(end_date__isnull=True) | Q(end_date__year__gte=year))


class ProjectFilter(django_filters.FilterSet):
    SORTS = {
        "newest": NEWEST_FIRST,
        "oldest": ("start_date", "pk"),
        "title": ("title", "pk"),
        # Projects without a budget last, as SQLite and PostgreSQL both sort them.
        "budget": (F("budget_sek").desc(nulls_last=True), "-pk"),
    }
    SORT_CHOICES = [
        ("newest", _("Newest first")),
        ("oldest", _("Oldest first")),
        ("title", _("Title A–Z")),
        ("budget", _("Largest budget")),
    ]

    q = django_filters.CharFilter(label=_("Words"), method="filter_words", max_length=200)
    region = django_filters.ModelChoiceFilter(
        label=_("Region"), queryset=Region.objects.all(), to_field_name="slug",
        method="filter_region",
    )
    country = django_filters.ModelChoiceFilter(
        label=_("Country"), queryset=Country.objects.all(), to_field_name="slug",
        method="filter_country",
    )
    theme = django_filters.ModelChoiceFilter(
        label=_("Theme"), queryset=Theme.objects.all(), to_field_name="slug",
        method="filter_theme",
    )
    member = django_filters.ModelChoiceFilter(
        label=_("Member organisation"), queryset=MemberOrganisation.objects.public(),
        to_field_name="slug", method="filter_member",
    )
    programme = django_filters.ModelChoiceFilter(
        label=_("Programme"), queryset=Programme.objects.public(), to_field_name="slug",
    )
    status = django_filters.ChoiceFilter(label=_("Status"), choices=Project.Status.choices)
    funder = django_filters.ModelChoiceFilter(label=_("Funder"), queryset=Funder.objects.all())
    year = django_filters.NumberFilter(label=_("Year"), method="filter_year", min_value=1992,
                                       max_value=2100)
    sort = django_filters.ChoiceFilter(label=_("Sort by"), choices=SORT_CHOICES,
                                       method="sort_by", empty_label=None)

    # Dimensions that get counts per value, in the order the form shows them.
    FACETS = ("region", "country", "theme", "member", "status", "funder", "year")

    class Meta:
        model = Project
        fields = []

    @classmethod
    def for_request(cls, request):
        """The project list's filters from a request's query string, over the public
        projects: one definition for the page, its CSV/JSON exports and its feed."""
        data = request.GET.copy()
        data.setdefault("sort", "newest")
        return cls(data, queryset=Project.objects.public(), request=request)

    def filter_words(self, queryset, name, value):
        return matching_words(queryset, value)

    def filter_region(self, queryset, name, value):
        return queryset.filter(_exists(Project.countries.through, country__region=value))

    def filter_country(self, queryset, name, value):
        return queryset.filter(_exists(Project.countries.through, country=value))

    def filter_theme(self, queryset, name, value):
        return queryset.filter(_exists(Project.themes.through, theme=value))

    def filter_member(self, queryset, name, value):
        return queryset.filter(
            _exists(Project.member_organisations.through, memberorganisation=value)
        )

    def filter_year(self, queryset, name, value):
        return queryset.filter(active_in_year(int(value)))

    def sort_by(self, queryset, name, value):
        return queryset.order_by(*self.SORTS.get(value, self.SORTS["newest"]))

    def filter_queryset(self, queryset):
        """A sort the list cannot use (an old or mistyped address) gives the default
        order, which the page then says it shows."""
        queryset = super().filter_queryset(queryset)
        if "sort" not in self.form.cleaned_data:
            queryset = queryset.order_by(*self.SORTS["newest"])
        return queryset

    # --- Counts per filter value ------------------------------------------------------

    def without(self, name):
        """The public projects every valid filter in force but `name` lets through,
        unordered: what the visitor would choose among by changing only that filter."""
        self.errors  # noqa: B018 - validates the form, fills cleaned_data
        queryset = self.queryset.order_by()
        for other, value in self.form.cleaned_data.items():
            if other not in (name, "sort") and value not in (None, ""):
                queryset = self.filters[other].filter(queryset, value)
        return queryset

    def counts(self):
        """{dimension: {value key: number of projects}} for the FACETS, where a value's
        number is what the visitor would get by changing only that filter to it. One
        grouped count per dimension (two for the years)."""

        def grouped(queryset, key, distinct=False):
            rows = queryset.values(key).annotate(n=Count("project" if distinct else "pk",
                                                         distinct=distinct))
            return {row[key]: row["n"] for row in rows.order_by()}

        def links(through, key, name, distinct=False):
            return grouped(through.objects.filter(project__in=self.without(name)), key,
                           distinct)

        counts = {
            "region": links(Project.countries.through, "country__region", "region",
                            distinct=True),
            "country": links(Project.countries.through, "country", "country"),
            "theme": links(Project.themes.through, "theme", "theme"),
            "member": links(Project.member_organisations.through, "memberorganisation",
                            "member"),
            "status": grouped(self.without("status"), "status"),
            "funder": grouped(self.without("funder"), "funder"),
        }
        years = self.without("year")
        span = Project.objects.public().aggregate(
            first=Min("start_date__year"), last_start=Max("start_date__year"),
            last_end=Max("end_date__year"))
        if span["first"] is None:
            counts["year"] = {}
        else:
            last = max(span["last_start"], span["last_end"] or 0)
            in_year = years.aggregate(**{
                str(year): Count("pk", filter=active_in_year(year))
                for year in range(last, span["first"] - 1, -1)})
            counts["year"] = {int(year): n for year, n in in_year.items()}
        return counts


def with_list_filters(url, request, without=("page",)):
    """`url` with the project list's filters (and sort) from the request's query string,
    without the parameters named in `without`: by default the page number, since an
    export or a feed is the whole filtered list."""
    query = request.GET.copy()
    for name in without:
        query.pop(name, None)
    return f"{url}?{query.urlencode()}" if query else url
