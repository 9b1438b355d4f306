"""The site search finds, ranks and marks public content, hides the rest, survives any input."""

import datetime
import re

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import translation
from reversion.models import Version

from common.search_documents import matching_words, update_search_documents
from projects.models import Project
from tests.admin_forms import submit
from tests.admin_personas import carl
from tests.factories import (
    CountryFactory,
    FunderFactory,
    MemberOrganisationFactory,
    NetworkFactory,
    PartnerFactory,
    ProgrammeFactory,
    ProjectFactory,
    RegionFactory,
    SeminarFactory,
    StoryFactory,
    ThemeFactory,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def content():
    region = RegionFactory(slug="mena", name_sv="Mellanöstern", name_en="Middle East")
    country = CountryFactory(slug="palestina", name_sv="Palestina", name_en="Palestine",
                             iso_code="PS", region=region, focus_sv="Ockupationen och unga.")
    programme = ProgrammeFactory(slug="palestinaprogrammet", name_sv="Palestinaprogrammet",
                                 name_en="The Palestine programme", region=region,
                                 summary_sv="Stöd till det civila samhället.")
    member = MemberOrganisationFactory(slug="abf", name_sv="Arbetarnas bildningsförbund",
                                       name_en="", short_name="ABF",
                                       description_sv="Studieförbund i arbetarrörelsen.")
    network = NetworkFactory(slug="folkkraft", name_sv="Folkkraft", name_en="",
                             description_sv="Nätverk för folkbildning.")
    rights = ProjectFactory(
        slug="fackliga-rattigheter", title_sv="Kvinnors fackliga rättigheter",
        title_en="Women's trade union rights", countries=[country],
        summary_sv="Fackliga rättigheter för kvinnor i textilindustrin.",
        summary_en="Organising women workers in the textile industry.",
    )
    in_title = ProjectFactory(slug="textilarbetare", title_sv="Textilarbetare organiserar sig",
                              countries=[country], summary_sv="Om arbete.")
    in_body = ProjectFactory(slug="ungdomar", title_sv="Ungdomar i rörelse", countries=[country],
                             summary_sv="Om unga.", body_sv="Bland annat möter de textilarbetare.")
    secret = PartnerFactory(name="Hemliga Fackföreningen", place="Hemligstad", country=country)
    at_risk = ProjectFactory(slug="skyddat", title_sv="Skyddat projekt gemensamord",
                             countries=[country], partners=[secret],
                             visibility=Project.Visibility.HIDE_PARTNERS)
    draft = ProjectFactory(slug="utkast", title_sv="Utkastprojektet gemensamord",
                           countries=[country], partners=[secret], published=False)
    internal = ProjectFactory(slug="internt", title_sv="Interna projektet gemensamord",
                              countries=[country], partners=[secret],
                              visibility=Project.Visibility.INTERNAL)
    return {"country": country, "programme": programme, "member": member, "network": network,
            "rights": rights, "in_title": in_title, "in_body": in_body, "at_risk": at_risk,
            "draft": draft, "internal": internal}


def search(client, q, language="sv"):
    with translation.override(language):
        url = reverse("search")
    response = client.get(url, {"q": q})
    assert response.status_code == 200
    return response.content.decode()


def results_part(html):
    """The page from the first result section on: what the search found, not the echo
    of the query in the title, the form and the status line."""
    start = html.find('<section class="search-results')
    return html[start:] if start >= 0 else ""


def test_the_search_page_addresses_follow_the_design():
    with translation.override("sv"):
        assert reverse("search") == "/sok/"
    with translation.override("en"):
        assert reverse("search") == "/en/search/"


def test_finds_a_project_by_title_and_summary_and_marks_the_words(client, content):
    html = search(client, "rättigheter")
    assert content["rights"].get_absolute_url() in html
    found = results_part(html)
    assert "<mark>rättigheter</mark>" in found
    # The title and the summary snippet both carry the mark.
    assert found.count("<mark>") >= 2


def test_a_title_hit_ranks_above_a_body_only_hit(client, content):
    found = results_part(search(client, "textilarbetare"))
    title_hit = found.find(content["in_title"].get_absolute_url())
    body_hit = found.find(content["in_body"].get_absolute_url())
    assert 0 <= title_hit < body_hit


def hit_part(found, obj):
    """The list item of one hit on a search page."""
    at = found.find(f'href="{obj.get_absolute_url()}"')
    assert at >= 0, f"{obj} not found"
    return found[found.rfind("<li", 0, at):found.find("</li>", at)]


@pytest.mark.postgres
@pytest.mark.parametrize(("language", "q", "summary_match", "body_match"), [
    ("sv", "kooperativ", "<mark>Kooperativ</mark> i Kenya", "nämns <mark>kooperativ</mark>"),
    ("en", "cooperatives", "<mark>Cooperatives</mark> in Kenya",
     "mentions <mark>cooperatives</mark>"),
])
def test_the_snippet_is_the_summary_where_it_has_the_words_else_the_body(
        client, content, language, q, summary_match, body_match):
    in_summary = ProjectFactory(
        slug="kenya", title_sv="Första projektet", title_en="First project",
        summary_sv="Kooperativ i Kenya.", summary_en="Cooperatives in Kenya.",
        body_sv="Brödtexten handlar också om kooperativ.",
        body_en="The body is about cooperatives too.", countries=[content["country"]])
    in_body = ProjectFactory(
        slug="jordbruk", title_sv="Andra projektet", title_en="Second project",
        summary_sv="Om jordbruk.", summary_en="About farming.",
        body_sv="I brödtexten nämns kooperativ.", body_en="The body mentions cooperatives.",
        countries=[content["country"]])
    found = results_part(search(client, q, language=language))
    summary_hit, body_hit = hit_part(found, in_summary), hit_part(found, in_body)
    assert summary_match in summary_hit
    assert "The body" not in summary_hit and "Brödtexten" not in summary_hit
    assert body_match in body_hit


@pytest.mark.parametrize(("q", "key"), [
    ("Palestina", "country"),
    ("Palestinaprogrammet", "programme"),
    ("ABF", "member"),
    ("bildningsförbund", "member"),
    ("Folkkraft", "network"),
])
def test_finds_countries_programmes_members_and_networks(client, content, q, key):
    found = results_part(search(client, q))
    assert content[key].get_absolute_url() in found


def section_part(html, key):
    """One kind's result section of a search page."""
    start = html.find(f'aria-labelledby="results-{key}"')
    assert start >= 0, f"no {key} section"
    return html[start:html.find("</section>", start)]


def test_each_kind_lists_its_own_hits_best_first(client, content):
    by_name = MemberOrganisationFactory(slug="folkkraftsforbundet",
                                        name_sv="Folkkraftsförbundet Folkkraft")
    by_text = MemberOrganisationFactory(slug="studiecirkeln", name_sv="Studiecirkeln",
                                        description_sv="Arbetar med Folkkraft i Norden.")
    html = search(client, "Folkkraft")
    members, networks = section_part(html, "members"), section_part(html, "networks")
    assert content["network"].get_absolute_url() in networks
    assert by_name.get_absolute_url() not in networks
    # A hit in the name outranks one in the description.
    assert 0 <= members.find(by_name.get_absolute_url()) < members.find(
        by_text.get_absolute_url())
    assert content["network"].get_absolute_url() not in members


def test_a_project_hit_names_its_countries_a_to_z(client, content):
    colombia = CountryFactory(slug="colombia", name_sv="Colombia", name_en="Colombia",
                              iso_code="CO", region=content["country"].region)
    ProjectFactory(slug="tva-lander", title_sv="Tvålandersprojektet",
                   countries=[content["country"], colombia])
    projects = section_part(search(client, "Tvålandersprojektet"), "projects")
    assert "Colombia, Palestina" in projects


def test_a_project_hit_shows_its_status_in_the_pages_language(client, content):
    ProjectFactory(slug="statusprojektet", title_sv="Statusprojektet",
                   title_en="Statusprojektet", status=Project.Status.ONGOING,
                   countries=[content["country"]])
    assert "Pågående" in section_part(search(client, "Statusprojektet"), "projects")
    english = section_part(search(client, "Statusprojektet", language="en"), "projects")
    assert "Ongoing" in english and "Pågående" not in english


def test_a_project_hit_links_its_page_and_shows_its_years_and_title_in_each_language(
        client, content):
    """What a project hit shows is read in SQL, not from a model instance: the page's
    address in the page's language, the years, and on English pages the English title or,
    where there is none, the Swedish one."""
    translated = ProjectFactory(slug="tidsprojektet", title_sv="Tidsprojektet i Palestina",
                                title_en="The years project", countries=[content["country"]],
                                start_date=datetime.date(2019, 3, 1),
                                end_date=datetime.date(2023, 6, 30))
    swedish_only = ProjectFactory(slug="svenska-tidsprojektet", title_sv="Svenska tidsprojektet",
                                  title_en="", countries=[content["country"]],
                                  start_date=datetime.date(2024, 1, 1), end_date=None)
    for language in ("sv", "en"):
        projects = section_part(search(client, "tidsprojektet", language=language), "projects")
        with translation.override(language):
            assert f'href="{translated.get_absolute_url()}"' in projects
            assert f'href="{swedish_only.get_absolute_url()}"' in projects
        assert "2019–2023" in projects and " · 2024<" in projects
        assert "Svenska <mark>tidsprojektet</mark>" in projects
    english = section_part(search(client, "years", language="en"), "projects")
    assert "The <mark>years</mark> project" in english and "Tidsprojektet i" not in english


def test_english_page_finds_english_text(client, content):
    with translation.override("en"):
        url = content["rights"].get_absolute_url()
    found = results_part(search(client, "union", language="en"))
    assert url in found
    assert "<mark>union</mark>" in found.lower()


def test_drafts_and_internal_projects_never_appear(client, content):
    for language in ("sv", "en"):
        found = results_part(search(client, "gemensamord", language=language))
        assert "/skyddat/" in found
        for hidden in ("Utkastprojektet", "Interna projektet", "/utkast/", "/internt/"):
            assert hidden not in found


def test_a_project_unpublished_or_made_internal_leaves_the_search(client, content):
    rights = content["rights"]
    assert rights.get_absolute_url() in results_part(search(client, "rättigheter"))
    rights.published = False
    rights.save()
    assert rights.get_absolute_url() not in results_part(search(client, "rättigheter"))
    # Also when changed in bulk, without save().
    Project.objects.filter(pk=rights.pk).update(published=True,
                                                visibility=Project.Visibility.INTERNAL)
    assert rights.get_absolute_url() not in results_part(search(client, "rättigheter"))
    assert matching_words(Project.objects.public(), "rättigheter").count() == 0


def test_a_project_edited_in_the_admin_is_found_by_its_new_title(client, content):
    editor_client = Client()
    editor_client.force_login(carl())
    project = content["in_title"]
    change = reverse("admin:projects_project_change", args=[project.pk])
    response = submit(editor_client, editor_client.get(change), title_sv="Vattenbrunnar byggs")
    assert response.status_code == 302
    found = results_part(search(client, "Vattenbrunnar"))
    assert project.get_absolute_url() in found
    assert "<mark>Vattenbrunnar</mark> byggs" in found
    assert project.get_absolute_url() not in results_part(search(client, "organiserar"))
    # The version history keeps what the editor wrote, not what the search made of it.
    version = Version.objects.get_for_object(project).first()
    assert version.field_dict["title_sv"] == "Vattenbrunnar byggs"
    assert not any(name.startswith("search_document") for name in version.field_dict)


def test_a_project_that_hides_partners_leaks_neither_names_nor_places(client, content):
    # Its own hit shows nothing of its partners ...
    html = search(client, "Skyddat")
    assert "/skyddat/" in results_part(html)
    for secret in ("Hemliga", "Fackföreningen", "Hemligstad"):
        assert secret not in html
    # ... and searching for them finds nothing: partners are not in any search document.
    for q in ("Hemliga Fackföreningen", "Hemligstad"):
        html = search(client, q)
        assert results_part(html) == ""
        assert "/skyddat/" not in html


ABSURD = [
    "",
    "   ",
    "x" * 10_000,
    "rättigheter " * 2_000,
    "\x00",
    "fack\x00liga \x1b[31mrättigheter",
    "'; DROP TABLE projects_project; --",
    "!!!???***",
    '"unbalanced quote',
    "'unbalanced",
    'fackliga OR -rättigheter',
    "OR",
    "-",
    "- OR - OR",
    "<script>alert(1)</script>",
    "%_%",
    "\u202e\u200b",
    # What to_tsquery() would read as operators, weights and prefixes.
    "!", "&", "|", ":*", "!fackliga & | rättigheter", "rätt:*", "fackliga:AB", "(((",
    "fackliga <-> rättigheter", "fackliga <2> )", "\\", "'", "''", "fack'liga",
    "\x01\x02fackliga\x03\x7f",
]


@pytest.mark.parametrize("language", ["sv", "en"])
@pytest.mark.parametrize("q", ABSURD, ids=lambda q: repr(q[:20]))
def test_absurd_input_answers_a_normal_page(client, content, q, language):
    html = search(client, q, language=language)
    assert "<h1>" in html
    assert "<script>alert(1)</script>" not in html
    assert "\x00" not in html and "\x1b" not in html
    assert Project.objects.count() == 6


def test_a_query_is_cut_to_a_sane_length_and_shown_back(client, content):
    html = search(client, "rättigheter " + "x" * 10_000)
    value = re.search(r'id="search-q" name="q" value="([^"]*)"', html).group(1)
    assert value == ("rättigheter " + "x" * 10_000)[:200]
    title = re.search(r"<title>(.*?)</title>", html, re.S).group(1)
    assert "x" * 201 not in title


def test_an_empty_query_gets_a_hint_and_no_results(client, content):
    html = search(client, "")
    with translation.override("sv"):
        hint = translation.gettext("Write one or more words in the box above, for example a "
                                   "country, a theme or the name of an organisation.")
    assert hint in html
    assert results_part(html) == ""


def test_no_results_says_so(client, content):
    html = search(client, "zzqqxxyy")
    with translation.override("sv"):
        advice = translation.gettext("Check the spelling, or try fewer or more general words.")
    assert advice in html
    assert results_part(html) == ""


def test_markup_in_content_is_escaped(client, content):
    ProjectFactory(slug="skript", title_sv="<script>alert(1)</script> Skriptprojekt",
                   summary_sv='<img src=x onerror="alert(2)"> Skriptprojekt & co')
    html = search(client, "Skriptprojekt")
    assert "/skript/" in results_part(html)
    assert "<script>alert(1)" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert "<img src=x" not in html
    # The short texts under a hit's title (here a member organisation's short name).
    MemberOrganisationFactory(slug="skriptforbundet", name_sv="Skriptförbundet",
                              short_name="<b>SF</b>")
    members = section_part(search(client, "Skriptförbundet"), "members")
    assert "&lt;b&gt;SF&lt;/b&gt;" in members and "<b>SF" not in members


def test_result_pages_are_kept_out_of_search_engines(client, content):
    with translation.override("sv"):
        url = reverse("search")
    assert client.get(url, {"q": "Palestina"})["X-Robots-Tag"] == "noindex"
    assert "X-Robots-Tag" not in client.get(url)


def add_matching_projects(country, count):
    ProjectFactory.create_batch(count, title_sv="Skalprojekt", summary_sv="Om skalning.",
                                countries=[country])


def count_search_queries(client, url):
    # A first search warms the process up; the second is counted (at a different
    # address, so that the page cache does not answer it).
    client.get(url, {"q": "skalprojekt"})
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url, {"q": "Skalprojekt"})
    assert response.status_code == 200
    return len(queries)


@pytest.mark.parametrize("language", ["sv", "en"])
def test_query_count_does_not_grow_with_the_number_of_matches(client, content, language):
    with translation.override(language):
        url = reverse("search")
    add_matching_projects(content["country"], 10)
    small = count_search_queries(client, url)
    add_matching_projects(content["country"], 490)
    large = count_search_queries(client, url)
    # 1 which of countries, programmes, member organisations, networks and seminars have
    # any hit (none here), 2 the best 10 projects with the count of all project hits (on
    # PostgreSQL with their countries; the footer's form is a fragment kept from the first
    # search); SQLite reads the project hits' countries in a 3rd. The visitor has no
    # session, so nothing else.
    assert small == large == (2 if connection.vendor == "postgresql" else 3)


@pytest.mark.parametrize("language", ["sv", "en"])
def test_a_search_that_finds_every_kind_asks_one_query_more_per_kind(client, content,
                                                                     language):
    with translation.override(language):
        url = reverse("search")
    region = content["country"].region
    CountryFactory(focus_sv="Allihop.", region=region)
    ProgrammeFactory(summary_sv="Allihop.", region=region)
    MemberOrganisationFactory(description_sv="Allihop.")
    NetworkFactory(description_sv="Allihop.")
    SeminarFactory(description_sv="Allihop.")
    StoryFactory(lead_sv="Allihop.")
    ProjectFactory.create_batch(3, summary_sv="Allihop.", countries=[content["country"]])
    client.get(url, {"q": "Allihop"})
    with CaptureQueriesContext(connection) as queries:
        html = client.get(url, {"q": "allihop"}).content.decode()
    for key in ("projects", "stories", "countries", "programmes", "members", "networks",
                "seminars"):
        assert section_part(html, key)
    # The 2 of a search that finds projects only, and the best hits of each other kind.
    assert len(queries) == (8 if connection.vendor == "postgresql" else 9)


def test_a_change_to_a_country_member_or_network_shows_in_search_at_once(client, content):
    assert "Folkkraft" in results_part(search(client, "Folkkraft"))
    content["network"].name_sv = "Folkkraft i Norden"
    content["network"].save()
    assert "i Norden" in results_part(search(client, "Folkkraft"))

    assert "Mellanöstern" in results_part(search(client, "Palestina"))
    region = content["country"].region
    region.name_sv = "Mellanöstern och Nordafrika"
    region.save()
    assert "Mellanöstern och Nordafrika" in results_part(search(client, "Palestina"))

    member = content["member"]
    member.published = False
    member.save()
    assert member.get_absolute_url() not in results_part(search(client, "ABF"))
    seko = MemberOrganisationFactory(slug="seko", name_sv="Seko", short_name="Seko")
    assert seko.get_absolute_url() in results_part(search(client, "Seko"))


@pytest.mark.parametrize("language", ["sv", "en"])
def test_the_best_ten_projects_are_shown_with_a_link_to_all_of_them(client, content,
                                                                       language):
    add_matching_projects(content["country"], 25)
    found = results_part(search(client, "Skalprojekt", language=language))
    assert "(25)" in found
    assert found.count('<h3 class="h5 mb-1">') == 10
    # The rest are in the project list, filtered by the same words: the same 25.
    link = re.search(r'<p><a href="([^"]+)">([^<]+)</a></p>', found)
    assert link.group(2) == {
        "sv": "Alla 25 projekt som matchar, i projektlistan",
        "en": "All 25 projects that match, in the project list"}[language]
    with translation.override(language):
        assert link.group(1) == reverse("projects:project-list") + "?q=Skalprojekt"
    listed = client.get(link.group(1)).context["filterset"].qs
    assert listed.count() == 25
    assert set(listed.values_list("title_sv", flat=True)) == {"Skalprojekt"}


def test_no_list_link_when_every_project_hit_is_shown(client, content):
    add_matching_projects(content["country"], 10)
    found = results_part(search(client, "Skalprojekt"))
    assert found.count('<h3 class="h5 mb-1">') == 10
    assert "projektlistan" not in found


# --- PostgreSQL full-text search ------------------------------------------------------

@pytest.mark.postgres
def test_swedish_stemming_finds_other_forms_of_a_word(client, content):
    found = results_part(search(client, "rättigheterna"))
    assert content["rights"].get_absolute_url() in found
    assert "<mark>rättigheter</mark>" in found


@pytest.mark.postgres
def test_english_stemming_on_english_pages(client, content):
    with translation.override("en"):
        url = content["rights"].get_absolute_url()
    found = results_part(search(client, "organised worker", language="en"))
    assert url in found
    assert "<mark>Organising</mark>" in found
    # The Swedish page searches the Swedish text only, with Swedish stemming.
    assert content["rights"].get_absolute_url() not in results_part(
        search(client, "organised worker"))


@pytest.mark.postgres
@pytest.mark.parametrize("language", ["sv", "en"])
def test_the_project_search_uses_the_gin_indexes(client, content, language):
    """The search page and the project list's words filter find projects through the
    GIN index of each language's stored documents, not by reading every project."""
    country = content["country"]
    Project.objects.bulk_create([
        Project(title_sv=f"Fyllnad {n}", title_en=f"Filler {n}", slug=f"fyllnad-{n}",
                iati_identifier=f"SE-ON-FILL-{n}", start_date=datetime.date(2020, 1, 1),
                summary_sv="Något helt annat.", published=True)
        for n in range(300)
    ])
    fillers = Project.objects.filter(slug__startswith="fyllnad-")
    update_search_documents(fillers)
    Project.countries.through.objects.bulk_create([
        Project.countries.through(project=p, country=country) for p in fillers])
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE projects_project")
    with CaptureQueriesContext(connection) as queries:
        found = results_part(search(client, "rättigheter", language=language))
    with translation.override(language):
        assert content["rights"].get_absolute_url() in found
        matching = matching_words(Project.objects.public(), "rättigheter")
    project_searches = [q["sql"] for q in queries.captured_queries
                        if 'FROM "projects_project"' in q["sql"] and "@@" in q["sql"]]
    assert len(project_searches) == 1  # the best hits, with their count
    with connection.cursor() as cursor:
        cursor.execute("SET enable_seqscan = off")
        try:
            plans = [matching.explain()]
            for sql in project_searches:
                cursor.execute(f"EXPLAIN {sql}")
                plans.append("\n".join(row[0] for row in cursor.fetchall()))
        finally:
            cursor.execute("RESET enable_seqscan")
    indexes = {"sv": ["project_search_sv_gin"],
               "en": ["project_search_sv_gin", "project_search_en_gin"]}[language]
    for plan in plans:
        for index in indexes:
            assert index in plan, plan


# --- What a project is linked to ------------------------------------------------------

@pytest.fixture
def linked(content):
    """A project found only through what it is linked to: none of these names is in its
    own texts."""
    theme = ThemeFactory(slug="jamstalldhet", name_sv="Jämställdhet", name_en="Gender equality")
    member = MemberOrganisationFactory(slug="kommunal", short_name="Kommunal",
                                       name_sv="Svenska Kommunalarbetareförbundet",
                                       name_en="Swedish Municipal Workers' Union")
    funder = FunderFactory(slug="sida", short_name="Sida", name_sv="Styrelsen för "
                           "internationellt utvecklingssamarbete",
                           name_en="Swedish International Development Cooperation Agency")
    project = ProjectFactory(slug="lankat", title_sv="Ett länkat projekt",
                             title_en="A linked project", summary_sv="Om något.",
                             summary_en="About something.", countries=[content["country"]],
                             themes=[theme], member_organisations=[member], funder=funder,
                             programme=content["programme"])
    return {**content, "theme": theme, "linked_member": member, "funder": funder,
            "project": project}


@pytest.mark.parametrize(("language", "q"), [
    ("sv", "Palestina"), ("sv", "Mellanöstern"), ("sv", "Jämställdhet"),
    ("sv", "Palestinaprogrammet"), ("sv", "Kommunal"), ("sv", "Sida"),
    ("sv", "Styrelsen för internationellt utvecklingssamarbete"),
    ("en", "Palestine"), ("en", "gender equality"), ("en", "jämställdhet"),
    ("en", "municipal workers"), ("en", "Sida"),
])
def test_a_project_is_found_by_the_names_of_what_it_is_linked_to(client, linked, language, q):
    with translation.override(language):
        url = linked["project"].get_absolute_url()
    assert url in section_part(search(client, q, language=language), "projects")
    with translation.override(language):
        found = matching_words(Project.objects.public(), q)
    assert linked["project"] in found


def test_a_project_whose_title_names_the_words_ranks_above_one_only_linked_to_them(
        client, linked):
    titled = ProjectFactory(slug="titel", title_sv="Jämställdhet i arbetslivet",
                            countries=[linked["country"]])
    projects = section_part(search(client, "jämställdhet"), "projects")
    assert 0 <= projects.find(titled.get_absolute_url()) < projects.find(
        linked["project"].get_absolute_url())


def test_highlights_mark_whole_words(client, content):
    ProjectFactory(slug="ord", title_sv="Kvinnors röst", summary_sv="Kvinnors och flickors röst.",
                   countries=[content["country"]])
    projects = section_part(search(client, "kvinnor"), "projects")
    assert "<mark>Kvinnors</mark> röst" in projects
    assert "<mark>Kvinnors</mark> och flickors" in projects
    assert "<mark>Kvinnor</mark>s" not in projects


@pytest.mark.parametrize("q", ["fackföreningar", "studiecirklar"])
def test_the_snippet_shows_a_markdown_texts_words_without_its_marks(client, content, q):
    project = ProjectFactory(
        slug="fria-fack", title_sv="Fria fack", summary_sv="Om organisering.",
        body_sv="## Arbetet\n\nVi stöder **fria fackföreningar** och _unga_ medlemmar.\n\n"
                "- [studiecirklar](https://abf.se/) för `alla`\n1. utbildning",
        countries=[content["country"]])
    hit = hit_part(results_part(search(client, q)), project)
    snippet = hit[hit.find("</a>"):]
    assert f"<mark>{q}</mark>" in snippet
    for mark in ("**", "##", "](", "abf.se", "_unga_", "`", "- "):
        assert mark not in snippet, (mark, snippet)
