"""What several commands share: the Zoom target options, private files, progress bars, recordings."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

from harness import state_dir
from harness.errors import HarnessError
from harness.zoom.target import Target


def write_private(path: Path, text: str) -> None:
    """Write a file only its owner can read, since it holds a client secret."""
    try:
        state_dir.write_private(path, text)
    except OSError as error:
        raise HarnessError(f"cannot write {path}: {error.strerror}") from None


def progress_bar(label: str) -> Any:
    """A progress bar on stderr when a person watches it (a terminal), else nothing."""
    if not sys.stderr.isatty():
        return None
    from rich.console import Console
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

    columns = (TextColumn(f"[bold]{label}"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn())
    return Progress(*columns, console=Console(stderr=True), transient=True)


def target_of(args: argparse.Namespace, configured: dict[str, str] | None = None) -> Target:
    """The command line's target options, over a channel file's credentials, over the rest."""
    given = {k: v for k, v in (configured or {}).items() if v and not v.startswith("<")}
    explicit = {
        "account_id": args.account_id or given.get("account_id"),
        "client_id": args.client_id or given.get("client_id"),
        "client_secret": given.get("client_secret"),
        "token_url": args.token_url,
        "api_base_url": args.api_base_url,
    }
    return Target.resolve(explicit=explicit, credentials_file=args.credentials_file)


def add_target_options(parser: argparse.ArgumentParser) -> None:
    group = parser.add_argument_group(
        "Zoom target",
        "also from ZOOM_ACCOUNT_ID, ZOOM_CLIENT_ID, ZOOM_CLIENT_SECRET, ZOOM_TOKEN_URL, "
        "ZOOM_API_BASE_URL or a .env file; the client secret is never taken on the command line",
    )
    group.add_argument(
        "--credentials-file", metavar="PATH", help="JSON credentials, as `serve --credentials-file` writes"
    )
    group.add_argument("--token-url", help="OAuth token URL (default https://zoom.us/oauth/token)")
    group.add_argument("--api-base-url", help="API base URL (default https://api.zoom.us)")
    group.add_argument("--account-id", help="the app's account ID")
    group.add_argument("--client-id", help="the app's client ID")


def recorder_for(folder: str | None, target: Target) -> Any:
    if not folder:
        return None
    from harness.targets.recording import Recorder

    return Recorder(Path(folder), token_url=target.token_url, api_base_url=target.api_base_url)
