"""PDF (WeasyPrint, DejaVu fonts) of the agendas and Excel (openpyxl, write-only workbooks) of the discipline
register and monitoring. Rendered in the active language (the user's)."""

from __future__ import annotations


from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.translation import gettext as _
from nazorat.core.xlsx import append_text_row
from openpyxl import Workbook

from . import queries

from nazorat.core.xlsx import XLSX  # noqa: F401  (the views answer with it)
from nazorat.core.xlsx import header_row as _header
from nazorat.core.xlsx import sheet_title as _sheet_title
from nazorat.core.xlsx import workbook_bytes as _save



def _when(value) -> str:
    return timezone.localtime(value).strftime("%Y-%m-%d %H:%M") if value else ""


def agenda_pdf(agenda: queries.Agenda) -> bytes:
    from weasyprint import HTML

    html = render_to_string("execution/reports/agenda_pdf.html", {"agenda": agenda, "generated": timezone.localtime()})
    return HTML(string=html).write_pdf()


def discipline_xlsx(register: queries.DisciplineRegister) -> bytes:
    wb = Workbook(write_only=True)
    ws = wb.create_sheet(_sheet_title(str(_("People"))))
    ws.append([str(_("Discipline register of %(body)s, week %(first)s – %(last)s") % {
        "body": register.body.name, "first": register.week.isoformat(), "last": register.last_day.isoformat()})])
    _header(ws, [_("Person"), _("Body"), _("Not executed"), _("Executed late"), _("Returned"), _("Tasks"),
                 _("Measures recorded")])
    for p in register.people:
        append_text_row(ws, [p.name + (f" ({_('head')})" if p.is_head else ""), p.organisation.name, len(p.not_executed),
                   len(p.late), len(p.returned), ", ".join(i.number for i in p.tasks),
                   "; ".join(f"{m.get_kind_display()}: {m.note}" for m in p.measures)])
    ws = wb.create_sheet(_sheet_title(str(_("Bodies"))))
    _header(ws, [_("Body"), _("Not executed"), _("Executed late"), _("Returned"), _("Measures recorded")])
    for b in register.bodies:
        append_text_row(ws, [b.organisation.name, b.not_executed, b.late, b.returned, b.measures])
    t = register.totals
    ws.append([str(_("Total")), t.not_executed, t.late, t.returned, t.measures])
    ws = wb.create_sheet(_sheet_title(str(_("Tasks"))))
    _header(ws, [_("Person"), _("Body"), _("Listed as"), _("Task"), _("Title"), _("Due"), _("When"), _("Note")])
    for p in register.people:
        for label, items in ((_("Not executed"), p.not_executed), (_("Executed late"), p.late),
                             (_("Returned"), p.returned)):
            for i in items:
                append_text_row(ws, [p.name, p.organisation.name, str(label), i.number, i.title, _when(i.due_at), _when(i.when),
                           i.note])
    return _save(wb)


def monitoring_xlsx(report: queries.Monitoring) -> bytes:
    wb = Workbook(write_only=True)
    ws = wb.create_sheet(_sheet_title(str(_("Monitoring"))))
    w = report.weights
    ws.append([str(_("Monitoring of execution discipline as of %(when)s") % {"when": _when(report.as_of)})])
    ws.append([str(_("Rating = 100 × (%(on_time)s·on time + %(late)s·late + %(overdue)s·overdue − %(ret)s·returns) "
                     "/ (on time + late + overdue), 0–100") % {
        "on_time": w["on_time"], "late": w["late"], "overdue": w["overdue"], "ret": w["return"]})])
    first = _("Territory") if report.by == "territory" else _("Body")
    _header(ws, [first, *queries.monitoring_column_labels(), _("Rating")])
    for row in report.rows:
        ws.append([("    " if row.level else "") + row.label, *row.values, row.rating])
    ws.append([str(report.total.label), *report.total.values, report.total.rating])
    return _save(wb)
