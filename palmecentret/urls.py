"""Root URLs: Swedish at the root, English under /en/ with English words."""

from django.conf import settings
from django.conf.urls.i18n import i18n_patterns
from django.contrib import admin
from django.urls import include, path
from django.utils.translation import gettext_lazy as _
from django.views.generic import TemplateView

from . import views

urlpatterns = [
    path("healthz", views.healthz, name="healthz"),
    path("robots.txt", views.robots_txt, name="robots-txt"),
    path(settings.ADMIN_URL, admin.site.urls),
]

urlpatterns += i18n_patterns(
    path("", views.HomeView.as_view(), name="home"),
    path(_("about/"), views.AboutView.as_view(), name="about"),
    path("", include("projects.urls")),
    path("", include("members.urls")),
    path("", include("newsletter.urls")),
    prefix_default_language=False,
)

handler404 = "palmecentret.views.page_not_found"
handler500 = "palmecentret.views.server_error"
