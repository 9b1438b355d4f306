from django.urls import path
from django.utils.translation import gettext_lazy as _

from . import feeds, opendata_views, views

app_name = "projects"

urlpatterns = [
    path(_("regions/"), views.RegionListView.as_view(), name="region-list"),
    path(_("regions/<slug:slug>/"), views.RegionDetailView.as_view(), name="region-detail"),
    path(_("countries/<slug:slug>/"), views.CountryDetailView.as_view(), name="country-detail"),
    path(_("programmes/<slug:slug>/"), views.ProgrammeDetailView.as_view(),
         name="programme-detail"),
    path(_("projects/"), views.ProjectListView.as_view(), name="project-list"),
    path(_("projects/<slug:slug>/"), views.ProjectDetailView.as_view(), name="project-detail"),
    # Open data. File names with a dot never clash with a project or region slug.
    path(_("open-data/"), opendata_views.OpenDataView.as_view(), name="open-data"),
    path(_("projects.csv"), opendata_views.project_list_csv, name="project-list-csv"),
    path(_("projects.json"), opendata_views.project_list_json, name="project-list-json"),
    path(_("projects/<slug:slug>.json"), opendata_views.project_detail_json,
         name="project-detail-json"),
    path(_("projects/feed.atom"), feeds.ProjectFeed(), name="project-feed"),
    path(_("regions/<slug:slug>/feed.atom"), feeds.RegionProjectFeed(), name="region-feed"),
]
