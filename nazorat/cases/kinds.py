"""Case types: what each module declares to the kernel — its statuses, its transition table, its
number series, its default deadline rule and its chain of reviewers.

A module registers one ``CaseType``; the kernel's services (``case_transition``, assignments,
extensions, review rounds, work items, sweeps) then work for it without new code.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Callable

from django.utils.translation import gettext_lazy as _


@dataclass(frozen=True)
class ReviewStep:
    """One link of a chain of reviewers: who reviews at this step (a role in some organisation)."""

    code: str
    label: object
    role: str
    # Given the case, which organisation reviews at this step (None → the case's controlling body).
    organisation: Callable | None = None
    # When set, the reviewer is whoever holds this position (orgs.Position) in that organisation — e.g. the
    # first deputy or the head of a hokimlik — rather than anyone with ``role``.
    position: str = ""


@dataclass(frozen=True)
class CaseType:
    kind: str
    label: object
    number_prefix: str
    statuses: dict[str, object]
    initial_status: str
    closed_statuses: frozenset[str]
    # action → (allowed source statuses, target status)
    transitions: dict[str, tuple[tuple[str, ...], str]]
    default_deadline_rule: str | None = None
    # How long a reviewer has for one round.
    review_rule: str = "3 working_days"
    review_chain: tuple[ReviewStep, ...] = ()
    # A chain that depends on the case (configured per controlling body); overrides ``review_chain``.
    review_chain_for: Callable | None = None
    # Status set by the kernel when a result is submitted / returned / accepted at the last step.
    on_submitted: str | None = None
    on_returned: str | None = None
    on_accepted: str | None = None
    detail_url_name: str = "cases:detail"
    # True when the module drives the workflow through its own services (which add rules of their own): the
    # kernel's generic pages and API then refuse to assign, pass on, complete steps, submit, review or
    # transition cases of this kind, so nobody can go around the module's rules.
    own_workflow: bool = False
    # True when a top-level co-executor's result is reviewed by the lead body (one step) and rolled up into the
    # lead's report, rather than going through the chain itself.
    co_executors_report_to_lead: bool = False
    extra: dict = field(default_factory=dict)

    def chain(self, case) -> tuple[ReviewStep, ...]:
        if self.review_chain_for is not None:
            return tuple(self.review_chain_for(case))
        return self.review_chain

    def status_label(self, status: str):
        return self.statuses.get(status, status)

    def allowed_actions(self, status: str) -> list[str]:
        return [a for a, (sources, _target) in self.transitions.items() if status in sources]


class Registry:
    def __init__(self):
        self._types: dict[str, CaseType] = {}

    def register(self, case_type: CaseType) -> CaseType:
        if case_type.kind in self._types and self._types[case_type.kind] is not case_type:
            raise ValueError(f"case kind {case_type.kind!r} registered twice")
        for other in self._types.values():
            if other.kind != case_type.kind and other.number_prefix == case_type.number_prefix:
                raise ValueError(f"number prefix {case_type.number_prefix!r} already used by {other.kind!r}")
        if case_type.initial_status not in case_type.statuses:
            raise ValueError(f"{case_type.kind}: initial status not among statuses")
        for action, (sources, target) in case_type.transitions.items():
            unknown = {*sources, target} - set(case_type.statuses)
            if unknown:
                raise ValueError(f"{case_type.kind}.{action}: unknown statuses {unknown}")
        for hook in (case_type.on_submitted, case_type.on_returned, case_type.on_accepted):
            if hook is not None and hook not in case_type.statuses:
                raise ValueError(f"{case_type.kind}: unknown status {hook!r} in a review hook")
        self._types[case_type.kind] = case_type
        return case_type

    def get(self, kind: str) -> CaseType | None:
        return self._types.get(kind)

    def __getitem__(self, kind: str) -> CaseType:
        return self._types[kind]

    def all(self) -> list[CaseType]:
        return list(self._types.values())


registry = Registry()


# The kernel's own minimal case type: an official letter or instruction one body sends another for
# execution by a deadline ("xat / topshiriq xati"). It exercises every kernel mechanism and is what a
# body uses for correspondence that belongs to none of the four modules.
LETTER = registry.register(
    CaseType(
        kind="letter",
        label=_("Official letter"),
        number_prefix="X",
        statuses={
            "open": _("Open"),
            "in_progress": _("In progress"),
            "under_review": _("Under review"),
            "returned": _("Returned for rework"),
            "closed": _("Executed"),
            "cancelled": _("Cancelled"),
        },
        initial_status="open",
        closed_statuses=frozenset({"closed", "cancelled"}),
        # Submitting, returning and accepting results are driven by the review rounds (on_* below), never
        # set by hand; the table holds only what a person decides directly.
        transitions={
            "start": (("open",), "in_progress"),
            "cancel": (("open", "in_progress", "returned"), "cancelled"),
        },
        default_deadline_rule="10 working_days",
        review_chain=(ReviewStep(code="owner", label=_("Controlling body"), role="control_group"),),
        on_submitted="under_review",
        on_returned="returned",
        on_accepted="closed",
    )
)


# What a work item asks of its addressee, as people read it in the inbox; modules add theirs.
ACTION_LABELS: dict[str, object] = {
    "execute": _("Execute"),
    "rework": _("Fix and resubmit"),
    "review": _("Review the result"),
    "decide_extension": _("Decide on an extension request"),
    "register": _("Register and inform the head"),
    "name_executor": _("Name the responsible unit and executor"),
    "approve_plan": _("Approve the control plan"),
}
