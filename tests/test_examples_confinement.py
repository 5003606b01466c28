"""Run the confinement examples with --fast (they assert their own physics)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

EXAMPLES = Path(__file__).resolve().parents[1] / "examples"


@pytest.mark.slow
@pytest.mark.parametrize("name", ["nanopore_capacitance", "surface_forces"])
def test_example_runs(name, tmp_path):
    subprocess.run([sys.executable, str(EXAMPLES / f"{name}.py"), "--fast", "--out", str(tmp_path)], check=True)
    assert (tmp_path / f"{name}.png").is_file()
