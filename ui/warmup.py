"""A warm start: the server prepares the Atlas's first screen before the first visitor's script asks.

``streamlit run serve.py`` starts this in a background thread as the server comes up (``serve.py``'s
lifespan), while the browser is still loading Streamlit's page: the imports (pandas, geopandas,
SQLAlchemy, folium: ~1.5 s), the store, the dataset, the display boundaries, the default view and the
base map (its served files). The first script run then finds them in the caches it would have filled
itself (issue #14: server start to map painted).

``app.py`` calls :func:`wait` first, so a script never imports a module half-way through the warm-up's
import of it; without ``serve.py`` (AppTest, ``streamlit run app.py``) nothing was started and it
returns at once. A failed warm-up is logged and changes nothing: the script does the work as before.
"""

from __future__ import annotations

import logging
import threading
import time

_LOG = logging.getLogger("atlas.warmup")
_done = threading.Event()
_started = False
# A warm-up that hangs (a database that does not answer) must not hold the first visitor for ever.
WAIT_AT_MOST_S = 60.0


def start() -> None:
    """Begin the warm-up in a daemon thread (once per process)."""
    global _started
    if _started:
        return
    _started = True
    threading.Thread(target=_run, name="atlas-warmup", daemon=True).start()


def wait() -> None:
    """Until a started warm-up is over (at most ``WAIT_AT_MOST_S``); at once if none was started."""
    if _started:
        _done.wait(WAIT_AT_MOST_S)


def _run() -> None:
    t0 = time.perf_counter()
    try:
        # Streamlit warns once per cached call made outside a script run ("missing ScriptRunContext"):
        # expected here, and only noise in the server's log.
        logging.getLogger("streamlit.runtime.scriptrunner_utils.script_run_context").addFilter(
            lambda record: threading.current_thread().name != "atlas-warmup"
        )
        prepare_first_screen()
        _LOG.info("first screen prepared in %.1f s", time.perf_counter() - t0)
    except Exception:  # noqa: BLE001 - the script will do the same work and report any problem itself
        _LOG.exception("warm-up failed; the first visitor's page will prepare itself")
    finally:
        _done.set()


def prepare_first_screen() -> None:
    """What the Atlas page computes on a first visit with no filter, in English, through the same
    cached functions (so the keys match): store, dataset, boundaries, default view, base map."""
    # The rest of what the Atlas page's script imports (ui.page brings the sidebar, auth and store).
    # Never a custom component's module (streamlit_folium): Streamlit registers a component only when
    # its module is imported inside a script run, so importing it here would leave the map a 404.
    import ui.page  # noqa: F401
    from cluster_model import i18n
    from geo.atlas_map import build_atlas_base
    from ui.data_access import get_atlas_data, get_engine
    from ui.data_view import get_view
    from ui.state import ViewState

    get_engine()
    atlas = get_atlas_data()
    view = get_view(atlas, ViewState(round=atlas.dataset.latest_round()))
    view.shown_districts()
    view.ranking_table()
    if atlas.districts is not None:
        build_atlas_base(atlas.districts, view.placed_sites(), served=True, tr=i18n.translator("en"))
