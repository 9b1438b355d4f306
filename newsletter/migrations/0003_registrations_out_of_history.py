"""Registrants' personal data out of the admin's history. Until now the seminar admin's
history followed its registrations inline: each saved seminar kept a copy of every
registration (name, address, organisation), and the seminar's history named the
registrants whose rows were changed on its page. The copies are deleted; where the
history named a registrant, it names the registration's number instead."""

import json

from django.db import migrations

# What Django stores as the inline's name in a change message (English, untranslated).
REGISTRATION_NAME = "seminar registration"


def forget_registrants(apps, schema_editor):
    ContentType = apps.get_model("contenttypes", "ContentType")
    Version = apps.get_model("reversion", "Version")
    Revision = apps.get_model("reversion", "Revision")
    LogEntry = apps.get_model("admin", "LogEntry")
    types = {ct.model: ct for ct in ContentType.objects.filter(
        app_label="newsletter", model__in=["registration", "seminar"])}
    if "registration" not in types:
        return  # a new database: nothing was ever kept
    copies = Version.objects.filter(content_type=types["registration"])
    numbers = {repr_: f"#{object_id}"
               for repr_, object_id in copies.values_list("object_repr", "object_id")}
    # A revision's comment is the change message as written out when it was saved.
    for revision in Revision.objects.filter(version__in=copies).distinct():
        comment = revision.comment
        for repr_, number in numbers.items():
            comment = comment.replace(repr_, number)
        if comment != revision.comment:
            revision.comment = comment
            revision.save(update_fields=["comment"])
    copies.delete()
    if "seminar" not in types:
        return
    for entry in LogEntry.objects.filter(content_type=types["seminar"],
                                         change_message__contains=REGISTRATION_NAME):
        try:
            message = json.loads(entry.change_message)
        except ValueError:
            continue
        for part in message if isinstance(message, list) else []:
            for action in part.values():
                if isinstance(action, dict) and action.get("name") == REGISTRATION_NAME:
                    action["object"] = numbers.get(action.get("object"), "#")
        entry.change_message = json.dumps(message)
        entry.save(update_fields=["change_message"])


class Migration(migrations.Migration):
    dependencies = [
        ("newsletter", "0002_mailings_and_reminders"),
        ("reversion", "0002_add_index_on_version_for_content_type_and_db"),
        ("admin", "0003_logentry_add_action_flag_choices"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [migrations.RunPython(forget_registrants, migrations.RunPython.noop)]
