"""Fixtures shared by the test folders: the private LDAP directory."""

from __future__ import annotations

import signal
from collections.abc import Iterator

import pytest

from harness.directory.slapd import INSTALL_HINT, REQUIRE_VARIABLE, DirectoryServer, Slapd, slapd_binary, slapd_required

# A runner that starts the suite in the background of a shell (bash ignores SIGINT for such jobs)
# hands that ignore down to every command a test stops with Ctrl+C's signal, and Python then never
# raises KeyboardInterrupt. The tests stand for a user's terminal: SIGINT is live here, and so in
# the commands they start (a handler becomes the default across exec; an ignore would stay).
if signal.getsignal(signal.SIGINT) is signal.SIG_IGN:
    signal.signal(signal.SIGINT, signal.default_int_handler)


@pytest.fixture(scope="session")
def slapd() -> Iterator[DirectoryServer]:
    """A private slapd for the session. Where slapd is required (CI sets ZOOM_HARNESS_REQUIRE_SLAPD),
    a missing slapd fails the test; elsewhere it is skipped with the way to install it."""
    if slapd_binary() is None:
        message = f"slapd is not installed ({INSTALL_HINT})"
        if slapd_required():
            pytest.fail(f"{message}, and {REQUIRE_VARIABLE} says it is required")
        pytest.skip(message)
    with Slapd() as server:
        yield server


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """The tests marked ``starts_first`` run before the others (in their order): each spends most of
    its time waiting on a paced peer, so started first it overlaps the rest instead of ending last."""
    items.sort(key=lambda item: item.get_closest_marker("starts_first") is None)
