"""The sitemap's section of seminars."""

from common.sitemaps import ModelSitemap

from .models import Seminar


class SeminarSitemap(ModelSitemap):
    queryset = Seminar.objects.public()
    date_field = "updated"
