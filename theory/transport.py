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
from ionscales.theory.transport_properties import TransportModel, ViscosityLaw, properties  # noqa: F401
from ionscales.validation import as_float_array, check_concentration

__all__ = [
    "nernst_einstein_conductivity",
    "cluster_conductivity",
    "transference_number",
    "nernst_einstein_deviation",
    "effective_cation_charge",
    "carrier_transport",
]


def nernst_einstein_conductivity(
    electrolyte: Electrolyte,
    concentration,
    *,
    free_fraction=1.0,
    diffusivities=None,
    temperature=None,
):
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
    if not isinstance(electrolyte, Electrolyte):
        raise ParameterError(
            "electrolyte", "must be an Electrolyte (e.g. presets.get('NaCl(aq)'))", electrolyte
        )
    c = np.atleast_1d(check_concentration(concentration))
    scalar = np.ndim(concentration) == 0
    if hasattr(free_fraction, "free_fractions"):
        alpha = np.asarray(free_fraction.free_fractions(electrolyte, c), float)
    else:
        alpha = as_float_array("free_fraction", free_fraction)
        if np.any((alpha < 0) | (alpha > 1)):
            raise ParameterError("free_fraction", "must lie in [0, 1]", free_fraction)
        alpha = alpha.reshape(-1, 1) if alpha.ndim == 1 else alpha
        target = (c.size, electrolyte.charges.size)
        try:
            fits = np.broadcast_shapes(alpha.shape, target) == target
        except ValueError:
            fits = False
        if not fits or alpha.size == 0:
            raise ParameterError(
                "free_fraction",
                f"must be one value, one per concentration ({c.size}) or an "
                f"array of shape {target} (concentrations, species), not shape {alpha.shape}",
                free_fraction,
            )
    d = (
        electrolyte.diffusivities
        if diffusivities is None
        else as_float_array("diffusivities", diffusivities)
    )
    if np.any(~np.isfinite(d)):
        raise ParameterError(
            "diffusivities", "unknown for some ions; pass diffusivities= [m^2/s]", d
        )
    temp = electrolyte.temperature if temperature is None else _check_temperature(temperature)
    z, nu = electrolyte.charges, electrolyte.nu
    sigma = faraday**2 / (gas_constant * temp) * np.sum(z**2 * nu * d * alpha * c[:, None], axis=-1)
    return float(sigma[0]) if scalar else sigma


def _check_temperature(temperature) -> float:
    """One temperature [K], finite and > 0 (the policy of :mod:`ionscales.validation`)."""
    from ionscales.validation import check_quantity  # (import block left to the other helpers)

    temp = check_quantity(
        "temperature", temperature, unit="K", low=0.0, low_inclusive=False, scalar=True
    )
    with np.errstate(over="ignore", divide="ignore"):
        finite = np.isfinite(faraday**2 / (gas_constant * temp))
    if not finite:  # the prefactor F^2/(RT) overflows (temperature=1e-300)
        raise ParameterError(
            "temperature",
            "is so small that F^2/(RT) overflows; temperatures are in K (> 0)",
            temperature,
        )
    return temp


def _carrier_arrays(carriers: xr.Dataset):
    needed = ("carrier_charge", "carrier_concentration", "carrier_diffusivity")
    if not isinstance(carriers, xr.Dataset) or any(k not in carriers for k in needed):
        raise ParameterError(
            "carriers", f"must be an effective-carriers Dataset with {', '.join(needed)}"
        )
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
        z_ion = (
            1.0 if "cation_charge" not in carriers.attrs else float(carriers.attrs["cation_charge"])
        )
        return float(np.sum(l * z_ion * z * d * c) / denominator)
    if species == "anion":
        z_ion = (
            -1.0 if "anion_charge" not in carriers.attrs else float(carriers.attrs["anion_charge"])
        )
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
    ne = pref * (
        z_p**2 * np.sum(l * d * c) + z_m**2 * np.sum(m * d * c) + z_i**2 * np.sum(n_i * d * c)
    )
    if c_plus <= 0 or c_minus <= 0 or ne <= 0:
        raise ParameterError("carriers", "need mobile cations and anions")
    return float(1 - cluster_conductivity(carriers, temperature=temp) / ne)


def carrier_transport(
    model,
    *,
    temperature=None,
    diffusivity="stokes-einstein",
    viscosity=None,
    max_size: int = 20,
    tolerance: float = 1e-6,
    size_limit: int = 2048,
    **state,
) -> xr.Dataset:
    """Conductivity, transference and effective charge of the cluster carriers over many states.

    The vectorised counterpart of ``model.effective_carriers`` followed by
    :func:`cluster_conductivity`, :func:`transference_number`,
    :func:`effective_cation_charge` and :func:`nernst_einstein_deviation`: the cluster sums
    run over all state points at once (:func:`ionscales.theory.aggregation.converged_cluster_sums`,
    grown until converged to ``tolerance``; ConvergenceWarning where they cannot).

    Parameters
    ----------
    model : aggregation model
        ``Aggregation``, ``SolvatedAggregation`` or ``SaltInIonicLiquid`` with a molar scale
        (site volume or electrolyte density data).
    temperature : float or array_like, optional
        [K] (default: the model's reference temperature); the association follows it.
    diffusivity : "stokes-einstein" or float
        Carrier diffusivity rule, as in ``effective_carriers``: Stokes–Einstein on the
        equal-volume sphere of the cluster (with bound solvent) or one D [m^2/s] for all.
    viscosity : float, optional
        [Pa s] for Stokes–Einstein (default: the model's or the solvent's).
    max_size, tolerance, size_limit
        Starting largest cluster size [1], relative tolerance, largest size tried.
    **state
        One state variable (e.g. ``molality=[5, 10, 15]`` [mol/kg]).

    Returns
    -------
    xarray.Dataset
        Over the state dimension: conductivity [S/m], nernst_einstein_conductivity [S/m],
        nernst_einstein_deviation, transference_number (cation), anion_transference_number,
        inert_transference_number, cation_effective_charge [1]; attrs record the rule and the
        truncation (``cluster_sum_*``).

    Notes
    -----
    Ideal mixture of carriers (no cross-correlations between clusters); the gel is
    immobile. The Stokes–Einstein diffusivity D_lm = kT / (3 pi eta d_lm) factors into a
    state-dependent prefactor times (xi+ l + xi- m + q n_lm)^(-1/3), where q is the
    probability that a free cation site holds solvent; states are grouped by q (one group
    for the binary, sticky and salt-in-IL models).
    """
    import math

    from ionscales.constants import boltzmann
    from ionscales.results import make_dataset
    from ionscales.theory.aggregation import AggregationModel, converged_cluster_sums
    from ionscales.theory.aggregation.models import SaltInIonicLiquid

    if not isinstance(model, AggregationModel):
        raise ParameterError(
            "model",
            "must be an aggregation model (Aggregation, SolvatedAggregation, SaltInIonicLiquid)",
            model,
        )
    st = model.state(temperature=temperature, **state)
    comp = st.composition
    if not comp.has_molar_scale:
        raise ParameterError(
            "site_volume",
            "carrier transport needs concentrations in mol/m^3: give "
            "site_volume= [m^3] or an electrolyte with solvent density data",
        )
    n = st.size
    temp = np.broadcast_to(
        np.asarray(model.temperature if st.temperature is None else st.temperature, float), (n,)
    )
    v0 = comp.site_volume
    z_c, z_a = st.charges
    inert = isinstance(model, SaltInIonicLiquid)
    if isinstance(diffusivity, str):
        if diffusivity != "stokes-einstein":
            raise ParameterError(
                "diffusivity", "must be 'stokes-einstein' or a number [m^2/s]", diffusivity
            )
        eta = model.carrier_viscosity(viscosity)
        # D_lm = prefactor * volume_lm^(-1/3), volume in lattice sites
        prefactor = boltzmann * temp / (3 * math.pi * eta * (6 * v0 / math.pi) ** (1 / 3))
        shape_rule = "stokes-einstein"
        rule = (
            f"Stokes–Einstein kT/(3 pi eta d), eta = {eta:g} Pa s, d = equal-volume sphere of the "
            "cluster"
        )
    else:
        from ionscales.validation import check_quantity

        if isinstance(diffusivity, str):
            raise ParameterError(
                "diffusivity",
                "must be 'stokes-einstein' or a finite number > 0 [m^2/s]",
                diffusivity,
            )
        diffusivity = check_quantity(
            "diffusivity", diffusivity, unit="m^2/s", low=0.0, low_inclusive=False, scalar=True
        )
        prefactor = np.full(n, float(diffusivity))
        shape_rule = "constant"
        rule = f"size-independent D = {float(diffusivity):g} m^2/s"
    q = np.round(st.bound_solvent_probability(), 12)
    keys = ("conductance", "cation_current", "anion_current", "cation_mobility", "anion_mobility")
    sums = {k: np.zeros(n) for k in keys}
    sizes = np.zeros(n, dtype=np.int64)
    converged = np.ones(n, dtype=bool)
    truncated = np.zeros(n)
    f_c = model.f_cation
    for q_value in np.unique(q):
        idx = np.flatnonzero(q == q_value)

        def shape(l, m, q_value=q_value):
            if shape_rule == "constant":
                return np.where((l + m) > 0, 1.0, 0.0)
            free = np.maximum(f_c * l - l - m + 1, 0) * (l > 0)
            vol = model.xi_cation * l + model.xi_anion * m + q_value * free
            return np.where((l + m) > 0, np.maximum(vol, 1e-300) ** (-1 / 3), 0.0)

        def charge(l, m):
            return l * z_c + m * z_a

        weights = {
            "conductance": lambda l, m: charge(l, m) ** 2 * shape(l, m),
            "cation_current": lambda l, m: l * charge(l, m) * shape(l, m),
            "anion_current": lambda l, m: m * charge(l, m) * shape(l, m),
            "cation_mobility": lambda l, m: l * shape(l, m),
            "anion_mobility": lambda l, m: m * shape(l, m),
        }
        part = converged_cluster_sums(
            st.take(idx), weights, start=max_size, tolerance=tolerance, size_limit=size_limit
        )
        part.warn_if_unconverged("carrier_transport")
        for k in keys:
            sums[k][idx] = part.sums[k]
        sizes[idx] = part.size
        converged[idx] = part.converged
        truncated[idx] = part.truncated_fraction
    molar = comp.molar
    pref = faraday**2 / (gas_constant * temp) * prefactor
    conductance = molar(sums["conductance"])
    c_inert = molar(comp.c_inert)
    if inert:
        z_i = float(model.inert_charge)
        g_i = 1.0 if shape_rule == "constant" else float(model.xi_inert) ** (-1 / 3)
    else:
        z_i, g_i = 0.0, 0.0
    total = conductance + z_i**2 * g_i * c_inert
    sigma = pref * total
    sigma_ne = pref * (
        z_c**2 * molar(sums["cation_mobility"])
        + z_a**2 * molar(sums["anion_mobility"])
        + z_i**2 * g_i * c_inert
    )
    with np.errstate(invalid="ignore", divide="ignore"):
        t_plus = z_c * molar(sums["cation_current"]) / total
        t_minus = z_a * molar(sums["anion_current"]) / total
        t_inert = z_i**2 * g_i * c_inert / total
        z_eff = sums["cation_current"] / sums["cation_mobility"]
        deviation = 1 - sigma / sigma_ne
    dim = comp.variable
    data = {
        "conductivity": (dim, sigma),
        "nernst_einstein_conductivity": (dim, sigma_ne),
        "nernst_einstein_deviation": (dim, deviation),
        "transference_number": (dim, t_plus),
        "anion_transference_number": (dim, t_minus, "1", "anion transference number"),
        "inert_transference_number": (
            dim,
            t_inert,
            "1",
            "transference number of the inert (IL) cation",
        ),
        "cation_effective_charge": (dim, z_eff),
    }
    attrs = {
        "diffusivity_rule": rule,
        "gel_rule": "the gel (percolating network) is immobile and not a carrier",
        "cluster_sum_tolerance": float(tolerance),
        "cluster_sum_size_limit": int(size_limit),
        "cluster_sum_max_size": int(np.max(sizes, initial=0)),
        "cluster_sum_converged": bool(np.all(converged)),
        "cluster_sum_truncated_fraction": float(np.max(truncated, initial=0.0)),
    }
    ds = make_dataset(
        data,
        {dim: (dim, comp.values)},
        model="carrier_transport",
        parameters=model.describe(),
        references=model.references(),
        attrs=attrs,
    )
    return ds.isel({dim: 0}) if comp.scalar else ds
