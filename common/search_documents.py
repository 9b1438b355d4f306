"""Stored search documents: what the site search finds an object by, kept in fields of its
own, and how a visitor's words match them (the site search and the project list's
free-text filter both use it)."""

import operator
import re
import unicodedata
from functools import reduce

from django.contrib.postgres.aggregates import StringAgg
from django.contrib.postgres.search import SearchQuery, SearchVector, SearchVectorField
from django.db import connections, models, router, transaction
from django.db.models import OuterRef, Q, Subquery, TextField, Value
from django.db.models.functions import Concat
from django.db.models.signals import m2m_changed, post_delete, post_save, pre_delete, pre_save
from django.utils.translation import get_language

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


def related_names(model, paths, language):
    """The names that `paths` (lookups such as "countries__name_{lang}") lead to from a
    row of `model`, as one text: a subquery of the row's own, each name once."""
    names = [StringAgg(path.format(lang=language), " ", distinct=True, default=Value(""))
             for path in paths]
    text = reduce(lambda a, b: Concat(a, Value(" "), b, output_field=TextField()), names)
    return Subquery(model._base_manager.filter(pk=OuterRef("pk")).order_by().values("pk")
                    .annotate(search_names=text).values("search_names"))


def document(model, language):
    """The expression of `model`'s document in one language: its SEARCH_FIELDS, and the
    names SEARCH_RELATED leads to with their weight."""
    vector = search_vector(model.SEARCH_FIELDS, language)
    if model.SEARCH_RELATED:
        weight, paths = model.SEARCH_RELATED
        vector += SearchVector(related_names(model, paths, language),
                               config=CONFIGS[language], weight=weight)
    return vector


def update_search_documents(queryset):
    """Write the documents of the queryset's objects from their fields (and the names of
    what they are linked to), in one UPDATE. PostgreSQL only: elsewhere the documents stay
    empty and the search reads the fields themselves."""
    if connections[queryset.db].vendor != "postgresql":
        return
    queryset.update(**{field: document(queryset.model, language)
                       for language, field in DOCUMENT_FIELDS.items()})


class SearchableManager(models.Manager):
    """Leaves the documents out of every query that does not name them: only the search
    reads them, and they are as long as the texts they are made of."""

    def get_queryset(self):
        return super().get_queryset().defer(*DOCUMENT_FIELDS.values())


class Searchable(models.Model):
    """An object the site search finds by the fields SEARCH_FIELDS names, with their
    weights (A counts most, then B, C, D), as search_vector() reads them, and by the names
    of what it is linked to that SEARCH_RELATED names: (weight, (lookup, ...)), e.g.
    ("D", ("countries__name_{lang}",)); a lookup crosses a many-to-many relation at its
    first step only. Its document in each language is written on every save(); what
    keep_related_documents_current() connects rewrites it when a link or a linked name
    changes. Code that writes such objects without save() (bulk_create(),
    QuerySet.update() of a searched field or of a linked name) calls
    update_search_documents() itself. The documents are GIN-indexed on PostgreSQL by
    the migration that adds them (not in Meta.indexes: SQLite cannot build a GIN index,
    and it rebuilds a table with all of Meta's indexes whenever a migration alters one)."""

    search_document_sv = SearchVectorField(null=True, editable=False)
    search_document_en = SearchVectorField(null=True, editable=False)

    SEARCH_FIELDS = ()
    SEARCH_RELATED = None

    class Meta:
        abstract = True

    def save(self, *args, **kwargs):
        using = kwargs.get("using") or router.db_for_write(type(self), instance=self)
        # One transaction, so that what a commit makes visible (and the page cache's
        # bump on commit) has the document of the texts it saved.
        with transaction.atomic(using=using, savepoint=False):
            super().save(*args, **kwargs)
            update_search_documents(type(self)._base_manager.using(using).filter(pk=self.pk))


# --- Linked names ---------------------------------------------------------------------------

def _linked_models(model):
    """What `model`'s SEARCH_RELATED reads, as ({linked model: (its watched fields, the
    lookups from `model` to it)}, {many-to-many field of `model`: its through model}).
    A linked model's watched fields are the names read from it and the foreign keys a
    lookup follows on from it (a country's region)."""
    _weight, paths = model.SEARCH_RELATED
    watched, many = {}, {}
    for path in paths:
        *steps, last = path.split("__")
        current, lookup = model, []
        for step in steps:
            field = current._meta.get_field(step)
            if not lookup and field.many_to_many:
                many[field] = field.remote_field.through
            elif lookup:
                fields, lookups = watched.setdefault(current, (set(), set()))
                fields.add(field.attname)
                lookups.add("__".join(lookup))
            lookup.append(step)
            current = field.related_model
        fields, lookups = watched.setdefault(current, (set(), set()))
        fields.update(last.format(lang=language) for language in CONFIGS)
        lookups.add("__".join(lookup))
    return watched, many


def keep_related_documents_current(model):
    """Connect the receivers that rewrite `model`'s documents (one UPDATE each time, with
    the names read by subqueries) whenever what its SEARCH_RELATED reads changes: a linked
    object saved with another name (or a country moved to another region), deleted, or
    linked and unlinked (m2m_changed, from either side). Admin edits, restores, bulk
    actions and spreadsheet imports all save one object at a time, so each is seen.
    Changes to `model`'s own foreign keys (a project's programme) are its own save()."""
    watched, many = _linked_models(model)
    uid = f"search-documents-{model._meta.label_lower}"
    for linked, (fields, lookups) in watched.items():
        receivers = _LinkedReceivers(model, linked, sorted(fields), sorted(lookups))
        label = f"{uid}-{linked._meta.label_lower}"
        pre_save.connect(receivers.pre_save, sender=linked, weak=False,
                         dispatch_uid=f"{label}-pre-save")
        post_save.connect(receivers.post_save, sender=linked, weak=False,
                          dispatch_uid=f"{label}-post-save")
        pre_delete.connect(receivers.pre_delete, sender=linked, weak=False,
                           dispatch_uid=f"{label}-pre-delete")
        post_delete.connect(receivers.post_delete, sender=linked, weak=False,
                            dispatch_uid=f"{label}-post-delete")
    for field, through in many.items():
        m2m_changed.connect(_LinkReceiver(model, field).changed, sender=through, weak=False,
                            dispatch_uid=f"{uid}-{field.name}-m2m")


class _LinkedReceivers:
    """Receivers of one linked model's saves and deletes, for the documents of `model`."""

    def __init__(self, model, linked, fields, lookups):
        self.model, self.linked, self.fields, self.lookups = model, linked, fields, lookups
        # save(update_fields=...) may name a foreign key by its name or its attname.
        self.names = {*fields, *(f.name for f in linked._meta.concrete_fields
                                 if f.attname in fields)}
        # What pre_save and pre_delete note on the instance, under names of this model's
        # own: a theme is watched for projects and for stories alike, and each must read
        # back its own note, not the other's.
        label = model._meta.label_lower.replace(".", "_")
        self.names_before = f"_search_names_before_{label}"
        self.linked_before = f"_search_linked_before_{label}"

    def _linking(self, instance, using):
        condition = reduce(operator.or_, (Q(**{lookup: instance}) for lookup in self.lookups))
        return self.model._base_manager.using(using).filter(condition)

    def _stored(self, instance, using):
        return self.linked._base_manager.using(using).filter(pk=instance.pk).values_list(
            *self.fields).first()

    def pre_save(self, sender, instance, using, update_fields=None, **kwargs):
        # The names as stored, to tell after the save whether any of them changed (most
        # saves change none, and rewriting thousands of documents costs).
        setattr(instance, self.names_before, (
            None if instance.pk is None or (update_fields is not None
                                            and not self.names & set(update_fields))
            else self._stored(instance, using)))

    def post_save(self, sender, instance, using, created, **kwargs):
        before = getattr(instance, self.names_before, None)
        if created or before is None:
            return  # nothing links to it yet, or none of its names was saved
        if before != tuple(getattr(instance, name) for name in self.fields):
            update_search_documents(self._linking(instance, using))

    def pre_delete(self, sender, instance, using, **kwargs):
        # Its links go with it (the database cascades), so who had them is asked now.
        setattr(instance, self.linked_before, list(
            self._linking(instance, using).values_list("pk", flat=True).distinct()))

    def post_delete(self, sender, instance, using, **kwargs):
        pks = getattr(instance, self.linked_before, None)
        if pks:
            update_search_documents(self.model._base_manager.using(using).filter(pk__in=pks))


class _LinkReceiver:
    """The receiver of a many-to-many field's link changes, for the documents of `model`."""

    def __init__(self, model, field):
        self.model, self.field = model, field

    def changed(self, sender, instance, action, reverse, pk_set, using, **kwargs):
        manager = self.model._base_manager.using(using)
        if not reverse:  # project.countries.add(...): the project itself
            if action == "post_clear" or action in ("post_add", "post_remove") and pk_set:
                update_search_documents(manager.filter(pk=instance.pk))
        elif action == "pre_clear":  # country.projects.clear(): who had it, asked first
            instance._search_unlinked = list(manager.filter(
                **{self.field.name: instance}).values_list("pk", flat=True))
        elif action == "post_clear":
            update_search_documents(manager.filter(
                pk__in=getattr(instance, "_search_unlinked", ())))
        elif action in ("post_add", "post_remove") and pk_set:
            update_search_documents(manager.filter(pk__in=pk_set))


# --- How a visitor's words match the documents ---------------------------------------

# Longer queries are typing accidents or attacks; 200 characters hold any real question.
MAX_QUERY_LENGTH = 200


# Each word is a condition (on SQLite one per searched field); more words add nothing.
MAX_WORDS = 10


# A written word this long also finds the words its stem begins ("Kommunal" finds
# "Kommunalarbetareförbundet", "kvinnor" finds "Kvinnors"); shorter ones only themselves
# ("LO" must not find "lokal", "Sida" not "sidan").
PREFIX_LENGTH = 5


# Swedish endings the Swedish stemmer leaves on a word (definite and genitive forms:
# "kvinnan", "kvinnans", "kvinnors"): a word that ends in one is also searched without
# it, so "kvinnan" finds "kvinnor". Longest first; the rest must keep PREFIX_LENGTH - 1
# letters.
SWEDISH_ENDINGS = ("ans", "ens", "ets", "an", "et", "s")


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


def query_words(query):
    """The words of a query: runs of letters and digits. Everything else (operators such
    as ! & | :*, quotes, brackets) only separates words: the search finds objects that
    have all the words, whatever else is typed."""
    return re.findall(r"[^\W_]+", query)[:MAX_WORDS]


def word_forms(word):
    """The forms a word is searched in: itself, and without a Swedish ending the stemmer
    leaves on it (SWEDISH_ENDINGS)."""
    lowered = word.lower()
    return [word, *(word[:-len(ending)] for ending in SWEDISH_ENDINGS
                    if lowered.endswith(ending) and len(word) - len(ending) >= PREFIX_LENGTH - 1)]


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
    words = query_words(query)
    if not words:
        return queryset.none()
    if on_postgresql(queryset):
        return queryset.filter(reduce(operator.or_, (
            Q(**{DOCUMENT_FIELDS[language]: tsquery})
            for language, tsquery in search_queries(query, languages).items())))
    model = queryset.model
    names = [name for _weight, names in model.SEARCH_FIELDS for name in names]
    columns = language_columns(names, languages)
    return queryset.filter(*(
        contain_word(columns, word) | linked_contain_word(model, word, languages)
        if model.SEARCH_RELATED else contain_word(columns, word)
        for word in words))


def language_columns(names, languages):
    """The columns of field names such as "title_{lang}" in the languages."""
    return list(dict.fromkeys(name.format(lang=language)
                              for name in names for language in languages))


def contain_word(columns, word):
    """SQLite: the condition that one of `columns` contains one of the word's forms."""
    return reduce(operator.or_, (Q(**{f"{column}__icontains": form})
                                 for column in columns for form in word_forms(word)))


def linked_contain_word(model, word, languages):
    """SQLite: the condition that a name the object is linked to (SEARCH_RELATED) contains
    one of the word's forms."""
    _weight, paths = model.SEARCH_RELATED
    # A subquery: a join along many-to-many links would repeat the object.
    return Q(pk__in=model._base_manager.filter(
        contain_word(language_columns(paths, languages), word)).values("pk"))


class ParsedOnce(SearchQuery):
    """A SearchQuery that PostgreSQL parses once per statement (a scalar subquery, run
    once as an InitPlan). A prepared statement run with a generic plan otherwise parses
    the visitor's words again for every row it checks or ranks."""

    template = "(SELECT %(function)s(%(expressions)s))"


def search_queries(query, languages):
    """{language: the visitor's words as a query of that language's documents}: every word
    (query_words()) in any of its forms (word_forms(), Swedish only), each form stemmed by
    the language's configuration and, when long enough, also the start of longer words
    (PREFIX_LENGTH). Written as to_tsquery()'s input from letters and digits alone, so
    nothing the visitor types is read as an operator."""
    words = query_words(query)
    return {language: ParsedOnce(_tsquery_text(words, language), search_type="raw",
                                 config=CONFIGS[language])
            for language in languages}


def _tsquery_text(words, language):
    def term(form):
        return f"'{form}':*" if len(form) >= PREFIX_LENGTH else f"'{form}'"

    # No words (only punctuation typed): a query that finds nothing.
    return " & ".join(
        "(" + " | ".join(term(form) for form in (word_forms(word) if language == "sv"
                                                  else [word])) + ")"
        for word in words) or "''"


def matching_words(queryset, raw_query):
    """The project list's free-text filter: the site search's own matching of projects,
    so the list and the search never disagree about what a word finds."""
    query = clean_query(raw_query)
    if not query:
        return queryset
    return filter_matching(queryset, query, search_languages())
