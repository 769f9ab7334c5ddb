"""The atlas's server sends each answer at once (issue #26 item 3, the API's speed budget).

Streamlit binds the server's socket itself (``socket.socket(family)``, protocol 0), so asyncio does not
switch Nagle's algorithm off on the connections it accepts; uvicorn writes an answer's head and body
separately, and the body then waits for the client's delayed acknowledgement (about 40 ms on Linux) on
every keep-alive request, the API's and every other. ``web.server_socket.send_at_once`` switches it off
on the listening socket, which the accepted connections inherit. Checked on the socket options, never
on times."""

from __future__ import annotations

import socket
import subprocess
import sys
import textwrap

import pytest
from streamlit.web.server.starlette.starlette_server import _bind_socket
from support import REPO

from cluster_model.settings import child_env
from web.server_socket import send_at_once


def _accepted(listening: socket.socket) -> socket.socket:
    client = socket.create_connection(listening.getsockname()[:2])
    listening.setblocking(True)
    accepted, _ = listening.accept()
    client.close()
    return accepted


def _nagle_off(sock: socket.socket) -> bool:
    return bool(sock.getsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY))


@pytest.fixture
def streamlit_socket():
    """A listening socket bound as Streamlit's server binds its own (port 0: any free one)."""
    sock = _bind_socket("127.0.0.1", 0, 8)
    yield sock
    sock.close()


def test_connections_to_the_server_send_at_once(streamlit_socket):
    port = streamlit_socket.getsockname()[1]
    assert send_at_once(port) == 1
    with _accepted(streamlit_socket) as accepted:
        assert _nagle_off(accepted)


def test_other_listening_sockets_are_left_alone(streamlit_socket):
    with socket.socket() as other:
        other.bind(("127.0.0.1", 0))
        other.listen()
        assert send_at_once(streamlit_socket.getsockname()[1]) == 1
        with _accepted(other) as accepted:
            assert not _nagle_off(accepted)


def test_serve_py_sends_at_once_on_the_port_it_serves(tmp_path):
    """``streamlit run serve.py`` (as ``make run``): its start-up switches Nagle off on the server's port.
    In a fresh interpreter: serve.py's start-up sets process-wide Streamlit state."""
    script = textwrap.dedent(
        """
        import asyncio
        import streamlit as st
        import serve

        ports = []
        serve.warmup.start = lambda **_: None
        serve.server_socket.send_at_once = ports.append

        async def start():
            async with serve._warm_start(serve.app):
                pass

        asyncio.run(start())
        print(ports == [st.get_option("server.port")])
        """
    )
    env = child_env(db_url=f"sqlite:///{tmp_path / 'atlas.db'}")
    done = subprocess.run(
        [sys.executable, "-c", script], cwd=REPO, env=env, capture_output=True, text=True, timeout=300
    )
    assert done.returncode == 0 and done.stdout.strip().endswith("True"), done.stderr[-3000:]


def test_the_server_parses_http_and_runs_its_loop_in_c():
    """Streamlit's ``performance`` extra (httptools, uvloop), which uvicorn's ``auto`` defaults, as Streamlit
    starts it, pick up: the server's CPU time per kept API answer 0.41 -> 0.23 ms (``make bench``)."""
    from uvicorn.loops.auto import auto_loop_factory
    from uvicorn.protocols.http.auto import AutoHTTPProtocol

    assert AutoHTTPProtocol.__name__ == "HttpToolsProtocol"
    loop = auto_loop_factory()()
    try:
        assert type(loop).__module__.startswith("uvloop")
    finally:
        loop.close()
