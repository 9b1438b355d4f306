"""The latest projects (ProjectQuerySet.newest_published()) are ordered with a project
never stamped with a publishing date last, on PostgreSQL as on SQLite. PostgreSQL puts
NULL first in a descending index, so the partial index they read is rebuilt NULLS LAST;
SQLite cannot build such an index, and keeps none (its tables are small)."""

from django.db import migrations, models
from django.db.models import F, Q

PUBLIC = Q(published=True) & ~Q(visibility="internal")
OLD = models.Index(fields=["-published_at", "-id"], condition=PUBLIC,
                   name="project_public_published_idx")
NEW = models.Index(F("published_at").desc(nulls_last=True), F("id").desc(), condition=PUBLIC,
                   name="project_public_published_idx")


def add_nulls_last_index(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.add_index(apps.get_model("projects", "Project"), NEW)


def remove_nulls_last_index(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.remove_index(apps.get_model("projects", "Project"), NEW)


class Migration(migrations.Migration):

    dependencies = [
        ("projects", "0012_search_document_fields"),
    ]

    operations = [
        migrations.RemoveIndex(model_name="project", name=OLD.name),
        migrations.RunPython(add_nulls_last_index, remove_nulls_last_index),
    ]
