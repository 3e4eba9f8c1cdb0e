"""Execution control's periodic work, found by huey's autodiscovery of ``tasks`` modules: every hour the
progress reports whose period has begun are scheduled for the lead executors (R-A7, rule 21). Reminders and
escalations of the resulting work items are the kernel's sweep (``cases.sweeps``)."""

from __future__ import annotations

import logging

from huey import crontab
from huey.contrib.djhuey import db_periodic_task

log = logging.getLogger("nazorat.worker")


@db_periodic_task(crontab(minute="7"))
def progress_reports():
    from .services import sweep_progress_reports

    made = sweep_progress_reports()
    log.info("progress reports scheduled: %s", made)
