"""Public pages on where Palmecentret works: regions, countries, programmes, projects."""

from django.db.models import Prefetch
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.generic import DetailView, ListView

from members.models import MemberOrganisation
from palmecentret.views import BreadcrumbsMixin

from .models import Country, Partner, Programme, Project, Region


def regions_crumb():
    return (reverse("projects:region-list"), _("Regions"))


def projects_crumb():
    return (reverse("projects:project-list"), _("Projects"))


class RegionListView(BreadcrumbsMixin, ListView):
    template_name = "projects/region_list.html"
    context_object_name = "regions"

    def get_breadcrumbs(self):
        return [regions_crumb()]

    def get_queryset(self):
        return Region.objects.with_counts().prefetch_related(
            Prefetch("countries", queryset=Country.objects.order_by("name"))
        )


class RegionDetailView(BreadcrumbsMixin, DetailView):
    model = Region
    latest_count = 6

    def get_breadcrumbs(self):
        return [regions_crumb(), (self.request.path, self.object.name)]

    def get_context_data(self, **kwargs):
        region = self.object
        return super().get_context_data(
            countries=region.countries.all(),
            programmes=Programme.objects.public().filter(region=region),
            latest_projects=Project.objects.public().in_region(region).for_cards()
            .order_by("-published_at", "-pk")[: self.latest_count],
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
        projects = Project.objects.public().in_country(country).for_cards()
        return super().get_context_data(
            programmes=Programme.objects.public().filter(countries=country),
            ongoing_projects=projects.exclude(status=Project.Status.COMPLETED),
            completed_projects=projects.filter(status=Project.Status.COMPLETED),
            # Only partners of projects that show their partners: a partner at risk is
            # never named, not even here.
            partners=Partner.objects.filter(
                country=country,
                projects__in=Project.objects.public().filter(
                    visibility=Project.Visibility.PUBLIC
                ),
            ).distinct(),
            member_organisations=MemberOrganisation.objects.public()
            .filter(projects__in=projects.values("pk"))
            .distinct(),
            **kwargs,
        )


class ProgrammeDetailView(BreadcrumbsMixin, DetailView):
    def get_queryset(self):
        return Programme.objects.public().select_related("region", "funder").prefetch_related(
            "countries", "themes"
        )

    def get_breadcrumbs(self):
        region = self.object.region
        return [regions_crumb(), (region.get_absolute_url(), region.name),
                (self.request.path, self.object.name)]

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            projects=self.object.projects.public().for_cards(), **kwargs
        )


class ProjectListView(BreadcrumbsMixin, ListView):
    template_name = "projects/project_list.html"
    context_object_name = "projects"
    paginate_by = 20

    def get_breadcrumbs(self):
        return [projects_crumb()]

    def get_queryset(self):
        return Project.objects.public().for_cards()


class ProjectDetailView(BreadcrumbsMixin, DetailView):
    context_object_name = "project"

    def get_queryset(self):
        return Project.objects.public().select_related("programme", "funder").prefetch_related(
            "countries__region", "themes", "member_organisations",
            Prefetch("partners", queryset=Partner.objects.select_related("country")),
        )

    def get_breadcrumbs(self):
        return [projects_crumb(), (self.request.path, self.object.title)]
