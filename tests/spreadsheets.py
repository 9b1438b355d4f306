"""Reading the spreadsheets the admin's export pages answer, as a spreadsheet would: CSV
rows, and XLSX cells with their types (a formula is a cell of type "f")."""

import csv
import io

import openpyxl


def content_of(response):
    """The bytes of an answer, streamed or not (or the bytes themselves)."""
    if isinstance(response, bytes):
        return response
    if response.streaming:
        return b"".join(response.streaming_content)
    return response.content


def csv_rows(response):
    """The rows of a CSV answer (or file) as dicts by column; it starts with the byte-order
    mark."""
    text = content_of(response).decode("utf-8")
    assert text.startswith("\ufeff")
    return list(csv.DictReader(io.StringIO(text[1:])))


def xlsx_rows(response):
    """The rows of an XLSX answer or file (a valid workbook) as dicts of cells by
    column: cell.value is what was written, cell.data_type "s" a text, "f" a formula."""
    sheet = openpyxl.load_workbook(io.BytesIO(content_of(response))).active
    header, *rows = sheet.iter_rows()
    names = [cell.value for cell in header]
    return [dict(zip(names, row)) for row in rows]


def export_form(resource, fields, file_format):
    """What the export page posts: the format's position and the chosen columns."""
    prefix = resource.__name__.lower()
    return {"format": file_format, "resource": "0",
            **{f"{prefix}_{name}": "on" for name in fields}}
