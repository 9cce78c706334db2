"""A real PingFederate as the system under test, driven through its Administrative API.

The adapter finds the Zoom Provisioner among PingFederate's connector descriptors (its id, and the
names of its target settings and the codes of its attributes, matched by the labels Ping's docs
use), creates an LDAP data store for the harness's directory, and an SP connection whose
``outboundProvision`` carries the channel the steps configured. Activation saves the channel active,
letting PingFederate check the credentials with Zoom; cycles run on PingFederate's own schedule,
and the adapter waits for each: from ``provisioner-channel-summary.log`` and
``provisioner-audit.log`` when it can read PingFederate's log folder, else from Zoom's side (the
emulator's journal going quiet). Everything it creates is written to a ledger first and deleted at
the end, also after a failure. Facts: ``shared/reference/pingfederate-admin-api.md``.
"""

from __future__ import annotations

import json
import os
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx

from harness.directory.slapd import DirectoryServer
from harness.errors import HarnessError
from harness.provisioner.channel import ActivationRefused
from harness.provisioner.records import AuditRecord, ChannelSummary, LogLine, ProvisionerRecords
from harness.sut import ChannelSetup
from harness.zoom.preflight import Check, Readiness

API_PATH = "/pf-admin-api/v1"
#: The labels of the Zoom Provisioner's Target and Provisioning Options pages.
TARGET_LABELS = ("Account ID", "Client ID", "Client Secret", "User Create", "User Update", "User Disable / Delete",
                 "Remove User Action")  # fmt: skip
CASES = {"none": "NONE", "upper": "UPPER", "lower": "LOWER"}
PARSERS = {"none": "NONE", "cn_from_dn": "EXTRACT_CN_FROM_DN", "username_from_email": "EXTRACT_USERNAME_FROM_EMAIL"}


class PingFederateError(HarnessError):
    """PingFederate refused a call; the message is PingFederate's, with the field it names."""


def _label(text: str) -> str:
    return " / ".join(part.strip() for part in text.split("/")).lower()


@dataclass(frozen=True)
class AdminAddress:
    """Where PingFederate's Administrative API is and how to log in (HTTP Basic)."""

    url: str
    user: str
    password: str = field(repr=False)
    #: True, False (``--pf-insecure``, said aloud) or a CA file for PingFederate's certificate.
    verify: bool | str = True

    @classmethod
    def from_environment(cls, environ: dict[str, str] | None = None) -> AdminAddress:
        env = os.environ if environ is None else environ
        missing = [name for name in ("PF_ADMIN_URL", "PF_ADMIN_USER", "PF_ADMIN_PASSWORD") if not env.get(name)]
        if missing:
            raise HarnessError(f"set {', '.join(missing)} for PingFederate's Administrative API")
        verify: bool | str = env.get("PF_CA_FILE") or env.get("PF_INSECURE", "") not in ("1", "true", "yes")
        return cls(env["PF_ADMIN_URL"].rstrip("/"), env["PF_ADMIN_USER"], env["PF_ADMIN_PASSWORD"], verify)

    def environment(self) -> dict[str, str]:
        """The variables that carry this address to a pytest run of the features."""
        env = {"PF_ADMIN_URL": self.url, "PF_ADMIN_USER": self.user, "PF_ADMIN_PASSWORD": self.password}
        if isinstance(self.verify, str):
            env["PF_CA_FILE"] = self.verify
        elif not self.verify:
            env["PF_INSECURE"] = "1"
        return env

    def client(self, transport: httpx.BaseTransport | None = None) -> AdminClient:
        return AdminClient(self, transport)

    def check(self) -> str:
        """PingFederate's version, or one line saying why the admin API cannot be used."""
        with self.client() as admin:
            return str(admin.get("/version").get("version", "unknown"))


class AdminClient:
    def __init__(self, address: AdminAddress, transport: httpx.BaseTransport | None = None) -> None:
        self.address = address
        self.http = httpx.Client(
            base_url=address.url + API_PATH,
            auth=(address.user, address.password),
            verify=address.verify,
            timeout=30,
            transport=transport,
            # Every call carries it (PingFederate's CSRF guard); writes are JSON.
            headers={"X-XSRF-Header": "PingFederate", "Accept": "application/json"},
        )

    def __enter__(self) -> AdminClient:
        return self

    def __exit__(self, *exc: object) -> None:
        self.http.close()

    def call(self, method: str, path: str, body: Any = None, *, bypass: bool = False) -> Any:
        headers = {"X-BypassExternalValidation": "true"} if bypass else {}
        if body is not None:
            headers["Content-Type"] = "application/json"
        try:
            response = self.http.request(method, path, content=None if body is None else json.dumps(body),
                                         headers=headers)  # fmt: skip
        except httpx.TransportError as error:
            raise PingFederateError(f"cannot reach PingFederate's admin API at {self.address.url}: "
                                    f"{type(error).__name__}") from None  # fmt: skip
        if response.status_code == 401:
            raise PingFederateError(f"PingFederate refused the admin login of {self.address.user} (401)")
        if response.status_code == 403:
            raise PingFederateError(f"the admin {self.address.user} may not {method} {path} (403): give it the "
                                    "Administrator role")  # fmt: skip
        if response.status_code == 422:
            raise PingFederateError(_validation(response))
        if response.status_code == 404 and method == "GET":
            return None
        if response.status_code >= 400:
            raise PingFederateError(f"PingFederate answered {method} {path} with {response.status_code}: "
                                    f"{response.text[:300]}")  # fmt: skip
        return response.json() if response.content else None

    def get(self, path: str) -> Any:
        return self.call("GET", path)


def _validation(response: httpx.Response) -> str:
    """PingFederate's 422: its message and each field it names."""
    try:
        body = response.json()
    except ValueError:
        return f"PingFederate refused the configuration (422): {response.text[:300]}"
    parts = [str(body.get("message") or "validation failed")]
    for error in body.get("validationErrors") or []:
        where = error.get("fieldPath") or error.get("errorId") or "?"
        parts.append(f"{where}: {error.get('message', '')}")
    return "PingFederate refused the configuration: " + "; ".join(parts)


@dataclass(frozen=True)
class ZoomConnector:
    """The Zoom Provisioner as PingFederate describes it: its id, its target-setting names by
    label, its attribute codes by label."""

    id: str
    settings: dict[str, str]
    attributes: dict[str, str]

    @classmethod
    def discover(cls, admin: AdminClient) -> ZoomConnector:
        found = admin.get("/idp/connectors/descriptors") or {}
        for descriptor in found.get("items", []):
            text = f"{descriptor.get('id', '')} {descriptor.get('description', '')}".lower()
            if "zoom" not in text:
                continue
            fields = (descriptor.get("configDescriptor") or {}).get("fields", [])
            settings = {_label(f["label"]): f["name"] for f in fields if f.get("label") and f.get("name")}
            missing = [label for label in TARGET_LABELS if _label(label) not in settings]
            if missing:
                raise PingFederateError(f"the Zoom connector {descriptor['id']} has no target setting labelled "
                                        f"{', '.join(missing)}")  # fmt: skip
            codes = {_label(a["label"]): a["code"] for a in descriptor.get("saasPluginFieldInfoDescriptors", [])}
            return cls(descriptor["id"], settings, codes)
        raise PingFederateError(
            "the Zoom Provisioner is not deployed in PingFederate: no connector descriptor names Zoom. Put its jar "
            "(pf-zoom-provisioner-*.jar) in server/default/deploy/ and restart PingFederate"
        )

    def setting(self, label: str) -> str:
        return self.settings[_label(label)]

    def code(self, label: str) -> str:
        try:
            return self.attributes[_label(label)]
        except KeyError:
            raise PingFederateError(f"the Zoom connector {self.id} has no attribute labelled {label}") from None


# -- what the adapter sends ----------------------------------------------------------------------


def data_store(server: DirectoryServer, store_id: str) -> dict[str, Any]:
    return {
        "type": "LDAP", "id": store_id, "name": "zoom-harness directory", "ldapType": "GENERIC",
        "hostnames": [f"{server.host}:{server.port}"], "userDN": server.bind_dn, "password": server.password,
        "bindAnonymously": False, "useSsl": False, "useStartTLS": False,
    }  # fmt: skip


def sp_connection(
    setup: ChannelSetup, connector: ZoomConnector, connection_id: str, store_id: str, base_dn: str, active: bool
) -> dict[str, Any]:
    """The SP connection whose ``outboundProvision`` is the channel the steps configured."""
    target, channel, options = setup.target, setup.channel, setup.options
    values = {"Account ID": target.account_id, "Client ID": target.client_id, "Client Secret": target.client_secret,
              "User Create": str(options.create).lower(), "User Update": str(options.update).lower(),
              "User Disable / Delete": str(options.remove).lower(),
              "Remove User Action": options.remove_action.capitalize()}  # fmt: skip
    location: dict[str, Any] = {"nestedSearch": False}
    if channel.location.group_dn:
        location["groupDN"] = channel.location.group_dn
    else:
        location["filter"] = channel.location.filter
    status = channel.status
    source = {
        "dataSource": {"id": store_id}, "baseDn": base_dn, "guidAttributeName": "entryUUID", "guidBinary": False,
        "changeDetectionSettings": {"userObjectClass": "inetOrgPerson", "groupObjectClass": "groupOfUniqueNames",
                                    "changedUsersAlgorithm": "TIMESTAMP", "timeStampAttributeName": "modifyTimestamp"},
        "groupMembershipDetection": {"groupMemberAttributeName": "uniqueMember"},
        "accountManagementSettings": {
            "accountStatusAttributeName": status.attribute,
            "accountStatusAlgorithm": "ACCOUNT_STATUS_ALGORITHM_AD" if status.algorithm == "ad"
            else "ACCOUNT_STATUS_ALGORITHM_FLAG",
            "flagComparisonValue": status.disabled_value, "flagComparisonStatus": status.disabled_on_match,
            "defaultStatus": status.default_enabled},
        "userSourceLocation": location,
    }  # fmt: skip
    mapping = [
        {"fieldName": connector.code(name), "saasFieldInfo": {
            "attributeNames": list(spec.attributes), "defaultValue": spec.default or "", "createOnly": spec.create_only,
            "trim": spec.trim, "characterCase": CASES[spec.case], "parser": PARSERS[spec.parser],
            "masked": spec.masked}}
        for name, spec in channel.mapping.fields.items()
    ]  # fmt: skip
    return {
        "type": "SP", "id": connection_id, "name": "zoom-harness provisioning",
        "entityId": f"zoom-harness:{connection_id}", "active": True, "loggingMode": "STANDARD",
        "outboundProvision": {
            "type": connector.id,
            "targetSettings": [{"name": connector.setting(label), "value": value} for label, value in values.items()],
            "channels": [{"name": channel.name, "active": active, "maxThreads": channel.max_threads,
                          "timeout": max(1, round(channel.timeout)), "channelSource": source,
                          "attributeMapping": mapping}],
        },
    }  # fmt: skip


# -- what PingFederate reports --------------------------------------------------------------------


def parse_audit(line: str) -> AuditRecord | None:
    """``%d| cycle_id| channel_id| event_type| source_id| target_id| is_success| non_success_cause``."""
    parts = [p.strip() for p in line.split("|")]
    if len(parts) < 8 or not parts[1].isdigit():
        return None
    cause = "|".join(parts[7:]).strip() or None
    return AuditRecord(time.time(), int(parts[1]), parts[2], parts[3], parts[4], parts[5] or None,
                       parts[6].lower() == "true", cause)  # fmt: skip


def parse_summary(line: str, channel: str) -> ChannelSummary | None:
    """A line of ``provisioner-channel-summary.log``: counts by name, and the duration in ms or s."""
    import re

    counts = {key: int(value) for key, value in re.findall(r"(\w+)\W{1,3}(\d+)", line.lower())}
    if not counts:
        return None
    summary = ChannelSummary(cycle_id=counts.get("cycle", 0), channel=channel)
    for name in ("created", "updated", "disabled", "deleted", "failed"):
        setattr(summary, name, counts.get(name, 0))
    summary.duration = counts.get("duration", 0) / 1000 if "ms" in line.lower() else counts.get("duration", 0)
    return summary


@dataclass
class _Logs:
    folder: Path
    offsets: dict[str, int] = field(default_factory=dict)

    def new_lines(self, name: str) -> list[str]:
        path = self.folder / name
        if not path.exists():
            return []
        with path.open(encoding="utf-8", errors="replace") as handle:
            handle.seek(self.offsets.get(name, 0))
            text = handle.read()
            self.offsets[name] = handle.tell()
        return [line for line in text.splitlines() if line.strip()]

    def skip_to_end(self) -> None:
        for name in ("provisioner-channel-summary.log", "provisioner-audit.log", "provisioner.log"):
            path = self.folder / name
            self.offsets[name] = path.stat().st_size if path.exists() else 0


class PingFederateSystem:
    kind = "pingfederate"

    def __init__(
        self,
        admin: AdminClient,
        directory: DirectoryServer,
        base_dn: str,
        *,
        log_dir: Path | None = None,
        journal: Callable[[], list[dict[str, Any]]] | None = None,
        ledger: Path | None = None,
        cycle_timeout: float = 300.0,
        frequency: int = 5,
        quiet: float = 5.0,
        sleep: Callable[[float], None] = time.sleep,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.admin = admin
        self.directory = directory
        self.base_dn = base_dn
        self.records = ProvisionerRecords()
        self.logs = _Logs(log_dir) if log_dir else None
        self.journal = journal
        self.ledger = ledger
        self.cycle_timeout, self.quiet, self.sleep, self.clock = cycle_timeout, quiet, sleep, clock
        self.connector = ZoomConnector.discover(admin)
        self.version = str((admin.get("/version") or {}).get("version", "unknown"))
        self.description = f"PingFederate {self.version} (connector {self.connector.id})"
        self.suffix = os.urandom(4).hex()
        self.store_id = f"zoomharnessds{self.suffix}"
        self.connection_id = f"zoomharness{self.suffix}"
        self.created: list[str] = []
        self.setup: ChannelSetup | None = None
        self.frequency = frequency
        self._settings: dict[str, Any] | None = None
        self._active = False
        self._journal_seen = 0

    # -- configuration ---------------------------------------------------------------------

    def _remember(self, path: str) -> None:
        """Write what is about to be created down first, so that a killed run can be cleaned up."""
        self.created.append(path)
        if self.ledger is not None:
            self.ledger.write_text(json.dumps({"created": self.created}), encoding="utf-8")

    def _shorten_cycles(self) -> None:
        """Cycles every ``frequency`` seconds while the harness runs (PingFederate's default is 60);
        the original setting is put back by :meth:`close`."""
        path = "/serverSettings/outboundProvisioning"
        self._settings = self.admin.get(path) or {}
        if self._settings.get("synchronizationFrequency") != self.frequency:
            self.admin.call("PUT", path, {**self._settings, "synchronizationFrequency": self.frequency})

    def configure(self, setup: ChannelSetup) -> None:
        if self._settings is None:
            self._shorten_cycles()
        self.setup = setup
        if f"/dataStores/{self.store_id}" not in self.created:
            self._remember(f"/dataStores/{self.store_id}")
            self.admin.call("POST", "/dataStores", data_store(self.directory, self.store_id), bypass=True)
        self._save(active=self._active, bypass=True)

    def _save(self, *, active: bool, bypass: bool) -> None:
        assert self.setup is not None
        body = sp_connection(self.setup, self.connector, self.connection_id, self.store_id, self.base_dn, active)
        path = f"/idp/spConnections/{self.connection_id}"
        if path in self.created:
            self.admin.call("PUT", path, body, bypass=bypass)
        else:
            self._remember(path)
            self.admin.call("POST", "/idp/spConnections", body, bypass=bypass)

    def activate(self) -> Readiness:
        """Save the channel active without bypassing validation: PingFederate checks the app with Zoom."""
        try:
            self._save(active=True, bypass=False)
        except PingFederateError as refusal:
            raise ActivationRefused(Readiness([Check("pingfederate", False, str(refusal))])) from None
        self._active = True
        return Readiness([Check("pingfederate", True, "PingFederate activated the channel")])

    @property
    def channel_active(self) -> bool:
        return self._active

    # -- cycles ----------------------------------------------------------------------------

    def next_cycle(self) -> ChannelSummary:
        assert self.setup is not None
        if self.logs is not None:
            return self._cycle_from_logs(self.setup.channel.name)
        return self._cycle_from_journal(self.setup.channel.name)

    def _cycle_from_logs(self, channel: str) -> ChannelSummary:
        assert self.logs is not None
        deadline = self.clock() + self.cycle_timeout
        last = "no summary line yet"
        while self.clock() < deadline:
            for line in self.logs.new_lines("provisioner-audit.log"):
                record = parse_audit(line)
                if record is not None:
                    self.records.audit.append(record)
            for line in self.logs.new_lines("provisioner.log"):
                level = "WARN" if " WARN " in line else "ERROR" if " ERROR " in line else "INFO"
                self.records.log.append(LogLine(time.time(), level, "user workflow", line))
            for line in self.logs.new_lines("provisioner-channel-summary.log"):
                last = line
                summary = parse_summary(line, channel)
                if summary is not None:
                    self.records.summaries.append(summary)
                    return summary
            self.sleep(1.0)
        raise PingFederateError(f"no provisioning cycle within {self.cycle_timeout:g} s; last seen: {last}")

    def _cycle_from_journal(self, channel: str) -> ChannelSummary:
        """Without the log folder: a cycle is Zoom's journal moving, then quiet for ``quiet`` s."""
        assert self.journal is not None, "give PingFederate's log folder or the emulator's journal"
        deadline = self.clock() + self.cycle_timeout
        seen, moved_at = self._journal_seen, None
        while self.clock() < deadline:
            entries = self.journal()
            if len(entries) > seen:
                seen, moved_at = len(entries), self.clock()
            elif moved_at is not None and self.clock() - moved_at >= self.quiet:
                summary = journal_summary(entries[self._journal_seen : seen], channel, len(self.records.summaries) + 1)
                self._journal_seen = seen
                self.records.summaries.append(summary)
                return summary
            self.sleep(0.5)
        raise PingFederateError(
            f"no provisioning cycle within {self.cycle_timeout:g} s; "
            f"last seen: {seen - self._journal_seen} calls to Zoom"
        )

    def token_requests(self) -> int:
        if self.journal is None:
            return 0
        return sum(1 for e in self.journal() if "/oauth/token" in e.get("url", ""))

    def close(self) -> None:
        """Delete what the adapter created, newest first; a failure leaves the ledger behind."""
        left = []
        for path in reversed(self.created):
            try:
                self.admin.call("DELETE", path)
            except PingFederateError as error:
                left.append(f"{path}: {error}")
        if self._settings and self._settings.get("synchronizationFrequency") != self.frequency:
            try:
                self.admin.call("PUT", "/serverSettings/outboundProvisioning", self._settings)
            except PingFederateError as error:
                left.append(f"the synchronization frequency: {error}")
        if self.ledger is not None and not left:
            self.ledger.unlink(missing_ok=True)
        if left:
            raise PingFederateError("could not delete " + "; ".join(left))


def journal_summary(entries: list[dict[str, Any]], channel: str, cycle: int) -> ChannelSummary:
    """A cycle's summary as Zoom saw it: the writes that reached the SCIM API."""
    summary = ChannelSummary(cycle_id=cycle, channel=channel)
    for entry in entries:
        method, status, url = entry.get("method"), int(entry.get("status") or 0), entry.get("url", "")
        if "/scim2/Users" not in url or method == "GET":
            continue
        if status >= 400:
            summary.failed += 1
        elif method == "POST":
            summary.created += 1
        elif method == "DELETE":
            summary.deleted += 1
        elif method == "PATCH":
            if _deactivates(entry.get("request_body", "")):
                summary.disabled += 1
            else:
                summary.enabled += 1
        else:
            summary.updated += 1
    return summary


def _deactivates(body: str) -> bool:
    """Whether a SCIM PatchOp sets ``active`` to false (its value form or its path form)."""
    try:
        operations = json.loads(body).get("Operations", [])
    except (ValueError, AttributeError):
        return False
    for operation in operations if isinstance(operations, list) else []:
        value = operation.get("value") if isinstance(operation, dict) else None
        if value is False and str(operation.get("path", "")).lower() == "active":
            return True
        if isinstance(value, dict) and value.get("active") is False:
            return True
    return False
