"""Export: map snapshots, district briefs, data downloads and a shareable link, all of the current view."""

from __future__ import annotations

import streamlit as st

from cluster_model.exports import (
    add_context,
    export_filename,
    notes_lines,
    snapshot_texts,
    sources_table,
    used_source_ids,
    view_tables,
)
from cluster_model.issues import AtlasError
from cluster_model.markup import md
from geo.context_map import add_context_to_geojson, snapshot_context, snapshot_credits
from geo.export_geojson import districts_geojson, to_geojson_bytes
from geo.snapshot import MIME, render, render_small_png, snapshot_chart
from outputs.brief import district_brief_pdf
from outputs.tables import to_csv_bytes, to_xlsx_bytes
from ui import data_package, linkage_views, page
from ui.chrome import error_text, illustrative_banner
from ui.context_view import export_indicator
from ui.data_view import get_view
from ui.i18n import _, current_language, name, names, shown_table, translator
from ui.publishing import report_download
from ui.share import app_base_url, share_url

atlas, state = page.start()
ds = atlas.dataset
ev = get_view(atlas, state)
tr = translator()
sites = ev.placed_sites()

st.title(_("Export"))
st.caption(
    _(
        "Everything below is the view chosen in the sidebar. Every file carries its title, the filters and round, "
        "the date, the sources and the boundary licence."
    )
)
illustrative_banner(ds, state.round)
with st.container(border=True):
    st.markdown("**" + _("What will be exported") + "**")
    st.markdown(
        "\n".join(f"- {md(line)}" for line in ev.filter_lines(ds, tr))
        + "\n- "
        + _("Date:")
        + f" {md(ev.generated)}"
    )

tables = {
    **ev.keep(("tables",), lambda: view_tables(ds, atlas.sites, ev)),
    **linkage_views.export_tables(ev),
}
sources = sources_table(ds, used_source_ids(ds, tables))
notes = notes_lines(ds, ev, sources=sources)
title, subtitle, credits = snapshot_texts(ds, ev, sources["Source id"], tr)
# District context (cluster_model.context): its own sheet, brief page, GeoJSON members and credit; the snapshot
# shows the figure chosen on the Atlas when the Atlas shows District context.
ctx = ev.context
tables, notes = add_context(tables, notes, ctx, atlas.district_names, marks=ev)
context_indicator = export_indicator(ctx)
if context_indicator:
    title = _("{figure}, {year} — district context").format(
        figure=name("context", context_indicator, ctx.label(context_indicator)),
        year=int(ctx.indicator(context_indicator)["year"]),
    )
    credits = [*snapshot_credits(ctx, context_indicator, tr), *credits[1:]]


def _chart() -> dict:
    """The snapshot's Vega-Lite spec, built once per view (and figure shown) and kept for the PNG/SVG/PDF downloads."""

    def build() -> dict:
        # Scores of every district (the context around the chosen ones keeps its true colours).
        scores = ev.district_scores(every_district=True)
        chart = snapshot_chart(
            atlas.districts,
            scores,
            sites,
            title=title,
            subtitle_lines=subtitle,
            credits=credits,
            illustrative=ev.illustrative,
            draft=ev.draft,
            highlight=ev.districts or None,
            context=snapshot_context(ctx, context_indicator, atlas.district_names, tr)
            if context_indicator
            else None,
            tr=tr,
        )
        return chart.to_dict(validate=False)

    return ev.keep(("snapshot spec", context_indicator, tr.language), build)


# ------------------------------------------------------------------ map snapshot
st.subheader("1 · " + _("Map snapshot"))
if atlas.districts is None:
    st.error(
        _(
            "No map snapshot: the district boundary file could not be used (see the data problems above). "
            "Data downloads below still work."
        )
    )
else:
    png = None
    with st.spinner(_("Rendering the map snapshot…")):
        try:
            png = ev.keep(
                ("snapshot png", context_indicator, tr.language), lambda: render(_chart(), "png", scale=2)
            )
        except Exception as exc:  # noqa: BLE001 - keep the page alive, say what failed
            st.error(
                _("The map snapshot could not be rendered ({error}). Data downloads still work.").format(
                    error=md(f"{type(exc).__name__}: {exc}")
                )
            )
    if png:
        paper = st.radio(
            _("Paper for the PDF"),
            ["a4", "letter"],
            format_func={"a4": "A4", "letter": _("Letter (US)")}.get,
            horizontal=True,
            key="export_pdf_paper",
        )
        cols = st.columns(4)
        cols[0].download_button(
            _("Map snapshot (PNG, print)"),
            png,
            export_filename(ev, "png"),
            MIME["png"],
            type="primary",
            on_click="ignore",
            help=_("2× resolution, for reports and printing."),
        )
        cols[1].download_button(
            _("PNG (small, messaging)"),
            lambda: render_small_png(_chart()),
            export_filename(ev, "png", "small"),
            MIME["png"],
            on_click="ignore",
            help=_("Under 300 KB, for WhatsApp and e-mail."),
        )
        cols[2].download_button(
            "SVG",
            lambda: render(_chart(), "svg"),
            export_filename(ev, "svg"),
            MIME["svg"],
            on_click="ignore",
            help=_("Vector, for editing in Inkscape or Illustrator."),
        )
        cols[3].download_button(
            "PDF",
            lambda: render(_chart(), "pdf", paper=paper),
            export_filename(ev, "pdf", "map"),
            MIME["pdf"],
            on_click="ignore",
        )
        with st.expander(_("Preview"), expanded=True):
            st.image(png, width="stretch", caption=_("Preview of the map snapshot:") + " " + title)

# ------------------------------------------------------------------ district briefs
st.subheader("2 · " + _("District briefs (PDF)"))
st.caption(
    _(
        "Per district: a page of gaps, clusters and evidence, then its context figures with its institutions "
        "and links below them (two or three pages)."
    )
)
default = [
    d for d in (state.districts or ([state.district] if state.district else [])) if d in atlas.district_names
]
# Keyed by the view's districts: when the sidebar changes, the choice starts again from the new view
# instead of keeping an earlier district (a brief of Mirpur Khas named after Thatta and Tharparkar).
chosen = st.multiselect(
    _("Districts for the brief"),
    atlas.district_names,
    default=default,
    format_func=names("district", atlas.district_names).get,
    key="export_brief_districts:" + ",".join(default),
)
st.caption(
    _("The brief covers:")
    + " "
    + (", ".join(name("district", d) for d in chosen) if chosen else _("no district yet"))
    + "."
)
# Kept on the view (built once, on the button), per language.
brief_key = ("briefs", context_indicator, tr.language, tuple(chosen))
if st.button(_("Build district briefs"), disabled=not chosen):
    with st.status(_("Building {n} district brief(s)…").format(n=len(chosen)), expanded=True) as status:
        bar = st.progress(0.0)

        def progress(i: int, n: int, district: str) -> None:
            bar.progress(i / n, text=f"{district} ({i + 1}/{n})" if district else _("done"))

        try:
            ev.keep(
                brief_key,
                lambda: district_brief_pdf(
                    ds,
                    atlas.districts,
                    atlas.sites,
                    ev,
                    chosen,
                    progress=progress,
                    context=ctx if ctx.available else None,
                    extra_page=linkage_views.brief_page(ev, tr),
                    tr=tr,
                ),
            )
            status.update(
                label=_("{n} district brief(s) ready").format(n=len(chosen)), state="complete", expanded=False
            )
        except (AtlasError, ValueError) as exc:
            status.update(label=_("The briefs could not be built"), state="error")
            st.error(error_text(exc) if isinstance(exc, AtlasError) else md(exc))
if ev.kept(brief_key) is not None:
    # Named after the districts it holds, not the sidebar's filter.
    st.download_button(
        _("Download district briefs (PDF)"),
        ev.kept(brief_key),
        export_filename(ev.replace(districts=list(chosen)), "pdf", "brief"),
        MIME["pdf"],
        type="primary",
        on_click="ignore",
    )
elif not chosen:
    st.caption(_("Choose one or more districts."))

# ------------------------------------------------------------------ data downloads
st.subheader("3 · " + _("Data of this view"))
st.caption(
    _(
        "Unknown values are empty cells marked “not assessed”, never 0. Sources and licence travel with every file "
        "(CSV: the lines starting with # at the end; XLSX: the Sources sheet; GeoJSON: top-level members)."
    )
)
# Headers and sheet names in the page's language, looked up by their message id (the domain's English header,
# ui/i18n_columns.py marks them); cells stay as they are, for machines too. Files get plain text (outputs/tables.py).
files = {k: t.rename(columns=tr.gettext) for k, t in tables.items()}
sources_shown = sources.rename(columns=tr.gettext)
cols = st.columns([2, 1, 1, 1])
table_name = cols[0].selectbox(
    _("Table for CSV"), list(tables), key="export_csv_table", format_func=tr.gettext
)
cols[1].download_button(
    "CSV",
    lambda: to_csv_bytes(files[table_name], notes),
    export_filename(ev, "csv", table_name.lower().replace(" ", "-")),
    "text/csv",
    on_click="ignore",
)
cols[2].download_button(
    _("XLSX (all tables)"),
    lambda: to_xlsx_bytes(
        {tr.gettext(k): t for k, t in files.items()},
        sources_shown,
        notes,
        sources_title=tr.gettext("Sources"),
    ),
    export_filename(ev, "xlsx"),
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    on_click="ignore",
)
if atlas.districts is not None:

    def _geojson() -> bytes:
        collection = districts_geojson(
            atlas.districts,
            ev.district_scores(),
            ev.district_scores(per_pillar=True),
            cluster_names=dict(zip(ds.clusters["cluster_id"], ds.clusters["name"])),
            sources=sources.to_dict("records"),
            licence=[note for note in notes if note.startswith("Licence")],
            generated=ev.generated,
            round_info={"id": ev.round_id, "label": ev.round_label},
            filters=ev.as_dict(),
            illustrative=ev.illustrative,
            draft=ev.draft,
            only=ev.districts or None,
        )
        return to_geojson_bytes(add_context_to_geojson(collection, ctx) if ctx.available else collection)

    cols[3].download_button(
        "GeoJSON", _geojson, export_filename(ev, "geojson"), "application/geo+json", on_click="ignore"
    )
if state.round:  # the round's data package (all of it, no filter), as the API serves it
    st.download_button(
        _("Data package (Frictionless, ZIP)"),
        lambda: data_package.package_bytes(atlas, state.round),
        data_package.package_file_name(atlas, state.round, ev),
        "application/zip",
        on_click="ignore",
        help=_(
            "The whole round with Table Schemas, sources, boundaries and the edition's checksum and citation."
        ),
    )
    report_download(atlas, state.round)  # the edition's report as the store keeps it (nothing for a draft)
# The preview is of the files: their headers by message id, their cells as the files hold them (data).
with st.expander(_("Preview the tables")):
    for sheet, table in tables.items():
        st.markdown(f"**{md(_(sheet))}** ({len(table)})")
        st.dataframe(shown_table(table, vocabulary=()), hide_index=True, width="stretch")
    st.markdown("**" + _("Sources") + "**")
    st.dataframe(shown_table(sources, vocabulary=()), hide_index=True, width="stretch")

# ------------------------------------------------------------------ shareable link
st.subheader("4 · " + _("Link to this view"))
st.code(share_url(state, "atlas", app_base_url(), current_language()), language=None, wrap_lines=True)
st.caption(
    _("Opens the Atlas with the same pillars, sectors, districts, selected district, round and language.")
)

page.end(atlas, state, "export")
