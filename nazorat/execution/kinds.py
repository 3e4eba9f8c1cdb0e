"""The "task" case type: an item of a control document on control (docs/execution.md, legal-rules rule 18).

registered → on control (executors named) → in progress (control plan approved) → reported ⇄ returned (with
objections) → removed from control. Submitting, returning and removing are driven by the kernel's review
rounds along the chain of reviewers the controlling body has configured (``ReviewChainStep``) or, without a
configuration, the default chain: Ministry of Justice → Cabinet of Ministers → Accounts Chamber for the
national Ministry of Justice (PQ-5132), control group → first deputy → head for a hokimlik (seed 000), the
controlling body itself otherwise. Only the last reviewer removes a task from control.
"""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from nazorat.cases.kinds import ACTION_LABELS, CaseType, ReviewStep, registry

REGISTERED = "registered"
ON_CONTROL = "on_control"
IN_PROGRESS = "in_progress"
REPORTED = "reported"
RETURNED = "returned"
REMOVED = "removed"
WITHDRAWN = "withdrawn"

OPEN_STATUSES = (REGISTERED, ON_CONTROL, IN_PROGRESS, REPORTED, RETURNED)

# Step deadlines of a receiving body (seed 000, PQ-5132 annexes 2 and 4; rule 20).
STEP_REGISTER = ("register", "30 working_minutes")
STEP_NAME_EXECUTOR = ("name_executor", "480 working_minutes")  # one working day of working time
STEP_APPROVE_PLAN = ("approve_plan", "3 working_days")

# Progress reports (rule 21): every six months for tasks with no deadline or one a year or more away.
PROGRESS_MONTHS = 6


def _org_of_kind(kind: str):
    from nazorat.orgs.models import Organisation

    return Organisation.objects.filter(kind=kind, level="republic", is_active=True).order_by("pk").first()


def _fixed(org_id):
    def resolve(case):
        from nazorat.orgs.models import Organisation

        return Organisation.objects.get(pk=org_id) if org_id else case.owner
    return resolve


def default_chain(owner) -> tuple[ReviewStep, ...]:
    """The chain used when the controlling body has configured none (docs/execution.md)."""
    if owner.kind == "justice" and owner.level == "republic":
        cabinet, chamber = _org_of_kind("cabinet"), _org_of_kind("accounts_chamber")
        steps = [ReviewStep("justice", _("Ministry of Justice"), "controller")]
        if cabinet is not None:
            steps.append(ReviewStep("cabinet", _("Cabinet of Ministers"), "controller", _fixed(cabinet.pk)))
        if chamber is not None:
            steps.append(ReviewStep("accounts_chamber", _("Accounts Chamber"), "controller", _fixed(chamber.pk)))
        return tuple(steps)
    if owner.kind == "hokimlik":
        return (
            ReviewStep("control_group", _("Control group"), "control_group"),
            ReviewStep("first_deputy", _("First deputy"), "", position="first_deputy"),
            ReviewStep("head", _("Head"), "", position="head"),
        )
    return (ReviewStep("controller", _("Controlling body"), "controller"),)


def chain_for(case) -> tuple[ReviewStep, ...]:
    from .models import ReviewChainStep

    rows = list(ReviewChainStep.objects.filter(controller_id=case.owner_id).order_by("order"))
    if rows:
        return tuple(ReviewStep(r.code, r.label, r.role, _fixed(r.organisation_id), position=r.position)
                     for r in rows)
    return default_chain(case.owner)


TASK = registry.register(
    CaseType(
        kind="task",
        label=_("Task on control"),
        number_prefix="T",
        statuses={
            REGISTERED: _("Registered"),
            ON_CONTROL: _("On control"),
            IN_PROGRESS: _("In progress (control plan approved)"),
            REPORTED: _("Report under review"),
            RETURNED: _("Returned with objections"),
            REMOVED: _("Removed from control"),
            WITHDRAWN: _("Withdrawn from control"),
        },
        initial_status=REGISTERED,
        closed_statuses=frozenset({REMOVED, WITHDRAWN}),
        transitions={
            "put_on_control": ((REGISTERED,), ON_CONTROL),
            "start": ((ON_CONTROL,), IN_PROGRESS),
            "withdraw": ((REGISTERED, ON_CONTROL, IN_PROGRESS, REPORTED, RETURNED), WITHDRAWN),
        },
        default_deadline_rule=None,
        review_rule="3 working_days",
        review_chain_for=chain_for,
        on_submitted=REPORTED,
        on_returned=RETURNED,
        on_accepted=REMOVED,
        detail_url_name="execution:task",
        own_workflow=True,
        co_executors_report_to_lead=True,
    )
)

ACTION_LABELS.update({
    "progress_report": _("Enter the six-monthly progress report"),
    "confirm_report": _("Confirm the execution report"),
})
