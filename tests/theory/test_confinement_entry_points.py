"""Bad and extreme inputs of theory.confinement and theory.plates (#15): a ParameterError
naming the parameter and its range, a ValidityWarning for implausible values, never an
OverflowError, ZeroDivisionError or a brentq ValueError."""

from __future__ import annotations

import math

import numpy as np
import pytest

from ionscales import constants
from ionscales.errors import ParameterError, ValidityWarning
from ionscales.theory import confinement as cf
from ionscales.theory import plates
from ionscales.units import nm


@pytest.mark.parametrize(
    ("kwargs", "parameter"),
    [
        (dict(width=1e300, ion_diameter=0.5 * nm), "width"),
        (dict(width=1e-9, ion_diameter=1e-300), "ion_diameter"),
        (dict(width=0.6 * nm, ion_diameter=0.5 * nm, temperature=True), "temperature"),
        (dict(width="0.6e-9", ion_diameter=0.5 * nm), "width"),
        (dict(width=0.6 * nm, ion_diameter=0.5 * nm, permittivity=-2.0), "permittivity"),
        (dict(width=np.array([0.6, 0.7]) * nm, ion_diameter=0.5 * nm), "width"),
    ],
)
def test_slit_pore_rejects_bad_input_with_a_parameter_error(kwargs, parameter):
    with pytest.raises(ParameterError, match=f"^{parameter}: ") as info:
        cf.SlitPore(**kwargs)
    assert "\n" not in str(info.value)


def test_slit_pore_far_outside_the_single_layer_range_is_refused_not_overflowed():
    with pytest.raises(ParameterError, match="at most 1000 ion diameters"):
        cf.SlitPore(width=2e-6, ion_diameter=0.5 * nm)
    with pytest.warns(ValidityWarning, match="single-layer"):
        pore = cf.SlitPore(width=5 * nm, ion_diameter=0.5 * nm)  # extrapolation, flagged
    assert np.all(np.isfinite(pore.charge([0.0, 0.5])["capacitance"]))
    with pytest.warns(ValidityWarning, match="ion_diameter = 3.6e-08 m"):  # 36 nm: unit slip
        cf.SlitPore(width=40 * nm, ion_diameter=36 * nm)


def test_sheet_factor_small_delta_branch_is_continuous_and_has_the_parallel_plate_limit():
    # a(0) = 1 (parallel plates); the small-delta expansion meets the K1 series at the switch
    assert cf.sheet_coupling_factor(1e-300) == 1.0
    below, above = cf.sheet_coupling_factor([0.999999e-4, 1.000001e-4])
    assert abs(below - above) < 1e-9  # slope -2 times the 2e-10 gap, plus < 1e-11 truncation
    a = cf.sheet_coupling_factor(1e-6)
    assert a == pytest.approx(1 - 2e-6, abs=1e-11)


def test_single_file_pore_needs_the_ion_to_fit():
    # R = 0.1 nm < d/2 = 0.25 nm gave a capacitance of 13 F/m^2
    with pytest.raises(ParameterError, match="^radius: must be larger than ion_diameter / 2"):
        cf.SingleFilePore(radius=0.1 * nm, ion_diameter=0.5 * nm)
    with pytest.warns(ValidityWarning, match="single-file"):
        cf.SingleFilePore(radius=0.6 * nm, ion_diameter=0.5 * nm)
    pore = cf.SingleFilePore(radius=0.4 * nm, ion_diameter=0.5 * nm)
    cap = pore.charge([0.0, 0.1])["capacitance"].values
    assert np.all(np.isfinite(cap)) and np.all(cap > 0) and np.all(cap < 1.0)  # < 100 uF/cm^2


def test_transfer_matrix_coupling_must_be_nonnegative():
    with pytest.raises(ParameterError, match="^coupling: must be >= 0"):
        cf.transfer_matrix_chain(0.0, coupling=-1.0, ionophobicity=0.0)
    with pytest.raises(ParameterError, match="^step"):
        cf.transfer_matrix_chain(0.0, coupling=1.0, ionophobicity=0.0, step=0.0)
    # J = 0 stays allowed: the Langmuir limit <s> = -2h sinh v / (1 + 2h cosh v), h = e^-w
    v, w = 0.7, 0.3
    h = math.exp(-w)
    got = cf.transfer_matrix_chain(v, coupling=0.0, ionophobicity=w)["mean_charge"]
    assert float(got) == pytest.approx(
        -2 * h * math.sinh(v) / (1 + 2 * h * math.cosh(v)), rel=1e-10
    )


def test_plate_pressure_at_contact_is_the_exact_limit(nacl):
    """[0, 5 nm] raised a brentq ValueError. At D = 0 (constant potential) the midplane sits at
    the wall potential and Pi = 2 n0 kT (cosh phi0 - 1) (contact value of the midplane route)."""
    c, psi = 100.0, 0.05
    pressure = plates.plate_pressure([0.0, 5e-9], nacl, c, potential=psi)
    kT = constants.boltzmann * nacl.temperature
    phi0 = constants.elementary_charge * psi / kT
    n0 = c * constants.avogadro
    assert pressure[0] == pytest.approx(2 * n0 * kT * (math.cosh(phi0) - 1), rel=1e-12)
    assert 0 < pressure[1] < pressure[0]
    # tiny but nonzero separations approach the same limit (no bracket failure)
    tiny = plates.plate_pressure([1e-20, 1e-30], nacl, c, potential=psi)
    np.testing.assert_allclose(tiny, pressure[0], rtol=1e-9)
    with pytest.raises(ParameterError, match="^separation: must be > 0 m for constant-charge"):
        plates.plate_pressure([0.0, 5e-9], nacl, c, surface_charge=0.01)


def test_plate_potentials_beyond_the_boltzmann_range_are_refused(nacl):
    with (
        pytest.warns(ValidityWarning, match="potential"),
        pytest.raises(ParameterError, match="^potential: must satisfy"),
    ):
        plates.plate_pressure(1e-9, nacl, 100.0, potential=100.0)
    for bad in ("0.1", True, None):
        with pytest.raises(ParameterError, match="potential"):
            plates.linear_plate_pressure(1e-9, nacl, 100.0, potential=bad)


def test_linear_plate_energy_wide_gaps_decay_without_overflow(nacl):
    kappa_d = np.array([1.0, 50.0, 2000.0])
    from ionscales.theory import debye_length

    lam = float(debye_length(nacl, 100.0))
    D = kappa_d * lam
    w_psi = plates.linear_plate_energy(D, nacl, 100.0, potential=0.01)
    w_sig = plates.linear_plate_energy(D, nacl, 100.0, surface_charge=0.001)
    eps = constants.vacuum_permittivity * nacl.permittivity
    kappa = 1 / lam
    # the closed forms with tanh / coth where they do not cancel (kappa D = 1)
    assert w_psi[0] == pytest.approx(eps * kappa * 0.01**2 * (1 - math.tanh(0.5)), rel=1e-12)
    assert w_sig[0] == pytest.approx(0.001**2 / (eps * kappa) * (1 / math.tanh(0.5) - 1), rel=1e-12)
    # weak overlap: 2 e^{-kappa D} relative to the prefactor, down to an exact 0 at 2000
    assert w_psi[1] == pytest.approx(eps * kappa * 0.01**2 * 2 * math.exp(-50.0), rel=1e-12)
    assert w_psi[2] == 0.0 and w_sig[2] == 0.0
    p_psi = plates.linear_plate_pressure(D, nacl, 100.0, potential=0.01)
    p_sig = plates.linear_plate_pressure(D, nacl, 100.0, surface_charge=0.001)
    assert p_psi[0] == pytest.approx(eps * kappa**2 * 0.01**2 / 2 / math.cosh(0.5) ** 2, rel=1e-12)
    assert p_sig[0] == pytest.approx(0.001**2 / (2 * eps * math.sinh(0.5) ** 2), rel=1e-12)
    assert p_psi[2] == 0.0 and p_sig[2] == 0.0


@pytest.mark.parametrize(
    "wall",
    [
        {"potential": 1e-38},
        {"potential": 1e-9},
        {"potential": 2.5e-6},
        {"surface_charge": 1e-38},
        {"surface_charge": 1e-12},
        {"surface_charge": 1e-9},
    ],
)
def test_weak_walls_reach_the_debye_huckel_limit(nacl, wall):
    """Tiny wall potentials / charges: exact PB -> linearised PB, relative error O(phi0^2).
    Before: a brentq NaN (1e-38 V), 'math domain error' (1e-38 and 1e-12 C/m^2), a pressure of
    exactly 0 (cosh(phi_m) - 1 cancelled at 1e-9 V, D = 100 nm) and 0.4 % off (1e-12 C/m^2 at
    D = 1 pm, where sin(theta0) = exp(-delta/2) rounded to 1)."""
    from ionscales.theory import debye_length

    c = 1.0
    D = np.array([1e-7, 1e-9, 1e-12])
    eps = constants.vacuum_permittivity * nacl.permittivity
    kappa = 1 / float(debye_length(nacl, c))
    kT = constants.boltzmann * nacl.temperature
    got = plates.plate_pressure(D, nacl, c, **wall)
    if "potential" in wall:
        psi = wall["potential"]
        linear = eps * kappa**2 * psi**2 / 2 / np.cosh(kappa * D / 2) ** 2
        phi0 = np.full(D.shape, constants.elementary_charge * psi / kT)
    else:
        sigma = wall["surface_charge"]
        linear = sigma**2 / (2 * eps * np.sinh(kappa * D / 2) ** 2)
        s = constants.elementary_charge * sigma / (eps * kT * kappa)
        phi0 = s / np.tanh(kappa * D / 2)
    # nonlinear corrections are O(phi0^2) (phi0 <= 0.01 here) on top of rounding
    np.testing.assert_allclose(got, linear, rtol=1e-12 + np.max(phi0) ** 2)
    assert np.max(phi0) < 0.02
