"""``zoom-harness run`` and ``zoom-harness verify`` as a certifier runs them."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from mocks.serving.server import ServedEmulator

ROOT = Path(__file__).resolve().parent.parent.parent


def _harness(
    *args: str, env: dict[str, str] | None = None, cwd: Path | None = None
) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "harness.cli", *args], capture_output=True, text=True, env=env, cwd=cwd, timeout=300
    )


def test_run_writes_every_report_and_certifies_every_requirement(tmp_path: Path) -> None:
    result = _harness("run", "--report-dir", str(tmp_path / "reports"), "--seed", "1234", cwd=tmp_path)
    assert result.returncode == 0, result.stderr[-3000:]
    reports = tmp_path / "reports"
    assert {p.name for p in reports.iterdir()} == {"report.json", "report.html", "junit.xml", "cucumber.json"}
    document = json.loads((reports / "report.json").read_text())
    assert document["header"]["target"] == "emulator" and document["header"]["faker_seed"] == 1234
    assert document["header"]["system_under_test"].startswith("reference provisioner")
    assert document["summary"]["requirements"] == {"passed": 86, "partial": 0, "failed": 0, "skipped": 0,
                                                   "uncovered": 0}  # fmt: skip
    assert len(document["requirements"]) == 86
    first = document["requirements"][0]
    assert set(first) == {"id", "text", "group", "page", "source", "status", "certified_on", "not_run", "scenarios"}
    assert {r["certified_on"] for r in document["requirements"]} == {"emulator"}
    assert set(first["scenarios"][0]) == {"id", "name", "feature", "status", "reason", "duration", "evidence",
                                          "faults_injected", "failed_step"}  # fmt: skip
    assert {s["failed_step"] for r in document["requirements"] for s in r["scenarios"]} == {""}  # all passed
    assert json.loads((reports / "cucumber.json").read_text())  # not empty
    assert "Requirements by documentation page" in result.stderr
    assert f"Report: {(reports / 'report.html').resolve()}" in result.stderr


def test_run_exits_non_zero_when_requirements_are_uncovered(tmp_path: Path) -> None:
    result = _harness("run", "--report-dir", str(tmp_path), "--", "-k", "Creating")
    assert result.returncode == 1
    document = json.loads((tmp_path / "report.json").read_text())
    assert document["summary"]["requirements"]["uncovered"] > 0
    assert "Gaps (not certified: not every scenario passed)" in result.stderr


def test_run_reports_a_failed_scenario(tmp_path: Path) -> None:
    env = {**os.environ, "PYTHONPATH": str(tmp_path)}
    # A plugin that breaks one behaviour of the reference provisioner: the report must show it.
    (tmp_path / "break_remove_action.py").write_text(
        "from harness.provisioner import engine\nengine.Provisioner._remove_event = lambda self: 'DISABLE'\n"
    )
    # The options matrix's examples with Remove User Action Delete and the other two options selected
    # (12 of its 96): the break turns each delete into a disable.
    result = _harness("run", "--report-dir", str(tmp_path / "r"), "--", "-p", "break_remove_action", "-k",
                      "every_option_and_remove_user_action and selected-selected-Delete", env=env)  # fmt: skip
    assert result.returncode == 1
    document = json.loads((tmp_path / "r" / "report.json").read_text())
    failed = {r["id"] for r in document["requirements"] if r["status"] == "failed"}
    assert {"OPT-07", "UM-06"} <= failed
    assert "FAILED OPT-07" in result.stderr


def test_run_refuses_bad_input_in_one_line(tmp_path: Path) -> None:
    env = {k: v for k, v in os.environ.items() if not k.startswith("ZOOM_")}
    missing = _harness("run", "--target", "zoom", "--report-dir", str(tmp_path), env=env, cwd=tmp_path)
    assert missing.returncode == 2 and missing.stderr.count("\n") == 1
    assert "ZOOM_ACCOUNT_ID" in missing.stderr
    blocked = tmp_path / "file"
    blocked.write_text("")
    unwritable = _harness("run", "--report-dir", str(blocked / "sub"))
    assert unwritable.returncode == 2 and "cannot write the report folder" in unwritable.stderr
    bad_target = _harness("run", "--target", "mars")
    assert bad_target.returncode == 2 and "invalid choice" in bad_target.stderr
    for output in (missing.stderr, unwritable.stderr, bad_target.stderr):
        assert "Traceback" not in output


@pytest.mark.starts_first
def test_a_remote_zoom_run_certifies_cleans_up_records_replays_and_leaks_no_secret(tmp_path: Path) -> None:
    """The zoom target against the served emulator treated as remote (URLs and credentials only):
    the run passes, skips what needs the emulator with the reason, leaves no user and no ledger,
    records what replays clean against a fresh emulator, and no secret reaches a file or output."""
    from harness.targets.drift import drift
    from harness.targets.recording import Recording

    secret = "known-client-secret-for-the-scan-1234567890"
    with ServedEmulator() as served:
        credentials = served.emulator.ready_account(domain="scan.example", client_secret=secret)
        env = {
            **os.environ,
            "ZOOM_ACCOUNT_ID": credentials.account_id,
            "ZOOM_CLIENT_ID": credentials.client_id,
            "ZOOM_CLIENT_SECRET": secret,
            "ZOOM_TOKEN_URL": credentials.token_url,
            "ZOOM_API_BASE_URL": credentials.api_base_url,
            "ZOOM_TEST_EMAIL_DOMAIN": "scan.example",
            "ZOOM_HARNESS_STATE_DIR": str(tmp_path / "state"),
        }
        # The options matrix (96 examples of the same steps) runs in-process elsewhere; over the
        # network it would only repeat those steps.
        result = _harness("run", "--target", "zoom", "--report-dir", str(tmp_path / "reports"), "--record",
                          str(tmp_path / "recording"), "--", "-k", "not every_option_and_remove_user_action",
                          env=env, cwd=tmp_path)  # fmt: skip
        left = [u.user_name for u in served.emulator.state.users(credentials.account_id).values() if u.role != "Owner"]
        made = len(served.emulator.journal)
        faults = served.emulator.faults.rules()
        verify = _harness("verify", "--json", "--probe-user", env=env, cwd=tmp_path)
        tokens = [t for t in served.emulator.state.tokens]
    assert result.returncode == 0, result.stderr[-3000:]
    assert left == [], "the run left users behind"
    estimated = re.search(r"This run makes about (\d+) calls to Zoom \((\d+) scenarios\)", result.stderr)
    assert estimated, result.stderr[:2000]
    assert 0.8 * made <= int(estimated.group(1)) <= 1.25 * made, (estimated.group(0), made)
    assert not faults and not list((tmp_path / "state").glob("ledger-*.json")), "a clean run keeps no ledger"
    report = json.loads((tmp_path / "reports" / "report.json").read_text())
    skipped = [s for r in report["requirements"] for s in r["scenarios"] if s["status"] == "skipped"]
    reasons = {s["reason"].split(" (")[0] for s in skipped}
    assert reasons == {"needs Zoom's state set on demand", "needs the client to share the emulator's clock"}
    assert report["summary"]["scenarios"]["passed"] >= 100 and report["summary"]["scenarios"]["failed"] == 0
    # Issue 16: at least 70 requirements met on the account, each saying how; issue 25: those with a
    # scenario that cannot run there (it needs the emulator) are partial, not certified, and say why.
    summary = report["summary"]["requirements"]
    assert summary["passed"] + summary["partial"] >= 70 and summary["failed"] == 0, summary
    partial = [r for r in report["requirements"] if r["status"] == "partial"]
    assert all(r["not_run"] and r["certified_on"] is None for r in partial)
    assert {n["reason"].split(" (")[0] for r in partial for n in r["not_run"]} <= reasons
    places = {r["id"]: r["certified_on"] for r in report["requirements"]}
    faulted = {i for i, place in places.items() if place == "real account, injected faults"}
    assert {"ENG-08", "LIM-05"} <= faulted, faulted
    # Met through the proxy's faults, but one scenario needs the emulator (ENG-02: a creation held
    # past the channel timeout on Zoom's clock): partial, not certified.
    statuses = {r["id"]: r["status"] for r in report["requirements"]}
    assert {statuses[i] for i in ("CONN-05", "CONN-06", "CONN-07", "ENG-02")} == {"partial"}, statuses
    setup = [f"APP-{n:02d}" for n in range(7, 14)]
    assert all(places[i] == "real account" for i in setup if statuses[i] == "passed"), places
    assert {statuses[i] for i in setup} <= {"passed", "partial"}, statuses
    assert report["summary"]["certified_on"]["real account"] + len(faulted) == summary["passed"]
    assert all(places[r["id"]] is None for r in report["requirements"] if r["status"] != "passed")
    replay = drift(Recording.load(tmp_path / "recording"))
    assert replay.replayed > 200 and replay.clean, "\n".join(replay.lines())
    assert verify.returncode == 0, verify.stdout
    checks = {c["name"]: (c["ok"], c["detail"]) for c in json.loads(verify.stdout)["checks"]}
    probe = [name for name in checks if name.startswith("probe")]
    assert probe == ["probe create", "probe read", "probe delete"], checks
    assert all(checks[name][0] is True for name in probe), checks
    assert checks["probe read"][1].startswith("read zoom-harness-probe-"), checks
    assert len(tokens) > 10
    basic = __import__("base64").b64encode(f"{credentials.client_id}:{secret}".encode()).decode()
    needles = [secret, basic, *tokens]
    written = [p for p in tmp_path.rglob("*") if p.is_file()]
    assert any(p.name == "report.html" for p in written)
    for path in written:
        text = path.read_text(encoding="utf-8", errors="replace")
        leaked = [n[:12] for n in needles if n in text]
        assert leaked == [], f"{path} holds secrets starting {leaked}"
    for output in (result.stdout, result.stderr, verify.stdout, verify.stderr):
        assert not [n for n in needles if n in output]
    html = (tmp_path / "reports" / "report.html").read_text()
    assert "Bearer [REDACTED]" in html and "Basic [REDACTED]" in html


def test_max_calls_refuses_a_zoom_run_that_would_make_more_and_the_zoom_options_need_the_zoom_target(
    tmp_path: Path,
) -> None:
    with ServedEmulator() as served:
        credentials = served.emulator.ready_account(domain="max.example")
        env = {**os.environ, **{f"ZOOM_{k.upper()}": v for k, v in credentials.to_dict().items()},
               "ZOOM_TEST_EMAIL_DOMAIN": "max.example", "ZOOM_HARNESS_STATE_DIR": str(tmp_path / "state")}  # fmt: skip
        refused = _harness("run", "--target", "zoom", "--max-calls", "3", "--report-dir", str(tmp_path / "r"), "--",
                           "-k", "attribute", env=env, cwd=tmp_path)  # fmt: skip
        calls = len(served.emulator.journal)
    assert refused.returncode == 2, refused.stderr[-2000:]
    found = re.search(r"error: the run would make about (\d+) calls to Zoom, more than --max-calls 3: select fewer "
                      r"scenarios \(-- -k \.\.\., --shard K/N\) or raise the limit\n$", refused.stderr)  # fmt: skip
    assert found and int(found.group(1)) > 3, refused.stderr
    assert calls == 0, "the refused run reached Zoom"
    assert "Traceback" not in refused.stderr
    for option in (["--max-calls", "10"], ["--proxy", "http://127.0.0.1:1"]):
        wrong = _harness("run", *option, "--report-dir", str(tmp_path / "e"))
        assert wrong.returncode == 2 and "use it with --target zoom" in wrong.stderr, wrong.stderr
    zero = _harness("run", "--target", "zoom", "--max-calls", "0", env=env, cwd=tmp_path)
    assert zero.returncode == 2 and "--max-calls must be a number of calls >= 1" in zero.stderr


def test_verify_names_the_missing_scope_and_the_wrong_secret(tmp_path: Path) -> None:
    with ServedEmulator() as served:
        ready = served.emulator.ready_account(domain="ready.example")
        no_scim = served.emulator.ready_account(domain="noscim.example", scopes=["user:read:admin", "user:write:admin"])
        files = {}
        for name, creds in (("ready", ready), ("no_scim", no_scim)):
            files[name] = tmp_path / f"{name}.json"
            files[name].write_text(json.dumps(creds.to_dict()))
        ok = _harness("verify", "--credentials-file", str(files["ready"]))
        assert ok.returncode == 0 and "READY" in ok.stdout
        missing = _harness("verify", "--credentials-file", str(files["no_scim"]), "--json")
        assert missing.returncode == 1
        document = json.loads(missing.stdout)
        failed = {c["name"]: c for c in document["checks"] if c["ok"] is False}
        assert "scope scim2" in failed and "Add Scopes: add scim2" in failed["scope scim2"]["fix"]
        wrong = dict(ready.to_dict(), client_secret="wrong-secret")
        files["wrong"] = tmp_path / "wrong.json"
        files["wrong"].write_text(json.dumps(wrong))
        refused = _harness("verify", "--credentials-file", str(files["wrong"]))
        assert refused.returncode == 1
        assert "the client ID or client secret is wrong" in refused.stdout
        assert re.search(r"fix: Copy the Client ID and Client secret", refused.stdout)
    unreachable = dict(ready.to_dict(), token_url="http://127.0.0.1:9/oauth/token")
    files["gone"] = tmp_path / "gone.json"
    files["gone"].write_text(json.dumps(unreachable))
    gone = _harness("verify", "--credentials-file", str(files["gone"]))
    assert gone.returncode == 1 and "cannot reach the token URL" in gone.stdout and "Traceback" not in gone.stderr


def test_verify_judges_a_granular_app_by_what_its_scopes_grant(tmp_path: Path) -> None:
    from mocks.state.scopes import granular_provisioning_scopes

    with ServedEmulator() as served:
        granular = served.emulator.ready_account(domain="granular.example", scope_family="granular")
        without_scim = [s for s in granular_provisioning_scopes() if s != "scim2:admin"]
        lacking = served.emulator.ready_account(domain="lacking.example", scopes=without_scim)
        files = {}
        for name, creds in (("granular", granular), ("lacking", lacking)):
            files[name] = tmp_path / f"{name}.json"
            files[name].write_text(json.dumps(creds.to_dict()))
        ready = _harness("verify", "--credentials-file", str(files["granular"]))
        assert ready.returncode == 0, ready.stdout
        assert "  ok   scope scim2: the token holds the granular scim2:admin" in ready.stdout.splitlines()
        write = (
            "  ok   scope user:write:admin: the token holds the granular user:write:user:admin, "
            "user:update:user:admin, user:update:status:admin, user:delete:user:admin"
        )
        assert write in ready.stdout.splitlines()
        refused = _harness("verify", "--credentials-file", str(files["lacking"]), "--json")
        assert refused.returncode == 1
        failed = [c for c in json.loads(refused.stdout)["checks"] if c["ok"] is False]
        assert [c["name"] for c in failed] == ["scope scim2", "scim"]
        assert failed[0]["detail"] == "the token lacks the scope scim2 (granular: scim2:admin)"
        assert failed[1]["detail"] == "the token lacks the scope scim2 (granular: scim2:admin)"


def test_run_starts_every_scenario_from_a_channel_file(tmp_path: Path) -> None:
    import yaml

    made = _harness("channel", "init", "--output", str(tmp_path / "channel.yaml"))
    assert made.returncode == 0, made.stderr
    chosen = ["--", "-k", "field_reaches_zoom or options_default"]
    same = _harness("run", "--channel", str(tmp_path / "channel.yaml"), "--report-dir", str(tmp_path / "same"), *chosen)
    assert same.returncode == 1, same.stderr[-2000:]  # the requirements -k leaves out are uncovered; none failed
    scenarios = json.loads((tmp_path / "same" / "report.json").read_text())["summary"]["scenarios"]
    assert scenarios == {"passed": 12, "failed": 0, "skipped": 0}
    # The file's Remove User Action is every scenario's default: the defaults scenario must now fail.
    document = yaml.safe_load((tmp_path / "channel.yaml").read_text())
    settings = document["outboundProvision"]["targetSettings"]
    next(s for s in settings if s["name"] == "Remove User Action")["value"] = "Delete"
    (tmp_path / "delete.yaml").write_text(yaml.safe_dump(document))
    _harness("run", "--channel", str(tmp_path / "delete.yaml"), "--report-dir", str(tmp_path / "delete"), *chosen)
    report = json.loads((tmp_path / "delete" / "report.json").read_text())
    assert {r["id"] for r in report["requirements"] if r["status"] == "failed"} == {"OPT-01"}
    mapping = document["outboundProvision"]["channels"][0]["attributeMapping"]
    mapping[0]["fieldName"] = "Nickname"
    (tmp_path / "broken.yaml").write_text(yaml.safe_dump(document))
    broken = _harness("run", "--channel", str(tmp_path / "broken.yaml"), "--report-dir", str(tmp_path / "b"))
    assert broken.returncode == 2 and broken.stderr.count("\n") == 1
    assert "outboundProvision.channels[0].attributeMapping[0].fieldName is 'Nickname'" in broken.stderr
