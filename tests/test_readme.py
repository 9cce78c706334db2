"""The README's examples work: its seed file seeds, its mapping file maps, its commands exist."""

from __future__ import annotations

import re
from pathlib import Path

import yaml

from harness.cli import build_parser
from harness.provisioner.mapping_file import mapping_from_document
from mocks import ZoomEmulator, apply_seed

README = (Path(__file__).resolve().parent.parent / "README.md").read_text(encoding="utf-8")


def _yaml_blocks() -> list[str]:
    return re.findall(r"```yaml\n(.*?)```", README, re.S)


def test_the_seed_example_seeds() -> None:
    zoom = ZoomEmulator()
    created = apply_seed(zoom.state, yaml.safe_load(_yaml_blocks()[0]))
    assert [app["status"] for app in created] == ["activated"]


def test_the_mapping_example_maps() -> None:
    mapping = mapping_from_document(yaml.safe_load(_yaml_blocks()[1]))
    assert mapping.fields["Title"].create_only and mapping.masked("Department")


def test_every_documented_command_and_option_exists() -> None:
    commands = build_parser()._subparsers._group_actions[0].choices  # type: ignore[union-attr]
    for command, rest in re.findall(r"zoom-harness ([a-z]+)([^\n`#]*)", README):
        assert command in commands, command
        parser = commands[command]
        if parser._subparsers is not None:  # a group of commands: `directory serve`, `channel init`
            sub, _, rest = rest.strip().partition(" ")
            if not sub:
                continue  # the group named alone, as in a heading
            subcommands = parser._subparsers._group_actions[0].choices  # type: ignore[union-attr]
            assert sub in subcommands, f"zoom-harness {command} {sub}"
            parser = subcommands[sub]
        known = {o for action in parser._actions for o in action.option_strings}
        ours = rest.split(" -- ")[0]  # after a lone --, arguments go to pytest
        for option in re.findall(r"(?<![\w-])--[a-z][\w-]*", ours):
            assert option in known, f"zoom-harness {command} {option}"
