"""The ``ionscales`` command line.

One way to add a command: a module ``ionscales/cli/<name>.py`` that defines
``register(subparsers)`` (it adds ONE parser and sets ``func``, called with the parsed
arguments and returning an exit code). Top-level commands are the public modules of this
package; sub-commands of a command ``<parent>`` are the modules ``_<parent>_<name>.py``,
registered by the parent with :func:`register_subcommands`. Both are discovered, never
listed by hand, and an import error is an error.

A command stays thin: it declares its options with the shared helpers of
``ionscales.cli._common`` (``add_quantity_option`` for every quantity, so units and their
dimensions are checked at the boundary and the same quantity has the same unit everywhere;
``add_preset_option``; ``add_output_options``), calls one public function, and writes
through ``Outputs`` (one ``--out`` rule, atomic writes) with figures from
:mod:`ionscales.plots`.

Every failure is one line on stderr and exit code 2, never a traceback: bad input
(``ParameterError`` naming the option), non-convergence, unwritable outputs, requests too
large for memory, numerical overflow. Set ``IONSCALES_DEBUG=1`` to see the traceback of an
unexpected error.
"""

from __future__ import annotations

import argparse
import importlib
import os
import pkgutil
import sys
import warnings

from ionscales import __version__
from ionscales.cli._common import CLIParser, UsageError, report, split_negative_values
from ionscales.errors import ConvergenceWarning, IonscalesError, ValidityWarning

__all__ = ["main", "build_parser", "register_subcommands"]

#: failures reported on one line with exit code 2 (bad input, I/O, memory, overflow)
_REPORTED = (IonscalesError, OSError, MemoryError, ArithmeticError, ValueError, UnicodeError)


def _modules(prefix: str) -> list[str]:
    names = []
    for info in pkgutil.iter_modules(__path__):
        if prefix == "":
            if not info.name.startswith("_"):
                names.append(info.name)
        elif info.name.startswith(f"_{prefix}_"):
            names.append(info.name)
    return sorted(names)


def register_subcommands(parent: str, subparsers) -> None:
    """Register the sub-commands of ``parent`` found in ``_<parent>_<name>.py`` modules."""
    for name in _modules(parent):
        importlib.import_module(f"{__name__}.{name}").register(subparsers)


def build_parser() -> argparse.ArgumentParser:
    parser = CLIParser(
        prog="ionscales",
        description="Electrolyte screening, aggregation, confinement and continuum models from the "
        "command line. Every option states the unit of a bare number; any unit of the right "
        "dimension may be written instead (0.1M, 10mM, 0.5nm, -50mV).",
    )
    parser.add_argument("--version", action="version", version=f"ionscales {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    for name in _modules(""):
        module = importlib.import_module(f"{__name__}.{name}")
        if hasattr(module, "register"):
            module.register(sub)
    return parser


def _one_line_warnings(previous):
    """showwarning that prints the package's warnings as one-line notes (others unchanged)."""

    def show(message, category, filename, lineno, file=None, line=None):
        if issubclass(category, (ValidityWarning, ConvergenceWarning)):
            print(
                f"ionscales: note: {category.__name__}: {' '.join(str(message).split())}",
                file=sys.stderr,
            )
        else:
            previous(message, category, filename, lineno, file, line)

    return show


def main(argv: list[str] | None = None) -> int:
    """Entry point of the ``ionscales`` console script; returns the exit code."""
    argv = split_negative_values(list(sys.argv[1:] if argv is None else argv))
    parser = build_parser()
    try:
        args = parser.parse_args(argv)
    except UsageError as exc:
        print(" ".join(str(exc).split()), file=sys.stderr)
        return 2
    if not getattr(args, "func", None):
        parser.print_help()
        return 2
    command = str(args.command)
    with warnings.catch_warnings():
        # the package's warnings are notes on one line (not errors, not repeated)
        warnings.showwarning = _one_line_warnings(warnings.showwarning)
        warnings.filterwarnings("default", category=ValidityWarning)
        warnings.filterwarnings("default", category=ConvergenceWarning)
        try:
            return int(args.func(args) or 0)
        except UsageError as exc:
            print(" ".join(str(exc).split()), file=sys.stderr)
            return 2
        except KeyboardInterrupt:
            print("ionscales: interrupted", file=sys.stderr)
            return 130
        except _REPORTED as exc:
            if os.environ.get("IONSCALES_DEBUG"):
                raise
            print(report(command, _describe(exc)), file=sys.stderr)
            return 2


def _describe(exc: BaseException) -> str:
    if isinstance(exc, IonscalesError):
        return str(exc)
    if isinstance(exc, MemoryError):
        return (
            "not enough memory for this request (reduce the grid, e.g. --points or --max-size): "
            f"{exc}"
        )
    if isinstance(exc, OSError):
        where = f" {exc.filename!r}" if getattr(exc, "filename", None) else ""
        return f"{exc.__class__.__name__}{where}: {exc.strerror or exc}"
    return f"{exc.__class__.__name__}: {exc} (unexpected; set IONSCALES_DEBUG=1 for the traceback)"


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
