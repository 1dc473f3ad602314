"""Running the receiver on waitress: in the foreground (`shopbuilder serve`) or in a
background thread (tests, benchmarks, a GUI preview)."""

from __future__ import annotations

import contextlib
import logging
import os
import socket
import threading
from typing import Any

from waitress import create_server

log = logging.getLogger("shopbuilder.publish.server")

# Waitress buffers a request body to a temp file past this size; a part plus slack
# passes, anything far larger is refused by waitress itself before the app runs.
BODY_SLACK = 64 * 1024 * 1024


def make_server(app: Any, host: str = "127.0.0.1", port: int = 0, *,
                threads: int = 4, max_body: int | None = None) -> Any:
    """A waitress server for `app` listening on host:port. OSError when it cannot
    listen there (a port in use), with nothing left open."""
    part_size = getattr(app, "part_size", 8 * 1024 * 1024)
    sock = bound_socket(host, port)
    try:
        return create_server(app, sockets=[sock], threads=threads,
                             max_request_body_size=max_body or part_size + BODY_SLACK,
                             ident="shopbuilder-receiver", channel_timeout=60,
                             **tuning(part_size))
    except BaseException:
        sock.close()
        raise


def bound_socket(host: str, port: int) -> socket.socket:
    """A TCP socket bound to host:port (the first address the name gives). Bound here
    rather than by waitress, which starts its worker threads and opens its wake-up pipe
    first and leaves them open when the port is taken."""
    family, kind, proto, _name, address = socket.getaddrinfo(
        host, port, type=socket.SOCK_STREAM, flags=socket.AI_PASSIVE)[0]
    sock = socket.socket(family, kind, proto)
    try:
        if os.name == "posix":  # a restarted receiver gets its port back at once
            sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        sock.bind(address)
    except BaseException:
        sock.close()
        raise
    return sock


def tuning(part_size: int) -> dict[str, int]:
    """Waitress settings for bulk uploads: a part's body stays in memory instead of
    going through a temp file (one copy less per byte, part size x threads of memory),
    and the socket is read in 256 KiB rather than 8 KiB steps."""
    return {"inbuf_overflow": part_size + 1024 * 1024, "recv_bytes": 256 * 1024}


def server_url(server: Any) -> str:
    host = server.effective_host
    host = f"[{host}]" if ":" in str(host) else host
    return f"http://{host}:{server.effective_port}"


class BackgroundServer:
    """A waitress server on its own thread; `stop()` closes every connection."""

    def __init__(self, app: Any, host: str = "127.0.0.1", port: int = 0,
                 threads: int = 4, server: Any = None) -> None:
        self.app = app
        self.server = server or make_server(app, host, port, threads=threads)
        self.url = server_url(self.server)
        self.port = int(self.server.effective_port)
        self._thread = threading.Thread(target=self._run, name="receiver", daemon=True)

    def _run(self) -> None:
        with contextlib.suppress(OSError):  # the map torn down under select() by stop()
            self.server.run()

    def start(self) -> BackgroundServer:
        self._thread.start()
        return self

    def stop(self) -> None:
        """Let the workers finish their requests (the loop still runs to send the
        answers), then close the listening socket and every connection from inside the
        server's own loop (waitress is not thread-safe otherwise)."""
        server = self.server
        server.task_dispatcher.shutdown(cancel_pending=True, timeout=10)

        def close_all() -> None:
            for channel in list(server._map.values()):
                if channel is not server and channel is not server.trigger:
                    channel.close()
            server.close()  # the listening socket and the trigger: the loop ends

        server.trigger.pull_trigger(close_all)
        self._thread.join(timeout=10)

    def __enter__(self) -> BackgroundServer:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()
