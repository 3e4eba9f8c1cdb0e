"""Pages of work plans and targeted studies (R-A13, ``/ijro/studies/``): the plans with their sections and items,
the studies with their findings, the tasks concerned and the measures followed to the end.

Reads go through the scoped reads of ``execution.studies`` (the user's bodies' subtrees; wide roles their
territory), writes through its services. Each action follows the appeal page's pattern: the form is
validated (400, re-rendered with its errors next to the fields), the service decides — a field error is a 400,
a permission error a 403, a state error a 409 with its reason shown on the page — and success redirects back
with a message. A refusal changes nothing.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import Q
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods, require_POST
from django_fsm import TransitionNotAllowed

from nazorat.cases.services import CaseStateError
from nazorat.orgs.models import Organisation
from nazorat.orgs.selectors import StaffScope

from . import selectors, studies
from . import studies_forms as f
from .models import PlanSection, Study, StudyState, WorkPlan

NOTHING_CHANGED = gettext_lazy("Nothing was changed: correct what is marked in the form below.")


@dataclass
class Action:
    key: str
    label: str
    form: object
    url: str
    template: str = "cases/actions/form.html"
    style: str = "primary"
    open: bool = False
    submit: str = ""

    @property
    def dom_id(self) -> str:
        return f"action-{self.key}"


def _staff_only(request) -> None:
    if not request.user.is_superuser and not StaffScope.for_user(request.user).is_staff_member:
        raise PermissionDenied(_("Work plans and studies are for staff."))


def task_url(task) -> str:
    """The task's page (``execution:task`` by case number), or the kernel's case page while that is missing."""
    try:
        return reverse("execution:task", args=[task.case.number])
    except NoReverseMatch:
        return reverse("cases:detail", args=[task.pk])


def _refusal(request, exc) -> int:
    """Put a refusal on the page as a message; the status it answers with."""
    if isinstance(exc, PermissionDenied):
        messages.error(request, str(exc) if exc.args else _("You do not have permission to perform this action."))
        return 403
    messages.error(request, str(exc) if isinstance(exc, CaseStateError) else
                   _("This action is not allowed in the current state."))
    return 409


# --- work plans -------------------------------------------------------------------------------------------

@login_required
@require_http_methods(["GET", "POST"])
def plans(request):
    """The work plans of the user's bodies, and the form to prepare a new one."""
    _staff_only(request)
    user = request.user
    bodies = studies.member_bodies(user)
    status = 200
    form = f.WorkPlanForm(bodies=bodies, auto_id="id_plan_%s") if bodies else None
    if request.method == "POST":
        if not bodies:
            raise PermissionDenied(_("Only staff of a body prepare work plans."))
        form = f.WorkPlanForm(request.POST, bodies=bodies, auto_id="id_plan_%s")
        if form.is_valid():
            c = form.cleaned_data
            try:
                plan = studies.workplan_create(actor=user, organisation=c["organisation"], kind=c["kind"],
                                               period_start=c["period_start"], title=c["title"], owner=c["owner"])
            except ValidationError as exc:
                form.add_service_error(exc)
            except PermissionDenied as exc:
                status = _refusal(request, exc)
            else:
                messages.success(request, _("The work plan is prepared; add its items."))
                return redirect("execution:workplan", pk=plan.pk)
        if status == 200:
            status = 400
            messages.error(request, NOTHING_CHANGED)
    page = Paginator(studies.workplans_list(user), 50).get_page(request.GET.get("page"))
    return render(request, "execution/studies/plans.html", {
        "page": page, "form": form, "open_form": request.method == "POST",
    }, status=status)


def _plan_or_404(request, pk) -> WorkPlan:
    plan = studies.workplan_for(request.user, pk)
    if plan is None:
        raise Http404(_("No such work plan among those you may see."))
    return plan


PLAN_ACTIONS = {
    "add_item": gettext_lazy("Add an item"),
    "approve": gettext_lazy("Approve the plan"),
    "item_done": gettext_lazy("Mark done"),
}


def _plan_form(key: str, plan: WorkPlan, data=None, item_pk=None):
    if key == "add_item":
        return f.WorkPlanItemForm(data, auto_id="id_item_%s")
    if key == "approve":
        return f.ActionForm(data, auto_id="id_approve_%s")
    if key == "item_done":
        return f.NoteForm(data, initial={"target": item_pk}, auto_id=f"id_done_{item_pk or 'x'}_%s")
    raise Http404


def _render_plan(request, plan: WorkPlan, *, bound=None, status: int = 200):
    user = request.user
    plan = _plan_or_404(request, plan.pk)  # fresh: a refused change has been rolled back
    sections = studies.workplan_sections(plan)
    can_edit = studies.can_edit_workplan(user, plan)
    draft = plan.approved_at is None
    actions = []
    placed = False

    def form_for(key, item_pk=None):
        nonlocal placed
        if bound and bound[0] == key and (item_pk is None or bound[2] == item_pk):
            placed = True
            return bound[1], True
        return _plan_form(key, plan, item_pk=item_pk), False

    url = lambda key: reverse("execution:workplan_action", args=[plan.pk, key])  # noqa: E731
    if draft and can_edit:
        form, is_open = form_for("add_item")
        actions.append(Action("add_item", str(PLAN_ACTIONS["add_item"]), form, url("add_item"), open=is_open))
    if draft and studies.can_approve_workplan(user, plan):
        form, is_open = form_for("approve")
        actions.append(Action("approve", str(PLAN_ACTIONS["approve"]), form, url("approve"), style="success",
                              template="cases/actions/button.html"))
    can_study = studies.can_plan_for(user, plan.organisation)
    for _code, _label, items in sections:
        for item in items:
            item.done_action = None
            if not draft and can_edit and item.done_at is None:
                form, is_open = form_for("item_done", item.pk)
                item.done_action = Action(f"item_done-{item.pk}", str(PLAN_ACTIONS["item_done"]), form,
                                          url("item_done"), open=is_open, style="success")
            item.can_plan_study = (can_study and item.section == PlanSection.EXECUTION_DISCIPLINE
                                   and item.done_at is None)
    if bound is not None:
        if placed:
            messages.error(request, NOTHING_CHANGED)
        else:
            for message in bound[1].error_list:
                messages.error(request, message)
    return render(request, "execution/studies/plan.html", {
        "plan": plan, "sections": sections, "actions": actions, "today": timezone.localdate(),
    }, status=status)


def _target_pk(request) -> int:
    """The object (plan item, measure) an action names in its hidden ``target`` field; 404 when malformed."""
    try:
        return int(request.POST.get("target", ""))
    except ValueError:
        raise Http404 from None


@login_required
@require_GET
def plan_detail(request, pk: int):
    _staff_only(request)
    return _render_plan(request, _plan_or_404(request, pk))


@login_required
@require_POST
def plan_action(request, pk: int, key: str):
    if key not in PLAN_ACTIONS:
        raise Http404
    _staff_only(request)
    user = request.user
    plan = _plan_or_404(request, pk)
    item_pk = _target_pk(request) if key == "item_done" else None
    allowed = studies.can_approve_workplan(user, plan) if key == "approve" else studies.can_edit_workplan(user, plan)
    if not allowed:
        return _render_plan(request, plan, status=_refusal(request, PermissionDenied(
            _("You may not do this on this work plan."))))
    form = _plan_form(key, plan, request.POST, item_pk=item_pk)
    bound = (key, form, item_pk)
    try:
        if not form.is_valid():
            return _render_plan(request, plan, bound=bound, status=400)
        c = form.cleaned_data
        if key == "add_item":
            studies.workplan_item_add(plan=plan, actor=user, section=c["section"], text=c["text"],
                                      due_on=c["due_on"], responsible=c["responsible"])
            success = _("The item is added to the plan.")
        elif key == "approve":
            studies.workplan_approve(plan=plan, actor=user)
            success = _("The work plan is approved.")
        else:
            item = plan.items.filter(pk=item_pk).first()
            if item is None:
                raise Http404
            studies.workplan_item_done(item=item, actor=user, note=c["note"])
            success = _("The item is marked done.")
    except ValidationError as exc:
        form.add_service_error(exc)
        return _render_plan(request, plan, bound=bound, status=400)
    except (PermissionDenied, TransitionNotAllowed) as exc:
        status = _refusal(request, exc)
        return _render_plan(request, plan, status=status)
    messages.success(request, success)
    return redirect("execution:workplan", pk=plan.pk)


# --- studies ----------------------------------------------------------------------------------------------

@login_required
@require_GET
def study_list(request):
    _staff_only(request)
    user = request.user
    form = f.StudyFilterForm(request.GET or None)
    state, overdue = "", False
    if form.is_bound and form.is_valid():
        state, overdue = form.cleaned_data["state"], form.cleaned_data["overdue"]
    qs = studies.studies_list(user, state=state, overdue=overdue)
    page = Paginator(qs, 50).get_page(request.GET.get("page"))
    return render(request, "execution/studies/list.html", {
        "form": form, "page": page, "today": timezone.localdate(),
        "can_plan": bool(studies.planning_bodies(user)),
    })


def target_choices(bodies) -> "object":
    """Organisations the user's planning bodies may study (their subtrees; territorial bodies their territory)."""
    q = Q(pk__in=[])
    for body in bodies:
        q |= Q(path__startswith=body.path)
        if body.kind in studies.TERRITORIAL_KINDS:
            if body.territory_id is None:
                if body.level == "republic":
                    return Organisation.objects.filter(is_active=True).order_by("path")
            else:
                q |= Q(territory__code__startswith=body.territory_id)
    return Organisation.objects.filter(q, is_active=True).order_by("path")


@login_required
@require_http_methods(["GET", "POST"])
def study_create(request):
    _staff_only(request)
    user = request.user
    bodies = studies.planning_bodies(user)
    if not bodies:
        raise PermissionDenied(_("Only the body's control group, head or first deputy (or a controller of Justice, "
                                 "the Accounts Chamber or the Prosecutor's office) plans studies."))
    kwargs = {"bodies": bodies, "targets": target_choices(bodies), "plan_items": studies.plan_items_for_studies(user),
              "auto_id": "id_study_%s"}
    if request.method == "POST":
        form = f.StudyPlanForm(request.POST, **kwargs)
        status = 400
        if form.is_valid():
            c = form.cleaned_data
            try:
                study = studies.study_plan(actor=user, organisation=c["organisation"], subject=c["subject"],
                                           planned_on=c["planned_on"], target_organisation=c["target_organisation"],
                                           target_territory=c["target_territory"], plan_item=c["plan_item"])
            except ValidationError as exc:
                form.add_service_error(exc)
            except PermissionDenied as exc:
                status = _refusal(request, exc)
            else:
                messages.success(request, _("The study is planned."))
                return redirect("execution:study", pk=study.pk)
        if status == 400:
            messages.error(request, _("Nothing was saved: correct what is marked in the form below."))
        return render(request, "execution/studies/new.html", {"form": form}, status=status)
    initial = {}
    item_pk = request.GET.get("plan_item", "")
    if item_pk.isdigit():
        item = next((i for i in kwargs["plan_items"] if i.pk == int(item_pk)), None)
        if item is not None:
            initial = {"plan_item": item.pk, "organisation": item.plan.organisation_id, "subject": item.text[:500]}
            if item.due_on:
                initial["planned_on"] = item.due_on
    return render(request, "execution/studies/new.html", {"form": f.StudyPlanForm(initial=initial, **kwargs)})


def _study_or_404(request, pk) -> Study:
    study = studies.study_for(request.user, pk)
    if study is None:
        raise Http404(_("No such study among those you may see."))
    return study


STUDY_ACTIONS = {
    "conduct": gettext_lazy("Record the study as conducted"),
    "measure_add": gettext_lazy("Decide a measure"),
    "measure_done": gettext_lazy("Record the measure as taken"),
    "cancel": gettext_lazy("Cancel the study"),
}


def _suggested_tasks(user, study: Study):
    """Open tasks of the organisation studied (the lead or a co-executor there), at most 50."""
    if study.target_organisation_id is None:
        return []
    qs = selectors.filter_tasks(selectors.tasks_visible_to(user), organisation=study.target_organisation_id)
    return list(qs.filter(case__closed_at__isnull=True).order_by("-case__opened_at")[:50])


def _measure_bodies(study: Study):
    q = Q(pk=study.organisation_id)
    if study.target_organisation_id:
        q |= Q(path__startswith=study.target_organisation.path)
    if study.target_territory_id:
        q |= Q(territory__code__startswith=study.target_territory_id)
    return Organisation.objects.filter(q, is_active=True).order_by("path")


def _study_form(key: str, study: Study, user, data=None, measure_pk=None):
    if key == "conduct":
        return f.StudyConductForm(data, user=user, suggested=_suggested_tasks(user, study), auto_id="id_conduct_%s",
                                  initial={"conducted_on": timezone.localdate()})
    if key == "measure_add":
        return f.StudyMeasureForm(data, bodies=_measure_bodies(study), auto_id="id_measure_%s")
    if key == "measure_done":
        return f.NoteForm(data, initial={"target": measure_pk}, auto_id=f"id_mdone_{measure_pk or 'x'}_%s")
    if key == "cancel":
        return f.ReasonForm(data, auto_id="id_cancel_%s")
    raise Http404


def _render_study(request, study: Study, *, bound=None, status: int = 200):
    user = request.user
    study = _study_or_404(request, study.pk)
    today = timezone.localdate()
    actions, placed = [], False

    def form_for(key, measure_pk=None):
        nonlocal placed
        if bound and bound[0] == key and (measure_pk is None or bound[2] == measure_pk):
            placed = True
            return bound[1], True
        return _study_form(key, study, user, measure_pk=measure_pk), False

    url = lambda key: reverse("execution:study_action", args=[study.pk, key])  # noqa: E731
    can_conduct = studies.can_conduct_study(user, study)
    if can_conduct and study.state == StudyState.PLANNED:
        form, is_open = form_for("conduct")
        actions.append(Action("conduct", str(STUDY_ACTIONS["conduct"]), form, url("conduct"), open=is_open,
                              template="execution/studies/_conduct.html"))
    if can_conduct and study.state == StudyState.CONDUCTED:
        form, is_open = form_for("measure_add")
        actions.append(Action("measure_add", str(STUDY_ACTIONS["measure_add"]), form, url("measure_add"),
                              open=is_open))
    if can_conduct and study.state == StudyState.PLANNED:
        form, is_open = form_for("cancel")
        actions.append(Action("cancel", str(STUDY_ACTIONS["cancel"]), form, url("cancel"), open=is_open,
                              style="danger"))
    measures = list(studies.study_measures(study))
    for m in measures:
        m.study = study
        m.is_overdue = m.done_at is None and m.due_on < today
        m.was_late = m.done_at is not None and timezone.localtime(m.done_at).date() > m.due_on
        m.done_action = None
        if study.state == StudyState.CONDUCTED and m.done_at is None and studies.can_mark_measure_done(user, m):
            form, is_open = form_for("measure_done", m.pk)
            m.done_action = Action(f"measure_done-{m.pk}", str(STUDY_ACTIONS["measure_done"]), form,
                                   url("measure_done"), open=is_open, style="success")
    tasks = list(studies.study_tasks(study))
    for t in tasks:
        t.url = task_url(t)
    if bound is not None:
        if placed:
            messages.error(request, NOTHING_CHANGED)
        else:
            for message in bound[1].error_list:
                messages.error(request, message)
    return render(request, "execution/studies/detail.html", {
        "study": study, "tasks": tasks, "measures": measures, "actions": actions, "today": today,
        "open_measures": sum(1 for m in measures if m.done_at is None),
        "cancel_reason": studies.study_cancel_reason(study) if study.state == StudyState.CANCELLED else "",
    }, status=status)


@login_required
@require_GET
def study_detail(request, pk: int):
    _staff_only(request)
    return _render_study(request, _study_or_404(request, pk))


@login_required
@require_POST
def study_action(request, pk: int, key: str):
    if key not in STUDY_ACTIONS:
        raise Http404
    _staff_only(request)
    user = request.user
    study = _study_or_404(request, pk)
    measure_pk = _target_pk(request) if key == "measure_done" else None
    measure = None
    if key == "measure_done":
        measure = study.measures.select_related("responsible").filter(pk=measure_pk).first()
        if measure is None:
            raise Http404
        measure.study = study
        allowed = studies.can_mark_measure_done(user, measure)
    else:
        allowed = studies.can_conduct_study(user, study)
    if not allowed:
        return _render_study(request, study, status=_refusal(request, PermissionDenied(
            _("You may not do this on this study."))))
    form = _study_form(key, study, user, request.POST, measure_pk=measure_pk)
    bound = (key, form, measure_pk)
    try:
        if not form.is_valid():
            return _render_study(request, study, bound=bound, status=400)
        c = form.cleaned_data
        if key == "conduct":
            studies.study_conduct(study=study, actor=user, conducted_on=c["conducted_on"], findings=c["findings"],
                                  tasks=c["tasks"], no_measures_needed=c["no_measures_needed"])
            success = _("The study is recorded as conducted.") if not c["no_measures_needed"] else _(
                "The study is recorded as conducted and closed: no measures were needed.")
        elif key == "measure_add":
            studies.study_measure_add(study=study, actor=user, text=c["text"], responsible=c["responsible"],
                                      due_on=c["due_on"])
            success = _("The measure is added; it is followed until it is taken.")
        elif key == "measure_done":
            studies.study_measure_done(measure=measure, actor=user, note=c["note"])
            study.refresh_from_db()
            success = _("The measure is recorded as taken.")
            if study.state == StudyState.CLOSED:
                success = _("The last measure is taken: the study is closed.")
        else:
            studies.study_cancel(study=study, actor=user, reason=c["reason"])
            success = _("The study is cancelled.")
    except ValidationError as exc:
        form.add_service_error(exc)
        return _render_study(request, study, bound=bound, status=400)
    except (PermissionDenied, TransitionNotAllowed) as exc:
        status = _refusal(request, exc)
        return _render_study(request, study, status=status)
    messages.success(request, success)
    return redirect("execution:study", pk=study.pk)
