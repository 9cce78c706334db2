"""The token host: Server-to-Server OAuth token and revoke endpoints (reference §1)."""

from __future__ import annotations

import base64
import binascii
import hmac
from urllib.parse import parse_qsl

from mocks.api.routing import Call, Reply, Routes
from mocks.core.errors import OAuthError
from mocks.state.models import App
from mocks.state.settings import EmulatorSettings

routes = Routes("oauth")

#: Captured on Zoom's wire (reference §1.4).
INVALID_CLIENT = OAuthError("invalid_client", "Invalid client_id or client_secret")
UNSUPPORTED_GRANT = OAuthError("unsupported_grant_type", "unsupported grant type")


def app_refusal(state: str, settings: EmulatorSettings | None = None) -> OAuthError:
    """The token host's answer for an app that is ``not activated`` (never, or deactivated) or
    ``deleted`` (its credentials are unknown)."""
    if state == "deleted":
        return INVALID_CLIENT
    if state != "not activated":
        raise ValueError(f"an app is 'not activated' or 'deleted', not {state!r}")
    error, reason = (settings or EmulatorSettings()).token_errors["app_disabled"]
    return OAuthError(error, reason)


def _inferred(call: Call, case: str) -> OAuthError:
    """An error whose wire shape is inferred: ``EmulatorSettings.token_errors`` holds it."""
    error, reason = call.settings.token_errors[case]
    return OAuthError(error, reason)


def _parameters(call: Call) -> dict[str, str]:
    """Query-string and form-body parameters alike, as Zoom accepts both (reference §1.1)."""
    params = dict(call.query.multi_items())
    content_type = call.request.headers.get("content-type", "")
    if call.request.content and "x-www-form-urlencoded" in content_type:
        try:
            params.update(parse_qsl(call.request.content.decode("utf-8"), keep_blank_values=True))
        except UnicodeDecodeError:
            raise UNSUPPORTED_GRANT from None
    return params


def _basic_credentials(call: Call) -> tuple[str, str]:
    header = call.request.headers.get("authorization", "")
    scheme, _, encoded = header.partition(" ")
    if scheme.lower() != "basic" or not encoded.strip():
        raise _inferred(call, "client_missing")
    try:
        client_id, sep, secret = base64.b64decode(encoded.strip(), validate=True).decode().partition(":")
    except (binascii.Error, UnicodeDecodeError):
        raise INVALID_CLIENT from None
    if not sep or not client_id or not secret:
        raise _inferred(call, "client_missing")
    return client_id, secret


def _authenticated_app(call: Call) -> App:
    client_id, secret = _basic_credentials(call)
    app = call.state.app_by_client_id(client_id)
    if app is None or not _same(app.client_secret, secret):
        raise INVALID_CLIENT
    return app


def _same(expected: str, given: str) -> bool:
    return hmac.compare_digest(expected.encode(), given.encode())


@routes.route("POST", "/oauth/token", "oauth.token")
def issue_token(call: Call) -> Reply:
    params = _parameters(call)
    app = _authenticated_app(call)
    if params.get("grant_type") != "account_credentials":
        raise UNSUPPORTED_GRANT
    if params.get("account_id") != app.account_id:
        raise _inferred(call, "wrong_account")
    if app.status != "activated":
        raise _inferred(call, "app_disabled")
    token = call.state.issue_token(app)
    return Reply(
        200,
        {
            "access_token": token.value,
            "token_type": "bearer",
            "expires_in": call.settings.token_ttl,
            "scope": " ".join(sorted(token.scopes)),
            "api_url": call.api_base,
        },
    )


@routes.route("POST", "/oauth/revoke", "oauth.revoke")
def revoke_token(call: Call) -> Reply:
    params = _parameters(call)
    app = _authenticated_app(call)
    value = params.get("token", "")
    token = call.state.tokens.get(value)
    if not value or token is None or token.app_id != app.id:
        raise OAuthError("invalid_request", "Invalid token")
    call.state.revoke_token(value)
    return Reply(200, {"status": "success"})
