"""The project list's filters: parsed and validated by django-filter from a plain GET URL
that can be bookmarked and shared, with counts per filter value."""

import django_filters
from django.db.models import Count, Exists, Min, Max, OuterRef, Q
from django.utils.translation import gettext_lazy as _

from members.models import MemberOrganisation

from .models import Country, Funder, Programme, Project, Region, Theme


def _exists(through_model, **lookups):
    """A correlated EXISTS on a many-to-many table: filters without joins, so a project
    in two matching countries is still listed once."""
    return Exists(through_model.objects.filter(project=OuterRef("pk"), **lookups))


def active_in_year(year):
    """Projects running at some time during the year."""
    return Q(start_date__year__lte=year) & (Q(end_date__isnull=True) | Q(end_date__year__gte=year))


class ProjectFilter(django_filters.FilterSet):
    SORTS = {
        "newest": ("-start_date", "-pk"),
        "oldest": ("start_date", "pk"),
        "title": ("title", "pk"),
        "budget": ("-budget_sek", "-pk"),
        "updated": ("-updated", "-pk"),
    }
    SORT_CHOICES = [
        ("newest", _("Newest first")),
        ("oldest", _("Oldest first")),
        ("title", _("Title A–Z")),
        ("budget", _("Largest budget")),
        ("updated", _("Recently updated")),
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

    def filter_words(self, queryset, name, value):
        # Imported here: the site-wide search builds on this app's models.
        from palmecentret.search import filter_projects

        return filter_projects(queryset, value)

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

    # --- Counts per filter value ------------------------------------------------------

    def queryset_without(self, name):
        """The list filtered by every valid filter except `name`: what a visitor would
        get for each value of `name` if they changed only that one."""
        self.errors  # noqa: B018 - validates the form, fills cleaned_data
        queryset = self.queryset.all()
        for field, value in self.form.cleaned_data.items():
            if field != name and field != "sort":
                queryset = self.filters[field].filter(queryset, value)
        return queryset

    def facet_counts(self):
        """{dimension: {value key: number of projects}}, one query per dimension."""
        counts = {}
        relations = {"region": "countries__region", "country": "countries",
                     "theme": "themes", "member": "member_organisations",
                     "status": "status", "funder": "funder"}
        for name, path in relations.items():
            rows = (self.queryset_without(name).order_by().values(path)
                    .annotate(n=Count("pk", distinct=True)).values_list(path, "n"))
            counts[name] = {key: n for key, n in rows if key is not None}
        counts["year"] = self.year_counts()
        return counts

    def year_range(self):
        bounds = self.queryset.aggregate(first=Min("start_date"), last=Max("end_date"),
                                         last_start=Max("start_date"))
        if bounds["first"] is None:
            return []
        last = max(d for d in (bounds["last"], bounds["last_start"]) if d is not None)
        return list(range(last.year, bounds["first"].year - 1, -1))

    def year_counts(self):
        years = self.year_range()
        if not years:
            return {}
        totals = self.queryset_without("year").aggregate(
            **{f"y{year}": Count("pk", filter=active_in_year(year)) for year in years}
        )
        return {year: totals[f"y{year}"] for year in years}
