"""The Zoom client: SCIM2 calls with Server-to-Server OAuth, retries, deadlines and evidence.

Retries are the client's job, not the provisioner's: a 429 waits for ``Retry-After`` (seconds or
a date); a 5xx, a timeout or a dropped connection waits a jittered, growing backoff. A call that may
have reached Zoom before it failed (a POST that timed out) is never blindly repeated: the create
looks the user up first, so a retry cannot make a duplicate.
"""

from __future__ import annotations

import socket
import time
from collections.abc import Callable, Iterator
from typing import Any
from urllib.parse import quote

import httpx

from harness.zoom.auth import Clock, ZoomS2SAuth
from harness.zoom.errors import RetriesExhausted, ZoomRequestError
from harness.zoom.retry import RetryPolicy
from harness.zoom.scim_names import PATCH_OP, USERS_PATH
from harness.zoom.target import Target
from mocks.core.client_tls import shared_tls

SCIM_PAGE = 100
#: How failures name the calls they come from, and what a 429 leaves as the last error.
_CREATE = f"POST {USERS_PATH}"
_RATE_LIMITED = "429 Too Many Requests"
ExchangeHook = Callable[[httpx.Response], None]


class AmbiguousFailure(Exception):
    """The call failed in a way that leaves open whether Zoom applied it."""

    def __init__(self, last: str) -> None:
        super().__init__(last)
        self.last = last


class ZoomClient:
    def __init__(
        self,
        target: Target,
        *,
        transport: httpx.BaseTransport | None = None,
        timeout: float = 60.0,
        retry: RetryPolicy | None = None,
        clock: Clock = time.time,
        sleep: Callable[[float], None] = time.sleep,
        max_connections: int = 10,
        on_exchange: ExchangeHook | None = None,
    ) -> None:
        self.target = target
        self.auth = ZoomS2SAuth(target, clock=clock)
        self.retry = retry or RetryPolicy()
        self.clock = clock
        self.sleep = sleep
        self.timeout = timeout
        if transport is None:
            transport = httpx.HTTPTransport(
                verify=shared_tls(),
                limits=httpx.Limits(max_connections=max_connections, max_keepalive_connections=max_connections),
                # Without it a request body waits for the delayed ACK of its headers (~40 ms).
                socket_options=[(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)],
            )
        hooks = {"response": [on_exchange]} if on_exchange else {}
        self.http = httpx.Client(transport=transport, auth=self.auth, timeout=timeout, event_hooks=hooks)
        self.calls = 0
        #: When Zoom said no calls remain in the current window, wait for the next one instead of
        #: spending a call on a 429 (the per-second window turns within a second).
        self._paused_until = 0.0

    def __repr__(self) -> str:
        return f"<ZoomClient {self.target.api_base_url} account={self.target.account_id}>"

    def close(self) -> None:
        self.http.close()

    def __enter__(self) -> ZoomClient:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # -- tokens ---------------------------------------------------------------------------

    def fetch_token(self) -> frozenset[str]:
        """Ask for a token now (as channel activation does) and return its scopes."""
        self.auth.invalidate()
        request = self.auth.token_request()
        response = self.http.send(request, auth=None)
        self.auth.store(response)
        assert self.auth.token is not None
        return self.auth.token.scopes

    # -- the call loop --------------------------------------------------------------------

    def send(
        self,
        method: str,
        path: str,
        *,
        json: Any = None,
        params: dict[str, Any] | None = None,
        idempotent: bool = True,
        deadline: float | None = None,
    ) -> httpx.Response:
        """One call with retries; returns any non-retryable response (the caller reads its status)."""
        url = f"{self.target.api_base_url}{path}"
        what = f"{method} {path}"
        last = ""
        for attempt in range(1, self.retry.attempts + 1):
            remaining = None if deadline is None else deadline - self.clock()
            if remaining is not None and remaining <= 0:
                raise RetriesExhausted(what, attempt - 1, last or "no answer in time", deadline=True)
            timeout = self.timeout if remaining is None else min(self.timeout, remaining)
            pause = self._paused_until - self.clock()
            if pause > 0:
                self._wait(pause, deadline, what, attempt, last or "paced by the rate limit")
            self.calls += 1
            try:
                response = self.http.request(
                    method, url, json=json, params=params, timeout=timeout, headers=_ACCEPT[path.startswith("/scim2")]
                )
            except httpx.TimeoutException:
                last = "timed out"
            except httpx.TransportError as error:
                last = f"{type(error).__name__}: {error}"
            else:
                if response.headers.get("x-ratelimit-remaining") == "0":
                    self._paused_until = self.clock() + 1.0
                if response.status_code == 429:
                    wait = self.retry.rate_limited_wait(response, attempt, self.clock())
                    if wait is None:
                        raise ZoomRequestError.from_response(response)
                    self._wait(wait, deadline, what, attempt, _RATE_LIMITED)
                    last = _RATE_LIMITED
                    continue
                if response.status_code < 500:
                    return response
                last = f"{response.status_code} {response.reason_phrase}"
            if not idempotent:
                raise AmbiguousFailure(last)
            if attempt < self.retry.attempts:
                self._wait(self.retry.backoff(attempt), deadline, what, attempt, last)
        raise RetriesExhausted(what, self.retry.attempts, last)

    def _wait(self, seconds: float, deadline: float | None, what: str, attempt: int, last: str) -> None:
        if deadline is not None and self.clock() + seconds > deadline:
            raise RetriesExhausted(what, attempt, last, deadline=True)
        self.sleep(seconds)

    def send_json(self, method: str, path: str, *, expect: tuple[int, ...] = (200,), **kwargs: Any) -> Any:
        response = self.send(method, path, **kwargs)
        if response.status_code not in expect:
            raise ZoomRequestError.from_response(response)
        return response.json() if response.content else None

    # -- SCIM2 users ----------------------------------------------------------------------

    def find_user(self, user_name: str, *, deadline: float | None = None) -> dict[str, Any] | None:
        escaped = user_name.replace("\\", "\\\\").replace('"', '\\"')
        page = self.send_json("GET", USERS_PATH, params={"filter": f'userName eq "{escaped}"'}, deadline=deadline)
        resources = page.get("Resources") or []
        return resources[0] if resources else None

    def get_user(self, user_id: str, *, deadline: float | None = None) -> dict[str, Any] | None:
        response = self.send("GET", f"/scim2/Users/{_quote(user_id)}", deadline=deadline)
        if response.status_code == 404:
            return None
        if response.status_code != 200:
            raise ZoomRequestError.from_response(response)
        return response.json()

    def iter_users(self, *, page_size: int = SCIM_PAGE) -> Iterator[dict[str, Any]]:
        """Every SCIM user of the account, page by page (1-based ``startIndex``)."""
        start = 1
        while True:
            page = self.send_json("GET", USERS_PATH, params={"startIndex": start, "count": page_size})
            resources = page.get("Resources") or []
            yield from resources
            start += len(resources)
            if not resources or start > int(page.get("totalResults", 0)):
                return

    def create_user(self, body: dict[str, Any], *, deadline: float | None = None) -> dict[str, Any]:
        """Create a SCIM user and return it.

        A 409 raises :class:`ZoomRequestError` (the caller decides to link). After an ambiguous
        failure the user is looked up first, and adopted if the lost answer had created it.
        """
        last = ""
        for attempt in range(1, self.retry.attempts + 1):
            try:
                response = self.send("POST", USERS_PATH, json=body, idempotent=False, deadline=deadline)
            except AmbiguousFailure as failure:
                last = failure.last
                existing = self.find_user(body["userName"], deadline=deadline)
                if existing is not None:
                    return existing
                if attempt < self.retry.attempts:
                    self._wait(self.retry.backoff(attempt), deadline, _CREATE, attempt, last)
                continue
            if response.status_code != 201:
                raise ZoomRequestError.from_response(response)
            return response.json()
        raise RetriesExhausted(_CREATE, self.retry.attempts, last)

    def update_user(self, user_id: str, body: dict[str, Any], *, deadline: float | None = None) -> dict[str, Any]:
        """Zoom's PUT is a partial update: only the attributes in ``body`` change."""
        return self.send_json("PUT", f"/scim2/Users/{_quote(user_id)}", json=body, deadline=deadline)

    def set_active(self, user_id: str, active: bool, *, deadline: float | None = None) -> dict[str, Any]:
        patch = {"schemas": [PATCH_OP], "Operations": [{"op": "replace", "value": {"active": active}}]}
        return self.send_json("PATCH", f"/scim2/Users/{_quote(user_id)}", json=patch, deadline=deadline)

    def delete_user(self, user_id: str, *, deadline: float | None = None) -> None:
        """Delete; a 404 counts as done, since a retried DELETE may find the first one landed."""
        self.send_json("DELETE", f"/scim2/Users/{_quote(user_id)}", expect=(204, 404), deadline=deadline)


_ACCEPT = {True: {"Accept": "application/scim+json"}, False: {"Accept": "application/json"}}


def _quote(value: str) -> str:
    """Zoom ids may hold ``&``, ``-`` and ``_``: always encode them in a path."""
    return quote(value, safe="")
