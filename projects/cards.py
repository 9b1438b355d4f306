"""Project cards (includes/project_card.html), as the list, home, region, country,
programme and member pages show them.

The same project's card appears on many pages, and it changes only when content does: it
is rendered once per content generation and language in each process
(palmecentret/site_data.py). Which projects a page shows is read from the database on
every request; a card's own fields and countries (ProjectQuerySet.for_cards) only for the
cards this process has not rendered yet, all of them in the same two queries.
"""

from functools import lru_cache

from django.db import connections, router
from django.template.loader import render_to_string

from palmecentret.site_data import fragments

from .aggregates import project_index
from .models import Project


def project_cards(pks):
    """The cards of the projects with these pks, in the pks' order, for pks read from the
    public projects a moment ago; one unpublished since is left out."""

    def render(missing):
        found = Project.objects.public().for_cards().in_bulk([pk for _card, pk in missing])
        return {("project-card", pk): render_to_string("includes/project_card.html",
                                                       {"project": found[pk]})
                for _card, pk in missing if pk in found}

    return fragments([("project-card", pk) for pk in pks], render)


def cards_by_pk(pks):
    """The cards of those of these projects that are public now, in the pks' order: for
    pks from the project index, which the database confirms."""
    public = public_among(pks)
    return project_cards([pk for pk in pks if pk in public])


def public_among(pks):
    """The set of those of these pks whose projects are public now. The busiest pages ask
    it on every request; the statement is compiled by the ORM once per process (the
    condition ProjectQuerySet.public() adds, then "and the pk is one of these"), since
    compiling it took longer than the database takes to answer it."""
    if not pks:
        return set()
    using = router.db_for_read(Project)
    public, params = _public_pks_sql(using)
    with connections[using].cursor() as cursor:
        cursor.execute(f"{public} IN ({', '.join(['%s'] * len(pks))})", (*params, *pks))
        return {pk for (pk,) in cursor.fetchall()}


@lru_cache
def _public_pks_sql(using):
    """The SQL of the public projects' pks (its WHERE clause last) followed by "AND
    <pk column>", and its parameters."""
    query = Project.objects.public().order_by().values_list("pk").query
    sql, params = query.get_compiler(using).as_sql()
    quote = connections[using].ops.quote_name
    return f"{sql} AND {quote(Project._meta.db_table)}.{quote(Project._meta.pk.column)}", params


def newest_cards(mask, count):
    """The cards of the first `count` public projects of a selection (a bit set of the
    project index: a member organisation's, say) in the project list's default order,
    newest first: the same projects, in the same order, as the first page of the list
    filtered that way, which the page that shows them links to."""
    return cards_by_pk(project_index().page(mask, 0, count))


def latest_cards(mask, count):
    """The cards of the `count` projects of a selection (a bit set of the project index:
    a region's, or all) published last, newest first."""
    return cards_by_pk(project_index().latest(mask, count))
