"""Files the app writes never carry a live formula from user data (issue #11): one rule, here.

A text that starts with ``=``, ``+``, ``-``, ``@``, a tab or a carriage return is
read as a formula by Excel and LibreOffice when it arrives in a CSV, and
openpyxl itself turns a string starting with ``=`` into a formula cell. Every
writer goes through this module:

- `neutralise(value)`: the text with a leading apostrophe (OWASP's advice for
  CSV), for formats that cannot say "this is text" (CSV, django-import-export
  exports in any format);
- `write_text_cell(cell, value)` / `neutralise_sheet(sheet)`: for .xlsx written
  with openpyxl, the value stays as it was but as a text cell, which no
  spreadsheet evaluates, so a corrected error workbook re-uploads unchanged;
- `safe_row(sheet, values)`: the same for a write-only sheet (large files), row by row.
"""

FORMULA_LEADS = ("=", "+", "-", "@", "\t", "\r")


def is_formula_like(value) -> bool:
    return isinstance(value, str) and value.startswith(FORMULA_LEADS)


def neutralise(value):
    """`value`, with an apostrophe before a text that a spreadsheet would run as a formula."""
    return "'" + value if is_formula_like(value) else value


def write_text_cell(cell, value) -> None:
    """Put `value` in an openpyxl cell; a formula-like text stays text (never evaluated)."""
    cell.value = value
    if isinstance(value, str) and cell.data_type == "f":
        cell.data_type = "s"


def neutralise_sheet(sheet) -> None:
    """Every formula cell of an openpyxl sheet becomes the text it showed (`=SUM(A1:A3)`)."""
    for row in sheet.iter_rows():
        for cell in row:
            if cell.data_type == "f":
                cell.value = str(cell.value)  # openpyxl keeps the "=" text; store it as text
                cell.data_type = "s"


def safe_row(sheet, values) -> list:
    """`values` ready for a write-only sheet's `append`: a formula-like text becomes a text cell.

    openpyxl's write-only mode turns a string starting with ``=`` into a formula as it writes;
    only those few values are wrapped in a cell (a cell per value would slow large files).
    """
    from openpyxl.cell import WriteOnlyCell

    row = []
    for value in values:
        if is_formula_like(value):
            cell = WriteOnlyCell(sheet)
            write_text_cell(cell, value)
            row.append(cell)
        else:
            row.append(value)
    return row
