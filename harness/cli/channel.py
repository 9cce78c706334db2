"""``zoom-harness channel init|check``: channel files in PingFederate's outboundProvision shape."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any


def _channel_init(args: argparse.Namespace) -> int:
    import yaml

    from harness.provisioner.channel_file import channel_document
    from harness.provisioner.mapping import Mapping
    from harness.provisioner.mapping_file import load_mapping

    mapping = load_mapping(args.mapping) if args.mapping else Mapping.default()
    document = channel_document(mapping, base_dn=args.base_dn)
    text = yaml.safe_dump(document, sort_keys=False, allow_unicode=True)
    if args.output:
        Path(args.output).write_text(text, encoding="utf-8")
        print(f"wrote {args.output}")
    else:
        print(text, end="")
    return 0


def _channel_check(args: argparse.Namespace) -> int:
    from harness.provisioner.channel_file import ChannelFile

    configured = ChannelFile.load(args.file)
    channel, options = configured.channel, configured.options
    where = channel.location.group_dn or channel.location.filter
    state = "active" if channel.active else "inactive"
    print(f"{args.file}: channel {channel.name!r} ({state}), {len(channel.mapping.fields)} mapped fields, "
          f"source {configured.source.base_dn} {where}, change detection "
          f"{configured.source.changed_users_algorithm}, remove action {options.remove_action}")  # fmt: skip
    return 0


def register(commands: Any) -> None:
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
