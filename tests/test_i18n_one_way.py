"""One way to translate (#25): text is looked up once, by message id or by the data's own key, at the edge
that renders it; every user-facing string has a catalogue entry."""

from __future__ import annotations

import ast
import re

from streamlit.testing.v1 import AppTest
from support import REPO

ARABIC = re.compile(r"[\u0600-\u06FF\u0750-\u077F]")


def test_a_links_dropped_values_are_reported_in_the_pages_language():
    at = AppTest.from_file(str(REPO / "app.py"), default_timeout=120)
    at.query_params["lang"] = "ur"
    at.query_params["district"] = "Atlantis"
    at.query_params["sectors"] = ",".join(f"bad{i}" for i in range(8))
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    notices = [w.value for w in at.warning if "Atlantis" in w.value or "bad0" in w.value]
    assert len(notices) == 2, [w.value for w in at.warning]
    for notice in notices:
        assert ARABIC.search(notice) and "does not exist" not in notice and "[en]" not in notice, notice


# --- every user-facing string has a catalogue entry ---------------------------------------------------

# Files another engineer is moving off English look-ups in parallel (#25): the coordinator empties this list
# after the merge, and the guards below then hold them too.
# Files that still look English up again, each with the reason; this list may only shrink.
STILL_BEING_MOVED: list[str] = []
# Streamlit calls that put their text (first argument, or these keywords) on the page.
SHOWN_BY = {
    "title", "header", "subheader", "caption", "markdown", "text", "write", "info", "warning", "error",
    "success", "toast", "exception", "button", "download_button", "form_submit_button", "link_button",
    "page_link", "selectbox", "multiselect", "radio", "toggle", "checkbox", "text_input", "text_area",
    "number_input", "date_input", "time_input", "slider", "select_slider", "file_uploader", "color_picker",
    "segmented_control", "pills", "expander", "popover", "status", "spinner", "tabs", "metric", "Page",
}  # fmt: skip
SHOWN_KEYWORDS = ("label", "body", "help", "placeholder", "caption", "title")
# The server's log is for the operator, in English: ``log.info(…)``, ``logging.getLogger(…).exception(…)``.
LOGGER = re.compile(r"_?log(ger|ging)?|getLogger", re.I)
PAGE_FIRST = {"Page", "page_link"}  # their first argument is a page's path, not text
# Shown as they are in every language: file formats and the language switch (each language named in itself).
NOT_WORDS = {"CSV", "SVG", "PDF", "GeoJSON", "Language · زبان · ٻولي"}
_MARKUP = re.compile(r"<[^>]*>|\{[^}]*\}|\[\]\([^)]*\)|%[sd]")
_CODE = re.compile(
    r"[A-Za-z0-9_./-]*[_0-9/.-][A-Za-z0-9_./-]*"
)  # an id, a file or page path, an example code
_WORD = re.compile(r"[A-Za-z]{3,}")


def _literal(node) -> str | None:
    """The literal text of a string, f-string (its fixed parts) or sum of them; None for anything else."""
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return node.value
    if isinstance(node, ast.JoinedStr):
        return "".join(v.value for v in node.values if isinstance(v, ast.Constant))
    if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Add):
        parts = [_literal(node.left), _literal(node.right)]
        return "".join(p for p in parts if p) if any(p is not None for p in parts) else None
    return None


def _unmarked_strings(path, root=REPO) -> list[str]:
    """English text a page shows straight from a literal, without ``_()``: it is in no catalogue."""
    found = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if not isinstance(node, ast.Call):
            continue
        func = node.func
        called = func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", None)
        receiver = getattr(func, "value", None)
        if isinstance(receiver, ast.Call):
            receiver = receiver.func
        receiver_name = getattr(receiver, "id", None) or getattr(receiver, "attr", None) or ""
        if called not in SHOWN_BY or LOGGER.fullmatch(receiver_name):
            continue
        first = [] if called in PAGE_FIRST else node.args[:1]
        shown = [*first, *(k.value for k in node.keywords if k.arg in SHOWN_KEYWORDS)]
        for arg in shown:
            text = _literal(arg)
            if text is None or text in NOT_WORDS:
                continue
            words = _CODE.sub(" ", _MARKUP.sub(" ", text))
            if _WORD.search(words):
                found.append(f"{path.relative_to(root)}:{node.lineno}: {text[:70]!r}")
    return found


def test_every_string_a_page_shows_is_marked_for_the_catalogue():
    """A label, message or help text written as a bare literal reaches Urdu and Sindhi pages in English,
    unmarked: it must go through ``_()`` (and so into locales/atlas.pot and both catalogues)."""
    files = [REPO / "app.py", *sorted((REPO / "ui").rglob("*.py")), *sorted((REPO / "pages").rglob("*.py"))]
    moved = {REPO / f for f in STILL_BEING_MOVED}
    unmarked = [s for path in files if path not in moved for s in _unmarked_strings(path)]
    assert not unmarked, "\n".join(unmarked)


def test_the_guard_finds_a_bare_label(tmp_path):
    page = tmp_path / "page.py"
    page.write_text(
        'import streamlit as st\nst.warning("Nothing here yet.")\nst.button(_("Save"))\n'
        'log.info("served %s", x)\nst.caption(f"{n} · {m}")\nst.text_input(_("Id"), placeholder="khairpur_sez")\n'
    )
    found = [s.split(": ", 1)[1] for s in _unmarked_strings(page, root=tmp_path)]
    assert found == ["'Nothing here yet.'"]


# --- names by id, never by English spelling -----------------------------------------------------------


def test_classification_names_its_indicators_by_id():
    """The reasons list indicators through the caller's name look-up, which is given ids (data/names.csv
    is keyed by id), not English names to be looked up again."""
    import pandas as pd

    from cluster_model.classification import classify, explain
    from cluster_model.loading import DEFAULT_RULES

    matrix = pd.DataFrame(
        {
            "cluster_id": ["c"] * 6,
            "indicator_id": [f"d{i}" for i in range(6)],
            "status": ["present"] * 4 + ["absent"] * 2,
            "cluster_defining": [True] * 6,
        }
    )
    result = classify(matrix, {"d4": "Dock four", "d5": "Dock five"}, DEFAULT_RULES)["c"]
    assert result.absent == ["d4", "d5"]
    assert "making present: Dock four; Dock five" in result.to_move_up  # English by default
    reasons, to_move_up = explain(result, DEFAULT_RULES, name=lambda i: f"<{i}>")
    assert "absent: <d4>; <d5>" in reasons and "<d4>; <d5>" in to_move_up


def test_the_indicator_checklist_carries_the_ids_its_names_are_looked_up_by(dataset):
    from cluster_model.scoring import assessment_matrix
    from cluster_model.tables import indicator_checklist

    matrix = assessment_matrix(dataset, dataset.latest_round())
    several = indicator_checklist(dataset, matrix, ["fisheries", "mango"])
    assert {"cluster_id", "indicator_id"} <= set(several.columns)
    assert set(several["cluster_id"]) == {"fisheries", "mango"}
    assert set(several["indicator_id"]) <= set(dataset.indicators["indicator_id"])


# --- no English text looked up again ------------------------------------------------------------------

# Look-ups that take English the domain wrote and search the catalogue or the names table for it.
ENGLISH_LOOKUPS = {"known", "name_from_english", "table_in_language"}
PRODUCT_CODE = ("app.py", "cluster_model", "geo", "outputs", "ui", "pages", "scripts")


def _english_lookups(path) -> set[str]:
    """The English look-ups a module calls or imports (under any alias)."""
    found = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom):
            found |= {a.name for a in node.names if a.name in ENGLISH_LOOKUPS}
        elif isinstance(node, ast.Call):
            func = node.func
            called = func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", None)
            found |= {called} & ENGLISH_LOOKUPS
        elif isinstance(node, ast.FunctionDef) and node.name in ENGLISH_LOOKUPS:
            found.add(f"def {node.name}")
    return found


def _product_files():
    for top in PRODUCT_CODE:
        path = REPO / top
        yield from [path] if path.is_file() else sorted(path.rglob("*.py"))


def test_no_english_text_is_looked_up_again():
    """Text is looked up once, by message id or by the data's own key (``_()``, ``Translator.pillar``,
    ``Translator.group``, ``ui.i18n.name(kind, id)``), never by searching for the English the domain wrote."""
    found = {}
    for path in _product_files():
        where = str(path.relative_to(REPO))
        lookups = _english_lookups(path)  # a call, an import or a definition of one
        if lookups and where not in STILL_BEING_MOVED:
            found[where] = sorted(lookups)
    assert not found, found


def test_a_shown_table_looks_each_text_up_once_by_its_key(monkeypatch):
    """Headers and vocabulary cells by message id; a name arrives already in the language (by id); any other
    text is data, marked [en], even when it spells a cluster's English name (it is not searched for)."""
    import pandas as pd

    from ui import i18n as ui_i18n

    monkeypatch.setattr(ui_i18n, "current_language", lambda: "ur")
    frame = pd.DataFrame(
        {
            "Cluster": [ui_i18n.name("cluster", "mango", "Mango")],
            "Status": ["absent"],
            "Note": ["Mango"],
            "Gap": [0.5],
        }
    )
    shown = ui_i18n.shown_table(frame)
    assert list(shown.columns) == ["کلسٹر", "حیثیت", "نوٹ", "خلا"], list(shown.columns)
    row = shown.iloc[0]
    assert row.iloc[0] == "آم" and ARABIC.search(row.iloc[1]) and row.iloc[3] == 0.5
    assert row.iloc[2] == "\u2068Mango [en]\u2069"  # data: marked and isolated, never looked up as a name


def test_the_rooms_accepted_votes_name_clusters_by_id_in_the_pages_language(monkeypatch, dataset):
    import pandas as pd

    from ui import i18n as ui_i18n
    from ui.workshop.room import accepted_table

    monkeypatch.setattr(ui_i18n, "current_language", lambda: "sd")
    tallies = pd.DataFrame(
        [
            {
                "cluster_id": "mango",
                "pillar": "hrm",
                "stakeholder_group": "industry",
                "n": 3,
                "n_present": 1,
                "n_partial": 0,
                "n_absent": 2,
                "n_dont_know": 0,
                "rating": "absent",
            }
        ]
    )
    shown = ui_i18n.shown_table(accepted_table(dataset, tallies), ("Group", "Pillar", "Group's rating"))
    row = shown.iloc[0]
    assert row.iloc[0] == "انب"  # data/names.csv, cluster mango, Sindhi
    assert all(ARABIC.search(row.iloc[i]) and "[en]" not in row.iloc[i] for i in (1, 2, 5)), list(row)
    assert accepted_table(dataset, tallies.iloc[0:0]).empty
