"""cluster_model/settings.py: the one reader of the environment, and the README's table of it."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import support

from cluster_model import settings as config
from cluster_model import store
from cluster_model.settings import DEFAULT_DATA_DIR, Settings

SOURCE_FOLDERS = ("cluster_model", "geo", "outputs", "ui", "pages", "scripts", "bench")


def _readme_variables() -> list[str]:
    text = (support.REPO / "README.md").read_text(encoding="utf-8")
    table = text.split("## Configuration", 1)[1].split("\n## ", 1)[0]
    return [m.group(1) for m in re.finditer(r"^\| `(\w+)` \|", table, flags=re.M)]


def test_readme_configuration_table_is_the_settings_object():
    """Every variable in the README is a Settings field and every field is in the README, as generated."""
    assert _readme_variables() == list(config.variables())
    assert config.markdown_table() in (support.REPO / "README.md").read_text(encoding="utf-8")


def test_no_module_but_settings_reads_the_environment():
    readers = []
    for path in [
        support.REPO / "app.py",
        *(p for d in SOURCE_FOLDERS for p in (support.REPO / d).rglob("*.py")),
    ]:
        if path.name == "settings.py" and path.parent.name == "cluster_model":
            continue
        text = path.read_text(encoding="utf-8")
        if "os.environ" in text or "getenv" in text:
            readers.append(str(path.relative_to(support.REPO)))
    assert readers == []


def test_defaults_and_parsing():
    plain = Settings.from_env({})
    assert plain.province == "Sindh" and plain.region_name == "Sindh"
    assert plain.atlas_name == "Sindh Cluster Atlas"
    assert plain.data_dir == DEFAULT_DATA_DIR and plain.db_url is None
    assert plain.default_db_url == f"sqlite:///{DEFAULT_DATA_DIR.resolve().parent / 'var' / 'atlas.db'}"
    national = Settings.from_env(
        {"ATLAS_PROVINCE": " ", "ATLAS_NAME": "  ", "ATLAS_STATIC_URL": "/base/static/"}
    )
    assert national.province is None and national.atlas_name == "Pakistan Cluster Atlas"
    assert national.static_url == "/base/static"
    named = Settings.from_env({"ATLAS_REGION": "Lower Sindh", "ATLAS_NAME": " ICCK Atlas "})
    assert (named.region_name, named.atlas_name) == ("Lower Sindh", "ICCK Atlas")
    registry = Settings.from_env({"npm_config_registry": "http://mirror/", "NPM_CONFIG_REGISTRY": ""})
    assert registry.npm_registry == "http://mirror"
    assert Settings.from_env(
        {"ATLAS_NPM_REGISTRY": "http://a/", "npm_config_registry": "http://b"}
    ).npm_registry == ("http://a")


def test_default_store_sits_beside_the_data_folder_everywhere(monkeypatch, tmp_path):
    """The UI and the store agree on the default database when ATLAS_DATA_DIR moves (they did not)."""
    monkeypatch.delenv("ATLAS_DB_URL", raising=False)
    monkeypatch.setenv("ATLAS_DATA_DIR", str(tmp_path / "copy" / "data"))
    expected = f"sqlite:///{tmp_path.resolve() / 'copy' / 'var' / 'atlas.db'}"
    assert store.default_url() == store.resolve_url() == expected
    assert store.resolve_url("sqlite:///configured.db") == "sqlite:///configured.db"


def test_one_cache_folder_beside_the_data_folder_everywhere(monkeypatch, tmp_path):
    """The seed/boundary cache (ui.data_access) and the map cache (geo.derived) are kept in the same
    var/cache when ATLAS_DATA_DIR moves (they were not: one was beside the repository)."""
    from cluster_model import disk_cache
    from geo import derived
    from ui import data_access

    folders = []

    def kept(folder, name, key, compute):
        folders.append(Path(folder))
        return compute()

    monkeypatch.setattr(disk_cache, "cached", kept)
    monkeypatch.setenv("ATLAS_DATA_DIR", str(tmp_path / "copy" / "data"))
    expected = tmp_path.resolve() / "copy" / "var" / "cache"
    assert data_access.cache_dir() == config.settings().cache_dir == expected
    key = ("test-cache-folder", str(tmp_path))  # new to this process, so it reaches the disk cache
    assert derived.derived(key, lambda: 42, on_disk=test_defaults_and_parsing) == 42
    assert folders and all(f.parent == data_access.cache_dir() for f in folders)


def test_read_once_until_reset_and_override(tmp_path):
    with pytest.MonkeyPatch.context() as env:  # the plain one: tests/conftest.py's monkeypatch resets
        env.setenv("ATLAS_SHARED", str(tmp_path))
        config.reset()
        assert config.settings().shared_dir == tmp_path
        env.setenv("ATLAS_SHARED", str(tmp_path / "other"))
        assert config.settings().shared_dir == tmp_path  # read once per process
        with config.override(shared_dir=Path("/elsewhere")) as changed:
            assert config.settings() is changed and changed.shared_dir == Path("/elsewhere")
        assert config.settings().shared_dir == tmp_path
        config.reset()
        assert config.settings().shared_dir == tmp_path / "other"


def test_monkeypatched_environment_is_read_again(monkeypatch, tmp_path):
    """tests/conftest.py: a test that changes a variable after a read sees the change."""
    assert config.settings().shared_dir != tmp_path
    monkeypatch.setenv("ATLAS_SHARED", str(tmp_path))
    assert config.settings().shared_dir == tmp_path
    monkeypatch.delenv("ATLAS_SHARED")
    assert config.settings().shared_dir != tmp_path


def test_child_env_uses_the_settings_names():
    env = config.child_env(db_url="sqlite:///child.db", data_dir=Path("/d"))
    assert env["ATLAS_DB_URL"] == "sqlite:///child.db" and env["ATLAS_DATA_DIR"] == "/d"
    with pytest.raises(KeyError):
        config.child_env(no_such_setting="x")
