"""The continuum example runs (with --fast) and asserts its own physics."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

EXAMPLES = Path(__file__).resolve().parents[1] / "examples"


@pytest.mark.slow
def test_double_layer_example(tmp_path):
    subprocess.run([sys.executable, str(EXAMPLES / "double_layer.py"), "--fast", "--out", str(tmp_path)],
                   check=True)
    assert (tmp_path / "double_layer.png").stat().st_size > 0
