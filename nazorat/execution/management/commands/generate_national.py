"""``python manage.py generate_national [--scale 1.0] [--seed 2026]``: a national-scale execution-control data set.

At scale 1.0 it writes exactly the size of the national system in seed 001 (issue 4 point 13): 3,105
organisations, 17,539 staff (users with memberships and roles), 3,024 control documents and 25,238 tasks, plus
what two years of work on them leave behind: assignments cascaded down the hierarchy (region → districts,
ministry → regional unit → district units) with their three timed steps (register 30 working minutes, name the
executor 1 working day, approve the control plan 3 working days — some done late), control plans, execution
reports confirmed by the head or first deputy, review rounds along the chain (Ministry of Justice → Cabinet of
Ministers → Accounts Chamber for national documents; control group → first deputy → head for a hokimlik's),
returns with objections and resubmissions, extension requests, six-monthly (or periodic) progress reports, some
overdue, withdrawn tasks, public documents with citizens' comments, work items open exactly for what waits and
events for every transition.

Rows are written with ``bulk_create`` (the services would take hours at this size), but each is what the
services would have written: the timeline of every task is simulated first (when each step, report and decision
happens), then cut at the present moment, so states, timestamps, work items and events agree. Case numbers come
from ``cases.services.format_number`` and the ``NumberSequence`` rows are left at the last number given, so real
tasks added later continue the series without a gap. Files of reports are rows only (no content is stored).

The organisations and staff come from ``bench/bench_dataset.py`` (the kernel benchmark's generator, shared);
the command therefore runs from a source checkout. It refuses a database that already has control documents.
Smaller ``--scale`` values shrink everything (the organisation tree keeps its shape over fewer territories).
"""

from __future__ import annotations

import hashlib
import heapq
import random
import sys
import time as _time
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta, timezone as dt_timezone
from pathlib import Path
from types import SimpleNamespace
from typing import Any

from django.core.management.base import BaseCommand, CommandError
from django.db import connection, transaction
from django.utils import timezone

TARGETS = {"organisations": 3105, "staff": 17539, "documents": 3024, "tasks": 25238}
CITIZENS = 1500  # people who comment on published documents (not staff: no membership)
FAR = datetime(9999, 12, 31, tzinfo=dt_timezone.utc)  # "not (yet) happened"

# Departments of a regional governor's office (hokimlik_department, under the regional hokimlik): the bodies the
# national tree of bench_dataset lacks to reach the 3,105 organisations of seed 001.
DEPARTMENTS = [
    ("finance", "moliya boshqarmasi", "финансовое управление", "Finance Department"),
    ("economy", "iqtisodiyot boshqarmasi", "управление экономики", "Economy Department"),
    ("investment", "investitsiyalar boshqarmasi", "управление инвестиций", "Investment Department"),
    ("architecture", "qurilish va arxitektura boshqarmasi", "управление строительства и архитектуры",
     "Construction and Architecture Department"),
    ("youth", "yoshlar ishlari boshqarmasi", "управление по делам молодёжи", "Youth Affairs Department"),
    ("family", "oila va xotin-qizlar boshqarmasi", "управление по делам семьи и женщин",
     "Family and Women's Affairs Department"),
    ("mahalla", "mahalla va nuroniylar boshqarmasi", "управление махалли", "Mahalla Affairs Department"),
    ("transport", "transport boshqarmasi", "управление транспорта", "Transport Department"),
    ("irrigation", "suv xoʻjaligi boshqarmasi", "управление водного хозяйства", "Water Resources Department"),
    ("land", "yer resurslari boshqarmasi", "управление земельных ресурсов", "Land Resources Department"),
    ("culture", "madaniyat boshqarmasi", "управление культуры", "Culture Department"),
    ("sport", "sport boshqarmasi", "управление спорта", "Sport Department"),
    ("tourism", "turizm boshqarmasi", "управление туризма", "Tourism Department"),
    ("employment", "bandlik boshqarmasi", "управление занятости", "Employment Department"),
]

# National acts: (kind, issuer code, number format, weight)
NATIONAL_KINDS = [
    ("law", "pa", "OʻRQ-{n}", 5), ("decree", "pa", "PF-{n}", 25), ("resolution", "pa", "PQ-{n}", 30),
    ("resolution", "cabinet", "{n}", 20), ("protocol", "cabinet", "{n}-son bayonnoma", 12),
    ("instruction", "pa", "{n}-son topshiriq", 8),
]
NUMBER_BASE = {"OʻRQ-{n}": 800, "PF-{n}": 6100, "PQ-{n}": 4200, "{n}": 150}
LOCAL_KINDS = [("resolution", "{n}-q", 35), ("order", "{n}-f", 35), ("protocol", "{n}-son bayonnoma", 22),
               ("instruction", "{n}-son topshiriq", 8)]

# (uz, ru, en) — the Cyrillic Uzbek title is transliterated.
DOC_TITLES = [
    ("Ichimlik suvi taʼminotini yaxshilash chora-tadbirlari toʻgʻrisida",
     "О мерах по улучшению обеспечения питьевой водой", "On measures to improve drinking water supply"),
    ("Ijro intizomini mustahkamlash toʻgʻrisida", "Об укреплении исполнительской дисциплины",
     "On strengthening execution discipline"),
    ("Kuz-qish mavsumiga tayyorgarlik koʻrish toʻgʻrisida", "О подготовке к осенне-зимнему сезону",
     "On preparing for the autumn and winter season"),
    ("Mahallalarda tadbirkorlikni qoʻllab-quvvatlash toʻgʻrisida",
     "О поддержке предпринимательства в махаллях", "On supporting entrepreneurship in mahallas"),
    ("Aholini ish bilan taʼminlash dasturi toʻgʻrisida", "О программе обеспечения занятости населения",
     "On the programme of employment of the population"),
    ("Yoʻl-transport infratuzilmasini rivojlantirish toʻgʻrisida",
     "О развитии дорожно-транспортной инфраструктуры", "On developing road and transport infrastructure"),
    ("Maktabgacha taʼlim tizimini takomillashtirish toʻgʻrisida",
     "О совершенствовании системы дошкольного образования", "On improving pre-school education"),
    ("Sogʻliqni saqlash tizimini isloh qilish chora-tadbirlari toʻgʻrisida",
     "О мерах по реформированию системы здравоохранения", "On measures to reform the health system"),
    ("Energiya resurslaridan oqilona foydalanish toʻgʻrisida", "О рациональном использовании энергоресурсов",
     "On the rational use of energy resources"),
    ("Koʻp qavatli uylarni boshqarish tizimini takomillashtirish toʻgʻrisida",
     "О совершенствовании управления многоквартирными домами", "On improving the management of apartment blocks"),
    ("Ijtimoiy himoya tizimini kuchaytirish toʻgʻrisida", "Об усилении системы социальной защиты",
     "On strengthening social protection"),
    ("Ekologik vaziyatni yaxshilash va koʻkalamzorlashtirish toʻgʻrisida",
     "Об улучшении экологической обстановки и озеленении", "On improving the environment and greening"),
    ("Investitsiya loyihalarini amalga oshirish toʻgʻrisida", "О реализации инвестиционных проектов",
     "On implementing investment projects"),
    ("Qishloq xoʻjaligi ekinlarini joylashtirish toʻgʻrisida",
     "О размещении сельскохозяйственных культур", "On the placement of agricultural crops"),
    ("Aholi murojaatlari bilan ishlash samaradorligini oshirish toʻgʻrisida",
     "О повышении эффективности работы с обращениями граждан",
     "On making the handling of citizens' appeals more effective"),
    ("Davlat xizmatlarini raqamlashtirish toʻgʻrisida", "О цифровизации государственных услуг",
     "On digitising public services"),
    ("Turizmni rivojlantirish boʻyicha qoʻshimcha chora-tadbirlar toʻgʻrisida",
     "О дополнительных мерах по развитию туризма", "On additional measures to develop tourism"),
    ("Yoshlar bandligini taʼminlash toʻgʻrisida", "Об обеспечении занятости молодёжи",
     "On ensuring youth employment"),
]

TASK_TEXTS = [
    "Hududlarda ichimlik suvi taʼminotini yaxshilash boʻyicha manzilli dastur ishlab chiqilsin",
    "Kuz-qish mavsumiga ijtimoiy obyektlarning tayyorgarligi toʻliq taʼminlansin",
    "Mahallalardagi ichki yoʻllarni taʼmirlash ishlari belgilangan muddatda yakunlansin",
    "Elektr taʼminoti uzilishlarining oldini olish choralari koʻrilsin",
    "Maktabgacha taʼlim tashkilotlaridagi navbatni qisqartirish rejasi tasdiqlansin",
    "Ijtimoiy himoyaga muhtoj oilalar roʻyxati yangilanib, yordam koʻrsatilsin",
    "Koʻp qavatli uylar tomlarini taʼmirlash jadvaliga rioya etilsin",
    "Daraxt ekish aksiyasi tashkil etilib, natijalari haqida axborot berilsin",
    "Chiqindilarni olib ketish tizimi takomillashtirilsin",
    "Tadbirkorlarga ajratilgan kreditlar monitoringi yuritilsin",
    "Aholi murojaatlari oʻrganilib, hal etilmagan masalalar boʻyicha choralar koʻrilsin",
    "Investitsiya loyihalari ishga tushirilishi taʼminlansin",
    "Davlat xizmatlarini elektron shaklda koʻrsatish kengaytirilsin",
    "Yoshlar bandligi boʻyicha hududiy dastur amalga oshirilsin",
    "Qishloq xoʻjaligi yerlarini sugʻorish rejasi bajarilsin",
    "Sogʻliqni saqlash muassasalari dori vositalari bilan taʼminlansin",
    "Kanalizatsiya tarmoqlarini rekonstruksiya qilish ishlari boshlansin",
    "Koʻcha yoritgichlarini oʻrnatish dasturi bajarilsin",
    "Gaz taʼminoti grafigiga qatʼiy rioya etilishi nazoratga olinsin",
    "Issiqlik taʼminoti tarmoqlarini qishga tayyorlash yakunlansin",
    "Turizm obyektlari infratuzilmasi yaxshilansin",
    "Ijro intizomi holati har chorakda hokimlik yigʻilishida muhokama qilinsin",
    "Bandlik markazlari faoliyati samaradorligi oshirilsin",
    "Ekologik talablarning buzilishi holatlari oʻrganilib, chora koʻrilsin",
]
MECHANISMS = [
    "Tuman (shahar) hokimliklari bilan hamkorlikda manzilli reja asosida",
    "Mutasaddi tashkilotlar ishtirokida ishchi guruh tuzish orqali",
    "Har haftalik monitoring va joylarda oʻrganish orqali",
    "Mahalliy budjet va homiylik mablagʻlari hisobidan",
    "Tegishli vazirlik hududiy boshqarmalari bilan birgalikda",
    "Yigʻilishlarda muhokama qilib, masʼullarni belgilash orqali",
]
REPORT_TEXTS = [
    "Belgilangan chora-tadbirlar toʻliq amalga oshirildi, asoslovchi hujjatlar ilova qilindi.",
    "Ishchi guruh tomonidan joylarda oʻrganildi, aniqlangan kamchiliklar bartaraf etildi.",
    "Manzilli reja asosida ishlar bajarildi, dalolatnomalar ilova qilinmoqda.",
    "Topshiriq ijrosi taʼminlandi, natijalar hokimlik yigʻilishida muhokama qilindi.",
    "Tumanlardan kelib tushgan maʼlumotlar umumlashtirildi, ijro taʼminlandi.",
    "Rejadagi barcha tadbirlar oʻz vaqtida bajarildi, fotosuratlar va hisobot ilova qilindi.",
]
OBJECTIONS = [
    "Asoslovchi hujjatlar toʻliq emas, dalolatnomalar ilova qilinsin.",
    "Hisobotda aniq raqamlar keltirilmagan, qayta koʻrib chiqilsin.",
    "Tumanlar kesimidagi maʼlumotlar yetarli emas.",
    "Bajarilgan ishlar topshiriq mazmuniga toʻliq mos emas.",
    "Moliyalashtirish manbalari koʻrsatilmagan.",
]
HEAD_NOTES = ["Hisobot toʻliq emas, raqamlar aniqlashtirilsin.", "Asoslovchi hujjatlar ilova qilinsin."]
EXTENSION_REASONS = [
    "Pudratchi tashkilot ishlarni yakunlamadi, qoʻshimcha muddat zarur.",
    "Moliyalashtirish kechikkani sababli ishlar toʻliq yakunlanmadi.",
    "Ob-havo sharoiti tufayli qurilish ishlari toʻxtatildi.",
]
PROGRESS_TEXTS = [
    "Hisobot davrida rejadagi tadbirlar bajarildi, ishlar davom ettirilmoqda.",
    "Yarim yillik natijalar umumlashtirildi, qolgan ishlar jadval asosida olib borilmoqda.",
    "Davr mobaynida belgilangan koʻrsatkichlarga erishildi.",
]
COMMENT_TEXTS = [
    "Mahallamizda ichimlik suvi muammosi hali hal boʻlmadi.", "Yoʻllar taʼmirlandi, rahmat!",
    "Ijro muddati juda uzoq, tezlashtirish kerak.", "Bu qaror juda toʻgʻri, qoʻllab-quvvatlayman.",
    "Bizning tumanda hali hech narsa qilinmadi.", "Natijalar haqida koʻproq maʼlumot berilsa yaxshi boʻlardi.",
    "Tadbirkorlarga yordam sezilmoqda.", "Hujjat ijrosi bilan tanishdim, savollarim bor.",
]
REJECT_REASONS = ["Haqoratli soʻzlar bor.", "Hujjatga aloqasi yoʻq.", "Reklama."]
FILE_NAMES = ["hisobot.pdf", "dalolatnoma.pdf", "maʼlumotnoma.pdf", "foto-hisobot.pdf", "bayonnoma.pdf"]
WITHDRAW_REASONS = ["Hujjat oʻz kuchini yoʻqotdi.", "Topshiriq boshqa hujjat bilan qamrab olindi.",
                    "Takroriy band, boshqa topshiriq bilan birlashtirildi."]


def bench_dataset():
    """``bench/bench_dataset.py`` of this checkout (organisations and staff come from the kernel benchmark's
    generator)."""
    bench = Path(__file__).resolve().parents[4] / "bench"
    if not (bench / "bench_dataset.py").exists():
        raise CommandError(f"{bench / 'bench_dataset.py'} is missing: run generate_national from a source checkout.")
    if str(bench) not in sys.path:
        sys.path.append(str(bench))
    import bench_dataset

    return bench_dataset


# --- the timeline of a task -----------------------------------------------------------------------------

@dataclass
class _Dec:
    """One reviewer's verdict on one submission (a review round)."""

    step: int
    code: str
    org: Any
    role: str
    position: str
    submitted: datetime
    decided: datetime
    reviewer: int
    verdict: str
    reasons: str = ""
    pk: int = 0


@dataclass
class _Report:
    written: datetime
    writer: int
    decided: datetime  # confirmed or sent back by the head
    head: int
    outcome: str  # confirmed | rejected
    text: str
    note: str = ""


@dataclass
class _Sub:
    """One submission: the report(s) written for it, the head's confirmation and the chain's verdicts."""

    n: int
    reports: list[_Report]
    decisions: list[_Dec] = field(default_factory=list)

    @property
    def confirmed(self) -> datetime:
        return self.reports[-1].decided

    @property
    def confirmer(self) -> int:
        return self.reports[-1].head


@dataclass
class _A:
    pk: int
    task: Any
    parent: Any
    org: Any
    role: str
    due: datetime | None
    original_due: datetime | None
    assigned: datetime
    assigner: int
    reg: datetime = FAR
    reg_by: int | None = None
    name: datetime = FAR
    name_by: int | None = None
    person: int | None = None
    children: list = field(default_factory=list)
    subs: list[_Sub] = field(default_factory=list)
    done: datetime = FAR
    ext: dict | None = None

    @property
    def top_lead(self) -> bool:
        return self.parent is None and self.role == "lead"


@dataclass
class _T:
    pk: int
    doc: Any
    item: str
    text: str
    deadline_kind: str
    period: str
    due: datetime | None
    added: datetime
    poc: datetime
    owner: Any
    actor: int
    tw: datetime | None
    original_due: datetime | None = None
    top: list[_A] = field(default_factory=list)
    cap: datetime = FAR
    limit: datetime = FAR
    end: datetime | None = None
    closer: int | None = None
    status: str = ""


@dataclass
class _Plan:
    prep: datetime
    approved: datetime
    preparer: int
    approver: int
    assignments: list[_A] = field(default_factory=list)


# --- the generator --------------------------------------------------------------------------------------

class _Gen:
    def __init__(self, *, bd, world, rnd: random.Random, now: datetime, batch: int, log, depts: dict, regions: list,
                 seed: int):
        from nazorat.cases.kinds import registry
        from nazorat.cases.models import (
            Assignment, AssignmentStep, Attachment, Case, ExtensionRequest, NumberSequence, ReviewRound, WorkItem,
        )
        from nazorat.core.models import Event
        from nazorat.execution import kinds
        from nazorat.execution.models import (
            ControlDocument, ControlPlan, ControlPlanRow, ExecutionReport, ProgressReport, PublicComment, Task,
        )
        from nazorat.orgs.models import Membership
        from nazorat.workcalendar.calendar import OfficeHours, WorkCalendar
        from nazorat.workcalendar.deadlines import DeadlineRule

        self.M = SimpleNamespace(
            Assignment=Assignment, AssignmentStep=AssignmentStep, Attachment=Attachment, Case=Case,
            ExtensionRequest=ExtensionRequest, NumberSequence=NumberSequence, ReviewRound=ReviewRound,
            WorkItem=WorkItem, Event=Event, ControlDocument=ControlDocument, ControlPlan=ControlPlan,
            ControlPlanRow=ControlPlanRow, ExecutionReport=ExecutionReport, ProgressReport=ProgressReport,
            PublicComment=PublicComment, Task=Task, ReportFile=ExecutionReport.attachments.through,
        )
        self.kinds = kinds
        self.bd, self.w, self.rnd, self.now, self.batch, self.log, self.seed = bd, world, rnd, now, batch, log, seed
        self.depts, self.regions = depts, regions
        self.task_type = registry.get("task")
        self.cal = WorkCalendar(5)
        self.tz = timezone.get_default_timezone()
        office = OfficeHours.from_settings()
        self.office_end = office.end
        self.wd = int(office.day_length.total_seconds() // 60)
        self.step_rules = [(code, DeadlineRule.parse(rule)) for code, rule in
                           (kinds.STEP_REGISTER, kinds.STEP_NAME_EXECUTOR, kinds.STEP_APPROVE_PLAN)]
        self.review_rule = DeadlineRule.parse(self.task_type.review_rule)
        self.ids = bd.Ids()
        for model in (Assignment, AssignmentStep, Attachment, Case, ExtensionRequest, NumberSequence, ReviewRound,
                      WorkItem, Event, ControlDocument, ControlPlan, ControlPlanRow, ExecutionReport, ProgressReport,
                      PublicComment, self.M.ReportFile):
            self.ids.start(model)
        self.order = [ControlDocument, Case, Task, Assignment, AssignmentStep, ExtensionRequest, ReviewRound,
                      ExecutionReport, Attachment, self.M.ReportFile, ControlPlan, ControlPlanRow, ProgressReport,
                      PublicComment, WorkItem, Event]
        self.rows: dict = defaultdict(list)
        self.tables: dict = {}
        self.pending = 0
        self.counts: Counter = Counter()
        self.seq: Counter = Counter()
        self.numbers: Counter = Counter()
        self.user_org: dict[int, int] = {}
        self.title: dict[int, str] = {}
        self.first_deputy: dict[int, int] = {}
        for uid, org_pk, position, title in (Membership.objects.filter(is_active=True, is_primary=True)
                                             .values_list("user_id", "organisation_id", "position", "title")):
            self.user_org[uid] = org_pk
            self.title[uid] = title
            if position == "first_deputy":
                self.first_deputy.setdefault(org_pk, uid)
        self.citizens: list[int] = []
        self.plans: dict[tuple[int, int], _Plan] = {}
        self.doc_tasks: dict[int, list[_T]] = {}
        self._names: dict[int, str] = {}

    # --- rows -------------------------------------------------------------------------------------------

    def add(self, model, **values) -> None:
        self.rows[model].append(values)
        self.pending += 1

    def flush(self, force: bool = False) -> None:
        """Write what is pending, parents before children (foreign keys are checked as rows go in on
        PostgreSQL). Plain ``executemany`` of prepared tuples: ``bulk_create`` costs ~0.2 ms a row here."""
        if not force and self.pending < 100_000:
            return
        with connection.cursor() as cur:
            for model in self.order:
                rows = self.rows.pop(model, [])
                if not rows:
                    continue
                table = self.tables.get(model) or self.tables.setdefault(model, _Table(model))
                for start in range(0, len(rows), 5000):
                    cur.executemany(table.sql, [table.row(r) for r in rows[start:start + 5000]])
                self.counts[model._meta.label_lower] += len(rows)
        self.pending = 0

    def ev(self, action, at, actor, org_pk, obj_type, obj_id, case_id, payload, public=False) -> None:
        """An event as ``core.events.record`` writes it: the actor's name, position and organisation are
        snapshotted from their membership; without an actor (the worker) the organisation given."""
        if actor is not None and actor in self.user_org:
            actor_org, position = self.user_org[actor], self.title[actor]
        else:
            actor_org, position = org_pk, ""
        self.add(self.M.Event, id=self.ids(self.M.Event), occurred_at=at, actor_id=actor,
                 actor_name=self.w.user_names.get(actor, "")[:255] if actor else "", actor_position=position,
                 actor_organisation_id=actor_org, action=action, object_type=obj_type, object_id=str(obj_id),
                 case_id=case_id, payload=payload, is_public=public)

    def item(self, key, tk: _T, action, due, *, org, role="", person=None, assignment=None, opened,
             closed=None, closed_by=None) -> None:
        """A work item; its natural end (``closed``) if that happened by the task's limit, else the case's end."""
        closed, closed_by = self.cut(tk, closed, closed_by)
        self.add(self.M.WorkItem, id=self.ids(self.M.WorkItem), key=key, case_id=tk.pk, assignment_id=assignment,
                 person_id=person, organisation_id=org, role="" if person else role, action=action, due_at=due,
                 opened_at=opened, closed_at=closed, closed_by_id=closed_by if closed else None)

    def cut(self, tk: _T, when, by):
        if when is not None and when <= tk.limit:
            return when, by
        if tk.end is not None:
            return tk.end, tk.closer
        return None, None

    # --- time -------------------------------------------------------------------------------------------

    def wm(self, t: datetime, minutes) -> datetime:
        """``minutes`` of office time after ``t`` (the work calendar: weekends, holidays, lunch)."""
        return self.cal.add_working_minutes(t, max(1, int(minutes)))

    def wdays(self, t: datetime, lo: float, hi: float) -> datetime:
        return self.wm(t, self.rnd.uniform(lo, hi) * self.wd)

    def snap(self, t: datetime) -> datetime:
        return self.wm(t, self.rnd.randint(1, 40))

    def day(self, t: datetime) -> date:
        return timezone.localtime(t, self.tz).date()

    def eowd(self, d: date) -> datetime:
        """``execution.services.end_of_working_day``: the end of office hours, rolled to a working day."""
        if not self.cal.is_working_day(d):
            d = self.cal.next_working_day(d)
        return datetime.combine(d, self.office_end, tzinfo=self.tz)

    @staticmethod
    def iso(t: datetime | None):
        return t.isoformat() if t else None

    # --- people -----------------------------------------------------------------------------------------

    def cg(self, org) -> int:
        return self.rnd.choice(org.roles.get("control_group") or org.roles.get("reviewer") or [org.head])

    def executor(self, org) -> int:
        return self.bd._executor(org, self.rnd)

    def confirmer(self, org) -> int:
        fd = self.first_deputy.get(org.pk)
        return fd if fd and self.rnd.random() < 0.3 else org.head

    def controller(self, org) -> int:
        return self.rnd.choice(org.roles.get("controller") or org.roles.get("control_group") or [org.head])

    def decider(self, org) -> int:
        """Extension decisions: a controller of the owner (EXTENSION_DECIDER_ROLES: controller, signatory)."""
        return self.rnd.choice(org.roles.get("controller") or [org.head])

    def reviewer(self, org, role, position) -> int:
        if position == "head":
            return org.head
        if position == "first_deputy":
            return self.first_deputy.get(org.pk) or org.head
        return self.rnd.choice(org.roles.get(role) or org.roles.get("reviewer") or [org.head])

    # --- documents --------------------------------------------------------------------------------------

    def run(self, n_docs: int, n_tasks: int, n_citizens: int) -> None:
        self.make_citizens(n_citizens)
        rnd = self.rnd
        # Registration moments over the past two years, a little denser recently (the system grew).
        moments = sorted(self.now - timedelta(days=(730 * rnd.random() ** 1.15) if rnd.random() > 0.02
                                              else rnd.uniform(0, 4), minutes=rnd.randint(0, 900))
                         for _ in range(n_docs))
        # the newest documents came in yesterday and half an hour ago (still being put on control)
        for back, moment in zip((timedelta(days=1, hours=2), timedelta(minutes=30)), (-2, -1)):
            if len(moments) >= -moment:
                moments[moment] = self.now - back
        weights = [rnd.lognormvariate(0, 0.8) for _ in range(n_docs)]
        sizes = _apportion(n_tasks - n_docs, weights)
        started = _time.perf_counter()
        for i, (moment, extra) in enumerate(zip(moments, sizes)):
            self.rnd = random.Random(self.seed * 1_000_003 + i)  # each document its own stream
            self.document(moment, 1 + extra)
            self.flush()
            if (i + 1) % max(1, n_docs // 10) == 0:
                self.log(f"  documents: {i + 1:,} / {n_docs:,} ({_time.perf_counter() - started:.0f} s)")
        for (org_pk, year), last in sorted(self.seq.items()):
            self.add(self.M.NumberSequence, id=self.ids(self.M.NumberSequence), organisation_id=org_pk, series="task",
                     year=year, last_value=last)
        self.order.append(self.M.NumberSequence)
        self.flush(force=True)

    def make_citizens(self, n: int) -> None:
        from nazorat.accounts.models import User

        ids = self.bd.Ids()
        ids.start(User)
        rows = []
        for _ in range(n):
            uid = ids(User)
            female = self.rnd.random() < 0.45
            last = self.rnd.choice(self.bd.LAST_NAMES) + ("a" if female else "")
            first = self.rnd.choice(self.bd.FIRST_NAMES_F if female else self.bd.FIRST_NAMES_M)
            rows.append(User(id=uid, username=f"citizen{uid:06d}", first_name=first, last_name=last,
                             kind="individual", preferred_language=self.rnd.choice(self.bd.LANGUAGES),
                             password="!generated-unusable", date_joined=self.now - timedelta(days=800),
                             is_active=True, email=None, phone=None))
            self.w.user_names[uid] = f"{last} {first}"
            self.citizens.append(uid)
        User.objects.bulk_create(rows, batch_size=self.batch)
        self.counts["citizens"] = len(rows)

    def document(self, reg_at: datetime, n_tasks: int) -> None:
        from nazorat.core.search import build_search_text
        from nazorat.core.text import to_cyrillic

        rnd, w = self.rnd, self.w
        scope = rnd.choices(["national", "region", "district"], weights=[35, 45, 20])[0]
        region = rnd.choice(self.regions)
        district = rnd.choice(w.districts_of[region])
        if scope == "national":
            controller = w.republic["moj"]
            kind, issuer_code, fmt, _w = rnd.choices(NATIONAL_KINDS, weights=[k[3] for k in NATIONAL_KINDS])[0]
            issuer = w.republic[issuer_code]
        else:
            controller = w.region_hokimlik[region] if scope == "region" else w.district_hokimlik[district]
            kind, fmt, _w = rnd.choices(LOCAL_KINDS, weights=[k[2] for k in LOCAL_KINDS])[0]
            issuer = controller
        self.numbers[(issuer.pk, fmt)] += 1
        number = fmt.format(n=NUMBER_BASE.get(fmt, 0) + self.numbers[(issuer.pk, fmt)])
        reg_at = self.snap(reg_at)
        if reg_at > self.now:
            reg_at = self.now - timedelta(minutes=rnd.randint(5, 120))
        added0 = self.wm(reg_at, rnd.randint(5, 90))
        if added0 + timedelta(minutes=2 * n_tasks) > self.now:  # registered in the last minutes
            added0 = self.now - timedelta(minutes=2 * n_tasks + 1)
            reg_at = min(reg_at, added0 - timedelta(minutes=5))
        doc_date = self.day(reg_at) - timedelta(days=rnd.choice([0, 1, 2, 3, 5, 7, 10, 14]))
        uz, ru, en = rnd.choice(DOC_TITLES)
        public_p = {"national": 0.25, "region": 0.12, "district": 0.06}[scope]
        published = None
        if rnd.random() < public_p:
            published = reg_at if rnd.random() < 0.7 else self.snap(reg_at + timedelta(days=rnd.uniform(1, 40)))
            if published > self.now:
                published = None
        actor = self.controller(controller)
        doc_pk = self.ids(self.M.ControlDocument)
        doc = SimpleNamespace(pk=doc_pk, number=number, controller=controller, public=published, date=doc_date,
                              actor=actor)
        pool = self.pool(scope, controller, region, district)
        texts = [rnd.choice(TASK_TEXTS) for _ in range(n_tasks)]
        body = "\n".join(f"{i}. {t}." for i, t in enumerate(texts, start=1))
        self.add(self.M.ControlDocument, id=doc_pk, kind=kind, issuer_id=issuer.pk, number=number, date=doc_date,
                 title=uz, title_uz=uz, title_uz_cyrl=to_cyrillic(uz), title_ru=ru, title_en=en, text=body,
                 controller_id=controller.pk, is_public=published is not None, published_at=published,
                 registered_by_id=actor, registered_at=reg_at,
                 search_text=build_search_text(number, uz, to_cyrillic(uz), ru, en, body[:2000]))
        self.counts["documents_public"] += published is not None
        self.ev("document.registered", reg_at, actor, controller.pk, "execution.controldocument", doc_pk, None,
                {"kind": kind, "number": number, "date": doc_date.isoformat(), "issuer": issuer.code},
                public=published is not None and published == reg_at)
        if published is not None and published != reg_at:
            self.ev("document.published", published, self.controller(controller), controller.pk,
                    "execution.controldocument", doc_pk, None, {"public": True}, public=True)

        # --- tasks: added one after another, put on control together ------------------------------------
        poc0 = self.wdays(added0, 0.05, 2.0)
        tasks: list[_T] = []
        sub_items = rnd.random() < 0.15
        for i, text in enumerate(texts):
            item = f"{i // 3 + 1}.{i % 3 + 1}" if sub_items else str(i + 1)
            added = added0 + timedelta(minutes=2 * i)
            deadline_kind = rnd.choices(["date", "none", "periodic"], weights=[78, 10, 12])[0]
            period, due_on = "", None
            if deadline_kind == "date":
                term = rnd.choices([15, 30, 45, 60, 90, 120, 180, 270, 365, 400, 540],
                                   weights=[6, 16, 10, 14, 14, 8, 12, 6, 6, 4, 4])[0]
                due_on = max(doc_date + timedelta(days=term), self.day(added) + timedelta(days=10))
            elif deadline_kind == "periodic":
                period = rnd.choices(["monthly", "quarterly", "half_yearly"], weights=[30, 45, 25])[0]
                if rnd.random() < 0.25:
                    due_on = doc_date + timedelta(days=rnd.randint(365, 730))
            due = self.eowd(due_on) if due_on else None
            poc = poc0 + timedelta(minutes=3 * i)
            tw = None
            if rnd.random() < 0.03:
                tw = self.snap(poc + timedelta(days=rnd.uniform(3, 300)))
            tk = _T(pk=self.ids(self.M.Case), doc=doc, item=item, text=text, deadline_kind=deadline_kind,
                    period=period, due=due, added=added, poc=poc, owner=controller, actor=actor, tw=tw,
                    original_due=due)
            tk.cap = min(self.now, tw or FAR)
            tasks.append(tk)
            lead = rnd.choice(pool)
            co = []
            if len(pool) > 1 and rnd.random() < 0.25:
                co = rnd.sample([p for p in pool if p.pk != lead.pk], k=min(len(pool) - 1, rnd.choice([1, 1, 2])))
            for j, (org, role) in enumerate([(lead, "lead")] + [(c, "co_executor") for c in co]):
                a_due = due if (role == "lead" or due is None) else self.earlier(due, rnd.choice([0, 0, 1, 3, 5]),
                                                                                     poc)
                a = _A(pk=0, task=tk, parent=None, org=org, role=role, due=a_due, original_due=a_due,
                       assigned=poc + timedelta(seconds=20 * j), assigner=actor)
                tk.top.append(a)
        self.doc_tasks[doc_pk] = tasks

        # --- the cascade, level by level: steps, plans per receiving body, passing on ----------------------
        level = [a for tk in tasks for a in tk.top]
        while level:
            self.steps_and_plans(doc_pk, level)
            nxt = []
            for a in level:
                kids = self.children_for(a.org)
                if not kids:
                    continue
                start = self.wm(self.plans[(doc_pk, a.org.pk)].approved, rnd.randint(5, 90))
                if a.due is not None and a.due <= start + timedelta(days=2):
                    continue
                for k, org in enumerate(kids):
                    c_due = None if a.due is None else self.earlier(a.due, rnd.choice([0, 1, 2, 3, 5]), start)
                    c = _A(pk=0, task=a.task, parent=a, org=org, role="lead" if k == 0 else "co_executor", due=c_due,
                           original_due=c_due, assigned=start + timedelta(seconds=30 * k), assigner=self.cg(a.org))
                    a.children.append(c)
                    nxt.append(c)
            level = nxt

        # --- execution, bottom-up; then cut every task at its limit and write it ---------------------------
        for tk in tasks:
            for a in tk.top[1:]:
                self.simulate(a, tk)
            self.simulate(tk.top[0], tk)
            lead = tk.top[0]
            if lead.done <= tk.cap:
                tk.status, tk.end, tk.limit = self.kinds.REMOVED, lead.done, lead.done
                tk.closer = lead.subs[-1].decisions[-1].reviewer
            elif tk.tw is not None and tk.tw <= self.now:
                tk.status, tk.end, tk.limit, tk.closer = self.kinds.WITHDRAWN, tk.tw, tk.tw, actor
            else:
                tk.limit = self.now
                tk.status = self.status_at(tk, self.now)
        self.allocate_ids(tasks)
        for tk in tasks:
            self.write_task(tk)
        self.write_plans(doc_pk, tasks)
        if published is not None:
            self.comments(doc, tasks)

    def earlier(self, due: datetime, days: int, after: datetime) -> datetime:
        """A deadline ``days`` before ``due`` (end of that working day), never later than ``due`` and leaving
        at least two days after ``after``."""
        if not days:
            return due
        d = self.eowd(self.day(due) - timedelta(days=days))
        if d > due or d <= after + timedelta(days=2):
            return due
        return d

    def pool(self, scope, controller, region, district) -> list:
        """The bodies a document's tasks go to (each task: a lead and sometimes co-executors from the pool)."""
        rnd, w = self.rnd, self.w
        if scope == "national":
            pool = rnd.sample([w.region_hokimlik[r] for r in self.regions], k=min(len(self.regions),
                                                                                   rnd.randint(1, 5)))
            ministries = [w.republic[m[0]] for m in self.bd.MINISTRIES]
            pool += rnd.sample(ministries, k=rnd.choice([0, 1, 1, 2]))
            if rnd.random() < 0.3:
                pool.append(w.republic[rnd.choice(["finance", "digital", "culture", "sport", "tourism", "statistics"])])
            return pool
        if scope == "region":
            districts = w.districts_of[region]
            pool = [w.district_hokimlik[d] for d in rnd.sample(districts, k=min(len(districts), rnd.randint(1, 5)))]
            units = list(w.region_units[region].values())
            pool += rnd.sample(units, k=rnd.choice([0, 1, 1, 2, 3]))
            if self.depts.get(region) and rnd.random() < 0.4:
                pool.append(rnd.choice(self.depts[region]))
            return pool
        units = list(w.district_units[district].values())
        return rnd.sample(units, k=min(len(units), rnd.randint(2, 5)))

    def children_for(self, org) -> list:
        """Who a receiving body passes the task on to (only bodies under it: ``Organisation.is_within``)."""
        rnd, w = self.rnd, self.w
        if org.kind == "hokimlik" and org.level == "region":
            if rnd.random() >= 0.65:
                return []
            cands = [w.district_hokimlik[d] for d in w.districts_of[org.territory]]
            if self.depts.get(org.territory) and rnd.random() < 0.3:
                cands += self.depts[org.territory]
            return rnd.sample(cands, k=min(len(cands), rnd.choice([1, 1, 2, 3])))
        if org.level == "republic" and org.ministry:
            if rnd.random() >= 0.7:
                return []
            cands = [w.region_units[r][org.ministry] for r in self.regions]
            return rnd.sample(cands, k=min(len(cands), rnd.choice([1, 1, 2])))
        if org.level == "region" and org.kind == "ministry_unit" and org.ministry:
            if rnd.random() >= 0.5:
                return []
            cands = [w.district_units[d][org.ministry] for d in w.districts_of[org.territory]
                     if org.ministry in w.district_units.get(d, {})]
            return rnd.sample(cands, k=min(len(cands), rnd.choice([1, 1, 2]))) if cands else []
        return []

    def steps_and_plans(self, doc_pk, level) -> None:
        """The three timed steps (execution.kinds: register, name the executor, approve the control plan), due as
        the rules say from the moment of assignment; one control plan per receiving body and document, which
        completes step 3 of all its assignments at once. Some steps are late."""
        rnd = self.rnd
        (_c1, reg_rule), (_c2, name_rule), (_c3, plan_rule) = self.step_rules
        groups = defaultdict(list)
        for a in level:
            a.reg = self.step_done(a.assigned, reg_rule.due(a.assigned, self.cal), 0.08, a.assigned)
            a.reg_by = self.cg(a.org)
            a.name = self.step_done(a.assigned, name_rule.due(a.assigned, self.cal), 0.06, a.reg)
            a.name_by = self.cg(a.org)
            a.person = self.executor(a.org)
            groups[a.org.pk].append(a)
        for org_pk, group in groups.items():
            org = group[0].org
            due = min(plan_rule.due(a.assigned, self.cal) for a in group)
            after = max(a.reg for a in group) + timedelta(minutes=30)
            approved = self.step_done(max(a.assigned for a in group), due, 0.10, after)
            prep = max(after - timedelta(minutes=25), approved - timedelta(minutes=rnd.uniform(20, 300)))
            if (doc_pk, org_pk) in self.plans:  # the same body at two levels of one document (not in this tree)
                self.plans[(doc_pk, org_pk)].assignments += group
                continue
            self.plans[(doc_pk, org_pk)] = _Plan(prep=prep, approved=approved, preparer=self.cg(org),
                                                 approver=self.confirmer(org), assignments=group)

    def step_done(self, start: datetime, due: datetime, p_late: float, after: datetime) -> datetime:
        """When a timed step is done: in office hours before ``due`` (and after ``after``), or late with
        probability ``p_late``."""
        rnd = self.rnd
        if rnd.random() >= p_late:
            for _ in range(4):
                t = self.wm(start + (due - start) * rnd.uniform(0.05, 0.9), 1)
                if after < t <= due:
                    return t
        return self.wm(max(due, after), rnd.uniform(10, 2 * self.wd))

    # --- execution ----------------------------------------------------------------------------------------

    def chain_for(self, a: _A, tk: _T) -> list[tuple]:
        """``execution.kinds.chain_for`` without configured rows, as the kernel's ``_reviewer_for`` applies it:
        a nested assignment is reviewed by the body that passed it on."""
        if a.parent is not None:
            return [("parent", a.parent.org, "control_group", "", 0.08)]
        owner = tk.owner
        if owner.kind == "justice" and owner.level == "republic":
            return [("justice", owner, "controller", "", 0.12),
                    ("cabinet", self.w.republic["cabinet"], "controller", "", 0.06),
                    ("accounts_chamber", self.w.republic["accounts-chamber"], "controller", "", 0.05)]
        if owner.kind == "hokimlik":
            return [("control_group", owner, "control_group", "", 0.10),
                    ("first_deputy", owner, "", "first_deputy", 0.04), ("head", owner, "", "head", 0.03)]
        return [("controller", owner, "controller", "", 0.10)]

    def simulate(self, a: _A, tk: _T) -> None:
        rnd = self.rnd
        for c in a.children:
            self.simulate(c, tk)
        plan = self.plans[(tk.doc.pk, a.org.pk)]
        ready = self.wm(max(plan.approved, a.name), rnd.uniform(30, 2 * self.wd))
        waits = list(a.children)
        if a.top_lead:
            waits += [x for x in tk.top if x.role == "co_executor"]
        if waits:
            last = max(x.done for x in waits)
            if last >= FAR:
                return
            ready = max(ready, self.wm(last, rnd.uniform(30, 1.5 * self.wd)))
        if ready > tk.cap:
            return
        if a.top_lead and a.due is not None and rnd.random() < 0.06 and a.due > ready + timedelta(days=3):
            self.extension(a, tk, ready)
            if a.ext["decided"] <= tk.cap:
                ready = max(ready, a.ext["decided"])
        if waits:
            written = self.wm(ready, rnd.uniform(30, 2 * self.wd))
        else:
            written = self.finish(ready, a.due)
        if a.ext:  # the executor waits for the controller's decision
            written = max(written, self.wm(a.ext["decided"], rnd.uniform(30, 2 * self.wd)))
        chain = self.chain_for(a, tk)
        n = 0
        while written <= tk.cap and n < 4:
            n += 1
            reports = []
            text = rnd.choice(REPORT_TEXTS)
            writer = a.person or self.executor(a.org)
            if rnd.random() < 0.04:  # the head sends the draft back first
                back = self.wm(written, rnd.uniform(30, self.wd))
                reports.append(_Report(written, writer, back, self.confirmer(a.org), "rejected", text,
                                       rnd.choice(HEAD_NOTES)))
                written = self.wm(back, rnd.uniform(0.5, 3) * self.wd)
            confirmed = self.wm(written, rnd.uniform(15, 2 * self.wd))
            reports.append(_Report(written, writer, confirmed, self.confirmer(a.org), "confirmed", text))
            sub = _Sub(n=n, reports=reports)
            a.subs.append(sub)
            at = confirmed
            returned = False
            for step, (code, org, role, position, p_return) in enumerate(chain, start=1):
                if at > tk.cap:
                    break
                decided = (self.wm(at, rnd.uniform(30, 4 * self.wd)) if rnd.random() < 0.75
                           else self.wm(at, rnd.uniform(4, 12) * self.wd))
                verdict = "returned" if (n < 4 and rnd.random() < p_return) else "accepted"
                sub.decisions.append(_Dec(step, code, org, role, position, at, decided,
                                          self.reviewer(org, role, position), verdict,
                                          rnd.choice(OBJECTIONS) if verdict == "returned" else ""))
                if verdict == "returned":
                    returned = True
                    break
                at = decided
            if returned:
                written = self.wm(sub.decisions[-1].decided, rnd.uniform(1, 20) * self.wd)
                continue
            if len(sub.decisions) == len(chain):
                a.done = sub.decisions[-1].decided
            break

    def finish(self, ready: datetime, due: datetime | None) -> datetime:
        """When an executing body (a leaf of the cascade) writes its report: mostly before the deadline, some
        late, a few very late; tasks without a deadline run long."""
        rnd = self.rnd
        if due is None:
            return self.snap(ready + timedelta(days=rnd.uniform(45, 700)))
        r = rnd.random()
        if due > ready and r < 0.74:
            t = ready + (due - ready) * rnd.uniform(0.25, 0.97)
        elif r < 0.93:
            t = max(ready, due) + timedelta(days=rnd.uniform(1, 30))
        else:
            t = max(ready, due) + timedelta(days=rnd.uniform(30, 170))
        return self.snap(t)

    def extension(self, a: _A, tk: _T, ready: datetime) -> None:
        rnd = self.rnd
        requested = self.snap(ready + (a.due - ready) * rnd.uniform(0.3, 0.85))
        new_due = self.eowd(self.day(a.due) + timedelta(days=rnd.choice([10, 15, 20, 30, 45, 60])))
        decided = self.wdays(requested, 0.5, 5)
        granted = rnd.random() < 0.65
        a.ext = {"requested": requested, "by": a.person or self.executor(a.org), "old": a.due, "new": new_due,
                 "decided": decided, "granted": granted, "decider": self.decider(tk.owner),
                 "reasons": rnd.choice(EXTENSION_REASONS),
                 "note": "" if granted else "Asoslar yetarli emas, muddat oʻzgartirilmaydi."}
        if granted and decided <= tk.cap:
            a.due = new_due
            if tk.due is not None and new_due > tk.due:
                tk.due = new_due

    def status_at(self, tk: _T, limit: datetime) -> str:
        k = self.kinds
        if tk.poc > limit:
            return k.REGISTERED
        lead = tk.top[0]
        last = None
        for sub in lead.subs:
            if sub.confirmed <= limit:
                last = sub
        if last is not None:
            if any(d.verdict == "returned" and d.decided <= limit for d in last.decisions):
                return k.RETURNED
            return k.REPORTED
        return k.IN_PROGRESS if self.plans[(tk.doc.pk, lead.org.pk)].approved <= limit else k.ON_CONTROL

    # --- writing ------------------------------------------------------------------------------------------

    def allocate_ids(self, tasks) -> None:
        """Primary keys in creation order (parents before children), as the services would give them."""
        M = self.M
        for tk in tasks:
            for a in self.walk(tk):
                if a.assigned <= tk.limit:
                    a.pk = self.ids(M.Assignment)

    @staticmethod
    def walk(tk: _T):
        todo = list(tk.top)
        while todo:
            a = todo.pop(0)
            yield a
            todo.extend(a.children)

    def write_task(self, tk: _T) -> None:
        from nazorat.cases.services import format_number
        from nazorat.core.search import build_search_text

        M, k = self.M, self.kinds
        doc, owner, L = tk.doc, tk.owner, tk.limit
        year = timezone.localtime(tk.added, self.tz).year
        self.seq[(owner.pk, year)] += 1
        sequence = self.seq[(owner.pk, year)]
        number = format_number(self.task_type, owner, year, sequence)
        title = f"{doc.number} / {tk.item}: {tk.text}"[:500]
        original_due = tk.original_due
        self.add(M.Case, id=tk.pk, kind="task", number=number, register_id=owner.pk, year=year, sequence=sequence,
                 status=tk.status, title=title, summary=tk.text, owner_id=owner.pk, territory_id=owner.territory,
                 created_by_id=tk.actor, language="uz", opened_at=tk.added, due_at=tk.due,
                 original_due_at=original_due, deadline_rule="", closed_at=tk.end, is_public=doc.public is not None,
                 search_text=build_search_text(title, tk.text))
        on_control = tk.poc <= L
        needs = on_control and self.needs_progress(tk)
        self.add(M.Task, case_id=tk.pk, document_id=doc.pk, item=tk.item, deadline_kind=tk.deadline_kind,
                 period=tk.period, needs_progress_reports=needs, put_on_control_at=tk.poc if on_control else None)
        self.counts[f"status:{tk.status}"] += 1
        if tk.end is None and tk.due is not None and tk.due < self.now:
            self.counts["overdue_tasks"] += 1
        self.ev("case.opened", tk.added, tk.actor, owner.pk, "cases.case", tk.pk, tk.pk,
                {"number": number, "kind": "task", "status": k.REGISTERED, "due_at": self.iso(original_due),
                 "rule": ""}, public=True)
        self.ev("task.added", tk.added, tk.actor, owner.pk, "execution.task", tk.pk, tk.pk,
                {"document": doc.number, "item": tk.item, "deadline_kind": tk.deadline_kind, "period": tk.period,
                 "due_at": self.iso(original_due)}, public=True)
        if not on_control:
            return
        self.ev("case.put_on_control", tk.poc, tk.actor, owner.pk, "cases.case", tk.pk, tk.pk,
                {"from": k.REGISTERED, "to": k.ON_CONTROL}, public=True)
        for a in self.walk(tk):
            if a.assigned <= L:
                self.write_assignment(a, tk)
        if needs:
            self.progress(tk)
        if tk.status == k.WITHDRAWN:
            before = self.status_at(tk, tk.end - timedelta(microseconds=1))
            self.ev("case.withdraw", tk.end, tk.actor, owner.pk, "cases.case", tk.pk, tk.pk,
                    {"from": before, "to": k.WITHDRAWN, "reason": self.rnd.choice(WITHDRAW_REASONS)}, public=True)
            for a in self.walk(tk):
                if a.assigned <= L and a.done > L:
                    self.ev("assignment.cancelled", tk.end, tk.actor, owner.pk, "cases.assignment", a.pk, tk.pk,
                            {"organisation": a.org.code, "reason": "case_closed"})

    def needs_progress(self, tk: _T) -> bool:
        """``execution.services.needs_progress_reports`` at the moment the task was put on control."""
        if tk.deadline_kind != "date" or tk.original_due is None:
            return True
        due = self.day(tk.original_due)
        start = self.day(tk.poc)
        try:
            anniversary = start.replace(year=start.year + 1)
        except ValueError:
            anniversary = start.replace(year=start.year + 1, day=28)
        return due >= anniversary

    def write_assignment(self, a: _A, tk: _T) -> None:
        M, rnd, L = self.M, self.rnd, tk.limit
        case_id = tk.pk
        plan = self.plans[(tk.doc.pk, a.org.pk)]
        confirmed = [s for s in a.subs if s.confirmed <= L]
        if a.done <= L:
            state, completed = "done", a.done
        elif tk.end is not None:
            state, completed = "cancelled", tk.end
        elif confirmed and not any(d.verdict == "returned" and d.decided <= L for d in confirmed[-1].decisions):
            state, completed = "submitted", None
        elif a.reg <= L:
            state, completed = "in_progress", None
        else:
            state, completed = "assigned", None
        person = a.person if a.name <= L else None
        ext = a.ext if a.ext and a.ext["requested"] <= L else None
        due = a.due
        if a.ext and not (a.ext["granted"] and a.ext["decided"] <= L):
            due = a.original_due
        self.add(M.Assignment, id=a.pk, case_id=case_id, parent_id=a.parent.pk if a.parent else None,
                 organisation_id=a.org.pk, person_id=person, role=a.role, state=state, instructions="", due_at=due,
                 original_due_at=a.original_due, assigned_by_id=a.assigner, assigned_at=a.assigned,
                 accepted_at=a.reg if a.reg <= L else None,
                 submitted_at=confirmed[-1].confirmed if confirmed else None, completed_at=completed)
        self.counts[f"assignment:{state}"] += 1
        self.ev("assignment.created", a.assigned, a.assigner, (a.parent.org if a.parent else tk.owner).pk,
                "cases.assignment", a.pk, case_id,
                {"organisation": a.org.code, "organisation_name": self.org_name(a.org), "role": a.role,
                 "due_at": self.iso(a.original_due), "parent": a.parent.pk if a.parent else None}, public=True)
        # the three timed steps
        approved = plan.approved if plan.approved <= L else None
        for (code, rule), (done, by) in zip(self.step_rules, ((a.reg, a.reg_by), (a.name, a.name_by),
                                                               (approved, plan.approver))):
            step_pk = self.ids(M.AssignmentStep)
            step_due = rule.due(a.assigned, self.cal)
            done = done if done is not None and done <= L else None
            self.add(M.AssignmentStep, id=step_pk, assignment_id=a.pk, code=code, due_at=step_due, done_at=done,
                     done_by_id=by if done else None)
            self.counts["steps"] += 1
            if done and done > step_due:
                self.counts["steps_late"] += 1
            self.item(f"step:{step_pk}", tk, code, step_due, org=a.org.pk, role="control_group", assignment=a.pk,
                      opened=a.assigned, closed=done, closed_by=by)
            if not done:
                continue
            payload = {"step": code, "due_at": step_due.isoformat(), "late": done > step_due}
            if code == "register":
                self.ev("assignment.step_register", done, by, a.org.pk, "cases.assignment", a.pk, case_id, payload)
                self.ev("assignment.accepted", done, by, a.org.pk, "cases.assignment", a.pk, case_id,
                        {"organisation": a.org.code}, public=True)
            elif code == "name_executor":
                self.ev("assignment.executor_named", done, by, a.org.pk, "cases.assignment", a.pk, case_id,
                        {"person": self.w.user_names.get(a.person, ""), "unit": None})
                self.ev("assignment.step_name_executor", done, by, a.org.pk, "cases.assignment", a.pk, case_id,
                        payload)
            else:
                self.ev("assignment.step_approve_plan", done, by, a.org.pk, "cases.assignment", a.pk, case_id,
                        payload)
                if a.top_lead:
                    self.ev("case.start", done, by, tk.owner.pk, "cases.case", case_id, case_id,
                            {"from": self.kinds.ON_CONTROL, "to": self.kinds.IN_PROGRESS}, public=True)
        # what waits on the executing body until its first report goes up
        first = a.subs[0].confirmed if a.subs else None
        first_by = a.subs[0].confirmer if a.subs else None
        self.item(f"assignment:{a.pk}:execute", tk, "execute", due, org=a.org.pk, role="executor", person=person,
                  assignment=a.pk, opened=a.assigned, closed=first, closed_by=first_by)
        if ext:
            self.write_extension(a, tk, ext)
        for i, sub in enumerate(a.subs):
            nxt = a.subs[i + 1] if i + 1 < len(a.subs) else None
            self.write_submission(a, tk, sub, nxt, person, due)

    def write_extension(self, a: _A, tk: _T, ext: dict) -> None:
        M, L = self.M, tk.limit
        pk = self.ids(M.ExtensionRequest)
        decided = ext["decided"] if ext["decided"] <= L else None
        if decided:
            state = "granted" if ext["granted"] else "refused"
        elif tk.end is not None:
            state, decided = "withdrawn", tk.end
        else:
            state = "pending"
        self.add(M.ExtensionRequest, id=pk, case_id=tk.pk, assignment_id=a.pk, requested_by_id=ext["by"],
                 requested_at=ext["requested"], old_due_at=ext["old"], requested_due_at=ext["new"],
                 reasons=ext["reasons"], state=state,
                 decided_by_id=ext["decider"] if state in ("granted", "refused") else None, decided_at=decided,
                 decision_note=ext["note"] if state in ("granted", "refused") else "",
                 granted_due_at=ext["new"] if state == "granted" else None)
        self.counts[f"extension:{state}"] += 1
        self.item(f"extension:{pk}", tk, "decide_extension", ext["old"], org=tk.owner.pk, role="controller",
                  assignment=a.pk, opened=ext["requested"], closed=ext["decided"], closed_by=ext["decider"])
        self.ev("extension.requested", ext["requested"], ext["by"], a.org.pk, "cases.extensionrequest", pk, tk.pk,
                {"old_due_at": ext["old"].isoformat(), "requested_due_at": ext["new"].isoformat(),
                 "reasons": ext["reasons"]})
        if state in ("granted", "refused"):
            self.ev(f"extension.{state}", decided, ext["decider"], None, "cases.extensionrequest", pk, tk.pk,
                    {"old_due_at": ext["old"].isoformat(),
                     "new_due_at": ext["new"].isoformat() if state == "granted" else None, "note": ext["note"]},
                    public=state == "granted")
        elif state == "withdrawn":
            self.ev("extension.withdrawn", decided, tk.closer, None, "cases.extensionrequest", pk, tk.pk,
                    {"reason": "case_closed"})

    def write_submission(self, a: _A, tk: _T, sub: _Sub, nxt: _Sub | None, person, due) -> None:
        M, rnd, L, k = self.M, self.rnd, tk.limit, self.kinds
        case_id = tk.pk
        confirmed_ok = sub.confirmed <= L
        # the rounds first (the confirmed report points at the first one)
        rounds = []
        for dec in sub.decisions:
            if dec.submitted > L:
                break
            dec.pk = self.ids(M.ReviewRound)
            rounds.append(dec)
        report_rows = []
        for rep in sub.reports:
            if rep.written > L:
                break
            r_pk = self.ids(M.ExecutionReport)
            decided = rep.decided if rep.decided <= L else None
            state = rep.outcome if decided else "draft"
            self.add(M.ExecutionReport, id=r_pk, task_id=case_id, assignment_id=a.pk, text=rep.text, state=state,
                     written_by_id=rep.writer, written_at=rep.written, confirmed_by_id=rep.head if decided else None,
                     confirmed_at=decided,
                     confirmer_title=self.title.get(rep.head, "") if state == "confirmed" else "",
                     head_note=rep.note if state == "rejected" else "",
                     review_round_id=rounds[0].pk if state == "confirmed" and rounds else None)
            self.counts[f"report:{state}"] += 1
            files = 1 if rnd.random() < 0.8 else 2
            for _ in range(files):
                att_pk = self.ids(M.Attachment)
                sha = hashlib.sha256(f"{self.seed}:{att_pk}".encode()).hexdigest()
                name = rnd.choice(FILE_NAMES)
                size = rnd.randint(40_000, 2_500_000)
                self.add(M.Attachment, id=att_pk, case_id=case_id,
                         review_round_id=rounds[0].pk if state == "confirmed" and rounds else None,
                         purpose="execution_report", file=f"attachments/{rep.written:%Y/%m}/{sha[:2]}/{sha}",
                         original_name=name, content_type="application/pdf", size=size, sha256=sha,
                         uploaded_by_id=rep.writer, uploaded_at=rep.written)
                self.add(M.ReportFile, id=self.ids(M.ReportFile), executionreport_id=r_pk, attachment_id=att_pk)
                self.ev("attachment.added", rep.written, rep.writer, None, "cases.attachment", att_pk, case_id,
                        {"name": name, "type": "application/pdf", "size": size, "sha256": sha})
            self.ev("report.written", rep.written, rep.writer, a.org.pk, "execution.executionreport", r_pk, case_id,
                    {"files": files})
            head = a.org.head
            self.item(f"report:{r_pk}:confirm", tk, "confirm_report", due, org=a.org.pk, person=head,
                      role="signatory", assignment=a.pk, opened=rep.written, closed=rep.decided, closed_by=rep.head)
            report_rows.append((r_pk, rep, state))
            if state == "rejected":
                self.ev("report.sent_back", decided, rep.head, a.org.pk, "execution.executionreport", r_pk, case_id,
                        {"note": rep.note})
        if not confirmed_ok or not rounds:
            return
        r_pk, rep, _state = report_rows[-1]
        first = rounds[0]
        self.ev("result.submitted", sub.confirmed, sub.confirmer, a.org.pk, "cases.reviewround", first.pk, case_id,
                {"round": sub.n, "reviewer": first.org.code}, public=True)
        if a.top_lead:
            before = k.RETURNED if sub.n > 1 else k.IN_PROGRESS
            self.ev("case.submitted", sub.confirmed, sub.confirmer, tk.owner.pk, "cases.case", case_id, case_id,
                    {"from": before, "to": k.REPORTED}, public=True)
        self.ev("report.confirmed", sub.confirmed, sub.confirmer, a.org.pk, "execution.executionreport", r_pk, case_id,
                {"round": sub.n, "confirmer": self.title.get(sub.confirmer, "")}, public=True)
        for dec in rounds:
            decided = dec.decided if dec.decided <= L else None
            if decided:
                verdict = dec.verdict
            elif tk.end is not None:
                verdict, decided = "withdrawn", tk.end
            else:
                verdict = "pending"
            review_due = self.review_rule.due(dec.submitted, self.cal)
            self.add(M.ReviewRound, id=dec.pk, case_id=case_id, assignment_id=a.pk, number=sub.n, step=dec.step,
                     step_code=dec.code, reviewer_org_id=dec.org.pk, reviewer_role=dec.role,
                     reviewer_position=dec.position, submitted_by_id=sub.confirmer, submitted_at=dec.submitted,
                     submission=rep.text, review_due_at=review_due, verdict=verdict,
                     reasons=dec.reasons if verdict == "returned" else "",
                     decided_by_id=dec.reviewer if verdict in ("accepted", "returned") else None, decided_at=decided)
            self.counts[f"round:{verdict}"] += 1
            holder = None
            if dec.position:
                holder = dec.org.head if dec.position == "head" else self.first_deputy.get(dec.org.pk)
            self.item(f"review:{dec.pk}", tk, "review", review_due, org=dec.org.pk, role=dec.role, person=holder,
                      assignment=a.pk, opened=dec.submitted, closed=dec.decided, closed_by=dec.reviewer)
            if verdict not in ("accepted", "returned"):
                continue
            self.ev(f"review.{verdict}", decided, dec.reviewer, dec.org.pk, "cases.reviewround", dec.pk, case_id,
                    {"round": sub.n, "step": dec.step, "reasons": dec.reasons if verdict == "returned" else ""},
                    public=True)
            if verdict == "returned":
                self.item(f"assignment:{a.pk}:rework:{dec.pk}", tk, "rework", due, org=a.org.pk, role="executor",
                          person=person, assignment=a.pk, opened=decided,
                          closed=nxt.confirmed if nxt else None, closed_by=nxt.confirmer if nxt else None)
                if a.top_lead:
                    self.ev("case.returned", decided, dec.reviewer, tk.owner.pk, "cases.case", case_id, case_id,
                            {"from": k.REPORTED, "to": k.RETURNED, "reasons": dec.reasons}, public=True)
            elif dec is sub.decisions[-1] and a.done == decided:
                self.ev("assignment.completed", decided, dec.reviewer, dec.org.pk, "cases.assignment", a.pk, case_id,
                        {"organisation": a.org.code, "rounds": sub.n}, public=True)
                if a.top_lead:
                    self.ev("case.accepted", decided, dec.reviewer, tk.owner.pk, "cases.case", case_id, case_id,
                            {"from": k.REPORTED, "to": k.REMOVED}, public=True)

    def progress(self, tk: _T) -> None:
        """Progress reports (rule 21): every six months (or every period of a periodic task) from the day the task
        was put on control, scheduled when the period begins, entered by the lead executor — some late, some
        missed."""
        from nazorat.execution.models import PERIOD_MONTHS, Period

        M, rnd, L = self.M, self.rnd, tk.limit
        lead = tk.top[0]
        months = PERIOD_MONTHS[Period(tk.period)] if tk.deadline_kind == "periodic" and tk.period \
            else self.kinds.PROGRESS_MONTHS
        start = self.day(tk.poc)
        sequence = 1
        while True:
            period_start = self.cal.add_months(start, (sequence - 1) * months, roll=False)
            period_end = self.cal.add_months(start, sequence * months, roll=False)
            scheduled = tk.poc if sequence == 1 else datetime.combine(period_start, time(0, 5), tzinfo=self.tz)
            if period_start > self.day(L) or scheduled > L:
                break
            due = self.eowd(period_end)
            r = rnd.random()
            if r < 0.70:
                submitted = self.snap(max(scheduled + timedelta(hours=2), due - timedelta(days=rnd.uniform(0, 12))))
            elif r < 0.90:
                submitted = self.snap(due + timedelta(days=rnd.uniform(1, 40)))
            else:
                submitted = None
            by = lead.person or self.executor(lead.org)
            done = submitted if submitted is not None and submitted <= L else None
            pk = self.ids(M.ProgressReport)
            self.add(M.ProgressReport, id=pk, task_id=tk.pk, organisation_id=lead.org.pk, sequence=sequence,
                     period_start=period_start, period_end=period_end, due_at=due,
                     text=rnd.choice(PROGRESS_TEXTS) if done else "", submitted_by_id=by if done else None,
                     submitted_at=done)
            self.counts["progress_reports"] += 1
            if done is None and due < self.now and tk.end is None:
                self.counts["progress_overdue"] += 1
            person = lead.person if lead.name <= scheduled else None
            self.item(f"progress:{pk}", tk, "progress_report", due, org=lead.org.pk, role="executor", person=person,
                      assignment=lead.pk, opened=scheduled, closed=done, closed_by=by)
            self.ev("progress.scheduled", scheduled, None, lead.org.pk, "execution.progressreport", pk, tk.pk,
                    {"sequence": sequence, "due_at": due.isoformat()})
            if done:
                self.ev("progress.submitted", done, by, lead.org.pk, "execution.progressreport", pk, tk.pk,
                        {"sequence": sequence, "late": done > due}, public=True)
            sequence += 1

    def write_plans(self, doc_pk, tasks) -> None:
        """One control plan per receiving body and document: prepared by its control group with a row per task it
        received, approved by the head or the first deputy (or still a draft)."""
        from django.utils.translation import gettext as _

        from nazorat.execution.models import Period

        M, rnd = self.M, self.rnd
        for (d_pk, org_pk), plan in list(self.plans.items()):
            if d_pk != doc_pk:
                continue
            del self.plans[(d_pk, org_pk)]
            if plan.prep > self.now:
                continue
            rows = [a for a in plan.assignments if a.pk and a.assigned <= plan.prep
                    and (a.task.end is None or a.task.end > plan.prep)]
            if not rows:
                continue
            org = rows[0].org
            approved = plan.approved if plan.approved <= self.now else None
            pk = self.ids(M.ControlPlan)
            self.add(M.ControlPlan, id=pk, document_id=doc_pk, organisation_id=org_pk,
                     state="approved" if approved else "draft", created_by_id=plan.preparer, created_at=plan.prep,
                     approved_by_id=plan.approver if approved else None, approved_at=approved,
                     approver_title=self.title.get(plan.approver, "") if approved else "")
            self.counts[f"plan:{'approved' if approved else 'draft'}"] += 1
            rows.sort(key=lambda a: (a.task.item, a.pk))
            for i, a in enumerate(rows, start=1):
                tk = a.task
                if a.original_due:
                    deadline = f"{timezone.localtime(a.original_due, self.tz):%d.%m.%Y}"
                elif tk.deadline_kind == "periodic":
                    deadline = str(Period(tk.period).label)
                else:
                    deadline = str(_("Every six months (progress reports)"))
                self.add(M.ControlPlanRow, id=self.ids(M.ControlPlanRow), plan_id=pk, position=i, task_id=tk.pk,
                         text=f"{tk.item}. {tk.text}", mechanism=rnd.choice(MECHANISMS), deadline=deadline[:120],
                         executors=self.w.user_names.get(a.person, self.org_name(org)))
            self.ev("plan.prepared", plan.prep, plan.preparer, org_pk, "execution.controlplan", pk, None,
                    {"document": tasks[0].doc.number, "rows": len(rows)})
            if approved:
                self.ev("plan.approved", approved, plan.approver, org_pk, "execution.controlplan", pk, None,
                        {"document": tasks[0].doc.number}, public=True)

    def comments(self, doc, tasks) -> None:
        """Citizens' comments on a published document, moderated by the controlling body's staff."""
        M, rnd = self.M, self.rnd
        if not self.citizens or rnd.random() < 0.35:
            return
        for _ in range(min(60, int(rnd.expovariate(1 / 8)) + 1)):
            created = self.snap(doc.public + (self.now - doc.public) * rnd.random())
            if created > self.now:
                continue
            author = rnd.choice(self.citizens)
            opinion = rnd.choices(["support", "neutral", "against"], weights=[60, 20, 20])[0]
            task = rnd.choice(tasks) if rnd.random() < 0.3 else None
            moderated = self.wm(created, rnd.uniform(60, 3 * self.wd))
            if moderated > self.now:
                state, moderated = "pending", None
            else:
                state = rnd.choices(["published", "rejected", "pending"], weights=[78, 10, 12])[0]
                moderated = None if state == "pending" else moderated
            moderator = self.controller(doc.controller) if moderated else None
            reason = rnd.choice(REJECT_REASONS) if state == "rejected" else ""
            pk = self.ids(M.PublicComment)
            self.add(M.PublicComment, id=pk, document_id=doc.pk, task_id=task.pk if task else None, author_id=author,
                     opinion=opinion, text=rnd.choice(COMMENT_TEXTS), created_at=created, state=state,
                     moderated_by_id=moderator, moderated_at=moderated, moderation_reason=reason)
            self.counts[f"comment:{state}"] += 1
            self.ev("comment.added", created, author, doc.controller.pk, "execution.publiccomment", pk, None,
                    {"document": doc.pk, "opinion": opinion})
            if moderated:
                self.ev(f"comment.{state}", moderated, moderator, doc.controller.pk, "execution.publiccomment", pk,
                        None, {"reason": reason})

    def org_name(self, org) -> str:
        if not self._names:
            from nazorat.orgs.models import Organisation

            self._names.update(Organisation.objects.values_list("pk", "name_uz"))
        return self._names.get(org.pk, org.code)



_MISSING = object()


class _Table:
    """An INSERT of every concrete column of ``model`` and the conversion of a row (a dict by attribute name,
    missing fields taking their model default) to the parameters the database driver takes — what
    ``bulk_create`` does through ``get_db_prep_save``, without its per-value overhead."""

    def __init__(self, model):
        import json

        from django.db import models

        qn = connection.ops.quote_name
        fields = model._meta.concrete_fields
        self.attnames = [f.attname for f in fields]
        self.sql = (f"INSERT INTO {qn(model._meta.db_table)} ({', '.join(qn(f.column) for f in fields)}) "
                    f"VALUES ({', '.join(['%s'] * len(fields))})")
        self.defaults, self.converters = [], []
        sqlite = connection.vendor == "sqlite"
        for f in fields:
            if f.has_default():
                default = f.default() if f.default in (dict, list) else (_MISSING if callable(f.default)
                                                                          else f.default)
            elif f.null:
                default = None
            elif isinstance(f, (models.CharField, models.TextField)):
                default = ""
            else:
                default = _MISSING
            self.defaults.append(default)
            if isinstance(f, models.JSONField):
                if sqlite:
                    conv = json.dumps
                else:
                    from psycopg.types.json import Jsonb

                    conv = Jsonb
            elif sqlite and isinstance(f, models.DateTimeField):
                conv = _sqlite_datetime
            elif sqlite and isinstance(f, models.DateField):
                conv = date.isoformat
            else:
                conv = None
            self.converters.append(conv)
        self.model = model

    def row(self, values: dict) -> tuple:
        out = []
        for name, default, conv in zip(self.attnames, self.defaults, self.converters):
            v = values.get(name, default)
            if v is _MISSING:
                raise ValueError(f"{self.model.__name__}.{name} needs a value")
            out.append(conv(v) if conv is not None and v is not None else v)
        return tuple(out)


def _sqlite_datetime(value: datetime) -> str:
    """How Django's SQLite backend stores an aware datetime: UTC, naive, ``str()``."""
    return str(value.astimezone(dt_timezone.utc).replace(tzinfo=None))


def _apportion(total: int, weights: list[float]) -> list[int]:
    """``total`` split in proportion to ``weights`` (largest remainder), summing exactly to ``total``."""
    if total <= 0 or not weights:
        return [0] * len(weights)
    s = sum(weights)
    raw = [total * x / s for x in weights]
    out = [int(x) for x in raw]
    for i in sorted(range(len(raw)), key=lambda i: raw[i] - out[i], reverse=True)[:total - sum(out)]:
        out[i] += 1
    return out


# --- organisations and staff ------------------------------------------------------------------------------

def _territories(scale: float, rnd: random.Random):
    """All regions and districts at scale 1; otherwise a proportional subset keeping the tree's shape."""
    from nazorat.territories.models import Territory

    rows = list(Territory.objects.filter(level__in=["region", "district"]).order_by("code").values(
        "code", "level", "parent_id", "name_uz", "name_uz_cyrl", "name_ru", "name_en"))
    regions = [t for t in rows if t["level"] == "region"]
    districts = [t for t in rows if t["level"] == "district"]
    if not regions or not districts:
        raise CommandError("The territories are missing: run `python manage.py migrate` first.")
    if scale >= 1:
        return regions, districts
    chosen = sorted(rnd.sample(regions, max(1, round(len(regions) * scale))), key=lambda t: t["code"])
    want = max(2, round(len(districts) * scale))
    by_region = {r["code"]: [d for d in districts if d["parent_id"] == r["code"]] for r in chosen}
    picked = []
    while len(picked) < want and any(by_region.values()):
        for r in chosen:
            if by_region[r["code"]] and len(picked) < want:
                picked.append(by_region[r["code"]].pop(0))
    return chosen, sorted(picked, key=lambda t: t["code"])


def _departments(bd, world, n: int, regions: list[str], batch: int) -> dict[str, list]:
    """``n`` departments of regional governors' offices (under the regional hokimlik), region by region."""
    from nazorat.core.text import fold, to_cyrillic
    from nazorat.orgs.models import Organisation

    out: dict[str, list] = defaultdict(list)
    if n <= 0:
        return out
    ids = bd.Ids()
    ids.start(Organisation)
    rows = []
    for i in range(n):
        rc = regions[i % len(regions)]
        slug, uz, ru, en = DEPARTMENTS[(i // len(regions)) % len(DEPARTMENTS)]
        cycle = i // (len(regions) * len(DEPARTMENTS))
        parent = world.region_hokimlik[rc]
        pk = ids(Organisation)
        path = f"{parent.path}{pk}/"
        code = f"dept-{slug}-{rc}" + (f"-{cycle + 1}" if cycle else "")
        name_uz = f"Hokimlik {uz} ({rc})"
        names = (name_uz, to_cyrillic(name_uz), f"{ru[:1].upper()}{ru[1:]} хокимията ({rc})", f"{en} ({rc})")
        rows.append(Organisation(
            id=pk, code=code, name=names[0], name_uz=names[0], name_uz_cyrl=names[1], name_ru=names[2],
            name_en=names[3], kind="hokimlik_department", level="region", sector="general", territory_id=rc,
            parent_id=parent.pk, path=path, depth=path.count("/") - 1, work_week=5,
            search_text=fold(" ".join(names))))
        org = bd.Org(pk=pk, code=code, kind="hokimlik_department", level="region", path=path, territory=rc)
        world.orgs[pk] = org
        out[rc].append(org)
    Organisation.objects.bulk_create(rows, batch_size=batch)
    return out


STAFF_FLOOR = {"hokimlik": 6, "justice": 6, "digital_department": 4, "peoples_reception": 2}


def _staff_sizes(bd, world, target: int, fixed: dict[int, int]) -> dict[int, int]:
    """Head counts per body summing to ``target`` where the floors allow: bench_dataset's sizes, then the
    largest bodies shrink (or every body grows) one person at a time."""
    sizes = {pk: fixed.get(pk) or bd._staff_plan(org)[0] for pk, org in world.orgs.items()}
    floors = {pk: (10 if org.kind == "hokimlik" and org.level == "region" else STAFF_FLOOR.get(org.kind, 3))
              for pk, org in world.orgs.items()}
    diff = target - sum(sizes.values())
    if diff > 0:
        order = sorted(sizes, key=lambda pk: (-sizes[pk], pk))
        for i in range(diff):
            sizes[order[i % len(order)]] += 1
    elif diff < 0:
        heap = [(-n, pk) for pk, n in sizes.items() if n > floors[pk]]
        heapq.heapify(heap)
        while diff < 0 and heap:
            n, pk = heapq.heappop(heap)
            sizes[pk] = -n - 1
            diff += 1
            if sizes[pk] > floors[pk]:
                heapq.heappush(heap, (-sizes[pk], pk))
    return sizes


def _chain_controllers(bd, world, batch: int) -> int:
    """The Cabinet and the Accounts Chamber review at steps 2 and 3 of the national chain (role ``controller``);
    the kernel benchmark's staffing gives them none, so their head of unit and a few specialists get the role."""
    from nazorat.orgs.models import Membership, RoleGrant

    grants = []
    ids = bd.Ids()  # explicit keys: PostgreSQL's sequence is behind the bulk-loaded rows until the end
    ids.start(RoleGrant)
    for code in ("cabinet", "accounts-chamber"):
        org = world.republic[code]
        members = list(Membership.objects.filter(organisation_id=org.pk, is_primary=True)
                       .exclude(position="head").order_by("pk").values_list("pk", "user_id")[:4])
        for m_pk, uid in members:
            grants.append(RoleGrant(id=ids(RoleGrant), membership_id=m_pk, role="controller"))
            org.roles["controller"].append(uid)
    RoleGrant.objects.bulk_create(grants, batch_size=batch)
    return len(grants)


# --- entry points -------------------------------------------------------------------------------------------

def generate(*, scale: float = 1.0, seed: int = 2026, now: datetime | None = None, log=print) -> dict:
    """Fill the database; returns the summary (counts, seconds, and ids the benchmark picks its subjects from)."""
    from nazorat.accounts.models import User
    from nazorat.core.text import fold
    from nazorat.execution.models import ControlDocument
    from nazorat.orgs.models import Organisation

    if not 0 < scale <= 4:
        raise CommandError("--scale must be more than 0 and at most 4.")
    if ControlDocument.objects.exists():
        raise CommandError("This database already has control documents; generate_national only fills a freshly "
                           "migrated database (create an empty one, migrate it, and run the command there).")
    bd = bench_dataset()
    started = _time.perf_counter()
    rnd = random.Random(seed)
    now = now or timezone.now()
    targets = {k: max(1, round(v * scale)) for k, v in TARGETS.items()}
    targets["tasks"] = max(targets["tasks"], targets["documents"])
    batch = 2000 if connection.vendor == "postgresql" else 500
    regions, districts = _territories(scale, rnd)
    world = bd.World(now=now)
    for d in districts:
        world.districts_of[d["parent_id"]].append(d["code"])
    taken = set(Organisation.objects.filter(code__in=["moj", "cabinet", f"hok-{regions[0]['code']}"])
                .values_list("code", flat=True))
    if taken:
        raise CommandError(f"This database already has the generated organisations ({', '.join(sorted(taken))}); "
                           "run generate_national on a freshly migrated database.")
    log(f"generate_national: scale {scale}, seed {seed}, {len(regions)} regions, {len(districts)} districts")
    with transaction.atomic():
        if connection.vendor == "postgresql":
            with connection.cursor() as cur:  # check foreign keys as rows go in, not all at commit
                cur.execute("SET CONSTRAINTS ALL IMMEDIATE")
        bd._build_orgs(world, rnd, regions, districts, fold, batch, log)
        region_codes = [r["code"] for r in regions]
        depts = _departments(bd, world, targets["organisations"] - len(world.orgs), region_codes, batch)
        fixed = {o.pk: 3 for ds in depts.values() for o in ds}
        bd._build_people(world, rnd, batch, log, sizes=_staff_sizes(bd, world, targets["staff"], fixed))
        _chain_controllers(bd, world, batch)
        gen = _Gen(bd=bd, world=world, rnd=rnd, now=now, batch=batch, log=log, depts=depts, regions=region_codes,
                   seed=seed)
        n_citizens = max(5, round(CITIZENS * scale))
        gen.run(targets["documents"], targets["tasks"], n_citizens)
    bd._reset_sequences(("orgs", "accounts", "cases", "core", "execution"))
    seconds = round(_time.perf_counter() - started, 1)
    c = gen.counts
    summary = {
        "scale": scale, "seed": seed, "seconds": seconds, "now": now.isoformat(),
        "organisations": Organisation.objects.count(),
        "staff": User.objects.filter(kind="staff", memberships__is_active=True).distinct().count(),
        "citizens": c["citizens"],
        "documents": c["execution.controldocument"], "documents_public": c["documents_public"],
        "tasks": c["execution.task"],
        "statuses": {s: c[f"status:{s}"] for s in ("registered", "on_control", "in_progress", "reported", "returned",
                                                    "removed", "withdrawn")},
        "overdue_tasks": c["overdue_tasks"],
        "assignments": c["cases.assignment"], "steps": c["steps"], "steps_late": c["steps_late"],
        "control_plans": c["execution.controlplan"], "plan_rows": c["execution.controlplanrow"],
        "review_rounds": c["cases.reviewround"], "rounds_returned": c["round:returned"],
        "rounds_pending": c["round:pending"],
        "execution_reports": c["execution.executionreport"], "reports_draft": c["report:draft"],
        "extension_requests": c["cases.extensionrequest"], "extensions_pending": c["extension:pending"],
        "progress_reports": c["progress_reports"], "progress_overdue": c["progress_overdue"],
        "public_comments": c["execution.publiccomment"],
        "work_items": c["cases.workitem"],
        "work_items_open": _open_items(),
        "events": c["core.event"],
        "moj": world.republic["moj"].pk,
    }
    return summary


def _open_items() -> int:
    from nazorat.cases.models import WorkItem

    return WorkItem.objects.open().filter(case__kind="task").count()


def verify() -> dict[str, int]:
    """Violations of what the services guarantee, counted over the execution data (all 0 expected)."""
    from django.db.models import Exists, F, Max, OuterRef, Q

    from nazorat.cases.models import Assignment, Case, NumberSequence, ReviewRound, WorkItem
    from nazorat.execution import kinds
    from nazorat.execution.models import Task

    tasks = Case.objects.filter(kind="task")
    last_steps = ("accounts_chamber", "head", "controller")
    accepted_last = ReviewRound.objects.filter(case=OuterRef("pk"), verdict="accepted", step_code__in=last_steps,
                                               assignment__parent__isnull=True, assignment__role="lead")
    pending_lead = ReviewRound.objects.filter(case=OuterRef("pk"), verdict="pending", assignment__parent__isnull=True,
                                              assignment__role="lead")
    last = {(o, y): v for o, y, v in NumberSequence.objects.filter(series="task")
            .values_list("organisation_id", "year", "last_value")}
    tops = tasks.values("register_id", "year").annotate(top=Max("sequence"))
    return {
        "task_without_task_case": Task.objects.exclude(case__kind="task").count()
        + tasks.filter(task__isnull=True).count(),
        "status_outside_task_statuses": tasks.exclude(status__in=[*kinds.OPEN_STATUSES, kinds.REMOVED,
                                                                  kinds.WITHDRAWN]).count(),
        "closed_status_without_closed_at": tasks.filter(status__in=[kinds.REMOVED, kinds.WITHDRAWN],
                                                        closed_at__isnull=True).count(),
        "open_status_with_closed_at": tasks.filter(status__in=kinds.OPEN_STATUSES, closed_at__isnull=False).count(),
        "removed_without_accepted_last_round": tasks.filter(status=kinds.REMOVED).exclude(Exists(accepted_last))
        .count(),
        "reported_without_pending_round": tasks.filter(status=kinds.REPORTED).exclude(Exists(pending_lead)).count(),
        "pending_round_not_reported": tasks.exclude(status=kinds.REPORTED).filter(Exists(pending_lead)).count(),
        "open_work_items_of_closed_cases": WorkItem.objects.open().filter(case__closed_at__isnull=False).count(),
        "open_items_of_finished_assignments": WorkItem.objects.open().filter(
            assignment__state__in=["done", "cancelled"]).exclude(action="decide_extension").count(),
        "open_assignments_of_closed_cases": Assignment.objects.open().filter(case__closed_at__isnull=False).count(),
        "pending_rounds_of_closed_cases": ReviewRound.objects.filter(verdict="pending",
                                                                     case__closed_at__isnull=False).count(),
        "child_due_after_parent": Assignment.objects.filter(parent__isnull=False,
                                                            due_at__gt=F("parent__due_at")).count(),
        "top_level_due_after_case": Assignment.objects.filter(case__kind="task", parent__isnull=True,
                                                              due_at__gt=F("case__due_at")).count(),
        "number_sequences": sum(1 for row in tops if last.get((row["register_id"], row["year"])) != row["top"]),
        "duplicate_numbers": tasks.count() - tasks.values("number").distinct().count(),
        "closed_before_opened": tasks.filter(Q(closed_at__lt=F("opened_at"))).count(),
    }


class Command(BaseCommand):
    help = ("Generate a national-scale execution-control data set (3,105 organisations, 17,539 staff, 3,024 "
            "documents, 25,238 tasks at --scale 1) into a freshly migrated database.")

    def add_arguments(self, parser):
        parser.add_argument("--scale", type=float, default=1.0,
                            help="fraction of the national size (default 1.0; e.g. 0.02 for a quick data set)")
        parser.add_argument("--seed", type=int, default=2026, help="random seed (default 2026)")
        parser.add_argument("--no-verify", action="store_true", help="skip the consistency check at the end")

    def handle(self, *args, scale, seed, no_verify=False, **options):
        out = self.stdout

        def log(msg):
            out.write(msg)
            out.flush()

        s = generate(scale=scale, seed=seed, log=log)
        st = s["statuses"]
        lines = [
            f"National execution-control data set (scale {s['scale']}, seed {s['seed']}) generated in "
            f"{s['seconds']} s:",
            f"  organisations        {s['organisations']:>9,}",
            f"  staff                {s['staff']:>9,}  (users with memberships; plus {s['citizens']:,} citizens)",
            f"  control documents    {s['documents']:>9,}  ({s['documents_public']:,} public, "
            f"{s['public_comments']:,} comments)",
            f"  tasks                {s['tasks']:>9,}  " + ", ".join(f"{k} {v:,}" for k, v in st.items()),
            f"  overdue tasks        {s['overdue_tasks']:>9,}",
            f"  assignments          {s['assignments']:>9,}  ({s['steps']:,} timed steps, {s['steps_late']:,} done "
            f"late; {s['control_plans']:,} control plans)",
            f"  review rounds        {s['review_rounds']:>9,}  ({s['rounds_returned']:,} returned, "
            f"{s['rounds_pending']:,} pending)",
            f"  execution reports    {s['execution_reports']:>9,}  ({s['reports_draft']:,} awaiting the head)",
            f"  progress reports     {s['progress_reports']:>9,}  ({s['progress_overdue']:,} overdue)",
            f"  extension requests   {s['extension_requests']:>9,}  ({s['extensions_pending']:,} pending)",
            f"  work items           {s['work_items']:>9,}  ({s['work_items_open']:,} open)",
            f"  events               {s['events']:>9,}",
        ]
        for line in lines:
            log(line)
        if not no_verify:
            bad = {k: v for k, v in verify().items() if v}
            log("  consistency check: " + ("all invariants hold" if not bad else f"VIOLATIONS {bad}"))
            if bad:
                raise CommandError(f"Generated data breaks invariants: {bad}")
