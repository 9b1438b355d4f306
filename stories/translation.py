"""Which story fields visitors read in Swedish and English (English optional)."""

from modeltranslation.translator import TranslationOptions, register

from .models import Story


@register(Story)
class StoryTranslationOptions(TranslationOptions):
    fields = ("title", "lead", "body", "image_alt")
