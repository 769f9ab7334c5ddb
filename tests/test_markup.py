"""One escaping owner: ``cluster_model.markup``. No other module of the atlas escapes on its own."""

from __future__ import annotations

import ast
from pathlib import Path

from cluster_model.markup import esc

ROOT = Path(__file__).resolve().parents[1]
OWNER = ROOT / "cluster_model" / "markup.py"


def _project_sources() -> list[Path]:
    """Every Python file of the atlas itself: not the tests, not the virtualenv or hidden folders."""
    return [
        p
        for p in sorted(ROOT.rglob("*.py"))
        if not any(
            part.startswith(".") or part in {"tests", "__pycache__"} for part in p.relative_to(ROOT).parts
        )
    ]


def _own_escapes(path: Path) -> list[str]:
    """Lines where ``path`` imports the stdlib ``html`` module, calls ``html.escape`` or defines an escaper of its own."""
    found = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"), filename=str(path))):
        if isinstance(node, ast.Import) and any(
            a.name == "html" or a.name.startswith("html.") for a in node.names
        ):
            found.append(f"{path.relative_to(ROOT)}:{node.lineno} import html")
        elif (
            isinstance(node, ast.ImportFrom)
            and node.level == 0
            and (node.module or "").split(".")[0] == "html"
        ):
            found.append(f"{path.relative_to(ROOT)}:{node.lineno} from {node.module} import …")
        elif (
            isinstance(node, ast.Attribute)
            and node.attr == "escape"
            and getattr(node.value, "id", None) == "html"
        ):
            found.append(f"{path.relative_to(ROOT)}:{node.lineno} html.escape")
        elif isinstance(node, ast.FunctionDef) and node.name.lstrip("_") in {
            "e",
            "esc",
            "escape",
            "escape_html",
        }:
            found.append(f"{path.relative_to(ROOT)}:{node.lineno} def {node.name} (an escaper of its own)")
    return found


def test_only_markup_escapes_html():
    sources = _project_sources()
    assert OWNER in sources and len(sources) > 50  # the walk really sees the project
    offenders = [hit for p in sources if p != OWNER for hit in _own_escapes(p)]
    assert not offenders, "escape through cluster_model.markup.esc, not html.escape:\n" + "\n".join(offenders)


def test_the_old_ui_html_module_is_gone():
    # ui/html.py was the owner before; a second copy would split the guarantee again.
    assert not (ROOT / "ui" / "html.py").exists()
    importers = [
        str(p.relative_to(ROOT))
        for p in _project_sources() + sorted((ROOT / "tests").rglob("*.py"))
        if "ui.html" in p.read_text(encoding="utf-8").replace("ui.html_", "")
        and p != Path(__file__).resolve()
    ]
    assert not importers, importers


def test_esc_quotes_for_attributes_and_content():
    assert (
        esc("<a href='x' title=\"y\">&</a>")
        == "&lt;a href=&#x27;x&#x27; title=&quot;y&quot;&gt;&amp;&lt;/a&gt;"
    )
    assert esc(None) == ""


def test_esc_output_cannot_end_or_interpolate_a_js_template_literal():
    # folium builds tooltips as `…${…}…` template literals: the one esc is safe there too.
    out = esc("`${alert(1)}`\\<b>")
    assert not any(c in out for c in "`$\\<>"), out
    assert out == "&#96;&#36;{alert(1)}&#96;&#92;&lt;b&gt;"
