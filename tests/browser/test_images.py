"""Images as a phone (390 px) and a desktop (1366 px) show them: every picture loads a
rendition, with srcset, sizes, width, height and alt text; content without an image
shows a fallback; nothing scrolls sideways and axe stays clean."""

import io

import pytest
from django.core.management import call_command

from projects.models import Project
from tests.browser.accessibility import assert_accessible

VIEWPORTS = [pytest.param({"width": 390, "height": 844}, id="phone"),
             pytest.param({"width": 1366, "height": 900}, id="desktop")]
PAGES = ["/projekt/", "/projekt/fackligt-organiserande-sydafrika/", "/regioner/asien/",
         "/lander/palestina/", "/medlemmar/", "/en/members/lo/",
         "/seminarier/fackliga-rattigheter-i-sodra-afrika/"]


@pytest.fixture(autouse=True)
def demo_content(transactional_db):
    call_command("load_demo", "--projects", "3", allow_production=True, stdout=io.StringIO())


IMAGES = """() => [...document.querySelectorAll('img.media-img')].map(img => ({
    srcset: img.getAttribute('srcset'), sizes: img.getAttribute('sizes'),
    width: img.getAttribute('width'), height: img.getAttribute('height'),
    alt: img.getAttribute('alt'), loaded: img.complete && img.naturalWidth > 0,
    webp: img.parentElement.querySelector('source[type="image/webp"]') !== null,
    src: img.currentSrc}))"""


@pytest.mark.parametrize("viewport", VIEWPORTS)
def test_pages_show_renditions_with_srcset_size_and_alt(page, viewport):
    page.set_viewport_size(viewport)
    failed = []
    page.on("response", lambda r: r.status >= 400 and failed.append(f"{r.status} {r.url}"))
    for path in PAGES:
        response = page.goto(path)
        assert response.status == 200, path
        # Lazy images load as they come near the screen: bring each one there.
        pictures = page.locator("img.media-img")
        for index in range(pictures.count()):
            pictures.nth(index).scroll_into_view_if_needed()
        page.wait_for_load_state("networkidle")
        images = page.evaluate(IMAGES)
        assert images, path
        for image in images:
            assert image["srcset"] and image["sizes"] and image["webp"], (path, image)
            assert int(image["width"]) > 0 and int(image["height"]) > 0, (path, image)
            assert image["alt"], (path, image)
            assert image["src"].startswith(page.url.split("/", 3)[0]), (path, image)
            assert "/media/renditions/" in image["src"], (path, image)
        page.wait_for_function(
            "[...document.querySelectorAll('img.media-img')].every(i => i.complete)")
        assert all(i["loaded"] for i in page.evaluate(IMAGES)), path
        width = page.evaluate("document.documentElement.scrollWidth")
        assert width <= viewport["width"], (path, width)
        assert_accessible(page)
    assert not failed, failed


def test_a_project_without_an_image_shows_its_country_on_the_region_colour(page):
    generated = Project.objects.public().filter(slug__startswith="exempelprojekt-").first()
    page.set_viewport_size({"width": 390, "height": 844})
    page.goto("/projekt/?q=" + generated.title_sv.replace(" ", "+"))
    fallback = page.locator(".project-card .media-fallback").first
    assert fallback.get_attribute("aria-hidden") == "true"
    box = fallback.bounding_box()
    assert box["height"] > 100 and abs(box["width"] / box["height"] - 1.5) < 0.05
    colour = fallback.evaluate("e => getComputedStyle(e).backgroundColor")
    assert colour not in ("rgba(0, 0, 0, 0)", "transparent")
    assert fallback.locator("svg path").count() == 1


@pytest.mark.parametrize("viewport", VIEWPORTS)
def test_a_member_logos_credit_reads_in_whole_lines(page, viewport):
    # Under a 10 rem logo the credit wrapped into four lines of two or three words.
    page.set_viewport_size(viewport)
    page.goto("/medlemmar/lo/")
    credit = page.locator("figure.media--logo .media-credit")
    line = float(credit.evaluate("c => parseFloat(getComputedStyle(c).lineHeight)"))
    assert credit.bounding_box()["height"] <= 2 * line + 1, credit.inner_text()
