"""The atlas's server socket (``serve.py``): an answer leaves at once, not after a delayed acknowledgement.

Streamlit binds its server's socket itself (``socket.socket(family)``: protocol 0), and asyncio switches
Nagle's algorithm off only on connections whose protocol says TCP. uvicorn writes an answer's head and body
separately, so on a keep-alive connection the body waited for the client's delayed acknowledgement, about
40 ms on Linux, on every request (``make bench``: the API's kept answers took 45 ms at one client).
Connections accepted from a listening socket inherit ``TCP_NODELAY``, so it is set there, once.
"""

from __future__ import annotations

import os
import socket
import stat
from pathlib import Path

OPEN_FILES = Path("/proc/self/fd")  # Linux, where the atlas is served; elsewhere nothing is changed


def _listening_tcp(fd: int, port: int) -> socket.socket | None:
    """A copy of ``fd`` if it is a TCP socket listening on ``port``, else None."""
    try:
        if not stat.S_ISSOCK(os.fstat(fd).st_mode):
            return None
        sock = socket.socket(fileno=os.dup(fd))
    except OSError:  # closed meanwhile
        return None
    try:
        if (
            sock.family in (socket.AF_INET, socket.AF_INET6)
            and sock.type == socket.SOCK_STREAM
            and sock.getsockopt(socket.SOL_SOCKET, socket.SO_ACCEPTCONN)
            and sock.getsockname()[1] == port
        ):
            return sock
    except OSError:
        pass
    sock.close()
    return None


def send_at_once(port: int) -> int:
    """Switch Nagle's algorithm off on this process's sockets listening on ``port``; how many."""
    if not OPEN_FILES.is_dir():
        return 0
    done = 0
    for name in os.listdir(OPEN_FILES):
        sock = _listening_tcp(int(name), port)
        if sock is not None:
            with sock:  # a copy: closing it leaves the server's socket open
                sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
            done += 1
    return done
