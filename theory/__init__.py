"""Analytic and semi-analytic electrolyte theory (no FiPy, no lmfit here).

Screening ladder: :func:`screening`, :func:`screening_curves`, :func:`kirkwood_crossover`;
thermodynamics: :func:`activity_coefficient`, :func:`osmotic_coefficient`; submodules
``aggregation``, ``transport``, ``confinement``, ``integral_equation`` are imported on
first access.
"""

from __future__ import annotations

import importlib

from ionscales.theory.electrostatics import bjerrum_length, debye_length, inverse_debye_length
from ionscales.theory.ladder import (
    kirkwood_crossover,
    register_model,
    screening,
    screening_curves,
    screening_models,
)

__all__ = [
    "bjerrum_length",
    "debye_length",
    "inverse_debye_length",
    "screening",
    "screening_curves",
    "screening_models",
    "register_model",
    "kirkwood_crossover",
    "activity_coefficient",
    "osmotic_coefficient",
    "thermodynamics",
    "thermo_models",
    "register_thermo_model",
]

# submodules and names provided by modules that are loaded on first use
_LAZY = {
    "activity_coefficient": ("ionscales.theory.thermo", "activity_coefficient"),
    "osmotic_coefficient": ("ionscales.theory.thermo", "osmotic_coefficient"),
    "thermodynamics": ("ionscales.theory.thermo", "thermodynamics"),
    "thermo_models": ("ionscales.theory.thermo", "thermo_models"),
    "register_thermo_model": ("ionscales.theory.thermo", "register_thermo_model"),
}
_SUBMODULES = {
    "aggregation",
    "transport",
    "confinement",
    "integral_equation",
    "thermo",
    "ladder",
    "electrostatics",
    "models",
    "plates",
    "poles",
    "oz_poles",
    "oz_solver",
}
_SUBMODULES |= {"oz_poles", "oz_solver"}  # integral-equation kernels
_SUBMODULES |= {
    "msa_mixture",
    "concentrated_solution",
    "temperature",
    "viscosity",
    "transport_properties",
    "transport_presets",
}


def __getattr__(name: str):
    if name in _LAZY:
        module, attr = _LAZY[name]
        return getattr(importlib.import_module(module), attr)
    if name in _SUBMODULES:
        return importlib.import_module(f"{__name__}.{name}")
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
