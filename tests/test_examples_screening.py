"""Run the screening example in its fast mode (it asserts its own physics)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

EXAMPLE = Path(__file__).resolve().parent.parent / "examples" / "screening_ladder.py"


def test_screening_ladder_example(tmp_path):
    subprocess.run([sys.executable, str(EXAMPLE), "--fast", "--out", str(tmp_path)], check=True, timeout=300)
    assert (tmp_path / "screening_ladder.png").stat().st_size > 10_000
