"""Forms for the kernel's actions on the case page: one small form per action.

Forms read and check the input; the services decide (permission, state, deadlines) and their
``ValidationError``s come back onto the form next to the field they concern (``add_service_error``).
Each form is rendered with ``web/includes/form.html`` and gets a page-unique ``auto_id`` from the view,
so that many forms on one page never share an element id.
"""

from __future__ import annotations

from django import forms
from django.conf import settings
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext_lazy as _

from nazorat.accounts.models import User
from nazorat.core.files import DEFAULT_ALLOWED, LABELS, inspect_upload
from nazorat.orgs.models import Membership, Organisation, Unit
from nazorat.web.forms import AccessibleFormMixin

from .models import Assignment, AssignmentRole, Case

# --- building blocks -----------------------------------------------------------------------------

TERM_UNITS = [
    ("working_days", _("working days")),
    ("calendar_days", _("calendar days")),
    ("months", _("months")),
    ("working_hours", _("working hours")),
]


class DateTimeLocalInput(forms.DateTimeInput):
    """The browser's own date and time picker; without it, a text box that takes 2026-05-31T18:00."""

    input_type = "datetime-local"

    def __init__(self, attrs=None):
        super().__init__(attrs=attrs, format="%Y-%m-%dT%H:%M")


class MultipleFileInput(forms.FileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    def __init__(self, *args, **kwargs):
        kwargs.setdefault("widget", MultipleFileInput())
        super().__init__(*args, **kwargs)

    def clean(self, data, initial=None):
        single = super().clean
        if isinstance(data, (list, tuple)):
            return [single(d, initial) for d in data if d]
        return [single(data, initial)] if data else []


class OrganisationChoiceField(forms.ModelChoiceField):
    """Bodies as a tree: each level below the first indented, so the hierarchy reads in the list."""

    def __init__(self, *args, base_depth: int = 0, **kwargs):
        self.base_depth = base_depth
        super().__init__(*args, **kwargs)

    def label_from_instance(self, obj: Organisation) -> str:
        return "\u2003" * max(0, obj.depth - self.base_depth) + obj.name


class PersonChoiceField(forms.ModelChoiceField):
    """People with their position in the body, so two namesakes can be told apart."""

    titles: dict[int, str] = {}

    def label_from_instance(self, obj: User) -> str:
        title = self.titles.get(obj.pk)
        return f"{obj.display_name}, {title}" if title else obj.display_name


class ActionForm(AccessibleFormMixin, forms.Form):
    """Base of the case page's forms. ``error_aliases`` maps a field a service names in its
    ``ValidationError`` to the field of this form that carries it."""

    error_aliases: dict[str, str] = {}

    def service_error_field(self, name: str) -> str | None:
        name = self.error_aliases.get(name, name)
        return name if name in self.fields else None

    def add_service_error(self, exc: ValidationError) -> None:
        """Put a service's refusal next to the field it concerns (or above the form), announced."""
        if hasattr(exc, "error_dict"):
            for name, errors in exc.error_dict.items():
                field = None if name == NON_FIELD_ERRORS else self.service_error_field(name)
                self.add_error(field, errors)
        else:
            self.add_error(None, exc)
        self._tie_errors()

    def _tie_errors(self) -> None:
        for name in self.errors:
            if name not in self.fields:
                continue
            widget = self.fields[name].widget
            bound = self[name]
            described = [f"{bound.auto_id}_error"]
            if self.fields[name].help_text:
                described.append(f"{bound.auto_id}_helptext")
            widget.attrs["aria-invalid"] = "true"
            widget.attrs["aria-describedby"] = " ".join(described)
            css = widget.attrs.get("class", "")
            if "is-invalid" not in css.split():
                widget.attrs["class"] = f"{css} is-invalid".strip()

    @property
    def error_list(self) -> list[str]:
        """Every message of the form as one list (label: message), for when it cannot be shown in place."""
        out = []
        for name, errors in self.errors.items():
            label = self.fields[name].label if name in self.fields else ""
            out += [f"{label}: {e}" if label else str(e) for e in errors]
        return out


class ButtonForm(ActionForm):
    """An action with nothing to fill in: accept, mark a step done, start work."""


class DecisionMixin:
    """Two buttons, one form: the decision comes from the button pressed (``name="decision"``)."""

    decisions: tuple[str, str] = ("accept", "return")
    decision_required_message = _("Choose one of the two buttons.")

    def clean(self):
        cleaned = super().clean()
        decision = self.data.get("decision")
        if decision not in self.decisions:
            raise ValidationError(self.decision_required_message, code="decision")
        cleaned["decision"] = decision
        return cleaned


class _AssignBase(ActionForm):
    """Whom to give it to, in which role, by when, with what instructions. The deadline is a date and
    time, or a term counted on the work calendar; with neither, the deadline it comes under applies."""

    error_aliases = {"deadline_rule": "term_amount", "parent": NON_FIELD_ERRORS}

    organisation = OrganisationChoiceField(label=_("Executing body"), queryset=Organisation.objects.none(),
                                           empty_label=_("— choose a body —"))
    role = forms.ChoiceField(
        label=_("Role"), choices=AssignmentRole.choices, initial=AssignmentRole.LEAD,
        help_text=_("There is one lead executor; other bodies take part as co-executors."),
    )
    due_at = forms.DateTimeField(label=_("Deadline (date and time)"), required=False, widget=DateTimeLocalInput())
    term_amount = forms.IntegerField(
        label=_("Or a term from now: amount"), required=False, min_value=1, max_value=366,
        help_text=_("The deadline is then counted on the work calendar, e.g. 5 working days."),
    )
    term_unit = forms.ChoiceField(label=_("Term unit"), choices=TERM_UNITS, initial="working_days", required=False)
    instructions = forms.CharField(label=_("Instructions"), required=False, max_length=5000,
                                   widget=forms.Textarea(attrs={"rows": 3}))

    def _setup(self, *, bodies, base_depth: int, lead_taken: bool, limit_text: str) -> None:
        field = self.fields["organisation"]
        field.queryset = bodies
        field.base_depth = base_depth
        if lead_taken:
            self.fields["role"].initial = AssignmentRole.CO_EXECUTOR
        self.fields["due_at"].help_text = limit_text

    def clean(self):
        cleaned = super().clean()
        due_at, amount = cleaned.get("due_at"), cleaned.get("term_amount")
        if due_at and amount:
            self.add_error("term_amount", _("Give either a date or a term, not both."))
        cleaned["deadline_rule"] = f"{amount} {cleaned.get('term_unit') or 'working_days'}" if amount else None
        return cleaned

    def service_error_field(self, name: str) -> str | None:
        # A deadline computed from a term that comes out too late belongs to the term the person typed.
        if name == "due_at" and self.is_bound and not self.data.get("due_at") and self.data.get("term_amount"):
            return "term_amount"
        return super().service_error_field(name)


class AssignForm(_AssignBase):
    register_step = forms.BooleanField(
        label=_("The body registers it and informs its head within 30 working minutes"), required=False,
        initial=True,
    )

    def __init__(self, *args, case: Case, lead_taken: bool = False, limit_text: str = "", **kwargs):
        super().__init__(*args, **kwargs)
        self.case = case
        owner = case.owner
        self._setup(
            bodies=Organisation.objects.filter(is_active=True, path__startswith=owner.path).order_by("path"),
            base_depth=owner.depth, lead_taken=lead_taken, limit_text=limit_text,
        )


class PassOnForm(_AssignBase):
    def __init__(self, *args, assignment: Assignment, lead_taken: bool = False, limit_text: str = "", **kwargs):
        super().__init__(*args, **kwargs)
        self.assignment = assignment
        self._setup(bodies=subordinate_bodies(assignment), base_depth=assignment.organisation.depth + 1,
                    lead_taken=lead_taken, limit_text=limit_text)


def subordinate_bodies(assignment: Assignment):
    """Active bodies under the one that received the assignment (its subtree, itself excluded)."""
    body = assignment.organisation
    return Organisation.objects.filter(is_active=True, path__startswith=body.path).exclude(pk=body.pk).order_by("path")


class PersonForm(ActionForm):
    person = PersonChoiceField(label=_("Responsible person"), queryset=User.objects.none(),
                               empty_label=_("— choose a person —"))
    unit = forms.ModelChoiceField(label=_("Responsible unit"), required=False, queryset=Unit.objects.none(),
                                  empty_label=_("— no unit —"))

    def __init__(self, *args, assignment: Assignment, **kwargs):
        super().__init__(*args, **kwargs)
        body = assignment.organisation
        person = self.fields["person"]
        person.queryset = (User.objects.filter(is_active=True, memberships__organisation=body,
                                               memberships__is_active=True)
                           .distinct().order_by("last_name", "first_name", "pk"))
        person.initial = assignment.person_id
        person.titles = {m.user_id: m.title_display
                         for m in Membership.objects.active().filter(organisation=body).order_by("is_primary", "-id")}
        person.help_text = _("Only people who work in %(body)s are listed.") % {"body": body.name}
        unit = self.fields["unit"]
        unit.queryset = Unit.objects.filter(organisation=body, is_active=True).order_by("name")
        unit.initial = assignment.unit_id


class WithdrawForm(ActionForm):
    reason = forms.CharField(label=_("Reason for withdrawing"), max_length=2000,
                             widget=forms.Textarea(attrs={"rows": 2}))


class CloseTransitionForm(ActionForm):
    """A transition that closes the case (cancel) keeps the reason in the timeline."""

    reason = forms.CharField(label=_("Reason"), max_length=2000, widget=forms.Textarea(attrs={"rows": 2}),
                             help_text=_("The case and its history are kept."))


class ExtensionRequestForm(ActionForm):
    requested_due_at = forms.DateTimeField(label=_("New deadline asked for"), widget=DateTimeLocalInput())
    reasons = forms.CharField(
        label=_("Reasons"), max_length=5000, widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Why the work cannot be finished in time (at least 10 characters)."),
    )


class ExtensionDecisionForm(DecisionMixin, ActionForm):
    decisions = ("grant", "refuse")
    error_aliases = {"requested_due_at": "granted_due_at"}

    granted_due_at = forms.DateTimeField(
        label=_("Granted deadline"), required=False, widget=DateTimeLocalInput(),
        help_text=_("Leave empty to grant the date asked for."),
    )
    note = forms.CharField(
        label=_("Note"), required=False, max_length=5000, widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Required when refusing."),
    )


def _accepted_types() -> str:
    return ", ".join(dict.fromkeys(LABELS.get(t, t) for t in DEFAULT_ALLOWED))


class ResultForm(ActionForm):
    error_aliases = {"assignment": NON_FIELD_ERRORS}

    text = forms.CharField(label=_("Result"), max_length=20000, widget=forms.Textarea(attrs={"rows": 4}),
                           help_text=_("What was done, in the words of the report or answer."))
    attachments = MultipleFileField(label=_("Attachments"), required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["attachments"].help_text = _("Optional. Accepted: %(types)s; up to %(size)s each.") % {
            "types": _accepted_types(), "size": filesizeformat(settings.NAZORAT_ATTACHMENT_MAX_BYTES)}
        self.fields["attachments"].widget.attrs["accept"] = ",".join(DEFAULT_ALLOWED)

    def clean_attachments(self):
        """Checked by content before anything is stored, so a wrong file changes nothing."""
        files = self.cleaned_data.get("attachments") or []
        errors = []
        for upload in files:
            try:
                inspect_upload(upload, allowed_types=DEFAULT_ALLOWED)
            except ValidationError as exc:
                errors += exc.messages
        if errors:
            raise ValidationError(errors)
        return files


class ReviewForm(DecisionMixin, ActionForm):
    decisions = ("accept", "return")

    reasons = forms.CharField(
        label=_("Reasons for returning"), required=False, max_length=5000, widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Required when returning the result; the executor sees them."),
    )
