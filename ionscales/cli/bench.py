"""``ionscales bench [names] [--quick]``: run the package's benchmarks and print one table.

Same as ``python -m benchmarks`` from the repository root: every ``benchmarks/bench_*.py``
compares a hot path with a baseline measured in the same run (workload, ours, baseline,
ratio, target, pass/fail). The benchmarks are part of the source checkout, not of the
installed wheel. Only the benchmarks of the checkout this ``ionscales`` was imported from
are run (``benchmarks/`` beside the ``ionscales/`` package folder), in a child process
``python -m benchmarks`` started in that checkout; a ``benchmarks/`` folder in the current
directory or its parents is never imported.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from ionscales.errors import ParameterError

__all__ = ["register", "run", "find_benchmarks"]


def register(subparsers) -> None:
    p = subparsers.add_parser(
        "bench", help="run the benchmarks (source checkout) and print a table", description=__doc__
    )
    p.add_argument(
        "names", nargs="*", help="benchmarks to run (default: all), e.g. sweep screening"
    )
    p.add_argument("--quick", action="store_true", help="smaller workloads (smoke test)")
    p.set_defaults(func=run)


def find_benchmarks() -> Path | None:
    """The root of the source checkout this ``ionscales`` was imported from, or None.

    The checkout is recognised by ``pyproject.toml`` and ``benchmarks/__main__.py`` beside the
    ``ionscales/`` package folder; an installed wheel has neither.
    """
    import ionscales

    root = Path(ionscales.__file__).resolve().parent.parent
    if (root / "pyproject.toml").is_file() and (root / "benchmarks" / "__main__.py").is_file():
        return root
    return None


def run(args) -> int:
    root = find_benchmarks()
    if root is None:
        raise ParameterError(
            "bench",
            "benchmarks/ was not found beside the imported ionscales package: it is part of the "
            "source checkout, not of the installed package. Run 'python -m benchmarks' from a "
            "clone of the repository.",
        )
    argv = list(args.names) + (["--quick"] if args.quick else [])
    env = {k: v for k, v in os.environ.items() if k != "PYTHONSAFEPATH"}  # -m must see the root
    return subprocess.call([sys.executable, "-m", "benchmarks", *argv], cwd=root, env=env)
