"""Shared helpers for CLI sub-commands: range parsing with units, output paths."""

from __future__ import annotations

import re
from pathlib import Path

import numpy as np

from ionscales.errors import ParameterError

_UNIT_SUFFIX = {
    "": 1.0,
    "m": 1.0, "nm": 1e-9, "um": 1e-6, "angstrom": 1e-10, "A": 1e-10,
    "M": 1e3, "mM": 1.0, "mol/L": 1e3, "mol/m^3": 1.0, "mol/m3": 1.0,
    "V": 1.0, "mV": 1e-3,
    "mol/kg": 1.0, "m_molal": 1.0,
    "K": 1.0, "s": 1.0, "ms": 1e-3, "us": 1e-6,
}

_NUMBER = r"[-+]?(?:\d+\.?\d*|\.\d+)(?:[eE][-+]?\d+)?"


def parse_quantity(option: str, text: str, default_unit: str = "") -> float:
    """'0.5nm' -> 5e-10. Only a number followed by a known unit suffix is accepted."""
    m = re.fullmatch(rf"\s*({_NUMBER})\s*([A-Za-z/^0-9_]*)\s*", text)
    if not m:
        raise ParameterError(option, "must be a number with an optional unit (e.g. 0.5nm, 0.1M)", text)
    unit = m.group(2) or default_unit
    if unit not in _UNIT_SUFFIX:
        raise ParameterError(option, f"unknown unit {unit!r}; known: {', '.join(k for k in _UNIT_SUFFIX if k)}", text)
    return float(m.group(1)) * _UNIT_SUFFIX[unit]


def parse_range(option: str, text: str, default_unit: str = "", default_points: int = 50,
                log: bool = False) -> np.ndarray:
    """'start:stop[:points][unit]' (unit after the last number applies to both ends),
    e.g. '0.4:3nm', '-1:1V', '1:25:49'. ``log`` spaces the points logarithmically."""
    m = re.fullmatch(rf"\s*({_NUMBER})\s*([A-Za-z/^0-9_]*)\s*:\s*({_NUMBER})\s*([A-Za-z/^0-9_]*)"
                     rf"(?:\s*:\s*(\d+)\s*([A-Za-z/^0-9_]*))?\s*", text)
    if not m:
        # a single value is a range of one point
        return np.array([parse_quantity(option, text, default_unit)])
    unit = m.group(6) or m.group(4) or m.group(2) or default_unit
    if unit not in _UNIT_SUFFIX:
        raise ParameterError(option, f"unknown unit {unit!r}", text)
    u1 = _UNIT_SUFFIX[m.group(2)] if m.group(2) else _UNIT_SUFFIX[unit]
    start, stop = float(m.group(1)) * u1, float(m.group(3)) * _UNIT_SUFFIX[unit]
    points = int(m.group(5)) if m.group(5) else default_points
    if points < 1:
        raise ParameterError(option, "needs at least one point", text)
    if log:
        if start <= 0 or stop <= 0:
            raise ParameterError(option, "a logarithmic range needs positive ends", text)
        return np.geomspace(start, stop, points)
    return np.linspace(start, stop, points)


def read_columns(path, min_columns: int = 2, *, parameter: str = "FILE") -> np.ndarray:
    """Numeric columns of a CSV file (header line and ``#`` comments skipped).

    Numbers only (never evaluated). Empty fields become NaN. Raises ParameterError naming
    ``parameter`` for a missing or unreadable file, a non-numeric line, ragged rows, no
    data rows or too few columns.
    """
    p = Path(path)
    if not p.is_file():
        raise ParameterError(parameter, "file not found", str(path))
    rows, width = [], None
    try:
        text = p.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise ParameterError(parameter, f"cannot be read as text ({exc.__class__.__name__})", str(path)) from None
    header_seen = False
    for number, line in enumerate(text.splitlines(), start=1):
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        parts = [f.strip() for f in line.split(",")]
        try:
            values = [float(f) if f else np.nan for f in parts]
        except ValueError:
            if not rows and not header_seen:
                header_seen = True
                continue
            raise ParameterError(parameter, f"line {number} is not numeric: {line[:60]!r}", str(path)) from None
        if width is None:
            width = len(values)
        elif len(values) != width:
            raise ParameterError(parameter, f"line {number} has {len(values)} columns, expected {width}", str(path))
        rows.append(values)
    if not rows:
        raise ParameterError(parameter, "is empty (no numeric rows)", str(path))
    data = np.array(rows, dtype=float)
    if data.shape[1] < min_columns:
        raise ParameterError(parameter, f"needs at least {min_columns} comma-separated columns", str(path))
    return data
