"""The ``ionscales`` command line.

Sub-commands live in modules of this package; each defines ``register(subparsers)``
that adds its parser and sets ``func`` (called with the parsed arguments, returns an
exit code). They are discovered automatically. Errors of ionscales (bad input,
non-convergence) become a one-line message and exit code 2, never a traceback.
"""

from __future__ import annotations

import argparse
import importlib
import pkgutil
import sys

from ionscales import __version__
from ionscales.errors import IonscalesError

__all__ = ["main", "build_parser"]


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="ionscales",
        description="Electrolyte screening, aggregation and confinement from the command line. "
        "All quantities are SI unless an option says otherwise.",
    )
    parser.add_argument("--version", action="version", version=f"ionscales {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    for info in sorted(pkgutil.iter_modules(__path__), key=lambda m: m.name):
        if info.name.startswith("_"):
            continue
        module = importlib.import_module(f"{__name__}.{info.name}")
        if hasattr(module, "register"):
            module.register(sub)
    return parser


def main(argv: list[str] | None = None) -> int:
    """Entry point of the ``ionscales`` console script."""
    parser = build_parser()
    args = parser.parse_args(argv)
    if not getattr(args, "func", None):
        parser.print_help()
        return 2
    try:
        return int(args.func(args) or 0)
    except IonscalesError as exc:
        print(f"ionscales {args.command}: error: {exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("ionscales: interrupted", file=sys.stderr)
        return 130


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
