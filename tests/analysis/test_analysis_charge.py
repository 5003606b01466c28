"""Charge structure: uncorrelated ions, rigid dipoles (closed forms), bn_fec -> fit_decay."""

import warnings

import numpy as np
import pytest
from scipy import constants as const

from ionscales import analysis

pytest.importorskip("MDAnalysis")
NM = 1e-9


def _random_unit(rng, n):
    v = rng.normal(size=(n, 3))
    return v / np.linalg.norm(v, axis=1, keepdims=True)


def _load(pos, L, n_each, temperature=None):
    species = ["cation"] * n_each + ["anion"] * n_each
    charges = [1.0] * n_each + [-1.0] * n_each
    return analysis.load_arrays(
        pos,
        box=[L] * 3,
        species=species,
        charges=charges,
        times=np.arange(pos.shape[0]) * 1e-12,
        temperature=temperature,
    )


def test_uncorrelated_ions_have_unit_structure_factor_and_no_charge_correlation(rng):
    L, n, n_frames = 4 * NM, 200, 6
    pos = rng.uniform(0, L, (n_frames, 2 * n, 3))
    q = analysis.charge_structure(_load(pos, L, n), r_max=1.2 * NM, bins=12)
    s = q["structure_factor_charge"].values
    # each bin averages n_wavevectors samples of an exponential variable of mean 1 (sd 1)
    sd = 1 / np.sqrt(q["n_wavevectors"].values)
    assert np.all(np.abs(s - 1) < 5 * sd)
    assert abs(np.average(s - 1, weights=1 / sd**2)) < 3 / np.sqrt(np.sum(1 / sd**2))
    # h_QQ = (h_++ - h_+-)/2 = 0 within the Poisson noise of the pair counts per bin
    edges = np.linspace(0, 1.2 * NM, 13)
    expected = n * n / L**3 * 4 / 3 * np.pi * np.diff(edges**3) * n_frames
    assert np.all(np.abs(q["h_charge"].values) < 5 / np.sqrt(expected))


def test_rigid_dipoles_closed_forms(rng):
    """Neutral +- pairs at fixed separation d, random positions and orientations:
    S_ZZ(k) = 1 - sin(kd)/(kd) exactly, hence the small-k length l = d / sqrt(6); and
    perfect screening in real space: rho int h_QQ d^3r = -1."""
    L, n, n_frames, d = 5 * NM, 150, 30, 0.3 * NM
    centre = rng.uniform(0, L, (n_frames, n, 3))
    u = _random_unit(rng, n_frames * n).reshape(n_frames, n, 3)
    pos = np.concatenate([centre + 0.5 * d * u, centre - 0.5 * d * u], axis=1)
    q = analysis.charge_structure(
        _load(pos, L, n, temperature=300.0), r_max=2.0 * NM, bins=200, k_max=2 * np.pi / L * 12
    )
    k = q["k"].values
    s = q["structure_factor_charge"].values
    exact = 1 - np.sin(k * d) / (k * d)
    sd = np.maximum(exact, 1e-3) / np.sqrt(q["n_wavevectors"].values)
    assert np.all(np.abs(s - exact) < 5 * sd + 1e-3)
    ell = float(q["stillinger_lovett_length"])
    assert ell == pytest.approx(d / np.sqrt(6), rel=0.1)
    # the permittivity that would make these dipoles satisfy Stillinger-Lovett
    density_z2 = 2 * n / L**3
    eps = ell**2 * const.e**2 * density_z2 / (const.epsilon_0 * const.k * 300.0)
    assert float(q["stillinger_lovett_permittivity"]) == pytest.approx(eps, rel=1e-9)
    # zeroth moment (local electroneutrality): each ion's own partner screens it exactly;
    # in a finite periodic box at fixed N the integral over a sphere of radius R of the
    # uncorrelated background removes the fraction V_R / V, so rho int_R h_QQ = -(1 - V_R / V)
    r = q["r"].values
    dr = r[1] - r[0]
    rho = 2 * n / L**3
    moment = rho * np.sum(4 * np.pi * r**2 * q["h_charge"].values) * dr
    R = 2.0 * NM
    assert moment == pytest.approx(-(1 - 4 / 3 * np.pi * R**3 / L**3), abs=0.05)


def test_stillinger_lovett_ratio_and_netcdf(rng, tmp_path):
    from ionscales.results import check_labelled, open_dataset, to_netcdf

    L, n = 4 * NM, 50
    pos = rng.uniform(0, L, (2, 2 * n, 3))
    q = analysis.charge_structure(_load(pos, L, n), permittivity=30.0, temperature=298.15)
    kappa2 = const.e**2 * (2 * n / L**3) / (const.epsilon_0 * 30.0 * const.k * 298.15)
    ratio = float(q["stillinger_lovett_length"]) ** 2 * kappa2
    assert float(q["stillinger_lovett_ratio"]) == pytest.approx(ratio, rel=1e-9)
    assert float(q["debye_length"]) == pytest.approx(1 / np.sqrt(kappa2))
    check_labelled(q)
    to_netcdf(q, tmp_path / "q.nc")
    back = open_dataset(tmp_path / "q.nc")
    np.testing.assert_array_equal(
        back["structure_factor_charge"].values, q["structure_factor_charge"].values
    )


def test_bn_fec_charge_structure_goes_into_fit_decay():
    sa_data = pytest.importorskip("solvation_analysis.tests.datafiles")
    from ionscales import fitting

    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DeprecationWarning)
        tr = analysis.load(
            sa_data.bn_fec_data,
            sa_data.bn_fec_dcd_wrap,
            cation="type 22",
            anion="byres type 20",
            solvents={"BN": "byres type 5", "FEC": "byres type 19"},
            temperature=298.15,
        )
    q = analysis.charge_structure(tr, r_max=1.5 * NM, bins=50)
    # Li-PF6 contact pairs (Li-F 1.9 A + P-F 1.6 A) make h_QQ clearly negative at the
    # Li-P centre distance of about 3.5 A; like charges are excluded below 2.5 A
    assert float(q["h_charge"].sel(r=slice(0.33 * NM, 0.42 * NM)).min()) < -0.5
    assert np.all(q["h_charge"].sel(r=slice(0, 0.25 * NM)).values == pytest.approx(0.0, abs=1e-12))
    # the ions screen with an effective permittivity of a polar solvent (BN 24, FEC ~ 100)
    assert 5 < float(q["stillinger_lovett_permittivity"]) < 150
    fit = fitting.fit_decay(
        q["r"].values[q["r"] > 0.5 * NM],
        q["r_h_charge"].values[q["r"] > 0.5 * NM],
        oscillatory=False,
    )
    assert (
        fit.success
        and np.isfinite(fit.best_values["decay_length"])
        and fit.best_values["decay_length"] > 0
    )
