"""{% picture obj sizes %}: the one place the markup of an image and its renditions is
made (common.images), with the designed fallback of content that has no image: the
country's shape from the world map on its region's colour, or a name on the brand's."""

from django import template

from common.images import SRC_WIDTH
from projects.templatetags.world_map import bounds, map_data

register = template.Library()

# What the image is wide in the layout, for the browser to pick a rendition.
SIZES = {
    "card": "(min-width: 1200px) 22rem, (min-width: 768px) 45vw, 100vw",
    "lead": "(min-width: 1200px) 50rem, (min-width: 992px) 66vw, 100vw",
    "logo": "10rem",
}
# The fallback's frame (the cards' 3:2) and its margin around the country.
FALLBACK_RATIO = 3 / 2
FALLBACK_MARGIN = 0.2
# A small country is drawn at least this wide (map units), with its marker point.
FALLBACK_MIN_WIDTH = 40


def shape_view_box(code):
    """A 3:2 viewBox around one country's shape."""
    left, top, right, bottom = bounds(code)
    width = max((right - left) * (1 + 2 * FALLBACK_MARGIN),
                (bottom - top) * (1 + 2 * FALLBACK_MARGIN) * FALLBACK_RATIO,
                FALLBACK_MIN_WIDTH)
    height = width / FALLBACK_RATIO
    x, y = (left + right - width) / 2, (top + bottom - height) / 2
    return f"{x:.1f} {y:.1f} {width:.1f} {height:.1f}"


def country_shape(country):
    shape = next((s for s in map_data()["countries"] if s["code"] == country.iso_code), None)
    if shape is None:
        return None
    return {**shape, "view_box": shape_view_box(shape["code"])}


@register.inclusion_tag("includes/picture.html")
def picture(obj, kind="card", lead=False, fallback_country=None, fallback_text="",
            credit=True):
    """`obj`'s image (common.images.ImageMixin) in a <figure> with its credit; `kind`
    (card, lead, logo) sets `sizes` and the frame's classes; `lead` is the first image
    on the page: loaded at once, not lazily. Without an image: the fallback drawn from
    `fallback_country` (a Country with its region loaded) or `fallback_text`, hidden from
    screen readers (the page names the thing in text); nothing if neither is given.
    `credit` False leaves out the caption where the thing's own page shows it (a list of
    small logos)."""
    renditions = obj.renditions() if obj is not None else []
    context = {"kind": kind, "lead": lead}
    if renditions:
        src = [r for r in renditions if r[0] <= SRC_WIDTH][-1:] or renditions[:1]
        width, height, _, jpeg = src[0]
        context["image"] = {
            "webp_srcset": ", ".join(f"{r[2].url} {r[0]}w" for r in renditions),
            "jpeg_srcset": ", ".join(f"{r[3].url} {r[0]}w" for r in renditions),
            "src": jpeg.url, "width": width, "height": height,
            "sizes": SIZES[kind], "alt": obj.image_alt,
            "credit": obj.image_credit if credit else "",
            "licence": obj.image_licence if credit else "",
        }
    elif fallback_country is not None:
        context["fallback"] = {"shape": country_shape(fallback_country),
                               "region": fallback_country.region.slug,
                               "text": fallback_text}
    elif fallback_text:
        context["fallback"] = {"text": fallback_text}
    return context
