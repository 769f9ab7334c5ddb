"""pyproject.toml is the one list of what the atlas installs (issue #25, packaging).

Every third-party module the project imports must come from a distribution declared in a dependency
group, so an undeclared import fails CI instead of a fresh `make run`; `make run` installs no test tool.
"""

from __future__ import annotations

import ast
import importlib.metadata
import re
import subprocess
import sys
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
NOT_PROJECT = {".venv", "static", "var", "test-artifacts", "node_modules", ".git"}
TEST_TOOLS = {"pytest", "hypothesis", "playwright", "ruff", "pypdfium2"}
# What `make run` serves imports: these must come from the runtime group alone.
RUNTIME_CODE = ("app.py", "serve.py", "cluster_model", "geo", "ui", "pages", "outputs", "web")
_NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]*")


def _normal(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()  # PEP 503 normalised distribution name


def _groups() -> dict[str, list]:
    return tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["dependency-groups"]


def _group(name: str) -> list[str]:
    """The requirement strings of a group, its include-group entries expanded (PEP 735)."""
    specs = []
    for entry in _groups()[name]:
        specs.extend(_group(entry["include-group"]) if isinstance(entry, dict) else [entry])
    return specs


def _declared(group: str) -> set[str]:
    return {_normal(_NAME.match(spec).group()) for spec in _group(group)}


def _project_files() -> list[Path]:
    return [p for p in ROOT.rglob("*.py") if not NOT_PROJECT.intersection(p.relative_to(ROOT).parts)]


def _third_party_imports() -> dict[str, set[str]]:
    """Top-level module name -> the project files importing it, for modules neither stdlib nor ours."""
    files = _project_files()
    # Scripts, benches and tests import their siblings by bare name (their folder is on sys.path).
    ours = {p.stem for p in files} | {p.parent.name for p in files}
    found: dict[str, set[str]] = {}
    for path in files:
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"), str(path))):
            if isinstance(node, ast.Import):
                names = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                names = [node.module]
            else:
                continue
            for name in names:
                top = name.split(".")[0]
                if top not in sys.stdlib_module_names and top not in ours and top != "__future__":
                    found.setdefault(top, set()).add(str(path.relative_to(ROOT)))
    return found


def test_every_third_party_import_is_declared_in_pyproject():
    declared = _declared("test")  # the test group includes the runtime
    providers = importlib.metadata.packages_distributions()
    undeclared = []
    for module, files in sorted(_third_party_imports().items()):
        dists = {_normal(d) for d in providers.get(module, [])}
        if not dists & declared:
            where = ", ".join(sorted(files)[:3])
            undeclared.append(f"{module} (from {sorted(dists) or 'no installed distribution'}; in {where})")
    assert not undeclared, "imported but declared in no dependency group of pyproject.toml: " + "; ".join(
        undeclared
    )


def test_what_the_server_imports_is_in_the_runtime_group():
    # A module the dashboard imports but only the test group declares works in `make test` and
    # breaks a fresh `make run` (the snapshot's A4 page needs pypdf at run time).
    declared = _declared("runtime")
    providers = importlib.metadata.packages_distributions()
    missing = []
    for module, files in sorted(_third_party_imports().items()):
        served = sorted(f for f in files if f.split("/")[0] in RUNTIME_CODE)
        if served and not {_normal(d) for d in providers.get(module, [])} & declared:
            missing.append(f"{module} (in {', '.join(served[:3])})")
    assert not missing, "imported by the dashboard but not in the runtime group: " + "; ".join(missing)


def test_every_direct_dependency_is_pinned_exactly():
    loose = [spec for group in _groups() for spec in _group(group) if "==" not in spec]
    assert not loose, f"pin these with ==: {loose}"


def test_make_run_installs_no_test_tool():
    assert not _declared("runtime") & TEST_TOOLS
    makefile = (ROOT / "Makefile").read_text(encoding="utf-8")
    assert "--group runtime" in makefile and "--group test" in makefile
    assert not (ROOT / "requirements.txt").exists(), "one list: pyproject.toml"


def _collected(*args: str) -> list[str]:
    out = subprocess.run(
        [sys.executable, "-m", "pytest", "--collect-only", "-q", "-p", "no:cacheprovider", *args],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=300,
    ).stdout
    return [line for line in out.splitlines() if "::" in line]


def test_browser_tests_are_marked_so_the_fast_suite_leaves_them_out():
    # One small browser file beside a fast one: the marker is set by tests/browser/conftest.py.
    files = ("tests/browser/test_deep_link.py", "tests/test_packaging.py")
    browser_only = _collected("-m", "browser", *files)
    fast_only = _collected("-m", "not browser", *files)
    assert browser_only and all(t.startswith("tests/browser/") for t in browser_only)
    assert fast_only and all(t.startswith("tests/test_packaging.py") for t in fast_only)
