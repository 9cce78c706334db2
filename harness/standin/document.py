"""PingFederate's published Administrative API document, loaded once and used to judge every call.

openapi-core validates each request (path, method, parameters, JSON body) and each answer
against the document. Left at its defaults it is too lenient for a certification, so three checks
are added here: every property a body sends must be declared by its schema (the schemas do not
forbid unknown ones; [I] PingFederate's own strictness is inferred, its API refuses misspelled
fields with a 422 naming the field), bodies declared ``*/*`` are validated against their schema
(openapi-core skips them), and the security schemes are enforced by the app (openapi-core does not
enforce them). The copy beside this module is the document as published; :data:`PATCHES` lists the
changes made to what the library loads, each with its reason.
"""

from __future__ import annotations

import functools
import json
import re
import warnings
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml
from openapi_core import Config, OpenAPI
from openapi_core.datatypes import RequestParameters
from openapi_schema_validator import OAS30Validator
from werkzeug.datastructures import Headers, ImmutableMultiDict

DOCUMENT = Path(__file__).with_name("pingfederate-admin-api-12.1.0.4.openapi.yaml")
BASE_PATH = "/pf-admin-api/v1"
SCHEMAS = "#/components/schemas/"


def _drop_authorization_url(document: dict[str, Any]) -> None:
    document["components"]["securitySchemes"]["oAuth2"]["flows"]["clientCredentials"].pop("authorizationUrl", None)


def _security_names(document: dict[str, Any]) -> None:
    document["security"] = [{"BasicAuth": []}, {"bearer": []}, {"oAuth2": []}]


def _drop_empty_content(document: dict[str, Any]) -> None:
    for item in document["paths"].values():
        for operation in item.values():
            for response in (operation.get("responses") or {}).values() if isinstance(operation, dict) else ():
                if response.get("content") == {}:
                    del response["content"]


#: What is changed in the copy the library loads, and why. The published file itself is untouched.
PATCHES: tuple[tuple[str, Callable[[dict[str, Any]], None]], ...] = (
    ("components.securitySchemes.oAuth2.flows.clientCredentials.authorizationUrl removed: OpenAPI 3.0 allows "
     "no authorizationUrl in a clientCredentials flow, and the spec validator refuses the document",
     _drop_authorization_url),
    ("security names basicAuth and oauth2 spelled BasicAuth and oAuth2, as securitySchemes declares them: the "
     "published names match no scheme", _security_names),
    ("responses with an empty content map (the 204 of every DELETE) lose the map: openapi-core reads `content: {}` "
     "as a body that must be there, and calls an empty 204 'Missing response data'", _drop_empty_content),
)  # fmt: skip


@dataclass(frozen=True)
class Violation:
    """One way a call or an answer breaks the document: where (PingFederate's ``fieldPath``) and what."""

    field_path: str
    message: str
    #: 400 for a malformed body or a wrong type, 422 for a validation error, 404 for an unknown path.
    status: int = 422

    def __str__(self) -> str:
        return f"{self.field_path}: {self.message}" if self.field_path else self.message


class _Request:
    """A call as openapi-core's request protocol reads it."""

    host_url = "https://localhost:9999"

    def __init__(self, method: str, path: str, query: list[tuple[str, str]], headers: dict[str, str],
                 body: bytes | None, content_type: str) -> None:  # fmt: skip
        self.method = method.lower()
        self.path = path
        self.body = body or None
        self.content_type = content_type.lower()
        self.parameters = RequestParameters(
            query=ImmutableMultiDict(query), header=Headers(headers), cookie=ImmutableMultiDict()
        )


class _Response:
    def __init__(self, status: int, body: bytes, content_type: str) -> None:
        self.status_code = status
        self.data = body or None
        self.content_type = content_type
        self.headers = Headers({"Content-Type": content_type} if content_type else {})


class AdminApiDocument:
    """The document's paths and schemas, and the checks of a call against them."""

    def __init__(self, document: dict[str, Any]) -> None:
        self.raw = document
        self.schemas: dict[str, Any] = document["components"]["schemas"]
        self.openapi = OpenAPI.from_dict(document, config=Config(spec_validator_cls=None))
        self._subtypes = self._index_subtypes()
        #: Each path template as a pattern, made once: every call looks its operation up.
        self._templates = [(re.compile("^" + re.sub(r"\\\{[^}]+\\\}", "[^/]+", re.escape(template)) + "$"),
                            template, item) for template, item in document["paths"].items()]  # fmt: skip

    @classmethod
    @functools.cache
    def load(cls) -> AdminApiDocument:
        """The published document with :data:`PATCHES` applied (about half a second: loaded once)."""
        loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
        document = yaml.load(DOCUMENT.read_text(encoding="utf-8"), Loader=loader)
        for _, patch in PATCHES:
            patch(document)
        return cls(document)

    # -- operations ----------------------------------------------------------------------------

    def operation(self, method: str, path: str) -> tuple[str, dict[str, Any]] | None:
        """The document's path template and operation for a path below the API's base, or None."""
        for pattern, template, item in self._templates:
            if method.lower() in item and pattern.match(path):
                return template, item[method.lower()]
        return None

    def rejudge(self, journal: list[dict[str, Any]]) -> list[dict[str, Any]]:
        """The calls of a stand-in's journal that break the document, judged again (secrets are
        redacted there, keeping their types) or as judged when they were made."""
        found = []
        for entry in journal:
            body = json.dumps(entry["body"]).encode() if entry["body"] is not None else b""
            now = [str(v) for v in self.check_request(entry["method"], entry["path"], [], entry["headers"], body)]
            then = [f"{v['fieldPath']}: {v['message']}" for v in entry["violations"]]
            if now or then:
                found.append({"call": f"{entry['method']} {entry['path']}", "status": entry["status"],
                              "violations": now or then})  # fmt: skip
        return found

    def declared_headers(self, operation: dict[str, Any]) -> set[str]:
        return {p["name"].lower() for p in operation.get("parameters", []) if p.get("in") == "header"}

    def body_media_type(self, operation: dict[str, Any]) -> tuple[str, dict[str, Any]] | None:
        content = (operation.get("requestBody") or {}).get("content") or {}
        return next(iter(content.items()), None)

    # -- checks ----------------------------------------------------------------------------------

    def check_request(self, method: str, path: str, query: list[tuple[str, str]], headers: dict[str, str],
                      body: bytes) -> list[Violation]:  # fmt: skip
        """Every way the call breaks the document (an empty list: it conforms)."""
        found = self.operation(method, path)
        if found is None:
            return [Violation("", f"{method} {BASE_PATH}{path} is not an operation of the Administrative API", 404)]
        _, operation = found
        content_type = headers.get("content-type", "")
        media = self.body_media_type(operation)
        value: Any = None
        if body:
            try:
                value = json.loads(body)
            except ValueError:
                return [Violation("", "the body is not JSON", 400)]
        elif media is not None and (operation.get("requestBody") or {}).get("required"):
            return [Violation("", "a body is required", 400)]
        if media is not None and media[0] == "*/*" and body:
            # openapi-core takes a */* body as bytes: validate it against its schema here.
            violations = self.check_value(media[1]["schema"], value)
            request = _Request(method, BASE_PATH + path, query, headers, None, "")
        else:
            violations = []
            request = _Request(method, BASE_PATH + path, query, headers, body, content_type)
        with warnings.catch_warnings():  # "Unsupported scheme type": the app enforces the schemes
            warnings.simplefilter("ignore", UserWarning)
            result = self.openapi.unmarshal_request(request)
        errors = result.errors
        if media is not None and media[0] == "*/*":
            errors = [e for e in errors if "RequestBody" not in type(e).__name__]
        violations.extend(_violations(errors))
        if media is not None and body:
            violations.extend(self.unknown_properties(media[1]["schema"], value, ""))
        return _unique(violations)

    def check_response(self, method: str, path: str, status: int, body: bytes, content_type: str) -> list[Violation]:
        """An answer against the operation's declared responses. An error status the operation does
        not declare (the document's prose gives 400, 401, 404 and 422 to every call) must be an ApiResult."""
        found = self.operation(method, path)
        declared = (found[1].get("responses") or {}) if found else {}
        if str(status) not in declared and "default" not in declared:
            if status < 400:
                return [Violation("", f"{status} is not an answer of {method} {BASE_PATH}{path}")]
            try:
                value = json.loads(body)
            except ValueError:
                return [Violation("", "an error's body is not JSON")]
            return self.check_value({"$ref": SCHEMAS + "ApiResult"}, value)
        request = _Request(method, BASE_PATH + path, [], {}, None, "")
        result = self.openapi.unmarshal_response(request, _Response(status, body, content_type))
        return _unique(_violations(result.errors))

    def check_value(self, schema: dict[str, Any], value: Any) -> list[Violation]:
        """A value against a schema of the document (its references resolved in the document)."""
        validator = OAS30Validator({**schema, "components": self.raw["components"]})
        return [_schema_violation(error) for error in validator.iter_errors(value)]

    def unknown_properties(self, schema: dict[str, Any], value: Any, where: str) -> Iterator[Violation]:
        """Properties the value sends that its schema (with its allOf parts and the subtype its
        discriminator names) does not declare, at any depth."""
        schema = self.resolve(schema)
        if isinstance(value, list) and "items" in schema:
            for index, item in enumerate(value):
                yield from self.unknown_properties(schema["items"], item, f"{where}[{index}]")
            return
        if not isinstance(value, dict):
            return
        declared = self.properties(schema, value)
        if not declared and "additionalProperties" in schema:
            return  # a map (extendedProperties and the like): its keys are the user's
        for name, item in value.items():
            path = f"{where}.{name}" if where else name
            if name not in declared:
                yield Violation(path, f"Unrecognized property {name!r}.")
            else:
                yield from self.unknown_properties(declared[name], item, path)

    # -- schemas ---------------------------------------------------------------------------------

    def resolve(self, schema: dict[str, Any]) -> dict[str, Any]:
        while "$ref" in schema:
            schema = self.schemas[schema["$ref"].removeprefix(SCHEMAS)]
        return schema

    def properties(self, schema: dict[str, Any], value: dict[str, Any], *, dispatch: bool = True) -> dict[str, Any]:
        """The properties a schema declares for this value: its own, its allOf parts', and those of
        the subtype its discriminator names (not when reached as a subtype's allOf part)."""
        schema = self.resolve(schema)
        declared: dict[str, Any] = {}
        for part in schema.get("allOf", []):
            declared.update(self.properties(part, value, dispatch=False))
        declared.update(schema.get("properties", {}))
        discriminator = schema.get("discriminator")
        if dispatch and discriminator:
            subtype = self._subtype(schema, discriminator, value)
            if subtype is not None:
                declared.update(self.properties(subtype, value, dispatch=False))
        return declared

    def _subtype(self, schema: dict[str, Any], discriminator: dict[str, Any], value: dict[str, Any]) -> Any:
        """The schema the discriminator's value names: by the mapping, else by the document's naming
        (``SELECT`` names ``SelectFieldDescriptor`` below ``FieldDescriptor``)."""
        kind = value.get(discriminator["propertyName"])
        if not isinstance(kind, str):
            return None
        mapped = (discriminator.get("mapping") or {}).get(kind)
        if mapped:
            return {"$ref": mapped}
        name = next((n for n, s in self.schemas.items() if s is schema), "")
        return self._subtypes.get((name, kind))

    def _index_subtypes(self) -> dict[tuple[str, str], dict[str, str]]:
        """(base schema, discriminator value) -> the schema that extends the base under that value."""
        found: dict[tuple[str, str], dict[str, str]] = {}
        for name, schema in self.schemas.items():
            root = self._root(name) if schema.get("allOf") else name
            if root != name and name.endswith(root):
                kind = re.sub(r"(?<!^)(?=[A-Z])", "_", name.removesuffix(root)).upper()
                found[(root, kind)] = {"$ref": SCHEMAS + name}
        return found

    def _root(self, name: str) -> str:
        """The schema at the top of an allOf chain (``SelectFieldDescriptor`` -> ``FieldDescriptor``)."""
        for part in self.schemas[name].get("allOf", []):
            if "$ref" in part:
                return self._root(part["$ref"].removeprefix(SCHEMAS))
        return name


def _field_path(parts: Any) -> str:
    path = ""
    for part in parts:
        path += f"[{part}]" if isinstance(part, int) else (f".{part}" if path else str(part))
    return path


def _schema_violation(error: Any) -> Violation:
    """A jsonschema error as PingFederate names it: the field's path (a missing field's own), 400 for
    a wrong type, 422 for the rest."""
    path = _field_path(error.absolute_path)
    missing = re.match(r"'(.+)' is a required property", error.message)
    if missing:
        path = f"{path}.{missing.group(1)}" if path else missing.group(1)
    return Violation(path, error.message, 400 if error.validator == "type" else 422)


def _violations(errors: list[Exception]) -> list[Violation]:
    found: list[Violation] = []
    for error in errors:
        schema_errors = getattr(error.__cause__, "schema_errors", None) or getattr(error, "schema_errors", None)
        if schema_errors:
            found.extend(_schema_violation(schema_error) for schema_error in schema_errors)
        elif "Security" in type(error).__name__:
            continue  # the app enforces HTTP Basic itself (openapi-core cannot tell the schemes apart)
        else:
            found.append(Violation(getattr(error, "name", "") or "", str(error), 422))
    return found


def _unique(violations: list[Violation]) -> list[Violation]:
    return list(dict.fromkeys(violations))
