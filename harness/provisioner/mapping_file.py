"""The harness's mapping file: a YAML or JSON shorthand naming, for each Zoom field, its source
attributes and processing options. It is the harness's own configuration, not the connector's
behaviour (PingFederate configures a channel's ``attributeMapping`` instead), which is why it
lives apart from :mod:`harness.provisioner.mapping`."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml

from harness.errors import HarnessError
from harness.provisioner.mapping import FIELDS, FieldMapping, Mapping

_FIELD_KEYS = {"attribute", "attributes", "default", "create_only", "trim", "case", "parser", "masked"}


def load_mapping(path: str | Path) -> Mapping:
    return mapping_from_document(read_document(path, "mapping file"), str(path))


def mapping_from_document(document: Any, where: str = "mapping") -> Mapping:
    if not isinstance(document, dict):
        raise HarnessError(f"{where}: expected a mapping of Zoom field names to settings")
    fields: dict[str, FieldMapping] = {}
    for name, spec in document.items():
        if name not in FIELDS:
            raise HarnessError(f"{where}: unknown Zoom field {name!r}; supported: {', '.join(FIELDS)}")
        fields[name] = _field(spec, f"{where}: {name}")
    if "Username" not in fields:
        raise HarnessError(f"{where}: Username must be mapped (it is the only required field)")
    return Mapping(fields)


def _field(spec: Any, where: str) -> FieldMapping:
    if isinstance(spec, str):
        return FieldMapping((spec,))
    if not isinstance(spec, dict):
        raise HarnessError(f"{where}: expected an attribute name or a mapping of options")
    unknown = set(spec) - _FIELD_KEYS
    if unknown:
        raise HarnessError(f"{where}: unknown options {sorted(unknown)}; allowed: {sorted(_FIELD_KEYS)}")
    attributes = spec.get("attributes", [spec["attribute"]] if "attribute" in spec else [])
    if not isinstance(attributes, list) or not all(isinstance(a, str) for a in attributes):
        raise HarnessError(f"{where}: attributes must be a list of attribute names")
    if not attributes and spec.get("default") is None:
        raise HarnessError(f"{where}: give a source attribute or a default value")
    for key, allowed in (
        ("case", ("none", "upper", "lower")),
        ("parser", ("none", "cn_from_dn", "username_from_email")),
    ):
        if spec.get(key, "none") not in allowed:
            raise HarnessError(f"{where}: {key} must be one of {', '.join(allowed)}")
    for key in ("create_only", "trim", "masked"):
        if not isinstance(spec.get(key, False), bool):
            raise HarnessError(f"{where}: {key} must be true or false")
    default = spec.get("default")
    return FieldMapping(
        attributes=tuple(attributes),
        default=None if default is None else str(default),
        create_only=spec.get("create_only", False),
        trim=spec.get("trim", False),
        case=spec.get("case", "none"),
        parser=spec.get("parser", "none"),
        masked=spec.get("masked", False),
    )


def read_document(path: str | Path, what: str) -> Any:
    """A YAML or JSON file (YAML is a superset of JSON), or one line saying why it cannot be read."""
    try:
        return yaml.safe_load(Path(path).read_text(encoding="utf-8"))
    except OSError as error:
        raise HarnessError(f"cannot read {what} {path}: {error.strerror}") from None
    except yaml.YAMLError:
        raise HarnessError(f"{what} {path} is not valid YAML or JSON") from None
