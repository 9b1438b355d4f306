"""Public pages on seminars and the newsletter."""

from django.views.generic import DetailView, ListView

from common.views import BreadcrumbsMixin, PreviewMixin

from .models import Seminar
from .registration_views import RegistrationStatusMixin, seminars_crumb


class SeminarListView(BreadcrumbsMixin, ListView):
    template_name = "newsletter/seminar_list.html"
    context_object_name = "upcoming"
    past_count = 20

    def get_breadcrumbs(self):
        return [seminars_crumb()]

    def get_queryset(self):
        return Seminar.objects.upcoming()

    def get_context_data(self, **kwargs):
        return super().get_context_data(past=Seminar.objects.past()[: self.past_count],
                                        **kwargs)


class SeminarDetailView(RegistrationStatusMixin, PreviewMixin, BreadcrumbsMixin, DetailView):
    context_object_name = "seminar"
    queryset = Seminar.objects.all()

    def get_breadcrumbs(self):
        return [seminars_crumb(), (self.request.path, self.object.title)]
