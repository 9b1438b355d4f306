"""Seminars become hits of the site search: stored search documents, as the other searched
models have (projects/migrations/0012): added on every database, and on PostgreSQL
written for the seminars already there and GIN-indexed."""

import operator
from functools import reduce

import django.contrib.postgres.search
from django.contrib.postgres.indexes import GinIndex
from django.contrib.postgres.search import SearchVector
from django.db import migrations

CONFIGS = {"sv": "swedish", "en": "english"}
# Seminar.SEARCH_FIELDS as this migration was written.
SEARCH_FIELDS = (("A", ("title_{lang}",)), ("B", ("description_{lang}",)),
                 ("C", ("place_{lang}",)))


def vector(language):
    return reduce(operator.add, (
        SearchVector(*(name.format(lang=language) for name in names),
                     config=CONFIGS[language], weight=weight)
        for weight, names in SEARCH_FIELDS))


def write_and_index_documents(apps, schema_editor):
    # SQLite's search reads the fields themselves: its documents stay empty.
    if schema_editor.connection.vendor != "postgresql":
        return
    Seminar = apps.get_model("newsletter", "Seminar")
    Seminar.objects.update(**{f"search_document_{language}": vector(language)
                              for language in CONFIGS})
    for language in CONFIGS:
        # fastupdate off, as the projects' (projects/migrations/0012).
        schema_editor.add_index(Seminar, GinIndex(
            fields=[f"search_document_{language}"], name=f"seminar_search_{language}_gin",
            fastupdate=False))


class Migration(migrations.Migration):

    dependencies = [
        ('newsletter', '0004_registration_address_confirmed_at'),
    ]

    operations = [
        migrations.AddField(
            model_name='seminar',
            name='search_document_en',
            field=django.contrib.postgres.search.SearchVectorField(editable=False, null=True),
        ),
        migrations.AddField(
            model_name='seminar',
            name='search_document_sv',
            field=django.contrib.postgres.search.SearchVectorField(editable=False, null=True),
        ),
        # Not reversed: the fields, and their indexes with them, go when it is unapplied.
        migrations.RunPython(write_and_index_documents, migrations.RunPython.noop),
    ]
