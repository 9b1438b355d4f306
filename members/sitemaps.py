"""The sitemap's sections of member organisations and networks."""

from common.sitemaps import ModelSitemap

from .models import MemberOrganisation, Network


class MemberSitemap(ModelSitemap):
    queryset = MemberOrganisation.objects.public()
    date_field = "updated"


class NetworkSitemap(ModelSitemap):
    queryset = Network.objects.public()
    date_field = "updated"
