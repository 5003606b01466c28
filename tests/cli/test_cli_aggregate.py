"""The ``ionscales aggregate`` command runs end to end and rejects bad input (the example runs in test_examples_gallery)."""

from pathlib import Path

import numpy as np
import pytest

from ionscales import results
from ionscales.cli import main

ROOT = Path(__file__).resolve().parents[2]


def test_cli_aggregate(tmp_path, capsys):
    code = main(
        [
            "aggregate",
            "--preset",
            "LiTFSI(aq)",
            "--molality",
            "1:25:13",
            "--max-size",
            "15",
            "--out",
            str(tmp_path),
        ]
    )
    assert code == 0
    out = capsys.readouterr().out
    assert "gel molality: 16.7" in out
    ds = results.open_dataset(tmp_path / "aggregation.nc")
    assert ds.sizes["molality"] == 13
    assert ds.attrs["gel_molality"] == pytest.approx(16.72, abs=0.02)
    assert np.all(ds.gel_fraction_cation.where(ds.molality < 16.7, 0) == 0)
    assert (tmp_path / "aggregation.png").stat().st_size > 0


@pytest.mark.parametrize(
    "argv",
    [
        ["--molality=-1:3"],
        ["--preset", "NaCl(aq)"],
        ["--association", "abc"],
        ["--max-size", "0"],
    ],
)
def test_cli_aggregate_bad_input(argv, tmp_path, capsys):
    assert main(["aggregate", *argv, "--out", str(tmp_path)]) == 2
    assert "error" in capsys.readouterr().err
