"""Issue 26 item 1: a draft (a round that is not a published edition, which only signed-in editors see)
carries "Draft, not published" on every file the atlas lets a user download, and an edition's never
carries it: never mistakable either way.

The files are taken the way a user gets them: each page that offers downloads runs (AppTest) on the draft
copy of the seed's desk review (signed in) and on the seed's published edition (signed out), every
download button's file is kept, then read back: a PNG is looked at (the watermark's pixels), a PDF read
with pypdf page by page, a snapshot PDF drawn with pdfium and looked at, an SVG searched for the mark's
text, CSV/XLSX/GeoJSON/ZIP read back. A guard fails when a page gains a download button, or outputs/ or
geo/ a file writer, that this list does not name.
"""

from __future__ import annotations

import ast
import io
import json
import re
import zipfile

import numpy as np
import pytest
from openpyxl import load_workbook
from PIL import Image
from pypdf import PdfReader
from signin_support import page_app, page_store
from support import REPO

from cluster_model import publishing, settings, store
from cluster_model import workshop as ws
from cluster_model.publishing import start_correction
from cluster_model.store import dialogue as dl
from cluster_model.store.survey_import import commit_survey_import, plan_survey_import
from cluster_model.vocabulary import DRAFT_MARK
from geo.boundaries import boundaries_path
from outputs import tables, workshop_summary
from tests.store_support import SEED_DRAFT, backend, engine, store_env
from tests.survey_files import as_csv, odk_rows, sub

pytestmark = pytest.mark.skipif(not boundaries_path().exists(), reason="boundary file not available")

EDITION_ROUND = "desk-2026"  # the seed's desk review: the first published edition
PAGES = ("export", "overview", "linkages", "data")
STATES = ("draft", "edition")


def _formats(what: str, stem: str, extensions: tuple[str, ...], who: str = "all") -> list[tuple]:
    """An entry of EXPORTS per file format of one download (its reader is named by its extension)."""
    return [(f"{what}, {ext.upper()}", rf"{stem}.*\.{ext}$", ext, who) for ext in extensions]


# Every file a user downloads, by page: (what it is, its file name as a pattern, how it is read back, who
# gets it: "all", or "editors" only). The patterns match both the draft's file and the edition's.
DATE = r"\d{4}-\d\d-\d\d"
EXPORTS = {
    "export": [
        ("map snapshot, print PNG", rf"^sindh-atlas_(DRAFT_)?[^_]+_thatta_{DATE}\.png$", "png", "all"),
        ("map snapshot, small PNG", rf"^sindh-atlas_.*_small_{DATE}\.png$", "png", "all"),
        ("map snapshot, SVG", r"^sindh-atlas_.*\.svg$", "svg", "all"),
        ("map snapshot, PDF", rf"^sindh-atlas_.*_map_{DATE}\.pdf$", "snapshot pdf", "all"),
        ("district brief and its linkage page, PDF", rf"^sindh-atlas_.*_brief_{DATE}\.pdf$", "pdf", "all"),
        *_formats("view tables", "^sindh-atlas_", ("csv", "xlsx", "geojson")),
        ("data package, ZIP", r"\.zip$", "zip", "all"),
    ],
    "overview": [
        *_formats("gap matrix", "gap-matrix-", ("png", "svg", "csv", "xlsx")),
        ("one small map per round, PNG", r"gaps-by-round-.*\.png$", "png", "all"),
    ],
    "linkages": [
        *_formats("linkage matrix", "linkage-matrix-", ("csv", "xlsx", "png")),
        # Named by ui/linkage_editing.py (not "DRAFT-"): the round's id and its contents say it.
        *_formats(
            "institutions and the round's links to import again", "^linkages-desk-", ("xlsx",), "editors"
        ),
    ],
    "data": _formats("round's assessments", "assessments-desk-", ("csv", "xlsx")),
}
# Files the pages offer that hold no figure of the round: templates, the survey form, an edition's
# citation and report (only ever of a published edition).
OTHER_FILES = (
    r"-template\.(csv|xlsx)$",
    r"^cluster_survey\.xlsx$",
    r"\.(bib|ris)$",
    r"\.(en|ur|sd)\.pdf$",
)
# Download buttons that give no figure of a round, or are tested where they are made (file: why).
NOT_ROUND_FILES = {
    "ui/data_editing.py": "the import template: a header row, no data",
    "ui/survey_flow.py": "the survey form (XLSForm, no data); the submissions (of a survey round: the seed "
    "has none): test_survey_submissions_say_draft_until_the_round_is_published",
    "ui/publishing.py": "an edition's citation and report (the citation box and Export): only ever of a published "
    "edition; the Export page offers no report for a draft (test_publishing_pages)",
    "ui/workshop/room_view.py": "the workshop summary (of a dialogue round): its PDF in "
    "test_workshop_summary_pdf_says_draft_on_every_page_until_the_round_is_published; its CSV and XLSX are "
    "not marked yet (the page gives outputs.tables no round marks)",
    "ui/linkage_editing.py": "the linkage import templates (no data); the round's links are in EXPORTS",
}
# download_button calls in each file (a loop over files counts once): a new one must be added above.
DOWNLOAD_BUTTONS = {
    "pages/export.py": 9,
    "ui/overview.py": 2,
    "pages/linkages.py": 1,
    "ui/linkage_editing.py": 2,
    "ui/data_editing.py": 2,
    "ui/survey_flow.py": 2,
    "ui/publishing.py": 2,
    "ui/workshop/room_view.py": 1,
}
# Every public file writer in outputs/ and geo/ (a function returning bytes): where its files are checked.
WRITERS = {
    "outputs/tables.py": {
        "to_csv_bytes": "every CSV of a view (EXPORTS)",
        "to_xlsx_bytes": "every XLSX of a view (EXPORTS)",
        "export_round": "EXPORTS: round's assessments",
        "import_template": "no data",
        "export_submissions": "test_survey_submissions_say_draft_until_the_round_is_published",
        "table_file": "export_round's writer",
        "linkage_template": "no data",
        "linkage_workbook": "EXPORTS: the round's links",
        "build_xlsform": "no data",
        "workshop_csv": "NOT MARKED YET: given no round marks by ui/workshop/room_view.py",
        "workshop_xlsx": "NOT MARKED YET: given no round marks by ui/workshop/room_view.py",
    },
    "outputs/datapackage.py": {
        "data_package": "served_package's writer",
        "served_package": "EXPORTS: data package (and tests/test_api.py)",
    },
    "outputs/edition_report.py": {
        "edition_report_pdf": "published editions only",
        "stored_report": "the kept edition_report_pdf of a published edition",
    },
    "outputs/workshop_summary.py": {
        "summary_pdf": "test_workshop_summary_pdf_says_draft_on_every_page_until_the_round_is_published"
    },
    "outputs/brief.py": {"district_brief_pdf": "EXPORTS: district brief"},
    "geo/export_geojson.py": {"to_geojson_bytes": "EXPORTS: GeoJSON"},
    "geo/offline.py": {"map_bundle_bytes": "the map's scripts, no data"},
    "geo/snapshot.py": {
        "on_paper": "render's PDF",
        "render": "EXPORTS: every snapshot, matrix and linkage picture",
        "render_small_png": "EXPORTS: small PNG",
        "small_multiples_png": "EXPORTS: one small map per round",
    },
}

# The watermark's red (#c00000) at its opacity (0.35) over white, as every picture draws it.
WATERMARK_PINK = np.array([233, 166, 166])


def _watermark_pixels(image: Image.Image) -> tuple[int, float, float]:
    """(pixels of the watermark's colour, the share of the width and of the height they span)."""
    rgb = np.asarray(image.convert("RGB")).astype(int)
    pink = np.abs(rgb - WATERMARK_PINK).max(axis=2) <= 3
    if not pink.any():
        return 0, 0.0, 0.0
    ys, xs = np.nonzero(pink)
    return int(pink.sum()), (xs.max() - xs.min()) / rgb.shape[1], (ys.max() - ys.min()) / rgb.shape[0]


def _marked_picture(image: Image.Image) -> bool:
    """Written across the picture: many pixels of the mark's colour, spread over most of it."""
    count, wide, high = _watermark_pixels(image)
    return count >= 300 and wide >= 0.4 and high >= 0.4


def _says_draft(text: str) -> bool:
    return DRAFT_MARK in text or DRAFT_MARK.upper() in text


NOTES_SHEETS = {"Sources", "about"}  # a workbook's notes (the mark among them), not a table of figures


def _every_row_says_draft(rows: list[list]) -> bool:
    """Some column of the sheet says draft in every data row."""
    return any(all(_says_draft(str(row[i])) for row in rows[1:]) for i in range(len(rows[0])))


def read_back(kind: str, data: bytes) -> dict:
    """What a reader finds in the file: {"marked": every part of it says draft, "any": some part does}."""
    if kind == "png":
        image = Image.open(io.BytesIO(data))
        return {"marked": _marked_picture(image), "any": _watermark_pixels(image)[0] > 50}
    if kind == "svg":
        svg = data.decode("utf-8")
        across = re.search(r'<g class="atlas-watermark"[^>]*>(.*?)</g>', svg)
        return {"marked": bool(across) and _says_draft(across.group(1)), "any": _says_draft(svg)}
    if kind == "snapshot pdf":
        import pypdfium2 as pdfium

        page = pdfium.PdfDocument(data)[0].render(scale=1.5).to_pil()
        return {"marked": _marked_picture(page), "any": _watermark_pixels(page)[0] > 50}
    if kind == "pdf":
        pages = [" ".join(p.extract_text().split()) for p in PdfReader(io.BytesIO(data)).pages]
        return {"marked": all(map(_says_draft, pages)), "any": any(map(_says_draft, pages))}
    if kind == "csv":
        text = data.decode("utf-8-sig")
        rows = [line for line in text.splitlines()[1:] if line and not line.startswith("#")]
        return {"marked": bool(rows) and all(map(_says_draft, rows)), "any": _says_draft(text)}
    if kind == "xlsx":
        book = load_workbook(io.BytesIO(data))
        sheets = {ws.title: [list(r) for r in ws.iter_rows(values_only=True)] for ws in book}
        cells = [str(c) for rows in sheets.values() for row in rows for c in row if c]
        tables = [rows for title, rows in sheets.items() if title not in NOTES_SHEETS and len(rows) > 1]
        return {
            "marked": all(map(_every_row_says_draft, tables)) and any(map(_says_draft, cells)),
            "any": any(map(_says_draft, cells)),
        }
    if kind == "geojson":
        collection = json.loads(data)
        features = [f["properties"].get("publication") == DRAFT_MARK for f in collection["features"]]
        return {
            "marked": collection.get("draft") is True
            and _says_draft(collection.get("warning", ""))
            and all(features),
            "any": bool(collection.get("draft")) or any(features) or _says_draft(json.dumps(collection)),
        }
    if kind == "zip":
        descriptor = json.loads(zipfile.ZipFile(io.BytesIO(data)).read("datapackage.json"))
        return {"marked": descriptor.get("draft") is True, "any": bool(descriptor.get("draft"))}
    raise AssertionError(f"no reader for {kind}")


def _record_downloads(monkeypatch) -> dict:
    """{file name: bytes or the callable that makes them} of every download button the page draws."""
    from streamlit.runtime.media_file_manager import MediaFileManager

    recorded: dict = {}
    add, add_deferred = MediaFileManager.add, MediaFileManager.add_deferred

    def adding(self, data, mimetype, coordinates, file_name=None, is_for_static_download=False):
        if is_for_static_download:
            recorded[file_name] = data
        return add(self, data, mimetype, coordinates, file_name, is_for_static_download)

    def deferring(self, data_callable, mimetype, coordinates, file_name=None, **kwargs):
        recorded[file_name] = data_callable
        return add_deferred(self, data_callable, mimetype, coordinates, file_name, **kwargs)

    monkeypatch.setattr(MediaFileManager, "add", adding)
    monkeypatch.setattr(MediaFileManager, "add_deferred", deferring)
    return recorded


def _page_files(page: str, state: str, monkeypatch) -> dict:
    """{file name: bytes, or None for a file not of the round} of every download the page offers."""
    recorded = _record_downloads(monkeypatch)
    query = {"round": SEED_DRAFT if state == "draft" else EDITION_ROUND, "districts": "Thatta"}
    at = page_app(page, timeout=180, signed_in="alice" if state == "draft" else None, **query)
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    if page == "data":  # the Data page picks its round itself
        at.selectbox(key="data_round").set_value(query["round"]).run()
    if page == "export":
        next(b for b in at.button if b.label == "Build district briefs").click().run()
    assert not at.exception, [e.value for e in at.exception]
    if state == "draft":  # the page itself says so (ui.chrome), around the figures it shows
        assert DRAFT_MARK in " ".join(w.value for w in at.warning), page
    ours = [pattern for _, pattern, _, _ in EXPORTS[page]]
    return {  # built now, while the page's store is the one the environment names
        name: (data() if callable(data) else data) if any(re.search(p, name) for p in ours) else None
        for name, data in recorded.items()
    }


@pytest.fixture(scope="module")
def downloads(tmp_path_factory):
    """{(page, state): {file name: bytes}}, each page run once on the draft and once on the edition."""
    with pytest.MonkeyPatch.context() as monkeypatch:
        engine = page_store(tmp_path_factory.mktemp("drafts"), monkeypatch, "drafts")
        settings.reset()  # the pages read the store's address afresh (conftest's monkeypatch does this per test)
        start_correction(engine, "latest", "alice", round_id=SEED_DRAFT)
        files = {}
        for page in PAGES:
            for state in STATES:
                with pytest.MonkeyPatch.context() as patch:
                    files[page, state] = _page_files(page, state, patch)
        engine.dispose()
        yield files
    settings.reset()


CASES = [(page, *export) for page, exports in EXPORTS.items() for export in exports]


@pytest.mark.parametrize("state", STATES)
@pytest.mark.parametrize(("page", "what", "pattern", "kind", "who"), CASES, ids=[c[1] for c in CASES])
def test_every_export_of_a_draft_says_so_and_an_editions_never(
    downloads, page, what, pattern, kind, who, state
):
    found = {name: data for name, data in downloads[page, state].items() if re.search(pattern, name)}
    if who == "editors" and state == "edition":  # signed out: not offered
        assert not found, what
        return
    assert len(found) == 1, f"{what}: files {sorted(downloads[page, state])}"
    ((name, data),) = found.items()
    seen = read_back(kind, data)
    if state == "draft":
        assert seen["marked"], f"{what} ({name}) of a draft does not say {DRAFT_MARK!r} all over"
        assert "DRAFT" in name or who == "editors", f"{what}: the file name {name} does not say draft"
    else:
        assert not seen["any"], f"{what} ({name}) of a published edition says {DRAFT_MARK!r}"
        assert "DRAFT" not in name


@pytest.mark.parametrize("state", STATES)
@pytest.mark.parametrize("page", PAGES)
def test_every_file_a_page_offers_is_in_the_list(downloads, page, state):
    """A page that starts offering a file this list does not check fails here."""
    known = [pattern for _, pattern, _, _ in EXPORTS[page]] + list(OTHER_FILES)
    unknown = [name for name in downloads[page, state] if not any(re.search(p, name) for p in known)]
    assert not unknown, f"{page}: add to EXPORTS (checked for the mark) or OTHER_FILES: {unknown}"


def test_every_download_and_writer_is_in_the_list():
    """A new download button or file writer fails here until it is checked above (or said to hold no round)."""
    counted = {
        str(path.relative_to(REPO)): path.read_text().count("download_button(")
        for folder in ("pages", "ui")
        for path in sorted((REPO / folder).rglob("*.py"))
        if "download_button(" in path.read_text()
    }
    assert counted == DOWNLOAD_BUTTONS
    assert set(NOT_ROUND_FILES) <= set(DOWNLOAD_BUTTONS)
    writers: dict[str, set[str]] = {}
    for folder in ("outputs", "geo"):
        for path in sorted((REPO / folder).glob("*.py")):
            for node in ast.parse(path.read_text()).body:
                if not isinstance(node, ast.FunctionDef) or node.name.startswith("_") or not node.returns:
                    continue
                returns = ast.unparse(node.returns)
                if "bytes" in returns and "dict" not in returns:
                    writers.setdefault(str(path.relative_to(REPO)), set()).add(node.name)
    assert writers == {path: set(names) for path, names in WRITERS.items()}


def _publish(engine, round_id: str) -> None:
    """Published with two accounts: alice submits, bob reviews and publishes."""
    publishing.submit(engine, round_id, "alice")
    publishing.publish(engine, round_id, reviewer="bob")


def test_survey_submissions_say_draft_until_the_round_is_published(engine):
    store.create_round(
        engine, round_id="survey-2027", name="Survey 2027", date="2027-03-01", kind="survey", author="alice"
    )
    answers = odk_rows([sub("a1", "rice", "industry", {"tech_equipment": "absent"})])
    commit_survey_import(
        engine, plan_survey_import(engine, "survey-2027", as_csv(answers), "odk.csv"), author="alice"
    )
    assert read_back("csv", tables.export_submissions(engine, "survey-2027")[1])["marked"]
    _publish(engine, "survey-2027")
    assert not read_back("csv", tables.export_submissions(engine, "survey-2027")[1])["any"]


def test_workshop_summary_pdf_says_draft_on_every_page_until_the_round_is_published(engine):
    clusters = list(store.load_dataset(engine).clusters["cluster_id"])
    agenda = ws.Agenda.default(clusters)  # sixteen clusters × four pillars: more than one page
    dl.create_dialogue(
        engine,
        round_id="dlg-1",
        name="Cluster dialogue",
        date="2027-02-01",
        venue="MUET, Jamshoro",
        facilitator="Dr F",
        agenda=agenda.to_string(),
        author="alice",
    )
    dl.record_rating(engine, "dlg-1", "mango", "technology", "industry", "absent", author="alice")

    def summary() -> bytes:
        ds = store.load_dataset(engine)
        rat, quotes = dl.ratings(engine, "dlg-1"), dl.quotes(engine, "dlg-1")
        gaps = ws.room_gaps(rat, ds.rules, clusters)
        return workshop_summary.summary_pdf(ds, dl.get_session(engine, "dlg-1").info, gaps, quotes, agenda)

    draft = summary()
    assert len(PdfReader(io.BytesIO(draft)).pages) > 1 and read_back("pdf", draft)["marked"]
    _publish(engine, "dlg-1")
    assert not read_back("pdf", summary())["any"]


@pytest.mark.parametrize("language", ["en", "ur", "sd"])
def test_the_snapshot_mark_is_in_the_pictures_language(dataset, language):
    """The words across a draft's picture are the page's language's, as the rest of the snapshot."""
    from cluster_model.i18n import translator
    from geo.boundaries import load_boundaries, simplify_for_display
    from geo.snapshot import render, snapshot_chart

    tr = translator(language)
    chart = snapshot_chart(
        simplify_for_display(load_boundaries(), 0.01), None, None, title="t", draft=True, width=300, tr=tr
    )
    svg = render(chart, "svg").decode("utf-8")
    across = re.search(r'<g class="atlas-watermark"[^>]*>(.*?)</g>', svg).group(1)
    words = tr.gettext(DRAFT_MARK)
    assert across.count(words) == 3 and (language == "en" or words != DRAFT_MARK)
