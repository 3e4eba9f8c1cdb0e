"""Every read of cases starts from what the acting user may see."""

from __future__ import annotations

from django.db.models import Case as When_, Exists, IntegerField, OuterRef, Q, QuerySet, Value, When
from django.utils import timezone

from nazorat.orgs.selectors import StaffScope

from .models import Assignment, Case, WorkItem


def cases_visible_to(user) -> QuerySet[Case]:
    """Staff: cases owned by or assigned to bodies in their organisations' subtrees, plus — for
    controllers, observers and operators — every case in the territories they oversee. Citizens: their
    own cases. Anonymous: nothing."""
    base = Case.objects.select_related("owner", "territory")
    if not getattr(user, "is_authenticated", False):
        return base.none()
    if user.is_superuser:
        return base
    scope = StaffScope.for_user(user)
    q = Q(applicant=user)
    if scope.is_staff_member:
        q |= scope.org_q("owner")
        assigned = Assignment.objects.filter(scope.org_q("organisation"), case=OuterRef("pk"))
        q |= Q(Exists(assigned))
        if scope.wide_territories:
            q |= scope.territory_q("territory__code")
    return base.filter(q)


def case_for(user, pk) -> Case | None:
    return cases_visible_to(user).filter(pk=pk).first()


def inbox_for(user) -> QuerySet[WorkItem]:
    """Everything that waits on this person across modules, ordered by time left (no deadline last):
    items addressed to them, and items addressed to a role they hold in an organisation."""
    if not getattr(user, "is_authenticated", False):
        return WorkItem.objects.none()
    scope = StaffScope.for_user(user)
    q = Q(person=user)
    for m in scope.memberships:
        roles = m.role_codes
        if roles:
            q |= Q(person__isnull=True, organisation_id=m.organisation_id, role__in=roles)
            q |= Q(person__isnull=True, organisation_id=m.organisation_id, role="")
    return (
        WorkItem.objects.open()
        .filter(q)
        .select_related("case", "case__owner", "organisation", "assignment")
        .annotate(no_due=When_(When(due_at__isnull=True, then=Value(1)), default=Value(0), output_field=IntegerField()))
        .order_by("no_due", "due_at", "opened_at", "id")
    )


def inbox_counts(user) -> dict[str, int]:
    now = timezone.now()
    qs = inbox_for(user)
    return {
        "total": qs.count(),
        "overdue": qs.filter(due_at__lt=now).count(),
        "today": qs.filter(due_at__gte=now, due_at__lt=now + timezone.timedelta(days=1)).count(),
    }


def public_timeline(case: Case):
    from nazorat.core.models import Event

    return Event.objects.filter(case_id=case.pk, is_public=True).order_by("occurred_at", "id")


def timeline(user, case: Case):
    """The full timeline for staff who may see the case; the public one for its applicant."""
    from nazorat.core.models import Event

    qs = Event.objects.filter(case_id=case.pk).select_related("actor", "actor_organisation")
    scope = StaffScope.for_user(user) if getattr(user, "is_authenticated", False) else None
    if scope is None or not (scope.is_staff_member or user.is_superuser):
        qs = qs.filter(is_public=True)
    return qs.order_by("occurred_at", "id")
