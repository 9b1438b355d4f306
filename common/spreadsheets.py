"""Spreadsheets the portal writes and reads, shared by every export and import: cells no
spreadsheet runs as formulas (CSV and XLSX), text XLSX can carry, CSV rows as strings for
streamed answers, and the file formats the admin's import and export pages offer."""

import csv
import re
from io import BytesIO

import tablib
from import_export.formats import base_formats
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.styles import Font

# A cell starting with one of these is a formula to Excel, LibreOffice and Google Sheets
# ("=HYPERLINK(...)" in a title would run on the reader's machine).
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
# What CSV puts before such a cell (OWASP's advice for CSV injection); also before a cell
# of apostrophes and then a formula start, so that reading the file back
# (from_spreadsheet) gives exactly the text that was written.
QUOTE = "'"
_QUOTED = re.compile("'*[" + re.escape("".join(FORMULA_STARTS)) + "]")
_UNQUOTE = re.compile("'+[" + re.escape("".join(FORMULA_STARTS)) + "]")
# UTF-8 byte-order mark: Excel then reads å, ä and ö right.
BOM = "\ufeff"
# Rows of a streamed CSV answer per piece handed to the server.
ROWS_PER_PIECE = 500


def spreadsheet_safe(value):
    """The cell as CSV text, with a leading apostrophe if a spreadsheet would take it for a
    formula."""
    text = "" if value is None else str(value)
    if _QUOTED.match(text):
        return QUOTE + text
    return text


def from_spreadsheet(value):
    """A CSV cell read back: spreadsheet_safe() undone."""
    if isinstance(value, str) and _UNQUOTE.match(value):
        return value[1:]
    return value


def xlsx_text(text):
    """The text without the control characters XLSX cannot carry (openpyxl refuses them;
    text saved since they are stripped on save has none, older text might)."""
    return ILLEGAL_CHARACTERS_RE.sub("", text)


class Line:
    """A file-like object whose write() returns what it was given: csv.writer(Line())
    .writerow(...) gives the row as a string."""

    def write(self, value):
        return value


def csv_pieces(rows):
    """UTF-8 CSV with a byte-order mark, every cell spreadsheet_safe(), as bytes a few
    hundred rows at a time (for a StreamingHttpResponse)."""
    writer = csv.writer(Line())
    out = [BOM]
    for row in rows:
        out.append(writer.writerow([spreadsheet_safe(value) for value in row]))
        if len(out) >= ROWS_PER_PIECE:
            yield "".join(out).encode("utf-8")
            out = []
    yield "".join(out).encode("utf-8")


def xlsx_bytes(rows, title=None):
    """An XLSX workbook of one sheet: the first row a bold header, then `rows`. Every text
    is a string cell holding the exact text, so "=HYPERLINK(...)" shows as written and
    never runs; numbers, dates and booleans keep their types."""
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(title)
    bold = Font(bold=True)
    for number, row in enumerate(rows):
        cells = []
        for value in row:
            cell = WriteOnlyCell(sheet, value=xlsx_text(value) if isinstance(value, str)
                                 else value)
            if isinstance(value, str):
                # openpyxl takes a text starting with "=" for a formula; it is not.
                cell.data_type = "s"
            if number == 0:
                cell.font = bold
            cells.append(cell)
        sheet.append(cells)
    stream = BytesIO()
    workbook.save(stream)
    return stream.getvalue()


class CSV(base_formats.CSV):
    """django-import-export's CSV, written safe to open (spreadsheet_safe(), with the
    byte-order mark) and read back exactly (from_spreadsheet())."""

    def export_data(self, dataset, **kwargs):
        return b"".join(csv_pieces([dataset.headers, *dataset])).decode("utf-8")

    def create_dataset(self, in_stream):
        dataset = super().create_dataset(in_stream)
        return tablib.Dataset(*([from_spreadsheet(value) for value in row] for row in dataset),
                              headers=dataset.headers)


class XLSX(base_formats.XLSX):
    """django-import-export's XLSX, written by xlsx_bytes(): no cell is a formula, and a
    control character stored in a text does not stop the export."""

    def export_data(self, dataset, **kwargs):
        return xlsx_bytes([dataset.headers, *dataset], title=dataset.title or None)
