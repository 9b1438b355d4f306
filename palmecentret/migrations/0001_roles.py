"""Create the staff groups (content editors, newsletter managers) with their permissions.

The table and the code are copied from palmecentret/roles.py as they were (migrations
import no live code); after every migrate its post_migrate receiver syncs the groups with
the live table anyway."""

from django.contrib.auth.management import create_permissions
from django.db import migrations

ALL = ("add", "change", "delete", "view")

ROLES = {
    "Content editors": {
        "members.memberorganisation": ALL,
        "members.network": ALL,
        "projects.region": ALL,
        "projects.country": ALL,
        "projects.theme": ALL,
        "projects.funder": ALL,
        "projects.programme": ALL,
        "projects.partner": ALL,
        "projects.project": ALL,
        "newsletter.seminar": ALL,
    },
    "Newsletter managers": {
        "newsletter.mailinglist": ALL,
        "newsletter.subscriber": ALL,
        "newsletter.subscription": ALL,
        "newsletter.consentrecord": ("view",),
        "newsletter.seminar": ALL,
        "newsletter.registration": ALL,
        "newsletter.mailing": ALL,
        "newsletter.delivery": ("view", "delete"),
    },
}


def sync_roles(apps, schema_editor):
    # Permissions are normally created after all migrations ran; make sure they exist.
    for app_config in apps.get_app_configs():
        app_config.models_module = True
        create_permissions(app_config, apps=apps, verbosity=0)
        app_config.models_module = None
    Group = apps.get_model("auth", "Group")  # noqa: N806 - a model class
    Permission = apps.get_model("auth", "Permission")  # noqa: N806 - a model class
    using = schema_editor.connection.alias
    for name, grants in ROLES.items():
        group, _ = Group.objects.db_manager(using).get_or_create(name=name)
        wanted = []
        for label, actions in grants.items():
            app_label, model = label.split(".")
            for action in actions:
                wanted.append(Permission.objects.db_manager(using).get(
                    content_type__app_label=app_label, content_type__model=model,
                    codename=f"{action}_{model}",
                ))
        group.permissions.set(wanted)


class Migration(migrations.Migration):
    dependencies = [
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
        ("members", "0001_initial"),
        ("projects", "0001_initial"),
        ("newsletter", "0001_initial"),
    ]

    operations = [migrations.RunPython(sync_roles, migrations.RunPython.noop)]
