"""Every read of cases starts from what the acting user may see."""

from __future__ import annotations

from django.db.models import Case as When_, Exists, IntegerField, OuterRef, Q, QuerySet, Value, When
from django.utils import timezone

from nazorat.orgs.models import Organisation
from nazorat.orgs.selectors import StaffScope

from .models import Assignment, Case, ReviewRound, WorkItem


def _scope_org_ids(scope: StaffScope) -> tuple[list[int], list[int]]:
    """The ids of the bodies in the user's subtrees, and of the bodies in the territories they oversee (wide
    roles): one small query each, read once per scope (the scope itself is cached on the user for the request)."""
    cached = getattr(scope, "_visibility_org_ids", None)
    if cached is None:
        subtree = Q(pk__in=[])
        for path in scope.org_paths:
            subtree |= Q(path__startswith=path)
        own = list(Organisation.objects.filter(subtree).order_by().values_list("pk", flat=True))
        wide: list[int] = []
        if scope.wide_territories:
            wide = list(Organisation.objects.filter(scope.territory_q("territory__code")).order_by()
                        .values_list("pk", flat=True))
        cached = (own, wide)
        scope._visibility_org_ids = cached
    return cached


def staff_visibility_q(user, prefix: str = "", *, correlated: bool = True) -> Q | None:
    """The staff part of case visibility as one condition on a model that reaches the case through ``prefix``
    ("" for ``Case`` itself, "case__" for a model with a ``case`` foreign key or one-to-one, e.g. ``Task``);
    None means "everything" (superusers and the republican controllers, observers and operators);
    ``Q(pk__in=[])`` means nothing. Never a ``pk IN (<every visible case>)`` wrapper.

    ``correlated=True``: each part a correlated ``EXISTS`` — the cheapest when the outer query is already one
    row (a lookup by primary key or number). ``correlated=False``: the same rows as ``<case id> IN (<cases of
    assignments ∪ rounds ∪ work items of these organisation ids>)``, the ids of the user's bodies read first
    (``_scope_org_ids``), so every part is an index range read once per statement — the cheap form for lists,
    counts and ``EXISTS`` over many rows (docs/performance.md, execution control at national scale)."""
    if user.is_superuser:
        return None
    scope = StaffScope.for_user(user)
    if not scope.is_staff_member:
        return Q(pk__in=[])
    if scope.sees_whole_country:
        return None
    if not correlated:
        return _staff_q_by_ids(scope, prefix)
    # The case's primary key as seen from the outer row: "pk" for a Case, "case_id" (the column, no join) for a
    # row that points at its case.
    case_ref = OuterRef(f"{prefix[:-2]}_id" if prefix else "pk")
    q = scope.org_q(f"{prefix}owner")
    q |= Q(Exists(Assignment.objects.filter(scope.org_q("organisation"), case=case_ref)))
    q |= Q(Exists(ReviewRound.objects.filter(scope.org_q("reviewer_org"), case=case_ref)))
    q |= Q(Exists(WorkItem.objects.filter(scope.org_q("organisation"), case=case_ref)))
    if scope.wide_territories:
        q |= scope.territory_q(f"{prefix}territory__code")
        # A national case (no territory of its own) executed by bodies in the territory is theirs to watch too.
        q |= Q(Exists(Assignment.objects.filter(scope.territory_q("organisation__territory__code"),
                                                case=case_ref)))
    return q


def _staff_q_by_ids(scope: StaffScope, prefix: str) -> Q:
    """Owned by one of the user's bodies, or in one set: the cases of their bodies' assignments, review rounds and
    work items (and of assignments in the territories they oversee) — a ``UNION`` of index ranges read once,
    which both databases answer faster than one hashed subquery per part."""
    own, wide = _scope_org_ids(scope)
    case_id = f"{prefix[:-2]}_id" if prefix else "pk"
    parts = [ReviewRound.objects.filter(reviewer_org_id__in=own).order_by().values("case_id"),
             WorkItem.objects.filter(organisation_id__in=own).order_by().values("case_id")]
    q = Q(**{f"{prefix}owner_id__in": own})
    if scope.wide_territories:
        q |= scope.territory_q(f"{prefix}territory__code")
        parts.append(Assignment.objects.filter(organisation_id__in=wide).order_by().values("case_id"))
    cases = Assignment.objects.filter(organisation_id__in=own).order_by().values("case_id").union(*parts)
    return q | Q(**{f"{case_id}__in": cases})


def _staff_q(user) -> Q | None:
    """``staff_visibility_q`` on ``Case`` itself (kept for the existing callers)."""
    return staff_visibility_q(user)


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
