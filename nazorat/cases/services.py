"""Every write of the case kernel. Module services call these inside their own transactions.

Each service: checks the permission predicate, applies the transition, keeps the work items (what waits
on whom) in step, writes the event, and schedules notifications after commit.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Iterable

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _
from django_fsm import TransitionNotAllowed

from nazorat.core import events
from nazorat.orgs.models import Organisation, Role

from . import permissions
from .kinds import CaseType, registry
from .models import (
    Assignment,
    AssignmentRole,
    AssignmentState,
    AssignmentStep,
    Attachment,
    Case,
    ExtensionRequest,
    NumberSequence,
    ReviewRound,
    Verdict,
    WorkItem,
)


class CaseStateError(TransitionNotAllowed):
    """A step not allowed in the current state; the message says why, in the user's language (HTTP 409)."""


def _lock_open_case(case: Case) -> Case:
    """Lock the case row for the rest of the transaction (serialising every change to one case on
    PostgreSQL too) and refuse any work on a closed case."""
    locked = Case.objects.select_for_update().get(pk=case.pk)
    if locked.closed_at is not None:
        raise CaseStateError(_("The case is closed; nothing more can be done on it."))
    return locked


def ensure_generic_workflow(case: Case) -> None:
    """Refuse the kernel's generic actions on a case whose module drives its own workflow (HTTP 409)."""
    case_type = registry.get(case.kind)
    if case_type is not None and case_type.own_workflow:
        raise CaseStateError(_("This case is handled in its own module; use its page or its API."))


def _actor(actor):
    return actor if getattr(actor, "pk", None) else None


# --- numbers -----------------------------------------------------------------------------------

def allocate_number(*, organisation: Organisation, series: str, year: int) -> int:
    """Next number in a gap-free series per organisation and year. Must run inside the caller's
    transaction: the counter row is locked (SELECT … FOR UPDATE on PostgreSQL; SQLite's IMMEDIATE
    transactions serialise writers), so concurrent submissions never share or skip a number, and a
    rolled-back submission gives its number back."""
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("allocate_number must run inside a transaction")
    seq, _created = NumberSequence.objects.select_for_update().get_or_create(
        organisation=organisation, series=series, year=year
    )
    seq.last_value += 1
    seq.save(update_fields=["last_value"])
    return seq.last_value


def format_number(case_type: CaseType, organisation: Organisation, year: int, sequence: int) -> str:
    return f"{case_type.number_prefix}-{organisation.pk}-{year % 100:02d}-{sequence:05d}"


# --- deadlines ---------------------------------------------------------------------------------

def compute_due(rule: str, start: datetime, organisation: Organisation | None = None) -> datetime:
    from nazorat.workcalendar.calendar import calendar_for
    from nazorat.workcalendar.deadlines import DeadlineRule

    try:
        parsed = DeadlineRule.parse(rule)
    except ValueError as exc:
        raise ValidationError({"deadline_rule": str(exc)}) from None
    return parsed.due(start, calendar_for(organisation))


# --- cases -------------------------------------------------------------------------------------

@transaction.atomic
def case_open(
    *,
    kind: str,
    actor,
    owner: Organisation,
    title: str,
    summary: str = "",
    territory=None,
    applicant=None,
    register: Organisation | None = None,
    opened_at: datetime | None = None,
    deadline_rule: str | None = None,
    due_at: datetime | None = None,
    language: str = "uz",
    is_public: bool = False,
    check_permission: bool = True,
) -> Case:
    """Open a case in ``register``'s numbering (default: the owner) with a deadline from ``due_at`` if a
    person with the right sets one, else from ``deadline_rule`` or the case type's default rule."""
    case_type = registry.get(kind)
    if case_type is None:
        raise ValidationError({"kind": _("Unknown kind of case.")})
    if check_permission and actor is not None and not permissions.can_assign(actor, _OwnerProxy(owner)):
        raise PermissionDenied(_("You may not open cases for this organisation."))
    title = (title or "").strip()
    if not title:
        raise ValidationError({"title": _("The title is required.")})
    opened_at = opened_at or timezone.now()
    register = register or owner
    rule = deadline_rule if deadline_rule is not None else case_type.default_deadline_rule
    computed_from = ""
    if due_at is None and rule:
        due_at = compute_due(rule, opened_at, owner)
        computed_from = rule
    if due_at is not None and due_at <= opened_at:
        raise ValidationError({"due_at": _("The deadline must be later than the opening time.")})
    year = timezone.localtime(opened_at).year
    sequence = allocate_number(organisation=register, series=case_type.kind, year=year)
    from nazorat.core.search import build_search_text

    case = Case.objects.create(
        kind=kind, number=format_number(case_type, register, year, sequence), register=register, year=year,
        sequence=sequence, status=case_type.initial_status, title=title[:500], summary=summary, owner=owner,
        territory=territory, applicant=applicant, created_by=actor if getattr(actor, "pk", None) else None,
        language=language, opened_at=opened_at, due_at=due_at, original_due_at=due_at,
        deadline_rule=computed_from, is_public=is_public,
        search_text=build_search_text(title, summary),
    )
    events.record(action="case.opened", actor=actor, case=case, organisation=owner, is_public=True,
                  payload={"number": case.number, "kind": kind, "status": case.status,
                           "due_at": due_at.isoformat() if due_at else None, "rule": case.deadline_rule})
    return case


class _OwnerProxy:
    """Lets ``can_assign`` (which reads ``case.owner``) answer before the case exists."""

    def __init__(self, owner):
        self.owner = owner


@transaction.atomic
def case_transition(*, case: Case, action: str, actor, payload: dict | None = None, check_permission: bool = True,
                    is_public: bool = True) -> Case:
    """Apply a transition from the case type's table; refuses (HTTP 409) a transition not allowed from
    the current state. Permission is checked first, so the state is never revealed to someone who may
    not act."""
    case = Case.objects.select_for_update().get(pk=case.pk)
    case_type = registry[case.kind]
    if check_permission and actor is not None and not permissions.can_transition(actor, case):
        raise PermissionDenied(_("You may not change this case."))
    if action not in case_type.transitions:
        raise CaseStateError(_("This action does not exist for this kind of case."))
    sources, target = case_type.transitions[action]
    if case.status not in sources:
        raise CaseStateError(_("This action is not allowed while the case is “%(status)s”.") % {
            "status": case_type.status_label(case.status)})
    return _set_status(case=case, target=target, actor=actor, action=action, payload=payload, is_public=is_public)


def _set_status(*, case: Case, target: str, actor, action: str, payload: dict | None = None,
                is_public: bool = True) -> Case:
    case_type = registry[case.kind]
    before = case.status
    closing = target in case_type.closed_statuses
    if case.closed_at is not None and not closing:
        raise CaseStateError(_("The case is closed; nothing more can be done on it."))
    case.status = target
    fields = ["status"]
    if closing and case.closed_at is None:
        case.closed_at = timezone.now()
        fields.append("closed_at")
    case.save(update_fields=fields)
    events.record(action=f"case.{action}", actor=actor, case=case, organisation=case.owner, is_public=is_public,
                  payload={"from": before, "to": target, **(payload or {})})
    if closing:
        _wind_down(case=case, actor=actor)
    return case


def _wind_down(*, case: Case, actor) -> None:
    """A closed case leaves nothing open behind it: unfinished assignments are cancelled, pending
    extension requests withdrawn, pending review rounds withdrawn, work items closed — each recorded."""
    now = timezone.now()
    for a in Assignment.objects.open().filter(case=case).select_for_update():
        a.cancel()
        a.completed_at = now
        a.save(update_fields=["state", "completed_at"])
        events.record(action="assignment.cancelled", actor=actor, obj=a, case=case,
                      payload={"organisation": a.organisation.code, "reason": "case_closed"})
    for req in ExtensionRequest.objects.filter(case=case, state="pending").select_for_update():
        req.withdraw()
        req.decided_at = now
        req.save(update_fields=["state", "decided_at"])
        events.record(action="extension.withdrawn", actor=actor, obj=req, case=case, payload={"reason": "case_closed"})
    for rnd in ReviewRound.objects.filter(case=case, verdict=Verdict.PENDING).select_for_update():
        rnd.withdraw()
        rnd.decided_at = now
        rnd.save(update_fields=["verdict", "decided_at"])
    WorkItem.objects.open().filter(case=case).update(closed_at=now, closed_by=_actor(actor))


# --- work items --------------------------------------------------------------------------------

def workitem_open(*, key: str, case: Case, action: str, due_at=None, person=None, organisation=None, role: str = "",
                  assignment: Assignment | None = None, person_id=None) -> WorkItem:
    item, created = WorkItem.objects.get_or_create(
        key=key,
        defaults=dict(case=case, action=action, due_at=due_at, person=person, organisation=organisation, role=role,
                      assignment=assignment, **({"person_id": person_id} if person_id else {})),
    )
    if not created and item.closed_at is not None:
        item.closed_at = None
        item.closed_by = None
        item.due_at = due_at
        item.reminded_at = None
        item.escalated_at = None
        item.save(update_fields=["closed_at", "closed_by", "due_at", "reminded_at", "escalated_at"])
    return item


def workitem_close(*, key: str, actor=None) -> int:
    return WorkItem.objects.open().filter(key=key).update(
        closed_at=timezone.now(), closed_by=actor if getattr(actor, "pk", None) else None
    )


def _execute_key(assignment: Assignment) -> str:
    return f"assignment:{assignment.pk}:execute"


def _open_execute_item(assignment: Assignment) -> None:
    workitem_open(
        key=_execute_key(assignment), case=assignment.case, action="execute", due_at=assignment.due_at,
        person=assignment.person, organisation=assignment.organisation,
        role="" if assignment.person_id else Role.EXECUTOR, assignment=assignment,
    )


# --- assignments -------------------------------------------------------------------------------

@dataclass(frozen=True)
class StepSpec:
    """A timed step the receiving body must take, e.g. StepSpec("register", "30 working_minutes",
    "control_group")."""

    code: str
    rule: str
    role: str = Role.CONTROL_GROUP


def _when(dt: datetime) -> str:
    from django.utils.formats import date_format

    return date_format(timezone.localtime(dt), "SHORT_DATETIME_FORMAT")


@transaction.atomic
def assignment_create(
    *,
    case: Case,
    actor,
    organisation: Organisation,
    role: str = AssignmentRole.LEAD,
    due_at: datetime | None = None,
    deadline_rule: str | None = None,
    parent: Assignment | None = None,
    person=None,
    unit=None,
    instructions: str = "",
    steps: Iterable[StepSpec] = (),
    check_permission: bool = True,
) -> Assignment:
    """Give the case (or, with ``parent``, a received assignment) to a body with its own deadline.

    A child's deadline never exceeds its parent's, and a top-level deadline never exceeds the case's:
    the deadline the centre sets is binding down the chain. An assignment is passed on only to bodies
    under the receiving one."""
    if role not in AssignmentRole.values:
        raise ValidationError({"role": _("Unknown executor role.")})
    if parent is not None:
        if parent.case_id != case.pk:
            raise ValidationError({"parent": _("The parent assignment belongs to another case.")})
        if check_permission and actor is not None and not permissions.can_pass_on(actor, parent):
            raise PermissionDenied(_("You may not pass this assignment on."))
    elif check_permission and actor is not None and not permissions.can_assign(actor, case):
        raise PermissionDenied(_("You may not assign this case."))
    case = _lock_open_case(case)
    if parent is not None:
        parent = Assignment.objects.select_related("organisation").get(pk=parent.pk)
        if parent.state in (AssignmentState.DONE, AssignmentState.CANCELLED, AssignmentState.SUBMITTED):
            raise CaseStateError(_("This assignment has been reported or finished; it cannot be passed on now."))
        if organisation.pk == parent.organisation_id or not organisation.is_within(parent.organisation):
            raise ValidationError({"organisation": _(
                "An assignment can be passed on only to bodies under %(body)s.") % {"body": parent.organisation}})
    if person is not None and not person.memberships.filter(organisation=organisation, is_active=True).exists():
        raise ValidationError({"person": _("The responsible person must work in the executing body.")})
    now = timezone.now()
    if due_at is None and deadline_rule:
        due_at = compute_due(deadline_rule, now, organisation)
    limit = parent.due_at if parent is not None else case.due_at
    if due_at is None:
        due_at = limit
    if due_at is not None and limit is not None and due_at > limit:
        if parent is not None:
            msg = _("The deadline cannot be later than the deadline of the assignment it comes from (%(limit)s).")
        else:
            msg = _("The deadline cannot be later than the case's deadline (%(limit)s).")
        raise ValidationError({"due_at": msg % {"limit": _when(limit)}})
    if due_at is not None and due_at <= now:
        raise ValidationError({"due_at": _("The deadline must be in the future.")})
    if Assignment.objects.open().filter(case=case, parent=parent, organisation=organisation).exists():
        raise ValidationError({"organisation": _("This body already has this assignment.")})
    if role == AssignmentRole.LEAD and Assignment.objects.open().filter(
            case=case, parent=parent, role=AssignmentRole.LEAD).exists():
        raise ValidationError({"role": _("There is already a lead executor; add this body as a co-executor.")})
    assignment = Assignment.objects.create(
        case=case, parent=parent, organisation=organisation, unit=unit, person=person, role=role,
        instructions=instructions, due_at=due_at, original_due_at=due_at, assigned_by=_actor(actor), assigned_at=now,
    )
    for spec in steps:
        step_due = compute_due(spec.rule, now, organisation)
        step = AssignmentStep.objects.create(assignment=assignment, code=spec.code, due_at=step_due)
        workitem_open(key=f"step:{step.pk}", case=case, action=spec.code, due_at=step_due,
                      organisation=organisation, role=spec.role, assignment=assignment)
    _open_execute_item(assignment)
    events.record(action="assignment.created", actor=actor, obj=assignment, case=case, is_public=True,
                  organisation=parent.organisation if parent else case.owner,
                  payload={"organisation": organisation.code, "organisation_name": organisation.name_uz,
                           "role": role, "due_at": due_at.isoformat() if due_at else None,
                           "parent": parent.pk if parent else None})
    from nazorat.notifications.services import notify_organisation

    number, title = case.number, case.title
    notify_organisation(
        key=f"assignment:{assignment.pk}:created", organisation=organisation, roles=(Role.EXECUTOR, Role.CONTROL_GROUP),
        case=case, subject=lambda: _("New assignment: %(number)s") % {"number": number},
        body=lambda: _("%(title)s\nDue: %(due)s") % {"title": title, "due": _when(due_at) if due_at else "—"},
    )
    return assignment


def _close_assignment_items(assignment: Assignment, actor) -> None:
    WorkItem.objects.open().filter(assignment=assignment).exclude(action="decide_extension").update(
        closed_at=timezone.now(), closed_by=_actor(actor))


@transaction.atomic
def assignment_cancel(*, assignment: Assignment, actor, reason: str) -> Assignment:
    """Withdraw an assignment (and what it was passed on to) — by whoever may give it."""
    assignment = Assignment.objects.select_related("parent", "case").get(pk=assignment.pk)
    allowed = (permissions.can_pass_on(actor, assignment.parent) if assignment.parent_id
               else permissions.can_assign(actor, assignment.case))
    if not allowed:
        raise PermissionDenied(_("You may not withdraw this assignment."))
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": _("Give the reason for withdrawing the assignment.")})
    _lock_open_case(assignment.case)
    if assignment.state in (AssignmentState.DONE, AssignmentState.CANCELLED):
        raise CaseStateError(_("This assignment is already finished."))
    todo = [assignment]
    while todo:
        a = Assignment.objects.select_for_update().get(pk=todo.pop().pk)
        if a.state in (AssignmentState.DONE, AssignmentState.CANCELLED):
            continue
        a.cancel()
        a.completed_at = timezone.now()
        a.save(update_fields=["state", "completed_at"])
        _close_assignment_items(a, actor)
        for rnd in ReviewRound.objects.filter(assignment=a, verdict=Verdict.PENDING):
            rnd.withdraw()
            rnd.decided_at = timezone.now()
            rnd.save(update_fields=["verdict", "decided_at"])
        events.record(action="assignment.cancelled", actor=actor, obj=a, case=a.case, is_public=True,
                      payload={"organisation": a.organisation.code, "reason": reason})
        todo.extend(a.children.open())
    return assignment


@transaction.atomic
def step_complete(*, assignment: Assignment, code: str, actor, check_permission: bool = True) -> AssignmentStep:
    if check_permission and not permissions.can_execute(actor, assignment):
        raise PermissionDenied(_("You may not act for this body."))
    _lock_open_case(assignment.case)
    step = AssignmentStep.objects.select_for_update().filter(assignment=assignment, code=code).first()
    if step is None:
        raise ValidationError({"step": _("This assignment has no such step.")})
    if step.done_at is not None:
        raise CaseStateError(_("This step is already done."))
    step.done_at = timezone.now()
    step.done_by = actor
    step.save(update_fields=["done_at", "done_by"])
    workitem_close(key=f"step:{step.pk}", actor=actor)
    events.record(action=f"assignment.step_{code}", actor=actor, obj=assignment, case=assignment.case,
                  organisation=assignment.organisation,
                  payload={"step": code, "due_at": step.due_at.isoformat(), "late": step.done_at > step.due_at})
    return step


@transaction.atomic
def assignment_accept(*, assignment: Assignment, actor, check_permission: bool = True) -> Assignment:
    if check_permission and not permissions.can_execute(actor, assignment):
        raise PermissionDenied(_("You may not act for this body."))
    _lock_open_case(assignment.case)
    assignment = Assignment.objects.select_for_update().get(pk=assignment.pk)
    if assignment.state != AssignmentState.ASSIGNED:
        raise CaseStateError(_("This assignment has already been accepted."))
    assignment.accept()
    assignment.accepted_at = timezone.now()
    assignment.save(update_fields=["state", "accepted_at"])
    events.record(action="assignment.accepted", actor=actor, obj=assignment, case=assignment.case,
                  organisation=assignment.organisation, is_public=True,
                  payload={"organisation": assignment.organisation.code})
    return assignment


@transaction.atomic
def assignment_set_person(*, assignment: Assignment, actor, person, unit=None) -> Assignment:
    if not permissions.can_pass_on(actor, assignment):
        raise PermissionDenied(_("You may not name the executor for this body."))
    if not person.memberships.filter(organisation=assignment.organisation, is_active=True).exists():
        raise ValidationError({"person": _("The responsible person must work in the executing body.")})
    _lock_open_case(assignment.case)
    assignment = Assignment.objects.select_for_update().get(pk=assignment.pk)
    assignment.person = person
    assignment.unit = unit
    assignment.save(update_fields=["person", "unit"])
    WorkItem.objects.open().filter(assignment=assignment, action__in=["execute", "rework"]).update(
        person=person, role="")
    events.record(action="assignment.executor_named", actor=actor, obj=assignment, case=assignment.case,
                  organisation=assignment.organisation,
                  payload={"person": person.get_full_name(), "unit": unit.name_uz if unit else None})
    return assignment


def release_person(*, user, organisation, actor) -> int:
    """When someone leaves a body, what waited on them personally goes back to the body's executors."""
    items = WorkItem.objects.open().filter(person=user, organisation=organisation)
    count = items.update(person=None, role=Role.EXECUTOR)
    Assignment.objects.open().filter(person=user, organisation=organisation).update(person=None)
    return count


# --- extensions --------------------------------------------------------------------------------

@transaction.atomic
def extension_request(*, case: Case, actor, requested_due_at: datetime, reasons: str,
                      assignment: Assignment | None = None) -> ExtensionRequest:
    """The executing body asks for more time, with reasons; the deadline itself never changes here."""
    if assignment is None:
        assignment = case.assignments.filter(parent__isnull=True, role=AssignmentRole.LEAD).first()
    if assignment is None or not permissions.can_execute(actor, assignment):
        raise PermissionDenied(_("Only the executing body may ask for an extension."))
    case = _lock_open_case(case)
    assignment = Assignment.objects.select_for_update().get(pk=assignment.pk)
    if assignment.state in (AssignmentState.DONE, AssignmentState.CANCELLED):
        raise CaseStateError(_("This assignment is finished."))
    reasons = (reasons or "").strip()
    errors = {}
    if len(reasons) < 10:
        errors["reasons"] = _("Explain the reasons for the extension (at least 10 characters).")
    current = assignment.due_at or case.due_at
    if current is None:
        errors["requested_due_at"] = _("This assignment has no deadline to extend.")
    elif requested_due_at <= current:
        errors["requested_due_at"] = _("The requested deadline must be later than the current one.")
    elif requested_due_at <= timezone.now():
        errors["requested_due_at"] = _("The requested deadline must be in the future.")
    if ExtensionRequest.objects.filter(assignment=assignment, state="pending").exists():
        errors["requested_due_at"] = _("An extension request is already waiting for a decision.")
    if errors:
        raise ValidationError(errors)
    request = ExtensionRequest.objects.create(
        case=case, assignment=assignment, requested_by=actor, old_due_at=current,
        requested_due_at=requested_due_at, reasons=reasons,
    )
    decider_org = assignment.parent.organisation if assignment.parent_id else case.owner
    workitem_open(key=f"extension:{request.pk}", case=case, action="decide_extension", due_at=current,
                  organisation=decider_org, role=Role.CONTROLLER, assignment=assignment)
    events.record(action="extension.requested", actor=actor, obj=request, case=case,
                  organisation=assignment.organisation,
                  payload={"old_due_at": current.isoformat(), "requested_due_at": requested_due_at.isoformat(),
                           "reasons": reasons})
    return request


@transaction.atomic
def extension_decide(*, request: ExtensionRequest, actor, grant: bool, note: str = "",
                     granted_due_at: datetime | None = None) -> ExtensionRequest:
    request = ExtensionRequest.objects.select_related("case", "assignment", "assignment__parent").get(pk=request.pk)
    if not permissions.can_decide_extension(actor, request):
        raise PermissionDenied(_("Only the controlling body decides extension requests."))
    if actor.pk == request.requested_by_id:
        raise PermissionDenied(_("You cannot decide your own extension request."))
    _lock_open_case(request.case)
    request = ExtensionRequest.objects.select_for_update(of=("self",)).select_related(
        "case", "assignment", "assignment__parent").get(pk=request.pk)
    if request.state != "pending":
        raise CaseStateError(_("This extension request has already been decided."))
    note = (note or "").strip()
    if grant:
        new_due = granted_due_at or request.requested_due_at
        if new_due <= request.old_due_at:
            raise ValidationError({"granted_due_at": _("The new deadline must be later than the old one.")})
        if new_due <= timezone.now():
            raise ValidationError({"granted_due_at": _("The new deadline must be in the future.")})
        assignment = request.assignment
        if assignment is not None and assignment.parent_id and assignment.parent.due_at and \
                new_due > assignment.parent.due_at:
            raise ValidationError({"granted_due_at": _(
                "The new deadline cannot be later than the deadline of the assignment it comes from.")})
        request.grant()
        request.granted_due_at = new_due
    else:
        if not note:
            raise ValidationError({"note": _("Give the reasons for the refusal.")})
        request.refuse()
    request.decided_by = actor
    request.decided_at = timezone.now()
    request.decision_note = note
    request.save(update_fields=["state", "granted_due_at", "decided_by", "decided_at", "decision_note"])
    workitem_close(key=f"extension:{request.pk}", actor=actor)
    if grant:
        _move_deadline(request=request, new_due=request.granted_due_at)
    events.record(action="extension.granted" if grant else "extension.refused", actor=actor, obj=request,
                  case=request.case, is_public=grant,
                  payload={"old_due_at": request.old_due_at.isoformat(),
                           "new_due_at": request.granted_due_at.isoformat() if grant else None, "note": note})
    return request


def _move_deadline(*, request: ExtensionRequest, new_due: datetime) -> None:
    """Both dates are kept: ``original_due_at`` stays, ``due_at`` moves; open work items follow. Only
    the lead's extension can move the case's own deadline."""
    assignment = request.assignment
    case = request.case
    if assignment is not None:
        assignment.due_at = new_due
        assignment.save(update_fields=["due_at"])
        WorkItem.objects.open().filter(assignment=assignment, action__in=["execute", "rework"]).update(
            due_at=new_due, reminded_at=None, escalated_at=None)
    lead = assignment is None or (assignment.parent_id is None and assignment.role == AssignmentRole.LEAD)
    if lead and case.due_at is not None and new_due > case.due_at:
        case.due_at = new_due
        case.save(update_fields=["due_at"])


# --- review rounds -----------------------------------------------------------------------------

def _reports_to_lead(case: Case, assignment: Assignment | None) -> Assignment | None:
    """A top-level co-executor of a case type that says so reports to the lead body, not to the chain."""
    if assignment is None or assignment.parent_id or assignment.role != AssignmentRole.CO_EXECUTOR:
        return None
    if not registry[case.kind].co_executors_report_to_lead:
        return None
    return (Assignment.objects.open().filter(case=case, parent__isnull=True, role=AssignmentRole.LEAD)
            .select_related("organisation").first())


def _chain_snapshot(case: Case, assignment: Assignment | None) -> list[dict]:
    """The chain of reviewers for one submission, fixed when it is submitted: a reconfiguration (or a body
    becoming inactive) while it is under review never changes who reviews it or who removes it."""
    if assignment is not None and assignment.parent_id:
        return [{"org": assignment.parent.organisation_id, "role": Role.CONTROL_GROUP, "code": "parent",
                 "position": ""}]
    lead = _reports_to_lead(case, assignment)
    if lead is not None:
        return [{"org": lead.organisation_id, "role": Role.CONTROL_GROUP, "code": "lead", "position": ""}]
    chain = registry[case.kind].chain(case)
    if not chain:
        return [{"org": case.owner_id, "role": Role.CONTROL_GROUP, "code": "owner", "position": ""}]
    return [{"org": (spec.organisation(case).pk if spec.organisation else case.owner_id), "role": spec.role,
             "code": spec.code, "position": spec.position} for spec in chain]


def _chain_length(case: Case, assignment: Assignment | None, rnd: ReviewRound | None = None) -> int:
    if rnd is not None and rnd.chain:
        return len(rnd.chain)
    return len(_chain_snapshot(case, assignment))


def _open_round(*, case: Case, assignment: Assignment, number: int, step: int, submitted_by, submission: str,
                chain: list[dict] | None = None) -> ReviewRound:
    chain = chain or _chain_snapshot(case, assignment)
    spec = chain[min(step, len(chain)) - 1]
    reviewer_org = Organisation.objects.get(pk=spec["org"])
    role, code, position = spec["role"], spec["code"], spec["position"]
    review_due = compute_due(registry[case.kind].review_rule, timezone.now(), reviewer_org)
    rnd = ReviewRound.objects.create(case=case, assignment=assignment, number=number, step=step, step_code=code,
                                     reviewer_org=reviewer_org, reviewer_role=role, reviewer_position=position,
                                     submitted_by=submitted_by, submission=submission, review_due_at=review_due,
                                     chain=chain)
    person = None
    if position:
        from nazorat.orgs.models import Membership

        holders = list(Membership.objects.active().filter(organisation=reviewer_org, position=position)
                       .values_list("user_id", flat=True)[:2])
        if len(holders) == 1:
            person = holders[0]
    workitem_open(key=f"review:{rnd.pk}", case=case, action="review", due_at=review_due,
                  organisation=reviewer_org, role="" if person else (role or Role.CONTROL_GROUP),
                  assignment=assignment, person_id=person)
    return rnd


@transaction.atomic
def result_submit(*, case: Case, actor, text: str, assignment: Assignment | None = None,
                  attachments: Iterable[Attachment] = (), check_permission: bool = True) -> ReviewRound:
    """The executor submits a result (answer, report); it goes to the first reviewer of the chain. A
    body reports only after everything it passed on, and — for the lead — every co-executor, is done."""
    if assignment is None:
        assignment = case.assignments.filter(parent__isnull=True, role=AssignmentRole.LEAD).first()
    if assignment is None:
        raise ValidationError({"assignment": _("The case has no executor yet.")})
    if check_permission and not permissions.can_execute(actor, assignment):
        raise PermissionDenied(_("Only the executing body may submit the result."))
    text = (text or "").strip()
    if not text:
        raise ValidationError({"text": _("Describe the result.")})
    case = _lock_open_case(case)
    assignment = Assignment.objects.select_for_update().get(pk=assignment.pk)
    if assignment.state not in (AssignmentState.ASSIGNED, AssignmentState.IN_PROGRESS):
        raise CaseStateError(_("The result has already been submitted or the assignment is finished."))
    waiting = list(assignment.children.open().select_related("organisation"))
    if assignment.role == AssignmentRole.LEAD:
        waiting += list(Assignment.objects.open().filter(case=case, parent=assignment.parent,
                                                         role=AssignmentRole.CO_EXECUTOR).select_related("organisation"))
    if waiting:
        raise ValidationError({"assignment": _(
            "These bodies have not finished their part yet: %(names)s.") % {
            "names": ", ".join(a.organisation.name for a in waiting)}})
    assignment.submit()
    assignment.submitted_at = timezone.now()
    assignment.save(update_fields=["state", "submitted_at"])
    number = (ReviewRound.objects.filter(case=case, assignment=assignment).order_by("-number")
              .values_list("number", flat=True).first() or 0) + 1
    rnd = _open_round(case=case, assignment=assignment, number=number, step=1, submitted_by=actor, submission=text)
    att_ids = [a.pk for a in attachments]
    if att_ids:
        own = Attachment.objects.filter(pk__in=att_ids, review_round__isnull=True, uploaded_by=actor).filter(
            Q(case__isnull=True) | Q(case=case))
        if own.count() != len(set(att_ids)):
            raise ValidationError({"attachments": _("Attach only files you uploaded for this case.")})
        own.update(review_round=rnd, case=case)
    WorkItem.objects.open().filter(assignment=assignment, action__in=["execute", "rework"]).update(
        closed_at=timezone.now(), closed_by=_actor(actor))
    events.record(action="result.submitted", actor=actor, obj=rnd, case=case, organisation=assignment.organisation,
                  is_public=True, payload={"round": number, "reviewer": rnd.reviewer_org.code})
    case_type = registry[case.kind]
    if assignment.parent_id is None and assignment.role == AssignmentRole.LEAD and case_type.on_submitted \
            and case.status != case_type.on_submitted:
        _set_status(case=case, target=case_type.on_submitted, actor=actor, action="submitted")
    return rnd


@transaction.atomic
def review_decide(*, review_round: ReviewRound, actor, accept: bool, reasons: str = "") -> ReviewRound:
    """Accept (the next reviewer of the chain gets it, or the last one closes it) or return it to the
    executor with written reasons. Every round is kept and counted. Nobody reviews their own result."""
    rnd = ReviewRound.objects.select_related("case", "assignment").get(pk=review_round.pk)
    if not permissions.can_review(actor, rnd):
        raise PermissionDenied(_("You are not the reviewer of this result."))
    if actor.pk == rnd.submitted_by_id:
        raise PermissionDenied(_("You cannot review a result you submitted yourself."))
    if rnd.step > 1 and ReviewRound.objects.filter(assignment_id=rnd.assignment_id, number=rnd.number,
                                                   step__lt=rnd.step, decided_by=actor).exists():
        raise PermissionDenied(_("You have already decided an earlier step of this submission; another reviewer "
                                 "must decide this one."))
    reasons = (reasons or "").strip()
    if not accept and not reasons:
        raise ValidationError({"reasons": _("Write the reasons for returning the result.")})
    case = _lock_open_case(rnd.case)
    rnd = ReviewRound.objects.select_for_update(of=("self",)).select_related("case", "assignment").get(pk=rnd.pk)
    if rnd.verdict != Verdict.PENDING:
        raise CaseStateError(_("This result has already been reviewed."))
    if accept:
        rnd.accept()
    else:
        rnd.send_back()
    rnd.reasons = reasons
    rnd.decided_by = actor
    rnd.decided_at = timezone.now()
    rnd.save(update_fields=["verdict", "reasons", "decided_by", "decided_at"])
    workitem_close(key=f"review:{rnd.pk}", actor=actor)
    assignment = Assignment.objects.select_for_update().get(pk=rnd.assignment_id)
    case_type = registry[case.kind]
    top_level = assignment.parent_id is None and assignment.role == AssignmentRole.LEAD
    events.record(action="review.accepted" if accept else "review.returned", actor=actor, obj=rnd, case=case,
                  organisation=rnd.reviewer_org, is_public=True,
                  payload={"round": rnd.number, "step": rnd.step, "reasons": reasons})
    if not accept:
        assignment.send_back()
        assignment.save(update_fields=["state"])
        workitem_open(key=f"assignment:{assignment.pk}:rework:{rnd.pk}", case=case, action="rework",
                      due_at=assignment.due_at, person=assignment.person, organisation=assignment.organisation,
                      role="" if assignment.person_id else Role.EXECUTOR, assignment=assignment)
        if top_level and case_type.on_returned:
            _set_status(case=case, target=case_type.on_returned, actor=actor, action="returned",
                        payload={"reasons": reasons})
        return rnd
    if rnd.step < _chain_length(case, assignment, rnd):
        _open_round(case=case, assignment=assignment, number=rnd.number, step=rnd.step + 1,
                    submitted_by=rnd.submitted_by, submission=rnd.submission, chain=rnd.chain or None)
        return rnd
    assignment.complete()
    assignment.completed_at = timezone.now()
    assignment.save(update_fields=["state", "completed_at"])
    _close_assignment_items(assignment, actor)
    events.record(action="assignment.completed", actor=actor, obj=assignment, case=case,
                  organisation=rnd.reviewer_org, is_public=True,
                  payload={"organisation": assignment.organisation.code, "rounds": rnd.number})
    if top_level and case_type.on_accepted:
        _set_status(case=case, target=case_type.on_accepted, actor=actor, action="accepted")
    return rnd


# --- attachments -------------------------------------------------------------------------------

@transaction.atomic
def attachment_add(*, actor, upload, case: Case | None = None, purpose: str = "",
                   allowed_types: Iterable[str] | None = None) -> Attachment:
    """Validate a file by its content (not its name), size and type; store it with its SHA-256. Staff
    attach only to cases they may see; citizens' uploads are attached by the module's own service."""
    from nazorat.core.files import inspect_upload

    if case is not None and actor is not None and not permissions.can_view_case(actor, case):
        raise PermissionDenied(_("You may not attach files to this case."))
    info = inspect_upload(upload, allowed_types=allowed_types)
    att = Attachment(case=case, purpose=purpose, original_name=info.name, content_type=info.content_type,
                     size=info.size, sha256=info.sha256, uploaded_by=_actor(actor))
    upload.seek(0)
    att.file.save(info.sha256, upload, save=False)
    att.save()
    events.record(action="attachment.added", actor=actor, obj=att, case=case,
                  payload={"name": info.name, "type": info.content_type, "size": info.size, "sha256": info.sha256})
    return att
