"""The README's Python snippets run as written (docs and code cannot drift apart)."""

import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
BLOCKS = re.findall(r"```python\n(.*?)```", (ROOT / "README.md").read_text(), re.S)
# snippets that run transients or start a local dask cluster take tens of seconds
HEAVY = ("solve_pnp", "ionscales.sweep(")


def _params():
    for i, block in enumerate(BLOCKS):
        marks = [pytest.mark.slow] if any(h in block for h in HEAVY) else []
        yield pytest.param(block, id=f"block{i}", marks=marks)


def test_readme_has_snippets():
    assert len(BLOCKS) >= 6


@pytest.mark.parametrize("block", list(_params()))
def test_readme_snippet_runs(block, tmp_path):
    script = tmp_path / "snippet.py"
    script.write_text(block)
    # snippets run "from the repository root" (they may read tests/data) but must not write
    # into the checkout: run them in a scratch directory holding a copy of tests/data
    shutil.copytree(ROOT / "tests" / "data", tmp_path / "tests" / "data")
    result = subprocess.run([sys.executable, str(script)], cwd=tmp_path, capture_output=True,
                            text=True, timeout=900)
    assert result.returncode == 0, result.stderr[-3000:]
