from django.urls import path
from django.utils.translation import gettext_lazy as _

from . import views

app_name = "projects"

urlpatterns = [
    path(_("regions/"), views.RegionListView.as_view(), name="region-list"),
    path(_("regions/<slug:slug>/"), views.RegionDetailView.as_view(), name="region-detail"),
    path(_("countries/<slug:slug>/"), views.CountryDetailView.as_view(), name="country-detail"),
    path(_("programmes/<slug:slug>/"), views.ProgrammeDetailView.as_view(),
         name="programme-detail"),
    path(_("projects/"), views.ProjectListView.as_view(), name="project-list"),
    path(_("projects/<slug:slug>/"), views.ProjectDetailView.as_view(), name="project-detail"),
]
