"""The stand-in as a whole: its configuration, its Administrative API and its provisioner, served on
a loopback port (``zoom-harness pingfederate serve``) or called in-process through an httpx transport."""

from __future__ import annotations

import threading
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from types import TracebackType
from typing import Any
from urllib.parse import parse_qsl, urlsplit

import httpx

from harness.errors import HarnessError
from harness.standin.app import AdminApi, Server
from harness.standin.configuration import ZOOM_DESCRIPTOR, Configuration, load_descriptors
from harness.standin.provisioning import ProvisioningLoop, ZoomEndpoints

#: The versions the stand-in can play, and whether each writes ``provisioner-channel-summary.log``.
VERSIONS = {"12.1": ("12.1.0.4", False), "12.2": ("12.2.0.1", True)}


@dataclass
class StandInOptions:
    version: str = "12.2"
    zoom: ZoomEndpoints | None = None
    log_dir: Path | None = None
    descriptor: Path = ZOOM_DESCRIPTOR
    user: str = "Administrator"
    password: str | None = field(default=None, repr=False)
    saml2_entity_id: str | None = "zoom-harness-standin"
    provisioning_database: bool = True
    #: Where every call is journaled with its violations (default: the log folder's admin-api.jsonl).
    journal: Path | None = None


class StandIn:
    """A PingFederate stand-in: start it, call it, stop it (a context manager does both)."""

    def __init__(self, options: StandInOptions | None = None) -> None:
        options = options or StandInOptions()
        if options.version not in VERSIONS:
            raise HarnessError(f"the stand-in plays PingFederate {' or '.join(VERSIONS)}, not {options.version}")
        full_version, summary_log = VERSIONS[options.version]
        if options.log_dir is not None:
            options.log_dir.mkdir(parents=True, exist_ok=True)
        self.options = options
        self.configuration = Configuration(load_descriptors(options.descriptor), version=full_version)
        journal = options.journal or (options.log_dir / "admin-api.jsonl" if options.log_dir else None)
        server = Server(options.saml2_entity_id, options.provisioning_database)
        extra = {"password": options.password} if options.password else {}
        self.api = AdminApi(self.configuration, user=options.user, server=server, journal_file=journal, **extra)
        if options.zoom is not None:
            from harness.standin.checks import ldap_reachable, zoom_accepts

            self.configuration.check_store = ldap_reachable
            self.configuration.check_target = zoom_accepts(options.zoom)
        self.provisioner = ProvisioningLoop(self.configuration, options.zoom, options.log_dir, summary_log) \
            if options.zoom is not None else None  # fmt: skip
        self._http: ThreadingHTTPServer | None = None
        self.url = ""

    # -- in-process ------------------------------------------------------------------------

    def transport(self) -> httpx.MockTransport:
        def handle(request: httpx.Request) -> httpx.Response:
            headers = {k.lower(): v for k, v in request.headers.items()}
            query = parse_qsl(request.url.query.decode(), keep_blank_values=True)
            answer = self.api.handle(request.method, request.url.path, query, headers, request.read())
            return httpx.Response(answer.status, headers=list(answer.headers), content=answer.body)

        return httpx.MockTransport(handle)

    # -- served ----------------------------------------------------------------------------

    def start(self, host: str = "127.0.0.1", port: int = 0) -> StandIn:
        from mocks.serving.server import is_loopback

        if not is_loopback(host):
            raise HarnessError(f"the stand-in serves on loopback only, not {host}")
        self._http = ThreadingHTTPServer((host, port), _handler(self.api))
        self._http.daemon_threads = True
        self.url = f"http://{host}:{self._http.server_address[1]}"
        threading.Thread(target=self._http.serve_forever, name="standin-admin-api", daemon=True).start()
        if self.provisioner is not None:
            self.provisioner.start()
        return self

    def stop(self) -> None:
        if self.provisioner is not None:
            self.provisioner.stop()
        if self._http is not None:
            self._http.shutdown()
            self._http.server_close()
            self._http = None

    def __enter__(self) -> StandIn:
        return self.start() if not self.url else self

    def __exit__(self, kind: type[BaseException] | None, error: BaseException | None, tb: TracebackType | None) -> None:
        self.stop()


def _handler(api: AdminApi) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def _answer(self) -> None:
            url = urlsplit(self.path)
            length = int(self.headers.get("Content-Length") or 0)
            body = self.rfile.read(length) if length else b""
            headers = {k.lower(): v for k, v in self.headers.items()}
            answer = api.handle(self.command, url.path, parse_qsl(url.query, keep_blank_values=True), headers, body)
            self.send_response(answer.status)
            for name, value in answer.headers:
                self.send_header(name, value)
            self.send_header("Content-Length", str(len(answer.body)))
            self.end_headers()
            self.wfile.write(answer.body)

        do_GET = do_POST = do_PUT = do_DELETE = do_PATCH = _answer

        def log_message(self, format: str, *args: Any) -> None:
            pass  # every call is in the journal; stderr stays for what the user must read

    return Handler
