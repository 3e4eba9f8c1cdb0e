"""Forms of the electronic reception's pages: the public submission and tracking forms, the register's
filters and one small form per staff action on an appeal's page.

Forms read and check the input; the services (``appeals.services``) decide, and their ``ValidationError``s
come back next to the field they concern (``ActionForm.add_service_error``). Every form is accessible
(``AccessibleFormMixin``) and rendered with ``web/includes/form.html``.
"""

from __future__ import annotations

from collections import defaultdict

from django import forms
from django.conf import settings
from django.core.exceptions import NON_FIELD_ERRORS
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext_lazy as _

from nazorat.accounts.models import User
from nazorat.cases.forms import (
    ActionForm,
    ButtonForm,
    DateTimeLocalInput,
    MultipleFileField,
    OrganisationChoiceField,
    PersonChoiceField,
    ReviewForm,
)
from nazorat.cases.models import AssignmentRole
from nazorat.orgs.models import Membership, OrgLevel, Organisation, Role
from nazorat.territories.models import Territory
from nazorat.web.forms import AccessibleFormMixin

from . import kinds
from .models import AppealKind, ApplicantKind, Outcome, TerminationGround, UnconsideredGround

__all__ = ["ButtonForm", "ReviewForm"]


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, attrs=None):
        super().__init__(attrs=attrs, format="%Y-%m-%d")


# --- the public submission form (R-B1) ------------------------------------------------------------------

def addressee_choices() -> list:
    """Active bodies grouped by level (republic, region, district), each group by name."""
    groups: dict[str, list] = defaultdict(list)
    for org in Organisation.objects.filter(is_active=True).order_by("name").only("pk", "name", "level"):
        groups[org.level].append((org.pk, org.name))
    out: list = [("", _("— choose a body —"))]
    for level, label in OrgLevel.choices:
        if groups.get(level):
            out.append((str(label), groups[level]))
    return out


def region_choices() -> list:
    regions = Territory.objects.active().regions().order_by("name").values_list("code", "name")
    return [("", _("— choose a region —")), *regions]


def district_choices() -> list:
    """Districts and cities grouped under their region."""
    names = dict(Territory.objects.active().regions().values_list("code", "name"))
    groups: dict[str, list] = defaultdict(list)
    for code, name in Territory.objects.active().districts().order_by("name").values_list("code", "name"):
        groups[code[:4]].append((code, name))
    out: list = [("", _("— the whole region —"))]
    for region in sorted(groups, key=lambda c: names.get(c, c)):
        out.append((names.get(region, region), groups[region]))
    return out


class SubmitForm(AccessibleFormMixin, forms.Form):
    """Art 6: who writes, to whom, about which territory, and what. The service checks what is required for
    each kind of author; the form only reads the input (so the messages come from one place)."""

    applicant_kind = forms.ChoiceField(label=_("I write as"), choices=ApplicantKind.choices,
                                       initial=ApplicantKind.INDIVIDUAL)
    last_name = forms.CharField(label=_("Last name"), required=False, max_length=150)
    first_name = forms.CharField(label=_("First name"), required=False, max_length=150)
    patronymic = forms.CharField(label=_("Patronymic"), required=False, max_length=150)
    organisation_name = forms.CharField(label=_("Full name of the legal entity"), required=False, max_length=300)
    tin = forms.CharField(label=_("Taxpayer number (STIR)"), required=False, max_length=20,
                          help_text=_("Optional; 9 digits."))
    address = forms.CharField(label=_("Address"), required=False, max_length=500,
                              help_text=_("Your place of residence, or the legal entity's postal address."))
    email = forms.CharField(label=_("E-mail"), required=False, max_length=254,
                            widget=forms.EmailInput(attrs={"autocomplete": "email"}))
    phone = forms.CharField(label=_("Phone"), required=False, max_length=32,
                            widget=forms.TextInput(attrs={"autocomplete": "tel", "inputmode": "tel"}),
                            help_text=_("Like +998 90 123 45 67. We tell you the number and the result by SMS."))
    addressee = forms.TypedChoiceField(label=_("Addressed to"), coerce=int, required=False, empty_value=None)
    region = forms.ChoiceField(label=_("Region"), required=False)
    district = forms.ChoiceField(label=_("District or city"), required=False)
    kind = forms.ChoiceField(label=_("Kind of appeal"), choices=[("", _("— choose —")), *AppealKind.choices],
                             required=False)
    text = forms.CharField(label=_("Your appeal"), required=False, max_length=20000,
                           widget=forms.Textarea(attrs={"rows": 8}),
                           help_text=_("Describe the essence of the matter (at least 10 characters)."))
    attachments = MultipleFileField(label=_("Attachments"), required=False)
    is_collective = forms.BooleanField(label=_("This is a collective appeal"), required=False)
    signatories = forms.CharField(
        label=_("Signatories"), required=False, widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("One per line: full name; address. The answer goes to the first one (Art 27)."))
    via_representative = forms.BooleanField(label=_("I write as a representative of the author"), required=False)
    representative_name = forms.CharField(label=_("Representative's full name"), required=False, max_length=300)
    representative_document = forms.FileField(
        label=_("Document confirming the authority"), required=False,
        help_text=_("A power of attorney or another document (Art 6); PDF, JPG or PNG."))
    do_not_disclose = forms.BooleanField(
        label=_("Do not disclose my personal data"), required=False,
        help_text=_("Your data is then shown to no one outside the bodies that handle the appeal (Art 19)."))
    consent = forms.BooleanField(
        label=_("I agree to the processing of my personal data to consider this appeal"),
        error_messages={"required": _("Your consent is needed to consider the appeal.")})

    error_aliases = {"territory": "region", "complained_about": NON_FIELD_ERRORS,
                     "language": NON_FIELD_ERRORS}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["addressee"].choices = addressee_choices()
        self.fields["region"].choices = region_choices()
        self.fields["district"].choices = district_choices()
        self.fields["attachments"].help_text = _("Optional, up to 10 files of up to %(size)s each.") % {
            "size": filesizeformat(settings.NAZORAT_ATTACHMENT_MAX_BYTES)}
        for name in ("last_name", "first_name", "patronymic"):
            self.fields[name].widget.attrs["data-author"] = "individual"
        for name in ("organisation_name", "tin"):
            self.fields[name].widget.attrs["data-author"] = "legal_entity"

    def clean(self):
        cleaned = super().clean()
        region, district = cleaned.get("region") or "", cleaned.get("district") or ""
        if district and region and not district.startswith(region):
            self.add_error("district", _("This district is not in the chosen region."))
        cleaned["territory"] = district or region
        return cleaned

    def service_data(self) -> dict:
        c = dict(self.cleaned_data)
        if self.errors:  # read what could not be cleaned as typed, so the service names every problem at once
            for name in self.errors:
                if name in self.fields and name not in c:
                    c[name] = self.data.get(name, "")
            c.setdefault("territory", self.data.get("district") or self.data.get("region") or "")
        data = {k: c.get(k) for k in ("applicant_kind", "last_name", "first_name", "patronymic",
                                      "organisation_name", "tin", "address", "email", "phone", "addressee",
                                      "kind", "text", "do_not_disclose", "territory", "is_collective",
                                      "via_representative", "representative_name", "representative_document")}
        data["addressee"] = "" if data["addressee"] is None else data["addressee"]
        data["signatories"] = self.parse_signatories(c.get("signatories") or self.data.get("signatories") or "")
        return data

    @staticmethod
    def parse_signatories(text: str) -> list[dict]:
        """"Full name; address" per line → the service's list (an empty address is reported by the service)."""
        rows = []
        for line in str(text).splitlines():
            if line.strip():
                name, _sep, address = line.partition(";")
                rows.append({"full_name": name.strip(), "address": address.strip()})
        return rows

    def add_service_error(self, exc) -> None:
        if hasattr(exc, "error_dict"):
            for name, errors in exc.error_dict.items():
                field = self.error_aliases.get(name, name)
                if field in self.errors:
                    continue  # the form already said what is wrong there
                self.add_error(None if field == NON_FIELD_ERRORS or field not in self.fields else field, errors)
        else:
            self.add_error(None, exc)
        # tie the messages to the fields again (aria-invalid, aria-describedby)
        for name in self.errors:
            if name in self.fields:
                widget, bound = self.fields[name].widget, self[name]
                described = [f"{bound.auto_id}_error"]
                if self.fields[name].help_text:
                    described.append(f"{bound.auto_id}_helptext")
                widget.attrs["aria-invalid"] = "true"
                widget.attrs["aria-describedby"] = " ".join(described)
                if "is-invalid" not in widget.attrs.get("class", "").split():
                    widget.attrs["class"] = f"{widget.attrs.get('class', '')} is-invalid".strip()


class PaperForm(SubmitForm):
    """A written or oral appeal registered by the working group, with the moment it actually arrived (Art 23)."""

    form = forms.ChoiceField(label=_("Received as"), choices=[("written", _("Written (by post or in person)")),
                                                             ("oral", _("Oral (at a reception or by phone)"))])
    received_at = forms.DateTimeField(label=_("Received at"), widget=forms.DateTimeInput(
        attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
        help_text=_("The date and time the appeal actually arrived; the registration day and the term follow "
                    "from it."))

    def __init__(self, *args, addressees=None, **kwargs):
        super().__init__(*args, **kwargs)
        del self.fields["consent"]  # the author consented by writing; staff only record it
        if addressees is not None:
            self.fields["addressee"].choices = [("", _("— choose —"))] + [(o.pk, o.name) for o in addressees]
        self.fields["text"].label = _("Essence of the appeal")


# --- tracking (R-B11) ----------------------------------------------------------------------------------

class TrackForm(AccessibleFormMixin, forms.Form):
    number = forms.CharField(label=_("Appeal number"), max_length=40,
                             widget=forms.TextInput(attrs={"autocomplete": "off", "spellcheck": "false"}),
                             help_text=_("As in the confirmation, e.g. M-12-26-00001."))
    code = forms.CharField(label=_("Tracking code"), max_length=20,
                           widget=forms.TextInput(attrs={"autocomplete": "off", "spellcheck": "false"}),
                           help_text=_("The 10-character code you received when you sent the appeal."))

    def clean_number(self):
        return self.cleaned_data["number"].strip().upper()

    def clean_code(self):
        return "".join(self.cleaned_data["code"].split()).upper()


class RateForm(ActionForm):
    rating = forms.TypedChoiceField(label=_("Your rating of the answer"), coerce=int,
                                    choices=[("", _("— choose —"))] + [(i, str(i)) for i in range(5, 0, -1)],
                                    help_text=_("5 is the best."))
    comment = forms.CharField(label=_("Comment"), required=False, max_length=2000,
                              widget=forms.Textarea(attrs={"rows": 2}))


# --- the register's filters -----------------------------------------------------------------------------

class RegisterFilterForm(AccessibleFormMixin, forms.Form):
    q = forms.CharField(label=_("Search"), required=False, max_length=200,
                        help_text=_("Number, text or the author's name; Latin or Cyrillic."))
    status = forms.ChoiceField(label=_("Status"), required=False)
    kind = forms.ChoiceField(label=_("Kind"), required=False, choices=[("", _("All")), *AppealKind.choices])
    addressee = forms.TypedChoiceField(label=_("Addressee"), required=False, coerce=int, empty_value=None)
    territory = forms.ChoiceField(label=_("Territory"), required=False)
    overdue = forms.BooleanField(label=_("Only overdue"), required=False)

    def __init__(self, *args, addressees=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["status"].choices = [("", _("All")), *kinds.APPEAL.statuses.items()]
        self.fields["addressee"].choices = [("", _("All")), *[(o.pk, o.name) for o in addressees]]
        regions = list(Territory.objects.active().regions().order_by("name").values_list("code", "name"))
        districts = list(Territory.objects.active().districts().order_by("code").values_list("code", "name"))
        self.fields["territory"].choices = [("", _("All")), *regions,
                                            *[(c, f"\u2003{n}") for c, n in districts]]


# --- staff actions on an appeal ------------------------------------------------------------------------

class AssignAppealForm(ActionForm):
    organisation = OrganisationChoiceField(label=_("Executing body"), queryset=Organisation.objects.none(),
                                           empty_label=_("— choose a body —"))
    role = forms.ChoiceField(label=_("Role"), choices=AssignmentRole.choices, initial=AssignmentRole.LEAD,
                             help_text=_("There is one lead executor; other bodies take part as co-executors."))
    due_at = forms.DateTimeField(label=_("Deadline (date and time)"), required=False, widget=DateTimeLocalInput())
    instructions = forms.CharField(label=_("Instructions"), required=False, max_length=5000,
                                   widget=forms.Textarea(attrs={"rows": 3}))

    def __init__(self, *args, register: Organisation, lead_taken: bool = False, limit_text: str = "", **kwargs):
        super().__init__(*args, **kwargs)
        field = self.fields["organisation"]
        field.queryset = Organisation.objects.filter(is_active=True, path__startswith=register.path).order_by("path")
        field.base_depth = register.depth
        if lead_taken:
            self.fields["role"].initial = AssignmentRole.CO_EXECUTOR
        self.fields["due_at"].help_text = limit_text


class ForwardForm(ActionForm):
    error_aliases = {"organisation": "to"}

    to = forms.ModelChoiceField(label=_("Competent body"), queryset=Organisation.objects.none(),
                                empty_label=_("— choose a body —"))
    reason = forms.CharField(label=_("Why the appeal is outside this body's competence"), max_length=5000,
                             widget=forms.Textarea(attrs={"rows": 3}))

    def __init__(self, *args, register: Organisation, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["to"].queryset = Organisation.objects.filter(is_active=True).exclude(pk=register.pk).order_by(
            "name")


class ReasonsForm(ActionForm):
    reasons = forms.CharField(label=_("What is missing"), max_length=5000, widget=forms.Textarea(attrs={"rows": 3}),
                              help_text=_("The author is told these reasons."))


class ExtendForm(ActionForm):
    new_due = forms.DateField(label=_("New due date"), widget=DateInput(),
                              help_text=_("Once, at most one month beyond the current term (Art 28)."))
    reasons = forms.CharField(label=_("Why more time is needed"), max_length=5000,
                              widget=forms.Textarea(attrs={"rows": 3}))


class AnswerForm(ActionForm):
    error_aliases = {"file": "upload"}

    upload = forms.FileField(label=_("The answer (one PDF)"),
                             help_text=_("The answer, any letter of thanks and the act as one PDF file."),
                             widget=forms.ClearableFileInput(attrs={"accept": "application/pdf"}))
    answer_number = forms.CharField(label=_("Outgoing number of the answer"), max_length=64)
    sent_on = forms.DateField(label=_("Sent on"), widget=DateInput())
    signer = PersonChoiceField(label=_("Signed by"), queryset=User.objects.none(),
                               empty_label=_("— choose a person —"))
    executor = PersonChoiceField(label=_("Responsible executor"), queryset=User.objects.none(),
                                 empty_label=_("— choose a person —"))
    outcome = forms.ChoiceField(label=_("Outcome"), required=False, choices=[("", "—"), *Outcome.choices])

    def __init__(self, *args, organisation: Organisation, **kwargs):
        super().__init__(*args, **kwargs)
        active = Membership.objects.active().filter(organisation=organisation)
        titles = {m.user_id: m.title_display for m in active.order_by("is_primary", "-id")}
        signer, executor = self.fields["signer"], self.fields["executor"]
        signer.queryset = (User.objects.filter(pk__in=active.filter(roles__role=Role.SIGNATORY).values("user_id"),
                                               is_active=True).order_by("last_name", "first_name", "pk"))
        signer.help_text = _("The signatories of %(body)s.") % {"body": organisation.name}
        executor.queryset = User.objects.filter(pk__in=active.values("user_id"), is_active=True).order_by(
            "last_name", "first_name", "pk")
        signer.titles = executor.titles = titles


class AppealReviewForm(ReviewForm):
    error_aliases = {"review_round": NON_FIELD_ERRORS}


class LeaveUnconsideredForm(ActionForm):
    ground = forms.ChoiceField(label=_("Ground"), choices=UnconsideredGround.choices)
    conclusion = forms.CharField(label=_("Conclusion"), max_length=5000, widget=forms.Textarea(attrs={"rows": 3}))


class TerminateForm(ActionForm):
    ground = forms.ChoiceField(label=_("Ground"), choices=TerminationGround.choices)
    note = forms.CharField(label=_("Grounds of the decision"), max_length=5000,
                           widget=forms.Textarea(attrs={"rows": 3}))
