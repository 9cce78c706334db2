"""The served mounting: HTTP/1.1 on an event loop, straight from the parser to the handler.

An asyncio protocol over httptools (llhttp) on uvloop: each request becomes a
:class:`~mocks.core.wire.WireRequest` without an ASGI scope or an httpx object, and each answer goes out
as one buffer. Faults use the loop itself: a latency is a timer, a dropped connection a close
without an answer. Measured against uvicorn, hypercorn and granian serving the same handler through
ASGI (``python -m benchmarks``, figure 3), it answers the most calls a second, and it runs on a
thread of a test process as well as in the foreground.

Requests on one connection are answered in order (pipelining included): while an answer waits (a
latency, a handler that blocks on the network), later requests wait in a queue.

Answers are written when the loop's turn ends, all those of the turn in a row, in the order they
were made (a 100 Continue, a 400 and a close queue behind them too). Written as soon as each was
made, every answer woke a client waiting on another CPU; on a virtual machine that wake-up (an
interrupt between CPUs, measured with ``perf``: 17 % of a served create's time inside ``write``)
cost more than a served GET's own work. Written together, the first wakes the client and the rest
find it awake: GET by id went from about 12,000 to 20,000 answers a second on one core.
"""

from __future__ import annotations

import asyncio
import collections
import socket
import ssl
import time
from collections.abc import Callable
from email.utils import formatdate
from http import HTTPStatus
from typing import TYPE_CHECKING, Any

import httptools

from mocks.core.wire import Answer, Headers, WireRequest, bad_gateway, json_answer

if TYPE_CHECKING:
    from mocks.core.mounting import Mounted, Outcome

#: Seconds an idle keep-alive connection stays open.
KEEP_ALIVE = 30.0
_NO_BODY = frozenset({204, 304})
_STATUS_LINES = {
    status.value: f"HTTP/1.1 {status.value} {status.phrase}\r\n".encode() for status in HTTPStatus
}  # fmt: skip
_CONTINUE = b"HTTP/1.1 100 Continue\r\n\r\n"
_BAD_REQUEST = b"HTTP/1.1 400 Bad Request\r\ncontent-length: 0\r\nconnection: close\r\n\r\n"
_INTERNAL_ERROR = json_answer(500, {"code": 500, "message": "Internal server error."})


class _Date:
    """The ``date`` header line, made once a second."""

    second = 0
    line = b""

    @classmethod
    def now(cls) -> bytes:
        second = int(time.time())
        if second != cls.second:
            cls.second, cls.line = second, f"date: {formatdate(second, usegmt=True)}\r\n".encode()
        return cls.line


def status_line(status: int) -> bytes:
    return _STATUS_LINES.get(status) or f"HTTP/1.1 {status} Unknown\r\n".encode()


def encode(answer: Answer, *, head: bool = False, close: bool = False, date: bool = True) -> bytes:
    """The answer as bytes on the wire: status line, headers, then the body (none for HEAD)."""
    lines = [status_line(answer.status)]
    if date:
        lines.append(_Date.now())
    for name, value in answer.headers:
        lines += (name, b": ", value, b"\r\n")  # one join below: no bytes made per header line
    if answer.body is None and answer.status not in _NO_BODY and answer.status >= 200:
        lines.append(b"content-length: 0\r\n")
    if close:
        lines.append(b"connection: close\r\n")
    lines.append(b"\r\n")
    if answer.body and not head:
        lines.append(answer.body)
    return b"".join(lines)


class _Connection(asyncio.Protocol):
    """One client connection: parse, dispatch in order, answer once per request."""

    def __init__(self, site: _Site) -> None:
        self.site = site
        self.parser = httptools.HttpRequestParser(self)
        self.transport: asyncio.Transport | None = None
        self.closed = False
        self.queue: collections.deque[tuple[WireRequest, bool]] = collections.deque()
        self.busy = False
        self.last_active = time.monotonic()
        self._idle: asyncio.TimerHandle | None = None
        self._begin()

    # -- the connection -------------------------------------------------------------------

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        self.transport = transport  # type: ignore[assignment]
        sock = transport.get_extra_info("socket")
        if sock is not None and sock.family in (socket.AF_INET, socket.AF_INET6):
            sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        self.site.connections.add(self)
        self._idle = self.site.loop.call_later(KEEP_ALIVE, self._check_idle)

    def connection_lost(self, error: Exception | None) -> None:
        self.closed = True
        self.site.connections.discard(self)
        if self._idle is not None:
            self._idle.cancel()

    def data_received(self, data: bytes) -> None:
        self.last_active = time.monotonic()
        try:
            self.parser.feed_data(data)
        except httptools.HttpParserUpgrade:
            self._refuse()
        except httptools.HttpParserError:
            self._refuse()

    def _refuse(self) -> None:
        if self.transport is not None and not self.closed:
            self.site.send(self, _BAD_REQUEST)
            self.close()

    def _check_idle(self) -> None:
        idle = time.monotonic() - self.last_active
        if self.closed:
            return
        if idle >= KEEP_ALIVE and not self.busy and not self.queue:
            self.close()
        else:
            self._idle = self.site.loop.call_later(max(1.0, KEEP_ALIVE - idle), self._check_idle)

    def close(self) -> None:
        """Close after what was answered so far has been written."""
        if self.transport is not None and not self.closed:
            self.site.flush()
            self.transport.close()

    # -- the parser's callbacks -------------------------------------------------------------

    def _begin(self) -> None:
        self.url = b""
        self.headers: list[tuple[bytes, bytes]] = []
        self.host = b""
        self.expects_continue = False
        self.body: list[bytes] = []
        self.size = 0

    def on_message_begin(self) -> None:
        self._begin()

    def on_url(self, url: bytes) -> None:
        self.url += url

    def on_header(self, name: bytes, value: bytes) -> None:
        name = name.lower()
        self.headers.append((name, value))
        if name == b"host":
            self.host = value
        elif name == b"expect" and value.lower() == b"100-continue":
            self.expects_continue = True

    def on_headers_complete(self) -> None:
        if self.transport is not None and self.expects_continue:
            self.site.send(self, _CONTINUE)

    def on_body(self, body: bytes) -> None:
        limit = self.site.handler.max_body_bytes
        if self.size <= limit:
            # Past the limit, keep reading but stop storing: one byte over is enough to refuse.
            self.body.append(body[: limit + 1 - self.size])
        self.size += len(body)

    def on_message_complete(self) -> None:
        path, _, query = self.url.partition(b"?")
        method = self.parser.get_method().decode("ascii")
        raw_path = path.decode("latin-1")
        base = self.site.handler.served_base(self.host.decode("latin-1"), raw_path)
        headers = Headers(self.headers, lowered=True)
        request = WireRequest(method, base, raw_path, query, headers, b"".join(self.body))
        self.queue.append((request, self.parser.should_keep_alive()))
        if not self.busy:
            self._next()

    # -- answering ------------------------------------------------------------------------

    def _next(self) -> None:
        while self.queue and not self.busy and not self.closed:
            request, keep_alive = self.queue.popleft()
            handler = self.site.handler
            if handler.blocking:
                self.busy = True
                future = self.site.loop.run_in_executor(None, handler.dispatch, request)
                future.add_done_callback(lambda done, r=request, k=keep_alive: self._dispatched(done, r, k))
            else:
                try:
                    outcome = handler.dispatch(request)
                except Exception:  # a handler's own bug: Zoom's shape on the wire, the server lives on
                    self._write(_INTERNAL_ERROR, request, keep_alive)
                    continue
                self._answer(outcome, request, keep_alive)

    def _dispatched(self, done: asyncio.Future[Outcome], request: WireRequest, keep_alive: bool) -> None:
        self.busy = False
        try:
            outcome = done.result()
        except Exception as error:  # a handler that blocks may still fail: answered, never raised
            self._write(bad_gateway(error), request, keep_alive)
        else:
            self._answer(outcome, request, keep_alive)
        self._next()

    def _answer(self, outcome: Outcome, request: WireRequest, keep_alive: bool) -> None:
        loop = self.site.loop
        if outcome.error is not None:
            self._write(bad_gateway(outcome.error), request, keep_alive)
        elif outcome.later is not None:
            self.busy = True
            later = outcome.later
            if outcome.applied_first:
                self._run(later, lambda answer: loop.call_later(outcome.delay, self._late, answer, request, keep_alive))
            else:
                # The call reaches the handler only if the client still waits when the delay is over.
                loop.call_later(outcome.delay, self._when_still_there, later, request, keep_alive)
        elif outcome.drop:
            self.busy = True
            loop.call_later(outcome.delay, self.close)
        elif outcome.delay:
            self.busy = True
            assert outcome.response is not None
            loop.call_later(outcome.delay, self._late, outcome.response, request, keep_alive)
        else:
            assert outcome.response is not None
            self._write(outcome.response, request, keep_alive)

    def _when_still_there(self, later: Callable[[], Answer], request: WireRequest, keep_alive: bool) -> None:
        if self.closed:
            return
        self._run(later, lambda answer: self._late(answer, request, keep_alive))

    def _run(self, work: Callable[[], Answer], then: Callable[[Answer], Any]) -> None:
        """Produce an answer (off the loop for a handler that blocks) and hand it on."""
        if not self.site.handler.blocking:
            then(work())
            return

        def done(future: asyncio.Future[Answer]) -> None:
            try:
                then(future.result())
            except Exception as error:
                then(bad_gateway(error))

        self.site.loop.run_in_executor(None, work).add_done_callback(done)

    def _late(self, answer: Answer, request: WireRequest, keep_alive: bool) -> None:
        self.busy = False
        self._write(answer, request, keep_alive)
        self._next()

    def _write(self, answer: Answer, request: WireRequest, keep_alive: bool) -> None:
        if self.closed or self.transport is None:
            return
        self.site.send(self, encode(answer, head=request.method == "HEAD", close=not keep_alive, date=self.site.dates))
        self.last_active = time.monotonic()
        if not keep_alive:
            self.close()


class _Site:
    """What every connection of one server shares."""

    def __init__(self, handler: Mounted, loop: asyncio.AbstractEventLoop) -> None:
        self.handler = handler
        self.loop = loop
        self.connections: set[_Connection] = set()
        # A handler that forwards another server's answers carries that server's date.
        self.dates = not handler.forwards
        self._outbox: list[tuple[_Connection, bytes]] = []

    def send(self, connection: _Connection, data: bytes) -> None:
        """Queue bytes for a connection, to be written when the loop's turn ends."""
        if not self._outbox:
            self.loop.call_soon(self.flush)
        self._outbox.append((connection, data))

    def flush(self) -> None:
        """Write what is queued, in order."""
        outbox, self._outbox = self._outbox, []
        for connection, data in outbox:
            transport = connection.transport
            if transport is not None and not connection.closed and not transport.is_closing():
                transport.write(data)


class HttpServer:
    """The handler served on a listening socket, on an event loop of its own."""

    def __init__(self, handler: Mounted, sock: socket.socket, tls: ssl.SSLContext | None = None) -> None:
        self.handler = handler
        self.sock = sock
        self.tls = tls
        self.loop: asyncio.AbstractEventLoop | None = None
        self._server: asyncio.base_events.Server | None = None
        self._site: _Site | None = None

    async def start(self) -> None:
        self.loop = asyncio.get_running_loop()
        site = self._site = _Site(self.handler, self.loop)
        self._server = await self.loop.create_server(lambda: _Connection(site), sock=self.sock, ssl=self.tls,
                                                     backlog=2048)  # fmt: skip

    async def stop(self, grace: float = 5.0) -> None:
        """Stop listening, let answers under way finish (up to ``grace`` seconds), close the rest."""
        if self._server is None or self._site is None:
            return
        self._server.close()
        deadline = time.monotonic() + grace
        while any(c.busy or c.queue for c in self._site.connections) and time.monotonic() < deadline:
            await asyncio.sleep(0.01)
        for connection in list(self._site.connections):
            connection.close()
        await asyncio.sleep(0)


def new_loop() -> asyncio.AbstractEventLoop:
    """uvloop's loop where installed (it is a dependency), else asyncio's."""
    try:
        import uvloop
    except ImportError:  # pragma: no cover - uvloop does not build on Windows
        return asyncio.new_event_loop()
    return uvloop.new_event_loop()
