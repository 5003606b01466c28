"""Integral-equation theory of primitive-model electrolytes: Ornstein–Zernike + HNC / MSA.

The top of the screening ladder. :func:`solve` computes the pair correlations
``g_ij(r)`` of a multicomponent primitive model (charged hard spheres of diameters
``sigma_i`` and valences ``z_i`` in a dielectric continuum, optional extra short-range pair
potential), from which follow the thermodynamics (energy, virial and compressibility
osmotic coefficients, HNC excess chemical potentials) and the screening analysis: the decay
modes (poles of the structure factor in the complex k plane), dressed charges and effective
permittivities of dressed-ion theory. :func:`scan` solves along a concentration path with
continuation; :func:`hnc_screening_model` is the ``"dressed-ion-hnc"`` screening model and
:func:`hnc_kirkwood_crossover` its Kirkwood crossover.

Examples
--------
>>> from ionscales import presets
>>> from ionscales.units import M
>>> from ionscales.theory import integral_equation as ie
>>> pair = ie.solve(presets.get("NaCl(aq)"), 1 * M, closure="hnc")      # doctest: +SKIP
>>> pair.g, pair.h_charge, pair.structure_factor_charge                  # doctest: +SKIP

Notes
-----
Numerics (see :mod:`ionscales.theory.oz_solver`): Ng's analytic separation of the Coulomb
tail, radial FFT (type-I DST) on ``r_i = i dr``, hard-core steps represented to O(dr^2),
Anderson (generalised Ng) acceleration, continuation in concentration (``initial=``) and
automatically in coupling strength when a cold start fails.

Default grid: ``dr = sigma_min/100`` and a box length ``L = max(40 sigma_max,
25 lambda_D)`` rounded up to a fast FFT size. With these the MSA energy is reproduced to
~1e-5 relative and the HNC energy, osmotic coefficient and poles are grid-converged to ~1e-5
(NaCl, 1 mol/L: refining to sigma/200 and doubling the box changes them by 1e-5).

Validity: the HNC closure is accurate for 1:1 aqueous electrolytes (energies within ~1 %
of Monte Carlo up to 2 mol/L, Rasaiah, Card & Valleau 1972); it degrades for multivalent
ions and low permittivity, and has no solution near the ionic-fluid spinodal (then a
``ConvergenceError`` with diagnostics is raised). The modes are reliable for
``Im k < 2 Im k_leading`` (the HNC c(r) has an h^2/2 tail).

References
----------
K.-C. Ng, J. Chem. Phys. 61, 2680 (1974), doi:10.1063/1.1681683.
J. C. Rasaiah & H. L. Friedman, J. Chem. Phys. 48, 2742 (1968).
J. C. Rasaiah, D. N. Card & J. P. Valleau, J. Chem. Phys. 56, 248 (1972).
R. Kjellander & D. J. Mitchell, J. Chem. Phys. 101, 603 (1994).
J. Ennis, R. Kjellander & D. J. Mitchell, J. Chem. Phys. 102, 975 (1995).
P. Attard, Phys. Rev. E 48, 3604 (1993), doi:10.1103/PhysRevE.48.3604.
"""

from __future__ import annotations

import functools
import math
import numbers
import warnings
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import scipy.fft
import xarray as xr
from scipy.interpolate import CubicSpline

from ionscales.electrolyte import Electrolyte, Ion, Solvent
from ionscales.errors import ConvergenceError, ConvergenceWarning, ParameterError
from ionscales.results import labelled, make_dataset, solver_attrs
from ionscales.theory.electrostatics import inverse_debye_length
from ionscales.theory.ladder import ScreeningModes
from ionscales.theory.oz_poles import (
    TRUST_FACTOR,
    Mode,
    PoleFunction,
    charge_axis_function,
    find_modes,
)
from ionscales.theory.oz_solver import OZGrid, OZSystem, iterate
from ionscales.validation import check_choice, check_concentration, check_integer

__all__ = [
    "PairCorrelation",
    "solve",
    "scan",
    "decay_modes",
    "hnc_screening_model",
    "hnc_kirkwood_crossover",
    "free_energy_by_charging",
    "DEFAULT_DR_FRACTION",
    "KIRKWOOD_REFERENCE",
]

#: default grid spacing as a fraction of the smallest ion diameter
DEFAULT_DR_FRACTION = 1.0 / 100.0
#: default grid spacing (fraction of the smallest diameter) of the dressed-ion-hnc model
SCREENING_DR_FRACTION = 1.0 / 50.0
#: below this kappa_D sigma_max only monotonic (imaginary-axis) modes are searched: every
#: oscillatory mode of the primitive model then has Im k sigma = O(1), far outside the
#: trusted region Im k < 1.9 kappa_1 ~ 1.9 kappa_D
DILUTE_KAPPA_SIGMA = 0.2
#: modes with a smaller charge fraction are decoupled from the charge correlations
COUPLED_FRACTION = 1e-8
#: default tolerance on max |T(gamma_s) - gamma_s|
DEFAULT_TOLERANCE = 1e-9
#: a converged solution is valid only if it passes these checks (see :func:`solve`):
#: relative electroneutrality error per species, |Stillinger–Lovett ratio - 1|, and the
#: smallest cation–anion contact value of a primitive model (g_+-(sigma) >= 1 there; a
#: collapse to ~0 marks the unphysical branch past the spinodal). Valid states on the
#: default grids meet the sum rules to < 1e-6 (measured 1e-10..4e-6 at 0.001–5 mol/L).
VALIDITY_TOLERANCES = {"electroneutrality": 1e-3, "stillinger_lovett": 1e-2, "unlike_contact": 0.5}
#: relative pole residual |F(k)| / |k dF/dk| (the relative Newton step) a valid mode meets
POLE_TOLERANCE = 1e-10

REFERENCES = (
    "K.-C. Ng, J. Chem. Phys. 61, 2680 (1974), doi:10.1063/1.1681683",
    "J. C. Rasaiah & H. L. Friedman, J. Chem. Phys. 48, 2742 (1968)",
    "R. Kjellander & D. J. Mitchell, J. Chem. Phys. 101, 603 (1994)",
    "J. Ennis, R. Kjellander & D. J. Mitchell, J. Chem. Phys. 102, 975 (1995)",
)


# ---------------------------------------------------------------------------------------
# input checks


def _concentration_array(name: str, value) -> np.ndarray:
    """A non-empty 1-D array (or scalar) of finite concentrations > 0 [mol/m^3]."""
    if isinstance(value, (str, bytes, bool, np.bool_)) or value is None:
        raise ParameterError(
            name, "must be a number or a non-empty 1-D array of values > 0 mol/m^3", value
        )
    arr = np.asarray(value)
    if arr.dtype.kind not in "iuf":
        raise ParameterError(name, "must be real numbers > 0 mol/m^3", value)
    arr = np.atleast_1d(check_concentration(arr, name)).astype(float)
    if arr.ndim != 1 or arr.size == 0 or np.any(arr <= 0):
        raise ParameterError(name, "must be a non-empty 1-D array of values > 0 mol/m^3", value)
    return arr


def _real_scalar(
    name: str,
    value,
    *,
    low: float,
    high: float,
    unit: str = "",
    closed_low: bool = False,
    closed_high: bool = False,
) -> float:
    """A real number (not bool, str, complex or array) in the interval (low, high); the
    brackets follow ``closed_low`` / ``closed_high``. Raises ParameterError otherwise."""
    lo_b, hi_b = ("[" if closed_low else "("), ("]" if closed_high else ")")
    interval = f"{lo_b}{low:g}, {high:g}{hi_b}" + (f" {unit}" if unit else "")
    if isinstance(value, (bool, np.bool_)) or not isinstance(value, (numbers.Real, np.ndarray)):
        raise ParameterError(name, f"must be a real number in {interval}", value)
    if isinstance(value, np.ndarray):
        if value.ndim != 0 or value.dtype.kind not in "iuf":
            raise ParameterError(name, f"must be a real number in {interval}", value)
        value = value.item()
    x = float(value)
    ok_low = x >= low if closed_low else x > low
    ok_high = x <= high if closed_high else x < high
    if not (math.isfinite(x) and ok_low and ok_high):
        raise ParameterError(name, f"must be in {interval}", value)
    return x


# ---------------------------------------------------------------------------------------
# result object


@dataclass
class PairCorrelation:
    """One solved state point (SI units; reduced internals kept for continuation).

    Attributes
    ----------
    electrolyte : Electrolyte
    concentration : float
        Salt concentration [mol/m^3].
    closure : str
        "hnc" or "msa".
    g : xarray.DataArray
        Radial distribution functions over (``species_i``, ``species_j``, ``r``).
    h_charge, h_number : xarray.DataArray
        Charge–charge ``sum x_i x_j z_i z_j h_ij / sum x_i z_i^2`` and number–number
        ``sum x_i x_j h_ij`` correlations over ``r``.
    structure_factor_charge, structure_factor_number : xarray.DataArray
        ``S_ZZ(k)`` (-> k^2/kappa_D^2 at small k) and ``S_NN(k)`` over ``k``.
    thermodynamics : dict
        ``excess_energy`` (beta U_ex/N per ion), ``osmotic_coefficient`` (virial route),
        ``inverse_compressibility`` (beta dP/drho at fixed composition),
        ``ln_activity_coefficient_species`` (HNC closed form; NaN for MSA),
        ``ln_activity_coefficient`` (mean ionic), ``contact_values``.
    converged : bool
        True when the iteration converged *and* the state passed the validity checks
        (:attr:`validity`); an iteration that converged to an unphysical state (past the
        spinodal, sum rules violated) has ``converged=False``.
    iterations, residual : diagnostics of the iteration.
    validity : dict
        Each check by name -> ``(value, passed, requirement)``: ``inverse_compressibility``
        (> 0), ``structure_factor`` (smallest eigenvalue of S_ij(k) over k, > 0),
        ``electroneutrality``, ``stillinger_lovett`` and, for the HNC of a primitive model,
        ``unlike_contact`` (smallest cation–anion contact value).
    """

    electrolyte: Electrolyte
    concentration: float
    closure: str
    system: OZSystem = field(repr=False)
    gamma_s: np.ndarray = field(repr=False)
    c_s: np.ndarray = field(repr=False)
    g_grid: np.ndarray = field(repr=False)
    length_unit: float = field(repr=False)
    converged: bool = True
    iterations: int = 0
    residual: float = 0.0
    history: list = field(default_factory=list, repr=False)
    thermodynamics: dict = field(default_factory=dict)
    validity: dict = field(default_factory=dict, repr=False)
    _modes: list | None = field(default=None, repr=False)

    def __repr__(self) -> str:
        th = self.thermodynamics
        state = (
            "converged" if self.converged else ("invalid" if not self.valid else "not converged")
        )
        g = self.system.grid
        head = (
            f"PairCorrelation({self.closure.upper()}, {self.electrolyte.name}, "
            f"{self.concentration:.6g} mol/m^3: {state}, {self.iterations} iterations, "
            f"residual {self.residual:.2g}; grid {g.n_points} x {g.dr * self.length_unit:.3g} m)"
        )
        if not th:
            return head
        lines = [
            head,
            f"  excess energy {th['excess_energy']:.6g} kT/ion, osmotic coefficient "
            f"{th['osmotic_coefficient']:.6g}, ln gamma+- {th['ln_activity_coefficient']:.6g}, "
            f"inverse compressibility {th['inverse_compressibility']:.6g}",
        ]
        failures = self.validity_failures()
        if failures:
            lines.append("  invalid: " + "; ".join(failures))
        return "\n".join(lines)

    def _repr_html_(self) -> str:
        import html

        th = self.thermodynamics
        rows = [
            ("closure", self.closure.upper()),
            ("electrolyte", self.electrolyte.describe()),
            ("concentration", f"{self.concentration:.6g} mol/m^3"),
            ("state", "converged" if self.converged else "not converged / invalid"),
            ("iterations, residual", f"{self.iterations}, {self.residual:.2g}"),
            (
                "grid",
                f"{self.system.grid.n_points} points, dr = {self.system.grid.dr * self.length_unit:.3g} m",
            ),
        ]
        for key, unit in (
            ("excess_energy", "kT per ion"),
            ("osmotic_coefficient", "1"),
            ("ln_activity_coefficient", "1"),
            ("inverse_compressibility", "1"),
        ):
            if key in th:
                rows.append((key.replace("_", " "), f"{th[key]:.6g} [{unit}]"))
        for name, (value, passed, need) in self.validity.items():
            rows.append(
                (f"check: {name}", f"{value:.3g} ({'ok' if passed else 'FAILED'}; needs {need})")
            )
        body = "".join(
            f"<tr><th style='text-align:left'>{html.escape(k)}</th><td>{html.escape(v)}</td></tr>"
            for k, v in rows
        )
        return f"<table><caption>PairCorrelation</caption>{body}</table>"

    @property
    def valid(self) -> bool:
        """True when every validity check passed (see :attr:`validity`)."""
        return all(passed for _, passed, _ in self.validity.values())

    def validity_failures(self) -> list[str]:
        """One short text per failed validity check (empty for a valid state)."""
        return [
            f"{name} {value:.3g} (needs {need})"
            for name, (value, passed, need) in self.validity.items()
            if not passed
        ]

    # ------------------------------------------------------------ grids
    @property
    def r(self) -> np.ndarray:
        """Radial grid [m]."""
        return self.system.grid.r * self.length_unit

    @property
    def k(self) -> np.ndarray:
        """Wavenumber grid [1/m]."""
        return self.system.grid.k / self.length_unit

    @property
    def species(self) -> list[str]:
        return list(self.electrolyte.species)

    def _x(self):
        n = self.system.densities
        return n / n.sum()

    # ------------------------------------------------------------ labelled arrays
    def _coords(self, *names) -> dict[str, xr.DataArray]:
        """Coordinates with units and long names (from the vocabulary)."""
        values = {
            "r": self.r,
            "k": self.k,
            "species_i": np.array(self.species),
            "species_j": np.array(self.species),
        }
        return {n: labelled(n, (n,), values[n]) for n in names}

    def _pair_da(self, name, values, units, long_name):
        return xr.DataArray(
            values,
            dims=("species_i", "species_j", "r"),
            coords=self._coords("species_i", "species_j", "r"),
            name=name,
            attrs={"units": units, "long_name": long_name},
        )

    @property
    def g(self) -> xr.DataArray:
        return self._pair_da("g", self.g_grid, "1", "radial distribution function g_ij(r)")

    @property
    def c_short(self) -> xr.DataArray:
        return self._pair_da(
            "c_short", self.c_s, "1", "short-range direct correlation c_ij + l_B z_i z_j erf(a r)/r"
        )

    def _h_combinations(self):
        x = self._x()
        z = self.system.charges
        h = self.g_grid - 1.0
        zx = x * z
        hz = np.einsum("i,j,ijr->r", zx, zx, h) / np.sum(x * z**2)
        hn = np.einsum("i,j,ijr->r", x, x, h)
        return hz, hn

    @property
    def h_charge(self) -> xr.DataArray:
        hz, _ = self._h_combinations()
        return xr.DataArray(
            hz,
            dims=("r",),
            coords=self._coords("r"),
            name="h_charge",
            attrs={"units": "1", "long_name": "charge-charge total correlation"},
        )

    @property
    def h_number(self) -> xr.DataArray:
        _, hn = self._h_combinations()
        return xr.DataArray(
            hn,
            dims=("r",),
            coords=self._coords("r"),
            name="h_number",
            attrs={"units": "1", "long_name": "number-number total correlation"},
        )

    def _h_k(self):
        c_s_k = self.system.grid.forward(self.c_s)
        return self.system.oz(c_s_k)

    def _structure_factors(self):
        n = self.system.densities
        z = self.system.charges
        hk = self._h_k()
        szz = (np.sum(n * z**2) + np.einsum("i,j,ijk->k", n * z, n * z, hk)) / np.sum(n * z**2)
        snn = (np.sum(n) + np.einsum("i,j,ijk->k", n, n, hk)) / np.sum(n)
        return szz, snn

    @property
    def structure_factor_charge(self) -> xr.DataArray:
        szz, _ = self._structure_factors()
        return xr.DataArray(
            szz,
            dims=("k",),
            coords=self._coords("k"),
            name="structure_factor_charge",
            attrs={"units": "1", "long_name": "charge-charge structure factor S_ZZ(k)"},
        )

    @property
    def structure_factor_number(self) -> xr.DataArray:
        _, snn = self._structure_factors()
        return xr.DataArray(
            snn,
            dims=("k",),
            coords=self._coords("k"),
            name="structure_factor_number",
            attrs={"units": "1", "long_name": "number-number structure factor S_NN(k)"},
        )

    # ------------------------------------------------------------ modes
    @property
    def modes(self) -> list[Mode]:
        """Decay modes (reduced-unit :class:`~ionscales.theory.oz_poles.Mode`), slowest first."""
        if self._modes is None:
            kd = self._kappa_d_reduced()
            self._modes = find_modes(
                self._pole_function(),
                diameter=float(self.system.diameters.max()),
                kappa_d=kd,
                complex_search=kd * float(self.system.diameters.max()) >= DILUTE_KAPPA_SIGMA,
                trust_factor=TRUST_FACTOR if self.closure == "hnc" else None,
            )
        return self._modes

    def _pole_function(self) -> PoleFunction:
        s = self.system
        return PoleFunction(
            s.grid.r,
            s.grid.dr,
            self.c_s,
            s.densities,
            s.charges,
            s.lb,
            s.alpha,
            core_radius=1.5 * float(s.sigma_ij.max()),
            stride_limit=0.03 * float(s.diameters.min()),
        )

    def _kappa_d_reduced(self) -> float:
        s = self.system
        return math.sqrt(4 * math.pi * s.lb * float(np.sum(s.densities * s.charges**2)))

    def decay_modes(self) -> xr.Dataset:
        """The decay modes as a Dataset over ``mode`` (see :func:`decay_modes`)."""
        return decay_modes(self)

    # ------------------------------------------------------------ export
    def to_dataset(self) -> xr.Dataset:
        """Every array and the thermodynamics as one labelled Dataset."""
        th = self.thermodynamics
        sp = self.species
        szz, snn = self._structure_factors()
        hz, hn = self._h_combinations()
        data = {
            "g": (("species_i", "species_j", "r"), self.g_grid),
            "c_short": (("species_i", "species_j", "r"), self.c_s),
            "h_charge": (("r",), hz),
            "h_number": (("r",), hn),
            "structure_factor_charge": (("k",), szz),
            "structure_factor_number": (("k",), snn),
            "contact_value": (("species_i", "species_j"), th["contact_values"]),
            "excess_energy": ((), th["excess_energy"]),
            "osmotic_coefficient": ((), th["osmotic_coefficient"]),
            "inverse_compressibility": ((), th["inverse_compressibility"]),
            "ln_activity_coefficient": ((), th["ln_activity_coefficient"]),
            "ln_activity_coefficient_species": (
                ("species",),
                th["ln_activity_coefficient_species"],
            ),
            "electroneutrality_error": ((), th["electroneutrality_error"]),
            "stillinger_lovett_ratio": ((), th["stillinger_lovett_ratio"]),
            "excess_free_energy": (
                (),
                th["excess_free_energy"],
                "1",
                "HNC excess Helmholtz energy per particle, beta A_ex/N (NaN for MSA)",
            ),
        }
        coords = {
            "species_i": np.array(sp),
            "species_j": np.array(sp),
            "species": np.array(sp),
            "r": self.r,
            "k": self.k,
        }
        return make_dataset(
            data,
            coords,
            model=f"oz-{self.closure}",
            parameters={
                "electrolyte": self.electrolyte.describe(),
                "concentration": self.concentration,
                "closure": self.closure,
                "grid_points": self.system.grid.n_points,
                "dr": self.system.grid.dr * self.length_unit,
                "ewald_alpha": self.system.alpha / self.length_unit,
            },
            references=REFERENCES,
            attrs={
                "concentration": float(self.concentration),
                **solver_attrs(
                    converged=self.converged,
                    iterations=self.iterations,
                    residual=self.residual,
                    method="anderson",
                ),
            },
        )


# ---------------------------------------------------------------------------------------
# setting up and solving


#: memory budget of one solve: the grid may hold at most this many bytes of the ~24
#: (n_species, n_species, N) float arrays the iteration keeps (Anderson history included)
MAX_SOLVER_BYTES = 2**30
#: largest total packing fraction pi/6 sum n_i sigma_i^3 accepted (random close packing of
#: hard spheres is 0.64; the HNC hard-sphere fluid has no solution well before)
MAX_PACKING_FRACTION = 0.6


def _max_grid_points(n_species: int) -> int:
    return int(MAX_SOLVER_BYTES // (24 * 8 * n_species**2))


def _check_dr(dr, electrolyte) -> float:
    """dr [m] -> dr / sigma_min, validated (sigma_min/2000 <= dr <= sigma_min/5)."""
    ell = float(np.min(electrolyte.diameters))
    if dr is None:
        return DEFAULT_DR_FRACTION
    return (
        _real_scalar(
            "dr",
            dr,
            low=ell / 2000,
            high=0.2 * ell,
            closed_low=True,
            closed_high=True,
            unit="m (sigma_min/2000 .. sigma_min/5)",
        )
        / ell
    )


def _default_grid_points(
    electrolyte, concentration: float, dr_red: float, debye_lengths: float
) -> int:
    """Fast FFT size of a box max(40 sigma_max, debye_lengths lambda_D); refuses boxes that
    exceed the memory budget, naming the smallest concentration that fits."""
    diam = np.asarray(electrolyte.diameters, dtype=float)
    ell = float(diam.min())
    kappa = float(inverse_debye_length(electrolyte, concentration)) * ell  # reduced
    length = max(40.0 * float(diam.max()) / ell, debye_lengths / kappa if kappa > 0 else math.inf)
    points = length / dr_red
    limit = _max_grid_points(len(diam))
    if not points < limit:
        kappa_min = debye_lengths / (limit * dr_red * ell)  # [1/m]
        c_min = (kappa_min / float(inverse_debye_length(electrolyte, 1.0))) ** 2
        raise ParameterError(
            "concentration",
            f"a box of {debye_lengths:g} Debye lengths at dr = {dr_red * ell:.3g} m needs {points:.3g} grid "
            f"points, above the memory limit {limit} ({MAX_SOLVER_BYTES / 2**30:g} GiB); valid: "
            f">= {c_min:.3g} mol/m^3 with this dr and debye_lengths (or set grid_points)",
            concentration,
        )
    return min(scipy.fft.next_fast_len(int(math.ceil(points)) + 1), limit)


def _check_packing(electrolyte, concentration: float) -> None:
    with np.errstate(over="ignore"):
        dens = np.asarray(electrolyte.ion_densities(concentration), dtype=float)
    eta = math.pi / 6 * float(np.sum(dens * np.asarray(electrolyte.diameters) ** 3))
    if not eta < MAX_PACKING_FRACTION:
        eta_per_c = (
            math.pi
            / 6
            * float(
                np.sum(
                    np.asarray(electrolyte.ion_densities(1.0))
                    * np.asarray(electrolyte.diameters) ** 3
                )
            )
        )
        c_max = MAX_PACKING_FRACTION / eta_per_c
        raise ParameterError(
            "concentration",
            f"packing fraction {eta:.3g} must be < "
            f"{MAX_PACKING_FRACTION:g} (valid: < {c_max:.4g} mol/m^3 for this salt)",
            concentration,
        )


def _check_contact(contact_distances, electrolyte) -> np.ndarray | None:
    """Validated (n, n) contact distances [m] (None: additive)."""
    if contact_distances is None:
        return None
    n = len(electrolyte.ions)
    d = np.asarray(electrolyte.diameters, dtype=float)
    lo, hi = 0.5 * float(d.min()), 10.0 * float(d.max())
    try:
        arr = np.asarray(contact_distances, dtype=float)
    except (TypeError, ValueError):
        raise ParameterError(
            "contact_distances",
            f"must be a symmetric ({n}, {n}) array of distances in [{lo:.3g}, {hi:.3g}] m",
            contact_distances,
        ) from None
    if (
        arr.shape != (n, n)
        or not np.all(np.isfinite(arr))
        or not np.allclose(arr, arr.T, rtol=1e-12, atol=0.0)
        or np.any(arr < lo)
        or np.any(arr > hi)
    ):
        raise ParameterError(
            "contact_distances",
            f"must be a symmetric ({n}, {n}) array of distances in [{lo:.3g}, {hi:.3g}] m",
            contact_distances,
        )
    return 0.5 * (arr + arr.T)


def _reduced_system(
    electrolyte,
    concentration,
    closure,
    *,
    dr,
    grid_points,
    extra_potential,
    debye_lengths=25.0,
    ewald_alpha=1.0,
    contact=None,
):
    diam = np.asarray(electrolyte.diameters, dtype=float)
    ell = float(diam.min())
    dens = np.asarray(electrolyte.ion_densities(concentration), dtype=float) * ell**3
    z = np.asarray(electrolyte.charges, dtype=float)
    lb = electrolyte.bjerrum_length / ell
    dr_red = _check_dr(dr, electrolyte)
    if grid_points is None:
        n_points = _default_grid_points(electrolyte, concentration, dr_red, debye_lengths)
    else:
        n_points = check_integer("grid_points", grid_points, minimum=256)
        limit = _max_grid_points(len(diam))
        if n_points > limit:
            raise ParameterError(
                "grid_points",
                f"must be <= {limit} (memory limit "
                f"{MAX_SOLVER_BYTES / 2**30:g} GiB for {len(diam)} species)",
                grid_points,
            )
        if n_points * dr_red < 8 * diam.max() / ell:
            raise ParameterError(
                "grid_points", "box length grid_points*dr must be >= 8 ion diameters", grid_points
            )
    grid = OZGrid(n_points, dr_red)
    extra = None
    if extra_potential is not None:
        extra = _extra_on_grid(extra_potential, electrolyte, grid.r * ell)
    return OZSystem(
        dens,
        z,
        diam / ell,
        lb,
        grid,
        closure_kind=closure,
        alpha=ewald_alpha,
        extra=extra,
        contact=None if contact is None else contact / ell,
    ), ell


def _extra_on_grid(extra_potential, electrolyte, r_si):
    n = len(electrolyte.species)
    if callable(extra_potential):
        arr = np.asarray(extra_potential(r_si), dtype=float)
        if arr.shape != (n, n, len(r_si)):
            raise ParameterError(
                "extra_potential",
                f"callable must return beta*u of shape ({n}, {n}, len(r))",
                arr.shape,
            )
    elif isinstance(extra_potential, Mapping):
        arr = np.zeros((n, n, len(r_si)))
        names = list(electrolyte.species)
        for key, func in extra_potential.items():
            if not (isinstance(key, tuple) and len(key) == 2 and all(k in names for k in key)):
                raise ParameterError(
                    "extra_potential", f"keys must be species pairs from {names}", key
                )
            i, j = names.index(key[0]), names.index(key[1])
            vals = np.asarray(func(r_si), dtype=float)
            arr[i, j] = vals
            arr[j, i] = vals
    else:
        raise ParameterError(
            "extra_potential",
            "must be a callable r -> beta*u[i, j, r] or a mapping "
            "{(species_i, species_j): callable}",
            extra_potential,
        )
    if not np.allclose(arr, np.swapaxes(arr, 0, 1)):
        raise ParameterError("extra_potential", "must be symmetric in the species pair")
    if not np.all(np.isfinite(arr[..., -1])):
        raise ParameterError("extra_potential", "must be finite at large r")
    return np.where(np.isfinite(arr), arr, 700.0)


def _regrid(gamma_s, old_grid: OZGrid, new_grid: OZGrid):
    if old_grid == new_grid:
        return gamma_s.copy()
    r_old, r_new = old_grid.r, new_grid.r
    out = np.empty(gamma_s.shape[:2] + (len(r_new),))
    for i in range(gamma_s.shape[0]):
        for j in range(gamma_s.shape[1]):
            out[i, j] = np.interp(r_new, r_old, gamma_s[i, j], right=0.0)
    return out


def solve(
    electrolyte: Electrolyte,
    concentration,
    closure: str = "hnc",
    *,
    grid_points: int | None = None,
    dr: float | None = None,
    tolerance: float = DEFAULT_TOLERANCE,
    max_iterations: int = 1000,
    initial: PairCorrelation | None = None,
    extra_potential: Callable | Mapping | None = None,
    method: str = "anderson",
    mixing: float | None = None,
    continuation_steps: int = 4,
    debye_lengths: float = 25.0,
    on_invalid: str = "raise",
    contact_distances=None,
) -> PairCorrelation:
    """Solve the Ornstein–Zernike equation of a primitive-model electrolyte.

    Parameters
    ----------
    electrolyte : Electrolyte
        Ions (any number of species, any valences, diameters) and solvent (eps_r, T).
    concentration : float
        Salt concentration [mol/m^3], > 0.
    closure : {"hnc", "msa"}
        Hypernetted chain, or mean spherical approximation (c = -beta u outside the cores).
    grid_points : int, optional
        Number N of the radial grid (N - 1 points r_i = i dr). Default: box length
        max(40 sigma_max, 25 lambda_D) rounded up to a fast FFT size.
    dr : float, optional
        Grid spacing [m]; default sigma_min/100.
    tolerance : float
        Convergence when max |T(gamma_s) - gamma_s| < tolerance (dimensionless).
    max_iterations : int
    initial : PairCorrelation, optional
        A converged neighbouring solution (continuation); interpolated onto this grid.
    extra_potential : callable or mapping, optional
        Extra short-range pair potential in units of k_B T outside the hard cores:
        ``f(r [m]) -> beta*u`` of shape (n_species, n_species, len(r)), or
        ``{(species_i, species_j): f(r [m]) -> beta*u}``.
    method : {"anderson", "picard"}
        Anderson (generalised Ng) acceleration, or damped Picard iteration (baseline).
    mixing : float, optional
        Step fraction (default 0.9 for Anderson, 0.2 for Picard).
    continuation_steps : int
        Coupling-strength steps tried after a failed cold start (0 disables).
    debye_lengths : float
        Default box length in Debye lengths (with ``grid_points`` unset), at least 40
        sigma_max.
    contact_distances : array_like, optional
        Non-additive hard-core contact distances sigma_ij [m], a symmetric
        (n_species, n_species) array with entries in [sigma_min/2, 10 sigma_max] (sigma_min,
        sigma_max: smallest and largest ion diameter). Default: additive, (d_i + d_j)/2.
    on_invalid : {"raise", "warn"}
        What to do when the iteration converges to a state that fails the validity checks
        (see Notes): raise ``ConvergenceError`` (default), or warn (``ConvergenceWarning``)
        and return it with ``converged=False`` for inspection.

    Returns
    -------
    PairCorrelation

    Raises
    ------
    ConvergenceError
        With iterations, residual and history when the iteration (and the automatic
        continuation in coupling) fails, or when it converged to an unphysical state.

    Notes
    -----
    ``converged`` means converged to a valid solution. The fixed-point iteration can
    converge to machine precision on a state without physical meaning (past the
    ionic-fluid spinodal, e.g. NaCl with eps_r = 2: inverse compressibility -220,
    ln gamma = -90). Each converged state is therefore checked (``pair.validity``):
    inverse compressibility > 0, every eigenvalue of S_ij(k) > 0, electroneutrality
    (``sum_j n_j z_j int h_ij = -z_i``) and the Stillinger–Lovett second-moment condition
    within :data:`VALIDITY_TOLERANCES`, and (HNC, no extra potential) cation–anion contact
    values g_+-(sigma) > 0.5 (>= 1 in a primitive model with attraction at contact).
    """
    if not isinstance(electrolyte, Electrolyte):
        raise ParameterError("electrolyte", "must be an Electrolyte", electrolyte)
    closure = check_choice("closure", closure, ["hnc", "msa"])
    method = check_choice("method", method, ["anderson", "picard"])
    on_invalid = check_choice("on_invalid", on_invalid, ["raise", "warn"])
    c = _real_scalar("concentration", concentration, low=0.0, high=math.inf, unit="mol/m^3")
    _check_packing(electrolyte, c)
    tolerance = _real_scalar(
        "tolerance",
        tolerance,
        low=1e-14,
        high=1e-2,
        closed_low=True,
        unit="(max |T(gamma) - gamma|)",
    )
    max_iterations = check_integer("max_iterations", max_iterations, minimum=1)
    if max_iterations > 10**6:
        raise ParameterError(
            "max_iterations", "must be a whole number in [1, 1000000]", max_iterations
        )
    if mixing is None:
        mixing = 0.9 if method == "anderson" else 0.2
    mixing = _real_scalar("mixing", mixing, low=0.0, high=1.0, closed_high=True)
    continuation_steps = check_integer("continuation_steps", continuation_steps, minimum=0)
    if continuation_steps > 100:
        raise ParameterError(
            "continuation_steps", "must be a whole number in [0, 100]", continuation_steps
        )
    debye_lengths = _real_scalar(
        "debye_lengths", debye_lengths, low=5.0, high=1000.0, closed_low=True, closed_high=True
    )
    contact = _check_contact(contact_distances, electrolyte)
    system, ell = _reduced_system(
        electrolyte,
        c,
        closure,
        dr=dr,
        grid_points=grid_points,
        extra_potential=extra_potential,
        debye_lengths=debye_lengths,
        contact=contact,
    )
    shape = (system.n_species, system.n_species, system.grid.n_points - 1)
    run = functools.partial(
        iterate, tolerance=tolerance, max_iterations=max_iterations, method=method, mixing=mixing
    )
    if initial is not None:
        if not isinstance(initial, PairCorrelation) or initial.system.n_species != system.n_species:
            raise ParameterError(
                "initial", "must be a PairCorrelation of the same species", initial
            )
        scale = initial.length_unit / ell
        old = OZGrid(initial.system.grid.n_points, initial.system.grid.dr * scale)
        x0 = _regrid(initial.gamma_s, old, system.grid)
        state = run(system, x0)
    else:
        try:
            cold = (
                run
                if continuation_steps <= 0
                else functools.partial(run, max_iterations=min(max_iterations, 300))
            )
            state = cold(system, np.zeros(shape))
        except ConvergenceError as first:
            if continuation_steps <= 0:
                raise
            stage = functools.partial(run, max_iterations=min(max_iterations, 600))
            state = _coupling_continuation(system, shape, stage, continuation_steps, first)
    pair = PairCorrelation(
        electrolyte=electrolyte,
        concentration=c,
        closure=closure,
        system=system,
        gamma_s=state.gamma_s,
        c_s=state.c_s,
        g_grid=state.g,
        length_unit=ell,
        converged=state.converged,
        iterations=state.iterations,
        residual=state.residual,
        history=state.history,
    )
    pair.thermodynamics = _thermodynamics(pair)
    pair.validity = _validity(pair)
    if pair.converged and not pair.valid:
        pair.converged = False
        text = (
            f"{closure.upper()} iteration for {electrolyte.name} at {c:.6g} mol/m^3 converged to an "
            f"unphysical state (no valid solution: past the spinodal, or a grid too small): "
            + "; ".join(pair.validity_failures())
        )
        if on_invalid == "raise":
            raise ConvergenceError(text, iterations=pair.iterations, residual=pair.residual)
        warnings.warn(text, ConvergenceWarning, stacklevel=2)
    return pair


def _coupling_continuation(system, shape, run, steps, first_error):
    """Solve along l_B -> lambda l_B, lambda = 1/steps ... 1, each from the previous
    solution; a failed step is retried with half the increment (down to 1/(8 steps))."""
    x = np.zeros(shape)
    total = 0
    history: list[float] = []
    done, step = 0.0, 1.0 / steps
    st = None
    while done < 1.0:
        lam = min(1.0, done + step)
        system.coupling = float(lam)
        try:
            st = run(system, x)
        except ConvergenceError as err:
            total += err.iterations or 0
            history += list(err.history)
            step *= 0.5
            if step < 1.0 / (8 * steps):
                system.coupling = 1.0
                raise ConvergenceError(
                    f"no {system.closure_name.upper()} solution: the cold start failed ({first_error}) and "
                    f"continuation in coupling stalled at l_B scaled by {lam:.3g}",
                    iterations=total,
                    residual=err.residual,
                    history=history,
                ) from None
            continue
        x = st.gamma_s
        total += st.iterations
        history += st.history
        done = lam
        step = min(1.5 * step, 1.0 - done) if done < 1.0 else step
    st.iterations = total
    st.history = history
    return st


# ---------------------------------------------------------------------------------------
# thermodynamics


def _contact_values(pair: PairCorrelation) -> np.ndarray:
    s = pair.system
    r, dr = s.grid.r, s.grid.dr
    sig = s.sigma_ij
    n = s.n_species
    out = np.empty((n, n))
    for i in range(n):
        for j in range(n):
            # outside-limit closure at r = sigma_ij with gamma_s interpolated (gamma is continuous)
            i0 = int(math.floor(sig[i, j] / dr)) - 1  # index of r <= sigma
            idx = np.arange(i0 - 2, i0 + 4)
            idx = idx[(idx >= 0) & (idx < len(r))]
            gam = np.polyval(np.polyfit(r[idx] - sig[i, j], pair.gamma_s[i, j, idx], 3), 0.0)
            rs = sig[i, j]
            u = s.lb * s.zz[i, j] * math.erfc(s.alpha * rs) / rs
            if s.extra is not None:
                u += float(np.interp(rs + 1e-9, r[idx], s.extra[i, j, idx]))
            out[i, j] = math.exp(gam - u) if s.closure_name == "hnc" else 1.0 + gam - u
    return out


def _thermodynamics(pair: PairCorrelation) -> dict[str, Any]:
    s = pair.system
    r, dr = s.grid.r, s.grid.dr
    n = s.densities
    rho = float(n.sum())
    nn = np.outer(n, n)[:, :, None]
    h = pair.g_grid - 1.0
    lb = s.lb
    zz = s.zz[:, :, None]
    # energy per ion (Coulomb part uses h: electroneutral)
    u_coul = 2 * math.pi / rho * float(np.sum(nn * lb * zz * r * h)) * dr
    u_extra = 0.0
    virial_extra = 0.0
    if s.extra is not None:
        u_extra = 2 * math.pi / rho * float(np.sum(nn * r**2 * s.extra * pair.g_grid)) * dr
        du = np.gradient(s.extra, dr, axis=-1)
        virial_extra = -2 * math.pi / (3 * rho) * float(np.sum(nn * r**3 * du * pair.g_grid)) * dr
    energy = u_coul + u_extra
    contact = _contact_values(pair)
    sig = s.sigma_ij
    phi_virial = (
        1.0
        + u_coul / 3.0
        + 2 * math.pi / (3 * rho) * float(np.sum(np.outer(n, n) * sig**3 * contact))
        + virial_extra
    )
    # compressibility: beta dP/drho = 1 - rho sum x_i x_j C_s,ij(0)
    cs0 = 4 * math.pi * np.sum(r**2 * pair.c_s, axis=-1) * dr
    x = n / rho
    inv_comp = 1.0 - rho * float(x @ cs0 @ x)
    # HNC closed-form excess chemical potential
    if pair.closure == "hnc":
        _, _, phi_long_r, _ = s._arrays()
        gamma = pair.gamma_s + phi_long_r
        integrand = 0.5 * h * gamma - pair.c_s
        mu = 4 * math.pi * np.sum(n[None, :, None] * r**2 * integrand, axis=(1, 2)) * dr
    else:
        mu = np.full(s.n_species, np.nan)
    nu = np.asarray(pair.electrolyte.nu, dtype=float)
    ions = s.charges != 0  # the mean ionic activity coefficient runs over the ions only
    if not np.any(ions):
        ions = np.ones_like(ions)
    ln_gamma = float(np.sum((nu * mu)[ions]) / np.sum(nu[ions]))
    # sum rules
    z = s.charges
    q0 = 4 * math.pi * np.sum(r**2 * h, axis=-1) * dr  # (n, n)
    neutral = (q0 @ (n * z)) + z  # should be 0 per species
    m2 = 4 * math.pi * np.sum(r**4 * h, axis=-1) * dr
    charged = lb > 0 and np.any(z != 0)
    sl = float((n * z) @ m2 @ (n * z)) / (-6.0 / (4 * math.pi * lb)) if charged else float("nan")
    return {
        "excess_energy": energy,
        "osmotic_coefficient": phi_virial,
        "inverse_compressibility": inv_comp,
        "ln_activity_coefficient_species": mu,
        "ln_activity_coefficient": ln_gamma,
        "contact_values": contact,
        # per species relative to its valence (neutral species: relative to the largest |z|)
        "electroneutrality_error": float(
            np.max(np.abs(neutral) / np.where(z != 0, np.abs(z), np.max(np.abs(z))))
        )
        if charged
        else 0.0,
        "stillinger_lovett_ratio": sl,
        # HNC excess Helmholtz energy per particle from the closed-form chemical potentials
        # and the virial pressure: beta A_ex/N = sum_i x_i beta mu_i - (phi - 1)
        "excess_free_energy": float(x @ mu - (phi_virial - 1.0))
        if pair.closure == "hnc"
        else float("nan"),
    }


def free_energy_by_charging(pair: PairCorrelation, *, points: int = 8) -> dict[str, float]:
    """HNC excess free energy by the energy route: charging the Coulomb interaction.

    beta A_ex/N = beta A_ex(lambda=0)/N + int_0^1 (beta U_ex(lambda)/N) dlambda/lambda, with
    l_B -> lambda l_B at fixed densities, diameters and extra potential. The uncharged
    reference beta A_ex(0)/N is the HNC closed form of the reference fluid (hard spheres,
    plus the extra potential). The integral is done by Gauss–Legendre quadrature in
    t = sqrt(lambda) (U ~ lambda^(3/2) at small coupling), each point solved by continuation
    from the previous one.

    Parameters
    ----------
    pair : PairCorrelation
        A converged HNC solution (its grid, densities and potentials are reused).
    points : int
        Quadrature points in (0, 1); 8 converge the integral to ~1e-5 relative, 16 to 1e-8.

    Returns
    -------
    dict
        ``excess_free_energy`` (energy route) [kT per particle], ``reference`` (lambda = 0)
        [kT per particle], ``charging`` (the integral) [kT per particle], and
        ``route_difference``: energy route minus the closed form
        (``thermodynamics["excess_free_energy"]``); the HNC closure derives from a free-energy
        functional (Morita & Hiroike 1960), so the two agree up to numerics.

    Notes
    -----
    The weakly charged states of the path have Debye lengths lambda_D/sqrt(lambda), longer
    than the box of the physical state: the route difference is dominated by the box size
    (NaCl(aq) 0.1 mol/L: 1.7e-4 kT with 25 lambda_D, 2.6e-6 with 100 lambda_D; 1 mol/L on
    16384 points: 6e-7), not by dr.

    References
    ----------
    T. Morita & K. Hiroike, Prog. Theor. Phys. 23, 1003 (1960).
    """
    import dataclasses

    if not isinstance(pair, PairCorrelation) or pair.closure != "hnc":
        raise ParameterError("pair", "must be an HNC PairCorrelation", pair)
    points = check_integer("points", points, minimum=2)
    if points > 64:
        raise ParameterError("points", "must be a whole number in [2, 64]", points)
    base = pair.system
    t, w = np.polynomial.legendre.leggauss(points)
    t, w = 0.5 * (t + 1.0), 0.5 * w

    def solved(coupling, start):
        system = dataclasses.replace(base, coupling=coupling, _cache={})
        state = iterate(system, start, tolerance=DEFAULT_TOLERANCE, max_iterations=2000)
        return system, state

    # lambda = 0: the reference fluid, its free energy from the same closed form
    ref_system, ref_state = solved(0.0, np.zeros_like(pair.gamma_s))
    ref = PairCorrelation(
        electrolyte=pair.electrolyte,
        concentration=pair.concentration,
        closure="hnc",
        system=ref_system,
        gamma_s=ref_state.gamma_s,
        c_s=ref_state.c_s,
        g_grid=ref_state.g,
        length_unit=pair.length_unit,
    )
    ref_a = _thermodynamics(ref)["excess_free_energy"]
    rho = float(base.densities.sum())
    nn = np.outer(base.densities, base.densities)[:, :, None]
    r, dr = base.grid.r, base.grid.dr
    integral, start = 0.0, ref_state.gamma_s
    for ti, wi in zip(t, w):
        system, state = solved(float(ti**2) * base.coupling, start)
        start = state.gamma_s
        # beta U_Coulomb/N at this coupling, divided by lambda = t^2; dlambda = 2 t dt
        u = (
            2
            * math.pi
            / rho
            * float(np.sum(nn * system.lb * system.zz[:, :, None] * r * (state.g - 1.0)))
            * dr
        )
        integral += wi * 2.0 * u / ti
    total = ref_a + integral
    return {
        "excess_free_energy": total,
        "reference": ref_a,
        "charging": integral,
        "route_difference": total - pair.thermodynamics["excess_free_energy"],
    }


def _validity(pair: PairCorrelation, h_k: np.ndarray | None = None) -> dict[str, tuple]:
    """Physical checks of a converged solution: (value, passed, requirement) per check.

    A state past the ionic-fluid spinodal (or on an unphysical branch of the closure)
    can satisfy the fixed-point equation to machine precision; it is recognised by a
    non-positive compressibility or structure factor, broken charge sum rules, or a
    cation–anion contact value that collapsed to ~0."""
    s = pair.system
    th = pair.thermodynamics
    tol = VALIDITY_TOLERANCES
    if h_k is None:
        h_k = pair._h_k()
    sq = np.sqrt(s.densities)
    sh = sq[:, None, None] * h_k * sq[None, :, None]  # S_ij(k) - delta_ij
    if s.n_species == 2:  # smallest eigenvalue of a symmetric 2 x 2 matrix, closed form
        a, b, d = 1.0 + sh[0, 0], sh[0, 1], 1.0 + sh[1, 1]
        s_min = float(np.min(0.5 * (a + d) - np.sqrt(0.25 * (a - d) ** 2 + b * b)))
    else:
        s_min = float(
            np.min(np.linalg.eigvalsh(np.eye(s.n_species)[None] + np.moveaxis(sh, -1, 0)))
        )
    out = {
        "inverse_compressibility": (
            float(th["inverse_compressibility"]),
            th["inverse_compressibility"] > 0,
            "> 0",
        ),
        "structure_factor": (s_min, s_min > 0, "> 0 at every k"),
    }
    if s.lb > 0 and np.any(s.charges != 0):
        en = float(th["electroneutrality_error"])
        out["electroneutrality"] = (
            en,
            en < tol["electroneutrality"],
            f"< {tol['electroneutrality']:g}",
        )
        sl = abs(float(th["stillinger_lovett_ratio"]) - 1.0)
        out["stillinger_lovett"] = (
            sl,
            sl < tol["stillinger_lovett"],
            f"|ratio - 1| < {tol['stillinger_lovett']:g}",
        )
    unlike = np.outer(s.charges, s.charges) < 0
    if pair.closure == "hnc" and s.extra is None and np.any(unlike):
        g_c = float(np.min(th["contact_values"][unlike]))
        out["unlike_contact"] = (g_c, g_c > tol["unlike_contact"], f"> {tol['unlike_contact']:g}")
    return {
        name: (float(value), bool(passed and np.isfinite(value)), need)
        for name, (value, passed, need) in out.items()
    }


# ---------------------------------------------------------------------------------------
# modes


def decay_modes(pair: PairCorrelation) -> xr.Dataset:
    """Decay modes of a solution over a ``mode`` dimension (slowest decaying first).

    Variables: ``kappa_real``, ``kappa_imag`` [1/m] (k = alpha_0 + i alpha_1),
    ``mode_decay_length`` [m], ``mode_wavelength`` [m] (NaN if monotonic), ``mode_kind``
    ("charge" | "number"), ``charge_fraction``, ``dressed_charge_ratio`` (real part of the
    charge-weighted q_eff/q), ``effective_permittivity`` (real part of E* of the mode),
    ``pole_residual`` (relative, |F/(k dF/dk)|). The dressed charge and effective
    permittivity are NaN for modes that do not couple to the charge density (charge
    fraction below 1e-8, e.g. the number modes of a symmetric electrolyte): there the
    dressed-ion quantities are undefined (I - C0 D is singular at such a pole).
    """
    modes = pair.modes
    ell = pair.length_unit
    eps = pair.electrolyte.permittivity
    n = pair.system.densities
    z = pair.system.charges
    k = np.array([m.k for m in modes], dtype=complex) / ell
    mono = np.array([m.monotonic for m in modes], dtype=bool)
    coupled = np.array([m.charge_fraction > COUPLED_FRACTION for m in modes], dtype=bool)
    q = z != 0  # neutral species carry no dressed charge
    ratio = np.array([np.sum((n * z**2 * m.dressed_charge)[q]) / np.sum(n * z**2) for m in modes])
    eps_mode = eps * np.array([m.permittivity_ratio.real for m in modes])
    ratio = np.where(coupled, ratio.real, np.nan)
    eps_mode = np.where(coupled, eps_mode, np.nan)
    with np.errstate(divide="ignore"):
        wave = np.where(mono, np.nan, 2 * np.pi / np.where(k.real > 0, k.real, 1.0))
    return make_dataset(
        {
            "kappa_real": ("mode", np.where(mono, 0.0, k.real)),
            "kappa_imag": ("mode", k.imag),
            "mode_decay_length": ("mode", 1.0 / k.imag),
            "mode_wavelength": ("mode", wave),
            "mode_kind": ("mode", np.array([m.kind for m in modes], dtype=str)),
            "charge_fraction": ("mode", np.array([m.charge_fraction for m in modes])),
            "dressed_charge_ratio": ("mode", ratio),
            "effective_permittivity": ("mode", eps_mode),
            "pole_residual": ("mode", np.array([m.residual for m in modes])),
        },
        {"mode": np.arange(len(modes))},
        model=f"oz-{pair.closure}-modes",
        parameters={
            "electrolyte": pair.electrolyte.describe(),
            "concentration": pair.concentration,
        },
        references=REFERENCES,
    )


# ---------------------------------------------------------------------------------------
# concentration scan with continuation


def scan(
    electrolyte: Electrolyte,
    concentrations: Sequence[float] | np.ndarray,
    closure: str = "hnc",
    *,
    keep: bool = False,
    **options,
) -> xr.Dataset | tuple[xr.Dataset, list[PairCorrelation]]:
    """Solve along increasing concentrations, each from its converged neighbour.

    Parameters
    ----------
    electrolyte : Electrolyte
    concentrations : array_like
        [mol/m^3], > 0 (sorted internally; the result is in the given order).
    closure : {"hnc", "msa"}
    keep : bool
        Also return the list of :class:`PairCorrelation` (in the given order).
    **options
        Passed to :func:`solve` (grid_points, dr, tolerance, ...). With ``grid_points``
        unset, one grid sized for the lowest concentration is used for the whole scan.

    Returns
    -------
    xarray.Dataset
        Over ``concentration``: ``excess_energy``, ``osmotic_coefficient`` (virial),
        ``osmotic_coefficient_compressibility`` (integrated compressibility route),
        ``route_difference`` (compressibility minus virial), ``inverse_compressibility``,
        ``ln_activity_coefficient``, ``iterations``, ``residual``, ``converged``.
    """
    c = _concentration_array("concentrations", concentrations)
    order = np.argsort(c)
    if not isinstance(electrolyte, Electrolyte):
        raise ParameterError("electrolyte", "must be an Electrolyte", electrolyte)
    if options.get("grid_points") is None:
        # one grid for the whole path, sized for the most dilute point
        dr_red = _check_dr(options.get("dr"), electrolyte)
        lengths = _real_scalar(
            "debye_lengths",
            options.get("debye_lengths", 25.0),
            low=5.0,
            high=1000.0,
            closed_low=True,
            closed_high=True,
        )
        _check_packing(electrolyte, float(c.max()))
        options["grid_points"] = _default_grid_points(electrolyte, float(c.min()), dr_red, lengths)
        options["dr"] = dr_red * float(np.min(electrolyte.diameters))
    results: list[PairCorrelation | None] = [None] * len(c)
    previous = None
    for idx in order:
        pair = (
            solve(electrolyte, c[idx], closure, initial=previous, **options)
            if previous is not None
            else solve(electrolyte, c[idx], closure, **options)
        )
        results[idx] = pair
        previous = pair
    ds = _scan_dataset(electrolyte, c, closure, results)
    return (ds, results) if keep else ds


def _compressibility_route(rho: np.ndarray, inv_comp: np.ndarray) -> np.ndarray:
    """phi = (1/rho) int_0^rho beta dP/drho' drho' with a DH-like sqrt(rho) start."""
    order = np.argsort(rho)
    rs, ys = rho[order], inv_comp[order] - 1.0
    s = np.sqrt(rs)
    a = ys[0] / s[0]  # (inv_comp - 1) ~ a sqrt(rho) below the first point
    base = (2.0 / 3.0) * a * rs[0] ** 1.5
    if len(rs) == 1:
        integral = np.array([base])
    else:
        spline = CubicSpline(np.concatenate([[0.0], s]), np.concatenate([[0.0], 2 * s * ys]))
        integral = base + np.array([spline.integrate(s[0], si) for si in s])
    out = np.empty_like(rho)
    out[order] = 1.0 + integral / rs
    return out


def _scan_dataset(electrolyte, c, closure, results) -> xr.Dataset:
    th = [p.thermodynamics for p in results]
    rho = np.array([float(p.system.densities.sum()) for p in results])
    inv_comp = np.array([t["inverse_compressibility"] for t in th])
    phi_v = np.array([t["osmotic_coefficient"] for t in th])
    phi_c = _compressibility_route(rho, inv_comp)
    return make_dataset(
        {
            "excess_energy": ("concentration", np.array([t["excess_energy"] for t in th])),
            "osmotic_coefficient": ("concentration", phi_v),
            "osmotic_coefficient_compressibility": ("concentration", phi_c),
            "route_difference": ("concentration", phi_c - phi_v),
            "inverse_compressibility": ("concentration", inv_comp),
            "ln_activity_coefficient": (
                "concentration",
                np.array([t["ln_activity_coefficient"] for t in th]),
            ),
            "iterations": ("concentration", np.array([p.iterations for p in results])),
            "residual": ("concentration", np.array([p.residual for p in results])),
            "converged": ("concentration", np.array([int(p.converged) for p in results])),
        },
        {"concentration": c},
        model=f"oz-{closure}-scan",
        parameters={
            "electrolyte": electrolyte.describe(),
            "closure": closure,
            "grid_points": results[0].system.grid.n_points,
            "dr": results[0].system.grid.dr * results[0].length_unit,
        },
        references=REFERENCES,
        attrs={"electrolyte": electrolyte.name},
    )


# ---------------------------------------------------------------------------------------
# screening-ladder targets


def hnc_screening_model(
    electrolyte: Electrolyte,
    concentration: np.ndarray,
    *,
    closure: str = "hnc",
    max_points: int = 40,
    coupling: float | None = None,
    **options,
) -> ScreeningModes:
    """The ``"dressed-ion-hnc"`` screening model: poles of the HNC charge correlations.

    For each concentration the OZ/HNC equation is solved (with continuation along the sorted
    concentrations) and the charge-channel decay modes are located in the complex k plane.
    Returned poles (per concentration, two columns): the slowest monotonic and the slowest
    oscillatory mode that couples to the charge density (NaN where absent in the trusted
    region), so that coexisting modes (the Kjellander scenario) are both reported; the
    ladder picks the slower one. In a symmetric electrolyte (RPM) only charge-channel modes
    couple; with size or charge asymmetry every mode appears in h_ZZ.

    Parameters
    ----------
    electrolyte : Electrolyte
    concentration : ndarray
        [mol/m^3], 1-D, > 0.
    closure : {"hnc", "msa"}
    max_points : int
        If more concentrations are requested, the model solves at ``max_points``
        log-spaced points and interpolates k (log Im k and Re k in log c) onto the request;
        subsampling that keeps ``screening_curves``/CLI fast.
    coupling : float, optional
        Not used here: the l_B/sigma of the Kirkwood-crossover calculation
        (:func:`hnc_kirkwood_crossover`), accepted so that ``screening_curves(...,
        options={"dressed-ion-hnc": {"coupling": ...}})`` reaches the crossover.
    **options
        Passed to :func:`solve` (``dr`` default sigma_min/50 here, ``grid_points``,
        ``tolerance``, ...).

    Returns
    -------
    ScreeningModes
        extras: ``dressed_charge_ratio`` and ``effective_permittivity`` of the leading mode
        (real parts), ``number_decay_length`` [m] of the slowest number-channel mode,
        ``osmotic_coefficient`` (virial), ``ln_activity_coefficient``.

    Warns
    -----
    ConvergenceWarning
        When some concentrations have no valid HNC state (no convergence, a state that
        fails the validity checks of :func:`solve`, or a leading pole whose relative
        residual exceeds :data:`POLE_TOLERANCE`); those points are marked invalid.
    """
    if not isinstance(electrolyte, Electrolyte):
        raise ParameterError("electrolyte", "must be an Electrolyte", electrolyte)
    c = _concentration_array("concentration", concentration)
    closure = check_choice("closure", closure, ["hnc", "msa"])
    max_points = check_integer("max_points", max_points, minimum=2)
    if coupling is not None:
        _real_scalar("coupling", coupling, low=0.0, high=20.0, unit="l_B/sigma")
    options = dict(options)
    modes, reasons = _hnc_screening(electrolyte, c, closure, max_points, options)
    bad = ~np.asarray(modes.valid, dtype=bool)
    if np.any(bad):
        counts = ", ".join(f"{n} {why}" for why, n in sorted(reasons.items()))
        warnings.warn(
            f"dressed-ion-hnc: no valid {closure.upper()} state at {int(bad.sum())} of {len(c)} "
            f"concentrations ({counts}; e.g. {float(c[bad][0]):.6g} mol/m^3); they are marked "
            "invalid",
            ConvergenceWarning,
            stacklevel=2,
        )
    return modes


def _hnc_screening(electrolyte, c, closure, max_points, options):
    """Body of :func:`hnc_screening_model`: (ScreeningModes, {reason: count of solved points})."""
    reasons: dict[str, int] = {}
    if options.get("dr") is None:
        # poles converge as O(dr^2); sigma/50 keeps them to ~1e-4 at half the cost
        options["dr"] = SCREENING_DR_FRACTION * float(np.min(electrolyte.diameters))
    # the c(r) tail that fixes the poles has decayed to 1e-12 within ~16 Debye lengths
    options.setdefault("debye_lengths", 16.0)
    if len(c) > max_points:
        c_solve = np.geomspace(c.min(), c.max(), max_points)
    else:
        c_solve = c
    order = np.argsort(c_solve)
    out = np.full((len(c_solve), 2), np.nan + 1j * np.nan)
    res = np.full((len(c_solve), 2), np.nan)
    valid = np.ones(len(c_solve), dtype=bool)
    qeff = np.full(len(c_solve), np.nan)
    eps_eff = np.full(len(c_solve), np.nan)
    number = np.full(len(c_solve), np.nan)
    phi = np.full(len(c_solve), np.nan)
    lng = np.full(len(c_solve), np.nan)
    previous = None
    for idx in order:
        try:
            _check_packing(electrolyte, float(c_solve[idx]))
        except ParameterError:
            # denser than the model can pack (the salt's diameters): no state, not bad input
            valid[idx] = False
            reasons["packing fraction >= 0.6"] = reasons.get("packing fraction >= 0.6", 0) + 1
            previous = None
            continue
        try:
            pair = solve(electrolyte, c_solve[idx], closure, initial=previous, **options)
        except ConvergenceError as err:
            valid[idx] = False
            why = "unphysical" if "unphysical" in str(err) else "not converged"
            reasons[why] = reasons.get(why, 0) + 1
            previous = None
            continue
        previous = pair
        modes = pair.modes
        ell = pair.length_unit
        # every mode that couples to the charge density at all: in a symmetric electrolyte the
        # number modes decouple exactly (charge fraction ~ 1e-30); with size or charge
        # asymmetry all modes appear in h_ZZ (Kjellander) and the slowest one rules
        coupled = [m for m in modes if m.charge_fraction > COUPLED_FRACTION]
        mono = [m for m in coupled if m.monotonic]
        osc = [m for m in coupled if not m.monotonic]
        if mono:
            out[idx, 0] = 1j * mono[0].k.imag / ell
            res[idx, 0] = mono[0].residual
        if osc:
            out[idx, 1] = osc[0].k / ell
            res[idx, 1] = osc[0].residual
        if coupled:
            lead = coupled[0]
            n, z = pair.system.densities, pair.system.charges
            q = z != 0
            qeff[idx] = float(
                np.real(np.sum((n * z**2 * lead.dressed_charge)[q]) / np.sum(n * z**2))
            )
            eps_eff[idx] = electrolyte.permittivity * lead.permittivity_ratio.real
            if not lead.residual < POLE_TOLERANCE:
                valid[idx] = False
                reasons["pole residual above 1e-10"] = (
                    reasons.get("pole residual above 1e-10", 0) + 1
                )
        else:
            valid[idx] = False
            reasons["no charge mode"] = reasons.get("no charge mode", 0) + 1
        numb = [m for m in modes if m.kind == "number"]
        if numb:
            number[idx] = ell / numb[0].k.imag
        phi[idx] = pair.thermodynamics["osmotic_coefficient"]
        lng[idx] = pair.thermodynamics["ln_activity_coefficient"]
    if len(c_solve) != len(c):
        lc, ls = np.log(c), np.log(c_solve)

        def interp(values):
            if np.iscomplexobj(values):
                # decay rates ~ power laws of c: interpolate log(Im k) in log c
                with np.errstate(invalid="ignore", divide="ignore"):
                    imag = np.exp(np.interp(lc, ls, np.log(values.imag)))
                return np.interp(lc, ls, values.real) + 1j * imag
            return np.interp(lc, ls, values)

        out = np.stack([interp(out[:, j]) for j in range(2)], axis=1)
        res = np.stack([interp(res[:, j]) for j in range(2)], axis=1)
        valid = np.interp(lc, ls, valid.astype(float)) > 0.999
        qeff, eps_eff, number, phi, lng = (interp(v) for v in (qeff, eps_eff, number, phi, lng))
        # between a monotonic and an oscillatory subsample point (around the Kirkwood
        # crossover) neither pole column interpolates: solve those concentrations directly
        gap = valid & ~np.any(np.isfinite(out.imag), axis=1)
        if np.any(gap):
            direct, more = _hnc_screening(
                electrolyte, c[gap], closure, max(int(gap.sum()), 2), options
            )
            for why, count in more.items():
                reasons[why] = reasons.get(why, 0) + count
            out[gap], res[gap], valid[gap] = direct.poles, direct.residual, direct.valid
            for values, name in (
                (qeff, "dressed_charge_ratio"),
                (eps_eff, "effective_permittivity"),
                (phi, "osmotic_coefficient"),
                (lng, "ln_activity_coefficient"),
            ):
                values[gap] = direct.extra[name]
            number[gap] = direct.extra["number_decay_length"][0]
    modes = ScreeningModes(
        poles=out,
        residual=res,
        valid=valid,
        extra={
            "dressed_charge_ratio": qeff,
            "effective_permittivity": eps_eff,
            "number_decay_length": (number, "m", "decay length of the slowest number-channel mode"),
            "osmotic_coefficient": phi,
            "ln_activity_coefficient": lng,
        },
        parameters={
            "closure": closure,
            "max_points": max_points,
            "subsampled": int(len(c_solve) != len(c)),
            **{k: v for k, v in options.items() if isinstance(v, (int, float, str))},
        },
        references=REFERENCES,
        invalid_label="invalid",
    )
    return modes, reasons


#: default state of the Kirkwood-crossover computation: aqueous 1:1 RPM at 298.15 K,
#: eps_r = 78.4, sigma = 0.425 nm (Rasaiah & Friedman's a = 4.25 Å): l_B/sigma = 1.682
KIRKWOOD_REFERENCE = {"permittivity": 78.4, "temperature": 298.15, "diameter": 0.425e-9}


def _rpm(coupling: float | None) -> Electrolyte:
    ref = KIRKWOOD_REFERENCE
    solvent = Solvent("water", permittivity=ref["permittivity"], temperature=ref["temperature"])
    e = Electrolyte(
        Ion("A+", +1, ref["diameter"]), Ion("B-", -1, ref["diameter"]), solvent, name="RPM"
    )
    if coupling is not None:
        # choose the permittivity that gives l_B/sigma = coupling at the reference T and sigma
        eps = ref["permittivity"] * (e.bjerrum_length / ref["diameter"]) / coupling
        solvent = Solvent("water", permittivity=eps, temperature=ref["temperature"])
        e = Electrolyte(
            Ion("A+", +1, ref["diameter"]), Ion("B-", -1, ref["diameter"]), solvent, name="RPM"
        )
    return e


def _charge_axis_max(pair: PairCorrelation) -> float:
    """max over kappa of the RPM charge pole function on the imaginary axis (> 0: two
    monotonic roots exist, i.e. below the Kirkwood crossover). The search is limited to
    kappa < 1.9 x the slowest decay rate (the trusted region of the HNC transform)."""
    pf = pair._pole_function()
    kd = pair._kappa_d_reduced()
    modes = pair.modes
    limit = pf.k_imag_limit
    if modes:
        limit = min(limit, 1.9 * min(m.k.imag for m in modes))
    kap = np.linspace(0.2 * kd, limit, 400)
    vals = charge_axis_function(pf, kap)
    i = int(np.argmax(vals))
    lo, hi = kap[max(i - 1, 0)], kap[min(i + 1, len(kap) - 1)]
    fine = np.linspace(lo, hi, 101)
    return float(np.max(charge_axis_function(pf, fine)))


@functools.lru_cache(maxsize=16)
def _kirkwood_cached(coupling, closure, dr_fraction, tolerance):
    e = _rpm(coupling)
    sigma = KIRKWOOD_REFERENCE["diameter"]
    kd_per_sqrt_c = float(inverse_debye_length(e, 1.0))
    conc = lambda x: (x / sigma / kd_per_sqrt_c) ** 2  # noqa: E731
    opts = {
        "dr": dr_fraction * sigma,
        "grid_points": scipy.fft.next_fast_len(int(40 / dr_fraction)),
    }
    cache: dict[float, PairCorrelation] = {}

    def m(x):
        prev = min(cache.items(), key=lambda kv: abs(kv[0] - x))[1] if cache else None
        pair = solve(e, conc(x), closure, initial=prev, **opts)
        cache[x] = pair
        return _charge_axis_max(pair)

    xs = np.arange(0.8, 2.01, 0.1)
    prev_x, prev_v = None, None
    for x in xs:
        v = m(float(x))
        if prev_v is not None and prev_v > 0 >= v:
            lo, hi, flo = prev_x, float(x), prev_v
            fhi = v
            while hi - lo > tolerance:
                mid = 0.5 * (lo + hi)
                fm = m(mid)
                if fm > 0:
                    lo, flo = mid, fm
                else:
                    hi, fhi = mid, fm
            return lo - flo * (hi - lo) / (fhi - flo)
        prev_x, prev_v = float(x), v
    raise ConvergenceError(
        f"no Kirkwood crossover of the {closure.upper()} RPM found for 0.8 <= kappa_D sigma <= 2.0"
    )


def hnc_kirkwood_crossover(
    *,
    coupling: float | None = None,
    electrolyte: Electrolyte | None = None,
    closure: str = "hnc",
    dr_fraction: float = 1.0 / 64.0,
    tolerance: float = 2e-3,
) -> float:
    """kappa_D sigma at the Kirkwood crossover of the HNC restricted primitive model.

    Found by scanning the concentration of a 1:1 RPM (with continuation) and locating where
    the two monotonic charge-channel poles on the imaginary k axis merge (the maximum of the
    imaginary-axis pole function crosses zero), refined by bisection to ``tolerance`` in
    kappa_D sigma. Cached per argument set.

    Parameters
    ----------
    coupling : float, optional
        l_B/sigma of the RPM. Default: aqueous 1:1 at 298.15 K, eps_r = 78.4,
        sigma = 0.425 nm (l_B/sigma = 1.682, Rasaiah & Friedman's model), or that of
        ``electrolyte``.
    electrolyte : Electrolyte, optional
        Take the coupling l_B/sigma from this salt (Bjerrum length over its contact
        diameter) when ``coupling`` is not given; :func:`~ionscales.theory.screening_curves`
        passes the salt it is computing. The crossover is that of the RPM at this coupling
        (for size- or charge-asymmetric salts an approximation).
    closure : {"hnc", "msa"}
        "msa" reproduces the analytic MSA crossover 1.2287 (check of the method).
    dr_fraction : float
        Grid spacing / sigma.
    tolerance : float
        Bisection tolerance in kappa_D sigma.

    Returns
    -------
    float
        kappa_D sigma at the crossover. With ``electrolyte`` (and no ``coupling``), NaN with
        a ``ConvergenceWarning`` when the HNC has no solution along the path.

    Raises
    ------
    ConvergenceError
        When no crossover is found for 0.8 <= kappa_D sigma <= 2 (explicit ``coupling``).
    """
    closure = check_choice("closure", closure, ["hnc", "msa"])
    if coupling is None and electrolyte is not None:
        if not isinstance(electrolyte, Electrolyte):
            raise ParameterError("electrolyte", "must be an Electrolyte", electrolyte)
        coupling = electrolyte.bjerrum_length / electrolyte.contact_diameter
        if not (0 < coupling < 20):
            raise ParameterError(
                "electrolyte",
                f"coupling l_B/sigma = {coupling:.4g} of this salt is "
                "outside the range (0, 20) of the HNC crossover calculation",
            )
    if coupling is not None:
        coupling = _real_scalar("coupling", coupling, low=0.0, high=20.0, unit="l_B/sigma")
    dr_fraction = _real_scalar(
        "dr_fraction",
        dr_fraction,
        low=1e-3,
        high=0.1,
        closed_low=True,
        closed_high=True,
        unit="dr/sigma",
    )
    tolerance = _real_scalar(
        "tolerance", tolerance, low=1e-6, high=0.1, closed_low=True, unit="kappa_D sigma"
    )
    if electrolyte is None:
        return _kirkwood_cached(coupling, closure, dr_fraction, tolerance)
    try:
        return _kirkwood_cached(coupling, closure, dr_fraction, tolerance)
    except ConvergenceError as err:
        # the crossover of a salt's curve set: a missing crossover is reported, not fatal
        warnings.warn(
            f"no {closure.upper()} Kirkwood crossover for {electrolyte.name} (l_B/sigma = "
            f"{coupling:.4g}): {str(err).splitlines()[0][:200]}; reported as NaN",
            ConvergenceWarning,
            stacklevel=2,
        )
        return float("nan")
