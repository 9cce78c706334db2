"""Faults injected into the emulator's answers: error statuses, latency, drops, 429 bursts."""

from __future__ import annotations

import fnmatch
import json
import math
import threading
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from typing import Any, Literal

from mocks.core.wire import Answer
from mocks.state.ratelimit import PER_SECOND_MESSAGE

#: Headers that describe a body and no longer hold once the body is rewritten.
_BODY_HEADERS = frozenset({b"content-length", b"content-encoding", b"transfer-encoding"})

#: Default bodies per injected status, in Zoom's REST shape.
_DEFAULT_BODIES: dict[int, dict[str, Any]] = {
    429: {"code": 429, "message": PER_SECOND_MESSAGE},
    500: {"code": 500, "message": "Internal server error."},
    502: {"code": 502, "message": "Bad Gateway"},
    503: {"code": 503, "message": "Service Unavailable"},
    504: {"code": 504, "message": "Gateway Timeout"},
}


@dataclass
class Fault:
    """One rule: which calls it hits, and what happens to them.

    ``route`` is a route name or a glob over route names (``scim.users.*``, ``*``); ``path``, when
    set, a glob over the request's path (``/scim2/Users/abc*``: one user's calls). A fault with
    ``status`` answers that status instead of the real handler; ``latency`` delays the answer (a
    client whose read timeout is shorter times out); ``drop`` closes the connection without an
    answer. ``applied`` says whether the call takes effect before a timeout, a drop or an injected
    status, which is the ambiguous failure a client must not turn into a duplicate.
    """

    route: str = "*"
    method: str | None = None
    status: int | None = None
    body: dict[str, Any] | None = None
    headers: dict[str, str] = field(default_factory=dict)
    latency: float = 0.0
    drop: bool = False
    applied: bool = False
    #: With status 429: a ``Retry-After`` of this many seconds, in the chosen form.
    retry_after: float | None = None
    retry_after_form: Literal["seconds", "date"] = "seconds"
    #: Revoke every live token before the call is handled (the call then gets a 401 code 124).
    invalidate_tokens: bool = False
    #: How many matching calls the fault hits; ``None`` means every one until cleared.
    times: int | None = 1
    #: Matching calls to let through before the fault starts hitting.
    after: int = 0
    #: Hit one matching call in this many (1: every call); calls let through do not count in times.
    every: int = 1
    #: Seconds to move the emulator's clock on before the call is handled (time passing mid-cycle).
    advance_clock: float = 0.0
    #: Scopes taken out of a token answer's ``scope`` (the app as the client sees it lacks them).
    remove_scopes: list[str] = field(default_factory=list)
    path: str | None = None

    def __post_init__(self) -> None:
        if self.status is not None and not 400 <= self.status <= 599:
            raise ValueError("an injected status must be 4xx or 5xx")
        if self.latency < 0 or self.after < 0 or self.advance_clock < 0 or (self.times is not None and self.times < 1):
            raise ValueError("latency, after and advance_clock must be >= 0, times >= 1")
        if self.every < 1:
            raise ValueError("every must be >= 1")
        self._seen = 0
        if self.retry_after_form not in ("seconds", "date"):
            raise ValueError("retry_after_form is 'seconds' or 'date'")

    def matches(self, route: str, method: str, path: str) -> bool:
        if self.method and self.method.upper() != method:
            return False
        if self.path is not None and not fnmatch.fnmatchcase(path, self.path):
            return False
        return fnmatch.fnmatchcase(route, self.route)

    def note(self) -> str:
        """The journal's note for a call this fault let through (changed, delayed or not)."""
        if self.remove_scopes:
            return f"fault: scopes {', '.join(self.remove_scopes)} removed from the answer"
        if self.advance_clock:
            return f"fault: clock moved {self.advance_clock}s"
        if self.invalidate_tokens:
            return "fault: token invalidation"
        return f"fault: latency {self.latency}s"

    def rewrite(self, answer: Answer) -> Answer:
        """A successful token answer without ``remove_scopes``; any other answer unchanged."""
        if not self.remove_scopes or answer.status != 200 or answer.body is None:
            return answer
        try:
            body = json.loads(answer.decoded())
        except ValueError:
            return answer
        if not isinstance(body, dict) or not isinstance(body.get("scope"), str):
            return answer
        body["scope"] = " ".join(s for s in body["scope"].split() if s not in self.remove_scopes)
        content = json.dumps(body).encode()
        headers = [(k, v) for k, v in answer.headers if k.lower() not in _BODY_HEADERS]
        return Answer(answer.status, [*headers, (b"content-length", str(len(content)).encode())], content)

    def response_body(self) -> dict[str, Any] | None:
        if self.status is None:
            return None
        return (
            self.body
            if self.body is not None
            else _DEFAULT_BODIES.get(self.status, {"code": self.status, "message": "Injected fault."})
        )

    def response_headers(self, now: float) -> dict[str, str]:
        headers = dict(self.headers)
        if self.status == 429 and self.retry_after is not None:
            if self.retry_after_form == "date":
                # A date has whole seconds: rounded up, so that it is never sooner than asked.
                at = datetime.fromtimestamp(math.ceil(now + self.retry_after), UTC)
                headers["Retry-After"] = at.strftime("%Y-%m-%dT%H:%M:%SZ")
            else:
                headers["Retry-After"] = str(int(self.retry_after))
        return headers

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


class Faults:
    """The active fault rules, first match wins."""

    def __init__(self) -> None:
        self._rules: list[Fault] = []
        self._lock = threading.Lock()

    def add(self, fault: Fault | None = None, **kwargs: Any) -> Fault:
        fault = fault or Fault(**kwargs)
        with self._lock:
            self._rules.append(fault)
        return fault

    def clear(self) -> None:
        with self._lock:
            self._rules.clear()

    def rules(self) -> list[Fault]:
        with self._lock:
            return list(self._rules)

    def take(self, route: str, method: str, path: str = "/") -> Fault | None:
        if not self._rules:
            return None
        with self._lock:
            for fault in self._rules:
                if not fault.matches(route, method, path):
                    continue
                if fault.after:
                    fault.after -= 1
                    continue
                fault._seen += 1
                if fault._seen % fault.every:
                    continue
                if fault.times is not None:
                    fault.times -= 1
                    if fault.times == 0:
                        self._rules.remove(fault)
                return fault
        return None
