"""`abr plugin new`: tools for plugin authors."""

from __future__ import annotations

import argparse
from typing import Any

from abr.commands.common import eprint
from abr.errors import AbrError

COMMANDS: tuple[str, ...] = ("plugin",)


def cmd_plugin_new(args: argparse.Namespace) -> int:
    from abr.scaffold import PluginNames, render_plugin

    path = render_plugin(args.name, args.dir)
    names = PluginNames.of(args.name)
    shown = str(path) if path.is_absolute() else f"./{path}"  # pip reads a bare name as a package to download
    print(shown)
    if not args.quiet:
        eprint(f"abr: created {shown}: the interference pattern {names.name}/reversed-anchor, the skill "
               f"{names.name}/lookup that uses it, tests and a README. Next:\n"
               f"  pip install -e '{shown}[test]'\n"
               f"  abr generate --skill {names.name}/lookup -n 20 --length 2k -o lookup.jsonl\n"
               f"  abr verify lookup.jsonl\n"
               f"  python -m pytest {shown}/tests")
    return 0


def _missing_action(args: argparse.Namespace) -> int:
    raise AbrError("abr plugin needs an action: `abr plugin new NAME [--dir PATH]` (see `abr plugin --help`)")


def add_parsers(sub: Any) -> None:
    plugin = sub.add_parser("plugin", help="tools for plugin authors (`abr plugin new NAME`)")
    plugin.set_defaults(func=_missing_action)
    actions = plugin.add_subparsers(dest="action", metavar="ACTION")
    new = actions.add_parser("new", help="write a pip-installable plugin package: a pattern, a skill, tests")
    new.add_argument("name", metavar="NAME", help="the plugin's name and namespace (lowercase, e.g. 'temporal')")
    new.add_argument("--dir", default=".", metavar="PATH",
                     help="folder to create abr-plugin-NAME in (default: the current folder)")
    new.add_argument("-q", "--quiet", action="store_true", help="print only the new folder's path")
    new.set_defaults(func=cmd_plugin_new)
