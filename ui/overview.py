"""The Overview page's flow: the gap matrix (clusters or districts × pillars + overall) of the sidebar's
filters and round, the change since a chosen round, a cell opening its profile, and the files.

Every figure is the shared view's (``ui.data_view.get_view`` → ``cluster_model.matrix``)."""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd
import streamlit as st

from cluster_model import matrix as M
from cluster_model.exports import coverage_note, file_prefix, mark_lines, marked, sources_table
from cluster_model.markup import md
from cluster_model.view import View
from cluster_model.vocabulary import PILLARS
from outputs import matrix_files as F
from ui import state as view_state
from ui.data_access import AtlasData
from ui.data_view import get_view
from ui.i18n import _, current_language, data_text, name, shown_table, translator

CHART_KEY = "overview_matrix"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@dataclass
class Matrix:
    """One drawing of the matrix: what the page shows and every file carries."""

    view: View
    orientation: str
    rows: list[str]
    found: pd.DataFrame
    changes: pd.DataFrame | None
    previous_name: str | None
    frame: pd.DataFrame

    def row_label(self, row: str) -> str:
        ds = self.view.dataset
        if self.orientation == M.DISTRICTS:
            return name("district", row)
        return f"{ds.clusters.set_index('cluster_id').at[row, 'number']}. {name('cluster', row, ds.cluster_name(row))}"

    def published(self) -> dict[str, str]:
        return {c: r.published for c, r in self.view.classes.items() if r.published}


def column_label(column: str) -> str:
    return _("Overall") if column == M.OVERALL else translator().pillar(column)


def controls(state) -> None:
    """Rows (clusters or districts) and their order, kept in the view state (and the link)."""
    left, right = st.columns(2)
    with left:
        view_state.bound(
            st.radio,
            "w_matrix",
            state,
            "matrix",
            label=_("Rows"),
            options=list(M.ORIENTATIONS),
            format_func=lambda o: _("Clusters") if o == M.CLUSTERS else _("Districts"),
            horizontal=True,
        )
    sorts = M.SORTS[state.matrix]
    if state.matrix_sort not in sorts:
        state.matrix_sort = sorts[0]
    words = {
        "number": _("number in the dialogue report"),
        "name": _("name"),
        "district": _("district"),
        "gap": _("overall gap, highest first"),
        "coverage": _("coverage, highest first"),
    }
    with right:
        view_state.bound(
            st.selectbox,
            "w_matrix_sort",
            state,
            "matrix_sort",
            label=_("Order rows by"),
            options=list(sorts),
            format_func=words.get,
        )


def build(atlas: AtlasData, state, previous: str | None) -> Matrix:
    data = get_view(atlas, state)
    orientation = state.matrix
    found = M.cells(data, orientation)
    changes = None
    previous_name = None
    if previous is not None:
        changes = M.cell_changes(data, get_view(atlas, state, round_id=previous), orientation)
        previous_name = data_text(atlas.dataset.rounds.set_index("round_id").at[previous, "name"])
    shell = Matrix(data, orientation, [], found, changes, previous_name, pd.DataFrame())
    shell.rows = M.order_rows(data, found, orientation, state.matrix_sort, shell.row_label)
    published = shell.published()
    tr = translator()

    def labelled(row: str) -> str:
        # Under each cluster, the classification the HRD study published (a second label line).
        if orientation == M.DISTRICTS:
            return shell.row_label(row)
        return shell.row_label(row) + "|" + (_(published[row]) if row in published else _("not published"))

    shell.frame = F.chart_frame(found, shell.rows, labelled, column_label, changes, tr)
    return shell


def draw(atlas: AtlasData, state, m: Matrix) -> None:
    """The chart (a click opens the cell), its legend, the real table, and a keyboard way to open a cell."""
    import altair as alt

    cell = alt.selection_point(name="cell", fields=["row", "column"], on="click", clear=False)
    chart = _fitted(F.matrix_chart(m.frame, m.rows, M.columns_of(m.view), translator()).add_params(cell))
    event = st.altair_chart(chart, width="stretch", on_select="rerun", key=CHART_KEY, selection_mode="cell")
    for line in F.legend_lines(m.view, m.previous_name, translator()):
        st.caption(md(line))
    chosen = (getattr(event, "selection", None) or {}).get("cell") or []
    if chosen:
        open_cell(state, m.orientation, chosen[0].get("row"), chosen[0].get("column"))

    st.markdown("#### " + _("The matrix as a table"))
    st.table(wide_table(m))  # already in the page's language: headers by message id, names by id
    keyboard_opener(state, m)


def projected(m: Matrix, key: str) -> None:
    """The matrix on the Workshop's projector (an agenda item): the same chart in a room's type, what its
    marks mean, and the real table; no cell opens a page there (the room's screen follows the presenter)."""
    tr = translator()
    chart = _fitted(F.matrix_chart(m.frame, m.rows, M.columns_of(m.view), tr, F.PROJECTOR))
    # What the marks mean beside the chart, not under it: the whole matrix stays on a 1080 px screen.
    picture, words = st.columns([4, 1], gap="medium")
    picture.altair_chart(chart, width="stretch", key=key)
    for line in F.legend_lines(m.view, m.previous_name, tr):
        words.caption(md(line))
    st.table(wide_table(m))


def _fitted(chart):
    """The chart as wide as its column on the page (the rows keep their step)."""
    import altair as alt

    return chart.properties(width="container", autosize=alt.AutoSizeParams(type="fit-x", contains="padding"))


def wide_table(m: Matrix) -> pd.DataFrame:
    """Rows × columns as words (gap, coverage, low coverage, change): what a screen reader reads."""
    text = m.frame.set_index(["row", "column"])["text"]
    first = _("Cluster") if m.orientation == M.CLUSTERS else _("District")
    out = pd.DataFrame({first: [m.row_label(r) for r in m.rows]})
    if m.orientation == M.CLUSTERS:
        published = m.published()
        out[_("Published classification")] = [
            _(published[r]) if r in published else _("not published") for r in m.rows
        ]
    for column in M.columns_of(m.view):
        out[column_label(column)] = [text.get((r, column), "") for r in m.rows]
    return out


def keyboard_opener(state, m: Matrix) -> None:
    """The same as a click on a cell, from a picker: reachable by keyboard and screen reader."""
    options = [(r, c) for r in m.rows for c in M.columns_of(m.view)]
    label = (
        _("Open a cluster's profile at a pillar")
        if m.orientation == M.CLUSTERS
        else _("Open a district on the Atlas")
    )
    picked = st.selectbox(
        label,
        options,
        index=None,
        format_func=lambda rc: f"{m.row_label(rc[0])} — {column_label(rc[1])}",
        key=f"w_matrix_open_{m.orientation}",
        placeholder=_("Choose a cell"),
    )
    if picked is not None:
        st.session_state.pop(f"w_matrix_open_{m.orientation}", None)
        open_cell(state, m.orientation, *picked)


def open_cell(state, orientation: str, row: str | None, column: str | None) -> None:
    """A cell's profile: the cluster at that pillar (Clusters page), or the district (Atlas)."""
    if not row:
        return
    st.session_state.pop(CHART_KEY, None)  # back on the Overview, no cell is still chosen
    if orientation == M.CLUSTERS:
        state.cluster = row
        state.pillar = column if column in PILLARS else None
        st.switch_page("pages/clusters.py")
    state.district = row
    st.switch_page("pages/atlas.py")


def files(atlas: AtlasData, m: Matrix) -> dict[str, tuple[str, str, object]]:
    """{format: (file name, MIME type, bytes builder)}: PNG and SVG of the framed chart, CSV and XLSX of the
    cells and the matrix, in the page's language, coverage in every row and the sources with them."""
    from geo.snapshot import render
    from outputs.tables import to_csv_bytes, to_xlsx_bytes

    ds, v, tr = atlas.dataset, m.view, translator()
    change_title = _("Change since {round}").format(round=m.previous_name) if m.previous_name else None
    changes = (
        m.changes.assign(change=[M.change_word(c, tr) for c in m.changes["change"]])
        if m.changes is not None
        else None
    )
    cells = F.cells_table(
        m.found,
        m.rows,
        m.orientation,
        m.row_label,
        column_label,
        {c: _(p) for c, p in m.published().items()} if m.orientation == M.CLUSTERS else None,
        lambda s: data_text(ds.citation(s)),
        changes,
        change_title,
        v,
    )
    used = {s for ids in m.found["sources"] for s in ids.split(";") if s}
    title = (
        _("Gap matrix: clusters × pillars")
        if m.orientation == M.CLUSTERS
        else _("Gap matrix: districts × pillars")
    )
    legend = F.legend_lines(v, m.previous_name, tr)
    notes = [title, *v.filter_lines(ds, tr), *legend]
    notes += mark_lines(v, tr)
    sources = shown_table(sources_table(ds, used))
    credits = [
        _("Data:") + " " + "; ".join(data_text(ds.citation(s)) for s in sorted(used))
        if used
        else _("Data: no value assessed")
    ]
    chart = F.matrix_chart(m.frame, m.rows, M.columns_of(v), tr)

    def picture(fmt: str) -> bytes:
        return render(F.snapshot(chart, v, title, legend, credits, tr), fmt)

    stem = file_prefix(v) + f"gap-matrix-{m.orientation}-{v.round_id}-{v.generated}-{current_language()}"
    sheet = shown_table(cells, vocabulary=())  # its pillar names are already in the language
    return {
        "png": (f"{stem}.png", "image/png", lambda: picture("png")),
        "svg": (f"{stem}.svg", "image/svg+xml", lambda: picture("svg")),
        "csv": (f"{stem}.csv", "text/csv", lambda: to_csv_bytes(sheet, notes)),
        "xlsx": (
            f"{stem}.xlsx",
            XLSX,
            lambda: to_xlsx_bytes(
                {_("Cells"): sheet, _("Matrix"): marked(wide_table(m), v)},
                sources,
                notes,
                _("Sources"),
            ),
        ),
    }


MAX_SMALL_MAPS = 6


def small_multiples(atlas: AtlasData, state) -> tuple[str, str, object] | None:
    """(file name, MIME type, bytes builder) of one small map per round of the shown round's kind, up to it
    (the last few), with the sidebar's filters; None without boundaries or a round."""
    from cluster_model.history import comparable_rounds
    from geo.snapshot import small_multiples_png

    ds, v, tr = atlas.dataset, get_view(atlas, state), translator()
    if atlas.districts is None or state.round is None:
        return None
    rounds = [*comparable_rounds(ds, state.round), state.round][-MAX_SMALL_MAPS:]
    info = ds.rounds.set_index("round_id")

    def build() -> bytes:
        panels, used = [], set()
        for r in rounds:
            label = f"{data_text(info.at[r, 'name'])} ({info.at[r, 'date']})"
            round_view = get_view(atlas, state, round_id=r)
            panels.append(
                (
                    label,
                    round_view.district_scores(every_district=True),
                    round_view.illustrative,
                    round_view.draft,
                )
            )
            used |= set(round_view.matrix_for()["source_id"]) - {""}
        lines = v.filter_lines(ds, tr)
        return small_multiples_png(
            atlas.districts,
            panels,
            title=_("District gaps, one map per round"),
            subtitle_lines=["; ".join(lines[:3]), _("made {date}").format(date=v.generated)],
            credits=[
                _("Striped colour on white = low coverage.") + " " + coverage_note(ds, tr),
                _("Data:") + " " + "; ".join(data_text(ds.citation(x)) for x in sorted(used)),
            ],
            tr=tr,
        )

    stem = file_prefix(v) + f"gaps-by-round-{state.round}-{v.generated}"
    return f"{stem}.png", "image/png", build


def downloads(atlas: AtlasData, state, m: Matrix) -> None:
    st.markdown("#### " + _("Export"))
    for col, (fmt, (file_name, mime, build_file)) in zip(st.columns(4), files(atlas, m).items()):
        col.download_button(fmt.upper(), build_file, file_name, mime, on_click="ignore", key=f"matrix_{fmt}")
    if multiples := small_multiples(atlas, state):
        st.download_button(
            _("One small map per round (PNG)"), multiples[2], multiples[0], multiples[1], on_click="ignore"
        )


def history_strip(atlas: AtlasData, state, cluster_id: str) -> None:
    """The status of one of the cluster's indicators in each round of the shown round's kind (up to it),
    with its source: a compact strip on the cluster profile. Illustrative rounds are marked."""
    from cluster_model.history import comparable_rounds
    from ui.data_view import get_round_view
    from ui.i18n import indicator_name

    ds = atlas.dataset
    rounds = [*comparable_rounds(ds, state.round), state.round] if state.round else []
    if not rounds:
        st.caption(_("No round: nothing to show."))
        return
    indicators = list(ds.indicators["indicator_id"])
    english = ds.indicators.set_index("indicator_id")["name"]
    key = f"w_history_indicator_{cluster_id}"
    if st.session_state.get(key) not in indicators:  # open on one the rounds say something about
        shown = get_round_view(atlas, state.round).matrix
        said = shown[(shown["cluster_id"] == cluster_id) & (shown["status"] != "not assessed")]
        st.session_state[key] = said["indicator_id"].iloc[0] if not said.empty else indicators[0]
    indicator = st.selectbox(
        _("Indicator"), indicators, format_func=lambda i: indicator_name(i, english[i]), key=key
    )
    history = M.indicator_history([get_round_view(atlas, r) for r in rounds], cluster_id, indicator)
    heads = [
        data_text(r["round"]) + f" ({r['date']})" + (" — " + _("ILLUSTRATIVE") if r["illustrative"] else "")
        for r in history.to_dict("records")
    ]
    strip = pd.DataFrame(
        [
            [_(s) for s in history["status"]],  # the status word is its own message id
            [data_text(ds.citation(s)) if s else "—" for s in history["source_id"]],
        ],
        index=[_("Status"), _("Source")],
        columns=heads,
    )
    st.table(strip)
    st.caption(
        _("Oldest round first, up to the round shown. Not assessed means unknown: no source, never zero.")
    )
