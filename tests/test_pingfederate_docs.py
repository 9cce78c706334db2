"""The PingFederate guide and its compose file agree with what the harness makes and prints."""

from __future__ import annotations

import argparse
import re
import shlex
from pathlib import Path

import yaml

from harness.cli import build_parser
from mocks.serving.tls import TRUSTSTORE_PASSWORD, TlsFiles

DOCS = Path(__file__).resolve().parent.parent / "docs"
COMPOSE = yaml.safe_load((DOCS / "pingfederate" / "compose.yaml").read_text())
GUIDE = (DOCS / "pingfederate.md").read_text()


def test_the_compose_file_maps_zooms_names_trusts_the_harness_ca_and_runs_the_provisioner() -> None:
    service = COMPOSE["services"]["pingfederate"]
    assert service["network_mode"] == "host"
    assert sorted(service["extra_hosts"]) == ["api.zoom.us:127.0.0.1", "zoom.us:127.0.0.1"]
    environment = service["environment"]
    assert environment["PF_PROVISIONER_MODE"] == environment["PF_RUN_PF_PROVISIONER_MODE"] == "STANDALONE"
    assert environment["PING_IDENTITY_ACCEPT_EULA"] == "YES"
    mounts = dict(volume.rsplit(":", 2)[:2] if volume.endswith(":ro") else volume.split(":", 1)
                  for volume in service["volumes"])  # fmt: skip
    store = TlsFiles(Path(".zoom-harness/tls")).truststore
    mounted = next(target for source, target in mounts.items() if source.endswith(str(store)))
    options = environment["JAVA_OPTS"].split()
    assert f"-Djavax.net.ssl.trustStore={mounted}" in options
    assert f"-Djavax.net.ssl.trustStorePassword={TRUSTSTORE_PASSWORD}" in options
    assert mounts["./deploy"] == "/opt/in/instance/server/default/deploy"
    assert mounts["./log"] == "/opt/out/instance/log"


def test_the_guides_commands_exist_and_use_the_compose_files_paths() -> None:
    commands = build_parser()._subparsers._group_actions[0].choices  # type: ignore[union-attr]
    lines = re.findall(r"zoom-harness ([a-z]+)((?:\\\n|[^\n])*)", GUIDE)
    assert {command for command, _ in lines} >= {"serve", "run"}
    for command, rest in lines:
        words = shlex.split(rest.replace("\\\n", " "))
        parser = commands[command]
        nested = [a for a in parser._actions if isinstance(a, argparse._SubParsersAction)]
        if nested and words and words[0] in nested[0].choices:  # `pingfederate serve ...`
            parser = nested[0].choices[words[0]]
        known = {o for action in parser._actions for o in action.option_strings}
        assert [w for w in words if w.startswith("--") and w != "--" and w not in known] == [], (command, words)
    run = next(shlex.split(rest.replace("\\\n", " ")) for command, rest in lines if command == "run")
    assert run[run.index("--pf-log-dir") + 1] == "docs/pingfederate/log"  # the compose file's ./log
    assert run[run.index("--sut") + 1] == "pingfederate"
    serve = next(shlex.split(rest) for command, rest in lines if command == "serve")
    assert serve[serve.index("--port") + 1] == "443" and "--tls" in serve  # the port Zoom's connector calls
    assert "docker compose -f docs/pingfederate/compose.yaml up -d" in GUIDE
    assert f"password `{TRUSTSTORE_PASSWORD}`" in GUIDE
