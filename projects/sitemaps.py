"""The sitemap's sections of regions, countries, programmes and projects."""

from common.sitemaps import ModelSitemap

from .models import Country, Programme, Project, Region


class RegionSitemap(ModelSitemap):
    queryset = Region.objects.all()


class CountrySitemap(ModelSitemap):
    queryset = Country.objects.all()


class ProgrammeSitemap(ModelSitemap):
    queryset = Programme.objects.public()
    date_field = "updated"


class ProjectSitemap(ModelSitemap):
    queryset = Project.objects.public()
    date_field = "updated"
