"""The harness's pytest plugin: the ``--zoom-target`` option, requirement tags, the per-scenario
world, evidence for the reports, and the real-Zoom cleanup."""

from __future__ import annotations

import atexit
import hashlib
import os
import secrets
import threading
from collections.abc import Iterator
from contextlib import ExitStack
from pathlib import Path
from typing import Any

import pytest

from harness.bdd import allure_results
from harness.bdd.session import SessionTarget, TargetKind
from harness.bdd.step_lookup import remember_step_lookups
from harness.bdd.world import World
from harness.certify.items import FAULTS_KEY, IDENTITY_KEY, SCENARIO_KEY, requirement_ids
from harness.directory.slapd import INSTALL_HINT, DirectoryServer, Slapd, slapd_binary
from harness.errors import HarnessError
from harness.provisioner.channel_file import ChannelFile
from harness.state_dir import state_dir
from harness.stopping import install as install_stop_signals
from harness.stopping import installed as signals_installed
from harness.targets.control_token import token_for
from harness.targets.guard import Ledger, clean_up, new_run_marker
from harness.zoom.target import Target, require_real_account

PACING_KEY = pytest.StashKey[ExitStack]()
EMULATOR_ONLY_REASON = (
    "needs Zoom's state set on demand (its clock, apps built in the Marketplace, seeded admins), "
    "which neither a real Zoom account nor the harness's proxy in front of it offers"
)
UNPROXIED_REASON = (
    "injects faults between PingFederate and Zoom: serve the harness's proxy (`zoom-harness serve --upstream zoom`), "
    "point PingFederate and the harness at it, and pass --zoom-proxy URL"
)
REFERENCE_ONLY_REASON = (
    "needs the reference provisioner's internals (a process stopped mid-cycle or restarted on its sync state, "
    "the calls in flight inside its client), which PingFederate does not expose"
)
IN_PROCESS_REASON = (
    "needs the client to share the emulator's clock (token renewal timing), which only the in-process emulator and "
    "the PingFederate stand-in offer"
)


def pytest_addoption(parser: pytest.Parser) -> None:
    group = parser.getgroup("zoom-harness")
    group.addoption(
        "--zoom-target",
        choices=[k.value for k in TargetKind],
        default=os.environ.get("ZOOM_HARNESS_TARGET", "emulator"),
        help="where Zoom is: emulator (in-process, default), emulator-http (served on loopback) or zoom (real)",
    )
    group.addoption(
        "--faker-seed",
        type=int,
        default=int(os.environ["ZOOM_HARNESS_SEED"]) if os.environ.get("ZOOM_HARNESS_SEED") else None,
        help="seed of the generated test data (default: random, printed in the header)",
    )
    group.addoption(
        "--certification-report",
        metavar="DIR",
        help="write the certification report (report.json, report.html) into DIR",
    )
    group.addoption(
        "--zoom-sut",
        choices=("reference", "pingfederate"),
        default=os.environ.get("ZOOM_HARNESS_SUT", "reference"),
        help="the system under test: the reference provisioner (default) or a PingFederate (its admin API from "
        "PF_ADMIN_URL, PF_ADMIN_USER, PF_ADMIN_PASSWORD)",
    )
    group.addoption(
        "--zoom-emulator-url",
        metavar="URL",
        default=os.environ.get("ZOOM_HARNESS_EMULATOR_URL"),
        help="with --zoom-target emulator-http: an emulator already served (`zoom-harness serve`) instead of one per "
        "session, e.g. the one a PingFederate reaches; its faults and clock are shared, so run one worker",
    )
    group.addoption(
        "--zoom-pf-standin",
        choices=("12.1", "12.2"),
        default=os.environ.get("ZOOM_HARNESS_PF_STANDIN"),
        help="with --zoom-sut pingfederate: the harness's PingFederate stand-in (enforcing PingFederate's published "
        "API document) playing this version, served per session in front of the served emulator",
    )
    group.addoption(
        "--zoom-directory",
        choices=("memory", "ldap"),
        default=os.environ.get("ZOOM_HARNESS_DIRECTORY", "memory"),
        help="the source directory: memory (default) or ldap (a private slapd the scenarios write and the "
        "provisioner reads; needs Debian's slapd)",
    )
    group.addoption(
        "--zoom-channel",
        metavar="FILE",
        help="a channel file (PingFederate's outboundProvision shape): every scenario starts from it",
    )
    group.addoption(
        "--zoom-record",
        metavar="DIR",
        help="with --zoom-target zoom: record every exchange with Zoom (redacted) into DIR, for `zoom-harness drift`",
    )
    group.addoption(
        "--zoom-shard",
        metavar="K/N",
        help="run the K-th of N deterministic, balanced slices of the scenarios (`zoom-harness report merge` "
        "joins the shards' reports)",
    )
    group.addoption(
        "--zoom-proxy",
        metavar="URL",
        default=os.environ.get("ZOOM_HARNESS_PROXY_URL"),
        help="with --zoom-target zoom: the served proxy (`zoom-harness serve --upstream zoom`) the system under "
        "test reaches Zoom through; its faults serve the resilience scenarios and its journal the evidence",
    )
    group.addoption(
        "--zoom-dry-run",
        action="store_true",
        help="run on the in-process emulator with the reference provisioner, skipping what the run's "
        "--zoom-target (zoom), --zoom-sut and --zoom-proxy would skip: counts the calls such a run makes",
    )
    group.addoption(
        "--zoom-email-domain",
        default=os.environ.get("ZOOM_TEST_EMAIL_DOMAIN"),
        help="email domain of the users a run creates on a real Zoom account (ZOOM_TEST_EMAIL_DOMAIN)",
    )


def pytest_configure(config: pytest.Config) -> None:
    remember_step_lookups()
    # SIGTERM and SIGHUP tear the session down as Ctrl+C does (in xdist's workers too, which hold
    # slapd, served emulators and stand-ins); a process killed outright is left to slapd's watchdog.
    if threading.current_thread() is threading.main_thread() and not signals_installed():
        install_stop_signals()
    config.addinivalue_line("markers", "req(id): the requirement a scenario certifies")
    config.addinivalue_line("markers", "emulator_only: needs the emulator's control surface")
    config.addinivalue_line("markers", "in_process: needs the client to share the emulator's clock")
    config.addinivalue_line("markers", "injects_faults: puts faults between the system under test and Zoom")
    config.addinivalue_line("markers", "reference_only: needs the reference provisioner's internals")
    worker_input = getattr(config, "workerinput", None)
    if worker_input is not None:
        config.option.faker_seed = worker_input["faker_seed"]  # the controller's, so every worker agrees
    elif config.option.faker_seed is None:
        config.option.faker_seed = secrets.randbelow(2**31)
    if config.option.zoom_shard:
        from harness.certify.shard import Shard

        try:
            config.option.zoom_shard = Shard.parse(config.option.zoom_shard)
        except HarnessError as error:
            pytest.exit(f"--zoom-shard: {error}", returncode=2)
        config.pluginmanager.register(config.option.zoom_shard, "zoom-harness-shard")
    if config.option.zoom_channel:
        try:
            ChannelFile.load(config.option.zoom_channel)
        except HarnessError as error:
            pytest.exit(f"--zoom-channel: {error}", returncode=2)
    if config.option.zoom_sut == "pingfederate" and not config.option.zoom_dry_run:
        _configure_pingfederate(config, controller=worker_input is None)
    else:
        from harness.sut.reference import ReferenceSystem

        config.option.zoom_system = ReferenceSystem.description
    if config.option.certification_report:
        from harness.certify.report import ReportCollector

        collector = ReportCollector(
            Path(config.option.certification_report),
            config.option.zoom_target,
            config.option.faker_seed,
            config.option.zoom_directory,
            config.option.zoom_system,
            on_worker=worker_input is not None,
            shard=config.option.zoom_shard,
        )
        config.pluginmanager.register(collector, "zoom-harness-report")
    if config.option.zoom_directory == "ldap" and slapd_binary() is None:
        pytest.exit(f"--zoom-directory ldap: slapd is not installed; {INSTALL_HINT}", returncode=2)
    if config.option.zoom_target == TargetKind.ZOOM.value and not config.option.zoom_dry_run:
        try:
            require_real_account(config.option.zoom_email_domain)
        except HarnessError as error:
            pytest.exit(f"--zoom-target zoom: {error}", returncode=2)


def _configure_pingfederate(config: pytest.Config, *, controller: bool) -> None:
    """What the report's header names, and, for a given PingFederate, cycles paced short for the
    run (once, by the controller: the setting is server-wide; the stand-in's sessions pace their own)."""
    from harness.bdd.pingfederate import describe, describe_standin
    from harness.sut.pingfederate import AdminAddress, pace_cycles

    option = config.option
    if option.zoom_directory != "ldap":
        pytest.exit("--zoom-sut pingfederate: PingFederate reads an LDAP directory; add --zoom-directory ldap",
                    returncode=2)  # fmt: skip
    try:
        if option.zoom_pf_standin:
            if option.zoom_target != TargetKind.EMULATOR_HTTP.value:
                raise HarnessError("the stand-in provisions to a served Zoom: add --zoom-target emulator-http")
            option.zoom_system = describe_standin(option.zoom_pf_standin)
            return
        address = AdminAddress.from_environment()
        option.zoom_system = describe(address)
        if controller:
            stack = ExitStack()
            admin = stack.enter_context(address.client())
            stack.enter_context(pace_cycles(admin))
            config.stash[PACING_KEY] = stack
    except HarnessError as error:
        pytest.exit(f"--zoom-sut pingfederate: {error}", returncode=2)


def pytest_unconfigure(config: pytest.Config) -> None:
    stack = config.stash.get(PACING_KEY, None)
    if stack is not None:
        stack.close()  # PingFederate's own cycle interval again


def pytest_configure_node(node: Any) -> None:
    """pytest-xdist: hand the seed to each worker."""
    node.workerinput["faker_seed"] = node.config.option.faker_seed


def pytest_report_header(config: pytest.Config) -> str:
    option = config.option
    return (
        f"zoom-harness: target {option.zoom_target}, directory {option.zoom_directory}, faker seed {option.faker_seed}"
    )


@pytest.hookimpl(tryfirst=True)  # before pytest-bdd's own, which marks every tag as it is written
def pytest_bdd_apply_tag(tag: str, function: Any) -> Any:
    if tag.startswith("req:"):
        return pytest.mark.req(tag[4:])(function) or True
    if tag in ("emulator-only", "in-process", "reference-only", "injects-faults"):
        return getattr(pytest.mark, tag.replace("-", "_"))(function) or True
    return None


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    kind = TargetKind(config.option.zoom_target)  # a dry run skips as its target would
    other_system = config.option.zoom_sut != "reference"
    unproxied = kind is TargetKind.ZOOM and other_system and not config.option.zoom_proxy
    # The stand-in's clock is the served emulator's (as a PingFederate under a time agent would be).
    shared_clock = other_system and bool(config.option.zoom_pf_standin) and not config.option.zoom_dry_run
    labelled = allure_results.active(config)
    for item in items:
        # JUnit XML carries each scenario's requirement IDs as properties.
        item.user_properties.extend(("requirement", requirement) for requirement in requirement_ids(item))
        if labelled:
            allure_results.label(item)
        if other_system and item.get_closest_marker("reference_only"):
            item.add_marker(pytest.mark.skip(reason=REFERENCE_ONLY_REASON))
        elif kind is TargetKind.ZOOM and item.get_closest_marker("emulator_only"):
            item.add_marker(pytest.mark.skip(reason=EMULATOR_ONLY_REASON))
        elif kind is not TargetKind.EMULATOR and not shared_clock and item.get_closest_marker("in_process"):
            item.add_marker(pytest.mark.skip(reason=IN_PROCESS_REASON))
        elif unproxied and item.get_closest_marker("injects_faults"):
            item.add_marker(pytest.mark.skip(reason=UNPROXIED_REASON))


def pytest_bdd_before_scenario(request: pytest.FixtureRequest, feature: Any, scenario: Any) -> None:
    request.node.stash[IDENTITY_KEY] = {"name": scenario.name, "feature": feature.name}


@pytest.fixture(scope="session")
def directory_server(pytestconfig: pytest.Config) -> Iterator[DirectoryServer | None]:
    """The session's private slapd with ``--zoom-directory ldap``, else None (in-memory)."""
    if pytestconfig.option.zoom_directory != "ldap":
        yield None
        return
    with Slapd() as server:
        yield server


@pytest.fixture(scope="session")
def session_target(pytestconfig: pytest.Config, directory_server: DirectoryServer | None) -> Iterator[SessionTarget]:
    channel = ChannelFile.load(pytestconfig.option.zoom_channel) if pytestconfig.option.zoom_channel else None
    for built in _session_target(pytestconfig):
        built.directory = directory_server
        built.channel_file = channel
        if pytestconfig.option.zoom_sut == "pingfederate" and not pytestconfig.option.zoom_dry_run:
            from harness.bdd.pingfederate import pingfederate_for

            option = pytestconfig.option
            with pingfederate_for(built, option.zoom_pf_standin, option.certification_report):
                yield built
        else:
            yield built


def _session_target(pytestconfig: pytest.Config) -> Iterator[SessionTarget]:
    kind = TargetKind.EMULATOR if pytestconfig.option.zoom_dry_run else TargetKind(pytestconfig.option.zoom_target)
    seed = pytestconfig.option.faker_seed
    marker = new_run_marker()
    if kind is TargetKind.EMULATOR:
        yield SessionTarget(kind, seed, marker)
    elif kind is TargetKind.EMULATOR_HTTP and pytestconfig.option.zoom_emulator_url:
        url = pytestconfig.option.zoom_emulator_url.rstrip("/")
        yield SessionTarget(kind, seed, marker, served_url=url, control_token=token_for(url))
    elif kind is TargetKind.EMULATOR_HTTP:
        from mocks.serving.server import ServedEmulator

        with ServedEmulator() as served:
            yield SessionTarget(kind, seed, marker, served_url=served.url, control_token=served.control_token)
    else:
        import httpx

        from harness.targets.proxying import pacing_share
        from mocks.core.client_tls import shared_tls
        from mocks.proxy.pacing import Pacer

        ledger = Ledger(state_dir() / f"ledger-{marker}.json", marker)
        zoom = Target.resolve()
        session = SessionTarget(
            kind, seed, marker, email_domain=pytestconfig.option.zoom_email_domain, real_account=zoom, ledger=ledger,
            upstream=httpx.HTTPTransport(verify=shared_tls()), pacer=Pacer(share=pacing_share()),
            proxy_url=pytestconfig.option.zoom_proxy,
            control_token=token_for(pytestconfig.option.zoom_proxy) if pytestconfig.option.zoom_proxy else None,
        )  # fmt: skip
        if pytestconfig.option.zoom_record:
            from harness.targets.recording import Recorder

            worker = os.environ.get("PYTEST_XDIST_WORKER", "")
            session.recorder = Recorder(
                Path(pytestconfig.option.zoom_record), token_url=zoom.token_url, api_base_url=zoom.api_base_url,
                name=worker,
            )  # fmt: skip
        atexit.register(clean_up, zoom, ledger)  # an interrupted run still cleans up
        try:
            yield session
        finally:
            session.upstream.close()
            if not clean_up(zoom, ledger):
                ledger.path.unlink(missing_ok=True)  # nothing left to clean: no ledger to keep


@pytest.fixture
def world(session_target: SessionTarget, request: pytest.FixtureRequest) -> Iterator[World]:
    digest = hashlib.sha256(f"{session_target.seed}:{request.node.nodeid}".encode()).hexdigest()
    built = World(session_target, seed=int(digest[:8], 16))
    try:
        yield built
    finally:
        request.node.stash[FAULTS_KEY] = built.zoom.faults_injected
        request.node.stash[SCENARIO_KEY] = evidence = {
            "exchanges": [e.to_dict() for e in built.evidence.exchanges],
            "log": [str(line) for line in built.channel.records.log],
            "audit": [a.to_dict() for a in built.channel.records.audit],
            "summaries": [str(s) for s in built.channel.records.summaries],
        }
        if allure_results.active(request.config):
            allure_results.attach_evidence(evidence)
        built.close()
