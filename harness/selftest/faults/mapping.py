"""Faults of the group MAP: the attribute mapping's sources, Default Value and processing options."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from typing import Any

import pytest

from harness.provisioner.mapping import FieldMapping, Mapping
from harness.selftest.faults.catalogue import Patch, fault


@fault("default-ignored", "MAP-01", "mapping", "a field without a source value sends nothing, not its Default Value")
def _default_ignored(mp: pytest.MonkeyPatch) -> None:
    value = FieldMapping.value
    mp.setattr(FieldMapping, "value", lambda self, entry: value(self, entry) if self.attributes and any(
        entry.attributes.get(a) for a in self.attributes) else None)  # fmt: skip


def _value_of(altered: Callable[[FieldMapping], FieldMapping]) -> Patch:
    """Each field's value as an altered mapping of that field gives it."""

    def apply(mp: pytest.MonkeyPatch) -> None:
        value = FieldMapping.value
        mp.setattr(FieldMapping, "value", lambda self, entry: value(altered(self), entry))

    return apply


def _processing_dropped(option: str, plain: Any) -> Patch:
    return _value_of(lambda spec: replace(spec, **{option: plain}))


fault("last-source-first", "MAP-01", "mapping", "a field takes its last source attribute with a value")(
    _value_of(lambda spec: replace(spec, attributes=spec.attributes[::-1]))
)
fault("trim-ignored", "MAP-02", "mapping", "Trim is ignored")(_processing_dropped("trim", False))
fault("case-ignored", "MAP-03", "mapping", "Upper and Lower case are ignored")(_processing_dropped("case", "none"))
fault("parsers-ignored", "MAP-04", "mapping", "Extract CN from DN and Extract Username from Email are ignored")(
    _processing_dropped("parser", "none")
)


@fault("create-only-updated", "MAP-05", "mapping", "a Create Only field is updated like the others")
def _create_only_updated(mp: pytest.MonkeyPatch) -> None:
    mp.setattr(Mapping, "create_only", lambda self, name: False)


@fault("create-only-freezes-all", "MAP-05", "mapping", "a Create Only field stops every field's updates")
def _create_only_freezes(mp: pytest.MonkeyPatch) -> None:
    create_only = Mapping.create_only
    mp.setattr(Mapping, "create_only", lambda self, name: any(create_only(self, f) for f in self.fields))


@fault("mask-ignored", "MAP-06", "mapping", "Mask Log Values is ignored: the values are logged")
def _mask_ignored(mp: pytest.MonkeyPatch) -> None:
    mp.setattr(Mapping, "masked", lambda self, name: False)
