"""{% world_map countries %}: the SVG world map with the countries where we work linked."""

import json
import re
from functools import cache
from pathlib import Path

from django import template

register = template.Library()

# Built by scripts/build_world_map.py from Natural Earth; see projects/data/README.md.
MAP_DATA = Path(__file__).resolve().parent.parent / "data" / "world_map.json"


@cache
def map_data():
    """The map's viewBox and shapes, read once per process rather than on every request."""
    return json.loads(MAP_DATA.read_text(encoding="utf-8"))


@register.inclusion_tag("projects/includes/world_map.html")
def world_map(countries):
    """Every country drawn; those in `countries` (Country objects) linked to their pages,
    in the order given. A country whose code the map lacks is left out: the list on the
    page still links it."""
    data = map_data()
    shapes = {shape["code"]: shape for shape in data["countries"]}
    linked = {}
    for country in countries:
        if country.iso_code in shapes and country.iso_code not in linked:
            # A new dict: the cached shapes are shared by every request.
            linked[country.iso_code] = {**shapes[country.iso_code], "country": country}
    # Small countries, which carry a marker point, come last: SVG paints in document order
    # and a marker must not be hidden under a neighbour we also work in (Kosovo, Serbia).
    ours = sorted(linked.values(), key=lambda shape: "point" in shape)
    return {
        "view_box": data["viewBox"],
        "others": [shape for shape in data["countries"] if shape["code"] not in linked],
        "ours": ours,
    }


# The locator map's frame: its shape (width / height), its least width in viewBox units
# (a small country is shown with its neighbours) and the margin around the countries.
LOCATOR_RATIO = 3 / 2
LOCATOR_MIN_WIDTH = 360
LOCATOR_MARGIN = 0.25
PATH_TOKEN = re.compile(r"[Mlz]|-?\d+(?:\.\d+)?")


def path_points(d):
    """The points of a map path, which the build script writes as absolute moves (M)
    followed by relative lines (l) and closes (z)."""
    x = y = 0.0
    command, numbers = "M", []
    for token in PATH_TOKEN.findall(d):
        if token in "Mlz":
            command = token
            continue
        numbers.append(float(token))
        if len(numbers) == 2:
            if command == "M":
                x, y = numbers
                command = "l"  # as in SVG, more pairs after a move are lines
            else:
                x, y = x + numbers[0], y + numbers[1]
            numbers = []
            yield x, y


@cache
def bounds(code):
    """(left, top, right, bottom) of a country's shape and marker in viewBox units."""
    shape = next(s for s in map_data()["countries"] if s["code"] == code)
    points = list(path_points(shape["d"]))
    if "point" in shape:
        px, py = shape["point"]
        points += [(px - 8, py - 8), (px + 8, py + 8)]
    xs, ys = [p[0] for p in points], [p[1] for p in points]
    return min(xs), min(ys), max(xs), max(ys)


def locator_view_box(codes):
    """A viewBox around the countries with a margin, in the locator's shape, kept inside
    the map."""
    boxes = [bounds(code) for code in codes]
    left, top = min(b[0] for b in boxes), min(b[1] for b in boxes)
    right, bottom = max(b[2] for b in boxes), max(b[3] for b in boxes)
    _, _, map_width, map_height = (float(n) for n in map_data()["viewBox"].split())
    width = max((right - left) * (1 + 2 * LOCATOR_MARGIN),
                (bottom - top) * (1 + 2 * LOCATOR_MARGIN) * LOCATOR_RATIO,
                LOCATOR_MIN_WIDTH)
    width = min(width, map_width, map_height * LOCATOR_RATIO)
    height = width / LOCATOR_RATIO
    x = min(max((left + right - width) / 2, 0), map_width - width)
    y = min(max((top + bottom - height) / 2, 0), map_height - height)
    return f"{x:.0f} {y:.0f} {width:.0f} {height:.0f}"


def in_view(code, view_box):
    """Whether a country's shape reaches into the viewBox "x y width height"."""
    x, y, width, height = (float(n) for n in view_box.split())
    left, top, right, bottom = bounds(code)
    return right >= x and left <= x + width and bottom >= y and top <= y + height


@register.inclusion_tag("projects/includes/locator_map.html")
def locator_map(countries, title, figure_class="", map_id="locator-map"):
    """A small map around `countries` (Country objects, or one) with them marked, in a <figure>
    with `figure_class`, for a page about them; nothing if the map has none of them. An
    image with `title` as its name: the page names and links the countries in text.
    Without a title it is decoration, hidden from screen readers (on a card whose title
    names the place). `map_id` names its title element, unique when a page has several.
    Only the shapes that reach into the crop are drawn: a page with four maps stays small."""
    if hasattr(countries, "iso_code"):  # one Country, for its own page
        countries = [countries]
    data = map_data()
    codes = {shape["code"] for shape in data["countries"]}
    marked = [c.iso_code for c in countries if c.iso_code in codes]
    if not marked:
        return {"shapes": None}
    view_box = locator_view_box(marked)
    shapes = sorted((s for s in data["countries"] if in_view(s["code"], view_box)),
                    key=lambda s: (s["code"] in marked, "point" in s))
    return {
        "title": title,
        "figure_class": figure_class,
        "map_id": map_id,
        "view_box": view_box,
        "shapes": [{**shape, "marked": shape["code"] in marked} for shape in shapes],
    }
