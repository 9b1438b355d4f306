"""The admin's image fieldset: the upload checked and cleaned (common.images), the alt
text in both languages, credit and licence, and a preview made from a rendition."""

from django.contrib import admin
from django.contrib.admin.widgets import AdminFileWidget
from django.db import models
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from .images import CleanedImageField, rendition_size

IMAGE_FIELDSET = (_("Image"), {"fields": [
    "image", "image_preview", ("image_alt_sv", "image_alt_en"), "image_credit",
    "image_licence",
]})
PREVIEW_WIDTH = 240


class KeptImageWidget(AdminFileWidget):
    """Django's file box, naming the stored original without linking it: originals are
    kept, never served (deploy/nginx.conf), and the preview beside shows the image."""

    template_name = "admin/widgets/kept_image_input.html"


class ImageAdminMixin:
    """For the admin of a model with common.images.ImageMixin: add IMAGE_FIELDSET to the
    fieldsets and "image_preview" to readonly_fields."""

    def formfield_for_dbfield(self, db_field, request, **kwargs):
        # Beside, not instead of, the other mixins' formfield_overrides.
        if isinstance(db_field, models.ImageField):
            kwargs.update(form_class=CleanedImageField, widget=KeptImageWidget)
        return super().formfield_for_dbfield(db_field, request, **kwargs)

    @admin.display(description=_("preview"))
    def image_preview(self, obj):
        """The smallest rendition (never the original), at the width it is shown."""
        if obj is None or not obj.image or not obj.image_width:
            return "–"
        width, height = rendition_size(PREVIEW_WIDTH, obj.image_width, obj.image_height)
        return format_html('<img src="{}" width="{}" height="{}" alt="">',
                           obj.image_w480_jpeg.url, width, height)
