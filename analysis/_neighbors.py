"""Periodic neighbour search through MDAnalysis (``capped_distance`` / ``nsgrid``).

Positions are handed to MDAnalysis in Angstrom (its native unit, float32 inside the grid
search); distances come back converted to m. Orthorhombic and triclinic boxes are both
handled by MDAnalysis; no cell list is written here.
"""

from __future__ import annotations

import numpy as np

from ionscales.errors import ParameterError

__all__ = ["capped_pairs", "require_distances", "minimum_image"]

ANGSTROM = 1e-10


def require_distances():
    """MDAnalysis's distance module, or a ParameterError telling how to install it."""
    try:
        from MDAnalysis.lib import distances
    except ImportError as exc:
        raise ParameterError(
            "MDAnalysis",
            "neighbour searches need MDAnalysis; install it with `pip install ionscales[md]`",
        ) from exc
    return distances


def capped_pairs(
    reference: np.ndarray, configuration: np.ndarray, max_cutoff: float, box6: np.ndarray
):
    """All pairs (i, j) with |r_i - r_j| <= max_cutoff under periodic boundaries.

    Parameters
    ----------
    reference, configuration : ndarray (n, 3), (m, 3)
        Positions [m] (inside or outside the box).
    max_cutoff : float
        Cutoff [m].
    box6 : ndarray (6,)
        Box lengths [m] and angles [deg].

    Returns
    -------
    pairs : ndarray (k, 2) of int64
    distances : ndarray (k,) [m]
    """
    distances = require_distances()
    if reference.shape[0] == 0 or configuration.shape[0] == 0:
        return np.zeros((0, 2), dtype=np.int64), np.zeros(0)
    box = np.asarray(box6, dtype=float).copy()
    box[:3] /= ANGSTROM
    pairs, dist = distances.capped_distance(
        np.ascontiguousarray(reference / ANGSTROM, dtype=np.float32),
        np.ascontiguousarray(configuration / ANGSTROM, dtype=np.float32),
        max_cutoff=float(max_cutoff) / ANGSTROM,
        box=box.astype(np.float32),
        return_distances=True,
    )
    return np.asarray(pairs, dtype=np.int64).reshape(-1, 2), np.asarray(
        dist, dtype=float
    ) * ANGSTROM


def minimum_image(delta_frac: np.ndarray, vectors: np.ndarray) -> np.ndarray:
    """Integer image shifts n minimising |(s - n) H| for fractional differences s (k, 3).

    ``vectors`` is one box matrix H (3, 3) (rows a, b, c) or one per row (k, 3, 3).
    Rounding is exact for orthorhombic boxes; for triclinic cells the 27 neighbouring shifts
    of the rounded one are compared and the shortest is kept.
    """
    base = np.round(delta_frac)
    vec = np.broadcast_to(vectors, (len(base), 3, 3)) if np.ndim(vectors) == 2 else vectors
    if np.allclose(vec[..., 1, 0], 0) and np.allclose(vec[..., 2, :2], 0):
        return base
    offsets = (
        np.array(np.meshgrid([-1, 0, 1], [-1, 0, 1], [-1, 0, 1], indexing="ij")).reshape(3, -1).T
    )
    cand = base[:, None, :] + offsets[None, :, :]  # (k, 27, 3)
    cart = np.einsum("kci,kij->kcj", delta_frac[:, None, :] - cand, vec)
    best = np.argmin(np.einsum("kci,kci->kc", cart, cart), axis=1)
    return cand[np.arange(len(base)), best]
