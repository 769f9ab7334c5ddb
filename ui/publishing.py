"""Publishing in the pages (issue 26): which rounds a reader sees, the citation of the edition shown,
and the Data page's review flow (submit, publish or send back with a note, start a correction).
The rules are :mod:`cluster_model.publishing`'s; this module draws them."""

from __future__ import annotations

import dataclasses

import streamlit as st

from cluster_model import publishing, store
from cluster_model.auth import User
from cluster_model.issues import N_, AtlasError
from cluster_model.markup import md
from cluster_model.memo import Memo
from ui.chrome import show_error
from ui.data_access import AtlasData, get_engine
from ui.i18n import _, current_language, data_text
from ui.share import app_base_url, share_url
from ui.state import ViewState

STATE_WORDS = {
    publishing.DRAFT: N_("draft"),
    publishing.IN_REVIEW: N_("in review"),
    publishing.PUBLISHED: N_("published"),
}


def reader_atlas(atlas: AtlasData, editor: User | None) -> AtlasData:
    """The data this reader may see: everything for a signed-in editor, else the published and the
    illustrative rounds (built once per data revision, with its own memo of views)."""
    if editor is not None:
        return atlas

    def restricted() -> AtlasData:
        ds = publishing.reader_dataset(atlas.dataset, drafts=False)
        return dataclasses.replace(atlas, dataset=ds, _memo=Memo(128))

    return atlas.memo(("reader", "visitor"), restricted)


def _edition_of(atlas: AtlasData, round_id: str | None) -> publishing.Edition | None:
    """The edition shown (None for a draft, an illustrative round, or data not read from the store)."""
    rounds = atlas.dataset.rounds
    row = rounds[rounds["round_id"] == round_id]
    if row.empty or "edition" not in row or not row.iloc[0]["edition"]:
        return None
    edition_id = row.iloc[0]["edition"]
    return atlas.memo(("edition", edition_id), lambda: publishing.edition(get_engine(), edition_id))


def citation_box(atlas: AtlasData, round_id: str | None) -> None:
    """Where the figures of an edition are: how to cite it (copy button), BibTeX and RIS, and, for a
    superseded edition, which one corrects it and why."""
    ed = _edition_of(atlas, round_id)
    if ed is None:
        return
    engine = get_engine()
    if not ed.current:
        newer = publishing.edition(engine, ed.superseded_by)
        st.warning(
            _("Edition {edition} is superseded by edition {newer}.").format(
                edition=ed.edition_id, newer=newer.edition_id
            )
            + " "
            + _("Erratum:")
            + " "
            + md(data_text(newer.erratum))
        )
    cited = publishing.citation(ed, citation_url(ed.round_id))
    # Drawn only while open (a lazy expander): a code box loads Streamlit's syntax highlighter (see ui/share.py).
    box = st.expander(
        _("Cite edition {edition}").format(edition=ed.edition_id), key="cite_open", on_change="rerun"
    )
    if not box.open:
        return
    with box:
        st.code(cited.text, language=None, wrap_lines=True)
        if ed.self_reviewed:
            st.caption(_("Not reviewed by a second person: its publisher reviewed their own changes."))
        files = [
            (
                _("Citation as {format}").format(format="BibTeX"),
                cited.bibtex().encode(),
                "bib",
                "application/x-bibtex",
            ),
            (
                _("Citation as {format}").format(format="RIS"),
                cited.ris().encode(),
                "ris",
                "application/x-research-info-systems",
            ),
        ]
        columns = st.columns(len(files) + 1)
        for column, (label, data, ending, mime) in zip(columns, files):
            column.download_button(
                label,
                data,
                file_name=f"{cited.key}.{ending}",
                mime=mime,
                key=f"cite_{ending}",
                on_click="ignore",
            )
        with columns[-1]:  # the edition's kept report, as Export gives it
            report_download(atlas, round_id, key="cite_pdf")


def citation_url(round_id: str) -> str:
    """Where an edition is cited at: the Atlas on its round, at the root the browser sees."""
    return share_url(ViewState(round=round_id), "", app_base_url())


def report_pdf(atlas: AtlasData, ed: publishing.Edition) -> bytes:
    """The edition's report in the page's language, as the store keeps it (outputs.edition_report)."""
    from outputs.edition_report import stored_report  # fpdf and the fonts: only when one is downloaded

    return stored_report(get_engine(), atlas.dataset, ed, current_language(), citation_url(ed.round_id))


def report_download(atlas: AtlasData, round_id: str | None, key: str = "export_edition_report") -> None:
    """The download of the edition's report in the page's language (Export, the citation box), as the store
    keeps it and the API serves it; nothing for a round that is not an edition."""
    ed = _edition_of(atlas, round_id)
    if ed is None:
        return
    st.download_button(
        _("Edition report (PDF)"),
        lambda: report_pdf(atlas, ed),
        file_name=publishing.report_file_name(ed, current_language()),
        mime="application/pdf",
        key=key,
        on_click="ignore",
    )


def _publish(engine, round_id: str, reviewer: str, erratum: str) -> None:
    """Publish the round, then make its report in every language and keep it (what Export and the API
    give of this edition ever after)."""
    from outputs.edition_report import stored_reports

    ed = publishing.publish(engine, round_id, reviewer, erratum=erratum)
    with st.spinner(_("Making the edition's report in every language…")):
        stored_reports(engine, store.load_dataset(engine), ed, citation_url(ed.round_id))


def _act(action) -> bool:
    """Run a review step; show why it was refused. True when it was done (the page then reruns)."""
    try:
        action()
    except AtlasError as exc:
        show_error(exc)
        return False
    # Imported here: ui.data_editing brings the spreadsheet writer (openpyxl), which the Atlas page's
    # first screen (this module's citation box) never needs (#28 item 1 A: it held the first paint back).
    from ui.data_editing import changed

    changed()
    return True


def publishing_section(engine, ds, round_id: str | None, user: User) -> None:
    """The round's place in its life and what this editor or reviewer can do with it."""
    st.subheader(_("Publishing"))
    if not round_id:
        return
    state = publishing.round_state(engine, round_id)
    row = ds.rounds[ds.rounds["round_id"] == round_id].iloc[0]
    if bool(row["illustrative"]):
        st.caption(_("An illustrative round is never published."))
        return
    st.markdown(_("State: **{state}**").format(state=_(STATE_WORDS[state])))
    notes = [n for n in publishing.review_notes(engine, round_id) if n["action"] == "send_back"]
    if state == publishing.DRAFT:
        if notes:
            st.info(
                _("Sent back by {who}:").format(who=md(data_text(notes[-1]["changed_by"])))
                + " "
                + md(data_text(notes[-1]["note"]))
            )
        if st.button(_("Submit for review"), key="pub_submit"):
            if _act(lambda: publishing.submit(engine, round_id, user.label)):
                st.rerun()
    elif state == publishing.IN_REVIEW:
        _review(engine, round_id, user)
    else:
        ed = next(e for e in publishing.editions(engine) if e.round_id == round_id)
        st.caption(
            _("Edition {edition}, published {date}, reviewed by {who}.").format(
                edition=ed.edition_id, date=ed.published_on.isoformat(), who=md(data_text(ed.reviewer))
            )
        )
        if ed.current and st.button(_("Start a correction"), key="pub_correct"):
            new_round: list[str] = []
            if _act(lambda: new_round.append(publishing.start_correction(engine, ed.edition_id, user.label))):
                st.session_state["data_round_next"] = new_round[0]
                st.rerun()


def _review(engine, round_id: str, user: User) -> None:
    if not user.reviewer:
        st.caption(_("Waiting for a reviewer to publish it or send it back."))
        return
    correction = publishing.correction_of(engine, round_id)
    erratum = ""
    if correction:
        erratum = st.text_area(
            _("Erratum: what was wrong in edition {edition}").format(edition=correction), key="pub_erratum"
        )
    if st.button(_("Publish"), key="pub_publish", type="primary"):
        if _act(lambda: _publish(engine, round_id, user.label, erratum)):
            st.rerun()
    note = st.text_area(_("Note to the editors (what to change)"), key="pub_note")
    if st.button(_("Send back"), key="pub_send_back"):
        if _act(lambda: publishing.send_back(engine, round_id, user.label, note)):
            st.rerun()
