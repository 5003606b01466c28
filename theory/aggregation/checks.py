"""Input checks shared by the aggregation kernels and models (ParameterError on bad input)."""

from __future__ import annotations

import math

import numpy as np

from ionscales.errors import ParameterError
from ionscales.validation import as_float_array, check_integer

# validation helpers


def positive_scalar(name, value, unit):
    if isinstance(value, bool) or not isinstance(value, (int, float, np.integer, np.floating)):
        raise ParameterError(name, f"must be a number > 0 [{unit}]", value)
    if not math.isfinite(value) or value <= 0:
        raise ParameterError(name, f"must be finite and > 0 [{unit}]", value)
    return float(value)


def probabilities_in(name, value):
    """Float array of probabilities; ParameterError outside [0, 1] or non-finite."""
    arr = np.asarray(value, dtype=float)
    if not np.all(np.isfinite(arr)) or np.any((arr < 0) | (arr > 1)):
        raise ParameterError(name, "association probabilities must lie in [0, 1]", value)
    return arr


def functionality(name, value):
    if isinstance(value, (float, np.floating)) and float(value).is_integer():
        value = int(value)
    if isinstance(value, bool) or not isinstance(value, (int, np.integer)):
        raise ParameterError(name, "must be a whole number >= 1 (association sites per ion)", value)
    return check_integer(name, value, minimum=1)


def state_array(name, value, *, upper=None):
    arr = as_float_array(name, value)
    if arr.ndim > 1:
        raise ParameterError(name, "must be a scalar or a 1-D array", value)
    if arr.size == 0:
        raise ParameterError(name, "must hold at least one value", value)
    if np.any(arr < 0):
        raise ParameterError(name, "must be >= 0", value)
    if upper is not None and np.any(arr > upper):
        raise ParameterError(name, f"must lie in [0, {upper}]", value)
    return np.atleast_1d(arr), arr.ndim == 0


#: largest number of (state, l, m) cells a tabulated cluster distribution may hold
MAX_GRID_CELLS = 5e7


def check_grid(n_states: int, max_size: int) -> None:
    """Refuse a cluster-distribution grid that cannot fit in memory (ParameterError)."""
    cells = float(n_states) * (max_size + 1) ** 2
    if cells > MAX_GRID_CELLS:
        raise ParameterError(
            "max_size",
            f"{n_states} state(s) x ({max_size} + 1)^2 = {cells:.3g} grid cells "
            f"exceed the limit of {MAX_GRID_CELLS:.3g} (400 MB per array); use a smaller max_size "
            "or fewer states",
            max_size,
        )
