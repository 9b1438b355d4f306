"""The project spreadsheet: the columns staff import and export (django-import-export).
Every column that names another record uses its unique, never empty key (a slug, a
country's ISO code), so an exported file imports back unchanged."""

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from import_export import fields, widgets

from common.admin_spreadsheets import SpreadsheetResource
from members.models import MemberOrganisation

from .models import (Country, Funder, Partner, Programme, Project, Theme,
                     check_iati_identifier, check_publishable, propose_iati_identifier)


class StrictManyToManyWidget(widgets.ManyToManyWidget):
    """Like ManyToManyWidget, but an unknown value is a row error rather than silently
    dropped: a mistyped country code must not produce a project in no country."""

    def clean(self, value, row=None, **kwargs):
        wanted = [v.strip() for v in str(value or "").split(self.separator) if v.strip()]
        found = list(self.model.objects.filter(**{f"{self.field}__in": wanted}))
        missing = sorted(set(wanted) - {str(getattr(obj, self.field)) for obj in found})
        if missing:
            raise ValueError(_("Unknown values: %(values)s") % {"values": ", ".join(missing)})
        return found


class StrictForeignKeyWidget(widgets.ForeignKeyWidget):
    def clean(self, value, row=None, **kwargs):
        if value in (None, ""):
            return None
        try:
            return super().clean(value, row, **kwargs)
        except self.model.DoesNotExist:
            raise ValueError(_("Unknown value: %(value)s") % {"value": value}) from None


def m2m(attribute, model, field):
    return fields.Field(attribute=attribute, column_name=attribute,
                        widget=StrictManyToManyWidget(model, field=field, separator=","))


class ProjectResource(SpreadsheetResource):
    programme = fields.Field(attribute="programme", column_name="programme",
                             widget=StrictForeignKeyWidget(Programme, field="slug"))
    funder = fields.Field(attribute="funder", column_name="funder",
                          widget=StrictForeignKeyWidget(Funder, field="slug"))
    countries = m2m("countries", Country, "iso_code")
    themes = m2m("themes", Theme, "slug")
    member_organisations = m2m("member_organisations", MemberOrganisation, "slug")
    partners = m2m("partners", Partner, "slug")

    M2M_COLUMNS = ("countries", "themes", "member_organisations", "partners")

    class Meta:
        model = Project
        # Rows are matched to existing projects by their IATI identifier.
        import_id_fields = ["iati_identifier"]
        fields = ["iati_identifier", "slug", "title_sv", "title_en", "programme", "countries",
                  "themes", "partners", "member_organisations", "status", "start_date",
                  "end_date", "budget_sek", "funder", "people_reached", "visibility",
                  "published", "summary_sv", "summary_en", "body_sv", "body_en"]
        export_order = fields
        # full_clean() on each row: the same rules as the admin form and the database.
        clean_model_instances = True
        skip_unchanged = True
        report_skipped = True

    def example_row(self):
        # A new project with the columns a project needs; countries only if there is one
        # to name (the column may be empty).
        country = Country.objects.order_by("iso_code").values_list("iso_code", flat=True).first()
        return {"iati_identifier": propose_iati_identifier(), "slug": "exempelprojekt",
                "title_sv": "Exempelprojekt", "title_en": "Example project",
                "countries": country or "", "status": Project.Status.PLANNED,
                "start_date": "2026-01-01", "end_date": "2027-12-31", "budget_sek": "250000",
                "visibility": Project.Visibility.PUBLIC, "published": "0",
                "summary_sv": "En eller två meningar om projektet.",
                "summary_en": "A sentence or two about the project."}

    def filter_export(self, queryset, **kwargs):
        # The many-to-many columns of a page of projects in one query each, not per row.
        return queryset.prefetch_related(*self.M2M_COLUMNS)

    def import_instance(self, instance, row, **kwargs):
        errors = {}
        # Rows are matched by their identifier, so a row for a saved project keeps it; a
        # new project's is checked as the project form checks it (check_iati_identifier).
        saved = instance.iati_identifier if instance.pk is not None else None
        # A project published before the publishing rule, and still lacking what it asks
        # for, may be updated; it cannot lose the last of what it has.
        grandfathered = (instance.pk is not None and instance.published
                         and bool(instance.publishing_problems()))
        try:
            super().import_instance(instance, row, **kwargs)
        except ValidationError as error:
            errors = error.update_error_dict(errors)
        if instance.iati_identifier and "iati_identifier" not in errors:
            try:
                check_iati_identifier(instance.iati_identifier, saved=saved)
            except ValidationError as error:
                errors.setdefault("iati_identifier", []).extend(error.messages)
        if instance.pk is None and instance.slug:
            # A row can only match a project by its identifier: a published project's
            # slug under another identifier is an attempt to change that identifier.
            published = Project.objects.filter(slug=instance.slug,
                                               published_at__isnull=False).first()
            if published is not None:
                errors.setdefault("iati_identifier", []).append(
                    _("%(slug)s is a published project whose IATI identifier is "
                      "%(saved)s. A published project's identifier cannot change: keep it "
                      "in the row.")
                    % {"slug": instance.slug, "saved": published.iati_identifier})
        # Many-to-many columns are only read when saving, after validation: check them
        # here so their errors show in the preview with the rest of the row's.
        linked = {}
        for name in self.M2M_COLUMNS:
            if name not in row:
                continue
            try:
                linked[name] = self.fields[name].clean(row)
            except ValueError as error:
                errors.setdefault(name, []).append(str(error))
        if (instance.published and not grandfathered
                and not {"countries", "themes"} & errors.keys()):
            # The same requirements as the project form's (publishing_problems); a column
            # left out of the file keeps what the project has.
            def current(name):
                if name in linked:
                    return linked[name]
                return list(getattr(instance, name).all()) if instance.pk else []
            try:
                check_publishable(current("countries"), current("themes"))
            except ValidationError as error:
                errors.setdefault("published", []).extend(error.messages)
        if not str(row.get("countries") or "").strip():
            errors.setdefault("countries", []).append(
                _("A project needs at least one country (ISO codes, e.g. PS,ZA)."))
        if errors:
            raise ValidationError(errors)
