"""Serving the emulator (or the proxy) on a real socket, with :mod:`mocks.serving.http11`: in the foreground
(``zoom-harness serve``) or on a background thread for a test session (:class:`ServedEmulator`)."""

from __future__ import annotations

import asyncio
import contextlib
import ipaddress
import signal
import socket
import ssl
import threading
from types import TracebackType

from mocks.api.emulator import ZoomEmulator
from mocks.core.control_guard import bearer_headers, new_control_token
from mocks.core.mounting import Mounted
from mocks.serving.http11 import HttpServer, new_loop
from mocks.serving.tls import TlsFiles

LOOPBACK_HOSTS = frozenset({"localhost"})


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


def tls_context(tls: TlsFiles) -> ssl.SSLContext:
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    context.load_cert_chain(tls.certificate, tls.key)
    return context


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


def serve_forever(emulator: Mounted, sock: socket.socket, *, tls: TlsFiles | None = None) -> int:
    """Serve until SIGINT, SIGTERM or SIGHUP, and return that signal's number; the emulator answers on
    the socket's address (or Zoom's names). Answers under way finish first."""
    point_at(emulator, sock, tls)
    server = HttpServer(emulator, sock, tls_context(tls) if tls else None)
    loop = new_loop()
    received: list[int] = []
    stopping_on = (signal.SIGINT, signal.SIGTERM, signal.SIGHUP)
    # Until the loop takes the signals over they are only noted: an exception raised while the loop
    # starts would leave it running, impossible to close.
    previous = {number: signal.signal(number, lambda signum, _: received.append(signum)) for number in stopping_on}

    async def main() -> None:
        stopping = asyncio.Event()
        for signal_number in stopping_on:
            loop.add_signal_handler(signal_number, lambda number=signal_number: (received.append(number),
                                                                                  stopping.set()))  # fmt: skip
        if received:  # one came while the loop was starting
            stopping.set()
        await server.start()
        await stopping.wait()
        await server.stop()

    try:
        loop.run_until_complete(main())
    finally:
        loop.close()
        for number, handler in previous.items():  # the loop leaves the default behind: put the caller's back
            signal.signal(number, handler)
    return received[0]


class ServedEmulator:
    """The emulator on a free loopback port, on a background thread, for as long as the block.

    ``with ServedEmulator() as served: httpx.get(f"{served.url}/_emulator/state", headers=served.control_headers)``

    Its control surface is guarded: by ``control_token`` when given, else by the one the mounted
    emulator or proxy already has, else by a fresh one.
    """

    def __init__(
        self,
        emulator: Mounted | None = None,
        *,
        host: str = "127.0.0.1",
        port: int = 0,
        tls: TlsFiles | None = None,
        control_token: str | None = None,
    ) -> None:
        if not is_loopback(host):
            raise ValueError(f"ServedEmulator binds to loopback only, not {host}")
        self.emulator = emulator or ZoomEmulator()
        guard = self.emulator.control_guard
        if control_token is not None or not guard.guarded:
            guard.set_token(control_token or new_control_token())
        self._sock = bind(host, port)
        self.url = point_at(self.emulator, self._sock, tls)
        self._server = HttpServer(self.emulator, self._sock, tls_context(tls) if tls else None)
        self._loop = new_loop()
        self._started = threading.Event()
        self._failure: BaseException | None = None
        self._thread = threading.Thread(target=self._run, daemon=True, name="served-emulator")

    def __repr__(self) -> str:
        return f"ServedEmulator({self.url})"

    @property
    def control_token(self) -> str:
        token = self.emulator.control_guard.token
        assert token is not None
        return token

    @property
    def control_headers(self) -> dict[str, str]:
        """The headers a call to the control surface (``/_emulator``) carries."""
        return bearer_headers(self.control_token)

    def _run(self) -> None:
        asyncio.set_event_loop(self._loop)
        try:
            self._loop.run_until_complete(self._server.start())
        except BaseException as error:
            self._failure = error
            self._started.set()
            return
        self._started.set()
        self._loop.run_forever()

    def start(self) -> ServedEmulator:
        self._thread.start()
        if not self._started.wait(10) or self._failure is not None:
            raise RuntimeError(f"the emulator server did not start: {self._failure}")
        return self

    def stop(self) -> None:
        if self._thread.is_alive():
            stopped = asyncio.run_coroutine_threadsafe(self._server.stop(grace=1.0), self._loop)
            with contextlib.suppress(Exception):
                stopped.result(10)
            self._loop.call_soon_threadsafe(self._loop.stop)
            self._thread.join(10)
        if not self._loop.is_running():
            self._loop.close()
        with contextlib.suppress(OSError):
            self._sock.close()

    def __enter__(self) -> ServedEmulator:
        return self.start()

    def __exit__(self, kind: type[BaseException] | None, error: BaseException | None, tb: TracebackType | None) -> None:
        self.stop()
