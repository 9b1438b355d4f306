"""Images staff give to content: the model fields (ImageMixin), the upload check that
cleans every file before it is stored (CleanedImageField) and the renditions pages show.

An upload is read by its content, never its name: Pillow must open and verify it as JPEG,
PNG or WebP within IMAGE_UPLOAD_MAX_BYTES and IMAGE_UPLOAD_MAX_PIXELS (decompression bombs
are refused before any pixel is decoded). What is stored is not the upload but a
re-encoding of its pixels: the EXIF orientation applied, colours converted to sRGB, and
no metadata at all (EXIF, GPS, XMP, comments, ICC profile). A photo from a project whose
partners are hidden must not tell where it was taken. The stored original lives under
MEDIA_ROOT/originals/, which nothing serves; django-imagekit makes the renditions pages
use (WIDTHS, WebP and a JPEG fallback, never upscaled) under MEDIA_ROOT/renditions/ when
the image is saved (the Optimistic strategy, settings.IMAGEKIT_DEFAULT_CACHEFILE_STRATEGY),
so rendering a page only computes their names and reads no file.
"""

import hashlib
import io
import warnings

from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db import models
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext_lazy as _
from imagekit.models import ImageSpecField
from imagekit.processors import MakeOpaque, ResizeToFit
from PIL import Image, ImageCms, ImageOps, UnidentifiedImageError

# The widths of the renditions, in pixels; an image narrower than one is not enlarged.
WIDTHS = (480, 800, 1200, 1600)
# The width of the `src` fallback for browsers without srcset (or the largest below it).
SRC_WIDTH = 800
# What Pillow reports as the format -> the file extension of the cleaned original.
ACCEPTED_FORMATS = {"JPEG": "jpg", "PNG": "png", "WEBP": "webp"}
SAVE_OPTIONS = {"JPEG": {"quality": 90}, "PNG": {}, "WEBP": {"quality": 90}}
WEBP_OPTIONS = {"quality": 80, "method": 4}
JPEG_OPTIONS = {"quality": 82, "progressive": True}

ERRORS = {
    "too_large": _("The file is %(size)s; the largest image allowed is %(limit)s."),
    "not_image": _("The file is not a JPEG, PNG or WebP image (whatever its name says). "
                   "Save it as JPEG, PNG or WebP and upload it again."),
    "format": _("Only JPEG, PNG and WebP images can be uploaded; this file is %(format)s."),
    "too_many_pixels": _("The image is %(width)s × %(height)s pixels; the largest allowed "
                         "is %(megapixels)s megapixels. Make it smaller and upload it "
                         "again."),
    "bomb": _("The image claims more pixels than any photo has (a so-called decompression "
              "bomb) and is refused."),
    "broken": _("The image file is damaged or incomplete and cannot be read."),
}


def _has_alpha(image):
    return image.mode in ("RGBA", "LA", "PA") or (image.mode == "P"
                                                  and "transparency" in image.info)


def _to_srgb(image, mode):
    """The image in `mode` (RGB or RGBA) with its colours converted from its embedded ICC
    profile, if any, to sRGB: the profile itself is then dropped (sRGB is what browsers
    assume). A profile Pillow cannot use is ignored."""
    icc = image.info.get("icc_profile")
    if icc and image.mode in ("RGB", "RGBA", "CMYK", "L"):
        try:
            return ImageCms.profileToProfile(
                image, ImageCms.ImageCmsProfile(io.BytesIO(icc)),
                ImageCms.createProfile("sRGB"), outputMode=mode if image.mode != "L" else "L",
            ).convert(mode)
        except (ImageCms.PyCMSError, OSError, ValueError):
            pass
    return image.convert(mode)


def _open(upload):
    """The upload opened by Pillow, its header only; ValidationError if it is not an image
    or claims too many pixels."""
    upload.seek(0)
    with warnings.catch_warnings():
        # Pillow warns above Image.MAX_IMAGE_PIXELS and refuses above twice that.
        warnings.simplefilter("error", Image.DecompressionBombWarning)
        try:
            image = Image.open(upload)
        except (Image.DecompressionBombError, Image.DecompressionBombWarning):
            raise ValidationError(ERRORS["bomb"], code="bomb")
        except (UnidentifiedImageError, OSError, SyntaxError, ValueError):
            raise ValidationError(ERRORS["not_image"], code="not_image")
    if image.format not in ACCEPTED_FORMATS:
        raise ValidationError(ERRORS["format"], code="format",
                              params={"format": image.format})
    limit = settings.IMAGE_UPLOAD_MAX_PIXELS
    if image.width * image.height > limit:
        code = "bomb" if image.width * image.height > 4 * limit else "too_many_pixels"
        raise ValidationError(ERRORS[code], code=code, params={
            "width": image.width, "height": image.height,
            "megapixels": f"{limit / 1_000_000:g}"})
    return image


def clean_image(upload):
    """The cleaned original of an uploaded image as a ContentFile named by its content
    (a changed image gets new rendition URLs); ValidationError with a message for staff
    if the upload is refused."""
    if upload.size > settings.IMAGE_UPLOAD_MAX_BYTES:
        raise ValidationError(ERRORS["too_large"], code="too_large", params={
            "size": filesizeformat(upload.size),
            "limit": filesizeformat(settings.IMAGE_UPLOAD_MAX_BYTES)})
    image = _open(upload)
    image_format = image.format
    try:
        image.verify()  # checks the file's structure; the image must be opened again
        image = _open(upload)
        image.load()
        image = ImageOps.exif_transpose(image)
    except ValidationError:
        raise
    except Exception:  # Pillow raises many kinds of errors on damaged files
        raise ValidationError(ERRORS["broken"], code="broken")
    mode = "RGBA" if image_format != "JPEG" and _has_alpha(image) else "RGB"
    pixels = _to_srgb(image, mode)
    # A new image gets the pixels and nothing else: no info, no EXIF, no profile.
    clean = Image.new(mode, pixels.size)
    clean.paste(pixels)
    output = io.BytesIO()
    clean.save(output, image_format, **SAVE_OPTIONS[image_format])
    data = output.getvalue()
    digest = hashlib.sha256(data).hexdigest()[:24]
    return ContentFile(data, name=f"{digest}.{ACCEPTED_FORMATS[image_format]}")


class CleanedImageField(forms.FileField):
    """The admin's image field: the upload checked and replaced by its cleaned original
    (clean_image) before the model stores it."""

    def to_python(self, data):
        upload = super().to_python(data)
        if upload is None:
            return None
        return clean_image(upload)

    def widget_attrs(self, widget):
        attrs = super().widget_attrs(widget)
        if isinstance(widget, forms.FileInput) and "accept" not in widget.attrs:
            attrs.setdefault("accept", "image/jpeg,image/png,image/webp")
        return attrs


def _rendition(width, image_format):
    processors = [ResizeToFit(width=width, upscale=False)]
    if image_format == "JPEG":
        # A logo's transparency on white, not on black.
        processors.append(MakeOpaque(background_color=(255, 255, 255)))
    return ImageSpecField(source="image", processors=processors, format=image_format,
                          options=WEBP_OPTIONS if image_format == "WEBP" else JPEG_OPTIONS,
                          cachefile_strategy=MakeOffered)


def offered_widths(original_width):
    """The rendition widths a page offers for an image this wide: each width below it,
    then the first at or above it (which is the original's own size)."""
    widths = [width for width in WIDTHS if width < original_width]
    return widths + [width for width in WIDTHS if width >= original_width][:1]


class MakeOffered:
    """The cache-file strategy of the renditions: imagekit's Optimistic (made when the
    image is saved, never checked or made while a page renders), making only the widths
    pages offer (offered_widths): a wider one would be a copy of the original's size."""

    def on_source_saved(self, file):
        spec = file.generator
        width = spec.processors[0].width  # ResizeToFit, first in _rendition()
        if width in offered_widths(spec.source.instance.image_width or 0):
            file.generate()

    def should_verify_existence(self, file):
        return False


def rendition_size(width, original_width, original_height):
    """The size of the rendition at `width` of an image of the original's size, as
    imagekit's ResizeToFit(width, upscale=False) computes it."""
    if width >= original_width:
        return original_width, original_height
    ratio = width / original_width
    return int(round(original_width * ratio)), int(round(original_height * ratio))


class ImageMixin(models.Model):
    """An image with its alt text (translated: register "image_alt" in the app's
    translation.py), credit and licence, and its renditions."""

    # The size is kept by save(), not by the field's width_field and height_field: those
    # make Django read the field on every instance it loads, which ties each instance
    # and its file object in a reference cycle (a streamed export of thousands of
    # projects would then hold them until the garbage collector runs).
    image = models.ImageField(
        _("image"), upload_to="originals/%Y/", max_length=200, blank=True,
        help_text=_("JPEG, PNG or WebP, at most 10 MB and 40 megapixels. Location and all "
                    "other metadata are removed; visitors see copies in several sizes."),
    )
    image_width = models.PositiveIntegerField(_("image width"), null=True, blank=True,
                                              editable=False)
    image_height = models.PositiveIntegerField(_("image height"), null=True, blank=True,
                                               editable=False)
    image_alt = models.CharField(
        _("alt text"), max_length=250, blank=True,
        help_text=_("What the image shows, for visitors who cannot see it. Required when "
                    "there is an image."),
    )
    image_credit = models.CharField(_("photo credit"), max_length=200, blank=True,
                                    help_text=_("The photographer or source."))
    image_licence = models.CharField(
        _("licence"), max_length=200, blank=True,
        help_text=_("For example CC BY 4.0, or \"Used with permission\"."),
    )

    image_w480_webp = _rendition(480, "WEBP")
    image_w480_jpeg = _rendition(480, "JPEG")
    image_w800_webp = _rendition(800, "WEBP")
    image_w800_jpeg = _rendition(800, "JPEG")
    image_w1200_webp = _rendition(1200, "WEBP")
    image_w1200_jpeg = _rendition(1200, "JPEG")
    image_w1600_webp = _rendition(1600, "WEBP")
    image_w1600_jpeg = _rendition(1600, "JPEG")

    # The fields a card reads to show the image (add to a .only() list).
    IMAGE_FIELDS = ("image", "image_width", "image_height", "image_alt", "image_credit",
                    "image_licence")

    class Meta:
        abstract = True

    def clean(self):
        super().clean()
        if self.image:
            errors = {
                f"image_alt_{code}": _("Write what the image shows (alt text): it is "
                                       "required when there is an image.")
                for code in settings.MODELTRANSLATION_LANGUAGES
                if not (getattr(self, f"image_alt_{code}", "") or "").strip()
            }
            if errors:
                raise ValidationError(errors)

    def save(self, *args, **kwargs):
        if not self.image:
            self.image_width = self.image_height = None
        elif not self.image._committed or not self.image_width:
            # A new upload (or a stored file without its size): read it from the file.
            self.image_width, self.image_height = self.image.width, self.image.height
        if kwargs.get("update_fields") is not None and "image" in kwargs["update_fields"]:
            kwargs["update_fields"] = {*kwargs["update_fields"], "image_width",
                                       "image_height"}
        super().save(*args, **kwargs)

    def renditions(self):
        """[(width, height, WebP file, JPEG file)] of the renditions worth offering: each
        width below the original's, then one at the original's own size if it is below
        the largest width."""
        if not self.image or not self.image_width:
            return []
        return [(*rendition_size(width, self.image_width, self.image_height),
                 getattr(self, f"image_w{width}_webp"), getattr(self, f"image_w{width}_jpeg"))
                for width in offered_widths(self.image_width)]
