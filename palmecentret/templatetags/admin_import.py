"""The import preview's rows: each row's non-empty cells by column, and the columns named
by their titles."""

from django import template

register = template.Library()


@register.filter
def filled_cells(values, headers):
    """(column, value) of each cell of an import preview row that has a value
    (import-export shows an empty one as "---")."""
    return [(header, value) for header, value in zip(headers, values)
            if value not in (None, "", "---")]


@register.filter
def column_title(name, titles):
    """The title of the column (or model field) a row error names, or the name itself."""
    return (titles or {}).get(name, name)
