"""Public control (R-A11, ``/ijro/public/``): documents the controlling body has published, with their tasks'
execution status and the citizens' moderated comments; the moderation queue of the controlling bodies.

Anyone reads the published documents (``selectors.public_documents``; an unpublished one is a 404). The tasks
show only the public record: item, text, deadline, status and the lead executing body — never staff names,
reviewers' objections or reports. Only published comments are ever shown; a signed-in user comments with an
opinion (``services.comment_add``) and the comment waits for moderation. The controlling body's controllers and
control group publish or reject (``services.comment_moderate``, ``permissions.can_moderate``).
"""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import Prefetch
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods, require_POST
from django_fsm import TransitionNotAllowed

from nazorat.cases.forms import ActionForm
from nazorat.cases.models import Assignment, AssignmentRole, AssignmentState
from nazorat.cases.services import CaseStateError
from nazorat.core.search import search

from . import permissions, selectors, services
from .models import DeadlineKind, ModerationState, Opinion, PublicComment
from .selectors import moderated_bodies, pending_comments

# --- forms ------------------------------------------------------------------------------------------------


class CommentForm(ActionForm):
    opinion = forms.ChoiceField(label=gettext_lazy("Your opinion"), choices=Opinion.choices, widget=forms.RadioSelect,
                                error_messages={"required": gettext_lazy("Choose your opinion.")})
    text = forms.CharField(label=gettext_lazy("Your comment"), max_length=4000,
                           widget=forms.Textarea(attrs={"rows": 4}),
                           error_messages={"required": gettext_lazy("Write your comment (at least 5 characters).")})
    task = forms.TypedChoiceField(label=gettext_lazy("About the item"), coerce=int, empty_value=None, required=False)

    def __init__(self, *args, tasks=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["task"].choices = [("", _("— the document as a whole —")),
                                       *[(t.pk, _("Item %(item)s") % {"item": t.item}) for t in tasks]]
        self.fields["opinion"].widget.attrs["class"] = "form-check-input"



class ModerateForm(ActionForm):
    reason = forms.CharField(label=gettext_lazy("Reason for rejection"), required=False, max_length=2000,
                             widget=forms.Textarea(attrs={"rows": 2}),
                             help_text=gettext_lazy("Needed to reject; the author does not see it publicly."))

    def clean(self):
        cleaned = super().clean()
        decision = self.data.get("decision")
        if decision not in ("publish", "reject"):
            raise ValidationError(_("Choose one of the two buttons."), code="decision")
        cleaned["decision"] = decision
        return cleaned


# --- the public pages -------------------------------------------------------------------------------------

@require_GET
def documents(request):
    """Published documents, newest first, with the counts beside each; searchable in Latin or Cyrillic."""
    q = request.GET.get("q", "").strip()[:200]
    qs = selectors.public_documents()
    if q:
        qs = search(qs, q, field="search_text")
    page = Paginator(qs, 50).get_page(request.GET.get("page"))
    return render(request, "execution/public/documents.html", {"page": page, "q": q})


def _published(pk):
    document = selectors.public_documents().filter(pk=pk).first()
    if document is None:
        raise Http404(_("No such published document."))
    return document


def _public_tasks(document):
    """The document's tasks with their current lead body (one prefetch, no query per row)."""
    leads = (Assignment.objects.filter(parent__isnull=True, role=AssignmentRole.LEAD)
             .exclude(state=AssignmentState.CANCELLED).select_related("organisation").order_by("-id"))
    return (document.tasks.select_related("case")
            .prefetch_related(Prefetch("case__assignments", queryset=leads, to_attr="public_leads"))
            .order_by("case_id"))


def _render_document(request, document, *, form=None, status: int = 200):
    tasks_qs = _public_tasks(document)
    tasks_page = Paginator(tasks_qs, 50).get_page(request.GET.get("tasks_page"))
    rows = []
    for t in tasks_page:
        lead = t.case.public_leads[0] if t.case.public_leads else None
        rows.append({
            "item": t.item, "text": t.case.summary, "due_at": t.case.due_at, "closed_at": t.case.closed_at,
            "deadline_kind": t.deadline_kind, "period": t.get_period_display() if t.period else "",
            "status": t.case.status, "status_label": t.case.get_status_display(),
            "lead": lead.organisation.name if lead else "",
        })
    comments = Paginator(selectors.published_comments(document).order_by("-created_at", "-id"), 50).get_page(
        request.GET.get("page"))
    user = request.user
    own_pending, to_moderate = 0, None
    if user.is_authenticated and permissions.can_moderate(user, document):
        to_moderate = document.comments.filter(state=ModerationState.PENDING).count()
    if user.is_authenticated:
        own_pending = document.comments.filter(author=user, state=ModerationState.PENDING).count()
        if form is None:
            form = CommentForm(tasks=list(document.tasks.only("pk", "item").order_by("case_id")),
                               auto_id="id_comment_%s")
    return render(request, "execution/public/document.html", {
        "document": document, "tasks": rows, "tasks_page": tasks_page, "comments": comments, "form": form,
        "own_pending": own_pending, "to_moderate": to_moderate, "deadline_none": DeadlineKind.NONE, "deadline_periodic": DeadlineKind.PERIODIC,
        "neutral_count": document.comment_count - document.support_count - document.against_count,
        "login_url": f"{reverse('accounts:login')}?next={request.path}",
    }, status=status)


@require_http_methods(["GET", "POST"])
def document(request, pk: int):
    document = _published(pk)
    if request.method == "GET":
        return _render_document(request, document)
    if not request.user.is_authenticated:
        messages.error(request, _("Sign in to comment."))
        return _render_document(request, document, status=403)
    tasks = list(document.tasks.only("pk", "item", "document_id").order_by("case_id"))
    form = CommentForm(request.POST, tasks=tasks, auto_id="id_comment_%s")
    if form.is_valid():
        c = form.cleaned_data
        task = next((t for t in tasks if t.pk == c["task"]), None)
        try:
            services.comment_add(document=document, actor=request.user, opinion=c["opinion"], text=c["text"],
                                 task=task)
        except ValidationError as exc:
            form.add_service_error(exc)
        except PermissionDenied as exc:
            messages.error(request, str(exc))
            return _render_document(request, document, status=403)
        else:
            messages.success(request, _("Thank you. Your comment will be shown after moderation."))
            return redirect("execution:public_document", pk=document.pk)
    messages.error(request, _("Nothing was sent: correct what is marked in the form below."))
    return _render_document(request, document, form=form, status=400)


# --- moderation -------------------------------------------------------------------------------------------

def _may_moderate(user) -> bool:
    bodies = moderated_bodies(user)
    return bodies is None or bool(bodies)


def _render_queue(request, *, bound=None, status: int = 200):
    page = Paginator(pending_comments(request.user), 50).get_page(request.GET.get("page"))
    rows = []
    for c in page:
        if bound is not None and bound[0] == c.pk:
            rows.append((c, bound[1]))
        else:
            rows.append((c, ModerateForm(auto_id=f"id_mod_{c.pk}_%s")))
    return render(request, "execution/public/moderation.html", {"page": page, "rows": rows}, status=status)


@login_required
@require_GET
def moderation(request):
    if not _may_moderate(request.user):
        raise PermissionDenied(_("Only the controlling body's controllers and control group moderate comments."))
    return _render_queue(request)


@login_required
@require_POST
def moderate(request, pk: int):
    if not _may_moderate(request.user):
        raise PermissionDenied(_("Only the controlling body's controllers and control group moderate comments."))
    comment = PublicComment.objects.select_related("document__controller").filter(pk=pk).first()
    if comment is None:
        raise Http404
    if not permissions.can_moderate(request.user, comment.document):
        messages.error(request, _("This comment is on a document of another body."))
        return _render_queue(request, status=403)
    form = ModerateForm(request.POST, auto_id=f"id_mod_{pk}_%s")
    try:
        if not form.is_valid():
            messages.error(request, _("Nothing was changed: correct what is marked in the form below."))
            return _render_queue(request, bound=(pk, form), status=400)
        publish = form.cleaned_data["decision"] == "publish"
        services.comment_moderate(comment=comment, actor=request.user, publish=publish,
                                  reason=form.cleaned_data["reason"])
    except ValidationError as exc:
        form.add_service_error(exc)
        messages.error(request, _("Nothing was changed: correct what is marked in the form below."))
        return _render_queue(request, bound=(pk, form), status=400)
    except PermissionDenied as exc:
        messages.error(request, str(exc))
        return _render_queue(request, status=403)
    except TransitionNotAllowed as exc:
        messages.error(request, str(exc) if isinstance(exc, CaseStateError) else
                       _("This action is not allowed in the current state."))
        return _render_queue(request, status=409)
    messages.success(request, _("The comment is published.") if publish else _("The comment is rejected."))
    return redirect("execution:moderation")
