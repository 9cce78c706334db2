"""A provisioning channel's configuration as PingFederate's Target and Channel tabs set it: the
provisioning options, the channel (threads, timeout, source location, account status, mapping), and
the refusal of its activation."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

from harness.directory.source import AccountStatus, SourceLocation
from harness.errors import HarnessError
from harness.provisioner.mapping import Mapping
from harness.zoom.preflight import Readiness

RemoveAction = Literal["disable", "delete"]


@dataclass(frozen=True)
class ProvisioningOptions:
    """The Target tab's options, with their documented defaults."""

    create: bool = True
    update: bool = True
    remove: bool = True
    remove_action: RemoveAction = "disable"

    def __post_init__(self) -> None:
        if self.remove_action not in ("disable", "delete"):
            raise HarnessError("the Remove User Action is disable or delete")


@dataclass
class Channel:
    name: str = "zoom-users"
    active: bool = True
    max_threads: int = 1
    timeout: float = 60.0
    location: SourceLocation = field(default_factory=SourceLocation)
    status: AccountStatus = field(default_factory=AccountStatus)
    mapping: Mapping = field(default_factory=Mapping.default)

    def source_attributes(self) -> set[str]:
        """The user attributes the channel reads: its mapping's and the account status."""
        return {a for f in self.mapping.fields.values() for a in f.attributes} | {self.status.attribute}

    def __post_init__(self) -> None:
        if self.max_threads < 1:
            raise HarnessError("max threads must be at least 1")
        if self.timeout <= 0:
            raise HarnessError("the channel timeout must be a positive number of seconds")


class ActivationRefused(HarnessError):
    def __init__(self, readiness: Readiness) -> None:
        self.readiness = readiness
        super().__init__("channel activation refused: " + "; ".join(readiness.causes))
