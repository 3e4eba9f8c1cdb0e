from modeltranslation.translator import TranslationOptions, register

from .models import CalendarOverride


@register(CalendarOverride)
class CalendarOverrideTranslation(TranslationOptions):
    fields = ("name",)
