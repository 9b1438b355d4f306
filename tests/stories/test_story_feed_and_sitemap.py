"""Stories outside their pages: the Atom feed (per language, filtered like the list),
the sitemap in both languages, and the Open Graph tags a shared link is previewed from.
Drafts are in none of them."""

import io
import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from lxml import etree
from PIL import Image

from common.images import clean_image
from tests.factories import CountryFactory, RegionFactory, StoryFactory, ThemeFactory

pytestmark = pytest.mark.django_db

ATOM = "{http://www.w3.org/2005/Atom}"
SITE = "https://palmecentret.example"


@pytest.fixture(autouse=True)
def site_url(settings):
    settings.SITE_URL = SITE


@pytest.fixture
def stories():
    country = CountryFactory(slug="palestina", name_sv="Palestina", name_en="Palestine",
                             region=RegionFactory(slug="mena"))
    theme = ThemeFactory(slug="unga", name_sv="Unga", name_en="Youth")
    return {
        "gaza": StoryFactory(slug="gaza", title_sv="Facket i Gaza", title_en="Unions in Gaza",
                             lead_sv="Ett möte <i>i</i> Gaza.", author="Eva Ek",
                             countries=[country], themes=[theme],
                             published_on="2026-10-03"),
        "older": StoryFactory(slug="aldre", title_sv="Äldre berättelse", title_en="",
                              published_on="2026-02-01"),
        "draft": StoryFactory(slug="utkast", title_sv="Utkastet", published=False,
                              published_on="2026-12-01"),
    }


def parse(response):
    assert response.status_code == 200
    return etree.fromstring(response.content)


def entries(root):
    return [entry.findtext(f"{ATOM}title") for entry in root.iter(f"{ATOM}entry")]


# --- The feed ----------------------------------------------------------------------------

def test_the_feed_is_atom_with_the_public_stories_newest_first(client, stories):
    response = client.get("/berattelser/flode.atom")
    assert response["Content-Type"].startswith("application/atom+xml")
    root = parse(response)
    assert root.tag == f"{ATOM}feed"
    for required in ("id", "title", "updated", "author"):
        assert root.find(f"{ATOM}{required}") is not None, required
    assert entries(root) == ["Facket i Gaza", "Äldre berättelse"]
    first = next(root.iter(f"{ATOM}entry"))
    assert first.find(f"{ATOM}link").get("href") == f"{SITE}/berattelser/gaza/"
    # The lead is text, not markup.
    assert first.findtext(f"{ATOM}summary") == "Ett möte &lt;i&gt;i&lt;/i&gt; Gaza."
    assert first.findtext(f"{ATOM}published").startswith("2026-10-03")
    assert first.findtext(f"{ATOM}author/{ATOM}name") == "Eva Ek"
    assert {c.get("term") for c in first.iter(f"{ATOM}category")} == {"Palestina", "Unga"}


def test_the_english_feed_speaks_english_and_falls_back_to_swedish(client, stories):
    root = parse(client.get("/en/stories/feed.atom"))
    assert root.findtext(f"{ATOM}title") == "Olof Palme International Center: stories"
    assert entries(root) == ["Unions in Gaza", "Äldre berättelse"]
    assert next(root.iter(f"{ATOM}entry")).find(f"{ATOM}link").get("href") == (
        f"{SITE}/en/stories/gaza/")


def test_the_feed_follows_the_lists_filters_and_links_on_site_url(client, stories, settings):
    settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, "evil.example"]
    response = client.get("/berattelser/flode.atom?country=palestina",
                          HTTP_HOST="evil.example")
    assert "evil.example" not in response.content.decode()
    root = parse(response)
    assert entries(root) == ["Facket i Gaza"]
    assert "Palestina" in root.findtext(f"{ATOM}title")
    assert root.find(f"{ATOM}link[@rel='self']").get("href") == (
        f"{SITE}/berattelser/flode.atom?country=palestina")
    # An unknown value is left out, as on the list.
    assert len(entries(parse(client.get("/berattelser/flode.atom?country=atlantis")))) == 2


def test_the_list_and_the_home_page_announce_the_feed(client, stories):
    html = client.get("/berattelser/?theme=unga").content.decode()
    head = html[:html.index("</head>")]
    assert re.search(r'<link rel="alternate" type="application/atom\+xml" title="[^"]+" '
                     r'href="/berattelser/flode.atom\?theme=unga">', head)
    english = client.get("/en/stories/").content.decode()
    assert 'href="/en/stories/feed.atom"' in english[:english.index("</head>")]
    home = client.get("/").content.decode()
    assert 'type="application/atom+xml"' in home[:home.index("</head>")]
    assert 'href="/berattelser/flode.atom"' in home


# --- The sitemap ---------------------------------------------------------------------------

def test_the_sitemap_lists_public_stories_in_both_languages(client, stories):
    index = client.get("/sitemap.xml").content.decode()
    assert f"<loc>{SITE}/sitemap-stories.xml</loc>" in index
    xml = client.get("/sitemap-stories.xml").content.decode()
    locations = re.findall(r"<loc>([^<]+)</loc>", xml)
    assert sorted(locations) == sorted([
        f"{SITE}/berattelser/gaza/", f"{SITE}/en/stories/gaza/",
        f"{SITE}/berattelser/aldre/", f"{SITE}/en/stories/aldre/"])
    (entry,) = re.findall(r"<loc>[^<]*/berattelser/gaza/</loc>.*?</url>", xml, re.S)
    assert f'hreflang="en" href="{SITE}/en/stories/gaza/"' in entry
    assert f'hreflang="x-default" href="{SITE}/berattelser/gaza/"' in entry
    assert "utkast" not in xml
    pages = client.get("/sitemap-pages.xml").content.decode()
    assert f"<loc>{SITE}/berattelser/</loc>" in pages
    assert f"<loc>{SITE}/en/stories/</loc>" in pages


# --- Sharing -------------------------------------------------------------------------------

def meta(html, prop):
    found = re.findall(rf'<meta (?:property|name)="{re.escape(prop)}" content="([^"]*)">', html)
    return found[0] if found else None


def photo(width=1600, height=1000):
    output = io.BytesIO()
    Image.new("RGB", (width, height), (200, 40, 40)).save(output, "JPEG")
    return clean_image(SimpleUploadedFile("foto.jpg", output.getvalue(),
                                          content_type="image/jpeg"))


def test_a_shared_story_is_previewed_with_its_image_lead_and_date(client, stories):
    story = stories["gaza"]
    story.image = photo()
    story.image_alt_sv = "Ett möte i en fackförening."
    story.save()
    html = client.get("/berattelser/gaza/").content.decode()
    assert meta(html, "og:type") == "article"
    assert meta(html, "og:title").startswith("Facket i Gaza")
    # The lead as plain text (its markup-like characters stay characters).
    assert meta(html, "og:description") == "Ett möte &lt;i&gt;i&lt;/i&gt; Gaza."
    image = meta(html, "og:image")
    assert re.fullmatch(rf"{SITE}/media/renditions/.+\.jpg", image), image
    assert meta(html, "og:image:width") == "1200"
    assert meta(html, "og:image:alt") == "Ett möte i en fackförening."
    assert meta(html, "article:published_time") == "2026-10-03"
    assert meta(html, "og:url") == f"{SITE}/berattelser/gaza/"
    assert meta(html, "twitter:card") == "summary_large_image"
    # The image is really there to fetch.
    assert client.get(image.removeprefix(SITE)).status_code == 200


def test_a_story_without_an_image_is_shared_without_one(client, stories):
    html = client.get("/berattelser/gaza/").content.decode()
    assert meta(html, "og:image") is None
    assert meta(html, "twitter:card") == "summary"
