"""Pure read functions behind the reports (docs/appeals-reports.md). Staff reports start from
``appeals_visible_to(user)``; the published quarterly statistics count every register but return aggregate
numbers per body only — never a name, a text or a number of an appeal."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta

from django.conf import settings
from django.db.models import Count, Exists, OuterRef, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from nazorat.cases.models import AssignmentRole, AssignmentState, ReviewRound, Verdict
from nazorat.orgs.models import Organisation, Role, Sector
from nazorat.orgs.selectors import StaffScope
from nazorat.territories.models import Territory

from .. import kinds
from ..models import Appeal, Outcome
from ..selectors import appeals_visible_to

# --- periods -------------------------------------------------------------------------------------------

def day_start(day: date) -> datetime:
    """Midnight at the start of ``day``, Tashkent time (the project's TIME_ZONE)."""
    return timezone.make_aware(datetime.combine(day, time.min))


def quarter_bounds(year: int, quarter: int) -> tuple[date, date]:
    """First day of the quarter and first day of the next one."""
    first = date(year, 3 * (quarter - 1) + 1, 1)
    nxt = date(year + 1, 1, 1) if quarter == 4 else date(year, 3 * quarter + 1, 1)
    return first, nxt


def month_bounds(year: int, month: int) -> tuple[date, date]:
    first = date(year, month, 1)
    nxt = date(year + 1, 1, 1) if month == 12 else date(year, month + 1, 1)
    return first, nxt


# --- who may see what -------------------------------------------------------------------------------------

INCENTIVE_ROLES = {Role.CONTROL_GROUP, Role.SIGNATORY, Role.CONTROLLER, Role.REVIEWER}


def is_staff(user) -> bool:
    if not getattr(user, "is_authenticated", False):
        return False
    return bool(user.is_superuser) or StaffScope.for_user(user).is_staff_member


def may_see_incentives(user) -> bool:
    if not getattr(user, "is_authenticated", False):
        return False
    return bool(user.is_superuser) or bool(StaffScope.for_user(user).roles & INCENTIVE_ROLES)


# --- 1. the daily report ------------------------------------------------------------------------------------

DAILY_COLUMNS = ("received", "in_work", "answered", "overdue")


def daily_column_labels() -> list[str]:
    return [_("Received"), _("In work"), _("Answered"), _("Overdue")]


@dataclass
class Row:
    key: str
    label: str
    level: int = 0  # 0: a group (region), 1: a line under it (district)
    counts: dict = field(default_factory=lambda: dict.fromkeys(DAILY_COLUMNS, 0))

    def add(self, flags: dict) -> None:
        for c in DAILY_COLUMNS:
            self.counts[c] += 1 if flags[c] else 0

    @property
    def values(self) -> list[int]:
        return [self.counts[c] for c in DAILY_COLUMNS]


@dataclass
class DailyReport:
    day: date
    as_of: datetime
    total: Row
    by_sector: list[Row]
    by_territory: list[Row]
    by_body: list[Row]


def _lead_bodies(case_ids: list[int], until: datetime) -> dict[int, int]:
    """For each case, the organisation of its lead executor as of ``until``: the latest lead assignment given
    by then and not cancelled (a closed case keeps the one that answered)."""
    from nazorat.cases.models import Assignment

    result: dict[int, int] = {}
    rows = (Assignment.objects.filter(case_id__in=case_ids, parent__isnull=True, role=AssignmentRole.LEAD,
                                      assigned_at__lt=until)
            .exclude(state=AssignmentState.CANCELLED)
            .order_by("case_id", "assigned_at", "id").values_list("case_id", "organisation_id"))
    for case_id, org_id in rows:
        result[case_id] = org_id
    return result


def daily_report(user, day: date, *, now: datetime | None = None) -> DailyReport:
    """The appeals the user may see, as they stood at the end of ``day`` (or now, for today):

    - received: registered in the body's register on ``day`` (``Appeal.registered_on``, Art 23);
    - in work: registered on or before ``day`` and not closed at the cut-off (statuses registered … returned);
    - answered: closed as ``answered`` on ``day`` (the working group accepted the answer);
    - overdue: in work at the cut-off and its term (``Case.due_at``, as extended) passed before it.

    Each appeal is counted once in each breakdown: by the sector and in the line of its body (the lead
    executing body as of the cut-off, else the addressee), and by its territory (region → district)."""
    now = now or timezone.now()
    start, end = day_start(day), day_start(day + timedelta(days=1))
    cutoff = min(end, now)
    qs = (appeals_visible_to(user)
          .filter(registered_on__lte=day)
          .filter(Q(registered_on=day) | Q(case__closed_at__isnull=True) | Q(case__closed_at__gte=start))
          .values_list("case_id", "registered_on", "case__closed_at", "case__status", "case__due_at",
                       "addressee_id", "territory_id"))
    records = list(qs)
    leads = _lead_bodies([r[0] for r in records], cutoff)
    entries = []
    for case_id, registered_on, closed_at, status, due_at, addressee_id, territory_id in records:
        open_then = closed_at is None or closed_at >= cutoff
        flags = {
            "received": registered_on == day,
            "in_work": open_then,
            "answered": status == kinds.ANSWERED and closed_at is not None and start <= closed_at < end,
            "overdue": open_then and due_at is not None and due_at < cutoff,
        }
        if not any(flags.values()):
            continue
        entries.append((leads.get(case_id, addressee_id), territory_id or "", flags))

    orgs = {o.pk: o for o in Organisation.objects.filter(pk__in={e[0] for e in entries})}
    codes = {e[1] for e in entries}
    wanted = {c[:4] for c in codes if c} | {c[:7] for c in codes if len(c) >= 7}
    names = dict(Territory.objects.filter(code__in=wanted).values_list("code", "name"))
    sector_labels = dict(Sector.choices)

    total = Row("total", _("Total"))
    sectors: dict[str, Row] = {}
    regions: dict[str, Row] = {}
    districts: dict[str, dict[str, Row]] = defaultdict(dict)
    bodies: dict[int, Row] = {}
    for org_id, code, flags in entries:
        org = orgs[org_id]
        total.add(flags)
        sectors.setdefault(org.sector, Row(org.sector, str(sector_labels.get(org.sector, org.sector)))).add(flags)
        region = code[:4]
        regions.setdefault(region, Row(region, names.get(region, region) or _("No territory"))).add(flags)
        district = code[:7] if len(code) >= 7 else ""
        districts[region].setdefault(district, Row(
            district or f"{region}:region", names.get(district, district) if district else _("Region level"),
            level=1)).add(flags)
        bodies.setdefault(org_id, Row(str(org_id), org.name)).add(flags)

    by_territory: list[Row] = []
    for region in sorted(regions):
        by_territory.append(regions[region])
        by_territory.extend(districts[region][d] for d in sorted(districts[region]))
    by_sector = [sectors[s] for s in Sector.values if s in sectors]
    by_body = sorted(bodies.values(), key=lambda r: (orgs[int(r.key)].path, r.label))
    return DailyReport(day=day, as_of=cutoff, total=total, by_sector=by_sector, by_territory=by_territory,
                       by_body=by_body)


# --- 2. quarterly statistics (Art 35), published ----------------------------------------------------------

QUARTERLY_COLUMNS = ("received", "considered", "satisfied", "partly_satisfied", "explained", "refused",
                     "no_outcome", "left_unconsidered", "terminated", "forwarded", "returned_to_author",
                     "withdrawn", "joined")


def quarterly_column_labels() -> list[str]:
    return [_("Received"), _("Considered"), _("Satisfied"), _("Partly satisfied"), _("Explained"), _("Refused"),
            _("Outcome not recorded"), _("Left unconsidered"), _("Terminated"), _("Forwarded"),
            _("Returned to the author"), _("Withdrawn"), _("Joined to an earlier appeal")]


@dataclass
class QuarterRow:
    label: str
    counts: dict = field(default_factory=lambda: dict.fromkeys(QUARTERLY_COLUMNS, 0))

    @property
    def values(self) -> list[int]:
        return [self.counts[c] for c in QUARTERLY_COLUMNS]


@dataclass
class QuarterlyStatistics:
    year: int
    quarter: int
    first_day: date
    last_day: date
    total: QuarterRow
    by_body: list[QuarterRow]


_CLOSED_COLUMN = {
    kinds.LEFT_UNCONSIDERED: "left_unconsidered", kinds.TERMINATED: "terminated", kinds.FORWARDED: "forwarded",
    kinds.RETURNED_TO_AUTHOR: "returned_to_author", kinds.WITHDRAWN: "withdrawn", kinds.JOINED: "joined",
}
_OUTCOME_COLUMN = {Outcome.SATISFIED: "satisfied", Outcome.PARTLY_SATISFIED: "partly_satisfied",
                   Outcome.EXPLAINED: "explained", Outcome.REFUSED: "refused", "": "no_outcome"}


def quarterly_statistics(year: int, quarter: int) -> QuarterlyStatistics:
    """Public aggregate counts per registering body (``Case.register``: the addressee whose register gave the
    number) and in total. ``received``: registered in the quarter (``registered_on``); every other column:
    closed in the quarter (``Case.closed_at``, Tashkent time) with that status — ``considered`` is closed as
    ``answered`` and splits by the recorded outcome into satisfied, partly satisfied, explained, refused and
    "outcome not recorded". Only counts leave this function."""
    first, nxt = quarter_bounds(year, quarter)
    base = Appeal.objects.filter(case__kind="appeal")
    received = (base.filter(registered_on__gte=first, registered_on__lt=nxt)
                .values("case__register_id").annotate(n=Count("pk")))
    closed = (base.filter(case__closed_at__gte=day_start(first), case__closed_at__lt=day_start(nxt))
              .values("case__register_id", "case__status", "outcome").annotate(n=Count("pk")))
    rows: dict[int, QuarterRow] = {}
    total = QuarterRow(_("Total"))

    def bump(org_id, column, n):
        rows.setdefault(org_id, QuarterRow("")).counts[column] += n
        total.counts[column] += n

    for r in received:
        bump(r["case__register_id"], "received", r["n"])
    for r in closed:
        status, org_id, n = r["case__status"], r["case__register_id"], r["n"]
        if status == kinds.ANSWERED:
            bump(org_id, "considered", n)
            bump(org_id, _OUTCOME_COLUMN.get(r["outcome"], "no_outcome"), n)
        elif status in _CLOSED_COLUMN:
            bump(org_id, _CLOSED_COLUMN[status], n)
    orgs = {o.pk: o for o in Organisation.objects.filter(pk__in=rows)}
    for org_id, row in rows.items():
        row.label = orgs[org_id].name
    by_body = [rows[k] for k in sorted(rows, key=lambda k: (orgs[k].path, orgs[k].name))]
    return QuarterlyStatistics(year=year, quarter=quarter, first_day=first, last_day=nxt - timedelta(days=1),
                               total=total, by_body=by_body)


# --- 3. monthly incentives and sanctions (R-B13) -------------------------------------------------------------

DEFAULT_INCENTIVE_WEIGHTS = {"on_time": 0.4, "first_round": 0.3, "rating": 0.3}


def incentive_weights() -> dict[str, float]:
    weights = dict(DEFAULT_INCENTIVE_WEIGHTS)
    weights.update(getattr(settings, "NAZORAT_INCENTIVE_WEIGHTS", {}) or {})
    return {k: float(weights[k]) for k in DEFAULT_INCENTIVE_WEIGHTS}


@dataclass
class ExecutorRow:
    organisation: str
    person: str
    answered: int = 0
    on_time: int = 0
    first_round: int = 0
    ratings: list = field(default_factory=list)
    score: float = 0.0
    rank: int = 0

    @property
    def on_time_share(self) -> float:
        return self.on_time / self.answered if self.answered else 0.0

    @property
    def first_round_share(self) -> float:
        return self.first_round / self.answered if self.answered else 0.0

    @property
    def average_rating(self) -> float | None:
        return sum(self.ratings) / len(self.ratings) if self.ratings else None


@dataclass
class Flag:
    kind: str  # late | overdue | returned | template
    number: str
    organisation: str
    person: str
    when: datetime | None
    detail: str


@dataclass
class IncentivesReport:
    year: int
    month: int
    weights: dict
    ranking: list[ExecutorRow]
    flags: list[Flag]
    answers_compared: int
    answers_without_text: int


def score(row: ExecutorRow, weights: dict[str, float]) -> float:
    """0–100: the weighted mean of the on-time share, the first-round share and the average rating mapped
    from 1–5 onto 0–1; with no rating in the month the rating's weight is left out (the others re-normalised)."""
    parts = [(weights["on_time"], row.on_time_share), (weights["first_round"], row.first_round_share)]
    if row.average_rating is not None:
        parts.append((weights["rating"], (row.average_rating - 1) / 4))
    total_weight = sum(w for w, _v in parts)
    return round(100 * sum(w * v for w, v in parts) / total_weight, 1) if total_weight else 0.0


def _person_label(assignment, appeal) -> str:
    if assignment is not None and assignment.person_id:
        return assignment.person.get_full_name() or assignment.person.get_username()
    return appeal.executor_name or "—"


def incentives_report(user, year: int, month: int, *, now: datetime | None = None) -> IncentivesReport:
    """Executors ranked for the month, and the list "for accountability" (docs/appeals-reports.md)."""
    from . import similarity

    now = now or timezone.now()
    first, nxt = month_bounds(year, month)
    start, end = day_start(first), day_start(nxt)
    weights = incentive_weights()
    visible = appeals_visible_to(user).values("pk")
    lead_rounds = (ReviewRound.objects.filter(case__in=visible, case__kind="appeal",
                                              assignment__role=AssignmentRole.LEAD, assignment__parent__isnull=True)
                   .select_related("case", "case__appeal", "assignment", "assignment__organisation",
                                   "assignment__person"))

    # Ranking: appeals whose answer the working group accepted in the month.
    accepted = lead_rounds.filter(verdict=Verdict.ACCEPTED, decided_at__gte=start, decided_at__lt=end,
                                  case__status=kinds.ANSWERED)
    rows: dict[tuple, ExecutorRow] = {}
    flags: list[Flag] = []
    for rnd in accepted.order_by("decided_at", "pk"):
        a, appeal = rnd.assignment, rnd.case.appeal
        person = _person_label(a, appeal)
        row = rows.setdefault((a.organisation_id, person), ExecutorRow(a.organisation.name, person))
        row.answered += 1
        deadline = a.due_at or rnd.case.due_at
        late = deadline is not None and rnd.submitted_at > deadline
        row.on_time += 0 if late else 1
        row.first_round += 1 if rnd.number == 1 else 0
        if appeal.rating is not None:
            row.ratings.append(appeal.rating)
        if late:
            flags.append(Flag("late", rnd.case.number, a.organisation.name, person, rnd.submitted_at,
                              _("Answer submitted after the executor's deadline %(due)s.") % {
                                  "due": timezone.localtime(deadline).strftime("%Y-%m-%d")}))
    for row in rows.values():
        row.score = score(row, weights)
    ranking = sorted(rows.values(), key=lambda r: (-r.score, -r.answered, r.organisation, r.person))
    for i, row in enumerate(ranking, 1):
        row.rank = i

    # Overdue: a lead executor's deadline fell in the month (and has passed) with no answer submitted by it.
    from nazorat.cases.models import Assignment

    overdue = (Assignment.objects.filter(case__in=visible, case__kind="appeal", role=AssignmentRole.LEAD,
                                         parent__isnull=True, due_at__gte=start, due_at__lt=min(end, now))
               .exclude(state=AssignmentState.CANCELLED)
               .annotate(in_time=Exists(ReviewRound.objects.filter(assignment=OuterRef("pk"),
                                                                   submitted_at__lte=OuterRef("due_at"))))
               .filter(in_time=False)
               .select_related("case", "case__appeal", "organisation", "person"))
    late_numbers = {f.number for f in flags}
    for a in overdue.order_by("due_at", "pk"):
        if a.case.number in late_numbers:
            continue
        flags.append(Flag("overdue", a.case.number, a.organisation.name, _person_label(a, a.case.appeal), a.due_at,
                          _("No answer submitted by the executor's deadline.")))

    # Returned at review in the month.
    for rnd in lead_rounds.filter(verdict=Verdict.RETURNED, decided_at__gte=start, decided_at__lt=end).order_by(
            "decided_at", "pk"):
        flags.append(Flag("returned", rnd.case.number, rnd.assignment.organisation.name,
                          _person_label(rnd.assignment, rnd.case.appeal), rnd.decided_at,
                          _("Returned at review (round %(n)s): %(reasons)s") % {"n": rnd.number,
                                                                                "reasons": rnd.reasons}))

    # Template letters: answers submitted in the month near-identical to another case's answer.
    submitted = list(lead_rounds.filter(submitted_at__gte=start, submitted_at__lt=end)
                     .prefetch_related("attachments").order_by("submitted_at", "pk"))
    found = similarity.template_letters(submitted)
    for rnd in submitted:
        match = found.matches.get(rnd.pk)
        if not match:
            continue
        others = ", ".join(f"{number} ({sim:.0%})" for number, sim in match)
        flags.append(Flag("template", rnd.case.number, rnd.assignment.organisation.name,
                          _person_label(rnd.assignment, rnd.case.appeal), rnd.submitted_at,
                          _("Near-identical to the answers to %(others)s.") % {"others": others}))
    order = {"late": 0, "overdue": 1, "returned": 2, "template": 3}
    flags.sort(key=lambda f: (order[f.kind], f.when or start, f.number))
    return IncentivesReport(year=year, month=month, weights=weights, ranking=ranking, flags=flags,
                            answers_compared=found.compared, answers_without_text=found.without_text)


def flag_label(kind: str) -> str:
    return {"late": _("Late answer"), "overdue": _("Overdue, no answer"), "returned": _("Returned at review"),
            "template": _("Template letter")}[kind]
