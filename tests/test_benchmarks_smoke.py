"""Every benchmark module runs to its table (``python -m benchmarks --quick``).

The benchmarks are not part of the wheel and their targets are judged on full workloads,
so this only checks that each module runs and prints its rows: a renamed keyword or output
that breaks a benchmark fails here instead of at the next measurement. Peers that are not
installed (SunlightHNC, matscipy) make their rows fall back as documented.
"""

from __future__ import annotations

import os
import pkgutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


@pytest.mark.slow
def test_every_benchmark_module_runs_in_quick_mode():
    modules = sorted(
        m.name
        for m in pkgutil.iter_modules([str(ROOT / "benchmarks")])
        if m.name.startswith("bench_")
    )
    assert modules, "no benchmark modules found"
    env = dict(
        os.environ, PYTHONPATH=os.pathsep.join([str(ROOT), os.environ.get("PYTHONPATH", "")])
    )
    env.pop("IONSCALES_SUNLIGHT_PATH", None)  # the recorded-reference path must work too
    proc = subprocess.run(
        [sys.executable, "-m", "benchmarks", "--quick"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=900,
    )
    # exit status 1 = some target missed (expected for the small --quick workloads)
    assert proc.returncode in (0, 1), proc.stderr[-3000:]
    assert "Traceback" not in proc.stderr, proc.stderr[-3000:]
    for name in modules:
        assert f"running {name} ..." in proc.stderr, name
    rows = [line for line in proc.stdout.splitlines() if " PASS" in line or " FAIL" in line]
    assert len(rows) >= len(modules), proc.stdout
