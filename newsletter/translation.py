"""Which newsletter and seminar fields visitors read in Swedish and English."""

from modeltranslation.translator import TranslationOptions, register

from .models import MailingList, Mailing, Seminar


@register(MailingList)
class MailingListTranslationOptions(TranslationOptions):
    fields = ("name", "description")


@register(Seminar)
class SeminarTranslationOptions(TranslationOptions):
    fields = ("title", "description", "place", "image_alt")


@register(Mailing)
class MailingTranslationOptions(TranslationOptions):
    fields = ("subject", "body")
