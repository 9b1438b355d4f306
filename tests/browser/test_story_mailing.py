"""Nina, the newsletter manager, makes a newsletter from stories in Chromium at 1366 px:
from the list of mailings to the compose page (axe), a draft refused, then the draft
mailing made and previewed; the mail's images carry alt text and absolute addresses."""

import os
from pathlib import Path

import pytest
from django.conf import settings

from newsletter.models import Mailing, Subscription
from tests.admin_personas import log_in, nina
from tests.browser.accessibility import FAILING_IMPACTS, axe_violations, describe
from tests.factories import (
    MailingListFactory,
    StoryFactory,
    SubscriberFactory,
    SubscriptionFactory,
)
from tests.stories.story_pages import with_image

# SCREENSHOT_DIR=/some/folder keeps pictures of the pages for a person to look at.
SCREENSHOTS = os.environ.get("SCREENSHOT_DIR")


def screenshot(page, name):
    if SCREENSHOTS:
        page.screenshot(path=Path(SCREENSHOTS) / name, full_page=True)


@pytest.fixture(autouse=True)
def content(transactional_db, settings, live_server):
    # The mail's absolute addresses lead to the test's own server, so the images load.
    settings.SITE_URL = live_server.url
    with_image(StoryFactory(title_sv="Vatten i byn", title_en="Water in the village",
                            published_on="2026-11-20"))
    StoryFactory(title_sv="Facket växer", title_en="", lead_en="",
                 published_on="2026-11-10")
    StoryFactory(title_sv="Ännu inte klar", published=False)
    news = MailingListFactory(name_sv="Nyhetsbrev", name_en="Newsletter")
    for language in ("sv", "en"):
        SubscriptionFactory(mailing_list=news, status=Subscription.Status.ACTIVE,
                            subscriber=SubscriberFactory(language=language))


def assert_no_serious_violations(page):
    failing = [v for v in axe_violations(page) if v["impact"] in FAILING_IMPACTS]
    assert not failing, describe(failing)


def test_a_newsletter_manager_makes_a_mailing_from_two_stories(page):
    page.set_viewport_size({"width": 1366, "height": 900})
    log_in(page, nina())
    page.goto("/admin/newsletter/mailing/")
    page.get_by_role("link", name="Nytt utskick från berättelser").click()
    page.wait_for_url("**/admin/stories/compose-mailing/")
    # Published stories only; the one without English says so.
    choices = page.locator("#id_stories").inner_text()
    assert "Vatten i byn" in choices and "Facket växer" in choices
    assert "bara på svenska" in choices and "Ännu inte klar" not in choices
    assert_no_serious_violations(page)

    page.get_by_label("Vatten i byn").check()
    page.get_by_label("Facket växer").check()
    page.fill("#id_subject_sv", "Nytt från fältet")
    page.fill("#id_introduction_sv", "Hej! Här är veckans berättelser.")
    page.get_by_label("Nyhetsbrev").check()
    # The list has an English reader: the English version is asked for.
    page.get_by_role("button", name="Gör utkastet till utskick").click()
    assert "1 prenumerant på listorna har valt engelska" in page.locator(
        "#content-main").inner_text()
    assert_no_serious_violations(page)
    page.fill("#id_subject_en", "News from the field")
    page.fill("#id_introduction_en", "Hello! This week's stories.")
    screenshot(page, "story_mailing_compose.png")
    page.get_by_role("button", name="Gör utkastet till utskick").click()

    page.wait_for_url("**/admin/newsletter/mailing/*/change/")
    assert "gjort av 2 berättelser" in page.locator(".messagelist").inner_text()
    mailing = Mailing.objects.get()
    assert mailing.status == Mailing.Status.DRAFT
    assert "Vatten i byn" in page.locator("#id_body_sv").input_value()

    page.get_by_role("link", name="Förhandsvisning").click()
    frame = page.frame_locator("iframe").first
    image = frame.locator("img")
    assert image.get_attribute("alt") == "Kvinnor vid en brunn"
    assert image.get_attribute("src").startswith(settings.SITE_URL + "/media/renditions/")
    # No wider than the mail's column at 1366 px.
    assert image.bounding_box()["width"] <= 552
    hrefs = [link.get_attribute("href") for link in frame.locator("a").all()]
    assert hrefs and all(href.startswith(settings.SITE_URL) for href in hrefs)
    # The image loaded: it was made when the story's image was saved.
    assert frame.locator("img").evaluate("img => img.naturalWidth") == 800
    screenshot(page, "story_mailing_preview.png")
