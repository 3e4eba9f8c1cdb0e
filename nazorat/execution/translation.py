from modeltranslation.translator import TranslationOptions, register

from .models import ControlDocument, ReviewChainStep


@register(ControlDocument)
class ControlDocumentTranslation(TranslationOptions):
    fields = ("title",)


@register(ReviewChainStep)
class ReviewChainStepTranslation(TranslationOptions):
    fields = ("label",)
