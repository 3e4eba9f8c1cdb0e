"""Excel rows with people's text kept as text: a cell value that begins with "=" would otherwise be stored as
a formula by openpyxl and run when the file is opened (CSV/formula injection)."""

from __future__ import annotations

from openpyxl.cell import WriteOnlyCell


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
