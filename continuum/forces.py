"""Surface forces and slit capacitance from the continuum (Poisson–Boltzmann family) layer.

:func:`surface_force_curve` computes, for two identical charged plates across an
electrolyte, the disjoining pressure Pi(D) by solving the slit problem at each separation
(``solve_pb``: "pb", "bikerman", "bsk"; or the exact PB plate solution of
:mod:`ionscales.theory.plates`), the interaction free energy per area
W(D) = ∫_D^inf Pi(h) dh and the Derjaguin force F/R = 2 pi W(D) measured in a surface force
balance (crossed cylinders) or sphere–flat AFM. :func:`slit_capacitance` gives the
continuum capacitance of a slit pore versus width, the wide-pore counterpart of
:class:`ionscales.theory.confinement.SlitPore`.

References
----------
Derjaguin, Kolloid-Z. 69, 155 (1934); Israelachvili, Intermolecular and Surface Forces, 3rd ed.
(Academic Press, 2011); Verwey & Overbeek (1948).
"""

from __future__ import annotations

import math

import numpy as np
import xarray as xr

from ionscales.electrolyte import Electrolyte
from ionscales.errors import ParameterError
from ionscales.results import make_dataset
from ionscales.theory import confinement, plates
from ionscales.theory.electrostatics import debye_length
from ionscales.validation import (
    as_1d_array,
    as_float,
    as_float_array,
    check_choice,
    check_range,
    warn_implausible,
)

__all__ = ["surface_force_curve", "slit_capacitance", "energy_from_pressure", "MAX_DEBYE_LENGTHS"]

#: widest slit solved with FiPy in :func:`surface_force_curve`, in Debye lengths
MAX_DEBYE_LENGTHS = 1e3


def energy_from_pressure(separation, pressure):
    """W(D_i) = ∫_{D_i}^inf Pi dh from pressures on a grid [J/m^2].

    Parameters
    ----------
    separation : array_like
        Increasing separations D [m] (1-D).
    pressure : array_like
        Pi(D) [Pa] on the grid.

    Notes
    -----
    Between neighbouring points Pi is interpolated exponentially where both values have the
    same sign (exact for an exponential tail; the integral over [a, b] is
    (P_a - P_b)(b - a)/ln(P_a/P_b)), linearly otherwise; beyond the last point the tail is
    extrapolated with the decay length of the last interval, P_N lambda_tail (zero if the last
    two values do not decay monotonically). Accuracy therefore needs a grid that resolves
    the curvature of ln Pi (tens of points per decade of Pi).
    """
    D = as_float_array("separation", separation, unit="m")
    P = as_float_array("pressure", pressure, unit="Pa")
    if D.ndim != 1 or D.shape != P.shape or D.size < 2:
        raise ParameterError(
            "separation",
            f"needs a 1-D array of >= 2 points matching pressure (shapes {D.shape} and {P.shape})",
        )
    if np.any(np.diff(D) <= 0):
        raise ParameterError("separation", "must be strictly increasing", separation)
    a, b = P[:-1], P[1:]
    h = np.diff(D)
    same = (a * b > 0) & (a != b)
    with np.errstate(divide="ignore", invalid="ignore"):
        expo = (a - b) * h / np.log(a / b)
    pieces = np.where(same, expo, 0.5 * (a + b) * h)
    if P[-1] * P[-2] > 0 and abs(P[-1]) < abs(P[-2]):
        tail = P[-1] * h[-1] / math.log(P[-2] / P[-1])
    else:
        tail = 0.0
    return np.concatenate([np.cumsum(pieces[::-1])[::-1], [0.0]]) + tail


def surface_force_curve(
    electrolyte: Electrolyte,
    concentration,
    separation,
    *,
    potential=None,
    surface_charge=None,
    model="pb",
    method="fipy",
    compacity=None,
    correlation_length=None,
    ion_diameter=None,
    **solver_options,
) -> xr.Dataset:
    """Disjoining pressure, interaction energy and Derjaguin force F/R versus separation.

    Parameters
    ----------
    electrolyte : Electrolyte
    concentration : float
        Bulk salt concentration [mol/m^3], > 0.
    separation : array_like
        Plate separations D [m] (1-D, > 0; sorted internally). A ValidityWarning above 10 um
        (separations typed in nm?); with method "fipy" at most ``MAX_DEBYE_LENGTHS`` Debye
        lengths.
    potential : float, optional
        Constant wall potential relative to the bulk [V] (both walls).
    surface_charge : float, optional
        Constant wall charge [C/m^2] (both walls) instead of a potential.
    model : {"pb", "bikerman", "bsk"}
        Continuum model (``continuum.solve_pb``).
    method : {"fipy", "exact"}
        "fipy": solve the slit at each separation with ``solve_pb``; "exact": the exact
        elliptic-integral PB plate solution (model "pb" and symmetric z:z salts only; fast).
    compacity, correlation_length :
        Passed to ``solve_pb`` ([1], [m]).
    ion_diameter : float, optional
        [m] used to mark the structural regime (default the electrolyte's contact diameter).
    **solver_options
        Passed to ``solve_pb`` (``refinement``, ``tolerance``, ...).

    Returns
    -------
    xarray.Dataset
        Over ``separation``: ``disjoining_pressure`` [Pa] (midplane route),
        ``disjoining_pressure_wall`` [Pa] (contact route, "fipy" only; loses accuracy to
        cancellation once Pi << n0 kT), ``interaction_energy`` W [J/m^2],
        ``force_over_radius`` F/R = 2 pi W [N/m], ``midplane_potential`` [V],
        ``wall_potential`` [V], ``regime`` ("layered" where D < 4 ion diameters: the continuum
        misses the structural (oscillatory, layering) force there; "correlated" / "bulk-like"
        otherwise, from :func:`ionscales.theory.confinement.regime` with xi = lambda_D);
        scalar ``debye_length``.

    Notes
    -----
    W(D) = ∫_D^inf Pi dh is obtained from the pressures on the given grid
    (:func:`energy_from_pressure`, exponential interpolation + tail), or exactly by
    quadrature for method "exact"; the Derjaguin approximation then gives F/R = 2 pi W for
    sphere–flat and for crossed cylinders of equal radius at 90 degrees (surface force
    balance). In the weak-overlap limit F/R -> (128 pi n0 kT gamma^2/kappa) e^{-kappa D}.
    """
    if not isinstance(electrolyte, Electrolyte):
        raise ParameterError("electrolyte", "must be an Electrolyte", electrolyte)
    check_choice("model", model, ("pb", "bikerman", "bsk"))
    check_choice("method", method, ("fipy", "exact"))
    c = as_float("concentration", concentration, unit="mol/m^3")
    check_range("concentration", c, 0.0, None, unit="mol/m^3", low_inclusive=False)
    warn_implausible("concentration", c, "concentration")
    D = as_1d_array("separation", separation, unit="m")
    if np.any(D <= 0):
        raise ParameterError("separation", "must be separations > 0 m", separation)
    warn_implausible("separation", D, "separation")
    D = np.unique(D)
    if (potential is None) == (surface_charge is None):
        raise ParameterError(
            "potential", "give exactly one of potential [V] or surface_charge [C/m^2]"
        )
    lam = float(debye_length(electrolyte, c))
    if method == "fipy" and D[-1] > MAX_DEBYE_LENGTHS * lam:
        raise ParameterError(
            "separation",
            f"must be at most {MAX_DEBYE_LENGTHS:g} Debye lengths "
            f"({MAX_DEBYE_LENGTHS * lam:.4g} m) for the FiPy slit solves: the double layers no "
            "longer overlap there (Pi ~ exp(-D/lambda_D) underflows); use method='exact' (PB)",
            float(D[-1]),
        )
    d_ion = float(electrolyte.contact_diameter if ion_diameter is None else ion_diameter)
    wall_kw = (
        {"potential": potential} if potential is not None else {"surface_charge": surface_charge}
    )
    attrs = {
        "method": method,
        "boundary": "constant potential" if potential is not None else "constant charge",
    }
    if method == "exact":
        if model != "pb":
            raise ParameterError(
                "method",
                f"'exact' is the PB plate solution; use method='fipy' for model {model!r}",
                method,
            )
        pressure = plates.plate_pressure(D, electrolyte, c, **wall_kw)
        pressure_wall = plates.plate_pressure(D, electrolyte, c, route="contact", **wall_kw)
        energy = plates.plate_interaction_energy(D, electrolyte, c, **wall_kw)
        mid = plates.plate_midplane_potential(D, electrolyte, c, **wall_kw)
        wall = plates.plate_wall_potential(D, electrolyte, c, **wall_kw)
        references = ("Verwey & Overbeek 1948", "Derjaguin 1934")
    else:
        from ionscales.continuum.geometry import Slit
        from ionscales.continuum.pb import solve_pb

        pressure = np.empty(D.size)
        pressure_wall = np.empty(D.size)
        mid = np.empty(D.size)
        wall = np.empty(D.size)
        iterations = 0
        residual = 0.0
        for i, d in enumerate(D):
            ds = solve_pb(
                electrolyte,
                c,
                Slit(float(d)),
                model=model,
                compacity=compacity,
                correlation_length=correlation_length,
                # solve_pb's wall condition is wall_potential= (potential= is deprecated)
                **({"wall_potential": potential} if potential is not None else wall_kw),
                **solver_options,
            )
            pressure[i] = float(ds["disjoining_pressure"])
            pressure_wall[i] = float(np.mean(ds["disjoining_pressure_wall"].values))
            x = ds["x"].values
            mid[i] = float(np.interp(0.5 * (x[0] + x[-1]), x, ds["potential"].values))
            wall[i] = float(np.mean(ds["wall_potential"].values))
            iterations = max(iterations, int(ds.attrs.get("iterations", 0)))
            residual = max(residual, float(ds.attrs.get("residual", 0.0)))
        energy = energy_from_pressure(D, pressure)
        references = ("Derjaguin 1934",) + tuple(str(ds.attrs.get("references", "")).split("; "))
        attrs.update({"converged": 1, "iterations": iterations, "residual": residual})
    labels = confinement.regime(D, d_ion, lam)
    return make_dataset(
        {
            "disjoining_pressure": ("separation", pressure),
            "disjoining_pressure_wall": (
                "separation",
                pressure_wall,
                "Pa",
                "disjoining pressure (wall contact route)",
            ),
            "interaction_energy": ("separation", energy),
            "force_over_radius": ("separation", plates.force_over_radius(energy)),
            "midplane_potential": ("separation", mid),
            "wall_potential": ("separation", wall),
            "regime": (
                "separation",
                np.asarray(labels, dtype=str),
                "1",
                "confinement regime (layered: continuum misses structural forces)",
            ),
            "debye_length": ((), lam),
        },
        {"separation": D},
        model=f"surface force between identical plates ({model}, {method})",
        parameters={
            "concentration": c,
            "potential": potential,
            "surface_charge": surface_charge,
            "model": model,
            "ion_diameter": d_ion,
            "electrolyte": electrolyte.species,
        },
        references=tuple(r for r in references if r),
        attrs=attrs,
    )


def slit_capacitance(
    electrolyte: Electrolyte,
    concentration,
    width,
    voltage=0.0,
    *,
    model="bikerman",
    **solver_options,
) -> xr.Dataset:
    """Continuum differential capacitance per wall area of a slit pore versus width.

    Parameters
    ----------
    electrolyte : Electrolyte
    concentration : float
        Reservoir salt concentration [mol/m^3], > 0.
    width : array_like
        Slit widths [m] (1-D), > 0.
    voltage : float
        Wall potential relative to the reservoir [V].
    model : {"pb", "bikerman", "bsk"}
        Continuum model.
    **solver_options
        Passed to ``solve_pb``.

    Returns
    -------
    xarray.Dataset
        ``capacitance`` [F/m^2] and ``surface_charge`` [C/m^2] per wall area over ``width``.

    Notes
    -----
    Both walls at the same potential (a pore in one electrode). For wide pores this tends to
    the flat-electrode (half-space) value; for widths comparable to the Debye length the
    double layers overlap (Donnan limit C -> e^2 n0 L cosh(psi)/kT for PB).
    """
    from ionscales.continuum.geometry import Slit
    from ionscales.continuum.pb import solve_pb

    check_choice("model", model, ("pb", "bikerman", "bsk"))
    L = as_1d_array("width", width, unit="m")
    check_range("width", L, 0.0, None, unit="m", low_inclusive=False)
    warn_implausible("width", L, "pore_size")
    u = as_float("voltage", voltage, unit="V")
    warn_implausible("voltage", u, "voltage")
    cap = np.empty(L.size)
    charge = np.empty(L.size)
    for i, w in enumerate(L):
        ds = solve_pb(
            electrolyte,
            concentration,
            Slit(float(w)),
            wall_potential=u,
            model=model,
            **solver_options,
        )
        cap[i] = float(np.mean(ds["capacitance"].values))
        charge[i] = float(np.mean(ds["surface_charge"].values))
    return make_dataset(
        {"capacitance": ("width", cap), "surface_charge": ("width", charge)},
        {"width": L},
        model=f"continuum slit capacitance ({model})",
        parameters={"concentration": float(concentration), "voltage": u, "model": model},
    )
