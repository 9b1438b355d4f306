"""History entries stored in no language and read in the reader's: what the admin's
history pages (django-reversion's and Django's) show for an edit, a restore or a bulk
publish.

Django stores an edit's change message as JSON naming the changed fields by their
labels in English ("Budget (SEK)", modeltranslation's "Summary [sv]") and translates
each label with gettext() when showing it. That finds no msgid for any of our fields,
whose verbose names are lower case ("budget (SEK)") or carry a language ("summary
[sv]"): staff read "Ändrade Summary [sv]". Here a label is looked up among the model's
fields by its English form and shown as that field's name in the active language
("Ändrade Sammanfattning [sv]"). django-reversion keeps a revision's comment as text
already rendered in the editor's language; common.admin_base.HistoryAdmin stores the
same JSON instead, with entries of its own for a restore and a bulk publish, so a
colleague reading in English reads English."""

import functools
import json

from django.apps import apps
from django.contrib.admin.models import LogEntry
from django.utils import formats, timezone
from django.utils.dateparse import parse_datetime
from django.utils.text import capfirst
from django.utils.translation import get_language, override
from django.utils.translation import gettext as _

# Entries of our own beside Django's "added", "changed" and "deleted".
RESTORED, PUBLISHED, UNPUBLISHED = "restored", "published", "unpublished"


def restored(date):
    """The entry for a restore of the version saved at `date` (aware datetime)."""
    return {RESTORED: {"date": date.isoformat()}}


def published(is_published):
    return {PUBLISHED if is_published else UNPUBLISHED: {}}


def dumps(entries):
    return json.dumps(entries)


def loads(message):
    """The entries of a stored message; none if it is a text, not JSON."""
    try:
        entries = json.loads(message or "[]")
    except ValueError:
        return []
    return entries if isinstance(entries, list) else []


@functools.lru_cache(maxsize=256)
def _field_names(model, language):
    # {label as Django stores it: "Summary [sv]": the field's name in `language`}
    with override(None):
        stored = {field.name: str(capfirst(field.verbose_name))
                  for field in model._meta.get_fields() if hasattr(field, "verbose_name")}
    with override(language):
        return {label: str(capfirst(model._meta.get_field(name).verbose_name))
                for name, label in stored.items()}


@functools.lru_cache(maxsize=16)
def _models_by_name(language):
    # {a model's verbose name as Django stores an inline's in a change message: model}
    with override(None):
        return {str(model._meta.verbose_name): model for model in apps.get_models()}


def _translate_fields(entry, model, language):
    for action in entry.values():
        if isinstance(action, dict) and isinstance(action.get("fields"), list):
            # An inline's fields are its own model's (named by the entry's "name").
            owner = _models_by_name(language).get(action.get("name"), model)
            names = _field_names(owner, language) if owner is not None else {}
            action["fields"] = [names.get(label, label) for label in action["fields"]]


def change_message(message, model=None):
    """The text of a history entry in the active language: `message` as stored (a
    change message in JSON, with our entries or without, or a text written as it is, as
    older revisions were), `model` the model of the object it is about."""
    try:
        entries = json.loads(message or "")
    except ValueError:
        return message or ""
    if not isinstance(entries, list):
        return message
    language = get_language()
    ours, djangos = [], []
    for entry in entries:
        if not isinstance(entry, dict):
            continue
        if RESTORED in entry:
            date = parse_datetime(str(entry[RESTORED].get("date", "")))
            saved_on = (formats.localize(timezone.template_localtime(date)) if date
                        else "?")
            ours.append(_("Restored the version saved on %(date)s.") % {"date": saved_on})
        elif PUBLISHED in entry:
            ours.append(_("Published"))
        elif UNPUBLISHED in entry:
            ours.append(_("Unpublished"))
        else:
            _translate_fields(entry, model, language)
            djangos.append(entry)
    # Django's own entries as Django words them (gettext() of a name already in the
    # reader's language finds nothing and leaves it as it is).
    text = LogEntry(change_message=json.dumps(djangos)).get_change_message() if djangos else ""
    return " ".join([*ours, text]).strip()
