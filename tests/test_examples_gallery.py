"""The examples gallery: every ``examples/*.py`` runs in fast mode and writes its figure."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

EXAMPLES = Path(__file__).resolve().parent.parent / "examples"
SCRIPTS = sorted(EXAMPLES.glob("*.py"))


def test_gallery_is_not_empty_and_indexed():
    assert SCRIPTS, "examples/ holds no scripts"
    index = (EXAMPLES / "README.md").read_text()
    missing = [p.name for p in SCRIPTS if p.name not in index]
    assert not missing, f"examples/README.md does not list {missing}"


@pytest.mark.slow
@pytest.mark.parametrize("script", SCRIPTS, ids=[p.stem for p in SCRIPTS])
def test_example_runs_in_fast_mode(script, tmp_path):
    done = subprocess.run([sys.executable, str(script), "--fast", "--out", str(tmp_path)],
                          capture_output=True, text=True, timeout=600, cwd=tmp_path)
    assert done.returncode == 0, f"{script.name} failed:\n{done.stdout}\n{done.stderr}"
    assert list(tmp_path.glob("*.png")), f"{script.name} wrote no figure into --out"
