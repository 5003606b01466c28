"""``ionscales sweep FILE.toml``: run a parameter sweep described in a TOML file.

The file names a function from the registry of public functions (``ionscales sweep
--list``), never an import path or an expression. Example::

    function = "theory.screening"          # registry name
    outputs = ["decay_length", "regime"]   # optional (default: every scalar output)
    output = "screening-sweep.nc"          # optional (default: <file name>.nc beside the file)
    scheduler = "local"                    # "local" (default) or "synchronous"
    checkpoint = "sweep-checkpoints"       # optional: resumable

    [fixed]
    electrolyte = "NaCl(aq)"               # a preset name, or an inline table (below)

    [grid]
    concentration = {start = "1mM", stop = "1M", num = 20, log = true}
    model = ["debye", "msa", "dressed-ion"]

Quantities are numbers in SI units or strings with a unit ("0.1M", "0.5nm", "-0.1V").
An electrolyte is a preset name, ``{preset = "NaCl(aq)", temperature = 320, permittivity =
70}`` (solvent overrides), or a table ``[fixed.electrolyte]`` with ``cation = {name = "Na+",
charge = 1, diameter = "0.36nm"}``, ``anion = {...}`` and ``solvent = {name = "water",
permittivity = 78.4, temperature = 298.15}``. A geometry (continuum solves) is ``{type = "HalfSpace" | "Slit" | "CylindricalPore", ...}``.

What a file may not do (a sweep file is data, possibly from someone else): name a scheduler
address (dask results are unpickled in this process, so a hostile scheduler could run code
here; an address is accepted only from ``--scheduler`` or from Python), or write outside its
own directory: ``output`` and ``checkpoint`` are relative paths resolved in the file's
directory and must stay inside it (no absolute paths, no ``..`` that leaves it). ``--output``
and ``--checkpoint`` on the command line are taken as given.
"""

from __future__ import annotations

import argparse
import re
import sys
import time
import tomllib
from pathlib import Path

import numpy as np

from ionscales import presets, registry
from ionscales.cli._common import parse_for_variable, parse_quantity, parse_range
from ionscales.electrolyte import Electrolyte, Ion, Solvent
from ionscales.errors import ParameterError

__all__ = [
    "register",
    "run",
    "load_sweep_file",
    "inside_directory",
    "TOP_LEVEL_KEYS",
    "FILE_SCHEDULERS",
]

TOP_LEVEL_KEYS = {
    "function": "registry name of the function (required)",
    "grid": "table: keyword -> list of values or {start, stop, num, log} (required)",
    "fixed": "table: keyword -> value common to every point",
    "outputs": "list of output names",
    "output": "netCDF file to write",
    "scheduler": '"local" or "synchronous" (an address only with --scheduler)',
    "checkpoint": "directory for resumable checkpoints",
    "chunk_size": "points per task",
    "vectorized": "false, or the list of grid keys the function broadcasts over",
    "n_workers": "workers of the local cluster",
    "units": "table: units of grid axes or outputs that the package does not know",
}
#: the schedulers a sweep file may name (addresses only from the command line or Python)
FILE_SCHEDULERS = ("local", "synchronous")
_GEOMETRIES = ("HalfSpace", "Slit", "CylindricalPore")
_STARTS_LIKE_NUMBER = re.compile(r"\s*[-+]?(\d|\.\d)")


def register(subparsers) -> None:
    p = subparsers.add_parser(
        "sweep",
        help="run a parameter sweep described in a TOML file",
        description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    p.add_argument("file", nargs="?", help="sweep description (TOML)")
    p.add_argument("--list", action="store_true", help="list the functions a sweep file can name")
    p.add_argument("--output", "-o", help="netCDF file to write (overrides the file's 'output')")
    p.add_argument(
        "--scheduler", help='"local", "synchronous" or "tcp://host:port" (overrides the file)'
    )
    p.add_argument("--checkpoint", help="checkpoint directory (overrides the file)")
    p.add_argument("--no-progress", action="store_true", help="no progress bar")
    p.set_defaults(func=run)


def run(args) -> int:
    if args.list:
        for name, text in registry.describe().items():
            print(f"{name:<48} {text}")
        return 0
    if not args.file:
        raise ParameterError(
            "FILE", "give a sweep description (TOML); see 'ionscales sweep --help'"
        )
    spec = load_sweep_file(args.file)
    if args.scheduler:
        spec["scheduler"] = args.scheduler
    if args.checkpoint:
        spec["checkpoint"] = args.checkpoint
    file_output = spec.pop("output", None)
    if args.output:
        output = Path(args.output)
    elif file_output is not None:
        output = file_output
    else:  # beside the sweep file, like the file's own paths
        output = Path(args.file).resolve().with_suffix(".nc")
    from ionscales import results
    from ionscales.sweeps import sweep

    t0 = time.perf_counter()
    ds = sweep(progress=False if args.no_progress else None, **spec)
    elapsed = time.perf_counter() - t0
    results.to_netcdf(ds, output)
    dims = " x ".join(f"{k}={v}" for k, v in ds["error"].sizes.items())
    print(
        f"{ds.attrs['sweep_function']}: {ds.attrs['sweep_points']} points ({dims}), "
        f"{ds.attrs['sweep_computed_points']} computed, {ds.attrs['sweep_failed_points']} failed, "
        f"{elapsed:.3g} s -> {output}"
    )
    failed = ds["error"].values[ds["error"].values != ""]
    if failed.size:
        first = failed.ravel()[0]
        print(f"first error: {first}", file=sys.stderr)
    return 0


def load_sweep_file(path) -> dict:
    """Read and validate a sweep file: keyword arguments of :func:`ionscales.sweep`."""
    path = Path(path)
    try:
        text = path.read_text()
    except OSError as exc:
        raise ParameterError(
            "FILE", f"cannot read the sweep file: {exc.strerror}", str(path)
        ) from None
    try:
        doc = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise ParameterError("FILE", f"{path} is not valid TOML: {exc}") from None
    unknown = sorted(set(doc) - set(TOP_LEVEL_KEYS))
    if unknown:
        allowed = "; ".join(f"{k} ({v})" for k, v in TOP_LEVEL_KEYS.items())
        raise ParameterError("FILE", f"unknown keys {unknown} in {path}; allowed: {allowed}")
    for key in ("function", "grid"):
        if key not in doc:
            raise ParameterError(key, f"is required in {path} ({TOP_LEVEL_KEYS[key]})")
    function = doc["function"]
    if not isinstance(function, str):
        raise ParameterError("function", "must be a registry name (string)", function)
    registry.entry(function)  # only registry names: raises with the list otherwise
    grid_doc = doc["grid"]
    if not isinstance(grid_doc, dict) or not grid_doc:
        raise ParameterError("grid", "must be a non-empty table of keyword = values", grid_doc)
    fixed_doc = doc.get("fixed", {})
    if not isinstance(fixed_doc, dict):
        raise ParameterError("fixed", "must be a table of keyword = value", fixed_doc)
    spec: dict = {
        "func": function,
        "grid": {k: _axis(k, v) for k, v in grid_doc.items()},
        "fixed": {k: _value(f"fixed.{k}", k, v) for k, v in fixed_doc.items()},
    }
    if "outputs" in doc:
        outs = doc["outputs"]
        if isinstance(outs, str):
            outs = [outs]
        if not isinstance(outs, list) or not all(isinstance(o, str) for o in outs):
            raise ParameterError("outputs", "must be a list of names", outs)
        spec["outputs"] = outs
    for key in ("output", "scheduler", "checkpoint"):
        if key in doc and not isinstance(doc[key], str):
            raise ParameterError(key, "must be a string", doc[key])
    if "scheduler" in doc:
        if doc["scheduler"] not in FILE_SCHEDULERS:
            raise ParameterError(
                "scheduler",
                f"a sweep file may choose only {' or '.join(map(repr, FILE_SCHEDULERS))}; a "
                "scheduler address is accepted only on the command line (--scheduler) or from "
                "Python, because results from a scheduler are unpickled in this process",
                doc["scheduler"],
            )
        spec["scheduler"] = doc["scheduler"]
    for key in ("output", "checkpoint"):
        if key in doc:
            spec[key] = inside_directory(key, doc[key], path.resolve().parent)
    for key in ("chunk_size", "n_workers"):
        if key in doc:
            if not isinstance(doc[key], int) or isinstance(doc[key], bool) or doc[key] < 1:
                raise ParameterError(key, "must be an integer >= 1", doc[key])
            spec[key] = doc[key]
    if "vectorized" in doc:
        v = doc["vectorized"]
        if not (v is False or (isinstance(v, list) and all(isinstance(x, str) for x in v))):
            raise ParameterError("vectorized", "must be false or a list of grid keys", v)
        spec["vectorized"] = v
    if "units" in doc:
        u = doc["units"]
        if not isinstance(u, dict) or not all(isinstance(x, str) for x in u.values()):
            raise ParameterError("units", 'must be a table name = "unit"', u)
        spec["units"] = u
    return spec


def inside_directory(key: str, raw: str, directory: Path) -> Path:
    """``raw`` (a path written in a sweep file) resolved in ``directory``; must stay inside it.

    Absolute paths, ``..`` components that leave ``directory`` and symbolic links that point
    out of it raise ParameterError.
    """
    if not raw or "\0" in raw:
        raise ParameterError(key, "must be a non-empty relative path", raw)
    rel = Path(raw)
    if rel.is_absolute() or rel.drive:
        raise ParameterError(
            key,
            f"must be a path relative to the sweep file's directory "
            f"({directory}); give an absolute path with --{key}",
            raw,
        )
    target = (directory / rel).resolve()
    if target != directory and directory not in target.parents:
        raise ParameterError(
            key,
            f"must stay inside the sweep file's directory ({directory}); "
            f"give other places with --{key}",
            raw,
        )
    return target


def _axis(key: str, raw):
    where = f"grid.{key}"
    if isinstance(raw, list):
        if not raw:
            raise ParameterError(where, "needs at least one value")
        values = [_value(where, key, v) for v in raw]
        if all(isinstance(v, (int, float)) and not isinstance(v, bool) for v in values):
            return np.asarray(values)
        return values
    if isinstance(raw, dict) and key != "electrolyte" and key != "geometry":
        allowed = {"start", "stop", "num", "log"}
        if set(raw) - allowed or not {"start", "stop", "num"} <= set(raw):
            raise ParameterError(
                where, "a range table needs start, stop, num (and optional log = true)", raw
            )
        start = _number(f"{where}.start", raw["start"], key)
        stop = _number(f"{where}.stop", raw["stop"], key)
        num = raw["num"]
        if not isinstance(num, int) or isinstance(num, bool) or num < 1:
            raise ParameterError(f"{where}.num", "must be an integer >= 1", num)
        log = raw.get("log", False)
        if not isinstance(log, bool):
            raise ParameterError(f"{where}.log", "must be true or false", log)
        if log:
            if start <= 0 or stop <= 0:
                raise ParameterError(
                    where, "a logarithmic range needs positive start and stop", raw
                )
            return np.geomspace(start, stop, num)
        return np.linspace(start, stop, num)
    if isinstance(raw, str) and ":" in raw:
        return _range_string(where, key, raw)
    return [_value(where, key, raw)]


_RANGE = re.compile(r"\s*([^:]+?)\s*:\s*([^:]+?)\s*(?::\s*(\d+)\s*([^:\d].*)?)?\s*")


def _range_string(where: str, key: str, raw: str) -> np.ndarray:
    """``START:STOP[:POINTS][UNIT]`` with the dimension of the variable ``key`` checked."""
    m = _RANGE.fullmatch(raw)
    if not m:
        return parse_range(where, raw)
    start, stop, points, tail = m.group(1), m.group(2), m.group(3), (m.group(4) or "").strip()
    if tail:  # a unit after the point count applies to both ends
        start, stop = f"{start}{tail}", f"{stop}{tail}"
    elif not _HAS_UNIT.search(start) and _HAS_UNIT.search(stop):
        start = start + _HAS_UNIT.search(stop).group(0)  # "0.4:3nm": the unit of the end applies
    lo, hi = parse_for_variable(where, key, start), parse_for_variable(where, key, stop)
    return np.linspace(lo, hi, int(points) if points else 50)


_HAS_UNIT = re.compile(r"[A-Za-zµμÅ°/][A-Za-z_µμÅ°/^*0-9.()]*$")


def _number(where: str, raw, key: str = "") -> float:
    if isinstance(raw, bool):
        raise ParameterError(where, "must be a number or a quantity string like '0.1M'", raw)
    if isinstance(raw, (int, float)):
        return float(raw)
    if isinstance(raw, str):
        return parse_for_variable(where, key, raw) if key else parse_quantity(where, raw)
    raise ParameterError(where, "must be a number or a quantity string like '0.1M'", raw)


def _value(where: str, key: str, raw):
    if key == "electrolyte":
        return _electrolyte(where, raw)
    if key == "geometry":
        return _geometry(where, raw)
    if isinstance(raw, str):
        return parse_for_variable(where, key, raw) if _STARTS_LIKE_NUMBER.match(raw) else raw
    if isinstance(raw, (bool, int, float)):
        return raw
    if isinstance(raw, list):
        return [_value(where, key, v) for v in raw]
    raise ParameterError(
        where,
        "inline tables are understood only for 'electrolyte', 'geometry' "
        "and grid ranges {start, stop, num, log}",
        raw,
    )


def _electrolyte(where: str, raw) -> Electrolyte:
    if isinstance(raw, str):
        return presets.get(raw)
    if not isinstance(raw, dict):
        raise ParameterError(where, "must be a preset name or an inline table", raw)
    if "preset" in raw:
        extra = set(raw) - {"preset", "temperature", "permittivity", "name"}
        if extra:
            raise ParameterError(
                where,
                f"unknown keys {sorted(extra)}; with 'preset' only "
                "temperature, permittivity and name may be given",
                raw,
            )
        base = presets.get(raw["preset"])
        changes = {
            k: _number(f"{where}.{k}", raw[k], k)
            for k in ("temperature", "permittivity")
            if k in raw
        }
        if not changes:
            return base
        # one preset-with-overrides path: Electrolyte.with_ (eps_r follows the solvent's eps_r(T))
        moved = base.with_(**changes)
        label = ", ".join(f"{k}={v:g}" for k, v in changes.items())
        return Electrolyte(
            ions=moved.ions,
            stoichiometry=moved.stoichiometry,
            solvent=moved.solvent,
            name=str(raw.get("name", f"{base.name} ({label})")),
            references=moved.references,
            notes=moved.notes,
            density_model=moved.density_model,
            dielectric_decrement=moved.dielectric_decrement,
        )
    extra = set(raw) - {"cation", "anion", "solvent", "name"}
    if extra or not {"cation", "anion", "solvent"} <= set(raw):
        raise ParameterError(
            where,
            "an inline electrolyte needs cation, anion and solvent tables "
            '(optional name), or preset = "NAME"',
            raw,
        )
    return Electrolyte(
        cation=_ion(f"{where}.cation", raw["cation"]),
        anion=_ion(f"{where}.anion", raw["anion"]),
        solvent=_solvent(f"{where}.solvent", raw["solvent"]),
        name=raw.get("name"),
    )


def _ion(where: str, raw) -> Ion:
    if not isinstance(raw, dict) or not {"name", "charge", "diameter"} <= set(raw):
        raise ParameterError(where, "needs name, charge and diameter (optional diffusivity)", raw)
    extra = set(raw) - {"name", "charge", "diameter", "diffusivity"}
    if extra:
        raise ParameterError(where, f"unknown keys {sorted(extra)}", raw)
    if not isinstance(raw["charge"], int) or isinstance(raw["charge"], bool):
        raise ParameterError(f"{where}.charge", "must be an integer valence", raw["charge"])
    kw = (
        {"diffusivity": _number(f"{where}.diffusivity", raw["diffusivity"])}
        if "diffusivity" in raw
        else {}
    )
    return Ion(str(raw["name"]), raw["charge"], _number(f"{where}.diameter", raw["diameter"]), **kw)


def _solvent(where: str, raw) -> Solvent:
    if not isinstance(raw, dict) or not {"name", "permittivity"} <= set(raw):
        raise ParameterError(where, "needs name and permittivity (optional temperature)", raw)
    extra = set(raw) - {"name", "permittivity", "temperature"}
    if extra:
        raise ParameterError(where, f"unknown keys {sorted(extra)}", raw)
    return Solvent(
        str(raw["name"]),
        _number(f"{where}.permittivity", raw["permittivity"]),
        _number(f"{where}.temperature", raw.get("temperature", 298.15)),
    )


def _geometry(where: str, raw):
    if not isinstance(raw, dict) or "type" not in raw:
        raise ParameterError(where, f"must be a table with type = one of {list(_GEOMETRIES)}", raw)
    kind = raw["type"]
    if kind not in _GEOMETRIES:
        raise ParameterError(f"{where}.type", f"must be one of {list(_GEOMETRIES)}", kind)
    try:
        from ionscales import continuum

        cls = getattr(continuum, kind)
    except (ImportError, AttributeError):
        raise ParameterError(
            where, "the continuum layer (ionscales.continuum) is not available in this installation"
        ) from None
    kwargs = {}
    for k, v in raw.items():
        if k == "type":
            continue
        kwargs[k] = (
            np.asarray([_number(f"{where}.{k}", x) for x in v])
            if isinstance(v, list)
            else _number(f"{where}.{k}", v)
        )
    return cls(**kwargs)
