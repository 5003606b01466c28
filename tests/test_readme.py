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
    result = subprocess.run(
        [sys.executable, str(script)], cwd=tmp_path, capture_output=True, text=True, timeout=900
    )
    assert result.returncode == 0, result.stderr[-3000:]


def test_readme_fit_commands_run(tmp_path, monkeypatch, capsys):
    """The README's ``ionscales fit ...`` lines name files that exist and run as written."""
    import shlex

    from ionscales.cli import main

    lines = [
        line.split("#")[0].strip()
        for block in re.findall(r"```bash\n(.*?)```", (ROOT / "README.md").read_text(), re.S)
        for line in block.splitlines()
        if line.startswith("ionscales fit ")
    ]
    assert len(lines) >= 4
    monkeypatch.chdir(tmp_path)
    for line in lines:
        argv = shlex.split(line)[1:]
        argv = [str(ROOT / a) if (ROOT / a).is_file() else a for a in argv]
        assert main(argv) == 0, (line, capsys.readouterr().err)
