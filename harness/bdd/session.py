"""What a test session runs against, built once per session (per xdist worker), and the names a
scenario gives its users."""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum
from pathlib import Path

import httpx

from harness.directory.slapd import DirectoryServer
from harness.provisioner.channel_file import ChannelFile
from harness.state_dir import state_dir
from harness.sut.pingfederate import AdminAddress
from harness.targets.guard import Ledger
from harness.targets.recording import Recorder
from harness.zoom.target import Target
from mocks.proxy.pacing import Pacer


class TargetKind(StrEnum):
    EMULATOR = "emulator"
    EMULATOR_HTTP = "emulator-http"
    ZOOM = "zoom"


@dataclass
class SessionTarget:
    kind: TargetKind
    seed: int
    run_marker: str
    email_domain: str = "example.com"
    served_url: str | None = None
    #: The control token of the served emulator or proxy (its ``/_emulator`` surface).
    control_token: str | None = field(default=None, repr=False)
    #: A real Zoom account (``--zoom-target zoom``): where it is, with the app's credentials.
    real_account: Target | None = None
    ledger: Ledger | None = None
    #: Records every exchange with Zoom for ``zoom-harness drift`` (a real account only).
    recorder: Recorder | None = None
    #: The private slapd the scenarios write and the provisioner reads; None: the in-memory directory.
    directory: DirectoryServer | None = None
    #: Every scenario's starting channel (``--zoom-channel``); None: the documented defaults.
    channel_file: ChannelFile | None = None
    #: PingFederate's Administrative API (``--zoom-sut pingfederate``); None: the reference provisioner.
    pingfederate: AdminAddress | None = None
    #: Where PingFederate writes its provisioner logs, when the harness can read them.
    pingfederate_logs: Path | None = None
    #: Where what outlives a scenario is kept (ledgers, the PingFederate adapter's own ledger).
    state_dir: Path = field(default_factory=state_dir)
    #: On a real account: the connection pool and the pacer every scenario's proxy forwards through.
    upstream: httpx.BaseTransport | None = None
    pacer: Pacer | None = None
    #: On a real account: a served proxy the system under test reaches Zoom through (``--zoom-proxy``),
    #: whose faults and journal serve the scenarios; None: the in-process proxy.
    proxy_url: str | None = None

    @property
    def proxied(self) -> bool:
        """Faults can be put between the system under test and a real Zoom: the reference
        provisioner reaches it through an in-process proxy, PingFederate through a served one."""
        return self.kind is TargetKind.ZOOM and (self.pingfederate is None or self.proxy_url is not None)


@dataclass(frozen=True)
class Names:
    """A scenario's user names as Zoom and the directory see them."""

    session: SessionTarget
    seed: int
    domain: str

    @classmethod
    def of(cls, session: SessionTarget, seed: int) -> Names:
        # Zoom's emails are unique across accounts: scenarios sharing a served emulator each get
        # their own domain. On a real account the run marker in every uid keeps runs apart.
        domain = session.email_domain if session.kind is TargetKind.ZOOM else f"s{seed:08x}.example.com"
        return cls(session, seed, domain)

    def uid(self, name: str) -> str:
        """The directory uid for a scenario's user name; on a real account it carries the run marker."""
        if self.session.kind is TargetKind.ZOOM:
            return f"{self.session.run_marker}-{self.seed % 16**6:06x}-{name}"
        return name

    def email(self, name: str) -> str:
        return f"{self.uid(name)}@{self.domain}"
