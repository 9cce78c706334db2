"""Server-to-Server OAuth as an ``httpx.Auth``: one token for many calls, renewed when due."""

from __future__ import annotations

import contextlib
import threading
import time
from base64 import b64encode
from collections.abc import Callable, Generator
from dataclasses import dataclass, field
from typing import Any

import httpx

from harness.zoom.errors import TokenError
from harness.zoom.target import Target

Clock = Callable[[], float]


@dataclass
class IssuedToken:
    value: str = field(repr=False)
    scopes: frozenset[str]
    expires_at: float


class ZoomS2SAuth(httpx.Auth):
    """Adds ``Authorization: Bearer`` to every call.

    The token is fetched on first use and reused; it is renewed ``margin`` seconds before it
    expires (Zoom's own SDK renews 60 s early), and once more if a call still comes back 401 with
    code 124. Threads share one renewal: the lock is held while the token request is in flight.
    """

    requires_response_body = True

    def __init__(self, target: Target, *, clock: Clock = time.time, margin: float = 60.0) -> None:
        self._target = target
        self._clock = clock
        self._margin = margin
        self._lock = threading.Lock()
        self._token: IssuedToken | None = None
        self.token_requests = 0

    def __repr__(self) -> str:
        return f"<ZoomS2SAuth account={self._target.account_id} client={self._target.client_id}>"

    @property
    def token(self) -> IssuedToken | None:
        return self._token

    def invalidate(self) -> None:
        self._token = None

    def sync_auth_flow(self, request: httpx.Request) -> Generator[httpx.Request, httpx.Response, None]:
        return self._flow(request, self._lock)

    def auth_flow(self, request: httpx.Request) -> Generator[httpx.Request, httpx.Response, None]:
        # Async clients run the flow on one thread; a thread lock held across an await could
        # deadlock it, and a rare double renewal there costs one extra token request.
        return self._flow(request, contextlib.nullcontext())

    def _flow(self, request: httpx.Request, lock: Any) -> Generator[httpx.Request, httpx.Response, None]:
        with lock:
            if self._due():
                self.store((yield self.token_request()))
        used = self._token
        assert used is not None
        request.headers["Authorization"] = f"Bearer {used.value}"
        response = yield request
        if response.status_code == 401:
            # httpx reads the body for a flow only in Auth's own sync_auth_flow, which this overrides.
            response.read()
        if response.status_code != 401 or not _is_code_124(response):
            return
        with lock:
            if self._token is used:  # nobody renewed it meanwhile
                self.store((yield self.token_request()))
        assert self._token is not None
        request.headers["Authorization"] = f"Bearer {self._token.value}"
        yield request

    def _due(self) -> bool:
        return self._token is None or self._clock() >= self._token.expires_at - self._margin

    def token_request(self) -> httpx.Request:
        self.token_requests += 1
        target = self._target
        return httpx.Request(
            "POST",
            target.token_url,
            data={"grant_type": "account_credentials", "account_id": target.account_id},
            headers={
                "Authorization": "Basic " + b64encode(f"{target.client_id}:{target.client_secret}".encode()).decode()
            },
        )

    def store(self, response: httpx.Response) -> None:
        response.read()
        try:
            body = response.json()
        except ValueError:
            body = {}
        if response.status_code != 200 or not isinstance(body.get("access_token"), str):
            reason = str(body.get("reason", response.text[:200]))
            raise TokenError(response.status_code, str(body.get("error", "")), reason)
        scope = body.get("scope", "")
        self._token = IssuedToken(
            value=body["access_token"],
            scopes=frozenset(scope.split()) if isinstance(scope, str) else frozenset(),
            expires_at=self._clock() + float(body.get("expires_in", 3600)),
        )


def _is_code_124(response: httpx.Response) -> bool:
    try:
        return response.json().get("code") == 124
    except (ValueError, AttributeError):
        return False
