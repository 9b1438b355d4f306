"""A project's search documents take in the names of what it is linked to (countries and
their regions, themes, programme, member organisations, funder; Project.SEARCH_RELATED),
below its own texts: rewritten here for the projects already there, on PostgreSQL (SQLite's
search reads the fields themselves). From now on saves and link changes keep them so
(common/search_documents.py)."""

import operator
from functools import reduce

from django.contrib.postgres.aggregates import StringAgg
from django.contrib.postgres.search import SearchVector
from django.db import migrations
from django.db.models import OuterRef, Subquery, TextField, Value
from django.db.models.functions import Concat

CONFIGS = {"sv": "swedish", "en": "english"}
# Project.SEARCH_FIELDS and SEARCH_RELATED as this migration was written.
SEARCH_FIELDS = (("A", ("title_{lang}",)), ("B", ("summary_{lang}",)),
                 ("C", ("body_{lang}",)))
SEARCH_RELATED = ("D", (
    "countries__name_{lang}", "countries__region__name_{lang}", "themes__name_{lang}",
    "programme__name_{lang}", "member_organisations__name_{lang}",
    "member_organisations__short_name", "funder__name_{lang}", "funder__short_name",
))


def document(Project, language):
    own = reduce(operator.add, (
        SearchVector(*(name.format(lang=language) for name in names),
                     config=CONFIGS[language], weight=weight)
        for weight, names in SEARCH_FIELDS))
    weight, paths = SEARCH_RELATED
    names = [StringAgg(path.format(lang=language), " ", distinct=True, default=Value(""))
             for path in paths]
    text = reduce(lambda a, b: Concat(a, Value(" "), b, output_field=TextField()), names)
    linked = Subquery(Project.objects.filter(pk=OuterRef("pk")).order_by().values("pk")
                      .annotate(search_names=text).values("search_names"))
    return own + SearchVector(linked, config=CONFIGS[language], weight=weight)


def write_documents(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    Project = apps.get_model("projects", "Project")
    Project.objects.update(**{f"search_document_{language}": document(Project, language)
                              for language in CONFIGS})


class Migration(migrations.Migration):

    dependencies = [
        ('projects', '0015_public_status_index'),
    ]

    operations = [
        # Unapplied, the documents keep the names until a project is saved: harmless.
        migrations.RunPython(write_documents, migrations.RunPython.noop),
    ]
