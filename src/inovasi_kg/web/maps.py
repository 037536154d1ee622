"""The map of Indonesia's provinces, drawn on the server as SVG and coloured by one figure.

The shapes are the npm package @svg-maps/indonesia (CC BY 4.0, after MapSVG; source row
`peta-svg-indonesia` of data/sumber.csv), copied into static/peta/ by `make assets`. They are the 34
provinces before the 2022 division of Papua, so the four provinces made then (Papua Selatan, Papua
Tengah, Papua Pegunungan, Papua Barat Daya) have no shape of their own: the page lists them in its
table and says so. Each shape is matched to a province of the graph by its printed name with the
build's region matcher (kg.match_regions, with the provinces' hidden labels; "Jakarta Raya", the older
name, is one of the short forms it knows), never by a table written here. Geometry is simplified
once per process: points closer than a tolerance to the last kept one are dropped and coordinates
are rounded to tenths, which takes the shapes from 103 kB of path data to 58 kB.
"""

from __future__ import annotations

import itertools
import math
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from functools import lru_cache
from html import escape
from pathlib import Path
from xml.etree import ElementTree

__all__ = ["SHAPES", "Shaded", "Shape", "bins", "read_shapes", "render_map", "simplify"]

SHAPES = Path(__file__).parent / "static" / "peta" / "indonesia.svg"
_SVG = "{http://www.w3.org/2000/svg}"
_NUMBER = re.compile(r"[-+]?(?:\d+\.?\d*|\.\d+)(?:[eE][-+]?\d+)?")
_TOKEN = re.compile(r"[MmLlZz]|[-+]?(?:\d+\.?\d*|\.\d+)(?:[eE][-+]?\d+)?")


@dataclass(frozen=True)
class Shape:
    """One province shape: its id in the source (an ISO 3166-2 code in lower case), printed name, path."""

    ident: str
    name: str
    path: str


@dataclass(frozen=True)
class Shaded:
    """What the map knows of one province: its page, label, the figure's text and its colour class."""

    href: str
    label: str
    shown: str
    css: str


def simplify(path: str, tolerance: float = 0.5) -> str:
    """An SVG path of move/line/close commands (absolute or relative) as one absolute move per ring and
    relative lines, with points closer than `tolerance` to the last kept point dropped and coordinates
    rounded to tenths (the deltas are between rounded points, so rounding never drifts).

        >>> simplify("m 0,0 0.1,0 10,0 0,10 z m 20,0 5,5 z")
        'M0,0l10.1,0 0,10z M20,0l5,5z'
        >>> simplify("M 1.26,2 L 3,4.04")
        'M1.3,2l1.7,2'
    """
    tokens = _TOKEN.findall(path)
    out: list[str] = []
    x = y = 0.0
    start = (0.0, 0.0)
    command = "M"
    ring: list[tuple[float, float]] = []

    def flush(closed: bool) -> None:
        if not ring:
            return
        kept = [ring[0]]
        for point in ring[1:-1]:
            if math.dist(point, kept[-1]) >= tolerance:
                kept.append(point)
        if len(ring) > 1:
            kept.append(ring[-1])
        grid = [(round(px * 10), round(py * 10)) for px, py in kept]  # tenths: deltas of rounded points never drift
        steps = [f"{_tenths(b[0] - a[0])},{_tenths(b[1] - a[1])}" for a, b in itertools.pairwise(grid) if a != b]
        out.append(f"M{_tenths(grid[0][0])},{_tenths(grid[0][1])}" + ("l" + " ".join(steps) if steps else "")
                   + ("z" if closed else ""))
        ring.clear()

    i = 0
    while i < len(tokens):
        token = tokens[i]
        if token in "Zz":
            flush(True)
            x, y = start
            i += 1
            continue
        if token in "MmLl":
            command = token
            i += 1
            continue
        if i + 1 >= len(tokens) or not _NUMBER.fullmatch(tokens[i + 1]):
            raise ValueError(f"path coordinate without its pair at token {i}: {token!r}")
        dx, dy = float(token), float(tokens[i + 1])
        i += 2
        relative = command in "ml"
        x, y = (x + dx, y + dy) if relative else (dx, dy)
        if command in "Mm":
            flush(False)
            start = (x, y)
            command = "l" if relative else "L"  # coordinates after a move are lines (SVG's rule)
        ring.append((x, y))
    flush(False)
    return " ".join(out)


def _tenths(value: int) -> str:
    """An integer count of tenths as the shortest decimal text: 15 -> "1.5", -3 -> "-.3", 20 -> "2"."""
    sign, value = ("-" if value < 0 else ""), abs(value)
    whole, tenth = divmod(value, 10)
    if not tenth:
        return f"{sign}{whole}"
    return f"{sign}{whole if whole else ''}.{tenth}"


@lru_cache(maxsize=4)
def _read(path: str, mtime: float) -> tuple[str, tuple[Shape, ...]]:
    root = ElementTree.parse(path).getroot()
    view_box = root.get("viewBox") or "0 0 800 300"
    shapes = tuple(Shape(p.get("id", ""), p.get("name", ""), simplify(p.get("d", "")))
                   for p in root.iter(_SVG + "path"))
    return view_box, shapes


def read_shapes(path: Path = SHAPES) -> tuple[str, tuple[Shape, ...]] | None:
    """The view box and shapes of the map file, simplified (cached while the file is unchanged); None when
    `make assets` has not installed it."""
    try:
        mtime = path.stat().st_mtime
    except OSError:
        return None
    return _read(str(path), mtime)


def bins(values: Iterable[float], count: int = 5) -> list[tuple[float, float, str]]:
    """Equal-width classes over (0, max] (a value v is in the class (lo, hi] with lo < v <= hi) and each
    class's label; whole-number figures get whole-number classes. Empty when every value is 0.

        >>> [label for _, _, label in bins([0, 3, 51])]
        ['1–11', '12–22', '23–33', '34–44', '45–51']
        >>> [label for _, _, label in bins([2, 3])]
        ['1', '2', '3']
        >>> bins([62.82, 75.67], 2)
        [(0.0, 37.84, '> 0–37.84'), (37.84, 75.67, '37.84–75.67')]
    """
    values = list(values)
    top = max(values, default=0)
    if top <= 0:
        return []
    if all(float(v).is_integer() for v in values):
        whole = math.ceil(top / count)
        ints = [(whole * k, min(whole * (k + 1), int(top))) for k in range(count) if whole * k < top]
        return [(lo, hi, f"{lo + 1}" if lo + 1 == hi else f"{lo + 1}–{hi}") for lo, hi in ints]
    step = top / count
    edges = [(round(step * k, 2), round(step * (k + 1), 2) if k < count - 1 else top) for k in range(count)]
    return [(lo, hi, f"> 0–{hi:g}" if k == 0 else f"{lo:g}–{hi:g}") for k, (lo, hi) in enumerate(edges)]


def render_map(view_box: str, shapes: Iterable[Shape], codes: Mapping[str, str],
               shaded: Mapping[str, Shaded], *, title: str) -> str:
    """The map as inline SVG: each shape a link to its province's page, named by its label and figure
    (for screen readers and as a tooltip), filled by its colour class (site.css gives the colours for
    light and dark schemes)."""
    parts = [f'<svg id="peta-svg" class="map" viewBox="{escape(view_box)}" role="group" '
             f'aria-label="{escape(title)}" xmlns="http://www.w3.org/2000/svg"><g class="map-shapes">']
    for shape in shapes:
        code = codes.get(shape.ident)
        info = shaded.get(code) if code else None
        if info is None:
            parts.append(f'<path class="na" d="{shape.path}" data-shape="{escape(shape.ident)}">'
                         f'<title>{escape(shape.name)}</title></path>')
            continue
        name = f"{info.label}: {info.shown}"
        parts.append(f'<a href="{escape(info.href)}" aria-label="{escape(name)}" data-kode="{escape(code or "")}">'
                     f'<path class="{info.css}" d="{shape.path}" data-shape="{escape(shape.ident)}">'
                     f'<title>{escape(name)}</title></path></a>')
    parts.append("</g></svg>")
    return "".join(parts)
