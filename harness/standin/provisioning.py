"""The stand-in's provisioner: every ``synchronizationFrequency`` seconds, one cycle of each active
channel of each active connection, reading its LDAP data store and writing to Zoom.

The engine is the reference provisioner, configured from the stored ``outboundProvision`` by this
module's own reading of the document and of the connector's descriptor: target settings by field
name (found by label), a SELECT's value through its ``optionValues``, attribute codes to the
descriptor's labels, an expression for a field fed by several attributes. Cycles leave PingFederate's
log files: ``provisioner.log`` and ``provisioner-audit.log`` in the patterns of PingFederate's log4j2
template (a line where each cycle starts and one where it ends, in the stand-in's own words: PingFederate's
are not published), and ``provisioner-channel-summary.log`` only when the stand-in plays 12.2 or later
(its line format is not published either: the one here is the stand-in's own).
"""

from __future__ import annotations

import json
import re
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

import httpx

from harness.directory.ldap import LdapSource
from harness.errors import HarnessError
from harness.provisioner.channel_file import ChannelFile
from harness.provisioner.engine import Provisioner
from harness.provisioner.records import AuditRecord, ChannelSummary, LogLine, ProvisionerRecords
from harness.provisioner.store import SyncStore
from harness.standin.configuration import Configuration, settings_by_name
from harness.zoom.client import ZoomClient
from harness.zoom.target import Target
from mocks.core.client_tls import shared_tls
from mocks.core.control_guard import bearer_headers

#: ``#this.get("a") != null ? #this.get("a") : #this.get("b")``: the first attribute with a value.
#: [I] The one expression form the stand-in evaluates; PingFederate's OGNL accepts far more.
_FIRST_OF = re.compile(r'#this\.get\("([^"]+)"\)\s*!=\s*null\s*\?\s*#this\.get\("\1"\)\s*:\s*(.+)', re.S)
_ONE = re.compile(r'#this\.get\("([^"]+)"\)')
LOGGER = "ZoomProvisioner"


def first_of(expression: str) -> list[str]:
    """The attributes a first-of expression tries, in order; a HarnessError for any other expression."""
    order: list[str] = []
    rest = expression.strip()
    while match := _FIRST_OF.fullmatch(rest):
        order.append(match.group(1))
        rest = match.group(2).strip()
    last = _ONE.fullmatch(rest)
    if last is None:
        raise HarnessError(f"the stand-in evaluates only first-of expressions, not {expression!r}")
    return [*order, last.group(1)]


@dataclass(frozen=True)
class ZoomEndpoints:
    """Where the stand-in's connector reaches Zoom (a real PingFederate's connector has them fixed)."""

    token_url: str
    api_base_url: str
    #: The served emulator's control surface: when given, the stand-in's clock is the emulator's (as
    #: a JVM's under a time-shifting agent), so that a scenario moving Zoom's clock moves its clock too.
    control_url: str | None = None
    #: That surface's control token (a served emulator has one).
    control_token: str | None = field(default=None, repr=False)

    def clock(self) -> Callable[[], float]:
        if self.control_url is None:
            return time.time
        http = httpx.Client(timeout=10, verify=shared_tls(), headers=bearer_headers(self.control_token))
        url = f"{self.control_url}/clock"
        return lambda: float(http.get(url).raise_for_status().json()["now"])


def channel_document(configuration: Configuration, connection: dict[str, Any], index: int) -> dict[str, Any]:
    """One stored channel as a channel file (target settings and fields by their labels)."""
    provision = connection["outboundProvision"]
    descriptor = configuration.descriptor(provision["type"])
    assert descriptor is not None  # the configuration refuses a connector that is not installed
    fields = {f["name"]: f for f in descriptor["configDescriptor"]["fields"]}
    settings = []
    for name, value in settings_by_name(provision["targetSettings"], None).items():
        spec = fields[name]
        if spec.get("type") == "SELECT":
            value = next(o["name"] for o in spec["optionValues"] if o["value"] == value)
        settings.append({"name": spec["label"], "value": value})
    labels = {a["code"]: a["label"] for a in descriptor["saasPluginFieldInfoDescriptors"]}
    channel = json.loads(json.dumps(provision["channels"][index]))
    for item in channel["attributeMapping"]:
        item["fieldName"] = labels[item["fieldName"]]
        info = item["saasFieldInfo"]
        expression = info.pop("expression", None)
        if expression:
            info["attributeNames"] = first_of(expression)
    store = configuration.data_stores[channel["channelSource"]["dataSource"]["id"]]
    data_store = {"type": "LDAP", "hostnames": store["hostnames"], "userDN": store.get("userDN", ""),
                  "password": store.get("password", ""), "useSsl": store.get("useSsl", False)}  # fmt: skip
    return {"outboundProvision": {"type": provision["type"], "targetSettings": settings, "channels": [channel]},
            "dataStore": data_store}  # fmt: skip


@dataclass
class _Running:
    """One channel's engine, rebuilt when its configuration changes; its sync state kept across."""

    key: str
    configured: str
    provisioner: Provisioner
    store: SyncStore


@dataclass
class ProvisioningLoop:
    configuration: Configuration
    zoom: ZoomEndpoints
    log_dir: Path | None = None
    #: ``provisioner-channel-summary.log`` exists from PingFederate 12.2.
    summary_log: bool = False
    clock: Callable[[], float] = field(init=False)
    _running: dict[str, _Running] = field(default_factory=dict)
    _stop: threading.Event = field(default_factory=threading.Event)
    _thread: threading.Thread | None = None
    _files_lock: threading.Lock = field(default_factory=threading.Lock)

    def __post_init__(self) -> None:
        self.clock = self.zoom.clock()

    def start(self) -> ProvisioningLoop:
        self._thread = threading.Thread(target=self._loop, name="standin-provisioner", daemon=True)
        self._thread.start()
        return self

    def stop(self) -> None:
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout=30)
        for running in self._running.values():
            running.provisioner.client.close()
            running.store.close()

    def _loop(self) -> None:
        """[I] The next pass ``synchronizationFrequency`` seconds after the last one ended (0, the
        document's example: a tenth of a second), the setting read again as the wait goes on."""
        while not self._stop.is_set():
            self.run_once()
            ended = time.monotonic()
            while not self._stop.wait(0.05):
                frequency = int(self.configuration.provisioning.get("synchronizationFrequency", 60))
                if time.monotonic() - ended >= max(0.1, frequency):
                    break

    def run_once(self) -> list[ChannelSummary]:
        """One cycle of every active channel of every active connection."""
        summaries = []
        with self.configuration.lock:
            channels = [(c, i) for c in self.configuration.connections.values() if c.get("active", True)
                        and c.get("outboundProvision") for i, ch in enumerate(c["outboundProvision"]["channels"])
                        if ch["active"]]  # fmt: skip
            work = [(self._engine(c, i), c["outboundProvision"]["channels"][i]["name"]) for c, i in channels]
        live = {running.key for running, _ in work if running is not None}
        for key in [k for k in self._running if k not in live and not self._configured(k)]:
            self._running.pop(key).store.close()
        for running, name in work:
            if running is None:
                continue
            summaries.append(self._cycle(running, name))
        return summaries

    def _configured(self, key: str) -> bool:
        connection_id, _, _ = key.partition("/")
        return connection_id in self.configuration.connections

    def _engine(self, connection: dict[str, Any], index: int) -> _Running | None:
        key = f"{connection['id']}/{connection['outboundProvision']['channels'][index]['name']}"
        try:
            document = channel_document(self.configuration, connection, index)
        except (HarnessError, KeyError, StopIteration) as error:
            self._write_log("ERROR", key, f"Channel {key} cannot run: {error}")
            return None
        configured = json.dumps(document, sort_keys=True)
        running = self._running.get(key)
        if running is not None and running.configured == configured:
            return running
        try:
            channel_file = ChannelFile.from_document(document, f"connection {connection['id']}")
        except HarnessError as error:
            self._write_log("ERROR", key, f"Channel {key} cannot run: {error}")
            return None
        store = running.store if running is not None else SyncStore()
        if running is not None:
            running.provisioner.client.close()
        credentials = channel_file.credentials
        target = Target(credentials.get("account_id", ""), credentials.get("client_id", ""),
                        credentials.get("client_secret", ""), self.zoom.token_url, self.zoom.api_base_url)  # fmt: skip
        channel = channel_file.channel
        client = ZoomClient(target, timeout=channel.timeout / 2, max_connections=channel.max_threads + 2,
                            clock=self.clock)  # fmt: skip
        assert channel_file.data_store is not None
        source = LdapSource(channel_file.data_store, channel_file.source, channel.location, channel.source_attributes())
        records = _Logged(self, connection["outboundProvision"]["channels"][index]["name"])
        provisioner = Provisioner(client, source, channel=channel, options=channel_file.options, store=store,
                                  records=records, clock=self.clock)  # fmt: skip
        self._running[key] = _Running(key, configured, provisioner, store)
        return self._running[key]

    def _cycle(self, running: _Running, channel_name: str) -> ChannelSummary:
        """One cycle; its lines reach the log files as they come (``_Logged``). A cycle's failure is
        logged, as PingFederate does, and the loop goes on."""
        self._write_log("INFO", channel_name, "Provisioning cycle started")
        try:
            summary = running.provisioner.run_cycle()
        except Exception as error:
            self._write_log("ERROR", channel_name, f"Provisioning cycle ended with an error: {type(error).__name__}: "
                            f"{error}")  # fmt: skip
            return ChannelSummary(0, channel_name, failed=1)
        self._write_log("INFO", channel_name, f"Provisioning cycle {summary.cycle_id} ended in "
                        f"{round(summary.duration * 1000)} ms")  # fmt: skip
        return summary

    def _write_log(self, level: str, channel: str, message: str) -> None:
        self._write(line_of(LogLine(self.clock(), level, "channel", message), channel), "provisioner.log")

    def _write(self, text: str, name: str) -> None:
        if self.log_dir is None:
            return
        with self._files_lock, open(self.log_dir / name, "a", encoding="utf-8") as handle:
            handle.write(text + "\n")


class _Logged(ProvisionerRecords):
    """The engine's records, written to PingFederate's log files as they come."""

    def __init__(self, loop: ProvisioningLoop, channel: str) -> None:
        super().__init__()
        self.loop, self.channel = loop, channel

    def write_log(self, line: LogLine) -> None:
        super().write_log(line)
        self.loop._write(line_of(line, self.channel), "provisioner.log")

    def write_audit(self, record: AuditRecord) -> None:
        super().write_audit(record)
        self.loop._write(audit_line(record, self.channel), "provisioner-audit.log")

    def write_summary(self, summary: ChannelSummary) -> None:
        super().write_summary(summary)
        if self.loop.summary_log:
            self.loop._write(summary_line(summary, self.channel, self.loop.clock()), "provisioner-channel-summary.log")


def _stamp(seconds: float) -> str:
    """log4j2's ``%d``: ``2026-12-04 05:35:38,123``."""
    moment = datetime.fromtimestamp(seconds)
    return moment.strftime("%Y-%m-%d %H:%M:%S,") + f"{moment.microsecond // 1000:03d}"


def line_of(line: LogLine, channel: str) -> str:
    """``%d %-5p [%c{1}] %m %x %X{ChannelCode}``: the section leads the message (the stand-in's
    choice; PingFederate's own messages are not published)."""
    return f"{_stamp(line.time)} {line.level:<5} [{LOGGER}] {line.section}: {line.message}  {channel}"


def audit_line(record: AuditRecord, channel: str) -> str:
    """``%d| cycle_id| channel_id| event_type| source_id| target_id| is_success| non_success_cause``."""
    cause = record.non_success_cause or ""
    return (f"{_stamp(record.time)}| {record.cycle_id}| {channel}| {record.event_type}| {record.source_id}| "
            f"{record.target_id or ''}| {str(record.is_success).lower()}| {cause}")  # fmt: skip


def summary_line(summary: ChannelSummary, channel: str, now: float) -> str:
    """[U] The stand-in's line of ``provisioner-channel-summary.log``: the cycle, the channel, counts by
    name, the duration in milliseconds."""
    counts = ", ".join(f"{name}: {getattr(summary, name)}" for name in
                       ("created", "updated", "disabled", "enabled", "deleted", "failed", "skipped"))  # fmt: skip
    return f"{_stamp(now)}| {summary.cycle_id}| {channel}| {counts}| duration: {round(summary.duration * 1000)} ms"
