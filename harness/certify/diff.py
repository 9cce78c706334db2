"""Two certification reports compared (``zoom-harness report diff OLD NEW``, ``run --baseline DIR``).

Per requirement and per scenario: what regressed (worse than before: a pass that failed, stopped
running or lost a scenario), what was fixed (passes now), what improved short of passing, what is
new or gone; and, for what failed both times, whether it is the same failure (the same first
failing step and the same message) or a different one. Messages are compared with what changes
from run to run left out (ports, hexadecimal IDs, memory addresses, dates), so that yesterday's
known failure is told apart from a new one.

Only a regression is a reason to fail a nightly: a failure that was already there is not.
"""

from __future__ import annotations

import html
import json
import re
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from harness.errors import HarnessError

#: Better is higher: a requirement that moves down regressed.
REQUIREMENT_RANKS = {"failed": 0, "uncovered": 1, "skipped": 2, "partial": 3, "passed": 4}
SCENARIO_RANKS = {"failed": 0, "skipped": 1, "passed": 2}
#: The kinds of change, in the order a reader wants them.
KINDS = ("regressed", "failing differently", "new", "gone", "fixed", "improved", "same failure")
_VOLATILE = (
    (re.compile(r"\b(?:127\.0\.0\.1|localhost|\[::1\]):\d+"), "HOST"),
    (re.compile(r"\b0x[0-9a-fA-F]+\b"), "0x…"),
    (re.compile(r"\b\d+(?:\.\d+)? ?(?:ms|s)\b"), "TIME"),
    (re.compile(r"\b\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}:\d{2}(?:\.\d+)?(?:Z|[+-]\d{2}:?\d{2})?"), "DATE"),
    (re.compile(r"\b[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}\b"), "UUID"),
    # A generated ID (Zoom's user IDs, tokens): letters and digits mixed, 16 or more.
    (re.compile(r"\b(?=[0-9a-zA-Z-]*\d)(?=[0-9a-zA-Z-]*[a-zA-Z])[0-9a-zA-Z-]{16,}\b"), "ID"),
)


@dataclass(frozen=True)
class Change:
    kind: str
    #: "requirement" or "scenario".
    level: str
    id: str
    name: str
    before: str | None
    after: str | None
    #: The failure now (or, for a fix, the one before): its first failing step and message.
    detail: str = ""
    #: The requirements a scenario certifies.
    requirements: tuple[str, ...] = ()


@dataclass
class ReportDiff:
    old: dict[str, Any]
    new: dict[str, Any]
    changes: list[Change] = field(default_factory=list)

    @property
    def regressions(self) -> list[Change]:
        return [c for c in self.changes if c.kind == "regressed"]

    def counts(self, level: str) -> dict[str, int]:
        return {kind: sum(1 for c in self.changes if c.level == level and c.kind == kind) for kind in KINDS}

    def told(self, level: str) -> str:
        """The counts of one level in words: "1 regressed, 2 fixed", or "no change"."""
        return told(self.counts(level))

    def to_dict(self) -> dict[str, Any]:
        """What ``--json`` prints and ``run --baseline`` keeps in report.json (``comparison``)."""
        return {
            "baseline": _facts(self.old),
            "current": _facts(self.new),
            "counts": {"requirements": self.counts("requirement"), "scenarios": self.counts("scenario")},
            "changes": [asdict(c) for c in self.changes],
        }


def told(counts: dict[str, int]) -> str:
    return ", ".join(f"{counts[kind]} {kind}" for kind in KINDS if counts[kind]) or "no change"


def load_report(path: Path, hint: str = "") -> dict[str, Any]:
    """A report.json, or the report folder holding one; ``hint`` says what the folder should be."""
    file = path / "report.json" if path.is_dir() else path
    try:
        document = json.loads(file.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise HarnessError(f"{path}: no report.json{hint}") from None
    except (OSError, ValueError) as error:
        raise HarnessError(f"{file}: not a certification report ({error})") from None
    if not (isinstance(document, dict) and {"header", "requirements"} <= document.keys()):
        raise HarnessError(f"{file}: not a certification report (no header or requirements)")
    return document


def compare(old: dict[str, Any], new: dict[str, Any]) -> ReportDiff:
    diff = ReportDiff(old, new)
    diff.changes += _scenario_changes(old, new)
    # A requirement failing as before is "same failure" only when each of its scenarios is.
    different = {rid for c in diff.changes if c.kind in ("failing differently", "regressed") for rid in c.requirements}
    before = {r["id"]: r for r in old["requirements"]}
    after = {r["id"]: r for r in new["requirements"]}
    for rid in [*after, *(rid for rid in before if rid not in after)]:
        kind = _kind(before.get(rid, {}).get("status"), after.get(rid, {}).get("status"), REQUIREMENT_RANKS)
        if kind == "same failure" and rid in different:
            kind = "failing differently"
        if kind is not None:
            was, now = before.get(rid), after.get(rid)
            failure = _requirement_failure(now if kind != "fixed" else was)
            text = (now or was or {}).get("text", "")
            diff.changes.append(Change(kind, "requirement", rid, text, was and was["status"], now and now["status"],
                                       failure))  # fmt: skip
    diff.changes.sort(key=lambda c: (KINDS.index(c.kind), c.level != "requirement", c.id))
    return diff


def _scenario_changes(old: dict[str, Any], new: dict[str, Any]) -> list[Change]:
    changes = []
    old_scenarios, new_scenarios = _scenarios(old), _scenarios(new)
    for sid in [*new_scenarios, *(sid for sid in old_scenarios if sid not in new_scenarios)]:
        was, now = old_scenarios.get(sid), new_scenarios.get(sid)
        kind = _kind(was and was["status"], now and now["status"], SCENARIO_RANKS)
        if kind == "same failure" and was is not None and now is not None and _failure(was) != _failure(now):
            kind = "failing differently"
        if kind is not None:
            shown = now or was
            assert shown is not None
            detail = _describe(now if now is not None and now["status"] == "failed" else was)
            changes.append(Change(kind, "scenario", sid, f"{shown['feature']}: {shown['name']}",
                                  was and was["status"], now and now["status"], detail,
                                  tuple(shown["requirements"])))  # fmt: skip
    return changes


def _kind(was: str | None, now: str | None, ranks: dict[str, int]) -> str | None:
    if was is None:
        return "new"
    if now is None:
        return "gone"
    if ranks[now] < ranks[was]:
        return "regressed"
    if ranks[now] > ranks[was]:
        return "fixed" if now == "passed" else "improved"
    return "same failure" if now == "failed" else None


def _scenarios(document: dict[str, Any]) -> dict[str, dict[str, Any]]:
    """Every scenario once, with the requirements it certifies."""
    found: dict[str, dict[str, Any]] = {}
    for requirement in document["requirements"]:
        for scenario in requirement["scenarios"]:
            entry = found.setdefault(scenario["id"], {**scenario, "requirements": []})
            entry["requirements"].append(requirement["id"])
    for scenario in document.get("untagged", []):
        found.setdefault(scenario["id"], {**scenario, "requirements": []})
    return found


def _failure(scenario: dict[str, Any]) -> tuple[str, str]:
    """What identifies a failure: its first failing step and its message (the exception's first line,
    not pytest's account of the values, which names the run's own objects), less what changes from
    run to run."""
    message = _message(scenario)
    for pattern, placeholder in _VOLATILE:
        message = pattern.sub(placeholder, message)
    return scenario.get("failed_step", ""), " ".join(message.split())


def _message(scenario: dict[str, Any]) -> str:
    lines = scenario.get("reason", "").strip().splitlines()
    return lines[0].removeprefix("E ").strip() if lines else ""


def _describe(scenario: dict[str, Any] | None) -> str:
    if scenario is None or scenario["status"] == "passed":
        return ""
    step, message = scenario.get("failed_step", ""), _message(scenario)
    return f"{step}: {message}" if step else message


def _requirement_failure(requirement: dict[str, Any] | None) -> str:
    if requirement is None:
        return ""
    failed = [s for s in requirement.get("scenarios", []) if s["status"] == "failed"]
    return f"{len(failed)} scenario(s) failed: {failed[0]['name']}" if failed else ""


def _facts(document: dict[str, Any]) -> dict[str, Any]:
    header = document["header"]
    return {key: header.get(key) for key in ("date", "target", "system_under_test", "harness_version", "faker_seed")}


# -- report.html ------------------------------------------------------------------------------

_COLOURS = {"regressed": "#cf222e", "failing differently": "#bc4c00", "new": "#0969da", "gone": "#6e7781",
            "fixed": "#1f883d", "improved": "#1f883d", "same failure": "#9a6700"}  # fmt: skip


def comparison_html(comparison: dict[str, Any]) -> str:
    """The section at the top of report.html when the run was compared with a baseline."""
    baseline = comparison["baseline"]
    summary = told(comparison["counts"]["requirements"])
    rows = "".join(
        f'<tr><td style="color:{_COLOURS[c["kind"]]};font-weight:600">{html.escape(c["kind"])}</td>'
        f"<td>{html.escape(c['level'])}</td><td>{html.escape(c['id'] if c['level'] == 'requirement' else c['name'])}"
        f"</td><td>{html.escape(str(c['before']))} → {html.escape(str(c['after']))}</td>"
        f"<td>{html.escape(c['detail'])}</td></tr>"
        for c in comparison["changes"]
    )
    table = (f"<table class=sum><tr><th>Change</th><th>Level</th><th>What</th><th>Before → now</th><th>Failure</th>"
             f"</tr>{rows}</table>") if rows else ""  # fmt: skip
    return (f'<section class="page" id="comparison"><h2>Since the baseline of {html.escape(str(baseline["date"]))}'
            f"</h2><p>Requirements: {html.escape(summary)}.</p>{table}</section>")  # fmt: skip
