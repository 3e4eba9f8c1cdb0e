"""Timing, query counting and query-plan helpers for the benchmarks (not collected by pytest)."""

from __future__ import annotations

import math
import statistics
import time
from dataclasses import dataclass, field
from typing import Any, Callable

from django.db import connection
from django.test.utils import CaptureQueriesContext


def percentile(values: list[float], pct: float) -> float:
    """Nearest-rank percentile (p95 of 20 runs is the 19th fastest)."""
    ordered = sorted(values)
    rank = max(1, math.ceil(pct / 100 * len(ordered)))
    return ordered[rank - 1]


@dataclass
class Result:
    name: str
    what: str
    runs: int = 0
    median_ms: float | None = None
    p95_ms: float | None = None
    min_ms: float | None = None
    max_ms: float | None = None
    queries: int | None = None
    db_ms: float | None = None
    slowest_query_ms: float | None = None
    slowest_query: str | None = None
    extra: dict[str, Any] = field(default_factory=dict)
    sql: list[str] = field(default_factory=list)

    def as_dict(self) -> dict[str, Any]:
        out = {k: v for k, v in self.__dict__.items() if k != "sql"}
        out["sql"] = [q[:3000] for q in self.sql]  # the statements of the counted run
        return out


def measure(name: str, what: str, fn: Callable[[Any], Any], *, setup: Callable[[], Any] = lambda: None,
            runs: int = 20, warmup: int = 2) -> Result:
    """Run ``fn(setup())`` ``warmup`` times untimed, ``runs`` times timed (only ``fn`` is timed), then once
    more under CaptureQueriesContext to count the queries and find the slowest one."""
    for _ in range(warmup):
        fn(setup())
    times = []
    for _ in range(runs):
        arg = setup()
        t0 = time.perf_counter()
        fn(arg)
        times.append((time.perf_counter() - t0) * 1000)
    arg = setup()
    with CaptureQueriesContext(connection) as ctx:
        value = fn(arg)
    captured = ctx.captured_queries
    slowest = max(captured, key=lambda q: float(q["time"]), default=None)
    res = Result(
        name=name, what=what, runs=runs, median_ms=round(statistics.median(times), 2),
        p95_ms=round(percentile(times, 95), 2), min_ms=round(min(times), 2), max_ms=round(max(times), 2),
        queries=len(captured), db_ms=round(sum(float(q["time"]) for q in captured) * 1000, 2),
        slowest_query_ms=round(float(slowest["time"]) * 1000, 2) if slowest else None,
        slowest_query=slowest["sql"][:2000] if slowest else None,
        sql=[q["sql"] for q in captured],
    )
    if isinstance(value, dict):
        res.extra.update(value)
    return res


class QueryCounter:
    """Counts queries and database time without keeping them (for runs of 100,000+ queries, where
    CaptureQueriesContext would hold every statement in memory)."""

    def __init__(self):
        self.count = 0
        self.seconds = 0.0
        self._cm = None

    def __call__(self, execute, sql, params, many, context):
        t0 = time.perf_counter()
        try:
            return execute(sql, params, many, context)
        finally:
            self.seconds += time.perf_counter() - t0
            self.count += 1

    def __enter__(self):
        self._cm = connection.execute_wrapper(self)
        self._cm.__enter__()
        return self

    def __exit__(self, *exc):
        return self._cm.__exit__(*exc)


class Stopwatches:
    """Time spent inside chosen functions during a block, by label. Patches attributes for the duration
    of the block only (the benchmark's own process; nothing is changed on disk)."""

    def __init__(self):
        self.seconds: dict[str, float] = {}
        self.calls: dict[str, int] = {}
        self._undo: list[tuple[object, str, object, bool]] = []
        self._depth = 0

    def wrap(self, owner, name: str, label: str) -> None:
        """Time calls of ``owner.name`` under ``label``; silently nothing when it does not exist."""
        if owner is None or not hasattr(owner, name):
            return
        original = getattr(owner, name)
        watch = self

        def timed(*args, **kwargs):
            # nested timed calls (notify_user inside another timed function) count once, in the outer label
            watch._depth += 1
            t0 = time.perf_counter()
            try:
                return original(*args, **kwargs)
            finally:
                watch._depth -= 1
                if watch._depth == 0:
                    watch.seconds[label] = watch.seconds.get(label, 0.0) + time.perf_counter() - t0
                watch.calls[label] = watch.calls.get(label, 0) + 1

        self._undo.append((owner, name, original, name in getattr(owner, "__dict__", {})))
        setattr(owner, name, timed)

    def totals_ms(self) -> dict[str, dict[str, float]]:
        return {k: {"ms": round(v * 1000, 1), "calls": self.calls.get(k, 0)} for k, v in self.seconds.items()}

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        for owner, name, original, own in reversed(self._undo):
            if own:
                setattr(owner, name, original)
            else:  # it came from the class: drop the instance attribute again
                delattr(owner, name)
        self._undo.clear()
        return False


# --- query plans ----------------------------------------------------------------------------------------

def explain(sql: str) -> str:
    """The plan of one captured (already interpolated) SELECT: EXPLAIN QUERY PLAN on SQLite,
    EXPLAIN (ANALYZE, BUFFERS) on PostgreSQL."""
    with connection.cursor() as cur:
        if connection.vendor == "sqlite":
            cur.execute(f"EXPLAIN QUERY PLAN {sql}")
            rows = cur.fetchall()
            # (id, parent, notused, detail): indent by nesting like the sqlite3 shell does
            depth = {0: -1}
            lines = []
            for node_id, parent, _unused, detail in rows:
                depth[node_id] = depth.get(parent, -1) + 1
                lines.append("  " * depth[node_id] + detail)
            return "\n".join(lines)
        cur.execute(f"EXPLAIN (ANALYZE, BUFFERS) {sql}")
        return "\n".join(r[0] for r in cur.fetchall())


def plan_summary(plan: str) -> dict[str, list[str]]:
    """Indexes used and tables read in full, read off a plan."""
    import re

    used, full = [], []
    if connection.vendor == "sqlite":
        for line in plan.splitlines():
            line = line.strip()
            m = re.search(r"USING (?:COVERING )?INDEX (\S+)", line)
            if m:
                used.append(m.group(1))
            elif "USING INTEGER PRIMARY KEY" in line or "USING ROWID" in line:
                used.append(line.split()[1] + " (primary key)")
            elif line.startswith("SCAN ") and "USING" not in line and "subquery" not in line:
                full.append(line.split()[1])  # a table read row by row (not a materialised subquery)
    else:
        for line in plan.splitlines():
            m = re.search(r"(?:Index Scan|Index Only Scan)(?: Backward)? using (\S+)", line) or \
                re.search(r"Bitmap Index Scan on (\S+)", line)
            if m:
                used.append(m.group(1))
            m = re.search(r"Seq Scan on (\S+)", line)
            if m:
                full.append(m.group(1))
    return {"indexes": sorted(set(used)), "full_scans": sorted(set(full))}
