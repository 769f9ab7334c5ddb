"""Names beside a chart's points that never print on top of each other, placed in Python, deterministically.

Vega-Lite has no label-collision transform, so each point's name is tried right, left, above and below
its point, and the first place clear of every name already placed is kept; a name with no clear place
is left off (the point keeps its tooltip, and pages list every district in their table). The plot's height
is fixed; its width follows the page, so a place must be clear at the narrowest and the widest plot width
(offsets are in pixels, positions scale with the width: clear at both ends means clear in between).
"""

from __future__ import annotations

from dataclasses import dataclass

CHAR_PX, LINE_PX = 6.6, 13.0  # a generous box for an 11 px sans-serif name
GAP_PX = 9.0  # from the point's centre to its name


@dataclass(frozen=True)
class Place:
    """Where a name goes: Vega-Lite text-mark properties (align, dx, dy) for its own layer."""

    name: str
    align: str
    dx: float
    dy: float


PLACES = (
    Place("right", "left", GAP_PX, 0),
    Place("left", "right", -GAP_PX, 0),
    Place("above", "left", GAP_PX / 2, -LINE_PX),
    Place("below", "left", GAP_PX / 2, LINE_PX),
)


def _box(x_px: float, y_px: float, text: str, place: Place) -> tuple[float, float, float, float]:
    width = CHAR_PX * len(text)
    left = x_px + place.dx - (width if place.align == "right" else 0)
    top = y_px + place.dy - LINE_PX / 2
    return left, left + width, top, top + LINE_PX


def _clear(a, b) -> bool:
    return a[1] <= b[0] or b[1] <= a[0] or a[3] <= b[2] or b[3] <= a[2]


def place_labels(
    points: list[tuple[float, float | None, str]], widths: tuple[float, float] = (400, 1600)
) -> list[str | None]:
    """For each point (x as a share 0–1 of the plot's width, y in pixels from the top, its name), the
    name of its place (see PLACES) or None when no place is clear (or y is None: no point drawn).
    Points earlier in the list go first."""
    placed: list[list[tuple]] = []  # per width, the boxes already taken
    chosen: list[str | None] = []
    for share, y_px, text in points:
        if y_px is None:
            chosen.append(None)
            continue
        for place in PLACES:
            boxes = [_box(share * w, y_px, text, place) for w in widths]
            inside = all(b[0] >= 0 and b[1] <= w for b, w in zip(boxes, widths))
            if inside and all(_clear(b, other[i]) for other in placed for i, b in enumerate(boxes)):
                placed.append(boxes)
                chosen.append(place.name)
                break
        else:
            chosen.append(None)
    return chosen
