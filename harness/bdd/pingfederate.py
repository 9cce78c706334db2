"""PingFederate for a test session: a given one (its admin API from ``PF_ADMIN_URL``...), or the
harness's stand-in served on loopback for this session (``--zoom-pf-standin 12.1|12.2``), pointed at
the session's served emulator and slapd. The adapter meets both over HTTP alike.

A stand-in session ends with its audit: every call the adapter made judged against the document,
and what is left in it (connections, data stores). It is written beside the report
(``pingfederate-standin-<worker>.json``) and fails the session when either is not empty; the
stand-in's log folder (its provisioner logs and ``admin-api.jsonl``, every call) is then kept.
"""

from __future__ import annotations

import json
import os
import secrets
import shutil
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from harness.bdd.session import SessionTarget
from harness.errors import HarnessError
from harness.standin.provisioning import ZoomEndpoints
from harness.standin.server import StandIn, StandInOptions
from harness.sut.pingfederate import AdminAddress, ZoomConnector, check_prerequisites, pace_cycles

STANDIN_USER = "Administrator"


def describe(address: AdminAddress) -> str:
    """PingFederate's version and the Zoom connector's descriptor id, for the report's header."""
    with address.client() as admin:
        check_prerequisites(admin)
        return f"PingFederate {admin.version()} (connector {ZoomConnector.discover(admin).id})"


def describe_standin(version: str) -> str:
    standin = StandIn(StandInOptions(version=version, password="x"))
    with AdminAddress("http://stand-in", STANDIN_USER, "x").client(standin.transport()) as admin:
        return (f"PingFederate {admin.version()} stand-in (connector {ZoomConnector.discover(admin).id}; the harness's "
                "stand-in enforcing the published 12.1.0.4 API document)")  # fmt: skip


@contextmanager
def pingfederate_for(session: SessionTarget, standin_version: str | None, report_dir: str | None) -> Iterator[None]:
    if standin_version is None:
        session.pingfederate = AdminAddress.from_environment()
        logs = os.environ.get("PF_LOG_DIR")
        session.pingfederate_logs = Path(logs) if logs else None
        yield
        return
    if session.served_url is None:
        raise HarnessError("the PingFederate stand-in provisions to a served Zoom: use --zoom-target emulator-http")
    log_dir = session.state_dir / f"pf-standin-{session.run_marker}-{os.environ.get('PYTEST_XDIST_WORKER', 'main')}"
    password = secrets.token_urlsafe(12)
    zoom = ZoomEndpoints(f"{session.served_url}/oauth/token", session.served_url, f"{session.served_url}/_emulator",
                         session.control_token)  # fmt: skip
    options = StandInOptions(version=standin_version, zoom=zoom, log_dir=log_dir, password=password)
    with StandIn(options) as standin:
        session.pingfederate = AdminAddress(standin.url, STANDIN_USER, password)
        session.pingfederate_logs = log_dir
        with session.pingfederate.client() as admin, pace_cycles(admin):
            yield
        audit = audit_standin(standin)
    if report_dir:
        worker = os.environ.get("PYTEST_XDIST_WORKER", "main")
        Path(report_dir, f"pingfederate-standin-{worker}.json").write_text(json.dumps(audit, indent=2))
    if not (audit["violations"] or audit["left"]):
        shutil.rmtree(log_dir, ignore_errors=True)  # kept only when there is something to look into
    else:
        raise HarnessError(f"the PingFederate stand-in saw {len(audit['violations'])} call(s) against its document "
                           f"and was left {audit['left'] or 'nothing'}")  # fmt: skip


def audit_standin(standin: StandIn) -> dict[str, Any]:
    """Every call judged again against the document, and what is left in the stand-in."""
    violations = standin.api.document.rejudge(standin.api.journal)
    configuration = standin.configuration
    left = [f"connection {c}" for c in configuration.connections] + [
        f"data store {d}" for d in configuration.data_stores
    ]
    return {"version": configuration.version, "calls": len(standin.api.journal), "violations": violations, "left": left}
