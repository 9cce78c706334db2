"""The built wheel, installed alone into a fresh virtual environment, gives a user's own test suite
the emulator's fixtures with no ``pytest_plugins`` line (the package's pytest11 entry points).

Slow (it installs the dependencies from the package index): marked ``packaging``, deselected from
the default run, run by CI on its own."""

from __future__ import annotations

import subprocess
import sys
import venv
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
USER_TEST = """
import httpx


def test_the_emulator_fixture_answers_any_httpx_client(zoom_emulator):
    credentials = zoom_emulator.ready_account()
    token = httpx.post(credentials.token_url, data={"grant_type": "account_credentials",
                       "account_id": credentials.account_id}, auth=(credentials.client_id, credentials.client_secret))
    assert token.status_code == 200 and token.json()["token_type"] == "bearer"


def test_the_served_fixture_listens_on_loopback(zoom_emulator_server):
    assert zoom_emulator_server.url.startswith("http://127.0.0.1:")
"""


@pytest.mark.packaging
def test_a_fresh_environment_with_the_wheel_runs_a_users_tests_with_the_fixtures(tmp_path: Path) -> None:
    built = subprocess.run([sys.executable, "-m", "pip", "wheel", "--no-deps", "-q", "-w",
                            str(tmp_path / "dist"), str(ROOT)], capture_output=True, text=True)  # fmt: skip
    assert built.returncode == 0, built.stderr[-2000:]
    (wheel,) = (tmp_path / "dist").glob("zoom_provisioner_harness-*.whl")
    venv.create(tmp_path / "fresh", with_pip=True)
    python = tmp_path / "fresh" / "bin" / "python"
    installed = subprocess.run([str(python), "-m", "pip", "install", "-q", str(wheel)], capture_output=True, text=True)
    assert installed.returncode == 0, installed.stderr[-2000:]
    users = tmp_path / "users_project"
    users.mkdir()
    (users / "test_mine.py").write_text(USER_TEST)
    ran = subprocess.run([str(python), "-m", "pytest", "-q", "-p", "no:cacheprovider", "test_mine.py"], cwd=users,
                         capture_output=True, text=True)  # fmt: skip
    assert ran.returncode == 0, ran.stdout[-2000:] + ran.stderr[-2000:]
    assert "2 passed" in ran.stdout
    version = subprocess.run([str(tmp_path / "fresh" / "bin" / "zoom-harness"), "--version"], capture_output=True,
                             text=True)  # fmt: skip
    assert version.stdout.strip() == "zoom-harness 0.1.0"
