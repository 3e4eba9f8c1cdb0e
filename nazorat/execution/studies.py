"""Work plans and targeted studies (R-A13, seed 000 plan item 7): every write, its permission predicates, and the
scoped reads the pages use.

* A **work plan** is half-yearly for a body (its own plan, no owner), quarterly for a deputy (the owner is a
  deputy or the first deputy of the body) or monthly for a staff member (the owner). The period starts on the
  first day of a month (of a quarter, of a half-year) and ends ``PLAN_MONTHS`` later, the day before. One plan per
  body, kind, owner and period. Items are added while the plan is a draft; the head or the first deputy
  approves it (not the plan's own owner), and only then are items marked done. A plan carries a section on
  execution discipline: it cannot be approved without at least one item there.
* A **study** is an on-site study of how acts and tasks are executed in an organisation or a territory. It is
  planned (optionally from an item of the execution-discipline section of the conducting body's plan),
  conducted with findings tied to the tasks concerned, and followed through its measures: it closes by itself
  when the last measure is done (or at once, when the conduct records that no measures were needed). A study
  still planned may be cancelled with reasons.
* **Who**: the body's control group, head or first deputy plan and conduct for their body; the controllers of
  Justice, the Accounts Chamber and the Prosecutor's office plan and conduct for theirs. The scope of a study is
  the conducting body's subtree, and for hokimliks and those auditing bodies also every organisation and
  territory in their territory (a republican auditing body: the whole country). Measures are marked done by the
  conducting body or the responsible body's control group, head or first deputy.

Every write is keyword-only, runs in one transaction, checks its predicate (``PermissionDenied`` → 403),
validates (``ValidationError`` with field names → 400), refuses a step the state does not allow
(``CaseStateError`` → 409 in the API, a message on the page) and writes an event with the actor.
"""

from __future__ import annotations

from datetime import date, timedelta
from typing import Iterable

import rules
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Count, Exists, OuterRef, Prefetch, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from nazorat.accounts.models import User
from nazorat.cases.permissions import has_any_role_in
from nazorat.cases.services import CaseStateError
from nazorat.core import events
from nazorat.core.events import register_labels
from nazorat.orgs.models import Membership, OrgKind, OrgLevel, Organisation, Position, Role
from nazorat.orgs.selectors import StaffScope
from nazorat.territories.models import Territory

from .services import parse_date, parse_organisation
from . import selectors
from .models import (
    PLAN_MONTHS,
    PlanKind,
    PlanSection,
    Study,
    StudyMeasure,
    StudyState,
    Task,
    WorkPlan,
    WorkPlanItem,
)
from .permissions import CONFIRMER_POSITIONS, holds_position

register_labels({
    "workplan.item_added": gettext_lazy("Work plan item added"),
    "workplan.item_done": gettext_lazy("Work plan item done"),
    "study.measure_added": gettext_lazy("Measure after a study decided"),
    "study.cancelled": gettext_lazy("Study cancelled"),
})

# Bodies that inspect others on site (seed 001): their controllers plan studies of any body in their territory.
AUDIT_KINDS = frozenset({OrgKind.JUSTICE, OrgKind.ACCOUNTS_CHAMBER, OrgKind.PROSECUTOR})
# Bodies with authority over a territory: they may study any organisation in it, not only their subtree.
TERRITORIAL_KINDS = AUDIT_KINDS | {OrgKind.HOKIMLIK}
DEPUTY_POSITIONS = frozenset({Position.FIRST_DEPUTY, Position.DEPUTY})
# Sections in the order a plan shows them: execution discipline first (R-A13).
SECTION_ORDER = [PlanSection.EXECUTION_DISCIPLINE, PlanSection.ORGANISATIONAL, PlanSection.OTHER]


# --- predicates -------------------------------------------------------------------------------------------

def _authenticated(user) -> bool:
    return bool(getattr(user, "is_authenticated", False))


@rules.predicate
def can_plan_for(user, organisation) -> bool:
    """Plan and conduct studies, prepare the body's plan: its control group, head or first deputy; for Justice,
    the Accounts Chamber and the Prosecutor's office also their controllers."""
    if not _authenticated(user) or organisation is None:
        return False
    if getattr(user, "is_superuser", False):
        return True
    if has_any_role_in(user, {Role.CONTROL_GROUP}, organisation) or holds_position(user, CONFIRMER_POSITIONS,
                                                                                     organisation):
        return True
    return organisation.kind in AUDIT_KINDS and has_any_role_in(user, {Role.CONTROLLER}, organisation)


def _territory_covered(organisation: Organisation, code: str | None) -> bool:
    """Whether a territorial body's territory contains the territory ``code`` (None: a republican body)."""
    if organisation.kind not in TERRITORIAL_KINDS:
        return False
    if organisation.territory_id is None:
        return organisation.level == OrgLevel.REPUBLIC
    return bool(code) and code.startswith(organisation.territory_id)


def study_scope_covers(organisation: Organisation, *, target_organisation: Organisation | None = None,
                       target_territory: Territory | None = None) -> bool:
    """Whether ``organisation`` may study the target: its own subtree; for hokimliks and auditing bodies also any
    organisation in their territory; a territory inside the body's own territory (a republican body: any)."""
    if target_organisation is not None and not (
            target_organisation.is_within(organisation)
            or _territory_covered(organisation, target_organisation.territory_id)):
        return False
    if target_territory is not None:
        if organisation.territory_id is None:
            return organisation.level == OrgLevel.REPUBLIC
        if not target_territory.code.startswith(organisation.territory_id):
            return False
    return True


def can_plan_study(user, organisation, target_organisation=None, target_territory=None) -> bool:
    return can_plan_for(user, organisation) and study_scope_covers(
        organisation, target_organisation=target_organisation, target_territory=target_territory)


@rules.predicate
def can_conduct_study(user, study: Study) -> bool:
    """Conduct, decide measures, cancel: the conducting body's planners."""
    return can_plan_for(user, study.organisation)


@rules.predicate
def can_mark_measure_done(user, measure: StudyMeasure) -> bool:
    """The conducting body, or the responsible body's control group, head or first deputy."""
    return can_plan_for(user, measure.study.organisation) or can_plan_for(user, measure.responsible)


@rules.predicate
def can_edit_workplan(user, plan: WorkPlan) -> bool:
    """Items are added and marked done by the plan's owner or the body's planners."""
    if not _authenticated(user):
        return False
    return (plan.owner_id is not None and plan.owner_id == user.pk) or can_plan_for(user, plan.organisation)


@rules.predicate
def can_approve_workplan(user, plan: WorkPlan) -> bool:
    """The head or the first deputy of the body approves; nobody approves their own plan."""
    if not _authenticated(user) or (plan.owner_id is not None and plan.owner_id == user.pk):
        return False
    return bool(getattr(user, "is_superuser", False)) or holds_position(user, CONFIRMER_POSITIONS,
                                                                          plan.organisation)


def planning_bodies(user) -> list[Organisation]:
    """The bodies this person plans studies for (their memberships where ``can_plan_for``)."""
    if not _authenticated(user):
        return []
    scope = StaffScope.for_user(user)
    seen, out = set(), []
    for m in scope.memberships:
        if m.organisation_id not in seen and can_plan_for(user, m.organisation):
            seen.add(m.organisation_id)
            out.append(m.organisation)
    return out


def member_bodies(user) -> list[Organisation]:
    """Every body the person works in (a monthly or quarterly plan may be their own)."""
    if not _authenticated(user):
        return []
    seen, out = set(), []
    for m in StaffScope.for_user(user).memberships:
        if m.organisation_id not in seen:
            seen.add(m.organisation_id)
            out.append(m.organisation)
    return out


# --- reads, scoped to the user ----------------------------------------------------------------------------

def _scope_q(user, *org_fields: str, territory_fields: Iterable[str] = (), owner_field: str | None = None):
    """None: everything; otherwise a Q of rows in the user's bodies' subtrees or, for wide roles, territories."""
    if not _authenticated(user):
        return Q(pk__in=[])
    scope = StaffScope.for_user(user)
    if getattr(user, "is_superuser", False) or scope.sees_whole_country:
        return None
    q = Q(pk__in=[])
    for name in org_fields:
        q |= scope.org_q(name)
    if scope.wide_territories:
        for name in territory_fields:
            q |= scope.territory_q(name)
    if owner_field:
        q |= Q(**{owner_field: user})
    return q


def workplans_visible_to(user) -> QuerySet[WorkPlan]:
    qs = WorkPlan.objects.select_related("organisation", "owner", "approved_by")
    q = _scope_q(user, "organisation", territory_fields=("organisation__territory__code",), owner_field="owner")
    return qs if q is None else qs.filter(q)


def workplans_list(user) -> QuerySet[WorkPlan]:
    return workplans_visible_to(user).annotate(
        item_count=Count("items", distinct=True),
        done_count=Count("items", filter=Q(items__done_at__isnull=False), distinct=True),
    ).order_by("-period_start", "organisation__name", "-id")


def workplan_for(user, pk) -> WorkPlan | None:
    try:
        return workplans_visible_to(user).filter(pk=int(pk)).first()
    except (TypeError, ValueError):
        return None


def workplan_sections(plan: WorkPlan) -> list[tuple[str, str, list[WorkPlanItem]]]:
    """The plan's items grouped by section, execution discipline first, each with its studies (prefetched)."""
    items = list(plan.items.prefetch_related(Prefetch(
        "studies", queryset=Study.objects.select_related("target_organisation", "target_territory")
        .order_by("planned_on", "id"))).order_by("position", "id"))
    out = []
    for section in SECTION_ORDER:
        rows = [i for i in items if i.section == section]
        out.append((section.value, section.label, rows))
    return out


def studies_visible_to(user) -> QuerySet[Study]:
    qs = Study.objects.select_related("organisation", "target_organisation", "target_territory", "plan_item__plan")
    if not _authenticated(user):
        return qs.none()
    q = _scope_q(user, "organisation", "target_organisation",
                 territory_fields=("organisation__territory__code", "target_organisation__territory__code",
                                   "target_territory__code"))
    if q is None:
        return qs
    scope = StaffScope.for_user(user)
    q |= Q(Exists(StudyMeasure.objects.filter(scope.org_q("responsible"), study=OuterRef("pk"))))
    return qs.filter(q)


def studies_list(user, *, state: str = "", overdue: bool = False, today: date | None = None) -> QuerySet[Study]:
    today = today or timezone.localdate()
    qs = studies_visible_to(user).annotate(
        measure_count=Count("measures", distinct=True),
        done_count=Count("measures", filter=Q(measures__done_at__isnull=False), distinct=True),
        overdue_count=Count("measures", filter=Q(measures__done_at__isnull=True, measures__due_on__lt=today),
                            distinct=True),
    )
    if state:
        qs = qs.filter(state=state)
    if overdue:
        qs = qs.filter(overdue_count__gt=0)
    return qs.order_by("-planned_on", "-id")


def study_for(user, pk) -> Study | None:
    try:
        return studies_visible_to(user).filter(pk=int(pk)).first()
    except (TypeError, ValueError):
        return None


def study_tasks(study: Study) -> QuerySet[Task]:
    return study.tasks.select_related("case", "document").order_by("document__date", "case__number")


def study_measures(study: Study) -> QuerySet[StudyMeasure]:
    return study.measures.select_related("responsible", "done_by").order_by("due_on", "id")


def plan_items_for_studies(user) -> QuerySet[WorkPlanItem]:
    """Open execution-discipline items of the plans of the bodies this person plans studies for."""
    return (WorkPlanItem.objects.filter(plan__organisation__in=[o.pk for o in planning_bodies(user)],
                                        section=PlanSection.EXECUTION_DISCIPLINE, done_at__isnull=True)
            .select_related("plan", "plan__organisation").order_by("-plan__period_start", "position"))


def study_cancel_reason(study: Study) -> str:
    from nazorat.core.models import Event

    ev = (Event.objects.filter(action="study.cancelled", object_id=str(study.pk), object_type=_object_type(study))
          .order_by("-occurred_at").first())
    return (ev.payload or {}).get("reason", "") if ev else ""


def _object_type(obj) -> str:
    return obj._meta.label_lower


# --- input helpers ----------------------------------------------------------------------------------------

def _date(value, field: str, errors: dict, *, required_message: str | None = None) -> date | None:
    day = parse_date(value, field, errors)
    if day is None and field not in errors and required_message:
        errors[field] = required_message
    return day


_organisation = parse_organisation


def _text(value, field: str, errors: dict, *, minimum: int, message: str, maximum: int = 10000) -> str:
    text = (value or "").strip()
    if len(text) < minimum:
        errors[field] = message
    elif len(text) > maximum:
        errors[field] = _("The text is too long (at most %(n)d characters).") % {"n": maximum}
    return text


def period_end_for(kind: str, start: date) -> date:
    months = start.month - 1 + PLAN_MONTHS[PlanKind(kind)]
    first_after = date(start.year + months // 12, months % 12 + 1, 1)
    return first_after - timedelta(days=1)


# --- work plans -------------------------------------------------------------------------------------------

@transaction.atomic
def workplan_create(*, actor, organisation, kind: str, period_start, title: str, owner=None) -> WorkPlan:
    """A half-yearly plan of the body, a quarterly plan of a deputy or a monthly plan of a staff member. The
    owner of a quarterly or monthly plan defaults to the actor."""
    errors: dict = {}
    organisation = _organisation(organisation, "organisation", errors)
    if organisation is None and "organisation" not in errors:
        errors["organisation"] = _("Choose the body whose plan it is.")
    if kind not in PlanKind.values:
        errors["kind"] = _("Choose the kind of plan.")
    start = _date(period_start, "period_start", errors, required_message=_("Enter the first day of the period."))
    if start is not None and kind in PlanKind.values:
        if start.day != 1:
            errors["period_start"] = _("A plan's period starts on the first day of a month.")
        elif kind == PlanKind.QUARTERLY and start.month not in (1, 4, 7, 10):
            errors["period_start"] = _("A quarterly plan starts on 1 January, 1 April, 1 July or 1 October.")
        elif kind == PlanKind.HALF_YEARLY and start.month not in (1, 7):
            errors["period_start"] = _("A half-yearly plan starts on 1 January or 1 July.")
    title = _text(title, "title", errors, minimum=3, maximum=300, message=_("Enter the plan's title."))
    if owner in ("", None) or kind == PlanKind.HALF_YEARLY:
        owner = None
    elif not isinstance(owner, User):
        try:
            owner = User.objects.get(pk=int(owner), is_active=True)
        except (User.DoesNotExist, TypeError, ValueError):
            errors["owner"] = _("Choose a person from the list.")
            owner = None
    if organisation is None or kind not in PlanKind.values:
        raise ValidationError(errors)
    if kind != PlanKind.HALF_YEARLY and owner is None and "owner" not in errors:
        owner = actor
    if owner is not None:
        memberships = Membership.objects.active().filter(user=owner, organisation=organisation)
        if kind == PlanKind.QUARTERLY and not memberships.filter(position__in=DEPUTY_POSITIONS).exists():
            errors["owner"] = _("A quarterly plan is a deputy's plan: choose a deputy of the body.")
        elif kind == PlanKind.MONTHLY and not memberships.exists():
            errors["owner"] = _("A monthly plan is a staff member's plan: choose someone who works in the body.")
    if not (can_plan_for(actor, organisation) or (owner is not None and owner.pk == getattr(actor, "pk", None))):
        raise PermissionDenied(_("Only the body's control group, head or first deputy, or the plan's owner, "
                                 "prepares a work plan."))
    if errors:
        raise ValidationError(errors)
    Organisation.objects.select_for_update().filter(pk=organisation.pk).first()  # one plan per period, serialised
    if WorkPlan.objects.filter(organisation=organisation, kind=kind, owner=owner, period_start=start).exists():
        raise ValidationError({"period_start": _("This plan already exists for the period.")})
    plan = WorkPlan.objects.create(organisation=organisation, kind=kind, owner=owner, period_start=start,
                                   period_end=period_end_for(kind, start), title=title, created_by=actor)
    events.record(action="workplan.created", actor=actor, obj=plan, organisation=organisation,
                  payload={"kind": kind, "owner": owner.pk if owner else None, "period_start": start.isoformat(),
                           "period_end": plan.period_end.isoformat()})
    return plan


def _lock_plan(plan: WorkPlan) -> WorkPlan:
    return WorkPlan.objects.select_for_update(of=("self",)).select_related("organisation", "owner").get(pk=plan.pk)


@transaction.atomic
def workplan_item_add(*, plan: WorkPlan, actor, section: str, text: str, due_on=None,
                      responsible: str = "") -> WorkPlanItem:
    plan = _lock_plan(plan)
    if not can_edit_workplan(actor, plan):
        raise PermissionDenied(_("Only the plan's owner or the body's control group, head or first deputy "
                                 "adds items."))
    if plan.approved_at is not None:
        raise CaseStateError(_("The plan is approved; its items can no longer be changed."))
    errors: dict = {}
    if section not in PlanSection.values:
        errors["section"] = _("Choose the section.")
    text = _text(text, "text", errors, minimum=5, message=_("Describe the measure (at least 5 characters)."))
    due = _date(due_on, "due_on", errors)
    if due is not None and not (plan.period_start <= due <= plan.period_end):
        errors["due_on"] = _("The date must fall within the plan's period.")
    responsible = (responsible or "").strip()
    if len(responsible) > 300:
        errors["responsible"] = _("The text is too long (at most %(n)d characters).") % {"n": 300}
    if errors:
        raise ValidationError(errors)
    position = plan.items.filter(section=section).count() + 1
    item = WorkPlanItem.objects.create(plan=plan, section=section, position=position, text=text, due_on=due,
                                       responsible=responsible)
    events.record(action="workplan.item_added", actor=actor, obj=item, organisation=plan.organisation,
                  payload={"plan": plan.pk, "section": section, "position": position})
    return item


@transaction.atomic
def workplan_approve(*, plan: WorkPlan, actor) -> WorkPlan:
    plan = _lock_plan(plan)
    if not can_approve_workplan(actor, plan):
        raise PermissionDenied(_("The head or the first deputy approves the plan (not its own owner)."))
    if plan.approved_at is not None:
        raise CaseStateError(_("The plan is already approved."))
    if not plan.items.filter(section=PlanSection.EXECUTION_DISCIPLINE).exists():
        raise ValidationError({"section": _("The plan has no item in its section on execution discipline.")})
    plan.approved_by = actor
    plan.approved_at = timezone.now()
    plan.save(update_fields=["approved_by", "approved_at"])
    events.record(action="workplan.approved", actor=actor, obj=plan, organisation=plan.organisation,
                  payload={"items": plan.items.count()})
    return plan


@transaction.atomic
def workplan_item_done(*, item: WorkPlanItem, actor, note: str) -> WorkPlanItem:
    item = WorkPlanItem.objects.select_for_update(of=("self",)).select_related("plan__organisation").get(pk=item.pk)
    plan = item.plan
    if not can_edit_workplan(actor, plan):
        raise PermissionDenied(_("Only the plan's owner or the body's control group, head or first deputy "
                                 "marks items done."))
    if plan.approved_at is None:
        raise CaseStateError(_("The plan is not approved yet."))
    if item.done_at is not None:
        raise CaseStateError(_("This item is already done."))
    errors: dict = {}
    note = _text(note, "note", errors, minimum=5, message=_("Write what was done (at least 5 characters)."))
    if errors:
        raise ValidationError(errors)
    item.done_at = timezone.now()
    item.done_note = note
    item.save(update_fields=["done_at", "done_note"])
    events.record(action="workplan.item_done", actor=actor, obj=item, organisation=plan.organisation,
                  payload={"plan": plan.pk})
    return item


# --- studies ----------------------------------------------------------------------------------------------

def _territory(value, errors: dict) -> Territory | None:
    if isinstance(value, Territory) or value in (None, ""):
        return value or None
    territory = Territory.objects.filter(pk=str(value)).first()
    if territory is None:
        errors["target_territory"] = _("Choose a territory from the list.")
    return territory


@transaction.atomic
def study_plan(*, actor, organisation, subject: str, planned_on, target_organisation=None, target_territory=None,
               plan_item=None) -> Study:
    """Plan an on-site study of an organisation or a territory (at least one), optionally as an item of the
    execution-discipline section of the conducting body's work plan."""
    errors: dict = {}
    organisation = _organisation(organisation, "organisation", errors)
    if organisation is None and "organisation" not in errors:
        errors["organisation"] = _("Choose the body conducting the study.")
    target_org = _organisation(target_organisation, "target_organisation", errors)
    territory = _territory(target_territory, errors)
    if target_org is None and territory is None and not {"target_organisation", "target_territory"} & set(errors):
        errors["target_organisation"] = _("Choose the organisation or the territory to study.")
    subject = _text(subject, "subject", errors, minimum=5, maximum=500,
                    message=_("Describe the subject of the study (at least 5 characters)."))
    day = _date(planned_on, "planned_on", errors, required_message=_("Enter the date of the study."))
    if day is not None and day < timezone.localdate():
        errors["planned_on"] = _("The date cannot be in the past.")
    item = None
    if plan_item not in (None, ""):
        if isinstance(plan_item, WorkPlanItem):
            item = plan_item
        elif str(plan_item).isdigit():
            item = WorkPlanItem.objects.select_related("plan").filter(pk=int(plan_item)).first()
        if item is None:
            errors["plan_item"] = _("Choose an item of the work plan.")
        elif item.section != PlanSection.EXECUTION_DISCIPLINE:
            errors["plan_item"] = _("A study belongs to the plan's section on execution discipline.")
        elif organisation is not None and item.plan.organisation_id != organisation.pk:
            errors["plan_item"] = _("The item is not in a plan of the conducting body.")
        elif item.done_at is not None:
            errors["plan_item"] = _("This item of the plan is already done.")
    if organisation is not None and not can_plan_for(actor, organisation):
        raise PermissionDenied(_("Only the body's control group, head or first deputy (or a controller of Justice, "
                                 "the Accounts Chamber or the Prosecutor's office) plans studies."))
    if errors:
        raise ValidationError(errors)
    if not study_scope_covers(organisation, target_organisation=target_org, target_territory=territory):
        raise PermissionDenied(_("This organisation or territory is outside the scope of %(body)s.")
                               % {"body": organisation.name})
    study = Study.objects.create(organisation=organisation, plan_item=item, target_organisation=target_org,
                                 target_territory=territory, subject=subject, planned_on=day, created_by=actor)
    events.record(action="study.planned", actor=actor, obj=study, organisation=organisation,
                  payload={"target_organisation": target_org.code if target_org else None,
                           "target_territory": territory.code if territory else None,
                           "planned_on": day.isoformat(), "plan_item": item.pk if item else None})
    return study


def _lock_study(study: Study) -> Study:
    return Study.objects.select_for_update(of=("self",)).select_related("organisation").get(pk=study.pk)


def _close(study: Study, actor, *, reason: str) -> None:
    study.state = StudyState.CLOSED
    study.closed_at = timezone.now()
    study.save(update_fields=["state", "closed_at"])
    events.record(action="study.closed", actor=actor, obj=study, organisation=study.organisation,
                  payload={"reason": reason, "measures": study.measures.count()})


@transaction.atomic
def study_conduct(*, study: Study, actor, conducted_on, findings: str, tasks: Iterable = (),
                  no_measures_needed: bool = False) -> Study:
    """Record the study as conducted, with its findings tied to the tasks concerned (tasks the actor may see).
    With ``no_measures_needed`` the study closes at once."""
    study = _lock_study(study)
    if not can_conduct_study(actor, study):
        raise PermissionDenied(_("Only the conducting body's control group, head or first deputy records the study."))
    if study.state != StudyState.PLANNED:
        raise CaseStateError(_("The study is %(state)s; it cannot be conducted again.")
                             % {"state": study.get_state_display().lower()})
    errors: dict = {}
    day = _date(conducted_on, "conducted_on", errors, required_message=_("Enter the day the study was conducted."))
    if day is not None and day > timezone.localdate():
        errors["conducted_on"] = _("The date cannot be in the future.")
    findings = _text(findings, "findings", errors, minimum=10, maximum=20000,
                     message=_("Write the findings (at least 10 characters)."))
    ids = set()
    for t in tasks or ():
        pk = t.pk if isinstance(t, Task) else t
        try:
            ids.add(int(pk))
        except (TypeError, ValueError):
            errors["tasks"] = _("Choose tasks from the list.")
    found = list(selectors.tasks_visible_to(actor).filter(pk__in=ids)) if ids else []
    if len(found) != len(ids) and "tasks" not in errors:
        errors["tasks"] = _("Some of the tasks are unknown or outside what you may see.")
    if errors:
        raise ValidationError(errors)
    study.state = StudyState.CONDUCTED
    study.conducted_on = day
    study.findings = findings
    study.save(update_fields=["state", "conducted_on", "findings"])
    study.tasks.set(found)
    events.record(action="study.conducted", actor=actor, obj=study, organisation=study.organisation,
                  payload={"conducted_on": day.isoformat(), "tasks": sorted(t.case.number for t in found),
                           "no_measures_needed": bool(no_measures_needed)})
    for task in found:
        events.record(action="study.conducted", actor=actor, obj=study, case=task.case,
                      organisation=study.organisation, payload={"study": study.pk})
    if no_measures_needed:
        _close(study, actor, reason="no_measures_needed")
    return study


@transaction.atomic
def study_measure_add(*, study: Study, actor, text: str, responsible, due_on) -> StudyMeasure:
    study = _lock_study(study)
    if not can_conduct_study(actor, study):
        raise PermissionDenied(_("Only the conducting body's control group, head or first deputy decides measures."))
    if study.state != StudyState.CONDUCTED:
        raise CaseStateError(_("Measures are decided after the study is conducted and until it is closed."))
    errors: dict = {}
    text = _text(text, "text", errors, minimum=5, message=_("Describe the measure (at least 5 characters)."))
    body = _organisation(responsible, "responsible", errors)
    if body is None and "responsible" not in errors:
        errors["responsible"] = _("Choose the responsible body.")
    due = _date(due_on, "due_on", errors, required_message=_("Enter the deadline."))
    if due is not None and due < timezone.localdate():
        errors["due_on"] = _("The deadline cannot be in the past.")
    if errors:
        raise ValidationError(errors)
    measure = StudyMeasure.objects.create(study=study, text=text, responsible=body, due_on=due)
    events.record(action="study.measure_added", actor=actor, obj=study, organisation=study.organisation,
                  payload={"measure": measure.pk, "responsible": body.code, "due_on": due.isoformat()})
    return measure


@transaction.atomic
def study_measure_done(*, measure: StudyMeasure, actor, note: str) -> StudyMeasure:
    """Record a measure as taken; the study closes when it was the last one open."""
    measure = StudyMeasure.objects.select_related("study__organisation", "responsible").get(pk=measure.pk)
    study = _lock_study(measure.study)
    measure = StudyMeasure.objects.select_for_update(of=("self",)).select_related("responsible").get(pk=measure.pk)
    measure.study = study
    if not can_mark_measure_done(actor, measure):
        raise PermissionDenied(_("Only the conducting body or the responsible body's control group, head or first "
                                 "deputy records a measure as taken."))
    if study.state != StudyState.CONDUCTED:
        raise CaseStateError(_("The study is %(state)s.") % {"state": study.get_state_display().lower()})
    if measure.done_at is not None:
        raise CaseStateError(_("This measure is already recorded as taken."))
    errors: dict = {}
    note = _text(note, "note", errors, minimum=5, message=_("Write what was done (at least 5 characters)."))
    if errors:
        raise ValidationError(errors)
    measure.done_at = timezone.now()
    measure.done_note = note
    measure.done_by = actor
    measure.save(update_fields=["done_at", "done_note", "done_by"])
    late = measure.due_on < timezone.localdate()
    events.record(action="study.measure_done", actor=actor, obj=study, organisation=measure.responsible,
                  payload={"measure": measure.pk, "late": late})
    if not study.measures.filter(done_at__isnull=True).exists():
        _close(study, actor, reason="all_measures_done")
    return measure


@transaction.atomic
def study_cancel(*, study: Study, actor, reason: str) -> Study:
    study = _lock_study(study)
    if not can_conduct_study(actor, study):
        raise PermissionDenied(_("Only the conducting body's control group, head or first deputy cancels the "
                                 "study."))
    if study.state != StudyState.PLANNED:
        raise CaseStateError(_("Only a planned study can be cancelled."))
    errors: dict = {}
    reason = _text(reason, "reason", errors, minimum=5, maximum=2000,
                   message=_("Give the reason for cancelling (at least 5 characters)."))
    if errors:
        raise ValidationError(errors)
    study.state = StudyState.CANCELLED
    study.closed_at = timezone.now()
    study.save(update_fields=["state", "closed_at"])
    events.record(action="study.cancelled", actor=actor, obj=study, organisation=study.organisation,
                  payload={"reason": reason})
    return study
