"""The receptions' periodic work, found by huey's autodiscovery of ``tasks`` modules: reminders every
15 minutes, and each night the times of published schedules prepared for the coming weeks."""

from __future__ import annotations

import logging

from huey import crontab
from huey.contrib.djhuey import db_periodic_task

log = logging.getLogger("nazorat.worker")


@db_periodic_task(crontab(minute="*/15"))
def reception_reminders():
    from .sweeps import sweep_reminders

    result = sweep_reminders()
    log.info("reception reminders: %s bookings, %s messages, %s failures", result.reminded, result.messages,
             result.failures)


@db_periodic_task(crontab(hour="0", minute="20"))
def reception_slots():
    from .services import horizon, slots_generate

    created = slots_generate(until=horizon())
    log.info("reception times prepared: %s", created)
