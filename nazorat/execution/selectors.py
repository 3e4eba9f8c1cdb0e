"""Every read of execution control starts from what the acting user may see: tasks through the kernel's staff
visibility (``staff_visibility_q``: owner, assignee, reviewer, or wide controller/observer scope), documents
through their controlling body or the tasks in them; the public sees published documents only (R-A11).

The scope is one condition on the task row (``case_id IN`` the cases of assignments, rounds and work items of the
user's bodies, by organisation ids; no ``case IN (<every visible case>)`` wrapper), so a scoped page, its count
or a lookup reads index ranges, not the whole task table with a correlated subquery per row."""

from __future__ import annotations

from django.db.models import Count, Exists, OuterRef, Q, QuerySet
from django.utils import timezone

from nazorat.cases.models import Assignment, ReviewRound, Verdict
from nazorat.cases.selectors import staff_visibility_q
from nazorat.core.search import search
from nazorat.core.text import fold
from nazorat.orgs.models import Organisation
from nazorat.orgs.selectors import StaffScope

from . import kinds
from .models import ControlDocument, ControlPlan, ExecutionReport, ModerationState, ProgressReport, PublicComment, Task


def _task_scope_q(user) -> Q | None:
    """Visibility of a task row for a staff member; None: every task. The form by organisation ids: the register,
    the document list and their counts read the visible rows through indexes instead of testing every task."""
    return staff_visibility_q(user, prefix="case__", correlated=False)


def tasks_visible_to(user) -> QuerySet[Task]:
    base = Task.objects.select_related("case", "case__owner", "document", "document__issuer")
    if not getattr(user, "is_authenticated", False):
        return base.none()
    q = _task_scope_q(user)
    return base if q is None else base.filter(q)


def task_for(user, number: str) -> Task | None:
    return tasks_visible_to(user).filter(case__number=number).first()


def documents_visible_to(user) -> QuerySet[ControlDocument]:
    base = ControlDocument.objects.select_related("issuer", "controller")
    if not getattr(user, "is_authenticated", False):
        return base.none()
    scope = StaffScope.for_user(user)
    if getattr(user, "is_superuser", False) or scope.sees_whole_country:
        return base
    if not scope.is_staff_member:
        return base.none()
    q = scope.org_q("controller")
    q |= Q(Exists(Task.objects.filter(_task_scope_q(user), document=OuterRef("pk"))))
    return base.filter(q)


def document_for(user, pk) -> ControlDocument | None:
    try:
        return documents_visible_to(user).filter(pk=int(pk)).first()
    except (TypeError, ValueError):
        return None


def filter_tasks(qs: QuerySet[Task], *, q: str = "", status: str = "", document=None, organisation=None,
                 overdue: bool = False, now=None, document_q: str = "", organisation_q: str = "") -> QuerySet[Task]:
    """The register's filters. ``document``/``organisation``: exact primary keys; ``document_q``: words or number of
    the document (its ``search_text``); ``organisation_q``: words of an executing body's name, or its exact code."""
    now = now or timezone.now()
    if q:
        qs = search(qs, q, field="case__search_text")
    if status:
        qs = qs.filter(case__status=status)
    if document:
        qs = qs.filter(document_id=document)
    if document_q and fold(document_q).split():
        # The documents first (3,024 at national scale), not the long document text joined to every task.
        qs = qs.filter(document__in=search(ControlDocument.objects.all(), document_q).values("pk"))
    # The tasks of the bodies' assignments as one set (an index range), not a subquery tested on every task.
    if organisation:
        qs = qs.filter(case_id__in=Assignment.objects.filter(organisation_id=organisation).values("case_id"))
    if organisation_q and fold(organisation_q).split():
        named = search(Organisation.objects.all(), organisation_q).values("pk")
        bodies = Organisation.objects.filter(Q(pk__in=named) | Q(code__iexact=organisation_q.strip()))
        qs = qs.filter(case_id__in=Assignment.objects.filter(organisation__in=bodies).values("case_id"))
    if overdue:
        qs = qs.filter(case__closed_at__isnull=True, case__due_at__lt=now)
    return qs


def public_documents() -> QuerySet[ControlDocument]:
    """Published documents with the counts shown beside each (R-A11): tasks by state and published comments by
    opinion. One query with aggregates, no query per row."""
    published = Q(comments__state=ModerationState.PUBLISHED)
    return (ControlDocument.objects.filter(is_public=True).select_related("issuer")
            .annotate(
                task_count=Count("tasks", distinct=True),
                removed_count=Count("tasks", filter=Q(tasks__case__status=kinds.REMOVED), distinct=True),
                comment_count=Count("comments", filter=published, distinct=True),
                support_count=Count("comments", filter=published & Q(comments__opinion="support"), distinct=True),
                against_count=Count("comments", filter=published & Q(comments__opinion="against"), distinct=True),
            ).order_by("-date", "-id"))


def published_comments(document: ControlDocument) -> QuerySet[PublicComment]:
    return document.comments.filter(state=ModerationState.PUBLISHED).select_related("author", "task")


def lead_assignment(task: Task) -> Assignment | None:
    return (Assignment.objects.filter(case_id=task.pk, parent__isnull=True, role="lead")
            .exclude(state="cancelled").select_related("organisation", "person").order_by("-id").first())


def assignments_of(task: Task) -> list[Assignment]:
    """The whole cascade of a task, parents before children, with steps prefetched."""
    return list(Assignment.objects.filter(case_id=task.pk).select_related("organisation", "person", "unit", "parent")
                .prefetch_related("steps").order_by("assigned_at", "id"))


def my_assignments(user, task: Task) -> list[Assignment]:
    """The open assignments of this task in the user's bodies."""
    scope = StaffScope.for_user(user)
    org_ids = {m.organisation_id for m in scope.memberships}
    return [a for a in assignments_of(task) if a.organisation_id in org_ids and a.state not in ("done", "cancelled")]


def rounds_of(task: Task) -> QuerySet[ReviewRound]:
    return (ReviewRound.objects.filter(case_id=task.pk).select_related("reviewer_org", "submitted_by", "decided_by",
                                                                        "assignment__organisation")
            .order_by("assignment_id", "number", "step"))


def pending_round_for(user, task: Task) -> ReviewRound | None:
    from nazorat.cases.permissions import can_review

    for rnd in ReviewRound.objects.filter(case_id=task.pk, verdict=Verdict.PENDING).select_related("reviewer_org",
                                                                                                  "assignment"):
        if can_review(user, rnd):
            return rnd
    return None


def reports_of(task: Task) -> QuerySet[ExecutionReport]:
    return (ExecutionReport.objects.filter(task=task)
            .select_related("assignment__organisation", "written_by", "confirmed_by", "review_round")
            .prefetch_related("attachments").order_by("written_at", "id"))


def child_reports(assignment: Assignment) -> QuerySet[ExecutionReport]:
    """Roll-up (R-A4): the confirmed reports of the bodies this assignment was passed on to."""
    parts = Q(assignment__parent=assignment)
    if assignment.parent_id is None and assignment.role == "lead":  # co-executors report to the lead body
        parts |= Q(assignment__case_id=assignment.case_id, assignment__parent__isnull=True,
                   assignment__role="co_executor")
    return (ExecutionReport.objects.filter(parts, state="confirmed")
            .select_related("assignment__organisation", "confirmed_by").prefetch_related("attachments")
            .order_by("assignment__organisation__name", "confirmed_at"))


def plans_visible_to(user) -> QuerySet[ControlPlan]:
    docs = documents_visible_to(user)
    return ControlPlan.objects.filter(document__in=docs.values("pk")).select_related("document", "organisation",
                                                                                        "approved_by")


def progress_reports_of(task: Task) -> QuerySet[ProgressReport]:
    return task.progress_reports.select_related("organisation", "submitted_by").order_by("sequence")


def moderated_bodies(user):
    """The bodies whose documents' comments this person moderates; None: all (a superuser)."""
    from . import permissions

    if getattr(user, "is_superuser", False):
        return None
    if not getattr(user, "is_authenticated", False):
        return []
    scope = StaffScope.for_user(user)
    return sorted({m.organisation for m in scope.memberships if permissions.can_control(user, m.organisation)},
                  key=lambda o: o.path)


def comments_for_moderation(user) -> QuerySet[PublicComment]:
    """Every comment (pending, published, rejected) on the documents of the bodies the user moderates — never
    those of other bodies: an unpublished comment is seen by its moderators only."""
    qs = PublicComment.objects.select_related("document", "document__controller", "task", "task__case", "author")
    bodies = moderated_bodies(user)
    return qs if bodies is None else qs.filter(document__controller__in=[b.pk for b in bodies])


def pending_comments(user) -> QuerySet[PublicComment]:
    """The moderation queue: pending comments on the documents of the bodies the user moderates, oldest first."""
    return comments_for_moderation(user).filter(state=ModerationState.PENDING).order_by("created_at", "id")
