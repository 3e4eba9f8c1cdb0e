"""Who may do what to a case — predicates (``rules``) used by services, views and the API.

Roles come from memberships (orgs.Role). A predicate answers for one object; lists are scoped by
``cases.selectors``. Both read the same ``StaffScope``.
"""

from __future__ import annotations

import rules

from nazorat.orgs.models import Role
from nazorat.orgs.selectors import StaffScope

# Roles that may give a case to executors on behalf of a body.
ASSIGNER_ROLES = {Role.CONTROL_GROUP, Role.CONTROLLER, Role.SIGNATORY, Role.ADMINISTRATOR}
# Roles that may act for an executing body.
EXECUTOR_ROLES = {Role.EXECUTOR, Role.SIGNATORY}
# Roles that decide extension requests ("only the controller decides").
EXTENSION_DECIDER_ROLES = {Role.CONTROLLER, Role.SIGNATORY}


def _scope(user) -> StaffScope | None:
    if not getattr(user, "is_authenticated", False):
        return None
    return StaffScope.for_user(user)


def has_any_role_in(user, roles: set[str], organisation) -> bool:
    scope = _scope(user)
    if scope is None or organisation is None:
        return False
    return any(scope.has_role(r, organisation) for r in roles)


@rules.predicate
def can_view_case(user, case) -> bool:
    """The same answer as the list: a case is visible exactly when ``cases_visible_to`` contains it."""
    if case is None or not getattr(user, "is_authenticated", False):
        return False
    from .selectors import cases_visible_to

    return cases_visible_to(user).filter(pk=case.pk).exists()


@rules.predicate
def can_assign(user, case) -> bool:
    """Give the case itself to executing bodies (top-level assignments): assigners of the owner body."""
    return bool(getattr(user, "is_superuser", False)) or has_any_role_in(user, ASSIGNER_ROLES, case.owner)


@rules.predicate
def can_pass_on(user, assignment) -> bool:
    """Pass an assignment on to subordinate bodies: assigners of the receiving body."""
    return has_any_role_in(user, ASSIGNER_ROLES, assignment.organisation)


@rules.predicate
def can_execute(user, assignment) -> bool:
    """The named responsible person while they still work in the body, or the body's executors and
    assigners."""
    if assignment is None or not getattr(user, "is_authenticated", False):
        return False
    scope = _scope(user)
    works_there = any(m.organisation_id == assignment.organisation_id for m in scope.memberships)
    if assignment.person_id and assignment.person_id == user.pk and works_there:
        return True
    return has_any_role_in(user, EXECUTOR_ROLES | ASSIGNER_ROLES, assignment.organisation)


@rules.predicate
def can_decide_extension(user, request) -> bool:
    """The controlling body decides: for a top-level assignment the case owner; for a nested one the
    body that set the parent deadline."""
    assignment = request.assignment
    decider_org = assignment.parent.organisation if assignment and assignment.parent_id else request.case.owner
    return has_any_role_in(user, EXTENSION_DECIDER_ROLES, decider_org)


@rules.predicate
def can_review(user, review_round) -> bool:
    """The role (or position) the round was addressed to (kept on the round), in the reviewing body. The
    working group (reviewer role) may stand in for the control group and back."""
    if review_round.reviewer_position:
        scope = _scope(user)
        if scope is None:
            return False
        if any(m.organisation_id == review_round.reviewer_org_id and m.position == review_round.reviewer_position
               for m in scope.memberships):
            return True
        # Nobody holds the position (vacant): the body's control group decides rather than the case waiting.
        from nazorat.orgs.models import Membership

        vacant = not Membership.objects.active().filter(organisation_id=review_round.reviewer_org_id,
                                                        position=review_round.reviewer_position).exists()
        return vacant and has_any_role_in(user, {Role.CONTROL_GROUP}, review_round.reviewer_org)
    role = review_round.reviewer_role or Role.CONTROL_GROUP
    roles = {role}
    if role in (Role.CONTROL_GROUP, Role.REVIEWER):
        roles |= {Role.CONTROL_GROUP, Role.REVIEWER}
    return has_any_role_in(user, roles, review_round.reviewer_org)


@rules.predicate
def can_transition(user, case) -> bool:
    return bool(getattr(user, "is_superuser", False)) or has_any_role_in(user, ASSIGNER_ROLES, case.owner)


rules.add_perm("cases.view_case", can_view_case)
rules.add_perm("cases.assign_case", can_assign)
rules.add_perm("cases.pass_on_assignment", can_pass_on)
rules.add_perm("cases.execute_assignment", can_execute)
rules.add_perm("cases.decide_extension", can_decide_extension)
rules.add_perm("cases.review_round", can_review)
rules.add_perm("cases.transition_case", can_transition)
