"""Continuum bridge: effective carriers, permittivity and BSK correlation length from theory."""

from __future__ import annotations

import numpy as np
import pytest
import xarray as xr

from ionscales import presets
from ionscales.constants import boltzmann, elementary_charge, vacuum_permittivity
from ionscales.continuum import HalfSpace, solve_pb
from ionscales.continuum.bridge import (
    correlation_length_from_screening,
    permittivity_from_theory,
    solver_inputs,
    species_from_carriers,
)
from ionscales.continuum.pb import bsk_decay_length
from ionscales.errors import ParameterError
from ionscales.units import nm


def _carriers(imbalance=0.0):
    """1:1 salt at 1 M with 20 % in neutral pairs and 5 % in charged triples (2+1- and 1+2-)."""
    labels = ["1+0-", "0+1-", "1+1-", "2+1-", "1+2-"]
    charge = [1, -1, 0, 1, -1]
    conc = [700.0, 700.0 * (1 + imbalance), 200.0, 50.0, 50.0]
    return xr.Dataset(
        {
            "carrier_charge": ("carrier", np.array(charge, dtype=float)),
            "carrier_concentration": ("carrier", np.array(conc)),
            "carrier_diameter": ("carrier", np.array([0.36, 0.36, 0.5, 0.6, 0.6]) * nm),
            "carrier_diffusivity": ("carrier", np.array([1.3e-9, 2.0e-9, 1.0e-9, 0.8e-9, 0.8e-9])),
        },
        coords={
            "carrier": labels,
            "n_cation": ("carrier", [1, 0, 1, 2, 1]),
            "n_anion": ("carrier", [0, 1, 1, 1, 2]),
        },
        attrs={"diffusivity_rule": "Stokes-Einstein"},
    )


def test_species_from_carriers_reproduces_concentrations():
    water = presets.get("NaCl(aq)").solvent
    electrolyte, c_ref = species_from_carriers(_carriers(), water)
    assert electrolyte.species == ["1+0-", "0+1-", "2+1-", "1+2-"]  # the neutral pair is dropped
    assert c_ref == pytest.approx(750.0)
    np.testing.assert_allclose(electrolyte.ion_concentrations(c_ref), [700.0, 700.0, 50.0, 50.0])
    assert np.sum(electrolyte.charges * electrolyte.nu) == pytest.approx(0.0, abs=1e-14)
    np.testing.assert_allclose(electrolyte.diffusivities, [1.3e-9, 2.0e-9, 0.8e-9, 0.8e-9])


def test_carriers_feed_the_solver():
    """Charged carriers as species: the PB wall charge follows the first integral for four species."""
    water = presets.get("NaCl(aq)").solvent
    kwargs = solver_inputs(carriers=_carriers(), solvent=water)
    ds = solve_pb(geometry=HalfSpace(), wall_potential=0.05, **kwargs)
    assert ds.sizes["species"] == 4
    assert float(ds.surface_charge_integrated) == pytest.approx(float(ds.surface_charge), rel=1e-7)
    # all carriers are monovalent, so the layer is a 1:1 layer at the total ionic strength 750 mM
    lam = float(ds.debye_length)
    vt = boltzmann * 298.15 / elementary_charge
    psi0 = 0.05 / vt
    unit = water.permittivity * vacuum_permittivity * vt / lam
    assert float(ds.surface_charge) / unit == pytest.approx(2 * np.sinh(psi0 / 2), rel=2e-4)


def test_non_neutral_carriers_rejected():
    water = presets.get("NaCl(aq)").solvent
    with pytest.raises(ParameterError, match="electroneutral"):
        species_from_carriers(_carriers(imbalance=1e-3), water)
    electrolyte, _ = species_from_carriers(_carriers(imbalance=1e-8), water)  # tiny: corrected
    assert np.sum(electrolyte.charges * electrolyte.nu) == pytest.approx(0.0, abs=1e-14)


def _bsk_pole(delta, lam):
    """Leading root k of delta^2 k^4 - k^2 + 1 = 0 as a screening result (decay, wavelength)."""
    d2 = delta**2
    k = np.sqrt((1 - np.sqrt(complex(1 - 4 * d2))) / (2 * d2))
    roots = [k, np.sqrt((1 + np.sqrt(complex(1 - 4 * d2))) / (2 * d2))]
    k = min(roots, key=lambda r: abs(r.real))
    decay = lam / abs(k.real)
    wavelength = 2 * np.pi * lam / abs(k.imag) if abs(k.imag) > 1e-12 else np.nan
    return xr.Dataset(
        {"decay_length": ((), decay), "wavelength": ((), wavelength), "debye_length": ((), lam)}
    )


@pytest.mark.parametrize("delta", [0.3, 0.5, 2.0, 10.0])
def test_correlation_length_recovers_bsk(delta):
    lam = 1e-9
    result = _bsk_pole(delta, lam)
    assert correlation_length_from_screening(result) == pytest.approx(delta * lam, rel=1e-9)
    assert float(result.decay_length) == pytest.approx(bsk_decay_length(delta) * lam, rel=1e-9)


def test_correlation_length_out_of_range():
    lam = 1e-9
    too_slow = xr.Dataset(
        {"decay_length": ((), 2 * lam), "wavelength": ((), np.nan), "debye_length": ((), lam)}
    )
    with pytest.raises(ParameterError, match="no BSK counterpart"):
        correlation_length_from_screening(too_slow)


def test_correlation_length_over_concentration():
    lam = np.array([1e-9, 0.5e-9])
    parts = [_bsk_pole(2.0, x) for x in lam]
    ds = xr.concat(parts, dim="concentration").assign_coords(concentration=[10.0, 40.0])
    assert correlation_length_from_screening(ds, 40.0) == pytest.approx(2.0 * 0.5e-9, rel=1e-9)
    with pytest.raises(ParameterError):
        correlation_length_from_screening(ds)


def test_permittivity_from_theory_is_local():
    """A local permittivity (uniform-solution eps_r(c) table, a callable, a decrement model)
    is accepted; a dressed-ion effective permittivity (a renormalisation of the bulk
    screening pole, not a local dielectric constant) is refused (#11.7)."""
    table = xr.DataArray(
        [78.4, 70.0, 60.0],
        dims="concentration",
        coords={"concentration": [0.0, 1000.0, 2000.0]},
        name="permittivity",
    )
    eps = permittivity_from_theory(xr.Dataset({"permittivity": table}))
    assert eps(500.0) == pytest.approx(74.2)
    assert eps(5000.0) == pytest.approx(60.0)
    assert permittivity_from_theory(40.0) == 40.0
    salt = presets.get("NaCl(aq)")
    ds = solve_pb(salt, 100.0, HalfSpace(), wall_potential=0.1, permittivity=eps)
    assert ds.attrs["converged"] == 1
    with pytest.raises(ParameterError):
        permittivity_from_theory(-1.0)
    dressed = table.rename("effective_permittivity")
    for bad in (dressed, xr.Dataset({"effective_permittivity": dressed})):
        with pytest.raises(ParameterError, match="not a local"):
            permittivity_from_theory(bad)

    class Linear:  # the call signature of a dielectric-decrement model: eps_r(c, eps_s)
        form = "linear"

        def __call__(self, c, eps_s):
            return eps_s - 0.011 * np.asarray(c)

        def derivative(self, c, eps_s):
            return -0.011 + 0 * np.asarray(c)

    local = permittivity_from_theory(Linear(), solvent_permittivity=78.4)
    assert float(local(1000.0)) == pytest.approx(78.4 - 11.0)
    with pytest.raises(ParameterError, match="solvent_permittivity"):
        permittivity_from_theory(Linear())
