"""Typed, frozen states of the aggregation models.

:class:`Composition` is the lattice composition of a set of state points (numbers per
lattice site, the site volume that converts them to mol/m^3); :class:`AggregationState`
adds the association probabilities and everything derived from them (free, sol and gel
fractions, cluster sizes) and evaluates the cluster distribution on demand. These are the
objects that fitting, the command line and the screening/transport bridges use: a model's
:meth:`~ionscales.theory.aggregation.AggregationModel.state` returns one.

Arrays run over the state points (first axis); per-site quantities are numbers per
lattice site [1] and molar ones mol/m^3.
"""

from __future__ import annotations

import dataclasses
import functools
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
from scipy.special import gammaln

from ionscales.constants import avogadro
from ionscales.theory.aggregation.kernels import (
    cluster_distribution,
    gel_parameter,
    sol_fractions,
    stockmayer_log_weight_grid,
    weight_average_size,
)

__all__ = ["Composition", "AggregationState"]


def _take(obj, index, skip=()):
    """Copy of a frozen dataclass with every ndarray field indexed along its first axis."""
    changes = {}
    for f in dataclasses.fields(obj):
        v = getattr(obj, f.name)
        if f.name in skip:
            continue
        if isinstance(v, np.ndarray) and v.ndim >= 1:
            changes[f.name] = v[index]
    return dataclasses.replace(obj, **changes)


def _take_site_volume(comp, index):
    return comp.site_volume[index]


def _repeat_site_volume(comp, n):
    return np.repeat(comp.site_volume, n)


@dataclass(frozen=True, eq=False)
class Composition:
    """Lattice composition of a set of state points.

    Attributes
    ----------
    variable : str
        Name of the state variable the points are given in ("concentration", "molality",
        "volume_fraction", "salt_fraction" or "temperature" for a temperature sweep).
    values : ndarray
        Values of that variable (its SI unit).
    phi_cation, phi_anion, phi_solvent, phi_inert : ndarray
        Volume fractions [1] (the lattice is incompressible: they sum to 1).
    c_cation, c_anion, c_inert : ndarray
        Molecules per lattice site [1] (associating cation, anion, inert IL cation).
    site_volume : ndarray
        Lattice site volume v0 [m^3] per state point (NaN if unknown): the solution volume
        over the number of lattice sites. Given as an array, or (``site_volume_source``) a
        callable evaluated on first use: only molar outputs need it, so a state used for
        probabilities alone never touches the density data.
    molality : ndarray or None
        Salt molality [mol/kg] when known.
    scalar : bool
        The state was given as a scalar (results drop the state dimension).
    swept_from, swept_value
        For a temperature sweep: the fixed state variable and its value.
    """

    variable: str
    values: np.ndarray
    phi_cation: np.ndarray
    phi_anion: np.ndarray
    phi_solvent: np.ndarray
    phi_inert: np.ndarray
    c_cation: np.ndarray
    c_anion: np.ndarray
    c_inert: np.ndarray
    site_volume_source: np.ndarray | Callable[[], np.ndarray]
    molality: np.ndarray | None = None
    scalar: bool = False
    swept_from: str = ""
    swept_value: float = float("nan")

    @functools.cached_property
    def site_volume(self) -> np.ndarray:
        """Lattice site volume v0 [m^3] per state point (NaN if unknown)."""
        src = self.site_volume_source
        values = src() if callable(src) else src
        return np.broadcast_to(np.asarray(values, dtype=float), self.values.shape).copy()

    @property
    def size(self) -> int:
        """Number of state points."""
        return int(self.values.size)

    @property
    def has_molar_scale(self) -> bool:
        """True when every point has a site volume (molar outputs are possible)."""
        return bool(np.all(np.isfinite(self.site_volume)))

    def molar(self, per_site) -> np.ndarray:
        """Numbers per site (first axis over the state points) -> mol/m^3 (NaN without v0)."""
        arr = np.asarray(per_site, dtype=float)
        v0 = np.broadcast_to(self.site_volume, (self.size,))
        return arr / (avogadro * v0.reshape((-1,) + (1,) * max(arr.ndim - 1, 0)))

    def take(self, index) -> Composition:
        """The state points selected by ``index`` (an integer array or a boolean mask)."""
        src = self.site_volume_source
        if callable(src):
            src = functools.partial(_take_site_volume, self, index)
        out = _take(self, index, skip=("site_volume_source",))
        return dataclasses.replace(out, scalar=False, site_volume_source=src)

    def repeated(self, temperature: np.ndarray) -> Composition:
        """This single state point repeated over a temperature array [K]."""
        n = temperature.size

        def rep(a):
            return None if a is None else np.repeat(np.atleast_1d(a), n)

        return Composition(
            "temperature",
            temperature,
            rep(self.phi_cation),
            rep(self.phi_anion),
            rep(self.phi_solvent),
            rep(self.phi_inert),
            rep(self.c_cation),
            rep(self.c_anion),
            rep(self.c_inert),
            functools.partial(_repeat_site_volume, self, n),
            rep(self.molality),
            False,
            self.variable,
            float(self.values[0]),
        )


@dataclass(frozen=True, eq=False)
class AggregationState:
    """Association probabilities and the derived state of a set of state points.

    Build it with :meth:`from_probabilities` (the models do); every array runs over the
    state points of :attr:`composition`.

    Attributes
    ----------
    composition : Composition
    f_cation, f_anion : int
        Functionalities [1].
    charges : (float, float)
        Valences of the associating cation and anion [1].
    association : ndarray
        Lambda [1] used at each point (Lambda~ in the sticky model).
    p_cation, p_anion : ndarray
        Total (sol + gel) association probabilities p+-, p-+ [1].
    q_cation, q_anion : ndarray
        1 - p_cation, 1 - p_anion computed without cancellation [1].
    sol_cation, sol_anion : ndarray
        Fractions of cations (anions) in the sol [1].
    p_cation_sol, p_anion_sol : ndarray
        Association probabilities within the sol [1].
    gel_parameter : ndarray
        (f+ - 1)(f- - 1) p+ p- [1] (> 1: gelled).
    free_cation_fraction, free_anion_fraction, ion_pair_fraction : ndarray
        Cations with no anion, free anions, cations in (1, 1) pairs [1].
    number_average_size, weight_average_size, cluster_number : ndarray
        Sol cluster sizes [1] and sol clusters per site [1]. The sizes are intensive: at a
        point without ions (c = 0) they are the c -> 0 limit (1: free ions).
    residual : float
        Worst mass-action / bond-balance residual of the solve.
    iterations : int
    p_cation_solvent, p_solvent, free_site_fraction, bare_cation_fraction : ndarray or None
        Solvated models only: p+0, p0+, 1 - p+- - p+0 and the fraction of bare cations.
    temperature : ndarray or None
        [K] when the association followed a temperature.
    """

    composition: Composition
    f_cation: int
    f_anion: int
    charges: tuple[float, float]
    association: np.ndarray
    p_cation: np.ndarray
    p_anion: np.ndarray
    q_cation: np.ndarray
    q_anion: np.ndarray
    sol_cation: np.ndarray
    sol_anion: np.ndarray
    p_cation_sol: np.ndarray
    p_anion_sol: np.ndarray
    gel_parameter: np.ndarray
    free_cation_fraction: np.ndarray
    free_anion_fraction: np.ndarray
    ion_pair_fraction: np.ndarray
    number_average_size: np.ndarray
    weight_average_size: np.ndarray
    cluster_number: np.ndarray
    residual: float = 0.0
    iterations: int = 1
    p_cation_solvent: np.ndarray | None = None
    p_solvent: np.ndarray | None = None
    free_site_fraction: np.ndarray | None = None
    bare_cation_fraction: np.ndarray | None = None
    temperature: np.ndarray | None = None

    @classmethod
    def from_probabilities(
        cls,
        composition: Composition,
        *,
        f_cation: int,
        f_anion: int,
        charges=(1.0, -1.0),
        association,
        p_cation,
        p_anion,
        q_cation=None,
        q_anion=None,
        residual: float = 0.0,
        iterations: int = 1,
        p_cation_solvent=None,
        p_solvent=None,
        free_site_fraction=None,
        bare_cation_fraction=None,
        temperature=None,
    ) -> AggregationState:
        """The full state from the association probabilities of ``composition``."""
        pc, pa = np.asarray(p_cation, float), np.asarray(p_anion, float)
        qc = 1 - pc if q_cation is None else np.asarray(q_cation, float)
        qa = 1 - pa if q_anion is None else np.asarray(q_anion, float)
        f_c, f_a = f_cation, f_anion
        sol_c, sol_a, pc_sol, pa_sol = sol_fractions(pc, pa, f_cation=f_c, f_anion=f_a)
        cc, ca = composition.c_cation, composition.c_anion
        sol_ions = cc * sol_c + ca * sol_a
        n_clusters = sol_ions - f_c * cc * sol_c * pc_sol
        # the average sizes are intensive (ratios at fixed p's): where there are no ions
        # (c = 0) they take their c -> 0 limit, evaluated with the electroneutral ion ratio
        # c+ : c- = |z-| : z+ and the p's of that point (1, free ions, when p -> 0)
        empty = (np.broadcast_to(cc, pc.shape) + np.broadcast_to(ca, pc.shape)) <= 0
        if np.any(empty):
            cc = np.where(empty, abs(float(charges[1])), cc)
            ca = np.where(empty, abs(float(charges[0])), ca)
        sizes_ions = cc * sol_c + ca * sol_a
        sizes_clusters = sizes_ions - f_c * cc * sol_c * pc_sol
        with np.errstate(invalid="ignore", divide="ignore"):
            number_avg = np.where(sizes_clusters > 0, sizes_ions / sizes_clusters, np.nan)
            weight_avg = weight_average_size(
                cc * sol_c, ca * sol_a, pc_sol, pa_sol, f_cation=f_c, f_anion=f_a
            )
        return cls(
            composition=composition,
            f_cation=f_c,
            f_anion=f_a,
            charges=(float(charges[0]), float(charges[1])),
            association=np.broadcast_to(np.asarray(association, float), pc.shape).copy(),
            p_cation=pc,
            p_anion=pa,
            q_cation=qc,
            q_anion=qa,
            sol_cation=sol_c,
            sol_anion=sol_a,
            p_cation_sol=pc_sol,
            p_anion_sol=pa_sol,
            gel_parameter=gel_parameter(pc, pa, f_cation=f_c, f_anion=f_a),
            free_cation_fraction=qc**f_c,
            free_anion_fraction=qa**f_a,
            ion_pair_fraction=f_c * pc * qc ** (f_c - 1) * qa ** (f_a - 1),
            number_average_size=number_avg,
            weight_average_size=weight_avg,
            cluster_number=n_clusters,
            residual=float(residual),
            iterations=int(iterations),
            p_cation_solvent=p_cation_solvent,
            p_solvent=p_solvent,
            free_site_fraction=free_site_fraction,
            bare_cation_fraction=bare_cation_fraction,
            temperature=None
            if temperature is None
            else np.broadcast_to(np.asarray(temperature, float), pc.shape).copy(),
        )

    # -- views ----------------------------------------------------------------------------
    @property
    def size(self) -> int:
        """Number of state points."""
        return self.composition.size

    @property
    def solvated(self) -> bool:
        """True for the solvated models (cation sites also bind solvent)."""
        return self.p_cation_solvent is not None

    @property
    def cation_concentration(self) -> np.ndarray:
        """Total associating-cation concentration (sol + gel) [mol/m^3]."""
        return self.composition.molar(self.composition.c_cation)

    @property
    def anion_concentration(self) -> np.ndarray:
        """Total anion concentration (sol + gel) [mol/m^3]."""
        return self.composition.molar(self.composition.c_anion)

    @property
    def inert_concentration(self) -> np.ndarray:
        """Inert (IL) cation concentration [mol/m^3]."""
        return self.composition.molar(self.composition.c_inert)

    def take(self, index) -> AggregationState:
        """The state points selected by ``index`` (an integer array or a boolean mask)."""
        out = _take(self, index, skip=("composition",))
        return dataclasses.replace(out, composition=self.composition.take(index))

    # -- cluster distribution ---------------------------------------------------------------
    def cluster_distribution(self, max_size: int, *, log_weight=None) -> np.ndarray:
        """Sol cluster concentrations c_lm per lattice site, shape (n, max_size+1, max_size+1)."""
        comp = self.composition
        if log_weight is None:
            log_weight = stockmayer_log_weight_grid(
                max_size, f_cation=self.f_cation, f_anion=self.f_anion
            )
        return cluster_distribution(
            comp.c_cation,
            comp.c_anion,
            self.p_cation,
            self.p_anion,
            f_cation=self.f_cation,
            f_anion=self.f_anion,
            max_cation=max_size,
            max_anion=max_size,
            q_cation=self.q_cation,
            q_anion=self.q_anion,
            log_weight=log_weight,
        )

    def cluster_concentration(self, max_size: int) -> np.ndarray:
        """Sol cluster concentrations c_lm [mol/m^3] (NaN without a site volume)."""
        return self.composition.molar(self.cluster_distribution(max_size))

    def bound_solvent_probability(self) -> np.ndarray:
        """Probability that a cation site not bonded to an anion holds a solvent molecule [1]
        (1 in the sticky model, 0 without solvent)."""
        if not self.solvated:
            return np.zeros_like(self.p_cation)
        with np.errstate(invalid="ignore", divide="ignore"):
            q = np.where(
                self.q_cation > 0,
                self.p_cation_solvent / np.where(self.q_cation > 0, self.q_cation, 1.0),
                1.0,
            )
        return np.clip(q, 0.0, 1.0)

    def solvent_resolved(self, clusters: np.ndarray) -> np.ndarray:
        """Split c_lm (last two axes l, m) over bound solvent s: binom(n_lm, s) q^s (1-q)^(n_lm - s).

        ``n_lm = f+ l - l - m + 1`` is the number of cation sites of the tree not used by
        cation–anion bonds and q :meth:`bound_solvent_probability`. Returns an array with a
        trailing ``n_solvent`` axis.
        """
        size = clusters.shape[-1] - 1
        f_c = self.f_cation
        l = np.arange(size + 1)[:, None]
        m = np.arange(size + 1)[None, :]
        n_free = np.maximum(f_c * l - l - m + 1, 0) * (l > 0)
        s = np.arange(int(n_free.max()) + 1)
        q = self.bound_solvent_probability()[:, None, None, None]
        nn = n_free[None, :, :, None].astype(float)
        ss = s[None, None, None, :].astype(float)
        valid = ss <= nn
        lnbinom = np.where(
            valid, gammaln(nn + 1) - gammaln(ss + 1) - gammaln(np.maximum(nn - ss, 0) + 1), -np.inf
        )
        tiny = 1e-300
        with np.errstate(invalid="ignore"):
            lnp = (
                lnbinom
                + ss * np.log(np.maximum(q, tiny))
                + (nn - ss) * np.log(np.maximum(1 - q, tiny))
            )
        weights = np.where(valid, np.exp(lnp), 0.0)
        return clusters[..., None] * weights
