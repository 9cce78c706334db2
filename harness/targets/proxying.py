"""The harness's proxy in front of a real Zoom, as the harness builds it: the upstream's URLs, the
guard and ledger on every write, the recording for ``drift``, and pacing shared among processes.

``zoom-harness serve --upstream zoom`` serves one (for a PingFederate to reach Zoom through);
``run --target zoom`` puts one in front of Zoom in each scenario for the reference provisioner.
"""

from __future__ import annotations

import os
from pathlib import Path

import httpx

from harness.errors import HarnessError
from harness.state_dir import state_dir as default_state_dir
from harness.targets.guard import GuardedTransport, Ledger, new_run_marker
from harness.zoom.target import ZOOM_API_BASE_URL, ZOOM_TOKEN_URL
from mocks.core.client_tls import shared_tls
from mocks.core.urls import TOKEN_PATH
from mocks.proxy.pacing import Pacer
from mocks.proxy.zoom_proxy import ZoomProxy

#: The part of each Zoom rate limit a run may use, shared by its processes; the rest is left for
#: whatever else uses the account (PingFederate's own calls, an administrator).
RUN_SHARE = 0.8


def upstream_urls(upstream: str, token_url: str | None = None) -> tuple[str, str]:
    """The token base and API base of ``--upstream``: ``zoom``, or an API base URL (a served
    emulator answers both hosts on one address); ``token_url`` overrides the token host."""
    if upstream == "zoom":
        token_base, api_base = ZOOM_TOKEN_URL.removesuffix(TOKEN_PATH), ZOOM_API_BASE_URL
    else:
        api_base = _http_url(upstream, "--upstream").rstrip("/")
        token_base = api_base
    if token_url:
        if not _http_url(token_url, "--upstream-token-url").rstrip("/").endswith(TOKEN_PATH):
            raise HarnessError(f"--upstream-token-url must end with {TOKEN_PATH}: {token_url}")
        token_base = token_url.rstrip("/").removesuffix(TOKEN_PATH)
    return token_base, api_base


def _http_url(value: str, option: str) -> str:
    url = httpx.URL(value)
    if url.scheme not in ("http", "https") or not url.host:
        raise HarnessError(f"{option} takes `zoom` or an http(s) URL, not {value!r}")
    return value


def pacing_share() -> float:
    """This process's part of Zoom's limits: pytest-xdist workers split the run's share."""
    workers = os.environ.get("PYTEST_XDIST_WORKER_COUNT", "1")
    return RUN_SHARE / max(1, int(workers) if workers.isdigit() else 1)


def proxy_for(
    upstream: str,
    *,
    token_url: str | None = None,
    record: str | None = None,
    pacing: bool = True,
    state_dir: str | Path | None = None,
) -> tuple[ZoomProxy, Ledger]:
    """A proxy to serve in front of Zoom: writes guarded by a ledger of its own, recorded if asked."""
    token_base, api_base = upstream_urls(upstream, token_url)
    marker = new_run_marker()
    folder = Path(state_dir) if state_dir is not None else default_state_dir()
    ledger = Ledger(folder / f"ledger-proxy-{marker}.json", marker)
    recorder = None
    if record:
        from harness.targets.recording import Recorder

        recorder = Recorder(Path(record), token_url=f"{token_base}{TOKEN_PATH}", api_base_url=api_base)
    proxy = ZoomProxy(
        upstream_token_url=token_base,
        upstream_api_url=api_base,
        transport=GuardedTransport(httpx.HTTPTransport(verify=shared_tls()), ledger),
        pacer=Pacer(share=RUN_SHARE) if pacing else None,
        on_exchange=recorder.record if recorder is not None else None,
    )
    return proxy, ledger
