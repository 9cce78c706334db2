"""CI's verdict on a feature run through the PingFederate adapter on the stand-in: every requirement
passed but those whose scenarios could not run for needing the reference provisioner's internals
(@reference-only), every call valid against PingFederate's document, nothing left in the stand-in."""

from __future__ import annotations

import json
import sys
from pathlib import Path

from harness.bdd.plugin import REFERENCE_ONLY_REASON


def main(folder: Path, version: str) -> int:
    report = json.loads((folder / "report.json").read_text())
    problems = []
    if f"PingFederate {version}" not in report["header"]["system_under_test"]:
        problems.append(f"the report names {report['header']['system_under_test']!r}, not PingFederate {version}")
    for requirement in report["requirements"]:
        if requirement["status"] == "passed":
            continue
        reasons = {n["reason"] for n in requirement.get("not_run", [])}
        ran = [s for s in requirement["scenarios"] if s["status"] != "skipped"]
        if (
            requirement["status"] in ("failed", "uncovered")
            or reasons != {REFERENCE_ONLY_REASON}
            or any(s["status"] != "passed" for s in ran)
        ):
            problems.append(f"{requirement['id']} is {requirement['status']}: {sorted(reasons) or 'failed'}")
    audits = sorted(folder.glob("pingfederate-standin-*.json"))
    if not audits:
        problems.append("no stand-in audit beside the report")
    calls = 0
    for path in audits:
        audit = json.loads(path.read_text())
        calls += audit["calls"]
        problems += [f"{path.name}: {v['call']}: {v['violations']}" for v in audit["violations"]]
        problems += [f"{path.name}: left {thing}" for thing in audit["left"]]
    others = sum(1 for r in report["requirements"] if r["status"] != "passed")
    print(
        f"PingFederate {version} stand-in: {report['summary']['requirements']['passed']} requirements passed, "
        f"{others} not; {calls} admin API calls audited; {len(problems)} problem(s)",
        file=sys.stderr,
    )
    for problem in problems:
        print(f"FAIL {problem}", file=sys.stderr)
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main(Path(sys.argv[1]), sys.argv[2]))
