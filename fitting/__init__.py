"""Calibration against data with lmfit.

Fits run in O(1) internal units (nm, mol/L, kT) and report SI values in
:class:`FitResult`. Public functions are loaded from their modules on first access.
"""

from __future__ import annotations

import importlib

from ionscales.fitting.core import FitResult

__all__ = [
    "FitResult",
    "fit_decay",
    "fit_screening_scaling",
    "fit_activity",
    "fit_aggregation",
    "cluster_counts",
    "fit_surface_force",
    "compare_decay_forms",
    "fit_vtf",
    "fit_transport",
]

_LAZY = {
    "fit_decay": "ionscales.fitting.decay",
    "fit_screening_scaling": "ionscales.fitting.decay",
    "compare_decay_forms": "ionscales.fitting.decay",
    "fit_activity": "ionscales.fitting.activity",
    "fit_aggregation": "ionscales.fitting.aggregation",
    "cluster_counts": "ionscales.fitting.aggregation",
    "fit_surface_force": "ionscales.fitting.surface_force",
    "fit_vtf": "ionscales.fitting.vtf",
    "fit_transport": "ionscales.fitting.transport",
}


def __getattr__(name: str):
    if name in _LAZY:
        return getattr(importlib.import_module(_LAZY[name]), name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
