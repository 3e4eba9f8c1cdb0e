"""Forms of the work-plan and study pages (R-A13). Forms read and check the input; ``execution.studies`` decides,
and its ``ValidationError``s come back next to the field they concern (``ActionForm.add_service_error``)."""

from __future__ import annotations

import re

from django import forms
from django.utils.translation import gettext_lazy as _

from nazorat.accounts.models import User
from nazorat.cases.forms import ActionForm, OrganisationChoiceField, PersonChoiceField
from nazorat.orgs.models import Membership, Organisation
from nazorat.territories.models import Territory
from nazorat.web.forms import AccessibleFormMixin

from . import selectors
from .models import PlanKind, PlanSection, StudyState


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, attrs=None):
        super().__init__(attrs=attrs, format="%Y-%m-%d")


def req(message) -> dict:
    """The message for an empty required field: the same words the service uses."""
    return {"required": message}


def _bodies_choice(bodies) -> list:
    return [("", _("— choose a body —")), *[(o.pk, o.name) for o in bodies]]


# --- work plans -------------------------------------------------------------------------------------------

class WorkPlanForm(ActionForm):
    organisation = forms.TypedChoiceField(label=_("Body"), coerce=int, empty_value=None,
                                          error_messages=req(_("Choose the body whose plan it is.")))
    kind = forms.ChoiceField(label=_("Kind of plan"), choices=[("", _("— choose —")), *PlanKind.choices],
                             error_messages=req(_("Choose the kind of plan.")),
                             help_text=_("Half-yearly: the body's plan. Quarterly: a deputy's plan. Monthly: a staff "
                                         "member's plan."))
    owner = PersonChoiceField(label=_("Whose plan"), required=False, queryset=User.objects.none(),
                              empty_label=_("— myself —"),
                              help_text=_("For a quarterly or monthly plan; leave empty for your own."))
    period_start = forms.DateField(label=_("Period from"), widget=DateInput(),
                                   error_messages=req(_("Enter the first day of the period.")),
                                   help_text=_("The first day of the month, quarter or half-year; the end follows "
                                               "from the kind."))
    title = forms.CharField(label=_("Title"), max_length=300, error_messages=req(_("Enter the plan's title.")))

    def __init__(self, *args, bodies=(), **kwargs):
        super().__init__(*args, **kwargs)
        bodies = list(bodies)
        self.fields["organisation"].choices = _bodies_choice(bodies)
        if len(bodies) == 1:
            self.fields["organisation"].initial = bodies[0].pk
        ids = [o.pk for o in bodies]
        owner = self.fields["owner"]
        owner.queryset = (User.objects.filter(is_active=True, memberships__organisation_id__in=ids,
                                              memberships__is_active=True)
                          .distinct().order_by("last_name", "first_name", "pk"))
        owner.titles = {m.user_id: m.title_display
                        for m in Membership.objects.active().filter(organisation_id__in=ids)
                        .select_related("organisation")}


class WorkPlanItemForm(ActionForm):
    section = forms.ChoiceField(label=_("Section"), choices=PlanSection.choices,
                                initial=PlanSection.EXECUTION_DISCIPLINE)
    text = forms.CharField(label=_("Measure"), max_length=5000, widget=forms.Textarea(attrs={"rows": 3}),
                           error_messages=req(_("Describe the measure (at least 5 characters).")))
    due_on = forms.DateField(label=_("Due"), required=False, widget=DateInput())
    responsible = forms.CharField(label=_("Responsible"), required=False, max_length=300)


class NoteForm(ActionForm):
    """Mark something done: which one (hidden) and what was done."""

    target = forms.IntegerField(widget=forms.HiddenInput())
    note = forms.CharField(label=_("What was done"), max_length=5000, widget=forms.Textarea(attrs={"rows": 2}),
                           error_messages=req(_("Write what was done (at least 5 characters).")))


# --- studies ----------------------------------------------------------------------------------------------

def territory_choices() -> list:
    regions = list(Territory.objects.active().regions().order_by("name").values_list("code", "name"))
    districts = list(Territory.objects.active().districts().order_by("code").values_list("code", "name"))
    by_region: dict[str, list] = {}
    for code, name in districts:
        by_region.setdefault(code[:4], []).append((code, f"\u2003{name}"))
    out: list = [("", _("— none —"))]
    for code, name in regions:
        out.append((code, name))
        out += by_region.get(code, [])
    return out


class StudyPlanForm(ActionForm):
    organisation = forms.TypedChoiceField(label=_("Conducted by"), coerce=int, empty_value=None,
                                          error_messages=req(_("Choose the body conducting the study.")))
    target_organisation = OrganisationChoiceField(label=_("Organisation studied"), required=False,
                                                  queryset=Organisation.objects.none(),
                                                  empty_label=_("— none —"))
    target_territory = forms.ChoiceField(label=_("Territory studied"), required=False,
                                         help_text=_("An organisation, a territory, or both."))
    subject = forms.CharField(label=_("Subject"), max_length=500, widget=forms.Textarea(attrs={"rows": 2}),
                              error_messages=req(_("Describe the subject of the study (at least 5 characters).")),
                              help_text=_("Which acts and tasks, and what is studied."))
    planned_on = forms.DateField(label=_("Planned for"), widget=DateInput(),
                                 error_messages=req(_("Enter the date of the study.")))
    plan_item = forms.TypedChoiceField(label=_("Item of the work plan"), coerce=int, empty_value=None,
                                       required=False,
                                       help_text=_("An item of the section on execution discipline, if the study "
                                                   "is in a plan."))

    def __init__(self, *args, bodies=(), targets=None, plan_items=(), **kwargs):
        super().__init__(*args, **kwargs)
        bodies = list(bodies)
        self.fields["organisation"].choices = _bodies_choice(bodies)
        if len(bodies) == 1:
            self.fields["organisation"].initial = bodies[0].pk
        self.fields["target_organisation"].queryset = targets if targets is not None else Organisation.objects.none()
        self.fields["target_territory"].choices = territory_choices()
        self.fields["plan_item"].choices = [("", _("— not in a plan —")), *[
            (i.pk, f"{i.plan.organisation.name}: {i.plan.title} — {i.position}. {i.text[:80]}") for i in plan_items]]


TASK_NUMBER = re.compile(r"[A-Za-z]+-\d+-\d+-\d+")


class StudyConductForm(ActionForm):
    error_aliases = {"task_numbers": "task_numbers"}

    conducted_on = forms.DateField(label=_("Conducted on"), widget=DateInput(),
                                   error_messages=req(_("Enter the day the study was conducted.")))
    findings = forms.CharField(label=_("Findings"), max_length=20000, widget=forms.Textarea(attrs={"rows": 5}),
                               error_messages=req(_("Write the findings (at least 10 characters).")))
    suggested = forms.TypedMultipleChoiceField(label=_("Tasks of the organisation studied"), coerce=int,
                                               required=False, widget=forms.CheckboxSelectMultiple)
    task_numbers = forms.CharField(label=_("Other tasks concerned"), required=False, max_length=2000,
                                   help_text=_("Task numbers, separated by commas or spaces, e.g. T-12-26-00001."))
    no_measures_needed = forms.BooleanField(label=_("No measures are needed: close the study"), required=False)

    def __init__(self, *args, user=None, suggested=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user
        self.fields["suggested"].choices = [(t.pk, f"{t.case.number} — {t.case.title[:120]}") for t in suggested]

    def clean(self):
        cleaned = super().clean()
        raw = cleaned.get("task_numbers") or ""
        numbers = [n.upper() for n in re.split(r"[\s,;]+", raw) if n]
        ids = set(cleaned.get("suggested") or [])
        if numbers:
            found = dict(selectors.tasks_visible_to(self.user).filter(case__number__in=numbers)
                         .values_list("case__number", "pk"))
            missing = [n for n in numbers if n not in found]
            if missing:
                self.add_error("task_numbers", _("No such task among those you may see: %(numbers)s.")
                               % {"numbers": ", ".join(missing)})
            ids |= set(found.values())
        cleaned["tasks"] = sorted(ids)
        return cleaned

    def service_error_field(self, name: str) -> str | None:
        if name == "tasks":
            return "task_numbers"
        return super().service_error_field(name)


class StudyMeasureForm(ActionForm):
    text = forms.CharField(label=_("Measure"), max_length=5000, widget=forms.Textarea(attrs={"rows": 2}),
                           error_messages=req(_("Describe the measure (at least 5 characters).")))
    responsible = OrganisationChoiceField(label=_("Responsible body"), queryset=Organisation.objects.none(),
                                          empty_label=_("— choose a body —"),
                                          error_messages=req(_("Choose the responsible body.")))
    due_on = forms.DateField(label=_("Due"), widget=DateInput(), error_messages=req(_("Enter the deadline.")))

    def __init__(self, *args, bodies=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["responsible"].queryset = bodies if bodies is not None else Organisation.objects.none()


class ReasonForm(ActionForm):
    reason = forms.CharField(label=_("Reason"), max_length=2000, widget=forms.Textarea(attrs={"rows": 2}),
                             error_messages=req(_("Give the reason for cancelling (at least 5 characters).")))


class StudyFilterForm(AccessibleFormMixin, forms.Form):
    state = forms.ChoiceField(label=_("State"), required=False, choices=[("", _("All")), *StudyState.choices])
    overdue = forms.BooleanField(label=_("Only with overdue measures"), required=False)
