"""The control token of a served emulator or proxy, where the harness finds it.

``zoom-harness serve`` guards its control surface (``/_emulator``) with a token and writes it to a
file only its owner can read, named after the server's address, in the state folder
(``.zoom-harness/control/127.0.0.1-8765.token``); it removes the file when it stops. A client of
that server (``run --emulator-url``, ``run --proxy``) takes the token given to it, else
``ZOOM_HARNESS_CONTROL_TOKEN``, else that file: run from the same folder, nobody types it.
"""

from __future__ import annotations

import contextlib
import os
from pathlib import Path

import httpx

from harness.errors import HarnessError
from harness.state_dir import state_dir, write_private

TOKEN_ENV = "ZOOM_HARNESS_CONTROL_TOKEN"


def token_path(url: str) -> Path:
    """The file a server at ``url`` keeps its control token in."""
    parsed = httpx.URL(url)
    port = parsed.port or (443 if parsed.scheme == "https" else 80)
    host = "127.0.0.1" if parsed.host == "localhost" else parsed.host.replace(":", "_")
    return state_dir() / "control" / f"{host}-{port}.token"


def save_token(url: str, token: str) -> Path:
    path = token_path(url)
    try:
        write_private(path, token + "\n")
    except OSError as error:
        raise HarnessError(f"cannot write the control token to {path}: {error.strerror}") from None
    return path


def forget_token(url: str) -> None:
    with contextlib.suppress(OSError):
        token_path(url).unlink()


def token_for(url: str, given: str | None = None) -> str | None:
    """The control token to send to the server at ``url``; None when none is known."""
    if given:
        return given
    if os.environ.get(TOKEN_ENV):
        return os.environ[TOKEN_ENV]
    try:
        return token_path(url).read_text(encoding="utf-8").strip() or None
    except OSError:
        return None


def missing_token_hint(url: str) -> str:
    """What to do when the server at ``url`` refused the harness's token (or its lack of one)."""
    return (f"the control surface of {url} refused the harness: give its token in {TOKEN_ENV}, or run from the "
            f"folder `zoom-harness serve` was started in (it writes {token_path(url)})")  # fmt: skip
