"""GIN indexes for the site search over projects, on PostgreSQL only."""

from django.db import migrations


def _indexes():
    # The vector comes from the search module itself, so the index is built on exactly
    # the expression the search query matches (PostgreSQL uses an expression index only
    # then). Changing palmecentret.search.PROJECT_FIELDS therefore needs a new migration
    # that drops and re-creates these indexes; the index test in
    # tests/palmecentret/test_search.py fails until it exists.
    from django.contrib.postgres.indexes import GinIndex

    from palmecentret.search import PROJECT_SEARCH_INDEXES, project_search_vector

    # fastupdate off: projects are saved now and then by editors but searched all the
    # time, so each save updates the index at once instead of queueing entries in a
    # pending list that every search would have to scan until the next vacuum.
    return [GinIndex(project_search_vector(language), name=name, fastupdate=False)
            for language, name in PROJECT_SEARCH_INDEXES.items()]


def create_indexes(apps, schema_editor):
    # SQLite has no GIN indexes and its search is a plain fallback: nothing to create.
    if schema_editor.connection.vendor != "postgresql":
        return
    project = apps.get_model("projects", "Project")
    for index in _indexes():
        schema_editor.add_index(project, index)


def drop_indexes(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    project = apps.get_model("projects", "Project")
    for index in _indexes():
        schema_editor.remove_index(project, index)


class Migration(migrations.Migration):
    dependencies = [
        ("projects", "0001_initial"),
    ]

    operations = [
        migrations.RunPython(create_indexes, drop_indexes),
    ]
