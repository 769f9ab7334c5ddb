"""The edition report (issue 26 item 4): "<region> cluster indicators, edition …", a PDF made from an
edition's content (``cluster_model.publishing.edition_tables``): the clusters × pillars with gap and
coverage, the classification, the district ranking, what changed since the previous edition, the
sources, the citation and the licences; in English, Urdu or Sindhi like the district briefs.

Laid out by ``outputs.pdf`` (fonts, shaping, every character checked); unknown is written "unknown",
never 0, with the indicators assessed beside every figure.

An edition's reports are made when it is published (``ui.publishing``'s publish step: every language) and
kept in the store (``edition_reports``, schema step 8); :func:`stored_report` is how every download reads
one (the Export page, the citation box, the API's ``report.pdf``), making and keeping it the first time
for an edition published before reports were kept. So the same edition always gives the same bytes.
"""

from __future__ import annotations

import pandas as pd

from cluster_model import publishing
from cluster_model.exports import BOUNDARY_LICENCE, DATA_LICENCE
from cluster_model.i18n import LANGUAGES, is_rtl, translator
from cluster_model.identity import region_name
from cluster_model.loading import Dataset
from cluster_model.publishing import ALL_PILLARS, Citation, Edition
from cluster_model.store import review
from cluster_model.vocabulary import PILLARS
from outputs.brief import _Words
from outputs.pdf import A4Pages, heading, paragraph, table


def _gap_cell(row, _) -> str:
    """Gap with the indicators behind it: "0.50 (3/42)*" (* low coverage), "unknown (0/42)"."""
    counts = f"({int(row['indicators_assessed'])}/{int(row['indicators_total'])})"
    if pd.isna(row["gap"]):
        return f"{_('unknown')} {counts}"
    return f"{row['gap']:.2f} {counts}" + ("*" if row["low_coverage"] == "yes" else "")


def _cluster_rows(tables: dict[str, pd.DataFrame], words: _Words) -> list[list[str]]:
    gaps = tables["cluster_gaps"].set_index(["cluster_id", "pillar"])
    return [
        [words.place("cluster", c, name)]
        + [_gap_cell(gaps.loc[(c, p)], words.gettext) for p in PILLARS]
        + [
            words.gettext(computed),
            words.gettext(published) if published else "–",
        ]  # class words are message ids
        for c, name, computed, published in tables["clusters"][
            ["cluster_id", "name", "computed_classification", "published_classification"]
        ].itertuples(index=False)
    ]


def _ranking_rows(tables: dict[str, pd.DataFrame], words: _Words) -> list[list[str]]:
    overall = tables["district_gaps"]
    overall = overall[overall["pillar"] == ALL_PILLARS].sort_values(
        ["gap", "district"], ascending=[False, True], na_position="last"
    )
    return [
        [str(n), words.place("district", r["district"]), _gap_cell(r, words.gettext)]
        for n, (_i, r) in enumerate(overall.iterrows(), start=1)
    ]


def _change_lines(ed: Edition, tables: dict[str, pd.DataFrame], words: _Words) -> list[str]:
    _ = words.gettext
    if ed.first:
        return [_("First edition.")]
    if not ed.changes:
        return [_("No indicator value changed.")]
    names = dict(zip(tables["indicators"]["indicator_id"], tables["indicators"]["name"]))
    clusters = dict(zip(tables["clusters"]["cluster_id"], tables["clusters"]["name"]))
    return [
        f"• {words.place('cluster', c.cluster_id, clusters.get(c.cluster_id))} — "
        f"{words.place('indicator', c.indicator_id, names.get(c.indicator_id))}: "
        f"{words.gettext(c.before)} → {words.gettext(c.after)} [{c.source_after or '–'}]"
        for c in ed.changes
    ]


def edition_report_pdf(ed: Edition, tables: dict[str, pd.DataFrame], cited: Citation, tr=None) -> bytes:
    """The report of edition ``ed`` (``tables``: its content; ``cited``: its citation); ``tr``: a
    ``cluster_model.i18n.Translator`` for its language (default English)."""
    words = _Words(tr)
    _ = words.gettext
    title = _("{region} cluster indicators, edition {edition}").format(
        region=words.configured(region_name()), edition=ed.edition_id
    )
    pdf = A4Pages(title, rtl=tr is not None and is_rtl(tr.language), landscape=True, flowing=True)
    pdf.page_word = _("page")
    pdf.set_title(f"{region_name()} cluster indicators, edition {ed.edition_id}")
    pdf.add_page()
    pdf.set_font("DejaVu", "B", 14)
    paragraph(pdf, title, 7)
    pdf.set_font("DejaVu", "", 8.5)
    paragraph(
        pdf,
        _("Published {date}; reviewed by {who}; round {round}.").format(
            date=ed.published_on.isoformat(),
            who=words.as_written(ed.reviewer),
            round=words.as_written(ed.round_name),
        ),
        4.5,
    )
    if ed.self_reviewed:
        paragraph(pdf, _("Not reviewed by a second person: its publisher reviewed their own changes."), 4.5)
    if ed.supersedes:
        paragraph(
            pdf,
            _("Corrects edition {edition}.").format(edition=ed.supersedes)
            + " "
            + _("Erratum:")
            + " "
            + words.as_written(ed.erratum),
            4.5,
        )
    paragraph(pdf, "SHA-256: " + ed.checksum, 4.5)
    heading(pdf, _("Gaps by cluster and pillar (indicators assessed / in scope; * low coverage)"))
    table(
        pdf,
        [
            _("Cluster"),
            *(words.tr.pillar(p) if words.tr else PILLARS[p] for p in PILLARS),
            _("Computed"),
            _("Published"),
        ],
        _cluster_rows(tables, words),
        [40, 36, 36, 36, 36, 44, 40],
    )
    heading(pdf, _("Districts ranked by gap (all pillars; unknown last)"))
    table(pdf, ["#", _("District"), _("Gap")], _ranking_rows(tables, words), [12, 70, 50])
    heading(pdf, _("What changed since the previous edition"))
    for line in _change_lines(ed, tables, words):
        paragraph(pdf, line, 4.5)
    heading(pdf, _("Sources"))
    for r in tables["sources"].itertuples():
        paragraph(pdf, f"[{r.source_id}] {words.as_written(r.citation)} — {words.as_written(r.title)}", 4.2)
    heading(pdf, _("How to cite"))
    paragraph(pdf, cited.text, 4.5)
    heading(pdf, _("Licence"))
    for line in (BOUNDARY_LICENCE, DATA_LICENCE):
        paragraph(pdf, words.as_written(line), 4.2)  # the licences' own wording
    return bytes(pdf.output())


def stored_reports(
    engine, ds: Dataset, ed: Edition, url: str, languages=tuple(LANGUAGES)
) -> dict[str, bytes]:
    """The reports of edition ``ed`` in ``languages`` as the store keeps them; any not kept yet is made
    (from ``ds``, the store's dataset, its citation's URL ``url``) and kept first."""
    kept = {language: review.stored_report(engine, ed.edition_id, language) for language in languages}
    missing = [language for language, pdf in kept.items() if pdf is None]
    if missing:
        tables = publishing.edition_content(engine, ds, ed)
        cited = publishing.citation(ed, url)
        for language in missing:
            pdf = edition_report_pdf(ed, tables, cited, tr=translator(language))
            kept[language] = review.keep_report(engine, ed.edition_id, language, pdf)
    return kept


def stored_report(engine, ds: Dataset, ed: Edition, language: str, url: str) -> bytes:
    """The report of edition ``ed`` in ``language`` (:func:`stored_reports`)."""
    return stored_reports(engine, ds, ed, url, (language,))[language]
