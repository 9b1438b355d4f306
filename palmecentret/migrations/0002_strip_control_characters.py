"""Strip control characters from the texts stored before they were stripped on save
(common/text.py): every text field of the portal's own apps, CR LF as LF. Rows are
updated with QuerySet.update(), so their `updated` times stay: nothing was edited."""

import re

from django.db import migrations, models
from django.db.models import Q

APPS = ("members", "projects", "newsletter")

# As common.text.CONTROL_CHARACTERS (copied: migrations import no live code). The
# rows to clean are those with any of these or a CR; PostgreSQL cannot store NUL at all.
CONTROL_CHARACTERS = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f]")
TO_FIND = {"postgresql": "[\x01-\x08\x0b-\x1f\x7f-\x9f]"}
DEFAULT_TO_FIND = "[\x00-\x08\x0b-\x1f\x7f-\x9f]"


def clean_text(text):
    return CONTROL_CHARACTERS.sub("", text.replace("\r\n", "\n").replace("\r", "\n"))


def strip_control_characters(apps, schema_editor):
    pattern = TO_FIND.get(schema_editor.connection.vendor, DEFAULT_TO_FIND)
    for label in APPS:
        for model in apps.get_app_config(label).get_models():
            names = [field.attname for field in model._meta.concrete_fields
                     if isinstance(field, (models.CharField, models.TextField))]
            if not names:
                continue
            dirty = Q()
            for name in names:
                dirty |= Q(**{f"{name}__regex": pattern})
            manager = model._base_manager.using(schema_editor.connection.alias)
            for pk, *values in manager.filter(dirty).values_list("pk", *names).iterator():
                changes = {name: clean_text(value) for name, value in zip(names, values)
                           if isinstance(value, str) and clean_text(value) != value}
                manager.filter(pk=pk).update(**changes)


class Migration(migrations.Migration):
    dependencies = [
        ("palmecentret", "0001_roles"),
        ("members", "0003_keys_unique_and_never_empty"),
        ("projects", "0010_keys_unique_and_never_empty"),
        ("newsletter", "0004_registration_address_confirmed_at"),
    ]

    operations = [migrations.RunPython(strip_control_characters, migrations.RunPython.noop)]
