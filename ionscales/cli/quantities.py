"""Public quantity parsing for command-line and TOML inputs (pint at the boundary).

The functions the sub-commands use, for other front ends (the TOML sweep runner, scripts):

- :func:`parse_quantity` / :func:`parse_range`: ``"0.1M"``, ``"0.4:3nm"`` -> SI floats, with
  the dimension of a quantity kind checked (:data:`QUANTITY_KINDS`);
- :func:`parse_for_variable`: a value for a vocabulary variable (``concentration``,
  ``width``, ``voltage``, ...), bare numbers in its SI unit, units dimension-checked.
"""

from __future__ import annotations

from ionscales.cli._common import (
    QUANTITY_KINDS,
    QuantityKind,
    parse_for_variable,
    parse_quantity,
    parse_range,
)

__all__ = ["QUANTITY_KINDS", "QuantityKind", "parse_quantity", "parse_range", "parse_for_variable"]
