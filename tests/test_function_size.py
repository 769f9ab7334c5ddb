"""Functions in the domain, geo and outputs layers stay short enough to read whole (#25: five had grown
to 170-290 lines, each doing several things).

The limit, 120 lines with docstring, is the longest the code had once they were split: the first Alembic
revision's ``upgrade`` (119 lines, one ``create_table`` per table, one thing done). A function over it is
split along what it does, each piece named for what it is.
"""

from __future__ import annotations

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
LAYERS = ("cluster_model", "geo", "outputs")
MAX_LINES = 120


def function_lengths(folder: Path):
    """(file:function, lines) for every function and method under ``folder``."""
    for path in sorted(folder.rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
                yield (
                    f"{path.relative_to(folder.parent).as_posix()}:{node.name}",
                    node.end_lineno - node.lineno + 1,
                )


def test_the_measure_counts_a_long_function(tmp_path):
    body = "\n".join(f"    x{i} = {i}" for i in range(MAX_LINES))
    (tmp_path / "long.py").write_text(f"def long():\n{body}\n", encoding="utf-8")
    assert [n for _, n in function_lengths(tmp_path)] == [MAX_LINES + 1]


def test_no_function_in_the_domain_geo_or_outputs_is_over_the_limit():
    too_long = [
        f"{name}: {n} lines"
        for layer in LAYERS
        for name, n in function_lengths(ROOT / layer)
        if n > MAX_LINES
    ]
    assert too_long == [], f"split these along what they do (limit {MAX_LINES} lines): {too_long}"
