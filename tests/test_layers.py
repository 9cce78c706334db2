"""The layers written in pyproject.toml's import-linter contracts hold, and they bite: a wrong import
added to a copy of the project makes ``lint-imports`` fail, naming the contract it breaks."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
LINT_IMPORTS = Path(sys.executable).with_name("lint-imports")


def _lint(folder: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run([str(LINT_IMPORTS), "--no-cache"], cwd=folder, capture_output=True, text=True,
                          env={"PYTHONPATH": str(folder), "PATH": "/usr/bin:/bin"}, timeout=120)  # fmt: skip


@pytest.fixture
def copy(tmp_path: Path) -> Path:
    for name in ("harness", "mocks", "steps"):
        shutil.copytree(ROOT / name, tmp_path / name, ignore=shutil.ignore_patterns("__pycache__", "suite"))
    shutil.copy2(ROOT / "pyproject.toml", tmp_path / "pyproject.toml")
    return tmp_path


def test_the_project_keeps_every_contract() -> None:
    done = _lint(ROOT)
    assert done.returncode == 0, done.stdout + done.stderr
    assert "4 kept, 0 broken" in done.stdout


@pytest.mark.parametrize(
    ("module", "wrong_import", "broken"),
    [
        # The emulator imports nothing of the harness.
        ("mocks/core/wire.py", "from harness import errors", "The emulator knows nothing of the harness"),
        # Today's circles, each put back: the report reading the plugin's keys, the report and the merge.
        ("harness/certify/report.py", "from harness.bdd import plugin", "The harness in layers"),
        ("harness/certify/report.py", "from harness.certify import merge", "No import circles"),
        # A lower floor reaching up, inside an import made only for type checking.
        (
            "harness/zoom/client.py",
            "if TYPE_CHECKING:\n    from harness.provisioner import engine",
            "The harness in layers",
        ),
        ("mocks/core/mounting.py", "from mocks.serving import asgi", "The emulator in layers"),
        ("mocks/state/models.py", "from mocks.api import routing", "The emulator in layers"),
    ],
)
def test_a_wrong_import_breaks_its_contract(copy: Path, module: str, wrong_import: str, broken: str) -> None:
    path = copy / module
    text = path.read_text(encoding="utf-8")
    header = "from __future__ import annotations\n"
    extra = "from typing import TYPE_CHECKING\n" if "TYPE_CHECKING" in wrong_import else ""
    path.write_text(text.replace(header, f"{header}\n{extra}{wrong_import}  # noqa\n", 1), encoding="utf-8")
    done = _lint(copy)
    assert done.returncode == 1, done.stdout + done.stderr
    broken_section = done.stdout.split("Broken contracts", 1)[-1]
    assert broken in broken_section, done.stdout
