"""The sitemap's section of stories: the public ones, in both languages."""

from common.sitemaps import ModelSitemap

from .models import Story


class StorySitemap(ModelSitemap):
    queryset = Story.objects.public()
    date_field = "updated"
