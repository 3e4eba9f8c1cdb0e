"""Excel rows with people's text kept as text: a cell value that begins with "=" would otherwise be stored as
a formula by openpyxl and run when the file is opened (CSV/formula injection)."""

from __future__ import annotations

import io

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Font

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def header_row(ws, values) -> None:
    """A bold header row in a write-only sheet."""
    cells = []
    for v in values:
        c = WriteOnlyCell(ws, value=str(v))
        c.font = Font(bold=True)
        cells.append(c)
    ws.append(cells)


def workbook_bytes(wb: Workbook) -> bytes:
    buffer = io.BytesIO()
    wb.save(buffer)
    return buffer.getvalue()


def sheet_title(text: str) -> str:
    """A sheet name Excel accepts: no [ ] : * ? / or backslash, and at most 31 characters."""
    for ch in "[]:*?/\\":
        text = text.replace(ch, " ")
    return text[:31]


def append_text_row(ws, values) -> None:
    """``ws.append(values)``, but every string is a string cell, never a formula."""
    if getattr(ws, "_writer", None) is not None or type(ws).__name__ == "WriteOnlyWorksheet":
        cells = []
        for value in values:
            cell = WriteOnlyCell(ws, value=value)
            if isinstance(value, str):
                cell.data_type = "s"
            cells.append(cell)
        ws.append(cells)
        return
    ws.append(list(values))
    for cell in ws[ws.max_row]:
        if isinstance(cell.value, str) and cell.data_type == "f":
            cell.data_type = "s"
