"""One-word searches of the projects read the terms table (PostgreSQL only): the same hits,
in the same order and with the same count as ranking the documents, kept in step with every
change to the projects by triggers."""

import dataclasses
import datetime
import itertools

import pytest
from django.db import connection
from django.utils import translation

from palmecentret import search as site_search
from palmecentret.search import KINDS, PROJECT_TERM_COUNTS_TABLE, PROJECT_TERMS_TABLE
from projects.models import Project
from tests.factories import CountryFactory, ProjectFactory

pytestmark = [pytest.mark.django_db, pytest.mark.postgres]

PROJECTS = next(kind for kind in KINDS if kind.key == "projects")


def found(query, languages, kind=PROJECTS):
    """(pks of the best hits in order, count of all) as the search page gets them."""
    with translation.override("en" if "en" in languages else "sv"):
        rows, total = site_search.many_rows(kind, query, languages)
    return [obj.pk for obj, _title, _snippet in rows], total


def found_by_documents(query, languages, monkeypatch):
    """The same, ranking the stored documents themselves (the search before the terms
    table, and still its way for queries of several words)."""
    monkeypatch.setattr(site_search, "_compiled", {})
    try:
        return found(query, languages, dataclasses.replace(PROJECTS, terms=False))
    finally:
        monkeypatch.setattr(site_search, "_compiled", {})


def terms_of(project):
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT language, lexeme FROM {PROJECT_TERMS_TABLE} "
                       "WHERE project_id = %s", [project.pk])
        return set(cursor.fetchall())


def projects_with_terms():
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT DISTINCT project_id FROM {PROJECT_TERMS_TABLE}")
        return {pk for (pk,) in cursor.fetchall()}


def assert_counts_agree():
    """The counts table holds, for every language and lexeme, the number of projects the
    terms table has it for (0 for one it no longer has)."""
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT language, lexeme, COALESCE(t.projects, 0), COALESCE(c.projects, 0) "
            f"FROM (SELECT language, lexeme, COUNT(*) AS projects FROM {PROJECT_TERMS_TABLE} "
            f"      GROUP BY language, lexeme) t "
            f"FULL JOIN {PROJECT_TERM_COUNTS_TABLE} c USING (language, lexeme) "
            f"WHERE COALESCE(t.projects, 0) <> COALESCE(c.projects, 0)")
        assert cursor.fetchall() == []


@pytest.fixture
def many():
    """Projects where the words sit in different fields, as often as not more than once,
    in one language or both (in other fields, so with other ranks), more of them than a
    search shows, with equal ranks told apart by start date and pk; and some that must
    never be found."""
    country = CountryFactory()
    places = [("title", "Fred"), ("summary", "fred och fred"), ("body", "fred"),
              ("title", "Demokrati och fred"), ("body", "demokrati, fred, demokrati"),
              ("summary", "Fred"), ("body", "Fred och demokrati"),
              ("summary", "Kvinnors rättigheter"), ("body", "o'neil c:\\väg 2024")]
    dates = [datetime.date(2019, 5, 1), datetime.date(2021, 1, 1), datetime.date(2021, 1, 1),
             datetime.date(2022, 3, 1)]
    projects = []
    for n, ((field, text), start) in enumerate(itertools.product(places, dates)):
        projects.append(ProjectFactory(
            countries=[country], start_date=start, end_date=None,
            **{f"{field}_sv": f"{text} {n}"},
            body_en="Fred" if n % 2 else "",
            summary_en="peace and democracy" if n % 3 else "Summary.",
        ))
    hidden = [ProjectFactory(countries=[country], title_sv="Fred i utkast", published=False),
              ProjectFactory(countries=[country], title_sv="Fred internt",
                             visibility=Project.Visibility.INTERNAL)]
    return {"projects": projects, "hidden": hidden}


QUERIES = ["fred", "Fred", "freden", "demokrati", "rättigheterna", "peace", "democracy",
           "o'neil", "c:\\väg", "2024", '"fred"', "och", "finnsinte",
           # more than one word, or operators: ranked by the documents either way
           "fred demokrati", "fred OR demokrati", "fred -demokrati", '"demokrati och fred"']


@pytest.mark.parametrize("languages", [("sv",), ("sv", "en")])
@pytest.mark.parametrize("query", QUERIES)
def test_the_same_hits_order_and_count_as_ranking_the_documents(many, monkeypatch, query,
                                                                 languages):
    hits, total = found(query, languages)
    assert (hits, total) == found_by_documents(query, languages, monkeypatch)
    hidden = {project.pk for project in many["hidden"]}
    assert not hidden & set(hits)


def test_a_one_word_search_reads_the_terms_table(many):
    assert found("fred", ("sv",))[1] == 28
    assert found("fred demokrati", ("sv",))[1] == 12
    with connection.cursor() as cursor:
        cursor.execute(f"DELETE FROM {PROJECT_TERMS_TABLE}")
    # One word: nothing without the table. Two: the documents, as before.
    assert found("fred", ("sv",)) == ([], 0)
    assert found("fred", ("sv", "en")) == ([], 0)
    assert found("fred demokrati", ("sv",))[1] == 12


def test_a_one_word_search_counts_from_the_counts_table(many, monkeypatch):
    assert_counts_agree()
    assert found("fred", ("sv",))[1] == 28
    with connection.cursor() as cursor:
        cursor.execute(f"UPDATE {PROJECT_TERM_COUNTS_TABLE} SET projects = 999 "
                       "WHERE language = 'sv' AND lexeme = 'fred'")
    assert found("fred", ("sv",))[1] == 999
    # On English pages a project with the word in both languages counts once: counted in
    # the terms table.
    both = found("fred", ("sv", "en"))[1]
    assert both == found_by_documents("fred", ("sv", "en"), monkeypatch)[1] == 32


def test_the_table_holds_exactly_the_public_projects(many):
    assert projects_with_terms() == set(Project.objects.public().values_list("pk", flat=True))
    assert_counts_agree()


def test_every_change_to_a_project_reaches_its_terms():
    project = ProjectFactory(title_sv="Solidaritet", title_en="", summary_sv="", summary_en="")
    assert {language for language, _lexeme in terms_of(project)} == {"sv"}
    assert found("solidaritet", ("sv",)) == ([project.pk], 1)

    project.title_sv, project.title_en = "Fackföreningar", "Trade unions"
    project.save()
    assert found("solidaritet", ("sv",)) == ([], 0)
    assert found("fackföreningar", ("sv",)) == ([project.pk], 1)
    assert found("unions", ("sv", "en")) == ([project.pk], 1)

    project.published = False
    project.save()
    assert terms_of(project) == set()
    project.published = True
    project.save()
    assert found("fackföreningar", ("sv",)) == ([project.pk], 1)

    # Bulk changes bypass save() and its signals, not the triggers.
    Project.objects.filter(pk=project.pk).update(visibility=Project.Visibility.INTERNAL)
    assert terms_of(project) == set()
    Project.objects.filter(pk=project.pk).update(visibility=Project.Visibility.HIDE_PARTNERS)
    assert found("fackföreningar", ("sv",)) == ([project.pk], 1)

    # The start date breaks ties between equal ranks: kept with the terms.
    twin = ProjectFactory(title_sv="Fackföreningar", title_en="", summary_sv="",
                          summary_en="", start_date=datetime.date(2010, 1, 1))
    assert found("fackföreningar", ("sv",))[0] == [project.pk, twin.pk]
    Project.objects.filter(pk=twin.pk).update(start_date=datetime.date(2023, 1, 1))
    assert found("fackföreningar", ("sv",))[0] == [twin.pk, project.pk]

    assert_counts_agree()

    twin.delete()
    assert terms_of(twin) == set()
    assert found("fackföreningar", ("sv",)) == ([project.pk], 1)
    assert_counts_agree()


def test_emptying_the_projects_table_empties_the_terms(many):
    # As Django's flush does between transactional tests: TRUNCATE fires no row triggers.
    with connection.cursor() as cursor:
        # (The checks of the foreign keys this test's inserts deferred, first.)
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
        cursor.execute("TRUNCATE projects_project CASCADE")
    assert projects_with_terms() == set()
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT COUNT(*) FROM {PROJECT_TERM_COUNTS_TABLE}")
        assert cursor.fetchone() == (0,)
