"""The read-only HTTP API, ``/api/v1`` (issue #26 item 3): Starlette routes on the atlas's own server.

serve.py adds :data:`routes` to ``st.App``. Every figure is read through the pages' own bundle and view
(``ui.data_access.get_atlas_data``, ``ui.data_view.get_view``: the same cached objects the Atlas page
draws from, so the API's gaps are the Atlas's gaps for the same filters); Streamlit is imported only
when the first request reads them (its caches work outside a script run), never a script run.

Every route: GET only (CORS for GET, preflight answered), JSON by default and CSV on request
(``?format=csv`` or ``Accept: text/csv``) where the answer is a table; unknown stays ``null`` with its
status, never 0; a bad parameter gets 400 with a JSON body naming it and the values allowed; an
unknown edition or cluster 404; ``ETag`` and ``Cache-Control`` from the edition's checksum (a draft is
``private, no-store``); requests per client address limited (429 with ``Retry-After``). Drafts are
served only with a signed-in editor's session cookie (``ui.session_cookie``). No route writes.

Speed (``make bench``, ``bench/api.py``): an answer anyone may read is kept ready as bytes and headers
(:class:`KeptAnswers`), so a repeated request is answered from the event loop without the store, the
threadpool or the bundle; only a miss (a new query, a draft, a signed-in editor) is worked out in a worker
thread. Kept answers are dropped when the data change, checked at most every ``STALE_SECONDS``.
"""

from __future__ import annotations

import hashlib
import json
import math
import threading
import time
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass

import pandas as pd
from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from cluster_model import served as ed
from cluster_model.exports import BOUNDARY_LICENCE, DATA_LICENCE, NOT_ASSESSED, RoundMarks, low_coverage_text
from cluster_model.issues import AtlasError
from cluster_model.memo import Memo
from cluster_model.vocabulary import DRAFT_MARK, ILLUSTRATIVE_MARK, PILLARS

PREFIX = "/api/v1"
FORMATS = ("json", "csv")
SETTING = "setting"  # api_routes' default limit: ATLAS_API_REQUESTS_PER_MINUTE (600 a minute per address)
# How long a kept answer may still be served after the data change (a new edition moving ``latest``, an
# edit): 1 s, far inside the 60 s that ``Cache-Control`` already lets any cache keep ``latest``, and the
# store is asked at most once a second however many requests come.
STALE_SECONDS = 1.0
KEPT_ANSWERS = 1024  # ready answers (route, query, format, host): a few MB at most
PUBLIC_SECONDS = 3600  # a published edition never changes: a cache may keep it an hour
LATEST_SECONDS = 60  # ``latest`` and the list move when a new edition is published
API_MEMO = 512  # answers, editions and checksums kept per data bundle
COOKIE = "atlas_session"  # ui.session_cookie.COOKIE (not imported: ui/ pulls in Streamlit at import)


class BadParameter(Exception):
    """A query parameter with a value the route does not take: answered 400, naming both."""

    def __init__(self, parameter: str, invalid: list[str], allowed: list[str]):
        super().__init__(parameter)
        self.body = {
            "error": "bad parameter",
            "parameter": parameter,
            "invalid": invalid,
            "allowed": allowed,
        }


# --------------------------------------------------------------------------- what a request reads


@dataclass
class Source:
    """Where the API reads: the store's engine and the pages' bundle (``ui.data_access.AtlasData``)."""

    engine: object
    atlas: object

    def kept(self, key: tuple, compute):
        """``compute()`` once per key for this bundle, in the API's own bounded memo kept with it (so a
        burst of API requests never pushes the pages' views out of theirs)."""
        return self.atlas.memo(("api",), lambda: Memo(API_MEMO)).get(key, compute)

    def bundle(self, served: ed.Served):
        """The bundle as of ``served``: for an edition, the pages' bundle with only the rounds published up
        to it (``publishing.edition_round_ids``: what its content and checksum are made of), kept per
        edition; a draft or an illustrative round reads the bundle as it is."""
        if served.edition is None:
            return self.atlas

        def narrowed():
            from dataclasses import replace

            return replace(
                self.atlas, dataset=ed.dataset_of(self.engine, self.atlas.dataset, served), _memo=Memo(128)
            )

        return self.kept(("api_edition_bundle", served.name, served.checksum), narrowed)

    def view(self, served: ed.Served, pillars=(), sectors=(), districts=()):
        """The pages' own view of these filters over ``served``'s bundle (``ui.data_view.get_view``)."""
        from ui.data_view import get_view
        from ui.state import ViewState

        state = ViewState(
            pillars=list(pillars) or list(PILLARS),
            sectors=list(sectors),
            districts=list(districts),
            round=served.round_id,
        )
        return get_view(self.bundle(served), state)

    def checksum(self, round_id: str) -> str:
        """A round's content checksum (a draft's or an illustrative round's: an edition has its own)."""
        return self.kept(("api_checksum", round_id), lambda: ed.checksum_of(self.atlas.dataset, round_id))


def pages_source() -> Source:
    """The bundle the pages read, as the running server has it cached."""
    from ui.data_access import get_atlas_data, get_engine

    return Source(get_engine(), get_atlas_data())


def pages_data_key() -> tuple:
    """What the pages' bundle is built from (``ui.data_access.data_key``: the store's revision, the files)."""
    from ui.data_access import data_key

    return data_key()


# --------------------------------------------------------------------------- limits, caching headers, CORS


class RateLimit:
    """At most ``per_minute`` requests per client address in any 60 s (a sliding window)."""

    def __init__(self, per_minute: int | None):
        self.per_minute = per_minute
        self._seen: dict[str, deque] = {}
        self._lock = threading.Lock()

    def wait(self, address: str) -> int:
        """0 when the request may go on, else the seconds until it may."""
        if not self.per_minute:
            return 0
        now = time.monotonic()
        with self._lock:
            seen = self._seen.setdefault(address, deque())
            while seen and seen[0] <= now - 60:
                seen.popleft()
            if len(seen) >= self.per_minute:
                return max(1, math.ceil(seen[0] + 60 - now))
            seen.append(now)
            if len(self._seen) > 10_000:  # forget idle addresses so the table stays small
                for key in [k for k, q in self._seen.items() if not q or q[-1] <= now - 60]:
                    del self._seen[key]
            return 0


@dataclass(frozen=True)
class Ready:
    """An answer as it is sent: body, media type, the headers a 304 carries too, and the rest."""

    body: bytes
    media_type: str
    headers: dict  # CORS, ETag, Cache-Control, Vary
    extra: dict  # Content-Disposition

    def response(self, request: Request) -> Response:
        if request.headers.get("if-none-match") == self.headers["ETag"]:
            return Response(status_code=304, headers=self.headers)
        return Response(self.body, media_type=self.media_type, headers={**self.headers, **self.extra})


class KeptAnswers:
    """Answers anyone may read, kept ready to send, per data key (``pages_data_key``: the store's
    revision and the files the bundle is built from).

    Only answers to requests without a session cookie about a public edition (published, superseded,
    illustrative; the list, the document) are kept, and only requests without a session cookie are
    answered from here: a draft is never kept, an editor always gets the answer worked out for them.
    The data key is read again at most every ``stale_seconds`` (``clock``: injectable for tests); a
    new one drops every kept answer. An answer kept under a key was worked out from data at least
    that new, so what is served is at most ``stale_seconds`` (plus one read of the key) behind."""

    def __init__(self, data_key: Callable[[], tuple], stale_seconds: float = STALE_SECONDS, clock=None):
        self._data_key = data_key
        self._stale_seconds = stale_seconds
        self._clock = clock or time.monotonic
        self._answers = Memo(KEPT_ANSWERS)
        self._lock = threading.Lock()
        self._read_at: float | None = None
        self._reading = False
        self.generation: tuple | None = None  # the data key last read

    def due(self) -> bool:
        """True when the data key is to be read again, by this caller (the others go on meanwhile)."""
        now = self._clock()
        with self._lock:
            if self._reading or (self._read_at is not None and now - self._read_at < self._stale_seconds):
                return False
            self._read_at, self._reading = now, True
            return True

    def refresh(self) -> None:
        """Read the data key (in a worker thread: it asks the store); a new one drops the kept answers."""
        try:
            key = self._data_key()
            with self._lock:
                if key != self.generation:
                    self._answers.clear()
                    self.generation = key
        finally:
            self._reading = False

    def get(self, generation: tuple | None, request_key: tuple) -> Ready | None:
        return self._answers.use((generation, request_key))  # a hit stays: least recently used go first

    def keep(self, generation: tuple | None, request_key: tuple, ready: Ready) -> None:
        if generation is not None:
            self._answers.get((generation, request_key), lambda: ready)


CORS = {"Access-Control-Allow-Origin": "*", "Access-Control-Expose-Headers": "ETag"}


def _preflight() -> Response:
    return Response(
        status_code=204,
        headers={
            **CORS,
            "Access-Control-Allow-Methods": "GET",
            "Access-Control-Allow-Headers": "Accept, If-None-Match",
            "Access-Control-Max-Age": "86400",
        },
    )


def _etag(tag: str, request: Request, fmt: str) -> str:
    # One ETag per representation: the content's checksum with the route, its query and the format.
    query = "&".join(sorted(f"{k}={v}" for k, v in request.query_params.multi_items()))
    raw = f"{tag}|{request.url.path}|{query}|{fmt}"
    return '"' + hashlib.sha256(raw.encode("utf-8")).hexdigest()[:40] + '"'


def _cache_control(served: ed.Served | None, name: str) -> str:
    if served is not None and not served.public:
        return "private, no-store"
    if served is None or name == ed.LATEST:
        return f"public, max-age={LATEST_SECONDS}"
    return f"public, max-age={PUBLIC_SECONDS}"


# --------------------------------------------------------------------------- parameters


def _listed(request: Request, name: str) -> list[str]:
    """A list parameter, comma-separated and/or repeated (``?pillars=hrm,technology&pillars=support``)."""
    values = []
    for raw in request.query_params.getlist(name):
        values += [v.strip() for v in raw.split(",") if v.strip()]
    return list(dict.fromkeys(values))


def _checked(request: Request, name: str, allowed: list[str]) -> list[str]:
    values = _listed(request, name)
    bad = [v for v in values if v not in allowed]
    if bad:
        raise BadParameter(name, bad, list(allowed))
    return values


def _format(request: Request, tabular: bool) -> str:
    asked = request.query_params.get("format")
    if asked is not None:
        if asked not in (FORMATS if tabular else ("json",)):
            raise BadParameter("format", [asked], list(FORMATS if tabular else ("json",)))
        return asked
    accept = request.headers.get("accept", "")
    return "csv" if tabular and "text/csv" in accept and "application/json" not in accept else "json"


# --------------------------------------------------------------------------- values as JSON


def _value(v):
    """A cell as JSON: unknown (NaN, NA, None) -> null; numpy scalars -> Python."""
    if isinstance(v, list | tuple):
        return [_value(x) for x in v]
    if v is None or (not isinstance(v, str) and pd.isna(v)):
        return None
    return v.item() if hasattr(v, "item") else v


def records(frame: pd.DataFrame) -> list[dict]:
    return [{k: _value(v) for k, v in row.items()} for row in frame.to_dict("records")]


def gap_rows(scores: pd.DataFrame, key: str) -> pd.DataFrame:
    """A View's gap rows as the API gives them: the gap (null when unknown) with its status and its
    coverage (share of weight, indicators assessed of those in scope, the low-coverage flag: null where
    there is no gap to flag, as ``exports.low_coverage_text`` words it)."""
    flag = low_coverage_text(scores)
    return pd.DataFrame(
        {
            key: scores[key],
            "gap": scores["gap"].astype(float),
            "gap_status": ["assessed" if pd.notna(g) else NOT_ASSESSED for g in scores["gap"]],
            "coverage": scores["coverage"].astype(float),
            "n_assessed": scores["n_assessed"].astype(int),
            "n_indicators": scores["n_indicators"].astype(int),
            "low_coverage": [None if f == NOT_ASSESSED else f == "yes" for f in flag],
            "n_gaps": scores["n_gaps"].astype(int),
        }
    )


# --------------------------------------------------------------------------- answers


@dataclass
class Answer:
    """What a route handler returns: JSON (``body``), optionally a table for CSV, or raw bytes."""

    body: dict | None = None
    table: pd.DataFrame | None = None  # the rows the CSV gives (``?format=csv``)
    raw: bytes | None = None
    media_type: str = "application/json"
    filename: str | None = None


@dataclass
class Call:
    """One request as a handler sees it."""

    request: Request
    source: Source
    served: ed.Served | None

    @property
    def ds(self):
        return self.source.bundle(self.served).dataset if self.served else self.source.atlas.dataset

    def view(self, **filters):
        return self.source.view(self.served, **filters)

    def about(self) -> dict:
        """The edition every answer names (id, state, checksum, illustrative mark)."""
        s = self.served
        out = {"edition": s.name, "round_id": s.round_id, "state": s.state, "checksum": s.checksum}
        out["illustrative"] = s.illustrative
        if s.illustrative:
            out["warning"] = ILLUSTRATIVE_MARK + ": invented for demonstration and training. Do not cite."
        if s.state == ed.DRAFT:
            out["warning"] = DRAFT_MARK
        return out


def _notes(call: Call) -> list[str]:
    """The lines a CSV answer ends with (``# ``): edition, checksum, marks, licences."""
    s = call.served
    lines = [f"Edition: {s.name} ({s.state}); round {s.round_id}; SHA-256 {s.checksum}"]
    cited = ed.citation(s, str(call.request.base_url).rstrip("/") + f"{PREFIX}/editions/{s.name}")
    if cited:
        lines.append("Cite as: " + cited["text"])
    if s.illustrative:
        lines.append(ILLUSTRATIVE_MARK.upper() + ": invented for demonstration and training. Do not cite.")
    if s.state == ed.DRAFT:
        lines.append(DRAFT_MARK.upper())
    lines.append("Unknown values are empty cells with their status ('not assessed'), never 0.")
    return [*lines, f"Licence: {BOUNDARY_LICENCE}", f"Licence: {DATA_LICENCE}"]


def _csv_cell(v):
    return "; ".join(str(x) for x in v) if isinstance(v, list) else v


def _render(answer: Answer, call: Call, fmt: str) -> tuple[bytes, str, dict]:
    """(body, media type, extra headers) of an answer in the format asked."""
    from outputs.tables import to_csv_bytes

    if answer.raw is not None:
        extra = (
            {"Content-Disposition": f'attachment; filename="{answer.filename}"'} if answer.filename else {}
        )
        return answer.raw, answer.media_type, extra
    if fmt == "csv":
        table = answer.table.map(_csv_cell) if len(answer.table) else answer.table
        notes = _notes(call) if call.served is not None else []
        return to_csv_bytes(table, notes), "text/csv; charset=utf-8", {}
    body = json.dumps(answer.body, ensure_ascii=False, allow_nan=False, separators=(",", ":")).encode("utf-8")
    return body, "application/json", {}


def _error(status: int, body: dict, extra: dict | None = None) -> JSONResponse:
    return JSONResponse(
        body, status_code=status, headers={**CORS, "Cache-Control": "no-store", **(extra or {})}
    )


def _is_editor(source: Source, request: Request) -> bool:
    token = request.cookies.get(COOKIE)
    if not token:
        return False
    from cluster_model.store.signin import session_user

    return session_user(source.engine, token) is not None


def _list_tag(src: Source) -> str:
    return "|".join(e.checksum for e in ed.listed(src.engine, src.atlas.dataset, src.checksum))


def endpoint(
    handler: Callable[[Call], Answer],
    source: Callable[[], Source],
    limit: RateLimit,
    kept: KeptAnswers,
    *,
    edition: bool = True,
    tabular: bool = False,
) -> Callable[[Request], Response]:
    """The route function around ``handler``: preflight, rate limit, parameters, kept answers, edition,
    ETag, errors. Async: a kept answer is sent from the event loop; only a miss takes a worker thread."""

    def worked_out(request: Request, fmt: str, generation: tuple | None) -> Response:
        # In a worker thread: reads the store and the pages' bundle.
        try:
            src = source()
            name = request.path_params.get("edition", "")
            editor = edition and _is_editor(src, request)
            # Kept with the bundle, which the pages rebuild when the store's revision changes (a new
            # edition, an edit): a repeated request costs a lookup, not a resolution and a render.
            served = (
                src.kept(
                    ("api_served", name, editor),
                    lambda: ed.resolve(src.engine, src.atlas.dataset, name, src.checksum, editor=editor),
                )
                if edition
                else None
            )
            call = Call(request, src, served)
            tag = served.checksum if served else src.kept(("api_list_tag",), lambda: _list_tag(src))
            etag = _etag(tag, request, fmt)
            headers = {**CORS, "ETag": etag, "Cache-Control": _cache_control(served, name)}
            headers["Vary"] = "Accept, Cookie" if served is not None and not served.public else "Accept"
            if request.headers.get("if-none-match") == etag:
                return Response(status_code=304, headers=headers)
            body, media_type, extra = src.kept(
                ("api_answer", etag, str(request.base_url)), lambda: _render(handler(call), call, fmt)
            )
            ready = Ready(body, media_type, headers, extra)
            if (served is None or served.public) and COOKIE not in request.cookies:
                kept.keep(generation, (str(request.url), fmt), ready)
            return ready.response(request)
        except BadParameter as exc:
            return _error(400, exc.body)
        except AtlasError as exc:
            return _error(404, {"error": "not found", "detail": exc.english()})

    async def run(request: Request) -> Response:
        if request.method == "OPTIONS":
            return _preflight()
        wait = limit.wait(request.client.host if request.client else "")
        if wait:
            body = {"error": "too many requests", "retry_after_seconds": wait}
            return _error(429, body, {"Retry-After": str(wait)})
        try:
            fmt = _format(request, tabular)
        except BadParameter as exc:
            return _error(400, exc.body)
        generation = None
        if COOKIE not in request.cookies:  # a signed-in editor's request is never answered from here
            if kept.due():
                await run_in_threadpool(kept.refresh)
            generation = kept.generation
            ready = kept.get(generation, (str(request.url), fmt))
            if ready is not None:
                return ready.response(request)
        return await run_in_threadpool(worked_out, request, fmt, generation)

    return run


# --------------------------------------------------------------------------- the routes


def _edition_json(s: ed.Served, call: Call) -> dict:
    base = str(call.request.base_url).rstrip("/") + f"{PREFIX}/editions/{s.name}"
    out = {**s.meta, "edition": s.name, "round_id": s.round_id, "state": s.state, "checksum": s.checksum}
    out["illustrative"] = s.illustrative
    out["citation"] = ed.citation(s, base)
    out["links"] = {
        "gaps": base + "/gaps",
        "datapackage": base + "/datapackage.zip",
        "districts": base + "/districts.geojson",
    }
    return out


def list_editions(call: Call) -> Answer:
    rows = [
        _edition_json(s, Call(call.request, call.source, s))
        for s in ed.listed(call.source.engine, call.ds, call.source.checksum)
    ]
    table = pd.DataFrame(
        [{k: r[k] for k in ("edition", "round_id", "state", "checksum", "illustrative")} for r in rows],
        columns=["edition", "round_id", "state", "checksum", "illustrative"],
    )
    return Answer({"editions": rows}, table)


def one_edition(call: Call) -> Answer:
    return Answer(_edition_json(call.served, call))


def gaps(call: Call) -> Answer:
    atlas = call.source.atlas
    pillars = _checked(call.request, "pillars", list(PILLARS))
    sectors = _checked(call.request, "sectors", list(call.ds.clusters["cluster_id"]))
    districts = _checked(call.request, "districts", list(atlas.district_names))
    view = call.view(pillars=pillars, sectors=sectors, districts=districts)
    shown = view.shown_districts()
    table = gap_rows(shown, "district").assign(clusters=list(shown["clusters"]))
    filters = {"pillars": view.pillars, "sectors": view.sectors, "districts": view.districts}
    return Answer({**call.about(), "filters": filters, "gaps": records(table)}, table)


def _cluster_table(call: Call) -> pd.DataFrame:
    ds, sites = call.ds, call.source.atlas.sites
    where = sites.groupby("cluster_id")["district"].agg(lambda s: sorted(set(s)))
    classes = call.view().classes
    return pd.DataFrame(
        {
            "cluster_id": ds.clusters["cluster_id"],
            "number": pd.to_numeric(ds.clusters["number"], errors="coerce").astype("Int64"),
            "name": ds.clusters["name"],
            "districts": [where.get(c, []) for c in ds.clusters["cluster_id"]],
            "source_id": ds.clusters["source_id"],
            "source": ds.clusters["source_id"].map(ds.citation),
            "computed_classification": [
                getattr(classes.get(c), "computed", None) for c in ds.clusters["cluster_id"]
            ],
            "published_classification": [
                getattr(classes.get(c), "published", None) or None for c in ds.clusters["cluster_id"]
            ],
        }
    )


def clusters(call: Call) -> Answer:
    table = _cluster_table(call)
    return Answer({**call.about(), "clusters": records(table)}, table)


def one_cluster(call: Call) -> Answer:
    cluster_id = call.request.path_params["cluster_id"]
    table = _cluster_table(call)
    row = table[table["cluster_id"] == cluster_id]
    if row.empty:
        raise AtlasError(
            "There is no cluster '{cluster_id}'.", cluster_id=cluster_id, fix="See the clusters route."
        )
    view = call.view()
    matrix = view.matrix_for([cluster_id])
    names = call.ds.indicators.set_index("indicator_id")["name"]
    known = matrix["status"] != NOT_ASSESSED
    indicators = pd.DataFrame(
        {
            "indicator_id": matrix["indicator_id"],
            "pillar": matrix["pillar"],
            "name": matrix["indicator_id"].map(names),
            "status": matrix["status"],
            "source_id": matrix["source_id"].where(known, None),
            "citation": [call.ds.citation(s) if k else None for s, k in zip(matrix["source_id"], known)],
            "note": matrix["note"].where(known & (matrix["note"] != ""), None),
            "round_id": matrix["round_id"].where(known, None),
        }
    )
    per_pillar = gap_rows(view.cluster_gaps([cluster_id], per_pillar=True), "pillar")
    body = {**call.about(), **records(row)[0], "gaps": records(per_pillar), "indicators": records(indicators)}
    return Answer(body, indicators)


def indicators(call: Call) -> Answer:
    table = call.ds.indicators[
        ["indicator_id", "pillar", "name", "how_assessed", "weight", "cluster_defining", "reference"]
    ]
    return Answer({**call.about(), "indicators": records(table)}, table)


def linkages(call: Call) -> Answer:
    # The round's links as the Linkage matrix page has them: the view's one LinkageView.
    table = call.source.view(call.served).linkages.matrix()
    return Answer({**call.about(), "linkages": records(table)}, table)


def districts_geojson(call: Call) -> Answer:
    from cluster_model.exports import sources_table
    from geo.export_geojson import to_geojson_bytes
    from outputs.datapackage import boundaries_geojson

    atlas = call.source.atlas
    if atlas.districts is None:
        raise AtlasError("The district boundaries cannot be read on this server.")
    collection = boundaries_geojson(call.ds, call.view(), atlas.districts, sources_table(call.ds))
    collection["edition"] = call.about()
    return Answer(raw=to_geojson_bytes(collection), media_type="application/geo+json")


def datapackage(call: Call) -> Answer:
    from outputs.datapackage import package_file_name, served_package

    s, atlas = call.served, call.source.atlas
    base = str(call.request.base_url).rstrip("/") + f"{PREFIX}/editions/{s.name}"
    body = call.source.kept(
        ("api_datapackage", s.name, s.checksum, base),
        lambda: served_package(call.source.engine, atlas.dataset, s, atlas.sites, atlas.districts, base),
    )
    return Answer(
        raw=body,
        media_type="application/zip",
        filename=package_file_name(s.name, RoundMarks(s.illustrative, s.state == ed.DRAFT)),
    )


def report(call: Call) -> Answer:
    """The edition's report (PDF) in ``lang`` (default English), as the store keeps it: made when the edition
    was published, or made and kept on the first request for an edition published before reports were kept."""
    from cluster_model.i18n import DEFAULT_LANGUAGE, LANGUAGES
    from cluster_model.publishing import report_file_name
    from outputs.edition_report import stored_report

    languages = _checked(call.request, "lang", list(LANGUAGES))
    if len(languages) > 1:
        raise BadParameter("lang", languages, list(LANGUAGES))
    language = languages[0] if languages else DEFAULT_LANGUAGE
    s = call.served
    if s.edition is None:
        raise AtlasError(
            "'{edition}' is not an edition (a draft or an illustrative round): no report.", edition=s.name
        )
    # Cited at the edition's API address, as the API's other answers cite it (only an edition published
    # before reports were kept has its report made here; the Publish button makes the others).
    cited_at = str(call.request.base_url).rstrip("/") + f"{PREFIX}/editions/{s.edition.edition_id}"
    pdf = stored_report(call.source.engine, call.source.atlas.dataset, s.edition, language, cited_at)
    return Answer(raw=pdf, media_type="application/pdf", filename=report_file_name(s.edition, language))


def openapi(call: Call) -> Answer:
    from web.openapi import document

    return Answer(document())


def docs(call: Call) -> Answer:
    from web.docs import page
    from web.openapi import document

    return Answer(raw=page(document()).encode("utf-8"), media_type="text/html; charset=utf-8")


def api_routes(
    source: Callable[[], Source] = pages_source,
    requests_per_minute: int | str | None = SETTING,
    *,
    data_key: Callable[[], tuple] = pages_data_key,
    stale_seconds: float = STALE_SECONDS,
    clock: Callable[[], float] | None = None,
) -> list[Route]:
    """The API's routes (``requests_per_minute``: per client address, None for no limit; by default the
    ATLAS_API_REQUESTS_PER_MINUTE setting). ``data_key``, ``stale_seconds``, ``clock``: when kept answers
    are dropped (:class:`KeptAnswers`)."""
    if requests_per_minute == SETTING:
        from cluster_model.settings import settings

        requests_per_minute = settings().api_requests_per_minute or None
    limit = RateLimit(requests_per_minute)
    kept = KeptAnswers(data_key, stale_seconds, clock)
    methods = ["GET", "OPTIONS"]

    def route(path: str, handler, **kind) -> Route:
        return Route(PREFIX + path, endpoint(handler, source, limit, kept, **kind), methods=methods)

    edition = "/editions/{edition}"
    return [
        route("/openapi.json", openapi, edition=False),
        route("/docs", docs, edition=False),
        route("/editions", list_editions, edition=False, tabular=True),
        route(edition, one_edition),
        route(edition + "/gaps", gaps, tabular=True),
        route(edition + "/clusters", clusters, tabular=True),
        route(edition + "/clusters/{cluster_id}", one_cluster, tabular=True),
        route(edition + "/indicators", indicators, tabular=True),
        route(edition + "/linkages", linkages, tabular=True),
        route(edition + "/districts.geojson", districts_geojson),
        route(edition + "/datapackage.zip", datapackage),
        route(edition + "/report.pdf", report),
    ]


routes = api_routes()
