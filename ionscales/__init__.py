"""ionscales: electrolyte theory from coordination motifs to clusters to confined domains.

Core: units, constants, Ion/Solvent/Electrolyte, presets, errors, labelled results.
Layers: :mod:`ionscales.theory` (analytic and semi-analytic models),
:mod:`ionscales.continuum` (FiPy Poisson / PB / PNP), :mod:`ionscales.fitting` (lmfit).
"""

from __future__ import annotations

import importlib
from pathlib import Path

from ionscales import _source_layers, constants, presets, units

__version__ = "0.1.0"

from ionscales.electrolyte import Electrolyte, Ion, Solvent
from ionscales.errors import (
    CheckpointWarning,
    ConvergenceError,
    ConvergenceWarning,
    IonscalesError,
    ParameterError,
    ValidityWarning,
)

# In a source checkout, theory/, continuum/, fitting/ and analysis/ sit beside this package
# (the installed wheel maps them inside it): resolve exactly those ``ionscales.<layer>`` names
# there, so ``python -m pytest`` from the repository root works with either kind of install.
_source_layers.install(Path(__file__).resolve().parent)

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
    "CheckpointWarning",
    "theory",
    "continuum",
    "fitting",
    "analysis",
    "sweep",
]

_LAZY_MODULES = {
    "theory",
    "continuum",
    "fitting",
    "analysis",
    "results",
    "vocab",
    "validation",
    "cli",
}


def __getattr__(name: str):
    if name in _LAZY_MODULES:
        return importlib.import_module(f"ionscales.{name}")
    if name == "sweep":
        from ionscales.sweeps import sweep

        return sweep
    raise AttributeError(f"module 'ionscales' has no attribute {name!r}")
