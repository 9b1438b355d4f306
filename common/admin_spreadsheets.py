"""The admin's spreadsheet imports and exports (django-import-export), as every app uses
them: a resource base whose exported file imports back unchanged and whose errors are
sentences, columns titled in the staff member's language, an import whose confirm step
saves every row or none, and exports that no spreadsheet runs as formulas, CSV
streamed."""

import datetime
import logging
import re
from decimal import Decimal
from uuid import uuid4

from django.conf import settings
from django.contrib import messages
from django.core.cache import cache
from django.core.exceptions import FieldDoesNotExist, PermissionDenied
from django.db import IntegrityError
from django.http import StreamingHttpResponse
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.decorators import method_decorator
from django.utils.formats import sanitize_separators
from django.utils.text import capfirst
from django.utils.translation import gettext as _
from django.utils.translation import ngettext, override
from django.views.decorators.http import require_POST
from import_export import forms, resources, results, widgets
from import_export.admin import ExportMixin, ImportMixin
from import_export.formats import base_formats
from import_export.signals import post_export
from import_export.tmp_storages import BaseStorage

from . import spreadsheets
from .text import clean_text_fields

logger = logging.getLogger(__name__)


# --- Reading cells --------------------------------------------------------------------------

class DateWidget(widgets.DateWidget):
    """A date; XLSX gives dates back as datetimes at midnight, which are not equal to the
    stored dates and would make an unchanged row look changed."""

    def clean(self, value, row=None, **kwargs):
        if isinstance(value, datetime.datetime):
            return value.date()
        try:
            return super().clean(value, row, **kwargs)
        except ValueError:
            raise ValueError(_("Write the date as YYYY-MM-DD, e.g. 2025-03-01.")) from None


class IntegerWidget(widgets.IntegerWidget):
    """A whole number, or a sentence saying what to write instead (import-export's own
    widget lets decimal's and int()'s errors through, which reach staff as "[<class
    'decimal.ConversionSyntax'>]")."""

    def clean(self, value, row=None, **kwargs):
        try:
            number = super().clean(value, row, **kwargs)
            # "2.5" is not rounded to 2 without a word.
            whole = number is None or Decimal(sanitize_separators(value)) == number
        except (ArithmeticError, ValueError, TypeError):
            whole = False
        if not whole:
            raise ValueError(_("Write a whole number, e.g. 250000."))
        return number


INTEGER_FIELDS = ("IntegerField", "PositiveIntegerField", "BigIntegerField",
                  "PositiveBigIntegerField", "PositiveSmallIntegerField", "SmallIntegerField")


# --- Errors as sentences ----------------------------------------------------------------------

class ImportFileError(Exception):
    """A problem with the file as a whole, already worded for staff."""


class ImportProblem(results.Error):
    """An error of one row or of the whole file, shown to staff as a sentence in their
    language; the exception, with its traceback and whatever server paths it names, goes
    to the log only."""

    # import-export's page shows this under file errors: never the real one.
    traceback = ""

    def __init__(self, error, row=None, number=None):
        if isinstance(error, ImportFileError):
            message = str(error)
        elif isinstance(error, IntegrityError):
            # Validation passed, then the database refused: another save came in between.
            message = _("The database refused this row: a value that must be unique is "
                        "already in use, or a rule of the database was broken (most likely "
                        "by a change saved meanwhile). Nothing was imported.")
        else:
            logger.error("spreadsheet import failed (row %s)", number, exc_info=error)
            message = _("An unexpected error stopped the import, so nothing was imported. "
                        "It has been logged for the site's developers.")
        super().__init__(message, row=row, number=number)


# --- The resource base ------------------------------------------------------------------------

class SpreadsheetResource(resources.ModelResource):
    """A ModelResource whose exported file imports back as it was (every row of an
    unchanged file is skipped and nothing in the database changes), and whose errors are
    sentences.

    Its columns are titled in the staff member's language, by the verbose names of the
    model fields they hold ("Budget (kr)", a translation's with its language:
    "Sammanfattning [sv]"): in the exported file, the example file, the export form and
    the import's preview. Internally a column is still known by its field's name
    (column_name), and the import reads a column under that name or under its title in
    any of the site's languages: a file exported from the Swedish admin imports in the
    English one, and files written with the field names still import."""

    WIDGETS_MAP = {**resources.ModelResource.WIDGETS_MAP, "DateField": DateWidget,
                   **dict.fromkeys(INTEGER_FIELDS, IntegerWidget)}

    def get_error_result_class(self):
        return ImportProblem

    def example_row(self):
        """The example file's row, by column name: values that import as they are."""
        return {}

    # --- Column titles ---

    def column_title(self, field):
        """The title of a resource field's column in the active language."""
        try:
            model_field = self._meta.model._meta.get_field(field.column_name)
        except FieldDoesNotExist:
            return field.column_name
        return str(capfirst(model_field.verbose_name))

    def column_titles(self):
        """Title by column name (and by attribute, as row errors name a column), for the
        resource's columns and the model's other fields (a row's errors may name one)."""
        titles = {field.name: str(capfirst(field.verbose_name))
                  for field in self._meta.model._meta.get_fields()
                  if getattr(field, "verbose_name", None) is not None}
        for field in self.fields.values():
            titles[field.column_name] = titles[field.attribute or field.column_name] = \
                self.column_title(field)
        return titles

    def get_export_headers(self, selected_fields=None):
        return [self.column_title(field) for field in self.get_export_fields(selected_fields)]

    def column_names_by_header(self):
        """The column name a file's header stands for, by the header as the file may
        write it: the column name, or its title in one of the site's languages (any
        case, spaces around ignored)."""
        names = {}
        for field in self.get_import_fields():
            names[field.column_name.casefold()] = field.column_name
            for language, _name in settings.LANGUAGES:
                with override(language):
                    names.setdefault(self.column_title(field).casefold(), field.column_name)
        return names

    def import_data(self, dataset, *args, **kwargs):
        # The file's headers as column names. (The preview keeps the names too, as
        # import-export reads a failing row's cells by them: the page shows the titles,
        # from the admin's column_titles.)
        names = self.column_names_by_header()
        if dataset.headers:
            dataset.headers = [names.get(str(header or "").strip().casefold(), header)
                               for header in dataset.headers]
        # Rows are matched by the import id columns: without them every row would fail
        # on its own, with a KeyError each.
        wanted = [self.fields[name] for name in self.get_import_id_fields()]
        missing = [self.column_title(field) for field in wanted
                   if field.column_name not in (dataset.headers or ())]
        if missing:
            result = self.get_result_class()()
            result.append_base_error(ImportProblem(ImportFileError(ngettext(
                "The file has no column %(columns)s, which tells which row is which. "
                "Export the list to see the columns.",
                "The file has no columns %(columns)s, which tell which row is which. "
                "Export the list to see the columns.", len(missing))
                % {"columns": ", ".join(missing)})))
            return result
        return super().import_data(dataset, *args, **kwargs)

    def import_instance(self, instance, row, **kwargs):
        # An empty cell is "" or None depending on the format; a text stored as None (a
        # translation not written yet) stays None when its cell is empty, so that an
        # unchanged row is not taken for a change.
        # Only the fields a spreadsheet can set: reading the others may cost a query each
        # (a search document, which is never loaded unless asked for).
        empty = {field.attname for field in instance._meta.concrete_fields
                 if field.editable and field.null and getattr(instance, field.attname) is None}
        super().import_instance(instance, row, **kwargs)
        for name in empty:
            if getattr(instance, name) == "":
                setattr(instance, name, None)
        # Cleaned now as saving would clean them, so that a cell differing only in control
        # characters or a CR LF is not taken for a change.
        clean_text_fields(instance)


# --- The file between preview and confirm ------------------------------------------------------

class ImportFileStorage(BaseStorage):
    """An uploaded file from its preview to its confirmation, in the shared cache (every
    worker and web server sees it), under a random name, for an hour, read at most once.
    A name that is not one of these never reaches a file system."""

    PREFIX = "spreadsheet-import:"
    LIFETIME = 60 * 60
    NAME = re.compile(r"[0-9a-f]{32}")

    def save(self, data):
        self.name = uuid4().hex
        cache.set(self.PREFIX + self.name, data, self.LIFETIME)

    def read(self):
        data = cache.get(self.PREFIX + self.name) if self.is_valid_name(self.name) else None
        if data is not None and self.encoding:
            return data.decode(self.encoding)
        return data

    def remove(self):
        """True if this call removed it (two confirmations at once: one wins)."""
        return self.is_valid_name(self.name) and bool(cache.delete(self.PREFIX + self.name))

    @classmethod
    def is_valid_name(cls, name):
        return isinstance(name, str) and cls.NAME.fullmatch(name) is not None


class ConfirmImportForm(forms.ConfirmImportForm):
    def clean_import_file_name(self):
        # Not import-export's basename(): a name is ours or it is refused.
        return self.cleaned_data["import_file_name"]


# --- The admin import ---------------------------------------------------------------------------

class SpreadsheetImportMixin(ImportMixin):
    """django-import-export's import with a confirm step that cannot be turned against the
    server or the data: the confirmed file is the one previewed (else a 400 page), it is
    validated again as a whole in one transaction, and if any row fails nothing is saved
    and staff see the rows' errors."""

    import_formats = [spreadsheets.CSV, spreadsheets.XLSX]
    tmp_storage_class = ImportFileStorage
    confirm_form_class = ConfirmImportForm
    import_error_display = ("message",)
    file_gone_template = "admin/import_export/import_file_gone.html"

    def get_urls(self):
        info = self.get_model_info()
        return [path("import/example.csv", self.admin_site.admin_view(self.import_example),
                     name="%s_%s_import_example" % info), *super().get_urls()]

    def get_import_context_data(self, **kwargs):
        # The import page links to it (templates/admin/import_export/import.html).
        return {**super().get_import_context_data(**kwargs),
                "example_url": reverse("admin:%s_%s_import_example" % self.get_model_info(),
                                       current_app=self.admin_site.name)}

    def import_action(self, request, **kwargs):
        response = super().import_action(request, **kwargs)
        if getattr(response, "context_data", None) is not None:
            response.context_data.update(self.columns_context(request))
        return response

    def columns_context(self, request):
        """The import page's columns by their titles: the list of the columns the import
        reads (import-export lists their names), and the titles for the names a row's
        errors give."""
        resource_kwargs = self.get_import_resource_kwargs(request)
        resources = [resource_class(**resource_kwargs)
                     for resource_class in self.get_import_resource_classes(request)]
        return {
            "fields_list": [
                (resource.get_display_name(),
                 [resource.column_title(field) for field in resource.get_user_visible_fields()])
                for resource in resources],
            "column_titles": resources[0].column_titles(),
        }

    def import_example(self, request):
        """A CSV file with the columns the import reads and the resource's example row, which
        imports as it is with a clean preview."""
        if not self.has_import_permission(request):
            raise PermissionDenied
        resource = self.get_import_resource_classes(request)[0]()
        fields = resource.get_import_fields()
        example = resource.example_row()
        response = StreamingHttpResponse(
            spreadsheets.csv_pieces([[resource.column_title(field) for field in fields],
                                     [example.get(field.column_name, "") for field in fields]]),
            content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = (
            f'attachment; filename="{self.opts.model_name}-example.csv"')
        return response

    def get_import_data_kwargs(self, **kwargs):
        kwargs = super().get_import_data_kwargs(**kwargs)
        kwargs["rollback_on_validation_errors"] = True
        return kwargs

    @method_decorator(require_POST)
    def process_import(self, request, **kwargs):
        if not self.has_import_permission(request):
            raise PermissionDenied
        form = self.create_confirm_form(request)
        formats = self.get_import_formats()
        if not (form.is_valid() and choice(form.cleaned_data["format"], formats)
                and choice(form.cleaned_data["resource"] or "0",
                           self.get_import_resource_classes(request))):
            return self.import_file_gone(request)
        input_format = formats[int(form.cleaned_data["format"])](encoding=self.from_encoding)
        storage = self.get_tmp_storage_class()(
            name=form.cleaned_data["import_file_name"],
            encoding=None if input_format.is_binary() else self.from_encoding,
            read_mode=input_format.get_read_mode(), **self.get_tmp_storage_class_kwargs())
        try:
            data = storage.read()
            # Taken before it is imported: a second confirmation finds it gone.
            if data is None or not storage.remove():
                return self.import_file_gone(request)
            dataset = input_format.create_dataset(data)
        except Exception:  # noqa: BLE001 - a file in another format than the preview's
            logger.info("spreadsheet import: the confirmed file could not be read",
                        exc_info=True)
            return self.import_file_gone(request)
        result = self.process_dataset(dataset, form, request, **kwargs)
        if result.has_errors() or result.has_validation_errors():
            return self.import_refused(request, result)
        return self.process_result(result, request)

    def add_data_read_fail_error_to_form(self, form, e):
        # import-export names the Python exception ("'BadZipFile' encountered while
        # trying to read file"): staff get what to do instead, the log the exception.
        logger.info("spreadsheet import: the uploaded file could not be read", exc_info=e)
        chosen = form.cleaned_data.get("format") if form.is_bound else None
        formats = self.get_import_formats()
        name = (formats[int(chosen)]().get_title() if choice(chosen, formats)
                else _("the chosen format"))
        form.add_error("import_file", _(
            "The file could not be read as %(format)s. Check that you chose the file's "
            "format (a CSV file saved as UTF-8, or an Excel file in .xlsx format) and "
            "that the file is the one you exported or filled in.") % {"format": name})

    def import_file_gone(self, request):
        """The 400 page for a confirmation whose file is not one this import wrote (a
        tampered form), or no longer there (already imported, or too old)."""
        context = {**self.admin_site.each_context(request), "opts": self.model._meta,
                   "title": _("The import cannot be confirmed"),
                   "import_url": reverse(
                       "admin:%s_%s_import" % self.get_model_info(),
                       current_app=self.admin_site.name)}
        return TemplateResponse(request, self.file_gone_template, context, status=400)

    def import_refused(self, request, result):
        """The import page again, with the rows that failed at confirmation and their
        errors; nothing was saved (import_data() rolled the transaction back). The
        context is the one import_action() gives the same template: check its keys when
        upgrading django-import-export (test_project_spreadsheets shows the page)."""
        messages.error(request, _("Nothing was imported: some rows are no longer valid "
                                  "(the data changed after the preview). Correct them "
                                  "and upload the file again."))
        import_form = self.get_import_form_class(request)(
            self.get_import_formats(), self.get_import_resource_classes(request))
        context = {
            **self.get_import_context_data(), **self.admin_site.each_context(request),
            "title": _("Import"), "form": import_form, "opts": self.model._meta,
            "media": self.media + import_form.media, "result": result,
            "import_error_display": self.import_error_display,
            **self.columns_context(request),
        }
        request.current_app = self.admin_site.name
        return TemplateResponse(request, [self.import_template_name], context)


# --- The admin export -----------------------------------------------------------------------

class ExportForm(forms.SelectableFieldsExportForm):
    """import-export's export form, its column boxes labelled with the columns' titles
    (import-export makes "Budget Sek" of "budget_sek")."""

    def __init__(self, formats, resources, **kwargs):
        super().__init__(formats, resources, **kwargs)
        for resource_class in resources:
            resource = resource_class()
            for name in resource.get_export_order():
                box = self.fields.get(self.create_boolean_field_name(resource_class, name))
                if box is not None and name in resource.fields:
                    box.label = resource.column_title(resource.fields[name])


class SpreadsheetExportMixin(ExportMixin):
    """django-import-export's export page (format, columns, the list's filters and search
    applied) writing files no spreadsheet runs as formulas (common.spreadsheets).
    CSV is streamed a few hundred rows at a time, so memory stays flat however many rows
    there are; XLSX (a zip file) is built whole."""

    export_formats = [spreadsheets.CSV, spreadsheets.XLSX]
    export_form_class = ExportForm

    def export_action(self, request):
        # An export from the page's form (not from a list action) in CSV is streamed.
        if request.method == "POST" and "export_items" not in request.POST:
            response = self.streamed_csv_export(request)
            if response is not None:
                return response
        return super().export_action(request)

    def get_export_data(self, file_format, request, queryset, **kwargs):
        # Numbers, dates and booleans keep their types in any binary format (XLSX), not
        # only in import-export's own format classes.
        if not self.has_export_permission(request):
            raise PermissionDenied
        data = self.get_data_for_export(request, queryset,
                                        force_native_type=file_format.is_binary(), **kwargs)
        return file_format.export_data(data)

    def streamed_csv_export(self, request):
        """The streamed CSV answer, or None if the form asks for another format (or is
        invalid: import-export's page then says why)."""
        if not self.has_export_permission(request):
            raise PermissionDenied
        formats = self.get_export_formats()
        form = self.get_export_form_class()(
            formats, self.get_export_resource_classes(request), data=request.POST)
        if not form.is_valid() or not choice(form.cleaned_data["format"], formats):
            return None
        file_format = formats[int(form.cleaned_data["format"])]()
        if not isinstance(file_format, base_formats.CSV):
            return None
        queryset = self.get_export_queryset(request)
        response = StreamingHttpResponse(
            spreadsheets.csv_pieces(self.export_rows(request, queryset, form)),
            content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = 'attachment; filename="{}"'.format(
            self.get_export_filename(request, queryset, file_format))
        # Personal data or internal projects: no cache keeps a copy.
        response["Cache-Control"] = "no-store"
        post_export.send(sender=None, model=self.model)
        return response

    def export_rows(self, request, queryset, form):
        """The header, then a row of cells per object of `queryset`, as the chosen resource
        exports them, with the columns chosen in the form."""
        resource = self.choose_export_resource_class(form, request)(
            **self.get_export_resource_kwargs(request))
        fields = self.get_export_resource_fields_from_form(form)
        yield resource.get_export_headers(selected_fields=fields)
        for obj in resource.iter_queryset(resource.filter_export(queryset)):
            yield resource.export_resource(obj, selected_fields=fields)


class SpreadsheetImportExportMixin(SpreadsheetImportMixin, SpreadsheetExportMixin):
    import_export_change_list_template = "admin/import_export/change_list_import_export.html"


def choice(value, options):
    """Whether `value` is the position of one of `options` (as the forms post it)."""
    return (isinstance(value, str) and re.fullmatch(r"[0-9]{1,3}", value) is not None
            and int(value) < len(options))
