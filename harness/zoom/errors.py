"""What can go wrong talking to Zoom, without ever carrying a secret in a message."""

from __future__ import annotations

from typing import Any

import httpx


class ZoomError(Exception):
    """Base of the client's errors."""


class TokenError(ZoomError):
    """The token endpoint refused the credentials; ``cause`` says why in the user's terms."""

    def __init__(self, status: int, error: str, reason: str) -> None:
        self.status = status
        self.error = error
        self.reason = reason
        self.cause = token_refusal_cause(error, reason)
        super().__init__(f"Zoom refused the token request ({status} {error}: {reason}): {self.cause}")


def token_refusal_cause(error: str, reason: str) -> str:
    lowered = reason.lower()
    if "disabled" in lowered:
        return "the app is not activated, or was deactivated, in the Zoom Marketplace"
    if "account" in lowered:
        return "the account ID does not match the app's account"
    if error == "invalid_client":
        return "the client ID or client secret is wrong"
    if error == "unsupported_grant_type":
        return "the app is not a Server-to-Server OAuth app (or the grant parameters were not sent)"
    return reason


class ZoomRequestError(ZoomError):
    """Zoom answered an API call with an error status."""

    def __init__(self, method: str, url: str, status: int, body: Any) -> None:
        self.method = method
        self.url = url
        self.status = status
        self.body = body
        self.code = body.get("code") if isinstance(body, dict) else None
        self.message = _message(body)
        super().__init__(f"{method} {url} answered {status}: {self.message}")

    @classmethod
    def from_response(cls, response: httpx.Response) -> ZoomRequestError:
        try:
            body: Any = response.json()
        except ValueError:
            body = response.text[:200]
        url = str(response.request.url.copy_with(query=None))
        return cls(response.request.method, url, response.status_code, body)


def _message(body: Any) -> str:
    if isinstance(body, dict):
        return str(body.get("detail") or body.get("message") or body.get("reason") or body)
    return str(body)


class RetriesExhausted(ZoomError):
    """A call kept failing (429, 5xx, timeouts, drops) until its retries or deadline ran out."""

    def __init__(self, what: str, attempts: int, last: str, *, deadline: bool = False) -> None:
        self.attempts = attempts
        self.last = last
        self.deadline = deadline
        limit = "the operation timeout passed" if deadline else f"{attempts} attempts"
        super().__init__(f"{what} failed after {limit}; last error: {last}")
