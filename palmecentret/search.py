"""The site search: projects, countries, programmes, members and networks, ranked and marked."""

import operator
import re
import unicodedata
from dataclasses import dataclass, field
from functools import cached_property, reduce
from typing import NamedTuple

from django.contrib.postgres.expressions import ArraySubquery
from django.contrib.postgres.fields import ArrayField
from django.contrib.postgres.search import (
    SearchHeadline,
    SearchQuery,
    SearchRank,
    SearchVector,
    SearchVectorField,
)
from django.db import connection, connections, router
from django.db.models import (
    BigIntegerField, BooleanField, Case, Expression, F, Func, IntegerField, OuterRef, Q,
    Subquery, TextField, Value, When,
)
from django.db.models.expressions import RawSQL
from django.db.models.functions import Coalesce, Concat, Greatest, NullIf
from django.utils.html import escape
from django.utils.safestring import mark_safe
from django.utils.text import capfirst
from django.utils.translation import get_language, gettext_lazy, ngettext_lazy
from psycopg.sql import Literal

from members.models import MemberOrganisation, Network
from projects.models import Country, Programme, Project, year_span

from .links import fixed_url_with_query, slug_urls

# Longer queries are typing accidents or attacks; 200 characters hold any real question.
MAX_QUERY_LENGTH = 200
# The SQLite fallback builds one condition per word; more words than this add nothing.
MAX_FALLBACK_WORDS = 10

# PostgreSQL text-search configuration for each content language.
CONFIGS = {"sv": "swedish", "en": "english"}

# Highlight markers. They are control characters, which clean_query() strips from every
# query and saving strips from every stored text (palmecentret/text.py), so neither a
# visitor nor content can forge them; mark_up() turns them into <mark> only after the
# text around them has been HTML-escaped.
START, STOP = "\x02", "\x03"
_MARKED = re.compile(f"{START}([^{START}{STOP}]*){STOP}")
_MARKERS = re.compile(f"[{START}{STOP}]")

# Which project fields make up its search document, by weight (A counts most). On
# PostgreSQL each project keeps its document per language in a stored generated column
# (projects/migrations/0004_project_search_documents.py builds it from this definition),
# so ranking thousands of hits reads a stored vector instead of parsing every hit's text
# again; the SQLite fallback searches the same fields.
PROJECT_FIELDS = (("A", ("title_{lang}",)), ("B", ("summary_{lang}",)), ("C", ("body_{lang}",)))
# One GIN index per content language, named in EXPLAIN output and in the migrations.
PROJECT_SEARCH_INDEXES = {"sv": "project_search_sv_gin", "en": "project_search_en_gin"}
# The stored document columns of projects and of the kinds with few objects (PostgreSQL
# only; not model fields, so no query but the search ever reads them).
DOCUMENT_COLUMNS = {"sv": "search_document_sv", "en": "search_document_en"}
# PostgreSQL only: a row per public project, language and lexeme of its stored document,
# with its rank for that one word and its start date, kept by triggers
# (projects/migrations/0005_project_search_terms.py): one-word searches read their best
# projects and their count from its index (ranked_by_terms()).
PROJECT_TERMS_TABLE = "projects_project_search_term"
# PostgreSQL only: the number of public projects with each language's lexeme, kept with
# the terms table (projects/migrations/0007_project_search_term_counts.py).
PROJECT_TERM_COUNTS_TABLE = "projects_project_search_term_count"
# The project hits' order after the rank: the terms table holds the start date for it.
PROJECT_ORDER = ("-start_date", "pk")


def search_vector(weighted_fields, language):
    """The weighted tsvector of a document's fields in one language ("{lang}" in a field
    name stands for the language; fields without it are not translated)."""
    config = CONFIGS[language]
    vectors = [
        SearchVector(*(name.format(lang=language) for name in names), config=config,
                     weight=weight)
        for weight, names in weighted_fields
    ]
    return reduce(operator.add, vectors)


def project_search_vector(language):
    """The project document computed from its fields (what the stored column holds)."""
    return search_vector(PROJECT_FIELDS, language)


class StoredDocument(Expression):
    """A stored search document in one language: the search_document_<lang> column of
    whatever table the query (or subquery) is based on."""

    def __init__(self, language):
        super().__init__(output_field=SearchVectorField())
        self.language = language

    def as_sql(self, compiler, connection):
        alias = compiler.query.base_table
        column = connection.ops.quote_name(DOCUMENT_COLUMNS[self.language])
        return f"{compiler.quote_name_unless_alias(alias)}.{column}", []


def stored_document_sql(schema_editor, model, weighted_fields, language):
    """The expression of a stored document column (a migration's): search_vector()
    compiled without table names, as Django compiles a GeneratedField's."""
    from django.db.models.sql import Query

    query = Query(model, alias_cols=False)
    compiler = query.get_compiler(connection=schema_editor.connection)
    sql, params = compiler.compile(
        search_vector(weighted_fields, language).resolve_expression(query))
    return sql % tuple(schema_editor.quote_value(param) for param in params)


def store_documents(app_label, documents):
    """A migration operation giving tables (PostgreSQL only) their documents in both
    languages as stored generated columns, which PostgreSQL keeps up to date on every
    insert and update; the search reads them (Kind.document) instead of parsing every
    object's text again in each search. `documents`: {model name: weighted fields, as a
    Kind's}, written out in the migration, as the columns are, so that a test can tell
    when a kind's fields and its stored document part."""
    from django.db import migrations

    def add(apps, schema_editor):
        if schema_editor.connection.vendor != "postgresql":
            return
        for name, weighted_fields in documents.items():
            model = apps.get_model(app_label, name)
            table = schema_editor.quote_name(model._meta.db_table)
            for language, column in DOCUMENT_COLUMNS.items():
                expression = stored_document_sql(schema_editor, model, weighted_fields,
                                                 language)
                schema_editor.execute(
                    f"ALTER TABLE {table} ADD COLUMN {schema_editor.quote_name(column)} "
                    f"tsvector GENERATED ALWAYS AS ({expression}) STORED")

    def drop(apps, schema_editor):
        if schema_editor.connection.vendor != "postgresql":
            return
        for name in documents:
            table = schema_editor.quote_name(apps.get_model(app_label, name)._meta.db_table)
            for column in DOCUMENT_COLUMNS.values():
                schema_editor.execute(
                    f"ALTER TABLE {table} DROP COLUMN {schema_editor.quote_name(column)}")

    return migrations.RunPython(add, drop)


class IsAnyOf(Func):
    """The condition that a value is one of an array's: value = ANY(array)."""

    template = "%(expressions)s)"
    arg_joiner = " = ANY("
    output_field = BooleanField()


class ParsedOnce(SearchQuery):
    """websearch_to_tsquery() of the visitor's words as a scalar subquery: PostgreSQL
    parses and stems the words once per statement, not once for every row it ranks.

    The words are a parameter of a statement prepared once per connection, and in such a
    statement's generic plan the call is not folded into a constant: ts_rank() would parse
    them again for each of the thousands of hits (half of ranking's cost). A subquery
    without outer references is run once (an InitPlan), and the GIN index still serves
    the match."""

    def as_sql(self, compiler, connection, **kwargs):
        sql, params = super().as_sql(compiler, connection, **kwargs)
        return f"(SELECT {sql})", params


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


def mark_up(text):
    """HTML-escape text that carries START/STOP markers, then turn each marked stretch
    into <mark>…</mark>. Unpaired markers are dropped."""
    escaped = _MARKED.sub(r"<mark>\1</mark>", escape(text))
    return mark_safe(_MARKERS.sub("", escaped))


def highlight(text, words, whole_words=False):
    """Mark every occurrence of `words` in plain `text` (case-insensitive), escaped."""
    text = _MARKERS.sub("", text or "")
    words = sorted({w for w in words if w}, key=len, reverse=True)
    if not words:
        return mark_up(text)
    pattern = "|".join(re.escape(w) for w in words)
    if whole_words:
        pattern = rf"(?<!\w)(?:{pattern})(?!\w)"
    return mark_up(re.sub(pattern, lambda m: f"{START}{m.group(0)}{STOP}", text,
                          flags=re.IGNORECASE))


def excerpt(text, words, size=35):
    """About `size` words of `text` around the first matching word, matches marked."""
    text = " ".join(_MARKERS.sub("", text or "").split())
    if not text:
        return ""
    tokens = text.split(" ")
    lowered = [w.lower() for w in words]
    first = next((i for i, token in enumerate(tokens)
                  if any(w in token.lower() for w in lowered)), 0)
    start = max(0, min(first - size // 3, len(tokens) - size))
    chosen = " ".join(tokens[start:start + size])
    prefix = "… " if start > 0 else ""
    suffix = " …" if start + size < len(tokens) else ""
    return highlight(f"{prefix}{chosen}{suffix}", words)


def fallback_words(query):
    """The words the plain (non-PostgreSQL) search looks for: letters and digits only;
    websearch's OR is read as an operator, not as a word."""
    return [w for w in re.findall(r"\w+", query) if w != "OR"][:MAX_FALLBACK_WORDS]


def _years(obj):
    return year_span(obj.start_date, obj.end_date)


# Each status's label, translated and capitalised, per language. get_status_display()
# rebuilds the mapping from the field's choices on every call (0.3 ms of a search page's
# 6.7 ms), and a lazy label is translated again each time it is tested, escaped and
# joined.
_status_labels = {}


def _status(project):
    language = get_language()
    labels = _status_labels.get(language)
    if labels is None:
        labels = _status_labels[language] = {
            value: capfirst(str(label)) for value, label in Project.Status.choices}
    return labels.get(project.status, project.status)


@dataclass(frozen=True)
class Kind:
    """One type of result: where to look, what to weigh, what a hit shows."""

    key: str
    heading: str
    queryset: object  # a callable returning the public objects, with what a hit shows
    weighted_fields: tuple  # as for search_vector()
    title_field: str  # shown as the hit's link text (modeltranslation's current language)
    text_fields: tuple  # the snippet is taken from these
    order: tuple  # tie-break after the rank
    details: object  # obj -> list of short texts shown under the title
    limit: int = 10
    counted: bool = False  # count every hit (one more query) instead of "more than N"
    # language -> the document to search on PostgreSQL: every kind's is stored beside its
    # rows, a generated column of weighted_fields (projects/migrations/0004 and 0006,
    # members/migrations/0002).
    document: object = StoredDocument
    # True for the kinds with a few dozen public objects that only staff change: a hit's
    # object comes from search_objects(), read once per content generation. Otherwise
    # the ranked query reads the hits' objects itself.
    few: bool = False
    # () -> {name: expression}: what a hit shows from other tables, read with the hits in
    # the same statement (only for the rows shown); then prepare(objects) turns it into
    # what the queryset's own iterable would have added (the compiled search reads raw
    # rows).
    links: object = None
    prepare: object = None
    # True for the projects: a one-word search is ranked and counted from the terms
    # table (ranked_by_terms()).
    terms: bool = False
    # A kind with many objects: the page named by a hit's slug, and the model fields its
    # details read. Its hits are rows (HitRow), not model instances.
    url_name: str = ""
    shown: tuple = ()
    # A counted kind with a list page whose words filter (?q=) finds what its search
    # finds: when there are more hits than shown, the section links to that list, with
    # all_text (a ngettext_lazy() of "%(count)s", the number of hits) as the link's text.
    list_url_name: str = ""
    all_text: object = None

    @cached_property
    def model(self):
        # Asked on every search; building the queryset to learn it costs more than a
        # tenth of a millisecond.
        return self.queryset().model


KINDS = (
    Kind(
        key="projects",
        heading=gettext_lazy("Projects"),
        # Partners are not part of any search document: a project that hides its
        # partners must not be findable by their names or places. A hit reads what a
        # project card does (its snippet is made in SQL; the fallback reads the body).
        # The best ten, as for every kind; all of them are a link away, in the project
        # list, where they can be paged through and narrowed by country or theme.
        queryset=lambda: Project.objects.public().for_cards(),
        weighted_fields=PROJECT_FIELDS,
        title_field="title",
        text_fields=("summary", "body"),
        order=PROJECT_ORDER,
        details=lambda p: [", ".join(getattr(p, "country_names", None)
                                     or [c.name for c in p.countries.all()]),
                           _status(p), _years(p)],
        limit=10,
        counted=True,
        links=lambda: {"search_country_ids": ArraySubquery(
            Project.countries.through.objects.filter(project=OuterRef("pk"))
            .values("country_id"))},
        prepare=lambda projects: _set_country_names(projects),
        terms=True,
        url_name="projects:project-detail",
        shown=("status", "start_date", "end_date"),
        list_url_name="projects:project-list",
        all_text=ngettext_lazy("%(count)s project that matches, in the project list",
                               "All %(count)s projects that match, in the project list",
                               "count"),
    ),
    Kind(
        key="countries",
        heading=gettext_lazy("Countries"),
        queryset=lambda: Country.objects.select_related("region"),
        weighted_fields=(("A", ("name_{lang}",)), ("B", ("focus_{lang}",))),
        title_field="name",
        text_fields=("focus",),
        order=("pk",),
        details=lambda c: [c.region.name],
        few=True,
    ),
    Kind(
        key="programmes",
        heading=gettext_lazy("Programmes"),
        queryset=lambda: Programme.objects.public(),
        weighted_fields=(("A", ("name_{lang}",)), ("B", ("summary_{lang}",)),
                         ("C", ("body_{lang}",))),
        title_field="name",
        text_fields=("summary", "body"),
        order=("-start_date", "pk"),
        details=lambda p: [_years(p)],
        few=True,
    ),
    Kind(
        key="members",
        heading=gettext_lazy("Member organisations"),
        queryset=lambda: MemberOrganisation.objects.public(),
        weighted_fields=(("A", ("name_{lang}", "short_name")), ("B", ("description_{lang}",))),
        title_field="name",
        text_fields=("description",),
        order=("pk",),
        details=lambda m: [m.short_name, capfirst(m.get_kind_display())],
        few=True,
    ),
    Kind(
        key="networks",
        heading=gettext_lazy("Networks"),
        queryset=lambda: Network.objects.public(),
        weighted_fields=(("A", ("name_{lang}", "short_name")), ("B", ("description_{lang}",))),
        title_field="name",
        text_fields=("description",),
        order=("pk",),
        details=lambda n: [n.short_name, capfirst(n.get_scope_display())],
        few=True,
    ),
)


class HitRow:
    """A hit of a kind with many objects as its search reads it: the columns of
    many_columns() as attributes, the shown title as the kind's title_field, and the
    address of its page (`address`: slug -> address, slug_urls(kind.url_name)). Building
    a model instance for each of twenty hits (its fields, modeltranslation's descriptors,
    the init signals) cost a search page more than reading them."""

    def __init__(self, kind, values, address):
        self.__dict__.update(values)
        setattr(self, kind.title_field, self.search_label)
        self.url = address(self.slug)

    def get_absolute_url(self):
        return self.url


@dataclass
class Hit:
    """What the page shows of a hit, ready to be written out: the template's loop over
    twenty hits cost more than finding them when it called each hit's address and joined
    its details itself."""

    object: object
    url: str
    title: str  # safe HTML, matches marked
    snippet: str  # safe HTML, matches marked; may be empty
    details: str  # safe HTML: the short texts under the title, " · " between them

    @classmethod
    def of(cls, kind, obj, title, snippet):
        # Joined, then escaped: the separator needs no escaping, and one escape() of the
        # whole costs a fifth of format_html_join()'s escape of each part.
        details = escape(" · ".join(str(d) for d in kind.details(obj) if d))
        return cls(object=obj, url=obj.get_absolute_url(), title=title, snippet=snippet,
                   details=details)


@dataclass
class Section:
    key: str
    heading: str
    hits: list
    total: int | None = None  # every hit counted (projects); else None
    has_more: bool = False  # more hits than shown (when not counted)
    # The list of all the hits, when there are more than shown (Kind.list_url_name).
    all_url: str = ""
    all_text: str = ""


@dataclass
class Results:
    query: str
    sections: list = field(default_factory=list)

    @property
    def found(self):
        return any(section.hits for section in self.sections)


def search_languages():
    """On English pages both languages are searched: English content where it exists,
    and the Swedish that English pages fall back to."""
    return ("sv", "en") if get_language() == "en" else ("sv",)


def search(raw_query):
    """Search every kind for the visitor's query; None when there is nothing to search.

    A fixed number of queries whatever the data size. On PostgreSQL two: the projects'
    (the best 10 with their countries, and the count of all project hits), and one
    statement for all the kinds with few objects (Kind.few), whose objects come from the
    cache (search_objects()); each statement is compiled once per process and language
    (compiled_search(), compiled_few()). On SQLite one per kind, and one more to count the
    project hits."""
    query = clean_query(raw_query)
    if not query:
        return None
    languages = search_languages()
    if connection.vendor == "postgresql":
        sections = _search_postgresql(query, languages)
    else:
        sections = [_search_fallback(kind, query, languages) for kind in KINDS]
    return Results(query=query, sections=sections)


def _section(kind, query, rows, count=None):
    hits, extra = rows[: kind.limit], rows[kind.limit:]
    # The heading translated once, not each of the times the page shows it.
    section = Section(key=kind.key, heading=str(kind.heading), hits=hits,
                      total=count() if kind.counted else None, has_more=bool(extra))
    if kind.list_url_name and kind.counted and section.total > len(hits):
        section.all_url = fixed_url_with_query(kind.list_url_name, q=query)
        section.all_text = kind.all_text % {"count": section.total}
    return section


def _fetch_size(kind):
    # One row more than shown tells whether there are more, without counting them all.
    return kind.limit + (0 if kind.counted else 1)


def _display(name, languages):
    """SQL for what the page shows of a translated field: English with the Swedish
    fallback on English pages (as modeltranslation does), Swedish otherwise."""
    if "en" in languages:
        return Coalesce(NullIf(f"{name}_en", Value("")), f"{name}_sv",
                        output_field=TextField())
    return F(f"{name}_sv")


def _display_config(names, languages):
    """The text-search configuration of the displayed text: English where any of the
    fields has English, Swedish where everything falls back."""
    if "en" not in languages:
        return CONFIGS["sv"]
    has_english = reduce(operator.or_, (Q(**{f"{n}_en__gt": ""}) for n in names))
    return Case(When(has_english, then=Value(CONFIGS["en"])), default=Value(CONFIGS["sv"]))


def _snippet(names, tsquery, languages):
    """The headline of the displayed text of the fields `names`, one after the other, with
    up to two passages where the words are (or its start, where they are not)."""
    text = reduce(
        lambda a, b: Concat(a, Value("\n"), b, output_field=TextField()),
        (Coalesce(_display(n, languages), Value(""), output_field=TextField())
         for n in names),
    )
    return SearchHeadline(
        text, tsquery, config=_display_config(names, languages),
        start_sel=START, stop_sel=STOP, max_words=35, min_words=15, max_fragments=2,
        fragment_delimiter=" … ",
    )


def _sole_weight(kind, name):
    """The weight the translated field `name` has in the kind's document, if no other
    field has it; else None."""
    for weight, names in kind.weighted_fields:
        if f"{name}_{{lang}}" in names:
            return weight if len(names) == 1 else None
    return None


class WeightFiltered(Func):
    """ts_filter(): a weighted document's lexemes at positions of one weight (`weight`,
    A to D) only: the words of the field that has that weight."""

    function = "ts_filter"
    template = '%(function)s(%(expressions)s, %(weights)s::"char"[])'
    output_field = SearchVectorField()

    def __init__(self, document, weight):
        if weight not in ("A", "B", "C", "D"):
            raise ValueError(f"not a text-search weight: {weight!r}")
        super().__init__(document, weights=f"'{{{weight.lower()}}}'")


def _documents(queryset, document, query, languages):
    """The queryset with each language's search document (document(language)) as an
    alias, the condition that any of them matches the query, and the (alias, tsquery)
    pairs for ranking."""
    match, documents = Q(), []
    for language in languages:
        alias = f"search_document_{language}"
        tsquery = ParsedOnce(query, search_type="websearch", config=CONFIGS[language])
        # alias(), not annotate(): the document is matched and ranked, never sent back.
        queryset = queryset.alias(**{alias: document(language)})
        match |= Q(**{alias: tsquery})
        documents.append((alias, tsquery))
    return queryset, match, documents


def filter_projects(queryset, raw_query):
    """The project list's free-text filter: the site search's own matching of projects,
    so the list and the search never disagree about what a word finds."""
    query = clean_query(raw_query)
    if not query:
        return queryset
    languages = search_languages()
    if connection.vendor == "postgresql":
        queryset, match, _ = _documents(queryset, StoredDocument, query, languages)
        return queryset.filter(match)
    columns = [name.format(lang=language) for _weight, names in PROJECT_FIELDS
               for name in names for language in languages]
    for word in fallback_words(query):
        queryset = queryset.filter(
            reduce(operator.or_, (Q(**{f"{column}__icontains": word}) for column in columns)))
    return queryset


def postgresql_querysets(kind, query, languages):
    """The matching objects of a kind, ranked, with their headlines (the WHERE clause is
    the indexed `document @@ query`, as in filter_projects()); for a counted kind only
    the best _fetch_size(kind) of them, with search_total, the number of all."""
    queryset, match, documents = _documents(kind.queryset(), kind.document, query,
                                            languages)
    ranks = [SearchRank(F(alias), tsquery) for alias, tsquery in documents]
    rank = Greatest(*ranks) if len(ranks) > 1 else ranks[0]
    matching = queryset.filter(match)
    if kind.counted:
        # Thousands of projects may match. They are ranked by their ids and ranks alone
        # in a subquery, and only the best few are read whole and given headlines:
        # ranking (and counting) rows that carry every shown field costs PostgreSQL a
        # quarter more or worse. The count is a scan of the matching rows without ranking.
        best = (matching.annotate(search_rank=rank).order_by("-search_rank", *kind.order)
                .values("pk")[: _fetch_size(kind)])
        everyone = matching.order_by().annotate(
            search_total=Func(F("pk"), function="COUNT")).values("search_total")
        if kind.terms:
            one_word, best_by_terms, count_by_terms = ranked_by_terms(
                kind, query, languages, _fetch_size(kind))
            ids = ArrayField(BigIntegerField())
            matching = queryset.filter(IsAnyOf(
                F("pk"), Case(When(one_word, then=best_by_terms),
                              default=ArraySubquery(best), output_field=ids),
            )).annotate(search_total=Case(When(one_word, then=count_by_terms),
                                          default=Subquery(everyone),
                                          output_field=IntegerField()))
        else:
            matching = queryset.filter(pk__in=best).annotate(search_total=Subquery(everyone))
    if kind.links:
        matching = matching.annotate(**kind.links())
    if not kind.few:
        # The title as the page shows it (English with the Swedish fallback on English
        # pages), for HitRow.
        matching = matching.annotate(search_label=_display(kind.title_field, languages))
    tsqueries = [tsquery for _alias, tsquery in documents]
    either = reduce(operator.or_, tsqueries)
    snippet = _snippet(kind.text_fields, either, languages)
    first, *others = kind.text_fields
    weight = _sole_weight(kind, first)
    if others and weight:
        # Where the first text field (a project's summary) has the words, the snippet is
        # its headline alone: ts_headline() parses all the text it is given, so its cost
        # grows with the body's length, and the first field is short and says what the
        # object is. Whether it has them is read from the stored document, from the
        # positions its field's weight marks (ts_filter()), without parsing any text.
        in_first = Q()
        for alias, tsquery in documents:
            matching = matching.alias(**{f"{alias}_{first}": WeightFiltered(F(alias), weight)})
            in_first |= Q(**{f"{alias}_{first}": tsquery})
        snippet = Case(When(in_first, then=_snippet((first,), either, languages)),
                       default=snippet, output_field=TextField())
    ranked = matching.annotate(
        search_rank=rank,
        # The title's headline only tells which of its words matched (stemmed); they are
        # then marked in the real title, which ts_headline would strip of any markup.
        search_title=SearchHeadline(
            _display(kind.title_field, languages), either,
            config=_display_config((kind.title_field,), languages),
            start_sel=START, stop_sel=STOP, highlight_all=True,
        ),
        search_snippet=snippet,
    ).order_by("-search_rank", *kind.order)
    return ranked


def ranked_by_terms(kind, query, languages, limit):
    """A one-word search of the projects, from the terms table (PROJECT_TERMS_TABLE): the
    condition that the query is one word (or none) in each language, the array of the
    best `limit` project ids, and the count of all the projects it finds, as SQL
    expressions. PostgreSQL runs only the branch a CASE takes: postgresql_querysets()
    ranks the documents themselves when the query has more words or operators.

    The same projects in the same order as ranking the documents: a row's rank is
    ts_rank() of the project's document against the query of that one word, which is
    what ranking the document against a one-word query computes, and on English pages
    (both languages searched) a project's rank is the greater of its two, as
    Greatest() of the two ts_rank()s. Only public projects have rows; the order after
    the rank is the kind's (PROJECT_ORDER)."""
    if kind.order != PROJECT_ORDER:
        raise RuntimeError("the terms table orders by rank, start date and pk only")
    table = connection.ops.quote_name(PROJECT_TERMS_TABLE)
    one_word, one_word_params, match, match_params = [], [], [], []
    for language in languages:
        # Each a subquery without outer references, run once per statement.
        parsed, parsed_params = "websearch_to_tsquery(%s::regconfig, %s)", [
            CONFIGS[language], query]
        one_word.append(f"(SELECT numnode({parsed}) <= 1)")
        one_word_params += parsed_params
        # A query of one word is that word, quoted as a tsvector's lexeme is.
        match.append(f"(t.language = %s AND t.lexeme = "
                     f"(SELECT (tsvector_to_array({parsed}::text::tsvector))[1]))")
        match_params += [language, *parsed_params]
    where = " OR ".join(match)
    if len(languages) == 1:
        best = (f"ARRAY(SELECT t.project_id FROM {table} t WHERE {where} "
                f"ORDER BY t.rank DESC, t.start_date DESC, t.project_id LIMIT {int(limit)})")
        # One row of the counts table rather than counting the word's index entries
        # (thousands for a common word).
        counts = connection.ops.quote_name(PROJECT_TERM_COUNTS_TABLE)
        count = f"(SELECT COALESCE(MAX(t.projects), 0) FROM {counts} t WHERE {where})"
    else:
        # A project may have the word in both languages: counted once.
        best = (f"ARRAY(SELECT t.project_id FROM {table} t WHERE {where} "
                f"GROUP BY t.project_id ORDER BY MAX(t.rank) DESC, MAX(t.start_date) DESC, "
                f"t.project_id LIMIT {int(limit)})")
        count = f"(SELECT COUNT(DISTINCT t.project_id) FROM {table} t WHERE {where})"
    return (RawSQL(" AND ".join(one_word), one_word_params, output_field=BooleanField()),
            RawSQL(best, match_params, output_field=ArrayField(BigIntegerField())),
            RawSQL(count, match_params, output_field=IntegerField()))


# What stands for the visitor's words while a kind's search is compiled: a control
# character, which clean_query() removes from every real query.
_WORDS = "\x00"
# {key: Compiled or sql}, the keys as in compiled_search() and compiled_few()
_compiled = {}
# The columns a kind with few objects gives each hit (compiled_few()).
_FEW_COLUMNS = ("pk", "search_title", "search_snippet")
_PLACEHOLDER = re.compile(r"%%|%s")


def many_columns(kind):
    """What a kind with many objects reads of each hit (compiled_search())."""
    return ("pk", "slug", *kind.shown, *(kind.links() if kind.links else ()),
            "search_label", "search_title", "search_snippet",
            *(("search_total",) if kind.counted else ()))


class Compiled(NamedTuple):
    """A kind's compiled search (compiled_search())."""

    sql: str
    columns: tuple  # the names of its columns, in the order its rows give them


def _names(compiler):
    """The names of a compiled query's columns in the order its SQL gives them (Django
    puts the model's fields first, whatever the order values_list() named them in)."""
    return tuple(alias or ("pk" if expression.target.primary_key else expression.target.attname)
                 for expression, _sql, alias in compiler.select)


def _words_only(sql, params):
    """Compiled SQL with each parameter but the visitor's words written in as a literal,
    and each place the words go as %(words)s: a statement run with one parameter.

    Every other parameter (configurations, highlight options, fallbacks, the visibility
    left out) is fixed when the search is compiled. Sent as parameters they cost psycopg
    more than the statement's execution on the small tables: past 50 parameters or 4 kB
    it parses the SQL for placeholders again on every run instead of once."""
    params = iter(params)

    def bind(match):
        if match.group() == "%%":
            return "%%"
        param = next(params)
        if param == _WORDS:
            return "%(words)s"
        return Literal(param).as_string().replace("%", "%%")

    bound = _PLACEHOLDER.sub(bind, sql)
    end = object()
    if next(params, end) is not end:
        raise RuntimeError("the compiled search has more parameters than placeholders")
    if "%(words)s" not in bound:
        raise RuntimeError("the search does not take the words as a parameter")
    return bound


def compiled_search(kind, languages, alias):
    """A kind's ranked search as SQL, compiled once per process, language and database.

    Compiling it (the rank, two headlines, the fallback of English text to Swedish) costs
    more than a millisecond of Python per kind, more than PostgreSQL takes to run it on
    the small tables. Only the visitor's words change from one search to the next: the
    SQL is compiled with a placeholder for them, %(words)s (_words_only()), and each
    search gives them as its one parameter. Everything else the query holds is fixed.

    The rows are many_columns(kind), or, for a kind with few objects (Kind.few), the
    _FEW_COLUMNS; Compiled.columns names them in the order the rows give them."""
    key = (kind.key, get_language(), alias)
    compiled = _compiled.get(key)
    if compiled is None:
        ranked = postgresql_querysets(kind, _WORDS, languages)
        ranked = ranked.values_list(*(_FEW_COLUMNS if kind.few else many_columns(kind)))
        compiler = ranked[: _fetch_size(kind)].query.get_compiler(using=alias)
        sql, params = compiler.as_sql()
        if _WORDS in sql:
            raise RuntimeError(f"the {kind.key} search does not take the words as a parameter")
        compiled = _compiled[key] = Compiled(_words_only(sql, params), _names(compiler))
    return compiled


def compiled_few(kinds, languages, alias):
    """The searches of the kinds with few objects as one statement: each kind's
    compiled_search() in turn (UNION ALL), its rows numbered in the order its own ORDER BY
    gave them. A row is (the kind's place in `kinds`, its number, *_FEW_COLUMNS). One
    statement instead of one per kind: each round trip to the database costs the worker
    more than PostgreSQL spends ranking these tables."""
    key = ("few", tuple(kind.key for kind in kinds), get_language(), alias)
    compiled = _compiled.get(key)
    if compiled is None:
        quote = connections[alias].ops.quote_name
        columns = ", ".join(f"k.{quote(name)}" for name in _FEW_COLUMNS)
        compiled = _compiled[key] = " UNION ALL ".join(
            f"SELECT {place}, row_number() OVER (), {columns} "
            f"FROM ({compiled_search(kind, languages, alias).sql}) k"
            for place, kind in enumerate(kinds)
        ) + " ORDER BY 1, 2"
    return compiled


def many_rows(kind, query, languages):
    """[(HitRow, marked title, snippet)] of the best hits of a kind with many objects,
    and the count of all its hits (for a counted kind; else None)."""
    alias = router.db_for_read(kind.model)
    compiled = compiled_search(kind, languages, alias)
    address = slug_urls(kind.url_name)
    with connections[alias].cursor() as cursor:
        cursor.execute(compiled.sql, {"words": query})
        found = [HitRow(kind, zip(compiled.columns, values), address)
                 for values in cursor.fetchall()]
    if kind.prepare:
        kind.prepare(found)
    total = (found[0].search_total if found else 0) if kind.counted else None
    return [(obj, obj.search_title, obj.search_snippet) for obj in found], total


def few_rows(kinds, query, languages):
    """{kind key: [(object, marked title, snippet)]} of the kinds with few objects."""
    rows = {kind.key: [] for kind in kinds}
    by_alias = {}
    for kind in kinds:
        by_alias.setdefault(router.db_for_read(kind.model), []).append(kind)
    for alias, together in by_alias.items():
        sql = compiled_few(together, languages, alias)
        with connections[alias].cursor() as cursor:
            cursor.execute(sql, {"words": query})
            found = cursor.fetchall()
        objects = [search_objects(kind) for kind in together]
        for place, _number, pk, title, snippet in found:
            # An object saved since this generation's objects were read waits for the next.
            obj = objects[place].get(pk)
            if obj is not None:
                rows[together[place].key].append((obj, title, snippet))
    return rows


def _set_country_names(projects):
    names = dict(Country.objects.values_list("pk", "name"))
    for project in projects:
        project.country_names = sorted(names[pk] for pk in project.search_country_ids)


def search_objects(kind):
    """{pk: object} of a kind with few objects (Kind.few), as a hit shows them, for the
    current content generation."""
    return {obj.pk: obj for obj in kind.queryset()}


def _search_postgresql(query, languages):
    few = few_rows([kind for kind in KINDS if kind.few], query, languages)
    sections = []
    for kind in KINDS:
        rows, total = (few[kind.key], None) if kind.few else many_rows(kind, query, languages)
        hits = [
            Hit.of(kind, obj,
                   title=highlight(getattr(obj, kind.title_field),
                                   _MARKED.findall(title or ""), whole_words=True),
                   snippet=mark_up(snippet or ""))
            for obj, title, snippet in rows
        ]
        sections.append(_section(kind, query, hits, count=lambda total=total: total))
    return sections


def _search_fallback(kind, query, languages):
    """Every word must appear in one of the fields (case-insensitive substring, as far as
    the database folds case); a hit in the title weighs more than one in the text."""
    words = fallback_words(query)
    if not words:
        return Section(key=kind.key, heading=str(kind.heading), hits=[],
                       total=0 if kind.counted else None)
    # Per word, the best place it occurs: a title hit outweighs summary and body hits.
    scores = {"A": 4, "B": 2, "C": 1}
    by_weight = [
        (weight, [name.format(lang=language) for name in names for language in languages])
        for weight, names in kind.weighted_fields
    ]

    def contains(columns, word):
        return reduce(operator.or_,
                      (Q(**{f"{c}__icontains": word}) for c in dict.fromkeys(columns)))

    match = Q()
    rank = []
    for word in words:
        match &= contains([c for _w, columns in by_weight for c in columns], word)
        rank.append(Case(
            *(When(contains(columns, word), then=Value(scores[weight]))
              for weight, columns in by_weight),
            default=Value(0), output_field=IntegerField(),
        ))
    # Every field read: the excerpt is made here from the text fields.
    matching = kind.queryset().defer(None).filter(match)
    rows = list(matching.annotate(search_rank=reduce(operator.add, rank))
                .order_by("-search_rank", *kind.order)[: _fetch_size(kind)])
    hits = [
        Hit.of(kind, obj,
               title=highlight(getattr(obj, kind.title_field), words),
               snippet=excerpt("\n".join(getattr(obj, n) or "" for n in kind.text_fields),
                               words))
        for obj in rows
    ]
    return _section(kind, query, hits, count=matching.count)
