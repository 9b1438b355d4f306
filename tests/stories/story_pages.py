"""Helpers for tests of the mailing made from stories, shared with the browser test: a
story with an image as the admin stores it."""

import io

from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import NoReverseMatch, reverse
from django.utils import translation
from PIL import Image

from common.images import clean_image
from stories.models import Story


def jpeg(size=(1200, 800)):
    output = io.BytesIO()
    Image.new("RGB", size, (30, 120, 60)).save(output, "JPEG")
    return SimpleUploadedFile("foto.jpg", output.getvalue(), content_type="image/jpeg")


def with_image(story, size=(1200, 800)):
    """The story with an image saved as the admin saves one (cleaned; renditions made)."""
    story.image = clean_image(jpeg(size))
    story.image_alt_sv = "Kvinnor vid en brunn"
    story.image_alt_en = "Women at a well"
    story.save()
    return story


def stand_in_story_urls(monkeypatch):
    """Until the public story pages land (stories.urls), a story's address is its path
    as DESIGN.md fixes it."""
    try:
        reverse("stories:story-detail", kwargs={"slug": "x"})
    except NoReverseMatch:
        def get_absolute_url(story):
            prefix = "/en/stories/" if translation.get_language() == "en" else "/berattelser/"
            return f"{prefix}{story.slug}/"

        monkeypatch.setattr(Story, "get_absolute_url", get_absolute_url)
