"""``ionscales bench [names] [--quick]``: run the package's benchmarks and print one table.

Same as ``python -m benchmarks`` from the repository root: every ``benchmarks/bench_*.py``
compares a hot path with a baseline measured in the same run (workload, ours, baseline,
ratio, target, pass/fail). The benchmarks are part of the source checkout, not of the
installed wheel; they are looked up from the current directory upwards, then beside the
installed package (editable installs).
"""

from __future__ import annotations

import importlib
import sys
from pathlib import Path

from ionscales.errors import ParameterError

__all__ = ["register", "run", "find_benchmarks"]


def register(subparsers) -> None:
    p = subparsers.add_parser("bench", help="run the benchmarks (source checkout) and print a table",
                              description=__doc__)
    p.add_argument("names", nargs="*", help="benchmarks to run (default: all), e.g. sweep screening")
    p.add_argument("--quick", action="store_true", help="smaller workloads (smoke test)")
    p.set_defaults(func=run)


def find_benchmarks(start: Path | None = None) -> Path | None:
    """The directory that contains ``benchmarks/`` (the repository root), or None."""
    import ionscales

    candidates = []
    here = (start or Path.cwd()).resolve()
    candidates.extend([here, *here.parents])
    candidates.append(Path(ionscales.__file__).resolve().parent.parent)
    for root in candidates:
        b = root / "benchmarks"
        if (b / "__main__.py").is_file() and (b / "_harness.py").is_file():
            return root
    return None


def run(args) -> int:
    root = find_benchmarks()
    if root is None:
        raise ParameterError(
            "bench",
            "benchmarks/ was not found: it is part of the source checkout, not of the installed "
            "package. Run 'ionscales bench' (or 'python -m benchmarks') from a clone of the "
            "repository.",
        )
    loaded = sys.modules.get("benchmarks")
    if loaded is not None and Path(getattr(loaded, "__file__", "") or "").resolve().parent != root / "benchmarks":
        raise ParameterError("bench", f"another module named 'benchmarks' is already imported "
                             f"({loaded.__file__}); run 'python -m benchmarks' from {root}")
    if str(root) not in sys.path:
        sys.path.insert(0, str(root))
    entry = importlib.import_module("benchmarks.__main__")
    argv = list(args.names) + (["--quick"] if args.quick else [])
    return int(entry.main(argv))
