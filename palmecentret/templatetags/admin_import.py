"""The import preview's failing rows: each row's non-empty cells by column."""

from django import template

register = template.Library()


@register.filter
def filled_cells(row, headers):
    """(column, value) of each cell of an invalid import row that has a value
    (import-export shows an empty one as "---")."""
    return [(header, value) for header, value in zip(headers, row.values)
            if value not in (None, "", "---")]
