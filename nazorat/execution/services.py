"""Every write of execution control (R-A1…R-A12). Keyword-only; each service checks its predicate, runs in one
transaction, and writes its events with the actor (R-A12). The kernel does the heavy lifting: numbering,
assignments and their timed steps, child ≤ parent deadlines, extension requests, review rounds along the chain.

Sources: PQ-5132 (2021) seven stages; seed 000 (Surxondaryo control plan: 30 minutes / 1 day / 3 days, reports
confirmed by the hokim or first deputy, six-monthly entries); legal-rules §2 and §9 rules 18–23.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta
from typing import Iterable

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import F, Max, Q
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from nazorat.cases import services as case_services
from nazorat.cases.models import Assignment, AssignmentRole, AssignmentState, Attachment, ReviewRound, WorkItem
from nazorat.cases.services import CaseStateError, StepSpec
from nazorat.core import events
from nazorat.core.search import build_search_text
from nazorat.orgs.models import Membership, Organisation, Position, Role
from nazorat.workcalendar.calendar import calendar_for

from . import kinds, permissions
from .models import (
    PERIOD_MONTHS,
    ControlDocument,
    ControlPlan,
    ControlPlanRow,
    DeadlineKind,
    DocumentKind,
    ExecutionReport,
    ModerationState,
    Opinion,
    Period,
    PlanState,
    ProgressReport,
    PublicComment,
    ReportState,
    Task,
)

STEPS = (StepSpec(*kinds.STEP_REGISTER), StepSpec(*kinds.STEP_NAME_EXECUTOR), StepSpec(*kinds.STEP_APPROVE_PLAN))
TITLE_LANGUAGES = ("uz", "uz_cyrl", "ru", "en")


def _when(day: date | datetime | None) -> str:
    if day is None:
        return "—"
    if isinstance(day, datetime):
        day = timezone.localtime(day).date()
    return date_format(day, "SHORT_DATE_FORMAT")


def end_of_working_day(day: date, organisation: Organisation | None = None) -> datetime:
    """A deadline given as a date means the end of that day's work (office hours end, 18:00 Tashkent time, an hour
    earlier on a pre-holiday day — Labour Code Art 187); a day off moves it to the next working day of the body's
    calendar."""
    from nazorat.workcalendar.calendar import OfficeHours

    cal = calendar_for(organisation)
    if not cal.is_working_day(day):
        day = cal.next_working_day(day)
    office = OfficeHours.from_settings()
    end = datetime.combine(day, office.end, tzinfo=timezone.get_default_timezone())
    if cal.is_pre_holiday(day):
        end -= office.pre_holiday_shortening
    return end


def parse_date(value, field: str, errors: dict) -> date | None:
    """A date from a form or the API (a date, a datetime, or YYYY-MM-DD); an error message in ``errors``."""
    if value in (None, ""):
        return None
    if isinstance(value, datetime):
        return timezone.localtime(value).date() if timezone.is_aware(value) else value.date()
    if isinstance(value, date):
        return value
    try:
        return date.fromisoformat(str(value))
    except ValueError:
        errors[field] = _("Enter a date as YYYY-MM-DD.")
        return None


def parse_organisation(value, field: str, errors: dict) -> Organisation | None:
    """An active organisation by its id (or the object); an error message in ``errors``."""
    if isinstance(value, Organisation):
        return value
    if value in (None, ""):
        return None
    try:
        return Organisation.objects.get(pk=int(value), is_active=True)
    except (Organisation.DoesNotExist, TypeError, ValueError):
        errors[field] = _("Choose an organisation from the list.")
        return None


def _position_title(user, organisation: Organisation) -> str:
    m = Membership.objects.active().filter(user=user, organisation=organisation).order_by("-is_primary").first()
    if m is None:
        return ""
    return m.title or str(m.get_position_display())


# --- documents and tasks (R-A1) --------------------------------------------------------------------

@transaction.atomic
def document_register(*, actor, data: dict, upload=None) -> ControlDocument:
    """Register a legal act or instruction taken on control. The controlling body is the actor's body where they
    are a controller (or ``data['controller']`` when they are a controller there too)."""
    errors: dict = {}
    kind = (data.get("kind") or "").strip()
    if kind not in DocumentKind.values:
        errors["kind"] = _("Choose the kind of document.")
    issuer = parse_organisation(data.get("issuer"), "issuer", errors)
    if issuer is None and "issuer" not in errors:
        errors["issuer"] = _("Choose who issued the document.")
    number = (data.get("number") or "").strip()
    if not number:
        errors["number"] = _("Enter the document's number.")
    doc_date = parse_date(data.get("date"), "date", errors)
    if doc_date is None and "date" not in errors:
        errors["date"] = _("Enter the document's date.")
    elif doc_date is not None and doc_date > timezone.localdate():
        errors["date"] = _("The document's date cannot be in the future.")
    titles = {lang: (data.get(f"title_{lang}") or "").strip() for lang in TITLE_LANGUAGES}
    if not titles["uz"] and data.get("title"):
        titles["uz"] = str(data["title"]).strip()
    if not titles["uz"]:
        errors["title_uz"] = _("Enter the title in Uzbek.")
    controller = parse_organisation(data.get("controller"), "controller", errors) if data.get("controller") else None
    if controller is None and "controller" not in errors:
        controller = permissions.controller_body_of(actor)
    if controller is None or not permissions.can_control(actor, controller):
        raise PermissionDenied(_("Only a controller may register documents for control."))
    text = (data.get("text") or "").strip()
    if errors:
        raise ValidationError(errors)
    if ControlDocument.objects.filter(issuer=issuer, kind=kind, number=number, date=doc_date).exists():
        raise ValidationError({"number": _("This document is already registered.")})
    file_att = None
    if upload is not None:
        file_att = case_services.attachment_add(actor=actor, upload=upload, purpose="control_document")
    if not text and file_att is None:
        raise ValidationError({"text": _("Enter the text of the document or attach its file.")})
    is_public = bool(data.get("is_public")) and str(data.get("is_public")).lower() not in ("false", "0", "off")
    doc = ControlDocument(kind=kind, issuer=issuer, number=number, date=doc_date, text=text, file=file_att,
                          controller=controller, is_public=is_public, published_at=timezone.now() if is_public else None,
                          registered_by=actor)
    if not titles["uz_cyrl"]:  # as for organisation names: the Cyrillic title follows the Latin one
        from nazorat.core.text import to_cyrillic

        titles["uz_cyrl"] = to_cyrillic(titles["uz"])
    for lang, value in titles.items():
        setattr(doc, f"title_{lang}", value or (titles["uz"] if lang == "uz" else None))
    doc.search_text = build_search_text(number, *[v for v in titles.values() if v], text[:2000])
    try:
        with transaction.atomic():
            doc.save()
    except IntegrityError:
        raise ValidationError({"number": _("This document is already registered.")}) from None
    events.record(action="document.registered", actor=actor, obj=doc, organisation=controller, is_public=is_public,
                  payload={"kind": kind, "number": number, "date": doc_date.isoformat(), "issuer": issuer.code})
    return doc


@transaction.atomic
def document_set_public(*, document: ControlDocument, actor, public: bool) -> ControlDocument:
    """Publish a document with its tasks' execution status (R-A11), or take it off the public pages."""
    if not permissions.can_control(actor, document.controller):
        raise PermissionDenied(_("Only the controlling body may publish this document."))
    document = ControlDocument.objects.select_for_update().get(pk=document.pk)
    if document.is_public == public:
        return document
    document.is_public = public
    document.published_at = timezone.now() if public else document.published_at
    document.save(update_fields=["is_public", "published_at"])
    from nazorat.cases.models import Case

    Case.objects.filter(task__document=document).update(is_public=public)
    events.record(action="document.published" if public else "document.unpublished", actor=actor, obj=document,
                  organisation=document.controller, is_public=True, payload={"public": public})
    return document


@transaction.atomic
def task_add(*, document: ControlDocument, actor, data: dict) -> Task:
    """Add an item of the document as a task: a deadline (a date), no deadline, or a period."""
    if not permissions.can_control(actor, document.controller):
        raise PermissionDenied(_("Only the controlling body may add tasks to this document."))
    errors: dict = {}
    item = (data.get("item") or "").strip()
    if not item:
        errors["item"] = _("Enter the item number, e.g. 3 or 2.1.")
    elif Task.objects.filter(document=document, item=item).exists():
        errors["item"] = _("This item is already a task of the document.")
    text = (data.get("text") or "").strip()
    if len(text) < 5:
        errors["text"] = _("Write what the task requires.")
    deadline_kind = data.get("deadline_kind") or DeadlineKind.DATE
    if deadline_kind not in DeadlineKind.values:
        errors["deadline_kind"] = _("Choose how the task is timed.")
    period = data.get("period") or ""
    due_on = parse_date(data.get("due_on"), "due_on", errors)
    if deadline_kind == DeadlineKind.DATE:
        if due_on is None and "due_on" not in errors:
            errors["due_on"] = _("Enter the deadline.")
        elif due_on is not None and due_on < timezone.localdate():
            errors["due_on"] = _("The deadline cannot be in the past.")
        period = ""
    elif deadline_kind == DeadlineKind.PERIODIC:
        if period not in Period.values:
            errors["period"] = _("Choose the period: monthly, quarterly or half-yearly.")
        if due_on is not None and due_on < timezone.localdate():
            errors["due_on"] = _("The deadline cannot be in the past.")
    else:
        due_on, period = None, ""
    if errors:
        raise ValidationError(errors)
    due_at = end_of_working_day(due_on, document.controller) if due_on else None
    case = case_services.case_open(
        kind="task", actor=actor, owner=document.controller, title=f"{document.number} / {item}: {text}"[:500],
        summary=text, territory=document.controller.territory, due_at=due_at, deadline_rule="",
        is_public=document.is_public, check_permission=False,
    )
    task = Task.objects.create(case=case, document=document, item=item, deadline_kind=deadline_kind, period=period)
    events.record(action="task.added", actor=actor, obj=task, case=case, organisation=document.controller,
                  is_public=True, payload={"document": document.number, "item": item, "deadline_kind": deadline_kind,
                                           "period": period, "due_at": due_at.isoformat() if due_at else None})
    return task


def needs_progress_reports(task: Task, now: datetime | None = None) -> bool:
    """Rule 21: no deadline, a period, or a deadline a year or more after the task is put on control."""
    now = now or timezone.now()
    if task.deadline_kind != DeadlineKind.DATE or task.case.due_at is None:
        return True
    due = timezone.localtime(task.case.due_at).date()
    start = timezone.localtime(now).date()
    try:
        anniversary = start.replace(year=start.year + 1)
    except ValueError:  # 29 February
        anniversary = start.replace(year=start.year + 1, day=28)
    return due >= anniversary


@transaction.atomic
def task_put_on_control(*, task: Task, actor, executors: Iterable[dict], instructions: str = "") -> Task:
    """The controller names the executors — one lead, any co-executors — each with a deadline no later than the
    task's (rule 19). Each receiving body gets the three timed steps (register 30 working minutes, name the
    executor 1 working day, approve a control plan 3 working days; rule 20)."""
    case = task.case
    if not permissions.can_control(actor, case.owner):
        raise PermissionDenied(_("Only the controlling body may put a task on control."))
    executors = list(executors)
    errors: dict = {}
    leads = [e for e in executors if (e.get("role") or AssignmentRole.LEAD) == AssignmentRole.LEAD]
    if not executors:
        errors["executors"] = _("Name at least the lead executor.")
    elif len(leads) != 1:
        errors["executors"] = _("Name exactly one lead executor; the others are co-executors.")
    seen = set()
    for e in executors:
        org = e.get("organisation")
        if not isinstance(org, Organisation):
            org = parse_organisation(org, "executors", errors)
        if org is None:
            errors.setdefault("executors", _("Choose an organisation from the list."))
            continue
        if org.pk in seen:
            errors["executors"] = _("The same body is named twice.")
        if org.pk == case.owner_id:
            errors["executors"] = _("The controlling body cannot be its own executor.")
        seen.add(org.pk)
        e["organisation"] = org
    if errors:
        raise ValidationError(errors)
    case_services.case_transition(case=case, action="put_on_control", actor=actor, check_permission=False)
    for e in sorted(executors, key=lambda e: 0 if (e.get("role") or "lead") == "lead" else 1):
        due_at = e.get("due_at")
        if isinstance(due_at, date) and not isinstance(due_at, datetime):
            due_at = end_of_working_day(due_at, e["organisation"])
        case_services.assignment_create(
            case=case, actor=actor, organisation=e["organisation"], role=e.get("role") or AssignmentRole.LEAD,
            due_at=due_at, instructions=instructions, steps=STEPS, check_permission=False)
    task = Task.objects.select_for_update().get(pk=task.pk)
    task.put_on_control_at = timezone.now()
    task.needs_progress_reports = needs_progress_reports(task, task.put_on_control_at)
    task.save(update_fields=["put_on_control_at", "needs_progress_reports"])
    if task.needs_progress_reports:
        progress_schedule(task=task)
    return task


@transaction.atomic
def task_add_executor(*, task: Task, actor, organisation: Organisation, role: str = AssignmentRole.CO_EXECUTOR,
                      due_at=None, instructions: str = "") -> Assignment:
    """The controller names one more executor of a task already on control (a co-executor, or a new lead after
    recalling the old one), with the same three timed steps (rule 19)."""
    case = task.case
    if not permissions.can_control(actor, case.owner):
        raise PermissionDenied(_("Only the controlling body names the executors."))
    if case.status == kinds.REGISTERED:
        raise CaseStateError(_("Put the task on control first."))
    if organisation.pk == case.owner_id:
        raise ValidationError({"organisation": _("The controlling body cannot be its own executor.")})
    if isinstance(due_at, date) and not isinstance(due_at, datetime):
        due_at = end_of_working_day(due_at, organisation)
    assignment = case_services.assignment_create(
        case=case, actor=actor, organisation=organisation, role=role, due_at=due_at, instructions=instructions,
        steps=STEPS, check_permission=False)
    task = Task.objects.get(pk=task.pk)
    if role == AssignmentRole.LEAD and task.needs_progress_reports:
        progress_schedule(task=task)
    return assignment


@transaction.atomic
def task_recall_executor(*, assignment: Assignment, actor, reason: str) -> Assignment:
    """The controller recalls an executor it named (and what that body passed on), with the reason; the reports
    and rounds so far are kept."""
    if assignment.parent_id is not None:
        raise ValidationError({"assignment": _("Only executors the controller named can be recalled here; the body "
                                               "that passed the task on withdraws its own.")})
    if not permissions.can_control(actor, assignment.case.owner):
        raise PermissionDenied(_("Only the controlling body recalls the executors."))
    return case_services.assignment_cancel(assignment=assignment, actor=actor, reason=reason)


@transaction.atomic
def task_pass_on(*, assignment: Assignment, actor, organisation: Organisation, due_at=None,
                 role: str = AssignmentRole.LEAD, instructions: str = "") -> Assignment:
    """A receiving body passes the task on to a subordinate body (a region to its districts, a ministry to its
    territorial unit) with a deadline no later than its own (R-A2; the kernel refuses a later one)."""
    if isinstance(due_at, date) and not isinstance(due_at, datetime):
        due_at = end_of_working_day(due_at, organisation)
    return case_services.assignment_create(
        case=assignment.case, actor=actor, organisation=organisation, role=role, due_at=due_at, parent=assignment,
        instructions=instructions, steps=STEPS)


@transaction.atomic
def assignment_register(*, assignment: Assignment, actor) -> Assignment:
    """Step 1 (30 working minutes): the receiving body registers the task and informs its head."""
    case_services.step_complete(assignment=assignment, code="register", actor=actor)
    assignment.refresh_from_db()
    if assignment.state == AssignmentState.ASSIGNED:
        case_services.assignment_accept(assignment=assignment, actor=actor)
    from nazorat.notifications.services import notify_user

    head = Membership.objects.active().filter(organisation=assignment.organisation, position=Position.HEAD).first()
    if head is not None:
        number, title = assignment.case.number, assignment.case.title
        notify_user(key=f"assignment:{assignment.pk}:head_informed", user=head.user, case=assignment.case,
                    subject=lambda: _("Task registered for execution: %(number)s") % {"number": number},
                    body=lambda: title)
    assignment.refresh_from_db()
    return assignment


@transaction.atomic
def assignment_name_executor(*, assignment: Assignment, actor, person, unit=None) -> Assignment:
    """Step 2 (1 working day): name the responsible unit and person."""
    case_services.assignment_set_person(assignment=assignment, actor=actor, person=person, unit=unit)
    step = assignment.steps.filter(code="name_executor", done_at__isnull=True).first()
    if step is not None:
        case_services.step_complete(assignment=assignment, code="name_executor", actor=actor)
    assignment.refresh_from_db()
    return assignment


@transaction.atomic
def task_withdraw(*, task: Task, actor, reason: str) -> Task:
    """The controller takes a task off control without execution (the act lost force, a duplicate item)."""
    if not permissions.can_control(actor, task.case.owner):
        raise PermissionDenied(_("Only the controlling body may withdraw a task from control."))
    reason = (reason or "").strip()
    if len(reason) < 5:
        raise ValidationError({"reason": _("Give the reason for withdrawing the task.")})
    case_services.case_transition(case=task.case, action="withdraw", actor=actor, payload={"reason": reason},
                                  check_permission=False)
    _close_progress_items(task, actor)
    ExecutionReport.objects.filter(task=task, state=ReportState.DRAFT).update(state=ReportState.WITHDRAWN)
    return task


# --- control plan (R-A3) ---------------------------------------------------------------------------

def plan_suggested_rows(document: ControlDocument, organisation: Organisation) -> list[dict]:
    """Rows for a new plan: the document's tasks this body received, with their deadlines."""
    rows = []
    assignments = (Assignment.objects.open().filter(case__task__document=document, organisation=organisation)
                   .select_related("case__task").order_by("case__task__item", "id"))
    for i, a in enumerate(assignments, start=1):
        task = a.case.task
        if a.due_at:
            deadline = _when(a.due_at)
        elif task.deadline_kind == DeadlineKind.PERIODIC:
            deadline = str(Period(task.period).label)
        else:
            deadline = str(_("Every six months (progress reports)"))
        rows.append({"task": task.pk, "text": f"{task.item}. {task.case.summary}", "mechanism": "",
                     "deadline": deadline, "executors": ""})
    return rows


def _clean_rows(rows: Iterable[dict], document: ControlDocument) -> list[dict]:
    cleaned, row_errors = [], []
    task_ids = set(Task.objects.filter(document=document).values_list("pk", flat=True))
    for i, row in enumerate(rows, start=1):
        text = (row.get("text") or "").strip()
        mechanism = (row.get("mechanism") or "").strip()
        deadline = (row.get("deadline") or "").strip()
        executors = (row.get("executors") or "").strip()
        if not any([text, mechanism, deadline, executors]):
            continue
        missing = [name for name, value in (("text", text), ("mechanism", mechanism), ("deadline", deadline),
                                            ("executors", executors)) if not value]
        task = row.get("task") or None
        if task not in (None, ""):
            try:
                task = int(getattr(task, "pk", task))
            except (TypeError, ValueError):
                task = -1
            if task not in task_ids:
                row_errors.append(_("Row %(n)s: the task is not an item of this document.") % {"n": i})
                continue
        else:
            task = None
        if missing:
            row_errors.append(_("Row %(n)s: fill in the task, the mechanism, the deadline and the executors.")
                              % {"n": i})
            continue
        cleaned.append({"task_id": task, "text": text, "mechanism": mechanism, "deadline": deadline[:120],
                        "executors": executors})
    if row_errors:
        raise ValidationError({"rows": row_errors})
    if not cleaned:
        raise ValidationError({"rows": _("A control plan needs at least one row.")})
    return cleaned


@transaction.atomic
def plan_save(*, document: ControlDocument, organisation: Organisation, actor, rows: Iterable[dict]) -> ControlPlan:
    """Prepare (or rework while still a draft) the body's control plan for the document."""
    if not permissions.can_prepare_plan(actor, organisation):
        raise PermissionDenied(_("Only the body's control group may prepare its control plan."))
    if not Assignment.objects.filter(case__task__document=document, organisation=organisation).exists() and \
            organisation.pk != document.controller_id:
        raise ValidationError({"document": _("This body has no tasks of this document.")})
    cleaned = _clean_rows(rows, document)
    plan, created = ControlPlan.objects.select_for_update().get_or_create(
        document=document, organisation=organisation, defaults={"created_by": actor})
    if plan.state == PlanState.APPROVED:
        if not plan_needs_revision(plan):
            raise CaseStateError(_("The control plan is approved; it can no longer be changed."))
        # A task of the document arrived after the approval: the plan is revised and approved again. The
        # approved version stays in the events.
        plan.state = PlanState.DRAFT
        plan.save(update_fields=["state"])
    # The replaced rows are kept in the event, so no version of a plan is ever lost.
    previous = list(plan.rows.values("position", "task_id", "text", "mechanism", "deadline", "executors"))
    plan.rows.all().delete()
    ControlPlanRow.objects.bulk_create([ControlPlanRow(plan=plan, position=i, **row)
                                        for i, row in enumerate(cleaned, start=1)])
    events.record(action="plan.prepared" if created else "plan.revised", actor=actor, obj=plan,
                  organisation=organisation,
                  payload={"document": document.number, "rows": len(cleaned), "previous_rows": previous})
    return plan


def plan_needs_revision(plan: ControlPlan) -> bool:
    """An approved plan is reopened only when a task of its document reached the body after the approval and
    waits for its plan step."""
    return plan.state == PlanState.APPROVED and Assignment.objects.open().filter(
        case__task__document=plan.document, organisation=plan.organisation,
        steps__code="approve_plan", steps__done_at__isnull=True).exists()


@transaction.atomic
def plan_approve(*, plan: ControlPlan, actor) -> ControlPlan:
    """The head (or the first deputy in his stead) approves the plan: step 3 of every task of the document this
    body received is done, and a task given directly by the controller moves to "in progress"."""
    if not permissions.can_approve_plan(actor, plan.organisation):
        raise PermissionDenied(_("Only the head or the first deputy approves the control plan."))
    plan = ControlPlan.objects.select_for_update().get(pk=plan.pk)
    if plan.state == PlanState.APPROVED:
        raise CaseStateError(_("The control plan is already approved."))
    if not plan.rows.exists():
        raise ValidationError({"rows": _("A control plan needs at least one row.")})
    plan.state = PlanState.APPROVED
    plan.approved_by = actor
    plan.approved_at = timezone.now()
    plan.approver_title = _position_title(actor, plan.organisation)
    plan.save(update_fields=["state", "approved_by", "approved_at", "approver_title"])
    events.record(action="plan.approved", actor=actor, obj=plan, organisation=plan.organisation, is_public=True,
                  payload={"document": plan.document.number})
    assignments = (Assignment.objects.open().filter(case__task__document=plan.document, organisation=plan.organisation)
                   .select_related("case"))
    for a in assignments:
        step = a.steps.filter(code="approve_plan", done_at__isnull=True).first()
        if step is None:
            continue
        case_services.step_complete(assignment=a, code="approve_plan", actor=actor, check_permission=False)
        if a.state == AssignmentState.ASSIGNED:
            case_services.assignment_accept(assignment=a, actor=actor, check_permission=False)
        if a.parent_id is None and a.role == AssignmentRole.LEAD and a.case.status == kinds.ON_CONTROL:
            case_services.case_transition(case=a.case, action="start", actor=actor, check_permission=False)
    return plan


# --- execution reports (R-A4) ----------------------------------------------------------------------

def _store_uploads(actor, case, uploads) -> list[Attachment]:
    return [case_services.attachment_add(actor=actor, upload=u, case=case, purpose="execution_report")
            for u in uploads]


@transaction.atomic
def report_write(*, assignment: Assignment, actor, text: str, uploads: Iterable = (),
                 attachments: Iterable[Attachment] = ()) -> ExecutionReport:
    """The executor records what was done, with supporting documents (rule 22: at least one). It waits for the
    head's (or first deputy's) confirmation before it goes up."""
    if not case_services.permissions.can_execute(actor, assignment):
        raise PermissionDenied(_("Only the executing body may write its execution report."))
    assignment = Assignment.objects.select_for_update(of=("self",)).select_related("case__task").get(pk=assignment.pk)
    if assignment.case.closed_at is not None:
        raise CaseStateError(_("The case is closed; nothing more can be done on it."))
    if assignment.state not in (AssignmentState.ASSIGNED, AssignmentState.IN_PROGRESS):
        raise CaseStateError(_("The report has already been sent up or the assignment is finished."))
    errors: dict = {}
    text = (text or "").strip()
    if len(text) < 10:
        errors["text"] = _("Describe the work done (at least 10 characters).")
    uploads = list(uploads)
    attachments = list(attachments)
    if not uploads and not attachments:
        errors["files"] = _("Attach at least one supporting document.")
    if ExecutionReport.objects.filter(assignment=assignment, state=ReportState.DRAFT).exists():
        errors["text"] = _("A report is already waiting for the head's confirmation.")
    waiting = list(assignment.children.open().select_related("organisation"))
    if assignment.role == AssignmentRole.LEAD:
        waiting += list(Assignment.objects.open().filter(case=assignment.case, parent=assignment.parent,
                                                         role=AssignmentRole.CO_EXECUTOR)
                        .select_related("organisation"))
    if waiting:
        errors["text"] = _("These bodies have not finished their part yet: %(names)s.") % {
            "names": ", ".join(a.organisation.name for a in waiting)}
    if errors:
        raise ValidationError(errors)
    stored = _store_uploads(actor, assignment.case, uploads)
    for att in attachments:
        if att.uploaded_by_id != actor.pk or att.review_round_id is not None:
            raise ValidationError({"files": _("Attach only files you uploaded for this case.")})
    report = ExecutionReport.objects.create(task=assignment.case.task, assignment=assignment, text=text,
                                            written_by=actor)
    report.attachments.set([*stored, *attachments])
    head = Membership.objects.active().filter(organisation=assignment.organisation, position=Position.HEAD).first()
    case_services.workitem_open(key=f"report:{report.pk}:confirm", case=assignment.case, action="confirm_report",
                                due_at=assignment.due_at, person=head.user if head else None,
                                organisation=assignment.organisation, role="" if head else Role.SIGNATORY,
                                assignment=assignment)
    events.record(action="report.written", actor=actor, obj=report, case=assignment.case,
                  organisation=assignment.organisation, payload={"files": len(stored) + len(attachments)})
    return report


@transaction.atomic
def report_confirm(*, report: ExecutionReport, actor, note: str = "") -> ExecutionReport:
    """The head or the first deputy confirms the report; it goes up as a review round of the kernel: to the body
    that passed the task on (district → region), or for the top-level lead to the first reviewer of the chain."""
    report = ExecutionReport.objects.select_for_update(of=("self",)).select_related("assignment__case").get(pk=report.pk)
    if not permissions.can_confirm_report(actor, report.assignment.organisation):
        raise PermissionDenied(_("Only the head or the first deputy of the executing body confirms its report."))
    if report.state != ReportState.DRAFT:
        raise CaseStateError(_("This report has already been dealt with."))
    # The confirmer's right was checked above (a head may hold the position without an executor's role).
    rnd = case_services.result_submit(case=report.assignment.case, actor=actor, text=report.text,
                                      assignment=report.assignment, check_permission=False)
    atts = list(report.attachments.all())
    if atts:
        Attachment.objects.filter(pk__in=[a.pk for a in atts]).update(review_round=rnd)
    report.state = ReportState.CONFIRMED
    report.confirmed_by = actor
    report.confirmed_at = timezone.now()
    report.confirmer_title = _position_title(actor, report.assignment.organisation)
    report.head_note = (note or "").strip()
    report.review_round = rnd
    report.save(update_fields=["state", "confirmed_by", "confirmed_at", "confirmer_title", "head_note",
                               "review_round"])
    case_services.workitem_close(key=f"report:{report.pk}:confirm", actor=actor)
    events.record(action="report.confirmed", actor=actor, obj=report, case=report.assignment.case,
                  organisation=report.assignment.organisation, is_public=True,
                  payload={"round": rnd.number, "confirmer": report.confirmer_title})
    return report


@transaction.atomic
def report_send_back(*, report: ExecutionReport, actor, note: str) -> ExecutionReport:
    """The head sends the draft back to the executor with a note; the executor writes a new one."""
    report = ExecutionReport.objects.select_for_update(of=("self",)).select_related("assignment__case").get(pk=report.pk)
    if not permissions.can_confirm_report(actor, report.assignment.organisation):
        raise PermissionDenied(_("Only the head or the first deputy of the executing body confirms its report."))
    if report.state != ReportState.DRAFT:
        raise CaseStateError(_("This report has already been dealt with."))
    note = (note or "").strip()
    if not note:
        raise ValidationError({"note": _("Write what must be fixed.")})
    report.state = ReportState.REJECTED
    report.head_note = note
    report.confirmed_by = actor
    report.confirmed_at = timezone.now()
    report.save(update_fields=["state", "head_note", "confirmed_by", "confirmed_at"])
    case_services.workitem_close(key=f"report:{report.pk}:confirm", actor=actor)
    events.record(action="report.sent_back", actor=actor, obj=report, case=report.assignment.case,
                  organisation=report.assignment.organisation, payload={"note": note})
    return report


@transaction.atomic
def task_review(*, review_round: ReviewRound, actor, accept: bool, reasons: str = "") -> ReviewRound:
    """A reviewer of the chain accepts (the next one gets it; the last removes the task from control) or returns
    the report with objections to the executor (R-A5, rule 18)."""
    if not accept and len((reasons or "").strip()) < 5:
        raise ValidationError({"reasons": _("Write the objections (at least 5 characters).")})
    rnd = case_services.review_decide(review_round=review_round, actor=actor, accept=accept, reasons=reasons)
    case = rnd.case
    case.refresh_from_db()
    if case.closed_at is not None and hasattr(case, "task"):
        _close_progress_items(case.task, actor)
    return rnd


# --- extensions (R-A6) -----------------------------------------------------------------------------

@transaction.atomic
def extension_request(*, assignment: Assignment, actor, requested_due_on, reasons: str):
    """The executing body asks the controller for more time, with reasons (rule 19)."""
    errors: dict = {}
    day = parse_date(requested_due_on, "requested_due_at", errors)
    if day is None and not errors:
        errors["requested_due_at"] = _("Enter the requested deadline.")
    if errors:
        raise ValidationError(errors)
    return case_services.extension_request(case=assignment.case, actor=actor, assignment=assignment,
                                           requested_due_at=end_of_working_day(day, assignment.organisation),
                                           reasons=reasons)


# --- progress reports (R-A7, rule 21) --------------------------------------------------------------

def _progress_months(task: Task) -> int:
    if task.deadline_kind == DeadlineKind.PERIODIC and task.period:
        return PERIOD_MONTHS[Period(task.period)]
    return kinds.PROGRESS_MONTHS


def _progress_key(report: ProgressReport) -> str:
    return f"progress:{report.pk}"


@transaction.atomic
def progress_schedule(*, task: Task, now: datetime | None = None) -> ProgressReport | None:
    """Make sure the lead executor has the current period's progress report scheduled (idempotent): report n
    covers [start + (n-1)·m, start + n·m) months from the day the task was put on control and is due at the end of
    its last day's work (rolled to a working day). Returns the report scheduled now, if any."""
    now = now or timezone.now()
    task = Task.objects.select_related("case").get(pk=task.pk)
    if not task.needs_progress_reports or task.put_on_control_at is None or task.case.closed_at is not None:
        return None
    lead = (Assignment.objects.open().filter(case=task.case, parent__isnull=True, role=AssignmentRole.LEAD)
            .select_related("organisation").first())
    if lead is None:
        return None
    cal = calendar_for(lead.organisation)
    months = _progress_months(task)
    start = timezone.localtime(task.put_on_control_at).date()
    made = None
    sequence = 1
    while True:
        period_start = cal.add_months(start, (sequence - 1) * months, roll=False)
        next_start = cal.add_months(start, sequence * months, roll=False)
        if period_start > timezone.localtime(now).date():
            break
        report, created = ProgressReport.objects.get_or_create(
            task=task, organisation=lead.organisation, sequence=sequence,
            defaults={"period_start": period_start, "period_end": next_start - timedelta(days=1),
                      "due_at": end_of_working_day(next_start, lead.organisation)})
        if created:
            made = report
            case_services.workitem_open(key=_progress_key(report), case=task.case, action="progress_report",
                                        due_at=report.due_at, person=lead.person, organisation=lead.organisation,
                                        role="" if lead.person_id else Role.EXECUTOR, assignment=lead)
            events.record(action="progress.scheduled", actor=None, obj=report, case=task.case,
                          organisation=lead.organisation,
                          payload={"sequence": sequence, "due_at": report.due_at.isoformat()})
        sequence += 1
    return made


@transaction.atomic
def progress_submit(*, report: ProgressReport, actor, text: str, uploads: Iterable = ()) -> ProgressReport:
    report = ProgressReport.objects.select_for_update(of=("self",)).select_related("task__case").get(pk=report.pk)
    lead = (Assignment.objects.filter(case=report.task.case, organisation=report.organisation, parent__isnull=True)
            .order_by("-id").first())
    if lead is None or not case_services.permissions.can_execute(actor, lead):
        raise PermissionDenied(_("Only the lead executor enters the progress report."))
    if report.task.case.closed_at is not None or lead.state in (AssignmentState.DONE, AssignmentState.CANCELLED):
        raise CaseStateError(_("The task is no longer on control; progress reports are not needed."))
    if report.submitted_at is not None:
        raise CaseStateError(_("This progress report has already been entered."))
    text = (text or "").strip()
    if len(text) < 10:
        raise ValidationError({"text": _("Describe the work done in the period (at least 10 characters).")})
    stored = [case_services.attachment_add(actor=actor, upload=u, case=report.task.case, purpose="progress_report")
              for u in uploads]
    report.text = text
    report.submitted_by = actor
    report.submitted_at = timezone.now()
    report.save(update_fields=["text", "submitted_by", "submitted_at"])
    if stored:
        report.attachments.set(stored)
    case_services.workitem_close(key=_progress_key(report), actor=actor)
    events.record(action="progress.submitted", actor=actor, obj=report, case=report.task.case,
                  organisation=report.organisation, is_public=True,
                  payload={"sequence": report.sequence, "late": report.submitted_at > report.due_at})
    return report


def _close_progress_items(task: Task, actor) -> None:
    keys = [f"progress:{pk}" for pk in task.progress_reports.filter(submitted_at__isnull=True).values_list("pk", flat=True)]
    if keys:
        WorkItem.objects.open().filter(key__in=keys).update(closed_at=timezone.now(),
                                                            closed_by=actor if getattr(actor, "pk", None) else None)


def sweep_progress_reports(now: datetime | None = None, batch: int = 500) -> int:
    """The worker's part of R-A7: for every open task that needs progress reports, schedule the period that has
    begun. Idempotent (unique per task, body and sequence)."""
    now = now or timezone.now()
    made = 0
    today = timezone.localtime(now).date()
    # Rule 21 again after an extension: a deadline moved a year or more past the day the task was put on control
    # makes the task need progress reports from then on.
    moved = Task.objects.filter(needs_progress_reports=False, case__closed_at__isnull=True,
                                put_on_control_at__isnull=False, deadline_kind=DeadlineKind.DATE,
                                case__due_at__gte=F("put_on_control_at") + timedelta(days=364))
    for task in moved.select_related("case"):
        if needs_progress_reports(task, task.put_on_control_at):
            Task.objects.filter(pk=task.pk).update(needs_progress_reports=True)
            events.record(action="progress.required", actor=None, obj=task, case=task.case,
                          payload={"due_at": task.case.due_at.isoformat()})
    ids = list(Task.objects.filter(needs_progress_reports=True, case__closed_at__isnull=True,
                                   put_on_control_at__isnull=False)
               .annotate(last_end=Max("progress_reports__period_end"))
               .filter(Q(last_end__isnull=True) | Q(last_end__lt=today)).values_list("pk", flat=True))
    for start in range(0, len(ids), batch):
        for task in Task.objects.filter(pk__in=ids[start:start + batch]):
            if progress_schedule(task=task, now=now) is not None:
                made += 1
    return made


# --- public control (R-A11) ------------------------------------------------------------------------

@transaction.atomic
def comment_add(*, document: ControlDocument, actor, opinion: str, text: str, task: Task | None = None
                ) -> PublicComment:
    """A signed-in citizen comments on a published document and gives an opinion; shown after moderation."""
    if not getattr(actor, "is_authenticated", False):
        raise PermissionDenied(_("Sign in to comment."))
    if not document.is_public:
        raise PermissionDenied(_("This document is not published."))
    errors: dict = {}
    if opinion not in Opinion.values:
        errors["opinion"] = _("Choose your opinion.")
    text = (text or "").strip()
    if len(text) < 5:
        errors["text"] = _("Write your comment (at least 5 characters).")
    elif len(text) > 4000:
        errors["text"] = _("The comment is too long (at most 4000 characters).")
    if task is not None and task.document_id != document.pk:
        errors["task"] = _("The task is not an item of this document.")
    if errors:
        raise ValidationError(errors)
    comment = PublicComment.objects.create(document=document, task=task, author=actor, opinion=opinion, text=text)
    events.record(action="comment.added", actor=actor, obj=comment, organisation=document.controller,
                  payload={"document": document.pk, "opinion": opinion})
    return comment


@transaction.atomic
def comment_moderate(*, comment: PublicComment, actor, publish: bool, reason: str = "") -> PublicComment:
    comment = PublicComment.objects.select_for_update(of=("self",)).select_related("document").get(pk=comment.pk)
    if not permissions.can_moderate(actor, comment.document):
        raise PermissionDenied(_("Only the controlling body's staff moderate comments."))
    if comment.state != ModerationState.PENDING:
        raise CaseStateError(_("This comment has already been moderated."))
    reason = (reason or "").strip()
    if not publish and not reason:
        raise ValidationError({"reason": _("Give the reason for rejecting the comment.")})
    comment.state = ModerationState.PUBLISHED if publish else ModerationState.REJECTED
    comment.moderated_by = actor
    comment.moderated_at = timezone.now()
    comment.moderation_reason = reason
    comment.save(update_fields=["state", "moderated_by", "moderated_at", "moderation_reason"])
    events.record(action="comment.published" if publish else "comment.rejected", actor=actor, obj=comment,
                  organisation=comment.document.controller, payload={"reason": reason})
    return comment

