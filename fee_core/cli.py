"""The command line, ``fee12b1 COMMAND ...`` (SPEC §8).

Built-in commands live in ``fee_core.commands`` (one module each, with ``register(subparsers)``);
packages that build on the engine add theirs through the entry-point group ``fee12b1.commands``
(``templates``: ``template``, ``demo``; ``addin``: ``addin``, ``calc-addin``), so the engine never
imports them.  Only the module of the command asked for is imported.

Exit status: 0 done, 1 errors in the data (findings printed), 2 bad usage (including an output
that exists without ``--force``, or an output folder that cannot be written), 3 an internal
error (a bug: the message says how to report it).
"""
from __future__ import annotations

import argparse
import importlib
import os
import sys
from typing import TYPE_CHECKING

from . import __version__
from .console import EXIT_INTERNAL, EXIT_USAGE
from .errors import UsageError
from .write.text import escape_controls

BUILTIN = {
    "check": "fee_core.commands.check",
    "compute": "fee_core.commands.compute",
    "publish": "fee_core.commands.publish",
    "report": "fee_core.commands.report",
    "pay": "fee_core.commands.pay",
}
PLUGIN_GROUP = "fee12b1.commands"

if TYPE_CHECKING:
    from importlib.metadata import EntryPoint


def _plugins() -> dict[str, EntryPoint]:
    """Commands other installed packages add: name -> entry point of its ``register``.
    Looked up only for a command that is not built in: importing importlib.metadata costs
    about a third of a ``fee12b1 compute``."""
    from importlib.metadata import entry_points
    return {ep.name: ep for ep in entry_points(group=PLUGIN_GROUP)}


def _requested(argv: list[str]) -> str | None:
    """The command word of ``argv`` (None when there is none, e.g. ``--help``)."""
    return next((a for a in argv if not a.startswith("-")), None)


def build_parser(argv: list[str]) -> argparse.ArgumentParser:
    """The parser with the asked-for command registered (every command for help)."""
    p = argparse.ArgumentParser(
        prog="fee12b1",
        description="Rule 12b-1 distribution fees under a Master Distribution Plan (Class K "
                    "shares): check a workbook, compute accruals, payouts and payments, publish a "
                    "copy for email, write the board report, run the payments.",
        epilog="Exit status: 0 done; 1 errors in the data (findings printed); 2 bad usage; "
               "3 internal error.  'fee12b1 COMMAND --help' explains each command.")
    p.add_argument("--version", action="version", version=f"fee12b1 {__version__}")
    sub = p.add_subparsers(dest="command", required=True, metavar="COMMAND")
    wanted = _requested(argv)
    if wanted in BUILTIN:
        importlib.import_module(BUILTIN[wanted]).register(sub)
        return p
    plugins = _plugins()
    if wanted in plugins:
        plugins[wanted].load()(sub)
        return p
    for name in BUILTIN.values():              # help, or an unknown command: list them all
        importlib.import_module(name).register(sub)
    for ep in plugins.values():
        ep.load()(sub)
    return p


def main(argv: list[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    if os.environ.get("FEE12B1_DEBUG"):
        import logging
        logging.basicConfig(level=logging.DEBUG)
    args = build_parser(argv).parse_args(argv)
    try:
        return args.func(args)
    except UsageError as e:
        print(f"fee12b1 {args.command}: {escape_controls(str(e))}", file=sys.stderr)
        return EXIT_USAGE
    except KeyboardInterrupt:
        print(f"fee12b1 {args.command}: interrupted; no output was changed", file=sys.stderr)
        return 130
    except BaseException as e:                  # a bug: one line, never a traceback
        if isinstance(e, (SystemExit, GeneratorExit)) or os.environ.get("FEE12B1_DEBUG"):
            raise                               # (also a native extension's panic, a BaseException)
        print(f"fee12b1 {args.command}: internal error ({type(e).__name__}: "
              f"{escape_controls(str(e))}); no output was changed. Please report it with the "
              f"workbook; FEE12B1_DEBUG=1 shows the details.", file=sys.stderr)
        return EXIT_INTERNAL


def entry() -> None:
    """The ``fee12b1`` console script."""
    sys.exit(main())


if __name__ == "__main__":
    entry()
