"""Multicomponent MSA with unequal diameters (theory/msa_mixture.py; issue #11 defect 8).

Independent checks: (i) the Baxter factorisation Q(-k)^T Q(k) must be real and symmetric on
the real k axis (the function it factorises, I - n^1/2 c(k) n^1/2, is); (ii) its k -> 0
pole is the Coulomb term 4 pi l_B (n^1/2 z)(n^1/2 z)^T/k^2; (iii) l_B -> 0 gives the
Percus–Yevick hard-sphere mixture (Lebowitz 1964 closed form, written out here);
(iv) equal diameters give the Waisman–Lebowitz RPM pole equation (poles.msa_pole_function);
(v) the numerical OZ solver with the MSA closure (ionscales.theory.integral_equation).
"""

from __future__ import annotations

import math

import numpy as np
import pytest

from ionscales import Electrolyte, Ion, Solvent, presets
from ionscales.theory import inverse_debye_length, models, poles, screening
from ionscales.theory.msa_mixture import MSAMixture, decay_poles
from ionscales.units import M, nm

WATER = Solvent("water", permittivity=78.4, temperature=298.15)


def reduced(e, c):
    L = e.contact_diameter
    c = np.atleast_1d(np.asarray(c, dtype=float))
    return MSAMixture(e.ion_densities(c) * L**3, e.charges, e.diameters / L, e.bjerrum_length / L)


def factorised(mm, k):
    q = mm.q_matrix(np.array([k]))
    qm = mm.q_matrix(np.array([-k]))
    return (np.swapaxes(qm, -1, -2) @ q)[0]


STATES = [
    # (densities [1/L^3], charges, diameters [L], l_B [L])
    (np.array([[0.12, 0.12]]), np.array([1.0, -1.0]), np.array([1.3, 0.7]), 1.8),
    (np.array([[0.05, 0.10]]), np.array([2.0, -1.0]), np.array([1.2, 0.8]), 1.0),
    (np.array([[0.02, 0.06]]), np.array([3.0, -1.0]), np.array([0.6, 1.4]), 2.5),
    (np.array([[0.04, 0.03, 0.10]]), np.array([1.0, 2.0, -1.0]), np.array([1.1, 0.9, 0.7]), 1.5),
]


@pytest.mark.parametrize("n, z, s, lb", STATES)
def test_factorisation_is_real_and_symmetric(n, z, s, lb):
    mm = MSAMixture(n, z, s, lb)
    for k in (0.05, 0.3, 1.7, 4.0, 9.5):
        a = factorised(mm, k)
        scale = np.abs(a).max()
        assert np.abs(a.imag).max() <= 1e-12 * scale
        assert np.abs(a - a.T).max() <= 1e-12 * scale


def test_factorisation_check_can_fail():
    # Blum's per-ion potentials fix M_j only up to a common constant; without the constant
    # fixed by the small-k condition the product is not even in k
    n, z, s, lb = STATES[1]
    mm = MSAMixture(n, z, s, lb)
    assert abs(mm.offset[0]) > 1e-3
    mm.A, mm.B = mm._coefficients(mm.a, mm.moment - mm.offset[:, None])
    assert np.abs(factorised(mm, 1.7).imag).max() > 1e-3


@pytest.mark.parametrize("n, z, s, lb", STATES)
def test_coulomb_pole_of_the_factorisation(n, z, s, lb):
    mm = MSAMixture(n, z, s, lb)
    k = 1e-4
    a = factorised(mm, k)
    sq = np.sqrt(n[0])
    expected = 4 * math.pi * lb * np.outer(sq * z, sq * z)
    np.testing.assert_allclose(
        (k * k * a).real, expected, rtol=1e-6, atol=1e-6 * np.abs(expected).max()
    )
    # Blum's Gamma equation: pi sum n a^2 = l_B
    assert math.pi * np.sum(n[0] * mm.a[0] ** 2) == pytest.approx(lb, rel=1e-12)


def test_percus_yevick_limit():
    # Lebowitz (1964), Baxter's form: Q_ij(r) = a_i (r^2 - s_ij^2)/2 + b_i (r - s_ij) with
    # a_i = (1 - xi3 + 3 s_i xi2)/(1 - xi3)^2, b_i = -3 s_i^2 xi2 / (2 (1 - xi3)^2)
    s = np.array([1.3, 0.7, 1.0])
    n = np.array([[0.2, 0.2, 0.1]])  # electroneutral
    z = np.array([1.0, -1.0, 0.0])
    lb = 1e-16
    mm = MSAMixture(n, z, s, lb)
    xi2 = math.pi / 6 * np.sum(n[0] * s**2)
    xi3 = math.pi / 6 * np.sum(n[0] * s**3)
    a = (1 - xi3 + 3 * s * xi2) / (1 - xi3) ** 2
    b = -1.5 * s**2 * xi2 / (1 - xi3) ** 2
    s_pair = 0.5 * (s[:, None] + s[None, :])
    np.testing.assert_allclose(mm.A[0], a, rtol=1e-6)
    np.testing.assert_allclose(mm.B[0], a[:, None] * s_pair + b[:, None], rtol=1e-6)


def test_equal_diameters_reproduce_the_rpm_pole_equation():
    # one diameter, any valences: the charge poles solve z^2 + y^2 [cos z + z^2 I(z)] = 0
    z = np.array([2.0, -1.0])
    lb = 1.7
    y = np.array([0.3, 0.9, 1.2, 1.3, 2.0, 3.5])
    n_tot_z2 = y**2 / (4 * math.pi * lb)  # sum n z^2
    nc = n_tot_z2 / (4 + 2)  # n+ = nc, n- = 2 nc
    n = np.stack([nc, 2 * nc], axis=1)
    mm = MSAMixture(n, z, np.array([1.0, 1.0]), lb)
    seeds, _, _ = models.msa_poles(y)
    got, res, ok = decay_poles(mm, y, seeds)
    assert ok.all() and np.all(res[:, 0] < 1e-10)
    value, _, scale = poles.msa_pole_function(got[:, 0], y)
    assert np.all(np.abs(value) / scale < 1e-10)
    np.testing.assert_allclose(got[:, 0], seeds[:, 0], rtol=1e-9)


def test_rpm_crossover_from_the_mixture():
    # Kirkwood crossover of the RPM, kappa_D sigma = 1.228740: monotonic just below (down to
    # 1e-6, where the two roots are closer than the scan grid), oscillatory above
    lb = 1.7
    y = models.msa_crossover() * np.array([1 - 1e-4, 1 - 1e-6, 1 + 1e-6, 1 + 1e-4])
    assert models.msa_crossover() == pytest.approx(1.228740, abs=1e-6)
    n = np.repeat((y**2 / (8 * math.pi * lb))[:, None], 2, axis=1)
    mm = MSAMixture(n, np.array([1.0, -1.0]), np.array([1.0, 1.0]), lb)
    seeds = models.msa_poles(y)[0]
    got, _, ok = decay_poles(mm, y, seeds)
    assert ok.all()
    assert np.all(got[:2, 0].real == 0) and np.all(got[2:, 0].real > 1e-4)
    np.testing.assert_allclose(got[:, 0], seeds[:, 0], rtol=1e-8)


def test_debye_limit_for_unequal_sizes():
    e = presets.get("CaCl2(aq)")
    c = np.array([1e-3, 1e-2, 1e-1])
    ds = screening(e, c, "msa")
    kappa_d = inverse_debye_length(e, c)
    ratio = 1 / (ds["decay_length"].values * kappa_d)
    y = kappa_d * e.contact_diameter
    # kappa/kappa_D - 1 = O(kappa_D sigma): -> 0 linearly
    assert np.all(np.abs(ratio - 1) < 2 * y)
    assert abs(ratio[0] - 1) < 1e-3


def test_nearly_equal_diameters_are_continuous_with_the_rpm():
    base = Electrolyte(Ion("A+", 2, 0.42 * nm), Ion("B-", -1, 0.42 * nm), WATER)
    near = Electrolyte(
        Ion("A+", 2, 0.42 * nm * (1 + 1e-6)), Ion("B-", -1, 0.42 * nm * (1 - 1e-6)), WATER
    )
    c = [30.0, 1000.0]
    ref = screening(base, c, "msa")
    got = screening(near, c, "msa")
    assert "Blum" in got.attrs["parameters"]
    np.testing.assert_allclose(got["decay_length"], ref["decay_length"], rtol=1e-5)
    np.testing.assert_allclose(got["wavelength"].values[1], ref["wavelength"].values[1], rtol=1e-5)


def test_unequal_diameters_no_rpm_warning():
    # #11 defect 8: LiCl/CaCl2 were mapped onto an equivalent RPM with a ValidityWarning
    # (an error under the test configuration) and 1-18 % off; now Blum's solution applies
    ds = screening(presets.get("LiCl(aq)"), [2000.0], "msa")
    assert "unequal diameters" in ds.attrs["parameters"]
    assert np.all(ds["valid"].values)


@pytest.mark.parametrize("name", ["LiCl(aq)", "CaCl2(aq)"])
def test_against_the_oz_msa_solver(name):
    # independent numerical solution of the same closure; OZ grid error ~1e-5 (measured
    # 2e-5 at most for these salts), so 1e-4 relative
    from ionscales.theory import integral_equation as ie

    e = presets.get(name)
    c = np.array([0.3, 1.0, 2.0]) * M
    ds = screening(e, c, "msa")
    for i, ci in enumerate(c):
        modes = ie.decay_modes(ie.solve(e, ci, closure="msa"))
        charge = modes.where(modes.mode_kind == "charge", drop=True)
        lead = int(np.argmax(charge.mode_decay_length.values))
        assert float(ds.decay_length[i]) == pytest.approx(
            float(charge.mode_decay_length[lead]), rel=1e-4
        )
        wave = float(charge.mode_wavelength[lead])
        if np.isfinite(wave):
            assert float(ds.wavelength[i]) == pytest.approx(wave, rel=1e-4)
        else:
            assert np.isnan(float(ds.wavelength[i]))


def test_strong_size_asymmetry_against_the_oz_msa_solver():
    # size ratio 2.3: above the crossover the slowest charge mode is not the continuation of
    # the RPM pole (mode crossing); the mode search must still find the OZ leading charge mode
    from ionscales.theory import integral_equation as ie

    e = Electrolyte(Ion("A+", 1, 0.3 * nm), Ion("B-", -1, 0.7 * nm), WATER)
    c = np.array([1117.0, 2113.0])
    ds = screening(e, c, "msa")
    for i, ci in enumerate(c):
        modes = ie.decay_modes(ie.solve(e, ci, closure="msa"))
        charge = modes.where(modes.mode_kind == "charge", drop=True)
        lead = int(np.argmax(charge.mode_decay_length.values))
        assert float(ds.decay_length[i]) == pytest.approx(
            float(charge.mode_decay_length[lead]), rel=1e-4
        )
        assert float(ds.wavelength[i]) == pytest.approx(
            float(charge.mode_wavelength[lead]), rel=1e-4
        )


def test_packing_fraction_above_one_is_flagged_not_raised():
    from ionscales import ValidityWarning

    e = presets.get("LiTFSI(aq)")
    with pytest.warns(ValidityWarning, match="packing fraction"):
        ds = screening(e, [100.0, 6000.0], "msa")
    assert list(ds["valid"].values) == [True, False]
    assert np.isfinite(ds["decay_length"].values[0]) and np.isnan(ds["decay_length"].values[1])


@pytest.mark.parametrize(
    "name, c", [("LiCl(aq)", 300.0), ("CaCl2(aq)", 30.0), ("CaCl2(aq)", 100.0)]
)
def test_dressed_ion_against_the_oz_msa_solver(name, c):
    # charge-weighted q_eff/q and E_r^eff of the leading (monotonic) mode; the OZ solver
    # computes them from its numerical c(r) (measured agreement 3e-6 and 4e-7)
    from ionscales.theory import integral_equation as ie

    e = presets.get(name)
    ds = screening(e, [c], "dressed-ion")
    assert "Blum" in ds.attrs["parameters"]
    np.testing.assert_allclose(
        ds["decay_length"], screening(e, [c], "msa")["decay_length"], rtol=1e-12
    )
    modes = ie.decay_modes(ie.solve(e, c, closure="msa"))
    assert str(modes.mode_kind.values[0]) == "charge"
    assert float(ds["dressed_charge_ratio"][0]) == pytest.approx(
        float(modes.dressed_charge_ratio[0]), rel=1e-4
    )
    assert float(ds["effective_permittivity"][0]) == pytest.approx(
        float(modes.effective_permittivity[0]), rel=1e-4
    )
    assert float(ds["dressed_charge_ratio"][0]) > 1  # overscreening side of the crossover


def test_three_ion_mixture_against_the_oz_msa_solver():
    # NaCl + CaCl2 (Na+ : Ca2+ : Cl- = 1 : 1 : 3), three diameters-valence pairs: the general
    # m > 2 path (the potential constant from an overdetermined small-k condition)
    from ionscales.theory import integral_equation as ie

    e = Electrolyte(
        ions=[Ion("Na+", 1, 0.36 * nm), Ion("Ca2+", 2, 0.50 * nm), Ion("Cl-", -1, 0.36 * nm)],
        stoichiometry=[1, 1, 3],
        solvent=WATER,
    )
    c = np.array([100.0, 500.0])  # monotonic, oscillatory
    ds = screening(e, c, "msa")
    for i, ci in enumerate(c):
        modes = ie.decay_modes(ie.solve(e, ci, closure="msa"))
        assert str(modes.mode_kind.values[0]) == "charge"
        assert float(ds.decay_length[i]) == pytest.approx(
            float(modes.mode_decay_length[0]), rel=1e-4
        )
    assert float(ds.wavelength[1]) == pytest.approx(float(modes.mode_wavelength[0]), rel=1e-4)
    assert np.isnan(float(ds.wavelength[0]))


def test_entire_functions_against_quadrature():
    # g_n(w) = int_{-1}^0 u^n e^{iwu} du on both sides of the series/closed-form switch |w| = 1
    from scipy import integrate

    from ionscales.theory.msa_mixture import _g

    for w in (1e-6, 0.3 + 0.2j, 0.999, 1.001, 2.5 - 1.0j, 4.0j, -3.0 + 7.0j):
        got = _g(np.array([w]), 3)[:, 0]
        for n in range(4):

            def f(u, n=n, w=w):
                return u**n * np.exp(1j * w * u)

            re = integrate.quad(lambda u: f(u).real, -1, 0, epsabs=1e-15)[0]
            im = integrate.quad(lambda u: f(u).imag, -1, 0, epsabs=1e-15)[0]
            assert abs(got[n] - (re + 1j * im)) <= 1e-13 * max(1.0, abs(re + 1j * im)), (w, n)


def test_crossover_concentration_of_unequal_sizes():
    # equal diameters: kappa_D sigma = 1.228740; LiCl: the regime changes at the located
    # concentration (monotonic 1e-6 below, oscillatory 1e-6 above), shifted from the RPM value
    base = Electrolyte(Ion("A+", 1, 0.39 * nm), Ion("B-", -1, 0.39 * nm), WATER)
    c_rpm = models.msa_crossover_concentration(base)
    y = inverse_debye_length(base, c_rpm) * base.contact_diameter
    assert y == pytest.approx(1.228740, abs=1e-6)
    for name in (
        "LiCl(aq)",
        "CaCl2(aq)",
    ):  # CaCl2: the root pair inside one scan cell (once missed)
        e = presets.get(name)
        c_k = models.msa_crossover_concentration(e)
        ds = screening(e, [c_k * (1 - 1e-6), c_k * (1 + 1e-6)], "msa")
        assert list(ds["regime"].values) == ["monotonic", "oscillatory"]
        y_k = inverse_debye_length(e, c_k) * e.contact_diameter
        assert abs(y_k / 1.228740 - 1) > 1e-4


def test_screening_curves_reports_the_mixture_crossover_for_unequal_sizes():
    """screening_curves' Kirkwood concentration for "msa" is the multicomponent crossover
    (LiCl: 0.92 M, not the RPM value), and the regime switches there."""
    from ionscales import presets, theory
    from ionscales.theory.models import msa_crossover_concentration

    e = presets.get("LiCl(aq)")
    c_k = msa_crossover_concentration(e)
    ds = theory.screening_curves(e, [0.97 * c_k, 1.03 * c_k], models="msa")
    assert float(ds["kirkwood_concentration"].sel(model="msa")) == pytest.approx(c_k, rel=1e-9)
    assert list(ds["regime"].sel(model="msa").values) == ["monotonic", "oscillatory"]
    assert theory.kirkwood_crossover("msa") == pytest.approx(1.228740, abs=1e-6)
