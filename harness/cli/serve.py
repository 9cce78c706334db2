"""``zoom-harness serve``: the emulator on a port, or the proxy in front of a real Zoom."""

from __future__ import annotations

import argparse
import gc
import json
import os
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from harness import stopping
from harness.cli.common import write_private
from harness.errors import HarnessError
from harness.state_dir import state_dir
from harness.targets.control_token import TOKEN_ENV, forget_token, save_token


def _listen(args: argparse.Namespace) -> tuple[Any, Any]:
    """The socket ``serve`` answers on, and the TLS files with ``--tls``."""
    from mocks.serving.server import bind, is_loopback
    from mocks.serving.tls import ensure_certificates

    if not is_loopback(args.host) and not args.allow_remote:
        raise HarnessError(
            f"refusing to bind {args.host}: other hosts could reach it and its control surface. "
            "Use a loopback address, or add --allow-remote if you really mean it."
        )
    if not is_loopback(args.host) and not args.tls:
        print("warning: without --tls the control token crosses the network in clear: whoever reads it on the way "
              "can read the journal (the names and addresses of the users provisioned), change the accounts and "
              "inject faults", file=sys.stderr)  # fmt: skip
    tls = ensure_certificates(args.tls_dir) if args.tls else None
    try:
        return bind(args.host, args.port), tls
    except OSError as error:
        raise HarnessError(f"cannot listen on {args.host}:{args.port}: {error.strerror}") from None


def _serve(args: argparse.Namespace) -> int:
    if args.upstream:
        return _serve_proxy(args)
    from mocks import ZoomEmulator, apply_seed, load_seed
    from mocks.serving.server import is_loopback, point_at, serve_forever
    from mocks.state.seed import SeedError

    emulator = ZoomEmulator(control_token=_control_token())
    sock, tls = _listen(args)
    url = point_at(emulator, sock, tls)
    credentials = emulator.ready_account(
        account_id=args.account_id, client_id=args.client_id, client_secret=args.client_secret
    )
    if args.seed:
        try:
            apply_seed(emulator.state, load_seed(args.seed))
        except SeedError as error:
            sock.close()
            raise HarnessError(f"seed {args.seed}: {error}") from None
    if args.credentials_file:
        written = {**credentials.to_dict(), "control_token": emulator.control_guard.token}
        if tls is not None:
            # For the harness on this host: loopback URLs (the certificate names 127.0.0.1 too);
            # PingFederate uses Zoom's names, mapped to this host.
            local = f"https://127.0.0.1:{sock.getsockname()[1]}"
            written.update(token_url=f"{local}/oauth/token", api_base_url=local)
        write_private(Path(args.credentials_file), json.dumps(written, indent=2) + "\n")
    where = "loopback only" if is_loopback(args.host) else "REACHABLE FROM OTHER HOSTS"
    print(f"Zoom emulator listening on {url} ({where})")
    print(f"  Token URL     {credentials.token_url}")
    print(f"  API base URL  {credentials.api_base_url}   (SCIM2 under /scim2, REST under /v2)")
    print(f"  Account ID    {credentials.account_id}")
    print(f"  Client ID     {credentials.client_id}")
    print(f"  Client secret {credentials.client_secret}")
    if args.credentials_file:
        print(f"  Credentials written to {args.credentials_file}")
    if tls is not None:
        _print_tls(tls, sock.getsockname()[1])
    print(f"  Control API   {url}/_emulator/state   (Ctrl+C, SIGTERM or SIGHUP stops)")
    print(f"  Dashboard     {url}/_emulator/dashboard   (in a browser: sign in with the control token)")
    # The seeded state lives as long as the server: the collector need not scan it on every cycle.
    gc.collect()
    gc.freeze()
    with _guarded(emulator, _local_url(sock, tls)):
        stopping.received.append(serve_forever(emulator, sock, tls=tls))
    return 0


def _control_token() -> str:
    """The token given in the environment, else a fresh one for this server."""
    from mocks.core.control_guard import new_control_token

    return os.environ.get(TOKEN_ENV) or new_control_token()


def _local_url(sock: Any, tls: Any) -> str:
    """Where clients on this host reach the server (the token file is named after it)."""
    from mocks.serving.server import base_url

    return base_url(sock, "https" if tls is not None else "http")


@contextmanager
def _guarded(server: Any, url: str) -> Iterator[None]:
    """The control token in a file only its owner can read while the server runs; gone after."""
    try:  # a signal may come as soon as the line is out: the file goes whatever happens after it is made
        path = save_token(url, server.control_guard.token)
        print(f"  Control token in {path} (mode 0600): send it as 'Authorization: Bearer <token>'; "
              f"a browser signs in at {url}/_emulator/login", flush=True)  # fmt: skip
        yield
    finally:
        forget_token(url)


def _serve_proxy(args: argparse.Namespace) -> int:
    from harness.targets.proxying import proxy_for
    from mocks.serving.server import is_loopback, point_at, serve_forever

    if args.seed or args.credentials_file or args.account_id or args.client_id or args.client_secret:
        raise HarnessError("--upstream forwards to Zoom's own accounts: --seed, --credentials-file and the fixed "
                           "credentials belong to the emulator")  # fmt: skip
    proxy, ledger = proxy_for(args.upstream, token_url=args.upstream_token_url, record=args.record,
                              pacing=not args.no_pacing, state_dir=args.state_dir)  # fmt: skip
    proxy.control_guard.set_token(_control_token())
    sock, tls = _listen(args)
    url = point_at(proxy, sock, tls)
    where = "loopback only" if is_loopback(args.host) else "REACHABLE FROM OTHER HOSTS"
    print(f"Zoom proxy listening on {url} ({where})")
    print(f"  Token URL     {proxy.token_url}   -> {proxy.upstream_token_url}/oauth/token")
    print(f"  API base URL  {proxy.api_base_url}   -> {proxy.upstream_api_url}")
    pacing = "under Zoom's rate limits, read from its headers" if proxy.pacer else "off"
    print(f"  Pacing        {pacing}")
    print(f"  Guard         writes only to users created through this proxy (ledger {ledger.path})")
    if args.record:
        print(f"  Recording     into {args.record} (redacted), for `zoom-harness drift`")
    if tls is not None:
        _print_tls(tls, sock.getsockname()[1])
    print(f"  Journal       {url}/_emulator/journal   faults: {url}/_emulator/faults   (Ctrl+C stops)")
    print(f"  Dashboard     {url}/_emulator/dashboard   (in a browser: sign in with the control token)")
    try:
        with _guarded(proxy, _local_url(sock, tls)):
            stopping.received.append(serve_forever(proxy, sock, tls=tls))
    finally:
        proxy.close()  # the recording and the ledger complete
    return 0


def _print_tls(tls: Any, port: int) -> None:
    from mocks.serving.tls import ZOOM_NAMES

    password = tls.truststore_password
    print(f"  TLS           a certificate for {', '.join(ZOOM_NAMES)}, signed by the harness's CA:")
    print(f"    CA (PEM)      {tls.ca_pem}")
    print(f"    Trust store   {tls.truststore} (PKCS12, password {password})")
    print("    Trust it in a JVM, one of:")
    print(f"      -Djavax.net.ssl.trustStore={tls.truststore} -Djavax.net.ssl.trustStoreType=PKCS12 "
          f"-Djavax.net.ssl.trustStorePassword={password}")  # fmt: skip
    print(f"      keytool -importcert -cacerts -alias zoom-harness -file {tls.ca_pem} -storepass changeit -noprompt")
    print("      PingFederate: POST /pf-admin-api/v1/certificates/ca/import "
          '{"id": "zoom-harness", "fileData": "<the CA PEM>"}')  # fmt: skip
    print("    Map Zoom's names to this host, one of:")
    print("      docker run --add-host zoom.us:HOST_IP --add-host api.zoom.us:HOST_IP ...  (compose: extra_hosts)")
    print("      hosts file lines: HOST_IP zoom.us  and  HOST_IP api.zoom.us")
    print("      a JVM alone: -Djdk.net.hosts.file=FILE with those two lines")
    if port != 443:
        print(f"    Zoom's connector calls port 443: serve with --port 443, or forward 443 to {port}")


def register(commands: Any) -> None:
    serve = commands.add_parser("serve", help="serve the Zoom emulator on a loopback port")
    serve.add_argument("--host", default="127.0.0.1", help="address to bind (default 127.0.0.1)")
    serve.add_argument("--port", type=int, default=8765, help="port to listen on; 0 picks a free one (default 8765)")
    serve.add_argument("--seed", metavar="FILE", help="YAML or JSON file of accounts, apps, users and groups")
    serve.add_argument("--credentials-file", metavar="PATH", help="write the ready app's credentials here as JSON")
    serve.add_argument("--account-id", help="fixed account ID for the ready account")
    serve.add_argument("--client-id", help="fixed client ID for the ready app")
    serve.add_argument("--client-secret", help="fixed client secret for the ready app")
    serve.add_argument("--allow-remote", action="store_true", help="allow binding a non-loopback address")
    serve.add_argument("--tls", action="store_true", help="serve HTTPS as zoom.us and api.zoom.us, with the "
                       "harness's CA (made once in --tls-dir, reused after)")  # fmt: skip
    serve.add_argument("--tls-dir", default=str(state_dir() / "tls"), help="where the CA, certificate and "
                       "trust store live (default .zoom-harness/tls)")  # fmt: skip
    upstream = serve.add_argument_group("proxy mode: forward to a real Zoom, with journal, faults and pacing")
    upstream.add_argument("--upstream", metavar="zoom|URL",
                          help="forward every call to Zoom (`zoom`: https://zoom.us and https://api.zoom.us) or to "
                               "the API base URL given, instead of emulating")  # fmt: skip
    upstream.add_argument(
        "--upstream-token-url",
        metavar="URL",
        help="the upstream's token URL (default: Zoom's, or /oauth/token on --upstream URL)",
    )
    upstream.add_argument("--record", metavar="DIR", help="record every exchange (redacted) for `drift`")
    upstream.add_argument("--no-pacing", action="store_true", help="do not pace calls under Zoom's rate limits")
    upstream.add_argument("--state-dir", default=str(state_dir()),
                          help="where the guard's ledger is kept (default .zoom-harness)")  # fmt: skip
    serve.set_defaults(func=_serve)
