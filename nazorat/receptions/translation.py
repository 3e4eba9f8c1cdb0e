from modeltranslation.translator import TranslationOptions, register

from .models import ReceptionSchedule


@register(ReceptionSchedule)
class ReceptionScheduleTranslation(TranslationOptions):
    fields = ("place",)
