"""Text as the portal stores it: no control characters but the line feed and the tab, line
breaks as LF. One pre_save receiver cleans every text field of the apps that ask for it
(clean_text_on_save() in their AppConfig.ready()), whoever saves them: the admin, a
spreadsheet import, a visitor's form.

Why: a control character in a text breaks what is made from it. XLSX refuses them (an
export failed on one), XML 1.0 cannot carry most, PostgreSQL refuses NUL, and the search
marks its hits with two of them (palmecentret.search START and STOP), so a stored one
showed as a highlight in a snippet. Nothing a person types needs them; browsers send
line breaks as CR LF, which becomes LF so that a text is stored one way only.

QuerySet.update() and bulk_create() send no signal: code that stores a visitor's text
through them must clean it with clean_text() itself (none does today)."""

import re

from django.db import models
from django.db.models.signals import pre_save
from modeltranslation.fields import TranslationFieldDescriptor

# The C0 and C1 control characters but tab and line feed (CR is handled first), and DEL.
CONTROL_CHARACTERS = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f]")


def clean_text(text):
    """`text` with CR LF and lone CRs as LF, other control characters but tab left out."""
    if text.isprintable():  # almost every text: the fast way
        return text
    return CONTROL_CHARACTERS.sub("", text.replace("\r\n", "\n").replace("\r", "\n"))


def clean_text_fields(instance):
    """Clean every text field (CharField, TextField and their kinds: slugs, addresses,
    translations) of a model instance in place."""
    for field in instance._meta.concrete_fields:
        if isinstance(field, (models.CharField, models.TextField)):
            if isinstance(getattr(type(instance), field.attname, None),
                          TranslationFieldDescriptor):
                # A translated field's own name ("body" beside body_sv and body_en, each
                # cleaned as a field of its own): read, it gives the active language's
                # text or the fallback's; written, it sets the active language's. In
                # English that copied the Swedish text into an empty English one.
                continue
            value = getattr(instance, field.attname)
            if isinstance(value, str):
                setattr(instance, field.attname, clean_text(value))


def _clean_before_save(sender, instance, raw=False, **kwargs):
    # raw: loaddata stores a fixture exactly as it is written.
    if not raw:
        clean_text_fields(instance)


def clean_text_on_save(app_config):
    """Clean the text fields of every model of `app_config` whenever one is saved."""
    for model in app_config.get_models():
        pre_save.connect(_clean_before_save, sender=model,
                         dispatch_uid=f"palmecentret-clean-text-{model._meta.label_lower}")
