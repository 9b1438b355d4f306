"""The site search: projects, stories, countries, programmes, members, networks and
seminars, ranked and marked."""

import operator
import re
from dataclasses import dataclass, field
from functools import reduce

from django.contrib.postgres.expressions import ArraySubquery
from django.contrib.postgres.search import (
    SearchHeadline, SearchRank, SearchVector, SearchVectorExact,
)
from django.db.models import (
    Case, Count, F, IntegerField, OuterRef, Prefetch, Q, TextField, Value, When, Window,
)
from django.db.models.functions import Coalesce, Concat, Greatest, NullIf
from django.urls import reverse
from django.utils import formats, timezone
from django.utils.html import escape
from django.utils.http import urlencode
from django.utils.safestring import mark_safe
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy, ngettext_lazy

from members.models import MemberOrganisation, Network
from newsletter.models import Seminar
from projects.models import Country, Programme, Project, year_span
from stories.models import Story

from common.markdown import plain_words
from common.search_documents import (
    CONFIGS,
    DOCUMENT_FIELDS,
    clean_query,
    contain_word,
    filter_matching,
    language_columns,
    linked_contain_word,
    on_postgresql,
    query_words,
    search_languages,
    search_queries,
    word_forms,
)

# Highlight markers. They are control characters, which clean_query() strips from every
# query and saving strips from every stored text (common/text.py), so neither a
# visitor nor content can forge them; mark_up() turns them into <mark> only after the
# text around them has been HTML-escaped.
START, STOP = "\x02", "\x03"


_MARKED = re.compile(f"{START}([^{START}{STOP}]*){STOP}")


_MARKERS = re.compile(f"[{START}{STOP}]")


def mark_up(text):
    """HTML-escape text that carries START/STOP markers, then turn each marked stretch
    into <mark>…</mark>. Unpaired markers are dropped."""
    escaped = _MARKED.sub(r"<mark>\1</mark>", escape(text))
    return mark_safe(_MARKERS.sub("", escaped))


def highlight(text, words, whole_words=False):
    """Mark, in plain `text`, every word that is one of `words` (whole_words) or contains
    one (case-insensitive): always the whole word, never "Kvinnor" of "Kvinnors"; escaped."""
    text = _MARKERS.sub("", text or "")
    words = sorted({w for w in words if w}, key=len, reverse=True)
    if not words:
        return mark_up(text)
    pattern = "|".join(re.escape(w) for w in words)
    pattern = (rf"(?<!\w)(?:{pattern})(?!\w)" if whole_words
               else rf"\w*(?:{pattern})\w*")
    return mark_up(re.sub(pattern, lambda m: f"{START}{m.group(0)}{STOP}", text,
                          flags=re.IGNORECASE))


def excerpt(text, words, size=35):
    """About `size` words of `text` around the first matching word, matches marked."""
    text = " ".join(_MARKERS.sub("", plain_words(text)).split())
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


def _years(obj):
    return year_span(obj.start_date, obj.end_date)


def _when(seminar):
    """When a seminar starts, as its list shows it (in the site's time zone)."""
    return formats.date_format(timezone.localtime(seminar.starts_at), "l j F Y, H:i")


def _published_on(story):
    """The story's date, as its page shows it."""
    return formats.date_format(story.published_on, "j F Y")


def _country_names(languages):
    """The names of a project's countries A-Z, as the page shows them, as an array in the
    hits' own query: a query less than a prefetch, and no Country objects to build."""
    return ArraySubquery(Country.objects.filter(projects=OuterRef("pk"))
                         .annotate(search_name=_display("name", languages))
                         .order_by("search_name").values("search_name"))


@dataclass(frozen=True)
class Kind:
    """One type of result: where to look, what a hit shows. What it is found by, and how
    much each field counts, is its model's SEARCH_FIELDS (common/search_documents.py)."""

    key: str
    heading: str
    model: type
    queryset: object  # a callable returning the public objects, with what a hit shows
    title_field: str  # shown as the hit's link text (modeltranslation's current language)
    text_fields: tuple  # the snippet is taken from these
    order: tuple  # tie-break after the rank
    details: object  # obj -> list of short texts shown under the title
    limit: int = 10
    counted: bool = False  # count every hit (one more query) instead of "more than N"
    # What a hit shows from other tables: on PostgreSQL annotations in the hits' own
    # query (languages -> {attribute: expression}), elsewhere prefetches to the same
    # attributes.
    related: object = None
    prefetch: tuple = ()
    # A few dozen objects (or a few hundred, stories, that most searches do not find):
    # asked first whether it has any hit at all (_kinds_with_hits()).
    few: bool = False
    # A counted kind with a list page whose words filter (?q=) finds what its search
    # finds: when there are more hits than shown, the section links to that list, with
    # all_text (a ngettext_lazy() of "%(count)s", the number of hits) as the link's text.
    list_url_name: str = ""
    all_text: object = None
    # A callable returning order expressions that come before the rank (upcoming
    # seminars before past ones).
    leading: object = None
    # The only fields of a hit read (its other fields are long texts), if any.
    fields: tuple = ()


KINDS = (
    Kind(
        key="projects",
        heading=gettext_lazy("Projects"),
        model=Project,
        # The best ten, as for every kind; all of them are a link away, in the project
        # list, where they can be paged through and narrowed by country or theme.
        queryset=lambda: Project.objects.public(),
        fields=("slug", "title", "status", "start_date", "end_date"),
        title_field="title",
        text_fields=("summary", "body"),
        order=("-start_date", "pk"),
        # Its countries A-Z: their names (PostgreSQL) or the countries, which str() names.
        details=lambda p: [", ".join(map(str, p.search_countries)),
                           capfirst(p.get_status_display()), _years(p)],
        counted=True,
        related=lambda languages: {"search_countries": _country_names(languages)},
        prefetch=(Prefetch("countries", queryset=Country.objects.only("name").order_by("name"),
                           to_attr="search_countries"),),
        list_url_name="projects:project-list",
        all_text=ngettext_lazy("%(count)s project that matches, in the project list",
                               "All %(count)s projects that match, in the project list",
                               "count"),
    ),
    Kind(
        key="stories",
        heading=gettext_lazy("Stories"),
        model=Story,
        queryset=lambda: Story.objects.public(),
        fields=("slug", "title", "published_on"),
        title_field="title",
        # The lead says what the story is about; the body where only it has the words.
        text_fields=("lead", "body"),
        order=("-published_on", "-pk"),
        details=lambda s: [_published_on(s)],
        # A few a week, so hundreds in some years: asking first whether any matches (in
        # the same statement as the small kinds) spares most searches a ranking query.
        few=True,
    ),
    Kind(
        key="countries",
        heading=gettext_lazy("Countries"),
        model=Country,
        queryset=lambda: Country.objects.select_related("region"),
        title_field="name",
        text_fields=("focus",),
        order=("pk",),
        details=lambda c: [c.region.name],
        few=True,
    ),
    Kind(
        key="programmes",
        heading=gettext_lazy("Programmes"),
        model=Programme,
        queryset=lambda: Programme.objects.public(),
        title_field="name",
        text_fields=("summary", "body"),
        order=("-start_date", "pk"),
        details=lambda p: [_years(p)],
        few=True,
    ),
    Kind(
        key="members",
        heading=gettext_lazy("Member organisations"),
        model=MemberOrganisation,
        queryset=lambda: MemberOrganisation.objects.public(),
        title_field="name",
        text_fields=("description",),
        order=("pk",),
        details=lambda m: [m.short_name, capfirst(m.get_kind_display())],
        few=True,
    ),
    Kind(
        key="networks",
        heading=gettext_lazy("Networks"),
        model=Network,
        queryset=lambda: Network.objects.public(),
        title_field="name",
        text_fields=("description",),
        order=("pk",),
        details=lambda n: [n.short_name, capfirst(n.get_scope_display())],
        few=True,
    ),
    Kind(
        key="seminars",
        heading=gettext_lazy("Seminars"),
        model=Seminar,
        queryset=lambda: Seminar.objects.public(),
        fields=("slug", "title", "starts_at", "ends_at", "place"),
        title_field="title",
        text_fields=("description",),
        # Upcoming ones first, each part by rank, then the latest first.
        leading=lambda: (Case(When(ends_at__gte=timezone.now(), then=Value(0)),
                              default=Value(1)).asc(),),
        order=("-starts_at", "pk"),
        details=lambda s: [_when(s), s.place],
        few=True,
    ),
)


@dataclass
class Hit:
    """What the page shows of a hit."""

    object: object
    url: str
    title: str  # safe HTML, matches marked
    snippet: str  # safe HTML, matches marked; may be empty
    details: list  # the short texts under the title

    @classmethod
    def of(cls, kind, obj, title, snippet):
        return cls(object=obj, url=obj.get_absolute_url(), title=title, snippet=snippet,
                   details=[str(d) for d in kind.details(obj) if d])


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


def search(raw_query):
    """Search every kind for the visitor's query; None when there is nothing to search.

    A number of queries that does not grow with the data: one to tell which of the kinds
    with few objects have any hit, one for the best project hits (with the count of all
    of them), one for the best hits of each other kind that has any (and on SQLite one for
    the project hits' countries)."""
    query = clean_query(raw_query)
    if not query:
        return None
    languages = search_languages()
    matching = {kind.key: filter_matching(kind.queryset(), query, languages) for kind in KINDS}
    found = _kinds_with_hits({kind.key: matching[kind.key] for kind in KINDS if kind.few})
    return Results(query=query, sections=[
        _section(kind, matching[kind.key], query, languages)
        if not kind.few or kind.key in found
        else Section(key=kind.key, heading=str(kind.heading), hits=[])
        for kind in KINDS])


def _kinds_with_hits(matching):
    """The keys of those of `matching` ({kind key: its matching objects}) that have any,
    in one statement. Most searches find no country, programme, member or network, and
    ranking and marking a kind's hits costs the page more than asking all of them this."""
    first, *others = [queryset.order_by().values_list(Value(key)).distinct()
                      for key, queryset in matching.items()]
    return {key for (key,) in first.union(*others, all=True)}


def _section(kind, matching, query, languages):
    rank = _ranked if on_postgresql(matching) else _fallback
    if kind.fields:
        matching = matching.only(*kind.fields)
    # The number of all the hits comes with the best ones: the database has found and
    # ranked them all anyway, and a second statement would find them again.
    total = {"search_total": Window(Count("pk"))} if kind.counted else {}
    ranked, marked = rank(kind, matching, query, languages, **total)
    found = list(ranked[: _fetch_size(kind)])
    hits = [Hit.of(kind, obj, *marked(obj)) for obj in found]
    shown = hits[: kind.limit]
    section = Section(key=kind.key, heading=str(kind.heading), hits=shown,
                      has_more=len(hits) > kind.limit,
                      total=(found[0].search_total if found else 0) if kind.counted else None)
    if kind.list_url_name and kind.counted and section.total > len(shown):
        section.all_url = f"{reverse(kind.list_url_name)}?{urlencode({'q': query})}"
        section.all_text = kind.all_text % {"count": section.total}
    return section


def _fetch_size(kind):
    # One row more than shown tells whether there are more, without counting them all.
    return kind.limit + (0 if kind.counted else 1)


def _ranked(kind, matching, query, languages, **extra):
    """The objects that match ranked (best first) and marked by PostgreSQL on the stored
    documents, with the `extra` annotations, and obj -> (its marked title, its snippet).
    One annotate() for all: each call copies the query and resolves it again."""
    queries = search_queries(query, languages)
    ranks = [SearchRank(F(DOCUMENT_FIELDS[language]), tsquery)
             for language, tsquery in queries.items()]
    either = reduce(operator.or_, queries.values())
    title = _display(kind.title_field, languages)
    # The title's headline only tells which of its words matched (stemmed); they are then
    # marked in the real title, which ts_headline would strip of any markup. Headlines
    # are made for the rows shown only: PostgreSQL computes them after the LIMIT.
    first, *others = kind.text_fields
    if others:
        # Where the first text field (a project's summary) has the words in any of the
        # languages, the snippet is its headline alone: ts_headline parses all the text it
        # is given, the first field is short and says what the object is, and the body is
        # then not read at all.
        in_first = reduce(operator.or_, (
            Q(SearchVectorExact(SearchVector(f"{first}_{language}", config=CONFIGS[language]),
                                tsquery))
            for language, tsquery in queries.items()))
        snippet = Case(When(in_first, then=_snippet((first,), either, languages)),
                       default=_snippet(kind.text_fields, either, languages),
                       output_field=TextField())
    else:
        snippet = _snippet(kind.text_fields, either, languages)
    ranked = matching.annotate(
        search_rank=Greatest(*ranks) if len(ranks) > 1 else ranks[0],
        search_title=SearchHeadline(title, either, config=_display_config((kind.title_field,),
                                                                          languages),
                                    start_sel=START, stop_sel=STOP, highlight_all=True),
        search_snippet=snippet,
        **(kind.related(languages) if kind.related else {}),
        **extra,
    ).order_by(*_leading(kind), "-search_rank", *kind.order)
    return ranked, lambda obj: (
        highlight(getattr(obj, kind.title_field), _MARKED.findall(obj.search_title or ""),
                  whole_words=True),
        mark_up(plain_words(obj.search_snippet)))


def _display(name, languages):
    """What the page shows of a translated field: English with the Swedish fallback on
    English pages (as modeltranslation does), Swedish otherwise."""
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
    text = reduce(lambda a, b: Concat(a, Value("\n"), b, output_field=TextField()),
                  (_display(name, languages) for name in names))
    return SearchHeadline(
        text, tsquery, config=_display_config(names, languages),
        start_sel=START, stop_sel=STOP, max_fragments=2, fragment_delimiter=" … ",
    )


def _leading(kind):
    return kind.leading() if kind.leading else ()


def _fallback(kind, matching, query, languages, **extra):
    """As _ranked(), where there is no full-text search (SQLite): a hit in the title
    weighs more than one in the text, which weighs more than one in a linked name."""
    words = query_words(query)
    model = kind.model
    # Per word, the best place it occurs: a title hit outweighs summary and body hits.
    scores = {"A": 8, "B": 4, "C": 2, "D": 1}
    places = [(weight, lambda word, names=names: contain_word(language_columns(names, languages), word))
              for weight, names in model.SEARCH_FIELDS]
    if model.SEARCH_RELATED:
        places.append((model.SEARCH_RELATED[0],
                       lambda word: linked_contain_word(model, word, languages)))
    rank = [
        Case(*(When(has(word), then=Value(scores[weight])) for weight, has in places),
             default=Value(0), output_field=IntegerField())
        for word in words
    ]
    # Every text field read: the excerpt is made here from them.
    ranked = (matching.defer(None).prefetch_related(*kind.prefetch)
              .annotate(search_rank=reduce(operator.add, rank, Value(0)), **extra)
              .order_by(*_leading(kind), "-search_rank", *kind.order))
    forms = [form for word in words for form in word_forms(word)]
    return ranked, lambda obj: (
        highlight(getattr(obj, kind.title_field), forms),
        excerpt("\n".join(getattr(obj, n) or "" for n in kind.text_fields), forms))
