"""A newsletter made from stories: the draft it makes, the mail that goes out (absolute
images and links, alt text, plain text with links), drafts refused, who may compose."""

import re
from pathlib import Path

import pytest
from django.conf import settings
from django.core import mail
from django.urls import reverse

from newsletter.models import Mailing, Subscription
from stories import mailing as story_mailing
from tests.admin_personas import carl, nina, root
from tests.factories import (
    MailingListFactory,
    StoryFactory,
    SubscriberFactory,
    SubscriptionFactory,
)
from tests.stories.story_pages import with_image

pytestmark = pytest.mark.django_db

SITE = "https://palmecentret.example"
COMPOSE = "/admin/stories/compose-mailing/"


@pytest.fixture(autouse=True)
def site_url(settings):
    settings.SITE_URL = SITE


@pytest.fixture
def stories():
    water = with_image(StoryFactory(
        title_sv="Vatten i byn", title_en="Water in the village", slug="vatten-i-byn",
        lead_sv="Brunnen räcker nu för alla.", lead_en="The well is now enough for all.",
        published_on="2026-11-20"))
    union = StoryFactory(title_sv="Facket växer", title_en="", lead_sv="Tusen nya medlemmar.",
                         lead_en="", slug="facket-vaxer", published_on="2026-11-10")
    return water, union


@pytest.fixture
def news():
    news = MailingListFactory(name_sv="Nyhetsbrev", name_en="Newsletter")
    for language in ("sv", "sv", "en"):
        SubscriptionFactory(mailing_list=news, status=Subscription.Status.ACTIVE,
                            subscriber=SubscriberFactory(language=language))
    return news


def compose(client, stories, news, **changes):
    data = {"stories": [story.pk for story in stories], "mailing_lists": [news.pk],
            "subject_sv": "Nytt från fältet", "introduction_sv": "Hej! Här är **veckans** berättelser.",
            "subject_en": "News from the field", "introduction_en": "Hello! This week's stories.",
            **changes}
    return client.post(COMPOSE, data)


def srcs_and_hrefs(html):
    return re.findall(r'\b(?:src|href)="([^"]*)"', html)


class TestComposing:
    def test_two_stories_make_a_draft_in_both_languages_with_absolute_links(
            self, client, stories, news):
        water, union = stories
        client.force_login(nina())
        response = compose(client, [union, water], news)
        mailing = Mailing.objects.get()
        assert response.status_code == 302
        assert response["Location"] == reverse("admin:newsletter_mailing_change",
                                               args=[mailing.pk])
        assert mailing.status == Mailing.Status.DRAFT
        assert list(mailing.mailing_lists.all()) == [news]
        assert mailing.created_by.username == "nina"
        assert mailing.subject_sv == "Nytt från fältet"
        assert mailing.subject_en == "News from the field"
        sv, en = mailing.body_sv, mailing.body_en
        assert sv.startswith("Hej! Här är **veckans** berättelser.")
        # Newest first, each with its title as a link to its page in that language.
        assert sv.index("Vatten i byn") < sv.index("Facket växer")
        assert f"## [Vatten i byn]({SITE}/berattelser/vatten-i-byn/)" in sv
        assert f"[Läs mer]({SITE}/berattelser/vatten-i-byn/)" in sv
        assert "Brunnen räcker nu för alla." in sv and "Tusen nya medlemmar." in sv
        assert f"## [Water in the village]({SITE}/en/stories/vatten-i-byn/)" in en
        assert f"[Read more]({SITE}/en/stories/vatten-i-byn/)" in en
        assert "The well is now enough for all." in en
        # The story with no English: in Swedish, saying so, linked to its English page.
        assert f"## [Facket växer]({SITE}/en/stories/facket-vaxer/)" in en
        assert "*This story is in Swedish only.*" in en and "Tusen nya medlemmar." in en
        # The image: the 800 px JPEG rendition, absolute, with alt text and a size that
        # fits the mail's column.
        rendition = water.image_w800_jpeg
        assert rendition.url.endswith(".jpg")
        assert (f'<img src="{SITE}{rendition.url}" alt="Kvinnor vid en brunn" '
                'width="552" height="368">') in sv
        assert f'alt="Women at a well"' in en
        # The file is there (made when the image was saved, common.images.MakeOffered).
        assert (Path(settings.MEDIA_ROOT) / rendition.name).is_file()

    def test_the_preview_and_test_mail_show_the_stories(self, client, stories, news):
        client.force_login(nina())
        compose(client, stories, news)
        mailing = Mailing.objects.get()
        preview = client.get(reverse("admin:newsletter_mailing_preview", args=[mailing.pk]))
        page = preview.content.decode()
        assert preview.status_code == 200
        assert "Vatten i byn" in page and "Water in the village" in page
        response = client.post(reverse("admin:newsletter_mailing_send_test",
                                       args=[mailing.pk]))
        assert response.status_code == 302
        assert len(mail.outbox) == 2
        swedish = next(m for m in mail.outbox if m.subject.endswith("Nytt från fältet"))
        assert swedish.to == ["nina@example.org"]
        html = swedish.alternatives[0][0]
        assert "<strong>veckans</strong>" in html
        assert f'<a href="{SITE}/berattelser/vatten-i-byn/"' in html
        assert 'alt="Kvinnor vid en brunn"' in html
        # A client ignoring max-width gets the width; a phone gets max-width.
        assert 'width="552"' in html and "max-width:100%" in html

    def test_the_sent_mail_has_only_absolute_images_and_links_and_readable_text(
            self, client, stories, news, immediate_tasks):
        from newsletter import sending

        client.force_login(nina())
        compose(client, stories, news)
        mailing = Mailing.objects.get()
        sending.queue(mailing.pk)
        sent = mail.outbox
        assert len(sent) == 3
        for message in sent:
            html = message.alternatives[0][0]
            urls = srcs_and_hrefs(html)
            assert any(url.endswith(".jpg") for url in urls)
            assert urls and all(url.startswith(SITE + "/") or url == SITE for url in urls), urls
        # Every story link opens the story's page in the mail's language.
        story_links = {url for message in sent for url in srcs_and_hrefs(
            message.alternatives[0][0]) if "/berattelser/" in url or "/stories/" in url}
        assert len(story_links) == 4, story_links
        for url in story_links:
            response = client.get(url.removeprefix(SITE))
            assert response.status_code == 200, url
        english = next(m for m in sent if m.subject == "News from the field")
        text = english.body
        # Plain text: the image as its alt text, the links written out.
        assert "[Women at a well]" in text and "<img" not in text
        assert f"[Read more]({SITE}/en/stories/vatten-i-byn/)" in text
        assert f"({SITE}/en/stories/facket-vaxer/)" in text

    def test_a_narrow_image_is_sent_at_its_own_size(self, client, news):
        story = with_image(StoryFactory(slug="liten"), size=(400, 300))
        body = story_mailing.story_markdown(story, "sv")
        rendition = story.image_w480_jpeg
        assert f'src="{SITE}{rendition.url}"' in body and 'width="400" height="300"' in body
        assert (Path(settings.MEDIA_ROOT) / rendition.name).is_file()

    def test_marks_in_a_title_do_not_break_the_mail(self):
        story = StoryFactory(title_sv="Kvinnor [och] *män* <b>", slug="tecken")
        html = story_mailing.compose_body("", [story], "sv")
        from newsletter.markdown import to_html
        rendered = to_html(html)
        assert "Kvinnor [och] *män* &lt;b&gt;" in rendered

    def test_the_newest_forty_are_offered_and_an_older_one_given_in_the_link_too(
            self, client, news):
        from stories.mailing_admin import CHOICES

        old = StoryFactory(title_sv="Gammal berättelse", published_on="2020-01-01")
        StoryFactory.create_batch(CHOICES)
        client.force_login(nina())
        assert "Gammal berättelse" not in client.get(COMPOSE).content.decode()
        link = f"{COMPOSE}?stories={old.pk}"
        assert "Gammal berättelse" in client.get(link).content.decode()
        response = client.post(link, {
            "stories": [old.pk], "mailing_lists": [news.pk], "subject_sv": "Ur arkivet",
            "introduction_sv": "Hej!", "subject_en": "From the archive",
            "introduction_en": "Hello!"})
        assert response.status_code == 302
        assert "Gammal berättelse" in Mailing.objects.get().body_sv

    def test_without_english_subscribers_the_english_version_may_be_left_out(
            self, client, stories):
        only_swedish = MailingListFactory()
        SubscriptionFactory(mailing_list=only_swedish, status=Subscription.Status.ACTIVE,
                            subscriber=SubscriberFactory(language="sv"))
        client.force_login(nina())
        compose(client, stories, only_swedish, subject_en="", introduction_en="")
        mailing = Mailing.objects.get()
        assert mailing.body_en in (None, "") and mailing.subject_en in (None, "")


class TestRefusals:
    def test_a_draft_story_is_refused_by_name(self, client, stories, news):
        draft = StoryFactory(title_sv="Ännu inte klar", published=False)
        client.force_login(nina())
        response = compose(client, [stories[0], draft], news)
        assert response.status_code == 200
        page = response.content.decode()
        assert "Ännu inte klar" in page and "utkast" in page
        assert not Mailing.objects.exists()
        # Nor is it offered.
        offered = client.get(COMPOSE).content.decode()
        assert "Ännu inte klar" not in offered and "Vatten i byn" in offered

    def test_a_draft_in_the_link_is_named_and_not_ticked(self, client, stories):
        draft = StoryFactory(title_sv="Ännu inte klar", published=False)
        client.force_login(nina())
        response = client.get(f"{COMPOSE}?stories={stories[0].pk},{draft.pk}")
        page = response.content.decode()
        assert "”Ännu inte klar” är ett utkast" in page
        ticked = re.findall(r'<input type="checkbox" name="stories" value="(\d+)"[^>]*checked',
                            page)
        assert ticked == [str(stories[0].pk)]
        assert f'value="{draft.pk}"' not in page

    def test_english_readers_on_the_lists_need_an_english_version(self, client, stories, news):
        client.force_login(nina())
        response = compose(client, stories, news, subject_en="", introduction_en="")
        assert response.status_code == 200
        assert "1 prenumerant på listorna har valt engelska" in response.content.decode()
        assert not Mailing.objects.exists()

    def test_a_story_must_be_chosen(self, client, news):
        client.force_login(nina())
        response = compose(client, [], news)
        assert response.status_code == 200 and not Mailing.objects.exists()


class TestWhoMay:
    def test_a_newsletter_manager_finds_the_page_from_the_mailing_list(self, client, stories):
        client.force_login(nina())
        changelist = client.get(reverse("admin:newsletter_mailing_changelist")).content.decode()
        assert f'href="{COMPOSE}"' in changelist
        assert client.get(COMPOSE).status_code == 200

    def test_a_newsletter_manager_may_view_but_not_change_stories(self, client, stories):
        user = nina()
        assert user.has_perm("stories.view_story")
        assert not user.has_perm("stories.change_story")
        assert not user.has_perm("stories.add_story")

    def test_a_content_editor_may_not_compose_a_mailing(self, client, stories, news):
        client.force_login(carl())
        assert client.get(COMPOSE).status_code == 403
        assert compose(client, stories, news).status_code == 403
        assert not Mailing.objects.exists()

    def test_a_visitor_is_sent_to_the_login(self, client):
        response = client.get(COMPOSE)
        assert response.status_code == 302 and "/admin/login/" in response["Location"]

    def test_the_superuser_may(self, client, stories, news):
        client.force_login(root())
        assert compose(client, stories, news).status_code == 302


class TestGuide:
    def test_the_guide_tells_newsletter_managers_how(self, client):
        client.force_login(nina())
        page = client.get(reverse("admin:guide")).content.decode()
        assert "Ett nyhetsbrev av berättelser" in page and f'href="{COMPOSE}"' in page

    def test_content_editors_are_not_told_of_a_page_they_cannot_open(self, client):
        client.force_login(carl())
        page = client.get(reverse("admin:guide")).content.decode()
        assert f'href="{COMPOSE}"' not in page
