"""Admin for regions, countries, themes, funders, programmes, partners and projects."""

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import ValidationError
from django.db.models import Count
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from import_export.formats import base_formats
from modeltranslation.admin import TranslationAdmin, TranslationTabularInline

from common import spreadsheets
from common.admin_base import (HistoryAdmin, HttpsUrlsMixin, LabelledTableInlineMixin,
                               PublishingAdminMixin)
from common.admin_images import IMAGE_FIELDSET, ImageAdminMixin
from common.admin_markdown import MarkdownAdminMixin
from common.admin_spreadsheets import SpreadsheetImportExportMixin

from .models import (AID_CLASSIFICATIONS, AnnualReport, Country, Funder, Indicator,
                     IndicatorPeriod, Partner, PolicyMarker, Programme, Project, Region,
                     Result, Theme, Transaction, check_iati_identifier,
                     check_publishable, propose_iati_identifier)
from .resources import ProjectResource
from .signals import hidden_partners_saved


class ContentAdmin(MarkdownAdminMixin, HttpsUrlsMixin, HistoryAdmin, TranslationAdmin):
    """Version history with restore, Swedish and English fields side by side, and the
    Markdown texts explained."""


@admin.register(Region)
class RegionAdmin(ContentAdmin):
    list_display = ["name", "slug", "country_count", "sort_order"]
    list_editable = ["sort_order"]
    search_fields = ["name_sv", "name_en", "slug"]
    prepopulated_fields = {"slug": ["name_sv"]}
    fieldsets = [(None, {"fields": [("name_sv", "name_en"), "slug", ("focus_sv", "focus_en"),
                                    "sort_order"]})]

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(country_count=Count("countries"))

    @admin.display(description=_("countries"), ordering="country_count")
    def country_count(self, obj):
        return obj.country_count


@admin.register(Country)
class CountryAdmin(ImageAdminMixin, ContentAdmin):
    list_display = ["name", "iso_code", "region"]
    list_filter = ["region"]
    list_select_related = ["region"]
    search_fields = ["name_sv", "name_en", "iso_code", "slug"]
    autocomplete_fields = ["region"]
    prepopulated_fields = {"slug": ["name_sv"]}
    readonly_fields = ["image_preview"]
    fieldsets = [(None, {"fields": [("name_sv", "name_en"), "slug", "iso_code", "region",
                                    ("focus_sv", "focus_en")]}),
                 IMAGE_FIELDSET]


@admin.register(Theme)
class ThemeAdmin(ContentAdmin):
    list_display = ["name", "slug", "dac_purpose_code"]
    search_fields = ["name_sv", "name_en", "slug", "dac_purpose_code"]
    prepopulated_fields = {"slug": ["name_sv"]}
    fieldsets = [(None, {"fields": [("name_sv", "name_en"), "slug", "dac_purpose_code",
                                    ("description_sv", "description_en")]})]


@admin.register(Funder)
class FunderAdmin(ContentAdmin):
    list_display = ["name", "short_name", "slug", "iati_identifier"]
    search_fields = ["name_sv", "name_en", "short_name", "slug", "iati_identifier"]
    prepopulated_fields = {"slug": ["name_sv"]}
    fieldsets = [(None, {"fields": [("name_sv", "name_en"), "slug", "short_name",
                                    "iati_identifier", "website"]})]


@admin.register(Partner)
class PartnerAdmin(HttpsUrlsMixin, HistoryAdmin):
    list_display = ["name", "slug", "country", "place"]
    list_filter = ["country__region", "country"]
    list_select_related = ["country"]
    search_fields = ["name", "slug", "place", "country__name_sv"]
    autocomplete_fields = ["country"]
    prepopulated_fields = {"slug": ["name"]}
    fields = ["name", "slug", "country", "place", "website"]


class ProgrammeProjectForm(forms.ModelForm):
    """A project published from its programme's page needs what its own form asks for
    (check_publishable), from its saved countries and themes."""

    def clean(self):
        cleaned_data = super().clean()
        if cleaned_data.get("published") and not self.instance.published:
            try:
                check_publishable(self.instance.countries.all(), self.instance.themes.all())
            except ValidationError as error:
                self.add_error("published", error)
        return cleaned_data


class ProgrammeProjectInline(LabelledTableInlineMixin, TranslationTabularInline):
    """A programme's projects, to check status and publishing at a glance."""

    model = Project
    form = ProgrammeProjectForm
    fields = ["title_sv", "status", "start_date", "end_date", "published"]
    readonly_fields = ["title_sv", "start_date", "end_date"]
    extra = 0
    show_change_link = True
    can_delete = False

    def has_add_permission(self, request, obj=None):
        # New projects need countries and an IATI identifier: the project form asks for them.
        return False


class PolicyMarkerInline(LabelledTableInlineMixin, admin.TabularInline):
    """The policy objectives a programme or a project aims at, with their weight."""

    model = PolicyMarker
    fields = ["code", "significance"]
    extra = 0


class ProgrammePolicyMarkerInline(PolicyMarkerInline):
    fk_name = "programme"
    verbose_name_plural = _("policy markers (for the programme's projects)")


class ProjectPolicyMarkerInline(PolicyMarkerInline):
    fk_name = "project"
    verbose_name_plural = _("policy markers (empty: the programme's)")


class TransactionInline(LabelledTableInlineMixin, admin.TabularInline):
    """The money that came in, went out to partners and was spent: one row each."""

    model = Transaction
    fields = ["transaction_type", "date", "value", "currency", "value_date", "provider",
              "provider_activity_id", "receiver"]
    autocomplete_fields = ["provider", "receiver"]
    extra = 0

    def formfield_for_dbfield(self, db_field, request, **kwargs):
        # Funders and partners are added on their own pages: without the add, change and
        # view links beside each chooser the row fits the screen.
        formfield = super().formfield_for_dbfield(db_field, request, **kwargs)
        if db_field.name in ("provider", "receiver"):
            widget = formfield.widget
            widget.can_add_related = widget.can_change_related = False
            widget.can_delete_related = widget.can_view_related = False
        return formfield


class ResultInline(LabelledTableInlineMixin, TranslationTabularInline):
    """A project's results, named here; each result's page holds its description and
    indicators."""

    model = Result
    fields = ["result_type", "title_sv", "title_en"]
    extra = 0
    show_change_link = True


@admin.register(Programme)
class ProgrammeAdmin(ImageAdminMixin, PublishingAdminMixin, ContentAdmin):
    list_display = ["name", "region", "funding_framework", "start_date", "end_date",
                    "published"]
    list_filter = ["published", "funding_framework", "region"]
    list_select_related = ["region"]
    search_fields = ["name_sv", "name_en", "slug", "funder_contribution_identifier"]
    autocomplete_fields = ["region", "countries", "themes", "funder"]
    prepopulated_fields = {"slug": ["name_sv"]}
    date_hierarchy = "start_date"
    inlines = [ProgrammePolicyMarkerInline, ProgrammeProjectInline]
    fieldsets = [
        (None, {"fields": [("name_sv", "name_en"), "slug", "published"]}),
        (_("Where and when"), {"fields": ["region", "countries", ("start_date", "end_date")]}),
        (_("Funding"), {"fields": ["funding_framework", "funder",
                                   "funder_contribution_identifier"]}),
        (_("IATI classifications"), {
            "fields": list(AID_CLASSIFICATIONS), "classes": ["collapse"],
            "description": _("How the IATI file classifies the programme's projects, for "
                             "data users who filter on it. A project may set its own.")}),
        (_("Texts"), {"fields": [("summary_sv", "summary_en"), ("body_sv", "body_en"),
                                 "themes"]}),
        IMAGE_FIELDSET,
    ]
    readonly_fields = ["image_preview"]


class ProjectAdminForm(forms.ModelForm):
    """Save as copy gives the copy its own slug and IATI identifier, so an editor can
    start from an existing project without fighting two uniqueness errors."""

    class Meta:
        model = Project
        fields = "__all__"

    def __init__(self, *args, save_as_copy=False, **kwargs):
        super().__init__(*args, **kwargs)
        self.save_as_copy = save_as_copy
        if save_as_copy and self.is_bound:
            data = self.data.copy()
            data["slug"] = self._free("slug", data.get("slug", ""), "-kopia")
            data["iati_identifier"] = self._free(
                "iati_identifier", data.get("iati_identifier", ""), "-COPY")
            data["published"] = ""  # a copy starts as a draft
            self.data = data

    def clean_iati_identifier(self):
        """A new identifier, or a changed one, starts with the reporting organisation's;
        one already saved under another prefix may stay; a published project's stays
        (check_iati_identifier, the rule the spreadsheet import applies too)."""
        value = self.cleaned_data["iati_identifier"]
        saved = self.instance.pk is not None
        check_iati_identifier(value, saved=self.instance.iati_identifier if saved else None,
                              published=saved and self.instance.published_at is not None)
        return value

    def clean(self):
        cleaned_data = super().clean()
        # Publishing requires what the IATI file needs; a project published before this
        # rule may still be edited, but not lose the last of what it has.
        if cleaned_data.get("published") and not (
                self.instance.pk is not None and self.instance.published
                and self.instance.publishing_problems()):
            try:
                check_publishable(cleaned_data.get("countries") or [],
                                  cleaned_data.get("themes") or [])
            except ValidationError as error:
                self.add_error("published", error)
        return cleaned_data

    @staticmethod
    def _free(field, value, suffix):
        candidate, n = f"{value}{suffix}", 2
        while Project.objects.filter(**{field: candidate}).exists():
            candidate, n = f"{value}{suffix}{n}", n + 1
        return candidate


class PastTheirEndFilter(admin.SimpleListFilter):
    """The projects the dashboard flags: still ongoing after their end date."""

    title = _("status and dates")
    parameter_name = "past_end"

    def lookups(self, request, model_admin):
        return [("1", _("ongoing, but the end date has passed"))]

    def queryset(self, request, queryset):
        if self.value() == "1":
            return queryset.past_their_end()
        return queryset


@admin.register(Project)
class ProjectAdmin(ImageAdminMixin, PublishingAdminMixin, SpreadsheetImportExportMixin,
                   ContentAdmin):
    form = ProjectAdminForm
    resource_classes = [ProjectResource]
    # The spreadsheet formats staff use (imports: CSV and XLSX), and JSON.
    export_formats = [spreadsheets.CSV, spreadsheets.XLSX, base_formats.JSON]
    save_as = True
    list_display = ["title", "status", "programme", "funder", "start_date", "visibility",
                    "published", "updated"]
    list_filter = ["published", "status", PastTheirEndFilter, "visibility",
                   "countries__region", "funder", "themes", "programme"]
    inlines = [TransactionInline, ResultInline, ProjectPolicyMarkerInline]
    list_select_related = ["programme", "funder"]
    # Staff search for a project by where, with whom and under which programme as often
    # as by its title. The admin's changelist keeps a project linked to two matching
    # countries to one row (an EXISTS filter for many-to-many lookups).
    search_fields = ["title_sv", "title_en", "slug", "iati_identifier",
                     "countries__name_sv", "countries__name_en",
                     "member_organisations__name_sv", "member_organisations__name_en",
                     "member_organisations__short_name",
                     "programme__name_sv", "programme__name_en"]
    search_help_text = _("Searches titles, slugs, IATI identifiers, countries, member "
                         "organisations (names and short names) and programmes.")
    autocomplete_fields = ["programme", "countries", "themes", "partners",
                           "member_organisations", "funder"]
    prepopulated_fields = {"slug": ["title_sv"]}
    date_hierarchy = "start_date"
    readonly_fields = ["published_at", "created", "updated", "image_preview"]
    fieldsets = [
        (None, {"fields": [("title_sv", "title_en"), "slug", ("published", "visibility"),
                           "iati_identifier", "is_demo"]}),
        (_("Where, with whom"), {"fields": ["programme", "countries", "partners",
                                            "member_organisations", "themes"]}),
        (_("Status and period"), {"fields": ["status", ("start_date", "end_date")]}),
        (_("Money and results"), {"fields": ["funder", "budget_sek", "people_reached"]}),
        (_("IATI classifications"), {
            "fields": [*AID_CLASSIFICATIONS, "humanitarian", "budget_not_provided"],
            "classes": ["collapse"],
            "description": _("How the IATI file classifies the project, for data users who "
                             "filter on it. Leave a classification empty to use the "
                             "programme's.")}),
        (_("Texts"), {"fields": [("summary_sv", "summary_en"), ("body_sv", "body_en")]}),
        IMAGE_FIELDSET,
        (_("Record"), {"fields": ["published_at", "created", "updated"],
                       "classes": ["collapse"]}),
    ]

    def get_changeform_initial_data(self, request):
        """A new project's IATI identifier is proposed (propose_iati_identifier), within
        its programme when the link that opens the form names one (?programme=<id>)."""
        initial = super().get_changeform_initial_data(request)
        programme_id = str(initial.get("programme") or "")
        programme = (Programme.objects.filter(pk=programme_id).first()
                     if programme_id.isdigit() else None)
        initial.setdefault("iati_identifier", propose_iati_identifier(programme))
        return initial

    def publishing_problems(self, obj):
        return obj.publishing_problems()

    @admin.action(description=PublishingAdminMixin.publish.short_description,
                  permissions=["change"])
    def publish(self, request, queryset):
        # What publishing requires, for all the selected projects in two more queries.
        return super().publish(request, queryset.prefetch_related("countries", "themes"))

    def save_related(self, request, form, formsets, change):
        # A project that hides its partners (perhaps since this save) may still be named
        # by what other apps published about it: the editor is told what to take down.
        super().save_related(request, form, formsets, change)
        if form.instance.hides_partners:
            for _receiver, warnings in hidden_partners_saved.send(
                    sender=Project, project=form.instance):
                for warning in warnings or ():
                    self.message_user(request, warning, messages.WARNING)

    def get_form(self, request, obj=None, **kwargs):
        form_class = super().get_form(request, obj, **kwargs)
        save_as_copy = "_saveasnew" in request.POST

        class Form(form_class):
            def __init__(self, *args, **form_kwargs):
                super().__init__(*args, save_as_copy=save_as_copy, **form_kwargs)

        return Form


class ReachedFromTheProject:
    """Results, indicators and their periods are edited from their project's page (and
    reached from there), not from the admin's index."""

    def has_module_permission(self, request):
        return False

    def response_post_save_add(self, request, obj):
        return redirect(self.way_back(obj))

    def response_post_save_change(self, request, obj):
        # Saved, the editor is back where they came from rather than in a list of every
        # project's results.
        return redirect(self.way_back(obj))


class ProjectPartForm(forms.ModelForm):
    """The form of a result or indicator, which says what it belongs to."""

    class Meta:
        fields = "__all__"
        help_texts = {
            "project": _("The project the result belongs to."),
            "result": _("The result the indicator measures."),
        }


class IndicatorInline(LabelledTableInlineMixin, TranslationTabularInline):
    """A result's indicators; each one's page holds its baseline and periods."""

    model = Indicator
    fields = ["title_sv", "title_en", "measure", "ascending"]
    extra = 0
    show_change_link = True


@admin.register(Result)
class ResultAdmin(ReachedFromTheProject, ContentAdmin):
    form = ProjectPartForm
    list_display = ["title", "result_type", "project"]
    list_filter = ["result_type"]
    list_select_related = ["project"]
    search_fields = ["title_sv", "title_en", "project__title_sv"]
    autocomplete_fields = ["project"]
    inlines = [IndicatorInline]
    fields = ["project", "result_type", ("title_sv", "title_en"),
              ("description_sv", "description_en")]

    def way_back(self, obj):
        return reverse("admin:projects_project_change", args=[obj.project_id])


class IndicatorPeriodForm(forms.ModelForm):
    class Meta:
        fields = "__all__"
        help_texts = {
            "period_start": _("The first day of the period, e.g. the start of a year."),
            "period_end": _("The last day of the period."),
        }


class IndicatorPeriodInline(LabelledTableInlineMixin, admin.TabularInline):
    """An indicator's target per period and what was achieved."""

    model = IndicatorPeriod
    form = IndicatorPeriodForm
    fields = ["period_start", "period_end", "target", "actual"]
    extra = 0


@admin.register(Indicator)
class IndicatorAdmin(ReachedFromTheProject, ContentAdmin):
    form = ProjectPartForm
    list_display = ["title", "measure", "result"]
    list_select_related = ["result"]
    search_fields = ["title_sv", "title_en", "result__title_sv"]
    autocomplete_fields = ["result"]
    inlines = [IndicatorPeriodInline]
    fields = ["result", ("title_sv", "title_en"), "measure", "ascending",
              ("baseline_year", "baseline_value")]

    def way_back(self, obj):
        return reverse("admin:projects_result_change", args=[obj.result_id])


@admin.register(AnnualReport)
class AnnualReportAdmin(HttpsUrlsMixin, HistoryAdmin, TranslationAdmin):
    list_display = ["year", "url_sv", "url_en"]
    search_fields = ["year"]
    fields = ["year", "url_sv", "url_en"]
