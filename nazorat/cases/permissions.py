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
    if case is None or not getattr(user, "is_authenticated", False):
        return False
    if user.is_superuser or (case.applicant_id and case.applicant_id == user.pk):
        return True
    scope = _scope(user)
    if not scope.is_staff_member:
        return False
    if scope.covers_organisation(case.owner):
        return True
    if any(scope.covers_organisation(a.organisation) for a in case.assignments.select_related("organisation")):
        return True
    if case.territory_id and scope.wide_territories:
        return scope.sees_whole_country or any(case.territory_id.startswith(c) for c in scope.wide_territories if c)
    return bool(scope.sees_whole_country)


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
    if assignment is None or not getattr(user, "is_authenticated", False):
        return False
    if assignment.person_id and assignment.person_id == user.pk:
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
    from .kinds import registry

    case_type = registry.get(review_round.case.kind)
    role = Role.CONTROL_GROUP
    if case_type and case_type.review_chain and review_round.step <= len(case_type.review_chain):
        role = case_type.review_chain[review_round.step - 1].role
    roles = {role, Role.REVIEWER} if role in (Role.CONTROL_GROUP, Role.REVIEWER) else {role}
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
