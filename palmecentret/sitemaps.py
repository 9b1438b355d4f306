"""/sitemap.xml: every public page, in Swedish and English, with hreflang alternates."""

from django.contrib.sitemaps import Sitemap
from django.urls import reverse

from members.models import MemberOrganisation, Network
from newsletter.models import Seminar
from projects.models import Country, Programme, Project, Region


class BilingualSitemap(Sitemap):
    i18n = True
    alternates = True
    x_default = True


class StaticPagesSitemap(BilingualSitemap):
    priority = 0.8

    def items(self):
        return ["home", "about", "support", "projects:region-list", "projects:project-list",
                "members:member-list", "members:network-list", "newsletter:seminar-list",
                "newsletter:signup"]

    def location(self, item):
        return reverse(item)


class ModelSitemap(BilingualSitemap):
    """Objects with their own page; `queryset` is what visitors may see."""

    queryset = None

    def items(self):
        return self.queryset.all()


class RegionSitemap(ModelSitemap):
    queryset = Region.objects.only("slug")


class CountrySitemap(ModelSitemap):
    queryset = Country.objects.only("slug")


class ProgrammeSitemap(ModelSitemap):
    queryset = Programme.objects.public().only("slug", "updated").order_by("pk")

    def lastmod(self, item):
        return item.updated


class ProjectSitemap(ModelSitemap):
    # The same visibility rule as the pages: published and not internal.
    queryset = Project.objects.public().only("slug", "updated").order_by("pk")

    def lastmod(self, item):
        return item.updated


class MemberSitemap(ModelSitemap):
    queryset = MemberOrganisation.objects.public().only("slug", "updated").order_by("pk")

    def lastmod(self, item):
        return item.updated


class NetworkSitemap(ModelSitemap):
    queryset = Network.objects.public().only("slug", "updated").order_by("pk")

    def lastmod(self, item):
        return item.updated


class SeminarSitemap(ModelSitemap):
    queryset = Seminar.objects.public().only("slug", "updated").order_by("pk")

    def lastmod(self, item):
        return item.updated


SITEMAPS = {
    "pages": StaticPagesSitemap,
    "regions": RegionSitemap,
    "countries": CountrySitemap,
    "programmes": ProgrammeSitemap,
    "projects": ProjectSitemap,
    "members": MemberSitemap,
    "networks": NetworkSitemap,
    "seminars": SeminarSitemap,
}
