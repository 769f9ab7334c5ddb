"""The District context layer of the atlas map: districts coloured by one public figure.

Built on the atlas map's own base (same districts TopoJSON, site markers, offline assets)
with its own legend (indicator, year, unit, source, the stated class breaks, grey = no
figure) and its own fill: quantile classes of the survey units' figures (each unit counted
once, so Karachi City's one figure is not counted seven times). The seven Karachi districts
take the one Karachi City figure, drawn as one unit (no borders between them) and labelled so.
"""

from __future__ import annotations

import folium
import geopandas as gpd
import pandas as pd
import shapely

from cluster_model import context as cx
from cluster_model.markup import esc
from geo.atlas_map import BORDER, atlas_styles, build_atlas_base

# ColorBrewer PuBu, 5 classes (colour-blind safe), distinct from the gap map's YlOrRd.
CONTEXT_COLOURS = ("#f1eef6", "#bdc9e1", "#74a9cf", "#2b8cbe", "#045a8d")
NO_FIGURE_FILL = "#9e9e9e"
NO_FIGURE_DASH = "6 4"


def context_frame(
    figures: cx.ContextFigures, indicator_id: str, districts: list[str]
) -> tuple[pd.DataFrame, list[float]]:
    """Every boundary district with its unit's figure, class (-1 = no figure) and tooltip text; and the breaks.

    ``figures``: the view's context (``View.context``), whose tables are built once."""
    table = figures.table(indicator_id, districts).copy()  # the kept table stays as it is
    edges = cx.breaks(figures.units(indicator_id)["value"])
    table["class"] = [(-1 if (c := cx.classify(v, edges)) is None else c) for v in table["value"]]
    texts = []
    for district, row in table.iterrows():
        line = cx.describe(figures, indicator_id, None if pd.isna(row["value"]) else row)
        if isinstance(row["unit"], str) and row["shared_with"] > 1:
            line = f"Survey unit {cx.unit_label(row['unit'], row['districts'])} — " + line
        elif isinstance(row["unit"], str) and row["unit"] != district:
            line = f"Survey unit {row['unit']} — " + line
        texts.append(line)
    if indicator_id != "poverty_rate_2018" and figures.has("poverty_rate_2018"):
        poverty = figures.table("poverty_rate_2018", districts)
        for i, district in enumerate(table.index):
            r = poverty.loc[district]
            if not pd.isna(r["value"]):
                interval = (
                    "no interval"
                    if pd.isna(r["ci_low"])
                    else f"95% interval {r['ci_low']:.1f}–{r['ci_high']:.1f}%"
                )
                texts[i] += f" · Poverty 2018 (provisional): {r['value']:.1f}%, {interval}"
    table["text"] = texts
    return table, edges


def fill_styles(table: pd.DataFrame) -> dict[str, dict]:
    """district -> Leaflet style. Districts sharing one figure are drawn without borders between them."""
    styles = {}
    for district, row in table.iterrows():
        cls = int(row["class"])
        if cls < 0:
            styles[district] = {
                "color": "#424242",
                "weight": 1.5,
                "opacity": 1,
                "fillColor": NO_FIGURE_FILL,
                "fillOpacity": 0.55,
                "dashArray": NO_FIGURE_DASH,
            }
        elif row.get("shared_with", 1) > 1:
            colour = CONTEXT_COLOURS[cls]
            styles[district] = {
                "color": colour,
                "weight": 1,
                "opacity": 1,
                "fillColor": colour,
                "fillOpacity": 0.85,
            }
        else:
            styles[district] = {
                "color": BORDER,
                "weight": 1,
                "opacity": 1,
                "fillColor": CONTEXT_COLOURS[cls],
                "fillOpacity": 0.85,
            }
    return styles


def format_edge(value: float, unit: str) -> str:
    return f"{value:.1f}" if "%" in unit or abs(value) < 100 else f"{value:,.0f}"


def legend_rows(meta: pd.Series, edges: list[float], tr=None) -> list[tuple[str | None, str]]:
    """(colour or None, text) lines of the legend; shared by the map and the snapshot."""
    _ = tr.gettext if tr is not None else str
    unit = str(meta["unit"])
    rows: list[tuple[str | None, str]] = []
    for i in range(len(edges) - 1):
        rows.append((CONTEXT_COLOURS[i], f"{format_edge(edges[i], unit)}–{format_edge(edges[i + 1], unit)}"))
    rows.append((NO_FIGURE_FILL, _("no figure (unknown)")))
    return rows


def _figure_label(meta: pd.Series, tr=None) -> str:
    """The figure's label in ``tr``'s language (data/names.csv, kind context; English marked [en] when missing)."""
    if tr is None or tr.language == "en":
        return str(meta["label"])
    from cluster_model.local_names import load_names

    return load_names()[0].name("context", str(meta.name), tr.language, str(meta["label"]))


def legend_html(
    figures: cx.ContextFigures, indicator_id: str, edges: list[float], shared_units: list[str], tr=None
) -> str:
    """The context map's legend; ``tr``: a ``cluster_model.i18n.Translator`` (English when None),
    data text (unit, source, credit) as written, marked [en] when English."""
    _ = tr.gettext if tr is not None else str
    data = tr.data if tr is not None else str
    meta = figures.indicator(indicator_id)
    better = _("higher is better") if meta["direction"] == "positive" else _("higher is worse")
    # A foldable strip like the gap map's legend (its summary stays: what the colours show), classes
    # side by side: short enough that the map, fitted above or beside it, shows the province large.
    title = f"<b>{esc(_figure_label(meta, tr))}, {int(meta['year'])}</b>"
    notes = [
        f"{esc(data(str(meta['unit'])))} · {esc(better)} · <i>"
        + esc(
            _("{n} classes: quantiles of the district figures (each survey unit once)").format(
                n=len(edges) - 1 if edges else 0
            )
        )
        + "</i>"
    ]
    rows = []
    for colour, text in legend_rows(meta, edges, tr):
        dashed = "dashed" if colour == NO_FIGURE_FILL else "solid"
        rows.append(
            f'<div><span style="display:inline-block;width:14px;height:12px;margin-right:6px;vertical-align:middle;'
            f'background:{colour};border:1.5px {dashed} {BORDER}"></span>{esc(text)}</div>'
        )
    for unit in shared_units:
        notes.append(esc(_("{unit}: one figure for its districts together").format(unit=data(unit))))
    notes.append(
        "<small>"
        + esc(_("Source:") + " " + data(str(meta["source"])))
        + " "
        + esc(data(cx.CONTEXT_CREDIT))
        + ". "
        + esc(_("Estimates with sampling error; context only, never part of a gap score."))
        + "</small>"
    )
    return (
        f"<div><details open><summary>{title}</summary>"
        + f"<div>{notes[0]}</div>"
        + f'<div class="atlas-legend-rows">{"".join(rows)}</div>'
        + "".join(f"<div>{n}</div>" for n in notes[1:])
        + "</details></div>"
    )


def _unit_labels(districts: gpd.GeoDataFrame, table: pd.DataFrame, tr=None) -> list[tuple[str, float, float]]:
    """(label, lat, lon) for each survey unit that covers several districts: one label per unit."""
    labels = []
    shared = table[table["shared_with"] > 1]
    for unit, group in shared.groupby("unit"):
        geoms = districts[districts["district"].isin(group.index)].geometry
        if geoms.empty:
            continue
        point = shapely.union_all(geoms.values).representative_point()
        _ = tr.gettext if tr is not None else str
        data = tr.data if tr is not None else str
        text = _("{unit}: one figure for {n} districts").format(unit=data(unit), n=len(group))
        labels.append((text, point.y, point.x))
    return labels


def build_context_map(
    districts: gpd.GeoDataFrame,
    sites: pd.DataFrame | None,
    figures: cx.ContextFigures,
    indicator_id: str,
    *,
    selected: str | None = None,
    basemap: bool = False,
    tr=None,
) -> tuple[folium.Map, folium.FeatureGroup, pd.DataFrame]:
    """(base map, style group for st_folium's feature_group_to_add, the district table shown).
    ``tr``: the page's ``cluster_model.i18n.Translator`` (district names and the map's controls)."""
    names = list(districts["district"].astype(str))
    table, edges = context_frame(figures, indicator_id, names)
    m = build_atlas_base(districts, sites, basemap=basemap, tr=tr)
    shared_units = sorted(table.loc[table["shared_with"] > 1, "unit"].dropna().unique())
    m.set_legend(legend_html(figures, indicator_id, edges, shared_units, tr))
    for text, lat, lon in _unit_labels(districts, table, tr):
        folium.Marker(
            [lat, lon],
            icon=folium.DivIcon(
                html=f'<div class="atlas-unit-label" style="font:bold 12px sans-serif;white-space:nowrap;color:#000;'
                f'background:rgba(255,255,255,0.8);padding:1px 4px;border-radius:3px;display:inline-block">{esc(text)}</div>',
                icon_size=None,
                icon_anchor=(0, 0),
            ),
            interactive=False,
        ).add_to(m)
    scores = pd.DataFrame({"gap": float("nan"), "n_clusters": 1, "label": table["text"]}, index=table.index)
    styles_by_district = fill_styles(table)
    group = atlas_styles(m, districts, scores, selected=selected, fill_style=styles_by_district.get)
    return m, group, table


def snapshot_context(figures: cx.ContextFigures, indicator_id: str, districts: list[str], tr=None) -> dict:
    """The ``context`` argument of ``geo.snapshot.snapshot_chart``: legend classes, colours and texts
    (``tr``: a ``cluster_model.i18n.Translator``, English when None)."""
    table, edges = context_frame(figures, indicator_id, districts)
    meta = figures.indicator(indicator_id)
    rows = legend_rows(meta, edges, tr)
    labels = [text for _, text in rows]
    category = {d: labels[int(c)] if c >= 0 else labels[-1] for d, c in zip(table.index, table["class"])}
    return {
        "category": category,
        "text": dict(zip(table.index, table["text"])),
        "none": labels[-1],
        "domain": labels,
        "range": [colour for colour, _ in rows],
        "title": [
            f"{_figure_label(meta, tr)}, {int(meta['year'])}",
            tr.data(str(meta["unit"])) if tr is not None else str(meta["unit"]),
        ],
    }


def snapshot_credits(figures: cx.ContextFigures, indicator_id: str, tr=None) -> list[str]:
    """The snapshot's credit lines for a context figure (``tr``: a Translator, English when None;
    the source and credit as written, marked [en] when English)."""
    _ = tr.gettext if tr is not None else str
    data = tr.data if tr is not None else str
    meta = figures.indicator(indicator_id)
    return [
        f"{_figure_label(meta, tr)} ({meta['year']}): {data(str(meta['source']))}. "
        + _(
            "Classes: quantiles of the district figures (each survey unit once); grey hatched = no figure. "
            "Karachi City is one survey unit: one figure for its seven districts together."
        ),
        f"{data(cx.CONTEXT_CREDIT)}. "
        + _("Estimates with sampling error; context only, never part of a gap score."),
    ]


def add_context_to_geojson(
    collection: dict, figures: cx.ContextFigures, indicator_ids: list[str] | None = None
) -> dict:
    """The GeoJSON export plus each district's context figures (value, year, unit, source) and the credit."""
    names = [f["properties"].get("district") for f in collection.get("features", [])]
    table = cx.export_table(figures, [n for n in names if n], indicator_ids)
    by_district = {d: g for d, g in table.groupby("District")}
    for feature in collection.get("features", []):
        g = by_district.get(feature["properties"].get("district"))
        if g is None:
            continue
        feature["properties"]["context"] = [
            {
                "indicator": r["Indicator"],
                "value": None if pd.isna(r["Value"]) else float(r["Value"]),
                "unit": r["Unit"],
                "year": int(r["Year"]),
                "survey_unit": r["Survey unit"],
                "rank_in_province": r["Rank in province (1 = best)"],
                "source": r["Source"],
            }
            for _, r in g.iterrows()
        ]
    collection["context_credit"] = cx.CONTEXT_CREDIT
    return collection
