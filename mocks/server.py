"""Serving the emulator on a real socket: in the foreground (``zoom-harness serve``) or on a
background thread for a test session (:class:`ServedEmulator`)."""

from __future__ import annotations

import contextlib
import ipaddress
import logging
import socket
import threading
from types import TracebackType

import uvicorn

from mocks.emulator import ZoomEmulator
from mocks.mounting import Mounted
from mocks.tls import TlsFiles

LOOPBACK_HOSTS = frozenset({"localhost"})


class _QuietDrops(logging.Filter):
    """An injected dropped connection is the point of the fault; uvicorn need not report it."""

    def filter(self, record: logging.LogRecord) -> bool:
        return "returned without completing response" not in record.getMessage()


def is_loopback(host: str) -> bool:
    if host in LOOPBACK_HOSTS:
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def bind(host: str, port: int) -> socket.socket:
    """A listening socket; port 0 picks a free one."""
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    sock = socket.socket(family, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    # Accepted connections inherit it: without it, the body written after the headers waits
    # for the client's delayed ACK (~40 ms a response on a keep-alive connection).
    sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
    try:
        sock.bind((host, port))
    except OSError:
        sock.close()
        raise
    sock.listen(2048)
    return sock


def base_url(sock: socket.socket, scheme: str = "http") -> str:
    host, port = sock.getsockname()[:2]
    return f"{scheme}://[{host}]:{port}" if ":" in host else f"{scheme}://{host}:{port}"


def zoom_urls(sock: socket.socket) -> tuple[str, str]:
    """The token and API base URLs under Zoom's own names, on the socket's port."""
    port = sock.getsockname()[1]
    suffix = "" if port == 443 else f":{port}"
    return f"https://zoom.us{suffix}", f"https://api.zoom.us{suffix}"


def _fast_protocols() -> dict[str, str]:
    """httptools and uvloop where installed: measured 1.6x the emulator's rate of h11 and asyncio
    (benchmarks, figure 3)."""
    try:
        import httptools  # noqa: F401
        import uvloop  # noqa: F401
    except ImportError:
        return {}
    return {"http": "httptools", "loop": "uvloop"}


def _server(emulator: Mounted, log_level: str, tls: TlsFiles | None = None) -> uvicorn.Server:
    logging.getLogger("uvicorn.error").addFilter(_QuietDrops())
    certificates = {"ssl_certfile": str(tls.certificate), "ssl_keyfile": str(tls.key)} if tls else {}
    config = uvicorn.Config(
        emulator.asgi_app(),
        **_fast_protocols(),  # type: ignore[arg-type]
        log_level=log_level,
        access_log=False,
        lifespan="off",
        timeout_keep_alive=30,
        backlog=2048,
        server_header=not emulator.forwards,
        date_header=not emulator.forwards,
        **certificates,  # type: ignore[arg-type]
    )
    return uvicorn.Server(config)


def point_at(emulator: Mounted, sock: socket.socket, tls: TlsFiles | None) -> str:
    """Where the emulator answers: the socket's address, or over TLS Zoom's own two names (the
    token host and the API host, told apart by the Host header). Returns the API base URL."""
    if tls is None:
        url = base_url(sock)
        emulator.set_base_urls(url, url)
        return url
    token_base, api_base = zoom_urls(sock)
    emulator.set_base_urls(token_base, api_base)
    return api_base


def serve_forever(
    emulator: Mounted, sock: socket.socket, *, log_level: str = "warning", tls: TlsFiles | None = None
) -> None:
    """Serve until interrupted; the emulator answers on the socket's address (or Zoom's names)."""
    point_at(emulator, sock, tls)
    _server(emulator, log_level, tls).run(sockets=[sock])


class ServedEmulator:
    """The emulator on a free loopback port, on a background thread, for as long as the block.

    ``with ServedEmulator() as served: served.url``
    """

    def __init__(
        self,
        emulator: Mounted | None = None,
        *,
        host: str = "127.0.0.1",
        port: int = 0,
        tls: TlsFiles | None = None,
    ) -> None:
        if not is_loopback(host):
            raise ValueError(f"ServedEmulator binds to loopback only, not {host}")
        self.emulator = emulator or ZoomEmulator()
        self._sock = bind(host, port)
        self.url = point_at(self.emulator, self._sock, tls)
        self._server = _server(self.emulator, "warning", tls)
        self._thread = threading.Thread(target=self._server.run, kwargs={"sockets": [self._sock]}, daemon=True)

    def start(self) -> ServedEmulator:
        self._thread.start()
        while not self._server.started:
            if not self._thread.is_alive():
                raise RuntimeError("the emulator server did not start")
            self._thread.join(0.01)
        return self

    def stop(self) -> None:
        self._server.should_exit = True
        if self._thread.is_alive():
            self._thread.join(10)
        with contextlib.suppress(OSError):
            self._sock.close()

    def __enter__(self) -> ServedEmulator:
        return self.start()

    def __exit__(self, kind: type[BaseException] | None, error: BaseException | None, tb: TracebackType | None) -> None:
        self.stop()
