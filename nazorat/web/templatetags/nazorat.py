from django import template

from nazorat.core.events import label_for

register = template.Library()


@register.filter
def event_label(action: str) -> str:
    return label_for(action)
