"""ionscales: electrolyte theory from coordination motifs to clusters to confined domains.

Core: units, constants, Ion/Solvent/Electrolyte, presets, errors, labelled results.
Layers: :mod:`ionscales.theory` (analytic and semi-analytic models),
:mod:`ionscales.continuum` (FiPy Poisson / PB / PNP), :mod:`ionscales.fitting` (lmfit).
"""

from __future__ import annotations

import importlib
from pathlib import Path

__version__ = "0.1.0"

# In a source checkout, theory/, continuum/ and fitting/ sit beside this package (the
# installed wheel maps them inside it). Let ``ionscales.theory`` etc. resolve there too,
# so ``python -m pytest`` from the repository root works with either kind of install.
_root = Path(__file__).resolve().parent.parent
if not (Path(__file__).resolve().parent / "theory").is_dir() and (_root / "theory" / "__init__.py").is_file():
    __path__.append(str(_root))  # noqa: F821  (module __path__)

from ionscales import constants, presets, units  # noqa: E402
from ionscales.electrolyte import Electrolyte, Ion, Solvent  # noqa: E402
from ionscales.errors import (  # noqa: E402
    ConvergenceError,
    ConvergenceWarning,
    IonscalesError,
    ParameterError,
    ValidityWarning,
)

__all__ = [
    "__version__",
    "Ion",
    "Solvent",
    "Electrolyte",
    "presets",
    "units",
    "constants",
    "IonscalesError",
    "ParameterError",
    "ConvergenceError",
    "ValidityWarning",
    "ConvergenceWarning",
    "theory",
    "continuum",
    "fitting",
    "analysis",
    "sweep",
]

_LAZY_MODULES = {"theory", "continuum", "fitting", "analysis", "results", "vocab", "validation", "cli"}


def __getattr__(name: str):
    if name in _LAZY_MODULES:
        return importlib.import_module(f"ionscales.{name}")
    if name == "sweep":
        from ionscales.sweeps import sweep

        return sweep
    raise AttributeError(f"module 'ionscales' has no attribute {name!r}")
