from modeltranslation.translator import TranslationOptions, register

from .models import Organisation, Unit


@register(Organisation)
class OrganisationTranslation(TranslationOptions):
    fields = ("name", "short_name")


@register(Unit)
class UnitTranslation(TranslationOptions):
    fields = ("name",)
