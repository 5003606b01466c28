"""Input checks shared by the aggregation kernels and models (ParameterError on bad input)."""

from __future__ import annotations

import numpy as np

from ionscales.errors import ParameterError
from ionscales.validation import as_float_array, check_quantity

# validation helpers


def positive_scalar(name, value, unit):
    """One finite real number > 0 [unit] as a float (:func:`ionscales.validation.check_quantity`)."""
    return check_quantity(name, value, unit=unit, low=0.0, low_inclusive=False, scalar=True)


def finite_scalar(name, value, unit):
    """One finite real number [unit] (any sign) as a float."""
    return check_quantity(name, value, unit=unit, scalar=True)


def probabilities_in(name, value):
    """Float array of probabilities; ParameterError outside [0, 1] or non-finite."""
    arr = np.asarray(value, dtype=float)
    if not np.all(np.isfinite(arr)) or np.any((arr < 0) | (arr > 1)):
        raise ParameterError(name, "association probabilities must lie in [0, 1]", value)
    return arr


#: largest functionality accepted: the kernels compute in floats, whose whole numbers are
#: exact up to 2**53 (real ions have a handful of sites: Li+ 4, TFSI- 4-6)
MAX_FUNCTIONALITY = 2**53


def functionality(name, value):
    """Association sites per ion: a whole number (int or integral float) in 1..2**53."""
    if isinstance(value, (float, np.floating)) and float(value).is_integer():
        value = int(value)
    if isinstance(value, (bool, np.bool_)) or not isinstance(value, (int, np.integer)):
        raise ParameterError(name, "must be a whole number >= 1 (association sites per ion)", value)
    if not 1 <= value <= MAX_FUNCTIONALITY:  # int, so 10**400 is compared exactly
        raise ParameterError(
            name, "must be a whole number in 1..2**53 (association sites per ion)", value
        )
    return int(value)


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
