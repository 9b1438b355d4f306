"""The sitemap: /sitemap.xml is an index of per-section sitemaps (/sitemap-<section>.xml,
paged with ?p=), which list every public page in Swedish and English with hreflang
alternates. Every address in them is on SITE_URL, never on the Host header of the request
(the sender's choice), which Django's sitemap views would use; the index is our view
(palmecentret.views.sitemap_index) for that reason.

With 10,000 projects a single sitemap was a 7 MB answer that took seconds. Each page of
a section now holds at most LIMIT addresses and reads only the rows it shows (slug and
date), and the index counts each section once per content generation."""

from collections.abc import Sequence

from django.conf import settings
from django.contrib.sitemaps import Sitemap
from django.core.paginator import Paginator
from django.db.models import Count, Max
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.functional import cached_property
from django.utils.html import escape
from django.utils.safestring import mark_safe

from members.models import MemberOrganisation, Network
from newsletter.models import Seminar
from projects.models import Country, Programme, Project, Region

from .links import around_slug

# Addresses per sitemap page: each object gives one per language. Well under the
# protocol's 50,000, so that a page is a small answer.
LIMIT = 5000


class BilingualSitemap(Sitemap):
    """Every item in each language, each address with its hreflang alternates (and
    x-default, the Swedish one).

    get_urls() builds each <url> element here, with the item's addresses worked out once
    for all its languages, and the section template (templates/sitemap_section.xml) only
    joins them: a page of 5,000 addresses renders in tens of milliseconds instead of
    half a second through Django's generic per-address template and translation
    switches."""

    i18n = True
    alternates = True
    x_default = True
    limit = LIMIT

    def addresses(self, item):
        """{language: the item's path in that language}."""
        paths = {}
        for language in self._languages():
            with translation.override(language):
                paths[language] = self.location(item)
        return paths

    def get_urls(self, page=1, site=None, protocol=None):
        # Django's view passes the request's host and scheme: not used.
        base = settings.SITE_URL
        priority = getattr(self, "priority", None)
        priority_xml = f"<priority>{priority}</priority>" if priority is not None else ""
        urls, latest, previous, alternates = [], None, None, ""
        for item, language in self.paginator.page(page).object_list:
            if item is not previous:
                # The pairs come grouped by item: one set of addresses per item.
                previous = item
                locations = {code: base + path for code, path in self.addresses(item).items()}
                alternates = "".join(
                    f'<xhtml:link rel="alternate" hreflang="{code}" href="{escape(url)}"/>'
                    for code, url in [*locations.items(),
                                      ("x-default", locations[settings.LANGUAGE_CODE])])
                lastmod = self.lastmod(item) if hasattr(self, "lastmod") else None
                lastmod_xml = ""
                if lastmod is not None:
                    latest = lastmod if latest is None else max(latest, lastmod)
                    day = timezone.localtime(lastmod) if timezone.is_aware(lastmod) else lastmod
                    lastmod_xml = f"<lastmod>{day:%Y-%m-%d}</lastmod>"
            location = locations[language]
            urls.append({
                "item": item, "location": location, "lastmod": lastmod,
                "xml": mark_safe(f"<url><loc>{escape(location)}</loc>{lastmod_xml}"
                                 f"{priority_xml}{alternates}</url>"),
            })
        if latest is not None:
            # The view's Last-Modified header.
            self.latest_lastmod = latest
        return urls


class StaticPagesSitemap(BilingualSitemap):
    priority = 0.8

    def items(self):
        return ["home", "about", "support", "projects:region-list", "projects:project-list",
                "members:member-list", "members:network-list", "newsletter:seminar-list",
                "newsletter:signup", "projects:open-data"]

    def location(self, item):
        return reverse(item)


class PerLanguage(Sequence):
    """The (object, language) pairs of a queryset, as Django's i18n sitemap pages them,
    without loading the whole queryset: its length is one COUNT, a slice reads only the
    objects in it."""

    def __init__(self, queryset, languages, count):
        self.queryset, self.languages, self.count_ = queryset, languages, count

    def __len__(self):
        return self.count_ * len(self.languages)

    def __getitem__(self, index):
        n = len(self.languages)
        if not isinstance(index, slice):
            return (self.queryset[index // n], self.languages[index % n])
        start, stop, _step = index.indices(len(self))
        first = start // n
        objects = self.queryset[first:(stop + n - 1) // n]
        pairs = [(obj, language) for obj in objects for language in self.languages]
        return pairs[start - first * n:stop - first * n]


class ModelSitemap(BilingualSitemap):
    """Objects with their own page, addressed by slug (url_name). `queryset` is what
    visitors may see; only the slug and, with `date_field`, the date are read."""

    queryset = None
    url_name = None
    date_field = None

    def items(self):
        fields = ["slug"] + ([self.date_field] if self.date_field else [])
        return self.queryset.only(*fields).order_by("pk")

    def _count(self):
        """The number of objects and their latest date, in one query."""
        figures = {"n": Count("pk")}
        if self.date_field:
            figures["latest"] = Max(self.date_field)
        return self.queryset.order_by().aggregate(**figures)

    @cached_property
    def _figures(self):
        # Counted once per content generation (palmecentret/site_data.py): the index
        # names every section, and counting 10,000 projects is its whole cost.
        return self._count()

    @property
    def paginator(self):
        return Paginator(PerLanguage(self.items(), self._languages(), self._figures["n"]),
                         self.limit)

    def get_latest_lastmod(self):
        # For the index: one aggregate instead of every object's date.
        return self._figures.get("latest")

    @cached_property
    def _address(self):
        """{language: (before the slug, after it)}: the address pattern once per
        language, not once per object."""
        patterns = {}
        for language in self._languages():
            with translation.override(language):
                patterns[language] = around_slug(self.url_name)
        return patterns

    def addresses(self, item):
        return {language: f"{before}{item.slug}{after}"
                for language, (before, after) in self._address.items()}

    def lastmod(self, item):
        return getattr(item, self.date_field) if self.date_field else None


class RegionSitemap(ModelSitemap):
    queryset = Region.objects.all()
    url_name = "projects:region-detail"


class CountrySitemap(ModelSitemap):
    queryset = Country.objects.all()
    url_name = "projects:country-detail"


class ProgrammeSitemap(ModelSitemap):
    queryset = Programme.objects.public()
    url_name = "projects:programme-detail"
    date_field = "updated"


class ProjectSitemap(ModelSitemap):
    # The same visibility rule as the pages: published and not internal.
    queryset = Project.objects.public()
    url_name = "projects:project-detail"
    date_field = "updated"


class MemberSitemap(ModelSitemap):
    queryset = MemberOrganisation.objects.public()
    url_name = "members:member-detail"
    date_field = "updated"


class NetworkSitemap(ModelSitemap):
    queryset = Network.objects.public()
    url_name = "members:network-detail"
    date_field = "updated"


class SeminarSitemap(ModelSitemap):
    queryset = Seminar.objects.public()
    url_name = "newsletter:seminar-detail"
    date_field = "updated"


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
