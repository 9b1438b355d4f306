"""The story list's filters (region, country, theme): parsed and validated by
django-filter from a plain GET address that can be shared, with counts per value."""

import django_filters
from django.db.models import Count, Exists, OuterRef
from django.utils.translation import gettext_lazy as _

from projects.models import Country, Region, Theme

from .models import Story


def _exists(through_model, **lookups):
    """A correlated EXISTS on a many-to-many table: a story in two matching countries is
    still listed once."""
    return Exists(through_model.objects.filter(story=OuterRef("pk"), **lookups))


class StoryFilter(django_filters.FilterSet):
    region = django_filters.ModelChoiceFilter(
        label=_("Region"), queryset=Region.objects.all(), to_field_name="slug",
        method="filter_region")
    country = django_filters.ModelChoiceFilter(
        label=_("Country"), queryset=Country.objects.all(), to_field_name="slug",
        method="filter_country")
    theme = django_filters.ModelChoiceFilter(
        label=_("Theme"), queryset=Theme.objects.all(), to_field_name="slug",
        method="filter_theme")

    # The filters the form shows, in its order, each with a count per value.
    FACETS = ("region", "country", "theme")

    class Meta:
        model = Story
        fields = []

    @classmethod
    def for_request(cls, request):
        """The filters from a request's query string, over the public stories newest
        first: one definition for the list and its feed."""
        return cls(request.GET, queryset=Story.objects.public().newest_first(),
                   request=request)

    def filter_region(self, queryset, name, value):
        return queryset.filter(_exists(Story.countries.through, country__region=value))

    def filter_country(self, queryset, name, value):
        return queryset.filter(_exists(Story.countries.through, country=value))

    def filter_theme(self, queryset, name, value):
        return queryset.filter(_exists(Story.themes.through, theme=value))

    def without(self, name):
        """The public stories every valid filter but `name` lets through, unordered."""
        self.errors  # noqa: B018 - validates the form, fills cleaned_data
        queryset = self.queryset.order_by()
        for other, value in self.form.cleaned_data.items():
            if other != name and value not in (None, ""):
                queryset = self.filters[other].filter(queryset, value)
        return queryset

    def counts(self):
        """{filter: {pk: number of stories}}: what changing only that filter to the value
        would list. One grouped count per filter."""

        def links(through, key, name, distinct=False):
            rows = (through.objects.filter(story__in=self.without(name)).values(key)
                    .annotate(n=Count("story", distinct=distinct)).order_by())
            return {row[key]: row["n"] for row in rows}

        return {
            "region": links(Story.countries.through, "country__region", "region",
                            distinct=True),
            "country": links(Story.countries.through, "country", "country"),
            "theme": links(Story.themes.through, "theme", "theme"),
        }
