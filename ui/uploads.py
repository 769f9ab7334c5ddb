"""Importing an uploaded CSV/XLSX: planned once, its problems or its preview shown, then applied all or nothing.

Shared by the Data page (assessments, field-survey submissions) and the Linkage page. The page
passes what is its own: the planner (which checks the file against the store and writes nothing),
the preview, the write, and every text a person reads (translated by the page).
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from typing import Protocol, TypeVar

import pandas as pd
import streamlit as st

from cluster_model.issues import AtlasError, DataIssue
from cluster_model.store.errors import ValidationError
from ui.chrome import error_text
from ui.i18n import shown_table


class Plan(Protocol):
    issues: list[DataIssue]


P = TypeVar("P", bound=Plan)


def show_refused(refusal: AtlasError | list[DataIssue]) -> None:
    """That nothing was saved and why (``ui.chrome.error_text``), then one row per problem: file, line,
    column, value, problem, what to do. Every refused import and edit says it this one way.

    A table, so a value from the file is shown as plain text, never read as markup; its headers in
    the page's language, the file's values and the checks' messages marked as English data."""
    if not isinstance(refusal, AtlasError):
        refusal = ValidationError(refusal)
    issues = refusal.issues
    st.error(error_text(refusal, details=False))
    st.dataframe(
        shown_table(
            pd.DataFrame(
                [
                    {
                        "File": i.file,
                        "Line": i.row,
                        "Column": i.column or "",
                        "Value": i.value or "",
                        "Problem": i.message,
                        "What to do": i.hint,
                    }
                    for i in issues
                ]
            )
        ),
        hide_index=True,
        width="stretch",
    )


def import_upload(
    upload,
    *,
    key: str,
    plan: Callable[[bytes, str], P],
    preview: Callable[[P], bool],
    apply_label: str,
    apply_key: str,
    apply: Callable[[P], str | None],
    done: Callable[[str], None] = st.success,
) -> None:
    """The import of ``upload`` (what ``st.file_uploader`` returned; None: nothing to do).

    The file is planned once per session and content (``plan(bytes, file name)``, kept under ``key``
    and a hash of the bytes), not on every rerun; the same file again reuses the plan, another file
    is planned anew. A plan with problems shows them (``show_refused``) and offers nothing to apply.
    Otherwise ``preview(plan)`` draws what would change and says whether anything would; the button ``apply_label`` then runs ``apply(plan)``, which writes and returns
    the message to show with ``done``, or shows why the write was refused and returns None (the
    plan is kept). After a write the plan and its preview are gone: the store it was checked against
    has changed.
    """
    if upload is None:
        return
    data = upload.getvalue()
    plan_key = f"{key}_{hashlib.sha256(data).hexdigest()[:16]}"
    if plan_key not in st.session_state:
        st.session_state[plan_key] = plan(data, upload.name)
    planned = st.session_state[plan_key]
    if planned.issues:
        show_refused(planned.issues)
        return
    # The preview and its button sit in one slot, so a write can clear them: the success message
    # must not stand below a preview ("5 new") and a button that no longer apply.
    slot = st.empty()
    with slot.container():
        anything = preview(planned)
        clicked = st.button(apply_label, type="primary", key=apply_key, disabled=not anything)
    if clicked:
        message = apply(planned)
        if message is not None:
            st.session_state.pop(plan_key, None)
            slot.empty()
            done(message)
