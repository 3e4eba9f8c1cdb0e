"""Public home, staff inbox, organisation directory, health check."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import JsonResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_GET

from nazorat.cases import selectors as case_selectors
from nazorat.core.search import search
from nazorat.orgs.models import OrgKind, OrgLevel
from nazorat.orgs.selectors import organisations_visible_to

from . import health


def _services():
    """The four services of the platform, as the home page presents them. A module that is not yet
    connected on this installation shows so instead of a dead link."""
    from django.urls import NoReverseMatch, reverse

    def url(name):
        try:
            return reverse(name)
        except NoReverseMatch:
            return None

    return [
        {"title": _("Electronic reception"), "action": _("Send an appeal"), "url": url("appeals:submit"),
         "text": _("Applications, complaints and proposals to governors and government bodies, answered within "
                   "the terms of the law on appeals.")},
        {"title": _("Xalq nazorati"), "action": _("Report a problem"), "url": url("problems:report"),
         "text": _("Report a local problem on the map: it goes by itself to the responsible body and closes "
                   "only with your consent.")},
        {"title": _("Execution control"), "action": _("Public documents"), "url": url("execution:public"),
         "text": _("Laws, decrees and resolutions, their tasks and how they are executed, open to the public.")},
        {"title": _("Interactive public services"), "action": _("Find a service"), "url": url("portal:registry"),
         "text": _("The consolidated registry of interactive public services and electronic requests.")},
    ]


@require_GET
def home(request):
    return render(request, "web/home.html", {"services": _services()})


@login_required
@require_GET
def dashboard(request):
    items = case_selectors.inbox_for(request.user)
    page = Paginator(items, 50).get_page(request.GET.get("page"))
    return render(request, "web/inbox.html", {
        "page": page, "counts": case_selectors.inbox_counts(request.user), "now": timezone.now(),
    })


@require_GET
def directory(request):
    qs = organisations_visible_to(request.user)
    q = request.GET.get("q", "").strip()
    kind = request.GET.get("kind", "")
    level = request.GET.get("level", "")
    if q:
        qs = search(qs, q)
    if kind in OrgKind.values:
        qs = qs.filter(kind=kind)
    if level in OrgLevel.values:
        qs = qs.filter(level=level)
    page = Paginator(qs.order_by("path"), 50).get_page(request.GET.get("page"))
    return render(request, "web/directory.html", {
        "page": page, "q": q, "kind": kind, "level": level,
        "kinds": OrgKind.choices, "levels": OrgLevel.choices,
    })


@require_GET
def healthz(request):
    report = health.report()
    return JsonResponse(report, status=503 if report["status"] == "error" else 200)
