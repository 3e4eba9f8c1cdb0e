"""Every read of cases starts from what the acting user may see."""

from __future__ import annotations

from django.db.models import Case as When_, Exists, IntegerField, OuterRef, Q, QuerySet, Value, When
from django.utils import timezone

from nazorat.orgs.selectors import StaffScope

from .models import Assignment, Case, ReviewRound, WorkItem


def _staff_q(user) -> Q | None:
    """The staff part of visibility as one condition; None means "everything" (superusers and the
    republican controllers, observers and operators); ``Q(pk__in=[])`` means nothing."""
    if user.is_superuser:
        return None
    scope = StaffScope.for_user(user)
    if not scope.is_staff_member:
        return Q(pk__in=[])
    if scope.sees_whole_country:
        return None
    q = scope.org_q("owner")
    q |= Q(Exists(Assignment.objects.filter(scope.org_q("organisation"), case=OuterRef("pk"))))
    q |= Q(Exists(ReviewRound.objects.filter(scope.org_q("reviewer_org"), case=OuterRef("pk"))))
    q |= Q(Exists(WorkItem.objects.filter(scope.org_q("organisation"), case=OuterRef("pk"))))
    if scope.wide_territories:
        q |= scope.territory_q("territory__code")
        # A national case (no territory of its own) executed by bodies in the territory is theirs to watch too.
        q |= Q(Exists(Assignment.objects.filter(scope.territory_q("organisation__territory__code"),
                                                case=OuterRef("pk"))))
    return q


def staff_cases_visible_to(user) -> QuerySet[Case]:
    """What a staff member sees as staff (with internals): cases owned by, assigned to, or waiting for
    review by bodies in their organisations' subtrees, and — for controllers, observers and operators —
    every case in the territories they oversee (all of them for republican bodies)."""
    base = Case.objects.select_related("owner", "territory")
    if not getattr(user, "is_authenticated", False):
        return base.none()
    q = _staff_q(user)
    return base if q is None else base.filter(q)


def cases_visible_to(user) -> QuerySet[Case]:
    """Staff: as ``staff_cases_visible_to``. Citizens and companies: their own cases. Anonymous: none.
    One condition (not a subquery over the staff set), so a lookup by primary key stays an index lookup."""
    base = Case.objects.select_related("owner", "territory")
    if not getattr(user, "is_authenticated", False):
        return base.none()
    q = _staff_q(user)
    return base if q is None else base.filter(q | Q(applicant=user))


def sees_internals(user, case: Case) -> bool:
    """True for staff whose scope covers the case; an applicant sees only the public record."""
    return staff_cases_visible_to(user).filter(pk=case.pk).exists()


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
    """The full timeline for staff whose scope covers the case; the public one for everybody else."""
    from nazorat.core.models import Event

    qs = Event.objects.filter(case_id=case.pk).select_related("actor", "actor_organisation")
    if not sees_internals(user, case):
        qs = qs.filter(is_public=True)
    return qs.order_by("occurred_at", "id")
