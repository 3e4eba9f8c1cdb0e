"""Who may do what with receptions — ``rules`` predicates used by services, views and the API.

A schedule is managed by the official themself and by the official's organisation staff holding the control
group, signatory or administrator role. The reception desk (the day's list, walk-ins, marking who came,
cancelling with a reason) is open to the same people and to the organisation's operators. Lists are scoped
by ``receptions.selectors``, which reads the same roles.
"""

from __future__ import annotations

import rules

from nazorat.orgs.models import Role
from nazorat.orgs.selectors import StaffScope

MANAGER_ROLES = {Role.CONTROL_GROUP, Role.SIGNATORY, Role.ADMINISTRATOR}
DESK_ROLES = MANAGER_ROLES | {Role.OPERATOR}


def _scope(user) -> StaffScope | None:
    if not getattr(user, "is_authenticated", False):
        return None
    return StaffScope.for_user(user)


def _has_role(user, roles, organisation_id) -> bool:
    scope = _scope(user)
    if scope is None:
        return False
    return any(m.organisation_id == organisation_id and m.role_codes & roles for m in scope.memberships)


@rules.predicate
def can_manage_for(user, membership) -> bool:
    """Create a schedule for this official (a membership): the official, or managers of their body."""
    if membership is None or not getattr(user, "is_authenticated", False):
        return False
    if getattr(user, "is_superuser", False):
        return True
    if not membership.is_active:
        return False
    if membership.user_id == user.pk:
        return True
    return _has_role(user, MANAGER_ROLES, membership.organisation_id)


@rules.predicate
def can_manage_schedule(user, schedule) -> bool:
    return schedule is not None and can_manage_for(user, schedule.official)


@rules.predicate
def can_run_desk(user, schedule) -> bool:
    """Keep the day's list: add walk-ins, mark who came, cancel with a reason."""
    if schedule is None or not getattr(user, "is_authenticated", False):
        return False
    if can_manage_schedule(user, schedule):
        return True
    return _has_role(user, DESK_ROLES, schedule.organisation_id)


@rules.predicate
def owns_booking(user, booking) -> bool:
    return (booking is not None and getattr(user, "is_authenticated", False)
            and booking.citizen_id is not None and booking.citizen_id == user.pk)
