"""One error type in the domain, rendered one way: every refusal is an ``AtlasError`` with a message id,
its figures, the place and the fix, and ``ui.chrome.error_text`` shows any of them in the page's language."""

from __future__ import annotations

import ast
import importlib
import inspect
import pkgutil

import pytest
from support import REPO

import cluster_model
from cluster_model import i18n
from cluster_model.issues import AtlasError, DataFileError, DataIssue
from cluster_model.store import signin
from cluster_model.store import votes as vt
from cluster_model.store.errors import ValidationError
from cluster_model.workshop import Agenda, AgendaError
from ui.chrome import error_text

UR = i18n.translator("ur")


def _domain_modules():
    for info in pkgutil.walk_packages(cluster_model.__path__, "cluster_model."):
        if not info.name.startswith("cluster_model.store.alembic."):  # scripts Alembic runs, not modules
            yield importlib.import_module(info.name)


def test_every_exception_type_of_the_domain_is_an_atlas_error():
    found = {
        f"{cls.__module__}.{cls.__qualname__}": cls
        for module in _domain_modules()
        for _, cls in inspect.getmembers(module, inspect.isclass)
        if cls.__module__ == module.__name__ and issubclass(cls, BaseException)
    }
    # the six that were unrelated before, and the one base, are all there
    assert {n.rsplit(".", 1)[1] for n in found} >= {
        "AtlasError",
        "DataFileError",
        "ValidationError",
        "ConflictError",
        "PassError",
        "AgendaError",
        "VoteRefused",
    }
    assert [n for n, cls in found.items() if not issubclass(cls, AtlasError)] == []


def test_a_refused_vote_renders_in_urdu_with_its_figures_and_fix():
    exc = vt.VoteRefused(
        "The comment is longer than {limit} characters ({n}): shorten it and vote again.", limit=500, n=612
    )
    text = error_text(exc, UR)
    assert text.startswith(UR.gettext(exc.message_id).format(limit=500, n=612))
    assert "shorten it" not in text  # translated, not the English key

    expired = vt.VoteRefused(
        "this phone's voting pass has expired",
        fix="Votes from it are refused. Open the link on the screen again to get a new one.",
    )
    text = error_text(expired, UR)
    assert UR.gettext("this phone's voting pass has expired") in text
    assert UR.gettext(expired.fix) in text and UR.gettext("What to do:") in text
    assert "[en]" not in text


def test_a_bad_agenda_renders_in_urdu_with_the_part_escaped():
    with pytest.raises(AgendaError) as caught:
        Agenda.from_string("mango:T[x](http://e.org)", ["mango"])
    text = error_text(caught.value, UR)
    template = UR.gettext(caught.value.message_id)
    assert template != caught.value.message_id and template.split("'")[0] in text
    assert "[x](" not in text and "\\[x\\]" in text  # the agenda text is data: escaped, no link
    assert "is not a pillar code" not in text


def test_a_validation_error_renders_in_urdu_with_file_line_and_fix():
    issue = DataIssue(
        "links.csv", "the status is not one of the four", "write present", row=7, column="status"
    )
    text = error_text(ValidationError([issue]), UR)
    assert text.startswith(
        UR.gettext("{n} problem(s): nothing was saved. Fix them and try again.").format(n=1)
    )
    assert "links.csv, line 7, column 'status'" in text.replace("\\", "")
    assert UR.gettext("What to do:") in text and "write present" in text


def test_a_file_error_keeps_its_file_line_and_fix_and_says_them_once():
    issue = DataIssue("data/names.csv", "names table is missing", "restore it from git", row=3)
    exc = DataFileError(issue)
    assert str(exc) == str(issue) and exc.issues == [issue]
    text = error_text(exc, UR)
    assert "names.csv, line 3" in text.replace("\\", "")
    assert text.count("names table is missing") == 1 and "restore it from git" in text


def test_a_sign_in_lock_renders_in_urdu():
    refusal = signin.Refusal("account", wait_seconds=900, locked=True)
    text = error_text(refusal.error(), UR)
    assert UR.gettext(refusal.error().message_id).format(minutes=15) in text
    assert "locked" in refusal.message()  # English for logs, as before


def _python_files():
    for path in sorted(REPO.rglob("*.py")):
        parts = path.relative_to(REPO).parts
        if parts[0] in {".venv", "node_modules"} or parts[0].startswith("."):
            continue
        yield path


def test_no_page_translates_an_error_by_its_english_text():
    found = []
    for path in _python_files():
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if (
                isinstance(node, ast.Call)
                and getattr(node.func, "id", getattr(node.func, "attr", None)) == "known"
                and node.args
                and isinstance(node.args[0], ast.Call)
                and getattr(node.args[0].func, "id", None) == "str"
            ):
                found.append(f"{path.relative_to(REPO)}:{node.lineno}")
    assert found == []
