"""Writing for the site (issue 26, item 5): the long public texts are Markdown, rendered
on their pages by the one safe renderer (common.markdown), and the admin form says so."""

import re

import pytest

from tests.admin_personas import root
from tests.factories import (CountryFactory, MemberOrganisationFactory, NetworkFactory,
                             RegionFactory, SeminarFactory)

pytestmark = pytest.mark.django_db

TEXT = """Vi stöder **fria fackföreningar**.
Andra raden i samma stycke.

- studiecirklar
- utbildning

Läs mer hos [ABF](https://www.abf.se/) och [projekten](/projekt/).

<script>alert("hacked")</script>
<a href="javascript:alert(1)">klicka</a> [farlig](javascript:alert(2))
<p onclick="alert(3)">Text</p>
"""


def pages():
    """(page address, admin change form address) of each kind of record with a long
    public Markdown text, the text being TEXT."""
    region = RegionFactory(slug="mellanostern", focus_sv=TEXT)
    country = CountryFactory(slug="palestina", focus_sv=TEXT, region=region)
    member = MemberOrganisationFactory(slug="abf", description_sv=TEXT, published=True)
    network = NetworkFactory(slug="concord", description_sv=TEXT, published=True)
    seminar = SeminarFactory(slug="fredssamtal", description_sv=TEXT, published=True)
    return [
        ("/regioner/mellanostern/", f"/admin/projects/region/{region.pk}/change/"),
        ("/lander/palestina/", f"/admin/projects/country/{country.pk}/change/"),
        ("/medlemmar/abf/", f"/admin/members/memberorganisation/{member.pk}/change/"),
        ("/natverk/concord/", f"/admin/members/network/{network.pk}/change/"),
        ("/seminarier/fredssamtal/", f"/admin/newsletter/seminar/{seminar.pk}/change/"),
    ]


def test_marks_render_on_every_public_page(client):
    for url, _ in pages():
        body = client.get(url).content.decode()
        assert "<strong>fria fackföreningar</strong>" in body, url
        assert "<li>studiecirklar</li>" in body, url
        assert '<a href="https://www.abf.se/" rel="noopener noreferrer">ABF</a>' in body, url
        assert '<a href="/projekt/" rel="noopener noreferrer">projekten</a>' in body, url
        # A single line break, as written before the texts were Markdown, stays one.
        assert "fria fackföreningar</strong>.<br>\nAndra raden" in body, url
        assert "**" not in body and "](" not in body, url


def test_raw_html_and_javascript_links_do_not_render(client):
    for url, _ in pages():
        main = client.get(url).content.decode()
        main = main[main.index('id="main"'):]
        for dangerous in ("<script", 'alert("hacked")', "javascript:", "onclick"):
            assert dangerous not in main, (url, dangerous)
        assert "klicka" in main and "Text" in main, url  # the words stay, the code goes


def test_the_page_description_has_the_words_without_the_marks(client):
    MemberOrganisationFactory(slug="lo", published=True,
                              description_sv="**LO** samlar [fjorton förbund](https://lo.se/).")
    head = client.get("/medlemmar/lo/").content.decode().split("</head>")[0]
    assert '<meta name="description" content="LO samlar fjorton förbund.">' in head


@pytest.mark.parametrize("language, summary, help_text", [
    ("sv", "Så skriver du: tecknen som fungerar", "Markdown: **fetstil**"),
    ("en", "How to write: the marks that work", "Markdown: **bold**"),
])
def test_the_form_says_the_text_is_markdown_and_shows_the_marks(client, language, summary,
                                                                help_text):
    client.force_login(root())
    prefix = "/en" if language == "en" else ""
    for _, admin_url in pages():
        page = client.get(prefix + admin_url).content.decode()
        # The Swedish and the English text each: the help text and the guide under it.
        assert page.count(help_text) == 2, admin_url
        assert page.count(f"<summary>{summary}</summary>") == 2, admin_url
        assert re.search(r'<a href="/(en/)?admin/guide/#markdown">', page), admin_url


def test_the_staff_guide_explains_the_marks(client):
    client.force_login(root())
    page = client.get("/admin/guide/").content.decode()
    assert '<h2 id="markdown">Skriva texter till webbplatsen (Markdown)</h2>' in page
    assert "<code>[ABF](https://www.abf.se/)</code>" in page


def test_short_texts_stay_plain(client):
    # A title is not Markdown: its marks are shown as typed, never as HTML.
    SeminarFactory(slug="stjarnor", title_sv="Fred *nu*", published=True)
    page = client.get("/seminarier/stjarnor/").content.decode()
    assert "<h1>Fred *nu*" in page
