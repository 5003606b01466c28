"""Measured electrolyte property correlations as labelled Datasets (calibration data).

PyBaMM ships published fits to measured transport properties of LiPF6 electrolytes as
parameter functions of (c_e [mol/m^3], T [K]). This module evaluates them, only inside the
measured ranges, and returns ``xarray.Dataset``\\ s over ``("concentration", "temperature")``
in the vocabulary :func:`ionscales.fitting.fit_transport` takes:

- :func:`landesfeind2019` — LiPF6 in EC:EMC 3:7 (w:w): conductivity, salt diffusivity,
  transference number t+^0 and thermodynamic factor versus c and T (PyBaMM parameter set
  ``ORegan2022``).
- :func:`nyman2008` — LiPF6 in EC:EMC 3:7: conductivity and salt diffusivity versus c at room
  temperature (PyBaMM parameter set ``Chen2020``; the correlation has no T dependence).

PyBaMM is an optional dependency (``pip install 'ionscales[pybamm]'``).

Provenance
----------
The functions are PyBaMM's transcriptions of the published fits (PyBaMM >= 24, modules
``pybamm.input.parameters.lithium_ion.ORegan2022`` and ``...Chen2020``); they are evaluated,
not copied. The ranges below are those of the measurements the fits were made to, as stated
in the project's reference notes for Landesfeind & Gasteiger (about 0.1–2 mol/L, -10..50 C);
outside them the polynomial fits extrapolate badly (the TDF polynomial turns negative), so
requests outside raise :class:`~ionscales.errors.ParameterError`.

References
----------
J. Landesfeind & H. A. Gasteiger, J. Electrochem. Soc. 166, A3079 (2019),
doi:10.1149/2.0571912jes. A. Nyman, M. Behm & G. Lindbergh, Electrochim. Acta 53, 6356
(2008). K. O'Regan et al., Electrochim. Acta (2022) (PyBaMM's ORegan2022 parameter set);
C.-H. Chen et al., J. Electrochem. Soc. 167, 080534 (2020) (PyBaMM's Chen2020 set).
"""

from __future__ import annotations

import importlib

import numpy as np
import xarray as xr

from ionscales.errors import ParameterError
from ionscales.results import make_dataset
from ionscales.validation import as_float_array

__all__ = ["landesfeind2019", "nyman2008", "LANDESFEIND2019_RANGE", "NYMAN2008_RANGE"]

#: measured ranges: concentration [mol/m^3], temperature [K]
LANDESFEIND2019_RANGE = {"concentration": (100.0, 2000.0), "temperature": (263.15, 323.15)}
#: Nyman et al. measured at room temperature; the fit has no temperature dependence
NYMAN2008_RANGE = {"concentration": (200.0, 2000.0), "temperature": (293.15, 303.15)}

_LANDESFEIND = {
    "conductivity": "electrolyte_conductivity_EC_EMC_3_7_Landesfeind2019",
    "salt_diffusivity": "electrolyte_diffusivity_EC_EMC_3_7_Landesfeind2019",
    "transference_number": "electrolyte_transference_number_EC_EMC_3_7_Landesfeind2019",
    "thermodynamic_factor": "electrolyte_TDF_EC_EMC_3_7_Landesfeind2019",
}
_NYMAN = {
    "conductivity": "electrolyte_conductivity_Nyman2008",
    "salt_diffusivity": "electrolyte_diffusivity_Nyman2008",
}
_LABELS = {
    "conductivity": ("S/m", "ionic conductivity"),
    "salt_diffusivity": ("m^2/s", "salt diffusion coefficient (solvent-velocity reference)"),
    "transference_number": ("1", "cation transference number t+^0 (solvent-velocity reference)"),
    "thermodynamic_factor": (
        "1",
        "thermodynamic factor 1 + d ln f / d ln c (as fitted by the source)",
    ),
}


def _pybamm_module(name: str):
    try:
        import pybamm  # noqa: F401
    except ImportError as exc:  # pragma: no cover - exercised only without the extra
        raise ParameterError(
            "pybamm", "measured LiPF6 data need PyBaMM: pip install 'ionscales[pybamm]'"
        ) from exc
    return importlib.import_module(f"pybamm.input.parameters.lithium_ion.{name}")


def _grid(concentration, temperature, ranges, source):
    c = np.atleast_1d(as_float_array("concentration", concentration))
    t = np.atleast_1d(as_float_array("temperature", temperature))
    if c.ndim != 1 or t.ndim != 1 or c.size == 0 or t.size == 0:
        raise ParameterError(
            "concentration", "concentration and temperature must be non-empty 1-D arrays"
        )
    for name, values in (("concentration", c), ("temperature", t)):
        lo, hi = ranges[name]
        if np.any(values < lo - 1e-9) or np.any(values > hi + 1e-9):
            unit = "mol/m^3" if name == "concentration" else "K"
            raise ParameterError(
                name,
                f"outside the measured range of {source} [{lo:g}, {hi:g}] {unit}; the fitted "
                f"correlation is not data there",
                values,
            )
    return c, t


def _evaluate(func, c, t):
    import pybamm

    cc, tt = np.meshgrid(c, t, indexing="ij")
    out = func(pybamm.Array(cc.ravel()), pybamm.Array(tt.ravel()))
    value = out.evaluate() if hasattr(out, "evaluate") else out
    return np.asarray(value, dtype=float).reshape(cc.shape)


def _dataset(values, c, t, source, reference):
    data_vars = {
        name: (("concentration", "temperature"), v, *_LABELS[name]) for name, v in values.items()
    }
    return make_dataset(
        data_vars,
        {
            "concentration": ("concentration", c, "mol/m^3", "salt concentration (molarity)"),
            "temperature": ("temperature", t, "K", "temperature"),
        },
        model="measured-correlation",
        attrs={
            "source": source,
            "references": reference,
            "provenance": "evaluated from PyBaMM's parameter functions inside the measured range",
        },
    )


def landesfeind2019(concentration, temperature) -> xr.Dataset:
    """LiPF6 in EC:EMC 3:7 (w:w): measured-property correlations of Landesfeind & Gasteiger.

    Parameters
    ----------
    concentration : array_like
        Salt concentrations [mol/m^3] in [100, 2000].
    temperature : array_like
        Temperatures [K] in [263.15, 323.15].

    Returns
    -------
    xarray.Dataset
        Over ``("concentration", "temperature")``: ``conductivity`` [S/m],
        ``salt_diffusivity`` [m^2/s], ``transference_number`` and ``thermodynamic_factor``.
    """
    c, t = _grid(
        concentration, temperature, LANDESFEIND2019_RANGE, "Landesfeind & Gasteiger (2019)"
    )
    mod = _pybamm_module("ORegan2022")
    values = {name: _evaluate(getattr(mod, fname), c, t) for name, fname in _LANDESFEIND.items()}
    return _dataset(
        values,
        c,
        t,
        "Landesfeind & Gasteiger 2019, LiPF6 in EC:EMC 3:7 (w:w)",
        "doi:10.1149/2.0571912jes",
    )


def nyman2008(concentration, temperature=298.15) -> xr.Dataset:
    """LiPF6 in EC:EMC 3:7: conductivity and salt diffusivity of Nyman, Behm & Lindbergh.

    Parameters
    ----------
    concentration : array_like
        Salt concentrations [mol/m^3] in [200, 2000].
    temperature : array_like, optional
        Temperatures [K] in [293.15, 303.15] (room temperature; the fit has no T dependence).

    Returns
    -------
    xarray.Dataset
        Over ``("concentration", "temperature")``: ``conductivity`` [S/m], ``salt_diffusivity``
        [m^2/s].
    """
    c, t = _grid(concentration, temperature, NYMAN2008_RANGE, "Nyman et al. (2008)")
    mod = _pybamm_module("Chen2020")
    values = {name: _evaluate(getattr(mod, fname), c, t) for name, fname in _NYMAN.items()}
    return _dataset(
        values,
        c,
        t,
        "Nyman, Behm & Lindbergh 2008, LiPF6 in EC:EMC 3:7",
        "A. Nyman, M. Behm, G. Lindbergh, Electrochim. Acta 53, 6356 (2008)",
    )
