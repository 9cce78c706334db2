"""``zoom-harness pingfederate serve|audit``: the PingFederate stand-in, to rehearse the PingFederate
path without a licence, and the audit of the calls it was sent."""

from __future__ import annotations

import argparse
import json
import os
import signal
import sys
import threading
from pathlib import Path
from typing import Any

from harness.errors import HarnessError


def _serve(args: argparse.Namespace) -> int:
    from harness.standin.provisioning import ZoomEndpoints
    from harness.standin.server import StandIn, StandInOptions

    password = None
    if args.password_env:
        password = os.environ.get(args.password_env)
        if not password:
            raise HarnessError(f"--password-env: the variable {args.password_env} is not set")
    zoom = None
    if args.zoom_url:
        base = args.zoom_url.rstrip("/")
        zoom = ZoomEndpoints(f"{base}/oauth/token", base)
    log_dir = Path(args.log_dir).resolve()
    options = StandInOptions(
        version=args.version, zoom=zoom, log_dir=log_dir, descriptor=Path(args.descriptor) if args.descriptor else
        StandInOptions.descriptor, password=password, saml2_entity_id=None if args.no_entity_id else
        "zoom-harness-standin", provisioning_database=not args.no_provisioning_database,
    )  # fmt: skip
    standin = StandIn(options)
    try:
        standin.start(args.host, args.port)
    except OSError as error:
        raise HarnessError(f"cannot serve on {args.host}:{args.port}: {error.strerror}") from None
    stop = threading.Event()
    for signum in (signal.SIGINT, signal.SIGTERM):
        signal.signal(signum, lambda *_: stop.set())
    try:
        details = {"admin_url": standin.url, "user": standin.api.user, "password": standin.api.password,
                   "log_dir": str(log_dir), "version": standin.configuration.version}  # fmt: skip
        if args.credentials_file:
            Path(args.credentials_file).write_text(json.dumps(details, indent=2) + "\n", encoding="utf-8")
        version = standin.configuration.version
        print(f"PingFederate {version} stand-in: Administrative API {standin.url}/pf-admin-api/v1")
        print(f"  Administrator  {standin.api.user}" + ("" if password else f" / {standin.api.password}"))
        print(f"  Logs           {log_dir} (provisioner logs; admin-api.jsonl: every call and its violations)")
        print(f"  Zoom           {zoom.api_base_url if zoom else 'none: channels are saved but never run'}")
        print("  (Ctrl+C or SIGTERM stops it)", flush=True)
        stop.wait()
    finally:
        standin.stop()
    left = [*standin.configuration.connections, *standin.configuration.data_stores]
    print(f"Stopped; left in it: {', '.join(left) or 'nothing'}", file=sys.stderr)
    return 0


def _audit(args: argparse.Namespace) -> int:
    from harness.standin.document import AdminApiDocument

    journal = Path(args.journal)
    if journal.is_dir():
        journal = journal / "admin-api.jsonl"
    if not journal.is_file():
        raise HarnessError(f"no journal of the stand-in at {journal}")
    entries = [json.loads(line) for line in journal.read_text(encoding="utf-8").splitlines()]
    bad = AdminApiDocument.load().rejudge(entries)
    for call in bad:
        print(f"{call['call']} ({call['status']}): {'; '.join(call['violations'])}")
    print(f"{len(entries)} calls, {len(bad)} against PingFederate's API document", file=sys.stderr)
    return 1 if bad else 0


def register(commands: Any) -> None:
    group = commands.add_parser("pingfederate", help="the PingFederate stand-in (no licence needed)")
    sub = group.add_subparsers(dest="pingfederate_command", metavar="COMMAND", required=True)
    serve = sub.add_parser(
        "serve",
        help="serve a PingFederate stand-in that enforces PingFederate's published Administrative API document",
        description="A PingFederate stand-in on loopback: the Administrative API paths a provisioning connection "
        "needs, every call judged against PingFederate's published OpenAPI document (12.1.0.4), and a provisioner "
        "that runs the active channels against --zoom-url and writes PingFederate's log files.",
    )
    serve.add_argument("--version", choices=("12.1", "12.2"), default="12.2",
                       help="the version it plays (12.2 writes provisioner-channel-summary.log)")  # fmt: skip
    serve.add_argument("--host", default="127.0.0.1", help="loopback address to listen on (default 127.0.0.1)")
    serve.add_argument("--port", type=int, default=9999, help="port (default 9999, PingFederate's)")
    serve.add_argument("--zoom-url", metavar="URL", help="the Zoom its connector calls (`zoom-harness serve`'s URL)")
    serve.add_argument("--log-dir", default=".zoom-harness/pf-standin-log", help="where its logs go")
    serve.add_argument("--password-env", metavar="VAR", help="the Administrator's password (default: generated)")
    serve.add_argument("--credentials-file", metavar="FILE", help="write its URL, login and log folder as JSON")
    serve.add_argument("--descriptor", metavar="FILE", help="connector descriptors (SaasPluginDescriptors JSON)")
    serve.add_argument("--no-provisioning-database", action="store_true", help="play a server without one")
    serve.add_argument("--no-entity-id", action="store_true", help="play a server without its SAML entity ID")
    serve.set_defaults(func=_serve)
    audit = sub.add_parser("audit", help="judge every call a stand-in was sent against the API document again")
    audit.add_argument("journal", metavar="DIR|FILE", help="the stand-in's log folder or its admin-api.jsonl")
    audit.set_defaults(func=_audit)
