"""Hand electrolyte transport properties to PyBaMM cell models.

:func:`to_pybamm` turns a property Dataset over ``("concentration", "temperature")`` (the
output of ``theory.transport.properties``, a calibrated chain, or measured data such as
:func:`ionscales.fitting.measured.landesfeind2019`) into PyBaMM parameter functions of
``(c_e [mol/m^3], T [K])`` under PyBaMM's parameter names:

=============================  =======================================  ===============
Dataset variable               PyBaMM parameter                         units
=============================  =======================================  ===============
``conductivity``               ``Electrolyte conductivity [S.m-1]``     S/m
``salt_diffusivity``           ``Electrolyte diffusivity [m2.s-1]``     m^2/s
``transference_number``        ``Cation transference number``           1
``thermodynamic_factor``       ``Thermodynamic factor``                 1
=============================  =======================================  ===============

Each function is a PyBaMM ``Interpolant`` over the Dataset's grid: cubic (linear in a
direction with fewer than 4 points); 1-D in c when the Dataset has a single temperature. PyBaMM's Newman (DFN) model uses the molar thermodynamic
factor ``1 + d ln f / d ln c``; a molal one (``attrs["basis"] == "molal"``,
``1 + d ln gamma / d ln m``) is converted with ``TDF_c = TDF_m / (d ln c / d ln m)``, which
needs a ``molality`` variable over the same grid.

Outside the tabulated grid the arguments are clamped to its edges (a cell model may visit
c_e -> 0 or above the table during a discharge); the ranges are returned in
``result["_ionscales_ranges"]`` so a caller can check how far a simulation went. Choose
the grid to cover the concentrations the cell reaches.

PyBaMM is an optional dependency (``pip install 'ionscales[pybamm]'``).

References
----------
J. Newman & K. E. Thomas-Alyea, Electrochemical Systems, 3rd ed. (Wiley, 2004), ch. 12
(concentrated solution theory); V. Sulzer et al., J. Open Res. Softw. 9, 14 (2021),
doi:10.5334/jors.309 (PyBaMM).
"""

from __future__ import annotations

import numpy as np
import xarray as xr

from ionscales.errors import ParameterError

__all__ = ["to_pybamm", "PYBAMM_NAMES"]

PYBAMM_NAMES = {
    "conductivity": "Electrolyte conductivity [S.m-1]",
    "salt_diffusivity": "Electrolyte diffusivity [m2.s-1]",
    "transference_number": "Cation transference number",
    "thermodynamic_factor": "Thermodynamic factor",
}


def _molar_tdf(ds: xr.Dataset) -> np.ndarray:
    tdf = ds["thermodynamic_factor"]
    basis = tdf.attrs.get("basis", "molar")
    if basis == "molar":
        return tdf.transpose("concentration", "temperature").values
    if basis != "molal":
        raise ParameterError(
            "properties", f"thermodynamic_factor basis must be 'molar' or 'molal', not {basis!r}"
        )
    if "molality" not in ds:
        raise ParameterError(
            "properties",
            "a molal thermodynamic_factor needs a 'molality' variable to convert to the molar basis PyBaMM uses",
        )
    lnc = np.log(ds["concentration"].values)
    lnm = np.log(ds["molality"].transpose("concentration", "temperature").values)
    dlnm_dlnc = np.gradient(lnm, lnc, axis=0, edge_order=2)
    return tdf.transpose("concentration", "temperature").values * dlnm_dlnc


def to_pybamm(properties: xr.Dataset) -> dict:
    """PyBaMM parameter functions of (c_e, T) from a property Dataset.

    Parameters
    ----------
    properties : xarray.Dataset
        Over ``"concentration"`` [mol/m^3] (at least 4 increasing values) and optionally
        ``"temperature"`` [K]; holding any of ``conductivity`` [S/m], ``salt_diffusivity``
        [m^2/s], ``transference_number``, ``thermodynamic_factor`` (see module docstring).

    Returns
    -------
    dict
        PyBaMM parameter name -> function ``(c_e, T) -> pybamm.Symbol``, ready for
        ``pybamm.ParameterValues.update``; plus ``"_ionscales_ranges"`` (not a PyBaMM
        parameter: pop it before updating) with the tabulated ranges.

    Raises
    ------
    ParameterError
        Not a Dataset, no known variable, too few or non-increasing concentrations,
        non-finite values, non-positive conductivity or diffusivity.
    """
    import pybamm

    if not isinstance(properties, xr.Dataset):
        raise ParameterError(
            "properties",
            "must be an xarray.Dataset over concentration (and temperature)",
            type(properties).__name__,
        )
    names = [n for n in PYBAMM_NAMES if n in properties]
    if not names:
        raise ParameterError("properties", f"holds none of {', '.join(PYBAMM_NAMES)}")
    ds = properties
    if "temperature" not in ds.dims:
        ds = ds.expand_dims(temperature=[float(ds.attrs.get("temperature", 298.15))])
    c = np.asarray(ds["concentration"].values, dtype=float)
    t = np.asarray(ds["temperature"].values, dtype=float)
    if c.ndim != 1 or c.size < 4 or np.any(np.diff(c) <= 0) or np.any(c <= 0):
        raise ParameterError(
            "properties",
            "concentration must hold >= 4 increasing positive values [mol/m^3]",
            c.size,
        )
    if t.size > 1 and np.any(np.diff(t) <= 0):
        raise ParameterError("properties", "temperature must be increasing [K]", t)

    out: dict = {}
    for name in names:
        values = (
            _molar_tdf(ds)
            if name == "thermodynamic_factor"
            else (ds[name].transpose("concentration", "temperature").values.astype(float))
        )
        if not np.all(np.isfinite(values)):
            raise ParameterError("properties", f"{name} has non-finite values")
        if name in ("conductivity", "salt_diffusivity") and np.any(values <= 0):
            raise ParameterError("properties", f"{name} must be > 0 everywhere on the grid")
        out[PYBAMM_NAMES[name]] = _function(pybamm, name, c, t, values)
    out["_ionscales_ranges"] = {
        "concentration": (float(c[0]), float(c[-1])),
        "temperature": (float(t[0]), float(t[-1])),
    }
    return out


def _function(pybamm, name, c, t, values):
    c_lo, c_hi = float(c[0]), float(c[-1])
    t_lo, t_hi = float(t[0]), float(t[-1])
    label = f"ionscales_{name}"

    if t.size == 1:
        column = values[:, 0]

        def func(c_e, T):  # noqa: N803 (PyBaMM's argument name)
            cc = pybamm.maximum(pybamm.minimum(c_e, c_hi), c_lo)
            return pybamm.Interpolant(c, column, cc, name=label, interpolator="cubic")

    else:
        method = "cubic" if t.size >= 4 else "linear"

        def func(c_e, T):  # noqa: N803
            cc = pybamm.maximum(pybamm.minimum(c_e, c_hi), c_lo)
            tt = pybamm.maximum(pybamm.minimum(T, t_hi), t_lo)
            return pybamm.Interpolant((c, t), values, (cc, tt), name=label, interpolator=method)

    func.__name__ = f"ionscales_{name}"
    return func
