"""The stand-in's Administrative API: a call in (method, path, query, headers, body), an answer out.

Every call is judged against the document before it is routed (HTTP Basic, ``X-XSRF-Header``, the
operation, its parameters and body, undeclared properties, ``X-BypassExternalValidation`` only on
the operations that declare it), and every answer is checked against the document before it
leaves. A refusal is PingFederate's ``ApiResult``. Each call is kept in the journal with its
violations (secrets redacted), which ``zoom-harness pingfederate audit`` reads after a run.
"""

from __future__ import annotations

import base64
import binascii
import json
import re
import secrets
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from harness.standin.configuration import ApiRefusal, Configuration
from harness.standin.document import BASE_PATH, AdminApiDocument, Violation

JSON = "application/json"
BYPASS = "x-bypassexternalvalidation"
#: Body fields whose values never reach the journal.
SECRET_KEYS = {"password", "value", "encryptedValue", "encryptedPassword"}
#: Answers the document's prose allows where a schema says otherwise: "Where the GET gives no
#: dataStoreRef, no provisioning database is configured."
PROSE_EXEMPTIONS = {("GET", "/serverSettings/outboundProvisioning"): "'dataStoreRef' is a required property"}


@dataclass(frozen=True)
class Answer:
    status: int
    body: bytes = b""
    headers: tuple[tuple[str, str], ...] = ()


@dataclass
class Server:
    """The server-wide settings a PingFederate has before any connection: its SAML entity ID and
    whether a provisioning database is configured (both prerequisites of provisioning)."""

    saml2_entity_id: str | None = "zoom-harness-standin"
    provisioning_database: bool = True


@dataclass
class AdminApi:
    configuration: Configuration
    user: str = "Administrator"
    password: str = field(default_factory=lambda: secrets.token_urlsafe(12), repr=False)
    server: Server = field(default_factory=Server)
    document: AdminApiDocument = field(default_factory=AdminApiDocument.load)
    #: Where each call is appended as a JSON line (None: kept in memory only).
    journal_file: Path | None = None
    journal: list[dict[str, Any]] = field(default_factory=list)
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def __post_init__(self) -> None:
        self._table = [(re.compile(pattern), methods) for pattern, methods in self._routes().items()]

    def handle(self, method: str, path: str, query: list[tuple[str, str]], headers: dict[str, str],
               body: bytes) -> Answer:  # fmt: skip
        """One call. ``headers`` has lower-case names."""
        method = method.upper()
        if not path.startswith(BASE_PATH + "/"):
            return Answer(404, b"Not Found", (("Content-Type", "text/plain"),))
        path = path[len(BASE_PATH) :]
        violations: list[Violation] = []
        try:
            self._authorize(headers)
            violations = self.document.check_request(method, path, query, headers, body)
            found = self.document.operation(method, path)
            if found is not None and BYPASS in headers and BYPASS not in self.document.declared_headers(found[1]):
                violations.append(Violation("X-BypassExternalValidation", "This operation has no such header.", 400))
            if violations:
                status = 404 if any(v.status == 404 for v in violations) else (
                    400 if any(v.status == 400 for v in violations) else 422)  # fmt: skip
                raise ApiRefusal(status, _MESSAGES[status], [v for v in violations if v.status != 404] or None)
            external = headers.get(BYPASS, "").lower() != "true"
            status, answer = self._route(method, path, json.loads(body) if body else None, external)
        except ApiRefusal as refusal:
            status, answer = refusal.status, refusal.body()
        payload = b"" if answer is None else json.dumps(answer).encode()
        problems = self._check_answer(method, path, status, payload)
        if problems:
            status, payload = 500, json.dumps({"resultId": "standin_defect", "message": "The stand-in's answer "
                                                "breaks the document: " + "; ".join(problems)}).encode()  # fmt: skip
        self._record(method, path, headers, body, status, violations)
        return Answer(status, payload, (("Content-Type", JSON),) if payload else ())

    # -- the gate --------------------------------------------------------------------------

    def _authorize(self, headers: dict[str, str]) -> None:
        scheme, _, token = headers.get("authorization", "").partition(" ")
        try:
            user, _, password = base64.b64decode(token, validate=True).decode().partition(":")
        except (binascii.Error, UnicodeDecodeError):
            user = password = ""
        if scheme.lower() != "basic" or not (secrets.compare_digest(user, self.user)
                                             and secrets.compare_digest(password, self.password)):  # fmt: skip
            raise ApiRefusal(401, "Authentication required: HTTP Basic with an administrator's login.")
        if headers.get("x-xsrf-header") != "PingFederate":
            raise ApiRefusal(403, "The X-XSRF-Header header must be set to PingFederate on every call.")

    def _check_answer(self, method: str, path: str, status: int, payload: bytes) -> list[str]:
        found = self.document.operation(method, path)
        if status in (500, 501) or found is None:
            return []  # the stand-in's own failures, and paths the document does not have
        exempt = PROSE_EXEMPTIONS.get((method, found[0]))
        return [str(v) for v in self.document.check_response(method, path, status, payload, JSON if payload else "")
                if v.message != exempt]  # fmt: skip

    def _record(self, method: str, path: str, headers: dict[str, str], body: bytes, status: int,
                violations: list[Violation]) -> None:  # fmt: skip
        entry = {
            "method": method, "path": path, "status": status,
            "headers": {k: v for k, v in headers.items() if k in ("content-type", "x-xsrf-header", BYPASS)},
            "body": _redacted(_parsed(body)),
            "violations": [{"fieldPath": v.field_path, "message": v.message} for v in violations],
        }  # fmt: skip
        with self._lock:
            self.journal.append(entry)
            if self.journal_file is not None:
                with self.journal_file.open("a", encoding="utf-8") as handle:
                    handle.write(json.dumps(entry) + "\n")

    # -- the operations --------------------------------------------------------------------

    def _route(self, method: str, path: str, body: Any, external: bool) -> tuple[int, Any]:
        config = self.configuration
        for pattern, methods in self._table:
            match = pattern.fullmatch(path)
            if match and method in methods:
                return methods[method](body, external, *match.groups())
        raise ApiRefusal(501, f"{method} {BASE_PATH}{path} is in the document but not served by the stand-in "
                         f"(PingFederate {config.version}).")  # fmt: skip

    def _routes(self) -> dict[str, dict[str, Callable[..., tuple[int, Any]]]]:
        c = self.configuration
        return {
            r"/version": {"GET": lambda b, e: (200, {"version": c.version})},
            r"/serverSettings": {"GET": lambda b, e: (200, self._server_settings())},
            r"/serverSettings/outboundProvisioning": {"GET": lambda b, e: (200, self._provisioning()),
                                                      "PUT": lambda b, e: (200, self._set_provisioning(b))},
            r"/idp/connectors/descriptors": {"GET": lambda b, e: (200, {"items": c.descriptors})},
            r"/idp/connectors/descriptors/([^/]+)": {"GET": lambda b, e, i: (200, self._descriptor(i))},
            r"/dataStores": {"GET": lambda b, e: (200, {"items": [c.data_store_view(s) for s in
                                                                  c.data_stores.values()]}),
                             "POST": lambda b, e: (201, c.create_data_store(b, external=e))},
            r"/dataStores/([^/]+)": {"GET": lambda b, e, i: (200, c.data_store_view(c.data_store(i))),
                                     "PUT": lambda b, e, i: (200, c.update_data_store(i, b, external=e)),
                                     "DELETE": lambda b, e, i: (204, c.delete_data_store(i))},
            r"/idp/spConnections": {"GET": lambda b, e: (200, {"items": [c.connection_view(x) for x in
                                                                         c.connections.values()]}),
                                    "POST": lambda b, e: (201, self._create_connection(b, e))},
            r"/idp/spConnections/([^/]+)": {"GET": lambda b, e, i: (200, c.connection_view(c.connection(i))),
                                            "PUT": lambda b, e, i: (200, c.update_connection(i, b, external=e)),
                                            "DELETE": lambda b, e, i: (204, c.delete_connection(i))},
        }  # fmt: skip

    def _server_settings(self) -> dict[str, Any]:
        info = {"baseUrl": "https://localhost:9031"}
        if self.server.saml2_entity_id:
            info["saml2EntityId"] = self.server.saml2_entity_id
        return {"federationInfo": info}

    def _provisioning(self) -> dict[str, Any]:
        settings = dict(self.configuration.provisioning)
        if not self.server.provisioning_database:
            settings.pop("dataStoreRef", None)
        return settings

    def _set_provisioning(self, body: dict[str, Any]) -> dict[str, Any]:
        config = self.configuration
        store = body["dataStoreRef"]["id"]
        if store not in config.data_stores and store != "ProvisionerDS":
            raise ApiRefusal(422, "Validation error(s) occurred.", [
                Violation("dataStoreRef.id", f"Data store '{store}' not found.")])  # fmt: skip
        with config.lock:
            config.provisioning = {"synchronizationFrequency": 60, **body}
            config.revision += 1
        self.server.provisioning_database = True
        return dict(config.provisioning)

    def _descriptor(self, connector_id: str) -> dict[str, Any]:
        found = self.configuration.descriptor(connector_id)
        if found is None:
            raise ApiRefusal(404, f"Resource '{connector_id}' not found.")
        return found

    def _create_connection(self, body: dict[str, Any], external: bool) -> dict[str, Any]:
        if not self.server.saml2_entity_id:
            raise ApiRefusal(
                422,
                "Validation error(s) occurred.",
                [
                    Violation(
                        "", "The server's SAML 2.0 entity ID is not set (System > Protocol Settings > Federation Info)."
                    )
                ],
            )
        return self.configuration.create_connection(body, external=external)


_MESSAGES = {400: "The request was improperly formatted or contained invalid fields.",
             404: "The requested resource was not found.", 422: "Validation error(s) occurred."}  # fmt: skip


def _parsed(body: bytes) -> Any:
    """The body as JSON; None when there is none or it is not JSON."""
    try:
        return json.loads(body) if body else None
    except ValueError:
        return None


def _redacted(value: Any) -> Any:
    """The body with every secret's value replaced by a string of the same type's shape."""
    if isinstance(value, dict):
        return {
            k: ("<redacted>" if k in SECRET_KEYS and isinstance(v, str) else _redacted(v)) for k, v in value.items()
        }
    if isinstance(value, list):
        return [_redacted(v) for v in value]
    return value
