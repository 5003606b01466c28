"""Input checks shared by every layer: each raises ParameterError naming the parameter,
the value and the valid range. Never use ``assert`` on user input."""

from __future__ import annotations

import difflib
from collections.abc import Iterable

import numpy as np

from ionscales.errors import ParameterError

__all__ = [
    "as_float_array",
    "check_positive",
    "check_nonnegative",
    "check_finite",
    "check_probability",
    "check_choice",
    "check_integer",
    "suggest",
    "check_concentration",
]


def as_float_array(name: str, value, *, ndim: int | None = None) -> np.ndarray:
    """Convert to a float ndarray; NaN/inf are rejected; optional dimensionality check."""
    try:
        arr = np.asarray(value, dtype=float)
    except (TypeError, ValueError) as exc:
        raise ParameterError(name, "must be numeric", value) from exc
    if ndim is not None and arr.ndim != ndim:
        raise ParameterError(name, f"must be a {ndim}-dimensional array, not {arr.ndim}-d", value)
    if not np.all(np.isfinite(arr)):
        raise ParameterError(name, "must be finite (no NaN or inf)", value)
    return arr


def check_finite(name: str, value) -> np.ndarray:
    """Finite numeric array (or scalar as 0-d array)."""
    return as_float_array(name, value)


def check_positive(name: str, value, unit: str = "") -> np.ndarray:
    """Finite and > 0."""
    arr = as_float_array(name, value)
    if np.any(arr <= 0):
        raise ParameterError(name, f"must be > 0{(' ' + unit) if unit else ''}", value)
    return arr


def check_nonnegative(name: str, value, unit: str = "") -> np.ndarray:
    """Finite and >= 0."""
    arr = as_float_array(name, value)
    if np.any(arr < 0):
        raise ParameterError(name, f"must be >= 0{(' ' + unit) if unit else ''}", value)
    return arr


def check_probability(name: str, value) -> np.ndarray:
    """Finite and in [0, 1]."""
    arr = as_float_array(name, value)
    if np.any((arr < 0) | (arr > 1)):
        raise ParameterError(name, "must lie in [0, 1]", value)
    return arr


def check_integer(name: str, value, minimum: int | None = None) -> int:
    """A whole number (int or integral float), optionally >= minimum."""
    if isinstance(value, bool) or not np.isscalar(value):
        raise ParameterError(name, "must be a whole number", value)
    try:
        as_float = float(value)
    except (TypeError, ValueError) as exc:
        raise ParameterError(name, "must be a whole number", value) from exc
    if not np.isfinite(as_float) or as_float != int(as_float):
        raise ParameterError(name, "must be a whole number", value)
    if minimum is not None and as_float < minimum:
        raise ParameterError(name, f"must be a whole number >= {minimum}", value)
    return int(as_float)


def suggest(word: str, options: Iterable[str]) -> str:
    """' Did you mean ...?' text for an unknown name (empty if nothing is close)."""
    options = list(options)
    close = difflib.get_close_matches(word, options, n=3, cutoff=0.5)
    if not close:
        lowered = {o.lower(): o for o in options}
        close = [lowered[c] for c in difflib.get_close_matches(word.lower(), lowered, n=3, cutoff=0.5)]
    return f" Did you mean {', '.join(repr(c) for c in close)}?" if close else ""


def check_choice(name: str, value: str, options: Iterable[str]) -> str:
    """``value`` must be one of ``options``; the error suggests close matches."""
    options = list(options)
    if value not in options:
        raise ParameterError(
            name,
            f"unknown value {value!r}; valid: {', '.join(map(repr, options))}.{suggest(str(value), options)}",
        )
    return value


def check_concentration(value, name: str = "concentration") -> np.ndarray:
    """Concentration [mol/m^3]: finite and >= 0 (any shape)."""
    arr = as_float_array(name, value)
    if np.any(arr < 0):
        raise ParameterError(name, "must be >= 0 mol/m^3 (finite, non-negative)", value)
    return arr
