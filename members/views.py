"""Public pages on Palmecentret's member organisations and networks."""

from django.db.models import Prefetch
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.generic import DetailView, ListView

from common.views import LISTED, BreadcrumbsMixin, PreviewMixin, list_url

from .models import MemberOrganisation, Network


def members_crumb():
    return (reverse("members:member-list"), _("Member organisations"))


def networks_crumb():
    return (reverse("members:network-list"), _("Networks"))


def public_members():
    return MemberOrganisation.objects.public()


class MemberListView(BreadcrumbsMixin, ListView):
    """The directory: top-level organisations, each with its member unions under it."""

    template_name = "members/member_list.html"
    context_object_name = "members"

    def get_breadcrumbs(self):
        return [members_crumb()]

    def get_queryset(self):
        return (
            public_members()
            .filter(parent__isnull=True)
            .prefetch_related(Prefetch("children", queryset=public_members(),
                                       to_attr="public_children"))
            .order_by("kind", "name")
        )


class MemberDetailView(PreviewMixin, BreadcrumbsMixin, DetailView):
    context_object_name = "member"
    queryset = MemberOrganisation.objects.select_related("parent")

    def get_breadcrumbs(self):
        return [members_crumb(), (self.request.path, self.object.name)]

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            parent=self.object.parent,
            # Called only when the template's cached fragment of it is missing.
            work=self.work,
            all_projects_url=list_url("projects:project-list", member=self.object.slug),
            **kwargs,
        )

    def work(self):
        """The member's unions, projects and networks: one {% cache %} fragment, shared
        by all its visitors."""
        member = self.object
        # Its public projects as cards show them, in the project list's default order.
        projects = member.projects.public().for_cards().newest_first()
        return {
            "member_unions": public_members().filter(parent=member),
            # The first of the list that "all projects" links to, in its order.
            "projects": projects[:LISTED],
            "project_count": projects.count(),
            "networks": member.networks.public(),
        }


class NetworkListView(BreadcrumbsMixin, ListView):
    template_name = "members/network_list.html"
    context_object_name = "networks"

    def get_breadcrumbs(self):
        return [networks_crumb()]

    def get_queryset(self):
        return Network.objects.public().prefetch_related(
            Prefetch("members", queryset=public_members())
        ).order_by("scope", "name")


class NetworkDetailView(PreviewMixin, BreadcrumbsMixin, DetailView):
    context_object_name = "network"
    queryset = Network.objects.prefetch_related(Prefetch("members", queryset=public_members()))

    def get_breadcrumbs(self):
        return [networks_crumb(), (self.request.path, self.object.name)]
