"""Excel (openpyxl, write-only workbooks) and PDF (WeasyPrint, DejaVu fonts) renderings of the reports."""

from __future__ import annotations


from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.translation import gettext as _
from openpyxl import Workbook

from . import queries

from nazorat.core.xlsx import XLSX  # noqa: F401  (the views answer with it)
from nazorat.core.xlsx import header_row as _header
from nazorat.core.xlsx import sheet_title as _sheet_title
from nazorat.core.xlsx import workbook_bytes as _save



def daily_xlsx(report: queries.DailyReport) -> bytes:
    wb = Workbook(write_only=True)
    labels = queries.daily_column_labels()
    for title, first, rows in ((_("By sector"), _("Sector"), report.by_sector),
                               (_("By territory"), _("Territory"), report.by_territory),
                               (_("By body"), _("Body"), report.by_body)):
        ws = wb.create_sheet(_sheet_title(str(title)))
        ws.append([str(_("Daily report on appeals for %(day)s") % {"day": report.day.isoformat()})])
        _header(ws, [first, *labels])
        for row in rows:
            ws.append([("    " if row.level else "") + row.label, *row.values])
        ws.append([str(report.total.label), *report.total.values])
    return _save(wb)


def daily_pdf(report: queries.DailyReport) -> bytes:
    from weasyprint import HTML

    html = render_to_string("appeals/reports/daily_pdf.html", {
        "report": report, "labels": queries.daily_column_labels(), "generated": timezone.localtime()})
    return HTML(string=html).write_pdf()


def quarterly_xlsx(stats: queries.QuarterlyStatistics) -> bytes:
    wb = Workbook(write_only=True)
    ws = wb.create_sheet(_sheet_title(str(_("Q%(q)s %(year)s") % {"q": stats.quarter, "year": stats.year})))
    ws.append([str(_("Statistics of appeals, quarter %(q)s of %(year)s (%(first)s – %(last)s)") % {
        "q": stats.quarter, "year": stats.year, "first": stats.first_day.isoformat(),
        "last": stats.last_day.isoformat()})])
    _header(ws, [_("Body"), *queries.quarterly_column_labels()])
    for row in stats.by_body:
        ws.append([row.label, *row.values])
    ws.append([str(stats.total.label), *stats.total.values])
    return _save(wb)


def incentives_xlsx(report: queries.IncentivesReport) -> bytes:
    wb = Workbook(write_only=True)
    ws = wb.create_sheet(_sheet_title(str(_("Ranking"))))
    _header(ws, [_("Rank"), _("Body"), _("Responsible person"), _("Answers accepted"), _("On time, %"),
                 _("Accepted at the first round, %"), _("Average rating"), _("Score")])
    for r in report.ranking:
        ws.append([r.rank, r.organisation, r.person, r.answered, round(100 * r.on_time_share, 1),
                   round(100 * r.first_round_share, 1),
                   round(r.average_rating, 2) if r.average_rating is not None else None, r.score])
    ws = wb.create_sheet(_sheet_title(str(_("For accountability"))))
    _header(ws, [_("Reason"), _("Appeal"), _("Body"), _("Responsible person"), _("When"), _("Details")])
    for f in report.flags:
        ws.append([str(queries.flag_label(f.kind)), f.number, f.organisation, f.person,
                   timezone.localtime(f.when).strftime("%Y-%m-%d %H:%M") if f.when else "", f.detail])
    return _save(wb)
