"""Forms of the execution-control pages (``/ijro/``): the task register's filters, registering a document and
adding its tasks, one small form per action on a task's page, and the rows of a control plan.

Forms read and check the input; the services (``execution.services``, the kernel's for extension decisions)
decide, and their ``ValidationError``s come back next to the field they concern (``ActionForm.add_service_error``
with ``error_aliases``). Every form is accessible (``AccessibleFormMixin``) and rendered with
``web/includes/form.html``.
"""

from __future__ import annotations

from django import forms
from django.conf import settings
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.db.models import Q
from django.template.defaultfilters import filesizeformat
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from nazorat.cases.forms import (
    ActionForm,
    ButtonForm,
    DecisionMixin,
    ExtensionDecisionForm,
    MultipleFileField,
    OrganisationChoiceField,
    PersonForm,
    WithdrawForm,
    subordinate_bodies,
)
from nazorat.cases.models import Assignment, AssignmentRole
from nazorat.core.files import DEFAULT_ALLOWED, LABELS, inspect_upload
from nazorat.orgs.models import Organisation, OrgLevel
from nazorat.web.forms import AccessibleFormMixin

from . import kinds
from .models import DeadlineKind, DocumentKind, Period

__all__ = ["ButtonForm", "ExtensionDecisionForm", "WithdrawForm"]


class DateInput(forms.DateInput):
    """The browser's date picker; without it, a text box that takes 2026-06-30."""

    input_type = "date"

    def __init__(self, attrs=None):
        super().__init__(attrs=attrs, format="%Y-%m-%d")


def _accepted_types() -> str:
    return ", ".join(dict.fromkeys(LABELS.get(t, t) for t in DEFAULT_ALLOWED))


def _check_files(files) -> list:
    """Checked by content before anything is stored, so a wrong file changes nothing."""
    errors = []
    for upload in files or []:
        try:
            inspect_upload(upload, allowed_types=DEFAULT_ALLOWED)
        except ValidationError as exc:
            errors += exc.messages
    if errors:
        raise ValidationError(errors)
    return files or []


def _files_help(required: bool) -> str:
    text = _("At least one. Accepted: %(types)s; up to %(size)s each.") if required else _(
        "Optional. Accepted: %(types)s; up to %(size)s each.")
    return text % {"types": _accepted_types(), "size": filesizeformat(settings.NAZORAT_ATTACHMENT_MAX_BYTES)}


def local_date(dt):
    return timezone.localtime(dt).date() if dt else None


# --- the task register's filters --------------------------------------------------------------------

class TaskFilterForm(AccessibleFormMixin, forms.Form):
    """The register's filters. Document and executing body are searched by text (number or title; name or
    code), not chosen from lists of every document and body in the country. ``document`` and ``organisation``
    (primary keys, hidden) keep the exact filters that links use: the document page ("?document=<pk>") and the
    monitoring drill-down ("?organisation=<pk>")."""

    q = forms.CharField(label=_("Search"), required=False, max_length=200,
                        help_text=_("Number or words of the task; Latin or Cyrillic."))
    status = forms.ChoiceField(label=_("Status"), required=False)
    document_q = forms.CharField(label=_("Document"), required=False, max_length=200,
                                 help_text=_("Number or words of the title; Latin or Cyrillic."))
    organisation_q = forms.CharField(label=_("Executing body"), required=False, max_length=200,
                                     help_text=_("Name or code of the body; Latin or Cyrillic."))
    overdue = forms.BooleanField(label=_("Only overdue"), required=False)
    document = forms.IntegerField(required=False, min_value=1, widget=forms.HiddenInput)
    organisation = forms.IntegerField(required=False, min_value=1, widget=forms.HiddenInput)

    def __init__(self, *args, body_names=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["status"].choices = [("", _("All")), *kinds.TASK.statuses.items()]
        self.body_names = list(body_names)
        if self.body_names:
            self.fields["organisation_q"].widget.attrs["list"] = "organisation-names"
        for name in ("document_q", "organisation_q"):
            self.fields[name].widget.attrs.update({"autocomplete": "off", "spellcheck": "false"})


class DocumentFilterForm(AccessibleFormMixin, forms.Form):
    q = forms.CharField(label=_("Search"), required=False, max_length=200,
                        help_text=_("Number or words of the title; Latin or Cyrillic."))
    kind = forms.ChoiceField(label=_("Kind"), required=False, choices=[("", _("All")), *DocumentKind.choices])


# --- documents and their tasks (R-A1) ---------------------------------------------------------------

class DocumentForm(ActionForm):
    error_aliases = {"title": "title_uz", "controller": NON_FIELD_ERRORS}

    kind = forms.ChoiceField(label=_("Kind of document"), choices=[("", _("— choose —")), *DocumentKind.choices])
    issuer = OrganisationChoiceField(label=_("Issued by"), queryset=Organisation.objects.none(),
                                     empty_label=_("— choose a body —"))
    number = forms.CharField(label=_("Number"), max_length=64)
    date = forms.DateField(label=_("Date"), widget=DateInput())
    title_uz = forms.CharField(label=_("Title (Uzbek, Latin)"), max_length=500)
    title_uz_cyrl = forms.CharField(label=_("Title (Uzbek, Cyrillic)"), max_length=500, required=False)
    title_ru = forms.CharField(label=_("Title (Russian)"), max_length=500, required=False)
    title_en = forms.CharField(label=_("Title (English)"), max_length=500, required=False)
    text = forms.CharField(label=_("Text"), required=False, max_length=200000, widget=forms.Textarea(attrs={"rows": 6}),
                           help_text=_("The text of the document, or attach its file below."))
    file = forms.FileField(label=_("File of the document"), required=False)
    is_public = forms.BooleanField(label=_("Publish with the execution status of its tasks"), required=False)

    def __init__(self, *args, controller: Organisation | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        q = Q(level="republic")
        if controller is not None:
            q |= Q(path__startswith=controller.path)
            ancestors = [int(p) for p in controller.path.strip("/").split("/") if p]
            q |= Q(pk__in=ancestors)
        self.fields["issuer"].queryset = Organisation.objects.filter(q, is_active=True).order_by("path")
        self.fields["file"].help_text = _files_help(False)

    def clean_file(self):
        upload = self.cleaned_data.get("file")
        if upload:
            _check_files([upload])
        return upload

    def service_data(self) -> dict:
        c = self.cleaned_data
        data = {k: c.get(k) for k in ("kind", "number", "date", "title_uz", "title_uz_cyrl", "title_ru", "title_en",
                                      "text", "is_public")}
        data["issuer"] = c["issuer"].pk if c.get("issuer") else ""
        return data


class TaskAddForm(ActionForm):
    item = forms.CharField(label=_("Item"), max_length=32,
                           help_text=_("The item number in the document, e.g. 3 or 2.1."))
    text = forms.CharField(label=_("What the task requires"), max_length=20000,
                           widget=forms.Textarea(attrs={"rows": 3}))
    deadline_kind = forms.ChoiceField(label=_("Deadline"), choices=DeadlineKind.choices, initial=DeadlineKind.DATE)
    due_on = forms.DateField(label=_("Due date"), required=False, widget=DateInput(),
                             help_text=_("For a task with a deadline: the end of that working day."))
    period = forms.ChoiceField(label=_("Period"), required=False, choices=[("", "—"), *Period.choices],
                               help_text=_("For a periodic task."))


# --- actions on a task's page -----------------------------------------------------------------------

def executor_bodies(owner: Organisation):
    """The bodies a controlling body may name as executors when it puts a task on control: a republican body
    names republican and regional bodies (district ones receive the task from their region, R-A2: the cascade
    goes down one level at a time) — about 440 bodies at national scale instead of all 3,105, which kept the
    task page under 150 KB; any other body names bodies of its own subtree."""
    bodies = Organisation.objects.filter(is_active=True).exclude(pk=owner.pk)
    if owner.level == OrgLevel.REPUBLIC:
        bodies = bodies.filter(level__in=(OrgLevel.REPUBLIC, OrgLevel.REGION))
    else:
        bodies = bodies.filter(path__startswith=owner.path)
    return bodies.order_by("path")


class PutOnControlForm(ActionForm):
    """The controller names the lead executor and any co-executors, with the lead's deadline (at the latest the
    task's own)."""

    error_aliases = {"executors": "lead", "organisation": "lead", "due_at": "lead_due_on", "role": "co_executors"}

    lead = OrganisationChoiceField(label=_("Lead executor"), queryset=Organisation.objects.none(),
                                   empty_label=_("— choose a body —"))
    lead_due_on = forms.DateField(label=_("Deadline of the executors"), required=False, widget=DateInput())
    co_executors = forms.ModelMultipleChoiceField(label=_("Co-executors"), required=False,
                                                  queryset=Organisation.objects.none(),
                                                  widget=forms.SelectMultiple(attrs={"size": 6}),
                                                  help_text=_("Optional; hold Ctrl to choose several."))
    instructions = forms.CharField(label=_("Instructions"), required=False, max_length=5000,
                                   widget=forms.Textarea(attrs={"rows": 3}))

    def __init__(self, *args, task, **kwargs):
        super().__init__(*args, **kwargs)
        owner = task.case.owner
        self.fields["lead"].queryset = self.fields["co_executors"].queryset = executor_bodies(owner)
        due = local_date(task.case.due_at)
        self.fields["lead_due_on"].initial = due
        self.fields["lead_due_on"].help_text = (
            _("At the latest the task's deadline, %(due)s; empty means that deadline.") % {
                "due": due.strftime("%d.%m.%Y")} if due else _("Optional: the task has no deadline."))

    def clean(self):
        cleaned = super().clean()
        lead, co = cleaned.get("lead"), cleaned.get("co_executors") or []
        if lead is not None and any(o.pk == lead.pk for o in co):
            self.add_error("co_executors", _("The lead executor cannot also be a co-executor."))
        return cleaned

    def executors(self) -> list[dict]:
        c = self.cleaned_data
        due = c.get("lead_due_on")
        return [{"organisation": c["lead"], "role": AssignmentRole.LEAD, "due_at": due},
                *[{"organisation": o, "role": AssignmentRole.CO_EXECUTOR, "due_at": due}
                  for o in c.get("co_executors") or []]]


class NameExecutorForm(PersonForm):
    """The responsible person among the body's active staff, and optionally the unit."""


class AddExecutorForm(ActionForm):
    """The controller names one more executor of a task on control: a co-executor, or a new lead after recalling
    the old one."""

    error_aliases = {"due_at": "due_on", "executors": "organisation"}

    organisation = OrganisationChoiceField(label=_("Executing body"), queryset=Organisation.objects.none(),
                                           empty_label=_("— choose a body —"))
    role = forms.ChoiceField(label=_("Role"), choices=AssignmentRole.choices, initial=AssignmentRole.CO_EXECUTOR)
    due_on = forms.DateField(label=_("Deadline"), required=False, widget=DateInput())
    instructions = forms.CharField(label=_("Instructions"), required=False, max_length=5000,
                                   widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args, task, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["organisation"].queryset = executor_bodies(task.case.owner)
        due = local_date(task.case.due_at)
        self.fields["due_on"].initial = due
        self.fields["due_on"].help_text = (
            _("At the latest the task's deadline, %(due)s; empty means that deadline.") % {
                "due": due.strftime("%d.%m.%Y")} if due else _("Optional: the task has no deadline."))


class RecallExecutorForm(ActionForm):
    reason = forms.CharField(label=_("Why the executor is recalled"), max_length=2000,
                             widget=forms.Textarea(attrs={"rows": 2}))


class PassOnForm(ActionForm):
    error_aliases = {"due_at": "due_on", "parent": NON_FIELD_ERRORS}

    organisation = OrganisationChoiceField(label=_("Subordinate body"), queryset=Organisation.objects.none(),
                                           empty_label=_("— choose a body —"))
    role = forms.ChoiceField(label=_("Role"), choices=AssignmentRole.choices, initial=AssignmentRole.LEAD)
    due_on = forms.DateField(label=_("Deadline"), required=False, widget=DateInput())
    instructions = forms.CharField(label=_("Instructions"), required=False, max_length=5000,
                                   widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args, assignment: Assignment, **kwargs):
        super().__init__(*args, **kwargs)
        field = self.fields["organisation"]
        field.queryset = subordinate_bodies(assignment)
        field.base_depth = assignment.organisation.depth + 1
        due = local_date(assignment.due_at)
        self.fields["due_on"].initial = due
        self.fields["due_on"].help_text = (
            _("No later than your own deadline, %(due)s.") % {"due": due.strftime("%d.%m.%Y")} if due else "")


class ReportForm(ActionForm):
    error_aliases = {"assignment": NON_FIELD_ERRORS}

    text = forms.CharField(label=_("Work done"), max_length=20000, widget=forms.Textarea(attrs={"rows": 4}),
                           help_text=_("What was done to execute the task (at least 10 characters)."))
    files = MultipleFileField(label=_("Supporting documents"), required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["files"].help_text = _files_help(True)
        self.fields["files"].widget.attrs["accept"] = ",".join(DEFAULT_ALLOWED)

    def clean_files(self):
        return _check_files(self.cleaned_data.get("files"))


class ConfirmReportForm(DecisionMixin, ActionForm):
    decisions = ("confirm", "send_back")
    error_aliases = {"review_round": NON_FIELD_ERRORS, "assignment": NON_FIELD_ERRORS}

    note = forms.CharField(label=_("Note"), required=False, max_length=5000, widget=forms.Textarea(attrs={"rows": 2}),
                           help_text=_("Required when sending the report back: what must be fixed."))


class TaskReviewForm(DecisionMixin, ActionForm):
    decisions = ("accept", "return")
    error_aliases = {"review_round": NON_FIELD_ERRORS}

    reasons = forms.CharField(label=_("Objections"), required=False, max_length=5000,
                              widget=forms.Textarea(attrs={"rows": 3}),
                              help_text=_("Required when returning the report; the executor sees them."))


class ExtensionRequestForm(ActionForm):
    error_aliases = {"requested_due_at": "requested_due_on", "assignment": NON_FIELD_ERRORS}

    requested_due_on = forms.DateField(label=_("New deadline asked for"), widget=DateInput())
    reasons = forms.CharField(label=_("Reasons"), max_length=5000, widget=forms.Textarea(attrs={"rows": 3}),
                              help_text=_("Why the work cannot be finished in time (at least 10 characters)."))


class ProgressForm(ActionForm):
    text = forms.CharField(label=_("Work done in the period"), max_length=20000,
                           widget=forms.Textarea(attrs={"rows": 3}), help_text=_("At least 10 characters."))
    files = MultipleFileField(label=_("Supporting documents"), required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["files"].help_text = _files_help(False)

    def clean_files(self):
        return _check_files(self.cleaned_data.get("files"))


# --- control plan (R-A3) ----------------------------------------------------------------------------

class PlanRowForm(AccessibleFormMixin, forms.Form):
    """One row of the plan, as in the annex of seed 000. A row left empty is dropped."""

    task = forms.TypedChoiceField(label=_("Task of the document"), required=False, coerce=int, empty_value=None)
    text = forms.CharField(label=_("Task"), required=False, max_length=20000, widget=forms.Textarea(attrs={"rows": 2}))
    mechanism = forms.CharField(label=_("Mechanism of implementation"), required=False, max_length=20000,
                                widget=forms.Textarea(attrs={"rows": 2}))
    deadline = forms.CharField(label=_("Deadline"), required=False, max_length=120)
    executors = forms.CharField(label=_("Responsible executors"), required=False, max_length=5000,
                                widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args, task_choices=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["task"].choices = [("", "—"), *task_choices]


PlanRowFormSet = forms.formset_factory(PlanRowForm, extra=2, max_num=200, absolute_max=300)
