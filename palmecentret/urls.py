"""Root URLs: Swedish at the root, English under /en/ with English words."""

from django.conf import settings
from django.conf.urls.i18n import i18n_patterns
from django.contrib import admin
from django.contrib.sitemaps import views as sitemap_views
from django.urls import include, path
from django.utils.translation import gettext_lazy as _

from projects import opendata_views

from . import views
from .sitemaps import SITEMAPS

urlpatterns = [
    path("healthz", views.healthz, name="healthz"),
    path("robots.txt", views.robots_txt, name="robots-txt"),
    path("iati/activities.xml", opendata_views.iati_activities, name="iati-activities"),
    path("iati/organisation.xml", opendata_views.iati_organisation_file,
         name="iati-organisation"),
    # An index of per-section sitemaps, each paged (palmecentret/sitemaps.py).
    path("sitemap.xml", views.sitemap_index, name="sitemap"),
    path("sitemap-<section>.xml", sitemap_views.sitemap, {"sitemaps": SITEMAPS},
         name="sitemap-section"),
]

urlpatterns += i18n_patterns(
    # The admin in both languages too: /admin/ in Swedish, /en/admin/ in English.
    path(settings.ADMIN_URL, admin.site.urls),
    path("", views.HomeView.as_view(), name="home"),
    path(_("about/"), views.AboutView.as_view(), name="about"),
    path(_("support-us/"), views.SupportView.as_view(), name="support"),
    path(_("search/"), views.SearchView.as_view(), name="search"),
    path("", include("projects.urls")),
    path("", include("members.urls")),
    path("", include("newsletter.urls")),
    path("", include("stories.urls")),
    prefix_default_language=False,
)

# The renditions, as nginx serves them in production (deploy/nginx.conf), where SERVE_MEDIA
# is on (development); never the originals.
urlpatterns += [
    path(f"{settings.MEDIA_URL.lstrip('/')}{settings.IMAGEKIT_CACHEFILE_DIR}/<path:path>",
         views.rendition, name="rendition"),
]

handler404 = "palmecentret.views.page_not_found"
handler500 = "palmecentret.views.server_error"
