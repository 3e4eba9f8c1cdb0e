#!/usr/bin/env python
"""Execution control (Ijro) at national scale: the pages of issue 4 on the ``generate_national`` data set.

    DJANGO_SETTINGS_MODULE=nazorat.settings .venv/bin/python bench/execution.py [--scale 1.0] \\
        [--database-url postgres://postgres@127.0.0.1:5432/nazorat_bench_exec | --sqlite-dir DIR] [--runs 5]

Without --database-url: a SQLite file in --sqlite-dir (default: a temporary directory, removed afterwards
unless --keep). With --database-url: that (existing, e.g. ``createdb``-made) database. Either way, an empty
database is migrated and filled by ``manage.py generate_national --scale S``; a database that already holds the
data set is reused as it is. Then, for three people — a controller of the Ministry of Justice (the whole
country), the control group of the regional governor's office with most tasks, and the district executor with
most open work — every page is requested through the Django test ``Client`` after ``force_login``: median and
p95 wall time, number of SQL queries, database time, and the largest number of statements of one shape (a
query per row shows there). Pages that answer 404 are skipped and listed. Prints a table and writes
``bench/out/<UTC time>-execution-<vendor>-<scale>.json``. See docs/performance.md.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import statistics
import sys
import tempfile
import time
from collections import Counter
from datetime import datetime, timezone as dt_timezone
from pathlib import Path
from urllib.parse import urlsplit

BENCH_DIR = Path(__file__).resolve().parent
ROOT = BENCH_DIR.parent
sys.path[:0] = [str(ROOT), str(BENCH_DIR)]

from kernel import CLEARED_ENV, _code_version, _cpu_model, log  # noqa: E402 - after the path is set

REPEAT_FLAG = 10  # a statement shape run this many times in one request is a query per row


def parse_args(argv=None):
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--scale", type=float, default=1.0, help="data set size when it must be generated (default 1.0)")
    p.add_argument("--seed", type=int, default=2026)
    p.add_argument("--database-url", default="",
                   help="an existing database to use, e.g. postgres://postgres@127.0.0.1:5432/nazorat_bench_exec "
                        "(default: SQLite in --sqlite-dir)")
    p.add_argument("--sqlite-dir", default="", help="directory of the SQLite file (reused when it holds the data "
                                                    "set; default: a temporary directory)")
    p.add_argument("--runs", type=int, default=5, help="timed runs per page (default 5, after 1 warm-up)")
    p.add_argument("--keep", action="store_true", help="keep the temporary SQLite directory")
    p.add_argument("--out", default=str(BENCH_DIR / "out"), help="directory for the JSON results")
    return p.parse_args(argv)


def main(argv=None) -> int:
    args = parse_args(argv)
    for var in CLEARED_ENV:
        os.environ.pop(var, None)
    tmp = None
    var_dir = args.sqlite_dir or tempfile.mkdtemp(prefix="nazorat-bench-exec-")
    if not args.sqlite_dir and not args.database_url:
        tmp = var_dir
    Path(var_dir).mkdir(parents=True, exist_ok=True)
    os.environ["NAZORAT_VAR_DIR"] = var_dir  # before django.setup(): settings put the SQLite file and caches here
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "nazorat.settings")
    if args.database_url:
        os.environ["DATABASE_URL"] = args.database_url
        log(f"database: {urlsplit(args.database_url).path.lstrip('/')} on {urlsplit(args.database_url).hostname}")
    else:
        log(f"database: SQLite in {var_dir}")
    try:
        return run(args)
    finally:
        try:
            from django.db import connections

            connections.close_all()
        except Exception:  # noqa: BLE001 - Django may not have started
            pass
        if tmp and not args.keep:
            shutil.rmtree(tmp, ignore_errors=True)
        elif tmp:
            log(f"kept: {tmp}")


def run(args) -> int:
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection

    from nazorat.execution.management.commands import generate_national
    from nazorat.execution.models import ControlDocument

    vendor = connection.vendor
    started = datetime.now(dt_timezone.utc).isoformat(timespec="seconds")
    phases = {"load_average_at_start": [round(x, 2) for x in os.getloadavg()]}
    t0 = time.perf_counter()
    call_command("migrate", interactive=False, verbosity=0)
    call_command("createcachetable", verbosity=0)
    phases["migrate_s"] = round(time.perf_counter() - t0, 1)
    summary = None
    if ControlDocument.objects.exists():
        log(f"reusing the data set already in the database ({ControlDocument.objects.count():,} documents)")
    else:
        log(f"generating the data set at scale {args.scale} …")
        summary = generate_national.generate(scale=args.scale, seed=args.seed, log=log)
        phases["generate_s"] = summary["seconds"]
        log(f"generated in {summary['seconds']} s")
    t0 = time.perf_counter()
    with connection.cursor() as cur:
        cur.execute("ANALYZE")
    phases["analyze_s"] = round(time.perf_counter() - t0, 1)
    t0 = time.perf_counter()
    invariants = generate_national.verify()
    phases["verify_s"] = round(time.perf_counter() - t0, 1)
    log(f"invariant violations (all 0 expected): {sum(invariants.values())}")
    data = data_counts()
    log("data: " + ", ".join(f"{k} {v:,}" for k, v in data.items() if not isinstance(v, dict)))

    subjects = pick_subjects()
    for who, s in subjects.items():
        log(f"{who}: {s['label']} — {s['tasks_visible']:,} tasks visible; task page {s['task']}")
    results = measure_pages(args, subjects)
    report = {
        "started": started, "finished": datetime.now(dt_timezone.utc).isoformat(timespec="seconds"),
        "environment": environment(vendor) | phases,
        "parameters": {"scale": args.scale, "seed": args.seed, "runs": args.runs,
                       "reused": summary is None},
        "generated": summary, "data": data, "invariant_violations": invariants,
        "subjects": subjects, "results": results,
    }
    print_table(report)
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    stamp = datetime.now(dt_timezone.utc).strftime("%Y%m%dT%H%M%SZ")
    path = out / f"{stamp}-execution-{vendor}-{args.scale:g}.json"
    path.write_text(json.dumps(report, indent=2, ensure_ascii=False, default=str), encoding="utf-8")
    log(f"\nresults written to {path}")
    return 0


def data_counts() -> dict:
    from django.db.models import Count

    from nazorat.accounts.models import User
    from nazorat.cases.models import Assignment, Case, ReviewRound, WorkItem
    from nazorat.core.models import Event
    from nazorat.execution.models import ControlDocument, ExecutionReport, ProgressReport, PublicComment, Task
    from nazorat.orgs.models import Organisation

    tasks = Case.objects.filter(kind="task")
    from django.utils import timezone

    return {
        "organisations": Organisation.objects.count(),
        "staff": User.objects.filter(kind="staff", memberships__is_active=True).distinct().count(),
        "documents": ControlDocument.objects.count(), "tasks": Task.objects.count(),
        "statuses": dict(tasks.values_list("status").annotate(n=Count("id")).order_by("status")),
        "overdue_tasks": tasks.overdue(timezone.now()).count(),
        "assignments": Assignment.objects.filter(case__kind="task").count(),
        "review_rounds": ReviewRound.objects.filter(case__kind="task").count(),
        "execution_reports": ExecutionReport.objects.count(), "progress_reports": ProgressReport.objects.count(),
        "public_comments": PublicComment.objects.count(),
        "work_items": WorkItem.objects.filter(case__kind="task").count(),
        "open_work_items": WorkItem.objects.open().filter(case__kind="task").count(),
        "events": Event.objects.count(),
    }


# --- who is measured --------------------------------------------------------------------------------------

def pick_subjects() -> dict:
    """A controller of the Ministry of Justice (sees the whole country); the control group of the regional
    governor's office with most tasks in its subtree; the district hokimlik executor with most open personal
    work items. Each one's task page is the visible task with most assignments (the heaviest timeline)."""
    from django.db.models import Count, Q

    from nazorat.cases.models import WorkItem
    from nazorat.execution.selectors import tasks_visible_to
    from nazorat.orgs.models import Membership, Organisation

    moj = Organisation.objects.get(code="moj")
    controller = (Membership.objects.filter(organisation=moj, is_active=True, roles__role="controller")
                  .order_by("position", "pk").first().user)
    regions = Organisation.objects.filter(kind="hokimlik", level="region")
    busiest, most = None, -1
    for hok in regions:
        n = (Organisation.objects.filter(path__startswith=hok.path).aggregate(
            n=Count("assignments", filter=Q(assignments__case__kind="task")))["n"])
        if n > most:
            busiest, most = hok, n
    cg = (Membership.objects.filter(organisation=busiest, is_active=True, roles__role="control_group")
          .order_by("pk").first().user)
    row = (WorkItem.objects.open().filter(case__kind="task", person__isnull=False, organisation__kind="hokimlik",
                                          organisation__level="district")
           .values("person_id").annotate(n=Count("id")).order_by("-n", "person_id").first())
    if row is None:  # nobody named yet: any executor of a district hokimlik
        executor = Membership.objects.filter(organisation__kind="hokimlik", organisation__level="district",
                                             roles__role="executor").order_by("pk").first().user
    else:
        from nazorat.accounts.models import User

        executor = User.objects.get(pk=row["person_id"])
    out = {}
    for who, user, label in (("controller", controller, f"controller of {moj.code} ({controller.username})"),
                             ("regional_control_group", cg, f"control group of {busiest.code} ({cg.username})"),
                             ("district_executor", executor, f"executor {executor.username}")):
        visible = tasks_visible_to(user)
        heaviest = (visible.annotate(n=Count("case__assignments")).order_by("-n", "-case_id")
                    .values_list("case__number", "document_id").first())
        # A task still waiting to be put on control: its page carries the lead / co-executor choices.
        registered = (visible.filter(case__status="registered").order_by("-case_id")
                      .values_list("case__number", flat=True).first())
        out[who] = {"user_id": user.pk, "label": label, "tasks_visible": visible.count(),
                    "task": heaviest[0] if heaviest else None, "document": heaviest[1] if heaviest else None,
                    "registered_task": registered, "body": busiest.code}
    from nazorat.execution.models import ControlDocument

    public = (ControlDocument.objects.filter(is_public=True).annotate(n=Count("comments"))
              .order_by("-n", "-pk").values_list("pk", flat=True).first())
    for s in out.values():
        s["public_document"] = public
    return out


def pages_for(s: dict) -> list[tuple[str, str]]:
    pages = [
        ("task register", "/ijro/"),
        ("task register, overdue", "/ijro/?overdue=1"),
        ("task register, page 3", "/ijro/?page=3"),
        ("task register, one document", f"/ijro/?document={s['document']}"),
        ("task register, document search", "/ijro/?document_q=suv"),
        ("task register, body search", f"/ijro/?organisation_q={s['body']}"),
        ("documents", "/ijro/documents/"),
        ("document page", f"/ijro/documents/{s['document']}/"),
        ("task page", f"/ijro/tasks/{s['task']}/"),
        ("task page, not yet on control", f"/ijro/tasks/{s['registered_task']}/"),
        ("Friday agenda", "/ijro/reports/agenda/friday/"),
        ("Monday agenda", "/ijro/reports/agenda/monday/"),
        ("monthly report", "/ijro/reports/agenda/monthly/"),
        ("discipline register", "/ijro/reports/discipline/"),
        ("monitoring", "/ijro/reports/monitoring/"),
        ("public documents", "/ijro/public/"),
        ("public document", f"/ijro/public/{s['public_document']}/"),
        ("API task list", "/api/v1/tasks/"),
    ]
    return [(name, url) for name, url in pages if "/None/" not in url and not url.endswith("=None")]


# --- measuring --------------------------------------------------------------------------------------------

_LITERALS = [(re.compile(r"'(?:[^']|'')*'"), "?"), (re.compile(r"\b\d+(?:\.\d+)?\b"), "?"),
             (re.compile(r"\((?:\s*\?\s*,)+\s*\?\s*\)"), "(?…)"), (re.compile(r"%s"), "?")]


def shape(sql: str) -> str:
    """A statement with its literals taken out, so that the same query for different rows looks the same."""
    for pattern, repl in _LITERALS:
        sql = pattern.sub(repl, sql)
    return sql


def measure_pages(args, subjects) -> list[dict]:
    from django.conf import settings
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from nazorat.accounts.models import User

    import bench_measure as bm

    import logging

    logging.getLogger("django.request").setLevel(logging.ERROR)  # a 403 is a result here, not a warning
    results = []
    for who, s in subjects.items():
        client = Client(raise_request_exception=False)  # a page that fails is reported (500), not fatal
        client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
        client.force_login(User.objects.get(pk=s["user_id"]))
        for name, url in pages_for(s):
            t0 = time.perf_counter()
            resp = client.get(url)
            first_ms = round((time.perf_counter() - t0) * 1000, 1)
            row = {"who": who, "page": name, "url": url, "status": resp.status_code, "first_ms": first_ms}
            if resp.status_code != 200:
                log(f"  {who:24} {url:40} {resp.status_code} (skipped)")
                results.append(row)
                continue
            times = []
            for _ in range(args.runs):
                t0 = time.perf_counter()
                client.get(url)
                times.append((time.perf_counter() - t0) * 1000)
            with CaptureQueriesContext(connection) as ctx:
                body = client.get(url).content
            sql = [q["sql"] for q in ctx.captured_queries]
            shapes = Counter(shape(q) for q in sql)
            top, repeats = shapes.most_common(1)[0] if shapes else ("", 0)
            row.update({
                "median_ms": round(statistics.median(times), 1), "p95_ms": round(bm.percentile(times, 95), 1),
                "queries": len(sql), "db_ms": round(sum(float(q["time"]) for q in ctx.captured_queries) * 1000, 1),
                "bytes": len(body), "max_repeats": repeats, "repeated": top[:600] if repeats >= REPEAT_FLAG else "",
                "slowest_query_ms": round(max((float(q["time"]) for q in ctx.captured_queries), default=0) * 1000, 1),
                "slowest_query": max(ctx.captured_queries, key=lambda q: float(q["time"]))["sql"][:2000] if sql else "",
                "sql": [q[:3000] for q in sql],
            })
            flag = "  QUERY PER ROW?" if repeats >= REPEAT_FLAG else ""
            log(f"  {who:24} {url:40} {row['median_ms']:>8} ms {row['queries']:>4} queries{flag}")
            results.append(row)
    return results


def environment(vendor) -> dict:
    import platform

    import django
    from django.conf import settings
    from django.db import connection

    env = {"vendor": vendor, "python": platform.python_version(), "django": django.get_version(),
           "cpus": os.cpu_count(), "cpu_model": _cpu_model(), "code": _code_version(),
           "load_average_at_end": [round(x, 2) for x in os.getloadavg()]}
    with connection.cursor() as cur:
        if vendor == "sqlite":
            import sqlite3

            env["sqlite"] = sqlite3.sqlite_version
            db = Path(settings.DATABASES["default"]["NAME"])
            env["database_bytes"] = sum(p.stat().st_size for p in db.parent.glob(db.name + "*"))
        else:
            cur.execute("SELECT version(), pg_database_size(current_database())")
            env["postgresql"], env["database_bytes"] = cur.fetchone()
    return env


def print_table(report) -> None:
    env = report["environment"]
    d = report["data"]
    log("")
    log(f"Nazorat execution-control benchmark — {env['vendor']} "
        f"({env.get('sqlite') or env.get('postgresql', '')[:16]}), {env['cpus']} CPUs, {d['tasks']:,} tasks, "
        f"{d['documents']:,} documents, {report['parameters']['runs']} runs")
    log(f"{'who':24} {'page':28} {'status':>6} {'median ms':>10} {'p95 ms':>9} {'queries':>8} {'db ms':>8} "
        f"{'KB':>6} {'same-shape':>10}")
    for r in report["results"]:
        if r["status"] != 200:
            log(f"{r['who']:24} {r['page'][:28]:28} {r['status']:>6} {'-':>10} {'-':>9} {'-':>8} {'-':>8} {'-':>6} "
                f"{'-':>10}")
            continue
        mark = " !" if r["max_repeats"] >= REPEAT_FLAG else ""
        log(f"{r['who']:24} {r['page'][:28]:28} {r['status']:>6} {r['median_ms']:>10,.1f} {r['p95_ms']:>9,.1f} "
            f"{r['queries']:>8} {r['db_ms']:>8,.1f} {r['bytes'] / 1024:>6,.0f} {r['max_repeats']:>10}{mark}")
    missing = sorted({r["url"] for r in report["results"] if r["status"] == 404})
    if missing:
        log("not there yet (404): " + ", ".join(missing))
    flagged = [r for r in report["results"] if r.get("max_repeats", 0) >= REPEAT_FLAG]
    for r in flagged:
        log(f"query per row? {r['who']} {r['url']}: {r['queries']} queries, one shape {r['max_repeats']}×: "
            f"{r['repeated'][:200]}")


if __name__ == "__main__":
    raise SystemExit(main())
