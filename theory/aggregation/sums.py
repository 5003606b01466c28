"""Cluster sums without silent truncation.

Every observable that sums over sol clusters (carrier ionic strength, conductivity,
transference, effective charge) is evaluated by :func:`converged_cluster_sums`: the largest
cluster size N starts at a given value and is doubled, per state point, until

* the fraction of all cations and of all anions in sol clusters beyond N (known exactly,
  since sum_lm l c_lm = c+ w+^sol) is at most ``tolerance``, and
* every requested sum changed by at most ``tolerance`` times its absolute scale
  (sum |w_lm| c_lm) between N/2 and N.

Near the gel point the sol distribution develops a power-law tail (c_lm ~ s^(-5/2) at the
critical point) and the sums converge arbitrarily slowly: where ``size_limit`` is reached
first, the sums at the limit are returned with ``converged = False`` and the caller warns
(:class:`~ionscales.errors.ConvergenceWarning`).
"""

from __future__ import annotations

import warnings
from collections.abc import Callable, Mapping
from dataclasses import dataclass

import numpy as np

from ionscales.errors import ConvergenceWarning
from ionscales.theory.aggregation.kernels import stockmayer_log_weight_grid
from ionscales.theory.aggregation.state import AggregationState
from ionscales.validation import check_integer, check_quantity

__all__ = [
    "ClusterSums",
    "converged_cluster_sums",
    "separable_cluster_sums",
    "DEFAULT_TOLERANCE",
    "DEFAULT_SIZE_LIMIT",
]

#: default relative tolerance of every cluster sum and of the truncated ion fractions
DEFAULT_TOLERANCE = 1e-6
#: default largest cluster size (l and m) the sums may grow to
DEFAULT_SIZE_LIMIT = 2048
#: at most this many grid cells are held in memory at once
_CELL_BUDGET = 2.0e7

Weight = Callable[[np.ndarray, np.ndarray], np.ndarray]


@dataclass(frozen=True, eq=False)
class ClusterSums:
    """Converged cluster sums of an :class:`AggregationState` (arrays over its points).

    Attributes
    ----------
    sums : dict of str -> ndarray
        sum_lm w_lm c_lm per state point (per lattice site, like c_lm).
    size : ndarray of int
        Largest l and m reached at each point.
    converged : ndarray of bool
        Whether each point met the tolerance before ``size_limit``.
    truncated_fraction : ndarray
        Fraction of all ions (cations or anions, the larger) in sol clusters beyond ``size``.
    change : ndarray
        Largest relative change of a sum between size/2 and size.
    tolerance : float
    size_limit : int
    """

    sums: dict
    size: np.ndarray
    converged: np.ndarray
    truncated_fraction: np.ndarray
    change: np.ndarray
    tolerance: float
    size_limit: int

    def attrs(self) -> dict:
        """Dataset attributes recording the truncation rule and what it achieved."""
        return {
            "cluster_sum_tolerance": self.tolerance,
            "cluster_sum_size_limit": self.size_limit,
            "cluster_sum_max_size": int(np.max(self.size, initial=0)),
            "cluster_sum_converged": bool(np.all(self.converged)),
            "cluster_sum_truncated_fraction": float(np.max(self.truncated_fraction, initial=0.0)),
            "cluster_sum_rule": "largest cluster size doubled until the ion fraction beyond it and "
            "the change of every cluster sum between size/2 and size are <= tolerance",
        }

    def warn_if_unconverged(self, what: str) -> None:
        """Warn (ConvergenceWarning) when some point did not meet the tolerance."""
        if not np.all(self.converged):
            bad = int(np.sum(~self.converged))
            warnings.warn(
                f"{what}: cluster sums not converged to {self.tolerance:g} at {bad} state point(s) "
                f"within size_limit = {self.size_limit} (truncated ion fraction up to "
                f"{float(np.max(self.truncated_fraction)):.2g}, change up to "
                f"{float(np.max(self.change)):.2g}); near the gel point the sol tail decays too slowly "
                "(raise size_limit or tolerance)",
                ConvergenceWarning,
                stacklevel=3,
            )


def check_tolerance(tolerance) -> float:
    """A relative tolerance in (0, 0.1] (ParameterError otherwise)."""
    return check_quantity(
        "tolerance", tolerance, low=0.0, high=0.1, low_inclusive=False, scalar=True
    )


def converged_cluster_sums(
    state: AggregationState,
    weights: Mapping[str, Weight],
    *,
    start: int = 16,
    tolerance: float = DEFAULT_TOLERANCE,
    size_limit: int = DEFAULT_SIZE_LIMIT,
) -> ClusterSums:
    """Sums sum_lm w_lm c_lm over sol clusters, grown in size until converged.

    Parameters
    ----------
    state : AggregationState
    weights : mapping of str -> callable
        ``w(l, m)`` for integer grids l (column) and m (row) broadcast to (N+1, N+1).
    start : int
        First largest size N [1], >= 2.
    tolerance : float
        Relative tolerance (see the module notes), in (0, 0.1].
    size_limit : int
        Largest N tried [1].

    Returns
    -------
    ClusterSums
    """
    start = check_integer("max_size", start, minimum=1)
    start = max(start, 2)
    tolerance = check_tolerance(tolerance)
    size_limit = check_integer("size_limit", size_limit, minimum=2)
    size_limit = max(size_limit, start)
    n = state.size
    sums = {k: np.zeros(n) for k in weights}
    size = np.zeros(n, dtype=np.int64)
    converged = np.zeros(n, dtype=bool)
    truncated = np.zeros(n)
    change = np.zeros(n)
    comp = state.composition
    total_c = comp.c_cation
    total_a = comp.c_anion
    sol_c = total_c * state.sol_cation
    sol_a = total_a * state.sol_anion
    pending = np.arange(n)
    big = start
    while pending.size:
        l = np.arange(big + 1)[:, None]
        m = np.arange(big + 1)[None, :]
        lnw = stockmayer_log_weight_grid(big, f_cation=state.f_cation, f_anion=state.f_anion)
        w = {k: np.broadcast_to(np.asarray(f(l, m), float), lnw.shape) for k, f in weights.items()}
        half = big // 2 + 1
        chunk = max(1, int(_CELL_BUDGET // lnw.size))
        done_mask = np.zeros(pending.size, dtype=bool)
        last = big >= size_limit
        for s0 in range(0, pending.size, chunk):
            idx = pending[s0 : s0 + chunk]
            c = state.take(idx).cluster_distribution(big, log_weight=lnw)
            with np.errstate(invalid="ignore", divide="ignore"):
                miss_c = np.where(
                    total_c[idx] > 0,
                    (sol_c[idx] - np.einsum("kij,i->k", c, l[:, 0]))
                    / np.where(total_c[idx] > 0, total_c[idx], 1.0),
                    0.0,
                )
                miss_a = np.where(
                    total_a[idx] > 0,
                    (sol_a[idx] - np.einsum("kij,j->k", c, m[0]))
                    / np.where(total_a[idx] > 0, total_a[idx], 1.0),
                    0.0,
                )
            trunc = np.maximum(np.abs(miss_c), np.abs(miss_a))
            worst = np.zeros(idx.size)
            values = {}
            for k, wk in w.items():
                full = np.einsum("kij,ij->k", c, wk)
                part = np.einsum("kij,ij->k", c[:, :half, :half], wk[:half, :half])
                scale = np.einsum("kij,ij->k", c, np.abs(wk))
                with np.errstate(invalid="ignore", divide="ignore"):
                    rel = np.where(
                        scale > 0, np.abs(full - part) / np.where(scale > 0, scale, 1.0), 0.0
                    )
                worst = np.maximum(worst, rel)
                values[k] = full
            ok = (trunc <= tolerance) & (worst <= tolerance)
            take = ok | last
            sel = idx[take]
            for k in values:
                sums[k][sel] = values[k][take]
            size[sel] = big
            converged[sel] = ok[take]
            truncated[sel] = trunc[take]
            change[sel] = worst[take]
            done_mask[s0 : s0 + chunk] = take
        pending = pending[~done_mask]
        big = min(2 * big, size_limit)
    return ClusterSums(sums, size, converged, truncated, change, tolerance, size_limit)


def _one_blas_thread():
    """Context limiting BLAS to one thread (threadpoolctl, installed with MDAnalysis and
    scikit-learn); a no-op without it."""
    try:
        from threadpoolctl import threadpool_limits
    except ImportError:  # pragma: no cover - optional
        import contextlib

        return contextlib.nullcontext()
    return threadpool_limits(1, user_api="blas")


def separable_cluster_sums(state, weights, *, start, tolerance, size_limit, batch=48):
    """:func:`converged_cluster_sums`, same rule, by matrix products (many similar states).

    The Flory–Stockmayer distribution is separable, ln c_lm = ln W_lm + l X + m Y + Z
    (l >= 1; :func:`~ionscales.theory.aggregation.cluster_distribution`), so for a batch of
    similar states with reference (X0, Y0) = (max X, max Y)
    ``sum_lm w_lm c_lm = e^Z sum_l e^{l (X - X0)} sum_m [w_lm e^{ln W_lm + l X0 + m Y0}]
    e^{m (Y - Y0)}``: one matrix product per weight instead of the (state, l, m) tensor. The
    truncation rule is the aggregation module's, unchanged: per state the size is doubled
    from ``start`` until the ion fraction beyond it and every sum's change between size/2
    and size are <= ``tolerance`` (values taken at the first size that meets it, or at
    ``size_limit`` with ``converged = False``). Batches whose reference terms would overflow
    (and states without bonds) go to ``converged_cluster_sums`` itself; tested equal to it.
    Weights must be non-negative (then the scale sum |w| c of the rule is the sum).
    """
    comp = state.composition
    n = state.size
    cc = np.broadcast_to(np.asarray(comp.c_cation, float), (n,))
    ca = np.broadcast_to(np.asarray(comp.c_anion, float), (n,))
    pc, pa = state.p_cation, state.p_anion
    qc, qa = state.q_cation, state.q_anion
    fp, fm = state.f_cation, state.f_anion
    tiny = 1e-300
    with np.errstate(divide="ignore"):
        lpc, lpa = np.log(np.maximum(pc, tiny)), np.log(np.maximum(pa, tiny))
        lqc, lqa = np.log(np.maximum(qc, tiny)), np.log(np.maximum(qa, tiny))
        x_coef = lpa + (fp - 1) * lqc - lqa
        y_coef = lpc - lqc + (fm - 1) * lqa
        z_coef = np.log(fp * cc) - lpa + lqc + lqa
    c01 = ca * qa**fm
    sol_c, sol_a = cc * state.sol_cation, ca * state.sol_anion
    names = list(weights)
    sums = {k: np.zeros(n) for k in names}
    size = np.zeros(n, dtype=np.int64)
    converged = np.zeros(n, dtype=bool)
    truncated = np.zeros(n)
    change = np.zeros(n)
    fallback = []
    grids = {}

    def grid(big):
        if big not in grids:
            l = np.arange(big + 1)[:, None]
            m = np.arange(big + 1)[None, :]
            lnw = stockmayer_log_weight_grid(big, f_cation=fp, f_anion=fm).copy()
            lnw[0, :] = -np.inf  # row l = 0 is only the free anion, added apart
            w = [np.broadcast_to(np.asarray(weights[k](l, m), float), lnw.shape) for k in names]
            w01 = [float(wk[0, 1]) if big >= 1 else 0.0 for wk in w]
            w += [
                np.broadcast_to(l.astype(float), lnw.shape),
                np.broadcast_to(m.astype(float), lnw.shape),
            ]
            grids[big] = (l, m, lnw, w, w01)
        return grids[big]

    def process(idx, big):
        pending = idx
        while pending.size:
            last = big >= size_limit
            l, m, lnw, w, w01 = grid(big)
            x0, y0 = float(np.max(x_coef[pending])), float(np.max(y_coef[pending]))
            ln_e = lnw + l * x0 + m * y0
            if float(np.max(ln_e)) > 600.0:
                if pending.size > 1:  # split along Y and retry each half from this size on
                    order = pending[np.argsort(y_coef[pending])]
                    half = order.size // 2
                    process(order[:half], big)
                    process(order[half:], big)
                else:
                    fallback.append(pending)
                return
            e = np.exp(ln_e)
            a = np.exp(np.outer(x_coef[pending] - x0, l[:, 0]))
            b = np.exp(np.outer(y_coef[pending] - y0, m[0]))
            scale_z = np.exp(z_coef[pending])
            h = big // 2 + 1
            full, part = [], []
            for wk in w:
                mw = wk * e
                full.append(np.einsum("kl,kl->k", a, b @ mw.T) * scale_z)
                part.append(np.einsum("kl,kl->k", a[:, :h], b[:, :h] @ mw[:h, :h].T) * scale_z)
            free_a = c01[pending]
            tot_c, tot_a = cc[pending], ca[pending]
            with np.errstate(invalid="ignore", divide="ignore"):
                miss_c = np.where(
                    tot_c > 0, (sol_c[pending] - full[-2]) / np.where(tot_c > 0, tot_c, 1), 0.0
                )
                miss_a = np.where(
                    tot_a > 0,
                    (sol_a[pending] - full[-1] - free_a) / np.where(tot_a > 0, tot_a, 1),
                    0.0,
                )
            trunc = np.maximum(np.abs(miss_c), np.abs(miss_a))
            worst = np.zeros(pending.size)
            values = []
            for j in range(len(names)):
                f_j = full[j] + w01[j] * free_a
                p_j = part[j] + w01[j] * free_a
                with np.errstate(invalid="ignore", divide="ignore"):
                    rel = np.where(f_j > 0, np.abs(f_j - p_j) / np.where(f_j > 0, f_j, 1.0), 0.0)
                worst = np.maximum(worst, rel)
                values.append(f_j)
            ok = (trunc <= tolerance) & (worst <= tolerance)
            take = ok | last
            sel = pending[take]
            for j, k in enumerate(names):
                sums[k][sel] = values[j][take]
            size[sel] = big
            converged[sel] = ok[take]
            truncated[sel] = trunc[take]
            change[sel] = worst[take]
            pending = pending[~take]
            big = min(2 * big, size_limit)

    simple = (pc > 0) & (pa > 0) & (cc > 0) & (ca > 0)
    fallback.append(np.flatnonzero(~simple))
    good = np.flatnonzero(simple)
    good = good[np.lexsort((y_coef[good], x_coef[good]))]
    # the products are many small matrices: one BLAS thread (threads oversubscribe a busy
    # machine and make them ~20x slower)
    with _one_blas_thread():
        for s0 in range(0, good.size, batch):
            process(good[s0 : s0 + batch], max(int(start), 2))
    rest = np.concatenate(fallback) if fallback else np.zeros(0, dtype=np.int64)
    if rest.size:
        ref = converged_cluster_sums(
            state.take(rest), weights, start=start, tolerance=tolerance, size_limit=size_limit
        )
        for k in names:
            sums[k][rest] = ref.sums[k]
        size[rest], converged[rest] = ref.size, ref.converged
        truncated[rest], change[rest] = ref.truncated_fraction, ref.change
    return ClusterSums(sums, size, converged, truncated, change, float(tolerance), int(size_limit))
