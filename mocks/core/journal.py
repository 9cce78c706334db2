"""The request journal: what was asked and answered, with every secret redacted on the way in."""

from __future__ import annotations

import itertools
import json
import re
import threading
from collections import deque
from dataclasses import asdict, dataclass
from typing import Any
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

import httpx

from mocks.core.wire import Answer, RawHeaders, WireRequest, decoded_body, url_of

REDACTED = "[REDACTED]"
#: Bodies longer than this are cut in the journal, so that large requests cannot fill memory.
MAX_BODY = 65_536
#: Body and query fields that carry secrets on Zoom's wire.
SECRET_FIELDS = frozenset({"access_token", "client_secret", "token", "refresh_token", "password"})
SECRET_HEADERS = frozenset({"authorization", "proxy-authorization", "cookie", "set-cookie"})
_BEARER = re.compile(r"\b(eyJ[A-Za-z0-9_\-.]{8,})")


@dataclass(frozen=True)
class JournalEntry:
    time: float
    method: str
    url: str
    request_headers: dict[str, str]
    request_body: str
    status: int
    response_headers: dict[str, str]
    response_body: str
    route: str
    #: What the emulator did besides answering: an injected fault, a dropped connection...
    note: str = ""

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


#: (time, method, base, raw path, query, request headers, request body, status, answer headers,
#: answer body, route, note): the URL is put together when read.
_Raw = tuple[float, str, str, str, bytes, RawHeaders, bytes, int, RawHeaders, bytes, str, str]


class Journal:
    """A bounded, thread-safe list of exchanges, redacted whenever they are read.

    Recording runs on every call, so it keeps a flat tuple of strings and bytes (cheap to take,
    invisible to the garbage collector); redaction runs when the journal is read (``entries()``),
    so no reader ever sees a secret.
    """

    def __init__(self, size: int = 10_000) -> None:
        self._raw: deque[_Raw] = deque(maxlen=size)
        self._lock = threading.Lock()
        #: Every exchange's number, from 1: a reader asks for those after the last it saw.
        self._numbers = itertools.count(1)

    def record(self, now: float, request: WireRequest, answer: Answer | None, route: str, note: str = "") -> None:
        answered = answer is not None
        self._raw.append(  # deque.append is atomic
            (
                next(self._numbers),
                now,
                request.method,
                request.base,
                request.raw_path,
                request.query,
                tuple(request.headers.raw),  # free for a tuple
                request.content[:MAX_BODY],
                answer.status if answered else 0,
                tuple(answer.headers) if answered else (),
                (answer.body or b"")[:MAX_BODY] if answered else b"",
                route,
                note,
            )
        )

    def entries(self) -> list[JournalEntry]:
        with self._lock:
            raw = list(self._raw)
        return [_redacted(*item[1:]) for item in raw]

    def entries_after(self, number: int) -> tuple[list[JournalEntry], int]:
        """The exchanges numbered after ``number`` (still kept), and the last number given so far:
        a reader polling the journal redacts only what is new to it."""
        fresh, last = self._after(number, None)
        return [_redacted(*item[1:]) for item in fresh], last

    def numbered_after(self, number: int, limit: int) -> tuple[list[dict[str, Any]], int]:
        """The newest ``limit`` exchanges numbered after ``number``, as dicts with their ``number``,
        and the last number given so far: a page showing the latest exchanges under load redacts
        only those it shows."""
        fresh, last = self._after(number, limit)
        return [{"number": item[0], **_redacted(*item[1:]).to_dict()} for item in fresh], last

    def _after(self, number: int, limit: int | None) -> tuple[list[tuple[Any, ...]], int]:
        with self._lock:
            raw = list(self._raw)
        fresh = [item for item in raw if item[0] > number]
        if limit is not None:
            fresh = fresh[max(0, len(fresh) - limit) :]
        return fresh, raw[-1][0] if raw else 0

    def clear(self) -> None:
        with self._lock:
            self._raw.clear()

    def __len__(self) -> int:
        return len(self._raw)


def _redacted(
    now: float,
    method: str,
    base: str,
    raw_path: str,
    query: bytes,
    request_headers: RawHeaders,
    request_body: bytes,
    status: int,
    response_headers: RawHeaders,
    response_body: bytes,
    route: str,
    note: str,
) -> JournalEntry:
    asked, answered = httpx.Headers(list(request_headers)), httpx.Headers(list(response_headers))
    try:
        response_body = decoded_body(list(response_headers), response_body)  # a proxied answer stays encoded
    except httpx.DecodingError:  # cut at MAX_BODY
        response_body = b"[an encoded body longer than the journal keeps]"
    return JournalEntry(
        time=now,
        method=method,
        url=redact_url(url_of(base, raw_path, query)),
        request_headers=redact_headers(asked),
        request_body=redact_body(request_body, asked.get("content-type", "")),
        status=status,
        response_headers=redact_headers(answered),
        response_body=redact_body(response_body, answered.get("content-type", "")),
        route=route,
        note=note,
    )


def redact_headers(headers: httpx.Headers) -> dict[str, str]:
    redacted = {}
    for name, value in headers.multi_items():
        if name.lower() in SECRET_HEADERS:
            scheme, _, _ = value.partition(" ")
            value = f"{scheme} {REDACTED}" if scheme and scheme != value else REDACTED
        redacted[name] = value
    return redacted


def redact_url(url: str) -> str:
    query = url.partition("?")[2].lower()
    if not query or not any(name in query for name in SECRET_FIELDS):
        return url
    parts = urlsplit(url)
    query = [(k, REDACTED if k.lower() in SECRET_FIELDS else v) for k, v in parse_qsl(parts.query, True)]
    return urlunsplit(parts._replace(query=urlencode(query, safe="[]:")))


_SECRET_MARKERS = (*SECRET_FIELDS, "eyJ")


def redact_body(content: bytes, content_type: str) -> str:
    if not content:
        return ""
    text = content.decode("utf-8", errors="replace")
    lowered = text.lower()
    if not any(marker.lower() in lowered for marker in _SECRET_MARKERS):
        return text  # nothing that could be a secret: skip the parse (the common, hot case)
    if "json" in content_type or text[:1] in "{[":
        try:
            return json.dumps(_redact_value(json.loads(text)), ensure_ascii=False)
        except ValueError:
            pass
    if "x-www-form-urlencoded" in content_type:
        pairs = parse_qsl(text, keep_blank_values=True)
        return urlencode([(k, REDACTED if k.lower() in SECRET_FIELDS else v) for k, v in pairs])
    return _BEARER.sub(REDACTED, text)


def _redact_value(value: Any) -> Any:
    if isinstance(value, dict):
        return {k: REDACTED if k.lower() in SECRET_FIELDS else _redact_value(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_redact_value(v) for v in value]
    return value
