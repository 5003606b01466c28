"""Figure content (labels, units, number of series, markers), not pixels."""

from __future__ import annotations

import re
import warnings

import numpy as np
import pytest

from ionscales import presets
from ionscales.units import M, nm

UNIT = re.compile(r"\[[^\]]+\]")


def _labels_have_units(ax):
    for label in (ax.get_xlabel(), ax.get_ylabel()):
        if label:
            assert UNIT.search(label), label


@pytest.fixture(scope="module")
def ladder():
    from ionscales import ValidityWarning
    from ionscales.theory import screening_curves

    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ValidityWarning)
        return screening_curves(presets.get("NaCl(aq)"), np.geomspace(1e-4, 6, 60) * M)


def test_screening_figure_names_coinciding_curves_and_marks_the_spinodal(ladder):
    import matplotlib.pyplot as plt

    from ionscales.plots import screening_figure

    fig = screening_figure(ladder)
    top, bottom = fig.axes[:2]
    labels = [line.get_label() for line in top.get_lines() if not line.get_label().startswith("_")]
    # dressed-ion (MSA closure) lies exactly on msa, free-ion on the Debye line: said in the legend
    assert "dressed-ion = msa" in labels
    assert "free-ion = Debye length" in labels
    # the dh-exclusion spinodal is marked, its unstable point not drawn as a decay length
    assert any("unstable beyond" in lab and "spinodal" in lab for lab in labels)
    # one Kirkwood line per distinct crossover (msa and dressed-ion share one), not stacked texts
    kirkwood = [lab for lab in labels if lab.startswith("Kirkwood")]
    assert len(kirkwood) == 2 and "msa, dressed-ion" in kirkwood[1]
    assert not top.texts
    # five model curves + Debye line on top (debye model is the reference line)
    model_lines = [
        lab
        for lab in labels
        if lab.split(" ")[0] in ladder["model"].values or lab.startswith("Debye")
    ]
    assert len(model_lines) == 6
    for ax in (top, bottom):
        _labels_have_units(ax)
    assert "$" in top.get_ylabel() and "mol/L" in bottom.get_xlabel()
    eps = presets.get("NaCl(aq)").permittivity  # water at 25 C (Malmberg & Maryott: 78.30)
    assert f"{eps:.4g}" in top.get_title() and "298.15 K" in top.get_title()
    plt.close(fig)


def test_capacitance_figure_is_logarithmic_with_its_minimum_marked(tmp_path):
    import matplotlib.pyplot as plt
    import xarray as xr

    from ionscales.cli.continuum import capacitance_figure

    u = np.linspace(-0.3, 0.3, 31)
    cap = 0.228 * np.cosh(u / 0.0514)  # Gouy-Chapman shape: 12 000 uF/cm^2 at the ends
    curve = xr.Dataset({"capacitance": ("voltage", cap)}, coords={"voltage": u})
    fig = capacitance_figure(curve, state="NaCl(aq), 0.1 mol/L, pb, halfspace")
    ax = fig.axes[0]
    assert ax.get_yscale() == "log"
    assert "$\\mu$F/cm$^2$" in ax.get_ylabel() and "[V]" in ax.get_xlabel()
    assert "minimum" in ax.get_legend_handles_labels()[1][0]
    assert "0.1 mol/L" in ax.get_title() and ax.get_title() != "pb"
    plt.close(fig)


def test_edl_x_label_matches_the_geometry():
    from ionscales.cli.continuum import _x_label

    assert "left wall" not in _x_label(None, "halfspace")
    assert "left wall" in _x_label(None, "slit")
    assert "axis" in _x_label(None, "cylinder")


def test_pore_figure_shades_the_ranges_outside_the_model():
    import matplotlib.pyplot as plt

    from ionscales.cli.pore import pore_figure
    from ionscales.theory.confinement import capacitance_map

    d = 0.5 * nm
    ds = capacitance_map(
        np.linspace(0.45, 1.2, 20) * nm, np.linspace(-1, 1, 9), d, permittivity=2.0
    )
    fig = pore_figure(ds, diameter=d, permittivity=2.0, ionophobicity=0.0, temperature=298.15)
    labels = fig.axes[1].get_legend_handles_labels()[1]
    assert any("inaccessible" in lab for lab in labels) and any(
        "extrapolated" in lab for lab in labels
    )
    for ax in fig.axes[:3]:  # the three panels (the colour bar comes last)
        _labels_have_units(ax)
    assert "uF" not in " ".join(ax.get_ylabel() for ax in fig.axes)  # mathtext micro, not "uF"
    assert "0.5 nm" in fig._suptitle.get_text() and "298.15 K" in fig._suptitle.get_text()
    plt.close(fig)


def test_pore_default_widths_lie_mostly_inside_the_single_layer_range():
    from ionscales.cli import build_parser

    args = build_parser().parse_args(["pore"])
    assert args.width is None  # default derived from the ion diameter in run_map
    d = args.ion_diameter
    widths = np.linspace(0.9, 2.1, 200) * d
    inside = np.mean((widths > d) & (widths < 2 * d))
    assert inside > 0.75  # the old default 0.4:3nm put 60 % of the widths outside (d = 0.5 nm)


def test_aggregation_figure_legend_does_not_cover_the_gel_line():
    import matplotlib.pyplot as plt

    from ionscales.cli.aggregate import aggregation_figure
    from ionscales.theory.aggregation import AggregationModel

    model = AggregationModel.from_preset("LiTFSI(aq)")
    ds = model.solve(molality=np.linspace(1, 21, 11), max_size=10)  # within the density data
    gel = model.gel_point("molality")
    fig = aggregation_figure(model, ds, gel, 0.9 * gel, 10, "LiTFSI(aq)")
    ax1 = fig.axes[0]
    fig.canvas.draw()
    legend = ax1.get_legend().get_window_extent()
    frame = ax1.get_window_extent()
    assert legend.y1 <= frame.y0  # below the axes: covers neither curves nor the gel line
    labels = ax1.get_legend_handles_labels()[1]
    assert len(labels) == 6 and any(lab.startswith("gel point") for lab in labels)
    _labels_have_units(ax1)
    plt.close(fig)
