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
    readme = (EXAMPLES.parent / "README.md").read_text()
    unlinked = [p.stem for p in SCRIPTS if f"docs/figures/{p.stem}.png" not in readme]
    assert not unlinked, f"README.md does not link the figures of {unlinked}"


@pytest.mark.slow
@pytest.mark.parametrize("script", SCRIPTS, ids=[p.stem for p in SCRIPTS])
def test_example_runs_in_fast_mode(script, tmp_path):
    done = subprocess.run(
        [sys.executable, str(script), "--fast", "--out", str(tmp_path)],
        capture_output=True,
        text=True,
        timeout=600,
        cwd=tmp_path,
    )
    assert done.returncode == 0, f"{script.name} failed:\n{done.stdout}\n{done.stderr}"
    # the README links docs/figures/<name>.png for examples/<name>.py
    assert (tmp_path / f"{script.stem}.png").is_file(), (
        f"{script.name} did not write {script.stem}.png into --out (wrote "
        f"{sorted(p.name for p in tmp_path.glob('*.png'))})"
    )
