"""Stored search documents: what the site search finds an object by, kept in fields of its own."""

import operator
from functools import reduce

from django.contrib.postgres.search import SearchVector, SearchVectorField
from django.db import connections, models, router, transaction

# The PostgreSQL text-search configuration of each content language.
CONFIGS = {"sv": "swedish", "en": "english"}
# Each language's document field.
DOCUMENT_FIELDS = {language: f"search_document_{language}" for language in CONFIGS}


def search_vector(weighted_fields, language):
    """The weighted tsvector of fields in one language: weighted_fields is
    ((weight, (field name, ...)), ...), "{lang}" in a name standing for the language."""
    return reduce(operator.add, (
        SearchVector(*(name.format(lang=language) for name in names),
                     config=CONFIGS[language], weight=weight)
        for weight, names in weighted_fields
    ))


def update_search_documents(queryset):
    """Write the documents of the queryset's objects from their fields, in one UPDATE.
    PostgreSQL only: elsewhere the documents stay empty and the search reads the fields
    themselves."""
    if connections[queryset.db].vendor != "postgresql":
        return
    weighted_fields = queryset.model.SEARCH_FIELDS
    queryset.update(**{field: search_vector(weighted_fields, language)
                       for language, field in DOCUMENT_FIELDS.items()})


class SearchableManager(models.Manager):
    """Leaves the documents out of every query that does not name them: only the search
    reads them, and they are as long as the texts they are made of."""

    def get_queryset(self):
        return super().get_queryset().defer(*DOCUMENT_FIELDS.values())


class Searchable(models.Model):
    """An object the site search finds by the fields SEARCH_FIELDS names, with their
    weights (A counts most, then B, C), as search_vector() reads them. Its document in
    each language is written on every save(); code that writes such objects without
    save() (bulk_create(), QuerySet.update() of a searched field) calls
    update_search_documents() itself. The documents are GIN-indexed on PostgreSQL by
    the migration that adds them (not in Meta.indexes: SQLite cannot build a GIN index,
    and it rebuilds a table with all of Meta's indexes whenever a migration alters one)."""

    search_document_sv = SearchVectorField(null=True, editable=False)
    search_document_en = SearchVectorField(null=True, editable=False)

    SEARCH_FIELDS = ()

    class Meta:
        abstract = True

    def save(self, *args, **kwargs):
        using = kwargs.get("using") or router.db_for_write(type(self), instance=self)
        # One transaction, so that what a commit makes visible (and the page cache's
        # bump on commit) has the document of the texts it saved.
        with transaction.atomic(using=using, savepoint=False):
            super().save(*args, **kwargs)
            update_search_documents(type(self)._base_manager.using(using).filter(pk=self.pk))
