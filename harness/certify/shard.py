"""One slice of a run: ``zoom-harness run --shard K/N`` keeps every N-th scenario in collection order
(feature file, then line, then example), starting at the K-th: deterministic on every machine and
every pytest-xdist worker, and balanced to within one scenario, the options matrix's 96 examples
spread over all shards."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TypeVar

import pytest

from harness.errors import HarnessError

T = TypeVar("T")


@dataclass(frozen=True)
class Shard:
    index: int  # 1-based
    count: int

    @classmethod
    def parse(cls, text: str) -> Shard:
        found = re.fullmatch(r"\s*(\d+)\s*/\s*(\d+)\s*", text)
        if found is None or not 1 <= int(found[1]) <= int(found[2]):
            raise HarnessError(f"--shard takes K/N with 1 <= K <= N (for example 2/3), not {text!r}")
        return cls(int(found[1]), int(found[2]))

    def __str__(self) -> str:
        return f"{self.index}/{self.count}"

    @pytest.hookimpl(trylast=True)
    def pytest_collection_modifyitems(self, config: pytest.Config, items: list[pytest.Item]) -> None:
        """A pytest plugin: after -k and -m have chosen, keep this shard's slice of what is left."""
        items[:], dropped = self.split(items)
        config.hook.pytest_deselected(items=dropped)

    def split(self, items: Sequence[T]) -> tuple[list[T], list[T]]:
        """The items this shard runs, and the others."""
        kept = [item for position, item in enumerate(items) if position % self.count == self.index - 1]
        dropped = [item for position, item in enumerate(items) if position % self.count != self.index - 1]
        return kept, dropped
