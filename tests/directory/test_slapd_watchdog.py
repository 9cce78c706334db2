"""No private slapd outlives the process that started it: a watchdog stops it and removes its folder
when the owner dies, SIGKILL included; folders an owner left before are removed at the next start."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

import pytest

from harness.directory.slapd import DirectoryServer
from harness.directory.watchdog import OWNER_FILE, alive, is_slapd, remove_orphans, stop_slapd

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


def test_asking_whether_a_process_lives_sends_it_nothing() -> None:
    """First in the file: a probe that sent a real signal (SIGHUP) would stop the tests' own process
    in the tests below, which reads as an interrupted run rather than a failure."""
    other = subprocess.Popen(["sleep", "60"], start_new_session=True)
    try:
        assert alive(other.pid)
        with pytest.raises(subprocess.TimeoutExpired):
            other.wait(0.3)
    finally:
        other.kill()
        other.wait()
    assert not alive(other.pid)


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


#: A process that passes for slapd (its command line names it), in a session of its own as slapd is;
#: with ``stubborn`` it ignores SIGTERM.
FAKE_SLAPD = "import signal, sys, time\nif sys.argv[1] == 'stubborn': signal.signal(signal.SIGTERM, signal.SIG_IGN)\n" \
             "print('up', flush=True)\ntime.sleep(60)\n"  # fmt: skip


def _fake_slapd(stubborn: bool = False) -> subprocess.Popen[str]:
    process = subprocess.Popen([sys.executable, "-c", FAKE_SLAPD, "stubborn" if stubborn else "polite", "slapd"],
                               stdout=subprocess.PIPE, text=True, start_new_session=True)  # fmt: skip
    assert process.stdout is not None and process.stdout.readline() == "up\n"
    return process


def test_only_a_slapd_is_stopped_and_one_that_ignores_sigterm_is_killed_after_the_grace() -> None:
    other = subprocess.Popen(["sleep", "60"], start_new_session=True)
    polite, stubborn = _fake_slapd(), _fake_slapd(stubborn=True)
    try:
        assert (is_slapd(polite.pid), is_slapd(other.pid), is_slapd(2**22 + 7)) == (True, False, False)
        stop_slapd(other.pid, grace=0.2)
        assert other.poll() is None, "a process that is not slapd was stopped"
        began = time.monotonic()
        stop_slapd(polite.pid, grace=5.0)
        assert polite.wait(5) == -15 and time.monotonic() - began < 2.0  # SIGTERM was enough: no wait
        stop_slapd(stubborn.pid, grace=0.3)
        assert stubborn.wait(5) == -9  # still there after the grace: SIGKILL
    finally:
        for process in (other, polite, stubborn):
            process.kill()
            process.wait()


def test_an_older_harness_folder_whose_slapd_still_runs_is_kept_and_an_orphans_slapd_is_stopped(
    tmp_path: Path,
) -> None:
    finished = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"], capture_output=True, text=True)
    in_use, orphan = _fake_slapd(), _fake_slapd()
    other = subprocess.Popen(["sleep", "60"], start_new_session=True)
    hour_ago = time.time() - 3600
    try:
        older = tmp_path / "zoom-harness-slapd-older-in-use"  # no owner file, made long ago, its slapd running
        older.mkdir()
        (older / "slapd.pid").write_text(f"{in_use.pid}\n")
        os.utime(older, (hour_ago, hour_ago))
        left = tmp_path / "zoom-harness-slapd-left"  # its owner gone, its slapd still running
        left.mkdir()
        (left / OWNER_FILE).write_text(finished.stdout)
        (left / "slapd.pid").write_text(f"{orphan.pid}\n")
        assert [p.name for p in remove_orphans(tmp_path)] == ["zoom-harness-slapd-left"]
        assert orphan.wait(5) == -15 and not left.exists()
        assert in_use.poll() is None and older.exists()
        # A pid that now names another process is not that harness's slapd: the folder is free.
        reused = tmp_path / "zoom-harness-slapd-pid-reused"
        reused.mkdir()
        (reused / "slapd.pid").write_text(f"{other.pid}\n")
        os.utime(reused, (hour_ago, hour_ago))
        assert [p.name for p in remove_orphans(tmp_path)] == ["zoom-harness-slapd-pid-reused"]
        assert other.poll() is None  # and that process is left alone
        # A minute old is old: an owner that never wrote its file is not waited for longer.
        (older / "slapd.pid").write_text(finished.stdout)
        os.utime(older, (time.time() - 60.5, time.time() - 60.5))
        assert [p.name for p in remove_orphans(tmp_path)] == ["zoom-harness-slapd-older-in-use"]
    finally:
        for process in (in_use, orphan, other):
            process.kill()
            process.wait()


def test_a_folder_that_cannot_be_removed_does_not_stop_the_sweep(tmp_path: Path) -> None:
    finished = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"], capture_output=True, text=True)
    target = tmp_path / "elsewhere"
    target.mkdir()
    (target / OWNER_FILE).write_text(finished.stdout)
    (tmp_path / "zoom-harness-slapd-link").symlink_to(target)  # rmtree refuses a link
    gone = tmp_path / "zoom-harness-slapd-gone"
    gone.mkdir()
    (gone / OWNER_FILE).write_text(finished.stdout)
    assert sorted(p.name for p in remove_orphans(tmp_path)) == ["zoom-harness-slapd-gone", "zoom-harness-slapd-link"]
    assert not gone.exists() and target.exists()
