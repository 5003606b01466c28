"""Shared test configuration: a non-interactive matplotlib backend and common fixtures."""

import os

os.environ.setdefault("MPLBACKEND", "Agg")

import numpy as np  # noqa: E402
import pytest  # noqa: E402

from ionscales import presets  # noqa: E402


@pytest.fixture
def nacl():
    return presets.get("NaCl(aq)")


@pytest.fixture
def rng():
    return np.random.default_rng(20261122)
