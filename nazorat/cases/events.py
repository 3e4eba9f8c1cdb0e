"""Event types written by the case kernel, with their names as people read them on a timeline."""

from django.utils.translation import gettext_lazy as _

from nazorat.core.events import register_labels

register_labels({
    "case.opened": _("Registered"),
    "case.start": _("Work started"),
    "case.submit": _("Result submitted"),
    "case.submitted": _("Result submitted for review"),
    "case.return": _("Returned for rework"),
    "case.returned": _("Returned for rework"),
    "case.close": _("Closed"),
    "case.accepted": _("Result accepted, case closed"),
    "case.cancel": _("Cancelled"),
    "assignment.created": _("Assigned to an executing body"),
    "assignment.accepted": _("Accepted for execution"),
    "assignment.executor_named": _("Responsible executor named"),
    "assignment.completed": _("Execution accepted"),
    "assignment.step_register": _("Registered by the executing body"),
    "assignment.step_name_executor": _("Responsible executor named"),
    "assignment.step_approve_plan": _("Control plan approved"),
    "extension.requested": _("Extension requested"),
    "extension.granted": _("Deadline extended"),
    "extension.refused": _("Extension refused"),
    "result.submitted": _("Result submitted"),
    "review.accepted": _("Result accepted by the reviewer"),
    "review.returned": _("Result returned with objections"),
    "attachment.added": _("File attached"),
    "workitem.overdue": _("Deadline missed"),
})
