"""The token host's contract, pinned where the emulator's mutation run (``make mutants-contract``)
found it unpinned: how the client's Basic credentials and the grant's parameters are read. Docstrings
quote ``../shared/reference/zoom-api.md`` §1 or the RFC the expected value comes from."""

from __future__ import annotations

import base64

import httpx

from tests.emulator.conftest import Zoom

MISSING = {"reason": "Client ID or client secret is missing.", "error": "invalid_client"}
INVALID = {"reason": "Invalid client_id or client_secret", "error": "invalid_client"}


def _basic(client_id: str, secret: str) -> str:
    return base64.b64encode(f"{client_id}:{secret}".encode()).decode()


def _token(
    zoom: Zoom,
    authorization: str | None,
    *,
    account_id: str | None = None,
    headers: dict[str, str] | None = None,
    content: bytes | None = None,
) -> httpx.Response:
    """A token request for the account (the fixture's by default), its grant in the query string."""
    sent = dict(headers or {})
    if authorization is not None:
        sent["Authorization"] = authorization
    params = {"grant_type": "account_credentials", "account_id": account_id or zoom.credentials.account_id}
    return zoom.http.post(zoom.emulator.token_url, params=params, headers=sent, content=content)


def _answer(response: httpx.Response) -> tuple[int, dict[str, str]]:
    body = response.json()
    return response.status_code, (body if response.status_code != 200 else {"token_type": body["token_type"]})


def test_credentials_that_are_missing_or_not_basic_are_refused_as_missing(zoom: Zoom) -> None:
    """zoom-api.md §1.1: the client authenticates with ``Authorization: Basic base64(client_id:client_secret)``;
    §1.4: "Missing Basic auth": official table **4706 "Client ID or client secret is missing."**, wire
    shape unknown; the emulator answers 400 ``invalid_client`` with that reason (inferred)."""
    creds = zoom.credentials
    for header in (None, "", f"Bearer {_basic(creds.client_id, creds.client_secret)}", "Basic",
                   f"Basic {_basic(creds.client_id, '')}", f"Basic {_basic('', creds.client_secret)}",
                   f"Basic {base64.b64encode(creds.client_id.encode()).decode()}"):  # fmt: skip
        assert _answer(_token(zoom, header)) == (400, MISSING), header


def test_basic_credentials_are_read_as_rfc_7617_writes_them(zoom: Zoom) -> None:
    """RFC 7235 §2.1: ``credentials = auth-scheme [ 1*SP ( token68 / #auth-param ) ]`` (one or more
    spaces) and the scheme is case-insensitive; RFC 7617 §2: "a user-id containing a colon character
    is invalid", so the first colon ends the client id and the secret may hold colons; the credentials
    are base64 (RFC 4648): a character outside its alphabet makes them "Invalid client_id or
    client_secret" (zoom-api.md §1.4, captured)."""
    colon = zoom.emulator.ready_account(domain="colon.example", client_secret="se:cr:et")
    encoded = _basic(colon.client_id, colon.client_secret)
    two_spaces = _token(zoom, f"basic  {encoded}", account_id=colon.account_id)
    assert _answer(two_spaces) == (200, {"token_type": "bearer"})
    valid = _basic(zoom.credentials.client_id, zoom.credentials.client_secret)
    assert _answer(_token(zoom, f"Basic {valid[:8]}*{valid[8:]}")) == (400, INVALID)


def test_grant_parameters_come_from_the_query_and_from_a_form_body_only(zoom: Zoom) -> None:
    """zoom-api.md §1.1: the grant's parameters go in the query string (Zoom's documented form) or,
    as RFC 6749 §4.4.2 sends them, in an ``application/x-www-form-urlencoded`` body. A body of any
    other type is not read (inferred); a form field given blank is given, and wins over the query's."""
    creds = zoom.credentials
    header = f"Basic {_basic(creds.client_id, creds.client_secret)}"
    for headers in ({"Content-Type": "text/plain"}, {}):
        response = _token(zoom, header, content=b"grant_type=password", headers=headers)
        assert _answer(response) == (200, {"token_type": "bearer"}), headers
    form = {"Content-Type": "application/x-www-form-urlencoded"}
    blank = _token(zoom, header, content=b"grant_type=account_credentials&account_id=", headers=form)
    assert _answer(blank) == (400, {"reason": "Invalid account_id", "error": "invalid_request"})
