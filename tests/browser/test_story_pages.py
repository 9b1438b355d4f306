"""The stories in a real browser at a phone's (390 px) and a desktop's (1366 px) width:
the list, a story (in Swedish, and in English where only Swedish exists) and the home
page with its latest stories never scroll sideways and pass axe; on a phone the filters
fold behind one button and the menu names the stories."""

import io
import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from PIL import Image

from common.images import clean_image
from projects.models import Country, Project
from stories.models import Story
from tests.browser.accessibility import assert_accessible
from tests.factories import StoryFactory

WIDTHS = [390, 1366]


def photo(colour):
    output = io.BytesIO()
    Image.new("RGB", (1600, 1000), colour).save(output, "JPEG")
    return clean_image(SimpleUploadedFile("foto.jpg", output.getvalue(),
                                          content_type="image/jpeg"))


@pytest.fixture(autouse=True)
def stories(transactional_db):
    call_command("load_demo", allow_production=True, stdout=io.StringIO())
    serbia = Country.objects.get(slug="serbien")
    project = Project.objects.public().filter(countries=serbia).first()
    for n in range(14):
        story = StoryFactory(
            slug=f"test-{n}", title_sv=f"En berättelse från Serbien med en lång rubrik {n}",
            title_en="" if n % 3 == 0 else f"A story from Serbia with a long headline {n}",
            lead_en="" if n % 3 == 0 else "It began with a meeting.",
            author="Eva Ek", projects=[project], countries=[serbia], is_demo=n % 2 == 0,
            published_on=f"2026-10-{n + 1:02d}", image_credit="Eva Ek",
            image_alt_sv="Ett möte.", image_alt_en="A meeting.")
        if n % 2:
            story.image = photo((166, 25, 46))
            story.save()


def visit(page, path, width):
    page.set_viewport_size({"width": width, "height": 844 if width < 992 else 900})
    response = page.goto(path)
    assert response is not None and response.status == 200, (path, response and response.status)


@pytest.mark.parametrize("width", WIDTHS)
def test_story_pages_never_scroll_sideways_and_are_accessible(page, width):
    for path in ["/berattelser/", "/berattelser/?region=balkan&page=2", "/en/stories/",
                 "/berattelser/test-1/", "/berattelser/test-0/", "/en/stories/test-0/",
                 "/en/stories/test-1/", "/", "/lander/serbien/"]:
        visit(page, path, width)
        scroll_width = page.evaluate("document.documentElement.scrollWidth")
        assert scroll_width <= width, f"{path} is {scroll_width} px wide at {width} px"
        assert_accessible(page)


def test_on_a_phone_the_filters_fold_behind_one_button(page):
    visit(page, "/berattelser/", 390)
    region = page.get_by_label("Region")
    assert not region.is_visible()
    page.get_by_role("button", name="Filtrera").click()
    region.select_option("balkan")
    page.get_by_role("button", name="Visa berättelser").click()
    page.wait_for_url(re.compile(r"/berattelser/\?region=balkan"))
    assert page.get_by_role("button", name="Filtrera (1)").is_visible()
    # The 14 above and the demo's own stories from the Balkans.
    balkan = Story.objects.public().filter(countries__region__slug="balkan").distinct()
    assert balkan.count() > 14
    assert page.get_by_role("status").inner_text() == f"{balkan.count()} berättelser"


def test_the_phone_menu_leads_to_the_stories(page):
    visit(page, "/", 390)
    page.get_by_role("button", name="Meny").click()
    page.get_by_role("navigation", name="Huvudmeny").get_by_role(
        "link", name="Berättelser").click()
    page.wait_for_url("**/berattelser/")
    assert page.get_by_role("heading", level=1).inner_text() == "Berättelser"
