"""continuum.surface_force_curve / slit_capacitance and the one Derjaguin formula (#15, #13)."""

from __future__ import annotations

import math

import numpy as np
import pytest

from ionscales import continuum
from ionscales.continuum import forces
from ionscales.errors import ParameterError, ValidityWarning
from ionscales.fitting.surface_force import surface_force_model
from ionscales.theory import plates


def test_separations_typed_in_nm_warn_and_are_refused_not_overflowed(nacl):
    # [1, 2, 5] "nm" are 1-5 m: an OverflowError in the slit mesh before
    with (
        pytest.warns(ValidityWarning, match="separation = 1 m"),
        pytest.raises(ParameterError, match="^separation: must be at most 1000 Debye lengths"),
    ):
        continuum.surface_force_curve(nacl, 10.0, [1.0, 2.0, 5.0], potential=0.05)
    # the exact PB route is fine that far: the double layers do not overlap, F/R = 0
    with pytest.warns(ValidityWarning, match="separation"):
        ds = continuum.surface_force_curve(
            nacl, 10.0, [1.0, 2.0, 5.0], potential=0.05, method="exact"
        )
    assert np.all(ds["force_over_radius"].values == 0.0)


@pytest.mark.parametrize(
    ("kwargs", "parameter"),
    [
        (dict(concentration="10mM"), "concentration"),
        (dict(concentration=True), "concentration"),
        (dict(separation=np.ones((2, 2)) * 1e-9), "separation"),
        (dict(separation=[]), "separation"),
        (dict(separation=[1e-9 + 0j]), "separation"),
        (dict(separation=[0.0, 1e-9]), "separation"),
    ],
)
def test_surface_force_curve_bad_input(nacl, kwargs, parameter):
    args = dict(concentration=10.0, separation=[2e-9, 4e-9], potential=0.05, method="exact")
    args.update(kwargs)
    with pytest.raises(ParameterError, match=f"^{parameter}: "):
        continuum.surface_force_curve(nacl, **args)


def test_one_derjaguin_formula_everywhere(nacl):
    """F/R = 2 pi W: the curve, derjaguin_force and the weak-overlap limit of the fit model
    (F/R -> 128 pi n0 kT gamma^2 lambda_D e^{-D/lambda_D}, Israelachvili 3rd ed.) agree."""
    ds = continuum.surface_force_curve(
        nacl, 100.0, np.linspace(8e-9, 12e-9, 3), potential=0.05, method="exact"
    )
    W = ds["interaction_energy"].values
    np.testing.assert_array_equal(ds["force_over_radius"].values, 2 * math.pi * W)
    np.testing.assert_allclose(
        plates.derjaguin_force(W, "crossed-cylinders", radius=1e-2) / 1e-2,
        ds["force_over_radius"].values,
        rtol=1e-15,
    )
    np.testing.assert_allclose(
        plates.derjaguin_force(W, "sphere-sphere", radius=1e-2) / 0.5e-2,
        ds["force_over_radius"].values,
        rtol=1e-15,
    )
    from ionscales import constants

    lam = float(ds["debye_length"])
    kT = constants.boltzmann * nacl.temperature
    gamma = math.tanh(constants.elementary_charge * 0.05 / (4 * kT))
    amplitude = 128 * math.pi * 100.0 * constants.avogadro * kT * gamma**2 * lam
    tail = surface_force_model(ds["separation"].values, decay_length=lam, amplitude=amplitude)
    # kappa D = 8..12: the weak-overlap form is exact to O(e^{-kappa D}) ~ 3e-4
    np.testing.assert_allclose(ds["force_over_radius"].values, tail, rtol=2e-3)


def test_derjaguin_force_checks_its_geometry():
    with pytest.raises(ParameterError, match="^radii"):
        plates.derjaguin_force(1e-3, "sphere-sphere", radii=[1e-3, 2e-3, 3e-3])
    with pytest.raises(ParameterError, match="^angle"):
        plates.derjaguin_force(1e-3, "crossed-cylinders", radius=1e-3, angle=0.0)
    with pytest.raises(ParameterError, match="^interaction_energy"):
        plates.force_over_radius("1e-3")


def test_slit_capacitance_bad_input(nacl):
    with pytest.raises(ParameterError, match="^width"):
        forces.slit_capacitance(nacl, 100.0, np.ones((2, 2)) * 1e-8)
    with pytest.raises(ParameterError, match="^voltage"):
        forces.slit_capacitance(nacl, 100.0, [1e-8], voltage=[0.1, 0.2])
