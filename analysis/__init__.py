"""MD trajectories -> the observables the theories predict (MDAnalysis via ``ionscales[md]``).

:func:`load` (MDAnalysis) and :func:`load_arrays` (plain arrays) build a :class:`Trajectory`;
the structural observables (:func:`rdf`, :func:`coordination`, :func:`speciation`,
:func:`cluster_counts`, :func:`lifetimes`, :func:`charge_structure`) return labelled
``xarray`` results that feed :mod:`ionscales.fitting` directly. This layer imports only the
``ionscales`` core; neighbour searches use MDAnalysis's periodic distance machinery.
"""

from __future__ import annotations

import importlib
from pathlib import Path

from ionscales.analysis.trajectory import Trajectory, load, load_arrays

__all__ = [
    "Trajectory",
    "load",
    "load_arrays",
    "rdf",
    "coordination",
    "speciation",
    "cluster_counts",
    "contact_clusters",
    "lifetimes",
    "charge_structure",
]

_LAZY = {
    "rdf": "ionscales.analysis.structure",
    "coordination": "ionscales.analysis.structure",
    "speciation": "ionscales.analysis.structure",
    "cluster_counts": "ionscales.analysis.clusters",
    "contact_clusters": "ionscales.analysis.clusters",
    "lifetimes": "ionscales.analysis.residence",
    "charge_structure": "ionscales.analysis.charge",
}

# transport (onsager, transport_weights) lives in transport.py, written on its own branch;
# exported once the file is present (guarded so this package imports either way)
if Path(__file__).with_name("transport.py").is_file():
    __all__ += ["onsager", "transport_weights"]
    _LAZY.update(
        {
            "onsager": "ionscales.analysis.transport",
            "transport_weights": "ionscales.analysis.transport",
        }
    )


def __getattr__(name: str):
    if name in _LAZY:
        return getattr(importlib.import_module(_LAZY[name]), name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
