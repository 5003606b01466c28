"""Physics tests of the screening ladder (theory/models.py, theory/poles.py).

Reference numbers: references/screening.md (section 9 checks, tables 4.2 and 4.3), all marked
[COMPUTED] there from the stated formulas with CODATA 2018 constants; literature agreement
(Kirkwood 1.03, MSA/GMSA 1.228-1.229) is noted where used. The pole equations are
re-implemented here independently of the package to check the residuals.
"""

from __future__ import annotations

import math
import warnings

import numpy as np
import pytest
import xarray as xr
from scipy import integrate, optimize

from ionscales import Electrolyte, Ion, ParameterError, Solvent, ValidityWarning, presets, results
from ionscales.constants import avogadro
from ionscales.theory import (
    bjerrum_length,
    inverse_debye_length,
    kirkwood_crossover,
    poles,
    screening,
    screening_curves,
    screening_models,
)
from ionscales.theory import models as ladder_models
from ionscales.units import M, nm

ANALYTIC = ["debye", "dh-exclusion", "msa", "dressed-ion", "free-ion", "scaling"]


def salt(sigma=0.4 * nm, eps=78.4, temperature=298.15, charges=(1, -1), diameters=None):
    d = diameters or (sigma, sigma)
    water = Solvent("water", permittivity=eps, temperature=temperature)
    return Electrolyte(Ion("A+", charges[0], d[0]), Ion("B-", charges[1], d[1]), water)


def conc_at(electrolyte, y):
    """Salt concentration [mol/m^3] at which kappa_D sigma = y."""
    y = np.asarray(y, dtype=float)
    per_sqrt_c = inverse_debye_length(electrolyte, 1.0)
    return (y / (electrolyte.contact_diameter * per_sqrt_c)) ** 2


def reduced_poles(ds, sigma):
    """Leading pole k sigma = alpha_0 sigma + i alpha_1 sigma from a screening dataset."""
    alpha1 = sigma / ds["decay_length"].values
    wave = ds["wavelength"].values
    alpha0 = np.where(
        np.isfinite(wave), 2 * np.pi * sigma / np.where(np.isfinite(wave), wave, 1.0), 0.0
    )
    return alpha0, alpha1


# independent pole functions (sigma = 1)
def cut_kernel_F(z, y):
    return z * z + y * y * np.cos(z), np.abs(z) ** 2 + y * y * np.abs(np.cos(z))


def msa_core(z, b):
    """I(z) of references 3.1: int_0^1 r^2 j0(zr) (2B - B^2 r) dr in closed form."""
    return (
        2 * b * (np.sin(z) - z * np.cos(z)) / z**3
        - b * b * (2 * z * np.sin(z) - (z * z - 2) * np.cos(z) - 2) / z**4
    )


def msa_F(z, y):
    g = (np.sqrt(1 + 2 * y) - 1) / 2
    b = g / (1 + g)
    core = msa_core(z, b)
    return z * z + y * y * (np.cos(z) + z * z * core), np.abs(z * z) + y * y * (
        np.abs(np.cos(z)) + np.abs(z * z * core)
    )


# ---------------------------------------------------------------------------------------
# section 9.1: Bjerrum and Debye lengths


def test_bjerrum_and_debye_lengths_reference_values():
    assert bjerrum_length(78.4, 298.15) == pytest.approx(0.714872 * nm, rel=1e-5)
    assert bjerrum_length(1.0, 298.15) == pytest.approx(56.0459 * nm, rel=1e-5)
    e = salt(eps=78.4)
    ds = screening(e, [0.1 * M, 1.0 * M], "debye")
    assert ds["debye_length"].values == pytest.approx([0.961370 * nm, 0.304012 * nm], rel=1e-5)
    assert ds["decay_length"].values == pytest.approx(ds["debye_length"].values, rel=1e-14)


# ---------------------------------------------------------------------------------------
# section 4.2 / 9.3: Coulomb kernel cut inside the core


def test_cut_kernel_crossover_and_spinodal():
    assert kirkwood_crossover("dh-exclusion") == pytest.approx(1.0317190, abs=1e-6)
    # independent: x_K from tanh x = 2/x, y_K = x_K/sqrt(cosh x_K)
    x_k = optimize.brentq(lambda x: math.tanh(x) - 2 / x, 1, 4, xtol=1e-15)
    assert x_k == pytest.approx(2.0653381, abs=1e-6)
    assert kirkwood_crossover("dh-exclusion") == pytest.approx(
        x_k / math.sqrt(math.cosh(x_k)), abs=1e-12
    )
    assert poles.CUT_COULOMB_SPINODAL == pytest.approx(2.791544, abs=1e-6)
    assert poles.CUT_COULOMB_SPINODAL_X == pytest.approx(2.458714, abs=1e-6)


@pytest.mark.parametrize(
    "y, alpha0, alpha1",
    [
        (0.1, 0.0, 0.10025),
        (0.5, 0.0, 0.53545),
        (0.9, 0.0, 1.22251),
        (1.0, 0.0, 1.62135),
        (1.1, 0.69071, 1.97782),
        (1.2, 1.05206, 1.85719),
        (1.5, 1.61985, 1.53493),
        (2.0, 2.08823, 1.06835),
        (2.5, 2.35121, 0.58871),
        (2.7, 2.42759, 0.31872),
    ],
)
def test_cut_kernel_table_4_2(y, alpha0, alpha1):
    e = salt(sigma=0.4 * nm)
    ds = screening(e, conc_at(e, [y]), "dh-exclusion")
    a0, a1 = reduced_poles(ds, 0.4 * nm)
    assert a0[0] == pytest.approx(alpha0, abs=1.5e-5)
    assert a1[0] == pytest.approx(alpha1, abs=1.5e-5)
    assert ds["regime"].values[0] == ("monotonic" if alpha0 == 0 else "oscillatory")


def test_cut_kernel_imaginary_roots_satisfy_cosh_equation():
    e = salt(sigma=0.3 * nm)
    y = np.array([0.05, 0.3, 0.7, 1.0, 1.03])
    ds = screening(e, conc_at(e, y), "dh-exclusion", all_modes=True)
    kappa = ds["kappa_imag"].values * 0.3 * nm  # (n, 2)
    assert np.all(ds["kappa_real"].values == 0)
    lhs = kappa**2
    rhs = (y**2)[:, None] * np.cosh(kappa)
    assert np.allclose(lhs, rhs, rtol=1e-12)
    # leading mode is the slower one; low density: kappa/kappa_D = 1 + y^2/4 + O(y^4)
    assert np.all(kappa[:, 0] < kappa[:, 1])
    assert (kappa[0, 0] / y[0] - 1) / (y[0] ** 2 / 4) == pytest.approx(1.0, rel=2e-3)


def test_cut_kernel_spinodal_warns_and_flags_invalid():
    e = salt(sigma=0.4 * nm)
    c = conc_at(e, [1.5, 2.9, 3.5])
    with pytest.warns(ValidityWarning, match="spinodal"):
        ds = screening(e, c, "dh-exclusion")
    assert ds["valid"].values.tolist() == [True, False, False]
    assert ds["regime"].values.tolist() == ["oscillatory", "unstable", "unstable"]
    assert np.isnan(ds["decay_length"].values[1:]).all()
    # the decay length diverges on approach to the spinodal
    near = screening(e, conc_at(e, [2.79]), "dh-exclusion")
    assert near["decay_length"].values[0] / (0.4 * nm) > 20


# ---------------------------------------------------------------------------------------
# sections 3.1, 4.3, 9.4, 9.5: MSA


@pytest.mark.parametrize(
    "y, gamma_sigma, energy",
    [(1.0, 0.3660254, -0.267949), (2.0, 0.618034, -0.381966), (4.0, 1.0, -0.5)],
)
def test_msa_screening_parameter_and_energy(y, gamma_sigma, energy):
    assert poles.msa_gamma_sigma(y) == pytest.approx(gamma_sigma, abs=1e-7)
    assert poles.msa_energy_per_ion(y) == pytest.approx(energy, abs=1e-6)
    if y == 1.0:
        assert poles.msa_energy_per_ion(1.0) == pytest.approx(-(2 - math.sqrt(3)), abs=1e-14)
    # the dataset reports the same Gamma sigma
    e = salt()
    ds = screening(e, conc_at(e, [y]), "msa")
    assert ds["gamma_sigma"].values[0] == pytest.approx(gamma_sigma, abs=1e-7)


def test_msa_energy_debye_huckel_limit():
    y = np.array([1e-6, 1e-4])
    assert poles.msa_energy_per_ion(y) / (-y / 2) == pytest.approx([1.0, 1.0], rel=2e-4)


def test_msa_core_transform_matches_quadrature():
    # the closed-form I(k) equals int_0^1 r^2 sin(kr)/(kr) (2B - B^2 r) dr, also for complex k
    b = 0.3

    def integrand(r, k, part):  # quad never evaluates the end point r = 0
        return getattr(complex(r * r * np.sin(k * r) / (k * r) * (2 * b - b * b * r)), part)

    for k in (0.7, 2.5, 1.9 + 1.9j):
        re = integrate.quad(integrand, 0, 1, args=(k, "real"), epsabs=1e-14)[0]
        im = integrate.quad(integrand, 0, 1, args=(k, "imag"), epsabs=1e-14)[0]
        assert complex(msa_core(np.array(k, dtype=complex), b)) == pytest.approx(
            re + 1j * im, abs=1e-12
        )
        # the package's short-range kernel contains the same I(k): S = y^2 [(1 - cos k)/k^2 - I(k)]
        s_val, _ = poles.msa_short_range(np.array([k]), np.array([2.0]))
        g = (math.sqrt(5) - 1) / 2
        expected = 4 * ((1 - np.cos(k)) / k**2 - msa_core(np.array(k, dtype=complex), g / (1 + g)))
        assert complex(s_val[0]) == pytest.approx(complex(expected), abs=1e-12)


def test_msa_crossover():
    assert kirkwood_crossover("msa") == pytest.approx(1.228740, abs=1e-6)
    assert ladder_models._msa_crossover_point()[1] == pytest.approx(2.332680, abs=1e-5)
    # just below: monotonic; just above: oscillatory
    e = salt()
    y_k = kirkwood_crossover("msa")
    ds = screening(e, conc_at(e, [y_k * (1 - 1e-6), y_k * (1 + 1e-6)]), "msa")
    assert ds["regime"].values.tolist() == ["monotonic", "oscillatory"]


@pytest.mark.parametrize(
    "y, alpha0, alpha1",
    [
        (0.1, 0.0, 0.10024),
        (0.3, 0.0, 0.30596),
        (0.5, 0.0, 0.52717),
        (0.7, 0.0, 0.77727),
        (1.0, 0.0, 1.27349),
        (1.2, 0.0, 1.93186),
        (1.3, 0.65145, 2.27927),
        (1.5, 1.21912, 2.14581),
        (2.0, 1.88764, 1.88703),
        (3.0, 2.52861, 1.54537),
        (4.0, 2.89152, 1.32057),
        (5.0, 3.14257, 1.15699),
        (6.0, 3.33340, 1.03071),
    ],
)
def test_msa_table_4_3(y, alpha0, alpha1):
    e = salt(sigma=0.45 * nm)
    ds = screening(e, conc_at(e, [y]), "msa")
    a0, a1 = reduced_poles(ds, 0.45 * nm)
    assert a0[0] == pytest.approx(alpha0, abs=1.5e-5)
    assert a1[0] == pytest.approx(alpha1, abs=1.5e-5)


def test_msa_section_9_5_values():
    e = salt(sigma=0.4 * nm)
    ds = screening(e, conc_at(e, [0.5, 2.0]), "msa")
    a0, a1 = reduced_poles(ds, 0.4 * nm)
    assert (a0[0], a1[0]) == (0.0, pytest.approx(0.527170, abs=1e-6))
    assert a0[1] == pytest.approx(1.88764, abs=1e-5)
    assert a1[1] == pytest.approx(1.88703, abs=1e-5)


@pytest.mark.parametrize(
    "model, F", [("dh-exclusion", cut_kernel_F), ("msa", msa_F), ("dressed-ion", msa_F)]
)
def test_every_mode_satisfies_its_pole_equation(model, F):
    sigma = 0.35 * nm
    e = salt(sigma=sigma)
    y = np.concatenate([np.geomspace(1e-3, 1.0, 40), np.linspace(1.05, 2.7, 40)])
    ds = screening(e, conc_at(e, y), model, all_modes=True)
    z = (ds["kappa_real"].values + 1j * ds["kappa_imag"].values) * sigma
    value, scale = F(z, y[:, None])
    rel = np.abs(value) / scale
    assert np.all(np.isfinite(z))
    assert np.nanmax(rel) < 1e-10
    assert float(ds["pole_residual"].max()) < 1e-10
    # the leading mode is the slowest decaying
    decay = ds["mode_decay_length"].values
    assert np.all(decay[:, 0] >= decay[:, 1] * (1 - 1e-12))


def test_complex_pair_above_crossover():
    e = salt()
    ds = screening(e, conc_at(e, [1.5, 3.0]), "msa", all_modes=True)
    assert np.allclose(
        ds["mode_decay_length"].values[:, 0], ds["mode_decay_length"].values[:, 1], rtol=1e-14
    )
    assert np.allclose(
        ds["mode_wavelength"].values[:, 0], ds["mode_wavelength"].values[:, 1], rtol=1e-14
    )


# ---------------------------------------------------------------------------------------
# section 5 / 9.11: dressed-ion theory


def test_dressed_ion_charge_ratio_msa():
    e = salt()
    ds = screening(e, conc_at(e, [0.5, 1.0, 1.2]), "dressed-ion")
    assert ds["dressed_charge_ratio"].values == pytest.approx([1.1116, 1.6218, 2.592], abs=6e-4)
    # (kappa/kappa_D)^2 = q_eff/q is the screening equation itself
    kappa_over_kd = ds["debye_length"].values / ds["decay_length"].values
    assert ds["dressed_charge_ratio"].values == pytest.approx(kappa_over_kd**2, rel=1e-12)


def test_dressed_ion_msa_closure_agrees_with_msa():
    e = presets.get("NaCl(aq)")
    c = np.geomspace(1e-4, 6, 300) * M
    msa = screening(e, c, "msa", all_modes=True)
    dit = screening(e, c, "dressed-ion", all_modes=True)
    for var in ("decay_length", "wavelength", "mode_decay_length", "mode_wavelength"):
        xr.testing.assert_allclose(msa[var], dit[var], rtol=1e-10)
    assert kirkwood_crossover("dressed-ion") == pytest.approx(kirkwood_crossover("msa"), abs=1e-9)
    assert kirkwood_crossover("dressed-ion", closure="cut-coulomb") == pytest.approx(
        1.0317190, abs=1e-6
    )


def test_dressed_ion_effective_permittivity_limits():
    e = salt(eps=78.4)
    ds = screening(e, conc_at(e, [1e-4, 0.5, 1.2287]), "dressed-ion")
    eps_eff = ds["effective_permittivity"].values
    assert eps_eff[0] == pytest.approx(78.4, rel=1e-6)
    assert eps_eff[1] < 78.4
    assert abs(eps_eff[2]) < 0.05 * 78.4  # the residue vanishes where two modes merge


def test_dressed_ion_user_closure_reproduces_cut_kernel():
    sigma = 0.4 * nm
    e = salt(sigma=sigma)
    kappa_per_sqrt_c = inverse_debye_length(e, 1.0)

    def cut_closure(k, c):  # rho c_short(k) = kappa_D^2 (1 - cos k sigma)/k^2
        return kappa_per_sqrt_c**2 * c * (1 - np.cos(k * sigma)) / k**2

    def cut_closure_with_derivative(k, c):
        kd2 = kappa_per_sqrt_c**2 * c
        return kd2 * (1 - np.cos(k * sigma)) / k**2, kd2 * (
            sigma * np.sin(k * sigma) / k**2 - 2 * (1 - np.cos(k * sigma)) / k**3
        )

    y = np.array([0.1, 0.5, 0.9, 1.6, 2.0])
    c = conc_at(e, y)
    ref = screening(e, c, "dh-exclusion")
    for closure in (cut_closure, cut_closure_with_derivative, "cut-coulomb"):
        ds = screening(e, c, "dressed-ion", closure=closure)
        assert ds["decay_length"].values == pytest.approx(ref["decay_length"].values, rel=1e-8)
        np.testing.assert_allclose(ds["wavelength"].values, ref["wavelength"].values, rtol=1e-8)
        # cut kernel: q_eff/q = cosh(kappa sigma) on the monotonic branch
        mono = ds["regime"].values == "monotonic"
        kappa_sigma = sigma / ds["decay_length"].values[mono]
        assert ds["dressed_charge_ratio"].values[mono] == pytest.approx(
            np.cosh(kappa_sigma), rel=1e-8
        )


# ---------------------------------------------------------------------------------------
# free ions


def test_free_ion_mass_action_closed_form():
    e = salt(sigma=0.4 * nm)
    k_a = 2e-3  # m^3/mol (2 L/mol)
    c = np.array([1.0, 100.0, 3000.0])
    ds = screening(e, c, "free-ion", association_constant=k_a)
    alpha = ds["free_fraction"].values
    assert np.allclose(k_a * c * alpha**2 + alpha - 1, 0, atol=1e-14)
    assert ds["decay_length"].values == pytest.approx(
        ds["debye_length"].values / np.sqrt(alpha), rel=1e-12
    )


def test_free_ion_association_constants():
    e22 = salt(sigma=0.4 * nm, charges=(2, -2))
    lb = e22.bjerrum_length
    b = 4 * lb
    expected = (
        4
        * np.pi
        * avogadro
        * integrate.quad(lambda r: r * r * np.exp(b / r), 0.4 * nm, b / 2, epsabs=0, epsrel=1e-12)[
            0
        ]
    )
    assert ladder_models.bjerrum_association_constant(e22) == pytest.approx(expected, rel=1e-9)
    assert ladder_models.fuoss_association_constant(e22) == pytest.approx(
        4 * np.pi * avogadro * (0.4 * nm) ** 3 / 3 * np.exp(b / (0.4 * nm)), rel=1e-12
    )
    # NaCl in water: a > l_B/2, no Bjerrum pairs -> free-ion is Debye
    nacl = presets.get("NaCl(aq)")
    assert ladder_models.bjerrum_association_constant(nacl) == 0.0
    ds = screening(nacl, [100.0, 1000.0], "free-ion")
    assert ds["decay_length"].values == pytest.approx(ds["debye_length"].values, rel=1e-14)


def test_free_ion_fraction_options():
    e = salt()
    c = np.array([10.0, 100.0, 1000.0])
    half = screening(e, c, "free-ion", free_fraction=0.5)
    assert half["decay_length"].values == pytest.approx(
        half["debye_length"].values * math.sqrt(2), rel=1e-12
    )
    per_c = screening(e, c, "free-ion", free_fraction=np.array([1.0, 0.25, 0.04]))
    assert per_c["decay_length"].values == pytest.approx(
        per_c["debye_length"].values * [1, 2, 5], rel=1e-12
    )

    class Model:
        def free_fractions(self, electrolyte, concentration):
            return np.column_stack(
                [np.full(concentration.shape, 0.25), np.full(concentration.shape, 0.25)]
            )

    obj = screening(e, c, "free-ion", free_fraction=Model())
    assert obj["free_fraction"].values == pytest.approx([0.25] * 3)
    assert obj["decay_length"].values == pytest.approx(obj["debye_length"].values * 2, rel=1e-12)
    none = screening(e, c, "free-ion", free_fraction=0.0)
    assert none["regime"].values.tolist() == ["unscreened"] * 3
    assert not none["valid"].values.any()


def test_free_ion_asymmetric_pairs_keep_their_charge():
    e = salt(sigma=0.45 * nm, charges=(2, -1))  # nu = (1, 2); pairs A2+B- carry charge +1
    k_a, c = 1e-3, np.array([500.0])
    ds = screening(e, c, "free-ion", association_constant=k_a)
    p = optimize.brentq(lambda p: p - k_a * (c[0] - p) * (2 * c[0] - p), 0, c[0])
    kappa2 = 4 * np.pi * e.bjerrum_length * avogadro * ((c[0] - p) * 4 + (2 * c[0] - p) * 1 + p * 1)
    assert ds["decay_length"].values[0] == pytest.approx(1 / math.sqrt(kappa2), rel=1e-10)


# ---------------------------------------------------------------------------------------
# scaling law


def test_scaling_law_branches():
    e = salt(sigma=0.3 * nm)
    y = np.array([0.2, 0.9, 1.5, 3.0])
    c = conc_at(e, y)
    ds = screening(e, c, "scaling", prefactor=1.3, exponent=3)
    lam_d = ds["debye_length"].values
    y_cross = 1.3 ** (-1 / 3)
    expected = np.where(y > y_cross, lam_d * 1.3 * y**3, lam_d)
    assert ds["decay_length"].values == pytest.approx(expected, rel=1e-12)
    # n = 3: lambda_S = 8 pi A l_B N_A c sigma^3, linear in c and in l_B (Lee et al. 2017)
    lb = e.bjerrum_length
    assert ds["decay_length"].values[3] == pytest.approx(
        8 * np.pi * 1.3 * lb * avogadro * c[3] * (0.3 * nm) ** 3, rel=1e-12
    )
    with pytest.raises(ParameterError, match="no Kirkwood crossover"):
        kirkwood_crossover("scaling")


# ---------------------------------------------------------------------------------------
# limits, invariants, registry sweep, round trip


@pytest.mark.parametrize("model", ANALYTIC)
def test_debye_limit_at_low_concentration(model):
    e = presets.get("NaCl(aq)")
    options = {"association": "fuoss"} if model == "free-ion" else {}
    ds = screening(e, [1e-6 * M, 1e-5 * M], model, **options)
    assert ds["decay_length"].values == pytest.approx(ds["debye_length"].values, rel=2e-5)
    assert ds["regime"].values.tolist() == ["monotonic", "monotonic"]


@pytest.mark.parametrize("model", ANALYTIC)
def test_charge_sign_symmetry(model):
    d1, d2 = 0.42 * nm, 0.38 * nm
    water = Solvent("water", permittivity=60.0)
    plus = Electrolyte(
        ions=[Ion("X+", 1, d1), Ion("Y-", -1, d2)], stoichiometry=[1, 1], solvent=water
    )
    minus = Electrolyte(
        ions=[Ion("X-", -1, d1), Ion("Y+", 1, d2)], stoichiometry=[1, 1], solvent=water
    )
    c = np.geomspace(1, 5000, 25)
    options = {"association": "fuoss"} if model == "free-ion" else {}
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ValidityWarning)  # dh-exclusion passes its spinodal
        a = screening(plus, c, model, all_modes=True, **options)
        b = screening(minus, c, model, all_modes=True, **options)
    for var in a.data_vars:
        if a[var].dtype.kind == "f":
            np.testing.assert_allclose(a[var].values, b[var].values, rtol=1e-12, equal_nan=True)
        else:
            assert (a[var].values == b[var].values).all()


def test_registry_sweep_every_kernel_finite():
    """lmfit-style registry sweep: every analytic model over a grid of valid inputs."""
    c = np.geomspace(1e-3, 1e4, 60)  # mol/m^3
    # every registered model (a new one is swept automatically) except those that need
    # input beyond an electrolyte: "cluster" (an aggregation model) and "dressed-ion-hnc"
    # (a numerical OZ solve per point, swept in tests/test_integral_equation.py)
    needs_input = {"cluster", "dressed-ion-hnc"}
    swept = [m for m in screening_models() if m not in needs_input]
    assert set(ANALYTIC) <= set(swept)
    for model in swept:
        for charges in ((1, -1), (2, -1), (2, -2)):
            for eps in (5.0, 30.0, 80.0):
                for sigma in (0.2 * nm, 0.5 * nm, 1.0 * nm):
                    e = salt(sigma=sigma, eps=eps, charges=charges)
                    with warnings.catch_warnings():
                        warnings.simplefilter("ignore", ValidityWarning)
                        ds = screening(e, c, model)
                    valid = ds["valid"].values
                    decay = ds["decay_length"].values
                    assert np.all(np.isfinite(decay[valid]) & (decay[valid] > 0)), (
                        model,
                        charges,
                        eps,
                        sigma,
                    )
                    assert np.all(np.isnan(decay[~valid]))
                    assert set(ds["regime"].values[~valid]) <= {"unstable", "invalid", "unscreened"}
                    if model != "dh-exclusion":
                        assert valid.all(), (model, charges, eps, sigma)
                    wave = ds["wavelength"].values
                    assert np.all(np.isnan(wave) | (wave > 0))
                    res = ds["pole_residual"].values[valid]
                    assert np.all(res < 1e-10)


def test_rpm_mapping_warning_for_unequal_diameters():
    # #11 defect 8: unequal diameters were mapped silently up to a ratio of 1.2 (LiCl). "msa"
    # now solves the multicomponent MSA (tests/test_msa_mixture.py): no mapping, no warning,
    # also for "dressed-ion" with its MSA closure; other closures still use the one-diameter
    # equation and say so
    for diameters in ((0.40 * nm, 0.44 * nm), (0.5 * nm, 0.36 * nm)):
        for model in ("msa", "dressed-ion"):
            ds = screening(salt(diameters=diameters), [100.0], model)
            assert "Blum" in ds.attrs["parameters"]
    with pytest.warns(ValidityWarning, match="unequal diameters"):
        screening(presets.get("LiCl(aq)"), [2000.0], "dressed-ion", closure="cut-coulomb")


@pytest.mark.slow
def test_equal_diameter_asymmetric_valence_is_exact_against_the_oz_msa_solver():
    # with one diameter the MSA charge channel decouples for any valences: the one-diameter
    # pole equation is exact. Independent check: OZ with the MSA closure (numerical grid).
    from ionscales.theory import integral_equation as ie

    e = salt(sigma=0.42 * nm, charges=(2, -1))
    for c in (30.0, 1000.0):  # monotonic and oscillatory (kappa_D sigma = 0.41, 2.39)
        ds = screening(e, c, "msa")  # no warning: exact
        assert "exact" in ds.attrs["parameters"]
        modes = ie.decay_modes(ie.solve(e, c, closure="msa"))
        charge = modes.where(modes.mode_kind == "charge", drop=True)
        lead = int(np.argmax(charge.mode_decay_length.values))
        # OZ grid error ~1e-4 (measured 5e-5 at 1 mol/L)
        assert float(ds.decay_length) == pytest.approx(
            float(charge.mode_decay_length[lead]), rel=5e-4
        )
        if c > 100:
            assert float(ds.wavelength) == pytest.approx(
                float(charge.mode_wavelength[lead]), rel=5e-4
            )


def test_cluster_model_is_wired():
    e = presets.get("NaCl(aq)")
    try:
        ds = screening(e, [100.0], "cluster")
    except ParameterError as exc:
        assert "aggregation" in str(exc).lower()
    else:
        assert isinstance(ds, xr.Dataset)


def test_screening_curves_netcdf_round_trip(tmp_path):
    e = presets.get("NaCl(aq)")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ValidityWarning)
        ds = screening_curves(e, np.geomspace(1e-4, 6, 40) * M)
    assert list(ds["model"].values) == ANALYTIC
    results.check_labelled(ds)
    path = tmp_path / "curves.nc"
    results.to_netcdf(ds, path)
    xr.testing.assert_identical(results.open_dataset(path), ds)
    # crossover concentrations: c_K = (x_K/sigma)^2/(8 pi l_B N_A) for 1:1 (references 4.5)
    lb = e.bjerrum_length
    sigma = e.contact_diameter
    expected = (1.031719 / sigma) ** 2 / (8 * np.pi * lb * avogadro)
    assert float(ds["kirkwood_concentration"].sel(model="dh-exclusion")) == pytest.approx(
        expected, rel=2e-6
    )


def test_reference_crossover_concentrations_table_4_5():
    # eps_r 78.4, 298.15 K: sigma = 0.40 nm -> 0.615 M (cut kernel), 0.872 M (MSA)
    e = salt(sigma=0.4 * nm)
    ds = screening_curves(e, [100.0, 1000.0], ["dh-exclusion", "msa"])
    assert ds["kirkwood_concentration"].values / M == pytest.approx([0.615, 0.872], abs=6e-4)


# ---------------------------------------------------------------------------------------
# bad input


@pytest.mark.parametrize("bad", [[-1.0], [np.nan], [0.0]])
def test_bad_concentration(bad):
    with pytest.raises(ParameterError, match="concentration"):
        screening(presets.get("NaCl(aq)"), bad, "msa")


@pytest.mark.parametrize(
    "field, kwargs",
    [
        ("diameter", {"sigma": 0.0}),
        ("diameter", {"sigma": -1e-10}),
        ("permittivity", {"eps": 0.0}),
        ("permittivity", {"eps": -3.0}),
        ("temperature", {"temperature": 0.0}),
        ("temperature", {"temperature": -10.0}),
    ],
)
def test_bad_electrolyte_parameters(field, kwargs):
    with pytest.raises(ParameterError, match=field):
        salt(**kwargs)


def test_bad_model_preset_and_options():
    e = presets.get("NaCl(aq)")
    with pytest.raises(ParameterError, match="model.*Did you mean 'msa'"):
        screening(e, [1.0], "mas")
    with pytest.raises(ParameterError, match="preset"):
        presets.get("NaCl(aq")
    with pytest.raises(ParameterError, match="bogus"):
        screening(e, [1.0], "msa", bogus=1)
    with pytest.raises(ParameterError, match="free_fraction"):
        screening(e, [1.0], "free-ion", free_fraction=1.5)
    with pytest.raises(ParameterError, match="free_fraction"):
        screening(e, [1.0, 2.0], "free-ion", free_fraction=[0.5, 0.5, 0.5])
    with pytest.raises(ParameterError, match="association_constant"):
        screening(e, [1.0], "free-ion", association_constant=-1.0)
    with pytest.raises(ParameterError, match="association"):
        screening(e, [1.0], "free-ion", association="debye")
    with pytest.raises(ParameterError, match="prefactor"):
        screening(e, [1.0], "scaling", prefactor=-1.0)
    with pytest.raises(ParameterError, match="exponent"):
        screening(e, [1.0], "scaling", exponent=float("nan"))
    with pytest.raises(ParameterError, match="closure"):
        screening(e, [1.0], "dressed-ion", closure="hnc-typo")
    with pytest.raises(ParameterError, match="model"):
        kirkwood_crossover("debye")


def test_ladder_marks_valid_points_without_a_pole_invalid(nacl):
    """A model that flags a point valid but returns no pole must not pass silently."""
    from ionscales.errors import ConvergenceWarning
    from ionscales.theory.ladder import ScreeningModes, register_model, screening

    def broken(electrolyte, concentration):
        n = len(concentration)
        poles = np.full((n, 1), np.nan + 1j * np.nan)
        poles[0, 0] = 1j * 1e9
        return ScreeningModes(poles=poles, residual=np.zeros((n, 1)), valid=np.ones(n, bool))

    register_model("test-broken", broken, description="test only")
    try:
        with pytest.warns(ConvergenceWarning, match="no decay mode"):
            ds = screening(nacl, [100.0, 200.0], "test-broken")
        assert list(ds.valid.values) == [True, False]
        assert ds.regime.values[1] == "no-mode" and np.isnan(ds.decay_length.values[1])
    finally:
        from ionscales.theory import ladder

        ladder._MODELS.pop("test-broken")


# ---------------------------------------------------------------------------------------
# #13/#14/#15: strings, empty input, lazy modules; #11: dielectric decrement


def test_screening_curves_accepts_one_model_name():
    e = presets.get("NaCl(aq)")
    ds = screening_curves(e, [10.0, 100.0], "msa")
    assert list(ds["model"].values) == ["msa"]


def test_empty_concentration_is_a_parameter_error_for_every_model():
    e = presets.get("NaCl(aq)")
    for model in screening_models():
        with pytest.raises(ParameterError, match="empty"):
            screening(e, np.array([]), model)
    with pytest.raises(ParameterError, match="empty"):
        screening_curves(e, np.array([]))


def test_implausible_concentration_warns():
    with pytest.warns(ValidityWarning, match="beyond any liquid"):
        screening(presets.get("NaCl(aq)"), [1e8], "debye")


def test_lazy_submodules_resolve():
    import ionscales.theory as theory

    for name in ("plates", "poles", "oz_poles", "oz_solver"):
        assert getattr(theory, name).__name__ == f"ionscales.theory.{name}"


def test_dielectric_decrement_in_screening_point_by_point():
    from ionscales.dielectric import DielectricDecrement

    base = salt(sigma=0.4 * nm, eps=78.4)
    dec = DielectricDecrement(0.011, 20.0, source="test")
    c = np.array([10.0, 500.0, 2000.0])
    ds = screening(base, c, "msa", dielectric_decrement=dec)
    eps = dec(c, 78.4)
    np.testing.assert_allclose(ds["permittivity"].values, eps, rtol=1e-12)
    for ci, ei, decay in zip(c, eps, ds["decay_length"].values):
        # each point equals the constant-eps_r model at that point's eps_r(c)
        ref = screening(base.with_(permittivity=float(ei)), [ci], "msa")["decay_length"].values[0]
        assert decay == pytest.approx(ref, rel=1e-12)
    # Debye length with eps_r(c): lambda_D ~ sqrt(eps_r)
    plain = screening(base, c, "debye")
    np.testing.assert_allclose(
        ds["debye_length"].values, plain["debye_length"].values * np.sqrt(eps / 78.4), rtol=1e-12
    )
    # carried by the electrolyte: on by default, off on request
    e = base.with_(dielectric_decrement=dec)
    np.testing.assert_allclose(
        screening(e, c, "msa")["decay_length"], ds["decay_length"], rtol=1e-14
    )
    off = screening(e, c, "msa", dielectric_decrement=False)
    np.testing.assert_allclose(
        off["decay_length"], screening(base, c, "msa")["decay_length"], rtol=1e-14
    )
    with pytest.raises(ParameterError, match="dielectric_decrement"):
        screening(base, c, "msa", dielectric_decrement=True)


def test_screening_curves_kirkwood_crossover_is_nan_exactly_where_the_model_has_none():
    """#15: debye's NaN kirkwood_crossover is labelled (has_kirkwood_crossover) and physical.

    A model with a crossover turns from monotonic to oscillatory decay across its
    kirkwood_concentration (checked with the model's own leading pole, independently of the
    crossover routine); a model without one (Debye-Hueckel, free ions, the scaling law)
    decays monotonically at every concentration and reports NaN, flagged False.
    """
    nacl = presets.get("NaCl(aq)")
    ds = screening_curves(nacl, np.array([1.0, 100.0]))
    assert ds["has_kirkwood_crossover"].dtype == bool
    assert ds["has_kirkwood_crossover"].attrs["units"] == "1"
    flags = dict(zip(ds["model"].values, ds["has_kirkwood_crossover"].values))
    assert flags == {
        "debye": False,
        "dh-exclusion": True,
        "msa": True,
        "dressed-ion": True,
        "free-ion": False,
        "scaling": False,
    }
    for model, has, x, ck in zip(
        ds["model"].values,
        ds["has_kirkwood_crossover"].values,
        ds["kirkwood_crossover"].values,
        ds["kirkwood_concentration"].values,
    ):
        if has:
            assert np.isfinite(x) and np.isfinite(ck) and ck > 0
            # kappa_D sigma at c_K is the crossover value
            ks = nacl.contact_diameter * inverse_debye_length(nacl, ck)
            assert ks == pytest.approx(x, rel=1e-10)
            regimes = screening(nacl, np.array([0.97 * ck, 1.03 * ck]), str(model))["regime"].values
            assert list(regimes) == ["monotonic", "oscillatory"], model
        else:
            assert np.isnan(x) and np.isnan(ck)
            c = np.geomspace(1e-3, 1e4, 25)
            assert set(screening(nacl, c, str(model))["regime"].values) == {"monotonic"}, model


@pytest.mark.parametrize("models", [True, 1 + 1j, np.ones((2, 2)), 3])
def test_screening_curves_rejects_models_that_are_not_names(models):
    """#15: ``models=True`` raised TypeError ('bool' object is not iterable)."""
    with pytest.raises(ParameterError, match="models"):
        screening_curves(presets.get("NaCl(aq)"), 10.0, models)


def test_screening_curves_model_specific_outputs_are_nan_exactly_for_the_other_models():
    """#15: a variable one model defines (gamma_sigma of msa, dressed_charge_ratio of
    dressed-ion, free_fraction of free-ion, ...) is stacked as that model's values and NaN
    for every model that does not define it; every shared variable is finite."""
    nacl = presets.get("NaCl(aq)")
    c = np.array([1.0, 100.0, 1000.0])
    ds = screening_curves(nacl, c)
    singles = {str(m): screening(nacl, c, str(m)) for m in ds["model"].values}
    for var in ds.data_vars:
        if ds[var].dims != ("model", "concentration") or ds[var].dtype.kind != "f":
            continue
        for m, single in singles.items():
            row = ds[var].sel(model=m).values
            if var in single.data_vars:
                np.testing.assert_array_equal(row, single[var].values)
            else:
                assert np.all(np.isnan(row)), (var, m)
    for shared in ("decay_length", "debye_length", "kappa_sigma_debye"):
        assert np.all(np.isfinite(ds[shared].values)), shared


@pytest.mark.parametrize("options", [True, "msa", {"msa": 3}, {"msa": None}], ids=repr)
def test_screening_curves_options_must_be_mappings(options):
    """options=True raised TypeError from dict(True)."""
    with pytest.raises(ParameterError, match="options"):
        screening_curves(presets.get("NaCl(aq)"), 10.0, ["msa"], options=options)
