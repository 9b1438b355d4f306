"""Which project fields visitors read in Swedish and English."""

from modeltranslation.translator import TranslationOptions, register

from .models import (AnnualReport, Country, Funder, Indicator, Programme, Project, Region,
                     Result, Theme)


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



@register(Result)
class ResultTranslationOptions(TranslationOptions):
    fields = ("title", "description")


@register(Indicator)
class IndicatorTranslationOptions(TranslationOptions):
    fields = ("title",)


@register(AnnualReport)
class AnnualReportTranslationOptions(TranslationOptions):
    # A report may exist in one language only: the English address may stay empty.
    fields = ("url",)
