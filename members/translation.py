"""Which member and network fields visitors read in Swedish and English."""

from modeltranslation.translator import TranslationOptions, register

from .models import MemberOrganisation, Network


@register(MemberOrganisation)
class MemberOrganisationTranslationOptions(TranslationOptions):
    fields = ("name", "description", "image_alt")


@register(Network)
class NetworkTranslationOptions(TranslationOptions):
    fields = ("name", "description", "image_alt")
