"""The sitemap's building blocks: every public page in Swedish and English with its
hreflang alternates, each address on SITE_URL; each app lists its own pages with them."""

from urllib.parse import urlsplit

from django.conf import settings
from django.contrib.sitemaps import Sitemap
from django.core.paginator import Paginator
from django.db.models import Max


class PortalSitemap(Sitemap):
    """Each page in every language, with the other languages' addresses and x-default (the
    Swedish one). On SITE_URL, not on the Host header of the request, which its sender
    chooses."""

    i18n = True
    languages = [code for code, _name in settings.LANGUAGES]
    alternates = True
    x_default = True
    # Addresses per section page, each page of the site counting once per language: far
    # under the protocol's 50,000, so that a section page stays a quick answer (Django
    # reverses four addresses for each).
    limit = 1000

    def get_protocol(self, protocol=None):
        return urlsplit(settings.SITE_URL).scheme

    def get_domain(self, site=None):
        return urlsplit(settings.SITE_URL).netloc


class ModelSitemap(PortalSitemap):
    """The objects of `queryset` (what visitors may see) at their get_absolute_url(), last
    changed at `date_field` if the model has one."""

    queryset = None
    date_field = None

    def items(self):
        # Only what the address and the date need.
        fields = ["slug"] + ([self.date_field] if self.date_field else [])
        return self.queryset.only(*fields).order_by("pk")

    def lastmod(self, item):
        return getattr(item, self.date_field) if self.date_field else None

    def get_latest_lastmod(self):
        # For the index: one aggregate, not every object's date.
        if not self.date_field:
            return None
        return self.queryset.aggregate(latest=Max(self.date_field))["latest"]

    @property
    def paginator(self):
        # Django pages a list of every object paired with each language, which reads the
        # whole table for any page and for the index's page count.
        return Paginator(PerLanguage(self.items(), self.languages), self.limit)


class PerLanguage:
    """The (object, language) pairs of a queryset that an i18n sitemap pages: counted with
    one COUNT, and a page reads only its own objects."""

    def __init__(self, queryset, languages):
        self.queryset, self.languages = queryset, languages

    def count(self):
        return self.queryset.count() * len(self.languages)

    def __getitem__(self, page):
        # The Paginator asks only for slices [bottom:top] within count().
        n = len(self.languages)
        objects = self.queryset[page.start // n:-(-page.stop // n)]
        pairs = [(obj, language) for obj in objects for language in self.languages]
        return pairs[page.start % n:][:page.stop - page.start]
