"""The ``abr`` command line. Each command group lives in :mod:`abr.commands`; heavy modules are imported
inside the commands, so start-up stays fast.

Exit status: 0 success, 1 verification found bad records, 2 bad input (one line on stderr, never a
traceback), 130 interrupted.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from importlib import import_module
from types import ModuleType
from typing import Any, NoReturn

from abr.commands import GROUPS
from abr.commands.common import eprint
from abr.errors import AbrError


class _Parser(argparse.ArgumentParser):
    """argparse with one-line errors that say how to get help."""

    def error(self, message: str) -> NoReturn:
        raise AbrError(f"{message} (see `{self.prog} --help`)")


def _groups() -> list[ModuleType]:
    return [import_module(f"abr.commands.{g}") for g in GROUPS]


def core_commands() -> tuple[str, ...]:
    return tuple(c for m in _groups() for c in m.COMMANDS)


def build_parser(with_plugins: bool) -> _Parser:
    from abr import __version__

    parser = _Parser(prog="abr", description="Anchor-based reasoning data: generate, verify, evaluate and train on "
                                             "verifiable long-context reasoning samples.")
    parser.add_argument("--version", action="version", version=f"abr {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=_Parser)
    for group in _groups():
        group.add_parsers(sub)
    if with_plugins:
        _add_plugin_commands(sub, core_commands())
    return parser


def _add_plugin_commands(sub: Any, reserved: tuple[str, ...]) -> None:
    """Plugin commands under their qualified name, and their bare name when it is free and unique."""
    from abr.host import get_host

    entries = get_host().registry.entries("command")
    bare_counts: dict[str, int] = {}
    for e in entries:
        bare_counts[e.bare] = bare_counts.get(e.bare, 0) + 1
    for e in entries:
        names = [e.qualified]
        if e.bare not in reserved and bare_counts[e.bare] == 1:
            names.insert(0, e.bare)
        for name in names:
            p = sub.add_parser(name, help=e.obj.description)
            e.obj.configure(p)
            p.set_defaults(func=None, plugin_command=e)


def main(argv: Sequence[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    try:
        first = next((a for a in argv if not a.startswith("-")), None)
        parser = build_parser(with_plugins=first is None or first not in core_commands())
        args = parser.parse_args(argv)
        if not getattr(args, "command", None):
            parser.print_help()
            return 2
        if getattr(args, "plugin_command", None) is not None:
            return int(args.plugin_command.obj.run(args))
        return int(args.func(args))
    except AbrError as exc:
        eprint(f"abr: error: {exc}")
        return exc.exit_code
    except KeyboardInterrupt:
        eprint("abr: interrupted")
        return 130
    except BrokenPipeError:
        return 0


if __name__ == "__main__":
    sys.exit(main())
