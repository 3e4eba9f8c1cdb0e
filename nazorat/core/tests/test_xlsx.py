"""People's text in Excel exports never becomes a formula."""

import io

from openpyxl import Workbook, load_workbook

from nazorat.core.xlsx import append_text_row


def _reload(wb):
    buffer = io.BytesIO()
    wb.save(buffer)
    return load_workbook(io.BytesIO(buffer.getvalue())).active


def test_text_that_looks_like_a_formula_stays_text_in_both_kinds_of_sheet():
    for write_only in (False, True):
        wb = Workbook(write_only=write_only)
        ws = wb.create_sheet() if write_only else wb.active
        append_text_row(ws, ["=HYPERLINK(\"http://x\")", 3, "oddiy matn"])
        row = [c for c in next(_reload(wb).iter_rows())]
        assert row[0].value == "=HYPERLINK(\"http://x\")" and row[0].data_type == "s"
        assert row[1].value == 3
