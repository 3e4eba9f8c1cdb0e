"""What /healthz reports: the database answers, the worker has beaten recently."""

from __future__ import annotations

from datetime import timedelta

from django.db import connection
from django.utils import timezone

WORKER_STALE_AFTER = timedelta(minutes=3)


def report() -> dict:
    out = {"status": "ok", "database": {"status": "ok", "vendor": connection.vendor}, "worker": {}}
    try:
        with connection.cursor() as cur:
            cur.execute("SELECT 1")
            cur.fetchone()
    except Exception as exc:  # noqa: BLE001
        out["database"] = {"status": "error", "error": str(exc)[:200]}
        out["status"] = "error"
        out["worker"] = {"status": "unknown"}
        return out
    from nazorat.core.models import WorkerHeartbeat

    hb = WorkerHeartbeat.objects.filter(name="worker").first()
    if hb is None:
        out["worker"] = {"status": "missing"}
        out["status"] = "degraded"
    else:
        age = timezone.now() - hb.beat_at
        stale = age > WORKER_STALE_AFTER
        out["worker"] = {"status": "stale" if stale else "ok", "last_beat": hb.beat_at.isoformat(),
                         "age_seconds": int(age.total_seconds())}
        if stale:
            out["status"] = "degraded"
    return out
