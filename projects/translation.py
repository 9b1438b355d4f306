"""Which project fields visitors read in Swedish and English."""

from modeltranslation.translator import TranslationOptions, register

from .models import Country, Funder, Programme, Project, Region, Theme


@register(Region)
class RegionTranslationOptions(TranslationOptions):
    fields = ("name", "focus")


@register(Country)
class CountryTranslationOptions(TranslationOptions):
    fields = ("name", "focus", "image_alt")


@register(Theme)
class ThemeTranslationOptions(TranslationOptions):
    fields = ("name", "description")


@register(Funder)
class FunderTranslationOptions(TranslationOptions):
    fields = ("name",)


@register(Programme)
class ProgrammeTranslationOptions(TranslationOptions):
    fields = ("name", "summary", "body", "image_alt")


@register(Project)
class ProjectTranslationOptions(TranslationOptions):
    fields = ("title", "summary", "body", "image_alt")

