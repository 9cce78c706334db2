"""Safety for runs against a real Zoom account: a ledger of the users the run created, a guard
that refuses any write to a user not in it, and a cleanup that removes them all at the end."""

from __future__ import annotations

import contextlib
import json
import re
import secrets
import threading
from pathlib import Path

import httpx

from harness.errors import HarnessError
from harness.zoom.scim_names import is_user_create
from harness.zoom.target import Target
from mocks.proxy.zoom_proxy import raw_content

#: A user's own path on either API (SCIM, or REST with its status sub-resource).
_USER_PATH = re.compile(r"/(?:scim2/Users|v2/users)/([^/?]+)(?:/status)?$")


def new_run_marker() -> str:
    """What every user a run creates on a real account carries in its name, and its ledger is named by."""
    return f"zh{secrets.token_hex(3)}"


class GuardRefused(HarnessError):
    """A write to a Zoom user this run did not create."""


class Ledger:
    """Every Zoom user id the run created, kept in a file so that an interrupted run can be
    cleaned up later (``zoom-harness cleanup --ledger FILE``).

    A create is written down as *intended* (by userName) before it is sent, because a run may be
    stopped between Zoom applying it and the answer arriving; the cleanup looks those names up.
    """

    def __init__(self, path: str | Path, run_marker: str) -> None:
        self.path = Path(path)
        self.run_marker = run_marker
        self._lock = threading.Lock()
        self._ids: dict[str, str] = {}
        self._intended: set[str] = set()
        if self.path.exists():
            document = json.loads(self.path.read_text(encoding="utf-8"))
            if not isinstance(document, dict) or not isinstance(document.get("users"), dict):
                raise ValueError(f"{self.path} is not a ledger")
            self._ids = dict(document["users"])
            self._intended = set(document.get("intended", []))
            self.run_marker = run_marker or str(document.get("run_marker", ""))
        self.path.parent.mkdir(parents=True, exist_ok=True)

    def intend(self, user_name: str) -> None:
        with self._lock:
            self._intended.add(user_name.lower())
            self._save()

    def record(self, user_id: str, user_name: str) -> None:
        with self._lock:
            self._ids[user_id] = user_name
            self._intended.discard(user_name.lower())
            self._save()

    def intended(self) -> set[str]:
        """Creates sent whose answer never arrived: they may exist in Zoom."""
        with self._lock:
            return set(self._intended)

    def settle(self, user_name: str) -> None:
        """An intended create that turned out not to exist."""
        with self._lock:
            self._intended.discard(user_name.lower())
            self._save()

    def forget(self, user_id: str) -> None:
        with self._lock:
            self._ids.pop(user_id, None)
            self._save()

    def __contains__(self, user_id: object) -> bool:
        return user_id in self._ids

    def users(self) -> dict[str, str]:
        with self._lock:
            return dict(self._ids)

    def _save(self) -> None:
        document = {"run_marker": self.run_marker, "users": self._ids, "intended": sorted(self._intended)}
        temporary = self.path.with_suffix(".tmp")
        temporary.write_text(json.dumps(document, indent=1), encoding="utf-8")
        temporary.replace(self.path)


class GuardedTransport(httpx.BaseTransport):
    """Wraps a transport: creates are recorded in the ledger, writes to other users refused."""

    def __init__(self, inner: httpx.BaseTransport, ledger: Ledger) -> None:
        self._inner = inner
        self.ledger = ledger

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        found = _USER_PATH.search(request.url.path)
        if found and request.method in ("PUT", "PATCH", "DELETE"):
            user_id = found.group(1)
            if user_id not in self.ledger:
                raise GuardRefused(
                    f"refused {request.method} on Zoom user {user_id}: this run did not create it "
                    "(the real-Zoom guard protects every other user of the account)"
                )
        creating = is_user_create(request.method, request.url.path)
        if creating:
            # Zoom refuses a create without a userName: then there is nothing to clean up.
            with contextlib.suppress(ValueError, KeyError, TypeError):
                self.ledger.intend(str(json.loads(request.content)["userName"]))
        response = self._inner.handle_request(request)
        if creating and response.status_code == 201:
            # Read, and kept as it came (still encoded) for whoever reads it next: the proxy
            # passes it on byte for byte.
            raw = raw_content(response)
            response.close()
            response = httpx.Response(201, headers=response.headers, content=raw, request=request,
                                      extensions=response.extensions)  # fmt: skip
            body = response.json()
            self.ledger.record(body["id"], body.get("userName", ""))
        elif found and request.method == "DELETE" and response.status_code in (204, 404):
            self.ledger.forget(found.group(1))
        return response

    def close(self) -> None:
        self._inner.close()


def clean_up(zoom: Target, ledger: Ledger) -> list[str]:
    """Delete every Zoom user the run created; returns what could not be deleted."""
    from harness.zoom.client import ZoomClient

    left: list[str] = []
    with ZoomClient(zoom, transport=GuardedTransport(httpx.HTTPTransport(), ledger)) as client:
        for user_name in sorted(ledger.intended()):
            # A create whose answer was lost (an interrupt mid-call): find it by its marked name.
            try:
                found = client.find_user(user_name)
            except Exception as error:
                left.append(f"{user_name}: {error}")
                continue
            if found is None:
                ledger.settle(user_name)
            else:
                ledger.record(found["id"], found["userName"])
        for user_id, user_name in ledger.users().items():
            try:
                client.delete_user(user_id)
            except Exception as error:
                left.append(f"{user_name} ({user_id}): {error}")
    return left
