"""Pages of the execution reports (``/ijro/reports/``): agendas with their PDF, the weekly discipline register
with its Excel and the form recording a measure, monitoring with its Excel and the drill-down to a body's tasks.

Signed out → the login page; not staff, or a body outside the user's scope → 403; monitoring only for
``permissions.can_monitor``. Reads come from ``queries`` (scoped), the one write from ``measures``."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth import get_user_model
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from nazorat.orgs.models import Organisation

from .. import measures
from . import exports, queries
from .forms import MeasureForm


def _download(content: bytes, content_type: str, filename: str, inline: bool = False) -> HttpResponse:
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = f'{"inline" if inline else "attachment"}; filename="{filename}"'
    response["Cache-Control"] = "private, no-store"
    return response


def _query(**params) -> str:
    return urlencode({k: v for k, v in params.items() if v not in (None, "")})


@login_required
@require_GET
def index(request):
    if not queries.is_staff(request.user):
        raise PermissionDenied(_("Reports are for staff."))
    return render(request, "execution/reports/index.html", {
        "kinds": [(k, queries.agenda_title(k)) for k in queries.AGENDA_KINDS],
        "may_monitor": queries.may_monitor(request.user)})


# --- agendas (R-A8) -------------------------------------------------------------------------------------------

def _agenda(request, kind: str):
    if kind not in queries.AGENDA_KINDS:
        raise Http404
    body = queries.resolve_body(request.user, request.GET.get("organisation"))
    if body is None:
        return None, None
    month = queries.parse_month(request.GET.get("month")) if kind == "monthly" else None
    return body, queries.agenda(request.user, body, kind, month=month)


@login_required
@require_GET
def agenda(request, kind: str):
    body, report = _agenda(request, kind)
    month = report.period.month.strftime("%Y-%m") if report and report.period.month else ""
    return render(request, "execution/reports/agenda.html", {
        "kind": kind, "title": queries.agenda_title(kind), "agenda": report, "body": body,
        "kinds": [(k, queries.agenda_title(k)) for k in queries.AGENDA_KINDS],
        "bodies": queries.body_choices(request.user, body), "month": month, "page_rows": queries.PAGE_ROWS,
        "query": _query(organisation=body.pk if body else "", month=month)})


@login_required
@require_GET
def agenda_pdf(request, kind: str):
    body, report = _agenda(request, kind)
    if report is None:
        raise Http404
    stamp = report.period.month.strftime("%Y-%m") if report.period.month else report.period.last_day.isoformat()
    return _download(exports.agenda_pdf(report), "application/pdf", f"agenda-{kind}-{body.code}-{stamp}.pdf",
                     inline=True)


# --- discipline register (R-A9) ---------------------------------------------------------------------------

def _register(request):
    body = queries.resolve_body(request.user, request.GET.get("organisation"))
    week = queries.parse_week(request.GET.get("week"))
    if body is None:
        return None, week
    return queries.discipline_register(request.user, body, week), week


@login_required
@require_GET
def discipline(request):
    register, week = _register(request)
    body = register.body if register else None
    return render(request, "execution/reports/discipline.html", {
        "register": register, "body": body, "week": week, "bodies": queries.body_choices(request.user, body),
        "query": _query(organisation=body.pk if body else "", week=week.isoformat())})


@login_required
@require_GET
def discipline_xlsx(request):
    register, week = _register(request)
    if register is None:
        raise Http404
    return _download(exports.discipline_xlsx(register), exports.XLSX,
                     f"discipline-{register.body.code}-{week.isoformat()}.xlsx")


@login_required
@require_http_methods(["GET", "POST"])
def measure_add(request):
    """Record a measure against a person listed in a week's register. The predicate is checked before the form
    is read (403); a refused input re-renders the form with its errors (400)."""
    params = request.GET
    organisation = get_object_or_404(Organisation, pk=_int(params.get("organisation")))
    person = get_object_or_404(get_user_model(), pk=_int(params.get("person")))
    week = queries.parse_week(params.get("week"))
    register_body = params.get("register") or organisation.pk
    if not measures.can_record_for(request.user, organisation):
        raise PermissionDenied(_("Only the head, the first deputy or the control group of the body (or of a body "
                                 "above it) records disciplinary measures."))
    if not queries.may_see_body(request.user, organisation):
        raise PermissionDenied(_("This body is outside your scope."))
    items = queries.person_items(request.user, organisation, person, week)
    choices = [(str(i.task_id), f"{i.number} — {i.title}") for i in items]
    status = 200
    if request.method == "POST":
        form = MeasureForm(request.POST, task_choices=choices)
        if form.is_valid():
            try:
                measures.measure_record(actor=request.user, organisation=organisation, person=person, week=week,
                                        kind=form.cleaned_data["kind"], note=form.cleaned_data["note"],
                                        tasks=form.cleaned_data["tasks"])
            except ValidationError as exc:
                form.add_service_error(exc)
            else:
                messages.success(request, _("The measure is recorded in the register."))
                return redirect(reverse("execution:discipline") + "?" + _query(organisation=register_body,
                                                                               week=week.isoformat()))
        status = 400
    else:
        form = MeasureForm(task_choices=choices, initial={"tasks": [c[0] for c in choices]})
    return render(request, "execution/reports/measure_form.html", {
        "form": form, "organisation": organisation, "person": person, "week": week, "items": items,
        "back": reverse("execution:discipline") + "?" + _query(organisation=register_body, week=week.isoformat()),
    }, status=status)


def _int(value):
    try:
        return int(value)
    except (TypeError, ValueError):
        raise Http404 from None


# --- monitoring (R-A10) --------------------------------------------------------------------------------------

def _monitoring(request):
    by = "territory" if request.GET.get("by") == "territory" else "body"
    sort = request.GET.get("sort") if request.GET.get("sort") in ("rating", "name", "path") else "rating"
    return queries.monitoring(request.user, by=by, territory=request.GET.get("territory", "").strip(), sort=sort)


@login_required
@require_GET
def monitoring(request):
    report = _monitoring(request)
    page = Paginator(report.rows, 50).get_page(request.GET.get("page"))
    sort = request.GET.get("sort", "")
    return render(request, "execution/reports/monitoring.html", {
        "report": report, "page": page, "labels": queries.monitoring_column_labels(), "sort": sort,
        "query": _query(by=report.by, territory=report.territory, sort=sort)})


@login_required
@require_GET
def monitoring_xlsx(request):
    report = _monitoring(request)
    return _download(exports.monitoring_xlsx(report), exports.XLSX,
                     f"monitoring-{report.by}-{timezone.localdate(report.as_of).isoformat()}.xlsx")


@login_required
@require_GET
def monitoring_body(request, pk: int):
    body = get_object_or_404(Organisation.objects.select_related("parent", "territory"), pk=pk)
    show = request.GET.get("show") if request.GET.get("show") in queries.BODY_SHOWS else "all"
    qs = queries.body_tasks(request.user, body, show)
    page = Paginator(qs, 50).get_page(request.GET.get("page"))
    for a in page.object_list:
        a.url = queries.task_url(a.case.number)
    labels = queries.body_show_labels()
    return render(request, "execution/reports/monitoring_body.html", {
        "body": body, "page": page, "show": show, "shows": [(s, labels[s]) for s in queries.BODY_SHOWS],
        "show_label": labels[show], "query": _query(show=show),
        "kinds": [(k, queries.agenda_title(k)) for k in queries.AGENDA_KINDS]})
