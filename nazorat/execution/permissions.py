"""Who may do what in execution control — predicates used by services, views and the API (rules 18–22).

* Controllers (role ``controller``, or the control group) of the controlling body register documents, add tasks,
  put them on control, name executors and deadlines, publish documents and moderate comments.
* The control group of a receiving body registers the task, names the executor, passes it on and prepares the
  control plan; the head (or the first deputy in his stead) approves the plan and confirms execution reports.
* Reviewers are decided by the chain (kernel ``can_review``); extensions by the controller (kernel).
"""

from __future__ import annotations

import rules

from nazorat.cases.permissions import ASSIGNER_ROLES, has_any_role_in
from nazorat.orgs.models import Position, Role
from nazorat.orgs.selectors import StaffScope

CONTROL_ROLES = {Role.CONTROLLER, Role.CONTROL_GROUP}
CONFIRMER_POSITIONS = {Position.HEAD, Position.FIRST_DEPUTY}


def _scope(user):
    if not getattr(user, "is_authenticated", False):
        return None
    return StaffScope.for_user(user)


def holds_position(user, positions: set[str], organisation) -> bool:
    scope = _scope(user)
    return scope is not None and organisation is not None and any(
        m.organisation_id == organisation.pk and m.position in positions for m in scope.memberships)


def controller_body_of(user):
    """The body a controller acts for by default: their first membership with the controller role, else the
    control group."""
    scope = _scope(user)
    if scope is None:
        return None
    for role in (Role.CONTROLLER, Role.CONTROL_GROUP):
        orgs = scope.orgs_with_role(role)
        if orgs:
            return orgs[0]
    return None


@rules.predicate
def can_control(user, organisation) -> bool:
    """Act as the controlling body: register documents and tasks, put on control, publish."""
    if getattr(user, "is_superuser", False):
        return True
    return has_any_role_in(user, CONTROL_ROLES, organisation)


@rules.predicate
def can_prepare_plan(user, organisation) -> bool:
    return has_any_role_in(user, ASSIGNER_ROLES, organisation) or holds_position(user, CONFIRMER_POSITIONS,
                                                                                 organisation)


@rules.predicate
def can_approve_plan(user, organisation) -> bool:
    """Approved by the head (seed 000); the first deputy may approve in his stead (decisions.md)."""
    return holds_position(user, CONFIRMER_POSITIONS, organisation)


@rules.predicate
def can_confirm_report(user, organisation) -> bool:
    """Rule 22: the report is approved by the head or the first deputy before it is submitted."""
    return holds_position(user, CONFIRMER_POSITIONS, organisation)


@rules.predicate
def can_moderate(user, document) -> bool:
    return can_control(user, document.controller)


@rules.predicate
def can_record_measures(user, organisation) -> bool:
    """The discipline register's measures are recorded by the body's head, first deputy or control group."""
    return holds_position(user, CONFIRMER_POSITIONS, organisation) or has_any_role_in(
        user, {Role.CONTROL_GROUP, Role.ADMINISTRATOR}, organisation)


@rules.predicate
def can_monitor(user) -> bool:
    """Controllers, observers and the control groups see monitoring (scoped by their organisations)."""
    scope = _scope(user)
    if scope is None:
        return False
    return getattr(user, "is_superuser", False) or bool(
        scope.roles & {Role.CONTROLLER, Role.OBSERVER, Role.CONTROL_GROUP, Role.SIGNATORY, Role.OPERATOR}) or \
        any(m.position in CONFIRMER_POSITIONS for m in scope.memberships)


rules.add_perm("execution.control", can_control)
rules.add_perm("execution.approve_plan", can_approve_plan)
rules.add_perm("execution.confirm_report", can_confirm_report)
rules.add_perm("execution.moderate", can_moderate)
rules.add_perm("execution.monitor", can_monitor)
