"""Direct steady state of a closed blocking cell (ionscales.continuum.solve_closed_cell).

Anchors: the linear Debye–Hückel cell (symmetric z:z salt, psi'' = psi with
psi - lambda_S psi' = v/2 at x = 0 and antisymmetry, q = (v/2) cosh(L/2)/[sinh(L/2) +
lambda_S cosh(L/2)] in units eps kT/(e lambda_D), derived by hand; Bazant, Thornton &
Ajdari, PRE 70, 021506 (2004) for the blocking-cell setting), the steady state of the
transient PNP solver on the same mesh, conservation and Gauss's law, and the observed
order of convergence under uniform refinement.
"""

from __future__ import annotations

import numpy as np
import pytest

from ionscales import Electrolyte, Ion, Solvent
from ionscales.continuum import HalfSpace, Slit, solve_closed_cell, solve_pnp
from ionscales.continuum.pnp import pnp_scales
from ionscales.errors import ParameterError
from ionscales.results import check_labelled, open_dataset, to_netcdf
from ionscales.units import nm

WATER = Solvent("water", permittivity=78.4, temperature=298.15)
SALT = Electrolyte(
    cation=Ion("Na+", charge=1, diameter=0.36 * nm, diffusivity=1e-9),
    anion=Ion("Cl-", charge=-1, diameter=0.36 * nm, diffusivity=1e-9),
    solvent=WATER,
)
C0 = 10.0  # mol/m^3
SCALES = pnp_scales(SALT, C0)
LAMBDA, VT = SCALES["debye_length"], SCALES["thermal_voltage"]
UNIT = SCALES["permittivity"] * VT / LAMBDA  # eps kT/(e lambda_D) [C/m^2]


@pytest.mark.parametrize("stern", [0.0, 0.5])
def test_linear_debye_huckel_cell(stern):
    """Small voltage: the charge of the linear Debye–Hückel cell (closed form above)."""
    width, v = 5.0, 1e-4 / VT
    ds = solve_closed_cell(SALT, C0, Slit(width * LAMBDA), 1e-4, stern_length=stern * LAMBDA)
    exact = 0.5 * v * np.cosh(width / 2) / (np.sinh(width / 2) + stern * np.cosh(width / 2))
    assert float(ds.surface_charge[0]) / UNIT == pytest.approx(exact, rel=1e-4)
    # linear response: the differential capacitance is q/V in the linear regime
    assert float(ds.capacitance) * 1e-4 == pytest.approx(float(ds.surface_charge[0]), rel=1e-6)
    # profile: psi = -(v/2) sinh(x - L/2)/(sinh(L/2) + lambda_S cosh(L/2))
    x = ds.x.values / LAMBDA
    profile = -0.5 * v * np.sinh(x - width / 2) / (np.sinh(width / 2) + stern * np.cosh(width / 2))
    np.testing.assert_allclose(ds.potential.values / VT, profile, atol=2e-4 * v)


def test_second_order_convergence_on_uniform_meshes():
    """Nonlinear cell (0.2 V = 7.8 kT/e across 5 lambda_D, Stern layer lambda_D/4): the
    electrode charge converges with observed order >= 1.9 (Richardson, 40/80/160 cells)."""
    width = 5 * LAMBDA
    charges = []
    for cells in (40, 80, 160):
        ds = solve_closed_cell(
            SALT,
            C0,
            Slit(width, spacing=np.full(cells, width / cells)),
            0.2,
            stern_length=0.25 * LAMBDA,
            tolerance=1e-12,
        )
        charges.append(float(ds.surface_charge[0]))
    q = np.array(charges)
    order = np.log2((q[1] - q[0]) / (q[2] - q[1]))
    assert order >= 1.9, (q, order)


@pytest.mark.slow
def test_agrees_with_the_transient_pnp_steady_state():
    """The long-time state of solve_pnp (blocking, SG fluxes, same mesh) is this state."""
    width, cells = 5 * LAMBDA, 40
    geometry = Slit(width, spacing=np.full(cells, width / cells))
    direct = solve_closed_cell(SALT, C0, geometry, 0.05, tolerance=1e-12)
    tau = LAMBDA * (width / 2) / 1e-9
    transient = solve_pnp(
        SALT,
        C0,
        geometry,
        0.05,
        200 * tau,
        steady_state=True,
        steady_tolerance=1e-10,
        progress=False,
    )
    assert float(transient.surface_charge[-1]) == pytest.approx(
        float(direct.surface_charge[0]), rel=1e-6
    )
    np.testing.assert_allclose(
        transient.potential.values[-1], direct.potential.values, atol=1e-6 * 0.05
    )
    np.testing.assert_allclose(
        transient.ion_concentration.values[-1], direct.ion_concentration.values, rtol=1e-6
    )


def test_conservation_gauss_law_and_capacitance():
    """Asymmetric 2:1 salt with a Stern layer at 0.3 V: inventories equal the initial ones,
    the electrode charges are equal and opposite and equal the integrated space charge of
    each side (Gauss), and the capacitance is the derivative of the charge."""
    salt = Electrolyte(
        cation=Ion("Ca2+", charge=2, diameter=0.4 * nm),
        anion=Ion("Cl-", charge=-1, diameter=0.36 * nm),
        solvent=WATER,
    )
    width = 8e-9
    ds = solve_closed_cell(salt, C0, Slit(width), 0.3, stern_length=0.1e-9)
    np.testing.assert_allclose(ds.inventory.values, np.array([1.0, 2.0]) * C0 * width, rtol=1e-12)
    q = ds.surface_charge.values
    assert q[0] == pytest.approx(-q[1], rel=1e-9)
    total = float((ds.charge_density * ds.cell_width).sum())
    assert abs(total) < 1e-9 * abs(q[0])
    h = 1e-4
    up, down = (
        solve_closed_cell(salt, C0, Slit(width), 0.3 + s, stern_length=0.1e-9) for s in (h, -h)
    )
    slope = (float(up.surface_charge[0]) - float(down.surface_charge[0])) / (2 * h)
    assert float(ds.capacitance) == pytest.approx(slope, rel=1e-5)
    assert float(ds.ion_concentration.min()) > 0


def test_labelled_output_round_trips(tmp_path):
    ds = solve_closed_cell(SALT, C0, Slit(5 * LAMBDA), 0.05)
    check_labelled(ds)
    path = tmp_path / "cell.nc"
    to_netcdf(ds, path)
    back = open_dataset(path)
    np.testing.assert_allclose(back.potential.values, ds.potential.values)


def test_bad_inputs_raise_parameter_error():
    with pytest.raises(ParameterError, match="geometry"):
        solve_closed_cell(SALT, C0, HalfSpace(), 0.05)
    with pytest.raises(ParameterError, match="voltage"):
        solve_closed_cell(SALT, C0, Slit(5e-9), float("nan"))
    with pytest.raises(ParameterError, match="stern_length"):
        solve_closed_cell(SALT, C0, Slit(5e-9), 0.05, stern_length=-1e-9)
    with pytest.raises(ParameterError, match="limit"):
        solve_closed_cell(SALT, C0, Slit(5e-9), 0.05, refinement=100000)
    with pytest.raises(ParameterError, match="concentration"):
        solve_closed_cell(SALT, -1.0, Slit(5e-9), 0.05)
