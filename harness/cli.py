"""``zoom-harness``: the command line of the harness."""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import sys
from collections.abc import Callable, Sequence
from pathlib import Path

from harness import __version__
from harness.errors import HarnessError


def _serve(args: argparse.Namespace) -> int:
    from mocks import ZoomEmulator, apply_seed, load_seed
    from mocks.seed import SeedError
    from mocks.server import base_url, bind, is_loopback, serve_forever

    if not is_loopback(args.host) and not args.allow_remote:
        raise HarnessError(
            f"refusing to bind {args.host}: the emulator's control routes need no token. "
            "Use a loopback address, or add --allow-remote if you really mean it."
        )
    emulator = ZoomEmulator()
    try:
        sock = bind(args.host, args.port)
    except OSError as error:
        raise HarnessError(f"cannot listen on {args.host}:{args.port}: {error.strerror}") from None
    url = base_url(sock)
    emulator.set_base_urls(url, url)
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
        _write_private(Path(args.credentials_file), json.dumps(credentials.to_dict(), indent=2) + "\n")
    where = "loopback only" if is_loopback(args.host) else "REACHABLE FROM OTHER HOSTS"
    print(f"Zoom emulator listening on {url} ({where})")
    print(f"  Token URL     {credentials.token_url}")
    print(f"  API base URL  {credentials.api_base_url}   (SCIM2 under /scim2, REST under /v2)")
    print(f"  Account ID    {credentials.account_id}")
    print(f"  Client ID     {credentials.client_id}")
    print(f"  Client secret {credentials.client_secret}")
    if args.credentials_file:
        print(f"  Credentials written to {args.credentials_file}")
    print(f"  Control API   {url}/_emulator/state   (Ctrl+C stops)", flush=True)
    with contextlib.suppress(KeyboardInterrupt):
        serve_forever(emulator, sock)
    return 0


def _write_private(path: Path, text: str) -> None:
    """Write a file only its owner can read, since it holds a client secret."""
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(descriptor, "w", encoding="utf-8") as handle:
            handle.write(text)
    except OSError as error:
        raise HarnessError(f"cannot write {path}: {error.strerror}") from None


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="zoom-harness",
        description="Certify the PingFederate Zoom Provisioner against a Zoom emulator or a real Zoom account.",
    )
    parser.add_argument("--version", action="version", version=f"zoom-harness {__version__}")
    commands = parser.add_subparsers(dest="command", metavar="COMMAND", required=True)

    serve = commands.add_parser("serve", help="serve the Zoom emulator on a loopback port")
    serve.add_argument("--host", default="127.0.0.1", help="address to bind (default 127.0.0.1)")
    serve.add_argument("--port", type=int, default=8765, help="port to listen on; 0 picks a free one (default 8765)")
    serve.add_argument("--seed", metavar="FILE", help="YAML or JSON file of accounts, apps, users and groups")
    serve.add_argument("--credentials-file", metavar="PATH", help="write the ready app's credentials here as JSON")
    serve.add_argument("--account-id", help="fixed account ID for the ready account")
    serve.add_argument("--client-id", help="fixed client ID for the ready app")
    serve.add_argument("--client-secret", help="fixed client secret for the ready app")
    serve.add_argument("--allow-remote", action="store_true", help="allow binding a non-loopback address")
    serve.set_defaults(func=_serve)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    func: Callable[[argparse.Namespace], int] = args.func
    try:
        return func(args)
    except HarnessError as error:
        print(f"zoom-harness {args.command}: error: {error}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print(f"zoom-harness {args.command}: interrupted", file=sys.stderr)
        return 130


if __name__ == "__main__":
    sys.exit(main())
