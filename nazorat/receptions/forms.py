"""Forms of the reception pages. They read and check the input; the services decide, and their
``ValidationError``s come back onto the form next to the field they concern (``add_service_errors``)."""

from __future__ import annotations

from django import forms
from django.core.exceptions import ValidationError
from django.db.models import Q
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext_lazy as _

from nazorat.orgs.models import Membership
from nazorat.territories.models import Level, Territory
from nazorat.web.forms import AccessibleFormMixin

from .models import ISO_WEEKDAYS, BookingState, ReceptionKind


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, attrs=None):
        super().__init__(attrs=attrs, format="%Y-%m-%d")


class TimeInput(forms.TimeInput):
    input_type = "time"

    def __init__(self, attrs=None):
        super().__init__(attrs=attrs, format="%H:%M")


def add_service_errors(form: forms.Form, exc: ValidationError) -> None:
    """Put a service's refusal next to the field it concerns (or above the form)."""
    if hasattr(exc, "error_dict"):
        for field, errors in exc.error_dict.items():
            target = field if field in form.fields else None
            for error in errors:
                for message in error.messages:
                    form.add_error(target, message)
    else:
        for message in exc.messages:
            form.add_error(None, message)


class OfficialChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Membership) -> str:
        return f"{obj.user.get_full_name() or obj.user.get_username()}, {obj.title_display} — {obj.organisation.name}"


class TerritoryChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Territory) -> str:
        return f"{obj.name} ({obj.parent.name})" if obj.parent_id else obj.name


def territories_for(organisations) -> "forms.models.QuerySet[Territory]":
    """Territories a schedule of these bodies may name: those within the bodies' territories; regions and
    districts anywhere for a republican body."""
    q = Q(pk__in=[])
    for org in organisations:
        if org.territory_id:
            q |= Q(code__startswith=org.territory_id)
        else:
            q |= Q(level__in=[Level.REGION, Level.DISTRICT])
    return Territory.objects.active().filter(q).select_related("parent").order_by("code")


class ScheduleForm(AccessibleFormMixin, forms.Form):
    official = OfficialChoiceField(label=_("Official"), queryset=Membership.objects.none(),
                                   help_text=_("The person who receives, in their position."))
    kind = forms.ChoiceField(label=_("Kind of reception"), choices=ReceptionKind.choices)
    territory = TerritoryChoiceField(label=_("Territory"), queryset=Territory.objects.none(), required=False,
                                     help_text=_("For a mobile reception, the mahalla or district visited. "
                                                 "Empty: the territory of the official's body."))
    place_uz = forms.CharField(label=_("Place (in Uzbek)"), max_length=300,
                               help_text=_("The address and room, as visitors should find it."))
    place_ru = forms.CharField(label=_("Place (in Russian)"), max_length=300, required=False)
    place_en = forms.CharField(label=_("Place (in English)"), max_length=300, required=False)
    weekdays = forms.TypedMultipleChoiceField(label=_("Weekdays"), choices=ISO_WEEKDAYS, coerce=int, required=False,
                                              widget=forms.CheckboxSelectMultiple,
                                              help_text=_("For a weekly reception. Days off in the work calendar "
                                                          "are skipped."))
    on_date = forms.DateField(label=_("Or one date"), required=False, widget=DateInput(),
                              help_text=_("For a one-off reception, instead of weekdays."))
    start_time = forms.TimeField(label=_("From"), widget=TimeInput())
    end_time = forms.TimeField(label=_("Until"), widget=TimeInput())
    slot_minutes = forms.IntegerField(label=_("Minutes per slot"), min_value=5, max_value=480, initial=30)
    capacity = forms.IntegerField(label=_("People per slot"), min_value=1, max_value=500, required=False,
                                  help_text=_("Empty: 1 for a personal reception, 5 for a mobile one, 20 for a "
                                              "mass reception."))
    valid_from = forms.DateField(label=_("Valid from"), required=False, widget=DateInput())
    valid_until = forms.DateField(label=_("Valid until"), required=False, widget=DateInput())
    notes = forms.CharField(label=_("Notes for visitors"), required=False, widget=forms.Textarea(attrs={"rows": 3}))

    def __init__(self, *args, officials=None, organisations=(), editing: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        if editing:
            del self.fields["official"]
        else:
            self.fields["official"].queryset = officials
        self.fields["territory"].queryset = territories_for(organisations)
        # Checkboxes look like checkboxes, each with its own label (the mixin gave them "form-control").
        self.fields["weekdays"].widget.attrs["class"] = "form-check-input"

    def clean(self):
        data = super().clean()
        if data.get("on_date") and data.get("weekdays"):
            self.add_error("on_date", _("Give either weekdays or one date, not both."))
        elif not data.get("on_date") and not data.get("weekdays") and "weekdays" not in self.errors:
            self.add_error("weekdays", _("Choose the weekdays of the reception, or give one date."))
        return data


class BookingForm(AccessibleFormMixin, forms.Form):
    topic = forms.CharField(label=_("What do you want to discuss?"), max_length=300,
                            widget=forms.Textarea(attrs={"rows": 2, "maxlength": 300}),
                            help_text=_("A short line, so the official can prepare."))


class WalkInForm(AccessibleFormMixin, forms.Form):
    slot = forms.TypedChoiceField(label=_("Time"), coerce=int)
    name = forms.CharField(label=_("Visitor's full name"), max_length=200)
    phone = forms.CharField(label=_("Phone"), max_length=32, required=False,
                            help_text=_("For an SMS about the booking; optional."))
    topic = forms.CharField(label=_("Topic"), max_length=300)

    def __init__(self, *args, slots=(), **kwargs):
        super().__init__(*args, **kwargs)
        now = timezone.now()
        self.fields["slot"].choices = [
            (s.pk, _("%(time)s (%(left)s of %(capacity)s seats free)") % {
                "time": date_format(timezone.localtime(s.starts_at), "TIME_FORMAT"), "left": s.seats_left,
                "capacity": s.capacity})
            for s in slots if not s.has_ended(now)
        ]


class CancelForm(AccessibleFormMixin, forms.Form):
    reason = forms.CharField(label=_("Reason for cancelling"), max_length=1000, required=False,
                             widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args, reason_required: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["reason"].required = reason_required
        if reason_required:
            self.fields["reason"].help_text = _("The visitor is told the reason.")


class MarkForm(forms.Form):
    outcome = forms.ChoiceField(choices=[(BookingState.ATTENDED, _("Attended")),
                                         (BookingState.NO_SHOW, _("Did not come"))])


__all__ = ["BookingForm", "CancelForm", "MarkForm", "ScheduleForm", "WalkInForm",
           "add_service_errors"]
