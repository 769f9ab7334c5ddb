"""ui.chart_labels: names beside points never cover each other, at any plot width between the two given."""

from __future__ import annotations

from ui.chart_labels import PLACES, _box, _clear, place_labels


def test_names_at_the_same_point_take_different_places_or_are_left_off():
    points = [
        (0.5, 200.0, "Sanghar"),
        (0.5, 201.0, "Mirpur Khas"),
        (0.5, 200.5, "Larkana"),
        (0.5, 200.0, "Hyd"),
    ]
    places = place_labels(points)
    assert places[0] == "right" and places[1] == "left"
    by_name = {p.name: p for p in PLACES}
    for width in (400, 800, 1600):
        boxes = [_box(x * width, y, t, by_name[p]) for (x, y, t), p in zip(points, places) if p]
        assert all(_clear(a, b) for i, a in enumerate(boxes) for b in boxes[i + 1 :]), width


def test_a_point_without_a_position_gets_no_name_and_a_name_stays_inside_the_plot():
    assert place_labels([(0.5, None, "Karachi City")]) == [None]
    assert place_labels([(0.99, 100.0, "Naushahro Feroze")]) == ["left"]
