"""The gap matrix's picture and tables (cluster_model/matrix.py's cells): the chart the Overview page
shows, the same chart framed for a PNG/SVG like a map snapshot (title, round, date, coverage legend,
credits), and the tables every CSV/XLSX carries, coverage and sources in every row."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import altair as alt
import pandas as pd

from cluster_model import matrix as M
from cluster_model.exports import coverage_note, marked
from cluster_model.identity import atlas_name
from cluster_model.view import View
from geo.atlas_map import GAP_COLOURS, NOT_ASSESSED_FILL
from geo.snapshot import GAP_LABELS, framed

# The change of a cell as a mark beside its coverage (the legend line explains them).
CHANGE_MARKS = {
    M.BETTER: "↓",
    M.WORSE: "↑",
    M.MIXED: "±",
    M.NEWLY: "+",
    M.DROPPED: "−",
    M.SAME: "=",
    M.NONE: "",
}
STRIPES = 8  # low coverage: this many stripes of the class colour on white across a cell, and a dashed edge
ROW_STEP, EXPORT_COLUMN_STEP = 34, 120
NARROW = 420  # px of chart width below which the column names stand upright


@dataclass(frozen=True)
class ChartSize:
    """Type and row sizes of the one matrix chart: the page's and the files', or a projector's (read from
    the back of a room: the Workshop's agenda item)."""

    label_px: int = 12
    text_px: int = 13
    row_px: int = ROW_STEP
    row_label_px: int = 170  # longest row label before it is cut
    legend_px: int | None = None  # the legend's type; None: Vega-Lite's own
    legend_right: bool = False  # the legend beside the cells (a wide screen's height is kept for the rows)
    one_line_rows: bool = False  # a row's name and published classification on one line, not two
    halved_columns: bool = False  # every long column name on two lines split near its middle (any language)
    label_ink: str | None = None  # label and legend text colour; None: the theme's
    label_line_px: int | None = None  # line height of two-line labels; None: Vega's own
    header_gap_px: int | None = None  # room between the column names and the cells; None: Vega's own


PAGE = ChartSize()
PROJECTOR = ChartSize(
    label_px=20,
    text_px=22,
    row_px=46,
    row_label_px=480,
    legend_px=20,
    legend_right=True,
    one_line_rows=True,
    halved_columns=True,
    label_ink="#111111",
    label_line_px=26,
    # Vega hangs a label's second line below its baseline: room for it (26) and 10 px more, so the halved
    # names (and a tall script's: Urdu, Sindhi) stay off the first row.
    header_gap_px=26 + 10,
)


def _halved(label: str, longest: int = 14) -> str:
    """A long label as two lines ("|" between them), split at the space nearest its middle."""
    spaces = [i for i, c in enumerate(label) if c == " "]
    if len(label) <= longest or not spaces:
        return label
    cut = min(spaces, key=lambda i: abs(i - len(label) / 2))
    return label[:cut] + "|" + label[cut + 1 :]


def _label_ink(size: ChartSize) -> dict:
    """The axis labels' colour and line height, where ``size`` sets them."""
    ink = {"labelColor": size.label_ink, "labelLineHeight": size.label_line_px}
    return {k: v for k, v in ink.items() if v is not None}


def _legend_type(size: ChartSize) -> dict:
    """The legend's type, ink and colour squares, where ``size`` sets them (squares as tall as the type)."""
    legend: dict = {}
    if size.legend_px:
        legend |= {"labelFontSize": size.legend_px, "titleFontSize": size.legend_px}
        legend |= {"symbolType": "square", "symbolSize": size.legend_px**2, "symbolStrokeWidth": 0}
    if size.label_ink:
        legend |= {"labelColor": size.label_ink, "titleColor": size.label_ink}
    return legend


def _words(tr):
    return tr.gettext if tr else str


def chart_frame(
    found: pd.DataFrame,
    rows: list[str],
    row_label: Callable[[str], str],
    column_label: Callable[[str], str],
    changes: pd.DataFrame | None = None,
    tr=None,
) -> pd.DataFrame:
    """The cells as the chart draws them: labels, legend entry, the text in the cell and its tooltip."""
    _ = _words(tr)
    frame = found[found["row"].isin(rows)].copy()
    if changes is not None:
        frame = frame.merge(changes[["row", "column", "change"]], on=["row", "column"], how="left")
        frame["change"] = frame["change"].fillna(M.NONE)
    else:
        frame["change"] = M.NONE
    frame["row_label"] = frame["row"].map(row_label)
    frame["column_label"] = frame["column"].map(column_label)
    frame["legend"] = [
        _("not assessed (unknown)") if c < 0 else _("gap {low}–{high}").format(**_bounds(GAP_LABELS[c]))
        for c in frame["gap_class"]
    ]
    frame["shown"] = [
        f"{t} {CHANGE_MARKS[c]}".strip() for t, c in zip(frame["coverage_text"], frame["change"])
    ]
    frame["text"] = [
        M.cell_text(g, a, n, low, tr) + ("" if c == M.NONE else " · " + M.change_word(c, tr))
        for g, a, n, low, c in zip(
            frame["gap"], frame["n_assessed"], frame["n_indicators"], frame["low_coverage"], frame["change"]
        )
    ]
    frame["dark"] = (frame["gap_class"] >= 3) & ~frame["low_coverage"]  # white text on the darkest classes
    return frame


def _bounds(label: str) -> dict:
    low, high = label.removeprefix("gap ").split("–")
    return {"low": low, "high": high}


def _striped(colour: str) -> dict:
    """A Vega gradient of hard stops: diagonal stripes of ``colour`` on white."""
    stops = []
    for i in range(STRIPES):
        a, b, c = i / STRIPES, (i + 0.5) / STRIPES, (i + 1) / STRIPES
        stops += [
            {"offset": a, "color": colour},
            {"offset": b, "color": colour},
            {"offset": b, "color": "#ffffff"},
            {"offset": c, "color": "#ffffff"},
        ]
    return {"gradient": "linear", "x1": 0, "y1": 0, "x2": 1, "y2": 1, "stops": stops}


def legend_domain(tr=None) -> tuple[list[str], list[str]]:
    """The colour legend: the map's gap classes and its not-assessed grey, in ``tr``'s words."""
    _ = _words(tr)
    labels = [_("gap {low}–{high}").format(**_bounds(g)) for g in GAP_LABELS]
    return [*labels, _("not assessed (unknown)")], [*GAP_COLOURS, NOT_ASSESSED_FILL]


def matrix_chart(
    frame: pd.DataFrame, rows: list[str], columns: list[str], tr=None, size: ChartSize = PAGE
) -> alt.Chart:
    """Rows × columns of coloured cells: colour = gap class (grey = not assessed), faded with a dashed
    edge = low coverage (the map's rule), text = indicators assessed / in scope and the change mark;
    ``size``: the page's type, or ``PROJECTOR``'s."""
    _ = _words(tr)
    legend_type = _legend_type(size)
    ink = _label_ink(size)
    row_lines = "replace(datum.label, '|', ' · ')" if size.one_line_rows else "split(datum.label, '|')"
    column_lines = "split(replace(datum.label, ' & ', ' &|'), '|')"
    if size.halved_columns:
        frame = frame.assign(column_label=frame["column_label"].map(_halved))
        column_lines = "split(datum.label, '|')"
    domain, colours = legend_domain(tr)
    row_order = [frame.loc[frame["row"] == r, "row_label"].iloc[0] for r in rows if (frame["row"] == r).any()]
    column_order = [frame.loc[frame["column"] == c, "column_label"].iloc[0] for c in columns]
    base = alt.Chart(frame).encode(
        x=alt.X(
            "column_label:N",
            sort=column_order,
            title=None,
            # Whole names on two lines; on a phone (a narrow chart) the first word, turned upright.
            axis=alt.Axis(
                orient="top",
                labelAngle=alt.ExprRef(f"width < {NARROW} ? -90 : 0"),
                labelAlign=alt.ExprRef(f"width < {NARROW} ? 'left' : 'center'"),
                labelBaseline=alt.ExprRef(f"width < {NARROW} ? 'middle' : 'bottom'"),
                labelLimit=0,
                labelOverlap=False,
                labelFontSize=size.label_px,
                labelExpr=f"width < {NARROW} ? split(datum.label, ' ')[0] : {column_lines}",
                **ink,
                **({"labelPadding": size.header_gap_px} if size.header_gap_px else {}),
            ),
        ),
        y=alt.Y(
            "row_label:N",
            sort=row_order,
            title=None,
            axis=alt.Axis(
                labelFontSize=size.label_px, labelLimit=size.row_label_px, labelExpr=row_lines, **ink
            ),
        ),
        tooltip=[
            alt.Tooltip("row_label:N", title=_("Row")),
            alt.Tooltip("column_label:N", title=_("Pillar")),
            alt.Tooltip("text:N", title=_("Gap")),
        ],
    )
    rect = base.mark_rect(stroke="#ffffff", strokeWidth=2).encode(
        color=alt.Color(
            "legend:N",
            scale=alt.Scale(domain=domain, range=colours),
            title=_("Gap"),
            legend=alt.Legend(
                orient="right" if size.legend_right else "bottom",
                columns=1 if size.legend_right else alt.ExprRef(f"width < {NARROW} ? 1 : 3"),
                labelLimit=0,
                **legend_type,
            ),
        ),
    )
    # Low coverage as on the map: stripes of the class colour on white, one layer per class.
    stripes = [
        base.transform_filter(f"datum.low_coverage && datum.gap_class == {i}").mark_rect(
            stroke="#555555", strokeWidth=1, strokeDash=[4, 3], fill=_striped(colour)
        )
        for i, colour in enumerate(GAP_COLOURS)
    ]
    # A white halo under dark text: it reads on stripes too.
    halo = (
        base.transform_filter("!datum.dark")
        .mark_text(
            fontSize=size.text_px, fontWeight="bold", stroke="#ffffff", strokeWidth=4, strokeJoin="round"
        )
        .encode(text="shown:N")
    )
    text = base.mark_text(fontSize=size.text_px, fontWeight="bold").encode(
        text="shown:N",
        color=alt.condition("datum.dark", alt.value("#ffffff"), alt.value("#111111")),
    )
    return alt.layer(rect, *stripes, halo, text).properties(height=alt.Step(size.row_px))


def legend_lines(view: View, previous_name: str | None, tr=None) -> list[str]:
    """What the picture's marks mean, the coverage rule first: under the page's chart and in every file."""
    _ = _words(tr)
    lines = [
        _(
            "In each cell: indicators assessed / indicators in scope. Colour = gap (0 = every assessed indicator "
            "present, 1 = all absent); grey = not assessed: unknown, never zero."
        ),
        _("Striped colour on white with a dashed edge = low coverage.")
        + " "
        + coverage_note(view.dataset, tr),
    ]
    if previous_name:
        lines.append(
            _(
                "Change since {round}, counted only over indicators both rounds assessed: ↓ better, ↑ worse, "
                "± mixed, = no change; + newly assessed and − no longer assessed are not changes of the gap."
            ).format(round=previous_name)
        )
    return lines


def snapshot(
    chart: alt.Chart, view: View, title: str, notes: list[str], credits: list[str], tr=None
) -> alt.Chart:
    """The chart as a file: fixed column widths, title, filters and round, date, legend lines, credits."""
    _ = _words(tr)
    name = atlas_name()
    name = tr.gettext(name) if tr and tr.has(name) else name
    lines = view.filter_lines(view.dataset, tr)
    subtitle = [
        "; ".join(lines[:3]),
        f"{lines[3]} · " + _("made {date} with the {atlas} (ICCK)").format(date=view.generated, atlas=name),
    ]
    sized = chart.properties(width=alt.Step(EXPORT_COLUMN_STEP))
    return framed(
        sized,
        title=title,
        subtitle_lines=subtitle,
        credits=[*notes, *credits],
        illustrative=view.illustrative,
        draft=view.draft,
        width=EXPORT_COLUMN_STEP * (len(view.pillars) + 1) + 180,
        tr=tr,
    )


def cells_table(
    found: pd.DataFrame,
    rows: list[str],
    orientation: str,
    row_label: Callable[[str], str],
    column_label: Callable[[str], str],
    published: dict[str, str] | None,
    citation: Callable[[str], str],
    changes: pd.DataFrame | None = None,
    change_title: str | None = None,
    marks=None,
) -> pd.DataFrame:
    """One row per cell, in English (the page translates it): the figure, its coverage, the low-coverage
    flag, the change and the sources; unknown gaps are empty, never 0. ``marks``: the view (its round's
    illustrative or draft mark in every row)."""
    frame = found.set_index("row").loc[[r for r in rows if r in set(found["row"])]].reset_index()
    out = pd.DataFrame(
        {
            ("Cluster" if orientation == M.CLUSTERS else "District"): frame["row"].map(row_label),
            "Pillar": frame["column"].map(column_label),
            "Gap": frame["gap"].round(3),
            "Shown as": [
                M.cell_text(g, a, n, low)
                for g, a, n, low in zip(
                    frame["gap"], frame["n_assessed"], frame["n_indicators"], frame["low_coverage"]
                )
            ],
            "Indicators assessed": frame["n_assessed"],
            "Indicators": frame["n_indicators"],
            "Coverage": frame["coverage"].round(3),
            "Low coverage": frame["low_coverage"].map({True: "yes", False: "no"}),
        }
    )
    if published is not None:
        out.insert(
            1, "Published classification", frame["row"].map(lambda r: published.get(r) or "not published")
        )
    if changes is not None:
        merged = frame[["row", "column"]].merge(changes, on=["row", "column"], how="left")
        out[change_title or "Change"] = merged["change"].fillna(M.NONE).to_numpy()
        for column, title in (
            ("better", "Better"),
            ("worse", "Worse"),
            ("newly", "Newly assessed"),
            ("dropped", "No longer assessed"),
        ):
            out[title] = merged[column].fillna(0).astype(int).to_numpy()
    out["Sources"] = ["; ".join(citation(s) for s in ids.split(";") if s) for ids in frame["sources"]]
    return out if marks is None else marked(out, marks)
