"""Input checks shared by every layer, and the one coercion policy they apply.

Every check raises :class:`~ionscales.errors.ParameterError` naming the public parameter,
the value received (shortened to one line) and the valid range. Never use ``assert`` on
user input.

Coercion policy (decided per kind of argument, the same in every layer)
-----------------------------------------------------------------------

**Physical quantities** (numbers in SI units: concentrations, lengths, temperatures,
voltages, ...), checked by :func:`as_float_array`, :func:`as_float`, :func:`as_1d_array` and
the range checks built on them:

* accepted: Python ``int`` / ``float``, NumPy integer and floating scalars and arrays,
  sequences of those, objects with a real numeric ``__array__`` (xarray, pandas);
* rejected: ``bool`` and boolean arrays (``True`` is not a temperature), strings -- numeric
  strings too: ``"1e-9"`` has no unit; the command line and sweep files parse quantities such
  as ``"0.5nm"`` before calling --, complex numbers and complex arrays (even with a zero
  imaginary part: no silent ``ComplexWarning`` cast), ``None`` (where ``None`` is a documented
  default the function handles it before checking), object and ragged arrays, NaN and inf;
* shape: where one value is meant (:func:`as_float`) only a scalar or a 0-d array is
  accepted; where a 1-D grid is meant (:func:`as_1d_array`) a scalar counts as one point, an
  empty array and arrays of two or more dimensions are rejected (never flattened); kernels
  that broadcast accept any shape (:func:`as_float_array`), optionally a fixed ``ndim``.

**Whole numbers** (counts, sizes, iterations; :func:`check_integer`): ``int`` or an integral
float (``3.0``); bools, strings and fractions are rejected.

**Flags** (:func:`check_bool`): ``True`` / ``False`` (also NumPy bools) only; ``0``, ``1``,
``"yes"`` are rejected.

**Names** (models, routes, methods; :func:`check_choice`): a ``str`` from the list; other types
and the empty string are rejected (an empty name is never taken as the default); the message
suggests close matches.

**Implausible values** (:func:`warn_implausible`): a valid value far outside what a physical
electrolyte has -- typically a unit mistake (25 K, a permittivity of 0.5, a diameter of
36 nm, 1e8 mol/m^3, separations of 1 m typed as nanometres) -- gives a
:class:`~ionscales.errors.ValidityWarning`, not an error. The ranges are in
:data:`PLAUSIBLE`.
"""

from __future__ import annotations

import difflib
import numbers
import warnings
from collections.abc import Iterable

import numpy as np

from ionscales.errors import ParameterError, ValidityWarning

__all__ = [
    "as_float_array",
    "as_float",
    "as_1d_array",
    "check_positive",
    "check_nonnegative",
    "check_range",
    "check_probability",
    "check_choice",
    "check_integer",
    "check_bool",
    "suggest",
    "check_concentration",
    "warn_implausible",
    "check_quantity",
    "PLAUSIBLE",
]


def _unit_text(unit: str) -> str:
    return f" {unit}" if unit else ""


def _in(unit: str) -> str:
    return f" in {unit}" if unit else ""


def as_float_array(name: str, value, *, ndim: int | None = None, unit: str = "") -> np.ndarray:
    """A finite real float ndarray of any shape (the policy of the module docstring).

    Parameters
    ----------
    name : str
        Public name of the parameter (used in the message).
    value : array_like
        Real number(s); see the coercion policy.
    ndim : int, optional
        Required number of dimensions.
    unit : str
        Unit shown in messages, e.g. ``"m"``.
    """
    if value is None:
        raise ParameterError(name, f"is required: give a real number{_in(unit)}", value)
    if isinstance(value, (str, bytes)):
        raise ParameterError(
            name,
            f"must be a number{_in(unit)}, not text (quantity "
            "strings like '0.5nm' are parsed only by the command line and "
            "sweep files)",
            value,
        )
    if isinstance(value, (bool, np.bool_)):
        raise ParameterError(name, f"must be a real number{_in(unit)}, not a bool", value)
    if isinstance(value, numbers.Complex) and not isinstance(value, numbers.Real):
        raise ParameterError(name, f"must be real{_in(unit)}, not complex", value)
    try:
        raw = np.asarray(value)
    except (TypeError, ValueError) as exc:  # ragged sequences
        raise ParameterError(
            name, f"must be a number or a regular array of numbers{_in(unit)}", value
        ) from exc
    kind = raw.dtype.kind
    if kind == "b":
        raise ParameterError(name, f"must be real numbers{_in(unit)}, not bools", value)
    if kind == "c":
        raise ParameterError(name, f"must be real{_in(unit)}, not complex", value)
    if kind in "USO" or kind not in "iuf":
        raise ParameterError(name, f"must be a number or an array of numbers{_in(unit)}", value)
    arr = raw.astype(float, copy=False)
    if ndim is not None and arr.ndim != ndim:
        raise ParameterError(name, f"must be a {ndim}-dimensional array, not {arr.ndim}-d", value)
    if not np.all(np.isfinite(arr)):
        raise ParameterError(name, "must be finite (no NaN or inf)", value)
    return arr


def as_float(name: str, value, *, unit: str = "") -> float:
    """One finite real number (a scalar or a 0-d array) as a Python float."""
    arr = as_float_array(name, value, unit=unit)
    if arr.ndim != 0:
        raise ParameterError(
            name, f"must be a single number{_in(unit)}, not an array of shape {arr.shape}", value
        )
    return float(arr)


def as_1d_array(name: str, value, *, unit: str = "") -> np.ndarray:
    """A non-empty 1-D grid of finite real numbers (a scalar counts as one point)."""
    arr = np.atleast_1d(as_float_array(name, value, unit=unit))
    if arr.ndim != 1:
        raise ParameterError(
            name,
            f"must be a scalar or a 1-D array{_in(unit)}, not {arr.ndim}-d (shape {arr.shape})",
            value,
        )
    if arr.size == 0:
        raise ParameterError(name, "needs at least one value", value)
    return arr


def check_positive(name: str, value, unit: str = "") -> np.ndarray:
    """Finite real and > 0 (any shape)."""
    arr = as_float_array(name, value, unit=unit)
    if np.any(arr <= 0):
        raise ParameterError(name, f"must be > 0{_unit_text(unit)}", value)
    return arr


def check_nonnegative(name: str, value, unit: str = "") -> np.ndarray:
    """Finite real and >= 0 (any shape)."""
    arr = as_float_array(name, value, unit=unit)
    if np.any(arr < 0):
        raise ParameterError(name, f"must be >= 0{_unit_text(unit)}", value)
    return arr


def check_range(
    name: str,
    value,
    low=None,
    high=None,
    *,
    unit: str = "",
    low_inclusive: bool = True,
    high_inclusive: bool = True,
) -> np.ndarray:
    """Finite real within [low, high] (open ends with ``*_inclusive=False``; None: unbounded)."""
    arr = as_float_array(name, value, unit=unit)
    bad = np.zeros(arr.shape, dtype=bool)
    if low is not None:
        bad |= (arr < low) if low_inclusive else (arr <= low)
    if high is not None:
        bad |= (arr > high) if high_inclusive else (arr >= high)
    if np.any(bad):
        lo = "(-inf" if low is None else ("[" if low_inclusive else "(") + f"{low:g}"
        hi = "inf)" if high is None else f"{high:g}" + ("]" if high_inclusive else ")")
        raise ParameterError(name, f"must lie in {lo}, {hi}{_unit_text(unit)}", value)
    return arr


def check_probability(name: str, value) -> np.ndarray:
    """Finite and in [0, 1]."""
    arr = as_float_array(name, value)
    if np.any((arr < 0) | (arr > 1)):
        raise ParameterError(name, "must lie in [0, 1]", value)
    return arr


def check_integer(name: str, value, minimum: int | None = None) -> int:
    """A whole number (int or integral float), optionally >= minimum."""
    if isinstance(value, (bool, np.bool_, str, bytes)) or not np.isscalar(value):
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


def check_bool(name: str, value) -> bool:
    """``True`` or ``False`` only."""
    if not isinstance(value, (bool, np.bool_)):
        raise ParameterError(name, "must be True or False", value)
    return bool(value)


def suggest(word: str, options: Iterable[str]) -> str:
    """' Did you mean ...?' text for an unknown name (empty if nothing is close)."""
    options = list(options)
    close = difflib.get_close_matches(word, options, n=3, cutoff=0.5)
    if not close:
        lowered = {o.lower(): o for o in options}
        close = [
            lowered[c] for c in difflib.get_close_matches(word.lower(), lowered, n=3, cutoff=0.5)
        ]
    return f" Did you mean {', '.join(repr(c) for c in close)}?" if close else ""


def check_choice(name: str, value: str, options: Iterable[str]) -> str:
    """``value`` must be one of ``options`` (a str); the error suggests close matches."""
    options = list(options)
    if not isinstance(value, str) or value not in options:
        hint = suggest(value, options) if isinstance(value, str) and value else ""
        raise ParameterError(
            name, f"unknown value {value!r}; valid: {', '.join(map(repr, options))}.{hint}"
        )
    return value


def check_concentration(value, name: str = "concentration") -> np.ndarray:
    """Concentration [mol/m^3]: finite and >= 0 (any shape)."""
    arr = as_float_array(name, value, unit="mol/m^3")
    if np.any(arr < 0):
        raise ParameterError(name, "must be >= 0 mol/m^3 (finite, non-negative)", value)
    return arr


#: kind -> (low, high, unit, what): values outside [low, high] are valid but implausible for
#: an electrolyte (most often a unit mistake) and give a ValidityWarning
PLAUSIBLE: dict[str, tuple[float, float, str, str]] = {
    "temperature": (150.0, 1500.0, "K", "liquid electrolytes, molten salts included"),
    "permittivity": (1.0, 300.0, "", "a relative permittivity (vacuum: 1)"),
    "ion_diameter": (0.05e-9, 5e-9, "m", "ions and ion clusters (0.05-5 nm)"),
    "concentration": (0.0, 1e5, "mol/m^3", "at most ~100 mol/L"),
    "pore_size": (0.1e-9, 1e-3, "m", "pores and slits (0.1 nm-1 mm)"),
    "separation": (0.0, 1e-5, "m", "surface separations (up to 10 um)"),
    "voltage": (-10.0, 10.0, "V", "electrode potentials (|u| <= 10 V)"),
}


def warn_implausible(name: str, value, kind: str, *, stacklevel: int = 3) -> None:
    """ValidityWarning when ``value`` (already validated) lies outside ``PLAUSIBLE[kind]``."""
    low, high, unit, what = PLAUSIBLE[kind]
    arr = np.asarray(value, dtype=float)
    if arr.size == 0:
        return
    outside = (arr < low) | (arr > high)
    if np.any(outside):
        shown = float(arr[outside].flat[0])
        warnings.warn(
            f"{name} = {shown:.4g}{_unit_text(unit)} is outside the plausible range "
            f"{low:g}..{high:g}{_unit_text(unit)} for {what}: a unit mistake? "
            "(SI units everywhere: m, mol/m^3, K, V)",
            ValidityWarning,
            stacklevel=stacklevel,
        )


def check_quantity(
    name: str,
    value,
    *,
    unit: str = "",
    low=None,
    high=None,
    low_inclusive: bool = True,
    high_inclusive: bool = True,
    plausible: str | None = None,
    scalar: bool = False,
):
    """The one check of a physical quantity: the coercion policy, a hard range, a soft one.

    Parameters
    ----------
    name : str
        Public parameter name.
    value : array_like
        The quantity in SI units.
    unit : str
        Its unit (for messages).
    low, high : float, optional
        Valid range (ParameterError outside); None: unbounded.
    low_inclusive, high_inclusive : bool
        Whether the bounds themselves are valid.
    plausible : str, optional
        Key of :data:`PLAUSIBLE`: a ValidityWarning outside that range.
    scalar : bool
        One number (returned as a float) instead of an array of any shape.
    """
    arr = as_float(name, value, unit=unit) if scalar else as_float_array(name, value, unit=unit)
    if low is not None or high is not None:
        check_range(
            name,
            arr,
            low,
            high,
            unit=unit,
            low_inclusive=low_inclusive,
            high_inclusive=high_inclusive,
        )
    if plausible is not None:
        warn_implausible(name, arr, plausible, stacklevel=4)
    return arr
