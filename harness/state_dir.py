"""Where the harness keeps what outlives a process (ledgers, TLS files, sync state): ``.zoom-harness``
in the working folder, or ``ZOOM_HARNESS_STATE_DIR``."""

from __future__ import annotations

import os
from pathlib import Path

DEFAULT = ".zoom-harness"


def state_dir() -> Path:
    return Path(os.environ.get("ZOOM_HARNESS_STATE_DIR", DEFAULT))


def write_private(path: Path, text: str) -> None:
    """Write a file only its owner can read (it holds a secret), even where one was there before."""
    path.parent.mkdir(parents=True, exist_ok=True)
    descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(descriptor, "w", encoding="utf-8") as handle:
        os.fchmod(handle.fileno(), 0o600)
        handle.write(text)
