"""Event types written by the execution services, with their names as people read them on a timeline."""

from django.utils.translation import gettext_lazy as _

from nazorat.core.events import register_labels

register_labels({
    "case.put_on_control": _("Put on control"),
    "case.start": _("Control plan approved, execution under way"),
    "case.withdraw": _("Withdrawn from control"),
    "document.registered": _("Document registered for control"),
    "document.published": _("Document published"),
    "document.unpublished": _("Document taken off the public pages"),
    "task.added": _("Task added"),
    "plan.prepared": _("Control plan prepared"),
    "plan.revised": _("Control plan revised"),
    "plan.approved": _("Control plan approved"),
    "report.written": _("Execution report written"),
    "report.confirmed": _("Execution report confirmed by the head and sent up"),
    "report.sent_back": _("Execution report sent back by the head"),
    "progress.scheduled": _("Progress report scheduled"),
    "progress.submitted": _("Progress report entered"),
    "progress.required": _("The deadline moved a year or more away: progress reports every six months"),
    "comment.added": _("Public comment written"),
    "comment.published": _("Public comment published"),
    "comment.rejected": _("Public comment rejected"),
    "measure.recorded": _("Disciplinary measure recorded"),
    "study.planned": _("Study planned"),
    "study.conducted": _("Study conducted"),
    "study.closed": _("Study closed"),
    "study.measure_done": _("Measure after a study taken"),
    "workplan.created": _("Work plan prepared"),
    "workplan.approved": _("Work plan approved"),
    "config.review_chain_changed": _("Chain of reviewers changed"),
})
