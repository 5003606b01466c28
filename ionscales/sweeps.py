"""Parameter sweeps over a grid with dask, assembled into one labelled Dataset.

:func:`sweep` evaluates a function at every point of a grid (the Cartesian product of
named 1-D axes), locally or on a dask cluster, and returns one ``xarray.Dataset`` with the
grid axes as dimensions, the requested outputs as variables (units kept from the
function's results) and an ``error`` variable holding each failing point's message.

* Vectorised functions (the analytic theory kernels, which broadcast over e.g.
  ``concentration``) are called once per chunk with arrays; solvers (continuum,
  integral equations) are called once per point.
* A point that raises becomes NaN (or "" for text outputs) with its error message stored;
  the sweep goes on.
* With ``checkpoint=DIR`` every finished task is written at once to its own small netCDF
  file (temporary file + atomic rename) in a directory keyed by a hash of the sweep
  (function, grid, fixed parameters, outputs). Running the same sweep again resumes: only
  points without a record are computed, and nothing finished is lost if the process is
  killed. Records are checked on resume: each carries a SHA-256 hash of its content, and
  its outputs must match the sweep's schema (names, dimensions, shapes, kinds, units: kept in
  ``schema.json`` beside the records). A record that fails either check is ignored with a
  warning and its points are recomputed; a corrupted file never turns good points into NaN.
  The hash detects accidental corruption and careless edits, not a deliberate forgery (anyone
  who can write the directory can recompute it).
* On a cluster, a point that kills its worker process (a segfault, ``os._exit``, the
  out-of-memory killer) is isolated: its task is split into single points, each retried at
  most :data:`WORKER_DEATH_RETRIES` more times on a fresh worker, and a point that still
  kills its worker is marked failed with that cause (and checkpointed, so a resume does not
  kill workers again unless ``retry_failed=True``). Every other point finishes.
"""

from __future__ import annotations

import functools
import hashlib
import json
import logging
import os
import sys
import time
import uuid
import warnings
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import is_dataclass
from pathlib import Path
from typing import Any

import numpy as np
import xarray as xr

from ionscales import __version__, registry
from ionscales.errors import CheckpointWarning, ParameterError
from ionscales.results import _jsonable, clean_attrs, make_dataset
from ionscales.validation import check_bool, check_integer
from ionscales.vocab import VARIABLES

__all__ = ["sweep", "checkpoint_directory", "local_cluster"]

_RESERVED = {"error"}
_FILE_PREFIX = "points-"


# ---------------------------------------------------------------------------------------
# public entry point


def sweep(
    func: Callable | str,
    grid: Mapping[str, Any],
    fixed: Mapping[str, Any] | None = None,
    outputs: Sequence[str] | str | None = None,
    scheduler=None,
    checkpoint: str | os.PathLike | None = None,
    *,
    vectorized: Sequence[str] | bool | None = None,
    chunk_size: int | None = None,
    units: Mapping[str, str] | None = None,
    progress: bool | None = None,
    n_workers: int | None = None,
    retry_failed: bool = False,
) -> xr.Dataset:
    """Evaluate ``func`` over a grid of keyword arguments.

    Parameters
    ----------
    func : callable or str
        The function, called as ``func(**fixed, **point)``; or the name of a registered
        public function (``ionscales.registry.names()``, e.g. ``"theory.screening"``).
    grid : mapping
        ``name -> values`` (keyword argument -> 1-D sequence, in SI units). Values may be
        numbers, strings, or objects (e.g. Electrolytes; labelled by their ``name``); a
        mapping ``label -> object`` labels them explicitly. The result has one dimension per
        axis, in this order.
    fixed : mapping, optional
        Keyword arguments common to every point.
    outputs : sequence of str, optional
        Names to keep: variables of a returned Dataset (0-d per point, or with extra
        dimensions such as ``x``), dataset attributes (``converged``, ``iterations``...),
        keys of a returned dict; for a function returning a number or array, the name given
        to it (default: the function's name). Default: every scalar variable (per point) or
        every variable over the vectorised dimension, plus converged/iterations/residual.
    scheduler : None, "local", "synchronous", str address or distributed.Client
        None/"local": a ``dask.distributed.LocalCluster`` with one single-threaded worker
        process per core and the workers' profiler off (:func:`local_cluster`; closed
        afterwards; start one yourself to reuse it). "synchronous": in this process, in order
        (debugging; same results). ``"tcp://host:8786"``: an existing dask scheduler. A
        ``distributed.Client``: used as is (not closed).
    checkpoint : path, optional
        Directory for resumable checkpoints (a sub-directory ``sweep-<hash>`` per sweep).
    vectorized : sequence of str or bool, optional
        Grid keys the function broadcasts over (called with 1-D arrays, one result per
        element). Default: from the registry for registered functions, else none.
        ``False``: always call per point.
    chunk_size : int, optional
        Points per task. Default: the whole vectorised axis for vectorised calls; for
        per-point calls one point per task with ``"synchronous"``, and on a cluster about two
        tasks per worker with at most ``MAX_AUTO_CHUNK`` (100) points each, every task taking
        every n-th point of the grid (small sweeps stay at one point per task). The function
        is still called once per point.
    units : mapping, optional
        Units of grid axes or outputs that are neither in the results nor in the vocabulary.
    progress : bool, optional
        tqdm progress bar (default: on when stderr is a terminal).
    n_workers : int, optional
        Workers of the local cluster (default ``os.cpu_count()``).
    retry_failed : bool
        On resume, recompute points that previously raised (default: keep their errors).

    Returns
    -------
    xarray.Dataset
        Outputs over the grid dimensions (plus their own extra dimensions), ``error`` (""
        where the point succeeded); attrs record the function, grid, fixed parameters,
        scheduler, the package version and the first point's own attrs (``point_attrs``:
        model, parameters, solver settings), enough to recompute every point.

    Notes
    -----
    The local cluster spawns worker processes: a script that uses it needs the usual
    ``if __name__ == "__main__":`` guard, and functions defined in the script are shipped
    to the workers by value (cloudpickle). Per-point tasks cost roughly 1–20 ms of
    scheduling each (more on a loaded machine); for cheap functions raise ``chunk_size``
    (a killed run then loses at most the unfinished chunks) or use a vectorised call.
    A point's result is checkpointed only after its task has finished.
    """
    if n_workers is not None:
        n_workers = check_integer("n_workers", n_workers, 1)
    retry_failed = check_bool("retry_failed", retry_failed)
    if progress is not None:
        progress = check_bool("progress", progress)
    spec = _SweepSpec.build(func, grid, fixed, outputs, vectorized, chunk_size, units)
    done: dict[int, int] = {}
    records: list[dict] = []
    store = None
    if checkpoint is not None:
        store = _Checkpoint(Path(checkpoint), spec)
        records = store.load()
        for r_i, rec in enumerate(records):
            for j, idx in enumerate(rec["index"]):
                if retry_failed and rec["errors"][j]:
                    continue
                done[idx] = r_i
    todo = [i for i in range(spec.n_points) if i not in done]
    if spec.chunk_size is None and not spec.vectorized and not _is_synchronous(scheduler):
        spec.chunk_size = _auto_chunk_size(len(todo), _worker_count(scheduler, n_workers))
        spec.interleave = True
    tasks = spec.tasks(todo)
    t0 = time.perf_counter()
    new_records, scheduler_label = _execute(
        spec, tasks, scheduler, store, progress, n_workers, n_done=spec.n_points - len(todo)
    )
    wall = time.perf_counter() - t0
    records = records + new_records
    return spec.assemble(
        records,
        scheduler_label=scheduler_label,
        wall_seconds=wall,
        computed=len(todo),
        checkpoint=store.path if store else None,
    )


#: upper bound on the automatic number of points per task (checkpoint granularity)
MAX_AUTO_CHUNK = 100


def _is_synchronous(scheduler) -> bool:
    return isinstance(scheduler, str) and scheduler == "synchronous"


def _worker_count(scheduler, n_workers) -> int:
    if n_workers:
        return int(n_workers)
    # a client of a cluster object in this process (LocalCluster) knows its workers locally;
    # ``scheduler_info()`` is a round trip to the scheduler (~5-10 ms before the first task)
    workers = getattr(getattr(scheduler, "cluster", None), "workers", None)
    if isinstance(workers, Mapping) and workers:
        return len(workers)
    info = getattr(scheduler, "scheduler_info", None)
    if callable(info):  # a dask Client
        try:
            return max(1, len(info().get("workers", {})))
        except Exception:  # noqa: BLE001 - informational only
            return os.cpu_count() or 1
    return os.cpu_count() or 1


def _auto_chunk_size(n_points: int, workers: int) -> int:
    """Points per task for per-point calls on a cluster: about two tasks per worker, at most
    MAX_AUTO_CHUNK points each (checkpoint granularity; large sweeps get many tasks).

    Each task costs dask a scheduler round trip and client/scheduler CPU in this process
    (on the 2-vCPU VM used here ~3-5 ms of latency and ~2-4 ms of CPU per task, the CPU
    taken from a worker's core), so tasks should last ~0.1 s (dask's own advice): with
    ~1 ms solves, 400 Bikerman points on two workers ran 1.2-1.6x the loop in four tasks
    per worker and 1.3-2.05x in two (seven interleaved pairs of ``python -m benchmarks
    sweep``; 1.5x in three more with interleaved chunks). With so few tasks the scheduler
    commits them all up front, so the automatic
    chunks interleave the grid (:meth:`_SweepSpec.tasks`): every task samples every axis
    and the tasks cost alike even when the cost varies along an axis."""
    return max(1, min(MAX_AUTO_CHUNK, n_points // (2 * max(1, workers))))


def interleaved_chunks(items: list, size: int) -> list[list]:
    """``items`` in chunks of at most ``size``, each taking every n-th item (n = the number
    of chunks): every chunk samples the whole grid, so chunks cost alike even when the cost
    varies along an axis (the automatic cluster chunks of :func:`sweep`)."""
    n_chunks = -(-len(items) // size)
    return [items[i::n_chunks] for i in range(n_chunks)]


def checkpoint_directory(
    checkpoint, func, grid, fixed=None, outputs=None, *, vectorized=None, units=None
) -> Path:
    """The directory where :func:`sweep` keeps the checkpoint of this sweep."""
    spec = _SweepSpec.build(func, grid, fixed, outputs, vectorized, None, units)
    return Path(checkpoint) / f"sweep-{spec.key}"


# ---------------------------------------------------------------------------------------
# sweep description


class _Axis:
    def __init__(self, name: str, raw):
        self.name = name
        if isinstance(raw, Mapping):
            labels = [str(k) for k in raw]
            values = list(raw.values())
            coord = np.array(labels, dtype=str)
        else:
            if isinstance(raw, (str, bytes)) or not isinstance(raw, Iterable):
                raw = [raw]
            arr = np.asarray(raw) if not _has_objects(raw) else None
            if arr is not None and arr.ndim != 1:
                raise ParameterError(f"grid[{name!r}]", "must be a 1-D sequence of values", raw)
            values = list(arr.tolist()) if arr is not None else list(raw)
            if arr is not None and arr.dtype.kind in "biuf":
                coord = arr
            elif arr is not None and arr.dtype.kind in "US":
                coord = arr.astype(str)
            else:
                labels = [_label(v) for v in values]
                if len(set(labels)) != len(labels):
                    labels = [f"{i}: {lab}" for i, lab in enumerate(labels)]
                coord = np.array(labels, dtype=str)
        if len(values) == 0:
            raise ParameterError(f"grid[{name!r}]", "needs at least one value", raw)
        if coord.dtype.kind == "f" and not np.all(np.isfinite(coord)):
            raise ParameterError(f"grid[{name!r}]", "values must be finite", raw)
        self.values = values
        self.coord = coord
        self.objects = isinstance(raw, Mapping) or any(_is_object(v) for v in values)

    def __len__(self):
        return len(self.values)


def _is_object(v) -> bool:
    return not isinstance(v, (int, float, str, bool, np.number, np.bool_))


def _has_objects(raw) -> bool:
    if isinstance(raw, np.ndarray):
        return raw.dtype == object
    return any(_is_object(v) for v in raw)


def _label(v) -> str:
    name = getattr(v, "name", None)
    return str(name) if isinstance(name, str) else repr(v)


class _SweepSpec:
    """Everything that defines a sweep (hashable key, task layout, assembly)."""

    @classmethod
    def build(cls, func, grid, fixed, outputs, vectorized, chunk_size, units) -> _SweepSpec:
        self = cls()
        entry = None
        if isinstance(func, str):
            entry = registry.entry(func)
            self.func = entry.load()
            self.func_name = entry.name
        elif callable(func):
            self.func = func
            name = registry.name_of(func)
            if name is not None:
                entry = registry.entry(name)
                self.func_name = name
            else:
                module = getattr(func, "__module__", None) or type(func).__module__
                qual = getattr(func, "__qualname__", None) or type(func).__qualname__
                self.func_name = f"{module}.{qual}"
        else:
            raise ParameterError("func", "must be a callable or a registered function name", func)
        if not isinstance(grid, Mapping) or not grid:
            raise ParameterError("grid", "must be a non-empty mapping name -> 1-D values", grid)
        self.axes = [_Axis(str(k), v) for k, v in grid.items()]
        if fixed is not None and not isinstance(fixed, Mapping):
            raise ParameterError("fixed", "must be a mapping of keyword arguments", fixed)
        self.fixed = {str(k): v for k, v in (fixed or {}).items()}
        both = set(self.fixed) & {a.name for a in self.axes}
        if both:
            raise ParameterError("fixed", f"{sorted(both)} are both fixed and on the grid")
        if outputs is not None:
            if isinstance(outputs, str):
                outputs = [outputs]
            outputs = [str(o) for o in outputs]
            if not outputs or len(set(outputs)) != len(outputs):
                raise ParameterError(
                    "outputs", "must be a non-empty list of distinct names", outputs
                )
            bad = [o for o in outputs if o in _RESERVED or o in {a.name for a in self.axes}]
            if bad:
                raise ParameterError("outputs", f"{bad} clash with 'error' or a grid axis name")
        self.outputs = outputs
        keys = [a.name for a in self.axes]
        if vectorized is None or vectorized is True:
            vec = [k for k in (entry.vectorized if entry else ()) if k in keys]
            if vectorized is True and not vec:
                raise ParameterError(
                    "vectorized",
                    "the function has no known vectorised keys; "
                    "name them (e.g. vectorized=['concentration'])",
                )
        elif vectorized is False:
            vec = []
        else:
            vec = [str(k) for k in vectorized]
            missing = [k for k in vec if k not in keys]
            if missing:
                raise ParameterError("vectorized", f"{missing} are not grid keys ({keys})")
        for k in vec:
            ax = self.axes[keys.index(k)]
            if ax.coord.dtype.kind not in "biuf":
                raise ParameterError("vectorized", f"axis {k!r} is not numeric", k)
        self.vectorized = tuple(vec)
        self.chunk_size = None if chunk_size is None else check_integer("chunk_size", chunk_size, 1)
        self.interleave = False  # automatic cluster chunks interleave the grid (see sweep)
        self.units = {**(entry.units if entry else {}), **dict(units or {})}
        self.shape = tuple(len(a) for a in self.axes)
        self.n_points = int(np.prod(self.shape))
        self.key = hashlib.sha256(json.dumps(self.identity(), sort_keys=True).encode()).hexdigest()[
            :16
        ]
        return self

    def identity(self) -> dict:
        return {
            "function": self.func_name,
            "grid": {a.name: [_stable(v) for v in a.values] for a in self.axes},
            "grid_labels": {a.name: a.coord.tolist() for a in self.axes},
            "fixed": {k: _stable(v) for k, v in sorted(self.fixed.items())},
            "outputs": self.outputs,
            "vectorized": list(self.vectorized),
        }

    def point_kwargs(self, indices) -> list[dict]:
        """Keyword arguments of the grid points ``indices`` (one unravel_index for all)."""
        multi = np.unravel_index(np.asarray(indices, dtype=np.intp), self.shape)
        columns = [(a.name, a.values, m.tolist()) for a, m in zip(self.axes, multi, strict=True)]
        return [
            {name: values[pos[k]] for name, values, pos in columns} for k in range(len(indices))
        ]

    def tasks(self, todo: list[int]) -> list[_Task]:
        """Group the points to compute into tasks: (indices, kwargs of each point)."""
        if not todo:
            return []
        if not self.vectorized:
            size = self.chunk_size or 1
            if self.interleave:
                chunks = interleaved_chunks(todo, size)
            else:
                chunks = [todo[i : i + size] for i in range(0, len(todo), size)]
        else:
            vec_pos = [i for i, a in enumerate(self.axes) if a.name in self.vectorized]
            groups: dict[tuple, list[int]] = {}
            for idx in todo:
                multi = np.unravel_index(idx, self.shape)
                key = tuple(int(m) for i, m in enumerate(multi) if i not in vec_pos)
                groups.setdefault(key, []).append(idx)
            chunks = []
            for members in groups.values():
                size = self.chunk_size or len(members)
                chunks.extend(members[i : i + size] for i in range(0, len(members), size))
        kwargs = dict(zip(todo, self.point_kwargs(todo)))
        return [_Task(c, [kwargs[i] for i in c]) for c in chunks]

    # -- assembly ------------------------------------------------------------------------

    def assemble(self, records, *, scheduler_label, wall_seconds, computed, checkpoint):
        order = sorted(range(len(records)), key=lambda r: records[r].get("sequence", r))
        # later records (a retry) override earlier ones for the same point
        errors = np.full(self.n_points, "", dtype=object)
        out_meta: dict[str, dict] = {}
        out_values: dict[str, np.ndarray] = {}
        seconds = 0.0
        cpu_seconds = 0.0
        written: dict[str, np.ndarray] = {}
        owner = np.full(self.n_points, -1, dtype=np.int64)  # record that holds each point
        for r in order:
            rec = records[r]
            seconds += float(rec.get("seconds", 0.0))
            cpu_seconds += float(rec.get("cpu_seconds", 0.0))
            idx = np.asarray(rec["index"], dtype=np.int64)
            errors[idx] = np.asarray(rec["errors"], dtype=object)
            owner[idx] = r
            for w in written.values():  # a later record replaces the point
                w[idx] = False
            for name, o in rec["outputs"].items():
                vals = np.asarray(o["values"])
                if name not in out_meta:
                    out_meta[name] = o
                    extra = vals.shape[1:]
                    if vals.dtype.kind in "US":
                        out_values[name] = np.full((self.n_points, *extra), "", dtype=object)
                    else:
                        out_values[name] = np.full((self.n_points, *extra), np.nan)
                target = out_values[name]
                if vals.shape[1:] != target.shape[1:]:
                    for j, i in enumerate(idx):
                        if not rec["errors"][j]:
                            errors[i] = (
                                f"output {name!r} has shape {vals.shape[1:]} here but "
                                f"{target.shape[1:]} at other points"
                            )
                    continue
                if target.dtype == object and vals.dtype.kind not in "USO":
                    vals = vals.astype(str)
                elif target.dtype != object and vals.dtype.kind in "USO":
                    for j, i in enumerate(idx):
                        if not rec["errors"][j]:
                            errors[i] = f"output {name!r} is text here but numeric at other points"
                    continue
                target[idx] = vals
                written.setdefault(name, np.zeros(self.n_points, dtype=bool))[idx] = True
        names = list(out_meta)
        if self.outputs is not None:
            names = [n for n in self.outputs if n in out_meta]
            for n in self.outputs:  # asked for, but no point produced it
                written.setdefault(n, np.zeros(self.n_points, dtype=bool))
        for n in self.outputs or names:  # a successful point must have every output
            lacking = (errors == "") & (owner >= 0) & ~written[n]
            errors[lacking] = f"output {n!r} missing at this point"
        point_attrs = _fixed_point_attrs(records, owner, errors)
        failed_mask = errors != ""
        for n in names:  # a point that failed has no values
            v = out_values[n]
            v[failed_mask] = "" if v.dtype == object else np.nan
        dims = tuple(a.name for a in self.axes)
        data_vars: dict[str, Any] = {}
        coords: dict[str, Any] = {}
        for a in self.axes:
            u, ln = self._axis_labels(a.name)
            coords[a.name] = (a.name, a.coord, u, ln)
        for n in names:
            o = out_meta[n]
            extra_dims = []
            for d, c in zip(o["dims"], o["coords"]):
                dn = d if d not in dims else f"{d}_{n}"
                extra_dims.append(dn)
                if dn not in coords:
                    cu = (o.get("coord_units") or {}).get(d) or self._lookup_units(d) or "1"
                    coords[dn] = (dn, np.asarray(c), cu, VARIABLES.get(d, (None, d))[1])
            values = out_values[n].reshape(self.shape + out_values[n].shape[1:])
            if values.dtype == object:
                values = values.astype(str)
            data_vars[n] = (dims + tuple(extra_dims), values, o["units"], o["long_name"])
        data_vars["error"] = (dims, errors.reshape(self.shape).astype(str))
        n_failed = int(failed_mask.sum())
        record = {k: _record(v) for k, v in self.fixed.items()}
        grid_record = {a.name: [_record(v) for v in a.values] for a in self.axes}
        references = ()
        if point_attrs and isinstance(point_attrs.get("references"), str):
            references = tuple(r for r in point_attrs["references"].split("; ") if r)
        attrs = {
            "sweep_function": self.func_name,
            "sweep_grid": json.dumps(_jsonable(grid_record)),
            "sweep_fixed": json.dumps(_jsonable(record), sort_keys=True),
            "sweep_outputs": json.dumps(names),
            "sweep_vectorized": json.dumps(list(self.vectorized)),
            "sweep_scheduler": scheduler_label,
            "sweep_points": self.n_points,
            "sweep_failed_points": n_failed,
            "sweep_computed_points": int(computed),
            "sweep_task_seconds": seconds,
            "sweep_task_cpu_seconds": cpu_seconds,
            "sweep_wall_seconds": float(wall_seconds),
            "sweep_key": self.key,
            "sweep_checkpoint": str(checkpoint) if checkpoint else "none",
            "point_attrs": json.dumps(_jsonable(point_attrs or {}), sort_keys=True),
        }
        return make_dataset(
            data_vars,
            coords,
            model=f"sweep of {self.func_name}",
            parameters={"function": self.func_name, "fixed": record, "grid": grid_record},
            references=references,
            attrs=attrs,
        )

    def _lookup_units(self, name):
        if name in self.units:
            return self.units[name]
        if name in VARIABLES:
            return VARIABLES[name][0]
        return None

    def _axis_labels(self, name):
        ax = next(a for a in self.axes if a.name == name)
        if ax.coord.dtype.kind == "U" and ax.objects:
            return "1", f"{name} (label)"
        u = self._lookup_units(name)
        if ax.coord.dtype.kind == "U" and u is None:
            u = "1"
        ln = VARIABLES[name][1] if name in VARIABLES else name.replace("_", " ")
        return (u or "unknown"), ln


def _stable(obj):
    """A process-independent, JSON-able description of a parameter value (for the hash)."""
    if obj is None or isinstance(obj, (str, bool)):
        return obj
    if isinstance(obj, (int, np.integer)):
        return int(obj)
    if isinstance(obj, (float, np.floating)):
        return repr(float(obj))
    if isinstance(obj, np.ndarray):
        return {"array": [_stable(v) for v in obj.ravel().tolist()], "shape": list(obj.shape)}
    if isinstance(obj, Mapping):
        return {str(k): _stable(v) for k, v in sorted(obj.items(), key=lambda kv: str(kv[0]))}
    if isinstance(obj, (list, tuple)):
        return [_stable(v) for v in obj]
    text = repr(obj)
    if is_dataclass(obj) or " at 0x" not in text:
        return f"{type(obj).__qualname__}:{text}"
    if callable(getattr(obj, "describe", None)):
        return f"{type(obj).__qualname__}:{obj.describe()}"
    state = getattr(obj, "__dict__", None)
    if isinstance(state, dict):
        return {"type": type(obj).__qualname__, "state": _stable(state)}
    return type(obj).__qualname__


def _record(obj):
    """Human-readable record of a parameter for the result attrs."""
    if callable(getattr(obj, "describe", None)):
        try:
            return obj.describe()
        except Exception:  # pragma: no cover - a broken describe() must not lose the result
            pass
    if isinstance(obj, (str, bool, int, float, np.number)) or obj is None:
        return obj
    if isinstance(obj, np.ndarray):
        return obj.tolist()
    if isinstance(obj, (list, tuple)):
        return [_record(v) for v in obj]
    if isinstance(obj, Mapping):
        return {str(k): _record(v) for k, v in obj.items()}
    return repr(obj)


# ---------------------------------------------------------------------------------------
# evaluation (runs on the workers)


class _Task:
    """The points of one task: (grid indices, keyword arguments of each point).

    Deliberately not a tuple, list or dict: dask's graph materialisation walks every list,
    tuple and dict among a task's arguments looking for futures (``parse_input``), in the
    scheduler's thread of the client process. With the points as plain containers that
    took ~25 ms of CPU per 400-point sweep, on one of the cores the workers compute on.
    Unpacks like the pair it holds (``indices, points = task``).
    """

    __slots__ = ("indices", "points")

    def __init__(self, indices, points):
        self.indices, self.points = list(indices), list(points)

    def __iter__(self):
        return iter((self.indices, self.points))

    def __len__(self):
        return 2

    def __repr__(self):  # pragma: no cover - debugging aid
        return f"_Task({len(self.indices)} points from index {self.indices[:1]})"


def _run_task(func, fixed, outputs, vectorized, unit_hints, task):
    """Evaluate one task: returns a record (indices, errors, outputs, timings)."""
    indices, points = task
    t0 = time.perf_counter()
    cpu0 = time.process_time()
    errors = [""] * len(points)
    per_point: list[dict | None] = [None] * len(points)
    point_attrs = None
    point_attrs_index = -1
    vectorised_done = False
    if vectorized and len(points) > 0:
        kwargs = dict(fixed)
        kwargs.update({k: v for k, v in points[0].items() if k not in vectorized})
        for k in vectorized:
            kwargs[k] = np.array([p[k] for p in points])
        try:
            result = _as_result(func(**kwargs))
            extracted = _extract(
                result,
                outputs,
                func,
                unit_hints,
                n=len(points),
                vec_dim=vectorized[0] if len(vectorized) == 1 else None,
            )
            for j in range(len(points)):
                per_point[j] = {
                    name: {**o, "values": o["values"][j]} for name, o in extracted.items()
                }
            point_attrs = _attrs_of(result)
            point_attrs_index = int(indices[0])
            vectorised_done = True
        except Exception:
            vectorised_done = False  # fall back to one call per point to mark the bad ones
    if not vectorised_done:
        for j, p in enumerate(points):
            kwargs = dict(fixed)
            kwargs.update(p)
            try:
                if vectorized:
                    for k in vectorized:
                        kwargs[k] = np.array([p[k]])
                    result = _as_result(func(**kwargs))
                    ex = _extract(
                        result,
                        outputs,
                        func,
                        unit_hints,
                        n=1,
                        vec_dim=vectorized[0] if len(vectorized) == 1 else None,
                    )
                    per_point[j] = {name: {**o, "values": o["values"][0]} for name, o in ex.items()}
                else:
                    result = _as_result(func(**kwargs))
                    per_point[j] = _extract(result, outputs, func, unit_hints, n=None, vec_dim=None)
                if point_attrs is None:
                    point_attrs = _attrs_of(result)
                    point_attrs_index = int(indices[j])
            except Exception as exc:
                errors[j] = f"{type(exc).__name__}: {exc}" or type(exc).__name__
    out = _stack(per_point, errors)
    return {
        "index": [int(i) for i in indices],
        "errors": errors,
        "outputs": out,
        "seconds": time.perf_counter() - t0,
        "cpu_seconds": time.process_time() - cpu0,
        "point_attrs": point_attrs,
        "point_attrs_index": point_attrs_index if point_attrs is not None else -1,
    }


def _fixed_point_attrs(records, owner, errors):
    """``point_attrs`` of the first successful grid point (not of the first task to finish).

    Each record keeps the attrs of the call that computed one of its points
    (``point_attrs_index``); the result takes those of the lowest such index whose point is
    still owned by that record and succeeded, so the choice does not depend on the order in
    which tasks finished or on how a resume chunked the work.
    """
    best, best_index = None, None
    for r, rec in enumerate(records):
        attrs = rec.get("point_attrs")
        if not attrs:
            continue
        i = int(rec.get("point_attrs_index", -1))
        if i < 0:  # an older record: any of its successful points
            ok = [int(k) for k, e in zip(rec["index"], rec["errors"]) if not e]
            i = min(ok) if ok else -1
        if i < 0 or owner[i] != r or errors[i] != "":
            continue
        if best_index is None or i < best_index:
            best, best_index = attrs, i
    return best


def _as_result(result):
    """Objects with a ``to_dataset()`` method (e.g. a solved pair correlation) -> Dataset."""
    if not isinstance(result, (xr.Dataset, xr.DataArray, Mapping)) and callable(
        getattr(result, "to_dataset", None)
    ):
        return result.to_dataset()
    return result


def _attrs_of(result):
    if isinstance(result, (xr.Dataset, xr.DataArray)) and result.attrs:
        return json.loads(json.dumps(_jsonable(clean_attrs(result.attrs))))
    return None


def _stack(per_point, errors) -> dict:
    """Per-point outputs -> one (n, *extra) array per output (fill where a point failed)."""
    names: list[str] = []
    for pp in per_point:
        if pp:
            names.extend(n for n in pp if n not in names)
    out: dict[str, dict] = {}
    for name in names:
        first = next(pp[name] for pp in per_point if pp and name in pp)
        ref = np.asarray(first["values"])
        text = ref.dtype.kind in "USO"
        values = np.full(
            (len(per_point), *ref.shape), "" if text else np.nan, dtype=object if text else float
        )
        for j, pp in enumerate(per_point):
            if errors[j] or not pp:
                continue
            if name not in pp:
                errors[j] = f"output {name!r} missing at this point"
                continue
            v = np.asarray(pp[name]["values"])
            if v.shape != ref.shape or (v.dtype.kind in "USO") != text:
                errors[j] = (
                    f"output {name!r} has shape {v.shape} / kind {v.dtype.kind} here but "
                    f"{ref.shape} / {ref.dtype.kind} at the first point"
                )
                continue
            values[j] = v
        if text:
            values = values.astype(str)
        out[name] = {k: first[k] for k in ("dims", "coords", "units", "long_name", "coord_units")}
        out[name]["values"] = values
    return out


def _as_value(name, value):
    v = np.asarray(value)
    if v.dtype.kind == "b":
        return v.astype(float)
    if v.dtype.kind in "iuf":
        return v.astype(float)
    if v.dtype.kind in "US":
        return v.astype(str)
    if v.dtype.kind == "O":
        try:
            return v.astype(float)
        except (TypeError, ValueError):
            return v.astype(str)
    raise TypeError(f"output {name!r} has unsupported type {v.dtype} (use real numbers or text)")


def _unit_for(name, attrs, unit_hints):
    if attrs and "units" in attrs:
        return str(attrs["units"])
    if name in unit_hints:
        return unit_hints[name]
    if name in VARIABLES:
        return VARIABLES[name][0]
    return "unknown"


def _long_name(name, attrs):
    if attrs and "long_name" in attrs:
        return str(attrs["long_name"])
    return VARIABLES[name][1] if name in VARIABLES else name.replace("_", " ")


_ATTR_OUTPUTS = ("converged", "iterations", "residual")


def _extract(result, outputs, func, unit_hints, *, n, vec_dim) -> dict:
    """Outputs of one call: name -> {values, dims, coords, units, long_name, coord_units}.

    With ``n`` (vectorised call) values have a leading axis of length n (the points).
    """
    default_name = getattr(func, "__name__", None) or "value"
    if isinstance(result, xr.DataArray):
        name = outputs[0] if outputs else (result.name or default_name)
        if outputs and len(outputs) > 1:
            raise KeyError(f"the function returns one array; cannot give outputs {outputs}")
        result = result.to_dataset(name=name)
    if isinstance(result, xr.Dataset):
        if outputs is None:
            if n is None:
                names = [v for v in result.data_vars if result.variables[v].ndim == 0]
            else:
                names = [
                    v
                    for v in result.data_vars
                    if _points_dim(result.variables[v], n, vec_dim) is not None
                    and result.variables[v].ndim == 1
                ]
            names += [a for a in _ATTR_OUTPUTS if a in result.attrs and a not in names]
        else:
            names = list(outputs)
        out = {}
        for name in names:
            if name in result.variables:
                # the Variable, not a DataArray (which would copy every coordinate per point)
                da = result.variables[name]
                if n is not None:
                    pdim = _points_dim(da, n, vec_dim)
                    if pdim is None:
                        raise ValueError(
                            f"output {name!r} has no dimension over the {n} points "
                            f"(dims {da.dims}, shape {da.shape})"
                        )
                    da = da.transpose(pdim, ...)
                    extra = da.dims[1:]
                else:
                    extra = da.dims
                coords = [
                    np.asarray(result.variables[d].values)
                    if d in result.coords
                    else np.arange(da.sizes[d])
                    for d in extra
                ]
                coord_units = {
                    d: str(result.variables[d].attrs.get("units", "1"))
                    for d in extra
                    if d in result.coords
                }
                out[name] = {
                    "values": _as_value(name, da.values),
                    "dims": list(extra),
                    "coords": coords,
                    "coord_units": coord_units,
                    "units": _unit_for(name, da.attrs, unit_hints),
                    "long_name": _long_name(name, da.attrs),
                }
            elif name in result.attrs:
                v = _as_value(name, result.attrs[name])
                if v.ndim != 0:
                    raise ValueError(f"attribute output {name!r} is not a scalar")
                if n is not None:
                    v = np.repeat(v[None], n, axis=0)
                out[name] = {
                    "values": v,
                    "dims": [],
                    "coords": [],
                    "coord_units": {},
                    "units": _unit_for(name, None, unit_hints),
                    "long_name": _long_name(name, None),
                }
            else:
                raise KeyError(
                    f"output {name!r} is not in the result (variables: "
                    f"{sorted(map(str, result.data_vars))}; attrs: {sorted(result.attrs)})"
                )
        return out
    if isinstance(result, Mapping):
        names = list(outputs) if outputs is not None else list(result)
        missing = [k for k in names if k not in result]
        if missing:
            raise KeyError(f"outputs {missing} not in the returned mapping ({sorted(result)})")
        items = {k: result[k] for k in names}
    else:
        if outputs is not None and len(outputs) != 1:
            raise KeyError(f"the function returns one value; cannot give outputs {outputs}")
        items = {outputs[0] if outputs else default_name: result}
    out = {}
    for name, value in items.items():
        v = _as_value(name, value)
        if n is not None:
            if v.ndim == 0 or v.shape[0] != n:
                raise ValueError(f"output {name!r} has shape {v.shape}, expected ({n}, ...)")
        out[name] = {
            "values": v,
            "dims": [f"{name}_dim_{i}" for i in range(v.ndim - (n is not None))],
            "coords": [np.arange(s) for s in v.shape[(n is not None) :]],
            "coord_units": {},
            "units": _unit_for(name, None, unit_hints),
            "long_name": _long_name(name, None),
        }
    return out


def _points_dim(da, n, vec_dim):
    if vec_dim is not None and vec_dim in da.dims and da.sizes[vec_dim] == n:
        return vec_dim
    if da.ndim >= 1 and da.shape[0] == n and (vec_dim is None or vec_dim not in da.dims):
        return da.dims[0]
    return None


# ---------------------------------------------------------------------------------------
# execution


def _execute(spec: _SweepSpec, tasks, scheduler, store, progress, n_workers, n_done):
    label = _scheduler_label(scheduler)
    if progress is None:
        progress = sys.stderr.isatty()
    from tqdm.auto import tqdm

    bar = tqdm(
        total=spec.n_points,
        initial=n_done,
        disable=not progress,
        unit="pt",
        desc=spec.func_name,
        file=sys.stderr,
    )
    worker = functools.partial(
        _run_task, spec.func, spec.fixed, spec.outputs, spec.vectorized, spec.units
    )
    records: list[dict] = []

    def finish(rec, persist=True):
        # a record that does not fit the sweep's schema is not checkpointed (the assembly
        # marks its points); everything else is written before it is counted as done
        if store is not None and persist and store.accepts(rec):
            rec["sequence"] = store.save(rec)
        else:  # sorts after the checkpoint files' names
            rec["sequence"] = f"~{len(records):09d}"
        records.append(rec)
        bar.update(len(rec["index"]))

    try:
        if not tasks:
            return records, label
        if label == "synchronous":
            for task in tasks:
                finish(worker(task))
            return records, label
        client, to_close = _open_client(scheduler, n_workers)
        try:
            _run_on_cluster(client, worker, tasks, finish)
        finally:
            for obj in to_close:
                obj.close()
        return records, label
    finally:
        bar.close()


#: how many more times a single point is sent to a fresh worker after its worker process
#: died while computing it (on top of the scheduler's own ``allowed-failures``)
WORKER_DEATH_RETRIES = 1
#: the local cluster's scheduler gives up on a task after this many worker deaths + 1 (dask's
#: default is 3; a crashing point then costs fewer worker restarts, and the client retries)
LOCAL_ALLOWED_FAILURES = 1


def _run_on_cluster(client, worker, tasks, finish):
    """Map ``worker`` over ``tasks`` on ``client``; isolate points that kill their worker.

    The function and fixed parameters travel inside each task (not as scattered data: a
    scattered value lives only on the workers, and when they die every task that depends on
    it is cancelled). Results are fetched here, one ``result()`` per finished task, not with
    ``as_completed(with_results=True)``: with it, the sweep whose point kills its worker hung
    once in CI, this loop waiting in ``as_completed`` (distributed's background fetch catches
    only cancellations; a future whose fetch raises anything else is never reported).
    A task that fails as a whole (its worker died, its result could not be sent back) is
    split into single points; a single point is retried
    ``WORKER_DEATH_RETRIES`` times, then recorded as failed with the cause.
    """
    from distributed import as_completed

    attempts: dict[str, int] = {}
    task_of = {}
    futures = client.map(worker, tasks, pure=False)
    for fut, task in zip(futures, tasks):
        task_of[fut.key] = task
        attempts[fut.key] = 0
    pending = as_completed(futures)
    live = {f.key: f for f in futures}
    try:
        for fut in pending:
            task = task_of.pop(fut.key)
            tries = attempts.pop(fut.key)
            live.pop(fut.key, None)
            try:
                rec = fut.result()
            except Exception as exc:  # noqa: BLE001 - the task itself failed, not a point
                indices, points = task
                cause = _task_failure(exc)
                if len(indices) > 1:
                    retry = [_Task([i], [p]) for i, p in zip(indices, points)]
                    retry_tries = 0
                elif tries < WORKER_DEATH_RETRIES:
                    retry, retry_tries = [task], tries + 1
                else:
                    msg = f"{cause} (tried {tries + 1} time(s) alone; other points unaffected)"
                    finish(
                        {
                            "index": list(indices),
                            "errors": [msg],
                            "outputs": {},
                            "seconds": 0.0,
                            "cpu_seconds": 0.0,
                            "point_attrs": None,
                            "point_attrs_index": -1,
                        }
                    )
                    continue
                new = client.map(worker, retry, pure=False)
                for f, t in zip(new, retry):
                    task_of[f.key] = t
                    attempts[f.key] = retry_tries
                    live[f.key] = f
                    pending.add(f)
                continue
            finish(rec)
    finally:
        for f in live.values():
            if not f.done():
                f.cancel()


def _task_failure(exc) -> str:
    """One line saying why a whole task failed on the cluster."""
    name = type(exc).__name__
    if name == "KilledWorker":
        return (
            "the worker process died while computing this point (a crash in the function: "
            "segfault, os._exit, out of memory); KilledWorker"
        )
    if name in ("CancelledError", "FutureCancelledError"):
        return f"the task was cancelled on the cluster ({name})"
    text = " ".join(str(exc).split())
    return f"task failed on the cluster: {name}: {text}"[:500]


def _scheduler_label(scheduler) -> str:
    if scheduler is None or scheduler == "local":
        return "local"
    if scheduler == "synchronous":
        return "synchronous"
    if isinstance(scheduler, str):
        if "://" not in scheduler:
            raise ParameterError(
                "scheduler",
                "must be None/'local', 'synchronous', a scheduler "
                "address like 'tcp://host:8786', or a distributed.Client",
                scheduler,
            )
        return scheduler
    try:
        from distributed import Client
    except ImportError:  # pragma: no cover - distributed is a dependency
        Client = ()
    if isinstance(scheduler, Client):
        return f"client {scheduler.scheduler.address}" if scheduler.scheduler else "client"
    raise ParameterError(
        "scheduler",
        "must be None/'local', 'synchronous', a scheduler address or a distributed.Client",
        scheduler,
    )


#: dask settings of the clusters :func:`local_cluster` starts (the default
#: ``scheduler=None``/``"local"`` of :func:`sweep` among them), in the scheduler and nannies
#: (which live in the calling process) and in the worker processes. Measured on the 2-vCPU
#: VM used here, against dask's defaults:
#:
#: * the workers' statistical profiler samples the running task's stack every 10 ms from the
#:   worker's event loop, holding the GIL while it walks the frames: it cost millisecond
#:   Python calls such as ``continuum.solve_pb`` 8-9 % of the workers' CPU (CPU per Bikerman
#:   solve on a worker over the same solve in the calling process: median 1.088 with it,
#:   1.008 without, 12 interleaved sweeps of 400 solves; 1.086 for the same solves in one
#:   process with and without a thread doing the same sampling);
#: * the event-loop tick (20 ms; it only measures how long the loop was blocked, warning
#:   after 3 s), the system monitor (500 ms; dashboard metrics) and the nannies' memory
#:   monitor (100 ms; enforces the memory limit) kept an idle two-worker cluster at 51-67 ms of
#:   CPU per second in the calling process and 20-27 ms/s in each worker; at 200 ms, 2 s and
#:   500 ms it is 12-14 ms/s and 2.5-7.5 ms/s. That background work runs on the cores the
#:   workers compute on.
LOCAL_CLUSTER_CONFIG = {
    "distributed.worker.profile.enabled": False,
    "distributed.admin.tick.interval": "200ms",
    "distributed.admin.system-monitor.interval": "2s",
    "distributed.worker.memory.monitor-interval": "500ms",
    "distributed.scheduler.allowed-failures": LOCAL_ALLOWED_FAILURES,
}


def local_cluster(n_workers: int | None = None, config: Mapping | None = None, **kwargs):
    """A ``distributed.LocalCluster`` set up for sweeps, to start once and reuse.

    One single-threaded worker process per core (``n_workers``, default ``os.cpu_count()``),
    no dashboard, quiet logs, and :data:`LOCAL_CLUSTER_CONFIG`: the workers' statistical
    profiler off (it costs millisecond Python calls ~8 % of the workers' CPU; the dashboard's
    profile page stays empty), slower background monitors (event-loop tick 200 ms, system
    monitor 2 s, memory monitor 500 ms: an idle cluster then takes ~4x less CPU from the cores
    the workers use), and the scheduler giving up on a task after
    ``LOCAL_ALLOWED_FAILURES + 1`` worker deaths (the sweep then isolates and retries the
    point itself). This is the cluster :func:`sweep` starts for ``scheduler=None`` or
    ``"local"``; starting it yourself saves its start-up (1-2 s) on every sweep after the
    first::

        with ionscales.sweeps.local_cluster() as cluster, cluster.get_client() as client:
            ds = ionscales.sweep(func, grid, scheduler=client)

    ``config`` (dask settings, dotted keys or nested) is applied over these, ``kwargs`` go to
    ``LocalCluster``. A cluster of your own with dask's defaults works the same, only with
    these costs (the same settings in its dask configuration remove them).
    """
    import dask
    from distributed import LocalCluster

    if n_workers is not None:
        n_workers = check_integer("n_workers", n_workers, 1)
    if config is not None and not isinstance(config, Mapping):
        raise ParameterError("config", "must be a mapping of dask settings", config)
    workers = int(n_workers or os.cpu_count() or 1)
    options = {
        "threads_per_worker": 1,
        "processes": True,
        "dashboard_address": None,
        "silence_logs": logging.ERROR,
        **kwargs,
    }
    # the scheduler and nannies read their settings while the cluster starts (in this
    # process); the worker processes get the whole configuration through their nannies, as a
    # copy (``merge`` builds new nested dicts): leaving ``dask.config.set`` restores the
    # global dicts in place, and a worker the nanny restarts later must keep these settings
    with (
        warnings.catch_warnings(),
        dask.config.set(LOCAL_CLUSTER_CONFIG),
        dask.config.set(dict(config or {})),
    ):
        warnings.simplefilter("ignore")
        settings = dask.config.merge(dask.config.config)
        return LocalCluster(n_workers=workers, config=settings, **options)


def _open_client(scheduler, n_workers):
    from distributed import Client

    if isinstance(scheduler, Client):
        return scheduler, []
    if scheduler is None or scheduler == "local":
        cluster = local_cluster(n_workers)
        client = Client(cluster)
        return client, [client, cluster]
    client = Client(scheduler)
    return client, [client]


# ---------------------------------------------------------------------------------------
# checkpoints


class _Checkpoint:
    """One directory per sweep; one netCDF file per finished task (atomic rename).

    Beside the records: ``sweep.json`` (what the sweep is) and ``schema.json`` (the outputs
    every record must carry: name -> dims, extra shape, kind, units), written with the first
    record that has outputs. Each record stores a SHA-256 hash of its content.
    """

    def __init__(self, root: Path, spec: _SweepSpec):
        self.spec = spec
        self.path = root / f"sweep-{spec.key}"
        self.path.mkdir(parents=True, exist_ok=True)
        manifest = self.path / "sweep.json"
        if not manifest.exists():
            _atomic_write(
                manifest,
                json.dumps(
                    {
                        "ionscales_version": __version__,
                        **spec.identity(),
                        "shape": list(spec.shape),
                    },
                    indent=1,
                ),
            )
        self.schema = self._read_schema()
        self._counter = 0

    def _read_schema(self):
        f = self.path / "schema.json"
        if not f.is_file():
            return None
        try:
            schema = json.loads(f.read_text())
            if isinstance(schema, dict):
                return schema
        except (OSError, ValueError):
            pass
        warnings.warn(
            f"ignoring unreadable checkpoint schema {f}; inferring it from the records",
            CheckpointWarning,
            stacklevel=4,
        )
        return None

    def _write_schema(self, schema: dict) -> None:
        self.schema = schema
        _atomic_write(self.path / "schema.json", json.dumps(schema, indent=1, sort_keys=True))

    def load(self) -> list[dict]:
        records = []
        for tmp in self.path.glob(".*.tmp"):  # left by a killed writer
            tmp.unlink(missing_ok=True)
        for f in sorted(self.path.glob(f"{_FILE_PREFIX}*.nc")):
            try:
                rec = _read_record(f)
                problem = _record_problem(rec, self.spec.n_points)
            except Exception as exc:  # noqa: BLE001 - unreadable: recompute those points
                problem = f"unreadable ({type(exc).__name__}: {' '.join(str(exc).split())})"
            if problem:
                self._reject(f, problem)
                continue
            rec["sequence"] = f.stem
            records.append((f, rec))
        schema = self.schema
        if schema is None:  # older checkpoint or lost schema: the most common signature
            signatures = [
                json.dumps(_signature(r), sort_keys=True) for _, r in records if r["outputs"]
            ]
            if signatures:
                common = max(set(signatures), key=signatures.count)
                self._write_schema(json.loads(common))
                schema = self.schema
        kept = []
        for f, rec in records:
            if rec["outputs"] and schema is not None and _signature(rec) != schema:
                self._reject(
                    f,
                    f"its outputs {_describe_signature(_signature(rec))} do not match "
                    f"the sweep's schema {_describe_signature(schema)}",
                )
                continue
            kept.append(rec)
        return kept

    def _reject(self, f: Path, problem: str) -> None:
        warnings.warn(
            f"ignoring checkpoint record {f.name}: {problem}; its points are recomputed",
            CheckpointWarning,
            stacklevel=4,
        )
        try:  # keep it for inspection, out of the way of later loads
            os.replace(f, f.with_name(f"rejected-{f.name}"))
        except OSError:
            pass

    def accepts(self, rec: dict) -> bool:
        """Whether ``rec`` fits the schema (setting the schema from the first record)."""
        if not rec["outputs"]:
            return True
        if self.schema is None:
            self._write_schema(_signature(rec))
            return True
        return _signature(rec) == self.schema

    def save(self, rec: dict) -> str:
        self._counter += 1
        seq = f"{time.time_ns():020d}-{os.getpid()}-{self._counter:06d}"
        name = f"{_FILE_PREFIX}{seq}.nc"
        tmp = self.path / f".{name}.{uuid.uuid4().hex}.tmp"
        _record_dataset(rec).to_netcdf(tmp, engine="netcdf4")
        os.replace(tmp, self.path / name)
        return f"{_FILE_PREFIX}{seq}"


def _atomic_write(path: Path, text: str) -> None:
    tmp = path.with_name(f".{path.name}.{uuid.uuid4().hex}.tmp")
    tmp.write_text(text)
    os.replace(tmp, path)


def _signature(rec: dict) -> dict:
    """The schema a record's outputs follow: name -> dims, extra shape, kind, units."""
    return {
        name: {
            "dims": list(o["dims"]),
            "shape": [int(n) for n in np.shape(o["values"])[1:]],
            "kind": "text" if np.asarray(o["values"]).dtype.kind in "USO" else "number",
            "units": str(o["units"]),
        }
        for name, o in rec["outputs"].items()
    }


def _describe_signature(sig: dict) -> str:
    return (
        "{"
        + ", ".join(
            f"{k}: {v['kind']} {tuple(v['shape'])} [{v['units']}]" for k, v in sorted(sig.items())
        )
        + "}"
    )


def _record_problem(rec: dict, n_points: int) -> str:
    """Why a record read from disk cannot be trusted ('' if it can)."""
    index = rec["index"]
    if not index:
        return "it holds no points"
    if len(set(index)) != len(index) or min(index) < 0 or max(index) >= n_points:
        return f"its point indices are not distinct grid points 0..{n_points - 1}"
    if len(rec["errors"]) != len(index):
        return "it has a different number of errors and points"
    for name, o in rec["outputs"].items():
        shape = np.shape(o["values"])
        if not shape or shape[0] != len(index):
            return f"output {name!r} has shape {shape} for {len(index)} points"
        if len(o["coords"]) != len(shape) - 1 or len(o["dims"]) != len(shape) - 1:
            return f"output {name!r} has dimensions that do not match its shape {shape}"
    stored = rec.get("content_sha256")
    if not stored:
        return "it has no content hash"
    if stored != _content_hash(rec):
        return "its content does not match its SHA-256 hash (modified or corrupted)"
    return ""


def _content_hash(rec: dict) -> str:
    """SHA-256 over everything a record contributes to the result (canonical form)."""
    h = hashlib.sha256()

    def add(data: bytes) -> None:
        h.update(len(data).to_bytes(8, "little"))
        h.update(data)

    def add_array(values) -> None:
        v = np.asarray(values)
        add(json.dumps(list(v.shape)).encode())
        if v.dtype.kind in "USO":
            add(json.dumps([str(x) for x in v.ravel().tolist()]).encode())
        else:
            add(np.ascontiguousarray(v, dtype="<f8").tobytes())

    head = {
        "index": [int(i) for i in rec["index"]],
        "errors": [str(e) for e in rec["errors"]],
        "point_attrs": rec.get("point_attrs"),
        "point_attrs_index": int(rec.get("point_attrs_index", -1)),
    }
    add(json.dumps(head, sort_keys=True).encode())
    for name in sorted(rec["outputs"]):
        o = rec["outputs"][name]
        meta = {
            "name": name,
            "dims": list(o["dims"]),
            "units": str(o["units"]),
            "long_name": str(o["long_name"]),
            "coord_units": dict(o.get("coord_units") or {}),
        }
        add(json.dumps(meta, sort_keys=True).encode())
        add_array(o["values"])
        for c in o["coords"]:
            add_array(c)
    return h.hexdigest()


def _record_dataset(rec: dict) -> xr.Dataset:
    n = len(rec["index"])
    data: dict[str, Any] = {
        "point_index": ("point", np.asarray(rec["index"], dtype=np.int64)),
        "error": ("point", np.asarray(rec["errors"], dtype=str) if n else np.array([], dtype=str)),
    }
    meta = {}
    for k, (name, o) in enumerate(rec["outputs"].items()):
        var = f"out_{k}"
        dims = ["point"] + [f"{var}_dim_{j}" for j in range(len(o["dims"]))]
        values = np.asarray(o["values"])
        data[var] = (dims, values.astype(str) if values.dtype.kind in "USO" else values)
        for j, c in enumerate(o["coords"]):
            c = np.asarray(c)
            data[f"{var}_coord_{j}"] = (dims[j + 1], c.astype(str) if c.dtype.kind in "USO" else c)
        meta[var] = {
            "name": name,
            "dims": list(o["dims"]),
            "units": o["units"],
            "long_name": o["long_name"],
            "coord_units": o.get("coord_units") or {},
        }
    ds = xr.Dataset(data)
    ds.attrs["outputs"] = json.dumps(meta)
    ds.attrs["seconds"] = float(rec.get("seconds", 0.0))
    ds.attrs["cpu_seconds"] = float(rec.get("cpu_seconds", 0.0))
    ds.attrs["point_attrs"] = json.dumps(rec.get("point_attrs"))
    ds.attrs["point_attrs_index"] = int(rec.get("point_attrs_index", -1))
    ds.attrs["content_sha256"] = _content_hash(rec)
    return ds


def _read_record(path: Path) -> dict:
    with xr.open_dataset(path, engine="netcdf4") as ds:
        ds = ds.load()
    meta = json.loads(ds.attrs["outputs"])
    outputs = {}
    for var, m in meta.items():
        values = ds[var].values
        if values.dtype.kind == "O":
            values = values.astype(str)
        coords = [ds[f"{var}_coord_{j}"].values for j in range(len(m["dims"]))]
        outputs[m["name"]] = {
            "values": values,
            "dims": m["dims"],
            "coords": coords,
            "units": m["units"],
            "long_name": m["long_name"],
            "coord_units": m.get("coord_units") or {},
        }
    errors = [str(e) for e in ds["error"].values.tolist()]
    errors = ["" if (e == "nan" or e is None) else e for e in errors]
    return {
        "index": [int(i) for i in ds["point_index"].values],
        "errors": errors,
        "outputs": outputs,
        "seconds": float(ds.attrs.get("seconds", 0.0)),
        "cpu_seconds": float(ds.attrs.get("cpu_seconds", 0.0)),
        "point_attrs": json.loads(ds.attrs.get("point_attrs", "null")),
        "point_attrs_index": int(ds.attrs.get("point_attrs_index", -1)),
        "content_sha256": str(ds.attrs.get("content_sha256", "")),
    }
