#!/usr/bin/env python
"""Benchmarks of the case kernel at national scale, on a throwaway database.

    DJANGO_SETTINGS_MODULE=nazorat.settings .venv/bin/python bench/kernel.py [--cases N] [--database-url URL]

Without --database-url: a temporary SQLite file (NAZORAT_VAR_DIR points at a temporary directory before
Django starts, so var/ is never touched). With --database-url postgres://user@host:port/db: a fresh database
``nazorat_bench_<pid>`` is created on that server, used and dropped afterwards.

It migrates, bulk-loads ≈2,900 organisations, ≈17,500 staff with memberships and roles, N letters with
assignments, review rounds, work items and events (bench_dataset.py), then measures the inbox, the case
list, the case and inbox pages, the deadline sweep and number allocation, reads the query plans, prints a
table and writes bench/out/<timestamp>-<vendor>.json. See docs/performance.md.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import shutil
import statistics
import sys
import tempfile
import threading
import time
from datetime import datetime, timezone as dt_timezone
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

BENCH_DIR = Path(__file__).resolve().parent
ROOT = BENCH_DIR.parent
sys.path[:0] = [str(ROOT), str(BENCH_DIR)]

# Settings that would reach real services are cleared: the benchmark talks to its own database only.
CLEARED_ENV = ("DATABASE_URL", "REDIS_URL", "HUEY_STORAGE", "EMAIL_HOST", "S3_BUCKET", "NAZORAT_SMS_BACKEND",
               "NAZORAT_MEDIA_ROOT", "DJANGO_DEBUG", "OIDC_ENABLED")


def parse_args(argv=None):
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--cases", type=int, default=20000, help="letters to generate (default 20000)")
    p.add_argument("--database-url", default="",
                   help="PostgreSQL server to create the throwaway database on, e.g. "
                        "postgres://postgres@127.0.0.1:5432/postgres (default: a temporary SQLite file)")
    p.add_argument("--runs", type=int, default=20, help="timed runs per read measurement (default 20)")
    p.add_argument("--open-cases", type=int, default=500, help="cases opened through case_open (default 500)")
    p.add_argument("--seed", type=int, default=2026)
    p.add_argument("--no-what-if", action="store_true",
                   help="skip the what-if measurements (candidate index and query changes, applied to the "
                        "throwaway database only)")
    p.add_argument("--skip-sweep", action="store_true",
                   help="leave out the deadline sweep (for quick scaling runs of the read side)")
    p.add_argument("--keep", action="store_true", help="keep the database afterwards (prints where it is)")
    p.add_argument("--out", default=str(BENCH_DIR / "out"), help="directory for the JSON results")
    return p.parse_args(argv)


# --- throwaway databases ----------------------------------------------------------------------------------

def pg_create(admin_url: str) -> tuple[str, str]:
    import psycopg

    name = f"nazorat_bench_{os.getpid()}"
    with psycopg.connect(admin_url, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}"')
        conn.execute(f'CREATE DATABASE "{name}"')
    parts = urlsplit(admin_url)
    return urlunsplit(parts._replace(path=f"/{name}")), name


def pg_drop(admin_url: str, name: str) -> None:
    import psycopg

    with psycopg.connect(admin_url, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def log(msg: str) -> None:
    print(msg, flush=True)


# --- the run ----------------------------------------------------------------------------------------------

def main(argv=None) -> int:
    args = parse_args(argv)
    tmp = tempfile.mkdtemp(prefix="nazorat-bench-")
    for var in CLEARED_ENV:
        os.environ.pop(var, None)
    os.environ["NAZORAT_VAR_DIR"] = tmp  # before django.setup(): settings create and use VAR_DIR
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "nazorat.settings")
    pg_name = None
    if args.database_url:
        db_url, pg_name = pg_create(args.database_url)
        os.environ["DATABASE_URL"] = db_url
        log(f"database: PostgreSQL {pg_name} (created on {urlsplit(args.database_url).hostname})")
    else:
        log(f"database: SQLite in {tmp}")
    try:
        return run(args, tmp)
    finally:
        try:
            from django.db import connections

            connections.close_all()
        except Exception:  # noqa: BLE001 - Django may not have started
            pass
        if args.keep:
            log(f"kept: {pg_name or tmp}")
        else:
            if pg_name:
                pg_drop(args.database_url, pg_name)
                log(f"dropped database {pg_name}")
            shutil.rmtree(tmp, ignore_errors=True)


def run(args, tmp: str) -> int:
    import django

    django.setup()
    from django.conf import settings
    from django.core.management import call_command
    from django.db import connection

    import bench_dataset
    import bench_measure as bm

    vendor = connection.vendor
    started = datetime.now(dt_timezone.utc).isoformat(timespec="seconds")
    phases = {"load_average_at_start": [round(x, 2) for x in os.getloadavg()]}
    t0 = time.perf_counter()
    call_command("migrate", interactive=False, verbosity=0)
    call_command("createcachetable", verbosity=0)
    phases["migrate_s"] = round(time.perf_counter() - t0, 1)
    log(f"migrated in {phases['migrate_s']} s; generating {args.cases} letters …")
    t0 = time.perf_counter()
    world = bench_dataset.build(cases=args.cases, seed=args.seed, log=log)
    phases["generate_s"] = round(time.perf_counter() - t0, 1)
    invariants = bench_dataset.verify()
    log(f"invariant violations (all 0 expected): {invariants}")
    t0 = time.perf_counter()
    bench_dataset.analyze()
    phases["analyze_s"] = round(time.perf_counter() - t0, 1)
    log(f"generated in {phases['generate_s']} s, ANALYZE {phases['analyze_s']} s")

    subjects = pick_subjects(world)
    log("subjects: " + ", ".join(f"{k}={v}" for k, v in subjects.items() if not isinstance(v, dict)))
    results: list[bm.Result] = []
    results += read_side(args, subjects)
    results += pages(args, subjects)
    if not args.skip_sweep:
        results += sweeps(args)
    results += numbering(args, subjects)
    plans = query_plans(results)
    if not args.no_what_if:  # last: it changes indexes of the throwaway database
        extra = what_if(args, subjects, results)
        plans += query_plans(extra)
        results += extra

    env = environment(vendor, settings)
    env.update(phases)
    report = {
        "started": started,
        "finished": datetime.now(dt_timezone.utc).isoformat(timespec="seconds"),
        "environment": env,
        "parameters": {"cases": args.cases, "runs": args.runs, "seed": args.seed, "open_cases": args.open_cases,
                       "what_if": not args.no_what_if, "sweep": not args.skip_sweep},
        "data": dict(world.counts) | {"rows": table_rows(), "invariant_violations": invariants},
        "subjects": subjects,
        "results": [r.as_dict() for r in results],
        "plans": plans,
    }
    print_table(report)
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    stamp = datetime.now(dt_timezone.utc).strftime("%Y%m%dT%H%M%SZ")
    path = out / f"{stamp}-{vendor}-{args.cases}.json"
    path.write_text(json.dumps(report, indent=2, ensure_ascii=False, default=str), encoding="utf-8")
    log(f"\nresults written to {path}")
    return 0


def environment(vendor, settings) -> dict:
    import django
    from django.db import connection

    env = {
        "vendor": vendor, "python": platform.python_version(), "django": django.get_version(),
        "load_average_at_end": [round(x, 2) for x in os.getloadavg()], "code": _code_version(),
        "machine": platform.machine(), "cpus": os.cpu_count(), "platform": platform.platform(),
        "cpu_model": _cpu_model(), "settings": os.environ.get("DJANGO_SETTINGS_MODULE"),
    }
    with connection.cursor() as cur:
        if vendor == "sqlite":
            import sqlite3

            env["sqlite"] = sqlite3.sqlite_version
            db = Path(settings.DATABASES["default"]["NAME"])
            env["database_bytes"] = sum(p.stat().st_size for p in db.parent.glob(db.name + "*"))
        else:
            cur.execute("SELECT version(), pg_database_size(current_database())")
            env["postgresql"], env["database_bytes"] = cur.fetchone()
            cur.execute("SHOW shared_buffers")
            env["shared_buffers"] = cur.fetchone()[0]
    return env


def _code_version() -> dict:
    """The commit measured and whether the working tree differed from it (read-only git)."""
    import subprocess

    def git(*a):
        try:
            return subprocess.run(["git", *a], cwd=ROOT, capture_output=True, text=True, timeout=10).stdout.strip()
        except (OSError, subprocess.SubprocessError):
            return ""

    changed = [line for line in git("status", "--porcelain", "--untracked-files=no").splitlines() if line]
    return {"commit": git("rev-parse", "--short", "HEAD"), "modified_tracked_files": len(changed)}


def _cpu_model() -> str:
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor()


def table_rows() -> dict:
    from nazorat.accounts.models import User
    from nazorat.cases.models import Assignment, Case, WorkItem
    from nazorat.core.models import Event
    from nazorat.notifications.models import Notification
    from nazorat.orgs.models import Membership, Organisation, RoleGrant

    return {m._meta.label_lower: m.objects.count()
            for m in (Organisation, User, Membership, RoleGrant, Case, Assignment, WorkItem, Event, Notification)}


# --- who is measured --------------------------------------------------------------------------------------

def pick_subjects(world) -> dict:
    """The busiest district governor's office and its most loaded executor; the regional Justice
    controller and the regional control group of the region with the most letters; a letter of that
    region with the most executors (for the case page)."""
    from django.db.models import Count

    from nazorat.cases.models import Case, WorkItem

    busiest = (WorkItem.objects.open().filter(organisation__level="district", organisation__kind="hokimlik",
                                              person__isnull=True)
               .values("organisation_id").annotate(n=Count("id")).order_by("-n", "organisation_id").first())
    org = world.orgs[busiest["organisation_id"]]
    executors = [u for u in org.roles["executor"] if u not in org.roles.get("signatory", [])]
    personal = dict(WorkItem.objects.open().filter(person_id__in=executors).values("person_id")
                    .annotate(n=Count("id")).values_list("person_id", "n"))
    executor = max(executors, key=lambda u: (personal.get(u, 0), -u))
    region = max(world.cases_per_region, key=lambda r: (world.cases_per_region[r], r))
    justice = world.region_justice[region]
    hokimlik = world.region_hokimlik[region]
    controller = justice.roles["controller"][0]
    control_group = hokimlik.roles["control_group"][0]
    case = (Case.objects.filter(owner_id=hokimlik.pk).annotate(n=Count("assignments"))
            .order_by("-n", "-id").values_list("pk", flat=True).first())
    return {
        "district_office": org.code, "district_office_id": org.pk, "executor_id": executor,
        "executor_personal_items": personal.get(executor, 0), "region": region,
        "regional_controller_id": controller, "regional_control_group_id": control_group,
        "regional_hokimlik_id": hokimlik.pk, "case_id": case,
    }


def _user(pk):
    from nazorat.accounts.models import User

    return lambda: User.objects.get(pk=pk)  # a fresh object per run: no StaffScope cached on it


# --- reads ------------------------------------------------------------------------------------------------

def inbox(user) -> dict:
    """What the inbox page asks of the selectors: the first page of 50 and the three counts."""
    from nazorat.cases.selectors import inbox_counts, inbox_for

    page = list(inbox_for(user)[:50])
    return {"page_rows": len(page), **inbox_counts(user)}


def case_list(user, q=None) -> dict:
    """What the case list page asks: the count (Paginator asks it first) and the first page of 50."""
    from nazorat.cases.selectors import cases_visible_to
    from nazorat.core.search import search

    qs = cases_visible_to(user)
    if q:
        qs = search(qs, q)
    qs = qs.order_by("-opened_at", "-id")
    total = qs.count()
    page = list(qs[:50])
    return {"page_rows": len(page), "total": total}


def read_side(args, s) -> list:
    import bench_measure as bm

    out = [
        bm.measure("inbox_for + inbox_counts", "district executor: first page of 50 + 3 counts (selectors)",
                   inbox, setup=_user(s["executor_id"]), runs=args.runs),
        bm.measure("cases_visible_to (controller)", "regional Justice controller: count + first page of 50",
                   case_list, setup=_user(s["regional_controller_id"]), runs=args.runs),
        bm.measure("cases_visible_to (control group)", "regional control group (hokimlik subtree): count + page",
                   case_list, setup=_user(s["regional_control_group_id"]), runs=args.runs),
        bm.measure("case search 'suv' (controller)", "controller's case list filtered by core.search",
                   lambda u: case_list(u, "suv"), setup=_user(s["regional_controller_id"]), runs=args.runs),
    ]
    for r in out:
        log(f"  {r.name}: median {r.median_ms} ms, p95 {r.p95_ms} ms, {r.queries} queries {r.extra}")
    return out


def pages(args, s) -> list:
    import bench_measure as bm
    from django.test import Client

    from nazorat.accounts.models import User

    def page(client, url):
        def fn(_):
            resp = client.get(url)
            assert resp.status_code == 200, (url, resp.status_code)
            return {"status": resp.status_code, "bytes": len(resp.content)}
        return fn

    controller = Client()
    controller.force_login(User.objects.get(pk=s["regional_controller_id"]))
    executor = Client()
    executor.force_login(User.objects.get(pk=s["executor_id"]))
    out = [
        bm.measure("GET /cases/<pk>/", "case page (regional controller), Django test Client",
                   page(controller, f"/cases/{s['case_id']}/"), runs=args.runs),
        bm.measure("GET /inbox/", "inbox page (district executor), Django test Client",
                   page(executor, "/inbox/"), runs=args.runs),
        bm.measure("GET /cases/", "case list page (regional controller), Django test Client",
                   page(controller, "/cases/"), runs=args.runs),
    ]
    for r in out:
        log(f"  {r.name}: median {r.median_ms} ms, p95 {r.p95_ms} ms, {r.queries} queries")
    return out


# --- the deadline sweep -----------------------------------------------------------------------------------

def sweeps(args) -> list:
    import bench_measure as bm
    from django.db.models import Count
    from django.utils import timezone
    from huey.contrib.djhuey import HUEY

    from nazorat.cases import sweeps as sweeps_module
    from nazorat.cases.models import WorkItem
    from nazorat.cases.sweeps import sweep_deadlines
    from nazorat.core.models import Event
    from nazorat.notifications.models import Notification

    now = timezone.now()
    window = timezone.timedelta(hours=24)
    due_soon = WorkItem.objects.open().filter(due_at__gt=now, due_at__lte=now + window).count()
    overdue = WorkItem.objects.open().filter(due_at__lte=now).count()
    out = []
    for label in ("first", "second"):
        n0, e0, h0 = Notification.objects.count(), Event.objects.count(), HUEY.pending_count()
        with bm.QueryCounter() as qc, bm.Stopwatches() as sw:
            # where the time goes: who to tell, writing the outbox, handing delivery tasks to the queue
            # (whichever of these the sweep module has: it is being reworked while this is written)
            for name in ("_addressees", "_heads"):
                sw.wrap(sweeps_module, name, "addressee lookups")
            sw.wrap(getattr(sweeps_module, "_People", None), "__init__", "addressee lookups")
            sw.wrap(sweeps_module, "notify_user", "outbox writes (notify_user)")
            sw.wrap(HUEY.storage, "enqueue", "queue writes (huey, after commit)")
            sw.wrap(HUEY.storage, "put_data", "queue writes (huey, after commit)")
            t0 = time.perf_counter()
            result = sweep_deadlines()
            elapsed = time.perf_counter() - t0
        n1, e1, h1 = Notification.objects.count(), Event.objects.count(), HUEY.pending_count()
        by_channel = dict(Notification.objects.values_list("channel").annotate(n=Count("id")).order_by())
        r = bm.Result(
            name=f"sweep_deadlines ({label} run)",
            what="whole data set; reminders 24 h ahead, escalations of everything overdue" if label == "first"
            else "again at once: nothing left to send (idempotent)",
            runs=1, median_ms=round(elapsed * 1000, 1), p95_ms=round(elapsed * 1000, 1), queries=qc.count,
            db_ms=round(qc.seconds * 1000, 1),
            extra={"reminders": result.reminders, "escalations": result.escalations,
                   "work_items_due_within_24h": due_soon if label == "first" else None,
                   "work_items_overdue": overdue if label == "first" else None,
                   "notifications_created": n1 - n0, "events_created": e1 - e0, "tasks_enqueued": h1 - h0,
                   "notifications_by_channel": by_channel if label == "first" else None,
                   "time_split_ms": sw.totals_ms()},
        )
        if label == "first" and (overdue or due_soon):
            r.extra["ms_per_work_item"] = round(elapsed * 1000 / (overdue + due_soon), 2)
            r.extra["queries_per_work_item"] = round(qc.count / (overdue + due_soon), 1)
            r.extra["notifications_per_overdue_item"] = round(result.escalations / overdue, 1) if overdue else None
        out.append(r)
        log(f"  {r.name}: {r.median_ms} ms, {r.queries} queries, {r.extra}")
    idle = bm.measure("sweep_deadlines (idle)", "a sweep with nothing due: the periodic cost every 5 minutes",
                      lambda _: sweep_deadlines().__dict__, runs=args.runs)
    log(f"  {idle.name}: median {idle.median_ms} ms, {idle.queries} queries")
    out.append(idle)
    return out


# --- numbers ----------------------------------------------------------------------------------------------

def numbering(args, s) -> list:
    import bench_measure as bm
    from django.db import connection, connections, transaction
    from django.test.utils import CaptureQueriesContext
    from django.utils import timezone

    from nazorat.accounts.models import User
    from nazorat.cases.models import Case, NumberSequence
    from nazorat.cases.services import allocate_number, case_open
    from nazorat.orgs.models import Organisation
    from nazorat.territories.models import Territory

    owner = Organisation.objects.get(pk=s["regional_hokimlik_id"])
    actor = User.objects.get(pk=s["regional_control_group_id"])
    territory = Territory.objects.get(pk=s["region"])
    year = timezone.localtime().year
    seq = NumberSequence.objects.filter(organisation=owner, series="letter", year=year).first()
    before = seq.last_value if seq else 0
    out = []

    # 1. case_open, one transaction each, as a web request would
    times = []
    pks = []
    t_all = time.perf_counter()
    for i in range(args.open_cases):
        t0 = time.perf_counter()
        case = case_open(kind="letter", actor=actor, owner=owner, territory=territory,
                         title=f"Benchmark xati {i + 1}", summary="Ijro uchun yuboriladi.")
        times.append((time.perf_counter() - t0) * 1000)
        pks.append(case.pk)
    total = time.perf_counter() - t_all
    with CaptureQueriesContext(connection) as ctx:
        case_open(kind="letter", actor=actor, owner=owner, territory=territory, title="Benchmark xati (queries)")
    sequences = list(Case.objects.filter(pk__in=pks).order_by("sequence").values_list("sequence", flat=True))
    gap_free = sequences == list(range(before + 1, before + args.open_cases + 1))
    out.append(bm.Result(
        name=f"case_open × {args.open_cases}", what="serial, one transaction each (control group of the owner)",
        runs=args.open_cases, median_ms=round(statistics.median(times), 2), p95_ms=round(bm.percentile(times, 95), 2),
        min_ms=round(min(times), 2), max_ms=round(max(times), 2), queries=len(ctx.captured_queries),
        db_ms=round(sum(float(q["time"]) for q in ctx.captured_queries) * 1000, 2),
        extra={"total_s": round(total, 2), "cases_per_s": round(args.open_cases / total, 1),
               "numbers_gap_free_after_bulk_load": gap_free, "first_sequence": sequences[0] if sequences else None},
        sql=[q["sql"] for q in ctx.captured_queries],
    ))

    # 2. allocate_number alone, serial
    times = []
    t_all = time.perf_counter()
    for _ in range(args.open_cases):
        t0 = time.perf_counter()
        with transaction.atomic():
            allocate_number(organisation=owner, series="bench", year=year)
        times.append((time.perf_counter() - t0) * 1000)
    total = time.perf_counter() - t_all
    with CaptureQueriesContext(connection) as ctx, transaction.atomic():
        allocate_number(organisation=owner, series="bench", year=year)
    out.append(bm.Result(
        name=f"allocate_number × {args.open_cases}", what="serial, one transaction each, one organisation",
        runs=args.open_cases, median_ms=round(statistics.median(times), 3), p95_ms=round(bm.percentile(times, 95), 3),
        min_ms=round(min(times), 3), max_ms=round(max(times), 3), queries=len(ctx.captured_queries),
        extra={"total_s": round(total, 2), "numbers_per_s": round(args.open_cases / total, 1)},
        sql=[q["sql"] for q in ctx.captured_queries],
    ))

    # 3. allocate_number from 4 threads at once on the same counter (the row lock serialises them)
    threads_n, per_thread = 4, max(1, args.open_cases // 4)
    got: list[int] = []
    errors: list[str] = []
    lock = threading.Lock()

    def worker():
        try:
            mine = []
            for _ in range(per_thread):
                with transaction.atomic():
                    mine.append(allocate_number(organisation=owner, series="bench-mt", year=year))
            with lock:
                got.extend(mine)
        except Exception as exc:  # noqa: BLE001 - reported in the results
            errors.append(repr(exc))
        finally:
            connections.close_all()

    workers = [threading.Thread(target=worker) for _ in range(threads_n)]
    t0 = time.perf_counter()
    for w in workers:
        w.start()
    for w in workers:
        w.join()
    total = time.perf_counter() - t0
    out.append(bm.Result(
        name=f"allocate_number, {threads_n} threads × {per_thread}", what="concurrent, same organisation and series",
        runs=threads_n * per_thread, median_ms=round(total * 1000 / max(1, len(got)), 3),
        extra={"total_s": round(total, 2), "numbers_per_s": round(len(got) / total, 1) if got else 0,
               "distinct_and_gap_free": sorted(got) == list(range(1, len(got) + 1)), "errors": errors[:3]},
    ))
    for r in out:
        log(f"  {r.name}: median {r.median_ms} ms, p95 {r.p95_ms} ms, {r.queries} queries, {r.extra}")
    return out


# --- plans ------------------------------------------------------------------------------------------------

PLANNED = ("inbox_for + inbox_counts", "cases_visible_to (controller)", "cases_visible_to (control group)",
           "case search 'suv' (controller)", "GET /cases/<pk>/", "sweep_deadlines (idle)", "what-if")


def query_plans(results) -> list[dict]:
    """EXPLAIN every SELECT on the kernel tables that the read measurements ran."""
    import bench_measure as bm

    plans = []
    for r in results:
        if not r.name.startswith(PLANNED):
            continue
        for sql in r.sql:
            if not sql.lstrip().upper().startswith("SELECT"):
                continue
            if not any(t in sql for t in ('"cases_workitem"', '"cases_case"', '"core_event"', '"cases_assignment"')):
                continue
            plan = bm.explain(sql)
            plans.append({"measurement": r.name, "sql": sql, "plan": plan, **bm.plan_summary(plan)})
    log("\nquery plans (indexes used / tables read in full):")
    for p in plans:
        head = p["sql"].split(" FROM ")[0][:60]
        log(f"  [{p['measurement']}] {head}… → indexes {p['indexes'] or '-'}; full scans {p['full_scans'] or '-'}")
    return plans


# --- what if -----------------------------------------------------------------------------------------------

PARTIAL_SWEEP_INDEX = (
    "DROP INDEX workitem_sweep_idx",
    "CREATE INDEX workitem_sweep_idx ON cases_workitem (due_at) WHERE closed_at IS NULL",
    "ANALYZE cases_workitem",
)


def what_if(args, s, baseline) -> list:
    """Candidate changes, measured on the throwaway database only — not the application's code:

    1. the sweep index ``(closed_at, due_at)`` replaced by a partial index on ``due_at`` where
       ``closed_at IS NULL`` (SQLite's planner otherwise answers the inbox through the sweep index, reading
       every open work item in the country), then the unchanged ``inbox_for`` and sweep measured again;
    2. the visibility count of the case list as a UNION of three indexed sets (owned by, assigned to, in
       the territory of) instead of one OR over a join and a correlated EXISTS.
    """
    import operator
    from functools import reduce

    import bench_measure as bm
    from django.db import connection
    from django.db.models import Q

    import inspect

    from nazorat.cases import selectors
    from nazorat.cases.models import Assignment, Case, ReviewRound, WorkItem
    from nazorat.cases.sweeps import sweep_deadlines
    from nazorat.orgs.models import Organisation
    from nazorat.orgs.selectors import StaffScope

    selector_source = inspect.getsource(selectors).replace("ReviewRound.objects.filter(scope.org_q",
                                                           "review_rounds")
    out = []
    with connection.cursor() as cur:
        for sql in PARTIAL_SWEEP_INDEX:
            cur.execute(sql)

    out.append(bm.measure("what-if: inbox_for + inbox_counts, partial sweep index",
                          "same selector; workitem_sweep_idx = (due_at) WHERE closed_at IS NULL",
                          inbox, setup=_user(s["executor_id"]), runs=args.runs))
    if not args.skip_sweep:  # otherwise its warm-up would be the first (full) sweep
        out.append(bm.measure("what-if: sweep_deadlines (idle), partial sweep index",
                              "same sweep; workitem_sweep_idx = (due_at) WHERE closed_at IS NULL",
                              lambda _: sweep_deadlines().__dict__, runs=args.runs))

    def union_count(user):
        scope = StaffScope.for_user(user)
        org_ids = list(Organisation.objects.filter(
            reduce(operator.or_, [Q(path__startswith=p) for p in scope.org_paths], Q(pk__in=[])))
            .values_list("id", flat=True))
        parts = [Case.objects.filter(applicant=user).values("id"),
                 Case.objects.filter(owner_id__in=org_ids).values("id"),
                 Assignment.objects.filter(organisation_id__in=org_ids).values("case_id")]
        if "review_rounds" in selector_source:  # the selector also shows what waits for their review
            parts.append(ReviewRound.objects.filter(reviewer_org_id__in=org_ids).values("case_id"))
        if "WorkItem.objects.filter(scope.org_q" in selector_source:
            parts.append(WorkItem.objects.filter(organisation_id__in=org_ids).values("case_id"))
        for code in scope.wide_territories:
            if code is None:
                parts.append(Case.objects.values("id"))
            else:  # a prefix range, which both databases answer from the index
                parts.append(Case.objects.filter(territory_id__gte=code,
                                                 territory_id__lt=code[:-1] + chr(ord(code[-1]) + 1)).values("id"))
        return {"total": parts[0].union(*parts[1:]).count()}

    for who, key in (("controller", "regional_controller_id"), ("control group", "regional_control_group_id")):
        r = bm.measure(f"what-if: case-list count as UNION ({who})",
                       "owned ∪ assigned ∪ territory, each from an index; compare with the count alone",
                       union_count, setup=_user(s[key]), runs=args.runs)
        base = next(b for b in baseline if b.name == f"cases_visible_to ({who})")
        count_sql = next((q for q in base.sql if q.lstrip().startswith("SELECT COUNT(*)")), None)
        if count_sql:
            # the selector's own count query, run again now (case_open has added letters since)
            times = []
            with connection.cursor() as cur:
                for _ in range(args.runs):
                    t0 = time.perf_counter()
                    cur.execute(count_sql)
                    current_total = cur.fetchone()[0]
                    times.append((time.perf_counter() - t0) * 1000)
            r.extra["current_count_query_median_ms"] = round(statistics.median(times), 2)
            r.extra["current_total"] = current_total
            r.extra["same_total_as_current"] = r.extra.get("total") == current_total
        out.append(r)
    # 3. one case by primary key: the selector as it is against a one-level OR without the pk IN wrapper
    if hasattr(selectors, "staff_cases_visible_to"):
        pk = s["case_id"]
        out.append(bm.measure("what-if: case_for as it is", "selectors.case_for(user, pk), regional controller",
                              lambda u: {"found": selectors.case_for(u, pk) is not None},
                              setup=_user(s["regional_controller_id"]), runs=args.runs))
        out.append(bm.measure(
            "what-if: case_for without the pk IN wrapper",
            "staff_cases_visible_to(user).filter(pk=pk) or the user's own case: each a primary-key lookup",
            lambda u: {"found": (selectors.staff_cases_visible_to(u).filter(pk=pk).first()
                                 or Case.objects.filter(pk=pk, applicant=u).first()) is not None},
            setup=_user(s["regional_controller_id"]), runs=args.runs))

    # 4. PostgreSQL: the search predicate alone, without and with a trigram index
    if connection.vendor == "postgresql":
        def search_only(_):
            return {"total": Case.objects.filter(search_text__icontains="suv").count()}

        out.append(bm.measure("what-if: search predicate alone, no index", "Case.search_text icontains 'suv'",
                              search_only, runs=args.runs))
        try:
            with connection.cursor() as cur:
                cur.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
                cur.execute("CREATE INDEX bench_case_search_trgm ON cases_case "
                            "USING gin (UPPER(search_text::text) gin_trgm_ops)")
                cur.execute("ANALYZE cases_case")
            out.append(bm.measure("what-if: search predicate alone, trigram index",
                                  "GIN (UPPER(search_text) gin_trgm_ops) — the expression icontains uses",
                                  search_only, runs=args.runs))
        except Exception as exc:  # noqa: BLE001 - pg_trgm may not be installed on the server
            log(f"  (trigram what-if skipped: {exc})")
    for r in out:
        log(f"  {r.name}: median {r.median_ms} ms, p95 {r.p95_ms} ms, {r.queries} queries {r.extra}")
    return out


def print_table(report) -> None:
    env = report["environment"]
    log("")
    log(f"Nazorat kernel benchmark — {env['vendor']} ({env.get('sqlite') or env.get('postgresql', '')[:16]}), "
        f"{env['cpus']} CPUs, {report['parameters']['cases']} letters, {report['parameters']['runs']} runs")
    log(f"{'measurement':44} {'median ms':>10} {'p95 ms':>10} {'queries':>8} {'db ms':>9}")
    for r in report["results"]:
        log(f"{r['name'][:44]:44} {_fmt(r['median_ms']):>10} {_fmt(r['p95_ms']):>10} {_fmt(r['queries']):>8} "
            f"{_fmt(r['db_ms']):>9}")


def _fmt(v) -> str:
    return "-" if v is None else (f"{v:,.2f}" if isinstance(v, float) else f"{v:,}")


if __name__ == "__main__":
    raise SystemExit(main())
