"""Ion clusters from the cation–anion contact graph, percolation by periodic winding.

Per frame the cations and anions in contact (the first-shell criterion of
:func:`ionscales.analysis.coordination`) form a graph; its connected components are the
clusters (all frames in one sparse graph, :func:`scipy.sparse.csgraph.connected_components`).
A cluster **percolates** when it wraps across the periodic boundaries: unwrapping it along a
spanning tree (each ion placed at the minimum image of its tree parent) leaves some contact
closing a loop through a nonzero lattice vector (nonzero winding). This is the topological
definition of a spanning network in a periodic box, independent of the cluster's size; the
same idea (track each site's displacement from its cluster root, a loop that closes with a
nonzero displacement wraps) detects wrapping in Newman & Ziff, Phys. Rev. E 64, 016706 (2001).
"""

from __future__ import annotations

import dataclasses

import numpy as np
from scipy import sparse
from scipy.sparse.csgraph import breadth_first_order, connected_components

from ionscales.analysis._neighbors import minimum_image
from ionscales.analysis._results import analysis_dataset
from ionscales.analysis.structure import _check_traj, anion_contacts
from ionscales.analysis.trajectory import triclinic_vectors

__all__ = ["cluster_counts", "contact_clusters", "Clusters"]


@dataclasses.dataclass(frozen=True)
class Clusters:
    """Connected components of per-frame cation–anion contact graphs.

    Attributes
    ----------
    frame : ndarray of int (n_clusters,)
        Position of the cluster's frame in the frames analysed.
    n_cation, n_anion : ndarray of int (n_clusters,)
        Composition (l, m) of each cluster (free ions are (1, 0) and (0, 1)).
    wrapping_dimension : ndarray of int (n_clusters,)
        Number of independent lattice directions the cluster wraps (0 = finite cluster;
        1, 2, 3 = percolating); -1 when no positions were given.
    label : ndarray of int (n_frames * n_ions,)
        Cluster index of every (frame, ion) node (ions: cations then anions).
    """

    frame: np.ndarray
    n_cation: np.ndarray
    n_anion: np.ndarray
    wrapping_dimension: np.ndarray
    label: np.ndarray

    @property
    def percolating(self) -> np.ndarray:
        return self.wrapping_dimension > 0


def contact_clusters(
    frame,
    cation,
    anion,
    n_cations: int,
    n_anions: int,
    n_frames: int,
    *,
    positions=None,
    boxes=None,
) -> Clusters:
    """Clusters of the cation–anion contact graph of every frame (the counting kernel).

    Parameters
    ----------
    frame, cation, anion : array_like of int (n_contacts,)
        One row per contact: frame position (0..n_frames-1), cation index, anion index
        (a repeated pair counts once).
    n_cations, n_anions, n_frames : int
        Ions per frame and frames.
    positions : ndarray (n_frames, n_cations + n_anions, 3), optional
        Ion positions [m] (cations first; wrapped or unwrapped, molecules whole); with
        ``boxes`` enables the winding test.
    boxes : ndarray (n_frames, 6), optional
        Box lengths [m] and angles [deg] per frame.

    Returns
    -------
    Clusters

    Notes
    -----
    One sparse graph over node = frame * N + ion gives every frame's components in a single
    :func:`~scipy.sparse.csgraph.connected_components` call; compositions come from
    ``bincount``. Winding: a breadth-first spanning forest (one virtual root linked to every
    component) fixes each ion's unwrapped fractional position s_child = s_parent +
    mi(s_child - s_parent); for every contact (u, v) the loop vector s_u + mi(s_v - s_u) -
    s_v is an integer lattice vector, nonzero iff the loop winds around the torus; the rank
    of a cluster's loop vectors is its wrapping dimension. Requires contact distances below
    half the box width (true for first-shell contacts).
    """
    n_c, n_a, n_f = int(n_cations), int(n_anions), int(n_frames)
    n = n_c + n_a
    total = n_f * n
    frame = np.asarray(frame, dtype=np.int64)
    u = frame * n + np.asarray(cation, dtype=np.int64)
    v = frame * n + n_c + np.asarray(anion, dtype=np.int64)
    graph = sparse.coo_matrix(
        (np.ones(len(u), dtype=np.int32), (u, v)), shape=(total, total)
    ).tocsr()
    n_comp, labels = connected_components(graph, directed=False)
    is_cation = np.tile(np.r_[np.ones(n_c, dtype=np.int64), np.zeros(n_a, dtype=np.int64)], n_f)
    l = np.bincount(labels, weights=is_cation, minlength=n_comp).astype(np.int64)
    m = np.bincount(labels, weights=1 - is_cation, minlength=n_comp).astype(np.int64)
    comp_frame = np.zeros(n_comp, dtype=np.int64)
    comp_frame[labels] = np.repeat(np.arange(n_f), n)
    if positions is None:
        dim = np.full(n_comp, -1, dtype=np.int64)
        return Clusters(comp_frame, l, m, dim, labels)
    pos = np.asarray(positions, dtype=float).reshape(total, 3)
    vec = triclinic_vectors(np.asarray(boxes, dtype=float))  # (n_f, 3, 3)
    inv = np.linalg.inv(vec)
    node_frame = np.repeat(np.arange(n_f), n)
    frac = np.einsum("ni,nij->nj", pos, inv[node_frame])
    # spanning forest: a virtual root joined to one node of each component
    _, roots = np.unique(labels, return_index=True)
    root = total
    sym = (graph + graph.T).tocoo()
    rows = np.r_[sym.row, roots, np.full(n_comp, root)]
    cols = np.r_[sym.col, np.full(n_comp, root), roots]
    full = sparse.coo_matrix(
        (np.ones(len(rows), dtype=np.int32), (rows, cols)), shape=(total + 1, total + 1)
    ).tocsr()
    _, pred = breadth_first_order(full, root, directed=True, return_predecessors=True)
    pred = pred[:total]
    child = np.flatnonzero(pred != root)
    parent = pred[child]
    step = frac[child] - frac[parent]
    step -= minimum_image(step, vec[node_frame[child]])
    unwrapped = frac.copy()
    # propagate down the tree: after k sweeps every node at depth <= k is final
    for _ in range(total + 1):
        new = unwrapped.copy()
        new[child] = unwrapped[parent] + step
        if np.array_equal(new, unwrapped):
            break
        unwrapped = new
    d_uv = frac[v] - frac[u]
    d_uv -= minimum_image(d_uv, vec[node_frame[u]])
    loop = np.round(unwrapped[u] + d_uv - unwrapped[v]).astype(np.int64)
    dim = np.zeros(n_comp, dtype=np.int64)
    winding = np.any(loop != 0, axis=1)
    if np.any(winding):
        comp_of_loop = labels[u[winding]]
        loops = loop[winding]
        order = np.argsort(comp_of_loop, kind="stable")
        comps, starts = np.unique(comp_of_loop[order], return_index=True)
        for c, block in zip(comps, np.split(loops[order], starts[1:])):
            dim[c] = np.linalg.matrix_rank(block.astype(float))
    return Clusters(comp_frame, l, m, dim, labels)


def cluster_counts(traj, *, cutoff: float | None = None, frames=None, per_frame: bool = False):
    """(l, m) cluster counts of the cation–anion contact graph, percolating clusters apart.

    Parameters
    ----------
    traj : Trajectory
    cutoff : float, optional
        Cation–anion contact radius [m] (an anion is bonded to a cation when any of its atoms
        lies within it); default the first minimum of the cation–anion g(r).
    frames : None, slice, int or sequence of int
    per_frame : bool
        Keep a ``frame`` dimension on ``cluster_count`` (default: summed over frames).

    Returns
    -------
    xarray.Dataset
        The format of :func:`ionscales.fitting.cluster_counts`, which
        :func:`ionscales.fitting.fit_aggregation` takes unchanged: ``cluster_count`` over
        (n_cation, n_anion) — sol (non-percolating) clusters, (0, 0) = 0 — with a scalar
        ``concentration`` coordinate (mean salt concentration [mol/m^3], a state variable of
        the aggregation models); ``gel_cation_count``, ``gel_anion_count``,
        ``percolating_cluster_count`` and ``wrapping_dimension`` over ``frame``; attrs
        ``n_frames``, ``n_cations``, ``n_anions`` (so the fit uses the gel-aware likelihood),
        ``contact_radius``, ``percolation_rule``.

    Notes
    -----
    Percolation is decided by winding across the periodic boundaries (see
    :func:`contact_clusters`), not by size: a large compact cluster that does not wrap stays
    in the sol counts, a thin network spanning the box is gel.
    """
    traj = _check_traj(traj)
    sc = anion_contacts(traj, cutoff=cutoff, frames=frames)
    fp, cat, an = sc.select("anion")
    idx = sc.frames
    n_c, n_a, n_f = traj.n_molecules("cation"), traj.n_molecules("anion"), len(idx)
    positions = traj.ion_positions(idx, unwrapped=False)
    cl = contact_clusters(fp, cat, an, n_c, n_a, n_f, positions=positions, boxes=traj.boxes[idx])
    gel = cl.percolating
    sol = ~gel
    l_max = max(int(cl.n_cation[sol].max()) if np.any(sol) else 1, 1)
    m_max = max(int(cl.n_anion[sol].max()) if np.any(sol) else 1, 1)
    key = cl.n_cation[sol] * (m_max + 1) + cl.n_anion[sol]
    gel_l = np.bincount(cl.frame[gel], weights=cl.n_cation[gel], minlength=n_f).astype(np.int64)
    gel_m = np.bincount(cl.frame[gel], weights=cl.n_anion[gel], minlength=n_f).astype(np.int64)
    n_perc = np.bincount(cl.frame[gel], minlength=n_f).astype(np.int64)
    wrap = np.zeros(n_f, dtype=np.int64)
    np.maximum.at(wrap, cl.frame, np.maximum(cl.wrapping_dimension, 0))
    if per_frame:
        flat = cl.frame[sol] * (l_max + 1) * (m_max + 1) + key
        counts = np.bincount(flat, minlength=n_f * (l_max + 1) * (m_max + 1)).reshape(
            n_f, l_max + 1, m_max + 1
        )
        count_dims = ("frame", "n_cation", "n_anion")
    else:
        counts = np.bincount(key, minlength=(l_max + 1) * (m_max + 1)).reshape(l_max + 1, m_max + 1)
        count_dims = ("n_cation", "n_anion")
    return analysis_dataset(
        {
            "cluster_count": (count_dims, counts.astype(np.int64)),
            "gel_cation_count": ("frame", gel_l),
            "gel_anion_count": ("frame", gel_m),
            "percolating_cluster_count": ("frame", n_perc),
            "wrapping_dimension": ("frame", wrap),
        },
        {
            "n_cation": ("n_cation", np.arange(l_max + 1)),
            "n_anion": ("n_anion", np.arange(m_max + 1)),
            "frame": ("frame", idx),
            "concentration": ((), traj.concentration),
        },
        traj=traj,
        frames=idx,
        function="cluster_counts",
        parameters={"cutoff_m": sc.radii["anion"]},
        attrs={
            "n_frames": n_f,
            "n_cations": n_c,
            "n_anions": n_a,
            "contact_radius": sc.radii["anion"],
            "percolation_rule": "wraps across the periodic boundaries (nonzero winding of the "
            "unwrapped component)",
        },
    )
