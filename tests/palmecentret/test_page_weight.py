"""What a visitor downloads besides the page stays small (issue 25, item 6): the
stylesheets every page links are under 40 KB compressed as WhiteNoise serves them, no web
font (none today) over 100 KB in all, and no script but our own small one."""

import re

import pytest
from django.contrib.staticfiles import finders
from whitenoise.compress import Compressor

from tests.factories import ProjectFactory

pytestmark = pytest.mark.django_db

STYLESHEETS_LIMIT = 40 * 1024
FONTS_LIMIT = 100 * 1024
PAGES = ["/", "/en/", "/projekt/", "/projekt/vatten/", "/regioner/", "/stod-oss/",
         "/nyhetsbrev/", "/medlemmar/"]


def linked(client, path, pattern):
    response = client.get(path)
    assert response.status_code == 200, (path, response.status_code)
    return re.findall(pattern, response.content.decode())


def static_bytes(url):
    path = finders.find(url.removeprefix("/static/"))
    assert path, f"{url} is not a static file"
    with open(path, "rb") as file:
        return file.read()


@pytest.fixture
def stylesheets(client):
    ProjectFactory(slug="vatten")
    found = set()
    for path in PAGES:
        found.update(linked(client, path, r'<link rel="stylesheet" href="([^"]+)"'))
    return sorted(found)


def test_the_stylesheets_are_under_40_kb_compressed(stylesheets):
    assert stylesheets == ["/static/css/print.css", "/static/css/site.css"]
    data = [static_bytes(url) for url in stylesheets]

    gzipped = sum(len(Compressor.compress_gzip(d)) for d in data)
    brotli = sum(len(Compressor.compress_brotli(d)) for d in data)

    assert gzipped < STYLESHEETS_LIMIT, f"{gzipped} bytes with gzip"
    assert brotli < STYLESHEETS_LIMIT, f"{brotli} bytes with brotli"


def test_no_page_loads_bootstrap_or_a_script_framework(client):
    ProjectFactory(slug="vatten")
    for path in PAGES:
        assert linked(client, path, r'<script[^>]* src="([^"]+)"') == ["/static/js/site.js"]
        assert not linked(client, path, r'"[^"]*bootstrap[^"]*\.(?:css|js)"')


def test_web_fonts_if_any_stay_under_100_kb_in_all():
    fonts = [path for finder in finders.get_finders() for path, _ in finder.list([])
             if path.endswith((".woff2", ".woff", ".ttf", ".otf"))]
    assert sum(len(static_bytes("/static/" + path)) for path in fonts) <= FONTS_LIMIT
