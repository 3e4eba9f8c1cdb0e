"""Report pages and their Excel/PDF downloads. Staff reports: signed in (else the login page) and staff
(else 403); the numbers are scoped by ``appeals_visible_to``. The quarterly statistics are public."""

from __future__ import annotations

from datetime import date

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_GET

from . import exports, queries


def _int(value, default: int, low: int, high: int) -> int:
    try:
        n = int(value)
    except (TypeError, ValueError):
        return default
    return n if low <= n <= high else default


def _download(content: bytes, content_type: str, filename: str) -> HttpResponse:
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response["Cache-Control"] = "private, no-store"
    return response


def _require_staff(user) -> None:
    if not queries.is_staff(user):
        raise PermissionDenied("Reports are for staff.")


# --- daily -----------------------------------------------------------------------------------------------

def _day(request) -> date:
    try:
        return date.fromisoformat(request.GET.get("date", ""))
    except ValueError:
        return timezone.localdate()


def _daily(request):
    _require_staff(request.user)
    return queries.daily_report(request.user, _day(request))


@login_required
@require_GET
def daily(request):
    report = _daily(request)
    return render(request, "appeals/reports/daily.html", {
        "report": report, "labels": queries.daily_column_labels(),
        "sections": [("sector", report.by_sector), ("territory", report.by_territory), ("body", report.by_body)],
        "query": f"date={report.day.isoformat()}"})


@login_required
@require_GET
def daily_xlsx(request):
    report = _daily(request)
    return _download(exports.daily_xlsx(report), exports.XLSX, f"appeals-daily-{report.day.isoformat()}.xlsx")


@login_required
@require_GET
def daily_pdf(request):
    report = _daily(request)
    return _download(exports.daily_pdf(report), "application/pdf", f"appeals-daily-{report.day.isoformat()}.pdf")


# --- quarterly (public) --------------------------------------------------------------------------------------

def _quarter(request) -> tuple[int, int]:
    today = timezone.localdate()
    return (_int(request.GET.get("year"), today.year, 2000, 2100),
            _int(request.GET.get("q"), (today.month - 1) // 3 + 1, 1, 4))


@require_GET
def quarterly(request):
    year, q = _quarter(request)
    stats = queries.quarterly_statistics(year, q)
    return render(request, "appeals/reports/quarterly.html", {
        "stats": stats, "labels": queries.quarterly_column_labels(), "quarters": [1, 2, 3, 4],
        "query": f"year={year}&q={q}"})


@require_GET
def quarterly_xlsx(request):
    year, q = _quarter(request)
    return _download(exports.quarterly_xlsx(queries.quarterly_statistics(year, q)), exports.XLSX,
                     f"appeals-statistics-{year}-q{q}.xlsx")


# --- incentives ------------------------------------------------------------------------------------------------

def _incentives(request):
    if not queries.may_see_incentives(request.user):
        raise PermissionDenied("The monthly ranking is for the control group, signatories, controllers and "
                               "reviewers.")
    today = timezone.localdate()
    year = _int(request.GET.get("year"), today.year, 2000, 2100)
    month = _int(request.GET.get("month"), today.month, 1, 12)
    return queries.incentives_report(request.user, year, month)


@login_required
@require_GET
def incentives(request):
    report = _incentives(request)
    return render(request, "appeals/reports/incentives.html", {
        "report": report, "months": range(1, 13),
        "flags": [(queries.flag_label(f.kind), f) for f in report.flags],
        "query": f"year={report.year}&month={report.month}"})


@login_required
@require_GET
def incentives_xlsx(request):
    report = _incentives(request)
    return _download(exports.incentives_xlsx(report), exports.XLSX,
                     f"appeals-incentives-{report.year}-{report.month:02d}.xlsx")
