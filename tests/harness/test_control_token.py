"""Where the harness finds a served emulator's control token: given, else the environment, else the
file `zoom-harness serve` wrote in the state folder for that address."""

from __future__ import annotations

from pathlib import Path

import pytest

from harness.errors import HarnessError
from harness.targets.control_token import forget_token, missing_token_hint, save_token, token_for, token_path


@pytest.fixture(autouse=True)
def state(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("ZOOM_HARNESS_STATE_DIR", str(tmp_path))
    monkeypatch.delenv("ZOOM_HARNESS_CONTROL_TOKEN", raising=False)
    return tmp_path


def test_the_file_is_named_after_the_address_and_only_its_owner_reads_it(state: Path) -> None:
    path = save_token("http://127.0.0.1:8765", "t-file")
    assert path == state / "control" / "127.0.0.1-8765.token"
    assert path.read_text() == "t-file\n" and oct(path.stat().st_mode & 0o777) == "0o600"
    assert token_path("http://localhost:8765/") == path  # the same server by its other loopback name
    assert token_path("https://[::1]:9443") == state / "control" / "__1-9443.token"
    assert token_path("https://127.0.0.1") == state / "control" / "127.0.0.1-443.token"


def test_given_then_environment_then_file(monkeypatch: pytest.MonkeyPatch) -> None:
    url = "http://127.0.0.1:8765"
    assert token_for(url) is None
    save_token(url, "t-file")
    assert token_for(url) == "t-file"
    assert token_for("http://127.0.0.1:8766") is None  # another server's
    monkeypatch.setenv("ZOOM_HARNESS_CONTROL_TOKEN", "t-env")
    assert token_for(url) == "t-env"
    assert token_for(url, "t-given") == "t-given"
    forget_token(url)
    forget_token(url)  # already gone: nothing to say
    monkeypatch.delenv("ZOOM_HARNESS_CONTROL_TOKEN")
    assert token_for(url) is None


def test_a_refusal_says_where_the_token_comes_from(state: Path) -> None:
    hint = missing_token_hint("http://127.0.0.1:8765")
    assert hint == ("the control surface of http://127.0.0.1:8765 refused the harness: give its token in "
                    "ZOOM_HARNESS_CONTROL_TOKEN, or run from the folder `zoom-harness serve` was started in "
                    f"(it writes {state / 'control' / '127.0.0.1-8765.token'})")  # fmt: skip


def test_a_token_file_that_cannot_be_written_is_one_line(state: Path) -> None:
    (state / "control").write_text("a file where the folder goes")
    with pytest.raises(HarnessError, match=r"^cannot write the control token to .*127\.0\.0\.1-8765\.token: "):
        save_token("http://127.0.0.1:8765", "t")


def test_the_harness_refused_by_a_control_surface_says_what_to_do(state: Path) -> None:
    import httpx

    from harness.targets.emulator_control import EmulatorControl
    from mocks.serving.server import ServedEmulator

    with ServedEmulator() as served, httpx.Client(timeout=10) as http:
        with pytest.raises(HarnessError) as refused:
            EmulatorControl(http, served.url).clear_faults()
        assert str(refused.value) == missing_token_hint(served.url)
        with pytest.raises(HarnessError):
            EmulatorControl(http, served.url, "not-the-token").settings()
        save_token(served.url, served.control_token)  # as `zoom-harness serve` would have
        assert EmulatorControl(http, served.url, token_for(served.url)).settings()["rate_limits"] is True
        assert served.control_token not in repr(EmulatorControl(http, served.url, served.control_token))
