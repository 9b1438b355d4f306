"""Admin for member organisations and networks."""

from django import forms
from django.contrib import admin
from django.db.models import Count
from django.utils.translation import gettext_lazy as _
from modeltranslation.admin import TranslationAdmin

from common.admin_base import (HistoryAdmin, HttpsUrlsMixin, LabelledTableInlineMixin,
                               PublishingAdminMixin)
from common.admin_images import IMAGE_FIELDSET, ImageAdminMixin
from common.admin_markdown import MarkdownAdminMixin

from .models import MemberOrganisation, Network


class ContentAdmin(ImageAdminMixin, PublishingAdminMixin, MarkdownAdminMixin, HttpsUrlsMixin,
                   HistoryAdmin, TranslationAdmin):
    """Publishing actions, version history, Swedish and English side by side, the
    Markdown descriptions explained."""


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


class NetworkMemberForm(forms.ModelForm):
    class Meta:
        # The link table's own field is named after the model, in English: the column
        # header says it in words.
        labels = {"memberorganisation": _("member organisation")}


class NetworkMemberInline(LabelledTableInlineMixin, admin.TabularInline):
    """A network's member organisations, each picked with autocomplete."""

    model = Network.members.through
    form = NetworkMemberForm
    autocomplete_fields = ["memberorganisation"]
    extra = 1
    verbose_name = _("member organisation")
    verbose_name_plural = _("member organisations in the network")

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        # The link table is made by the many-to-many field: its help text is the field's.
        formfield = super().formfield_for_foreignkey(db_field, request, **kwargs)
        if db_field.name == "memberorganisation":
            formfield.help_text = Network._meta.get_field("members").help_text
        return formfield


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
