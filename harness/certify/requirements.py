"""The requirements catalogue: the certification contract, carried with the harness.

``requirements.json`` is the project's own copy of ``shared/requirements.md`` (users run the
harness without that folder), followed by the project's own requirements (groups of their own,
such as MAP: behaviours the reference documents that the shared contract does not name yet); a
test keeps the shared part equal to the shared file where it is present.
"""

from __future__ import annotations

import json
import re
from dataclasses import asdict, dataclass
from functools import cache
from pathlib import Path

CATALOGUE = Path(__file__).with_name("requirements.json")
_GROUP = re.compile(r"^## (?P<group>[A-Z]+): (?P<page>.+?)(?: \((?P<source>[^)]*)\))?$")
_ITEM = re.compile(r"^- (?P<id>[A-Z]+-\d+) (?P<text>.+)$")


@dataclass(frozen=True)
class Requirement:
    id: str
    text: str
    group: str
    page: str
    source: str

    def to_dict(self) -> dict[str, str]:
        return asdict(self)


def parse_markdown(text: str) -> list[Requirement]:
    requirements: list[Requirement] = []
    group = page = source = ""
    for line in text.splitlines():
        if found := _GROUP.match(line):
            group, page, source = found["group"], found["page"], found["source"] or ""
        elif (found := _ITEM.match(line)) and group:
            requirements.append(Requirement(found["id"], found["text"].strip(), group, page, source))
    return requirements


@cache
def catalogue() -> tuple[Requirement, ...]:
    document = json.loads(CATALOGUE.read_text(encoding="utf-8"))
    return tuple(Requirement(**item) for item in document["requirements"])


def write_catalogue(requirements: list[Requirement], path: Path = CATALOGUE) -> None:
    document = {"requirements": [r.to_dict() for r in requirements]}
    path.write_text(json.dumps(document, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")


if __name__ == "__main__":
    import sys

    parsed = parse_markdown(Path(sys.argv[1]).read_text(encoding="utf-8"))
    shared_groups = {r.group for r in parsed}
    own = [r for r in catalogue() if r.group not in shared_groups]
    write_catalogue(parsed + own)
    print(f"wrote {len(parsed)} shared and {len(own)} of the project's own requirements to {CATALOGUE}")
