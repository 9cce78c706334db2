"""``python -m harness.directory.watchdog SLAPD_PID FOLDER``: stops a private slapd and removes its
folder when the process that started it is gone, however it went (SIGKILL included).

The owner holds the only write end of a pipe whose read end is this process's standard input: when
the owner exits, the kernel closes that end and the read below returns. (``PR_SET_PDEATHSIG`` would
fire when the owner's starting *thread* ends, and removes no folder.) The module imports nothing of
the harness: it starts in a few tens of milliseconds.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import signal
import sys
import time
from pathlib import Path

PREFIX = "zoom-harness-slapd-"
OWNER_FILE = "owner.pid"


def alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def is_slapd(pid: int) -> bool:
    """Whether ``pid`` is a slapd (a pid read from an old file may have been given to another process)."""
    try:
        return b"slapd" in Path(f"/proc/{pid}/cmdline").read_bytes()
    except OSError:
        return False


def stop_slapd(pid: int, grace: float = 5.0) -> None:
    """SIGTERM to slapd's process group (it leads its own session), SIGKILL after ``grace`` seconds."""
    if not is_slapd(pid):
        return
    with contextlib.suppress(ProcessLookupError):
        os.killpg(pid, signal.SIGTERM)
    deadline = time.monotonic() + grace
    while time.monotonic() < deadline and alive(pid) and is_slapd(pid):
        time.sleep(0.05)
    if alive(pid) and is_slapd(pid):
        with contextlib.suppress(ProcessLookupError):
            os.killpg(pid, signal.SIGKILL)


def _pid(path: Path) -> int | None:
    try:
        return int(path.read_text().split()[0])
    except (OSError, ValueError, IndexError):
        return None


def _young(folder: Path, seconds: float = 60.0) -> bool:
    try:
        return time.time() - folder.stat().st_mtime < seconds
    except OSError:
        return True


def remove_orphans(temp: Path) -> list[Path]:
    """Folders of private slapds whose owner is gone (killed before the watchdog existed, or with the
    machine): their slapd stopped if it still runs, the folder removed."""
    removed = []
    for folder in temp.glob(f"{PREFIX}*"):
        owner = _pid(folder / OWNER_FILE)
        if owner is not None and alive(owner):
            continue
        server = _pid(folder / "slapd.pid")
        if owner is None and (_young(folder) or (server is not None and alive(server) and is_slapd(server))):
            continue  # an older harness's folder: in use while its slapd runs (or it was just made)
        if server is not None:
            stop_slapd(server)
        shutil.rmtree(folder, ignore_errors=True)
        removed.append(folder)
    return removed


def main(argv: list[str]) -> int:
    pid, folder = int(argv[0]), Path(argv[1])
    # Not ours to stop: the owner's terminal or job sends its signals to the owner.
    for signum in (signal.SIGINT, signal.SIGHUP, signal.SIGTERM):
        signal.signal(signum, signal.SIG_IGN)
    while sys.stdin.buffer.read(4096):
        pass  # the owner never writes; EOF is its exit
    stop_slapd(pid)
    shutil.rmtree(folder, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
