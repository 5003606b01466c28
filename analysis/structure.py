"""Radial distribution functions, first-shell coordination and speciation.

One neighbour search per frame (:func:`shell_contacts`) finds every cation–partner
molecule contact; :func:`coordination`, :func:`speciation` and
:func:`ionscales.analysis.cluster_counts` read the same contact table, so calling them
with the same cutoffs and frames costs one pass over the trajectory.

Shell criterion (as solvation-analysis, Cohen et al.): a partner **molecule** is in a
cation's first shell when any of its atoms lies within the shell radius of any atom of the
cation (distance <= radius, periodic minimum image).
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping

import numpy as np
from scipy.signal import find_peaks

from ionscales.analysis._neighbors import capped_pairs
from ionscales.analysis._results import analysis_dataset
from ionscales.analysis.trajectory import Trajectory, triclinic_vectors
from ionscales.errors import ParameterError
from ionscales.validation import as_float, check_choice, check_integer

__all__ = ["rdf", "shell_radius", "shell_contacts", "ShellContacts", "coordination", "speciation"]

RDF_BIN_WIDTH = 0.1e-10  # m, default bin width
RDF_MAX = 1.0e-9  # m, default upper limit (capped at half the smallest box width)
SMOOTHING_BINS = 3  # moving-average window of the shell-radius rule
PEAK_PROMINENCE = 0.5  # first peak: prominence >= this times its own height
TROUGH_PROMINENCE = 0.10  # first minimum: prominence >= this times the peak height
SOLVATION_ANALYSIS_DOI = "10.21105/joss.05183"


def _check_traj(traj) -> Trajectory:
    if not isinstance(traj, Trajectory):
        raise ParameterError(
            "traj",
            "must be a Trajectory from analysis.load or analysis.load_arrays",
            type(traj).__name__,
        )
    return traj


def _half_width(boxes: np.ndarray) -> float:
    """Half the smallest perpendicular box width [m] over the frames (minimum-image limit)."""
    vec = triclinic_vectors(boxes)
    a, b, c = vec[:, 0], vec[:, 1], vec[:, 2]
    vol = np.abs(np.einsum("fi,fi->f", a, np.cross(b, c)))
    widths = np.stack(
        [
            vol / np.linalg.norm(np.cross(b, c), axis=1),
            vol / np.linalg.norm(np.cross(c, a), axis=1),
            vol / np.linalg.norm(np.cross(a, b), axis=1),
        ]
    )
    return 0.5 * float(widths.min())


# ---------------------------------------------------------------------------------------
# radial distribution function


def rdf(
    traj: Trajectory,
    a: str,
    b: str,
    *,
    r_max: float | None = None,
    bins: int | None = None,
    frames=None,
):
    """Atom–atom radial distribution function g_ab(r) and running coordination number.

    Parameters
    ----------
    traj : Trajectory
    a, b : str
        Group labels (``"cation"``, ``"anion"`` or a solvent name); every atom of the group
        counts (e.g. ``b="FEC"`` uses all FEC atoms, like MDAnalysis ``InterRDF``).
    r_max : float, optional
        Upper distance [m]; default min(1 nm, half the smallest box width).
    bins : int, optional
        Number of bins; default r_max / 0.01 nm.
    frames : None, slice, int or sequence of int
        Frames to average over (default all).

    Returns
    -------
    xarray.Dataset
        Over ``r`` (bin centres [m]): ``g``, ``coordination_number``, the running count of
        b atoms within r of an a atom (counted directly; equals 4 pi rho_b int g r^2 dr), and
        ``pair_count`` (pairs in the bin summed over frames, for error bars).

    Notes
    -----
    g(r) = <n_ab(r, r + dr)> / (N_a rho_b 4/3 pi [(r+dr)^3 - r^3]) with rho_b = N_b / V per
    frame. Pairs within one molecule are excluded; for a == b the normalisation uses
    N_a (N_a - 1) / V (self pairs excluded). Valid up to half the smallest perpendicular box
    width (minimum image); larger ``r_max`` raises ``ParameterError``.
    """
    traj = _check_traj(traj)
    ai, bi = traj.atoms(a), traj.atoms(b)
    am, bm = traj.molecule_of_atom(a), traj.molecule_of_atom(b)
    idx = traj.frames(frames)
    limit = _half_width(traj.boxes[idx])
    if r_max is None:
        r_max = min(RDF_MAX, limit)
    r_max = as_float("r_max", r_max, unit="m")
    if not (0 < r_max <= limit * (1 + 1e-12)):
        raise ParameterError(
            "r_max", f"must lie in (0, {limit:.4g}] m (half the smallest box width)", r_max
        )
    n_bins = (
        int(np.ceil(r_max / RDF_BIN_WIDTH))
        if bins is None
        else check_integer("bins", bins, minimum=1)
    )
    edges = np.linspace(0.0, r_max, n_bins + 1)
    hist = np.zeros(n_bins)
    norm = 0.0
    same = a == b
    n_a, n_b = len(ai), len(bi)
    for f in traj.iter_frames(idx, desc=f"rdf {a}-{b}"):
        pos = traj.positions(f)
        pairs, dist = capped_pairs(pos[ai], pos[bi], r_max, traj.boxes[f])
        keep = am[pairs[:, 0]] != bm[pairs[:, 1]] if same else np.ones(len(pairs), bool)
        hist += np.histogram(dist[keep], bins=edges)[0]
        norm += (n_a * ((n_b - 1) if same else n_b)) / traj.volumes[f]
    shell = 4.0 / 3.0 * np.pi * (edges[1:] ** 3 - edges[:-1] ** 3)
    g = hist / (norm * shell)
    running = np.cumsum(hist) / (n_a * len(idx))
    centres = 0.5 * (edges[1:] + edges[:-1])
    return analysis_dataset(
        {
            "g": ("r", g, "1", f"radial distribution function g(r), {a} atoms - {b} atoms"),
            "coordination_number": (
                "r",
                running,
                "1",
                f"running coordination number: mean number of {b} "
                f"atoms within r of a {a} atom (at the bin's upper edge)",
            ),
            "pair_count": ("r", hist.astype(np.int64)),
        },
        {"r": ("r", centres)},
        traj=traj,
        frames=idx,
        function="rdf",
        parameters={"a": a, "b": b, "r_max": r_max, "bins": n_bins},
        attrs={"bin_width": float(edges[1] - edges[0])},
    )


def shell_radius(r, g, pair_count=None) -> float:
    """First minimum of g(r) after its main peak [m] (the shell-radius rule).

    Parameters
    ----------
    r : array_like
        Bin centres [m].
    g : array_like
        g(r) on those bins.
    pair_count : array_like, optional
        Pairs counted per bin; when given, the peak must stand out of the Poisson noise.

    Returns
    -------
    float
        Shell radius [m].

    Notes
    -----
    Rule: g is smoothed by a centred 3-bin moving average g_s; the first peak is the first
    local maximum of g_s whose prominence (:func:`scipy.signal.find_peaks`) is at least
    half its height (a contact peak may lie below 1 for a dilute partner); the shell
    radius is the first local minimum after it whose prominence (depth below the lower of the
    neighbouring maxima) is at least 10 % of the peak height. With ``pair_count`` both
    prominences must also exceed 3 Poisson standard deviations of g_s at the peak
    (g_s / sqrt(pairs in the 3 bins)), so noise in sparsely sampled bins is no shell. The rule is of the same kind as
    solvation-analysis's ``identify_cutoff_scipy`` (peaks and troughs by prominence). No such
    peak or trough -> ``ParameterError`` (pass the radius explicitly).
    """
    r = np.asarray(r, dtype=float)
    g = np.asarray(g, dtype=float)
    kernel = np.ones(SMOOTHING_BINS) / SMOOTHING_BINS
    gs = np.convolve(np.pad(g, SMOOTHING_BINS // 2, mode="edge"), kernel, mode="valid")
    if pair_count is None:
        noise = np.zeros_like(gs)
    else:
        counts = np.convolve(
            np.pad(np.asarray(pair_count, float), SMOOTHING_BINS // 2, mode="edge"),
            np.ones(SMOOTHING_BINS),
            mode="valid",
        )
        noise = 3.0 * gs / np.sqrt(np.maximum(counts, 1.0))
    peaks, props = find_peaks(gs, prominence=0.0)
    if peaks.size:
        prom = props["prominences"]
        peaks = peaks[(prom >= PEAK_PROMINENCE * gs[peaks]) & (prom >= noise[peaks])]
    if len(peaks) == 0:
        raise ParameterError(
            "cutoffs",
            "g(r) has no first-shell peak (flat or empty g); pass the shell radius explicitly",
        )
    peak = int(peaks[0])
    troughs, _ = find_peaks(-gs[peak:], prominence=max(TROUGH_PROMINENCE * gs[peak], noise[peak]))
    if troughs.size == 0:
        raise ParameterError(
            "cutoffs",
            f"g(r) has no first minimum after its peak at {r[peak]:.4g} m "
            f"within r_max = {r[-1]:.4g} m; pass the shell radius explicitly",
        )
    return float(r[peak + troughs[0]])


# ---------------------------------------------------------------------------------------
# one pass: cation-partner contacts


@dataclasses.dataclass(frozen=True)
class ShellContacts:
    """Cation–partner molecule contacts of every frame (one neighbour search per frame).

    Attributes
    ----------
    frames : ndarray of int
        Frames searched.
    partners : tuple of str
        Partner labels (``"anion"`` first, then the solvents).
    radii : dict
        Shell radius per partner [m].
    n_cations : int
    n_partner_molecules : dict
        Molecules per partner label.
    frame_pos, cation, partner, molecule : ndarray of int
        One row per (frame, cation molecule, partner molecule) contact: position in
        ``frames``, cation index, partner index into ``partners``, molecule index within
        that partner group.
    atom_count : ndarray of int
        Partner atoms of the molecule within the radius of the cation (>= 1).
    closest_atom : ndarray of int
        System index of the molecule's atom closest to the cation (its coordinating atom).
    """

    frames: np.ndarray
    partners: tuple
    radii: dict
    n_cations: int
    n_partner_molecules: dict
    frame_pos: np.ndarray
    cation: np.ndarray
    partner: np.ndarray
    molecule: np.ndarray
    atom_count: np.ndarray
    closest_atom: np.ndarray

    def subset(self, partners) -> ShellContacts:
        """The contacts of some partners only (partner indices renumbered)."""
        partners = tuple(partners)
        old = np.array([self.partners.index(p) for p in partners])
        new_index = np.full(len(self.partners), -1)
        new_index[old] = np.arange(len(partners))
        keep = np.isin(self.partner, old)
        return dataclasses.replace(
            self,
            partners=partners,
            radii={p: self.radii[p] for p in partners},
            n_partner_molecules={p: self.n_partner_molecules[p] for p in partners},
            frame_pos=self.frame_pos[keep],
            cation=self.cation[keep],
            partner=new_index[self.partner[keep]],
            molecule=self.molecule[keep],
            atom_count=self.atom_count[keep],
            closest_atom=self.closest_atom[keep],
        )

    def select(self, partner: str):
        """(frame_pos, cation, molecule) rows of one partner."""
        k = self.partners.index(partner)
        m = self.partner == k
        return self.frame_pos[m], self.cation[m], self.molecule[m]


def _resolve_radii(traj: Trajectory, cutoffs, idx: np.ndarray, partners) -> dict[str, float]:
    valid = [label for label in traj.labels if label != "cation"]
    partners = valid if partners is None else [check_choice("partners", p, valid) for p in partners]
    if cutoffs is None:
        given: dict[str, float] = {}
    elif isinstance(cutoffs, Mapping):
        given = {}
        for name, value in cutoffs.items():
            check_choice("cutoffs", name, valid)
            given[name] = as_float("cutoffs", value, unit="m")
    else:
        given = dict.fromkeys(partners, as_float("cutoffs", cutoffs, unit="m"))
    limit = _half_width(traj.boxes[idx])
    for name, value in given.items():
        if not (np.isfinite(value) and 0 < value < limit):
            raise ParameterError(
                f"cutoffs[{name!r}]",
                f"must lie in (0, {limit:.4g}) m (half the box width; distances are in m)",
                value,
            )
    radii = {}
    found = traj.__dict__.setdefault("_radius_cache", {})
    for name in partners:
        if name in given:
            radii[name] = given[name]
        else:
            key = (idx.tobytes(), name)
            if key not in found:
                g = rdf(traj, "cation", name, frames=idx)
                found[key] = shell_radius(g["r"].values, g["g"].values, g["pair_count"].values)
            radii[name] = found[key]
    return radii


def shell_contacts(traj: Trajectory, *, cutoffs=None, frames=None, partners=None) -> ShellContacts:
    """Find every cation–partner molecule contact (one MDAnalysis search per frame).

    Parameters
    ----------
    traj : Trajectory
    cutoffs : float or dict, optional
        Shell radius [m] for every partner, or per partner label (``{"anion": 2.8e-10}``);
        partners not given get the first minimum of their g(r) (:func:`shell_radius`).
    frames : None, slice, int or sequence of int
    partners : sequence of str, optional
        Partner labels to search (default all: the anion and every solvent).

    Returns
    -------
    ShellContacts
        Holds exactly the requested partners. Cached on the trajectory: a later call whose
        partners and radii are a subset of the last search, on the same frames, reuses it
        (one pass for coordination, speciation and clusters).
    """
    traj = _check_traj(traj)
    idx = traj.frames(frames)
    radii = _resolve_radii(traj, cutoffs, idx, partners)
    partners = tuple(radii)
    cache = traj.__dict__.setdefault("_shell_cache", {})
    last = cache.get("last")
    if (
        last is not None
        and np.array_equal(last.frames, idx)
        and all(last.radii.get(p) == r for p, r in radii.items())
    ):
        return last if last.partners == partners else last.subset(partners)
    cat_atoms = traj.atoms("cation")
    cat_mol = traj.molecule_of_atom("cation")
    part_atoms = np.concatenate([traj.atoms(p) for p in partners])
    part_label = np.concatenate([np.full(len(traj.atoms(p)), k) for k, p in enumerate(partners)])
    part_mol = np.concatenate([traj.molecule_of_atom(p) for p in partners])
    n_mol = {p: traj.n_molecules(p) for p in partners}
    offsets = np.cumsum([0] + [n_mol[p] for p in partners])
    part_global = part_mol + offsets[part_label]
    n_global = int(offsets[-1])
    radius_of = np.array([radii[p] for p in partners])
    r_search = float(radius_of.max())
    n_cat = traj.n_molecules("cation")
    rows = []
    for k, f in enumerate(traj.iter_frames(idx, desc="shells")):
        pos = traj.positions(f)
        pairs, dist = capped_pairs(pos[cat_atoms], pos[part_atoms], r_search, traj.boxes[f])
        keep = dist <= radius_of[part_label[pairs[:, 1]]]
        pairs = pairs[keep]
        key_pm = cat_mol[pairs[:, 0]] * n_global + part_global[pairs[:, 1]]
        # sort by (contact, distance): the first row of each contact is its closest atom pair
        order = np.lexsort((dist[keep], key_pm))
        uniq, first, counts = np.unique(key_pm[order], return_index=True, return_counts=True)
        rows.append((np.full(len(uniq), k), uniq, counts, part_atoms[pairs[order[first], 1]]))
    frame_pos = np.concatenate([r[0] for r in rows]).astype(np.int64)
    keys = np.concatenate([r[1] for r in rows]).astype(np.int64)
    atom_count = np.concatenate([r[2] for r in rows]).astype(np.int64)
    closest = np.concatenate([r[3] for r in rows]).astype(np.int64)
    cation = keys // n_global
    glob = keys % n_global
    partner = np.searchsorted(offsets, glob, side="right") - 1
    out = ShellContacts(
        frames=idx,
        partners=partners,
        radii=radii,
        n_cations=n_cat,
        n_partner_molecules=n_mol,
        frame_pos=frame_pos,
        cation=cation,
        partner=partner,
        molecule=glob - offsets[partner],
        atom_count=atom_count,
        closest_atom=closest,
    )
    cache["last"] = out
    return out


# ---------------------------------------------------------------------------------------
# coordination


def anion_contacts(traj: Trajectory, *, cutoff=None, frames=None) -> ShellContacts:
    """The cation–anion contacts (:func:`shell_contacts` for the anion only), with an optional
    contact radius ``cutoff`` [m] (default: the automatic anion shell radius). The common
    input of speciation, cluster counting and cluster-resolved transport."""
    return shell_contacts(
        traj,
        cutoffs=None if cutoff is None else {"anion": cutoff},
        frames=frames,
        partners=("anion",),
    )


def coordination(traj: Trajectory, *, cutoffs=None, frames=None, per_atom: bool = False):
    """First-shell coordination of the cations: CN, pairing, free partners, shell motifs.

    Parameters
    ----------
    traj : Trajectory
    cutoffs : float or dict, optional
        Shell radius [m] for every partner or per partner label; the others get the first
        minimum of the cation–partner g(r) (:func:`shell_radius`).
    frames : None, slice, int or sequence of int
    per_atom : bool
        Also report ``coordination_number_atoms``: partner ATOMS within the radius per
        cation (a bidentate anion counts twice; for a multi-atom cation, (cation atom,
        partner atom) pairs), and ``coordinating_atom_fraction`` over
        (partner, atom_type): the share of coordinated molecules whose closest atom to the
        cation has that type (solvation-analysis's ``coordinating_atoms``; NaN for a partner
        never in a shell).

    Returns
    -------
    xarray.Dataset
        Over ``partner``: ``coordination_number`` (molecules per cation), ``pairing_fraction``
        (share of cations with >= 1 such molecule), ``uncoordinated_fraction`` (share of the
        partner's molecules in no cation's shell), ``shell_radius`` [m]; over
        (frame, partner): ``frame_coordination_number``; over ``motif``: ``shell_fraction``
        and ``shell_composition`` (motif, partner) — every distinct shell composition, the
        empty shell included, sorted by frequency; scalar ``free_fraction``: cations with no
        anion in the shell.

    Notes
    -----
    Averages run over cations and frames. With the same radii these are the quantities of
    solvation-analysis's ``Coordination.coordination_numbers``, ``Pairing.solvent_pairing``,
    ``Pairing.fraction_free_solvents`` and ``Speciation.speciation_fraction`` (which leaves the
    empty shell out).

    References
    ----------
    O. A. Cohen et al., solvation-analysis, J. Open Source Softw. (2023),
    doi:10.21105/joss.05183.
    """
    sc = shell_contacts(traj, cutoffs=cutoffs, frames=frames)
    n_f, n_c, n_p = len(sc.frames), sc.n_cations, len(sc.partners)
    # per (frame, cation, partner) molecule counts: one bincount over the flat index
    flat = (sc.frame_pos * n_c + sc.cation) * n_p + sc.partner
    counts = np.bincount(flat, minlength=n_f * n_c * n_p).reshape(n_f, n_c, n_p)
    cn = counts.mean(axis=(0, 1))
    pairing = (counts > 0).mean(axis=(0, 1))
    uncoord = np.empty(n_p)
    for k, p in enumerate(sc.partners):
        fp, _, mol = sc.select(p)
        seen = np.unique(fp * sc.n_partner_molecules[p] + mol).size
        uncoord[k] = 1.0 - seen / (n_f * sc.n_partner_molecules[p])
    motifs, inverse, motif_counts = np.unique(
        counts.reshape(-1, n_p), axis=0, return_inverse=True, return_counts=True
    )
    order = np.lexsort((np.arange(len(motif_counts)), -motif_counts))
    motifs, motif_counts = motifs[order], motif_counts[order]
    labels = [", ".join(f"{p}={int(c)}" for p, c in zip(sc.partners, m)) for m in motifs]
    data = {
        "coordination_number": ("partner", cn),
        "pairing_fraction": ("partner", pairing),
        "uncoordinated_fraction": ("partner", uncoord),
        "shell_radius": ("partner", np.array([sc.radii[p] for p in sc.partners])),
        "frame_coordination_number": (("frame", "partner"), counts.mean(axis=1)),
        "shell_fraction": ("motif", motif_counts / (n_f * n_c)),
        "shell_composition": (("motif", "partner"), motifs.astype(np.int64)),
        "free_fraction": (
            (),
            float(1.0 - pairing[sc.partners.index("anion")]),
            "1",
            "fraction of cations with no anion in the first shell",
        ),
    }
    coords_extra = {}
    if per_atom:
        atoms = np.bincount(sc.partner, weights=sc.atom_count, minlength=n_p) / (n_f * n_c)
        data["coordination_number_atoms"] = ("partner", atoms)
        types = np.asarray(traj.atom_types)[sc.closest_atom]
        kinds, kind = np.unique(types, return_inverse=True)
        table = np.bincount(sc.partner * len(kinds) + kind, minlength=n_p * len(kinds)).reshape(
            n_p, len(kinds)
        )
        with np.errstate(invalid="ignore", divide="ignore"):
            frac = table / table.sum(axis=1, keepdims=True)
        data["coordinating_atom_fraction"] = (("partner", "atom_type"), frac)  # NaN: no contact
        coords_extra["atom_type"] = ("atom_type", kinds.astype(str))
    return analysis_dataset(
        data,
        {
            "partner": ("partner", np.array(sc.partners)),
            "frame": ("frame", sc.frames),
            "motif": ("motif", np.array(labels)),
            **coords_extra,
        },
        traj=traj,
        frames=sc.frames,
        function="coordination",
        parameters={"cutoffs_m": sc.radii, "per_atom": bool(per_atom)},
        references=(SOLVATION_ANALYSIS_DOI,),
        attrs={
            "shell_criterion": "partner molecule with any atom within the shell radius of a cation atom"
        },
    )


# ---------------------------------------------------------------------------------------
# speciation

SPECIATION_CLASSES = ("SSIP", "CIP", "AGG")


def speciation(traj: Trajectory, *, cutoff: float | None = None, frames=None):
    """Contact-ion speciation: SSIP / CIP / AGG fractions per anion and per cation.

    Parameters
    ----------
    traj : Trajectory
    cutoff : float, optional
        Cation–anion contact radius [m]; default the first minimum of the cation–anion g(r).
    frames : None, slice, int or sequence of int

    Returns
    -------
    xarray.Dataset
        ``anion_speciation_fraction`` and ``cation_speciation_fraction`` over ``speciation``
        (SSIP, CIP, AGG); ``anion_contact_distribution`` / ``cation_contact_distribution``
        over ``n_partner``; ``contact_radius`` [m].

    Notes
    -----
    Raman/IR vocabulary: an anion with no cation in contact is a solvent-separated (or
    free) ion, SSIP; with exactly one, a contact ion pair, CIP; with two or more, an
    aggregate, AGG. The cation view reads the same contact graph from the other side
    (anions in the cation's first shell). Contact = any atom of the anion within the radius
    of the cation (the shell criterion of :func:`coordination`).
    """
    traj = _check_traj(traj)
    sc = anion_contacts(traj, cutoff=cutoff, frames=frames)
    fp, cat, mol = sc.select("anion")
    n_f, n_c, n_a = len(sc.frames), sc.n_cations, sc.n_partner_molecules["anion"]
    per_anion = np.bincount(fp * n_a + mol, minlength=n_f * n_a)
    per_cation = np.bincount(fp * n_c + cat, minlength=n_f * n_c)

    def classes(n):
        return np.array([np.mean(n == 0), np.mean(n == 1), np.mean(n >= 2)])

    n_max = int(max(per_anion.max(), per_cation.max(), 2))
    dist_a = np.bincount(per_anion, minlength=n_max + 1) / per_anion.size
    dist_c = np.bincount(per_cation, minlength=n_max + 1) / per_cation.size
    return analysis_dataset(
        {
            "anion_speciation_fraction": ("speciation", classes(per_anion)),
            "cation_speciation_fraction": ("speciation", classes(per_cation)),
            "anion_contact_distribution": ("n_partner", dist_a),
            "cation_contact_distribution": ("n_partner", dist_c),
            "contact_radius": ((), sc.radii["anion"]),
        },
        {
            "speciation": ("speciation", np.array(SPECIATION_CLASSES)),
            "n_partner": ("n_partner", np.arange(n_max + 1)),
        },
        traj=traj,
        frames=sc.frames,
        function="speciation",
        parameters={"cutoff_m": sc.radii["anion"]},
    )
