"""``zoom-harness provision``: one cycle of the reference provisioner against a Zoom target."""

from __future__ import annotations

import argparse
import contextlib
import os
from collections.abc import Callable
from pathlib import Path
from typing import Any

from harness.cli.common import add_target_options, progress_bar, recorder_for, target_of
from harness.errors import HarnessError
from harness.state_dir import state_dir


def _provision_channel(args: argparse.Namespace) -> Any:
    """The channel file, or one built from the command line's options (and their defaults)."""
    from harness.provisioner.channel_file import ChannelFile

    given = {name: getattr(args, name) for name in args.channel_flags if getattr(args, name) not in (None, False)}
    if args.channel:
        if given:
            flags = ", ".join(f"--{name.replace('_', '-')}" for name in given)
            raise HarnessError(f"the channel file sets what {flags} would: give one or the other")
        return ChannelFile.load(args.channel)
    return ChannelFile.from_options(**given)


def _provision_source(args: argparse.Namespace, configured: Any) -> Callable[[], Any]:
    """What the cycle reads: an LDAP server (``ldap://``, or the channel file's data store) or LDIF."""
    from harness.directory.ldap import LdapAddress, LdapSource
    from harness.directory.source import Directory

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
    from harness.provisioner.channel import ActivationRefused
    from harness.provisioner.engine import Provisioner
    from harness.provisioner.records import ProvisionerRecords
    from harness.provisioner.store import SyncStore
    from harness.zoom.client import ZoomClient

    configured = _provision_channel(args)
    source = _provision_source(args, configured)
    channel, options = configured.channel, configured.options
    target = target_of(args, configured.credentials)
    recorder = recorder_for(args.record, target)
    # A call waits at most half the operation's timeout, leaving room for a retry within it.
    hook = recorder.record if recorder else None
    with ZoomClient(target, timeout=channel.timeout / 2, on_exchange=hook) as client, contextlib.ExitStack() as stack:
        if recorder is not None:
            stack.callback(recorder.close)
        store = SyncStore(args.state)
        records = ProvisionerRecords(Path(args.log_dir) if args.log_dir else None)
        provisioner = Provisioner(client, source, channel=channel, options=options, store=store, records=records)
        bar = progress_bar("provisioning")
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


def register(commands: Any) -> None:
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
        "--state", default=str(state_dir() / "state.sqlite"), help="the SQLite sync state (kept between runs)"
    )
    # The channel's options, unless a channel file gives them: recorded so that one may not give both.
    channel = provision.add_argument_group("the channel (instead of --channel FILE)")
    flags = [
        channel.add_argument("--mapping", metavar="FILE", help="YAML attribute mapping (default: the documented one)"),
        channel.add_argument("--no-create", action="store_true", help="clear User Create"),
        channel.add_argument("--no-update", action="store_true", help="clear User Update"),
        channel.add_argument("--no-remove", action="store_true", help="clear User Disable/Delete"),
        channel.add_argument("--remove-action", choices=("disable", "delete"),
                             help="Remove User Action (default disable)"),
        channel.add_argument("--base-dn", help="Source Location base DN"),
        channel.add_argument("--filter", help="Source Location LDAP filter (default (objectClass=inetOrgPerson))"),
        channel.add_argument("--group-dn", help="Source Location group DN (with --filter: its members that match)"),
        channel.add_argument("--max-threads", type=int, help="channel Max Threads (default 1)"),
        channel.add_argument("--timeout", type=float, help="channel Timeout in seconds (default 60)"),
    ]  # fmt: skip
    provision.set_defaults(channel_flags=tuple(action.dest for action in flags))
    provision.add_argument("--log-dir", metavar="DIR", help="append provisioner.log, audit and summary files here")
    provision.add_argument("--no-verify", action="store_true", help="skip the activation check of the target")
    provision.add_argument("--record", metavar="DIR", help="record every exchange with Zoom (redacted) for `drift`")
    add_target_options(provision)
    provision.set_defaults(func=_provision)
