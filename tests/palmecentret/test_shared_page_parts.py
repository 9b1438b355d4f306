"""The parts many pages repeat: the footer's signup form, the page frame, the project
cards, the countries, themes, members and partners a project page names, and the
fragments kept with {% cache %} by content version (the regions' counts, the lists of a
region, country, programme or member page, the about page's lists, a page of the project
list). With the page cache off, so that what is tested is these parts: a change shows at
once, each page keeps what is its own (the form's source, the menu item marked current),
Swedish and English never mix, and a cache that is down only makes them slower."""

import re

import pytest
from django.template.loader import render_to_string

from common import page_cache
from projects.models import Project
from tests.conftest import local_cache
from tests.factories import (
    CountryFactory,
    FunderFactory,
    MailingListFactory,
    MemberOrganisationFactory,
    NetworkFactory,
    PartnerFactory,
    ProgrammeFactory,
    ProjectFactory,
    RegionFactory,
    StoryFactory,
    ThemeFactory,
)

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def page_cache_off(settings):
    yield from local_cache(settings, "shared-page-parts-tests", page_cache_seconds=0)


def page(client, path):
    response = client.get(path)
    assert response.status_code == 200, (path, response.status_code)
    return response.content.decode()


def footer(html):
    return html[html.index('id="footer-signup"'):]


def test_a_project_edit_shows_at_once_on_its_card(client):
    project = ProjectFactory(title_sv="Fackliga rättigheter")
    assert "Fackliga rättigheter" in page(client, "/projekt/")
    project.title_sv = "Rätten att organisera sig"
    project.save()
    html = page(client, "/projekt/")
    assert "Rätten att organisera sig" in html
    assert "Fackliga rättigheter" not in html


def test_a_renamed_country_shows_at_once_on_the_cards_of_its_projects(client):
    country = CountryFactory(name_sv="Burma")
    ProjectFactory(countries=[country])
    assert "Burma" in page(client, "/")
    country.name_sv = "Myanmar"
    country.save()
    html = page(client, "/")
    assert "Myanmar" in html and "Burma" not in html


def facts(html):
    """The project page's list of facts, tags stripped."""
    facts = html[html.index('<dl class="row facts">'):html.index("</dl>")]
    return re.sub(r" ,", ",", " ".join(re.sub(r"<[^>]+>", " ", facts).split()))


@pytest.fixture
def linked_project():
    partner_country = CountryFactory(name_sv="Colombia", name_en="Colombia")
    return ProjectFactory(
        slug="fackliga-rattigheter",
        countries=[CountryFactory(name_sv="Österrike", name_en="Austria"),
                   CountryFactory(name_sv="Sydafrika", name_en="South Africa")],
        themes=[ThemeFactory(name_sv="Unga", name_en="Young people"),
                ThemeFactory(name_sv="Demokrati", name_en="Democracy")],
        member_organisations=[
            MemberOrganisationFactory(slug="lo", name_sv="LO", published=True),
            MemberOrganisationFactory(slug="abf", name_sv="ABF", published=False),
        ],
        partners=[PartnerFactory(name="Sindicato Andino", place="Bogotá",
                                 country=partner_country),
                  PartnerFactory(name="Arbetarförbundet", place="")],
    )


def test_a_project_page_names_what_it_links_to_in_the_sites_order(client, linked_project):
    # Other projects' links are not its own.
    ProjectFactory(countries=[CountryFactory(name_sv="Kuba")],
                   themes=[ThemeFactory(name_sv="Miljö")])
    swedish = facts(page(client, "/projekt/fackliga-rattigheter/"))
    assert "Länder Sydafrika, Österrike" in swedish
    assert "Teman Demokrati, Unga" in swedish
    assert "ABF, LO" in swedish
    assert "Lokala partner Arbetarförbundet, Sindicato Andino (Bogotá)" in swedish
    assert "Kuba" not in swedish and "Miljö" not in swedish
    english = facts(page(client, "/en/projects/fackliga-rattigheter/"))
    assert "Countries Austria, South Africa" in english
    assert "Themes Democracy, Young people" in english
    html = page(client, "/projekt/fackliga-rattigheter/")
    assert '<a href="/medlemmar/lo/">LO</a>' in html  # only the published member is linked
    assert "/medlemmar/abf/" not in html


def test_a_project_page_shows_a_change_to_its_links_or_their_names_at_once(client,
                                                                           linked_project):
    assert "Sindicato Andino" in page(client, "/projekt/fackliga-rattigheter/")
    partner = linked_project.partners.get(name="Sindicato Andino")
    partner.name = "Sindicato de los Andes"
    partner.save()
    linked_project.themes.remove(linked_project.themes.get(name_sv="Unga"))
    linked_project.countries.add(CountryFactory(name_sv="Chile"))
    html = facts(page(client, "/projekt/fackliga-rattigheter/"))
    assert "Sindicato de los Andes (Bogotá)" in html and "Sindicato Andino" not in html
    assert "Teman Demokrati Status" in html
    assert "Länder Chile, Sydafrika, Österrike" in html


def test_a_project_page_names_its_programme_and_funder_and_links_a_published_programme(
        client):
    published = ProgrammeFactory(slug="asienprogrammet", name_sv="Asienprogrammet")
    draft = ProgrammeFactory(slug="utkastprogrammet", name_sv="Utkastprogrammet",
                             published=False)
    ProjectFactory(slug="i-programmet", programme=published,
                   funder=FunderFactory(name_sv="Forumfonden", name_en="The Forum fund"))
    ProjectFactory(slug="i-utkastet", programme=draft)
    html = page(client, "/projekt/i-programmet/")
    assert f'<a href="{published.get_absolute_url()}">Asienprogrammet</a>' in html
    assert "Finansiär Forumfonden" in facts(html)
    assert "Funder The Forum fund" in facts(page(client, "/en/projects/i-programmet/"))
    html = page(client, "/projekt/i-utkastet/")
    assert "Program Utkastprogrammet" in facts(html)
    assert draft.get_absolute_url() not in html and "Finansiär" not in facts(html)


def test_a_project_page_reads_its_links_in_a_fixed_number_of_queries(client, linked_project,
                                                                   django_assert_num_queries):
    austria = linked_project.countries.get(name_sv="Österrike")
    ProjectFactory(countries=[austria])
    StoryFactory(projects=[linked_project], countries=[austria])
    # The project with its programme and funder; its countries, themes, member
    # organisations and partners (the facts and the locator map); its first country with
    # the region (the trail); its transactions (money in and out) and results (none:
    # their indicators are not read); its latest stories and their cards' countries; the
    # related projects and their cards' countries; and the footer's mailing lists.
    with django_assert_num_queries(13):
        page(client, "/projekt/fackliga-rattigheter/")
    linked_project.partners.add(*PartnerFactory.create_batch(5))
    ProjectFactory.create_batch(5, countries=[austria])
    StoryFactory.create_batch(5, projects=[linked_project], countries=[austria])
    with django_assert_num_queries(13):
        html = page(client, "/projekt/fackliga-rattigheter/")
    assert html.count("Partnerorganisation") == 5
    # With its fragments kept, the page reads only the project itself.
    with django_assert_num_queries(1):
        page(client, "/projekt/fackliga-rattigheter/")


def test_a_project_pages_trail_map_and_related_projects_follow_a_change_at_once(
        client, linked_project):
    def trail(html):
        nav = html[html.index('<ol class="breadcrumb">'):].split("</nav>")[0]
        return " › ".join(" ".join(item.split()) for item in
                          re.sub(r"<[^>]+>", "|", nav).split("|") if item.strip())

    html = page(client, "/projekt/fackliga-rattigheter/")
    assert trail(html).endswith(f"Sydafrika › {linked_project.title_sv}")
    assert "Fack i Wien" not in html
    ProjectFactory(title_sv="Fack i Wien", countries=[linked_project.countries.get(
        name_sv="Österrike")])
    linked_project.countries.add(CountryFactory(name_sv="Albanien", iso_code="AL"))
    html = page(client, "/projekt/fackliga-rattigheter/")
    assert trail(html).endswith(f"Albanien › {linked_project.title_sv}")
    assert "projektet arbetar: Albanien, Sydafrika, Österrike" in html
    assert "Fack i Wien" in section(html, "related-title")
    # The page's own title is never kept in the trail's fragment: even a change that
    # does not bump the content version (an update() or a lagging replica's read) shows.
    Project.objects.filter(pk=linked_project.pk).update(title_sv="Nytt namn")
    assert trail(page(client, "/projekt/fackliga-rattigheter/")).endswith("Albanien › Nytt namn")


def section(html, title_id):
    part = html[html.index(f'id="{title_id}"') + len(f'id="{title_id}"'):]
    part = part[part.index(">") + 1:]
    return " ".join(re.sub(r"<[^>]+>", " ", part[:part.index("</section>")]).split())


def test_region_and_member_pages_show_a_change_to_their_lists_at_once(client):
    region = RegionFactory(slug="asien")
    CountryFactory(name_sv="Myanmar", region=region)
    CountryFactory(name_sv="Filippinerna", region=region)
    CountryFactory(name_sv="Kuba", region=RegionFactory(slug="latinamerika"))
    ProgrammeFactory(name_sv="Asienprogrammet", region=region)
    ProgrammeFactory(name_sv="Utkastprogrammet", region=region, published=False)
    html = page(client, "/regioner/asien/")
    assert section(html, "countries-title") == "Länder Filippinerna Myanmar"
    assert section(html, "programmes-title") == "Program Asienprogrammet"
    # Each region its own lists, however often either is shown.
    html = page(client, "/regioner/latinamerika/")
    assert section(html, "countries-title") == "Länder Kuba"
    assert section(html, "programmes-title") == "Program Inga program ännu."
    CountryFactory(name_sv="Kambodja", region=region)
    draft = region.programmes.get(name_sv="Utkastprogrammet")
    draft.published = True
    draft.save()
    html = page(client, "/regioner/asien/")
    assert section(html, "countries-title") == "Länder Filippinerna Kambodja Myanmar"
    assert "Utkastprogrammet" in section(html, "programmes-title")

    lo = MemberOrganisationFactory(slug="lo", name_sv="LO")
    MemberOrganisationFactory(name_sv="IF Metall", parent=lo)
    unpublished = MemberOrganisationFactory(name_sv="Kommunal", parent=lo, published=False)
    html = page(client, "/medlemmar/lo/")
    assert "IF Metall" in html and "Kommunal" not in html
    unpublished.published = True
    unpublished.save()
    assert "Kommunal" in page(client, "/medlemmar/lo/")


def test_a_member_page_names_its_organisation_and_published_networks_at_once(client):
    lo = MemberOrganisationFactory(slug="lo", name_sv="Landsorganisationen")
    metall = MemberOrganisationFactory(slug="if-metall", name_sv="IF Metall", parent=lo)
    solidar = NetworkFactory(slug="solidar", name_sv="Solidar", name_en="Solidar")
    draft = NetworkFactory(slug="utkast", name_sv="Utkastnätverket", published=False)
    NetworkFactory(name_sv="Ett annat nätverk").members.set([lo])
    solidar.members.set([metall])
    draft.members.set([metall])
    html = page(client, "/medlemmar/if-metall/")
    assert f'Medlem i <a href="{lo.get_absolute_url()}">Landsorganisationen</a>' in html
    assert section(html, "networks-title") == "Nätverk Solidar"
    lo.name_sv = "LO"
    lo.save()
    NetworkFactory(name_sv="Arbetarrörelsens nätverk").members.set([metall])
    draft.published = True
    draft.save()
    html = page(client, "/medlemmar/if-metall/")
    assert f'Medlem i <a href="{lo.get_absolute_url()}">LO</a>' in html
    assert section(html, "networks-title") == (
        "Nätverk Arbetarrörelsens nätverk Solidar Utkastnätverket")
    solidar.members.remove(metall)
    assert "Solidar" not in section(page(client, "/medlemmar/if-metall/"), "networks-title")


def test_a_country_page_names_the_members_and_partners_of_its_public_projects(client):
    kenya, uganda = CountryFactory(slug="kenya"), CountryFactory(slug="uganda")
    lo, abf, kommunal, draft = (MemberOrganisationFactory(name_sv=name) for name in
                                ("LO", "ABF", "Kommunal", "Utkastförbundet"))
    draft.published = False
    draft.save()
    open_partner = PartnerFactory(name="Öppen partner", country=kenya)
    hidden_partner = PartnerFactory(name="Skyddad partner", country=kenya)
    ProjectFactory(countries=[kenya, uganda], member_organisations=[lo, draft],
                   partners=[open_partner])
    ProjectFactory(countries=[kenya], member_organisations=[abf], partners=[hidden_partner],
                   visibility=Project.Visibility.HIDE_PARTNERS)
    ProjectFactory(countries=[kenya], member_organisations=[kommunal], published=False)
    ProjectFactory(countries=[uganda], member_organisations=[kommunal])
    html = page(client, "/lander/kenya/")
    assert section(html, "members-title") == "Medlemsorganisationer som är verksamma här ABF LO"
    assert section(html, "partners-title") == "Lokala partner Öppen partner"
    ProjectFactory(countries=[kenya], member_organisations=[kommunal])
    assert "Kommunal" in section(page(client, "/lander/kenya/"), "members-title")


def test_the_home_pages_regions_show_a_new_country_or_project_at_once(client):
    region = RegionFactory(slug="asien", name_sv="Asien", name_en="Asia")
    country = CountryFactory(name_sv="Myanmar", region=region)
    ProjectFactory(countries=[country])
    assert "Asien 1 land, 1 projekt" in section(page(client, "/"), "regions-title")
    ProjectFactory(countries=[CountryFactory(name_sv="Filippinerna", region=region)])
    assert "Asien 2 länder, 2 projekt" in section(page(client, "/"), "regions-title")
    assert "Asia 2 countries, 2 projects" in section(page(client, "/en/"), "regions-title")


def test_the_home_pages_latest_projects_show_a_new_project_at_once(client):
    ProjectFactory(title_sv="Fack i Manila", title_en="Unions in Manila")
    assert "Fack i Manila" in section(page(client, "/"), "latest-title")
    ProjectFactory(title_sv="Kvinnor i Burma", title_en="Women in Burma")
    assert "Kvinnor i Burma" in section(page(client, "/"), "latest-title")
    assert "Women in Burma" in section(page(client, "/en/"), "latest-title")


def test_the_project_lists_filter_counts_follow_a_change_at_once(client):
    country = CountryFactory(slug="burma", name_sv="Burma", name_en="Burma")
    ProjectFactory(countries=[country])

    def burma_option(path):
        html = page(client, path)
        return re.search(r'<option value="burma"[^>]*>([^<]*)</option>', html).group(1)

    # The counts are the same for every page and sort of a list, in each language.
    assert burma_option("/projekt/") == "Burma (1)"
    assert burma_option("/projekt/?sort=title&page=2") == "Burma (1)"
    ProjectFactory(countries=[country])
    assert burma_option("/projekt/") == "Burma (2)"
    assert burma_option("/projekt/?sort=title&page=2") == "Burma (2)"
    assert burma_option("/en/projects/") == "Burma (2)"
    # And follow the other filters in force.
    ProjectFactory(countries=[country], status="completed")
    assert burma_option("/projekt/?status=completed") == "Burma (1)"
    assert '<option value="burma" selected>Burma (3)</option>' in page(
        client, "/projekt/?country=burma")


def test_a_page_of_the_project_list_follows_a_change_at_once(client):
    country = CountryFactory(slug="burma")
    ProjectFactory.create_batch(20, countries=[country])

    def result_count(path):
        return re.search(r'class="result-count" role="status">([^<]*)<', page(client, path))[1]

    assert result_count("/projekt/?country=burma") == "20 projekt"
    assert "Sida 1 av 2" not in page(client, "/projekt/?country=burma")
    ProjectFactory(title_sv="Det nya projektet", countries=[country])
    assert result_count("/projekt/?country=burma") == "21 projekt"
    assert result_count("/en/projects/?country=burma") == "21 projects"
    html = page(client, "/projekt/?country=burma")
    assert "Det nya projektet" in html and "Sida 1 av 2" in html
    # Each page and sort of the list is its own.
    assert "Sida 2 av 2" in page(client, "/projekt/?country=burma&page=2")
    assert result_count("/projekt/?country=burma&page=2") == "21 projekt"


def test_a_programme_page_shows_a_change_to_its_projects_and_countries_at_once(client):
    programme = ProgrammeFactory(slug="asienprogrammet")
    programme.countries.set([CountryFactory(name_sv="Myanmar")])
    ProjectFactory(title_sv="Fack i Myanmar", programme=programme)
    html = page(client, "/program/asienprogrammet/")
    assert "Fack i Myanmar" in section(html, "projects-title")
    assert "Länder Myanmar" in facts(html)
    programme.countries.add(CountryFactory(name_sv="Filippinerna"))
    ProjectFactory(title_sv="Fack i Manila", programme=programme)
    html = page(client, "/program/asienprogrammet/")
    assert "Fack i Manila" in section(html, "projects-title")
    assert "Länder Filippinerna, Myanmar" in facts(html)


def test_the_about_pages_lists_follow_a_change_at_once(client):
    MemberOrganisationFactory(name_sv="LO", name_en="LO", is_founder=True)
    html = page(client, "/om-oss/")
    assert "LO" in section(html, "members-title") and "ABF" not in html
    MemberOrganisationFactory(name_sv="ABF", name_en="ABF")
    NetworkFactory(name_sv="Folkkraft")
    html = page(client, "/om-oss/")
    assert "ABF" in section(html, "members-title") and "Folkkraft" in html
    assert "ABF" in section(page(client, "/en/about/"), "members-title")


def test_the_newsletter_pages_form_follows_its_lists_the_link_and_the_visitor(client):
    newsletter = MailingListFactory(slug="nyhetsbrev", name_sv="Nyhetsbrev")
    MailingListFactory(slug="seminarier", name_sv="Seminarieinbjudningar")

    def boxes(html):
        form = html[html.index('id="signup-form"'):]
        return {re.search(r'value="([^"]+)"', tag)[1]: " checked" in tag
                for tag in re.findall(r'<input[^>]*name="lists"[^>]*>', form)}

    assert boxes(page(client, "/nyhetsbrev/")) == {"nyhetsbrev": False, "seminarier": False}
    assert boxes(page(client, "/nyhetsbrev/?list=seminarier")) == {
        "nyhetsbrev": False, "seminarier": True}
    newsletter.name_sv = "Månadsbrevet"
    newsletter.save()
    assert "Månadsbrevet" in page(client, "/nyhetsbrev/")
    # A form sent with a mistake is shown with the visitor's own choices and the error.
    response = client.post("/nyhetsbrev/", {"email": "inte en adress", "lists": ["nyhetsbrev"]})
    assert response.status_code == 400
    html = response.content.decode()
    assert boxes(html) == {"nyhetsbrev": True, "seminarier": False}
    assert 'value="inte en adress"' in html


def test_the_member_organisations_page_follows_a_change_at_once(client):
    lo = MemberOrganisationFactory(name_sv="LO", name_en="LO")
    assert "LO" in page(client, "/medlemmar/") and "IF Metall" not in page(client, "/medlemmar/")
    MemberOrganisationFactory(name_sv="IF Metall", name_en="IF Metall", parent=lo)
    assert "IF Metall" in page(client, "/medlemmar/")
    assert "IF Metall" in page(client, "/en/members/")


def test_swedish_and_english_cards_never_mix(client):
    ProjectFactory(title_sv="Fackliga rättigheter", title_en="Trade union rights",
                   summary_sv="Om fackföreningar.", summary_en="About trade unions.")
    swedish, english = page(client, "/projekt/"), page(client, "/en/projects/")
    assert "Fackliga rättigheter" in swedish and "Trade union rights" not in swedish
    assert "Trade union rights" in english and "Fackliga rättigheter" not in english
    assert "About trade unions." in english and "Om fackföreningar." not in english


def test_the_footer_form_names_the_page_it_was_sent_from(client):
    MailingListFactory(name_sv="Nyhetsbrev")
    ProjectFactory(slug="vatten")
    for path in ("/", "/projekt/", "/projekt/vatten/"):
        assert f'name="source" value="{path}"' in footer(page(client, path))


def test_a_new_or_renamed_mailing_list_shows_at_once_in_the_footer(client):
    newsletter = MailingListFactory(name_sv="Nyhetsbrev")
    assert "Nyhetsbrev" in footer(page(client, "/"))
    MailingListFactory(name_sv="Seminarieinbjudningar")
    newsletter.name_sv = "Månadsbrevet"
    newsletter.save()
    html = footer(page(client, "/projekt/"))
    assert "Seminarieinbjudningar" in html and "Månadsbrevet" in html
    assert "Nyhetsbrev" not in html


def test_the_footer_is_in_the_pages_language(client):
    MailingListFactory(name_sv="Nyhetsbrev", name_en="Newsletter")
    swedish, english = footer(page(client, "/")), footer(page(client, "/en/"))
    assert "Nyhetsbrev" in swedish and "E-postadress" in swedish
    assert "Newsletter" in english and "E-mail address" in english


def test_without_a_working_cache_the_parts_are_rendered_for_every_page(client, settings):
    settings.CACHES = {"default": {
        "BACKEND": "django.core.cache.backends.dummy.DummyCache"}}
    MailingListFactory(name_sv="Nyhetsbrev")
    project = ProjectFactory(title_sv="Fackliga rättigheter")
    assert "Fackliga rättigheter" in page(client, "/projekt/")
    project.title_sv = "Rätten att organisera sig"
    project.save()
    html = page(client, "/projekt/")
    assert "Rätten att organisera sig" in html and "Nyhetsbrev" in footer(html)


def test_the_menu_marks_the_section_the_page_is_in(client):
    ProjectFactory(slug="vatten")

    def current(html):
        start = html.index('class="main-nav"')
        menu = html[start:html.index("</nav>", start)]
        return re.findall(r'href="([^"]+)" aria-current="(\w+)"', menu)

    assert current(page(client, "/projekt/")) == [("/projekt/", "page")]
    assert current(page(client, "/projekt/vatten/")) == [("/projekt/", "true")]
    assert current(page(client, "/en/projects/")) == [("/en/projects/", "page")]
    assert current(page(client, "/")) == []


def test_the_frame_parts_every_page_shares_follow_the_language(client):
    for path, expected, other in [
        ("/projekt/", ('action="/sok/"', "Sök på webbplatsen", "Till toppen av sidan"),
         "Back to top of page"),
        ("/en/projects/", ('action="/en/search/"', "Search the site", "Back to top of page"),
         "Till toppen av sidan"),
        ("/", ('action="/sok/"', "Sök på webbplatsen", "Till toppen av sidan"),
         "Back to top of page"),
    ]:
        html = page(client, path)
        for text in expected:
            assert text in html, (path, text)
        assert other not in html
        # Our own stylesheet and the print one; no Bootstrap any more (issue 25, item 6).
        assert re.findall(r'<link rel="stylesheet" href="/static/css/([a-z]+)\.css"', html) == [
            "site", "print"]


def test_a_change_made_while_a_request_runs_is_seen_by_what_it_renders_next(rf):
    """A request that saves content (a staff POST) renders what follows anew: a project
    card rendered after the save shows the new title."""
    # The receivers themselves: sending request_finished would also close the test's
    # database connection (Django's close_old_connections).
    project = ProjectFactory(title_sv="Fackliga rättigheter", published=True)
    request = rf.get("/projekt/")

    def card():
        shown = Project.objects.for_cards().get(pk=project.pk)
        return render_to_string("includes/project_card.html", {"project": shown},
                                request=request)

    page_cache.request_started_receiver(sender=None)
    try:
        assert "Fackliga rättigheter" in card()
        project.title_sv = "Rätten att organisera sig"
        project.save()
        assert "Rätten att organisera sig" in card()
    finally:
        page_cache.request_finished_receiver(sender=None)
