"""The demo content's images, drawn by load_demo itself with Pillow: countries' shapes
from the world map (projects/data/world_map.json, Natural Earth, public domain) on their
region's colour, and name plates for the member organisations' and networks' logos. Made
here, so the portal may publish them and nothing is hot-linked; marked as demo in their
credit line, with their licence recorded."""

import hashlib
import io
import re
import unicodedata

from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from PIL import Image, ImageDraw, ImageFont

from projects.templatetags.world_map import map_data, path_points

CREDIT = "Demobild, genererad av load_demo"
LICENCE = "CC0 1.0"
# Photos at 800 px: small enough to make quickly, wide enough for two renditions.
PHOTO_SIZE = (800, 533)
LOGO_SIZE = (480, 320)
PC_RED = (166, 25, 46)
# The regions' colours, as the stylesheet's fallbacks (.media-fallback--<slug>).
REGION_COLOURS = {
    "asien": (31, 95, 134),
    "balkan": (91, 67, 133),
    "mellanostern-och-nordafrika": (154, 84, 24),
    "sodra-afrika": (45, 106, 79),
}
LAND = (255, 255, 255, 225)
SUBPATH = re.compile(r"M[^M]*")


def _polygons(codes):
    """The shapes of the countries `codes` as lists of (x, y) map points."""
    shapes = {s["code"]: s for s in map_data()["countries"]}
    polygons = []
    for code in codes:
        if code in shapes:
            polygons += [list(path_points(part)) for part in SUBPATH.findall(shapes[code]["d"])]
    return [p for p in polygons if len(p) >= 3]


def _background(size, colour):
    """The colour, lighter towards the top left: a plain field looks unfinished."""
    width, height = size
    image = Image.new("RGB", size, colour)
    light = tuple(min(255, c + 60) for c in colour)
    gradient = Image.linear_gradient("L").resize(size).rotate(-35, expand=False, fillcolor=255)
    return Image.composite(image, Image.new("RGB", size, light), gradient)


def map_picture(codes, colour):
    """The countries `codes` filling a photo-sized picture on `colour`."""
    image = _background(PHOTO_SIZE, colour).convert("RGBA")
    polygons = _polygons(codes)
    if polygons:
        xs = [x for p in polygons for x, _ in p]
        ys = [y for p in polygons for _, y in p]
        left, top, right, bottom = min(xs), min(ys), max(xs), max(ys)
        width, height = PHOTO_SIZE
        scale = min(width * 0.7 / max(right - left, 1), height * 0.7 / max(bottom - top, 1))
        dx = (width - (right - left) * scale) / 2 - left * scale
        dy = (height - (bottom - top) * scale) / 2 - top * scale
        layer = Image.new("RGBA", PHOTO_SIZE, (0, 0, 0, 0))
        draw = ImageDraw.Draw(layer)
        for polygon in polygons:
            draw.polygon([(x * scale + dx, y * scale + dy) for x, y in polygon], fill=LAND)
        image = Image.alpha_composite(image, layer)
    return image.convert("RGB")


def name_plate(text, colour=PC_RED):
    """A logo stand-in: `text` (a short name) in white on `colour`."""
    # Pillow's bundled font has glyphs for ASCII only: "Ö" is drawn as "O", not as a box.
    text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    image = _background(LOGO_SIZE, colour)
    draw = ImageDraw.Draw(image)
    # Glyphs are about 0.6 of the size wide: the text fills at most 80 % of the width.
    size = min(200, int(LOGO_SIZE[0] * 0.8 / 0.6 / max(len(text), 1)))
    font = ImageFont.load_default(size=size)
    width, height = LOGO_SIZE
    draw.text((width / 2, height / 2), text, font=font, fill="white", anchor="mm")
    return image


def stored(image):
    """The picture's name in the default storage as a JPEG without metadata, saved only
    if not there already (the name is the content's hash, so a run of load_demo that
    draws the same picture again writes nothing and makes no new renditions)."""
    output = io.BytesIO()
    image.save(output, "JPEG", quality=88)
    data = output.getvalue()
    name = f"originals/demo/{hashlib.sha256(data).hexdigest()[:24]}.jpg"
    if not default_storage.exists(name):
        name = default_storage.save(name, ContentFile(data))
    return name


def give_image(obj, image, alt_sv, alt_en):
    """Give `obj` (a common.images.ImageMixin) the picture and its texts, saving only
    what changed: a new picture makes its renditions (those already made are kept)."""
    values = {"image": stored(image), "image_alt_sv": alt_sv, "image_alt_en": alt_en,
              "image_credit": CREDIT, "image_licence": LICENCE}
    changed = [field for field, value in values.items()
               if (getattr(obj, field).name if field == "image" else getattr(obj, field))
               != value]
    if not changed:
        return
    for field in changed:
        setattr(obj, field, values[field])
    if "image" in changed:
        obj.image_width, obj.image_height = image.size
    obj.save(update_fields=changed)
