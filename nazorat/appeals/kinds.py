"""The "appeal" case type: the statuses of an appeal and who moves them (docs/appeals.md).

registered → accepted ("Ijro uchun qabul qilindi") → assigned → under review ⇄ returned (studied again) →
answered. Closed besides "answered": forwarded, returned to the author, left unconsidered, terminated,
withdrawn, joined (a duplicate considered together with the first, Art 25). There is no transition that
refuses registration (Art 23). Submitting, returning and accepting the answer are driven by the kernel's
review rounds (``on_*``); an appeal with only an interim answer therefore never leaves control (Art 34): only
the working group's acceptance at the last step closes it.
"""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from nazorat.cases.kinds import ACTION_LABELS, CaseType, ReviewStep, registry

REGISTERED = "registered"
ACCEPTED = "accepted"
ASSIGNED = "assigned"
UNDER_REVIEW = "under_review"
RETURNED = "returned"
ANSWERED = "answered"
FORWARDED = "forwarded"
RETURNED_TO_AUTHOR = "returned_to_author"
LEFT_UNCONSIDERED = "left_unconsidered"
TERMINATED = "terminated"
WITHDRAWN = "withdrawn"
JOINED = "joined"

OPEN_STATUSES = (REGISTERED, ACCEPTED, ASSIGNED, UNDER_REVIEW, RETURNED)
# Before the case reaches the executors, it can still be sent on or back (Art 25).
BEFORE_WORK = (REGISTERED, ACCEPTED, ASSIGNED)

# The registering body's comment on acceptance (seed 003: "Accepted for execution").
ACCEPT_COMMENT = "Ijro uchun qabul qilindi"

# Art 28: terms counted from the registration day.
TERMS = {
    "application": "15 calendar_days",
    "complaint": "15 calendar_days",
    "proposal": "1 months",
}
EXTRA_STUDY_TERM = "1 months"


def registering_body(case):
    return case.register


APPEAL = registry.register(
    CaseType(
        kind="appeal",
        label=_("Appeal"),
        number_prefix="M",
        statuses={
            REGISTERED: _("Registered"),
            ACCEPTED: _("Accepted for execution"),
            ASSIGNED: _("With the executors"),
            UNDER_REVIEW: _("Answer under review"),
            RETURNED: _("Returned, studied again"),
            ANSWERED: _("Answered"),
            FORWARDED: _("Forwarded to the competent body"),
            RETURNED_TO_AUTHOR: _("Returned to the author"),
            LEFT_UNCONSIDERED: _("Left without consideration"),
            TERMINATED: _("Consideration terminated"),
            WITHDRAWN: _("Withdrawn by the author"),
            JOINED: _("Joined to the earlier appeal"),
        },
        initial_status=REGISTERED,
        closed_statuses=frozenset({ANSWERED, FORWARDED, RETURNED_TO_AUTHOR, LEFT_UNCONSIDERED, TERMINATED,
                                   WITHDRAWN, JOINED}),
        transitions={
            "accept": ((REGISTERED,), ACCEPTED),
            "assign": ((ACCEPTED,), ASSIGNED),
            "forward": (BEFORE_WORK, FORWARDED),
            "return_to_author": (BEFORE_WORK, RETURNED_TO_AUTHOR),
            "leave_unconsidered": (OPEN_STATUSES, LEFT_UNCONSIDERED),
            "terminate": (OPEN_STATUSES, TERMINATED),
            "withdraw": (OPEN_STATUSES, WITHDRAWN),
            "join": ((REGISTERED,), JOINED),
        },
        default_deadline_rule=TERMS["application"],
        review_rule="3 working_days",
        review_chain=(ReviewStep(code="working_group", label=_("Working group"), role="reviewer",
                                 organisation=registering_body),),
        on_submitted=UNDER_REVIEW,
        on_returned=RETURNED,
        on_accepted=ANSWERED,
        detail_url_name="cases:detail",
    )
)

ACTION_LABELS.update({
    "accept_appeal": _("Accept the appeal for execution"),
})
