"""The Linkage page's editing flows for signed-in editors: add and correct institutions, add links,
change their status, import a CSV/XLSX (preview, then all or nothing), and the history.
``pages/linkages.py`` calls :func:`editor_tabs` once the editor is signed in."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from cluster_model import linkages as L
from cluster_model.store import linkages as sl
from cluster_model.vocabulary import STAKEHOLDERS
from geo.institutions_layer import province_contains
from outputs import tables
from ui import linkage_views as lv
from ui import uploads
from ui.data_editing import HISTORY_WORDS, earlier_value
from ui.i18n import N_, _, data_text, name, names, shown_table, translator

LINKED_WITH = (N_("a cluster"), N_("another institution"))  # the radio's choices, shown translated


# The import preview's words (cluster_model.store.linkages.plan_linkage_import), shown by message id.
IMPORT_WORDS = {
    "institution": N_("institution"),
    "link": N_("link"),
    "new institution": N_("new institution"),
    "unchanged institution": N_("unchanged institution"),
    "new link": N_("new link"),
    "changed link": N_("changed link"),
    "unchanged link": N_("unchanged link"),
}


def import_preview_table(preview: pd.DataFrame) -> tuple[pd.DataFrame, tuple[str, ...]]:
    """A linkage import's preview for reading (show with ``shown_table(*import_preview_table(...))``): what and
    its change by message id, the statuses as vocabulary words, the rows' ids as data."""
    table = pd.DataFrame(
        {
            N_("What"): preview["what"].map(lambda w: IMPORT_WORDS.get(w, w)),
            N_("Line"): preview["line"],
            N_("Institution or link"): preview["item"],
            N_("Change"): preview["change"].map(lambda c: IMPORT_WORDS.get(c, c)),
            N_("Status before"): earlier_value(preview["old_status"]),
            N_("Status"): preview["status"].where(preview["status"].astype(str).astype(bool), "—"),
        }
    )
    return table, ("What", "Change", "Status before", "Status")


def _target_names(ds, targets: pd.Series) -> pd.Series:
    """A link's other end: a cluster by its name in the page's language (by id), an institution by its id."""
    split = [L.split_target(t) for t in targets]
    clusters = names("cluster", {i for k, i in split if k == L.CLUSTER}, ds.cluster_name)
    return pd.Series(
        [clusters[i] if k == L.CLUSTER else i for k, i in split], index=targets.index, dtype=object
    )


def link_history_table(ds, hist: pd.DataFrame) -> tuple[pd.DataFrame, tuple[str, ...]]:
    """Every change to a link for reading (show with ``shown_table``), as ``ui.data_editing.history_table``
    shows an assessment's: the change's words and statuses by message id, the kind of support by its key,
    clusters named by id, institutions, sources, notes and editors as data; no earlier value is said ("—")."""
    table = pd.DataFrame(
        {
            N_("Changed at"): hist["changed_at"],
            N_("Changed by"): hist["changed_by"],
            N_("Round"): hist["round_id"],
            N_("Institution"): hist["institution_id"],
            N_("Linked with"): _target_names(ds, hist["target"]),
            N_("Kind of support"): hist["link_type"].map(
                lambda t: _(L.LINK_TYPES[t]) if t in L.LINK_TYPES else t
            ),
            N_("Change"): hist["action"].map(lambda a: HISTORY_WORDS.get(a, a)),
            N_("Recorded via"): hist["via"].map(lambda v: HISTORY_WORDS.get(v, v)),
            N_("Status before"): earlier_value(hist["old_status"]),
            N_("Status after"): hist["new_status"],
            N_("Source before"): earlier_value(hist["old_source_id"]),
            N_("Source"): hist["new_source_id"],
            N_("Note before"): earlier_value(hist["old_note"]),
            N_("Note"): earlier_value(hist["new_note"]),
        }
    )
    return table, ("Change", "Recorded via", "Status before", "Status after")


def institution_history_table(hist: pd.DataFrame) -> tuple[pd.DataFrame, tuple[str, ...]]:
    """Every change to an institution for reading (show with ``shown_table``): the change's words by message
    id, the recorded values (name, kind, place, as stored) as data; no earlier value is said ("—")."""
    table = pd.DataFrame(
        {
            N_("Changed at"): hist["changed_at"],
            N_("Changed by"): hist["changed_by"],
            N_("Institution"): hist["institution_id"],
            N_("Change"): hist["action"].map(lambda a: HISTORY_WORDS.get(a, a)),
            N_("Recorded via"): hist["via"].map(lambda v: HISTORY_WORDS.get(v, v)),
            N_("Value before"): earlier_value(hist["old_value"]),
            N_("Value after"): hist["new_value"],
        }
    )
    return table, ("Change", "Recorded via")


def _done(message: str) -> None:
    lv.refresh()
    st.session_state["lm_flash"] = message
    st.rerun()


def editor_tabs(atlas, engine, editor, links) -> None:
    """The editor's tabs for ``links``' round (the view's ``View.linkages``), after a flash of what the last
    write did."""
    ds, lk, round_id = atlas.dataset, links.data, links.round_id
    contains = province_contains(atlas.districts)
    districts = atlas.district_names if atlas.districts is not None else None
    inst_ids = list(lk.institutions["institution_id"])
    source_ids = list(ds.sources["source_id"])
    t_inst, t_edit, t_link, t_change, t_import, t_hist = st.tabs(
        [
            _("Add institution"),
            _("Correct an institution"),
            _("Add link"),
            _("Change links"),
            _("Import"),
            _("History"),
        ]
    )
    if "lm_flash" in st.session_state:
        st.success(st.session_state.pop("lm_flash"))
    with t_inst:
        _add_institution(engine, editor, districts, contains, source_ids)
    with t_edit:
        _correct_institution(engine, editor, lk, districts, contains, inst_ids, source_ids)
    with t_link:
        _add_link(engine, editor, ds, lk, round_id, inst_ids, source_ids)
    with t_change:
        _change_links(engine, editor, lk, round_id, source_ids)
    with t_import:
        _import_links(engine, editor, round_id, districts, contains)
    with t_hist:
        _history(ds, engine)


def _add_institution(engine, editor, districts, contains, source_ids: list[str]) -> None:
    """Add an institution (form): its kind, group, district, location with its source, note."""
    with st.form("lm_add_inst", clear_on_submit=False):
        a1, a2 = st.columns(2)
        i_id = a1.text_input(_("Id"), placeholder="umerkot_growers", key="lm_i_id")
        i_name = a2.text_input(_("Name"), key="lm_i_name")
        i_kind = a1.selectbox(
            _("Kind"),
            list(L.INSTITUTION_KINDS),
            format_func=lambda k: _(L.INSTITUTION_KINDS.get(k, k)),
            key="lm_i_kind",
        )
        i_group = a2.selectbox(
            _("Stakeholder group (IGCA)"),
            ["", *STAKEHOLDERS],
            format_func=lambda g: translator().stakeholder(g) if g else _("not stated"),
            key="lm_i_group",
        )
        i_district = a1.selectbox(
            _("District"),
            ["", *(districts or [])],
            format_func=lambda d: name("district", d) if d else _("unknown"),
            key="lm_i_district",
        )
        i_source = a2.selectbox(_("Source"), source_ids, key="lm_i_source")
        b1, b2, b3 = st.columns([1, 1, 2])
        i_lat = b1.text_input(
            _("Latitude"), key="lm_i_lat", help=_("decimal degrees; leave empty if unknown")
        )
        i_lon = b2.text_input(_("Longitude"), key="lm_i_lon")
        i_loc_source = b3.selectbox(
            _("Location source"),
            ["", *source_ids],
            index=(source_ids.index("inst_coords") + 1) if "inst_coords" in source_ids else 0,
            key="lm_i_locsrc",
        )
        i_loc_note = st.text_input(
            _("Location note"), value="Editor-supplied, to verify.", key="lm_i_locnote"
        )
        i_note = st.text_area(_("Note"), key="lm_i_note")
        add_inst = st.form_submit_button(_("Add institution"), type="primary")
    if add_inst:
        row = {
            "institution_id": i_id,
            "name": i_name,
            "kind": i_kind,
            "stakeholder_group": i_group,
            "district": i_district,
            "lat": i_lat,
            "lon": i_lon,
            "location_note": i_loc_note if (i_lat or i_lon) else "",
            "location_source_id": i_loc_source if (i_lat or i_lon) else "",
            "source_id": i_source,
            "note": i_note,
        }
        try:
            sl.add_institutions(engine, [row], author=editor.label, districts=districts, contains=contains)
        except sl.ValidationError as exc:
            lv.show_problems(exc)
        else:
            _done(_("Added institution '{id}'.").format(id=i_id.strip()))


def _correct_institution(
    engine, editor, lk, districts, contains, inst_ids: list[str], source_ids: list[str]
) -> None:
    """Correct an institution (form at its current version, so a stale edit is refused)."""
    e_id = st.selectbox(
        _("Institution"), inst_ids, format_func=lambda i: data_text(lk.name(i)), key="lm_e_pick"
    )
    if e_id:
        cur = lk.institutions.set_index("institution_id").loc[e_id]
        as_text = lambda v: "" if pd.isna(v) else str(v)  # noqa: E731
        with st.form(f"lm_edit_{e_id}_{int(cur['version'])}"):
            a1, a2 = st.columns(2)
            e_name = a1.text_input(_("Name"), value=cur["name"])
            kinds = list(L.INSTITUTION_KINDS)
            e_kind = a2.selectbox(
                _("Kind"),
                kinds,
                index=kinds.index(cur["kind"]) if cur["kind"] in kinds else 0,
                format_func=lambda k: _(L.INSTITUTION_KINDS.get(k, k)),
            )
            groups = ["", *STAKEHOLDERS]
            e_group = a1.selectbox(
                _("Stakeholder group (IGCA)"),
                groups,
                index=groups.index(cur["stakeholder_group"]) if cur["stakeholder_group"] in groups else 0,
                format_func=lambda g: translator().stakeholder(g) if g else _("not stated"),
            )
            dists = ["", *(districts or [])]
            e_district = a2.selectbox(
                _("District"),
                dists,
                index=dists.index(cur["district"]) if cur["district"] in dists else 0,
                format_func=lambda d: name("district", d) if d else _("unknown"),
                key=f"lm_e_district_{e_id}_{int(cur['version'])}",
            )
            b1, b2, b3 = st.columns([1, 1, 2])
            e_lat = b1.text_input(
                _("Latitude"), value=as_text(cur["lat"]), key=f"lm_e_lat_{e_id}_{int(cur['version'])}"
            )
            e_lon = b2.text_input(
                _("Longitude"), value=as_text(cur["lon"]), key=f"lm_e_lon_{e_id}_{int(cur['version'])}"
            )
            srcs = ["", *source_ids]
            e_locsrc = b3.selectbox(
                _("Location source"),
                srcs,
                index=srcs.index(cur["location_source_id"]) if cur["location_source_id"] in srcs else 0,
                key=f"lm_e_locsrc_{e_id}_{int(cur['version'])}",
            )
            e_locnote = st.text_input(_("Location note"), value=cur["location_note"])
            e_source = st.selectbox(
                _("Source"),
                source_ids,
                index=source_ids.index(cur["source_id"]) if cur["source_id"] in source_ids else 0,
            )
            e_note = st.text_area(_("Note"), value=cur["note"])
            save_inst = st.form_submit_button(_("Save institution"), type="primary")
        if save_inst:
            values = {
                "name": e_name,
                "kind": e_kind,
                "stakeholder_group": e_group,
                "district": e_district,
                "lat": e_lat,
                "lon": e_lon,
                "location_source_id": e_locsrc,
                "location_note": e_locnote,
                "source_id": e_source,
                "note": e_note,
            }
            try:
                sl.update_institution(
                    engine,
                    e_id,
                    values,
                    base_version=int(cur["version"]),
                    author=editor.label,
                    districts=districts,
                    contains=contains,
                )
            except sl.ValidationError as exc:
                lv.show_problems(exc)
            else:
                _done(_("Saved '{name}'.").format(name=e_name.strip()))


def _add_link(
    engine, editor, ds, lk, round_id: str | None, inst_ids: list[str], source_ids: list[str]
) -> None:
    """Add a link, with a cluster or another institution, in the round chosen in the sidebar."""
    if not round_id:
        st.info(_("Open a round first (Data page)."))
    else:
        with st.form("lm_add_link"):
            l1, l2 = st.columns(2)
            l_inst = l1.selectbox(
                _("Institution"), inst_ids, format_func=lambda i: data_text(lk.name(i)), key="lm_l_inst"
            )
            l_with = l2.radio(
                _("Linked with"),
                ["a cluster", "another institution"],
                horizontal=True,
                key="lm_l_with",
                format_func=_,
            )
            l_cluster = l1.selectbox(
                _("Cluster"),
                list(ds.clusters["cluster_id"]),
                format_func=lambda c: name("cluster", c, ds.cluster_name(c)),
                key="lm_l_cluster",
            )
            l_partner = l2.selectbox(
                _("Partner institution"),
                inst_ids,
                format_func=lambda i: data_text(lk.name(i)),
                key="lm_l_partner",
            )
            l_type = l1.selectbox(
                _("Kind of link"),
                list(L.LINK_TYPES),
                format_func=lambda t: _(L.LINK_TYPES.get(t, t)),
                key="lm_l_type",
            )
            l_status = l2.selectbox(
                _("Status"), L.LINK_STATUSES, key="lm_l_status", format_func=_
            )  # a status is its own message id
            l_source = l1.selectbox(_("Source"), source_ids, key="lm_l_source")
            l_note = st.text_area(_("Note"), key="lm_l_note")
            add_link = st.form_submit_button(_("Add link"), type="primary")
        if add_link:
            row = {
                "institution_id": l_inst,
                "cluster_id": l_cluster if l_with == "a cluster" else "",
                "partner_id": l_partner if l_with != "a cluster" else "",
                "link_type": l_type,
                "status": l_status,
                "source_id": l_source,
                "note": l_note,
            }
            try:
                sl.save_links(engine, round_id, [row], author=editor.label, new_only=True)
            except sl.ValidationError as exc:
                lv.show_problems(exc)
            else:
                _done(_("Link added."))


def _change_links(engine, editor, lk, round_id: str | None, source_ids: list[str]) -> None:
    """Change the status, source or note of this round's links (a table), saved together."""
    mine = lk.links[lk.links["round_id"] == round_id] if round_id else lk.links.iloc[0:0]
    if mine.empty:
        st.caption(
            _("No link is stored in this round yet (links of earlier rounds still count until changed here).")
        )
    else:
        grid = mine.assign(
            institution=mine["institution_id"].map(lambda i: data_text(lk.name(i))),
            kind=mine["link_type"].map(lambda t: _(L.LINK_TYPES.get(t, t))),
        )[
            [
                "institution_id",
                "target",
                "link_type",
                "institution",
                "kind",
                "status",
                "source_id",
                "note",
                "version",
            ]
        ].reset_index(drop=True)
        edited = st.data_editor(
            grid,
            key=f"lm_grid_{round_id}",
            hide_index=True,
            width="stretch",
            num_rows="fixed",
            disabled=["institution_id", "target", "link_type", "institution", "kind", "version"],
            column_config={
                "institution_id": None,
                "link_type": None,
                "version": None,
                "status": st.column_config.SelectboxColumn(
                    _("Status"), options=L.LINK_STATUSES, required=True
                ),
                "source_id": st.column_config.SelectboxColumn(_("Source"), options=source_ids, required=True),
            },
        )
        diff = [
            (n, r)
            for n, (r, o) in enumerate(zip(edited.to_dict("records"), grid.to_dict("records")), start=1)
            if (r["status"], r["source_id"], r["note"]) != (o["status"], o["source_id"], o["note"])
        ]
        if st.button(
            _("Save {n} change(s)").format(n=len(diff)),
            disabled=not diff,
            type="primary",
            key="lm_save_changes",
        ):
            rows = []
            for n, r in diff:
                kind, ident = L.split_target(r["target"])
                rows.append(
                    {
                        "_line": n,
                        "institution_id": r["institution_id"],
                        "cluster_id": ident if kind == L.CLUSTER else "",
                        "partner_id": ident if kind != L.CLUSTER else "",
                        "link_type": r["link_type"],
                        "status": r["status"],
                        "source_id": r["source_id"],
                        "note": r["note"] or "",
                        "base_version": int(r["version"]),
                    }
                )
            try:
                sl.save_links(engine, round_id, rows, author=editor.label, file="links table")
            except sl.ValidationError as exc:
                lv.show_problems(exc)
            else:
                _done(_("Saved {n} change(s).").format(n=len(rows)))


def _import_links(engine, editor, round_id: str | None, districts, contains) -> None:
    """Templates, this round's workbook, and the import of a CSV/XLSX (preview, then all or nothing)."""
    st.markdown(
        _(
            "A CSV of institutions **or** of links (told apart by the header), or an XLSX with an `institutions` and/or a `links` sheet "
            "(institutions are stored first, so links may name them). Links: `{links}` (empty round_id: the round chosen in the sidebar). "
            "Institutions: `{institutions}`. Line numbers are the spreadsheet's (header = line 1). Nothing is stored until you commit, and then all rows or none."
        ).format(links=", ".join(L.LINK_COLUMNS), institutions=", ".join(L.INSTITUTION_COLUMNS))
    )
    d1, d2 = st.columns(2)
    for col, fmt in ((d1, "xlsx"), (d2, "csv")):
        # Built when clicked (a callable), not on every rerun.
        col.download_button(
            _("Template ({format})").format(format=fmt.upper()),
            lambda fmt=fmt: tables.linkage_template(fmt)[1],
            file_name=tables.LINKAGE_TEMPLATE_NAMES[fmt],
            key=f"lm_template_{fmt}",
            on_click="ignore",
        )
    if round_id:
        st.download_button(
            _("Export the institutions and this round's links (XLSX, ready to import again)"),
            lambda: tables.linkage_workbook(engine, round_id)[1],
            file_name=tables.linkage_workbook_name(round_id),
            key="lm_export_round",
            on_click="ignore",
        )
    upload = (
        st.file_uploader(
            _("Import into round '{round}'").format(round=round_id), type=["csv", "xlsx"], key="lm_upload"
        )
        if round_id
        else None
    )

    def _preview(plan) -> bool:
        st.info(_("Preview:") + " " + data_text(plan.summary()))
        st.dataframe(shown_table(*import_preview_table(plan.preview)), hide_index=True, width="stretch")
        return True

    def _commit(plan) -> str | None:
        try:
            res = sl.commit_linkage_import(
                engine, plan, author=editor.label, districts=districts, contains=contains
            )
        except sl.ValidationError as exc:
            lv.show_problems(exc)
            return None
        return _("Imported: {institutions} institution(s), {created} new link(s), {updated} changed.").format(
            institutions=res.institutions, created=res.created, updated=res.updated
        )

    uploads.import_upload(
        upload,
        key=f"lm_plan_{round_id}",
        plan=lambda data, name: sl.plan_linkage_import(
            engine, round_id, data, name, districts=districts, contains=contains
        ),
        preview=_preview,
        apply_label=_("Commit import"),
        apply_key="lm_commit",
        apply=_commit,
        done=_done,
    )


def _history(ds, engine) -> None:
    """Every change to a link or an institution, newest first."""
    st.caption(_("Every change to a link or an institution, newest first: who, when, old and new value."))
    st.dataframe(
        shown_table(*link_history_table(ds, sl.link_history(engine, limit=1000))),
        hide_index=True,
        width="stretch",
    )
    st.dataframe(
        shown_table(*institution_history_table(sl.institution_history(engine))),
        hide_index=True,
        width="stretch",
    )
