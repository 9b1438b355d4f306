"""Public pages on Palmecentret's member organisations and networks."""

from django.db.models import Prefetch
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.generic import DetailView, ListView

from django.utils.http import urlencode

from palmecentret.views import BreadcrumbsMixin, CompiledLookupMixin, PreviewMixin
from projects.aggregates import project_index, reference_objects
from projects.cards import newest_cards

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


# How many projects a member page lists before linking to the filtered project list.
LISTED = 12


class MemberDetailView(CompiledLookupMixin, PreviewMixin, BreadcrumbsMixin, DetailView):
    context_object_name = "member"
    queryset = MemberOrganisation.objects.all()

    def get_breadcrumbs(self):
        return [members_crumb(), (self.request.path, self.object.name)]

    def get_context_data(self, **kwargs):
        member = self.object
        index = project_index()
        # The organisation it belongs to and its networks from the small tables'
        # per-version copies; which networks it is in, from the database.
        references = reference_objects()
        in_networks = set(Network.members.through.objects.filter(memberorganisation=member.pk)
                          .values_list("network", flat=True))
        return super().get_context_data(
            parent=references["member"].get(member.parent_id),
            networks=[network for pk, network in references["network"].items()
                      if pk in in_networks and network.published],
            # The first of the list that "all projects" links to, in its order.
            projects=newest_cards(index.masks["member"].get(member.pk, 0), LISTED),
            # From the project index, as on the list's filter (projects/aggregates.py):
            # no count over the join table per request.
            project_count=index.count("member", member.pk),
            all_projects_url=reverse("projects:project-list") + "?"
            + urlencode({"member": member.slug}),
            member_unions=[m for m in references["member"].values()
                           if m.parent_id == member.pk and m.published],
            **kwargs,
        )


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
