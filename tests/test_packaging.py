"""The built wheel, installed alone into a fresh virtual environment, gives a user's own test suite
the emulator's fixtures with no ``pytest_plugins`` line (the package's pytest11 entry points), and
runs every feature from outside the checkout.

Slow (it installs the dependencies from the package index): marked ``packaging``, deselected from
the default run, run by CI on its own."""

from __future__ import annotations

import json
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


def test_the_control_fixture_carries_the_token_a_bare_client_lacks(zoom_emulator_server, zoom_emulator_control):
    assert httpx.get(f"{zoom_emulator_server.url}/_emulator/clock").status_code == 401
    assert zoom_emulator_control.get("/_emulator/clock").status_code == 200
"""


@pytest.fixture(scope="module")
def fresh(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A fresh virtual environment holding only the wheel `python -m build` made (from its sdist)."""
    base = tmp_path_factory.mktemp("packaging")
    built = subprocess.run([sys.executable, "-m", "build", "--outdir", str(base / "dist"), str(ROOT)],
                           capture_output=True, text=True)  # fmt: skip
    assert built.returncode == 0, built.stdout[-2000:] + built.stderr[-2000:]
    assert len(list((base / "dist").glob("zoom_provisioner_harness-*.tar.gz"))) == 1
    (wheel,) = (base / "dist").glob("zoom_provisioner_harness-*.whl")
    venv.create(base / "fresh", with_pip=True)
    installed = subprocess.run([str(base / "fresh" / "bin" / "python"), "-m", "pip", "install", "-q", str(wheel)],
                               capture_output=True, text=True)  # fmt: skip
    assert installed.returncode == 0, installed.stderr[-2000:]
    return base / "fresh" / "bin"


@pytest.mark.packaging
def test_a_fresh_environment_with_the_wheel_runs_a_users_tests_with_the_fixtures(fresh: Path, tmp_path: Path) -> None:
    (tmp_path / "test_mine.py").write_text(USER_TEST)
    ran = subprocess.run([str(fresh / "python"), "-m", "pytest", "-q", "-p", "no:cacheprovider", "test_mine.py"],
                         cwd=tmp_path, capture_output=True, text=True)  # fmt: skip
    assert ran.returncode == 0, ran.stdout[-2000:] + ran.stderr[-2000:]
    assert "3 passed" in ran.stdout
    version = subprocess.run([str(fresh / "zoom-harness"), "--version"], capture_output=True, text=True)
    assert version.stdout.strip() == "zoom-harness 0.1.0"


@pytest.mark.packaging
def test_the_installed_wheel_runs_every_feature_outside_the_checkout(fresh: Path, tmp_path: Path) -> None:
    ran = subprocess.run([str(fresh / "zoom-harness"), "run", "--report-dir", "reports", "--", "-n", "2"],
                         cwd=tmp_path, capture_output=True, text=True, timeout=900)  # fmt: skip
    assert ran.returncode == 0, ran.stderr[-3000:]
    document = json.loads((tmp_path / "reports" / "report.json").read_text())
    assert document["summary"]["requirements"] == {"passed": 86, "partial": 0, "failed": 0, "skipped": 0,
                                                   "uncovered": 0}  # fmt: skip
    assert document["header"]["totals"]["scenarios"] == _scenario_count()
    assert str(ROOT) not in json.dumps(document["requirements"][0]["scenarios"][0]["id"])


@pytest.mark.packaging
def test_the_installed_wheel_runs_the_selftest_outside_the_checkout(fresh: Path, tmp_path: Path) -> None:
    ran = subprocess.run([str(fresh / "zoom-harness"), "selftest", "--fault", "timeout-ignored", "--fault",
                          "failure-forgotten", "--report-dir", "reports"], cwd=tmp_path, capture_output=True,
                         text=True, timeout=900)  # fmt: skip
    assert ran.returncode == 0, ran.stdout[-3000:] + ran.stderr[-3000:]
    assert "2 of 2 faults caught" in ran.stdout + ran.stderr
    result = json.loads((tmp_path / "reports" / "selftest.json").read_text())
    assert [(f["name"], f["caught"]) for f in result["faults"]] == [("timeout-ignored", True),
                                                                   ("failure-forgotten", True)]  # fmt: skip


def _scenario_count() -> int:
    """Scenarios and Examples rows in the checkout's features, counted from the Gherkin text."""
    count = 0
    for feature in (ROOT / "features").rglob("*.feature"):
        lines = [line.strip() for line in feature.read_text().splitlines()]
        count += sum(line.startswith("Scenario:") for line in lines)
        in_examples, header_seen = False, False
        for line in lines:
            if line.startswith("Examples:"):
                in_examples, header_seen = True, False
            elif in_examples and line.startswith("|"):
                count += header_seen
                header_seen = True
            elif in_examples and line and not line.startswith("#"):
                in_examples = line.startswith("@")  # an Examples block's tags come before it
    return count
