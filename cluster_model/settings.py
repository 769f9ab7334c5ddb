"""Every setting the atlas reads from the environment, in one place.

This module is the only reader of ``os.environ`` in the atlas (tests may set variables; the
server helpers build their children's environment with :func:`child_env`). :func:`settings`
reads the environment once per process; the rest of the code asks it, or takes the value as
an argument. Tests that change a variable call :func:`reset` (tests/conftest.py does before
every test) or use :func:`override`.

The README's Configuration table lists the same variables (tests/test_settings.py keeps the
two in step).
"""

from __future__ import annotations

import os
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field, fields, replace
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parents[1]
DEFAULT_DATA_DIR = REPO_ROOT / "data"
DEFAULT_SHARED_DIR = REPO_ROOT.parent / "shared"
DEFAULT_PROVINCE = "Sindh"
DEFAULT_STATIC_URL = "/app/static"
# npm's own names for its registry setting, read after ATLAS_NPM_REGISTRY.
NPM_REGISTRY_FALLBACKS = ("NPM_CONFIG_REGISTRY", "npm_config_registry")


def _var(env: str, shown_default: str, meaning: str, default=None):
    """A setting: its variable, its default as the README shows it, what it means, its default value."""
    return field(default=default, metadata={"env": env, "default": shown_default, "meaning": meaning})


def _text(value: str | None) -> str | None:
    """A set, non-blank value, stripped; else None (unset and empty mean the same)."""
    return (value or "").strip() or None


def _path(value: str | None) -> Path | None:
    return Path(value) if value else None


@dataclass(frozen=True)
class Settings:
    boundaries: Path | None = _var(
        "ATLAS_BOUNDARIES",
        "`../shared/boundaries/sindh_adm2.geojson`, else `var/boundaries/` (`make setup`)",
        "District boundary file.",
    )
    province: str | None = _var(
        "ATLAS_PROVINCE",
        "`Sindh`",
        "Province filter on the boundary file and the context figures (empty: none — use `pakistan_adm2.geojson`).",
        DEFAULT_PROVINCE,
    )
    context: Path | None = _var(
        "ATLAS_CONTEXT",
        "`../shared/context`, else `var/context/` (`make setup`)",
        "Folder with the district context files.",
    )
    name: str | None = _var("ATLAS_NAME", "`<region> Cluster Atlas`", "The atlas's title.")
    region: str | None = _var(
        "ATLAS_REGION", "the province, or Pakistan when there is none", "The region in the atlas's title."
    )
    data_dir: Path = _var(
        "ATLAS_DATA_DIR",
        "`data/`",
        "Another copy of the editable inputs (its generated files, the cache too, go in the `var/` beside it).",
        DEFAULT_DATA_DIR,
    )
    shared_dir: Path = _var(
        "ATLAS_SHARED",
        "`../shared`",
        "Folder with `seeds/` (source documents shown on Methods).",
        DEFAULT_SHARED_DIR,
    )
    db_url: str | None = _var(
        "ATLAS_DB_URL",
        "`sqlite:///var/atlas.db` (the `var/` beside the data folder)",
        "The evidence store, any SQLAlchemy URL (overrides `secrets.toml`).",
    )
    static_url: str = _var(
        "ATLAS_STATIC_URL",
        f"`{DEFAULT_STATIC_URL}`",
        "Where Streamlit serves `static/` (set when the app runs under a base URL path).",
        DEFAULT_STATIC_URL,
    )
    npm_registry: str | None = _var(
        "ATLAS_NPM_REGISTRY",
        "npm's `NPM_CONFIG_REGISTRY`, else `https://registry.npmjs.org`",
        "The npm registry `make setup` downloads the map scripts from.",
    )
    chromium: str | None = _var(
        "ATLAS_CHROMIUM", "`chromium` on the PATH", "Chromium for `make screenshots` and the browser tests."
    )
    test_pg_url: str | None = _var(
        "ATLAS_TEST_PG_URL",
        "none (`make test` starts one: `scripts/start_test_postgres.sh`)",
        "Tests: a PostgreSQL server the store tests also run against.",
    )
    allow_self_review: bool = _var(
        "ATLAS_ALLOW_SELF_REVIEW",
        "off",
        "Publishing: a reviewer may publish a round whose last changes are their own (a one-person team; the edition says so).",
        False,
    )
    api_requests_per_minute: int = _var(
        "ATLAS_API_REQUESTS_PER_MINUTE",
        "`600`",
        "API: requests per minute per client address (`0`: no limit, as `bench/api.py` runs the server).",
        600,
    )
    bench_reruns: int = _var("BENCH_RERUNS", "`20`", "Bench: AppTest reruns per case (server-only rows).", 20)
    bench_browser_changes: int = _var(
        "BENCH_BROWSER_CHANGES", "`10`", "Bench: pillar changes per case in Chromium (median of these).", 10
    )
    bench_quiet_s: float = _var(
        "BENCH_QUIET_S", "`1.5`", "Bench: a page still this long (s) has finished a change.", 1.5
    )
    bench_no_repaint_s: float = _var(
        "BENCH_NO_REPAINT_S",
        "`20`",
        "Bench: give up on a change whose map has not repainted after (s).",
        20.0,
    )
    bench_verbose: bool = _var("BENCH_VERBOSE", "off", "Bench: show the bench servers' output.", False)

    @classmethod
    def from_env(cls, environ: Mapping[str, str] = os.environ) -> Settings:
        """The settings in ``environ``; unset (and, for text, blank) variables take their default."""
        province = environ.get("ATLAS_PROVINCE")
        registry = next(
            (environ[name] for name in ("ATLAS_NPM_REGISTRY", *NPM_REGISTRY_FALLBACKS) if environ.get(name)),
            None,
        )
        return cls(
            boundaries=_path(environ.get("ATLAS_BOUNDARIES")),
            province=DEFAULT_PROVINCE if province is None else _text(province),
            context=_path(environ.get("ATLAS_CONTEXT")),
            name=_text(environ.get("ATLAS_NAME")),
            region=_text(environ.get("ATLAS_REGION")),
            data_dir=_path(environ.get("ATLAS_DATA_DIR")) or DEFAULT_DATA_DIR,
            shared_dir=_path(environ.get("ATLAS_SHARED")) or DEFAULT_SHARED_DIR,
            db_url=environ.get("ATLAS_DB_URL") or None,
            static_url=environ.get("ATLAS_STATIC_URL", DEFAULT_STATIC_URL).rstrip("/"),
            npm_registry=registry.rstrip("/") if registry else None,
            chromium=environ.get("ATLAS_CHROMIUM") or None,
            test_pg_url=environ.get("ATLAS_TEST_PG_URL") or None,
            allow_self_review=bool(_text(environ.get("ATLAS_ALLOW_SELF_REVIEW"))),
            api_requests_per_minute=int(environ.get("ATLAS_API_REQUESTS_PER_MINUTE") or 600),
            bench_reruns=int(environ.get("BENCH_RERUNS") or 20),
            bench_browser_changes=int(environ.get("BENCH_BROWSER_CHANGES") or 10),
            bench_quiet_s=float(environ.get("BENCH_QUIET_S") or 1.5),
            bench_no_repaint_s=float(environ.get("BENCH_NO_REPAINT_S") or 20),
            bench_verbose=bool(_text(environ.get("BENCH_VERBOSE"))),
        )

    @property
    def var_dir(self) -> Path:
        """Generated files: ``var/`` beside the data folder (``<repo>/var`` for the usual ``data/``;
        a copy of the data gets its own, so its store and caches never mix with another's)."""
        return self.data_dir.resolve().parent / "var"

    @property
    def default_db_url(self) -> str:
        """The store when no URL is configured: SQLite in :attr:`var_dir`."""
        return f"sqlite:///{self.var_dir / 'atlas.db'}"

    @property
    def cache_dir(self) -> Path:
        """Derived results kept between starts (cluster_model.disk_cache): ``cache/`` in :attr:`var_dir`."""
        return self.var_dir / "cache"

    @property
    def region_name(self) -> str:
        return self.region or self.province or "Pakistan"

    @property
    def atlas_name(self) -> str:
        return self.name or f"{self.region_name} Cluster Atlas"


def env_name(setting: str) -> str:
    """The environment variable behind a field of :class:`Settings`."""
    return {f.name: f.metadata["env"] for f in fields(Settings)}[setting]


def variables() -> dict[str, tuple[str, str]]:
    """Every variable read: (default as shown, meaning), the README's Configuration table."""
    return {f.metadata["env"]: (f.metadata["default"], f.metadata["meaning"]) for f in fields(Settings)}


def markdown_table() -> str:
    """The README's Configuration table."""
    rows = [f"| `{env}` | {default} | {meaning} |" for env, (default, meaning) in variables().items()]
    return "\n".join(["| Variable | Default | Meaning |", "|---|---|---|", *rows])


def child_env(**values: str | Path) -> dict[str, str]:
    """This process's environment with some settings changed, for a child process (a server, a script)."""
    return {**os.environ, **{env_name(key): str(value) for key, value in values.items()}}


def child_env_vars(variables: Mapping[str, str]) -> dict[str, str]:
    """This process's environment with some variables (by their names) set, for a child process."""
    return {**os.environ, **variables}


def export_vars(variables: Mapping[str, str]) -> None:
    """Set variables for this process and its children (a bench worker that runs the app in-process),
    and read the settings again."""
    os.environ.update(variables)
    reset()


_current: Settings | None = None


def settings() -> Settings:
    """The settings of this process, read from the environment the first time."""
    global _current
    if _current is None:
        _current = Settings.from_env()
    return _current


def reset() -> None:
    """Forget the settings read, so the next :func:`settings` reads the environment again (tests)."""
    global _current
    _current = None


@contextmanager
def override(**changes) -> Iterator[Settings]:
    """Run with some settings changed (tests): ``with override(data_dir=copy): ...``."""
    global _current
    before = _current
    _current = replace(settings(), **changes)
    try:
        yield _current
    finally:
        _current = before
