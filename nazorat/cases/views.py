"""Staff pages of the kernel: the case register (scoped), a case's file — assignments, rounds, extension
requests, the timeline — and the kernel's actions from the case page. Module pages extend these.

Every action is one small form, shown only to the people who may perform it now, and one POST address
under ``/cases/<pk>/…``. The view checks the same predicate the service will (403), validates the form
(400, the form re-rendered with its errors next to the fields), calls the service — which decides, and
may still refuse with a field error (400), a permission error (403) or a state error (409) — and on
success redirects back to the case page with a message. A refusal changes nothing.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Callable

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db import transaction
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_POST
from django_fsm import TransitionNotAllowed

from nazorat.core.files import DEFAULT_ALLOWED
from nazorat.core.search import search

from . import permissions, selectors, services
from .forms import (
    ActionForm,
    AssignForm,
    ButtonForm,
    CloseTransitionForm,
    ExtensionDecisionForm,
    ExtensionRequestForm,
    PassOnForm,
    PersonForm,
    ResultForm,
    ReviewForm,
    WithdrawForm,
    subordinate_bodies,
)
from .kinds import registry
from .models import Assignment, AssignmentRole, AssignmentState, Case, ExtensionRequest, ReviewRound, Verdict

# How the transitions people press most often read on a button; others read "Move to “<status>”".
TRANSITION_LABELS = {
    "start": gettext_lazy("Start work on the case"),
    "cancel": gettext_lazy("Cancel the case"),
}

OPEN_STATES = (AssignmentState.ASSIGNED, AssignmentState.IN_PROGRESS, AssignmentState.SUBMITTED)
WORKING_STATES = (AssignmentState.ASSIGNED, AssignmentState.IN_PROGRESS)


# --- the register and the case page ----------------------------------------------------------------

@login_required
@require_GET
def case_list(request):
    qs = selectors.cases_visible_to(request.user)
    q = request.GET.get("q", "").strip()
    kind = request.GET.get("kind", "")
    state = request.GET.get("state", "")
    if q:
        qs = search(qs, q)
    if kind and registry.get(kind):
        qs = qs.filter(kind=kind)
    if request.GET.get("overdue"):
        qs = qs.overdue()
    elif state == "open":
        qs = qs.open()
    elif state == "closed":
        qs = qs.filter(closed_at__isnull=False)
    page = Paginator(qs.order_by("-opened_at", "-id"), 50).get_page(request.GET.get("page"))
    return render(request, "cases/list.html", {
        "page": page, "q": q, "kind": kind, "state": state, "kinds": registry.all(), "now": timezone.now(),
        "overdue": bool(request.GET.get("overdue")),
    })


@login_required
@require_GET
def case_detail(request, pk: int):
    case = _visible_case(request, pk)
    case_type = case.case_type
    if case_type is not None and case_type.own_workflow and case_type.detail_url_name != "cases:detail":
        return redirect(case_type.detail_url_name, case.number)
    return _render_case(request, case)


@login_required
@require_GET
def attachment_download(request, pk: int, attachment_id: int):
    """A case's file, for staff whose scope covers the case (applicants see the public record only)."""
    case = _visible_case(request, pk)
    if not selectors.sees_internals(request.user, case):
        raise Http404
    att = get_object_or_404(case.attachments, pk=attachment_id)
    return FileResponse(att.file.open("rb"), as_attachment=True, filename=att.original_name,
                        content_type=att.content_type)


def _visible_case(request, pk) -> Case:
    case = selectors.case_for(request.user, pk)
    if case is None:
        raise Http404
    return case


def _render_case(request, case: Case, *, bound: tuple[str, ActionForm] | None = None, status: int = 200):
    case = _visible_case(request, case.pk)  # fresh: a refused change has been rolled back
    user = request.user
    internal = selectors.sees_internals(user, case)
    assignments = list(case.assignments.select_related("organisation", "person", "parent", "parent__organisation",
                                                       "unit", "case", "case__owner")
                       .prefetch_related("steps").order_by("assigned_at", "id"))
    rounds = list(case.review_rounds.select_related("reviewer_org", "submitted_by", "decided_by", "assignment",
                                                    "assignment__organisation")
                  .prefetch_related("attachments").order_by("number", "step"))
    extensions = list(case.extension_requests.select_related("requested_by", "decided_by", "assignment",
                                                             "assignment__organisation", "assignment__parent",
                                                             "assignment__parent__organisation", "case"))
    slots = _Slots(bound)
    groups = _action_groups(user, case, assignments, rounds, extensions, slots) if internal else []
    if slots.form is not None:
        if slots.placed:
            messages.error(request, _("Nothing was changed: correct what is marked in the form below."))
        else:
            # The action is no longer offered (the page was stale): say what was wrong all the same.
            for message in slots.form.error_list:
                messages.error(request, message)
    return render(request, "cases/detail.html", {
        "case": case,
        "internal": internal,
        "assignments": assignments,
        "rounds": rounds,
        "extensions": extensions,
        "attachments": case.attachments.all(),
        "timeline": selectors.timeline(user, case),
        "action_groups": groups,
        "now": timezone.now(),
    }, status=status)


# --- what the user may do now -----------------------------------------------------------------------

@dataclass
class PageAction:
    """One action on the case page: its form, where it posts, and how it reads."""

    key: str
    url: str
    label: str
    form: ActionForm
    template: str = "cases/actions/form.html"
    submit: str = ""
    style: str = "primary"
    obj: object = None
    open: bool = False

    @property
    def dom_id(self) -> str:
        return f"action-{self.key}"


@dataclass
class ActionGroup:
    title: str
    actions: list[PageAction] = field(default_factory=list)
    template: str = ""
    obj: object = None


class _Slots:
    """Hands out fresh forms, except the one just posted, which comes back bound with its errors."""

    def __init__(self, bound):
        self.key, self.form = bound if bound else (None, None)
        self.placed = False

    def get(self, key: str, make: Callable[[], ActionForm]) -> tuple[ActionForm, bool]:
        if key == self.key:
            self.placed = True
            return self.form, True
        return make(), False


def _auto_id(key: str) -> str:
    return f"id_{key}_%s"


def _when(dt) -> str:
    return date_format(timezone.localtime(dt), "d.m.Y H:i")


def _lead_taken(case: Case, parent: Assignment | None) -> bool:
    return Assignment.objects.open().filter(case=case, parent=parent, role=AssignmentRole.LEAD).exists()


def _may_withdraw(user, assignment: Assignment) -> bool:
    if assignment.parent_id:
        return permissions.can_pass_on(user, assignment.parent)
    return permissions.can_assign(user, assignment.case)


def _transition_form(case: Case, name: str, data=None) -> ActionForm:
    case_type = case.case_type
    target = case_type.transitions.get(name, ((), None))[1] if case_type else None
    closing = case_type is not None and target in case_type.closed_statuses
    form_class = CloseTransitionForm if closing else ButtonForm
    return form_class(data, auto_id=_auto_id(f"transition-{name}"))


def _transition_label(case: Case, name: str) -> str:
    if name in TRANSITION_LABELS:
        return str(TRANSITION_LABELS[name])
    target = case.case_type.transitions[name][1]
    return _("Move to “%(status)s”") % {"status": case.case_type.status_label(target)}


def _assign_form(case: Case, data=None) -> AssignForm:
    limit = (_("No later than the case's deadline, %(due)s.") % {"due": _when(case.due_at)}) if case.due_at else ""
    return AssignForm(data, case=case, lead_taken=_lead_taken(case, None), limit_text=limit,
                      auto_id=_auto_id("assign"))


def _pass_on_form(a: Assignment, data=None) -> PassOnForm:
    limit = (_("No later than this assignment's deadline, %(due)s.") % {"due": _when(a.due_at)}) if a.due_at else ""
    return PassOnForm(data, assignment=a, lead_taken=_lead_taken(a.case, a), limit_text=limit,
                      auto_id=_auto_id(f"a{a.pk}-passon"))


def _action_groups(user, case: Case, assignments, rounds, extensions, slots: _Slots) -> list[ActionGroup]:
    if case.closed_at is not None:
        return []
    groups: list[ActionGroup] = []

    # What waits on this user's decision first: results to review, extension requests to decide.
    for rnd in rounds:
        if rnd.verdict == Verdict.PENDING and user.pk != rnd.submitted_by_id and permissions.can_review(user, rnd):
            key = f"r{rnd.pk}-decide"
            form, bound = slots.get(key, lambda: ReviewForm(auto_id=_auto_id(key)))
            groups.append(ActionGroup(
                title=_("Result awaiting your review: %(body)s, round %(n)s") % {
                    "body": rnd.assignment.organisation.name if rnd.assignment else case.owner.name, "n": rnd.number},
                actions=[PageAction(key=key, url=_url("cases:review_decide", case, rnd.pk), label="", form=form,
                                    template="cases/actions/review.html", obj=rnd, open=bound)]))
    for req in extensions:
        if req.state == "pending" and user.pk != req.requested_by_id and permissions.can_decide_extension(user, req):
            key = f"e{req.pk}-decide"
            form, bound = slots.get(key, lambda: ExtensionDecisionForm(auto_id=_auto_id(key)))
            body = req.assignment.organisation.name if req.assignment else case.owner.name
            groups.append(ActionGroup(
                title=_("Extension request from %(body)s") % {"body": body},
                actions=[PageAction(key=key, url=_url("cases:extension_decide", case, req.pk), label="", form=form,
                                    template="cases/actions/extension_decide.html", obj=req, open=bound)]))

    # The case itself: its own transitions and giving it to executing bodies.
    case_actions: list[PageAction] = []
    case_type = case.case_type
    if case_type is not None and permissions.can_transition(user, case):
        for name in case_type.allowed_actions(case.status):
            key = f"transition-{name}"
            form, bound = slots.get(key, lambda: _transition_form(case, name))
            label = _transition_label(case, name)
            closing = isinstance(form, CloseTransitionForm)
            case_actions.append(PageAction(
                key=key, url=_url("cases:transition", case, name), label=label, submit=label, form=form,
                template="cases/actions/form.html" if closing else "cases/actions/button.html",
                style="danger" if closing else "primary", open=bound))
    if permissions.can_assign(user, case):
        form, bound = slots.get("assign", lambda: _assign_form(case))
        case_actions.append(PageAction(key="assign", url=_url("cases:assign", case), form=form, open=bound,
                                       label=_("Give the case to an executing body"), submit=_("Assign")))
    if case_actions:
        groups.append(ActionGroup(title=_("This case"), actions=case_actions))

    # Each assignment: what its executing body, and the body that gave it, may do now.
    for a in assignments:
        if a.state not in OPEN_STATES:
            continue
        acts: list[PageAction] = []
        may_execute = permissions.can_execute(user, a)
        may_pass_on = permissions.can_pass_on(user, a)
        if may_execute and a.state == AssignmentState.ASSIGNED:
            key = f"a{a.pk}-accept"
            form, _b = slots.get(key, lambda: ButtonForm(auto_id=_auto_id(key)))
            acts.append(PageAction(key=key, url=_url("cases:assignment_accept", case, a.pk), form=form,
                                   label=_("Accept for execution"), submit=_("Accept for execution"),
                                   template="cases/actions/button.html"))
        if may_execute:
            for step in a.steps.all():
                if step.done_at is None:
                    key = f"a{a.pk}-step-{step.code}"
                    form, _b = slots.get(key, lambda: ButtonForm(auto_id=_auto_id(key)))
                    label = _("Mark as done: %(step)s") % {"step": step.label}
                    acts.append(PageAction(key=key, url=_url("cases:step_complete", case, a.pk, step.code),
                                           form=form, label=label, submit=label, obj=step,
                                           template="cases/actions/button.html", style="outline-primary"))
        if may_execute and a.state in WORKING_STATES:
            key = f"a{a.pk}-result"
            form, bound = slots.get(key, lambda: ResultForm(auto_id=_auto_id(key)))
            acts.append(PageAction(key=key, url=_url("cases:result_submit", case, a.pk), form=form, open=bound,
                                   label=_("Submit the result"), submit=_("Submit the result for review")))
        if may_execute and (a.due_at or case.due_at) and not any(
                e.assignment_id == a.pk and e.state == "pending" for e in extensions):
            key = f"a{a.pk}-extension"
            form, bound = slots.get(key, lambda: ExtensionRequestForm(auto_id=_auto_id(key)))
            acts.append(PageAction(key=key, url=_url("cases:extension_request", case, a.pk), form=form, open=bound,
                                   label=_("Ask for an extension of the deadline"), submit=_("Send the request")))
        if may_pass_on and a.state in WORKING_STATES:
            key = f"a{a.pk}-person"
            form, bound = slots.get(key, lambda: PersonForm(assignment=a, auto_id=_auto_id(key)))
            acts.append(PageAction(key=key, url=_url("cases:assignment_person", case, a.pk), form=form, open=bound,
                                   label=_("Name the responsible person"), submit=_("Save the responsible person")))
            if subordinate_bodies(a).exists():
                key = f"a{a.pk}-passon"
                form, bound = slots.get(key, lambda: _pass_on_form(a))
                acts.append(PageAction(key=key, url=_url("cases:assignment_pass_on", case, a.pk), form=form,
                                       open=bound, label=_("Pass on to a body under %(body)s") % {
                                           "body": a.organisation.name}, submit=_("Pass on")))
        if _may_withdraw(user, a):
            key = f"a{a.pk}-withdraw"
            form, bound = slots.get(key, lambda: WithdrawForm(auto_id=_auto_id(key)))
            acts.append(PageAction(key=key, url=_url("cases:assignment_withdraw", case, a.pk), form=form,
                                   open=bound, label=_("Withdraw the assignment"),
                                   submit=_("Withdraw the assignment"), style="danger"))
        if acts:
            groups.append(ActionGroup(
                title=a.organisation.name,
                actions=acts, template="cases/actions/assignment_head.html", obj=a))
    return groups


def _url(name: str, case: Case, *args) -> str:
    from django.urls import reverse

    return reverse(name, args=[case.pk, *args])


# --- performing an action ----------------------------------------------------------------------------

def _perform(request, case: Case, *, key: str, form: ActionForm, allowed: bool, denied: str,
             service: Callable[[dict], str]):
    """Permission (403), input (400), then the service; its refusals keep their meaning: a field error
    is a 400 with the form re-rendered, a permission error a 403, a state error a 409 with its reason."""
    try:
        if not allowed:
            raise PermissionDenied(denied)
        services.ensure_generic_workflow(case)
        if not form.is_valid():
            return _render_case(request, case, bound=(key, form), status=400)
        success = service(form.cleaned_data)
    except ValidationError as exc:
        form.add_service_error(exc)
        return _render_case(request, case, bound=(key, form), status=400)
    except PermissionDenied as exc:
        messages.error(request, str(exc) if exc.args else _("You do not have permission to perform this action."))
        return _render_case(request, case, status=403)
    except TransitionNotAllowed as exc:
        # Our own state errors carry a translated reason; django-fsm's internal ones a generic message.
        reason = str(exc) if isinstance(exc, services.CaseStateError) else _(
            "This action is not allowed in the current state.")
        messages.error(request, reason)
        return _render_case(request, case, status=409)
    messages.success(request, success)
    return redirect("cases:detail", pk=case.pk)


def _assignment(case: Case, assignment_id: int) -> Assignment:
    return get_object_or_404(
        Assignment.objects.select_related("case", "case__owner", "organisation", "parent", "parent__organisation"),
        case=case, pk=assignment_id)


@login_required
@require_POST
def case_transition(request, pk: int, action: str):
    case = _visible_case(request, pk)
    form = _transition_form(case, action, request.POST)

    def run(data):
        payload = {"reason": data["reason"]} if data.get("reason") else None
        changed = services.case_transition(case=case, action=action, actor=request.user, payload=payload)
        return _("The case is now “%(status)s”.") % {"status": changed.get_status_display()}

    return _perform(request, case, key=f"transition-{action}", form=form,
                    allowed=permissions.can_transition(request.user, case),
                    denied=_("You may not change this case."), service=run)


@login_required
@require_POST
def assign(request, pk: int):
    case = _visible_case(request, pk)
    form = _assign_form(case, request.POST)

    def run(data):
        steps = [services.StepSpec("register", "30 working_minutes")] if data.get("register_step") else []
        a = services.assignment_create(
            case=case, actor=request.user, organisation=data["organisation"], role=data["role"],
            due_at=data.get("due_at"), deadline_rule=data.get("deadline_rule"),
            instructions=data.get("instructions", ""), steps=steps)
        return _("The case was given to %(body)s.") % {"body": a.organisation.name}

    return _perform(request, case, key="assign", form=form, allowed=permissions.can_assign(request.user, case),
                    denied=_("You may not assign this case."), service=run)


@login_required
@require_POST
def assignment_accept(request, pk: int, assignment_id: int):
    case = _visible_case(request, pk)
    a = _assignment(case, assignment_id)
    key = f"a{a.pk}-accept"

    def run(data):
        services.assignment_accept(assignment=a, actor=request.user)
        return _("The assignment was accepted for execution.")

    return _perform(request, case, key=key, form=ButtonForm(request.POST, auto_id=_auto_id(key)),
                    allowed=permissions.can_execute(request.user, a), denied=_("You may not act for this body."),
                    service=run)


@login_required
@require_POST
def step_complete(request, pk: int, assignment_id: int, code: str):
    case = _visible_case(request, pk)
    a = _assignment(case, assignment_id)
    key = f"a{a.pk}-step-{code}"

    def run(data):
        step = services.step_complete(assignment=a, code=code, actor=request.user)
        return _("Marked as done: %(step)s.") % {"step": step.label}

    return _perform(request, case, key=key, form=ButtonForm(request.POST, auto_id=_auto_id(key)),
                    allowed=permissions.can_execute(request.user, a), denied=_("You may not act for this body."),
                    service=run)


@login_required
@require_POST
def assignment_person(request, pk: int, assignment_id: int):
    case = _visible_case(request, pk)
    a = _assignment(case, assignment_id)
    key = f"a{a.pk}-person"

    def run(data):
        services.assignment_set_person(assignment=a, actor=request.user, person=data["person"], unit=data.get("unit"))
        return _("%(person)s is now responsible for the assignment.") % {"person": data["person"].display_name}

    return _perform(request, case, key=key, form=PersonForm(request.POST, assignment=a, auto_id=_auto_id(key)),
                    allowed=permissions.can_pass_on(request.user, a),
                    denied=_("You may not name the executor for this body."), service=run)


@login_required
@require_POST
def assignment_pass_on(request, pk: int, assignment_id: int):
    case = _visible_case(request, pk)
    a = _assignment(case, assignment_id)

    def run(data):
        child = services.assignment_create(
            case=case, actor=request.user, organisation=data["organisation"], role=data["role"], parent=a,
            due_at=data.get("due_at"), deadline_rule=data.get("deadline_rule"),
            instructions=data.get("instructions", ""))
        return _("The assignment was passed on to %(body)s.") % {"body": child.organisation.name}

    return _perform(request, case, key=f"a{a.pk}-passon", form=_pass_on_form(a, request.POST),
                    allowed=permissions.can_pass_on(request.user, a),
                    denied=_("You may not pass this assignment on."), service=run)


@login_required
@require_POST
def assignment_withdraw(request, pk: int, assignment_id: int):
    case = _visible_case(request, pk)
    a = _assignment(case, assignment_id)
    key = f"a{a.pk}-withdraw"

    def run(data):
        services.assignment_cancel(assignment=a, actor=request.user, reason=data["reason"])
        return _("The assignment to %(body)s was withdrawn.") % {"body": a.organisation.name}

    return _perform(request, case, key=key, form=WithdrawForm(request.POST, auto_id=_auto_id(key)),
                    allowed=_may_withdraw(request.user, a), denied=_("You may not withdraw this assignment."),
                    service=run)


@login_required
@require_POST
def extension_request(request, pk: int, assignment_id: int):
    case = _visible_case(request, pk)
    a = _assignment(case, assignment_id)
    key = f"a{a.pk}-extension"

    def run(data):
        services.extension_request(case=case, actor=request.user, assignment=a,
                                   requested_due_at=data["requested_due_at"], reasons=data["reasons"])
        return _("The extension request was sent for a decision.")

    return _perform(request, case, key=key, form=ExtensionRequestForm(request.POST, auto_id=_auto_id(key)),
                    allowed=permissions.can_execute(request.user, a),
                    denied=_("Only the executing body may ask for an extension."), service=run)


@login_required
@require_POST
def extension_decide(request, pk: int, request_id: int):
    case = _visible_case(request, pk)
    req = get_object_or_404(
        ExtensionRequest.objects.select_related("case", "case__owner", "assignment", "assignment__parent",
                                                "assignment__parent__organisation"),
        case=case, pk=request_id)
    key = f"e{req.pk}-decide"

    def run(data):
        grant = data["decision"] == "grant"
        decided = services.extension_decide(request=req, actor=request.user, grant=grant, note=data.get("note", ""),
                                            granted_due_at=data.get("granted_due_at"))
        if grant:
            return _("The extension was granted; the new deadline is %(due)s.") % {
                "due": _when(decided.granted_due_at)}
        return _("The extension was refused.")

    return _perform(request, case, key=key, form=ExtensionDecisionForm(request.POST, auto_id=_auto_id(key)),
                    allowed=permissions.can_decide_extension(request.user, req),
                    denied=_("Only the controlling body decides extension requests."), service=run)


@login_required
@require_POST
def result_submit(request, pk: int, assignment_id: int):
    case = _visible_case(request, pk)
    a = _assignment(case, assignment_id)
    key = f"a{a.pk}-result"

    def run(data):
        # The files and the result are stored together or not at all.
        with transaction.atomic():
            files = [services.attachment_add(actor=request.user, upload=upload, case=case, purpose="result",
                                             allowed_types=DEFAULT_ALLOWED)
                     for upload in data.get("attachments") or []]
            services.result_submit(case=case, actor=request.user, text=data["text"], assignment=a,
                                   attachments=files)
        return _("The result was submitted for review.")

    return _perform(request, case, key=key,
                    form=ResultForm(request.POST, request.FILES, auto_id=_auto_id(key)),
                    allowed=permissions.can_execute(request.user, a),
                    denied=_("Only the executing body may submit the result."), service=run)


@login_required
@require_POST
def review_decide(request, pk: int, round_id: int):
    case = _visible_case(request, pk)
    rnd = get_object_or_404(ReviewRound.objects.select_related("case", "assignment", "reviewer_org"),
                            case=case, pk=round_id)
    key = f"r{rnd.pk}-decide"

    def run(data):
        accept = data["decision"] == "accept"
        services.review_decide(review_round=rnd, actor=request.user, accept=accept, reasons=data.get("reasons", ""))
        return _("The result was accepted.") if accept else _("The result was returned for rework.")

    return _perform(request, case, key=key, form=ReviewForm(request.POST, auto_id=_auto_id(key)),
                    allowed=permissions.can_review(request.user, rnd),
                    denied=_("You are not the reviewer of this result."), service=run)

