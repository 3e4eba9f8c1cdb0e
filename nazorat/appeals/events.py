"""Event types written by the appeals services, with their names as people read them on a timeline."""

from django.utils.translation import gettext_lazy as _

from nazorat.core.events import register_labels

register_labels({
    "case.accept": _("Accepted for execution"),
    "case.assign": _("Sent to the executing bodies"),
    "case.forward": _("Forwarded to the competent body"),
    "case.return_to_author": _("Returned to the author with reasons"),
    "case.leave_unconsidered": _("Left without consideration"),
    "case.terminate": _("Consideration terminated"),
    "case.withdraw": _("Withdrawn by the author"),
    "case.join": _("Joined to the earlier appeal"),
    "appeal.registered": _("Appeal registered"),
    "appeal.received_by_forwarding": _("Received from another body"),
    "appeal.duplicate_joined": _("Duplicate joined to this appeal"),
    "appeal.repeat_detected": _("Repeated appeal linked to the earlier one"),
    "appeal.extended": _("Deadline extended by the head"),
    "appeal.extra_study": _("Extra study needed"),
    "appeal.answer_uploaded": _("Answer letter uploaded"),
    "appeal.correspondence_closed": _("Correspondence with the author closed"),
    "appeal.rated": _("The author rated the answer"),
})
