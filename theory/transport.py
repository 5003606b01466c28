"""Transport of an ideal mixture of charge carriers (free ions and ion clusters).

Every carrier c (a cluster species of :meth:`effective_carriers`, with net valence z_c,
concentration c_c [mol/m^3] and diffusivity D_c [m^2/s]) drifts independently with
mobility D_c / kT (Nernst–Einstein for clusters; no cross-correlations between different
clusters). The gel (percolating network) is immobile.

    sigma   = (F^2 / RT) sum_c z_c^2 D_c c_c
    t_+     = sum_c l_c z_c D_c c_c / sum_c z_c^2 D_c c_c      (l_c cations in carrier c)
    z_eff+  = sum_c l_c z_c D_c c_c / sum_c l_c D_c c_c         (mobility-weighted charge)
    sigma_NE = (F^2 / RT) sum_i z_i^2 c_i D_i*,  c_i D_i* = sum_c n_i,c D_c c_c   (all ions i)

D* are the self-diffusivities the carriers imply (ions in the gel count with D = 0) and
1 - sigma/sigma_NE is the Nernst–Einstein deviation ("ionicity" sigma/sigma_NE).

References
----------
M. McEldrew, Z.A.H. Goodwin, H. Zhao, M.Z. Bazant, A.A. Kornyshev, "Correlated ion
transport and the gel phase in room temperature ionic liquids", J. Phys. Chem. B 125, 2677
(2021), arXiv:2010.02091.
"""

from __future__ import annotations

import numpy as np
import xarray as xr

from ionscales.constants import faraday, gas_constant
from ionscales.electrolyte import Electrolyte
from ionscales.errors import ParameterError
from ionscales.theory.aggregation.kernels import mobility_weighted_charge
from ionscales.validation import as_float_array, check_concentration

__all__ = [
    "nernst_einstein_conductivity",
    "cluster_conductivity",
    "transference_number",
    "nernst_einstein_deviation",
    "effective_cation_charge",
]


def nernst_einstein_conductivity(electrolyte: Electrolyte, concentration, *, free_fraction=1.0,
                                 diffusivities=None, temperature=None):
    """Nernst–Einstein conductivity of the free ions [S/m].

    sigma = (F^2/RT) sum_i z_i^2 nu_i c alpha_i D_i.

    Parameters
    ----------
    electrolyte : Electrolyte
    concentration : float or array_like
        Salt molarity [mol/m^3], >= 0.
    free_fraction : float, array_like or aggregation model
        Free fraction alpha_i in [0, 1] (all ions, or shape (n_c, n_species)), or any object
        with ``free_fractions(electrolyte, concentration)`` (e.g. an aggregation model).
    diffusivities : array_like, optional
        [m^2/s] per species (default: the ions' infinite-dilution diffusivities).
    temperature : float, optional
        [K], finite and > 0 (default: the electrolyte's).
    """
    c = np.atleast_1d(check_concentration(concentration))
    scalar = np.ndim(concentration) == 0
    if hasattr(free_fraction, "free_fractions"):
        alpha = np.asarray(free_fraction.free_fractions(electrolyte, c), float)
    else:
        alpha = as_float_array("free_fraction", free_fraction)
        if np.any((alpha < 0) | (alpha > 1)):
            raise ParameterError("free_fraction", "must lie in [0, 1]", free_fraction)
        alpha = alpha.reshape(-1, 1) if alpha.ndim == 1 else alpha
    d = electrolyte.diffusivities if diffusivities is None else as_float_array("diffusivities", diffusivities)
    if np.any(~np.isfinite(d)):
        raise ParameterError("diffusivities", "unknown for some ions; pass diffusivities= [m^2/s]", d)
    temp = electrolyte.temperature if temperature is None else _check_temperature(temperature)
    z, nu = electrolyte.charges, electrolyte.nu
    sigma = faraday**2 / (gas_constant * temp) * np.sum(z**2 * nu * d * alpha * c[:, None], axis=-1)
    return float(sigma[0]) if scalar else sigma


def _check_temperature(temperature) -> float:
    if isinstance(temperature, bool) or not isinstance(temperature, (int, float, np.integer, np.floating)) \
            or not (np.isfinite(temperature) and temperature > 0):
        raise ParameterError("temperature", "must be a finite number > 0 [K]", temperature)
    return float(temperature)


def _carrier_arrays(carriers: xr.Dataset):
    needed = ("carrier_charge", "carrier_concentration", "carrier_diffusivity")
    if not isinstance(carriers, xr.Dataset) or any(k not in carriers for k in needed):
        raise ParameterError("carriers", f"must be an effective-carriers Dataset with {', '.join(needed)}")
    z = carriers["carrier_charge"].values.astype(float)
    c = carriers["carrier_concentration"].values.astype(float)
    d = carriers["carrier_diffusivity"].values.astype(float)
    l = carriers["n_cation"].values.astype(float)
    m = carriers["n_anion"].values.astype(float)
    return z, c, d, l, m


def _inert_counts(carriers: xr.Dataset) -> np.ndarray:
    """Inert (ionic-liquid) cations per carrier (0 where the carriers do not record them)."""
    if "n_inert" in carriers.coords:
        return carriers["n_inert"].values.astype(float)
    return np.zeros(carriers.sizes["carrier"])


def _temperature(carriers, temperature):
    if temperature is not None:
        return _check_temperature(temperature)
    if "temperature" in carriers.attrs:
        return float(carriers.attrs["temperature"])
    raise ParameterError("temperature", "not recorded in the carriers; pass temperature= [K]")


def cluster_conductivity(carriers: xr.Dataset, *, temperature=None) -> float:
    """Conductivity of the ideal cluster mixture, (F^2/RT) sum z_c^2 D_c c_c [S/m].

    Parameters
    ----------
    carriers : xarray.Dataset
        From ``model.effective_carriers(...)``.
    temperature : float, optional
        [K] (default: ``carriers.attrs["temperature"]``).
    """
    z, c, d, _, _ = _carrier_arrays(carriers)
    temp = _temperature(carriers, temperature)
    return float(faraday**2 / (gas_constant * temp) * np.sum(z**2 * d * c))


def transference_number(carriers: xr.Dataset, species: str = "cation") -> float:
    """Transference number of the associating cation, the anion or the inert IL cation [1].

    t_i = sum_c n_i,c z_i z_c D_c c_c / sum_c z_c^2 D_c c_c with n_i,c ions i in carrier c:
    since z_c = sum_i n_i,c z_i, the transference numbers of all ion species sum to 1
    (t_+ + t_- = 1 for the two associating ions alone; t_+ + t_- + t_inert = 1 for a salt in
    an ionic liquid). Can be negative (cations carried backwards in anionic clusters).

    Parameters
    ----------
    carriers : xarray.Dataset
        From ``model.effective_carriers(...)``.
    species : {"cation", "anion", "inert"}
    """
    z, c, d, l, m = _carrier_arrays(carriers)
    denominator = np.sum(z**2 * d * c)
    if denominator <= 0:
        raise ParameterError("carriers", "no charged carriers")
    if species == "cation":
        z_ion = 1.0 if "cation_charge" not in carriers.attrs else float(carriers.attrs["cation_charge"])
        return float(np.sum(l * z_ion * z * d * c) / denominator)
    if species == "anion":
        z_ion = -1.0 if "anion_charge" not in carriers.attrs else float(carriers.attrs["anion_charge"])
        return float(np.sum(m * z_ion * z * d * c) / denominator)
    if species == "inert":
        n_i = _inert_counts(carriers)
        z_ion = float(carriers.attrs.get("inert_charge", 1.0))
        return float(np.sum(n_i * z_ion * z * d * c) / denominator)
    raise ParameterError("species", "must be 'cation', 'anion' or 'inert'", species)


def effective_cation_charge(carriers: xr.Dataset) -> float:
    """Mobility-weighted charge of the clusters that carry the cation, sum l z D c / sum l D c [1]
    (:func:`ionscales.theory.aggregation.mobility_weighted_charge`, the one definition)."""
    z, c, d, l, _ = _carrier_arrays(carriers)
    if not np.sum(l * d * c) > 0:
        raise ParameterError("carriers", "no mobile cations")
    return float(mobility_weighted_charge(l, z, d, c))


def nernst_einstein_deviation(carriers: xr.Dataset, *, temperature=None) -> float:
    """1 - sigma / sigma_NE for the ideal cluster mixture [1].

    sigma and sigma_NE run over the same ions: sigma_NE = (F^2/RT) sum_i z_i^2 c_i D_i* over
    every ion species of the carriers (associating cation, anion and, for a salt in an
    ionic liquid, the inert IL cation), with the self-diffusivities the carriers imply,
    c_i D_i* = sum_c n_i,c D_c c_c (ions in the gel count with D = 0), and the valences
    recorded in the carriers' attrs (+1/-1 otherwise). Zero when every carrier is a single
    ion.
    """
    z, c, d, l, m = _carrier_arrays(carriers)
    n_i = _inert_counts(carriers)
    c_plus = float(carriers.attrs.get("cation_concentration_total", np.sum(l * c)))
    c_minus = float(carriers.attrs.get("anion_concentration_total", np.sum(m * c)))
    z_p = float(carriers.attrs.get("cation_charge", 1.0))
    z_m = float(carriers.attrs.get("anion_charge", -1.0))
    z_i = float(carriers.attrs.get("inert_charge", 1.0))
    temp = _temperature(carriers, temperature)
    pref = faraday**2 / (gas_constant * temp)
    ne = pref * (z_p**2 * np.sum(l * d * c) + z_m**2 * np.sum(m * d * c) + z_i**2 * np.sum(n_i * d * c))
    if c_plus <= 0 or c_minus <= 0 or ne <= 0:
        raise ParameterError("carriers", "need mobile cations and anions")
    return float(1 - cluster_conductivity(carriers, temperature=temp) / ne)
