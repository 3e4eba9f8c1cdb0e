"""Pure reads behind the execution reports (docs/execution-reports.md): the agendas of the Friday, Monday and
monthly meetings (R-A8), the weekly discipline register (R-A9) and monitoring with the rating of execution
discipline (R-A10). Nothing here writes.

Every report is about **assignments** of tasks (``Assignment`` rows of cases of kind "task"): a task given to a
region and passed on to two districts is three assignments, each judged against its own deadline. Reports are
for a body and the bodies under it (its subtree), and only for bodies the user's scope covers
(``may_see_body``). A fixed handful of queries per report, never one per row.

Words used throughout:

* **executed at** — when the accepted result was submitted (``Assignment.submitted_at`` of a done assignment, or
  its ``completed_at`` when it had no submission). The executor is judged by when it executed, not by how long
  the chain of reviewers took.
* **overdue at T** — not cancelled, the deadline passed before T, not completed by T, and not executed by the
  deadline (a result submitted in time and waiting for review is not overdue; a returned one is).
* **on time / late** — done, executed at or before / after the deadline (no deadline: on time).
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.db.models import BooleanField, Count, Exists, ExpressionWrapper, F, OuterRef, Q
from django.http import Http404
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from nazorat.cases.models import Assignment, AssignmentState, AssignmentStep, ReviewRound, Verdict
from nazorat.orgs.models import Membership, Organisation, Position
from nazorat.orgs.selectors import StaffScope
from nazorat.territories.models import Territory

from .. import kinds, permissions
from ..measures import can_record_for, week_of
from ..models import DisciplinaryMeasure, ProgressReport

OPEN = (AssignmentState.ASSIGNED, AssignmentState.IN_PROGRESS, AssignmentState.SUBMITTED)
AWAITING = (AssignmentState.ASSIGNED, AssignmentState.IN_PROGRESS)
SOON = timedelta(days=7)
PAGE_ROWS = 200  # rows per agenda section on the page (the PDF has them all)


def day_start(day: date) -> datetime:
    """Midnight at the start of ``day``, Tashkent time (the project's TIME_ZONE)."""
    return timezone.make_aware(datetime.combine(day, time.min))


def task_url(number: str) -> str:
    """The task's page (``execution:task``)."""
    try:
        return reverse("execution:task", args=[number])
    except NoReverseMatch:  # pragma: no cover - the task page is part of the web module
        return ""


# --- who may see which body ------------------------------------------------------------------------------

def is_staff(user) -> bool:
    if not getattr(user, "is_authenticated", False):
        return False
    return bool(user.is_superuser) or StaffScope.for_user(user).is_staff_member


def body_scope_q(user, prefix: str = "") -> Q | None:
    """Bodies the user sees, as a condition on an Organisation (``prefix`` "organisation__" for a relation):
    their memberships' subtrees and, for controllers, observers and operators, every body in the territories they
    oversee. None means every body (superusers, republican controllers and observers)."""
    scope = StaffScope.for_user(user)
    if getattr(user, "is_superuser", False) or scope.sees_whole_country:
        return None
    q = Q(pk__in=[]) if not prefix else Q(**{f"{prefix}pk__in": []})
    for path in scope.org_paths:
        q |= Q(**{f"{prefix}path__startswith": path})
    for code in scope.wide_territories:
        if code:
            q |= Q(**{f"{prefix}territory__code__startswith": code})
    return q


def may_see_body(user, organisation: Organisation | None) -> bool:
    if organisation is None or not is_staff(user):
        return False
    scope = StaffScope.for_user(user)
    if getattr(user, "is_superuser", False) or scope.sees_whole_country or scope.covers_organisation(organisation):
        return True
    code = organisation.territory_id or ""
    return bool(code) and any(c and code.startswith(c) for c in scope.wide_territories)


def default_body(user) -> Organisation | None:
    scope = StaffScope.for_user(user)
    return scope.memberships[0].organisation if scope.memberships else None


def resolve_body(user, raw) -> Organisation | None:
    """The body a report is about: ``?organisation=<pk>`` if given (404 if unknown, 403 outside the user's
    scope), else the user's own (primary) body."""
    if not is_staff(user):
        raise PermissionDenied(_("Reports are for staff."))
    if raw in (None, ""):
        return default_body(user)
    try:
        body = Organisation.objects.select_related("territory").get(pk=int(raw))
    except (Organisation.DoesNotExist, TypeError, ValueError):
        raise Http404 from None
    if not may_see_body(user, body):
        raise PermissionDenied(_("This body is outside your scope."))
    return body


def body_choices(user, current: Organisation | None = None, limit: int = 500) -> list[Organisation]:
    """Bodies offered in the picker: those in scope down to one level below the user's own highest body (the
    rest are reached from monitoring), plus the current one."""
    scope = StaffScope.for_user(user)
    q = body_scope_q(user)
    top = min((m.organisation.depth for m in scope.memberships), default=0)
    qs = Organisation.objects.filter(is_active=True, depth__lte=top + 1)
    if q is not None:
        qs = qs.filter(q)
    bodies = list(qs.order_by("path")[:limit])
    if current is not None and current.pk not in {b.pk for b in bodies}:
        bodies.insert(0, current)
    return bodies


# --- shared conditions ---------------------------------------------------------------------------------------

def executed_on_time_q() -> Q:
    return (Q(due_at__isnull=True) | Q(submitted_at__lte=F("due_at"))
            | Q(submitted_at__isnull=True, completed_at__lte=F("due_at")))


def executed_late_q() -> Q:
    return Q(due_at__isnull=False) & (Q(submitted_at__gt=F("due_at"))
                                      | Q(submitted_at__isnull=True, completed_at__gt=F("due_at")))


def awaiting_at_q(at: datetime) -> Q:
    """Given by ``at`` and not yet executed at ``at`` (for ``at`` = now: assigned or in progress)."""
    return (Q(assigned_at__lt=at)
            & (Q(state__in=AWAITING)
               | Q(state__in=[AssignmentState.SUBMITTED, AssignmentState.DONE], submitted_at__gte=at)
               | Q(state=AssignmentState.DONE, submitted_at__isnull=True, completed_at__gte=at)))


def overdue_at_q(at: datetime) -> Q:
    not_completed = ~Q(state=AssignmentState.DONE) | Q(completed_at__gte=at)
    not_in_time = Q(state__in=AWAITING) | executed_late_q()
    return (~Q(state=AssignmentState.CANCELLED) & Q(assigned_at__lt=at, due_at__lt=at) & not_completed
            & not_in_time)


def _bool(q: Q) -> ExpressionWrapper:
    return ExpressionWrapper(q, output_field=BooleanField())


def task_assignments():
    return Assignment.objects.filter(case__kind="task")


def subtree_assignments(body: Organisation):
    return task_assignments().filter(organisation__path__startswith=body.path)


def heads_of(org_ids) -> dict[int, object]:
    """The head (a User) of each body, in one query."""
    heads: dict[int, object] = {}
    rows = (Membership.objects.active().filter(organisation_id__in=set(org_ids), position=Position.HEAD)
            .select_related("user").order_by("organisation_id", "-is_primary", "id"))
    for m in rows:
        heads.setdefault(m.organisation_id, m.user)
    return heads


def _name(user) -> str:
    return (user.get_full_name() or user.get_username()) if user is not None else ""


# --- 1. agendas (R-A8) ----------------------------------------------------------------------------------------

AGENDA_KINDS = ("friday", "monday", "monthly")


def agenda_title(kind: str) -> str:
    return {"friday": _("Friday agenda (meeting of the first deputy)"),
            "monday": _("Monday agenda (meeting of the head)"),
            "monthly": _("Monthly report to the council of people's deputies")}[kind]


@dataclass
class Period:
    kind: str
    start: datetime  # inclusive
    end: datetime  # exclusive; also the moment "overdue" and "due soon" are judged at
    is_current: bool = True  # the period runs until now
    month: date | None = None

    @property
    def last_day(self) -> date:
        return (timezone.localtime(self.end) - timedelta(microseconds=1)).date()


def parse_month(raw: str | None) -> date | None:
    try:
        year, month = (int(p) for p in (raw or "").split("-"))
        return date(year, month, 1)
    except (TypeError, ValueError):
        return None


def agenda_period(kind: str, *, month: date | None = None, now: datetime | None = None) -> Period:
    """friday: since the previous Friday (00:00) until now; monday: since the previous Monday; monthly: the
    chosen calendar month (default the previous one), ending now if the month is still running."""
    now = now or timezone.now()
    today = timezone.localtime(now).date()
    if kind == "monthly":
        this_month = today.replace(day=1)
        if month is None or month > this_month:
            month = (this_month - timedelta(days=1)).replace(day=1)
        nxt = (month + timedelta(days=32)).replace(day=1)
        end = min(now, day_start(nxt))
        return Period(kind, day_start(month), end, is_current=end == now, month=month)
    weekday = 4 if kind == "friday" else 0
    back = (today.weekday() - weekday) % 7 or 7
    return Period(kind, day_start(today - timedelta(days=back)), now)


@dataclass
class AgendaRow:
    number: str
    title: str
    document: str
    organisation: str
    person: str
    due_at: datetime | None
    when: datetime | None = None
    note: str = ""
    late: bool = False
    removed: bool = False
    awaiting: bool = False
    url: str = ""


@dataclass
class Agenda:
    body: Organisation
    kind: str
    period: Period
    overdue: list[AgendaRow]
    due_soon: list[AgendaRow]
    returned: list[AgendaRow]
    completed: list[AgendaRow]
    progress_overdue: int
    steps_overdue: int
    steps_late: int

    @property
    def title(self) -> str:
        return agenda_title(self.kind)

    @property
    def sections(self) -> list[tuple[str, str, list[AgendaRow]]]:
        return [("overdue", _("Overdue"), self.overdue),
                ("due_soon", _("Due within the week"), self.due_soon),
                ("returned", _("Returned with objections"), self.returned),
                ("completed", _("Completed since the last agenda"), self.completed)]


def _row(a: Assignment, heads: dict, **extra) -> AgendaRow:
    person = a.person if a.person_id else heads.get(a.organisation_id)
    task = getattr(a.case, "task", None)
    return AgendaRow(number=a.case.number, title=a.case.title, document=task.document.number if task else "",
                     organisation=a.organisation.name, person=_name(person), due_at=a.due_at,
                     url=task_url(a.case.number), **extra)


ROW_RELATED = ("case", "case__task", "case__task__document", "organisation", "person")


def agenda(user, body: Organisation, kind: str, *, month: date | None = None, now: datetime | None = None) -> Agenda:
    """The agenda of ``body`` (and the bodies under it) for the meeting ``kind``:

    * overdue — assignments overdue at the end of the period;
    * due within the week — awaiting execution and due in the 7 days after the end of the period;
    * returned — review rounds returned in the period, and (for a period reaching now) results still waiting
      for rework after a return;
    * completed — assignments done in the period (a top-level lead done = the task removed from control);
    * counts: progress reports overdue at the end of the period, timed steps overdue then, steps done late in
      the period.
    """
    if kind not in AGENDA_KINDS:
        raise Http404
    if not may_see_body(user, body):
        raise PermissionDenied(_("This body is outside your scope."))
    period = agenda_period(kind, month=month, now=now)
    at = period.end
    base = subtree_assignments(body).select_related(*ROW_RELATED)

    overdue = list(base.filter(overdue_at_q(at)).order_by("due_at", "case__number", "id"))
    soon = list(base.filter(awaiting_at_q(at), due_at__gte=at, due_at__lt=at + SOON)
                .order_by("due_at", "case__number", "id"))
    completed = list(base.filter(state=AssignmentState.DONE, completed_at__gte=period.start, completed_at__lt=at)
                     .annotate(late=_bool(executed_late_q()))
                     .order_by("completed_at", "id"))

    rounds_base = (ReviewRound.objects.filter(case__kind="task", verdict=Verdict.RETURNED,
                                              assignment__organisation__path__startswith=body.path)
                   .select_related("assignment__case__task__document", "assignment__organisation",
                                   "assignment__person", "reviewer_org"))
    in_period = Q(decided_at__gte=period.start, decided_at__lt=at)
    later = ReviewRound.objects.filter(assignment=OuterRef("assignment"), number__gt=OuterRef("number"))
    still = Q(assignment__state=AssignmentState.IN_PROGRESS) & ~Q(Exists(later))
    rounds = list(rounds_base.filter(in_period | still if period.is_current else in_period)
                  .annotate(awaiting=_bool(still)).order_by("decided_at", "id"))

    heads = heads_of({a.organisation_id for a in [*overdue, *soon, *completed]}
                     | {r.assignment.organisation_id for r in rounds})
    returned = []
    for r in rounds:
        a = r.assignment
        row = _row(a, heads, when=r.decided_at, note=r.reasons, awaiting=bool(r.awaiting))
        if r.reviewer_org_id:
            row.note = f"{r.reviewer_org.name}: {r.reasons}"
        returned.append(row)

    def removed(a):
        return a.parent_id is None and a.role == "lead" and a.case.status == kinds.REMOVED

    progress = (ProgressReport.objects.filter(organisation__path__startswith=body.path, due_at__lt=at)
                .filter(Q(submitted_at__isnull=True) | Q(submitted_at__gte=at))
                .filter(Q(task__case__closed_at__isnull=True) | Q(task__case__closed_at__gt=F("due_at")))
                .count())
    steps = (AssignmentStep.objects.filter(assignment__case__kind="task",
                                           assignment__organisation__path__startswith=body.path)
             .aggregate(
                 overdue=Count("id", filter=Q(due_at__lt=at) & (Q(done_at__isnull=True) | Q(done_at__gte=at))
                               & ~Q(assignment__state=AssignmentState.CANCELLED)
                               & (~Q(assignment__state=AssignmentState.DONE) | Q(assignment__completed_at__gte=at))),
                 late=Count("id", filter=Q(done_at__gte=period.start, done_at__lt=at, done_at__gt=F("due_at")))))
    return Agenda(
        body=body, kind=kind, period=period,
        overdue=[_row(a, heads) for a in overdue],
        due_soon=[_row(a, heads) for a in soon],
        returned=returned,
        completed=[_row(a, heads, when=a.completed_at, late=bool(a.late), removed=removed(a)) for a in completed],
        progress_overdue=progress, steps_overdue=steps["overdue"] or 0, steps_late=steps["late"] or 0)


# --- 2. the discipline register (R-A9) --------------------------------------------------------------------

def parse_week(raw: str | None, today: date | None = None) -> date:
    """The Monday of the week containing the given day (default: the current week)."""
    today = today or timezone.localdate()
    try:
        day = date.fromisoformat(raw or "")
    except ValueError:
        day = today
    return week_of(day)


@dataclass
class RegisterItem:
    task_id: int
    number: str
    title: str
    due_at: datetime | None
    when: datetime | None
    url: str
    note: str = ""


@dataclass
class PersonLine:
    organisation: Organisation
    person: object | None  # a User; None when the body has neither a named executor nor a head
    is_head: bool
    not_executed: list[RegisterItem] = field(default_factory=list)
    late: list[RegisterItem] = field(default_factory=list)
    returned: list[RegisterItem] = field(default_factory=list)
    measures: list[DisciplinaryMeasure] = field(default_factory=list)
    can_record: bool = False

    @property
    def name(self) -> str:
        return _name(self.person) if self.person is not None else _("No responsible person and no head recorded")

    @property
    def tasks(self) -> list[RegisterItem]:
        seen, out = set(), []
        for item in [*self.not_executed, *self.late, *self.returned]:
            if item.task_id not in seen:
                seen.add(item.task_id)
                out.append(item)
        return out


@dataclass
class BodyLine:
    organisation: Organisation
    not_executed: int = 0
    late: int = 0
    returned: int = 0
    measures: int = 0


@dataclass
class DisciplineRegister:
    body: Organisation
    week: date
    start: datetime
    end: datetime  # exclusive, or now for the running week
    people: list[PersonLine]
    bodies: list[BodyLine]

    @property
    def last_day(self) -> date:
        return self.week + timedelta(days=6)

    @property
    def previous_week(self) -> date:
        return self.week - timedelta(days=7)

    @property
    def next_week(self) -> date | None:
        nxt = self.week + timedelta(days=7)
        return nxt if nxt <= week_of(timezone.localdate()) else None

    @property
    def totals(self) -> BodyLine:
        t = BodyLine(self.body)
        for b in self.bodies:
            t.not_executed += b.not_executed
            t.late += b.late
            t.returned += b.returned
            t.measures += b.measures
        return t


def _item(a: Assignment, when=None, note="") -> RegisterItem:
    return RegisterItem(task_id=a.case_id, number=a.case.number, title=a.case.title, due_at=a.due_at, when=when,
                        url=task_url(a.case.number), note=note)


def discipline_register(user, body: Organisation, week: date, *, now: datetime | None = None
                        ) -> DisciplineRegister:
    """For the week (Monday to Sunday) and ``body`` with the bodies under it, per person — the assignment's
    named person, else the body's head — and per body:

    * not executed — assignments overdue at the end of the week (or now, for the running week);
    * executed late — done during the week and executed after the deadline;
    * returned — review rounds returned during the week;

    with the measures already recorded for that person and week."""
    if not may_see_body(user, body):
        raise PermissionDenied(_("This body is outside your scope."))
    now = now or timezone.now()
    week = week_of(week)
    start = day_start(week)
    end = min(now, day_start(week + timedelta(days=7)))
    base = subtree_assignments(body).select_related("case", "organisation", "person")
    overdue = list(base.filter(overdue_at_q(end)).order_by("due_at", "id"))
    late = list(base.filter(executed_late_q(), state=AssignmentState.DONE, completed_at__gte=start,
                            completed_at__lt=end).order_by("completed_at", "id"))
    rounds = list(ReviewRound.objects.filter(case__kind="task", verdict=Verdict.RETURNED, decided_at__gte=start,
                                             decided_at__lt=end,
                                             assignment__organisation__path__startswith=body.path)
                  .select_related("case", "assignment__case", "assignment__organisation", "assignment__person")
                  .order_by("decided_at", "id"))
    measures = list(DisciplinaryMeasure.objects.filter(week=week, organisation__path__startswith=body.path)
                    .select_related("organisation", "person", "recorded_by").prefetch_related("tasks__case")
                    .order_by("recorded_at", "id"))

    org_ids = ({a.organisation_id for a in [*overdue, *late]} | {r.assignment.organisation_id for r in rounds}
               | {m.organisation_id for m in measures})
    heads = heads_of(org_ids)
    orgs = {o.pk: o for o in Organisation.objects.filter(pk__in=org_ids)}
    people: dict[tuple[int, int | None], PersonLine] = {}

    def line(org_id: int, person) -> PersonLine:
        key = (org_id, person.pk if person is not None else None)
        if key not in people:
            people[key] = PersonLine(organisation=orgs[org_id], person=person,
                                     is_head=person is not None and heads.get(org_id) == person)
        return people[key]

    def responsible(a: Assignment):
        return a.person if a.person_id else heads.get(a.organisation_id)

    for a in overdue:
        line(a.organisation_id, responsible(a)).not_executed.append(_item(a))
    for a in late:
        line(a.organisation_id, responsible(a)).late.append(_item(a, when=a.completed_at))
    for r in rounds:
        a = r.assignment
        line(a.organisation_id, responsible(a)).returned.append(_item(a, when=r.decided_at, note=r.reasons))
    for m in measures:
        line(m.organisation_id, m.person).measures.append(m)

    bodies: dict[int, BodyLine] = {}
    for p in people.values():
        p.can_record = p.person is not None and can_record_for(user, p.organisation)
        b = bodies.setdefault(p.organisation.pk, BodyLine(p.organisation))
        b.not_executed += len(p.not_executed)
        b.late += len(p.late)
        b.returned += len(p.returned)
        b.measures += len(p.measures)
    ordered = sorted(people.values(), key=lambda p: (p.organisation.path, p.name))
    return DisciplineRegister(body=body, week=week, start=start, end=end, people=ordered,
                              bodies=sorted(bodies.values(), key=lambda b: b.organisation.path))


def person_items(user, body: Organisation, person, week: date) -> list[RegisterItem]:
    """The tasks listed against ``person`` of ``body`` in the week's register (the choices of the measure form)."""
    register = discipline_register(user, body, week)
    for p in register.people:
        if p.organisation.pk == body.pk and p.person is not None and p.person.pk == person.pk:
            return p.tasks
    return []


# --- 3. monitoring (R-A10) ------------------------------------------------------------------------------------

DEFAULT_RATING_WEIGHTS = {"on_time": 1.0, "late": 0.5, "overdue": 0.0, "return": 0.1}


def rating_weights() -> dict[str, float]:
    weights = dict(DEFAULT_RATING_WEIGHTS)
    weights.update(getattr(settings, "NAZORAT_EXECUTION_RATING_WEIGHTS", {}) or {})
    return {k: float(weights[k]) for k in DEFAULT_RATING_WEIGHTS}


def rating(on_time: int, late: int, overdue: int, returns: int, weights: dict | None = None) -> float | None:
    """The rating of execution discipline, 0–100 (docs/execution-reports.md):

        100 × (w_on_time·on_time + w_late·late + w_overdue·overdue − w_return·returns) / (on_time + late + overdue)

    clipped to 0..100 and rounded to one decimal; None when nothing has fallen due yet."""
    w = weights or rating_weights()
    due = on_time + late + overdue
    if not due:
        return None
    raw = (w["on_time"] * on_time + w["late"] * late + w["overdue"] * overdue - w["return"] * returns) / due
    return round(max(0.0, min(100.0, 100 * raw)), 1)


MONITORING_COLUMNS = ("total", "on_time", "late", "overdue", "in_work", "returns")


def monitoring_column_labels() -> list[str]:
    return [_("Tasks"), _("On time"), _("Late"), _("Overdue"), _("In work"), _("Returns")]


@dataclass
class MonitoringRow:
    key: str
    label: str
    level: int = 0
    organisation_id: int | None = None
    territory: str = ""
    path: str = ""
    counts: dict = field(default_factory=lambda: dict.fromkeys(MONITORING_COLUMNS, 0))

    def add(self, counts: dict) -> None:
        for c in MONITORING_COLUMNS:
            self.counts[c] += counts.get(c, 0)

    @property
    def values(self) -> list[int]:
        return [self.counts[c] for c in MONITORING_COLUMNS]

    @property
    def due(self) -> int:
        return self.counts["on_time"] + self.counts["late"] + self.counts["overdue"]

    @property
    def rating(self) -> float | None:
        c = self.counts
        return rating(c["on_time"], c["late"], c["overdue"], c["returns"])

    def __getattr__(self, name):
        counts = self.__dict__.get("counts")
        if counts is not None and name in counts:
            return counts[name]
        raise AttributeError(name)


@dataclass
class Monitoring:
    by: str
    as_of: datetime
    rows: list[MonitoringRow]
    total: MonitoringRow
    territory: str = ""
    territory_name: str = ""
    weights: dict = field(default_factory=rating_weights)


def may_monitor(user) -> bool:
    return bool(getattr(user, "is_authenticated", False)) and bool(permissions.can_monitor(user))


def _monitoring_aggregates(user, group: str, now: datetime, territory: str = "") -> tuple[dict, dict]:
    """Two GROUP BY queries: assignment figures and returned rounds per ``group`` (a field of the assignment)."""
    q = body_scope_q(user, "organisation__")
    qs = task_assignments().exclude(state=AssignmentState.CANCELLED)
    rounds = ReviewRound.objects.filter(case__kind="task", verdict=Verdict.RETURNED, assignment__isnull=False)
    if q is not None:
        qs = qs.filter(q)
        rounds = rounds.filter(body_scope_q(user, "assignment__organisation__"))
    if territory:
        qs = qs.filter(organisation__territory__code__startswith=territory)
        rounds = rounds.filter(assignment__organisation__territory__code__startswith=territory)
    done = Q(state=AssignmentState.DONE)
    figures = {}
    for row in qs.values(group).annotate(
            total=Count("id"),
            on_time=Count("id", filter=done & executed_on_time_q()),
            late=Count("id", filter=done & executed_late_q()),
            overdue=Count("id", filter=overdue_at_q(now))).order_by():
        key = row.pop(group)
        row["in_work"] = row["total"] - row["on_time"] - row["late"] - row["overdue"]
        figures[key] = row
    returns = {row[f"assignment__{group}"]: row["n"] for row in
               rounds.values(f"assignment__{group}").annotate(n=Count("id")).order_by()}
    return figures, returns


def monitoring(user, *, by: str = "body", territory: str = "", sort: str = "rating",
               now: datetime | None = None) -> Monitoring:
    """Figures per body (or per territory: region, then its districts and cities) across every body the user
    sees, as of now. Each body counts its own assignments (a region's line does not include its districts');
    a territory's line counts the bodies located there."""
    if not may_monitor(user):
        raise PermissionDenied(_("Monitoring is for controllers, observers and control groups."))
    now = now or timezone.now()
    territory = territory if territory.isdigit() else ""
    total = MonitoringRow("total", _("Total"))
    territory_name = ""
    if territory:
        territory_name = Territory.objects.filter(code=territory).values_list("name", flat=True).first() or territory
    if by == "territory":
        figures, returns = _monitoring_aggregates(user, "organisation__territory_id", now, territory)
        codes = set(figures) | set(returns)
        wanted = {c[:4] for c in codes if c} | {c[:7] for c in codes if c and len(c) >= 7}
        names = dict(Territory.objects.filter(code__in=wanted).values_list("code", "name"))
        regions: dict[str, MonitoringRow] = {}
        districts: dict[str, dict[str, MonitoringRow]] = defaultdict(dict)
        for code in codes:
            counts = dict(figures.get(code, {}))
            counts["returns"] = returns.get(code, 0)
            total.add(counts)
            if not code:
                regions.setdefault("", MonitoringRow("republic", _("Republican bodies"))).add(counts)
                continue
            region = code[:4]
            regions.setdefault(region, MonitoringRow(region, names.get(region, region), territory=region)).add(counts)
            district = code[:7] if len(code) >= 7 else ""
            districts[region].setdefault(district, MonitoringRow(
                district or f"{region}:region", names.get(district, district) if district else _("Region level"),
                level=1, territory=district or region)).add(counts)
        rows: list[MonitoringRow] = []
        for region in sorted(regions):
            rows.append(regions[region])
            rows.extend(districts[region][d] for d in sorted(districts[region]))
        return Monitoring(by="territory", as_of=now, rows=rows, total=total, territory=territory,
                          territory_name=territory_name)

    figures, returns = _monitoring_aggregates(user, "organisation_id", now, territory)
    ids = set(figures) | set(returns)
    orgs = {o.pk: o for o in Organisation.objects.filter(pk__in=ids).only("pk", "name", "path", "territory_id")}
    rows = []
    for org_id in ids:
        counts = dict(figures.get(org_id, {}))
        counts["returns"] = returns.get(org_id, 0)
        org = orgs[org_id]
        row = MonitoringRow(str(org_id), org.name, organisation_id=org_id, territory=org.territory_id or "",
                            path=org.path)
        row.add(counts)
        total.add(counts)
        rows.append(row)
    if sort == "name":
        rows.sort(key=lambda r: (r.label, r.organisation_id))
    elif sort == "path":
        rows.sort(key=lambda r: r.path)
    else:  # worst first; bodies with nothing due yet last
        rows.sort(key=lambda r: (r.rating is None, r.rating if r.rating is not None else 0, -r.counts["overdue"],
                                 r.label))
    return Monitoring(by="body", as_of=now, rows=rows, total=total, territory=territory,
                      territory_name=territory_name)


BODY_SHOWS = ("all", "on_time", "late", "overdue", "in_work", "returns")


def body_show_labels() -> dict[str, str]:
    return {"all": _("All tasks"), "on_time": _("On time"), "late": _("Late"), "overdue": _("Overdue"),
            "in_work": _("In work"), "returns": _("Returned at least once")}


def body_tasks(user, body: Organisation, show: str = "all", *, now: datetime | None = None):
    """The drill-down: the body's own assignments (not its subtree's) of one monitoring column, newest deadline
    last. A queryset, for the page to paginate."""
    if not may_monitor(user):
        raise PermissionDenied(_("Monitoring is for controllers, observers and control groups."))
    if not may_see_body(user, body):
        raise PermissionDenied(_("This body is outside your scope."))
    now = now or timezone.now()
    qs = (task_assignments().filter(organisation=body).exclude(state=AssignmentState.CANCELLED)
          .select_related("case", "case__task__document", "person")
          .annotate(returns=Count("review_rounds", filter=Q(review_rounds__verdict=Verdict.RETURNED))))
    done = Q(state=AssignmentState.DONE)
    if show == "on_time":
        qs = qs.filter(done & executed_on_time_q())
    elif show == "late":
        qs = qs.filter(done & executed_late_q())
    elif show == "overdue":
        qs = qs.filter(overdue_at_q(now))
    elif show == "in_work":
        qs = qs.exclude(done).exclude(overdue_at_q(now))
    elif show == "returns":
        qs = qs.filter(returns__gt=0)
    return qs.order_by(F("due_at").asc(nulls_last=True), "case__number", "id")

