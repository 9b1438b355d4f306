"""Registrants' personal data out of the admin's history. Until now the seminar admin's
history followed its registrations inline: each saved seminar kept a copy of every
registration (name, address, organisation), and the seminar's history named the
registrants whose rows were changed on its page. The copies are deleted; where the
history named a registrant, it names the registration's number instead."""

import json
import re

from django.db import migrations

# What Django stores as the inline's name in a change message (English, untranslated).
REGISTRATION_NAME = "seminar registration"


# How a registration was named in a change message as written out (the History page shows
# the revision's comment as it was saved, in the editor's language): “<registrant – seminar>”
# after the model's name.
WRITTEN_OUT = re.compile(r"((?:seminar registration|seminarieanmälan) “)([^”]*)(”)")


def forget_registrants(apps, schema_editor):
    ContentType = apps.get_model("contenttypes", "ContentType")
    Version = apps.get_model("reversion", "Version")
    Revision = apps.get_model("reversion", "Revision")
    LogEntry = apps.get_model("admin", "LogEntry")
    types = {ct.model: ct for ct in ContentType.objects.filter(
        app_label="newsletter", model__in=["registration", "seminar"])}
    if "seminar" not in types:
        return  # a new database: nothing was ever kept
    copies = Version.objects.filter(content_type=types.get("registration"))
    numbers = {repr_: f"#{object_id}"
               for repr_, object_id in copies.values_list("object_repr", "object_id")}

    def number(match):
        return match.group(1) + numbers.get(match.group(2), "#") + match.group(3)

    # Every seminar revision's comment, whether or not it kept a copy of the registrations
    # it names (a registration deleted on the seminar's page was named, not copied).
    for revision in Revision.objects.filter(
            version__content_type=types["seminar"]).distinct():
        comment = WRITTEN_OUT.sub(number, revision.comment)
        if comment != revision.comment:
            revision.comment = comment
            revision.save(update_fields=["comment"])
    copies.delete()
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
