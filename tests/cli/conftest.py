"""The commands run here as a user runs them, each with a state folder of its own: what a command
keeps between runs (ledgers, control tokens, TLS files) never lands in the checkout."""

from __future__ import annotations

from pathlib import Path

import pytest


@pytest.fixture(autouse=True)
def own_state_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("ZOOM_HARNESS_STATE_DIR", str(tmp_path / "state"))
