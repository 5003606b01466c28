"""Sphinx configuration of the ionscales documentation.

Build (warnings are errors)::

    python -m pip install '.[docs]'
    python -m sphinx -W --keep-going -b html docs docs/_build/html

The API reference lists every name in the ``__all__`` of the public packages and the model
pages are generated from the model registries, so a newly registered model or exported name
appears without editing these files. The gallery shows the examples with the committed
figures of ``docs/figures`` (the scripts are not re-run: CI runs them in ``--fast`` mode).
"""

from __future__ import annotations

import importlib
import os
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
if not os.environ.get("IONSCALES_DOCS_INSTALLED"):
    sys.path.insert(0, str(ROOT))  # build from a checkout without installing

import ionscales  # noqa: E402

project = "ionscales"
author = "ionscales developers"
release = version = ionscales.__version__
extensions = [
    "sphinx.ext.autodoc",
    "sphinx.ext.autosummary",
    "sphinx.ext.mathjax",
    "numpydoc",
    "sphinx_gallery.gen_gallery",
]
autosummary_generate = True
autodoc_default_options = {"members": False}
numpydoc_show_class_members = False
numpydoc_validation_checks: set[str] = set()
numpydoc_xref_param_type = False
html_theme = "alabaster"
html_static_path: list[str] = []
exclude_patterns = [
    "_build",
    "figures",
    "generated_gallery/*.ipynb",
    "**.ipynb",
    "**.py.md5",
    "**.zip",
]
templates_path: list[str] = []
# docstrings are written for numpydoc and the terminal; these are not documentation errors
suppress_warnings = ["autosummary.import_cycle", "config.cache"]
nitpicky = False

sphinx_gallery_conf = {
    "examples_dirs": str(ROOT / "examples"),
    "gallery_dirs": "generated_gallery",
    "filename_pattern": r"^$",  # never execute: the figures are the committed full runs
    "plot_gallery": "False",
    "download_all_examples": False,
    "ignore_pattern": r"__init__\.py",
    "within_subsection_order": "FileNameSortKey",
    "show_signature": False,
    "min_reported_time": 1e9,
    "write_computation_times": False,
}

# --------------------------------------------------------------------- generated pages
PUBLIC = {
    "ionscales": "core: ions, solvents, electrolytes, presets, units, sweeps, errors",
    "ionscales.theory": "analytic and semi-analytic theory",
    "ionscales.continuum": "FiPy continuum layer (Poisson-Boltzmann family, Poisson-Nernst-Planck)",
    "ionscales.fitting": "calibration against data (lmfit)",
    "ionscales.analysis": "MD trajectories to observables",
}
_SUBMODULES = {
    "theory",
    "continuum",
    "fitting",
    "analysis",
    "presets",
    "units",
    "constants",
    "sweep",
}


def _write(path: Path, text: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    if not path.exists() or path.read_text() != text:
        path.write_text(text)


def _api_pages() -> None:
    lines = [
        "API reference",
        "=============",
        "",
        "Every public name (the ``__all__`` of each package). SI units throughout.",
        "",
    ]
    for name, what in PUBLIC.items():
        try:
            module = importlib.import_module(name)
        except ImportError:
            continue
        names = [
            n
            for n in getattr(module, "__all__", [])
            if not n.startswith("_") and n not in _SUBMODULES
        ]
        title = f"``{name}``: {what}"
        lines += [
            title,
            "-" * len(title),
            "",
            f".. currentmodule:: {name}",
            "",
            ".. autosummary::",
            "   :toctree: generated",
            "",
        ]
        lines += [f"   {n}" for n in names] + [""]
    lines += [
        "Command-line quantities",
        "-----------------------",
        "",
        ".. currentmodule:: ionscales.cli.quantities",
        "",
        ".. autosummary::",
        "   :toctree: generated",
        "",
        "   parse_quantity",
        "   parse_range",
        "   parse_for_variable",
        "",
    ]
    _write(HERE / "api.rst", "\n".join(lines))


def _model_pages() -> None:
    from ionscales.theory import ladder

    ladder._ensure_builtin_models()
    entries = [
        "Models",
        "======",
        "",
        "One page per registered screening model (generated from the registry, so a "
        "newly registered model appears here). Options are the keyword arguments of "
        "``theory.screening(electrolyte, concentration, model=NAME, **options)``; the "
        "validity range is in the Notes of each model function.",
        "",
        ".. toctree::",
        "   :maxdepth: 1",
        "",
    ]
    for name, spec in ladder._MODELS.items():
        target = spec.target
        if isinstance(target, tuple):
            module, attr = target
        else:
            module, attr = target.__module__, target.__name__
        try:
            importlib.import_module(module)
            available = True
        except ImportError:
            available = False
        slug = name.replace("-", "_")
        title = f"``{name}``: {spec.description}"
        body = [
            title,
            "=" * len(title),
            "",
            f'``theory.screening(electrolyte, concentration, model="{name}", **options)``',
            "",
        ]
        if available and not module.startswith("ionscales.theory.ladder"):
            body += [f".. autofunction:: {module}.{attr}", ""]
        elif not available:
            body += [f"Not available in this installation: {spec.unavailable}", ""]
        else:
            body += [
                "The Debye-Hückel screening length kappa_D^-1 of all ions (valid for dilute "
                "solutions, kappa_D sigma << 1).",
                "",
            ]
        _write(HERE / "models" / f"{slug}.rst", "\n".join(body))
        entries.append(f"   models/{slug}")
    # the other model families: one page each, their options and validity in the docstrings
    families = {
        "continuum_pb": (
            "Continuum double layers: pb, bikerman, bsk (model= of solve_pb)",
            ["ionscales.continuum.solve_pb", "ionscales.continuum.capacitance_curve"],
        ),
        "continuum_pnp": ("Poisson-Nernst-Planck transients", ["ionscales.continuum.solve_pnp"]),
        "thermodynamics": (
            "Activity and osmotic coefficients: dh-limiting, dh-extended, davies, msa, pitzer",
            ["ionscales.theory.activity_coefficient", "ionscales.theory.osmotic_coefficient"],
        ),
        "aggregation": (
            "Aggregation and gelation (Flory-Stockmayer ion networks)",
            [
                "ionscales.theory.aggregation.Aggregation",
                "ionscales.theory.aggregation.SolvatedAggregation",
                "ionscales.theory.aggregation.SaltInIonicLiquid",
            ],
        ),
        "slit_pore": (
            "Slit-pore charging (single-layer mean field)",
            ["ionscales.theory.confinement.SlitPore"],
        ),
    }
    for slug, (title, targets) in families.items():
        body = [title, "=" * len(title), ""]
        for target in targets:
            module, attr = target.rsplit(".", 1)
            try:
                obj = getattr(importlib.import_module(module), attr)
            except (ImportError, AttributeError):
                continue
            kind = "autoclass" if isinstance(obj, type) else "autofunction"
            # names of the API reference are documented there; here without a second index entry
            body += [f".. {kind}:: {target}", "   :no-index:", ""]
        _write(HERE / "models" / f"{slug}.rst", "\n".join(body))
        entries.append(f"   models/{slug}")
    _write(HERE / "models.rst", "\n".join(entries) + "\n")


_api_pages()
_model_pages()


# ------------------------------------------------------------------ docstring plain text
# The docstrings are numpydoc written for the terminal: |x| means an absolute value and
# name_ a subscript, not reST substitutions or link targets. Escape them before numpydoc.
import re  # noqa: E402

_TABLE = re.compile(r"^\s*[+|][-=+|]")


def _escape(text: str) -> str:
    text = text.replace("|", r"\|")
    return re.sub(r"(?<=\w)_(?=[^\w`]|$)", r"\\_", text)


def _plain_maths(app, what, name, obj, options, lines):
    for i, line in enumerate(lines):
        if _TABLE.match(line):
            continue
        # leave `roles`, ``literals`` and :math: spans alone, escape the text between them
        parts = re.split(r"(:?\w*:?`[^`]*`_?|``[^`]*``)", line)
        lines[i] = "".join(p if k % 2 else _escape(p) for k, p in enumerate(parts))


def setup(app):
    app.connect("autodoc-process-docstring", _plain_maths, priority=100)
