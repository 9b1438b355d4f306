"""Stored search documents: what the site search finds an object by, kept in fields of its
own, and how a visitor's words match them."""

import operator
import re
import unicodedata
from functools import reduce

from django.contrib.postgres.search import SearchQuery, SearchVector, SearchVectorField
from django.db import connections, models, router, transaction
from django.db.models import Q
from django.utils.translation import get_language

# The PostgreSQL text-search configuration of each content language.
CONFIGS = {"sv": "swedish", "en": "english"}
# Each language's document field.
DOCUMENT_FIELDS = {language: f"search_document_{language}" for language in CONFIGS}

# Longer queries are typing accidents or attacks; 200 characters hold any real question.
MAX_QUERY_LENGTH = 200
# The SQLite fallback builds one condition per word; more words than this add nothing.
MAX_FALLBACK_WORDS = 10


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


def clean_query(raw):
    """The visitor's query made safe to search with: Unicode-normalised, control and
    format characters dropped, whitespace collapsed, at most MAX_QUERY_LENGTH characters.
    An empty string means there is nothing to search for."""
    if not isinstance(raw, str):
        return ""
    # NFC so that a decomposed "ä" (as some keyboards send it) matches the stored one.
    text = unicodedata.normalize("NFC", raw)
    # NUL would make PostgreSQL refuse the query; the others are invisible or reorder text.
    text = "".join(" " if unicodedata.category(ch) in ("Cc", "Cf", "Cs") else ch
                   for ch in text)
    text = " ".join(text.split())
    return text[:MAX_QUERY_LENGTH].strip()


def fallback_words(query):
    """The words the plain (non-PostgreSQL) search looks for: letters and digits only;
    websearch's OR is read as an operator, not as a word."""
    return [w for w in re.findall(r"\w+", query) if w != "OR"][:MAX_FALLBACK_WORDS]


def search_languages():
    """On English pages both languages are searched: English content where it exists,
    and the Swedish that English pages fall back to."""
    return ("sv", "en") if get_language() == "en" else ("sv",)


def on_postgresql(queryset):
    return connections[queryset.db].vendor == "postgresql"


def filter_matching(queryset, query, languages):
    """The objects of `queryset` that match the query: on PostgreSQL by their document in
    any of the languages (through its GIN index); elsewhere by every word being in one of
    the fields their document is made of (case-insensitive substring, as far as the
    database folds case)."""
    if on_postgresql(queryset):
        return queryset.filter(reduce(operator.or_, (
            Q(**{DOCUMENT_FIELDS[language]: tsquery})
            for language, tsquery in search_queries(query, languages).items())))
    words = fallback_words(query)
    if not words:
        return queryset.none()
    columns = dict.fromkeys(name.format(lang=language)
                            for _weight, names in queryset.model.SEARCH_FIELDS
                            for name in names for language in languages)
    return queryset.filter(*(
        reduce(operator.or_, (Q(**{f"{column}__icontains": word}) for column in columns))
        for word in words))


class ParsedOnce(SearchQuery):
    """A SearchQuery that PostgreSQL parses once per statement (a scalar subquery, run
    once as an InitPlan). A prepared statement run with a generic plan otherwise parses
    the visitor's words again for every row it checks or ranks."""

    template = "(SELECT %(function)s(%(expressions)s))"


def search_queries(query, languages):
    """{language: the visitor's words as a query of that language's documents}."""
    return {language: ParsedOnce(query, search_type="websearch", config=CONFIGS[language])
            for language in languages}


def matching_words(queryset, raw_query):
    """The objects of `queryset` that match a visitor's words as the site search matches
    them (all of them when there are no words): the project list's free-text filter, so
    the list and the search never disagree about what a word finds."""
    query = clean_query(raw_query)
    if not query:
        return queryset
    return filter_matching(queryset, query, search_languages())
