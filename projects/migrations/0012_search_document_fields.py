"""The site search's documents become model fields (common/search_documents.py):
added on every database, and on PostgreSQL written for the objects already there and
GIN-indexed. What the search kept before goes with it: the generated document columns
(0004, 0006) and the terms and term-count tables with their triggers and functions (0005,
0007). Written to work whatever of those a database has; a new one has none of them."""

import operator
from functools import reduce

import django.contrib.postgres.search
from django.contrib.postgres.indexes import GinIndex
from django.contrib.postgres.search import SearchVector
from django.db import migrations

CONFIGS = {"sv": "swedish", "en": "english"}
# {model: (index name prefix, its SEARCH_FIELDS as this migration was written)}
DOCUMENTS = {
    "Country": ("country", (("A", ("name_{lang}",)), ("B", ("focus_{lang}",)))),
    "Programme": ("programme", (("A", ("name_{lang}",)), ("B", ("summary_{lang}",)),
                                ("C", ("body_{lang}",)))),
    "Project": ("project", (("A", ("title_{lang}",)), ("B", ("summary_{lang}",)),
                            ("C", ("body_{lang}",)))),
}

DROP = [
    # 0007's table of counts; the function's triggers go with it (CASCADE).
    "DROP FUNCTION IF EXISTS projects_project_search_term_counts() CASCADE",
    "DROP FUNCTION IF EXISTS projects_project_search_lexemes(projects_project)",
    "DROP TABLE IF EXISTS projects_project_search_term_count",
    # 0005's table of terms, the same way.
    "DROP FUNCTION IF EXISTS projects_project_search_terms() CASCADE",
    "DROP FUNCTION IF EXISTS projects_project_search_term_rows(projects_project)",
    "DROP TABLE IF EXISTS projects_project_search_term",
    # The generated columns of 0004 and 0006, with their indexes: the fields take their
    # names.
    *(f"ALTER TABLE {table} DROP COLUMN IF EXISTS search_document_sv, "
      f"DROP COLUMN IF EXISTS search_document_en"
      for table in ("projects_project", "projects_country", "projects_programme")),
]


def vector(weighted_fields, language):
    return reduce(operator.add, (
        SearchVector(*(name.format(lang=language) for name in names),
                     config=CONFIGS[language], weight=weight)
        for weight, names in weighted_fields))


def drop_old_search(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for statement in DROP:
        schema_editor.execute(statement)


def write_and_index_documents(apps, schema_editor):
    # SQLite's search reads the fields themselves: its documents stay empty.
    if schema_editor.connection.vendor != "postgresql":
        return
    for name, (prefix, weighted_fields) in DOCUMENTS.items():
        model = apps.get_model("projects", name)
        model.objects.update(**{f"search_document_{language}": vector(weighted_fields, language)
                                for language in CONFIGS})
        for language in CONFIGS:
            # fastupdate off: saved now and then, searched all the time, so a save updates
            # the index at once instead of queueing entries every search would scan.
            schema_editor.add_index(model, GinIndex(
                fields=[f"search_document_{language}"], name=f"{prefix}_search_{language}_gin",
                fastupdate=False))


class Migration(migrations.Migration):

    dependencies = [
        ('projects', '0011_public_id_status_index'),
    ]

    operations = [
        # Not reversed: what it drops belongs to the search before (the indexes of the
        # fields go with the fields).
        migrations.RunPython(drop_old_search, migrations.RunPython.noop),
        migrations.AddField(
            model_name='country',
            name='search_document_en',
            field=django.contrib.postgres.search.SearchVectorField(editable=False, null=True),
        ),
        migrations.AddField(
            model_name='country',
            name='search_document_sv',
            field=django.contrib.postgres.search.SearchVectorField(editable=False, null=True),
        ),
        migrations.AddField(
            model_name='programme',
            name='search_document_en',
            field=django.contrib.postgres.search.SearchVectorField(editable=False, null=True),
        ),
        migrations.AddField(
            model_name='programme',
            name='search_document_sv',
            field=django.contrib.postgres.search.SearchVectorField(editable=False, null=True),
        ),
        migrations.AddField(
            model_name='project',
            name='search_document_en',
            field=django.contrib.postgres.search.SearchVectorField(editable=False, null=True),
        ),
        migrations.AddField(
            model_name='project',
            name='search_document_sv',
            field=django.contrib.postgres.search.SearchVectorField(editable=False, null=True),
        ),
        migrations.RunPython(write_and_index_documents, migrations.RunPython.noop),
    ]
