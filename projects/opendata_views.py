"""Open-data views: the IATI files, the project list as CSV and JSON, a project as JSON,
and the page that explains them."""

import hashlib

from django.conf import settings
from django.db.models import OuterRef
from django.http import HttpResponse, JsonResponse, StreamingHttpResponse
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import condition, require_safe
from django.views.generic import TemplateView

from common import page_cache
from common.views import BreadcrumbsMixin

from . import iati_organisation, opendata
from .filters import ProjectFilter, with_list_filters
from .models import AnnualReport, Project, Region, Theme
from .views import project_charts


def _open(response):
    # Public data without cookies or personal data: any web page may fetch it (a
    # journalist's chart, a researcher's notebook in the browser).
    response["Access-Control-Allow-Origin"] = "*"
    return response


def _filtered(request):
    """The public projects exactly as the project list shows them for this query."""
    return ProjectFilter.for_request(request).qs


def _settings_in_the_files():
    """The settings the IATI files print: the site's address in every link, and the
    organisation's identifier, name, type and contact (every IATI_ setting)."""
    names = sorted(name for name in dir(settings) if name.startswith("IATI_"))
    return [settings.SITE_URL, settings.OPEN_DATA_LICENCE,
            *((name, getattr(settings, name)) for name in names)]


def iati_etag(file_name):
    """An etag_func for condition(): the file's content follows from the public content
    (whose every change, and every deployment's migrate, bumps the page cache's
    generation), the settings it prints and the day (an actual start date appears once it
    has passed). Weak: generated-datetime differs from one answer to the next. None, and
    so no ETag, when the cache is down and the generation unknown."""
    def etag(request, *args, **kwargs):
        generation = page_cache.generation()
        if generation is None:
            return None
        state = repr([file_name, generation, timezone.localdate().isoformat(),
                      *_settings_in_the_files()])
        return f'W/"{hashlib.sha256(state.encode()).hexdigest()[:32]}"'
    return etag


@require_safe
@condition(etag_func=iati_etag("activities.xml"))
def iati_activities(request):
    """/iati/activities.xml: every public project as an IATI 2.03 activity, streamed."""
    response = StreamingHttpResponse(opendata.IatiActivitiesFile(),
                                     content_type="application/xml; charset=utf-8")
    response["Content-Disposition"] = 'inline; filename="activities.xml"'
    return _open(response)


@require_safe
@condition(etag_func=iati_etag("organisation.xml"))
def iati_organisation_file(request):
    """/iati/organisation.xml: Palmecentret as an IATI 2.03 organisation, with its budgets
    per year and country and its annual reports."""
    response = HttpResponse(iati_organisation.organisation_file(),
                            content_type="application/xml; charset=utf-8")
    response["Content-Disposition"] = 'inline; filename="organisation.xml"'
    return _open(response)


@require_safe
def project_list_csv(request):
    response = StreamingHttpResponse(opendata.csv_pieces(_filtered(request)),
                                     content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="palmecentret-projects.csv"'
    return _open(response)


@require_safe
def project_list_json(request):
    projects = _filtered(request)
    source = settings.SITE_URL + with_list_filters(reverse("projects:project-list"), request)
    metadata = opendata.json_metadata(projects.count(), source)
    return _open(StreamingHttpResponse(opendata.json_pieces(projects, metadata),
                                       content_type="application/json; charset=utf-8"))


@require_safe
def project_detail_json(request, slug):
    # Only what the public page shows: no staff preview here, the data is for anyone.
    project = opendata.export_queryset(Project.objects.public().filter(slug=slug)).first()
    if project is None:
        return _open(JsonResponse({"error": "not found"}, status=404))
    record = opendata.describe(project, timezone.localdate()).as_json()
    return _open(JsonResponse(record, json_dumps_params={"ensure_ascii": False, "indent": 2}))


class OpenDataView(BreadcrumbsMixin, TemplateView):
    """What the portal publishes as open data, under which licence, and where."""

    template_name = "projects/open_data.html"

    def get_breadcrumbs(self):
        return [(reverse("projects:open-data"), _("Open data"))]

    def get_context_data(self, **kwargs):
        site = settings.SITE_URL
        return super().get_context_data(
            project_count=Project.objects.public().count(),
            iati_url=site + reverse("iati-activities"),
            organisation_url=site + reverse("iati-organisation"),
            annual_reports=AnnualReport.objects.all(),
            csv_url=site + reverse("projects:project-list-csv"),
            json_url=site + reverse("projects:project-list-json"),
            feed_url=site + reverse("projects:project-feed"),
            project_list_url=reverse("projects:project-list"),
            example_json_url=site + reverse("projects:project-detail-json",
                                            kwargs={"slug": "SLUG"}),
            regions=Region.objects.all(),
            iati_identifier=settings.IATI_ORGANISATION_IDENTIFIER,
            demo_identifier=(settings.IATI_ORGANISATION_IDENTIFIER
                             == settings.DEMO_IATI_ORGANISATION_IDENTIFIER),
            licence=settings.OPEN_DATA_LICENCE,
            # Called only when the template's cached fragment of it is missing.
            charts=self.charts,
            **kwargs,
        )

    def charts(self):
        """The public projects and their budgets by region and by theme: one {% cache %}
        fragment, a query for each pair of charts."""
        return [
            project_charts(
                # The region is the outer query's row, two levels up from the country.
                "by-region", Region.objects.all(),
                Project.objects.public().in_region(OuterRef(OuterRef("pk"))),
                label_heading=_("Region"),
                titles=(_("Projects by region"), _("Budget by region"))),
            project_charts(
                "by-theme", Theme.objects.all(),
                Project.objects.public().filter(themes=OuterRef("pk")),
                label_heading=_("Theme"), keep_empty=False,
                empty_text=_("None of these projects has a theme yet."),
                titles=(_("Projects by theme"), _("Budget by theme"))),
        ]
