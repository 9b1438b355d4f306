"""Counts over the public projects that many pages show (per region, per filter value),
computed once per content generation and kept in the cache.

The project list shows, beside each filter value, how many projects the visitor would get
by choosing it; the home, about and region pages show how many projects each region has.
Counted in SQL, that is a grouped count over thousands of projects per dimension and per
request. Here the public projects are instead read once into a ProjectIndex: for every
filter value a bit set (a Python int, bit i = the i-th public project) of the projects it
selects. Any combination of filters is then an AND of a few bit sets, and a count is
int.bit_count(): the whole facet table of a list page costs well under a millisecond
whatever the filters, and no query.

The index only changes when staff change content: it is kept per content generation
(palmecentret/site_data.py), so a change makes the next request rebuild it (a few queries
over the public projects, some 50 ms at 10,000 projects).

Counts come from here, and the small reference tables pages name (countries, themes,
programmes, funders, member organisations, networks, partners: reference_objects()). The
bits are in the list's default order (newest first), so the index also tells which
projects a page of the list shows in that order or its reverse (ProjectIndex.page()), and
which were published last (latest()); the database confirms they are public
(projects/cards.py), and what a project links to is always read from it, so what a
visitor can open is never stale.
"""

from collections import defaultdict
from functools import cached_property

from django.db import DEFAULT_DB_ALIAS, connections
from django.db.models import Count

from palmecentret.site_data import generation_cached

from .models import Country, Funder, Partner, Programme, Project, Region, Theme, link_table


def _published_key(row):
    """Orders ProjectIndex rows (pk, ..., published_at) by when the project was published,
    then by pk; one without the date (never stamped) below all others, so last among the
    latest."""
    pk, published = row[0], row[-1]
    return (1, published, pk) if published else (0, pk)


def _bits(positions, size):
    """A bit set (int) with the given bit positions set."""
    buffer = bytearray((size + 7) // 8)
    for position in positions:
        buffer[position >> 3] |= 1 << (position & 7)
    return int.from_bytes(buffer, "little")


class ProjectIndex:
    """The public projects as bit sets per filter value (see the module's docstring).

    masks[dimension][key] for the dimensions region, country, theme, member, funder and
    programme (keyed by pk) and status (keyed by value); year_mask(year) for the projects
    running at some time in a year; ids[i] is the pk of bit i. Bit 0 is the newest
    project, in the project list's "newest" order (ORDER)."""

    ORDER = ("-start_date", "-pk")

    def __init__(self):
        public = Project.objects.public()
        rows = list(public.order_by(*self.ORDER).values_list(
            "pk", "status", "funder_id", "programme_id", "start_date", "end_date",
            "published_at"))
        self.ids = [row[0] for row in rows]
        self.size = size = len(rows)
        self.all = (1 << size) - 1
        position = {pk: i for i, pk in enumerate(self.ids)}
        # The positions, the project published last first (latest()).
        self._by_published = sorted(range(size), key=lambda i: _published_key(rows[i]),
                                    reverse=True)

        found = {name: defaultdict(list) for name in
                 ("status", "funder", "programme", "country", "region", "theme", "member")}
        starts, ends = defaultdict(list), defaultdict(list)
        for i, (_pk, status, funder, programme, start, end, _published) in enumerate(rows):
            found["status"][status].append(i)
            if funder is not None:
                found["funder"][funder].append(i)
            if programme is not None:
                found["programme"][programme].append(i)
            starts[start.year].append(i)
            if end is not None:
                ends[end.year].append(i)

        region_of = dict(Country.objects.values_list("pk", "region_id"))
        links = [
            ("country", Project.countries.through, "country_id"),
            ("theme", Project.themes.through, "theme_id"),
            ("member", Project.member_organisations.through, "memberorganisation_id"),
        ]
        for name, through, column in links:
            in_regions = defaultdict(set)
            for project_id, value in through.objects.filter(
                    project__in=public).values_list("project_id", column):
                i = position[project_id]
                found[name][value].append(i)
                if name == "country":
                    # A project in two countries of a region counts once for it.
                    in_regions[region_of[value]].add(i)
            for region, positions in in_regions.items():
                found["region"][region] = positions
        self.masks = {name: {key: _bits(positions, size) for key, positions in by_key.items()}
                      for name, by_key in found.items()}

        # Years: a project runs in year Y if it started in or before Y and has no end or
        # ended in or after Y (projects.filters.active_in_year). Cumulative bit sets of
        # "started by Y" and "ended before Y" give any year with one AND.
        if rows:
            self.first_year = min(starts)
            self.last_year = max(max(starts), max(ends, default=0))
        else:
            self.first_year = self.last_year = None
        self._started_by, self._ended_before = {}, {}
        started = ended = 0
        for year in range(self.first_year or 0, (self.last_year or -1) + 2):
            self._ended_before[year] = ended
            started |= _bits(starts.get(year, ()), size)
            ended |= _bits(ends.get(year, ()), size)
            self._started_by[year] = started

        # The regions' other figures, for the same pages.
        self.country_counts = dict(
            Country.objects.order_by().values("region").annotate(n=Count("pk"))
            .values_list("region", "n"))
        self.programme_counts = dict(
            Programme.objects.public().order_by().values("region").annotate(n=Count("pk"))
            .values_list("region", "n"))

    def years(self):
        """Every year from the last one any public project runs in down to the first."""
        if self.first_year is None:
            return []
        return list(range(self.last_year, self.first_year - 1, -1))

    def year_mask(self, year):
        if self.first_year is None or year < self.first_year:
            return 0
        year = min(year, self.last_year + 1)
        return self._started_by[min(year, self.last_year)] & ~self._ended_before[year]

    @cached_property
    def _position(self):
        """{pk: bit}, built once per index in each process (not stored with it)."""
        return {pk: i for i, pk in enumerate(self.ids)}

    def mask_of_ids(self, pks):
        position = self._position
        return _bits((position[pk] for pk in pks if pk in position), self.size)

    def page(self, mask, start, stop, reverse=False):
        """The pks of the projects start..stop-1 of a selection (a bit set), in ORDER, or
        in its reverse: as the SQL ordered by ORDER and sliced [start:stop] would give
        them, at the cost of a scan over the bits in C."""
        bits = format(mask, f"0{self.size}b")  # the last position first
        if not reverse:
            bits = bits[::-1]
        found, at = [], -1
        for _ in range(stop):
            at = bits.find("1", at + 1)
            if at < 0:
                break
            found.append(at)
        if reverse:
            return [self.ids[self.size - 1 - at] for at in found[start:]]
        return [self.ids[at] for at in found[start:]]

    def latest(self, mask, count):
        """The pks of the `count` projects of a selection (a bit set) published last: the
        home and region pages' latest projects, newest first. Scans the projects in that
        order until it has found them (a few dozen steps for a region's)."""
        bits = format(mask, f"0{self.size}b")  # the last position first
        last, found = self.size - 1, []
        for at in self._by_published:
            if len(found) == count:
                break
            if bits[last - at] == "1":
                found.append(self.ids[at])
        return found

    def count(self, dimension, key):
        return self.masks[dimension].get(key, 0).bit_count()

    def region_figures(self, region_pk):
        """(countries, published programmes, public projects, ongoing public projects)."""
        in_region = self.masks["region"].get(region_pk, 0)
        ongoing = self.masks["status"].get(Project.Status.ONGOING, 0)
        return (self.country_counts.get(region_pk, 0),
                self.programme_counts.get(region_pk, 0),
                in_region.bit_count(), (in_region & ongoing).bit_count())


def project_index():
    return generation_cached("project-index", ProjectIndex)


def regions_with_counts(queryset=None):
    """The regions (queryset, default all) with country_count, programme_count,
    project_count and ongoing_count set, as Region.objects.with_counts() annotates them,
    from the project index instead of four subqueries per region."""
    if queryset is None:
        # The same few rows on the home, about and region pages: read and counted once
        # per generation (their names follow the language when read, so one list serves
        # both).
        return generation_cached(
            "regions-with-counts", lambda: regions_with_counts(Region.objects.all()))
    index = project_index()
    regions = list(queryset)
    for region in regions:
        (region.country_count, region.programme_count, region.project_count,
         region.ongoing_count) = index.region_figures(region.pk)
    return regions


def _facet_options():
    """[(key, slug or value, name)] per filter dimension in the current language, in the
    order the project list's form shows them."""

    def named(objects):
        return [(obj.pk, obj.slug, obj.name) for obj in objects]

    references = reference_objects()
    return {
        "region": named(Region.objects.only("slug", "name")),
        "country": named(references["country"].values()),
        "theme": named(references["theme"].values()),
        "member": named(m for m in references["member"].values() if m.published),
        "funder": [(funder.pk, str(funder.pk), funder.name)
                   for funder in references["funder"].values()],
    }


def facet_options():
    return generation_cached("facet-options", _facet_options, per_language=True)


# A project's links to the small tables its page names: (context name, the through
# table's column, the reference_objects() key).
PROJECT_RELATIONS = (
    ("countries", Project.countries.through, "country_id", "country"),
    ("themes", Project.themes.through, "theme_id", "theme"),
    ("member_organisations", Project.member_organisations.through,
     "memberorganisation_id", "member"),
    ("partners", Project.partners.through, "partner_id", "partner"),
)


def _reference_objects():
    """{key: {pk: object}} of the few countries, programmes, member organisations and
    networks (published or not: a project page names an unpublished programme or member
    without a link), themes, funders and local partners (with their country), each in the
    order the site lists it in the current language."""
    from members.models import MemberOrganisation, Network

    return {
        "country": {c.pk: c for c in Country.objects.order_by("name")},
        "programme": {p.pk: p for p in Programme.objects.all()},
        "funder": {f.pk: f for f in Funder.objects.all()},
        "theme": {t.pk: t for t in Theme.objects.all()},
        "member": {m.pk: m for m in MemberOrganisation.objects.all()},
        "network": {n.pk: n for n in Network.objects.all()},
        "partner": {p.pk: p for p in Partner.objects.select_related("country")},
    }


def reference_objects():
    return generation_cached("reference-objects", _reference_objects, per_language=True)


def project_relations(project):
    """{"countries": [...], "themes": [...], "member_organisations": [...],
    "partners": [...]} of one project, each list in the site's order.

    Which objects the project links to is read from the database, in one query over the
    four link tables; the objects themselves (a few dozen rows that only staff change)
    come from reference_objects(). Four prefetches would read the same, in four queries
    that each build model instances anew. The query is written out from the link
    tables' names rather than composed with the ORM: compiling a union of four
    querysets cost more than a millisecond per page, several times the query itself."""
    connection = connections[project._state.db or DEFAULT_DB_ALIAS]
    selects = []
    for number, (_name, through, column, _key) in enumerate(PROJECT_RELATIONS):
        table, of_project, target = link_table(connection, through, column)
        selects.append(f"SELECT {number}, {target} FROM {table} WHERE {of_project} = %s")
    sql = " UNION ALL ".join(selects)
    linked = [set() for _relation in PROJECT_RELATIONS]
    with connection.cursor() as cursor:
        cursor.execute(sql, [project.pk] * len(PROJECT_RELATIONS))
        for number, pk in cursor.fetchall():
            linked[number].add(pk)
    references = reference_objects()
    return {
        name: [obj for pk, obj in references[key].items() if pk in linked[number]]
        for number, (name, _through, _column, key) in enumerate(PROJECT_RELATIONS)
    }
