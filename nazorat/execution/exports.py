"""The control plan (R-A3) as a PDF in the layout of the annex of seed 000 (WeasyPrint, DejaVu fonts) and as an
Excel workbook (openpyxl) with the same columns: №, task, mechanism of implementation, deadline, responsible
executors."""

from __future__ import annotations

import io

from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.translation import gettext as _
from nazorat.core.xlsx import append_text_row
from openpyxl import Workbook
from openpyxl.styles import Alignment, Font

from .models import ControlPlan, ControlPlanRow

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def plan_columns() -> list[str]:
    return [_("No."), _("Tasks"), _("Mechanism of implementation"), _("Deadline"), _("Responsible executors")]


def plan_heading(plan: ControlPlan) -> str:
    doc = plan.document
    return _("On ensuring the execution of %(kind)s No. %(number)s of %(date)s “%(title)s”") % {
        "kind": doc.get_kind_display(), "number": doc.number, "date": doc.date.strftime("%d.%m.%Y"),
        "title": doc.title}


def _context(plan: ControlPlan, rows: list[ControlPlanRow]) -> dict:
    approver = plan.approved_by
    return {"plan": plan, "doc": plan.document, "org": plan.organisation, "rows": rows, "columns": plan_columns(),
            "heading": plan_heading(plan), "approver_name": approver.display_name if approver else "",
            "approved_at": timezone.localtime(plan.approved_at) if plan.approved_at else None,
            "printed": timezone.localtime()}


def plan_pdf(plan: ControlPlan, rows: list[ControlPlanRow]) -> bytes:
    from weasyprint import HTML

    html = render_to_string("execution/plan_pdf.html", _context(plan, rows))
    return HTML(string=html).write_pdf()


def plan_xlsx(plan: ControlPlan, rows: list[ControlPlanRow]) -> bytes:
    wb = Workbook()
    ws = wb.active
    ws.title = str(_("Control plan"))[:31]
    ctx = _context(plan, rows)
    wrap = Alignment(wrap_text=True, vertical="top")
    if plan.state == "approved":
        ws.append(["", "", "", str(_("I APPROVE")), ""])
        ws.append(["", "", "", plan.approver_title, ""])
        ws.append(["", "", "", ctx["approver_name"], ""])
        ws.append(["", "", "", ctx["approved_at"].strftime("%d.%m.%Y") if ctx["approved_at"] else "", ""])
    else:
        ws.append(["", "", "", str(_("Draft, not approved")), ""])
    ws.append([ctx["heading"]])
    ws.append([str(_("CONTROL PLAN"))])
    ws.append([plan.organisation.name])
    header_row = ws.max_row + 1
    ws.append([str(c) for c in ctx["columns"]])
    for cell in ws[header_row]:
        cell.font = Font(bold=True)
        cell.alignment = wrap
    for i, row in enumerate(rows, start=1):
        append_text_row(ws, [i, row.text, row.mechanism, row.deadline, row.executors])
        for cell in ws[ws.max_row]:
            cell.alignment = wrap
    for letter, width in zip("ABCDE", (6, 50, 50, 18, 32)):
        ws.column_dimensions[letter].width = width
    buffer = io.BytesIO()
    wb.save(buffer)
    return buffer.getvalue()
