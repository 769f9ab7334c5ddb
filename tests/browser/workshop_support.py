"""What the Workshop's browser tests share: a real server with a dialogue and a facilitator account, and a wait
for the end of a script run."""

from __future__ import annotations

from browser_support import settled, start_server  # settled: keys_ready waits for it too

from cluster_model import store
from cluster_model.auth import hash_password
from cluster_model.store import dialogue as dl


def dialogue_server(folder, round_id: str, agenda: str, password: str, name: str = "Room vote test"):
    """(server process, base URL, store) for a fresh store holding one dialogue, and the user ``facilitator``."""
    url = f"sqlite:///{folder}/atlas.db"
    engine = store.open_store(url)
    dl.create_dialogue(
        engine,
        round_id=round_id,
        name=name,
        date="2027-03-01",
        venue="MUET, Jamshoro",
        facilitator="Dr F",
        agenda=agenda,
        author="test setup",
    )
    secrets = folder / "secrets.toml"
    secrets.write_text(
        f'[atlas_auth.users.facilitator]\nname = "Test Facilitator"\npassword_hash = "{hash_password(password)}"\n'
    )
    proc, base = start_server({"ATLAS_DB_URL": url, "STREAMLIT_SECRETS_FILES": str(secrets)})
    return proc, base, engine


def keys_ready(page) -> None:
    """The view's keyboard handler (ui.workshop.presentation.KEYS_JS) is installed and knows the item on
    screen (``item=`` in the address): a press made before either is ignored by design, not lost."""
    page.wait_for_function(
        "() => window.__wsSteps && window.__wsSteps.target === null"
        " && new URLSearchParams(location.search).get('item') !== null",
        timeout=120_000,
    )
    settled(page, timeout=120_000)


def open_presenter_signed_in(page, base: str, round_id: str, password: str) -> None:
    """Open the presenter view of ``round_id`` and sign in as ``facilitator``; returns when its tally is drawn."""
    page.goto(f"{base}/workshop?round={round_id}&mode=presenter", wait_until="domcontentloaded")
    # A loaded server (phones and a projector polling every second): give the page the tests' usual wait.
    page.get_by_label("Username").wait_for(timeout=120_000)
    page.get_by_label("Username").fill("facilitator")
    page.get_by_role("textbox", name="Password").fill(password)
    page.get_by_role("button", name="Sign in").click()
    page.locator(".ws-tally").wait_for(timeout=120_000)
    settled(page)
