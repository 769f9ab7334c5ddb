"""Streamlit glue for institutions and linkages (issue 17), called with a line or two from the
Clusters, Atlas, Export and Workshop pages and used by the Linkage matrix page.

Nothing here decides anything: the model (``cluster_model.linkages``) does. Every value from
the store is shown as plain text (dataframes) or escaped (the network SVG, map tooltips).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import folium
import pandas as pd
import streamlit as st
import streamlit.components.v1 as components

from cluster_model import linkages as L
from cluster_model import store
from cluster_model.markup import esc, md
from cluster_model.view import View
from cluster_model.vocabulary import STAKEHOLDERS
from geo.institutions_layer import build_institutions_layer, legend_rows
from ui.data_access import AtlasData
from ui.data_view import get_round_view
from ui.i18n import _, data_text, indicator_name, name, names, shown_table, translator
from ui.state import bound
from ui.uploads import show_refused

if TYPE_CHECKING:
    import altair as alt

LAYER_KEY = "w_institutions_layer"


def show_svg(svg: str, height: int = 450) -> None:
    """The network drawing, already escaped by ``network_svg`` (no data becomes markup). In a
    component frame: ``st.html`` sanitises SVG away. Nothing in it loads anything."""
    components.html(
        f'<!doctype html><html><body style="margin:0;background:#fff"><div class="linkage-network-box">{svg}</div></body></html>',
        height=height,
    )


# --------------------------------------------------------------------------- cluster profile


def cluster_section(view: View, cluster_id: str) -> None:
    """The cluster's institutions and links (network + list) and its missing links, as of ``view``'s round."""
    links = view.linkages
    st.subheader(_("Institutions and links"))
    st.caption(
        _(
            "Who supports this cluster, as recorded by the ICCK (editors add links on the Linkage matrix page). "
            "Solid line: active; dashed: weak; dotted red: needed but absent. A kind of support with no link recorded is unknown, not absent."
        )
    )
    table = links.cluster_links(cluster_id)
    left, right = st.columns([3, 2], gap="medium")
    with left:
        show_svg(links.network_svg(cluster_id))
    with right:
        if table.empty:
            st.info(_("No institution is linked to this cluster yet: unknown, not absent."))
        else:
            st.dataframe(cluster_links_table(links, cluster_id), hide_index=True, width="stretch")
    inst = cluster_institutions_table(links, cluster_id)
    if not inst.empty:
        with st.expander(_("The {n} institution(s), where they are and their sources").format(n=len(inst))):
            st.dataframe(inst, hide_index=True, width="stretch")
    st.markdown("**" + _("Missing links") + "**")
    missing = links.missing_links(cluster_id)
    st.caption(
        L.pillar_note(translator())
        + " "
        + _(
            "Listed: the kinds no active link provides, with what the links and the indicator assessments say."
        )
    )
    if missing.empty:
        st.success(_("Every kind of support the framework expects has an active link."))
    else:
        st.dataframe(missing_links_table(missing), hide_index=True, width="stretch")


def cluster_links_table(links: L.LinkageView, cluster_id: str) -> pd.DataFrame:
    """The cluster's links for the page: kind, link type and status by message id; the rest is data."""
    table = links.cluster_links(cluster_id).drop(columns=["institution_id", "link_type"])
    return shown_table(table, vocabulary=("Kind", "Link", "Status"))


def cluster_institutions_table(links: L.LinkageView, cluster_id: str) -> pd.DataFrame:
    """The cluster's institutions for the page: districts by the names table, kind, group and unknown by
    message id, the rest as data."""
    inst = links.cluster_institutions(cluster_id)
    unknown = [_("unknown") + (f" ({data_text(n)})" if n else "") for n in inst["location_note"]]
    inst = inst.assign(
        District=[name("district", d) if d else _("unknown") for d in inst["district_id"]],
        Location=inst["Location"].where(inst["located"], unknown).map(data_text),
    ).drop(columns=["district_id", "located", "location_note"])
    return _with_headers(
        inst.assign(
            Institution=inst["Institution"].map(data_text),
            Kind=inst["Kind"].map(_),
            Source=inst["Source"].map(data_text),
            Note=inst["Note"].map(data_text),
            **{"Stakeholder group": inst["Stakeholder group"].map(_)},
        )
    )


def _with_headers(frame: pd.DataFrame) -> pd.DataFrame:
    """A table whose cells are already worded for the page (by id, by message id, data marked): its
    headers by message id."""
    return frame.rename(columns=_)


def missing_links_table(missing: pd.DataFrame) -> pd.DataFrame:
    """The missing links worded in the page's language from the keys each row carries (indicators by id)."""
    tr = translator()
    rows = [L.missing_link_words(r, tr, indicator_name) for r in missing.to_dict("records")]
    return _with_headers(pd.DataFrame(rows, columns=L.MISSING_LINK_COLUMNS))


def district_institutions_table(table: pd.DataFrame) -> pd.DataFrame:
    """Institutions located in a district for the page: the kind by message id, the clusters they serve
    worded in the page's language with clusters by id, the rest as data."""
    tr = translator()
    return _with_headers(
        pd.DataFrame(
            {
                "Institution": table["Institution"].map(data_text),
                "Kind": table["Kind"].map(_),
                "Clusters served": [
                    L.served_words(s, tr, lambda c: name("cluster", c)) for s in table["served"]
                ],
                "Location": table["Location"].map(data_text),
                "Source": table["Source"].map(data_text),
            }
        )
    )


# --------------------------------------------------------------------------- atlas layer and district panel


def with_institutions_layer(
    styles: folium.FeatureGroup, view: View, state
) -> folium.FeatureGroup | list[folium.FeatureGroup]:
    """The Atlas's feature groups, plus the institutions layer of ``view``'s round when its toggle is on."""
    # The view state's, so a shared link reopens it (#24 item 7).
    on = bound(
        st.toggle,
        LAYER_KEY,
        state,
        "institutions",
        label=_("Institutions layer"),
        help=_(
            "Institutions as circles by kind; lines to the sites of the chosen sectors' clusters "
            "(or of the clusters in the chosen district) they serve. Locations are editor-supplied, to verify."
        ),
    )
    if not on:
        return styles
    ds, lk = view.dataset, view.linkages
    layer = build_institutions_layer(
        lk.institutions,
        lk.links,
        view.sites,
        cluster_names=dict(zip(ds.clusters["cluster_id"], ds.clusters["name"])),
        cluster_ids=view.sectors or None,
        district=state.district,
    )
    # The key's words by message id, a kind by its label's message id, institution names as data (#25).
    key = " ".join(
        f'<span style="display:inline-block;width:10px;height:10px;border-radius:50%;background:{c};border:1px solid #222"></span> {esc(_(label))}'
        for c, label in legend_rows(lk.institutions[lk.institutions["lat"].notna()])
    )
    unplaced = lk.institutions[lk.institutions["lat"].isna()]
    words = (
        esc(_("Institutions:"))
        + f" {key}. "
        + esc(_("Lines: solid active, dashed weak, dotted red needed but absent."))
    )
    if len(unplaced):
        words += " " + esc(
            _("Not on the map (location unknown): {names}.").format(
                names=", ".join(str(data_text(n)) for n in unplaced["name"])
            )
        )
    st.html(f'<div class="institutions-key" style="font:12px sans-serif">{words}</div>')
    return [styles, layer]


def district_panel(view: View, district: str | None) -> None:
    """Institutions located in the district and the clusters they serve, as of ``view``'s round."""
    if not district:
        return
    table = view.linkages.district_institutions(district)
    heading = "**" + _("Institutions in {district}").format(district=md(name("district", district))) + "**"
    if table.empty:  # heading and note as one element: one fewer on every rerun (#14)
        st.caption(heading + "  \n" + _("None recorded with this district (unknown, not absent)."))
    else:
        st.markdown(heading)
        st.dataframe(district_institutions_table(table), hide_index=True, width="stretch")


# --------------------------------------------------------------------------- exports


def export_tables(view: View) -> dict[str, pd.DataFrame]:
    """Sheets for the Export page: the view's clusters' institutions and links, and their missing links, with sources."""
    from cluster_model.exports import marked_tables

    return marked_tables(view.linkages.export_tables(view.cluster_ids), view)


def matrix_chart(ds, long: pd.DataFrame, title: str) -> alt.Chart:
    import altair as alt  # here, not at import: the Atlas's first screen draws no chart (issue #14)

    data = long.assign(
        cluster=[ds.cluster_name(c) for c in long["cluster_id"]],
        kind=long["link_type"].map(L.LINK_TYPES),
        text=[L.cell_text(r) for r in long.to_dict("records")],
    )
    order = list(dict.fromkeys(data["cluster"]))
    base = alt.Chart(data).encode(
        x=alt.X(
            "kind:N",
            sort=list(L.LINK_TYPES.values()),
            title=None,
            # Whole names, on two lines after "&", all shown: they were cut and hidden at 1280 (#24 item 13).
            axis=alt.Axis(
                orient="top",
                labelAngle=0,
                labelLimit=0,
                labelOverlap=False,
                labelExpr="split(replace(datum.label, ' & ', ' &|'), '|')",
            ),
        ),
        y=alt.Y("cluster:N", sort=order, title=None),
    )
    rect = base.mark_rect(stroke="#fff").encode(
        color=alt.Color(
            "state:N",
            scale=alt.Scale(domain=L.CELL_STATES, range=[L.CELL_COLOURS[s] for s in L.CELL_STATES]),
            title="Link",
            legend=alt.Legend(orient="bottom"),
        ),
        tooltip=["cluster", "kind", "text"],
    )
    text = base.mark_text(fontSize=10).encode(text="text:N")
    return (rect + text).properties(title=title, width=alt.Step(110), height=alt.Step(24))


def unknown_note(counts: dict[str, int], cells: int) -> str | None:
    """One sentence for above the matrix: how many cells are unknown and how a link gets recorded."""
    if not counts.get("unknown"):
        return None
    return _(
        "**{unknown} of {cells}** cells are unknown: no link is recorded for them yet, which is not a finding that "
        "the link is absent. Links are recorded by signed-in editors under *Edit institutions and links* below "
        "(one by one, or a CSV/XLSX import), and by the Workshop when the room names who works with whom."
    ).format(unknown=counts["unknown"], cells=cells)


def fitted(chart: alt.Chart) -> alt.Chart:
    """The matrix for the page: as wide as its column, not a fixed 110 px per kind (the PNG keeps those)."""
    import altair as alt

    return chart.properties(width="container", autosize=alt.AutoSizeParams(type="fit-x", contains="padding"))


def matrix_png(chart: alt.Chart, view: View, title: str, credits: list[str]) -> bytes:
    """The matrix as a picture file, framed like every snapshot (title, round, credits, the round's mark)."""
    from geo.snapshot import framed, render

    file = framed(
        chart.properties(title=""),
        title=title,
        subtitle_lines=[view.generated],
        credits=credits,
        illustrative=view.illustrative,
        draft=view.draft,
        width=110 * len(L.LINK_TYPES) + 160,
    )
    return render(file, "png", scale=2)


INSTITUTIONS_ORDER = "Institutions are sorted by district (unknown last), then name."


def institutions_table(links: L.LinkageView) -> pd.DataFrame:
    """The institutions with the location entered (empty coordinates = unknown), in the stated order."""
    ds, i = links.dataset, links.institutions
    table = pd.DataFrame(
        {
            "Id": i["institution_id"],
            "Institution": i["name"],
            "Kind": i["kind"].map(L.INSTITUTION_KINDS),
            "Stakeholder group": i["stakeholder_group"].map(lambda g: STAKEHOLDERS.get(g, "not stated")),
            "District": i["district"].replace("", "unknown"),
            "Latitude": pd.to_numeric(i["lat"], errors="coerce"),
            "Longitude": pd.to_numeric(i["lon"], errors="coerce"),
            "Location note": i["location_note"],
            "Location source": i["location_source_id"].map(lambda s: ds.citation(s) if s else ""),
            "Source": i["source_id"].map(ds.citation),
            "Note": i["note"],
        }
    )
    order = pd.DataFrame(
        {
            "unknown": table["District"] == "unknown",
            "district": table["District"].str.casefold(),
            "name": table["Institution"].str.casefold(),
        }
    ).sort_values(["unknown", "district", "name"], kind="stable")
    return table.loc[order.index].reset_index(drop=True)


def institutions_shown(links: L.LinkageView) -> pd.DataFrame:
    """:func:`institutions_table` for the page: kind, group and unknown by message id, districts by the names
    table, looked up by each institution's own keys; names, notes and sources as data."""
    tr, table = translator(), institutions_table(links)
    inst = links.institutions.set_index("institution_id")
    data = [
        "Id",
        "Institution",
        "Location note",
        "Location source",
        "Source",
        "Note",
    ]  # ids as data, as written
    return _with_headers(
        table.assign(
            Kind=[_(L.INSTITUTION_KINDS.get(k, k)) for k in table["Id"].map(inst["kind"])],
            District=[name("district", d) if d else _("unknown") for d in table["Id"].map(inst["district"])],
            **{"Stakeholder group": [tr.group(g) for g in table["Id"].map(inst["stakeholder_group"])]},
            **{c: table[c].map(data_text) for c in data},
        )
    )


def matrix_shown(view: View, long: pd.DataFrame, changes: pd.DataFrame | None) -> pd.DataFrame:
    """The linkage matrix for the page: cells and kinds by message id, clusters by id."""
    cluster_names = names("cluster", long["cluster_id"].drop_duplicates(), view.dataset.cluster_name)
    return L.matrix_table(view.dataset, long, changes, translator(), cluster_names.get)


def changed_cells_shown(view: View, changed: pd.DataFrame) -> pd.DataFrame:
    """The cells that changed since the previous round: clusters by id, kinds and states by message id."""
    cluster_names = names("cluster", changed["cluster_id"].drop_duplicates(), view.dataset.cluster_name)
    return _with_headers(
        pd.DataFrame(
            {
                "Cluster": changed["cluster_id"].map(cluster_names),
                "Kind of support": [_(L.LINK_TYPES[t]) for t in changed["link_type"]],
                "Before": changed["state_before"].map(_),
                "Now": changed["state_now"].map(_),
            }
        )
    )


def refresh() -> None:
    """After a write: every cached view must read the store again."""
    st.cache_data.clear()


def show_problems(exc: store.ValidationError) -> None:
    show_refused(exc)


def brief_page(view: View, tr=None):
    """The district brief's linkage page (after each district's page) of ``view``'s round, in ``tr``'s language."""
    from outputs.linkage_brief import linkage_page

    return linkage_page(view.linkages, tr)


def matrix_view(view: View, before: View | None) -> dict:
    """Everything the Linkage matrix page shows and exports for ``view``'s round and clusters, built once
    and kept on the view: the long and wide tables, the change since ``before`` (the previous round's
    view, None for the first round of its kind), the chart, and the files (name, bytes builder)."""
    return view.keep(
        ("linkage matrix", None if before is None else before.round_id), lambda: _matrix_view(view, before)
    )


def _matrix_view(view: View, before: View | None) -> dict:
    from cluster_model.exports import (
        file_prefix,
        mark_lines,
        marked,
        marked_tables,
        round_mark,
        sources_table,
    )
    from geo.boundaries import BOUNDARY_ATTRIBUTION
    from outputs.tables import to_csv_bytes, to_xlsx_bytes

    ds, lk, round_id, cluster_ids = view.dataset, view.linkages, view.round_id, view.cluster_ids
    rows = ds.rounds[ds.rounds["round_id"] == round_id]
    illustrative = view.illustrative
    round_name = rows.iloc[0]["name"] if not rows.empty else "no round"
    long = lk.matrix(cluster_ids)
    previous = None if before is None else before.round_id
    changes = lk.changes_since(before.linkages, cluster_ids) if before is not None else None
    table = L.matrix_table(ds, long, changes)
    mark = round_mark(view)
    chart = matrix_chart(ds, long, f"Linkage matrix — {round_name}" + (f" — {mark}" if mark else ""))
    links_now = lk.links
    used = (
        set(links_now["source_id"])
        | set(lk.institutions["source_id"])
        | (set(lk.institutions["location_source_id"]) - {""})
    )
    sources = sources_table(ds, used)
    notes = [
        f"Sindh Cluster Atlas — linkage matrix, round {round_name} ({round_id})",
        "Cells: active / weak / absent (recorded as needed but absent) / unknown (no link recorded; not absent)."
        + (f" [was …]: the state in the previous round, {previous}." if previous else ""),
        *mark_lines(view),
        INSTITUTIONS_ORDER,
        "Sources:",
        *[f"  [{r['Source id']}] {r['Citation']}" for _, r in sources.iterrows()],
        f"District boundaries {BOUNDARY_ATTRIBUTION}",
    ]
    export = marked(table, view)
    cells = long.assign(
        cluster=long["cluster_id"].map(ds.cluster_name), kind=long["link_type"].map(L.LINK_TYPES)
    )
    if changes is not None:
        cells = cells.merge(
            changes[["cluster_id", "link_type", "state_before", "change"]], on=["cluster_id", "link_type"]
        )
    links_sheet = pd.DataFrame(
        {
            "Round": links_now["round_id"],
            "Institution": links_now["institution_id"].map(lk.name),
            "With": [
                ds.cluster_name(t) if k == L.CLUSTER else lk.name(t)
                for k, t in zip(links_now["kind_of_target"], links_now["target_id"])
            ],
            "Link": links_now["link_type"].map(L.LINK_TYPES),
            "Status": links_now["status"],
            "Source": links_now["source_id"].map(ds.citation),
            "Note": links_now["note"],
        }
    )
    stem = file_prefix(view) + f"linkage-matrix-{round_id}"
    files = {
        "csv": (f"{stem}.csv", "text/csv", lambda: to_csv_bytes(export, notes)),
        "xlsx": (
            f"{stem}.xlsx",
            "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
            lambda: to_xlsx_bytes(
                marked_tables(
                    {
                        "Matrix": table,
                        "Cells": cells,
                        "Links": links_sheet,
                        "Institutions": institutions_table(lk),
                    },
                    view,
                ),
                sources,
                notes,
            ),
        ),
        "png": (
            f"{stem}.png",
            "image/png",
            lambda: matrix_png(
                chart,
                view,
                f"Linkage matrix — {round_name}",
                ["Data: " + "; ".join(sources["Citation"]) + "."],
            ),
        ),
    }
    return {
        "long": long,
        "previous": previous,
        "changes": changes,
        "table": table,
        "chart": chart,
        "files": files,
        "illustrative": illustrative,
        "round_name": round_name,
    }


def methods_section(atlas: AtlasData) -> None:
    """Methods: how the linkage matrix and the missing links are worked out, from data/link_types.csv."""
    ds = atlas.dataset
    lk = get_round_view(
        atlas, ds.latest_round()
    ).linkages.data  # the framework's kinds: the same in every round
    english = dict(zip(ds.indicators["indicator_id"], ds.indicators["name"]))
    st.header(_("Institutions and linkages"))
    st.markdown(
        _(
            "A link joins an institution to a cluster (or to another institution), with a kind of support and a status — *active*, *weak* or "
            "*needed but absent* — in a round, with a source. A matrix cell is **active** if any active link of that kind serves the cluster, "
            "**weak** if only weak ones do, **absent** if the only record says the link is needed but absent, and **unknown** if nothing is "
            "recorded. Links carry forward to later real rounds until changed, like assessments. "
            "A kind of support is *expected* of every cluster when it answers a support or technology indicator; the **missing links** "
            "of a cluster are the expected kinds with no active link."
        )
    )
    st.dataframe(
        _with_headers(
            pd.DataFrame(
                [
                    {
                        "Kind of support": _(L.LINK_TYPES.get(k.link_type, k.label)),
                        "Expected": _("yes") if k.expected else _("no"),
                        "Indicators it answers": "; ".join(
                            indicator_name(i, english.get(i, i)) for i in k.indicators
                        )
                        or _("none"),
                        "Note": data_text(k.note),
                    }
                    for k in lk.kinds
                ]
            ),
        ),
        hide_index=True,
        width="stretch",
    )
