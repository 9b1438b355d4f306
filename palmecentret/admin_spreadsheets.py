"""The admin's spreadsheet imports and exports (django-import-export), as every app uses
them: a resource base whose exported file imports back unchanged."""

import datetime

from import_export import resources, widgets


class DateWidget(widgets.DateWidget):
    """A date; XLSX gives dates back as datetimes at midnight, which are not equal to the
    stored dates and would make an unchanged row look changed."""

    def clean(self, value, row=None, **kwargs):
        if isinstance(value, datetime.datetime):
            return value.date()
        return super().clean(value, row, **kwargs)


class SpreadsheetResource(resources.ModelResource):
    """A ModelResource whose exported file imports back as it was: every row of an
    unchanged file is skipped and nothing in the database changes."""

    WIDGETS_MAP = {**resources.ModelResource.WIDGETS_MAP, "DateField": DateWidget}

    def import_instance(self, instance, row, **kwargs):
        # An empty cell is "" or None depending on the format; a text stored as None (a
        # translation not written yet) stays None when its cell is empty, so that an
        # unchanged row is not taken for a change.
        empty = {field.attname for field in instance._meta.concrete_fields
                 if field.null and getattr(instance, field.attname) is None}
        super().import_instance(instance, row, **kwargs)
        for name in empty:
            if getattr(instance, name) == "":
                setattr(instance, name, None)
