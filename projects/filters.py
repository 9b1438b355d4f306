"""The project list's filters: parsed and validated by django-filter from a plain GET URL
that can be bookmarked and shared, with counts per filter value."""

import copy
from functools import cached_property

import django_filters
from django import forms
from django.core.exceptions import ValidationError
from django.db.models import Exists, OuterRef, Q
from django.utils.translation import gettext_lazy as _
from django_filters.fields import ModelChoiceField

from members.models import MemberOrganisation
from palmecentret.site_data import generation_cached

from .aggregates import ProjectIndex, project_index
from .models import Country, Funder, Programme, Project, Region, Theme, public_projects


def _exists(through_model, **lookups):
    """A correlated EXISTS on a many-to-many table: filters without joins, so a project
    in two matching countries is still listed once."""
    return Exists(through_model.objects.filter(project=OuterRef("pk"), **lookups))


class CopiedPerRequest:
    """A filter the filter set copies for each request (a FilterSet deep-copies its
    filters so that each instance has its own, as they point back to it): the copy shares
    the filter's settings (label, choices, queryset, field), which nothing changes, and
    has its own link to the filter set and its own bound `method`. A deep copy of the
    list's nine filters took as long as the rest of the filter set's work."""

    def __deepcopy__(self, memo):
        clone = copy.copy(self)
        memo[id(self)] = clone
        if clone.method is not None:
            clone.method = clone.method  # a FilterMethod that calls the clone's parent
        return clone


class CharFilter(CopiedPerRequest, django_filters.CharFilter):
    pass


class ChoiceFilter(CopiedPerRequest, django_filters.ChoiceFilter):
    pass


class NumberFilter(CopiedPerRequest, django_filters.NumberFilter):
    pass


class KnownChoiceField(ModelChoiceField):
    """A choice of object by slug (or pk) among its queryset's objects as read once per
    content generation (palmecentret/site_data.py), instead of a query per filter in
    every request. They are the few regions, countries, themes, members, programmes and
    funders the filter form lists, and any change to them starts a new generation."""

    def __init__(self, *args, known_as, **kwargs):
        super().__init__(*args, **kwargs)
        self.known_as = known_as

    def _known(self):
        key = self.to_field_name or "pk"
        # A copy: the field, and so its queryset, serves every request (FilterForm).
        return {str(getattr(obj, key)): obj for obj in self.queryset.all()}

    def to_python(self, value):
        if value in self.empty_values:
            return None
        self.validate_no_null_characters(value)
        known = generation_cached(f"filter-choices:{self.known_as}", self._known)
        try:
            return known[str(value)]
        except KeyError:
            raise ValidationError(self.error_messages["invalid_choice"],
                                  code="invalid_choice", params={"value": value}) from None


class KnownModelChoiceFilter(CopiedPerRequest, django_filters.ModelChoiceFilter):
    """A ModelChoiceFilter whose value is looked up by KnownChoiceField; `known_as` names
    the list of objects in the cache."""

    field_class = KnownChoiceField


class FilterForm(forms.Form):
    """The filter set's form, which only validates the query string (the list's template
    writes the fields, with their counts, itself). Its fields are the class's own, shared
    by every instance rather than deep-copied for each as a Django form's are, so that
    an instance may change them: nothing changes these, and the copy took a tenth of
    the list page's time."""

    def __init__(self, *args, **kwargs):
        self.base_fields = {}  # what Form.__init__ copies
        super().__init__(*args, **kwargs)
        del self.base_fields
        self.fields = dict(self.base_fields)


def active_in_year(year):
    """Projects running at some time during the year."""
    return Q(start_date__year__lte=year) & (Q(end_date__isnull=True) | Q(end_date__year__gte=year))


class ProjectFilter(django_filters.FilterSet):
    SORTS = {
        # The project index keeps its bits in this order, and pages "newest" and its
        # reverse "oldest" from them (INDEX_ORDERS).
        "newest": ProjectIndex.ORDER,
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

    q = CharFilter(label=_("Words"), method="filter_words", max_length=200)
    region = KnownModelChoiceFilter(
        label=_("Region"), queryset=Region.objects.all(), known_as="region",
        to_field_name="slug", method="filter_region",
    )
    country = KnownModelChoiceFilter(
        label=_("Country"), queryset=Country.objects.all(), known_as="country",
        to_field_name="slug", method="filter_country",
    )
    theme = KnownModelChoiceFilter(
        label=_("Theme"), queryset=Theme.objects.all(), known_as="theme",
        to_field_name="slug", method="filter_theme",
    )
    member = KnownModelChoiceFilter(
        label=_("Member organisation"), queryset=MemberOrganisation.objects.public(),
        known_as="member", to_field_name="slug", method="filter_member",
    )
    programme = KnownModelChoiceFilter(
        label=_("Programme"), queryset=Programme.objects.public(), known_as="programme",
        to_field_name="slug",
    )
    status = ChoiceFilter(label=_("Status"), choices=Project.Status.choices)
    funder = KnownModelChoiceFilter(label=_("Funder"), queryset=Funder.objects.all(),
                                    known_as="funder")
    year = NumberFilter(label=_("Year"), method="filter_year", min_value=1992,
                        max_value=2100)
    sort = ChoiceFilter(label=_("Sort by"), choices=SORT_CHOICES, method="sort_by",
                        empty_label=None)

    # Dimensions that get counts per value, in the order the form shows them.
    FACETS = ("region", "country", "theme", "member", "status", "funder", "year")

    class Meta:
        model = Project
        fields = []
        form = FilterForm

    def get_form_class(self):
        # django-filter builds a form class from the filters' fields for every filter
        # set, and so every request. None of these fields depends on the request: the
        # class is built once, as an ordinary form class is (a form instance copies its
        # fields, so nothing one request does reaches another).
        cls = type(self)
        if "_form_class" not in cls.__dict__:
            cls._form_class = super().get_form_class()
        return cls._form_class

    @classmethod
    def for_request(cls, request):
        """The project list's filters from a request's query string, over the public
        projects: one definition for the page, its CSV/JSON exports and its feed."""
        data = request.GET.copy()
        data.setdefault("sort", "newest")
        return cls(data, queryset=public_projects(), request=request)

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
    # From the project index (projects/aggregates.py): each filter in force is a bit set
    # of public projects, a count is the size of an intersection. Only the words filter
    # asks the database, for the ids its search matches.

    def _filter_masks(self, index):
        """{filter name: bit set of the public projects it lets through} for every valid
        filter in force."""
        self.errors  # noqa: B018 - validates the form, fills cleaned_data
        masks = {}
        for name, value in self.form.cleaned_data.items():
            if name == "sort" or value in (None, ""):
                continue
            if name == "q":
                # Imported here: the site-wide search builds on this app's models.
                from palmecentret.search import filter_projects

                matching = filter_projects(self.queryset.all(), value)
                masks[name] = index.mask_of_ids(matching.values_list("pk", flat=True))
            elif name == "year":
                masks[name] = index.year_mask(int(value))
            else:
                key = value if name == "status" else value.pk
                # The index names its dimensions as the filters are named.
                masks[name] = index.masks[name].get(key, 0)
        return masks

    @cached_property
    def _indexed(self):
        """(the project index, {filter name: bit set} of the valid filters in force)."""
        index = project_index()
        return index, self._filter_masks(index)

    def _all_but(self, name):
        """The bit set of the projects every filter in force but `name` lets through."""
        index, masks = self._indexed
        selected = index.all
        for other, mask in masks.items():
            if other != name:
                selected &= mask
        return selected

    def counts(self):
        """(number of projects listed, {dimension: {value key: number of projects}}),
        where a value's number is what the visitor would get by changing only that
        filter to it."""
        index, _masks = self._indexed
        all_but = self._all_but
        counts = {}
        for name in self.FACETS:
            base = all_but(name)
            if name == "year":
                counts[name] = {year: (base & index.year_mask(year)).bit_count()
                                for year in index.years()}
            else:
                counts[name] = {key: (base & mask).bit_count()
                                for key, mask in index.masks[name].items()}
        return all_but(None).bit_count(), counts

    # The sorts the project index keeps its bits in (False) or the reverse of (True).
    INDEX_ORDERS = {"newest": False, "oldest": True}

    def pages_from_index(self):
        """Whether the project index knows the listed projects' order: the default sort
        or its reverse, and no words filter (whose matches the index knows only as a
        set, not by rank)."""
        self.errors  # noqa: B018 - validates the form, fills cleaned_data
        data = self.form.cleaned_data
        return not data.get("q") and data.get("sort") in self.INDEX_ORDERS

    def index_page(self, start, stop):
        """The pks of the listed projects start..stop-1 in the chosen order, from the
        project index (where pages_from_index())."""
        index, _masks = self._indexed
        return index.page(self._all_but(None), start, stop,
                          reverse=self.INDEX_ORDERS[self.form.cleaned_data["sort"]])


def with_list_filters(url, request, without=("page",)):
    """`url` with the project list's filters (and sort) from the request's query string,
    without the parameters named in `without`: by default the page number, since an
    export or a feed is the whole filtered list."""
    query = request.GET.copy()
    for name in without:
        query.pop(name, None)
    return f"{url}?{query.urlencode()}" if query else url
