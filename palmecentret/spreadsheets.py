"""CSV for spreadsheets, shared by the exports: cells no spreadsheet runs as formulas, and
csv.writer rows as strings for streamed answers."""

# A cell starting with one of these is a formula to Excel, LibreOffice and Google Sheets
# ("=HYPERLINK(...)" in a title would run on the reader's machine).
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
# UTF-8 byte-order mark: Excel then reads å, ä and ö right.
BOM = "\ufeff"


def spreadsheet_safe(value):
    """The cell as text, with a leading apostrophe if a spreadsheet would take it for a
    formula (OWASP's advice for CSV injection)."""
    text = "" if value is None else str(value)
    if text.startswith(FORMULA_STARTS):
        return "'" + text
    return text


class Line:
    """A file-like object whose write() returns what it was given: csv.writer(Line())
    .writerow(...) gives the row as a string."""

    def write(self, value):
        return value
