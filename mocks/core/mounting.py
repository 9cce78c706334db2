"""What every mounting of a request handler shares: the emulator and the proxy answer alike.

A handler turns a :class:`~mocks.core.wire.WireRequest` into an :class:`Outcome` (``dispatch``); the mountings only
interpret the outcome: in-process (an httpx transport or respx), latency costs the handler's clock
and timeouts and drops raise as httpx would; served (:mod:`mocks.serving.asgi`), they sleep or close the
connection. One code path serves every mounting, so a test passing on one passes on all.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

import httpx

from mocks.core.clock import Clock
from mocks.core.control_guard import ControlGuard
from mocks.core.journal import Journal
from mocks.core.wire import Answer, WireRequest, from_httpx, to_httpx


@dataclass(slots=True)
class Outcome:
    """What the handler does with one request."""

    response: Answer | None
    #: Seconds before the answer arrives (an injected latency).
    delay: float = 0.0
    #: Close the connection instead of answering.
    drop: bool = False
    #: For a latency fault: produces the answer when the handler gets to the call. Whether it
    #: runs before the delay (``applied_first``) decides what a client that timed out leaves behind.
    later: Callable[[], Answer] | None = None
    applied_first: bool = False
    route: str = ""
    #: The call could not be answered (the proxy's upstream failed): in-process it is raised, as
    #: the client's own transport would; served, it is answered 502.
    error: Exception | None = None


@dataclass(frozen=True)
class BaseURL:
    """Where a host answers: scheme, host, port and a path prefix."""

    scheme: str
    host: str
    port: int | None
    prefix: str

    @classmethod
    def parse(cls, url: str) -> BaseURL:
        parsed = httpx.URL(url)
        if parsed.scheme not in ("http", "https") or not parsed.host:
            raise ValueError(f"not an http(s) base URL: {url!r}")
        return cls(parsed.scheme, parsed.host, parsed.port, parsed.path.rstrip("/"))

    def below(self, url: httpx.URL, path: str) -> str | None:
        """``path`` (the URL's, as the client encoded it) below this base, or None when the URL is elsewhere."""
        if url.host != self.host or url.scheme != self.scheme or url.port != self.port:
            return None
        if self.prefix:
            if not path.startswith(self.prefix + "/"):
                return None
            return path[len(self.prefix) :]
        return path


class Mounted:
    """Zoom's token host and API host as one request handler, and the ways to mount it.

    Subclasses set ``clock``, ``journal`` and the base URLs (``set_base_urls``), and implement
    ``dispatch``.
    """

    clock: Clock
    journal: Journal
    #: Who may use the control surface under ``/_emulator``.
    control_guard: ControlGuard
    token_base_url: str
    api_base_url: str
    #: ``dispatch`` may wait on the network (the proxy): a served mounting runs it off the event loop.
    blocking: bool = False
    #: Answers carry another server's headers (the proxy's, Zoom's ``Date`` and ``Server``): a
    #: served mounting adds none of its own.
    forwards: bool = False
    _token_base: BaseURL
    _api_base: BaseURL
    _bases: list[tuple[str, BaseURL]]

    def dispatch(self, request: WireRequest) -> Outcome:
        raise NotImplementedError

    def addressed(self, request: httpx.Request) -> WireRequest:
        """An in-process request, addressed to the token host or the API host when it is either."""
        url = request.url
        path, _, query = url.raw_path.partition(b"?")
        raw_path = path.decode("ascii")
        for base, parsed in self._bases:
            below = parsed.below(url, raw_path)
            if below is not None:
                return from_httpx(request, base, below, query)
        return from_httpx(request, f"{url.scheme}://{url.netloc.decode('ascii')}", raw_path, query)

    @property
    def max_body_bytes(self) -> int:
        """The largest request body a served mounting stores; one byte more is refused."""
        raise NotImplementedError

    def set_base_urls(self, token_base_url: str, api_base_url: str) -> None:
        """Where the handler answers; a served mounting points both at its own address."""
        self.token_base_url = token_base_url.rstrip("/")
        self.api_base_url = api_base_url.rstrip("/")
        self._token_base = BaseURL.parse(self.token_base_url)
        self._api_base = BaseURL.parse(self.api_base_url)
        # The longer path prefix first, so that a base below the other's wins its calls; else the
        # API host first: it carries the load.
        hosts = ((self.api_base_url, self._api_base), (self.token_base_url, self._token_base))
        self._bases = sorted(hosts, key=lambda host: -len(host[1].prefix))

    def served_base(self, host: str, path: str) -> str:
        """The base URL a served call was addressed to: told apart by its Host header when the token
        host and the API host share the address (Zoom's own names over TLS), else by its path (the
        token host's paths start with /oauth/)."""
        if self.token_base_url == self.api_base_url:
            return self.api_base_url
        name = host.rpartition(":")[0] if host.count(":") == 1 else host
        if name == self.token_host:
            return self.token_base_url
        if name == self.api_host:
            return self.api_base_url
        return self.token_base_url if path.startswith("/oauth/") else self.api_base_url

    @property
    def token_host(self) -> str:
        return self._token_base.host

    @property
    def api_host(self) -> str:
        return self._api_base.host

    @property
    def token_url(self) -> str:
        return f"{self.token_base_url}/oauth/token"

    def handle(self, request: httpx.Request) -> httpx.Response:
        """In-process answer: latency costs the handler's time, timeouts and drops raise like httpx."""
        wire = self.addressed(request)
        outcome = self.dispatch(wire)
        if outcome.error is not None:
            raise outcome.error
        if outcome.drop:
            self.clock.advance(outcome.delay)
            raise httpx.RemoteProtocolError("Server disconnected without sending a response.", request=request)
        if outcome.later is not None:
            timeout = wire.read_timeout
            if timeout is not None and outcome.delay >= timeout:
                if outcome.applied_first:
                    outcome.later()
                else:
                    self.journal.record(self.clock.now(), wire, None, outcome.route, "fault: timed out, not applied")
                self.clock.advance(timeout)
                raise httpx.ReadTimeout("The read operation timed out (emulated)", request=request)
            self.clock.advance(outcome.delay)
            return to_httpx(outcome.later(), request)
        assert outcome.response is not None
        return to_httpx(outcome.response, request)

    def transport(self) -> httpx.MockTransport:
        """An httpx transport for sync and async clients alike; nothing is patched."""
        return httpx.MockTransport(self.handle)

    @contextmanager
    def mock(self, *, assert_all_called: bool = False) -> Iterator[Any]:
        """Patch httpx with respx so that every client reaching Zoom's hosts reaches this handler.

        Yields the respx router; other hosts are refused, as respx does.
        """
        import respx

        with respx.mock(assert_all_called=assert_all_called) as router:
            router.route(url__startswith=self.token_base_url).mock(side_effect=self.handle)
            if self.api_base_url != self.token_base_url:
                router.route(url__startswith=self.api_base_url).mock(side_effect=self.handle)
            yield router
