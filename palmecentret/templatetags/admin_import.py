"""The import preview's rows: each row's non-empty cells by column."""

from django import template

register = template.Library()


@register.filter
def filled_cells(values, headers):
    """(column, value) of each cell of an import preview row that has a value
    (import-export shows an empty one as "---")."""
    return [(header, value) for header, value in zip(headers, values)
            if value not in (None, "", "---")]
