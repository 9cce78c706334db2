"""Where the harness keeps what outlives a process (ledgers, TLS files, sync state): ``.zoom-harness``
in the working folder, or ``ZOOM_HARNESS_STATE_DIR``."""

from __future__ import annotations

import os
from pathlib import Path

DEFAULT = ".zoom-harness"


def state_dir() -> Path:
    return Path(os.environ.get("ZOOM_HARNESS_STATE_DIR", DEFAULT))
