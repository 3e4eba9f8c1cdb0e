"""Who may do what to an appeal. The registering body is the addressee whose register gave the number.

Predicates answer for one appeal; lists are scoped by ``appeals.selectors``. Roles and positions come from
active memberships (``orgs``): the working group is the ``reviewer`` role (the control group stands in for it
and back, as in the kernel's review rule).
"""

from __future__ import annotations

import rules

from nazorat.orgs.models import Position, Role
from nazorat.orgs.selectors import StaffScope

WORKING_GROUP_ROLES = {Role.REVIEWER, Role.CONTROL_GROUP}
# Register paper appeals and accept them for execution.
REGISTRAR_ROLES = WORKING_GROUP_ROLES | {Role.ADMINISTRATOR}
# Send the appeal to executors, forward it, return it to the author, mark extra study.
ROUTER_ROLES = WORKING_GROUP_ROLES | {Role.CONTROLLER, Role.SIGNATORY, Role.ADMINISTRATOR}


def _scope(user) -> StaffScope | None:
    if not getattr(user, "is_authenticated", False):
        return None
    return StaffScope.for_user(user)


def has_role_in(user, roles: set[str], organisation) -> bool:
    scope = _scope(user)
    if scope is None or organisation is None:
        return False
    return any(scope.has_role(r, organisation) for r in roles)


def position_in(user, organisation) -> set[str]:
    """The positions a person holds (actively) in one organisation."""
    scope = _scope(user)
    if scope is None or organisation is None:
        return set()
    return {m.position for m in scope.memberships if m.organisation_id == organisation.pk}


def is_head_of(user, organisation) -> bool:
    return Position.HEAD in position_in(user, organisation)


@rules.predicate
def can_register_paper(user, addressee) -> bool:
    """Staff of the addressee's working group register written and oral appeals (Art 23)."""
    return bool(getattr(user, "is_superuser", False)) or has_role_in(user, REGISTRAR_ROLES, addressee)


@rules.predicate
def can_accept(user, appeal) -> bool:
    """The control group or working group of the registering body accepts the appeal for execution."""
    return bool(getattr(user, "is_superuser", False)) or has_role_in(user, REGISTRAR_ROLES, appeal.case.register)


@rules.predicate
def can_route(user, appeal) -> bool:
    """Assign executors, forward, return to the author, mark extra study: the registering body's working group,
    controllers and signatories, and its head."""
    register = appeal.case.register
    return (bool(getattr(user, "is_superuser", False)) or has_role_in(user, ROUTER_ROLES, register)
            or is_head_of(user, register))


@rules.predicate
def can_extend(user, appeal) -> bool:
    """Art 28: only the head (rahbar) of the body extends the term."""
    return is_head_of(user, appeal.case.register)


@rules.predicate
def can_decide_closure(user, appeal) -> bool:
    """Art 29, 30: the conclusion to leave an appeal unconsidered, and the decision to terminate, are the head's
    or an authorised official's (a signatory of the registering body)."""
    register = appeal.case.register
    return is_head_of(user, register) or has_role_in(user, {Role.SIGNATORY}, register)


def handling_organisation_ids(appeal) -> set[int]:
    """The bodies that handle an appeal: the registering body and owner, the executing bodies and the
    reviewing bodies. Only they (and the author) see the author's data of a ``do_not_disclose`` appeal."""
    case = appeal.case
    ids = {case.register_id, case.owner_id}
    ids |= set(case.assignments.values_list("organisation_id", flat=True))
    ids |= set(case.review_rounds.values_list("reviewer_org_id", flat=True))
    return {i for i in ids if i}


@rules.predicate
def handles(user, appeal) -> bool:
    if not getattr(user, "is_authenticated", False):
        return False
    if user.is_superuser or appeal.case.applicant_id == user.pk:
        return True
    scope = _scope(user)
    orgs = {m.organisation_id for m in scope.memberships}
    return bool(orgs & handling_organisation_ids(appeal))


@rules.predicate
def sees_author(user, appeal) -> bool:
    """Art 19: the author's data of a ``do_not_disclose`` appeal is shown only to the bodies handling it."""
    return not appeal.do_not_disclose or handles(user, appeal)


rules.add_perm("appeals.accept_appeal", can_accept)
rules.add_perm("appeals.route_appeal", can_route)
rules.add_perm("appeals.extend_appeal", can_extend)
rules.add_perm("appeals.close_appeal", can_decide_closure)
rules.add_perm("appeals.see_author", sees_author)
