"""Map the layer folders of a source checkout to ``ionscales.<layer>``.

The installed wheel puts ``theory/``, ``continuum/``, ``fitting/`` and ``analysis/`` inside
the ``ionscales`` package (``[tool.setuptools.package-dir]`` in pyproject.toml). In a source
checkout they sit beside ``ionscales/``. This finder resolves exactly those four names,
``ionscales.theory`` etc., to the folders of the checkout; nothing else of the repository
(``benchmarks/``, ``examples/``, ``tests/``) becomes importable through ``ionscales``, and no
top-level name is shadowed. Benchmarks run from a checkout with ``python -m benchmarks``.
"""

from __future__ import annotations

import importlib.abc
import importlib.util
import sys
from pathlib import Path

#: the layer folders of the repository that are installed as ``ionscales.<layer>``
LAYERS = ("theory", "continuum", "fitting", "analysis")


class _LayerFinder(importlib.abc.MetaPathFinder):
    """Finds ``ionscales.<layer>`` (only the names in :data:`LAYERS`) in one checkout root."""

    def __init__(self, root: Path):
        self.root = root

    def find_spec(self, fullname, path=None, target=None):
        package, _, layer = fullname.partition(".")
        if package != "ionscales" or layer not in LAYERS:
            return None
        init = self.root / layer / "__init__.py"
        if not init.is_file():
            return None
        return importlib.util.spec_from_file_location(
            fullname, init, submodule_search_locations=[str(init.parent)]
        )


def install(package_dir: Path) -> bool:
    """Install the finder if ``package_dir`` (the ``ionscales`` folder) is in a source checkout.

    A source checkout is recognised by a ``pyproject.toml`` and a ``theory/__init__.py`` beside
    the package and no ``theory/`` inside it (an installed wheel has the layers inside).
    Returns whether the finder is active.
    """
    root = package_dir.parent
    if (package_dir / "theory").is_dir():
        return False
    if not ((root / "pyproject.toml").is_file() and (root / "theory" / "__init__.py").is_file()):
        return False
    for finder in sys.meta_path:
        if isinstance(finder, _LayerFinder):
            if finder.root == root:
                return True
            sys.meta_path.remove(finder)  # a re-import from another checkout
            break
    sys.meta_path.insert(0, _LayerFinder(root))
    return True
