"""Calibrate aggregation models on cluster statistics from molecular dynamics.

:func:`cluster_counts` turns raw per-frame bond lists into (l, m) cluster counts (connected
components of the cation–anion graph, the percolating cluster separated);
:func:`fit_aggregation` fits a model's association constant(s) (and chooses integer
functionalities) by maximum likelihood on those counts.

Likelihood
----------
Counts N_lm,k of sol clusters (l cations, m anions) observed in condition k are taken as
multinomial over the observed (l, m) grid with probabilities pi_lm,k = c_lm,k /
sum_grid c_lm,k from the model's sol distribution. The fit minimises the Poisson deviance
with means mu = N_k pi (equivalent to the multinomial likelihood): residuals
sign(y - mu) sqrt(2 [y ln(y/mu) - (y - mu)]). Standard errors come from the Gauss–Newton
approximation of the Fisher information (lmfit covariance, ``scale_covar=False``).
"""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence

import lmfit
import numpy as np
import xarray as xr
from scipy.stats import chi2

from ionscales.analysis.clusters import contact_clusters
from ionscales.constants import avogadro
from ionscales.errors import ParameterError
from ionscales.fitting.core import FitResult, run_fit
from ionscales.results import make_dataset
from ionscales.validation import check_choice, check_integer

__all__ = [
    "cluster_counts",
    "fit_aggregation",
    "poisson_deviance_residuals",
    "AggregationFitResult",
]

_FITTABLE = ("association", "solvent_association")
_PROBABILITY_NAMES = ("p_cation", "p_anion", "p_cation_solvent", "p_solvent")


# ---------------------------------------------------------------------------------------
# cluster counting


def _bond_table(bonds):
    """(frame, cation, anion) int64 table from a list of per-frame (k, 2) arrays or an (n, 3) array."""
    if isinstance(bonds, np.ndarray) and bonds.ndim == 2 and bonds.shape[1] == 3:
        table = bonds
        n_frames = int(table[:, 0].max()) + 1 if len(table) else 0
    else:
        if isinstance(bonds, (str, bytes)) or not isinstance(bonds, Sequence | np.ndarray):
            raise ParameterError(
                "bonds",
                "must be a list of per-frame (n_bonds, 2) arrays or an "
                "(n, 3) array of (frame, cation, anion)",
            )
        frames = []
        for i, b in enumerate(bonds):
            arr = np.asarray(b)
            if arr.size == 0:
                arr = arr.reshape(0, 2)
            if arr.ndim != 2 or arr.shape[1] != 2:
                raise ParameterError(
                    "bonds",
                    f"frame {i} must be an (n_bonds, 2) array of (cation, anion)",
                    arr.shape,
                )
            frames.append(arr)
        n_frames = len(frames)
        lengths = np.array([len(f) for f in frames], dtype=np.int64)
        pairs = np.concatenate(frames, axis=0) if frames else np.zeros((0, 2))
        table = np.column_stack([np.repeat(np.arange(n_frames), lengths), pairs])
    table = np.asarray(table)
    if table.size and (table.dtype.kind not in "iu"):
        if not np.all(np.isfinite(table)) or np.any(table != np.round(table)):
            raise ParameterError("bonds", "indices must be whole numbers")
    table = table.astype(np.int64)
    if table.size and np.any(table < 0):
        raise ParameterError("bonds", "indices must be >= 0")
    return table, n_frames


def cluster_counts(
    bonds,
    n_cations: int,
    n_anions: int,
    *,
    percolation_threshold: float | None = 0.5,
    n_frames: int | None = None,
) -> xr.Dataset:
    """Count (l, m) clusters in per-frame cation–anion bond lists.

    Parameters
    ----------
    bonds : list of array_like or ndarray
        Per frame an integer array (n_bonds, 2) of (cation index, anion index), indices from
        0 (a pair may repeat, e.g. bonds through several atoms; it counts once); or a single
        (n, 3) array of (frame, cation, anion).
    n_cations, n_anions : int
        Ions per frame (unbonded ions are free clusters (1, 0) and (0, 1)).
    percolation_threshold : float or None
        A cluster holding more than this fraction of the frame's ions is the percolating
        network (gel) and is counted separately (default 0.5). ``None`` keeps every cluster
        in the counts. Without positions this size rule stands in for a test of spanning
        the periodic box; pass your own threshold for small systems.
    n_frames : int, optional
        Number of frames (default: from ``bonds``).

    Returns
    -------
    xarray.Dataset
        ``cluster_count`` over (n_cation, n_anion) summed over frames (sol clusters;
        (0, 0) is 0), ``gel_cation_count`` and ``gel_anion_count`` over ``frame``.

    Notes
    -----
    The components come from :func:`ionscales.analysis.clusters.contact_clusters` (one sparse
    graph over all frames, ``bincount`` compositions, no Python loop over atoms or clusters);
    ``ionscales.analysis.cluster_counts`` does the same from a trajectory and decides
    percolation by periodic winding instead of this size rule.
    """
    n_c = check_integer("n_cations", n_cations, minimum=0)
    n_a = check_integer("n_anions", n_anions, minimum=0)
    if n_c + n_a == 0:
        raise ParameterError("n_cations", "there must be at least one ion")
    if percolation_threshold is not None and not (0 < float(percolation_threshold) <= 1):
        raise ParameterError(
            "percolation_threshold", "must lie in (0, 1] or be None", percolation_threshold
        )
    table, found_frames = _bond_table(bonds)
    frames = found_frames if n_frames is None else check_integer("n_frames", n_frames, minimum=1)
    if found_frames > frames:
        raise ParameterError("n_frames", f"bonds reference {found_frames} frames", n_frames)
    if table.size:
        if table[:, 1].max() >= n_c:
            raise ParameterError(
                "bonds", f"cation index out of range (n_cations = {n_c})", int(table[:, 1].max())
            )
        if table[:, 2].max() >= n_a:
            raise ParameterError(
                "bonds", f"anion index out of range (n_anions = {n_a})", int(table[:, 2].max())
            )
    n = n_c + n_a
    clusters = contact_clusters(table[:, 0], table[:, 1], table[:, 2], n_c, n_a, frames)
    l = clusters.n_cation.astype(np.int64)
    m = clusters.n_anion.astype(np.int64)
    comp_frame = clusters.frame.astype(np.int64)
    n_comp = l.size
    if percolation_threshold is None:
        gel = np.zeros(n_comp, dtype=bool)
    else:
        gel = (l + m) > float(percolation_threshold) * n
    gel_l = np.bincount(comp_frame[gel], weights=l[gel], minlength=frames).astype(np.int64)
    gel_m = np.bincount(comp_frame[gel], weights=m[gel], minlength=frames).astype(np.int64)
    sol = ~gel
    l_max = int(l[sol].max()) if np.any(sol) else 1
    m_max = int(m[sol].max()) if np.any(sol) else 1
    l_max, m_max = max(l_max, 1), max(m_max, 1)
    key = l[sol] * (m_max + 1) + m[sol]
    counts = np.bincount(key, minlength=(l_max + 1) * (m_max + 1)).reshape(l_max + 1, m_max + 1)
    return make_dataset(
        {
            "cluster_count": (("n_cation", "n_anion"), counts.astype(np.int64)),
            "gel_cation_count": ("frame", gel_l),
            "gel_anion_count": ("frame", gel_m),
        },
        {
            "n_cation": ("n_cation", np.arange(l_max + 1)),
            "n_anion": ("n_anion", np.arange(m_max + 1)),
            "frame": ("frame", np.arange(frames)),
        },
        model="cluster_counts",
        attrs={
            "n_frames": frames,
            "n_cations": n_c,
            "n_anions": n_a,
            "percolation_threshold": "none"
            if percolation_threshold is None
            else float(percolation_threshold),
        },
    )


# ---------------------------------------------------------------------------------------
# likelihood fit


@dataclasses.dataclass(repr=False)
class AggregationFitResult(FitResult):
    """:class:`~ionscales.fitting.core.FitResult` of :func:`fit_aggregation` whose Dataset keeps
    the cluster labels.

    :meth:`to_dataset` returns the observed counts, the expected counts at the best fit and
    the deviance residuals over (condition, n_cation, n_anion[, n_solvent]) (NaN outside
    the fitted cells) instead of a flat ``point`` index, and the association constants in
    lattice units, in m^3/mol and in L/mol (site and ion-pair constants, per condition).
    """

    def to_dataset(self) -> xr.Dataset:
        ds = super().to_dataset()
        grid = self.extra.get("grid")
        if grid is None:
            return ds
        cond_dim = grid["condition_dim"]
        inner = ["n_cation", "n_anion"] + (["n_solvent"] if grid["n_solvent"] is not None else [])
        mask = np.asarray(grid["mask"], bool)
        n_cond = len(grid["state_values"])
        shape = (n_cond,) + mask.shape

        def unflatten(values):
            out = np.full(shape, np.nan)
            out[:, mask] = np.asarray(values, float).reshape(n_cond, -1)
            return out

        ds = ds.drop_vars([v for v in ds.data_vars if "point" in ds[v].dims]).drop_dims("point")
        dims = (cond_dim, *inner)
        ds["cluster_count"] = xr.DataArray(
            unflatten(self.data),
            dims=dims,
            attrs={"units": "1", "long_name": "observed sol cluster count (NaN: cell not fitted)"},
        )
        ds["expected_count"] = xr.DataArray(
            unflatten(self.best_fit),
            dims=dims,
            attrs={"units": "1", "long_name": "expected cluster count at the best fit"},
        )
        ds["fit_residual"] = xr.DataArray(
            unflatten(self.residual),
            dims=dims,
            attrs={"units": "1", "long_name": "Poisson deviance residual"},
        )
        coords = {
            cond_dim: np.arange(n_cond),
            "n_cation": grid["n_cation"],
            "n_anion": grid["n_anion"],
        }
        if grid["n_solvent"] is not None:
            coords["n_solvent"] = grid["n_solvent"]
        for name, values in coords.items():
            ds = ds.assign_coords(
                {
                    name: (
                        name,
                        np.asarray(values),
                        {
                            "units": "1",
                            "long_name": {
                                cond_dim: "fitted condition",
                                "n_cation": "cations in the cluster",
                                "n_anion": "anions in the cluster",
                                "n_solvent": "solvent molecules bound in the cluster",
                            }[name],
                        },
                    )
                }
            )
        state_name = grid["state_name"]
        ds = ds.assign_coords(
            {
                f"{state_name}_of_condition": (
                    cond_dim,
                    np.asarray(grid["state_values"], float),
                    {"units": grid["state_units"], "long_name": f"{state_name} of the condition"},
                )
            }
        )
        for key, unit, factor, text in (
            (
                "site_association_constant",
                "m^3/mol",
                1.0,
                "site (bond) association constant N_A v0 Lambda",
            ),
            (
                "pair_association_constant",
                "m^3/mol",
                1.0,
                "ion-pair association constant c_11/(c_10 c_01) = N_A v0 f+ f- Lambda",
            ),
            (
                "site_association_constant_L",
                "L/mol",
                1e3,
                "site (bond) association constant in L/mol",
            ),
            ("pair_association_constant_L", "L/mol", 1e3, "ion-pair association constant in L/mol"),
        ):
            base = np.asarray(grid[key.removesuffix("_L")], float)
            ds[key] = xr.DataArray(
                base * factor, dims=(cond_dim,), attrs={"units": unit, "long_name": text}
            )
        ds["association_lattice"] = xr.DataArray(
            np.asarray(grid["association"], float),
            dims=(cond_dim,),
            attrs={"units": "1", "long_name": "fitted lattice association constant Lambda"},
        )
        return ds


def poisson_deviance_residuals(observed, expected):
    """sign(y - mu) sqrt(2 [y ln(y/mu) - (y - mu)]) (0 ln 0 = 0; mu floored at 1e-300)."""
    y = np.asarray(observed, float)
    mu = np.maximum(np.asarray(expected, float), 1e-300)
    with np.errstate(divide="ignore", invalid="ignore"):
        term = np.where(y > 0, y * np.log(y / mu), 0.0) - (y - mu)
    return np.sign(y - mu) * np.sqrt(np.maximum(2 * term, 0.0))


def _table_to_array(table, model):
    """Long table (pandas DataFrame) with columns n_cation, n_anion[, n_solvent], count and at
    most one condition column -> DataArray (missing cells are 0)."""
    cols = list(table.columns)
    count_col = next((c for c in ("count", "cluster_count") if c in cols), None)
    if count_col is None or "n_cation" not in cols or "n_anion" not in cols:
        raise ParameterError("counts", "a table needs columns n_cation, n_anion and count", cols)
    keys = [c for c in ("n_cation", "n_anion", "n_solvent") if c in cols]
    other = [c for c in cols if c not in keys and c != count_col]
    if len(other) > 1:
        raise ParameterError(
            "counts", f"a table may have one condition column besides the counts; got {other}"
        )
    values = np.asarray(table[count_col], dtype=float)
    if not np.all(np.isfinite(values)) or np.any(values < 0):
        raise ParameterError("counts", "must be finite and >= 0 (no NaN or negative entries)")
    index = other + keys
    if table.duplicated(subset=index).any():
        raise ParameterError("counts", f"duplicate rows for the same {index}")
    da = table.set_index(index)[count_col].to_xarray()
    # a full grid 0..max in every cluster index: absent rows are observed zeros
    full = {k: np.arange(int(np.max(da[k].values)) + 1) for k in keys}
    return da.reindex(full).fillna(0.0)


def _prepare_counts(counts, model, state):
    try:
        import pandas as pd
    except ImportError:  # pragma: no cover - pandas comes with xarray
        pd = None
    if pd is not None and isinstance(counts, pd.DataFrame):
        counts = _table_to_array(counts, model)
    if isinstance(counts, xr.Dataset):
        if "cluster_count" not in counts:
            raise ParameterError(
                "counts", "a Dataset must hold 'cluster_count' (from cluster_counts)"
            )
        counts = counts["cluster_count"]
    if not isinstance(counts, xr.DataArray):
        raise ParameterError(
            "counts",
            "must be an xarray.DataArray over (n_cation, n_anion[, n_solvent]) "
            "and optionally one condition dimension",
        )
    for d in ("n_cation", "n_anion"):
        if d not in counts.dims:
            raise ParameterError("counts", f"needs dimension {d!r}; got {counts.dims}")
    # the solvent index carries information only in the general solvated model (in the sticky
    # model s is fixed by (l, m)); otherwise it is marginalised
    resolve = "n_solvent" in counts.dims and getattr(model, "sticky", True) is False
    if "n_solvent" in counts.dims and not resolve:
        counts = counts.sum("n_solvent")
    inner = ("n_cation", "n_anion", "n_solvent") if resolve else ("n_cation", "n_anion")
    other = [d for d in counts.dims if d not in inner]
    if len(other) > 1:
        raise ParameterError(
            "counts", f"at most one condition dimension besides n_cation, n_anion; got {other}"
        )
    values = np.asarray(counts.values, dtype=float)
    if not np.all(np.isfinite(values)) or np.any(values < 0):
        raise ParameterError("counts", "must be finite and >= 0 (no NaN or negative entries)")
    if np.any(values != np.round(values)):
        raise ParameterError("counts", "must be whole numbers (cluster counts)")
    if other:
        counts = counts.transpose(other[0], *inner)
        cond_dim = other[0]
    else:
        counts = counts.expand_dims("condition").transpose("condition", *inner)
        cond_dim = "condition"
    n_cond = counts.sizes[cond_dim]
    l_idx = np.asarray(
        counts["n_cation"].values
        if "n_cation" in counts.coords
        else np.arange(counts.sizes["n_cation"])
    )
    m_idx = np.asarray(
        counts["n_anion"].values
        if "n_anion" in counts.coords
        else np.arange(counts.sizes["n_anion"])
    )
    s_idx = None
    if resolve:
        s_idx = np.asarray(
            counts["n_solvent"].values
            if "n_solvent" in counts.coords
            else np.arange(counts.sizes["n_solvent"])
        )
        if np.any(s_idx < 0) or np.any(s_idx != np.round(s_idx)):
            raise ParameterError("counts", "n_solvent coordinates must be whole numbers >= 0")
        s_idx = s_idx.astype(int)
    if (
        np.any(l_idx < 0)
        or np.any(m_idx < 0)
        or np.any(l_idx != np.round(l_idx))
        or np.any(m_idx != np.round(m_idx))
    ):
        raise ParameterError(
            "counts", "n_cation and n_anion coordinates must be whole numbers >= 0"
        )
    # state of each condition
    if state is None:
        found = [
            name
            for name in model.state_variables
            if name in counts.coords and counts[name].dims in ((cond_dim,), ())
        ]
        if not found:
            raise ParameterError(
                "state",
                f"give state={{name: values}} or a coordinate named one of "
                f"{', '.join(model.state_variables)} along {cond_dim!r}",
            )
        name = found[0]
        state_values = np.atleast_1d(np.asarray(counts[name].values, float))
    else:
        if not isinstance(state, dict) or len(state) != 1:
            raise ParameterError(
                "state",
                "must be a dict with one state variable, e.g. {'molality': [12, 21]}",
                state,
            )
        ((name, vals),) = state.items()
        check_choice("state", name, model.state_variables)
        state_values = np.atleast_1d(np.asarray(vals, float))
    if state_values.size == 1 and n_cond > 1:
        state_values = np.repeat(state_values, n_cond)
    if state_values.size != n_cond:
        raise ParameterError("state", f"needs one value per condition ({n_cond})", state_values)
    y = np.asarray(counts.values, dtype=float)
    mask = np.ones(y.shape[1:], dtype=bool)
    mask[(l_idx[:, None] == 0) & (m_idx[None, :] == 0)] = False
    if np.any(y[:, ~mask] > 0):
        raise ParameterError("counts", "the (0, 0) entry must be 0 (not a cluster)")
    if np.any(y.reshape(n_cond, -1).sum(axis=1) <= 0):
        raise ParameterError("counts", "every condition needs at least one counted cluster")
    return y, mask, (l_idx.astype(int), m_idx.astype(int), s_idx), name, state_values, cond_dim


def _expected(model, name, state_values, y, mask, grid, overrides, cation_total=None):
    """Expected counts mu (conditions, l, m) for a list of per-condition parameter overrides.

    Without ``cation_total`` the model is normalised to the observed total per condition
    (multinomial); with it, mu = N_+ c_lm / c_+ (Poisson per cell, gel-aware)."""
    l_idx, m_idx, s_idx = grid
    size = int(max(l_idx.max(), m_idx.max()))
    mu = np.zeros_like(y)
    for k, over in enumerate(overrides):
        mdl = dataclasses.replace(model, **over) if over else model
        st = mdl.state(**{name: np.array([state_values[k]])})
        clusters = st.cluster_distribution(size)
        if s_idx is None:
            c = clusters[0][np.ix_(l_idx, m_idx)] * mask
        else:
            full = st.solvent_resolved(clusters)[0]
            if full.shape[-1] <= s_idx.max():
                full = np.concatenate(
                    [full, np.zeros(full.shape[:2] + (s_idx.max() + 1 - full.shape[-1],))], axis=-1
                )
            c = full[np.ix_(l_idx, m_idx, s_idx)] * mask
        if cation_total is not None:
            mu[k] = cation_total[k] * c / st.composition.c_cation[0]
            continue
        total = c.sum()
        mu[k] = y[k].sum() * c / total if total > 0 else 0.0
    return mu


def fit_aggregation(
    counts,
    model,
    vary=("association",),
    *,
    state=None,
    per_condition: bool = False,
    functionalities=None,
    cation_total=None,
) -> FitResult:
    """Fit an aggregation model to cluster counts by maximum likelihood.

    Parameters
    ----------
    counts : xarray.DataArray, Dataset or pandas.DataFrame
        Counts of sol clusters over (n_cation, n_anion[, n_solvent]) (n_solvent is used by
        the general solvated model, summed otherwise), optionally over one condition
        dimension; or the Dataset of :func:`cluster_counts`; or a long table with columns
        n_cation, n_anion[, n_solvent], count and optionally one condition column (named
        after a state variable, e.g. molality; missing cells count 0).
        Entries finite, whole and >= 0. Alternatively a Dataset of measured association
        probabilities (any of p_cation, p_anion, p_cation_solvent, p_solvent, in [0, 1],
        over a condition dimension, with optional standard errors ``<name>_stderr``):
        then a weighted least-squares fit of the probabilities (chi-square with the given
        standard errors; without them the covariance is scaled by the reduced chi-square).
    model : Aggregation, SolvatedAggregation or SaltInIonicLiquid
        Starting point; its fixed parameters (sizes, functionalities) are kept.
    vary : sequence of str
        Parameters to fit: "association" and/or "solvent_association" (general solvated
        model only).
    state : dict, optional
        ``{name: values}`` giving each condition's state (e.g. ``{"molality": [12, 21]}``);
        default: a coordinate named after a state variable along the condition dimension.
    per_condition : bool
        Fit each condition's own association constant (names ``association_0``, ...);
        default: one set of parameters shared by all conditions (global fit).
    functionalities : sequence of (int, int), optional
        Candidate (f_cation, f_anion) pairs; each is fitted and the one with the lowest
        AIC is returned (the profile is in ``extra["functionality_profile"]``; its aic/bic are
        the FitResult's ``aic``/``bic``, the one definition of ``fitting.core``).
    cation_total : float or array_like, optional
        Total cations observed per condition (sol + gel, summed over frames). With it the
        expected counts are N_+ c_lm / c_+ (independent Poisson cells), which uses the
        depletion of the sol by the gel; without it each condition's counts are treated as
        multinomial over the observed grid, which cannot tell a post-gel sol from a pre-gel
        state with the same sol probabilities. Taken from the attrs of a
        :func:`cluster_counts` Dataset (``n_frames * n_cations``) by default.

    Returns
    -------
    AggregationFitResult
        ``best_values``/``stderr`` of the varied parameters [1] (and f_cation, f_anion),
        ``to_dataset()`` labelled over (condition, n_cation, n_anion) with the association
        constants in m^3/mol and L/mol (site and pair),
        ``extra["goodness_of_fit"]``: deviance, degrees of freedom and chi-square p-value
        per condition (the chi-square reference is approximate when many cells are sparse),
        ``extra["deviance"]`` total.
    """
    from ionscales.theory.aggregation import AggregationModel

    if not isinstance(model, AggregationModel):
        raise ParameterError(
            "model",
            "must be an aggregation model (Aggregation, SolvatedAggregation, SaltInIonicLiquid)",
            model,
        )
    if isinstance(vary, str):
        vary = [vary]
    vary = list(vary)
    if not vary:
        raise ParameterError("vary", "name at least one parameter to fit")
    for v in vary:
        check_choice("vary", v, _FITTABLE)
    if "solvent_association" in vary and not (hasattr(model, "sticky") and not model.sticky):
        raise ParameterError(
            "vary",
            "solvent_association can be fitted only for a general "
            "SolvatedAggregation (finite solvent_association)",
        )
    if (
        isinstance(counts, xr.Dataset)
        and "cluster_count" not in counts
        and any(k in counts for k in _PROBABILITY_NAMES)
    ):
        return _fit_probabilities(counts, model, vary, state, per_condition)
    if cation_total is None and isinstance(counts, xr.Dataset) and "n_frames" in counts.attrs:
        cation_total = float(counts.attrs["n_frames"]) * float(counts.attrs["n_cations"])
    y, mask, grid, name, state_values, cond_dim = _prepare_counts(counts, model, state)
    if cation_total is not None:
        cation_total = np.broadcast_to(
            np.atleast_1d(np.asarray(cation_total, float)), (y.shape[0],)
        )
        if not np.all(np.isfinite(cation_total)) or np.any(cation_total <= 0):
            raise ParameterError(
                "cation_total", "must be finite and > 0 (cations per condition)", cation_total
            )
    args = (y, mask, grid, name, state_values)
    if functionalities is None:
        return _fit_one(*args, model, vary, per_condition, cond_dim, cation_total)
    candidates = list(functionalities)
    if not candidates:
        raise ParameterError("functionalities", "give at least one (f_cation, f_anion) pair")
    profile = []
    best = None
    for pair in candidates:
        if not isinstance(pair, Sequence | np.ndarray) or len(pair) != 2:
            raise ParameterError(
                "functionalities", "entries must be (f_cation, f_anion) pairs", pair
            )
        trial = dataclasses.replace(model, f_cation=pair[0], f_anion=pair[1])
        fit = _fit_one(*args, trial, vary, per_condition, cond_dim, cation_total)
        # one AIC/BIC definition: the FitResult's own (fitting.core), reported as is
        aic = float(fit.aic)
        profile.append(
            {
                "f_cation": int(trial.f_cation),
                "f_anion": int(trial.f_anion),
                "deviance": fit.extra["deviance"],
                "aic": aic,
                "bic": float(fit.bic),
                "success": fit.success,
            }
        )
        if best is None or aic < best[0]:
            best = (aic, fit)
    fit = best[1]
    fit.extra["functionality_profile"] = profile
    return fit


def _fit_one(
    y, mask, grid, name, state_values, model, vary, per_condition, cond_dim, cation_total=None
):
    n_cond = y.shape[0]
    params = lmfit.Parameters()
    scales: dict[str, float] = {}
    names: dict[str, list[str]] = {}
    for v in vary:
        start = float(getattr(model, v))
        if not start > 0:
            start = 1.0
        labels = [f"{v}_{k}" for k in range(n_cond)] if per_condition else [v]
        names[v] = labels
        for lab in labels:
            scales[lab] = start
            params.add(lab, value=1.0, min=1e-8, max=1e8)

    def overrides(p):
        out = []
        for k in range(n_cond):
            out.append(
                {
                    v: float(p[names[v][k if per_condition else 0]].value)
                    * scales[names[v][k if per_condition else 0]]
                    for v in vary
                }
            )
        return out

    def expected(p):
        return _expected(model, name, state_values, y, mask, grid, overrides(p), cation_total)

    def residual(p):
        return poisson_deviance_residuals(y, expected(p))[:, mask].ravel()

    data = y[:, mask].ravel()
    result = run_fit(
        residual,
        params,
        scales=scales,
        units={k: "1" for k in scales},
        x=np.arange(data.size),
        data=data,
        model_values=lambda p: expected(p)[:, mask].ravel(),
        x_name="cell",
        x_units="1",
        data_name="cluster_count",
        data_units="1",
        method="maximum likelihood (Poisson deviance residuals, "
        + ("per cation)" if cation_total is not None else "multinomial per condition)"),
        scale_covar=False,
    )
    mu = expected(result.params)
    dev_cond = (poisson_deviance_residuals(y, mu)[:, mask] ** 2).sum(axis=1)
    cells = ((mu[:, mask] > 1e-12 * y[:, mask].sum(axis=1)[:, None]) | (y[:, mask] > 0)).sum(axis=1)
    k_per = len(vary) if per_condition else len(vary) / n_cond
    dof = cells - (0 if cation_total is not None else 1) - k_per
    result.extra["goodness_of_fit"] = {
        "condition_dim": cond_dim,
        "state": {name: state_values.tolist()},
        "deviance": dev_cond.tolist(),
        "dof": dof.tolist(),
        "p_value": [float(chi2.sf(d, max(f, 1))) for d, f in zip(dev_cond, dof)],
    }
    result.extra["deviance"] = float(dev_cond.sum())
    l_idx, m_idx, s_idx = grid
    lam_k, site_k, pair_k = [], [], []
    for over in overrides(result.params):
        mdl = dataclasses.replace(model, **over)
        lam_k.append(mdl.association)
        st = mdl.state(**{name: np.array([state_values[len(lam_k) - 1]])})
        v0 = float(st.composition.site_volume[0])
        site = mdl.association * avogadro * v0
        site_k.append(site)
        pair_k.append(site * mdl.f_cation * mdl.f_anion)
    result.extra["grid"] = {
        "condition_dim": cond_dim,
        "n_cation": l_idx,
        "n_anion": m_idx,
        "n_solvent": s_idx,
        "mask": mask,
        "state_name": name,
        "state_values": list(map(float, state_values)),
        "state_units": {"concentration": "mol/m^3", "molality": "mol/kg"}.get(name, "1"),
        "association": lam_k,
        "site_association_constant": site_k,
        "pair_association_constant": pair_k,
    }
    result.best_values["f_cation"] = float(model.f_cation)
    result.best_values["f_anion"] = float(model.f_anion)
    result.stderr["f_cation"] = 0.0
    result.stderr["f_anion"] = 0.0
    result.units["f_cation"] = "1"
    result.units["f_anion"] = "1"
    result.extra["model"] = model
    return AggregationFitResult(
        **{fld.name: getattr(result, fld.name) for fld in dataclasses.fields(result)}
    )


def _fit_probabilities(data: xr.Dataset, model, vary, state, per_condition) -> FitResult:
    """Least-squares fit of measured association probabilities (see fit_aggregation)."""
    names = [k for k in _PROBABILITY_NAMES if k in data]
    dims = {d for k in names for d in data[k].dims}
    if len(dims) > 1:
        raise ParameterError(
            "counts", f"probabilities must share one condition dimension; got {sorted(dims)}"
        )
    observed, sigmas = [], []
    for k in names:
        vals = np.atleast_1d(np.asarray(data[k].values, float))
        if not np.all(np.isfinite(vals)) or np.any((vals < 0) | (vals > 1)):
            raise ParameterError(k, "measured probabilities must lie in [0, 1] (finite)", vals)
        observed.append(vals)
        err_name = f"{k}_stderr"
        if err_name in data:
            err = np.atleast_1d(np.asarray(data[err_name].values, float))
            if not np.all(np.isfinite(err)) or np.any(err <= 0):
                raise ParameterError(err_name, "standard errors must be finite and > 0", err)
            sigmas.append(np.broadcast_to(err, vals.shape))
        else:
            sigmas.append(None)
    n_cond = observed[0].size
    if "p_cation_solvent" in names or "p_solvent" in names:
        if not hasattr(model, "sticky"):
            raise ParameterError("counts", "solvent probabilities need a SolvatedAggregation model")
    if state is None:
        found = [n for n in model.state_variables if n in data.coords or n in data]
        if not found:
            raise ParameterError(
                "state",
                f"give state={{name: values}} or a coordinate named one of "
                f"{', '.join(model.state_variables)}",
            )
        name = found[0]
        state_values = np.atleast_1d(np.asarray(data[name].values, float))
    else:
        ((name, vals),) = dict(state).items()
        check_choice("state", name, model.state_variables)
        state_values = np.atleast_1d(np.asarray(vals, float))
    if state_values.size != n_cond:
        raise ParameterError("state", f"needs one value per condition ({n_cond})", state_values)
    weighted = all(s is not None for s in sigmas)
    y = np.concatenate(observed)
    sig = np.concatenate([s if s is not None else np.ones(n_cond) for s in sigmas])
    params = lmfit.Parameters()
    scales: dict[str, float] = {}
    labels: dict[str, list[str]] = {}
    for v in vary:
        start = float(getattr(model, v)) or 1.0
        labels[v] = [f"{v}_{k}" for k in range(n_cond)] if per_condition else [v]
        for lab in labels[v]:
            scales[lab] = start
            params.add(lab, value=1.0, min=1e-8, max=1e8)

    def predicted(p):
        out = np.zeros((len(names), n_cond))
        for k in range(n_cond):
            over = {
                v: float(p[labels[v][k if per_condition else 0]].value)
                * scales[labels[v][k if per_condition else 0]]
                for v in vary
            }
            mdl = dataclasses.replace(model, **over)
            st = mdl.state(**{name: np.array([state_values[k]])})
            for j, key in enumerate(names):
                out[j, k] = getattr(st, key)[0]
        return out.ravel()

    result = run_fit(
        lambda p: (y - predicted(p)) / sig,
        params,
        scales=scales,
        units={k: "1" for k in scales},
        x=np.tile(state_values, len(names)),
        data=y,
        model_values=predicted,
        x_name=name,
        x_units="1",
        data_name="association probability",
        data_units="1",
        method="least squares on association probabilities" + (" (weighted)" if weighted else ""),
        scale_covar=not weighted,
    )
    result.extra["probabilities"] = names
    result.best_values["f_cation"] = float(model.f_cation)
    result.best_values["f_anion"] = float(model.f_anion)
    result.stderr["f_cation"] = result.stderr["f_anion"] = 0.0
    result.units["f_cation"] = result.units["f_anion"] = "1"
    return result
