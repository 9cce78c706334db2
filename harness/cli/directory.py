"""``zoom-harness directory serve``: a private slapd for the provisioner and PingFederate."""

from __future__ import annotations

import argparse
from typing import Any

from harness.errors import HarnessError


def _directory_serve(args: argparse.Namespace) -> int:
    import time

    from harness.directory.ldap import LdapAddress, load_entries
    from harness.directory.slapd import Slapd
    from harness.directory.source import Directory

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
        print("  (Ctrl+C, SIGTERM or SIGHUP stops the server and removes its files)", flush=True)
        while slapd.process is not None and slapd.process.poll() is None:
            time.sleep(0.5)
        raise HarnessError(f"slapd stopped by itself: {slapd.log_tail()}")
    finally:
        slapd.stop()
    return 0


def register(commands: Any) -> None:
    directory = commands.add_parser("directory", help="a private LDAP directory (Debian's slapd) for the provisioner")
    directory_commands = directory.add_subparsers(dest="directory_command", metavar="COMMAND", required=True)
    directory_serve = directory_commands.add_parser(
        "serve", help="run a private slapd on loopback and print what PingFederate's LDAP data store needs"
    )
    directory_serve.add_argument("--port", type=int, default=0, help="port to listen on (default: a free one)")
    directory_serve.add_argument("--seed", metavar="FILE.ldif", help="entries to load first (LDIF)")
    directory_serve.set_defaults(func=_directory_serve)
