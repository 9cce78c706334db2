"""Measuring on a shared, noisy machine: interleaved rounds, medians, ratios."""

from __future__ import annotations

import gc
import statistics
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass
from typing import Any


@dataclass
class Figure:
    number: int
    name: str
    value: float
    baseline: float
    unit: str
    ratio: float | None
    target: str
    met: bool | None
    note: str = ""

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


def throughput(operation: Callable[[int], object], count: int, start: int = 0) -> float:
    """Operations a second over ``count`` calls."""
    gc.collect()
    began = time.perf_counter()
    for index in range(start, start + count):
        operation(index)
    return count / (time.perf_counter() - began)


def interleaved_ratio(
    candidate: Callable[[int], object], baseline: Callable[[int], object], *, rounds: int, batch: int
) -> tuple[float, float, float]:
    """Median candidate and baseline throughput and the median of per-round ratios.

    Each round measures a batch of the baseline and then of the candidate, so that both see the
    same machine weather; the median ignores the rounds a neighbour spoiled.
    """
    candidate_rates, baseline_rates, ratios = [], [], []
    for round_number in range(rounds):
        offset = round_number * batch
        base = throughput(baseline, batch, offset)
        cand = throughput(candidate, batch, offset)
        baseline_rates.append(base)
        candidate_rates.append(cand)
        ratios.append(cand / base)
    return statistics.median(candidate_rates), statistics.median(baseline_rates), statistics.median(ratios)
