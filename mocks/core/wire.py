"""A request and an answer as the emulator and the proxy handle them: plain strings and bytes.

The served mounting builds a :class:`WireRequest` straight from the HTTP parser and writes an
:class:`Answer` as bytes; the in-process mountings convert httpx's types at their edge
(:func:`from_httpx`, :func:`to_httpx`). No httpx object is made on the served path: building an
``httpx.Request`` and an ``httpx.Response`` per call cost a third of a served call's CPU.
"""

from __future__ import annotations

import functools
import json
from collections.abc import Sequence
from dataclasses import dataclass, field
from urllib.parse import parse_qsl, unquote, unquote_to_bytes

import httpx

#: Header lines as (name, value) bytes; kept as a tuple where one is made, so the journal keeps it as is.
RawHeaders = Sequence[tuple[bytes, bytes]]


class Headers:
    """A request's headers as received; names compared without case, as HTTP does."""

    __slots__ = ("lowered", "raw")

    def __init__(self, raw: RawHeaders, *, lowered: bool = False) -> None:
        self.raw = raw
        #: Whether every name is already lower-case (served: the parser's callback lowers them).
        self.lowered = lowered

    def get(self, name: str, default: str = "") -> str:
        """The header's value (several joined with ", ", as httpx does), or ``default``."""
        # A scan: a call reads two or three headers of a dozen, fewer steps than indexing them.
        wanted = _header_name(name)
        size, lowered = len(wanted), self.lowered
        found: bytes | None = None
        for key, value in self.raw:
            # Only a name of the same length can differ by case alone.
            if key == wanted or (not lowered and len(key) == size and key.lower() == wanted):
                found = value if found is None else found + b", " + value
        return default if found is None else found.decode("latin-1")

    def multi_items(self) -> list[tuple[str, str]]:
        return [(k.decode("latin-1").lower(), v.decode("latin-1")) for k, v in self.raw]


@functools.lru_cache(maxsize=256)
def _header_name(name: str) -> bytes:
    return name.lower().encode("latin-1")


class QueryParams:
    """A query string's parameters, in order; ``get`` gives a name's first value."""

    __slots__ = ("_items",)

    def __init__(self, items: list[tuple[str, str]]) -> None:
        self._items = items

    @classmethod
    def parse(cls, query: bytes) -> QueryParams:
        """``parse_qsl``'s pairs (blank values kept); an ASCII query, nearly every one, is split
        and unquoted as bytes, in three fifths of ``parse_qsl``'s time on a SCIM filter."""
        if not query.isascii():
            return cls(parse_qsl(query.decode("latin-1"), keep_blank_values=True))
        items = []
        for pair in query.replace(b"+", b" ").split(b"&"):
            if pair:
                name, _, value = pair.partition(b"=")
                items.append((_unquoted(name), _unquoted(value)))
        return cls(items)

    def get(self, name: str, default: str | None = None) -> str | None:
        for key, value in self._items:
            if key == name:
                return value
        return default

    def multi_items(self) -> list[tuple[str, str]]:
        return list(self._items)

    def remove(self, name: str) -> QueryParams:
        return QueryParams([(k, v) for k, v in self._items if k != name])

    def __contains__(self, name: object) -> bool:
        return any(key == name for key, _ in self._items)


def _unquoted(part: bytes) -> str:
    return (unquote_to_bytes(part) if b"%" in part else part).decode("utf-8", "replace")


@dataclass(slots=True, eq=False)
class WireRequest:
    """One call: which host it was addressed to (its base URL), and what was sent."""

    method: str
    #: The base URL the call was addressed to: the token host's or the API host's (or, for a host
    #: the handler does not answer, the URL's own origin).
    base: str
    #: The path below the base, as the client encoded it, without the query.
    raw_path: str
    query: bytes
    headers: Headers
    content: bytes = b""
    #: The client's read timeout, which in-process mountings know; served: None.
    read_timeout: float | None = None
    _params: QueryParams | None = field(default=None, repr=False)

    @property
    def path(self) -> str:
        return _decoded(self.raw_path)

    @property
    def url(self) -> str:
        return url_of(self.base, self.raw_path, self.query)

    @property
    def params(self) -> QueryParams:
        if self._params is None:
            self._params = QueryParams.parse(self.query)
        return self._params


def url_of(base: str, raw_path: str, query: bytes) -> str:
    """A call's URL from its parts."""
    return f"{base}{raw_path}?{query.decode('latin-1')}" if query else f"{base}{raw_path}"


@functools.lru_cache(maxsize=4096)
def _decoded(raw_path: str) -> str:
    return unquote(raw_path) if "%" in raw_path else raw_path


@dataclass(slots=True)
class Answer:
    """One answer: status, header lines (lower-case names) and body; ``None`` is no body at all."""

    status: int
    headers: RawHeaders
    body: bytes | None = None

    def header(self, name: bytes) -> bytes | None:
        """The first value of a header (``name`` lower-case), or None."""
        for key, value in self.headers:
            if key.lower() == name:
                return value
        return None

    def decoded(self) -> bytes:
        """The body as a client reads it: a proxied answer may keep Zoom's encoding (gzip...)."""
        return decoded_body(self.headers, self.body or b"")


def decoded_body(headers: RawHeaders, body: bytes) -> bytes:
    """``body`` decoded by its ``content-encoding`` header, as httpx decodes it; unchanged without one."""
    if not any(key.lower() == b"content-encoding" for key, _ in headers):
        return body
    return httpx.Response(200, headers=headers, content=body).content


def json_answer(status: int, body: dict[str, object]) -> Answer:
    content = json.dumps(body).encode()
    return Answer(status, [(b"content-type", b"application/json"), (b"content-length", str(len(content)).encode())],
                  content)  # fmt: skip


def bad_gateway(error: Exception) -> Answer:
    """The proxy's upstream failed: say so in Zoom's error shape, naming the failure's kind."""
    message = f"zoom-harness proxy: the upstream did not answer ({type(error).__name__}: {error})"
    return json_answer(502, {"code": 502, "message": message})


def from_httpx(request: httpx.Request, base: str, raw_path: str, query: bytes) -> WireRequest:
    """An in-process mounting's request, addressed to ``base`` (``raw_path`` and ``query`` below it)."""
    timeout = (request.extensions.get("timeout") or {}).get("read")
    headers = Headers(tuple(request.headers.raw))
    return WireRequest(request.method, base, raw_path, query, headers, request.content, timeout)


def to_httpx(answer: Answer, request: httpx.Request) -> httpx.Response:
    """An answer as the in-process client receives it (an encoded body is decoded when read)."""
    body = answer.body
    if body is None:
        return httpx.Response(answer.status, headers=answer.headers, request=request)
    if not body or answer.header(b"content-encoding") is not None or answer.header(b"content-length") is None:
        return httpx.Response(answer.status, headers=answer.headers, content=body, request=request)
    # A framed, unencoded body is its own content: httpx would read a ``content=`` body through its
    # decoder and chunker, three context managers deep, two thirds of making the response. The
    # state that reading leaves is set instead (tests/emulator/test_wire.py compares the two).
    response = httpx.Response(answer.status, headers=answer.headers, stream=httpx.ByteStream(body), request=request)
    response._content = body
    response.is_stream_consumed = response.is_closed = True
    return response


def request_to_httpx(request: WireRequest) -> httpx.Request:
    """The request as httpx sees it, for hooks that take one (recordings)."""
    return httpx.Request(request.method, request.url, headers=request.headers.raw, content=request.content)
