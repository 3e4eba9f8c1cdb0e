"""Web pages of the electronic reception (issue 3): the public submission form and tracking page (no login),
the staff register with its Excel export, an appeal's page with the actions the user may take now, and the
control sheet PDF (R-B3).

Reads go through ``appeals.selectors`` (scoping and the privacy rule of Art 19), writes through
``appeals.services``. Every staff action follows the case page's pattern (``nazorat/cases/views.py``): the
predicate is checked before the form is read (403), the form is validated (400, re-rendered with its errors
next to the fields), the service decides — a field error is a 400, a permission error a 403, a state error a
409 with its reason — and success redirects back to the appeal's page with a message. A refusal changes
nothing.
"""

from __future__ import annotations

from dataclasses import dataclass
from io import BytesIO

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import Prefetch
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST
from django_fsm import TransitionNotAllowed

from nazorat.cases import permissions as case_permissions
from nazorat.cases import selectors as case_selectors
from nazorat.cases.models import Assignment, AssignmentState, Verdict
from nazorat.cases.services import CaseStateError
from nazorat.orgs.models import Organisation
from nazorat.orgs.selectors import StaffScope

from . import forms as f
from . import kinds, permissions, selectors, services
from .models import Appeal, ApplicantKind

# --- the public submission form (R-B1) -----------------------------------------------------------------


def _citizen(user) -> bool:
    return bool(getattr(user, "is_authenticated", False)) and not getattr(user, "is_staff_member", False)


def _initial_for(request) -> dict:
    initial: dict = {}
    addressee = request.GET.get("addressee", "")
    if addressee.isdigit() and Organisation.objects.filter(pk=int(addressee), is_active=True).exists():
        initial["addressee"] = int(addressee)
    user = request.user
    if _citizen(user):
        if user.organisation_name and user.kind == ApplicantKind.LEGAL_ENTITY:
            initial.update(applicant_kind=ApplicantKind.LEGAL_ENTITY, organisation_name=user.organisation_name,
                           tin=user.tin)
        initial.update(last_name=user.last_name, first_name=user.first_name, patronymic=user.patronymic,
                       email=user.email or "", phone=user.phone or "", address=user.address)
    return initial


@require_http_methods(["GET", "POST"])
def submit(request):
    """Anyone may write to any body (R-B1); a signed-in citizen's appeal is linked to the account."""
    if request.method == "POST":
        form = f.SubmitForm(request.POST, request.FILES)
        if form.is_valid():
            try:
                appeal = services.appeal_submit(data=form.service_data(), attachments=form.cleaned_data["attachments"],
                                                actor=request.user)
            except ValidationError as exc:
                form.add_service_error(exc)
            else:
                return _confirmation(request, appeal)
        else:
            try:
                services.clean_appeal_data(form.service_data(), attachments=form.cleaned_data.get("attachments") or [])
            except ValidationError as exc:
                form.add_service_error(exc)
        messages.error(request, _("Nothing was sent: correct what is marked in the form below."))
        return render(request, "appeals/submit.html", {"form": form}, status=400)
    form = f.SubmitForm(initial=_initial_for(request))
    addressee = form.initial.get("addressee")
    body = Organisation.objects.filter(pk=addressee).first() if addressee else None
    return render(request, "appeals/submit.html", {"form": form, "body": body})


def _paper_addressees(user):
    """The bodies whose working group this person belongs to: they register paper appeals addressed there."""
    from nazorat.orgs.selectors import StaffScope

    scope = StaffScope.for_user(user)
    orgs = {m.organisation for m in scope.memberships}
    return sorted((o for o in orgs if permissions.can_register_paper(user, o)), key=lambda o: o.path)


@login_required
@require_http_methods(["GET", "POST"])
def register_paper(request):
    """Staff register written and oral appeals with the moment they actually arrived (Art 23)."""
    addressees = _paper_addressees(request.user)
    if not addressees:
        raise PermissionDenied(_("Only a body's working group registers paper appeals."))
    if request.method == "POST":
        form = f.PaperForm(request.POST, request.FILES, addressees=addressees)
        if form.is_valid():
            try:
                appeal = services.appeal_register_paper(
                    actor=request.user, data=form.service_data(), received_at=form.cleaned_data["received_at"],
                    form=form.cleaned_data["form"], attachments=form.cleaned_data["attachments"])
            except ValidationError as exc:
                form.add_service_error(exc)
            else:
                messages.success(request, _("Registered as %(number)s. Give the author the tracking code: %(code)s")
                                 % {"number": appeal.case.number, "code": appeal.tracking_code})
                return redirect("appeals:detail", number=appeal.case.number)
        messages.error(request, _("Nothing was registered: correct what is marked in the form below."))
        return render(request, "appeals/paper.html", {"form": form}, status=400)
    form = f.PaperForm(addressees=addressees, initial={"addressee": addressees[0].pk, "received_at": timezone.localtime()
                                                       .strftime("%Y-%m-%dT%H:%M")})
    return render(request, "appeals/paper.html", {"form": form})


def _confirmation(request, appeal: Appeal):
    """Shown once, right after the submission: the tracking code is never stored in readable form."""
    case = appeal.case
    response = render(request, "appeals/submitted.html", {
        "appeal": appeal, "case": case, "code": appeal.tracking_code,
        "due": timezone.localtime(case.due_at).date() if case.due_at else None,
    })
    response["Cache-Control"] = "no-store"
    return response


# --- tracking (R-B11) ------------------------------------------------------------------------------------

@require_http_methods(["GET", "POST"])
def track(request):
    """Number and code in, the public record out (status, due date, timeline, the answer record). The code
    travels only in POST bodies, never in the address. Withdrawal and rating also need the code."""
    if request.method == "GET":
        return render(request, "appeals/track.html", {"form": f.TrackForm()})
    form = f.TrackForm(request.POST)
    if not form.is_valid():
        return render(request, "appeals/track.html", {"form": form}, status=400)
    number, code = form.cleaned_data["number"], form.cleaned_data["code"]
    appeal = selectors.appeal_by_tracking(number, code)
    if appeal is None:
        form.add_error(None, _("No appeal with this number and code. Check both and try again."))
        return render(request, "appeals/track.html", {"form": form}, status=404)
    action = request.POST.get("action", "")
    rate_form = None
    status = 200
    try:
        if action == "withdraw":
            services.appeal_withdraw(appeal=appeal, tracking_code=code, actor=request.user)
            messages.success(request, _("Your appeal has been withdrawn."))
        elif action == "rate":
            rate_form = f.RateForm(request.POST, auto_id="id_rate_%s")
            if rate_form.is_valid():
                services.appeal_rate(appeal=appeal, tracking_code=code, actor=request.user,
                                     rating=rate_form.cleaned_data["rating"],
                                     comment=rate_form.cleaned_data["comment"])
                messages.success(request, _("Thank you for rating the answer."))
                rate_form = None
            else:
                status = 400
    except ValidationError as exc:
        if rate_form is None:
            rate_form = f.RateForm(request.POST, auto_id="id_rate_%s")
        rate_form.add_service_error(exc)
        status = 400
    except PermissionDenied as exc:
        messages.error(request, str(exc))
        status = 403
    except TransitionNotAllowed as exc:
        messages.error(request, str(exc) if isinstance(exc, CaseStateError) else
                       _("This action is not allowed in the current state."))
        status = 409
    appeal = selectors.appeal_by_tracking(number, code)
    view = selectors.public_view(appeal, show_author=True)
    response = render(request, "appeals/track.html", {
        "form": f.TrackForm(initial={"number": number}), "view": view, "number": number, "code": code,
        "rate_form": rate_form or f.RateForm(auto_id="id_rate_%s"),
    }, status=status)
    response["Cache-Control"] = "no-store"
    return response


# --- the staff register (R-B2) ---------------------------------------------------------------------------

def _staff_only(request) -> None:
    if not StaffScope.for_user(request.user).is_staff_member and not request.user.is_superuser:
        raise PermissionDenied(_("The register of appeals is for staff."))


def _filtered(request):
    qs = selectors.appeals_visible_to(request.user)
    addressees = Organisation.objects.filter(pk__in=qs.values("addressee_id")).order_by("name")
    form = f.RegisterFilterForm(request.GET or None, addressees=addressees)
    if form.is_bound and form.is_valid():
        c = form.cleaned_data
        if c["status"]:
            qs = qs.filter(case__status=c["status"])
        if c["kind"]:
            qs = qs.filter(kind=c["kind"])
        if c["addressee"]:
            qs = qs.filter(addressee_id=c["addressee"])
        if c["territory"]:
            qs = qs.filter(territory__code__startswith=c["territory"])
        if c["overdue"]:
            qs = qs.filter(case__closed_at__isnull=True, case__due_at__isnull=False, case__due_at__lt=timezone.now())
        qs = selectors.search_appeals(qs, c["q"])
    elif form.is_bound:
        qs = qs.none()
    return form, qs.select_related("case__territory").order_by("-received_at", "-case_id")


@login_required
@require_GET
def register(request):
    _staff_only(request)
    form, qs = _filtered(request)
    page = Paginator(qs, 50).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(request, "appeals/register.html", {
        "form": form, "page": page, "query": query.urlencode(), "now": timezone.now(),
        "can_register_paper": bool(_paper_addressees(request.user)),
    })


EXPORT_COLUMNS = [
    ("number", _("Number")), ("received", _("Received")), ("registered_on", _("Registered on")),
    ("kind", _("Kind")), ("form", _("Form")), ("status", _("Status")), ("addressee", _("Addressee")),
    ("territory", _("Territory")), ("applicant_kind", _("Author")), ("author", _("Author's name")),
    ("address", _("Address")), ("email", _("E-mail")), ("phone", _("Phone")), ("text", _("Text")),
    ("due", _("Due date")), ("overdue", _("Overdue")), ("closed", _("Closed")), ("executors", _("Executors")),
    ("answer_number", _("Answer number")), ("answer_sent_on", _("Answer sent on")), ("signer", _("Signed by")),
    ("executor", _("Responsible executor")), ("outcome", _("Outcome")), ("rating", _("Rating")),
]
PRIVATE_COLUMNS = {"author", "address", "email", "phone", "text"}


def _local(dt):
    return timezone.localtime(dt).replace(tzinfo=None) if dt else None


def export_row(appeal: Appeal, now) -> dict:
    case = appeal.case
    withheld = not getattr(appeal, "author_visible", True)
    row = {
        "number": case.number, "received": _local(appeal.received_at), "registered_on": appeal.registered_on,
        "kind": str(appeal.get_kind_display()), "form": str(appeal.get_form_display()),
        "status": str(case.get_status_display()), "addressee": appeal.addressee.name,
        "territory": appeal.territory.name, "applicant_kind": str(appeal.get_applicant_kind_display()),
        "author": appeal.author_name, "address": appeal.address, "email": appeal.email, "phone": appeal.phone,
        "text": appeal.text, "due": _local(case.due_at), "overdue": _("yes") if case.is_overdue() else "",
        "closed": _local(case.closed_at),
        "executors": "; ".join(f"{a.organisation.name} ({a.get_role_display()})"
                               for a in case.assignments.all() if a.state != AssignmentState.CANCELLED),
        "answer_number": appeal.answer_number, "answer_sent_on": appeal.answer_sent_on,
        "signer": f"{appeal.signer_position} {appeal.signer_name}".strip(),
        "executor": f"{appeal.executor_position} {appeal.executor_name}".strip(),
        "outcome": str(appeal.get_outcome_display()) if appeal.outcome else "", "rating": appeal.rating,
    }
    if withheld:
        for key in PRIVATE_COLUMNS:
            row[key] = _("(withheld at the author's request)")
    return row


@login_required
@require_GET
def register_export(request):
    """Every column of the filtered register as an Excel workbook (streamed rows: openpyxl write-only); the
    author's data of a ``do_not_disclose`` appeal is withheld from anyone outside the handling bodies."""
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.styles import Font

    _staff_only(request)
    _form, qs = _filtered(request)
    qs = qs.prefetch_related(Prefetch("case__assignments",
                                      queryset=Assignment.objects.select_related("organisation").order_by("id")))
    wb = Workbook(write_only=True)
    ws = wb.create_sheet(title=_("Appeals")[:31])
    bold = Font(bold=True)
    header = []
    for _key, label in EXPORT_COLUMNS:
        cell = WriteOnlyCell(ws, value=str(label))
        cell.font = bold
        header.append(cell)
    ws.append(header)
    now = timezone.now()
    for appeal in qs:
        row = export_row(appeal, now)
        ws.append([row[key] for key, _label in EXPORT_COLUMNS])
    out = BytesIO()
    wb.save(out)
    response = HttpResponse(out.getvalue(),
                            content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
    stamp = timezone.localtime().strftime("%Y%m%d-%H%M")
    response["Content-Disposition"] = f'attachment; filename="appeals-{stamp}.xlsx"'
    return response


# --- an appeal's page ------------------------------------------------------------------------------------

def _visible(request, number: str) -> Appeal:
    appeal = selectors.appeal_for(request.user, number)
    if appeal is None:
        raise Http404(_("No such appeal among those you may see."))
    return appeal


def _when(dt) -> str:
    return date_format(timezone.localtime(dt), "d.m.Y H:i")


@dataclass
class Action:
    key: str
    label: str
    form: object
    template: str = "cases/actions/form.html"
    style: str = "primary"
    obj: object = None
    open: bool = False
    url: str = ""
    submit: str = ""

    @property
    def dom_id(self) -> str:
        return f"action-{self.key}"


def _lead(appeal: Appeal) -> Assignment | None:
    return services.lead_assignment(appeal.case)


def _pending_round(appeal: Appeal):
    return appeal.case.review_rounds.filter(verdict=Verdict.PENDING).select_related(
        "assignment__organisation", "submitted_by").prefetch_related("attachments").first()


# key -> (label, form factory(appeal, data, files), predicate(user, appeal), template, style)
def _limit_text(appeal: Appeal) -> str:
    due = appeal.case.due_at
    return _("No later than the appeal's due date, %(due)s.") % {"due": _when(due)} if due else ""


def _form_for(key: str, appeal: Appeal, data=None, files=None):
    auto = f"id_{key}_%s"
    case = appeal.case
    if key in ("accept", "extra_study"):
        return f.ButtonForm(data, auto_id=auto)
    if key == "assign":
        lead_taken = _lead(appeal) is not None
        return f.AssignAppealForm(data, register=case.register, lead_taken=lead_taken,
                                  limit_text=_limit_text(appeal), auto_id=auto)
    if key == "forward":
        return f.ForwardForm(data, register=case.register, auto_id=auto)
    if key == "return_to_author":
        return f.ReasonsForm(data, auto_id=auto)
    if key == "extend":
        return f.ExtendForm(data, auto_id=auto)
    if key == "answer":
        lead = _lead(appeal)
        return f.AnswerForm(data, files, organisation=lead.organisation if lead else case.register, auto_id=auto)
    if key == "review":
        return f.AppealReviewForm(data, auto_id=auto)
    if key == "leave_unconsidered":
        return f.LeaveUnconsideredForm(data, auto_id=auto)
    if key == "terminate":
        return f.TerminateForm(data, auto_id=auto)
    raise Http404


ACTION_LABELS = {
    "accept": _("Accept the appeal for execution"),
    "assign": _("Send to an executing body"),
    "forward": _("Forward to the competent body"),
    "return_to_author": _("Return to the author"),
    "extend": _("Extend the term"),
    "extra_study": _("Mark as needing extra study"),
    "answer": _("Upload the answer"),
    "review": _("Review the answer"),
    "leave_unconsidered": _("Leave without consideration"),
    "terminate": _("Terminate the consideration"),
}


def _allowed(key: str, user, appeal: Appeal) -> bool:
    """Whether ``user`` may take the action on ``appeal`` now (the predicate and, where it is cheap to tell,
    the state). The service decides again."""
    case = appeal.case
    if case.closed_at is not None:
        return key in ()
    status = case.status
    if key == "accept":
        return status == kinds.REGISTERED and permissions.can_accept(user, appeal)
    if key == "assign":
        return status in (kinds.ACCEPTED, kinds.ASSIGNED, kinds.RETURNED, kinds.UNDER_REVIEW) and \
            permissions.can_route(user, appeal)
    if key in ("forward", "return_to_author"):
        return status in kinds.BEFORE_WORK and permissions.can_route(user, appeal)
    if key == "extra_study":
        return not appeal.needs_extra_study and permissions.can_route(user, appeal)
    if key == "extend":
        return not appeal.extension_used and case.due_at is not None and permissions.can_extend(user, appeal)
    if key == "answer":
        lead = _lead(appeal)
        return status in (kinds.ASSIGNED, kinds.RETURNED) and lead is not None and \
            case_permissions.can_execute(user, lead)
    if key == "review":
        rnd = _pending_round(appeal)
        return rnd is not None and user.pk != rnd.submitted_by_id and case_permissions.can_review(user, rnd)
    if key in ("leave_unconsidered", "terminate"):
        return permissions.can_decide_closure(user, appeal)
    return False


def _allowed_for_post(key: str, user, appeal: Appeal) -> bool:
    """The permission part only: a stale page's action in the wrong state reaches the service (409)."""
    if key == "accept":
        return permissions.can_accept(user, appeal)
    if key in ("assign", "forward", "return_to_author", "extra_study"):
        return permissions.can_route(user, appeal)
    if key == "extend":
        return permissions.can_extend(user, appeal)
    if key == "answer":
        lead = _lead(appeal)
        return lead is None or case_permissions.can_execute(user, lead)
    if key == "review":
        rnd = _pending_round(appeal)
        return rnd is None or case_permissions.can_review(user, rnd)
    if key in ("leave_unconsidered", "terminate"):
        return permissions.can_decide_closure(user, appeal)
    return False


def _run(key: str, appeal: Appeal, user, data: dict) -> str:
    if key == "accept":
        services.appeal_accept(appeal=appeal, actor=user)
        return _("The appeal is accepted for execution.")
    if key == "assign":
        a = services.appeal_assign(appeal=appeal, actor=user, organisation=data["organisation"], role=data["role"],
                                   due_at=data.get("due_at"), instructions=data.get("instructions", ""))
        return _("Sent to %(body)s.") % {"body": a.organisation.name}
    if key == "forward":
        services.appeal_forward(appeal=appeal, actor=user, to=data["to"], reason=data["reason"])
        return _("The appeal is forwarded to %(body)s; the author is told.") % {"body": data["to"].name}
    if key == "return_to_author":
        services.appeal_return_to_author(appeal=appeal, actor=user, reasons=data["reasons"])
        return _("The appeal is returned to the author with the reasons.")
    if key == "extend":
        services.appeal_extend(appeal=appeal, actor=user, new_due=data["new_due"], reasons=data["reasons"])
        return _("The term is extended; the author is told.")
    if key == "extra_study":
        services.appeal_mark_extra_study(appeal=appeal, actor=user)
        return _("The appeal is marked as needing extra study.")
    if key == "answer":
        services.appeal_answer(appeal=appeal, actor=user, upload=data["upload"], answer_number=data["answer_number"],
                               sent_on=data["sent_on"], signer=data["signer"], executor=data["executor"],
                               outcome=data.get("outcome", ""))
        return _("The answer is uploaded and sent to the working group for review.")
    if key == "review":
        accept = data["decision"] == "accept"
        services.appeal_review(appeal=appeal, actor=user, accept=accept, reasons=data.get("reasons", ""))
        return _("The answer is accepted; the author is told.") if accept else _(
            "The answer is returned to the executors with the reasons.")
    if key == "leave_unconsidered":
        services.appeal_leave_unconsidered(appeal=appeal, actor=user, conclusion=data["conclusion"],
                                           ground=data["ground"])
        return _("The appeal is left without consideration.")
    if key == "terminate":
        services.appeal_terminate(appeal=appeal, actor=user, ground=data["ground"], note=data["note"])
        return _("The consideration is terminated.")
    raise Http404


ORDER = ["review", "accept", "assign", "answer", "extra_study", "extend", "forward", "return_to_author",
         "leave_unconsidered", "terminate"]
BUTTONS = {"accept", "extra_study"}
DANGER = {"forward", "return_to_author", "leave_unconsidered", "terminate"}


def _actions(request, appeal: Appeal, bound: tuple[str, object] | None) -> tuple[list[Action], bool]:
    user = request.user
    out, placed = [], False
    for key in ORDER:
        if not _allowed(key, user, appeal):
            continue
        if bound and bound[0] == key:
            form, is_bound = bound[1], True
            placed = True
        else:
            form, is_bound = _form_for(key, appeal), False
        template = "cases/actions/button.html" if key in BUTTONS else "cases/actions/form.html"
        obj = None
        if key == "review":
            template, obj = "cases/actions/review.html", _pending_round(appeal)
        label = str(ACTION_LABELS[key])
        out.append(Action(key=key, label=label, submit=label, form=form, template=template, obj=obj, open=is_bound,
                          url=reverse("appeals:action", args=[appeal.case.number, key]),
                          style="danger" if key in DANGER else "primary"))
    return out, placed


def _render_detail(request, number: str, *, bound=None, status: int = 200):
    appeal = _visible(request, number)  # fresh: a refused change has been rolled back
    case = appeal.case
    user = request.user
    if not case_selectors.sees_internals(user, case):
        # The author signed in: the public record of their own appeal.
        return render(request, "appeals/public.html", {"view": selectors.public_view(appeal, show_author=True)},
                      status=status)
    actions, placed = _actions(request, appeal, bound)
    if bound is not None:
        if placed:
            messages.error(request, _("Nothing was changed: correct what is marked in the form below."))
        else:
            for message in bound[1].error_list:
                messages.error(request, message)
    assignments = list(case.assignments.select_related("organisation", "person").order_by("assigned_at", "id"))
    rounds = list(case.review_rounds.select_related("reviewer_org", "assignment__organisation")
                  .prefetch_related("attachments").order_by("number", "step"))
    author_visible = bool(getattr(appeal, "author_visible", True))
    return render(request, "appeals/detail.html", {
        "appeal": appeal, "case": case, "author_visible": author_visible,
        "signatories": appeal.signatories.all() if author_visible else [],
        "attachments": case.attachments.all() if author_visible else [],
        "assignments": assignments, "rounds": rounds,
        "timeline": case_selectors.timeline(user, case),
        "actions": actions, "now": timezone.now(),
        "forwarded_to": selectors.forwarded_to(appeal),
    }, status=status)


@login_required
@require_GET
def detail(request, number: str):
    return _render_detail(request, number)


@login_required
@require_POST
def action(request, number: str, key: str):
    if key not in ACTION_LABELS:
        raise Http404
    appeal = _visible(request, number)
    user = request.user
    try:
        if not _allowed_for_post(key, user, appeal):
            raise PermissionDenied(_("You may not do this on this appeal."))
        form = _form_for(key, appeal, request.POST, request.FILES)
        if not form.is_valid():
            return _render_detail(request, number, bound=(key, form), status=400)
        success = _run(key, appeal, user, form.cleaned_data)
    except ValidationError as exc:
        form.add_service_error(exc)
        return _render_detail(request, number, bound=(key, form), status=400)
    except PermissionDenied as exc:
        messages.error(request, str(exc) if exc.args else _("You do not have permission to perform this action."))
        return _render_detail(request, number, status=403)
    except TransitionNotAllowed as exc:
        messages.error(request, str(exc) if isinstance(exc, CaseStateError) else _(
            "This action is not allowed in the current state."))
        return _render_detail(request, number, status=409)
    messages.success(request, success)
    return redirect("appeals:detail", number=number)


# --- the control sheet (R-B3) ----------------------------------------------------------------------------

def control_sheet_context(appeal: Appeal) -> dict:
    case = appeal.case
    handles = bool(getattr(appeal, "author_visible", True))
    author_visible = handles and not appeal.do_not_disclose
    assignments = list(case.assignments.select_related("organisation").exclude(state=AssignmentState.CANCELLED)
                       .order_by("assigned_at", "id"))
    text = appeal.text if handles else ""
    return {
        "appeal": appeal, "case": case, "author_visible": author_visible,
        "short_text": (text[:600] + "…") if len(text) > 600 else text,
        "due": timezone.localtime(case.due_at) if case.due_at else None,
        "assignments": assignments, "printed": timezone.localtime(),
    }


@login_required
@require_GET
def control_sheet(request, number: str):
    """The control sheet (nazorat varaqasi) the head writes the resolution on, in the appeal's language. The
    author's data of a ``do_not_disclose`` appeal is left out: the sheet travels on paper."""
    from weasyprint import HTML

    appeal = _visible(request, number)
    if not case_selectors.sees_internals(request.user, appeal.case):
        raise Http404
    with translation.override(appeal.language or "uz"):
        html = render_to_string("appeals/control_sheet.html", control_sheet_context(appeal))
    pdf = HTML(string=html, base_url=request.build_absolute_uri("/")).write_pdf()
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="{appeal.case.number}-control-sheet.pdf"'
    return response

