"""Admin for member organisations and networks."""

from django.contrib import admin
from django.db.models import Count
from django.utils.translation import gettext_lazy as _
from modeltranslation.admin import TranslationAdmin

from common.admin_base import (HistoryAdmin, HttpsUrlsMixin, LabelledTableInlineMixin,
                               PublishingAdminMixin)
from common.admin_images import IMAGE_FIELDSET, ImageAdminMixin

from .models import MemberOrganisation, Network


class ContentAdmin(ImageAdminMixin, PublishingAdminMixin, HttpsUrlsMixin, HistoryAdmin, TranslationAdmin):
    """Publishing actions, version history, Swedish and English side by side."""


@admin.register(MemberOrganisation)
class MemberOrganisationAdmin(ContentAdmin):
    list_display = ["name", "short_name", "kind", "parent", "member_since", "is_founder",
                    "published"]
    list_filter = ["published", "kind", "is_founder"]
    list_select_related = ["parent"]
    search_fields = ["name_sv", "name_en", "short_name", "slug"]
    autocomplete_fields = ["parent"]
    prepopulated_fields = {"slug": ["name_sv"]}
    fieldsets = [
        (None, {"fields": [("name_sv", "name_en"), "short_name", "slug", "published"]}),
        (_("Membership"), {"fields": ["kind", "parent", "member_since", "is_founder"]}),
        (_("Texts"), {"fields": [("description_sv", "description_en"), "website"]}),
        IMAGE_FIELDSET,
    ]
    readonly_fields = ["image_preview"]


class NetworkMemberInline(LabelledTableInlineMixin, admin.TabularInline):
    """A network's member organisations, each picked with autocomplete."""

    model = Network.members.through
    autocomplete_fields = ["memberorganisation"]
    extra = 1
    verbose_name = _("member organisation")
    verbose_name_plural = _("member organisations in the network")


@admin.register(Network)
class NetworkAdmin(ContentAdmin):
    list_display = ["name", "scope", "member_count", "palmecentret_participates", "published"]
    list_filter = ["published", "scope", "palmecentret_participates"]
    search_fields = ["name_sv", "name_en", "short_name", "slug"]
    prepopulated_fields = {"slug": ["name_sv"]}
    inlines = [NetworkMemberInline]
    fieldsets = [
        (None, {"fields": [("name_sv", "name_en"), "short_name", "slug", "published"]}),
        (_("About"), {"fields": ["scope", "palmecentret_participates",
                                 ("description_sv", "description_en"), "website"]}),
        IMAGE_FIELDSET,
    ]
    readonly_fields = ["image_preview"]

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(member_count=Count("members"))

    @admin.display(description=_("member organisations"), ordering="member_count")
    def member_count(self, obj):
        return obj.member_count
