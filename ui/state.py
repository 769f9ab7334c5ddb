"""The view state (filters and selections), shared by every page and kept in the URL.

Session state holds the truth within a session, so moving between pages keeps
the filters; the URL mirrors it on every run, so a copied link reproduces the
view. A link with values that do not exist (a renamed district, a typo) opens
with those values dropped and a message saying which.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import asdict, dataclass, field, fields

import streamlit as st

from cluster_model.i18n import Translator
from cluster_model.i18n import translator as language_translator
from cluster_model.markup import shorten
from cluster_model.matrix import ORIENTATIONS as MATRIX_ROWS
from cluster_model.matrix import SORTS
from cluster_model.vocabulary import INDICATOR_GROUPS, PILLARS
from ui.i18n import N_, translator, with_language

COMPARE_KINDS = ("districts", "clusters")
LAYERS = ("gaps", "context")  # the Atlas map's two kinds of evidence: cluster gaps, district context
BOOL_FIELDS = {"basemap", "institutions"}
LIST_FIELDS = {"pillars", "sectors", "districts", "compare"}
MATRIX_SORTS = tuple(dict.fromkeys(s for sorts in SORTS.values() for s in sorts))
_STATE_KEY = "atlas_view"
_NOTICE_KEY = "atlas_link_notices"
# The notices' name for a link's round that exists but is not published (see Vocabulary.unpublished_rounds).
UNPUBLISHED_ROUND = "unpublished_round"
# A notice repeats at most this much of a link's rejected values (a link can carry 100,000 characters).
NOTICE_VALUE_CHARS, NOTICE_VALUES = 40, 5


@dataclass
class ViewState:
    pillars: list[str] = field(default_factory=lambda: list(PILLARS))
    sectors: list[str] = field(default_factory=list)  # cluster ids; empty = all
    districts: list[str] = field(default_factory=list)  # empty = all
    round: str | None = None
    district: str | None = None  # district opened on the Atlas page
    cluster: str | None = None  # cluster opened on the Clusters page
    compare_kind: str = "districts"
    compare: list[str] = field(default_factory=list)
    basemap: bool = False
    layer: str = "gaps"  # what the Atlas map shows: one of LAYERS
    figure: str | None = (
        None  # the District context figure (an indicator id); checked where the figures are read
    )
    institutions: bool = False  # the Atlas's institutions layer
    pillar: str | None = None  # the pillar the Clusters page opens at (a gap matrix cell)
    matrix: str = "clusters"  # the Overview's rows: one of cluster_model.matrix.ORIENTATIONS
    matrix_sort: str = "number"  # the Overview's row order: one of cluster_model.matrix.SORTS


@dataclass(frozen=True)
class Vocabulary:
    """What a URL value may be; anything else is dropped with a notice."""

    clusters: tuple[str, ...]
    districts: tuple[str, ...]
    rounds: tuple[str, ...]
    default_round: str | None
    # Rounds that exist but this reader may not see (a draft or one in review, for a signed-out visitor):
    # a link naming one is told so, not that the round "does not exist".
    unpublished_rounds: tuple[str, ...] = ()


def _allowed(vocab: Vocabulary, name: str, kind: str = "districts") -> tuple[str, ...] | None:
    return {
        "pillars": tuple(PILLARS),
        "sectors": vocab.clusters,
        "districts": vocab.districts,
        "round": vocab.rounds,
        "district": vocab.districts,
        "cluster": vocab.clusters,
        "compare_kind": COMPARE_KINDS,
        "compare": vocab.districts if kind == "districts" else vocab.clusters,
        "layer": LAYERS,
        "pillar": tuple(INDICATOR_GROUPS),
        "matrix": MATRIX_ROWS,
        "matrix_sort": MATRIX_SORTS,
    }.get(name)


def canonical_pillars(chosen) -> list[str]:
    """The chosen pillars in the dialogue's order, without repeats; none chosen means all four."""
    return [p for p in PILLARS if p in set(chosen)] or list(PILLARS)


# How a notice names a link's field (the URL parameter's own name is English and stays in the URL).
FIELD_WORDS = {
    "pillars": N_("pillars"),
    "sectors": N_("sectors"),
    "districts": N_("districts"),
    "round": N_("round"),
    "district": N_("district"),
    "cluster": N_("cluster"),
    "compare_kind": N_("compare kind"),
    "compare": N_("compare"),
    "layer": N_("layer"),
    "figure": N_("figure"),
}


def parse_query(
    params: dict[str, str], vocab: Vocabulary, tr: Translator | None = None
) -> tuple[ViewState, list[str]]:
    """Build a view state from URL parameters; return it with notices for dropped values (in ``tr``'s
    language, English by default)."""
    state, dropped = _parse(params, vocab)
    tr = tr or language_translator("en")
    return state, [ignored_notice(name, bad, tr) for name, bad in dropped]


def _parse(params: dict[str, str], vocab: Vocabulary) -> tuple[ViewState, list[tuple[str, list[str]]]]:
    """The view state and, per field, the link's values dropped (kept as values: the notice is worded in
    the language of the page that shows it, which the switch can change after the link was read)."""
    state = ViewState(round=vocab.default_round)
    notices: list[tuple[str, list[str]]] = []
    kind = params.get("compare_kind", "districts")
    for f in fields(ViewState):
        if f.name not in params:
            continue
        raw = params[f.name]
        if f.name in BOOL_FIELDS:
            setattr(state, f.name, raw in ("1", "true", "yes"))
            continue
        allowed = _allowed(vocab, f.name, kind)
        values = [v for v in raw.split(",") if v] if f.name in LIST_FIELDS else [raw]
        good = [v for v in values if allowed is None or v in allowed]
        bad = [v for v in values if v not in good]
        if f.name == "round" and (unpublished := [v for v in bad if v in vocab.unpublished_rounds]):
            notices.append((UNPUBLISHED_ROUND, unpublished))
            bad = [v for v in bad if v not in unpublished]
        if bad:
            notices.append((f.name, bad))
        if f.name == "pillars":
            good = canonical_pillars(good)
        if f.name in LIST_FIELDS:
            if good or f.name != "pillars":
                setattr(state, f.name, good)
        elif good:
            setattr(state, f.name, good[0])
    return state, notices


def ignored_notice(name: str, bad: list[str], tr: Translator | None = None) -> str:
    """What the page says about a link's values that do not exist here, or, for :data:`UNPUBLISHED_ROUND`,
    a round this reader may not see yet (shortened: a link can be huge), in ``tr``'s language (default:
    the session's)."""
    tr = tr or translator()
    shown = ", ".join(repr(shorten(b, NOTICE_VALUE_CHARS)) for b in bad[:NOTICE_VALUES])
    more = tr.gettext(" and {n} more").format(n=len(bad) - NOTICE_VALUES) if len(bad) > NOTICE_VALUES else ""
    if name == UNPUBLISHED_ROUND:
        return tr.gettext(
            "The link's round {values}{more} is not published yet: only signed-in editors can open it. "
            "This page shows the latest published edition."
        ).format(values=shown, more=more)
    return tr.gettext("The link's {field} value {values}{more} does not exist here and was ignored.").format(
        field=tr.gettext(FIELD_WORDS.get(name, name)), values=shown, more=more
    )


def to_query(state: ViewState) -> dict[str, str]:
    """The URL parameters for a view state; defaults are left out to keep links short."""
    default = ViewState()
    out: dict[str, str] = {}
    for name, value in asdict(state).items():
        if name != "round" and value == getattr(default, name):
            continue
        if value is None or value == []:
            continue
        if isinstance(value, bool):
            out[name] = "1" if value else "0"
        elif isinstance(value, list):
            out[name] = ",".join(value)
        else:
            out[name] = str(value)
    return out


def view_state(vocabulary: Callable[[], Vocabulary]) -> ViewState:
    """The session's view state, read from the URL on the session's first run; ``vocabulary`` is asked
    for only then (it lists every cluster and district: not work for every rerun)."""
    if _STATE_KEY not in st.session_state:
        state, dropped = _parse(st.query_params.to_dict(), vocabulary())
        st.session_state[_STATE_KEY] = state
        st.session_state[_NOTICE_KEY] = dropped
    return st.session_state[_STATE_KEY]


def link_notices() -> list[str]:
    """The notices about the link's dropped values, in the page's language."""
    return [ignored_notice(name, bad) for name, bad in st.session_state.get(_NOTICE_KEY, [])]


def session_view() -> ViewState | None:
    """The session's view state when a page has started one (for code that is not handed it)."""
    return st.session_state.get(_STATE_KEY)


def publish(state: ViewState) -> None:
    """Mirror the state into the URL (query params), without a rerun."""
    wanted = with_language(to_query(state))
    if st.query_params.to_dict() != wanted:
        st.query_params.from_dict(wanted)


def bound(widget, key: str, state: ViewState, field: str, *, to_state=None, from_state=None, **kwargs):
    """Draw ``widget`` showing ``state.<field>``; the user's change is written back to the state.

    The view state, not the widget, holds the value: Streamlit drops a widget's
    value when the user moves to another page, so every page re-seeds its
    widgets from the state, and a callback copies a change back before the rerun.
    ``to_state`` / ``from_state`` map the widget's value to the state's and back.
    """

    def on_change() -> None:
        value = st.session_state[key]
        setattr(state, field, to_state(value) if to_state else value)

    value = getattr(state, field)
    st.session_state[key] = from_state(value) if from_state else value
    return widget(key=key, on_change=on_change, **kwargs)
