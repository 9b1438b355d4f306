"""Site-wide pages: home, about, health check, robots.txt and the branded error pages."""

import logging

from django.db import DatabaseError, connection
from django.http import HttpResponse, JsonResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.text import get_text_list
from django.utils.translation import gettext as _
from django.template import loader
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET
from django.views.generic import TemplateView

from members.models import MemberOrganisation, Network
from projects.models import Funder, Programme, Project, Region

logger = logging.getLogger(__name__)


class BreadcrumbsMixin:
    """Gives the page its breadcrumb trail: (url, label) pairs after Home, the last one
    being the page itself."""

    def get_breadcrumbs(self):
        return []

    def get_context_data(self, **kwargs):
        return super().get_context_data(breadcrumbs=self.get_breadcrumbs(), **kwargs)


class HomeView(TemplateView):
    template_name = "palmecentret/home.html"
    latest_count = 6

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            regions=Region.objects.with_counts(),
            latest_projects=Project.objects.public()
            .for_cards()
            .order_by("-published_at", "-pk")[: self.latest_count],
            **kwargs,
        )


class AboutView(BreadcrumbsMixin, TemplateView):
    template_name = "palmecentret/about.html"

    def get_breadcrumbs(self):
        return [(reverse("about"), _("About us"))]

    def get_context_data(self, **kwargs):
        members = MemberOrganisation.objects.public()
        founders = list(members.filter(is_founder=True))
        return super().get_context_data(
            founder_names=get_text_list([f.name for f in founders], _("and")),
            members=members.filter(parent__isnull=True),
            member_count=members.count(),
            networks=Network.objects.public().order_by("scope", "name"),
            funders=Funder.objects.all(),
            frameworks=Programme.FundingFramework,
            regions=Region.objects.with_counts(),
            **kwargs,
        )


@never_cache
@require_GET
def healthz(request):
    """200 when the database answers, 503 when it does not (for the load balancer)."""
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except DatabaseError as exc:
        logger.error("health check: database unavailable: %s", exc)
        return JsonResponse({"status": "unavailable", "database": "down"}, status=503)
    return JsonResponse({"status": "ok", "database": "up"})


@require_GET
def robots_txt(request):
    lines = ["User-agent: *", "Disallow: /admin/", ""]
    return HttpResponse("\n".join(lines), content_type="text/plain; charset=utf-8")


def page_not_found(request, exception):
    return render(request, "404.html", status=404)


def server_error(request):
    # No context processors: whatever failed may be what they need (the database).
    return HttpResponse(loader.get_template("500.html").render(), status=500)
