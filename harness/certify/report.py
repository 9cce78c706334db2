"""The certification report: every requirement of the catalogue, grouped by documentation page,
with its scenarios, their results and their evidence. Written as ``report.json`` (shape below)
and as a self-contained ``report.html``, with ``cucumber.json`` beside them (``harness.certify.cucumber``).

``report.json``::

    {"header": {"target", "directory", "system_under_test", "harness_version", "date", "faker_seed",
                "totals": {...}, "shard": "K/N" (one shard's report) or "shards": N (merged)},
     "summary": {"requirements": {"passed", "partial", "failed", "skipped", "uncovered"},
                 "scenarios": {"passed", "failed", "skipped"},
                 "pages": [{"page", "passed", "partial", "failed", "skipped", "uncovered"}]},
     "requirements": [{"id", "text", "group", "page", "source", "status", "certified_on",
                       "not_run": [{"name", "reason"}], "scenarios": [
         {"id", "name", "feature", "status", "reason", "failed_step", "duration", "faults_injected",
          "evidence": {"exchanges": [...], "log": [...], "audit": [...], "summaries": [...]}}]}],
     "untagged": [{"id", "name", "feature", "status", "reason", "failed_step"}],
     "comparison": {...} (with ``run --baseline``: ``harness.certify.diff``)}

``untagged`` lists the scenarios that name no requirement of the catalogue: they count in the
totals but certify nothing.

A requirement's status: ``failed`` if any of its scenarios failed, else ``passed`` if all of them
passed, ``partial`` if some passed and others did not run (``not_run`` lists them and why), else
``skipped`` if it has scenarios (all skipped), else ``uncovered``. A requirement is certified only
when all of it ran: anything but ``passed`` is a gap, and only ``passed`` counts as certified.

A passed requirement's ``certified_on`` says where: ``real account`` (a scenario passed against a
real Zoom account with nothing injected), ``real account, injected faults`` (its passing scenarios
all put faults between the system under test and the real account, through the harness's proxy),
or ``emulator``; ``null`` when it did not pass. The summary counts them.
"""

from __future__ import annotations

import html
import json
from collections import Counter
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

from harness import __version__
from harness.certify.cucumber import cucumber_features, scenario_gherkin
from harness.certify.diff import comparison_html
from harness.certify.items import FAULTS_KEY, IDENTITY_KEY, SCENARIO_KEY, requirement_ids
from harness.certify.requirements import catalogue
from harness.certify.shard import Shard
from harness.sut.reference import ReferenceSystem

PROPERTY = "zoom_harness_scenario"
STATUSES = ("passed", "partial", "failed", "skipped", "uncovered")


@dataclass
class ScenarioResult:
    nodeid: str
    name: str
    feature: str
    requirements: list[str]
    status: str = "passed"
    reason: str = ""
    duration: float = 0.0
    evidence: dict[str, Any] = field(default_factory=dict)
    #: The scenario's Gherkin for ``cucumber.json`` (``harness.certify.cucumber``); not part of report.json.
    gherkin: dict[str, Any] = field(default_factory=dict)
    #: Faults were put between the system under test and Zoom (in the emulator, or the proxy).
    faults_injected: bool = False
    #: The step that failed first, "Then ..." (from the Gherkin; kept when reports are merged).
    failed_step: str = ""


REAL_ACCOUNT = "real account"
REAL_ACCOUNT_FAULTS = "real account, injected faults"
EMULATOR = "emulator"
PLACES = (REAL_ACCOUNT, REAL_ACCOUNT_FAULTS, EMULATOR)


def certified_on(scenarios: list[ScenarioResult], target: str) -> str | None:
    """Where a requirement was certified: on a real account (by a scenario with nothing injected if
    any), or on the emulator; None when no scenario passed."""
    passed = [s for s in scenarios if s.status == "passed"]
    if not passed:
        return None
    if target != "zoom":
        return EMULATOR
    return REAL_ACCOUNT if any(not s.faults_injected for s in passed) else REAL_ACCOUNT_FAULTS


def scenario_identity(item: pytest.Item) -> dict[str, Any]:
    """Names of a pytest-bdd scenario item, for the report."""

    identity = item.stash.get(IDENTITY_KEY, {"name": item.name, "feature": item.nodeid.split("::")[0]})
    name = identity["name"]
    callspec = getattr(item, "callspec", None)
    if callspec is not None and callspec.id:
        name = f"{name} [{callspec.id}]"
    return {"name": name, "feature": identity["feature"], "requirements": requirement_ids(item)}


class ReportCollector:
    """A pytest plugin: gathers scenario results (from xdist workers too) and writes the report."""

    def __init__(
        self,
        folder: Path,
        target: str,
        seed: int | None,
        directory: str = "memory",
        system: str = ReferenceSystem.description,
        on_worker: bool = False,
        shard: Shard | None = None,
    ) -> None:
        self.folder = folder
        self.on_worker = on_worker  # a pytest-xdist worker: its reports still travel to the controller
        self.shard = shard  # the report says which slice of the run it holds
        self.target = target
        self.seed = seed
        self.directory = directory
        self.system = system
        self.results: dict[str, ScenarioResult] = {}

    @pytest.hookimpl(hookwrapper=True)
    def pytest_runtest_makereport(self, item: pytest.Item, call: pytest.CallInfo[None]) -> Any:
        outcome = yield
        report = outcome.get_result()
        if report.when == "teardown" and item.nodeid.startswith("steps/"):
            data = {**scenario_identity(item), "evidence": item.stash.get(SCENARIO_KEY, {}),
                    "gherkin": scenario_gherkin(item) or {},
                    "faults_injected": item.stash.get(FAULTS_KEY, False)}  # fmt: skip
            report.user_properties.append((PROPERTY, data))

    @pytest.hookimpl(tryfirst=True)
    def pytest_runtest_logreport(self, report: pytest.TestReport) -> None:
        if not report.nodeid.startswith("steps/"):
            return
        result = self.results.setdefault(report.nodeid, ScenarioResult(report.nodeid, report.nodeid, "", []))
        if report.when == "call":
            result.duration = report.duration
        if report.failed and result.status != "failed":
            result.status = "failed"
            result.reason = _reason(report)
        elif report.skipped and result.status == "passed":
            result.status = "skipped"
            result.reason = _reason(report)
        for name, value in report.user_properties:
            if name == PROPERTY:
                result.name, result.feature = value["name"], value["feature"]
                result.requirements, result.evidence = value["requirements"], value["evidence"]
                result.gherkin, result.faults_injected = value["gherkin"], value["faults_injected"]
        if self.on_worker:
            return
        # The evidence has reached the controller; JUnit XML keeps only the requirement IDs.
        report.user_properties = [(name, value) for name, value in report.user_properties if name != PROPERTY]

    def pytest_sessionfinish(self, session: pytest.Session) -> None:
        if self.on_worker:
            return  # the controller writes the report
        results = list(self.results.values())
        document = build_report(results, self.target, self.seed, self.directory, self.system)
        if self.shard is not None:
            document["header"]["shard"] = str(self.shard)
        write_report(document, self.folder)
        write_cucumber(cucumber_features(results), self.folder)
        mark_discriminating(self.folder)
        self.document = document


def _reason(report: pytest.TestReport) -> str:
    if report.skipped and isinstance(report.longrepr, tuple):
        return str(report.longrepr[2]).removeprefix("Skipped: ")
    text = report.longreprtext or ""
    lines = [line for line in text.splitlines() if line.startswith("E ")]
    return "\n".join(lines[:12]) or text[-1500:]


def failed_step(gherkin: dict[str, Any]) -> str:
    """The step that failed first ("Then the cycle created 3, ..."), or "" (none failed, or no Gherkin)."""
    for step in gherkin.get("steps", []):
        if step["outcome"] == "failed":
            return f"{step['keyword']} {step['name']}"
    return ""


def requirement_status(scenarios: list[ScenarioResult]) -> str:
    statuses = {s.status for s in scenarios}
    if not scenarios:
        return "uncovered"
    if "failed" in statuses:
        return "failed"
    if statuses == {"passed"}:
        return "passed"
    if "passed" in statuses:
        return "partial"
    return "skipped"


def build_report(
    results: list[ScenarioResult], target: str, seed: int | None, directory: str = "memory", system: str = ""
) -> dict[str, Any]:
    requirements: list[dict[str, Any]] = []
    pages: dict[str, Counter[str]] = {}
    for result in results:
        result.failed_step = result.failed_step or failed_step(result.gherkin)
    for requirement in catalogue():
        scenarios = [r for r in results if requirement.id in r.requirements]
        status = requirement_status(scenarios)
        pages.setdefault(requirement.page, Counter())[status] += 1
        requirements.append(
            {
                **requirement.to_dict(),
                "status": status,
                "certified_on": certified_on(scenarios, target) if status == "passed" else None,
                "not_run": [{"name": s.name, "reason": s.reason} for s in scenarios if s.status == "skipped"],
                "scenarios": [
                    {"id": s.nodeid}
                    | {k: v for k, v in asdict(s).items() if k not in ("nodeid", "requirements", "gherkin")}
                    for s in scenarios
                ],
            }
        )
    requirement_totals = Counter(r["status"] for r in requirements)
    scenario_totals = Counter(r.status for r in results)
    places = Counter(r["certified_on"] for r in requirements if r["certified_on"])
    summary = {
        "requirements": {s: requirement_totals.get(s, 0) for s in STATUSES},
        "certified_on": {place: places.get(place, 0) for place in PLACES},
        "scenarios": {s: scenario_totals.get(s, 0) for s in ("passed", "failed", "skipped")},
        "pages": [{"page": page, **{s: counts.get(s, 0) for s in STATUSES}} for page, counts in pages.items()],
    }
    header = {
        "target": target,
        #: Where the provisioner read its users: "memory" (in-process) or "ldap" (a slapd server).
        "directory": directory,
        #: What ran the connector: the reference provisioner, or PingFederate's version and connector id.
        "system_under_test": system or ReferenceSystem.description,
        "harness_version": __version__,
        "date": datetime.now(UTC).isoformat(timespec="seconds"),
        "faker_seed": seed,
        "totals": {"requirements": len(requirements), "scenarios": len(results)},
    }
    known = {r.id for r in catalogue()}
    untagged = [
        {
            "id": r.nodeid,
            "name": r.name,
            "feature": r.feature,
            "status": r.status,
            "reason": r.reason,
            "failed_step": r.failed_step,
        }
        for r in results
        if not known.intersection(r.requirements)
    ]
    return {"header": header, "summary": summary, "requirements": requirements, "untagged": untagged}


def write_report(document: dict[str, Any], folder: Path) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "report.json").write_text(json.dumps(document, indent=1, ensure_ascii=False), encoding="utf-8")
    (folder / "report.html").write_text(render_html(document), encoding="utf-8")


def write_cucumber(features: list[dict[str, Any]], folder: Path) -> None:
    (folder / "cucumber.json").write_text(json.dumps(features, indent=1, ensure_ascii=False), encoding="utf-8")


def gaps(document: dict[str, Any]) -> list[str]:
    return [r["id"] for r in document["requirements"] if r["status"] != "passed"]


# -- HTML -------------------------------------------------------------------------------------

_COLOURS = {"passed": "#1f883d", "partial": "#bc4c00", "failed": "#cf222e", "skipped": "#9a6700",
            "uncovered": "#6e7781"}  # fmt: skip
_STYLE = """
body{font:14px/1.45 system-ui,-apple-system,Segoe UI,Roboto,sans-serif;margin:0;color:#1f2328;background:#f6f8fa}
header{background:#0b2545;color:#fff;padding:18px 28px}header h1{margin:0 0 6px;font-size:22px}
header dl{display:flex;flex-wrap:wrap;gap:4px 22px;margin:0}header dt{opacity:.7}
header dd{margin:0 0 0 4px;font-weight:600}
header .pair{display:flex}main{padding:18px 28px;max-width:1200px}
section.page{background:#fff;border:1px solid #d0d7de;border-radius:8px;margin:16px 0;padding:8px 16px}
h2{font-size:18px;margin:10px 0}.req{border-top:1px solid #eaeef2;padding:8px 0}.req:first-of-type{border:0}
.proof{font-size:12px;color:#1b7f3b;margin:4px 0 0 80px}.proof.unproven{color:#b3261e}
.partial{font-size:12px;color:#bc4c00;margin:4px 0 0 80px}
.place{font-size:12px;color:#0b2545;margin:4px 0 0 80px}
.badge{display:inline-block;min-width:68px;text-align:center;border-radius:12px;color:#fff;font-size:12px;
padding:1px 8px;margin-right:8px;font-weight:600;text-transform:uppercase}
.id{font-weight:700;margin-right:6px}.scenarios{margin:6px 0 0 84px}.scenario{margin:4px 0}
.reason{white-space:pre-wrap;color:#57606a;font-size:12px;margin:2px 0 0 84px}
details{margin:2px 0 4px}summary{cursor:pointer;color:#0969da}pre{background:#f6f8fa;border:1px solid #d0d7de;
border-radius:6px;padding:8px;overflow:auto;max-height:360px;font-size:12px;white-space:pre-wrap;word-break:break-all}
.ex{margin:6px 0}.gap{outline:2px solid #cf222e33}table.sum{border-collapse:collapse;margin:8px 0}
table.sum td,table.sum th{border:1px solid #d0d7de;padding:4px 10px;text-align:right}table.sum th:first-child,
table.sum td:first-child{text-align:left}
"""


def _badge(status: str) -> str:
    return f'<span class="badge status-{status}" style="background:{_COLOURS[status]}">{status}</span>'


def _chart(pages: list[dict[str, Any]]) -> str:
    """A horizontal stacked bar per page: the pass/fail/skip/gap split of its requirements."""
    width, bar, gap, label = 760, 18, 8, 300
    height = len(pages) * (bar + gap) + 30
    parts = [f'<svg role="img" aria-label="Requirement results by page" width="{width}" height="{height}">']
    for index, page in enumerate(pages):
        y = index * (bar + gap)
        total = sum(page[s] for s in STATUSES) or 1
        parts.append(f'<text x="0" y="{y + 13}" font-size="12">{html.escape(page["page"])}</text>')
        x = float(label)
        for status in STATUSES:
            share = page[status] / total * (width - label - 10)
            if share:
                parts.append(
                    f'<rect x="{x:.1f}" y="{y}" width="{share:.1f}" height="{bar}" fill="{_COLOURS[status]}">'
                    f"<title>{status}: {page[status]}</title></rect>"
                )
            x += share
    legend_y = len(pages) * (bar + gap) + 16
    for index, status in enumerate(STATUSES):
        x = label + index * 110
        parts.append(f'<rect x="{x}" y="{legend_y - 10}" width="12" height="12" fill="{_COLOURS[status]}"/>')
        parts.append(f'<text x="{x + 16}" y="{legend_y}" font-size="12">{status}</text>')
    parts.append("</svg>")
    return "".join(parts)


def _evidence(evidence: dict[str, Any]) -> str:
    if not evidence:
        return ""
    blocks = []
    for exchange in evidence.get("exchanges", []):
        headers = "\n".join(f"{k}: {v}" for k, v in exchange["request_headers"].items())
        answer = "\n".join(f"{k}: {v}" for k, v in exchange["response_headers"].items())
        blocks.append(
            '<div class="ex"><b>'
            + html.escape(f"{exchange['method']} {exchange['url']} → {exchange['status']}")
            + "</b><pre>"
            + html.escape(f"{headers}\n\n{exchange['request_body']}\n\n--- answer ---\n")
            + html.escape(f"{answer}\n\n{exchange['response_body']}")
            + "</pre></div>"
        )
    for title, key in (("Provisioner log", "log"), ("Channel summaries", "summaries")):
        if evidence.get(key):
            blocks.append(f"<b>{title}</b><pre>{html.escape(chr(10).join(evidence[key]))}</pre>")
    if evidence.get("audit"):
        audit = "\n".join(json.dumps(a) for a in evidence["audit"])
        blocks.append(f"<b>Audit records</b><pre>{html.escape(audit)}</pre>")
    count = len(evidence.get("exchanges", []))
    summary = f"<summary>Evidence: {count} HTTP exchanges with Zoom</summary>"
    return f"<details class=evidence>{summary}{''.join(blocks)}</details>"


def _place(requirement: dict[str, Any]) -> str:
    place = requirement.get("certified_on")
    if place is None:
        return ""
    return f'<div class="place">certified on the {html.escape(place)}</div>'


def _proof(requirement: dict[str, Any]) -> str:
    """Whether the selftest proved the requirement's scenarios catch the faults against it."""
    if "discriminating" not in requirement:
        return ""
    faults = ", ".join(requirement.get("faults_caught", []))
    if requirement["discriminating"]:
        return f'<div class="proof">proven discriminating: catches {html.escape(faults)}</div>'
    return '<div class="proof unproven">not proven discriminating: a fault against it went unnoticed</div>'


def mark_discriminating(folder: Path) -> None:
    """Mark each requirement of ``report.json`` in ``folder`` from ``selftest.json`` beside it, and
    render ``report.html`` again; nothing happens where either file is missing."""
    report, selftest = folder / "report.json", folder / "selftest.json"
    if not (report.exists() and selftest.exists()):
        return
    document = json.loads(report.read_text(encoding="utf-8"))
    proof = json.loads(selftest.read_text(encoding="utf-8"))
    for requirement in document["requirements"]:
        found = proof["requirements"].get(requirement["id"], {"faults": [], "discriminating": False})
        requirement["discriminating"] = found["discriminating"]
        requirement["faults_caught"] = found["faults"]
    document["header"]["selftest"] = {"passed": proof["passed"], "faults": len(proof["faults"])}
    write_report(document, folder)


def _not_run(requirement: dict[str, Any]) -> str:
    """A partial requirement's scenarios that did not run, and why: it is not certified."""
    if requirement["status"] != "partial":
        return ""
    missing = requirement.get("not_run", [])
    return (f'<div class="partial">Not certified: {len(missing)} of {len(requirement["scenarios"])} scenarios did '
            "not run.</div>")  # fmt: skip


def render_html(document: dict[str, Any]) -> str:
    header, summary = document["header"], document["summary"]
    req_totals = summary["requirements"]
    facts = {
        "System under test": header.get("system_under_test", ReferenceSystem.description),
        "Target": header["target"],
        "Directory": {"ldap": "LDAP (OpenLDAP slapd)", "memory": "in-memory"}.get(header.get("directory", ""), "?"),
        "Harness": header["harness_version"],
        "Date": header["date"],
        "Faker seed": header["faker_seed"],
        **({"Shard": f"{header['shard']} (one slice of the run)"} if "shard" in header else {}),
        **({"Shards": f"merged from {header['shards']}"} if "shards" in header else {}),
        "Requirements": f"{header['totals']['requirements']} ({req_totals['passed']} passed, "
        f"{req_totals.get('partial', 0)} partial, {req_totals['failed']} failed, {req_totals['skipped']} skipped, "
        f"{req_totals['uncovered']} uncovered)",
        "Scenarios": f"{header['totals']['scenarios']} ({summary['scenarios']['passed']} passed, "
        f"{summary['scenarios']['failed']} failed, {summary['scenarios']['skipped']} skipped)",
    }
    if target_is_zoom := header["target"] == "zoom":
        on = summary.get("certified_on", {})
        facts["Certified on"] = (f"the real account {on.get(REAL_ACCOUNT, 0)}, the real account with injected "
                                 f"faults {on.get(REAL_ACCOUNT_FAULTS, 0)}")  # fmt: skip
    if "selftest" in header:
        proven = sum(1 for r in document["requirements"] if r.get("discriminating"))
        facts["Selftest"] = (f"{header['selftest']['faults']} faults, {proven} of {len(document['requirements'])} "
                             "requirements proven discriminating")  # fmt: skip
    head = "".join(f'<div class="pair"><dt>{k}</dt><dd>{html.escape(str(v))}</dd></div>' for k, v in facts.items())
    rows = "".join(
        f"<tr><td>{html.escape(p['page'])}</td>" + "".join(f"<td>{p[s]}</td>" for s in STATUSES) + "</tr>"
        for p in summary["pages"]
    )
    table = f"<table class=sum><tr><th>Page</th>{''.join(f'<th>{s}</th>' for s in STATUSES)}</tr>{rows}</table>"
    sections = []
    by_page: dict[str, list[dict[str, Any]]] = {}
    for requirement in document["requirements"]:
        by_page.setdefault(requirement["page"], []).append(requirement)
    for page, requirements in by_page.items():
        items = []
        for requirement in requirements:
            scenarios = "".join(
                f'<div class="scenario">{_badge(s["status"])}{html.escape(s["feature"])}: {html.escape(s["name"])}'
                + (f'<div class="reason">{html.escape(s["reason"])}</div>' if s["reason"] else "")
                + _evidence(s["evidence"])
                + "</div>"
                for s in requirement["scenarios"]
            )
            gap = " gap" if requirement["status"] != "passed" else ""
            items.append(
                f'<div class="req{gap}" id="{requirement["id"]}">{_badge(requirement["status"])}'
                f'<span class="id">{requirement["id"]}</span>{html.escape(requirement["text"])}'
                f"{_place(requirement) if target_is_zoom else ''}{_proof(requirement)}{_not_run(requirement)}"
                f'<div class="scenarios">{scenarios or "<i>No scenario certifies this requirement.</i>"}</div></div>'
            )
        sections.append(f'<section class="page"><h2>{html.escape(page)}</h2>{"".join(items)}</section>')
    untagged = document.get("untagged") or []
    if untagged:
        rows = "".join(
            f'<div class="scenario">{_badge(u["status"])}{html.escape(u["feature"])}: {html.escape(u["name"])}</div>'
            for u in untagged
        )
        sections.append(f'<section class="page"><h2>Scenarios that certify no requirement</h2>{rows}</section>')
    return (
        "<!doctype html><html lang=en><head><meta charset=utf-8>"
        "<title>Zoom Provisioner certification report</title>"
        f"<style>{_STYLE}</style></head><body><header><h1>PingFederate Zoom Provisioner: certification report</h1>"
        f"<dl>{head}</dl></header><main>{comparison_html(document['comparison']) if 'comparison' in document else ''}"
        f"<h2>Results by documentation page</h2>{_chart(summary['pages'])}{table}"
        f"{''.join(sections)}</main></body></html>"
    )
