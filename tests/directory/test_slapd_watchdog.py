"""No private slapd outlives the process that started it: a watchdog stops it and removes its folder
when the owner dies, SIGKILL included; folders an owner left before are removed at the next start."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

from harness.directory.slapd import DirectoryServer
from harness.directory.watchdog import OWNER_FILE, alive, remove_orphans

OWNER = (
    "import time\nfrom harness.directory.slapd import Slapd\n"
    "s = Slapd(); s.start(); print(s.process.pid, s.folder, flush=True); time.sleep(120)\n"
)


def _gone(pid: int, folder: Path, within: float = 10.0) -> bool:
    deadline = time.monotonic() + within
    while time.monotonic() < deadline:
        if not alive(pid) and not folder.exists():
            return True
        time.sleep(0.05)
    return False


def test_an_owner_killed_with_sigkill_leaves_no_slapd_and_no_folder(slapd: DirectoryServer) -> None:
    owner = subprocess.Popen([sys.executable, "-c", OWNER], stdout=subprocess.PIPE, text=True)
    assert owner.stdout is not None
    pid, folder = owner.stdout.readline().split()
    assert alive(int(pid)) and Path(folder, OWNER_FILE).read_text().strip() == str(owner.pid)
    owner.kill()  # no handler, no finally: only the watchdog can clean up
    owner.wait()
    assert _gone(int(pid), Path(folder)), f"slapd {pid} or {folder} outlived its owner"


def test_folders_whose_owner_is_gone_are_removed_and_others_kept(tmp_path: Path) -> None:
    finished = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"], capture_output=True, text=True)
    dead = tmp_path / "zoom-harness-slapd-dead"
    dead.mkdir()
    (dead / OWNER_FILE).write_text(finished.stdout)
    mine = tmp_path / "zoom-harness-slapd-mine"
    mine.mkdir()
    (mine / OWNER_FILE).write_text(f"{os.getpid()}\n")
    older = tmp_path / "zoom-harness-slapd-older"  # an older harness's: no owner file, its slapd gone
    older.mkdir()
    (older / "slapd.pid").write_text(finished.stdout)
    os.utime(older, (time.time() - 3600, time.time() - 3600))
    just_made = tmp_path / "zoom-harness-slapd-new"  # no owner file yet, made a moment ago: left alone
    just_made.mkdir()
    other = tmp_path / "someone-else"
    other.mkdir()
    assert sorted(p.name for p in remove_orphans(tmp_path)) == ["zoom-harness-slapd-dead", "zoom-harness-slapd-older"]
    assert sorted(p.name for p in tmp_path.iterdir()) == ["someone-else", "zoom-harness-slapd-mine",
                                                          "zoom-harness-slapd-new"]  # fmt: skip
