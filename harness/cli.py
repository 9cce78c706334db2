"""``zoom-harness``: the command line of the harness."""

from __future__ import annotations

import argparse
import contextlib
import gc
import json
import os
import sys
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from harness import __version__
from harness.errors import HarnessError
from harness.target import Target


def _listen(args: argparse.Namespace) -> tuple[Any, Any]:
    """The socket ``serve`` answers on, and the TLS files with ``--tls``."""
    from mocks.server import bind, is_loopback
    from mocks.tls import ensure_certificates

    if not is_loopback(args.host) and not args.allow_remote:
        raise HarnessError(
            f"refusing to bind {args.host}: the emulator's control routes need no token. "
            "Use a loopback address, or add --allow-remote if you really mean it."
        )
    tls = ensure_certificates(args.tls_dir) if args.tls else None
    try:
        return bind(args.host, args.port), tls
    except OSError as error:
        raise HarnessError(f"cannot listen on {args.host}:{args.port}: {error.strerror}") from None


def _serve(args: argparse.Namespace) -> int:
    if args.upstream:
        return _serve_proxy(args)
    from mocks import ZoomEmulator, apply_seed, load_seed
    from mocks.seed import SeedError
    from mocks.server import is_loopback, point_at, serve_forever

    emulator = ZoomEmulator()
    sock, tls = _listen(args)
    url = point_at(emulator, sock, tls)
    credentials = emulator.ready_account(
        account_id=args.account_id, client_id=args.client_id, client_secret=args.client_secret
    )
    if args.seed:
        try:
            apply_seed(emulator.state, load_seed(args.seed))
        except SeedError as error:
            sock.close()
            raise HarnessError(f"seed {args.seed}: {error}") from None
    if args.credentials_file:
        written = credentials.to_dict()
        if tls is not None:
            # For the harness on this host: loopback URLs (the certificate names 127.0.0.1 too);
            # PingFederate uses Zoom's names, mapped to this host.
            local = f"https://127.0.0.1:{sock.getsockname()[1]}"
            written.update(token_url=f"{local}/oauth/token", api_base_url=local)
        _write_private(Path(args.credentials_file), json.dumps(written, indent=2) + "\n")
    where = "loopback only" if is_loopback(args.host) else "REACHABLE FROM OTHER HOSTS"
    print(f"Zoom emulator listening on {url} ({where})")
    print(f"  Token URL     {credentials.token_url}")
    print(f"  API base URL  {credentials.api_base_url}   (SCIM2 under /scim2, REST under /v2)")
    print(f"  Account ID    {credentials.account_id}")
    print(f"  Client ID     {credentials.client_id}")
    print(f"  Client secret {credentials.client_secret}")
    if args.credentials_file:
        print(f"  Credentials written to {args.credentials_file}")
    if tls is not None:
        _print_tls(tls, sock.getsockname()[1])
    print(f"  Control API   {url}/_emulator/state   (Ctrl+C stops)", flush=True)
    # The seeded state lives as long as the server: the collector need not scan it on every cycle.
    gc.collect()
    gc.freeze()
    with contextlib.suppress(KeyboardInterrupt):
        serve_forever(emulator, sock, tls=tls)
    return 0


def _serve_proxy(args: argparse.Namespace) -> int:
    from harness.proxying import proxy_for
    from mocks.server import is_loopback, point_at, serve_forever

    if args.seed or args.credentials_file or args.account_id or args.client_id or args.client_secret:
        raise HarnessError("--upstream forwards to Zoom's own accounts: --seed, --credentials-file and the fixed "
                           "credentials belong to the emulator")  # fmt: skip
    proxy, ledger = proxy_for(args.upstream, token_url=args.upstream_token_url, record=args.record,
                              pacing=not args.no_pacing, state_dir=args.state_dir)  # fmt: skip
    sock, tls = _listen(args)
    url = point_at(proxy, sock, tls)
    where = "loopback only" if is_loopback(args.host) else "REACHABLE FROM OTHER HOSTS"
    print(f"Zoom proxy listening on {url} ({where})")
    print(f"  Token URL     {proxy.token_url}   -> {proxy.upstream_token_url}/oauth/token")
    print(f"  API base URL  {proxy.api_base_url}   -> {proxy.upstream_api_url}")
    pacing = "under Zoom's rate limits, read from its headers" if proxy.pacer else "off"
    print(f"  Pacing        {pacing}")
    print(f"  Guard         writes only to users created through this proxy (ledger {ledger.path})")
    if args.record:
        print(f"  Recording     into {args.record} (redacted), for `zoom-harness drift`")
    if tls is not None:
        _print_tls(tls, sock.getsockname()[1])
    print(f"  Journal       {url}/_emulator/journal   faults: {url}/_emulator/faults   (Ctrl+C stops)", flush=True)
    try:
        with contextlib.suppress(KeyboardInterrupt):
            serve_forever(proxy, sock, tls=tls)
    finally:
        proxy.close()
    return 0


def _print_tls(tls: Any, port: int) -> None:
    from mocks.tls import ZOOM_NAMES

    password = tls.truststore_password
    print(f"  TLS           a certificate for {', '.join(ZOOM_NAMES)}, signed by the harness's CA:")
    print(f"    CA (PEM)      {tls.ca_pem}")
    print(f"    Trust store   {tls.truststore} (PKCS12, password {password})")
    print("    Trust it in a JVM, one of:")
    print(f"      -Djavax.net.ssl.trustStore={tls.truststore} -Djavax.net.ssl.trustStoreType=PKCS12 "
          f"-Djavax.net.ssl.trustStorePassword={password}")  # fmt: skip
    print(f"      keytool -importcert -cacerts -alias zoom-harness -file {tls.ca_pem} -storepass changeit -noprompt")
    print("      PingFederate: POST /pf-admin-api/v1/certificates/ca/import "
          '{"id": "zoom-harness", "fileData": "<the CA PEM>"}')  # fmt: skip
    print("    Map Zoom's names to this host, one of:")
    print("      docker run --add-host zoom.us:HOST_IP --add-host api.zoom.us:HOST_IP ...  (compose: extra_hosts)")
    print("      hosts file lines: HOST_IP zoom.us  and  HOST_IP api.zoom.us")
    print("      a JVM alone: -Djdk.net.hosts.file=FILE with those two lines")
    if port != 443:
        print(f"    Zoom's connector calls port 443: serve with --port 443, or forward 443 to {port}")


def _write_private(path: Path, text: str) -> None:
    """Write a file only its owner can read, since it holds a client secret."""
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(descriptor, "w", encoding="utf-8") as handle:
            handle.write(text)
    except OSError as error:
        raise HarnessError(f"cannot write {path}: {error.strerror}") from None


def _progress_bar(label: str) -> Any:
    """A progress bar on stderr when a person watches it (a terminal), else nothing."""
    if not sys.stderr.isatty():
        return None
    from rich.console import Console
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

    columns = (TextColumn(f"[bold]{label}"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn())
    return Progress(*columns, console=Console(stderr=True), transient=True)


def _target(args: argparse.Namespace, configured: dict[str, str] | None = None) -> Target:
    """The command line's target options, over a channel file's credentials, over the rest."""
    given = {k: v for k, v in (configured or {}).items() if v and not v.startswith("<")}
    explicit = {
        "account_id": args.account_id or given.get("account_id"),
        "client_id": args.client_id or given.get("client_id"),
        "client_secret": given.get("client_secret"),
        "token_url": args.token_url,
        "api_base_url": args.api_base_url,
    }
    return Target.resolve(explicit=explicit, credentials_file=args.credentials_file)


def _add_target_options(parser: argparse.ArgumentParser) -> None:
    group = parser.add_argument_group(
        "Zoom target",
        "also from ZOOM_ACCOUNT_ID, ZOOM_CLIENT_ID, ZOOM_CLIENT_SECRET, ZOOM_TOKEN_URL, "
        "ZOOM_API_BASE_URL or a .env file; the client secret is never taken on the command line",
    )
    group.add_argument(
        "--credentials-file", metavar="PATH", help="JSON credentials, as `serve --credentials-file` writes"
    )
    group.add_argument("--token-url", help="OAuth token URL (default https://zoom.us/oauth/token)")
    group.add_argument("--api-base-url", help="API base URL (default https://api.zoom.us)")
    group.add_argument("--account-id", help="the app's account ID")
    group.add_argument("--client-id", help="the app's client ID")


#: provision's channel options, which a channel file gives instead.
_CHANNEL_FLAGS = ("mapping", "no_create", "no_update", "no_remove", "remove_action", "base_dn", "filter", "group_dn",
                  "max_threads", "timeout")  # fmt: skip


def _provision_channel(args: argparse.Namespace) -> Any:
    """The channel file, or one built from the command line's options (and their defaults)."""
    from harness.channel_file import ChannelFile
    from harness.directory.ldap import SourceSettings
    from harness.mapping import Mapping
    from harness.provisioner.engine import Channel, ProvisioningOptions
    from harness.source import DEFAULT_FILTER, SourceLocation

    if args.channel:
        given = [f"--{name.replace('_', '-')}" for name in _CHANNEL_FLAGS if getattr(args, name) not in (None, False)]
        if given:
            raise HarnessError(f"the channel file sets what {', '.join(given)} would: give one or the other")
        return ChannelFile.load(args.channel)
    if args.filter and args.group_dn:
        raise HarnessError("give --filter or --group-dn, not both")
    mapping = Mapping.load(args.mapping) if args.mapping else Mapping.default()
    location = SourceLocation(base_dn=args.base_dn or "", filter=args.filter or DEFAULT_FILTER, group_dn=args.group_dn)
    timeout = 60.0 if args.timeout is None else args.timeout
    channel = Channel(max_threads=args.max_threads or 1, timeout=timeout, location=location, mapping=mapping)
    options = ProvisioningOptions(
        create=not args.no_create, update=not args.no_update, remove=not args.no_remove,
        remove_action=args.remove_action or "disable",
    )  # fmt: skip
    return ChannelFile(options, channel, SourceSettings(base_dn=args.base_dn or ""), {}, None, "zoom")


def _provision_source(args: argparse.Namespace, configured: Any) -> Callable[[], Any]:
    """What the cycle reads: an LDAP server (``ldap://``, or the channel file's data store) or LDIF."""
    from harness.directory.ldap import LdapAddress, LdapSource
    from harness.source import Directory

    if args.source and not args.source.startswith(("ldap://", "ldaps://")):
        source = Path(args.source)
        Directory.load(source)  # an unreadable or broken file stops here, before anything is written
        return lambda: Directory.load(source)
    store = configured.data_store
    if args.source:
        bind_dn = args.bind_dn or (store.bind_dn if store else None)
        if not bind_dn:
            raise HarnessError("--source ldap://... needs --bind-dn (or a channel file with a dataStore)")
        password = os.environ.get(args.bind_password_env) if args.bind_password_env else None
        if args.bind_password_env and password is None:
            raise HarnessError(f"--bind-password-env: the variable {args.bind_password_env} is not set")
        if password is None:
            password = store.password if store else ""
        store = LdapAddress(args.source, bind_dn, password)
    if store is None:
        raise HarnessError("give --source (an LDIF file or ldap://HOST:PORT), or a channel file with a dataStore")
    if not configured.source.base_dn:
        raise HarnessError("reading an LDAP directory needs its base DN: --base-dn, or the channel file's baseDn")
    store.connect().unbind()  # an unreachable server or a refused bind stops here
    channel = configured.channel
    return LdapSource(store, configured.source, channel.location, channel.source_attributes())


def _provision(args: argparse.Namespace) -> int:
    from harness.provisioner.engine import ActivationRefused, Provisioner
    from harness.provisioner.records import ProvisionerRecords
    from harness.provisioner.store import SyncStore
    from harness.zoom.client import ZoomClient

    configured = _provision_channel(args)
    source = _provision_source(args, configured)
    channel, options = configured.channel, configured.options
    target = _target(args, configured.credentials)
    recorder = _recorder(args.record, target)
    # A call waits at most half the operation's timeout, leaving room for a retry within it.
    hook = recorder.record if recorder else None
    with ZoomClient(target, timeout=channel.timeout / 2, on_exchange=hook) as client, contextlib.ExitStack() as stack:
        if recorder is not None:
            stack.callback(recorder.close)
        store = SyncStore(args.state)
        records = ProvisionerRecords(Path(args.log_dir) if args.log_dir else None)
        provisioner = Provisioner(client, source, channel=channel, options=options, store=store, records=records)
        bar = _progress_bar("provisioning")
        if bar is not None:
            task = bar.add_task("provisioning", total=None)
            provisioner.progress = lambda done, total: bar.update(task, completed=done, total=total)
        try:
            if not args.no_verify:
                provisioner.activate()
            if bar is not None:
                bar.start()
            summary = provisioner.run_cycle()
        except ActivationRefused as refusal:
            raise HarnessError(str(refusal)) from None
        finally:
            if bar is not None:
                bar.stop()
            store.close()
    for line in records.log:
        if line.level in ("WARN", "ERROR"):
            print(str(line))
    print(str(summary))
    return 1 if summary.failed else 0


def _directory_serve(args: argparse.Namespace) -> int:
    import time

    from harness.directory.ldap import LdapAddress, load_entries
    from harness.directory.slapd import Slapd
    from harness.source import Directory

    seed = Directory.load(args.seed) if args.seed else None  # a broken file stops here, before slapd starts
    slapd = Slapd(args.port)
    try:
        server = slapd.start()
    except OSError as error:
        raise HarnessError(f"cannot start slapd: {error.strerror}") from None
    try:
        added = load_entries(LdapAddress(server.url, server.bind_dn, server.password), seed) if seed else 0
        print(f"LDAP directory listening on {server.url} (loopback only)")
        print("  For PingFederate's LDAP data store (type LDAP, ldapType GENERIC):")
        print(f"    Hostname            {server.host}:{server.port}")
        print(f"    User DN (bind DN)   {server.bind_dn}")
        print(f"    Password            {server.password}")
        print("  For the channel's Source Settings and Source Location:")
        print(f"    Base DN             {server.suffix}")
        print(f"    User object class   {server.user_object_class}")
        print(f"    Group object class  {server.group_object_class}")
        print("    Entry GUID          entryUUID (not binary); timestamp attribute modifyTimestamp")
        print("    Account status      nsAccountLock (flag, disabled when true) or userAccountControl (AD)")
        if seed is not None:
            print(f"  Loaded {added} entries from {args.seed}")
        print("  (Ctrl+C stops the server and removes its files)", flush=True)
        with contextlib.suppress(KeyboardInterrupt):
            while slapd.process is not None and slapd.process.poll() is None:
                time.sleep(0.5)
    finally:
        slapd.stop()
    return 0


def _channel_init(args: argparse.Namespace) -> int:
    import yaml

    from harness.channel_file import channel_document
    from harness.mapping import Mapping

    mapping = Mapping.load(args.mapping) if args.mapping else Mapping.default()
    document = channel_document(mapping, base_dn=args.base_dn)
    text = yaml.safe_dump(document, sort_keys=False, allow_unicode=True)
    if args.output:
        Path(args.output).write_text(text, encoding="utf-8")
        print(f"wrote {args.output}")
    else:
        print(text, end="")
    return 0


def _channel_check(args: argparse.Namespace) -> int:
    from harness.channel_file import ChannelFile

    configured = ChannelFile.load(args.file)
    channel, options = configured.channel, configured.options
    where = channel.location.group_dn or channel.location.filter
    state = "active" if channel.active else "inactive"
    print(f"{args.file}: channel {channel.name!r} ({state}), {len(channel.mapping.fields)} mapped fields, "
          f"source {configured.source.base_dn} {where}, change detection "
          f"{configured.source.changed_users_algorithm}, remove action {options.remove_action}")  # fmt: skip
    return 0


def _selftest(args: argparse.Namespace) -> int:
    from rich.console import Console
    from rich.table import Table

    from harness.selftest import FAULTS, run_selftest, write_result

    console = Console()
    if args.list:
        for fault in FAULTS.values():
            console.print(f"{fault.name:40} {' '.join(fault.requirements):28} {fault.family:11} {fault.description}",
                          highlight=False, soft_wrap=True)  # fmt: skip
        return 0
    bar = _progress_bar("selftest")
    if bar is not None:
        task = bar.add_task("selftest", total=None)
        bar.start()
    try:
        update = (lambda done, total: bar.update(task, completed=done, total=total)) if bar is not None else None
        result = run_selftest(args.fault or None, args.workers, update)
    finally:
        if bar is not None:
            bar.stop()
    by_requirement: dict[str, list[Any]] = {}
    for fault in result.faults:
        for requirement in fault.requirements:
            by_requirement.setdefault(requirement, []).append(fault)
    table = Table(title=f"Selftest: {len(result.faults)} faults, {result.seconds:.0f} s")
    for column in ("requirement", "fault", "caught by"):
        table.add_column(column, overflow="fold")
    for requirement in sorted(by_requirement):
        for fault in by_requirement[requirement]:
            caught = fault.caught_by[0] if fault.caught_by else f"[red]NOT CAUGHT[/] {fault.error}"
            table.add_row(requirement, fault.name, caught)
    console.print(table)
    for failure in result.baseline_failures:
        console.print(f"[red]fails without any fault:[/] {failure}", highlight=False)
    unproven = result.unproven() if not args.fault else []
    if unproven:
        console.print(f"[red]not proven discriminating:[/] {', '.join(unproven)}", soft_wrap=True)
    path = write_result(result, Path(args.report_dir))
    caught = sum(1 for f in result.faults if f.caught)
    console.print(f"{caught} of {len(result.faults)} faults caught; result in {path}", highlight=False)
    return 0 if not result.baseline_failures and not result.uncaught and not unproven else 1


def _recorder(folder: str | None, target: Target) -> Any:
    if not folder:
        return None
    from harness.recording import Recorder

    return Recorder(Path(folder), token_url=target.token_url, api_base_url=target.api_base_url)


def _drift(args: argparse.Namespace) -> int:
    from harness.drift import drift
    from harness.recording import Recording

    settings = dict(_setting(text) for text in args.set)
    report = drift(Recording.load(Path(args.recording)), settings=settings, plan=args.plan)
    if args.json:
        print(json.dumps(report.to_dict(), indent=2, ensure_ascii=False))
    else:
        print("\n".join(report.lines()))
    return 0 if report.clean else 1


def _setting(text: str) -> tuple[str, Any]:
    name, equals, raw = text.partition("=")
    if not equals or not name:
        raise HarnessError(f"--set takes NAME=VALUE, not {text!r}")
    try:
        value = json.loads(raw)
    except ValueError:
        value = raw
    return name.strip(), value


def _verify(args: argparse.Namespace) -> int:
    from harness.preflight import check_target, probe_user
    from harness.zoom.client import ZoomClient

    target = _target(args)
    with ZoomClient(target, timeout=30) as client:
        readiness = check_target(client)
        if args.probe_user and readiness.ready:
            domain = args.probe_domain or os.environ.get("ZOOM_TEST_EMAIL_DOMAIN") or "example.com"
            readiness.checks += probe_user(client, domain)
    if args.json:
        print(json.dumps({"target": {"token_url": target.token_url, "api_base_url": target.api_base_url,
                                     "account_id": target.account_id}, **readiness.to_dict()}, indent=2))  # fmt: skip
    else:
        print(f"Zoom app {target.client_id} on account {target.account_id} ({target.api_base_url})")
        for check in readiness.checks:
            mark = {True: "ok  ", False: "FAIL", None: "--  "}[check.ok]
            print(f"  {mark} {check.name}: {check.detail}")
            if check.ok is False and check.fix:
                print(f"       fix: {check.fix}")
        print("READY: PingFederate can activate a channel with these credentials." if readiness.ready
              else "NOT READY: fix the failed checks above.")  # fmt: skip
    return 0 if readiness.ready else 1


def _cleanup(args: argparse.Namespace) -> int:
    from harness.guard import Ledger
    from harness.pytest_plugin import clean_up
    from harness.world import SessionTarget, TargetKind

    path = Path(args.ledger)
    if not path.is_file():
        raise HarnessError(f"no ledger at {path}")
    try:
        ledger = Ledger(path, "")
    except ValueError:
        raise HarnessError(f"{path} is not a ledger written by a zoom-target run") from None
    count = len(ledger.users())
    left = clean_up(SessionTarget(TargetKind.ZOOM, 0, "", zoom=_target(args), ledger=ledger))
    print(f"deleted {count - len(left)} of {count} users recorded in {path}")
    for line in left:
        print(f"  left: {line}")
    return 1 if left else 0


def _run(args: argparse.Namespace) -> int:
    from harness.runner import run_features

    extra = [a for a in args.pytest_args if a != "--"]
    directory = args.directory
    if args.sut == "pingfederate":
        _pingfederate(args)
        extra.append("--zoom-sut=pingfederate")
        directory = "ldap"  # PingFederate reads an LDAP data store: the harness's slapd
    if args.channel:
        from harness.channel_file import ChannelFile

        ChannelFile.load(args.channel)  # a file PingFederate would refuse stops here, in one line
        extra.append(f"--zoom-channel={Path(args.channel).resolve()}")
    if args.record:
        if args.target != "zoom":
            raise HarnessError("--record records a run against a real Zoom account: use it with --target zoom")
        extra.append(f"--zoom-record={args.record}")
    from harness.shards import Shard

    shard = Shard.parse(args.shard) if args.shard else None
    if args.max_calls is not None and args.max_calls < 1:
        raise HarnessError("--max-calls must be a number of calls >= 1")
    if args.proxy:
        if args.target != "zoom":
            raise HarnessError("--proxy names the harness's proxy in front of a real Zoom: use it with --target zoom")
        extra.append(f"--zoom-proxy={args.proxy}")
    return run_features(args.target, Path(args.report_dir), extra, seed=args.seed, directory=directory, shard=shard,
                        max_calls=args.max_calls)  # fmt: skip


def _report_merge(args: argparse.Namespace) -> int:
    from rich.console import Console

    from harness.runner import print_summary
    from harness.shards import merge_reports

    merged = merge_reports([Path(folder) for folder in args.folders], Path(args.report_dir))
    print_summary(Console(stderr=True), merged, Path(args.report_dir))
    totals = merged["summary"]
    return 1 if totals["scenarios"]["failed"] or totals["requirements"]["uncovered"] else 0


def _pingfederate(args: argparse.Namespace) -> None:
    """Check PingFederate's admin API now (one line when it cannot be used) and hand it to the run."""
    from harness.sut.pingfederate import AdminAddress

    if not (args.pf_admin_url and args.pf_admin_user and args.pf_admin_password_env):
        raise HarnessError("--sut pingfederate needs --pf-admin-url, --pf-admin-user and --pf-admin-password-env")
    password = os.environ.get(args.pf_admin_password_env)
    if password is None:
        raise HarnessError(f"--pf-admin-password-env: the variable {args.pf_admin_password_env} is not set")
    verify: bool | str = args.pf_ca_file or not args.pf_insecure
    address = AdminAddress(args.pf_admin_url.rstrip("/"), args.pf_admin_user, password, verify)
    version = address.check()
    print(f"PingFederate {version} at {address.url}", file=sys.stderr)
    os.environ.update(address.environment())
    if args.pf_log_dir:
        os.environ["PF_LOG_DIR"] = str(Path(args.pf_log_dir).resolve())


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="zoom-harness",
        description="Certify the PingFederate Zoom Provisioner against a Zoom emulator or a real Zoom account.",
    )
    parser.add_argument("--version", action="version", version=f"zoom-harness {__version__}")
    commands = parser.add_subparsers(dest="command", metavar="COMMAND", required=True)

    serve = commands.add_parser("serve", help="serve the Zoom emulator on a loopback port")
    serve.add_argument("--host", default="127.0.0.1", help="address to bind (default 127.0.0.1)")
    serve.add_argument("--port", type=int, default=8765, help="port to listen on; 0 picks a free one (default 8765)")
    serve.add_argument("--seed", metavar="FILE", help="YAML or JSON file of accounts, apps, users and groups")
    serve.add_argument("--credentials-file", metavar="PATH", help="write the ready app's credentials here as JSON")
    serve.add_argument("--account-id", help="fixed account ID for the ready account")
    serve.add_argument("--client-id", help="fixed client ID for the ready app")
    serve.add_argument("--client-secret", help="fixed client secret for the ready app")
    serve.add_argument("--allow-remote", action="store_true", help="allow binding a non-loopback address")
    serve.add_argument("--tls", action="store_true", help="serve HTTPS as zoom.us and api.zoom.us, with the "
                       "harness's CA (made once in --tls-dir, reused after)")  # fmt: skip
    serve.add_argument("--tls-dir", default=".zoom-harness/tls", help="where the CA, certificate and trust "
                       "store live (default .zoom-harness/tls)")  # fmt: skip
    upstream = serve.add_argument_group("proxy mode: forward to a real Zoom, with journal, faults and pacing")
    upstream.add_argument("--upstream", metavar="zoom|URL",
                          help="forward every call to Zoom (`zoom`: https://zoom.us and https://api.zoom.us) or to "
                               "the API base URL given, instead of emulating")  # fmt: skip
    upstream.add_argument(
        "--upstream-token-url",
        metavar="URL",
        help="the upstream's token URL (default: Zoom's, or /oauth/token on --upstream URL)",
    )
    upstream.add_argument("--record", metavar="DIR", help="record every exchange (redacted) for `drift`")
    upstream.add_argument("--no-pacing", action="store_true", help="do not pace calls under Zoom's rate limits")
    upstream.add_argument("--state-dir", default=os.environ.get("ZOOM_HARNESS_STATE_DIR", ".zoom-harness"),
                          help="where the guard's ledger is kept (default .zoom-harness)")  # fmt: skip
    serve.set_defaults(func=_serve)

    provision = commands.add_parser("provision", help="run one provisioning cycle of the reference provisioner")
    provision.add_argument("--source", metavar="FILE.ldif|ldap://HOST:PORT",
                           help="the source directory: an LDIF file, or an LDAP server (default: the channel "
                                "file's dataStore)")  # fmt: skip
    provision.add_argument("--bind-dn", help="with an LDAP source: the DN to bind as")
    provision.add_argument("--bind-password-env", metavar="VAR", help="with an LDAP source: the variable holding "
                           "the bind password (never given on the command line)")  # fmt: skip
    provision.add_argument("--channel", metavar="FILE", help="a channel file in PingFederate's outboundProvision "
                           "shape (see `zoom-harness channel init`), instead of the channel options below")  # fmt: skip
    provision.add_argument(
        "--state", default=".zoom-harness/state.sqlite", help="the SQLite sync state (kept between runs)"
    )
    provision.add_argument("--mapping", metavar="FILE", help="YAML attribute mapping (default: the documented one)")
    provision.add_argument("--no-create", action="store_true", help="clear User Create")
    provision.add_argument("--no-update", action="store_true", help="clear User Update")
    provision.add_argument("--no-remove", action="store_true", help="clear User Disable/Delete")
    provision.add_argument(
        "--remove-action", choices=("disable", "delete"), help="Remove User Action (default disable)"
    )
    provision.add_argument("--base-dn", help="Source Location base DN")
    provision.add_argument("--filter", help="Source Location LDAP filter (default (objectClass=inetOrgPerson))")
    provision.add_argument("--group-dn", help="Source Location group DN (instead of a filter)")
    provision.add_argument("--max-threads", type=int, help="channel Max Threads (default 1)")
    provision.add_argument("--timeout", type=float, help="channel Timeout in seconds (default 60)")
    provision.add_argument("--log-dir", metavar="DIR", help="append provisioner.log, audit and summary files here")
    provision.add_argument("--no-verify", action="store_true", help="skip the activation check of the target")
    provision.add_argument("--record", metavar="DIR", help="record every exchange with Zoom (redacted) for `drift`")
    _add_target_options(provision)
    provision.set_defaults(func=_provision)

    verify = commands.add_parser(
        "verify",
        help="preflight a Zoom app: credentials, activation, the seven scopes, SCIM prerequisites",
        description="Check a Zoom Server-to-Server OAuth app the way PingFederate does when a channel is "
        "activated. Exit status 0 only when ready.",
    )
    _add_target_options(verify)
    verify.add_argument("--json", action="store_true", help="print the checks as JSON")
    verify.add_argument("--probe-user", action="store_true", help="also create, read and delete one marked test user")
    verify.add_argument("--probe-domain", help="email domain of the probe user (default ZOOM_TEST_EMAIL_DOMAIN)")
    verify.set_defaults(func=_verify)

    cleanup = commands.add_parser(
        "cleanup",
        help="delete the Zoom users an interrupted real-Zoom run left behind (from its ledger)",
        description="Delete every Zoom user recorded in a ledger of a `run --target zoom` (.zoom-harness/"
        "ledger-*.json); no other user can be touched.",
    )
    cleanup.add_argument("--ledger", required=True, metavar="FILE", help="the run's ledger file")
    _add_target_options(cleanup)
    cleanup.set_defaults(func=_cleanup)

    run = commands.add_parser(
        "run",
        help="run the features and write the certification report",
        description="Run every feature against a target and write JUnit XML, Cucumber JSON, report.json and "
        "report.html. Arguments after -- go to pytest.",
    )
    run.add_argument("--target", choices=("emulator", "emulator-http", "zoom"), default="emulator",
                     help="where Zoom is (default: the in-process emulator)")  # fmt: skip
    run.add_argument("--report-dir", default="reports", help="folder for the reports (default: reports)")
    run.add_argument("--directory", choices=("memory", "ldap"), default="memory",
                     help="the source directory: in-memory (default) or a private OpenLDAP slapd")  # fmt: skip
    run.add_argument("--seed", type=int, help="Faker seed of the test data (default: random, printed)")
    run.add_argument("--sut", choices=("reference", "pingfederate"), default="reference",
                     help="the system under test: the reference provisioner (default) or a PingFederate")  # fmt: skip
    pf = run.add_argument_group("PingFederate (--sut pingfederate)")
    pf.add_argument("--pf-admin-url", metavar="URL", help="the Administrative API, https://HOST:9999")
    pf.add_argument("--pf-admin-user", metavar="USER", help="an administrator (HTTP Basic)")
    pf.add_argument("--pf-admin-password-env", metavar="VAR", help="the variable holding its password")
    pf.add_argument("--pf-ca-file", metavar="PEM", help="the CA of PingFederate's admin certificate")
    pf.add_argument("--pf-insecure", action="store_true", help="do not verify PingFederate's certificate")
    pf.add_argument("--pf-log-dir", metavar="DIR", help="PingFederate's log folder, to read its cycles from")
    run.add_argument("--channel", metavar="FILE", help="a channel file every scenario starts from "
                     "(PingFederate's outboundProvision shape; default: the documented defaults)")  # fmt: skip
    run.add_argument("--record", metavar="DIR", help="with --target zoom: record every exchange (redacted) for `drift`")
    run.add_argument("--shard", metavar="K/N", help="run the K-th of N balanced slices of the scenarios (for CI "
                     "jobs in parallel; `report merge` joins their report folders)")  # fmt: skip
    run.add_argument("--max-calls", type=int, metavar="N", help="with --target zoom: refuse a run that would make "
                     "more than N calls to Zoom (counted on the emulator before it starts)")  # fmt: skip
    run.add_argument("--proxy", metavar="URL", help="with --target zoom: the harness's proxy (`serve --upstream zoom`) "
                     "the system under test reaches Zoom through; its faults serve the resilience scenarios and its "
                     "journal the evidence (needed for those with --sut pingfederate)")  # fmt: skip
    run.add_argument("pytest_args", nargs=argparse.REMAINDER, help="-- then extra pytest arguments")
    run.set_defaults(func=_run)

    report = commands.add_parser("report", help="certification reports")
    report_commands = report.add_subparsers(dest="report_command", metavar="COMMAND", required=True)
    merge = report_commands.add_parser(
        "merge",
        help="merge the report folders of `run --shard K/N` into one certification report",
        description="Merge the report folders of every shard of one run into one report (report.json, "
        "report.html, junit.xml, cucumber.json). Refuses folders of different targets, systems under test, "
        "directories, harness versions or seeds, and an incomplete set of shards. Exit status 1 when a "
        "scenario failed or a requirement is uncovered.",
    )
    merge.add_argument("folders", nargs="+", metavar="DIR", help="the shards' report folders")
    merge.add_argument("--report-dir", default="reports", help="where the merged report goes (default: reports)")
    merge.set_defaults(func=_report_merge)

    directory = commands.add_parser("directory", help="a private LDAP directory (Debian's slapd) for the provisioner")
    directory_commands = directory.add_subparsers(dest="directory_command", metavar="COMMAND", required=True)
    directory_serve = directory_commands.add_parser(
        "serve", help="run a private slapd on loopback and print what PingFederate's LDAP data store needs"
    )
    directory_serve.add_argument("--port", type=int, default=0, help="port to listen on (default: a free one)")
    directory_serve.add_argument("--seed", metavar="FILE.ldif", help="entries to load first (LDIF)")
    directory_serve.set_defaults(func=_directory_serve)

    channel = commands.add_parser("channel", help="channel files in PingFederate's outboundProvision shape")
    channel_commands = channel.add_subparsers(dest="channel_command", metavar="COMMAND", required=True)
    channel_init = channel_commands.add_parser("init", help="print a channel file with the documented defaults")
    channel_init.add_argument("--mapping", metavar="FILE", help="the harness's mapping file (shorthand) to convert")
    channel_init.add_argument("--base-dn", default="dc=example,dc=com", help="the channel's base DN")
    channel_init.add_argument("--output", metavar="FILE", help="write the file here instead of printing it")
    channel_init.set_defaults(func=_channel_init)
    channel_check = channel_commands.add_parser("check", help="check a channel file as PingFederate would")
    channel_check.add_argument("file", metavar="FILE")
    channel_check.set_defaults(func=_channel_check)

    selftest = commands.add_parser(
        "selftest",
        help="run the features against deliberately faulty systems: every fault must be caught",
        description="Run the features once as they are and once per fault of the catalogue (a broken "
        "provisioner, client, mapping, preflight or emulator), and show which scenario caught each fault. "
        "Exit status 1 when a fault goes unnoticed. Writes selftest.json into the report folder.",
    )
    selftest.add_argument("--report-dir", default="reports", help="where selftest.json goes (default: reports)")
    selftest.add_argument("--fault", action="append", metavar="NAME", help="run only this fault (repeatable)")
    selftest.add_argument("--workers", type=int, help="faults run at once (default: one per CPU)")
    selftest.add_argument("--list", action="store_true", help="list the faults and what each breaks")
    selftest.set_defaults(func=_selftest)

    drift = commands.add_parser(
        "drift",
        help="replay a recording against a fresh emulator and report per route what differs",
        description="Replay the requests of a recording (`run --target zoom --record DIR`, `provision --record "
        "DIR`) in order against a fresh emulator, and report per route the differences in status, Zoom error "
        "code and message, headers and rate-limit values, body shape and values. Exit status 1 on drift.",
    )
    drift.add_argument("recording", metavar="DIR", help="the recording folder")
    drift.add_argument("--json", action="store_true", help="print the report as JSON")
    drift.add_argument("--set", action="append", default=[], metavar="NAME=VALUE",
                       help="change an emulator setting for the replay (mocks/settings.py), e.g. "
                            "scim_list_full_attributes=true; repeatable")  # fmt: skip
    drift.add_argument("--plan", default="Business", choices=("Free", "Pro", "Business", "Enterprise", "Education"),
                       help="the replay account's plan, which sets its rate limits (default Business)")  # fmt: skip
    drift.set_defaults(func=_drift)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    func: Callable[[argparse.Namespace], int] = args.func
    try:
        return func(args)
    except HarnessError as error:
        print(f"zoom-harness {args.command}: error: {error}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print(f"zoom-harness {args.command}: interrupted", file=sys.stderr)
        return 130


if __name__ == "__main__":
    sys.exit(main())
