"""Form helpers shared by every page: Bootstrap classes and accessible error wiring."""

from __future__ import annotations

from django import forms


class AccessibleFormMixin:
    """Adds Bootstrap classes to widgets and ties each field's error message to the field
    (aria-invalid + aria-describedby), so screen readers announce it."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            widget = field.widget
            if isinstance(widget, (forms.CheckboxInput,)):
                css = "form-check-input"
            elif isinstance(widget, (forms.Select, forms.SelectMultiple)):
                css = "form-select"
            else:
                css = "form-control"
            widget.attrs["class"] = f"{widget.attrs.get('class', '')} {css}".strip()

    def full_clean(self):
        super().full_clean()
        for name in self.errors:
            if name in self.fields:
                widget = self.fields[name].widget
                bound = self[name]
                described = [f"{bound.auto_id}_error"]
                if self.fields[name].help_text:
                    described.append(f"{bound.auto_id}_helptext")
                widget.attrs["aria-invalid"] = "true"
                widget.attrs["aria-describedby"] = " ".join(described)
                widget.attrs["class"] = f"{widget.attrs.get('class', '')} is-invalid".strip()


class AccessibleForm(AccessibleFormMixin, forms.Form):
    pass
