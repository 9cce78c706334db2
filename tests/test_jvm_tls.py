"""A real JVM reaches the emulator over HTTPS under Zoom's own names, as PingFederate's connector
would: the harness's trust store and a hosts file are all it is given, and certificate and
hostname verification stay on."""

from __future__ import annotations

import os
import shutil
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest

from mocks.serving.server import ServedEmulator
from mocks.serving.tls import TlsFiles, ensure_certificates

PROBE = Path(__file__).with_name("jvm") / "ZoomProbe.java"
JAVA = shutil.which("java")
if JAVA is None and os.environ.get("CI"):
    pytest.fail("CI must install a JDK for the JVM test (.ci/run installs default-jdk-headless)", pytrace=False)
pytestmark = pytest.mark.skipif(JAVA is None, reason="no java (apt-get install default-jdk-headless)")


@pytest.fixture(scope="module")
def tls(tmp_path_factory: pytest.TempPathFactory) -> TlsFiles:
    return ensure_certificates(tmp_path_factory.mktemp("tls"))


@pytest.fixture(scope="module")
def served(tls: TlsFiles) -> Iterator[ServedEmulator]:
    with ServedEmulator(tls=tls) as server:
        yield server


#: Short-lived JVMs: the quick compiler and one GC thread save each about half a second of CPU.
_QUICK_JVM_FLAGS = ("-J-XX:TieredStopAtLevel=1", "-J-XX:+UseSerialGC")


@pytest.fixture(scope="module")
def probe(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The probe compiled once: run from its source, each JVM compiled it again (1 s of CPU each)."""
    classes = tmp_path_factory.mktemp("probe")
    javac = shutil.which("javac")
    assert javac is not None, "the JDK has no javac"
    compiled = subprocess.run(
        [javac, *_QUICK_JVM_FLAGS, "-d", str(classes), str(PROBE)], capture_output=True, text=True, timeout=120
    )
    assert compiled.returncode == 0, compiled.stderr
    return classes


def _java(
    probe: Path, tls: TlsFiles, hosts: Path, *urls: str, trust: bool = True, secret: str
) -> subprocess.CompletedProcess[str]:
    options = [
        "-cp",
        str(probe),
        *(flag.removeprefix("-J") for flag in _QUICK_JVM_FLAGS),
        f"-Djdk.net.hosts.file={hosts}",
    ]
    if trust:
        options += [f"-Djavax.net.ssl.trustStore={tls.truststore}", "-Djavax.net.ssl.trustStoreType=PKCS12",
                    f"-Djavax.net.ssl.trustStorePassword={tls.truststore_password}"]  # fmt: skip
    assert JAVA is not None
    return subprocess.run([JAVA, *options, PROBE.stem, *urls], capture_output=True, text=True, timeout=120,
                          env={**os.environ, "ZOOM_CLIENT_SECRET": secret})  # fmt: skip


def _hosts(tmp_path: Path, *names: str) -> Path:
    hosts = tmp_path / "hosts"
    hosts.write_text("".join(f"127.0.0.1 {name}\n" for name in names))
    return hosts


def test_a_jvm_gets_a_token_and_lists_scim_users_under_zoom_names(
    served: ServedEmulator, tls: TlsFiles, probe: Path, tmp_path: Path
) -> None:
    credentials = served.emulator.ready_account(domain="jvm.example")
    served.emulator.state.create_user(credentials.account_id, "ada@jvm.example")
    assert credentials.token_url.startswith("https://zoom.us:") and credentials.api_base_url.startswith(
        "https://api.zoom.us:"
    )
    hosts = _hosts(tmp_path, "zoom.us", "api.zoom.us")
    answer = _java(probe, tls, hosts, credentials.token_url, credentials.api_base_url, credentials.account_id,
                   credentials.client_id, secret=credentials.client_secret)  # fmt: skip
    assert answer.returncode == 0, answer.stderr[-2000:]
    # The owner and ada: the token came from zoom.us, the list from api.zoom.us.
    assert answer.stdout.splitlines() == ["token 200", "scim 200 totalResults 2"]


def test_without_the_trust_store_the_jvm_refuses_the_certificate(
    served: ServedEmulator, tls: TlsFiles, probe: Path, tmp_path: Path
) -> None:
    credentials = served.emulator.ready_account(domain="untrusted.example")
    hosts = _hosts(tmp_path, "zoom.us", "api.zoom.us")
    answer = _java(probe, tls, hosts, credentials.token_url, credentials.api_base_url, credentials.account_id,
                   credentials.client_id, trust=False, secret=credentials.client_secret)  # fmt: skip
    assert answer.returncode != 0 and "PKIX path building failed" in answer.stderr


def test_a_name_the_certificate_does_not_carry_is_refused(
    served: ServedEmulator, tls: TlsFiles, probe: Path, tmp_path: Path
) -> None:
    credentials = served.emulator.ready_account(domain="wrongname.example")
    port = credentials.api_base_url.rsplit(":", 1)[1]
    answer = _java(probe, tls, _hosts(tmp_path, "zoom.example"), f"https://zoom.example:{port}/oauth/token",
                   f"https://zoom.example:{port}", credentials.account_id, credentials.client_id,
                   secret=credentials.client_secret)  # fmt: skip
    assert answer.returncode != 0 and "No subject alternative DNS name matching zoom.example" in answer.stderr
