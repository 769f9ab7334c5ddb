"""A warm start: the server prepares the Atlas's first screen before the first visitor's script asks.

``streamlit run serve.py`` starts this in a background thread as the server comes up (``serve.py``'s
lifespan), while the browser is still loading Streamlit's page: the imports (pandas, geopandas,
SQLAlchemy, folium: ~1.5 s), the store, the dataset, the display boundaries, the default view and the
base map (its served files). The first script run then finds them in the caches it would have filled
itself (issue #14: server start to map painted).

``app.py`` calls :func:`wait` first, so a script never imports a module half-way through the warm-up's
import of it; without ``serve.py`` (AppTest, ``streamlit run app.py``) nothing was started and it
returns at once. A failed warm-up is logged and changes nothing: the script does the work as before.

After the first screen (what :func:`wait` waits for), the thread goes on with the newest round when it
is not the default (an illustrative round: a rehearsal, the national demo): every shared link names its
round, and a workshop's link usually names the newest. A script that needs those figures meanwhile waits
for them rather than computing them twice (a view's figures are kept under a lock while computed).
"""

from __future__ import annotations

import gc
import logging
import threading
import time
from collections.abc import Callable

_LOG = logging.getLogger("atlas.warmup")
_done = threading.Event()
_started = False
# A warm-up that hangs (a database that does not answer) must not hold the first visitor for ever.
WAIT_AT_MOST_S = 60.0


def start(then: Callable[[], object] | None = None) -> None:
    """Begin the warm-up in a daemon thread (once per process); ``then``: more to prepare after the
    Atlas's rounds (serve.py: the routes whose modules it leaves to this thread to import)."""
    global _started
    if _started:
        return
    _started = True
    threading.Thread(target=_run, args=(then,), name="atlas-warmup", daemon=True).start()


def wait() -> None:
    """Until a started warm-up is over (at most ``WAIT_AT_MOST_S``); at once if none was started."""
    if _started:
        _done.wait(WAIT_AT_MOST_S)


def _run(then: Callable[[], object] | None = None) -> None:
    t0 = time.perf_counter()
    # What the warm-up loads (modules, the dataset, boundaries, the base map) lives as long as the server:
    # collections while it loads find next to nothing (three full ones, ~130 ms, on the first visitor's
    # wait), and once it is frozen out of the collector's sight, a full collection no longer walks it
    # (one took 110 ms of the first visitor's script run).
    gc.disable()
    try:
        prepare_first_screen()
        _LOG.info("first screen prepared in %.1f s", time.perf_counter() - t0)
    except Exception:  # noqa: BLE001 - the script will do the same work and report any problem itself
        _LOG.exception("warm-up failed; the first visitor's page will prepare itself")
        return
    finally:
        gc.freeze()
        gc.enable()
        _done.set()
    try:
        prepare_newest_round()
    except Exception:  # noqa: BLE001 - as above
        _LOG.exception("warm-up of the newest round failed; its first visitor's page will prepare it")
    if then is not None:
        try:
            then()
        except Exception:  # noqa: BLE001 - as above: the first request does it and reports any problem
            _LOG.exception("warm-up: preparing the server's routes failed; their first request will")


def prepare_first_screen() -> None:
    """What the Atlas page computes on a first visit with no filter, in English, through the same
    cached functions (so the keys match): store, dataset, boundaries, default view, base map."""
    # The rest of what the Atlas page's script imports (ui.page brings the sidebar, auth and store).
    # Never a custom component's module (streamlit_folium): Streamlit registers a component only when
    # its module is imported inside a script run, so importing it here would leave the map a 404.
    import folium.plugins  # noqa: F401 - most of what streamlit_folium imports, which may not be imported here

    import ui.page  # noqa: F401
    from cluster_model import i18n
    from geo.atlas_map import build_atlas_base
    from ui.data_access import get_atlas_data, get_engine
    from ui.i18n import local_names

    get_engine()
    local_names()  # the picker's and the map summary's names
    atlas = _visitors_atlas(get_atlas_data())
    view = _prepare_round(atlas, atlas.dataset.latest_round())
    if atlas.districts is not None:
        build_atlas_base(atlas.districts, view.placed_sites(), served=True, tr=i18n.translator("en"))


def prepare_newest_round() -> None:
    """The Atlas's figures for the newest round, illustrative or not, when it is not the default one."""
    from ui.data_access import get_atlas_data

    atlas = _visitors_atlas(get_atlas_data())
    newest = atlas.dataset.latest_round(include_illustrative=True)
    if newest != atlas.dataset.latest_round():
        _prepare_round(atlas, newest)


def _visitors_atlas(atlas):
    """What a signed-out first visitor reads (#26: published and illustrative rounds only), the same
    cached object the pages take, so the figures prepared here are the ones that visitor's page asks for."""
    from ui.publishing import reader_atlas

    return reader_atlas(atlas, None)


def _prepare_round(atlas, round_id):
    """What the Atlas page computes for a round with no filter: the view's figures and the change since
    the previous round (the map's tooltips, the ranking). Returns the view."""
    from cluster_model.history import previous_round
    from ui.data_view import get_view
    from ui.state import ViewState

    state = ViewState(round=round_id)
    view = get_view(atlas, state)
    view.placed_sites()
    view.status_counts()
    view.ranking_table()  # with shown_districts
    previous = previous_round(atlas.dataset, round_id)
    if previous is not None:
        view.district_changes(get_view(atlas, state, round_id=previous))
    return view
