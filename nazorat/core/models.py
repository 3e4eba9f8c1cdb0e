"""Core tables shared by every module: the append-only event log (audit and timelines)."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class EventQuerySet(models.QuerySet):
    def update(self, **kwargs):  # pragma: no cover - guarded below
        raise PermissionError("events are append-only")

    def delete(self):
        raise PermissionError("events are append-only")

    def public(self):
        return self.filter(is_public=True)


class Event(models.Model):
    """One row per state change: who (person, position, organisation), what, on which object, when,
    from where, with what payload. Written only by services through ``core.events.record``.

    Append-only: the model refuses updates and deletes; on PostgreSQL a trigger refuses them too
    (migration 0002), on SQLite a trigger refuses UPDATE.
    """

    occurred_at = models.DateTimeField(_("time"), db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("actor"), null=True, blank=True,
        on_delete=models.PROTECT, related_name="+",
    )
    actor_name = models.CharField(_("actor name"), max_length=255, blank=True)
    actor_position = models.CharField(_("actor position"), max_length=255, blank=True)
    actor_organisation = models.ForeignKey(
        "orgs.Organisation", verbose_name=_("actor organisation"), null=True, blank=True,
        on_delete=models.PROTECT, related_name="+",
    )
    action = models.CharField(_("action"), max_length=80, db_index=True)
    object_type = models.CharField(_("object type"), max_length=80)
    object_id = models.CharField(_("object id"), max_length=64)
    case_id = models.BigIntegerField(_("case"), null=True, blank=True, db_index=True)
    payload = models.JSONField(_("payload"), default=dict, blank=True)
    ip_address = models.GenericIPAddressField(_("IP address"), null=True, blank=True)
    user_agent = models.CharField(_("user agent"), max_length=255, blank=True)
    is_public = models.BooleanField(_("shown on the public timeline"), default=False)

    objects = EventQuerySet.as_manager()

    class Meta:
        verbose_name = _("event")
        verbose_name_plural = _("events")
        ordering = ["occurred_at", "id"]
        indexes = [
            models.Index(fields=["object_type", "object_id", "occurred_at"], name="core_event_object_idx"),
            models.Index(fields=["actor", "occurred_at"], name="core_event_actor_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.occurred_at:%Y-%m-%d %H:%M} {self.action} {self.object_type}#{self.object_id}"

    def save(self, *args, **kwargs):
        if self.pk is not None and not kwargs.get("force_insert"):
            raise PermissionError("events are append-only")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise PermissionError("events are append-only")


class WorkerHeartbeat(models.Model):
    """Written by the worker every minute; /healthz reads its age."""

    name = models.CharField(max_length=64, primary_key=True)
    beat_at = models.DateTimeField()
    info = models.JSONField(default=dict, blank=True)

    class Meta:
        verbose_name = _("worker heartbeat")
        verbose_name_plural = _("worker heartbeats")
