"""The form of the discipline register: recording a measure (the service ``measures.measure_record`` decides)."""

from __future__ import annotations

from django import forms
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.utils.translation import gettext_lazy as _

from nazorat.web.forms import AccessibleFormMixin

from ..models import MeasureKind


class MeasureForm(AccessibleFormMixin, forms.Form):
    kind = forms.ChoiceField(label=_("Measure"), choices=[("", _("— choose a measure —")), *MeasureKind.choices])
    note = forms.CharField(label=_("Grounds"), widget=forms.Textarea(attrs={"rows": 4}),
                           help_text=_("What the measure is taken for: the order or protocol, the tasks and the "
                                       "shortcomings."))
    tasks = forms.MultipleChoiceField(label=_("Tasks concerned"), required=False,
                                      widget=forms.CheckboxSelectMultiple)

    def __init__(self, *args, task_choices=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["tasks"].choices = list(task_choices)
        self.fields["tasks"].widget.attrs["class"] = "form-check-input"

    def add_service_error(self, exc: ValidationError) -> None:
        if hasattr(exc, "error_dict"):
            for name, errors in exc.error_dict.items():
                self.add_error(name if name in self.fields else None, errors)
        else:
            self.add_error(None, exc)
        self.full_clean_errors()

    def full_clean_errors(self) -> None:
        for name in self.errors:
            if name == NON_FIELD_ERRORS or name not in self.fields:
                continue
            widget = self.fields[name].widget
            widget.attrs["aria-invalid"] = "true"
            widget.attrs["aria-describedby"] = f"{self[name].auto_id}_error"
            if "is-invalid" not in widget.attrs.get("class", ""):
                widget.attrs["class"] = f"{widget.attrs.get('class', '')} is-invalid".strip()
