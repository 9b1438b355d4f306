"""Helpers for tests of the mailing made from stories, shared with the browser test: a
story with an image as the admin stores it."""

import io

from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from common.images import clean_image


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

