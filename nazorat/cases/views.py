"""Staff pages of the kernel: the case register (scoped) and a case's file: assignments, rounds,
extension requests and the timeline. Module pages extend these."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_GET

from nazorat.core.search import search

from . import selectors
from .kinds import registry


@login_required
@require_GET
def case_list(request):
    qs = selectors.cases_visible_to(request.user)
    q = request.GET.get("q", "").strip()
    kind = request.GET.get("kind", "")
    state = request.GET.get("state", "")
    if q:
        qs = search(qs, q)
    if kind and registry.get(kind):
        qs = qs.filter(kind=kind)
    if request.GET.get("overdue"):
        qs = qs.overdue()
    elif state == "open":
        qs = qs.open()
    elif state == "closed":
        qs = qs.filter(closed_at__isnull=False)
    page = Paginator(qs.order_by("-opened_at", "-id"), 50).get_page(request.GET.get("page"))
    return render(request, "cases/list.html", {
        "page": page, "q": q, "kind": kind, "state": state, "kinds": registry.all(), "now": timezone.now(),
        "overdue": bool(request.GET.get("overdue")),
    })


@login_required
@require_GET
def case_detail(request, pk: int):
    case = selectors.case_for(request.user, pk)
    if case is None:
        raise Http404
    assignments = (case.assignments.select_related("organisation", "person", "parent", "unit")
                   .prefetch_related("steps").order_by("assigned_at", "id"))
    return render(request, "cases/detail.html", {
        "case": case,
        "internal": selectors.sees_internals(request.user, case),
        "assignments": assignments,
        "rounds": case.review_rounds.select_related("reviewer_org", "submitted_by", "decided_by").order_by("number", "step"),
        "extensions": case.extension_requests.select_related("requested_by", "decided_by"),
        "attachments": case.attachments.all(),
        "timeline": selectors.timeline(request.user, case),
        "now": timezone.now(),
    })
