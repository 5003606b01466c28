"""Helpers that build labelled ``xarray.Dataset`` results.

Every data variable and coordinate gets ``attrs["units"]`` and ``attrs["long_name"]``
(looked up in :mod:`ionscales.vocab` unless given); dataset attrs record the model, its
parameters, references and solver diagnostics. Attributes are kept netCDF-safe (numbers,
strings, 1-D numeric arrays) so results survive ``to_netcdf``/``open_dataset`` unchanged.

Files follow the CF conventions where they apply (``Conventions = "CF-1.10"``, UDUNITS unit
strings on every variable). A numeric global attribute whose unit is known (a vocabulary
name such as ``temperature``, or one of :data:`ATTRIBUTE_UNITS`) gets a companion
``<name>_units`` attribute, since netCDF attributes cannot carry units themselves.
"""

from __future__ import annotations

import functools
import json
import math
from collections.abc import Mapping
from typing import Any

import numpy as np
import pandas as pd
import xarray as xr
from xarray.indexes import PandasIndex

from ionscales import __version__
from ionscales.vocab import VARIABLES

__all__ = [
    "CONVENTIONS",
    "ATTRIBUTE_UNITS",
    "attribute_units",
    "make_dataset",
    "labelled",
    "clean_attrs",
    "solver_attrs",
    "check_labelled",
    "to_netcdf",
    "open_dataset",
    "upgrade_names",
]


#: the CF version the files follow (UDUNITS units and long_name on every variable)
CONVENTIONS = "CF-1.10"

#: units of numeric global attributes that are not vocabulary variables
ATTRIBUTE_UNITS: dict[str, str] = {
    "contact_diameter": "m",
    "gel_molality": "mol/kg",
    "charging_time": "s",
    "debye_capacitance": "F/m^2",
    "limiting_current": "A/m^2",
    "fit_decay_length": "m",
    "fit_decay_length_stderr": "m",
    "fit_amplitude": "N/m",
    "fit_window": "m",
    "chisqr": "1",
    "redchi": "1",
    "aic": "1",
    "bic": "1",
}

_NO_UNITS = {
    "ionscales_version",
    "converged",
    "iterations",
    "residual",
    "success",
    "errorbars",
    "nfev",
}


def attribute_units(attrs: Mapping[str, Any]) -> dict[str, str]:
    """``{"<name>_units": unit}`` for the numeric attributes in ``attrs`` whose unit is known
    and not already given."""
    out = {}
    for key, value in attrs.items():
        if key in _NO_UNITS or key.endswith("_units") or f"{key}_units" in attrs:
            continue
        numeric = isinstance(value, (int, float, np.integer, np.floating)) and not isinstance(
            value, bool
        )
        if not numeric and isinstance(value, np.ndarray):
            numeric = value.dtype.kind in "iuf"
        if not numeric:
            continue
        unit = ATTRIBUTE_UNITS.get(key) or (VARIABLES[key][0] if key in VARIABLES else None)
        if unit is not None:
            out[f"{key}_units"] = unit
    return out


def _labels(name: str, units: str | None, long_name: str | None) -> dict[str, str]:
    known = VARIABLES.get(name)
    if units is None:
        if known is None:
            raise KeyError(f"variable {name!r} is not in ionscales.vocab; give units= explicitly")
        units = known[0]
    if long_name is None:
        long_name = known[1] if known is not None else name.replace("_", " ")
    return {"units": units, "long_name": long_name}


def labelled(
    name: str,
    dims,
    values,
    *,
    units: str | None = None,
    long_name: str | None = None,
    attrs: Mapping[str, Any] | None = None,
) -> xr.DataArray:
    """A DataArray named ``name`` with units and long_name (from the vocabulary by default)."""
    values = np.asarray(values)
    if isinstance(dims, str):
        dims = (dims,)
    a = dict(_labels(name, units, long_name))
    if attrs:
        a.update(clean_attrs(attrs))
    return xr.DataArray(_variable(tuple(dims), values, a), name=name)


#: dtype kinds a Variable can take as they are (no object/datetime conversion needed)
_PLAIN_KINDS = frozenset("biufcUS")


def _variable(dims: tuple, values, attrs: dict) -> xr.Variable:
    """An ``xarray.Variable`` over a plain numpy array.

    Numeric and string arrays are wrapped as they are (``fastpath``): xarray's generic
    conversion would first probe the optional array libraries (dask.array, pint, cupy,
    sparse) to see whether ``values`` is one of theirs, importing them on the first result
    of a process (0.2-0.6 s) although ionscales only ever passes numpy arrays. Object,
    datetime and masked arrays take xarray's normal conversion.
    """
    values = np.asarray(values)
    if values.dtype.kind in _PLAIN_KINDS and type(values) is np.ndarray:
        if values.ndim != len(dims):
            raise ValueError(f"values of shape {values.shape} do not match the dimensions {dims}")
        return xr.Variable(dims, values, attrs=attrs, fastpath=True)
    return xr.Variable(dims, values, attrs=attrs)


#: label coordinates up to this length share one (immutable) index per distinct content
_LABEL_INDEX_SIZE = 64


@functools.lru_cache(maxsize=256)
def _label_index(name: str, dtype: str, labels: tuple) -> PandasIndex:
    """The pandas index of a short string coordinate (pandas and xarray indexes are
    immutable: one object serves every result with these labels)."""
    return PandasIndex(pd.Index(np.array(labels, dtype=dtype)), name)


def _coordinates(coord_vars: Mapping[str, Any]) -> xr.Coordinates:
    """Coordinates with pandas indexes built directly for the 1-D dimension coordinates.

    Same result as xarray's default indexes (``PandasIndex`` over each ``name(name)``
    coordinate), without the optional-library probe of its generic conversion.
    """
    variables, indexes = {}, {}
    for name, item in coord_vars.items():
        var = item.variable if isinstance(item, xr.DataArray) else item
        if isinstance(item, xr.DataArray) and item.coords:
            # a DataArray carrying coordinates of its own: let xarray merge them
            return xr.Coordinates(dict(coord_vars.items()))
        variables[name] = var
        if var.dims == (name,) and var.dtype.kind in _PLAIN_KINDS:
            values = np.asarray(var.values)
            if values.dtype.kind in "US" and values.size <= _LABEL_INDEX_SIZE:
                # short label coordinates (species, walls, salts) recur in every result
                indexes[name] = _label_index(name, values.dtype.str, tuple(values.tolist()))
            else:
                indexes[name] = PandasIndex(pd.Index(values), name)
    for name, var in variables.items():
        if var.dims == (name,) and name not in indexes:
            # object or datetime coordinates: xarray's own default index
            return xr.Coordinates(dict(coord_vars.items()))
    return xr.Coordinates(variables, indexes=indexes)


def make_dataset(
    data_vars: Mapping[str, Any],
    coords: Mapping[str, Any] | None = None,
    *,
    attrs: Mapping[str, Any] | None = None,
    model: str | None = None,
    parameters: Mapping[str, Any] | None = None,
    references: tuple[str, ...] | list[str] = (),
) -> xr.Dataset:
    """Build a labelled Dataset.

    Parameters
    ----------
    data_vars : mapping
        ``name -> (dims, values)`` or ``(dims, values, units)`` or
        ``(dims, values, units, long_name)`` or a DataArray (its attrs are kept; units are
        added from the vocabulary when missing).
    coords : mapping, optional
        Same forms as ``data_vars``; a bare array is taken as a 1-D coordinate along the
        dimension of the same name.
    attrs : mapping, optional
        Extra dataset attributes (cleaned for netCDF).
    model, parameters, references :
        Recorded as ``attrs["model"]``, ``attrs["parameters"]`` (JSON text) and
        ``attrs["references"]`` ("; "-joined).
    """

    def build(name, spec):
        if isinstance(spec, xr.DataArray):
            da = spec.rename(name) if spec.name != name else spec
            if "units" not in da.attrs or "long_name" not in da.attrs:
                da = da.copy()
                labels = _labels(name, da.attrs.get("units"), da.attrs.get("long_name"))
                da.attrs.update(labels)
            return da
        if isinstance(spec, tuple):
            dims, values, *rest = spec
            units = rest[0] if len(rest) > 0 else None
            long_name = rest[1] if len(rest) > 1 else None
            # a bare Variable (same dims, values and attrs as ``labelled``): the Dataset
            # then needs no alignment of DataArrays, a few ms per result saved
            dims = (dims,) if isinstance(dims, str) else tuple(dims)
            return _variable(dims, values, _labels(name, units, long_name))
        return labelled(name, (name,), spec)

    coord_arrays = {k: build(k, v) for k, v in (coords or {}).items()}
    var_arrays = {k: build(k, v) for k, v in data_vars.items()}
    ds = xr.Dataset(var_arrays, coords=_coordinates(coord_arrays))
    # xarray may drop coordinate attrs on alignment; restore them
    variables = ds.variables
    for k, v in coord_arrays.items():
        if variables[k].attrs != v.attrs:
            variables[k].attrs.update(v.attrs)
    all_attrs: dict[str, Any] = {"Conventions": CONVENTIONS, "ionscales_version": __version__}
    if model is not None:
        all_attrs["model"] = model
    if parameters is not None:
        all_attrs["parameters"] = json.dumps(_jsonable(parameters), sort_keys=True)
    if references:
        all_attrs["references"] = "; ".join(references)
    if attrs:
        all_attrs.update(attrs)
    cleaned = clean_attrs(all_attrs)
    cleaned.update(attribute_units(cleaned))
    ds.attrs.update(cleaned)
    return ds


def solver_attrs(
    *, converged: bool, iterations: int, residual: float, **settings
) -> dict[str, Any]:
    """Solver diagnostics as netCDF-safe attrs (converged stored as 0/1)."""
    out = {
        "converged": int(bool(converged)),
        "iterations": int(iterations),
        "residual": float(residual),
    }
    for k, v in settings.items():
        out[f"solver_{k}"] = v
    return clean_attrs(out)


def clean_attrs(attrs: Mapping[str, Any]) -> dict[str, Any]:
    """Make attributes netCDF-safe: bool -> int, None -> "none", mappings -> JSON text,
    sequences of numbers -> float arrays, other sequences -> "; "-joined text."""
    out: dict[str, Any] = {}
    for key, value in attrs.items():
        out[str(key)] = _clean_value(value)
    return out


def _clean_value(value):
    if isinstance(value, (bool, np.bool_)):
        return int(value)
    if value is None:
        return "none"
    if isinstance(value, (int, np.integer)):
        return int(value)
    if isinstance(value, (float, np.floating)):
        return float(value)
    if isinstance(value, str):
        return value
    if isinstance(value, Mapping):
        return json.dumps(_jsonable(value), sort_keys=True)
    if isinstance(value, (list, tuple, np.ndarray)):
        arr = np.asarray(value)
        if arr.dtype.kind in "biuf" and arr.ndim <= 1:
            return (
                arr.astype(float)
                if arr.dtype.kind == "f" or arr.dtype.kind == "b"
                else arr.astype(np.int64)
            )
        return "; ".join(str(v) for v in np.ravel(arr))
    return str(value)


def _jsonable(obj):
    if isinstance(obj, Mapping):
        return {str(k): _jsonable(v) for k, v in obj.items()}
    if isinstance(obj, (list, tuple)):
        return [_jsonable(v) for v in obj]
    if isinstance(obj, np.ndarray):
        return _jsonable(obj.tolist())
    if isinstance(obj, (np.integer,)):
        return int(obj)
    if isinstance(obj, (np.floating, float)):
        f = float(obj)
        return f if math.isfinite(f) else str(f)
    if isinstance(obj, (str, int, bool)) or obj is None:
        return obj
    return str(obj)


def check_labelled(ds: xr.Dataset) -> None:
    """Raise AssertionError-free ValueError if any variable or coordinate lacks units/long_name."""
    missing = [
        name
        for name, var in list(ds.data_vars.items()) + list(ds.coords.items())
        if "units" not in var.attrs or "long_name" not in var.attrs
    ]
    if missing:
        raise ValueError(f"variables without units/long_name: {missing}")


def to_netcdf(ds: xr.Dataset, path) -> None:
    """Write a result to netCDF-4 (netCDF4 engine)."""
    ds.to_netcdf(path, engine="netcdf4")


def upgrade_names(ds: xr.Dataset) -> xr.Dataset:
    """A copy with outputs renamed by their layer (``vocab.RENAMED``: old -> new name), so
    results written by an older version read with today's names."""
    from ionscales.vocab import RENAMED

    mapping = {
        old: new for old, new in RENAMED.items() if old in ds.variables and new not in ds.variables
    }
    return ds.rename(mapping) if mapping else ds


def open_dataset(path) -> xr.Dataset:
    """Read a result written by :func:`to_netcdf` (loaded into memory, file closed)."""
    with xr.open_dataset(path, engine="netcdf4") as ds:
        return ds.load()
