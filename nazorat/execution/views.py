"""Staff pages of execution control (``/ijro/``, R-A1…R-A7): the task register, control documents with their
tasks, a task's page (the cascade with its step clocks, review rounds, execution and progress reports,
extension requests, the timeline, and the actions the user may take now), and the control plans of the bodies
with their PDF and Excel renderings.

Reads go through ``execution.selectors`` (scoped to the user), writes through ``execution.services`` (the
kernel's ``extension_decide`` for extension decisions). Every action follows the appeals page's pattern: the
predicate is checked before the form is read (403), the form is validated (400, re-rendered with its errors
next to the fields), the service decides — a field error is a 400, a permission error a 403, a state error a
409 with its reason shown as a message — and success redirects back with a message. A refusal changes nothing.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Callable

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db import transaction
from django.db.models import Count, Prefetch, Q
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods, require_POST
from django_fsm import TransitionNotAllowed

from nazorat.cases import permissions as case_permissions
from nazorat.cases import selectors as case_selectors
from nazorat.cases import services as case_services
from nazorat.cases.models import Assignment, AssignmentState, ExtensionRequest, ReviewRound
from nazorat.cases.services import CaseStateError
from nazorat.core.search import search
from nazorat.orgs.models import Organisation
from nazorat.orgs.selectors import StaffScope

from . import exports, kinds, permissions, selectors, services
from . import forms as f
from .models import ControlDocument, ControlPlan, DeadlineKind, ExecutionReport, PlanState, ProgressReport, Task

WORKING_STATES = (AssignmentState.ASSIGNED, AssignmentState.IN_PROGRESS)
OPEN_STATES = (AssignmentState.ASSIGNED, AssignmentState.IN_PROGRESS, AssignmentState.SUBMITTED)


def _staff_only(request) -> None:
    if not request.user.is_superuser and not StaffScope.for_user(request.user).is_staff_member:
        raise PermissionDenied(_("Execution control is for staff."))


def _lead_prefetch() -> Prefetch:
    """The executors of each task (top-level assignments, lead first) in one query for the whole page."""
    return Prefetch("case__assignments", to_attr="top_assignments",
                    queryset=Assignment.objects.filter(parent__isnull=True).exclude(state=AssignmentState.CANCELLED)
                    .select_related("organisation").order_by("-role", "id"))


def _is_controller(user) -> bool:
    return bool(user.is_superuser or permissions.controller_body_of(user) is not None)


# --- the task register ------------------------------------------------------------------------------

BODY_NAMES_MAX = 100  # suggestions for the executing-body search, only when the user's bodies are this few


def _body_names(user) -> list[str]:
    """Names of the active bodies in the user's subtrees, suggested (<datalist>) under the executing-body search
    when there are at most ``BODY_NAMES_MAX`` of them; nothing for whole-country viewers (3,105 bodies)."""
    scope = StaffScope.for_user(user)
    if user.is_superuser or scope.sees_whole_country or not scope.org_paths:
        return []
    q = Q(pk__in=[])
    for path in scope.org_paths:
        q |= Q(path__startswith=path)
    names = list(Organisation.objects.filter(q, is_active=True).order_by("path")
                 .values_list("name", flat=True)[:BODY_NAMES_MAX + 1])
    return list(dict.fromkeys(names)) if len(names) <= BODY_NAMES_MAX else []


def _without(query, *names: str) -> str:
    """The register's query string without these parameters (and the page): the link that drops a filter."""
    query = query.copy()
    for name in (*names, "page"):
        query.pop(name, None)
    return query.urlencode()


@login_required
@require_GET
def home(request):
    """The task register: every task the user may see, filtered, 50 to a page, executors prefetched. The
    document and the executing body are searched by text; ``?document=<pk>`` and ``?organisation=<pk>`` (links
    from the document page and the monitoring report) filter exactly and show which one is chosen."""
    _staff_only(request)
    user = request.user
    form = f.TaskFilterForm(request.GET or None, body_names=_body_names(user))
    qs = selectors.tasks_visible_to(user)
    chosen_document = chosen_organisation = None
    if form.is_bound and form.is_valid():
        c = form.cleaned_data
        qs = selectors.filter_tasks(qs, q=c["q"], status=c["status"], document=c["document"],
                                    document_q=c["document_q"], organisation=c["organisation"],
                                    organisation_q=c["organisation_q"], overdue=c["overdue"])
        if c["document"]:
            doc = selectors.document_for(user, c["document"])
            chosen_document = {"label": f"{doc} — {doc.title}" if doc else _("a document you may not see"),
                               "clear": _without(request.GET, "document")}
        if c["organisation"]:
            body = Organisation.objects.filter(pk=c["organisation"]).first()
            chosen_organisation = {"label": body.name if body else _("an unknown body"),
                                   "clear": _without(request.GET, "organisation")}
    elif form.is_bound:
        qs = qs.none()
    qs = qs.prefetch_related(_lead_prefetch()).order_by("-case__opened_at", "-pk")
    page = Paginator(qs, 50).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(request, "execution/home.html", {
        "form": form, "page": page, "query": query.urlencode(), "now": timezone.now(),
        "can_register": _is_controller(user), "chosen_document": chosen_document,
        "chosen_organisation": chosen_organisation,
    })


# --- documents (R-A1) -------------------------------------------------------------------------------

def _document(request, pk) -> ControlDocument:
    doc = selectors.document_for(request.user, pk)
    if doc is None:
        raise Http404(_("No such document among those you may see."))
    return doc


@login_required
@require_GET
def documents(request):
    _staff_only(request)
    form = f.DocumentFilterForm(request.GET or None)
    qs = selectors.documents_visible_to(request.user)
    if form.is_bound and form.is_valid():
        if form.cleaned_data["kind"]:
            qs = qs.filter(kind=form.cleaned_data["kind"])
        qs = search(qs, form.cleaned_data["q"])
    # Paginate first, then count the tasks of this page's documents only (one aggregate query), instead of a
    # GROUP BY over every visible document before the page is cut.
    page = Paginator(qs.order_by("-date", "-id"), 50).get_page(request.GET.get("page"))
    docs = list(page.object_list)
    counts = dict(Task.objects.filter(document__in=[d.pk for d in docs]).order_by().values("document")
                  .annotate(n=Count("pk")).values_list("document", "n"))
    for d in docs:
        d.task_count = counts.get(d.pk, 0)
    page.object_list = docs
    query = request.GET.copy()
    query.pop("page", None)
    return render(request, "execution/documents.html", {
        "form": form, "page": page, "query": query.urlencode(), "can_register": _is_controller(request.user),
    })


@login_required
@require_http_methods(["GET", "POST"])
def document_new(request):
    _staff_only(request)
    user = request.user
    controller = permissions.controller_body_of(user)
    if controller is None and not user.is_superuser:
        raise PermissionDenied(_("Only a controller may register documents for control."))
    if request.method == "POST":
        form = f.DocumentForm(request.POST, request.FILES, controller=controller, auto_id="id_doc_%s")
        if form.is_valid():
            try:
                doc = services.document_register(actor=user, data=form.service_data(),
                                                 upload=form.cleaned_data.get("file"))
            except ValidationError as exc:
                form.add_service_error(exc)
            else:
                messages.success(request, _("The document is registered. Now add its tasks."))
                return redirect("execution:document", pk=doc.pk)
        messages.error(request, _("Nothing was registered: correct what is marked in the form below."))
        return render(request, "execution/document_new.html", {"form": form}, status=400)
    form = f.DocumentForm(controller=controller, auto_id="id_doc_%s")
    return render(request, "execution/document_new.html", {"form": form})


def _plan_bodies(user, doc: ControlDocument) -> list[dict]:
    """The bodies that received tasks of this document (among the tasks the user sees), each with its plan."""
    visible = selectors.tasks_visible_to(user).filter(document=doc).values("pk")
    org_ids = set(Assignment.objects.filter(case_id__in=visible).exclude(state=AssignmentState.CANCELLED)
                  .values_list("organisation_id", flat=True))
    plans = {p.organisation_id: p for p in selectors.plans_visible_to(user).filter(document=doc)}
    org_ids |= set(plans)
    bodies = Organisation.objects.filter(pk__in=org_ids).order_by("path")
    return [{"organisation": o, "plan": plans.get(o.pk), "can_prepare": permissions.can_prepare_plan(user, o)}
            for o in bodies]


def _render_document(request, doc: ControlDocument, *, bound: tuple[str, object] | None = None, status: int = 200):
    doc = _document(request, doc.pk)
    user = request.user
    tasks = list(selectors.tasks_visible_to(user).filter(document=doc).prefetch_related(_lead_prefetch())
                 .order_by("item", "pk"))
    can_control = permissions.can_control(user, doc.controller)
    add_form = None
    if can_control:
        add_form = bound[1] if bound and bound[0] == "add_task" else f.TaskAddForm(auto_id="id_add_task_%s")
    if bound is not None:
        messages.error(request, _("Nothing was changed: correct what is marked in the form below."))
    return render(request, "execution/document.html", {
        "doc": doc, "tasks": tasks, "can_control": can_control, "add_form": add_form,
        "add_open": bool(bound), "plan_bodies": _plan_bodies(user, doc), "now": timezone.now(),
    }, status=status)


@login_required
@require_GET
def document(request, pk: int):
    _staff_only(request)
    return _render_document(request, _document(request, pk))


@login_required
@require_GET
def document_file(request, pk: int):
    _staff_only(request)
    doc = _document(request, pk)
    if doc.file is None:
        raise Http404
    att = doc.file
    return FileResponse(att.file.open("rb"), as_attachment=True, filename=att.original_name,
                        content_type=att.content_type)


@login_required
@require_POST
def document_action(request, pk: int, key: str):
    _staff_only(request)
    doc = _document(request, pk)
    user = request.user
    if key not in ("add_task", "publish", "unpublish"):
        raise Http404
    form = None
    try:
        if not permissions.can_control(user, doc.controller):
            raise PermissionDenied(_("Only the controlling body may change this document."))
        if key == "add_task":
            form = f.TaskAddForm(request.POST, auto_id="id_add_task_%s")
            if not form.is_valid():
                return _render_document(request, doc, bound=(key, form), status=400)
            task = services.task_add(document=doc, actor=user, data=form.cleaned_data)
            messages.success(request, _("Task %(number)s is added. Put it on control from its page.")
                             % {"number": task.case.number})
        else:
            services.document_set_public(document=doc, actor=user, public=key == "publish")
            messages.success(request, _("The document is published with its tasks' status.") if key == "publish"
                             else _("The document is taken off the public pages."))
    except ValidationError as exc:
        form = form or f.TaskAddForm(request.POST, auto_id="id_add_task_%s")
        form.add_service_error(exc)
        return _render_document(request, doc, bound=("add_task", form), status=400)
    except PermissionDenied as exc:
        messages.error(request, str(exc) if exc.args else _("You do not have permission to perform this action."))
        return _render_document(request, doc, status=403)
    except TransitionNotAllowed as exc:
        messages.error(request, str(exc) if isinstance(exc, CaseStateError) else _(
            "This action is not allowed in the current state."))
        return _render_document(request, doc, status=409)
    return redirect("execution:document", pk=doc.pk)


# --- a task's page ----------------------------------------------------------------------------------

ACTION_LABELS = {
    "put_on_control": gettext_lazy("Put on control"),
    "register": gettext_lazy("Register receipt and inform the head"),
    "name_executor": gettext_lazy("Name the responsible executor"),
    "pass_on": gettext_lazy("Pass on to a subordinate body"),
    "report": gettext_lazy("Write the execution report"),
    "confirm_report": gettext_lazy("Confirm the execution report"),
    "review": gettext_lazy("Review the execution report"),
    "extension_request": gettext_lazy("Ask for an extension"),
    "extension_decide": gettext_lazy("Decide the extension request"),
    "withdraw": gettext_lazy("Withdraw from control"),
    "progress": gettext_lazy("Enter the progress report"),
    "add_executor": gettext_lazy("Name one more executor"),
    "recall_executor": gettext_lazy("Recall this executor"),
}
SUBMIT_LABELS = {
    "put_on_control": gettext_lazy("Put on control"),
    "register": gettext_lazy("Register receipt"),
    "name_executor": gettext_lazy("Save the executor"),
    "pass_on": gettext_lazy("Pass on"),
    "report": gettext_lazy("Send to the head for confirmation"),
    "extension_request": gettext_lazy("Send the request"),
    "withdraw": gettext_lazy("Withdraw from control"),
    "progress": gettext_lazy("Enter the progress report"),
}
# Which object an action's hidden "target" names.
TARGETS = {"recall_executor": "assignment", "register": "assignment", "name_executor": "assignment", "pass_on": "assignment", "report": "assignment",
           "extension_request": "assignment", "confirm_report": "report", "review": "round",
           "extension_decide": "extension", "progress": "progress"}
DECISION_TEMPLATES = {"confirm_report": "execution/actions/confirm_report.html",
                      "review": "execution/actions/review.html",
                      "extension_decide": "execution/actions/extension_decide.html"}
STEP_HINTS = {
    "register": gettext_lazy("within 30 working minutes"),
    "name_executor": gettext_lazy("within 1 working day"),
    "approve_plan": gettext_lazy("within 3 working days"),
}


@dataclass
class Action:
    key: str
    label: str
    form: object
    url: str
    target: int | None = None
    template: str = "execution/actions/form.html"
    submit: str = ""
    style: str = "primary"
    obj: object = None
    open: bool = False
    above: list = field(default_factory=list)

    @property
    def dom_id(self) -> str:
        return f"action-{self.key}" + (f"-{self.target}" if self.target else "")

    @property
    def testid(self) -> str:
        return f"form-{self.key}"


@dataclass
class Group:
    title: str
    actions: list[Action] = field(default_factory=list)
    assignment: Assignment | None = None


class _Slots:
    """Fresh forms, except the one just posted, which comes back bound with its errors."""

    def __init__(self, bound):
        self.key, self.target, self.form = bound if bound else (None, None, None)
        self.placed = False

    def get(self, key: str, target, make: Callable[[], object]) -> tuple[object, bool]:
        if key == self.key and (self.target is None or target is None or str(target) == str(self.target)):
            self.placed = True
            return self.form, True
        return make(), False


def _auto(key: str, target=None) -> str:
    return f"id_{key}{'_' + str(target) if target else ''}_%s"


def _form_for(key: str, task: Task, obj, data=None, files=None):
    auto = _auto(key, getattr(obj, "pk", None))
    if key == "put_on_control":
        return f.PutOnControlForm(data, task=task, auto_id=auto)
    if key == "register":
        return f.ButtonForm(data, auto_id=auto)
    if key == "name_executor":
        return f.NameExecutorForm(data, assignment=obj, auto_id=auto)
    if key == "pass_on":
        return f.PassOnForm(data, assignment=obj, auto_id=auto)
    if key == "report":
        return f.ReportForm(data, files, auto_id=auto)
    if key == "confirm_report":
        return f.ConfirmReportForm(data, auto_id=auto)
    if key == "review":
        return f.TaskReviewForm(data, auto_id=auto)
    if key == "extension_request":
        return f.ExtensionRequestForm(data, auto_id=auto)
    if key == "extension_decide":
        return f.ExtensionDecisionForm(data, auto_id=auto)
    if key == "withdraw":
        return f.WithdrawForm(data, auto_id=auto)
    if key == "add_executor":
        return f.AddExecutorForm(data, task=task, auto_id=auto)
    if key == "recall_executor":
        return f.RecallExecutorForm(data, auto_id=auto)
    if key == "progress":
        return f.ProgressForm(data, files, auto_id=auto)
    raise Http404


def _target(task: Task, key: str, raw):
    kind = TARGETS.get(key)
    if kind is None:
        return None
    try:
        pk = int(raw)
    except (TypeError, ValueError):
        raise Http404 from None
    try:
        if kind == "assignment":
            return Assignment.objects.select_related("case", "case__owner", "organisation", "parent",
                                                     "parent__organisation").get(case_id=task.pk, pk=pk)
        if kind == "report":
            return ExecutionReport.objects.select_related("assignment__organisation", "assignment__case").get(
                task=task, pk=pk)
        if kind == "round":
            return ReviewRound.objects.select_related("case", "assignment", "reviewer_org").get(case_id=task.pk, pk=pk)
        if kind == "extension":
            return ExtensionRequest.objects.select_related(
                "case", "case__owner", "assignment", "assignment__parent", "assignment__parent__organisation",
                "assignment__organisation").get(case_id=task.pk, pk=pk)
        return ProgressReport.objects.select_related("organisation").get(task=task, pk=pk)
    except (Assignment.DoesNotExist, ExecutionReport.DoesNotExist, ReviewRound.DoesNotExist,
            ExtensionRequest.DoesNotExist, ProgressReport.DoesNotExist):
        raise Http404 from None


def _progress_lead(task: Task, report: ProgressReport) -> Assignment | None:
    return (Assignment.objects.filter(case_id=task.pk, organisation_id=report.organisation_id, parent__isnull=True)
            .select_related("organisation").order_by("-id").first())


def _permitted(key: str, user, task: Task, obj) -> bool:
    """The permission part only (the same predicate the service checks, or a stricter one); a stale page's
    action in the wrong state still reaches the service, which answers with its reason."""
    case = task.case
    if key in ("put_on_control", "withdraw", "add_executor"):
        return permissions.can_control(user, case.owner)
    if key == "recall_executor":
        return obj.parent_id is None and permissions.can_control(user, case.owner)
    if key in ("register", "name_executor", "pass_on"):
        return case_permissions.can_pass_on(user, obj)
    if key in ("report", "extension_request"):
        return case_permissions.can_execute(user, obj)
    if key == "confirm_report":
        return permissions.can_confirm_report(user, obj.assignment.organisation)
    if key == "review":
        return case_permissions.can_review(user, obj)
    if key == "extension_decide":
        return case_permissions.can_decide_extension(user, obj)
    if key == "progress":
        return case_permissions.can_execute(user, _progress_lead(task, obj))
    return False


def _run(key: str, task: Task, obj, user, form) -> str:
    data = form.cleaned_data
    if key == "put_on_control":
        services.task_put_on_control(task=task, actor=user, executors=form.executors(),
                                     instructions=data.get("instructions", ""))
        return _("The task is on control; the executors are told.")
    if key == "register":
        services.assignment_register(assignment=obj, actor=user)
        return _("The receipt is registered and the head informed.")
    if key == "name_executor":
        services.assignment_name_executor(assignment=obj, actor=user, person=data["person"], unit=data.get("unit"))
        return _("%(person)s is now the responsible executor.") % {"person": data["person"].display_name}
    if key == "pass_on":
        child = services.task_pass_on(assignment=obj, actor=user, organisation=data["organisation"],
                                      due_at=data.get("due_on"), role=data["role"],
                                      instructions=data.get("instructions", ""))
        return _("The task is passed on to %(body)s.") % {"body": child.organisation.name}
    if key == "report":
        services.report_write(assignment=obj, actor=user, text=data["text"], uploads=data.get("files") or [])
        return _("The report is written and waits for the head's confirmation.")
    if key == "confirm_report":
        if data["decision"] == "confirm":
            services.report_confirm(report=obj, actor=user, note=data.get("note", ""))
            return _("The report is confirmed and sent up for review.")
        services.report_send_back(report=obj, actor=user, note=data.get("note", ""))
        return _("The report is sent back to the executor.")
    if key == "review":
        accept = data["decision"] == "accept"
        services.task_review(review_round=obj, actor=user, accept=accept, reasons=data.get("reasons", ""))
        return _("The report is accepted.") if accept else _("The report is returned with objections.")
    if key == "extension_request":
        services.extension_request(assignment=obj, actor=user, requested_due_on=data["requested_due_on"],
                                   reasons=data["reasons"])
        return _("The extension request is sent to the controller.")
    if key == "extension_decide":
        grant = data["decision"] == "grant"
        decided = case_services.extension_decide(request=obj, actor=user, grant=grant, note=data.get("note", ""),
                                                 granted_due_at=data.get("granted_due_at"))
        if grant:
            return _("The extension is granted; the new deadline is %(due)s.") % {
                "due": timezone.localtime(decided.granted_due_at).strftime("%d.%m.%Y %H:%M")}
        return _("The extension is refused.")
    if key == "withdraw":
        services.task_withdraw(task=task, actor=user, reason=data["reason"])
        return _("The task is withdrawn from control.")
    if key == "add_executor":
        added = services.task_add_executor(task=task, actor=user, organisation=data["organisation"],
                                           role=data["role"], due_at=data.get("due_on"),
                                           instructions=data.get("instructions", ""))
        return _("%(body)s is named an executor; it is told.") % {"body": added.organisation.name}
    if key == "recall_executor":
        services.task_recall_executor(assignment=obj, actor=user, reason=data["reason"])
        return _("The executor is recalled.")
    if key == "progress":
        services.progress_submit(report=obj, actor=user, text=data["text"], uploads=data.get("files") or [])
        return _("The progress report is entered.")
    raise Http404


def _tree(assignments: list[Assignment]) -> list[tuple[Assignment, int]]:
    """Parents before their children, each with its depth in the cascade."""
    children: dict[int | None, list[Assignment]] = {}
    ids = {a.pk for a in assignments}
    for a in assignments:
        children.setdefault(a.parent_id if a.parent_id in ids else None, []).append(a)
    out: list[tuple[Assignment, int]] = []

    def walk(parent, depth):
        for a in children.get(parent, []):
            out.append((a, depth))
            walk(a.pk, depth + 1)

    walk(None, 0)
    return out


def _chain_labels(case) -> dict[str, str]:
    labels = {"parent": _("Body that passed the task on"), "owner": _("Controlling body")}
    try:
        labels.update({s.code: str(s.label) for s in kinds.chain_for(case)})
    except Exception:  # noqa: BLE001 - a misconfigured chain must not break the page
        pass
    return labels


def _action_groups(user, task: Task, tree, reports, extensions, progress, slots: _Slots) -> list[Group]:
    case = task.case
    if case.closed_at is not None:
        return []
    groups: list[Group] = []

    def act(key, obj=None, **kw) -> Action:
        target = getattr(obj, "pk", None)
        form, bound = slots.get(key, target, lambda: _form_for(key, task, obj))
        template = DECISION_TEMPLATES.get(key, "execution/actions/button.html" if key == "register"
                                          else "execution/actions/form.html")
        label = str(ACTION_LABELS[key])
        return Action(key=key, label=label, submit=str(SUBMIT_LABELS.get(key, label)), form=form, target=target,
                      url=reverse("execution:task_action", args=[case.number, key]), template=template, obj=obj,
                      open=bound, **kw)

    # What waits on this user's decision first.
    decide: list[Action] = []
    rnd = selectors.pending_round_for(user, task)
    if rnd is not None and rnd.submitted_by_id != user.pk:
        rnd = ReviewRound.objects.select_related("assignment__organisation", "submitted_by", "reviewer_org") \
            .prefetch_related("attachments").get(pk=rnd.pk)
        # Later steps of the chain review the same report: show the files submitted with its first step.
        report = (ExecutionReport.objects.filter(review_round__assignment_id=rnd.assignment_id,
                                                 review_round__number=rnd.number)
                  .prefetch_related("attachments").first())
        rnd.report_files = list(report.attachments.all()) if report else list(rnd.attachments.all())
        decide.append(act("review", rnd))
    for report in reports:
        if report.state == "draft" and permissions.can_confirm_report(user, report.assignment.organisation):
            decide.append(act("confirm_report", report))
    for req in extensions:
        if req.state == "pending" and req.requested_by_id != user.pk and \
                case_permissions.can_decide_extension(user, req):
            decide.append(act("extension_decide", req))
    if decide:
        groups.append(Group(title=_("Awaiting your decision"), actions=decide))

    # The task itself: the controller's actions.
    own: list[Action] = []
    if permissions.can_control(user, case.owner):
        if case.status == kinds.REGISTERED:
            own.append(act("put_on_control"))
        else:
            own.append(act("add_executor"))
        own.append(act("withdraw", style="danger"))
    if own:
        groups.append(Group(title=_("This task"), actions=own))

    # Each open assignment: what its body may do now.
    drafts = {r.assignment_id for r in reports if r.state == "draft"}
    pending_ext = {e.assignment_id for e in extensions if e.state == "pending"}
    rollup = _rollup(reports)
    for a, _depth in tree:
        if a.state not in OPEN_STATES:
            continue
        acts: list[Action] = []
        may_pass_on = case_permissions.can_pass_on(user, a)
        may_execute = case_permissions.can_execute(user, a)
        steps = {s.code: s for s in a.steps.all()}
        if may_pass_on and "register" in steps and steps["register"].done_at is None:
            acts.append(act("register", a))
        if may_pass_on and a.state in WORKING_STATES:
            acts.append(act("name_executor", a))
            if f.subordinate_bodies(a).exists():
                acts.append(act("pass_on", a))
        if may_execute and a.state in WORKING_STATES and a.pk not in drafts:
            acts.append(act("report", a, above=rollup.get(a.pk, [])))
        if may_execute and (a.due_at or case.due_at) and a.pk not in pending_ext:
            acts.append(act("extension_request", a))
        if a.parent_id is None and permissions.can_control(user, case.owner):
            acts.append(act("recall_executor", a, style="danger"))
        if acts:
            groups.append(Group(title=a.organisation.name, actions=acts, assignment=a))

    today = timezone.localdate()
    for p in progress:
        if p.submitted_at is None and p.period_start <= today:
            lead = next((a for a, _d in tree if a.parent_id is None and a.organisation_id == p.organisation_id), None)
            if lead is not None and case_permissions.can_execute(user, lead):
                groups.append(Group(title=_("Progress report no. %(n)s") % {"n": p.sequence},
                                    actions=[act("progress", p)]))
    return groups


def _rollup(reports) -> dict[int, list[ExecutionReport]]:
    """For each assignment, the confirmed reports of the bodies it passed the task on to (R-A4)."""
    out: dict[int, list[ExecutionReport]] = {}
    lead = selectors.lead_assignment(reports[0].task) if reports else None
    for r in reports:
        if r.state != "confirmed":
            continue
        if r.assignment.parent_id:
            out.setdefault(r.assignment.parent_id, []).append(r)
        elif r.assignment.role == "co_executor" and lead is not None:  # co-executors report to the lead body
            out.setdefault(lead.pk, []).append(r)
    return out


def _visible_task(request, number: str) -> Task:
    _staff_only(request)
    task = selectors.task_for(request.user, number)
    if task is None:
        raise Http404(_("No such task among those you may see."))
    return task


def _render_task(request, number: str, *, bound=None, status: int = 200):
    task = _visible_task(request, number)  # fresh: a refused change has been rolled back
    case = task.case
    user = request.user
    now = timezone.now()
    tree = _tree(selectors.assignments_of(task))
    reports = list(selectors.reports_of(task))
    rounds = list(selectors.rounds_of(task).prefetch_related("attachments"))
    progress = list(selectors.progress_reports_of(task))
    extensions = list(case.extension_requests.select_related(
        "requested_by", "decided_by", "assignment", "assignment__organisation", "assignment__parent",
        "assignment__parent__organisation", "case", "case__owner").order_by("requested_at", "id"))
    slots = _Slots(bound)
    groups = _action_groups(user, task, tree, reports, extensions, progress, slots)
    if bound is not None:
        if slots.placed:
            messages.error(request, _("Nothing was changed: correct what is marked in the form below."))
        else:
            for message in getattr(bound[2], "error_list", []):
                messages.error(request, message)
    labels = _chain_labels(case)
    for r in rounds:
        r.chain_label = labels.get(r.step_code, r.step_code)
    rollup = _rollup(reports)
    reports_by_assignment: dict[int, list] = {}
    for r in reports:
        reports_by_assignment.setdefault(r.assignment_id, []).append(r)
    cascade = [{"a": a, "depth": depth, "steps": sorted(a.steps.all(), key=lambda s: s.due_at),
                "children_reports": rollup.get(a.pk, []), "overdue": a.is_overdue(now)} for a, depth in tree]
    for row in cascade:
        for s in row["steps"]:
            s.hint = STEP_HINTS.get(s.code, "")
    plan_links = [{"organisation": a.organisation, "url": reverse("execution:plan", args=[task.document_id,
                                                                                           a.organisation_id])}
                  for a, _d in tree if permissions.can_prepare_plan(user, a.organisation)
                  or permissions.can_approve_plan(user, a.organisation)]
    seen: set[int] = set()
    plan_links = [p for p in plan_links if not (p["organisation"].pk in seen or seen.add(p["organisation"].pk))]
    return render(request, "execution/task.html", {
        "task": task, "case": case, "doc": task.document, "cascade": cascade, "reports": reports,
        "rounds": rounds, "submissions": len({(r.assignment_id, r.number) for r in rounds}),
        "progress": progress, "extensions": extensions, "timeline": case_selectors.timeline(user, case),
        "groups": groups, "now": now, "plan_links": plan_links,
        "no_deadline": task.deadline_kind == DeadlineKind.NONE,
    }, status=status)


@login_required
@require_GET
def task(request, number: str):
    return _render_task(request, number)


@login_required
@require_POST
def task_action(request, number: str, key: str):
    if key not in ACTION_LABELS:
        raise Http404
    task = _visible_task(request, number)
    user = request.user
    obj = _target(task, key, request.POST.get("target"))
    form = None
    target = getattr(obj, "pk", None)
    try:
        if not _permitted(key, user, task, obj):
            raise PermissionDenied(_("You may not do this on this task."))
        form = _form_for(key, task, obj, request.POST, request.FILES)
        if not form.is_valid():
            return _render_task(request, number, bound=(key, target, form), status=400)
        with transaction.atomic():
            success = _run(key, task, obj, user, form)
    except ValidationError as exc:
        form.add_service_error(exc)
        return _render_task(request, number, bound=(key, target, form), status=400)
    except PermissionDenied as exc:
        messages.error(request, str(exc) if exc.args else _("You do not have permission to perform this action."))
        return _render_task(request, number, status=403)
    except TransitionNotAllowed as exc:
        messages.error(request, str(exc) if isinstance(exc, CaseStateError) else _(
            "This action is not allowed in the current state."))
        return _render_task(request, number, status=409)
    messages.success(request, success)
    return redirect("execution:task", number=number)


# --- control plans (R-A3) ---------------------------------------------------------------------------

def _plan_context(request, pk: int, org_pk: int) -> tuple[ControlDocument, Organisation, ControlPlan | None]:
    _staff_only(request)
    doc = _document(request, pk)
    org = Organisation.objects.filter(pk=org_pk).first()
    if org is None:
        raise Http404
    visible = selectors.tasks_visible_to(request.user).filter(document=doc).values("pk")
    received = Assignment.objects.filter(case_id__in=visible, organisation=org).exists()
    plan = selectors.plans_visible_to(request.user).filter(document=doc, organisation=org).first()
    if not received and plan is None and org.pk != doc.controller_id:
        raise Http404(_("This body has no tasks of this document."))
    return doc, org, plan


def _task_choices(user, doc: ControlDocument) -> list[tuple[int, str]]:
    rows = selectors.tasks_visible_to(user).filter(document=doc).order_by("item", "pk").values_list(
        "pk", "item", "case__summary")
    return [(pk, f"{item}. {summary[:90]}") for pk, item, summary in rows]


def _plan_initial(doc, org, plan) -> list[dict]:
    if plan is not None:
        return [{"task": r.task_id, "text": r.text, "mechanism": r.mechanism, "deadline": r.deadline,
                 "executors": r.executors} for r in plan.rows.order_by("position", "id")]
    return services.plan_suggested_rows(doc, org)


def _render_plan(request, doc, org, plan, *, formset=None, errors=(), status: int = 200):
    user = request.user
    if plan is not None:
        plan = selectors.plans_visible_to(user).filter(pk=plan.pk).first()
    draft = plan is None or plan.state == PlanState.DRAFT
    # An approved plan reopens for a revision when a task of the document reached the body after approval.
    revisable = plan is not None and services.plan_needs_revision(plan)
    can_edit = (draft or revisable) and permissions.can_prepare_plan(user, org)
    can_approve = plan is not None and draft and permissions.can_approve_plan(user, org)
    if can_edit and formset is None:
        formset = f.PlanRowFormSet(initial=_plan_initial(doc, org, plan), prefix="rows",
                                   form_kwargs={"task_choices": _task_choices(user, doc)})
    rows = list(plan.rows.select_related("task__case").order_by("position", "id")) if plan is not None else []
    return render(request, "execution/plan.html", {
        "doc": doc, "org": org, "plan": plan, "rows": rows, "formset": formset if can_edit else None,
        "can_edit": can_edit, "can_approve": can_approve, "errors": list(errors), "revisable": revisable,
    }, status=status)


@login_required
@require_http_methods(["GET", "POST"])
def plan(request, pk: int, org_pk: int):
    doc, org, plan_obj = _plan_context(request, pk, org_pk)
    if request.method == "GET":
        return _render_plan(request, doc, org, plan_obj)
    user = request.user
    action = request.POST.get("action", "save")
    formset = None
    try:
        if action == "approve":
            if not permissions.can_approve_plan(user, org):
                raise PermissionDenied(_("Only the head or the first deputy approves the control plan."))
            if plan_obj is None:
                raise ValidationError({"rows": _("A control plan needs at least one row.")})
            services.plan_approve(plan=plan_obj, actor=user)
            messages.success(request, _("The control plan is approved."))
        else:
            if not permissions.can_prepare_plan(user, org):
                raise PermissionDenied(_("Only the body's control group may prepare its control plan."))
            formset = f.PlanRowFormSet(request.POST, prefix="rows",
                                       form_kwargs={"task_choices": _task_choices(user, doc)})
            if not formset.is_valid():
                messages.error(request, _("Nothing was saved: correct what is marked in the form below."))
                return _render_plan(request, doc, org, plan_obj, formset=formset, status=400)
            rows = [form.cleaned_data for form in formset.forms if form.cleaned_data]
            services.plan_save(document=doc, organisation=org, actor=user, rows=rows)
            messages.success(request, _("The control plan is saved."))
    except ValidationError as exc:
        errors = ([m for msgs in exc.message_dict.values() for m in msgs] if hasattr(exc, "error_dict")
                  else exc.messages)
        messages.error(request, _("Nothing was saved: correct what is marked in the form below."))
        return _render_plan(request, doc, org, plan_obj, formset=formset, errors=errors, status=400)
    except PermissionDenied as exc:
        messages.error(request, str(exc) if exc.args else _("You do not have permission to perform this action."))
        return _render_plan(request, doc, org, plan_obj, status=403)
    except TransitionNotAllowed as exc:
        messages.error(request, str(exc) if isinstance(exc, CaseStateError) else _(
            "This action is not allowed in the current state."))
        return _render_plan(request, doc, org, plan_obj, status=409)
    return redirect("execution:plan", pk=doc.pk, org_pk=org.pk)


def _plan_for_export(request, pk: int, org_pk: int):
    doc, org, plan_obj = _plan_context(request, pk, org_pk)
    if plan_obj is None:
        raise Http404(_("This body has no control plan for the document yet."))
    rows = list(plan_obj.rows.select_related("task").order_by("position", "id"))
    return doc, org, plan_obj, rows


@login_required
@require_GET
def plan_pdf(request, pk: int, org_pk: int):
    doc, org, plan_obj, rows = _plan_for_export(request, pk, org_pk)
    response = HttpResponse(exports.plan_pdf(plan_obj, rows), content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="control-plan-{doc.pk}-{org.pk}.pdf"'
    return response


@login_required
@require_GET
def plan_xlsx(request, pk: int, org_pk: int):
    doc, org, plan_obj, rows = _plan_for_export(request, pk, org_pk)
    response = HttpResponse(exports.plan_xlsx(plan_obj, rows), content_type=exports.XLSX)
    response["Content-Disposition"] = f'attachment; filename="control-plan-{doc.pk}-{org.pk}.xlsx"'
    return response
