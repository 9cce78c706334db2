"""Evidence of a scenario: every HTTP exchange with Zoom, redacted before it is kept."""

from __future__ import annotations

import threading
from dataclasses import asdict, dataclass, field
from typing import Any

import httpx

from mocks.core.journal import redact_body, redact_headers, redact_url

#: Bodies longer than this are cut in evidence (a page of 100 SCIM users is ~70 kB).
MAX_BODY = 4_000


@dataclass(frozen=True)
class Exchange:
    method: str
    url: str
    status: int
    request_headers: dict[str, str]
    request_body: str
    response_headers: dict[str, str]
    response_body: str

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


@dataclass
class Evidence:
    exchanges: list[Exchange] = field(default_factory=list)
    limit: int = 200

    def __post_init__(self) -> None:
        self._lock = threading.Lock()
        self.dropped = 0

    def record(self, response: httpx.Response) -> None:
        """An httpx response hook: keeps the exchange with secrets redacted."""
        response.read()
        request = response.request
        exchange = Exchange(
            method=request.method,
            url=redact_url(str(request.url)),
            status=response.status_code,
            request_headers=redact_headers(request.headers),
            request_body=_cut(redact_body(request.content, request.headers.get("content-type", ""))),
            response_headers=redact_headers(response.headers),
            response_body=_cut(redact_body(response.content, response.headers.get("content-type", ""))),
        )
        with self._lock:
            if len(self.exchanges) < self.limit:
                self.exchanges.append(exchange)
            else:
                self.dropped += 1

    def add_journal(self, entries: list[dict[str, Any]]) -> None:
        """Exchanges as Zoom's journal kept them (already redacted): another system's calls."""
        for entry in entries:
            exchange = Exchange(
                method=entry["method"], url=entry["url"], status=int(entry["status"]),
                request_headers=dict(entry["request_headers"]), request_body=_cut(entry["request_body"]),
                response_headers=dict(entry["response_headers"]), response_body=_cut(entry["response_body"]),
            )  # fmt: skip
            with self._lock:
                if len(self.exchanges) < self.limit:
                    self.exchanges.append(exchange)
                else:
                    self.dropped += 1


def _cut(text: str) -> str:
    return text if len(text) <= MAX_BODY else text[:MAX_BODY] + f"… ({len(text) - MAX_BODY} more characters)"
