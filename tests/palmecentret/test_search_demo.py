"""The site search on the demo content finds what visitors type: projects by their countries,
themes, members and funder, stemmed forms, English pages, seminars, renamed names."""

import datetime
import io
import re

import pytest
from django.core.management import call_command
from django.db import transaction
from django.db.models import Q
from django.utils import timezone, translation

from members.models import MemberOrganisation
from newsletter.models import Seminar
from projects.models import Country, Funder, Project, Region, Theme
from tests.factories import ProjectFactory, SeminarFactory
from tests.palmecentret.test_search import search

pytestmark = [pytest.mark.django_db, pytest.mark.postgres]


@pytest.fixture(scope="module")
def demo(django_db_setup, django_db_blocker):
    """The demo content (manage.py load_demo), loaded once for the module and rolled back
    after it; each test's own changes are rolled back after the test."""
    with django_db_blocker.unblock(), transaction.atomic():
        from django.db import connection

        if connection.vendor == "postgresql":
            call_command("load_demo", allow_production=True, stdout=io.StringIO())
        yield
        transaction.set_rollback(True)


def section(html, key):
    start = html.find(f'aria-labelledby="results-{key}"')
    return html[start:html.find("</section>", start)] if start >= 0 else ""


def hit_urls(html, key):
    """The addresses of one kind's hits, best first."""
    return re.findall(r'<h3 class="h5 mb-1"><a href="([^"]+)">', section(html, key))


def urls(projects, language="sv"):
    with translation.override(language):
        return {p.get_absolute_url() for p in projects}


def public_projects(**lookups):
    projects = Project.objects.public().filter(**lookups).distinct()
    assert projects.exists(), lookups  # the demo has some: else the test proves nothing
    return projects


def test_palestina_finds_the_projects_in_palestine(client, demo):
    html = search(client, "Palestina")
    assert urls(public_projects(countries__slug="palestina")) <= set(hit_urls(html, "projects"))
    # ... as well as the country and the programme.
    assert "/lander/palestina/" in hit_urls(html, "countries")
    assert "/program/palestinaprogrammet/" in hit_urls(html, "programmes")


def test_sida_finds_the_sida_funded_projects(client, demo):
    html = search(client, "Sida")
    assert set(hit_urls(html, "projects")) == urls(public_projects(funder__short_name="Sida"))


@pytest.mark.parametrize(("language", "q"), [("sv", "jämställdhet"), ("en", "gender"),
                                               ("en", "jämställdhet")])
def test_a_theme_finds_its_projects(client, demo, language, q):
    html = search(client, q, language=language)
    expected = urls(public_projects(themes__slug="jamstalldhet"), language)
    assert expected <= set(hit_urls(html, "projects"))


def test_kommunal_finds_the_projects_of_that_member(client, demo):
    html = search(client, "Kommunal")
    expected = urls(public_projects(member_organisations__slug="kommunal"))
    assert expected <= set(hit_urls(html, "projects"))
    assert "/medlemmar/kommunal/" in hit_urls(html, "members")


def test_a_short_name_finds_the_members_projects(client, demo):
    html = search(client, "LO")
    assert urls(public_projects(member_organisations__slug="lo")) <= set(
        hit_urls(html, "projects"))
    # A short word finds itself only, not every word it begins ("lokalsamhällen").
    assert not urls(Project.objects.public().exclude(member_organisations__slug="lo")) & set(
        hit_urls(html, "projects"))


@pytest.mark.parametrize("q", ["kvinnan", "kvinnor", "kvinnors", "Kvinna"])
def test_other_forms_of_a_word_find_it(client, demo, q):
    html = search(client, q)
    projects = section(html, "projects")
    for slug in ("kvinnor-i-politiken-albanien", "kvinnors-organisering-vastbanken-gaza"):
        assert f'href="/projekt/{slug}/"' in projects, (q, slug)
    # Whole words are marked: "Kvinnors", never "Kvinnor" and a loose "s".
    assert "<mark>Kvinnor</mark> i politik" in projects
    assert "<mark>Kvinnors</mark> organisering" in projects
    assert "</mark>s" not in html


def test_an_english_query_on_the_english_page(client, demo):
    html = search(client, "women organising", language="en")
    projects = section(html, "projects")
    assert 'href="/en/projects/kvinnors-organisering-vastbanken-gaza/"' in projects
    assert "<mark>Women</mark> <mark>organising</mark> on the West Bank" in projects
    # The Swedish page searches the Swedish texts: no such words there.
    assert not hit_urls(search(client, "women organising"), "projects")


def test_a_project_whose_title_names_the_words_ranks_first(client, demo):
    titled = ProjectFactory(slug="jamstalldhet-i-fokus", title_sv="Jämställdhet i fokus",
                            summary_sv="Om arbetet.", countries=[Country.objects.first()])
    found = hit_urls(search(client, "jämställdhet"), "projects")
    assert found[0] == titled.get_absolute_url()
    assert len(found) > 1  # the theme's projects, below it


def test_seminars_are_found_upcoming_first(client, demo):
    upcoming = Seminar.objects.upcoming().get()
    past = Seminar.objects.past().get()
    found = hit_urls(search(client, "samtal"), "seminars")  # in both demo seminars
    assert found == [upcoming.get_absolute_url(), past.get_absolute_url()]
    # Even where a past seminar matches better (the word in its title, in the upcoming
    # one's description only), the upcoming one comes first.
    SeminarFactory(slug="fred-forr", title_sv="Fred i Europa",
                   starts_at=timezone.now() - datetime.timedelta(days=400))
    SeminarFactory(slug="fred-snart", title_sv="Ett samtal", description_sv="Om fred.")
    SeminarFactory(slug="fred-utkast", title_sv="Fred som utkast", published=False)
    found = hit_urls(search(client, "fred"), "seminars")
    assert found[0] == "/seminarier/fred-snart/"
    assert "/seminarier/fred-forr/" in found and "/seminarier/fred-utkast/" not in found


def test_seminars_on_the_english_page(client, demo):
    html = search(client, "disarmament", language="en")
    assert hit_urls(html, "seminars") == ["/en/seminars/fred-och-nedrustning-i-olof-palmes-anda/"]
    assert "<mark>disarmament</mark>" in section(html, "seminars")


@pytest.mark.parametrize(("model", "lookup", "slug", "field", "new"), [
    (Country, "countries__slug", "palestina", "name_sv", "Zyxland"),
    (Region, "countries__region__slug", "sodra-afrika", "name_sv", "Qwertyregionen"),
    (Theme, "themes__slug", "jamstalldhet", "name_sv", "Likvärdighetsfrågor"),
    (MemberOrganisation, "member_organisations__slug", "kommunal", "short_name", "Vårdfacket"),
    (Funder, "funder__slug", "sida", "short_name", "Biståndsverket"),
])
def test_a_renamed_name_reaches_the_project_hits_at_once(client, demo, model, lookup, slug,
                                                         field, new):
    expected = urls(public_projects(**{lookup: slug}))
    assert not expected & set(hit_urls(search(client, new), "projects"))
    obj = model.objects.get(slug=slug)
    setattr(obj, field, new)
    obj.save()
    assert expected <= set(hit_urls(search(client, new), "projects"))


@pytest.mark.parametrize(("model", "slug", "field", "old"), [
    (Theme, "jamstalldhet", "name_sv", "Jämställdhet"),
    (Funder, "sida", "short_name", "Sida"),
])
def test_an_old_name_no_longer_finds_the_projects(client, demo, model, slug, field, old):
    assert hit_urls(search(client, old), "projects")
    obj = model.objects.get(slug=slug)
    setattr(obj, field, "Något annat")
    obj.save()
    # Nothing else of theirs says it.
    assert not hit_urls(search(client, old), "projects")


def test_links_added_and_removed_on_either_side_reach_the_project_hits(client, demo):
    theme = Theme.objects.get(slug="transparens")
    project = Project.objects.public().get(slug="fackligt-organiserande-sydafrika")
    url = project.get_absolute_url()
    assert url not in hit_urls(search(client, "Transparens"), "projects")
    project.themes.add(theme)
    assert url in hit_urls(search(client, "Transparens"), "projects")
    theme.projects.remove(project)
    assert url not in hit_urls(search(client, "Transparens"), "projects")
    theme.projects.add(project)
    assert url in hit_urls(search(client, "Transparens"), "projects")
    theme.projects.clear()
    assert not hit_urls(search(client, "Transparens"), "projects")
    # A deleted theme's name no longer finds the projects that had it (those whose own
    # English texts say "youth" still are found by them).
    youth = Theme.objects.get(slug="unga")
    had_it = public_projects(themes=youth)
    by_own_texts = urls(had_it.filter(Q(title_en__icontains="youth")
                                      | Q(summary_en__icontains="youth")
                                      | Q(body_en__icontains="youth")), "en")
    assert urls(had_it, "en") <= set(hit_urls(search(client, "Youth", language="en"),
                                              "projects"))
    youth.delete()
    found = set(hit_urls(search(client, "Youth", language="en"), "projects"))
    assert found == by_own_texts != urls(had_it, "en")


HOSTILE = ['!Palestina', 'Palestina:*', 'Palestina & | !', '"Palestina', "'Palestina",
           "Palestina <-> (", "Palest\x00ina", "\x1bPalestina\x7f", "Palestina " + "!" * 5000]


@pytest.mark.parametrize("language", ["sv", "en"])
@pytest.mark.parametrize("q", HOSTILE, ids=lambda q: repr(q[:20]))
def test_operators_and_odd_characters_are_read_as_words(client, demo, q, language):
    html = search(client, q, language=language)
    assert "<h1>" in html and "\x00" not in html and "\x1b" not in html
    found = set(hit_urls(html, "projects"))
    if "\x00" not in q:  # a NUL splits a word in two
        assert urls(public_projects(countries__slug="palestina"), language) <= found
