"""The worker's schedule: periodic sweeps (huey) and the heartbeat that /healthz reads.

App code enqueues one-off jobs through ``django.tasks``; huey's Django Tasks backend runs them."""

from __future__ import annotations

import logging
import os
import socket

from django.conf import settings
from django.utils import timezone
from huey import crontab
from huey.contrib.djhuey import db_periodic_task

log = logging.getLogger("nazorat.worker")


def beat() -> None:
    from .models import WorkerHeartbeat

    WorkerHeartbeat.objects.update_or_create(
        name="worker", defaults={"beat_at": timezone.now(), "info": {"host": socket.gethostname(), "pid": os.getpid()}}
    )


@db_periodic_task(crontab(minute="*"))
def heartbeat():
    beat()


@db_periodic_task(crontab(minute=f"*/{max(1, settings.NAZORAT_SWEEP_MINUTES)}"))
def sweep():
    from nazorat.cases.sweeps import sweep_deadlines
    from nazorat.notifications.tasks import retry_pending

    result = sweep_deadlines()
    retried = retry_pending()
    log.info("sweep: %s reminders, %s escalations, %s retried", result.reminders, result.escalations, retried)
