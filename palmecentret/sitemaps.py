"""The sitemap (/sitemap.xml, an index of /sitemap-<section>.xml, each paged with ?p=):
the site-wide pages' section and each app's own sections (common/sitemaps.py)."""

from django.urls import reverse

from common.sitemaps import PortalSitemap
from members.sitemaps import MemberSitemap, NetworkSitemap
from newsletter.sitemaps import SeminarSitemap
from projects.sitemaps import CountrySitemap, ProgrammeSitemap, ProjectSitemap, RegionSitemap
from stories.sitemaps import StorySitemap


class StaticPagesSitemap(PortalSitemap):
    priority = 0.8

    def items(self):
        return ["home", "about", "support", "projects:region-list", "projects:project-list",
                "stories:story-list", "members:member-list", "members:network-list",
                "newsletter:seminar-list", "newsletter:signup", "projects:open-data"]

    def location(self, item):
        return reverse(item)


# Classes, not instances: Django's views make one per request, so nothing a request sets
# on it (the latest date of a page) is left for the next.
SITEMAPS = {
    "pages": StaticPagesSitemap,
    "regions": RegionSitemap,
    "countries": CountrySitemap,
    "programmes": ProgrammeSitemap,
    "projects": ProjectSitemap,
    "stories": StorySitemap,
    "members": MemberSitemap,
    "networks": NetworkSitemap,
    "seminars": SeminarSitemap,
}
