"""{% world_map countries %}: the SVG world map with the countries where we work linked."""

import json
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
