"""Trajectories for the analysis layer: one object over MDAnalysis Universes and plain arrays.

:func:`load` reads any format MDAnalysis reads (or takes a ``Universe``); :func:`load_arrays`
wraps plain NumPy arrays so a user without MDAnalysis can call every function that does not
need a neighbour search. Both return a :class:`Trajectory`, which knows

- the labelled groups: ``"cation"``, ``"anion"`` and one per solvent, each split into
  molecules (one residue = one molecule for MDAnalysis; ``molecules=`` ids for arrays);
- the ions (cations first, then anions), one entry per molecular ion, with their net charge
  [e] and mass [kg];
- per-frame boxes (lengths [m], angles [deg], the MDAnalysis ``dimensions`` convention),
  volumes [m^3] and times [s].

Positions are SI (m) everywhere in the public API. MDAnalysis works in Angstrom and ps;
the conversion happens here and nowhere else.
"""

from __future__ import annotations

import sys
import warnings
from collections.abc import Mapping

import numpy as np
from scipy import constants as _const

from ionscales.errors import ParameterError
from ionscales.validation import as_float_array, check_positive

__all__ = ["Trajectory", "load", "load_arrays", "triclinic_vectors", "box_volume"]

ANGSTROM = 1e-10  # m
PICOSECOND = 1e-12  # s
ATOMIC_MASS = _const.atomic_mass  # kg
ION_LABELS = ("cation", "anion")


# ---------------------------------------------------------------------------------------
# box geometry (no MDAnalysis needed)


def triclinic_vectors(box) -> np.ndarray:
    """Box vectors (rows a, b, c) from ``[lx, ly, lz, alpha, beta, gamma]``.

    Parameters
    ----------
    box : array_like, shape (..., 6)
        Lengths [any length unit] and angles [deg] (MDAnalysis ``dimensions`` convention:
        alpha between b and c, beta between a and c, gamma between a and b).

    Returns
    -------
    ndarray, shape (..., 3, 3)
        Lower-triangular box matrix in the unit of the lengths (a along x, b in the xy plane).
    """
    box = as_float_array("box", box, unit="m")
    lx, ly, lz = box[..., 0], box[..., 1], box[..., 2]
    alpha, beta, gamma = (np.deg2rad(box[..., i]) for i in (3, 4, 5))
    ca, cb, cg, sg = np.cos(alpha), np.cos(beta), np.cos(gamma), np.sin(gamma)
    # exact right angles give exact zeros (cos(pi/2) is 6e-17, not 0)
    ca = np.where(box[..., 3] == 90.0, 0.0, ca)
    cb = np.where(box[..., 4] == 90.0, 0.0, cb)
    cg = np.where(box[..., 5] == 90.0, 0.0, cg)
    sg = np.where(box[..., 5] == 90.0, 1.0, sg)
    out = np.zeros(box.shape[:-1] + (3, 3))
    out[..., 0, 0] = lx
    out[..., 1, 0] = ly * cg
    out[..., 1, 1] = ly * sg
    out[..., 2, 0] = lz * cb
    out[..., 2, 1] = lz * (ca - cb * cg) / sg
    out[..., 2, 2] = np.sqrt(np.maximum(lz**2 - out[..., 2, 0] ** 2 - out[..., 2, 1] ** 2, 0.0))
    return out


def box_volume(box) -> np.ndarray:
    """Volume of ``[lx, ly, lz, alpha, beta, gamma]`` boxes [length unit^3]."""
    vec = triclinic_vectors(box)
    return vec[..., 0, 0] * vec[..., 1, 1] * vec[..., 2, 2]


def _check_boxes(boxes: np.ndarray, n_frames: int, name: str = "box") -> np.ndarray:
    """(n_frames, 6) boxes [m, deg] from (3,), (6,), (n_frames, 3) or (n_frames, 6)."""
    try:
        b = np.asarray(boxes, dtype=float)
    except (TypeError, ValueError) as exc:
        raise ParameterError(
            name, "must be numeric box lengths [m] (and angles [deg])", boxes
        ) from exc
    if b.ndim == 1:
        b = np.broadcast_to(b, (n_frames, b.shape[0]))
    if b.ndim != 2 or b.shape[0] != n_frames or b.shape[1] not in (3, 6):
        raise ParameterError(
            name,
            f"must have shape (3,), (6,), ({n_frames}, 3) or ({n_frames}, 6): "
            "lengths [m] and optionally angles [deg]",
            np.shape(boxes),
        )
    if b.shape[1] == 3:
        b = np.concatenate([b, np.full((n_frames, 3), 90.0)], axis=1)
    b = np.array(b, dtype=float)
    if not np.all(np.isfinite(b)) or np.any(b[:, :3] <= 0):
        raise ParameterError(
            name,
            "the trajectory has no valid periodic box (lengths must be finite and "
            "> 0 m); pass box=[lx, ly, lz] in m",
            b[0, :3].tolist(),
        )
    if np.any(b[:, :3] > 1e-3):
        raise ParameterError(
            name,
            "box lengths are in m (got more than 1 mm: Angstrom or nm given?)",
            b[0, :3].tolist(),
        )
    if np.any((b[:, 3:] <= 0) | (b[:, 3:] >= 180)):
        raise ParameterError(name, "box angles must lie in (0, 180) deg", b[0, 3:].tolist())
    vec = triclinic_vectors(b)
    if np.any(vec[:, 2, 2] <= 0):
        raise ParameterError(
            name, "box angles do not describe a valid cell (zero volume)", b[0, 3:].tolist()
        )
    return b


def _fractional(positions: np.ndarray, box6: np.ndarray) -> np.ndarray:
    """Fractional coordinates of positions (..., 3) in a box [lx, ly, lz, a, b, g] (same units)."""
    return positions @ np.linalg.inv(triclinic_vectors(box6))


# ---------------------------------------------------------------------------------------
# frame selection and progress


def _normalise_frames(frames, n_frames: int) -> np.ndarray:
    if frames is None:
        return np.arange(n_frames)
    if isinstance(frames, slice):
        idx = np.arange(n_frames)[frames]
    elif isinstance(frames, (bool, np.bool_)):
        raise ParameterError(
            "frames", "must be None, a slice, an int or a sequence of ints", frames
        )
    elif np.isscalar(frames):
        if not isinstance(frames, (int, np.integer)):
            raise ParameterError(
                "frames", "must be None, a slice, an int or a sequence of ints", frames
            )
        idx = np.array([int(frames)])
    else:
        arr = np.asarray(frames)
        if arr.ndim != 1 or (arr.size and arr.dtype.kind not in "iu"):
            raise ParameterError(
                "frames", "must be None, a slice, an int or a 1-d sequence of ints", frames
            )
        idx = arr.astype(np.int64)
    if idx.size == 0:
        raise ParameterError("frames", f"selects no frame (the trajectory has {n_frames})", frames)
    if np.any(idx >= n_frames) or np.any(idx < -n_frames):
        raise ParameterError(
            "frames",
            f"out of range: valid indices are 0..{n_frames - 1} (or negative from the end)",
            frames,
        )
    return np.where(idx < 0, idx + n_frames, idx).astype(np.int64)


def _progress(iterable, total: int, desc: str):
    """A tqdm bar on an interactive terminal, the plain iterable otherwise."""
    if not sys.stderr.isatty():
        return iterable
    try:
        from tqdm.auto import tqdm
    except ImportError:  # pragma: no cover - tqdm is a core dependency
        return iterable
    return tqdm(iterable, total=total, desc=desc, leave=False)


# ---------------------------------------------------------------------------------------
# backends: where the per-frame atom positions come from


class _ArrayBackend:
    def __init__(self, positions: np.ndarray):
        self.positions = positions  # (frames, atoms, 3) [m]

    def frame(self, i: int) -> np.ndarray:
        return self.positions[i]

    def many(self, frames: np.ndarray, atoms: np.ndarray | None, desc: str) -> np.ndarray:
        n_frames, n_atoms = self.positions.shape[:2]
        all_frames = frames.size == n_frames and np.array_equal(frames, np.arange(n_frames))
        if atoms is None or (atoms.size == n_atoms and np.array_equal(atoms, np.arange(n_atoms))):
            if not all_frames:
                return self.positions[frames]
            view = self.positions.view()  # no copy; read-only so a caller cannot alter the data
            view.flags.writeable = False
            return view
        # one gather instead of a frame copy followed by an atom copy
        return self.positions[:, atoms] if all_frames else self.positions[np.ix_(frames, atoms)]


class _UniverseBackend:
    def __init__(self, universe):
        self.universe = universe

    def frame(self, i: int) -> np.ndarray:
        ts = self.universe.trajectory[int(i)]
        return np.asarray(ts.positions, dtype=float) * ANGSTROM

    def many(self, frames: np.ndarray, atoms: np.ndarray | None, desc: str) -> np.ndarray:
        n_atoms = self.universe.atoms.n_atoms if atoms is None else len(atoms)
        out = np.empty((len(frames), n_atoms, 3))
        for k, i in enumerate(_progress(frames, len(frames), desc)):
            pos = self.universe.trajectory[int(i)].positions
            out[k] = pos if atoms is None else pos[atoms]
        out *= ANGSTROM
        return out


# ---------------------------------------------------------------------------------------
# the trajectory


class Trajectory:
    """Labelled ions and molecules over the frames of a periodic MD trajectory.

    Build it with :func:`load` (MDAnalysis) or :func:`load_arrays` (plain arrays).

    Attributes
    ----------
    n_frames : int
        Number of frames.
    times : ndarray (n_frames,)
        Frame times [s].
    boxes : ndarray (n_frames, 6)
        Box lengths [m] and angles [deg] (MDAnalysis ``dimensions`` convention).
    volumes : ndarray (n_frames,)
        Box volumes [m^3].
    labels : tuple of str
        Group labels: ``"cation"``, ``"anion"``, then the solvents' names.
    ion_species : ndarray of str (n_ions,)
        ``"cation"`` / ``"anion"`` per ion (cations first); a molecular ion counts once.
    ion_charges : ndarray (n_ions,)
        Net charge per ion [e].
    ion_masses : ndarray (n_ions,)
        Mass per ion [kg].
    temperature : float or None
        Temperature [K] if given to the loader.
    n_atoms : int
        Atoms in the system (all atoms of a Universe; the atoms given to :func:`load_arrays`).
    atom_types : ndarray of str (n_atoms,)
        Atom type per system atom (MDAnalysis ``types``, else ``names``; for plain arrays the
        ``atom_types`` given or the species labels).
    """

    def __init__(
        self,
        backend,
        *,
        times,
        boxes,
        groups,
        atom_charges,
        atom_masses,
        n_atoms,
        temperature=None,
        declared_unwrapped=False,
        selections=None,
        ion_charge_override=None,
        atom_types=None,
    ):
        self._backend = backend
        self.n_atoms = int(n_atoms)
        # per-atom type labels (topology types, or the species labels for plain arrays)
        self.atom_types = (
            np.full(self.n_atoms, "", dtype=object)
            if atom_types is None
            else np.asarray(atom_types)
        )
        self.times = np.asarray(times, dtype=float)
        self.n_frames = int(self.times.shape[0])
        self.boxes = _check_boxes(boxes, self.n_frames)
        self.volumes = box_volume(self.boxes)
        self.temperature = (
            None if temperature is None else float(check_positive("temperature", temperature, "K"))
        )
        self._declared_unwrapped = bool(declared_unwrapped)
        self._selections = dict(selections or {})
        self._atom_charges = np.asarray(atom_charges, dtype=float)
        self._atom_masses = np.asarray(atom_masses, dtype=float)
        # groups: label -> (atom indices (sorted by molecule), molecule id 0..n-1 per atom)
        self._groups: dict[str, tuple[np.ndarray, np.ndarray]] = {}
        for label, (atoms, molecule) in groups.items():
            atoms = np.asarray(atoms, dtype=np.int64)
            molecule = np.asarray(molecule)
            _, mol = np.unique(molecule, return_inverse=True)
            order = np.argsort(mol, kind="stable")
            self._groups[label] = (atoms[order], mol[order].astype(np.int64))
        self.labels = tuple(self._groups)
        self._check_groups()
        cat_atoms, cat_mol = self._groups["cation"]
        an_atoms, an_mol = self._groups["anion"]
        n_cat, n_an = self.n_molecules("cation"), self.n_molecules("anion")
        self._ion_atoms = np.concatenate([cat_atoms, an_atoms])
        self._ion_of_atom = np.concatenate([cat_mol, an_mol + n_cat])
        self._ion_starts = np.searchsorted(self._ion_of_atom, np.arange(n_cat + n_an))
        self.ion_species = np.array(["cation"] * n_cat + ["anion"] * n_an)
        self.ion_masses = np.add.reduceat(self._atom_masses[self._ion_atoms], self._ion_starts)
        charges = np.add.reduceat(self._atom_charges[self._ion_atoms], self._ion_starts)
        if ion_charge_override:
            charges = charges.copy()
            for label, value in ion_charge_override.items():
                charges[self.ion_species == label] = float(value)
        self.ion_charges = charges
        self._check_charges()
        self._cache: dict = {}

    # -- bookkeeping -------------------------------------------------------------------

    def _check_groups(self):
        for label in ION_LABELS:
            if label not in self._groups:
                raise ParameterError(label, "a trajectory needs a cation and an anion selection")
        owner = np.full(self.n_atoms, -1, dtype=np.int64)
        for k, (label, (atoms, _)) in enumerate(self._groups.items()):
            if atoms.size == 0:
                sel = self._selections.get(label, label)
                raise ParameterError(label, f"selection {sel!r} matches no atom")
            if len(np.unique(atoms)) != len(atoms):
                raise ParameterError(label, "selection lists an atom twice")
            taken = owner[atoms] >= 0
            if np.any(taken):
                other = list(self._groups)[int(owner[atoms[taken][0]])]
                raise ParameterError(
                    label,
                    f"selection overlaps the {other!r} selection "
                    f"({int(taken.sum())} shared atoms); selections must be disjoint",
                )
            owner[atoms] = k
        self._owner = owner

    def _check_charges(self):
        q = self.ion_charges
        cat = self.ion_species == "cation"
        # scaled-charge force fields use |z| down to about 0.6 e; below 0.1 e it is no ion
        if np.any(q[cat] < 0.1):
            raise ParameterError(
                "cation",
                f"every cation must carry a positive net charge (>= 0.1 e); "
                f"{int(np.sum(q[cat] < 0.1))} do not (topology without charges? pass "
                f"ion_charges={{'cation': z}})",
                float(q[cat].min()),
            )
        if np.any(q[~cat] > -0.1):
            raise ParameterError(
                "anion",
                f"every anion must carry a negative net charge (<= -0.1 e); "
                f"{int(np.sum(q[~cat] > -0.1))} do not (topology without charges? pass "
                f"ion_charges={{'anion': z}})",
                float(q[~cat].max()),
            )
        total = float(q.sum())
        if abs(total) > 1e-3 * float(np.abs(q).sum()) + 1e-6:
            raise ParameterError(
                "cation/anion",
                "the ion selections are not electroneutral: net charge "
                f"{total:+.4g} e over {q.size} ions (select whole ions, all of them)",
                total,
            )

    def n_molecules(self, label: str) -> int:
        """Number of molecules (ions) in group ``label``."""
        self._label(label)
        mol = self._groups[label][1]
        return int(mol[-1] + 1) if mol.size else 0

    def _label(self, label: str) -> str:
        if not isinstance(label, str):
            raise ParameterError(
                "label",
                f"must be a group name, one of {', '.join(self.labels)}",
                type(label).__name__,
            )
        if label not in self._groups:
            from ionscales.validation import check_choice

            check_choice("label", label, self.labels)
        return label

    def atoms(self, label: str) -> np.ndarray:
        """System atom indices of group ``label`` (grouped by molecule)."""
        return self._groups[self._label(label)][0]

    def molecule_of_atom(self, label: str) -> np.ndarray:
        """Molecule index (0..n_molecules-1) of each atom of :meth:`atoms`."""
        return self._groups[self._label(label)][1]

    def atom_charges(self, label: str | None = None) -> np.ndarray:
        """Per-atom charges [e] of group ``label`` (all atoms if None)."""
        return self._atom_charges if label is None else self._atom_charges[self.atoms(label)]

    def atom_masses(self, label: str | None = None) -> np.ndarray:
        """Per-atom masses [kg] of group ``label`` (all atoms if None)."""
        return self._atom_masses if label is None else self._atom_masses[self.atoms(label)]

    @property
    def n_ions(self) -> int:
        return int(self.ion_species.size)

    @property
    def concentration(self) -> float:
        """Mean salt concentration [mol/m^3]: formula units per mean box volume / N_A.

        Formula units of a z+:z- salt are min(N+ / nu+, N- / nu-) with the stoichiometry nu
        from the mean ion charges rounded to whole valences (1:1 -> N+; 2:1 -> N(2+)).
        """
        from ionscales.constants import N_A

        q = self.ion_charges
        cat = self.ion_species == "cation"
        z_c = max(int(round(float(np.mean(q[cat])))), 1)
        z_a = max(int(round(float(-np.mean(q[~cat])))), 1)
        g = int(np.gcd(z_c, z_a))
        nu_c, nu_a = z_a / g, z_c / g
        formula_units = min(np.sum(cat) / nu_c, np.sum(~cat) / nu_a)
        return float(formula_units / N_A / float(np.mean(self.volumes)))

    def frames(self, frames=None) -> np.ndarray:
        """Normalise a frame selection (None | slice | int | sequence) to an index array."""
        return _normalise_frames(frames, self.n_frames)

    def iter_frames(self, frames=None, desc: str = "frames"):
        """Yield frame indices, with a tqdm progress bar on a terminal."""
        idx = self.frames(frames)
        yield from _progress(idx, len(idx), desc)

    # -- positions ---------------------------------------------------------------------

    def positions(self, frame: int) -> np.ndarray:
        """All system atom positions [m] of one frame, shape (n_atoms, 3), as stored."""
        return self._backend.frame(int(self.frames(frame)[0]))

    def _make_whole(
        self, pos: np.ndarray, atoms_mol: np.ndarray, starts: np.ndarray, boxes: np.ndarray
    ) -> np.ndarray:
        """Shift each atom by lattice vectors to its molecule's first atom (minimum image)."""
        first = np.repeat(starts, np.diff(np.r_[starts, atoms_mol.size]))
        vec = triclinic_vectors(boxes)  # (frames, 3, 3)
        inv = np.linalg.inv(vec)
        d = pos - pos[:, first]
        frac = np.einsum("fai,fij->faj", d, inv)
        shift = np.round(frac)
        return pos - np.einsum("faj,fji->fai", shift, vec)

    def _com(self, pos: np.ndarray, masses: np.ndarray, starts: np.ndarray) -> np.ndarray:
        if starts.size == pos.shape[1]:  # every ion is one atom: its position is its COM
            return pos
        w = pos * masses[None, :, None]
        return np.add.reduceat(w, starts, axis=1) / np.add.reduceat(masses, starts)[None, :, None]

    def ion_positions(self, frames=None, *, unwrapped: bool = True) -> np.ndarray:
        """Centre of mass of each ion [m], shape (n_sel_frames, n_ions, 3).

        Parameters
        ----------
        frames : None, slice, int or sequence of int
            Frames to return (default all).
        unwrapped : bool
            True (default): the coordinates must be unwrapped (continuous in time); a jump of
            any ion by more than half a box vector between consecutive selected frames raises
            ``ParameterError`` ("trajectory looks wrapped"). The check is skipped when
            :func:`load_arrays` was told ``unwrapped=True``. False: molecules are made whole
            by the minimum image about their first atom and the COMs are returned as stored
            (inside or near the box).
        """
        idx = self.frames(frames)
        key = ("ion_com", idx.tobytes(), bool(unwrapped))
        if key in self._cache:
            return self._cache[key]
        pos = self._backend.many(idx, self._ion_atoms, "ion positions")
        if not unwrapped and np.any(np.diff(np.r_[self._ion_starts, self._ion_atoms.size]) > 1):
            pos = self._make_whole(pos, self._ion_of_atom, self._ion_starts, self.boxes[idx])
        com = self._com(pos, self._atom_masses[self._ion_atoms], self._ion_starts)
        if unwrapped and not self._declared_unwrapped:
            self._check_unwrapped(com, idx)
        self._cache.clear()  # keep one array (it may be large)
        self._cache[key] = com
        return com

    def _check_unwrapped(self, com: np.ndarray, idx: np.ndarray) -> None:
        if com.shape[0] < 2:
            return
        frac = np.einsum(
            "fai,fij->faj",
            np.diff(com, axis=0),
            np.linalg.inv(triclinic_vectors(self.boxes[idx[1:]])),
        )
        jumps = np.abs(frac) > 0.5
        if np.any(jumps):
            f, ion, _ = np.argwhere(jumps)[0]
            raise ParameterError(
                "trajectory",
                f"trajectory looks wrapped: ion {int(ion)} ({self.ion_species[ion]}) jumps by more than half "
                f"the box between frames {int(idx[f])} and {int(idx[f + 1])} "
                f"({int(jumps.any(axis=2).sum())} such jumps); pass an unwrapped trajectory",
            )

    def system_com(self, frames=None) -> np.ndarray:
        """Centre of mass of the whole system [m], shape (n_sel_frames, 3) (all atoms, as stored;
        with :func:`load_arrays` the atoms given)."""
        idx = self.frames(frames)
        masses = self._atom_masses
        if isinstance(self._backend, _ArrayBackend):
            pos = self._backend.positions[idx]
            return np.einsum("fai,a->fi", pos, masses) / masses.sum()
        out = np.empty((len(idx), 3))
        for k, i in enumerate(_progress(idx, len(idx), "system COM")):
            out[k] = masses @ self._backend.frame(int(i)) / masses.sum()
        return out

    def __repr__(self) -> str:
        counts = ", ".join(f"{label}={self.n_molecules(label)}" for label in self.labels)
        return f"<Trajectory {self.n_frames} frames, {self.n_atoms} atoms, {counts}>"


# ---------------------------------------------------------------------------------------
# loaders


def _require_mdanalysis():
    try:
        import MDAnalysis  # noqa: F401
    except ImportError as exc:
        raise ParameterError(
            "MDAnalysis",
            "is needed for trajectory files and neighbour searches; "
            "install it with `pip install ionscales[md]`",
        ) from exc
    import MDAnalysis

    return MDAnalysis


def load(
    topology_or_universe,
    trajectory=None,
    *,
    cation: str,
    anion: str,
    solvents: Mapping[str, str] | None = None,
    box=None,
    temperature: float | None = None,
    ion_charges: Mapping[str, float] | None = None,
    **universe_kwargs,
) -> Trajectory:
    """Read a trajectory with MDAnalysis and label its ions and solvents.

    Parameters
    ----------
    topology_or_universe : str, path or MDAnalysis.Universe
        Topology file (any format MDAnalysis reads) or an existing Universe.
    trajectory : str, path or sequence, optional
        Trajectory file(s) (ignored when a Universe is given).
    cation, anion : str
        MDAnalysis selection strings. A molecular ion is selected whole, e.g.
        ``"byres type 20"``; one residue counts as one ion.
    solvents : dict, optional
        ``{name: selection}`` for the solvent species (names become partner labels).
    box : array_like, optional
        Box lengths [m] (3,) or lengths [m] and angles [deg] (6,), or per frame; overrides a
        missing or wrong box in the files.
    temperature : float, optional
        Temperature [K] (used by the transport functions).
    ion_charges : dict, optional
        Net charge per ion [e], ``{"cation": +1, "anion": -1}``, overriding the topology
        charges (needed for topologies without charges).
    **universe_kwargs
        Passed to ``MDAnalysis.Universe`` (e.g. ``format=``, ``dt=``).

    Returns
    -------
    Trajectory

    Raises
    ------
    ParameterError
        A selection matching nothing, overlapping selections, no periodic box, ions without
        positive (cation) / negative (anion) net charge, or non-neutral ion selections.
    """
    mda = _require_mdanalysis()
    if isinstance(topology_or_universe, mda.Universe):
        u = topology_or_universe
    else:
        args = [topology_or_universe] + (
            []
            if trajectory is None
            else (list(trajectory) if isinstance(trajectory, (list, tuple)) else [trajectory])
        )
        with warnings.catch_warnings():
            # MDAnalysis 2.x announces a future change of its DCD reader on every open
            warnings.filterwarnings(
                "ignore", message="DCDReader currently makes independent timesteps"
            )
            u = mda.Universe(*args, **universe_kwargs)
    if solvents is not None and not isinstance(solvents, Mapping):
        raise ParameterError("solvents", "must be a dict {name: selection string}", solvents)
    selections = {"cation": cation, "anion": anion, **dict(solvents or {})}
    for name in selections:
        if not isinstance(name, str) or not name:
            raise ParameterError("solvents", "names must be non-empty strings", name)
    if solvents and any(k in ION_LABELS for k in solvents):
        raise ParameterError(
            "solvents", "a solvent may not be called 'cation' or 'anion'", list(solvents)
        )
    groups = {}
    for label, sel in selections.items():
        if not isinstance(sel, str):
            raise ParameterError(label, "must be an MDAnalysis selection string", sel)
        try:
            ag = u.select_atoms(sel)
        except Exception as exc:  # MDAnalysis raises SelectionError / ValueError for bad strings
            raise ParameterError(label, f"invalid selection {sel!r}: {exc}") from exc
        groups[label] = (ag.indices, ag.resindices)
    # one pass over the frames for the times and (unless overridden) the boxes
    dims, times = [], []
    for ts in _progress(u.trajectory, u.trajectory.n_frames, "reading boxes"):
        times.append(ts.time)
        if box is None:
            d = ts.dimensions
            if d is None or not np.all(np.isfinite(d)) or np.any(np.asarray(d[:3]) <= 0):
                raise ParameterError(
                    "box",
                    f"the trajectory has no periodic box (frame {ts.frame}); pass box=[lx, ly, lz] in m",
                )
            dims.append(np.asarray(d, dtype=float))
    if box is None:
        boxes = np.array(dims)
        boxes[:, :3] *= ANGSTROM
    else:
        boxes = box
    times = np.asarray(times, dtype=float) * PICOSECOND
    u.trajectory[0]
    try:
        charges = np.asarray(u.atoms.charges, dtype=float)
    except Exception:  # no charges in the topology: NoDataError
        if not ion_charges or set(ion_charges) != set(ION_LABELS):
            raise ParameterError(
                "ion_charges",
                "the topology has no charges; pass "
                "ion_charges={'cation': z_plus, 'anion': z_minus} [e]",
            ) from None
        charges = np.zeros(u.atoms.n_atoms)
    try:
        masses = np.asarray(u.atoms.masses, dtype=float) * ATOMIC_MASS
    except Exception as exc:
        raise ParameterError("topology", "the topology has no atom masses") from exc
    atom_types = None
    for attr in ("types", "names"):
        try:
            atom_types = np.asarray(getattr(u.atoms, attr)).astype(str)
            break
        except Exception:  # NoDataError: the topology lacks the attribute
            continue
    return Trajectory(
        _UniverseBackend(u),
        atom_types=atom_types,
        times=times,
        boxes=boxes,
        groups=groups,
        atom_charges=charges,
        atom_masses=masses,
        n_atoms=u.atoms.n_atoms,
        temperature=temperature,
        selections=selections,
        ion_charge_override=ion_charges,
    )


def load_arrays(
    positions,
    *,
    box,
    species,
    charges,
    times,
    molecules=None,
    unwrapped: bool = False,
    masses=None,
    temperature: float | None = None,
    atom_types=None,
) -> Trajectory:
    """Wrap plain arrays as a :class:`Trajectory` (no MDAnalysis needed).

    Parameters
    ----------
    positions : array_like (n_frames, n_atoms, 3)
        Atom positions [m].
    box : array_like
        Box lengths [m] (3,) or lengths [m] and angles [deg] (6,), or per frame
        (n_frames, 3) / (n_frames, 6).
    species : sequence of str (n_atoms,)
        Label per atom: ``"cation"``, ``"anion"`` or a solvent name.
    charges : array_like (n_atoms,)
        Charge per atom [e].
    times : array_like (n_frames,)
        Frame times [s], strictly increasing.
    molecules : array_like of int (n_atoms,), optional
        Molecule id per atom (atoms with the same id and label form one molecule / one
        molecular ion). Default: every atom is its own molecule.
    unwrapped : bool
        Declare the positions unwrapped (continuous in time): skips the wrapped-coordinate
        jump check of :meth:`Trajectory.ion_positions`. Default False (the check runs).
    masses : array_like (n_atoms,), optional
        Atom masses [kg]; default 1 u per atom (centres of mass are then centroids).
    temperature : float, optional
        Temperature [K].
    atom_types : sequence of str (n_atoms,), optional
        Atom type labels (reported by ``coordination(per_atom=True)``); default the species.

    Returns
    -------
    Trajectory
    """
    try:
        pos = as_float_array("positions", positions, unit="m")
    except (TypeError, ValueError) as exc:
        raise ParameterError(
            "positions", "must be a numeric (n_frames, n_atoms, 3) array [m]"
        ) from exc
    if pos.ndim == 2 and pos.shape[1] == 3:
        pos = pos[None]
    if pos.ndim != 3 or pos.shape[2] != 3 or pos.shape[0] < 1 or pos.shape[1] < 1:
        raise ParameterError("positions", "must have shape (n_frames, n_atoms, 3) [m]", pos.shape)
    if not np.all(np.isfinite(pos)):
        raise ParameterError("positions", "must be finite (no NaN or inf)")
    n_frames, n_atoms = pos.shape[:2]
    if np.max(np.abs(pos)) > 1e-3:
        raise ParameterError(
            "positions",
            "are in m (got more than 1 mm: Angstrom or nm given?)",
            float(np.max(np.abs(pos))),
        )
    species = np.asarray(species, dtype=str)
    if species.shape != (n_atoms,):
        raise ParameterError("species", f"needs one label per atom ({n_atoms})", species.shape)
    q = as_float_array("charges", charges)
    if q.shape != (n_atoms,) or not np.all(np.isfinite(q)):
        raise ParameterError(
            "charges", f"needs one finite charge [e] per atom ({n_atoms})", q.shape
        )
    t = as_float_array("times", times, unit="s")
    if t.shape != (n_frames,) or not np.all(np.isfinite(t)):
        raise ParameterError("times", f"needs one finite time [s] per frame ({n_frames})", t.shape)
    if n_frames > 1 and np.any(np.diff(t) <= 0):
        raise ParameterError("times", "must be strictly increasing [s]")
    if molecules is None:
        mol = np.arange(n_atoms)
    else:
        mol = np.asarray(molecules)
        if mol.shape != (n_atoms,) or mol.dtype.kind not in "iu":
            raise ParameterError(
                "molecules", f"needs one integer molecule id per atom ({n_atoms})", mol.shape
            )
    if masses is None:
        m = np.full(n_atoms, ATOMIC_MASS)
    else:
        m = check_positive("masses", masses, "kg")
        if m.shape != (n_atoms,):
            raise ParameterError("masses", f"needs one mass [kg] per atom ({n_atoms})", m.shape)
    labels = list(dict.fromkeys(["cation", "anion", *sorted(set(species) - set(ION_LABELS))]))
    groups = {label: (np.flatnonzero(species == label), mol[species == label]) for label in labels}
    for label in ION_LABELS:
        if groups[label][0].size == 0:
            raise ParameterError("species", f"no atom is labelled {label!r}")
    if atom_types is None:
        types = species.astype(str)
    else:
        types = np.asarray(atom_types).astype(str)
        if types.shape != (n_atoms,):
            raise ParameterError("atom_types", f"needs one label per atom ({n_atoms})", types.shape)
    return Trajectory(
        _ArrayBackend(pos),
        atom_types=types,
        times=t,
        boxes=box,
        groups=groups,
        atom_charges=q,
        atom_masses=m,
        n_atoms=n_atoms,
        temperature=temperature,
        declared_unwrapped=unwrapped,
        selections={label: f"species == {label!r}" for label in labels},
    )
