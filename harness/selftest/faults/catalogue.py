"""A fault of the catalogue and how one is registered (the groups' modules register theirs)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import pytest

Patch = Callable[[pytest.MonkeyPatch], None]


@dataclass(frozen=True)
class Fault:
    name: str
    requirements: tuple[str, ...]
    description: str
    #: Which part of the system the fault breaks: provisioner, client, mapping, preflight, emulator.
    family: str
    apply: Patch


FAULTS: dict[str, Fault] = {}


def fault(name: str, requirements: str, family: str, description: str) -> Callable[[Patch], Patch]:
    def register(apply: Patch) -> Patch:
        if name in FAULTS:
            raise ValueError(f"two faults named {name}")
        FAULTS[name] = Fault(name, tuple(requirements.split()), description, family, apply)
        return apply

    return register
