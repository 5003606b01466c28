"""Run the thermodynamics example in --fast mode (it asserts its own physics)."""

import subprocess
import sys
from pathlib import Path

import pytest

from ionscales.results import open_dataset

EXAMPLES = Path(__file__).resolve().parent.parent / "examples"


@pytest.mark.slow
def test_nacl_activity_example(tmp_path):
    subprocess.run(
        [sys.executable, str(EXAMPLES / "nacl_activity.py"), "--fast", "--out", str(tmp_path)],
        check=True,
    )
    assert (tmp_path / "nacl_activity.png").stat().st_size > 1000
    ds = open_dataset(tmp_path / "nacl_activity_fit.nc")
    assert 0.3e-9 < float(ds["best_value"].sel(param="diameter")) < 0.4e-9
