"""Build projects/data/world_map.json, the regions page's SVG world map, from Natural Earth."""

# Usage (the npm registry is the only download; Python's standard library does the rest):
#
#     cd "$(mktemp -d)" && npm pack world-atlas@2.0.2
#     python /path/to/scripts/build_world_map.py world-atlas-2.0.2.tgz
#
# The source is world-atlas 2.0.2 (ISC), Natural Earth 4.1.0's 1:110m Admin 0 countries
# (public domain) as TopoJSON. The output holds the viewBox and, per country, its
# ISO 3166-1 alpha-2 code and SVG path; projects/templatetags/world_map.py draws it.

import argparse
import base64
import hashlib
import json
import math
import sys
import tarfile
from collections import Counter
from pathlib import Path

PACKAGE = "world-atlas@2.0.2"
# npm's dist.integrity for the tarball: a rebuild from anything else is refused, so the
# committed map can always be traced to this exact source.
TARBALL_SHA512 = (
    "IXfV0qwlKXpckz1FhwXVwKRjiIhOnWttOskm5CtxMsjgE/MXAYRHWJqgXOpM8IkcPBoXnyTU5lFHcYa5ChG0LQ=="
)
MEMBER = "package/countries-110m.json"
OUTPUT = Path(__file__).resolve().parent.parent / "projects" / "data" / "world_map.json"

# viewBox width. Coordinates are rounded to whole units: on the widest page (about
# 1,300 px) a unit is under a pixel, and whole numbers keep the file small.
WIDTH = 2000
MARGIN = 4
# Douglas-Peucker tolerance in viewBox units: drops points no reader could see.
TOLERANCE = 0.5
# Countries smaller than this (viewBox units, both sides) get a marker point, so that a
# highlighted Palestine or Kosovo can be seen and clicked.
SMALL = 16

# TopoJSON ids are ISO 3166-1 numeric codes (from Debian's iso-codes, iso_3166-1.json),
# only those the source uses. Antarctica (010) is left out: it takes a fifth of the map's
# height and nobody works there.
NUMERIC_TO_ALPHA2 = {
    "004": "AF", "008": "AL", "012": "DZ", "024": "AO", "031": "AZ", "032": "AR", "036": "AU",
    "040": "AT", "044": "BS", "050": "BD", "051": "AM", "056": "BE", "064": "BT", "068": "BO",
    "070": "BA", "072": "BW", "076": "BR", "084": "BZ", "090": "SB", "096": "BN", "100": "BG",
    "104": "MM", "108": "BI", "112": "BY", "116": "KH", "120": "CM", "124": "CA", "140": "CF",
    "144": "LK", "148": "TD", "152": "CL", "156": "CN", "158": "TW", "170": "CO", "178": "CG",
    "180": "CD", "188": "CR", "191": "HR", "192": "CU", "196": "CY", "203": "CZ", "204": "BJ",
    "208": "DK", "214": "DO", "218": "EC", "222": "SV", "226": "GQ", "231": "ET", "232": "ER",
    "233": "EE", "238": "FK", "242": "FJ", "246": "FI", "250": "FR", "260": "TF", "262": "DJ",
    "266": "GA", "268": "GE", "270": "GM", "275": "PS", "276": "DE", "288": "GH", "300": "GR",
    "304": "GL", "320": "GT", "324": "GN", "328": "GY", "332": "HT", "340": "HN", "348": "HU",
    "352": "IS", "356": "IN", "360": "ID", "364": "IR", "368": "IQ", "372": "IE", "376": "IL",
    "380": "IT", "384": "CI", "388": "JM", "392": "JP", "398": "KZ", "400": "JO", "404": "KE",
    "408": "KP", "410": "KR", "414": "KW", "417": "KG", "418": "LA", "422": "LB", "426": "LS",
    "428": "LV", "430": "LR", "434": "LY", "440": "LT", "442": "LU", "450": "MG", "454": "MW",
    "458": "MY", "466": "ML", "478": "MR", "484": "MX", "496": "MN", "498": "MD", "499": "ME",
    "504": "MA", "508": "MZ", "512": "OM", "516": "NA", "524": "NP", "528": "NL", "540": "NC",
    "548": "VU", "554": "NZ", "558": "NI", "562": "NE", "566": "NG", "578": "NO", "586": "PK",
    "591": "PA", "598": "PG", "600": "PY", "604": "PE", "608": "PH", "616": "PL", "620": "PT",
    "624": "GW", "626": "TL", "630": "PR", "634": "QA", "642": "RO", "643": "RU", "646": "RW",
    "682": "SA", "686": "SN", "688": "RS", "694": "SL", "703": "SK", "704": "VN", "705": "SI",
    "706": "SO", "710": "ZA", "716": "ZW", "724": "ES", "728": "SS", "729": "SD", "732": "EH",
    "740": "SR", "748": "SZ", "752": "SE", "756": "CH", "760": "SY", "762": "TJ", "764": "TH",
    "768": "TG", "780": "TT", "784": "AE", "788": "TN", "792": "TR", "795": "TM", "800": "UG",
    "804": "UA", "807": "MK", "818": "EG", "826": "GB", "834": "TZ", "840": "US", "854": "BF",
    "858": "UY", "860": "UZ", "862": "VE", "887": "YE", "894": "ZM",
}
# Shapes without a numeric code, by their Natural Earth name. Kosovo has the user-assigned
# XK (as in our Country table). ISO 3166-1 has no code for Northern Cyprus or Somaliland
# and counts them as parts of CY and SO, so they are merged into those: otherwise they
# would stay grey next to a highlighted Cyprus or Somalia.
NAME_TO_ALPHA2 = {"Kosovo": "XK", "N. Cyprus": "CY", "Somaliland": "SO"}
DROPPED = {"010"}
# Western Sahara's northern border (27°40′N), used to draw the territory whole; see
# whole_western_sahara().
WESTERN_SAHARA_NORTH = 27 + 40 / 60

# Equal Earth (Šavrič, Patterson and Jenny, 2018): an equal-area world projection, so the
# sizes of countries compare fairly; the constants are the published ones.
A1, A2, A3, A4 = 1.340264, -0.081106, 0.000893, 0.003796
M = math.sqrt(3) / 2


def equal_earth(lon, lat):
    """Degrees to projected (x, y) on the unit sphere, y pointing north."""
    lam, phi = math.radians(lon), math.radians(lat)
    theta = math.asin(M * math.sin(phi))
    t2 = theta * theta
    t6 = t2 * t2 * t2
    x = lam * math.cos(theta) / (M * (A1 + 3 * A2 * t2 + t6 * (7 * A3 + 9 * A4 * t2)))
    y = theta * (A1 + A2 * t2 + t6 * (A3 + A4 * t2))
    return x, y


def read_topology(path):
    path = Path(path)
    if path.suffix == ".json":
        return json.loads(path.read_text(encoding="utf-8"))
    data = path.read_bytes()
    digest = base64.b64encode(hashlib.sha512(data).digest()).decode()
    if digest != TARBALL_SHA512:
        sys.exit(f"{path} is not {PACKAGE}'s tarball (its SHA-512 differs); "
                 f"get it with: npm pack {PACKAGE}")
    with tarfile.open(path) as tar:
        return json.load(tar.extractfile(MEMBER))


def decode_arcs(topology):
    """Each arc as a list of (lon, lat): TopoJSON stores quantized, delta-encoded integers."""
    (sx, sy), (tx, ty) = topology["transform"]["scale"], topology["transform"]["translate"]
    arcs = []
    for arc in topology["arcs"]:
        x = y = 0
        points = []
        for dx, dy in arc:
            x += dx
            y += dy
            points.append((x * sx + tx, y * sy + ty))
        arcs.append(points)
    return arcs


def on_antimeridian(point):
    return abs(abs(point[0]) - 180) < 1e-6


def to_side(point, side):
    # Natural Earth cuts Russia and Fiji at ±180°, but a ring's points on that line may
    # carry either sign: give them the sign of the side being drawn.
    return (math.copysign(180, side), point[1]) if on_antimeridian(point) else point


def distance_to_segment(p, a, b):
    (px, py), (ax, ay), (bx, by) = p, a, b
    dx, dy = bx - ax, by - ay
    length2 = dx * dx + dy * dy
    t = 0 if length2 == 0 else max(0, min(1, ((px - ax) * dx + (py - ay) * dy) / length2))
    return math.hypot(px - ax - t * dx, py - ay - t * dy)


def douglas_peucker(points, tolerance):
    """The indices of the points to keep, always both ends."""
    keep = {0, len(points) - 1}
    stack = [(0, len(points) - 1)]
    while stack:
        a, b = stack.pop()
        worst, index = 0, None
        for i in range(a + 1, b):
            d = distance_to_segment(points[i], points[a], points[b])
            if d > worst:
                worst, index = d, i
        if index is not None and worst > tolerance:
            keep.add(index)
            stack += [(a, index), (index, b)]
    return keep


def simplify_arc(points, tolerance, project):
    """The arc with fewer points. Arcs are simplified once, not per country, so two
    neighbours keep the same border (no gaps or overlaps); points on the antimeridian
    are always kept, because rings are cut there later."""
    cuts = [0, *(i for i in range(1, len(points) - 1) if on_antimeridian(points[i])),
            len(points) - 1]
    keep = set(cuts)
    for a, b in zip(cuts, cuts[1:]):
        if b - a < 2:
            continue
        side = points[a + 1][0]
        piece = [project(*to_side(p, side)) for p in points[a:b + 1]]
        keep.update(a + i for i in douglas_peucker(piece, tolerance))
    return [points[i] for i in sorted(keep)]


def arc_points(arcs, ref):
    return arcs[ref] if ref >= 0 else arcs[~ref][::-1]


def merged_rings(polygons, arcs):
    """The rings of several polygons as one shape: arcs they share (their common border)
    are dropped and the remaining arcs joined end to start."""
    refs = [ref for polygon in polygons for ring in polygon for ref in ring]
    uses = Counter(ref if ref >= 0 else ~ref for ref in refs)
    by_start = {arc_points(arcs, ref)[0]: ref for ref in refs
                if uses[ref if ref >= 0 else ~ref] == 1}
    rings = []
    while by_start:
        start, ref = next(iter(by_start.items()))
        ring, point = [], start
        while point in by_start:
            ref = by_start.pop(point)
            ring.append(ref)
            point = arc_points(arcs, ref)[-1]
        assert point == start, "merged shapes do not close"
        rings.append(ring)
    return rings


def whole_western_sahara(shapes, arcs):
    """Western Sahara as ISO 3166-1 and the UN's maps draw it: the whole territory up to
    27°40′N. Natural Earth's default, de facto shapes give Morocco everything west of the
    Moroccan berm, which would leave EH a strip inland."""
    # In the pinned source Morocco is one ring: arc 340 (the border with Algeria), arc 14
    # (the berm, Western Sahara's other side) and arc 573 (the Atlantic coast from 21°N).
    assert shapes["MA"] == [[[~340, ~14, 573]]] and shapes["EH"] == [[[11, 12, 13, 14]]]
    coast, inland = arcs[573], arcs[11][0]
    cut = min(range(len(coast)), key=lambda i: abs(coast[i][1] - WESTERN_SAHARA_NORTH))
    south, north, border = len(arcs), len(arcs) + 1, len(arcs) + 2
    arcs += [coast[:cut + 1], coast[cut:], [coast[cut], inland]]
    shapes["MA"] = [[[~340, ~border, north]]]
    shapes["EH"] = [[[11, 12, 13, south, border]]]


def ring_points(ring, arcs):
    points = []
    for ref in ring:
        part = arc_points(arcs, ref)
        points.extend(part if not points else part[1:])
    return points


def split_at_antimeridian(points):
    """A ring as one ring per side of ±180°: a ring that crosses it would otherwise be
    drawn as a band right across the map."""
    if not any(abs(b[0] - a[0]) > 180 for a, b in zip(points, points[1:])):
        return [points]
    return [[to_side(p, side) for p in points if on_antimeridian(p) or p[0] * side > 0]
            for side in (-1, 1)]


def ring_area_and_centroid(ring):
    area = cx = cy = 0
    for (x0, y0), (x1, y1) in zip(ring, ring[1:] + ring[:1]):
        cross = x0 * y1 - x1 * y0
        area += cross
        cx += (x0 + x1) * cross
        cy += (y0 + y1) * cross
    if area == 0:
        return 0, ring[0]
    return abs(area) / 2, (round(cx / (3 * area)), round(cy / (3 * area)))


def encode_path(rings):
    """SVG path data: an absolute start per ring, then relative whole-number steps."""
    parts = []
    for ring in rings:
        (x, y), numbers = ring[0], []
        for nx, ny in ring[1:]:
            numbers += [nx - x, ny - y]
            x, y = nx, ny
        steps = "".join(f"{n}" if n < 0 or i == 0 else f" {n}" for i, n in enumerate(numbers))
        parts.append(f"M{ring[0][0]} {ring[0][1]}l{steps}z")
    return "".join(parts)


def build(topology):
    arcs = decode_arcs(topology)
    shapes = {}  # alpha-2 code -> polygons (lists of rings of arc references)
    sources = Counter()  # alpha-2 code -> how many of the source's shapes it is made of
    for geometry in topology["objects"]["countries"]["geometries"]:
        numeric, name = geometry.get("id"), geometry["properties"]["name"]
        if numeric in DROPPED:
            continue
        code = NUMERIC_TO_ALPHA2.get(numeric) or NAME_TO_ALPHA2.get(name)
        if code is None:
            sys.exit(f"no ISO 3166-1 alpha-2 code for {name} ({numeric}): add it to the table")
        polygons = geometry["arcs"] if geometry["type"] == "MultiPolygon" else [geometry["arcs"]]
        shapes.setdefault(code, []).extend(polygons)
        sources[code] += 1

    whole_western_sahara(shapes, arcs)

    # Scale and offset from the points actually drawn, so the map fills the viewBox.
    used = {ref if ref >= 0 else ~ref
            for polygons in shapes.values() for polygon in polygons for ring in polygon
            for ref in ring}
    projected = [equal_earth(*p) for i in used for p in arcs[i]]
    min_x = min(x for x, _ in projected)
    max_x = max(x for x, _ in projected)
    max_y = max(y for _, y in projected)
    min_y = min(y for _, y in projected)
    scale = (WIDTH - 2 * MARGIN) / (max_x - min_x)
    height = math.ceil((max_y - min_y) * scale) + 2 * MARGIN

    def to_view(lon, lat):
        x, y = equal_earth(lon, lat)
        # SVG's y axis points down.
        return round((x - min_x) * scale) + MARGIN, round((max_y - y) * scale) + MARGIN

    simplified = [simplify_arc(arc, TOLERANCE / scale, equal_earth) if i in used else arc
                  for i, arc in enumerate(arcs)]

    countries = []
    for code, polygons in sorted(shapes.items()):
        if sources[code] > 1:
            rings = merged_rings(polygons, simplified)
        else:
            rings = [ring for polygon in polygons for ring in polygon]
        drawn = []
        for ring in rings:
            for part in split_at_antimeridian(ring_points(ring, simplified)):
                points = []
                for point in (to_view(*p) for p in part):
                    if not points or point != points[-1]:
                        points.append(point)
                if len(points) > 1 and points[0] == points[-1]:
                    points.pop()
                # Rings that rounding shrank to a line or a point cannot be seen.
                if len(set(points)) >= 3:
                    drawn.append(points)
        if not drawn:
            sys.exit(f"{code} vanished when rounded: lower TOLERANCE or raise WIDTH")
        country = {"code": code, "d": encode_path(drawn)}
        xs = [x for ring in drawn for x, _ in ring]
        ys = [y for ring in drawn for _, y in ring]
        if max(xs) - min(xs) < SMALL and max(ys) - min(ys) < SMALL:
            country["point"] = max(map(ring_area_and_centroid, drawn))[1]
        countries.append(country)
    return {
        "source": f"{PACKAGE} {MEMBER.removeprefix('package/')}: Natural Earth 1:110m "
                  "Admin 0 countries (public domain)",
        "projection": "Equal Earth",
        "viewBox": f"0 0 {WIDTH} {height}",
        "countries": countries,
    }


def main():
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("source", help=f"{PACKAGE}'s tarball from npm pack (checked), or "
                                       f"{MEMBER.removeprefix('package/')} (not checked)")
    parser.add_argument("--output", type=Path, default=OUTPUT)
    args = parser.parse_args()
    world = build(read_topology(args.source))
    text = json.dumps(world, ensure_ascii=False, separators=(",", ":"))
    args.output.write_text(text + "\n", encoding="utf-8")
    print(f"{args.output}: {len(world['countries'])} countries, {len(text) / 1024:.0f} KB")


if __name__ == "__main__":
    main()
