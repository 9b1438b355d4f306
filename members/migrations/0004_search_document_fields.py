"""The site search's documents of member organisations and networks become model fields,
as projects/migrations/0012 does for the projects app: added on every database, and on
PostgreSQL written and GIN-indexed, the generated columns of 0002 dropped where a
database has them."""

import operator
from functools import reduce

import django.contrib.postgres.search
from django.contrib.postgres.indexes import GinIndex
from django.contrib.postgres.search import SearchVector
from django.db import migrations

CONFIGS = {"sv": "swedish", "en": "english"}
# {model: (index name prefix, its SEARCH_FIELDS as this migration was written)}
DOCUMENTS = {
    "MemberOrganisation": ("member", (("A", ("name_{lang}", "short_name")),
                                      ("B", ("description_{lang}",)))),
    "Network": ("network", (("A", ("name_{lang}", "short_name")),
                            ("B", ("description_{lang}",)))),
}


def vector(weighted_fields, language):
    return reduce(operator.add, (
        SearchVector(*(name.format(lang=language) for name in names),
                     config=CONFIGS[language], weight=weight)
        for weight, names in weighted_fields))


def drop_generated_columns(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for table in ("members_memberorganisation", "members_network"):
        # The fields take their names; their indexes go with them.
        schema_editor.execute(f"ALTER TABLE {table} DROP COLUMN IF EXISTS search_document_sv, "
                              f"DROP COLUMN IF EXISTS search_document_en")


def write_and_index_documents(apps, schema_editor):
    # SQLite's search reads the fields themselves: its documents stay empty.
    if schema_editor.connection.vendor != "postgresql":
        return
    for name, (prefix, weighted_fields) in DOCUMENTS.items():
        model = apps.get_model("members", name)
        model.objects.update(**{f"search_document_{language}": vector(weighted_fields, language)
                                for language in CONFIGS})
        for language in CONFIGS:
            # fastupdate off, as the projects' (projects/migrations/0012).
            schema_editor.add_index(model, GinIndex(
                fields=[f"search_document_{language}"], name=f"{prefix}_search_{language}_gin",
                fastupdate=False))


class Migration(migrations.Migration):

    dependencies = [
        ('members', '0003_keys_unique_and_never_empty'),
    ]

    operations = [
        # Not reversed: the columns belong to the search before.
        migrations.RunPython(drop_generated_columns, migrations.RunPython.noop),
        migrations.AddField(
            model_name='memberorganisation',
            name='search_document_en',
            field=django.contrib.postgres.search.SearchVectorField(editable=False, null=True),
        ),
        migrations.AddField(
            model_name='memberorganisation',
            name='search_document_sv',
            field=django.contrib.postgres.search.SearchVectorField(editable=False, null=True),
        ),
        migrations.AddField(
            model_name='network',
            name='search_document_en',
            field=django.contrib.postgres.search.SearchVectorField(editable=False, null=True),
        ),
        migrations.AddField(
            model_name='network',
            name='search_document_sv',
            field=django.contrib.postgres.search.SearchVectorField(editable=False, null=True),
        ),
        migrations.RunPython(write_and_index_documents, migrations.RunPython.noop),
    ]
