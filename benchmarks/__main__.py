"""Run every benchmark: ``python -m benchmarks [--quick] [name ...]``."""

from __future__ import annotations

import argparse
import importlib
import pkgutil
import sys
from pathlib import Path

from benchmarks._harness import format_rows


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks", description=__doc__)
    parser.add_argument(
        "names", nargs="*", help="benchmark modules to run (default: all), e.g. screening"
    )
    parser.add_argument("--quick", action="store_true", help="smaller workloads (smoke test)")
    args = parser.parse_args(argv)
    here = Path(__file__).parent
    modules = sorted(
        m.name for m in pkgutil.iter_modules([str(here)]) if m.name.startswith("bench_")
    )
    if args.names:
        wanted = {n if n.startswith("bench_") else f"bench_{n}" for n in args.names}
        unknown = wanted - set(modules)
        if unknown:
            print(f"unknown benchmarks: {sorted(unknown)}; available: {modules}", file=sys.stderr)
            return 2
        modules = [m for m in modules if m in wanted]
    rows = []
    for name in modules:
        mod = importlib.import_module(f"benchmarks.{name}")
        print(f"running {name} ...", file=sys.stderr, flush=True)
        rows.extend(mod.run(quick=args.quick))
    print(format_rows(rows))
    return 0 if all(r.passed for r in rows) else 1


if __name__ == "__main__":
    sys.exit(main())
