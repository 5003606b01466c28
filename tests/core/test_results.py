"""The labelled-Dataset builder: same Dataset as xarray's generic constructor, without its
optional-array-library probe (which imported dask.array and pint on the first result)."""

from __future__ import annotations

import subprocess
import sys
import textwrap
from pathlib import Path

import numpy as np
import pytest
import xarray as xr

from ionscales.results import make_dataset

ROOT = Path(__file__).resolve().parents[2]


def _reference(data_vars, coords):
    """The same content through xarray's public, generic constructors."""

    def var(spec):
        dims, values, units, long_name = spec
        return xr.Variable(dims, values, attrs={"units": units, "long_name": long_name})

    ds = xr.Dataset(
        {k: var(v) for k, v in data_vars.items()}, coords={k: var(v) for k, v in coords.items()}
    )
    return ds


def test_fast_builder_equals_generic_construction():
    x = np.linspace(0.0, 1.0, 7)
    data_vars = {
        "potential": (("x",), np.sin(x), "V", "potential"),
        "ion_concentration": (("species", "x"), np.ones((2, 7)), "mol/m^3", "c"),
        "count": (("species",), np.array([1, 2]), "1", "integer counts"),
        "flag": ((), np.True_, "1", "boolean scalar"),
        "scalar": ((), 2.5, "m", "scalar"),
        "label": (("species",), np.array(["a", "bb"]), "1", "text"),
        "complex": (("x",), x + 1j * x, "1", "complex"),
    }
    coords = {
        "x": (("x",), x, "m", "position"),
        "species": (("species",), np.array(["Na+", "Cl-"]), "1", "ionic species"),
        "weight": (("species",), np.array([0.5, 0.5]), "1", "non-index coordinate"),
    }
    ds = make_dataset(data_vars, coords)
    ref = _reference(data_vars, coords)
    xr.testing.assert_identical(ds.drop_attrs(deep=False), ref)
    assert set(ds.xindexes) == {"x", "species"}  # dimension coordinates are indexed
    assert float(ds.sel(x=x[3]).potential) == pytest.approx(np.sin(x[3]))
    assert ds.sel(species="Cl-")["count"].item() == 2


def test_object_and_datetime_values_take_xarray_conversion():
    when = np.array(["2026-01-01", "2026-01-02"], dtype="datetime64[ns]")
    ds = make_dataset(
        {"value": (("time",), np.array([1.0, 2.0]), "1", "v")},
        {"time": (("time",), when, "1", "time")},
    )
    assert ds.indexes["time"].dtype.kind == "M"
    values = np.array(["a", None], dtype=object)
    objects = make_dataset({"name": (("k",), values, "1", "n")})
    xr.testing.assert_identical(
        objects.name.variable, xr.Variable(("k",), values, objects.name.attrs)
    )


def test_shape_mismatch_is_an_error():
    with pytest.raises(ValueError, match="dimensions"):
        make_dataset({"potential": (("x", "y"), np.zeros(3), "V", "p")})
    with pytest.raises(ValueError):  # two sizes for one dimension
        make_dataset(
            {"potential": (("x",), np.zeros(3), "V", "p")},
            {"x": (("x",), np.zeros(4), "m", "x")},
        )


def test_first_result_of_a_process_imports_no_optional_array_library():
    """xarray's generic conversion imports dask.array (and pint, cupy, sparse if installed)
    on the first Variable of a process to test membership; ionscales results are numpy."""
    code = textwrap.dedent(
        """
        import sys, time
        from ionscales import presets
        from ionscales.theory import integral_equation as ie
        result = ie.solve(presets.get("NaCl(aq)"), 1000.0)
        t = time.perf_counter()
        modes = result.decay_modes()
        first = time.perf_counter() - t
        assert len(modes.mode) >= 1
        print(first, "dask.array" in sys.modules, "pint" in sys.modules)
        """
    )
    out = subprocess.run(
        [sys.executable, "-c", code],
        capture_output=True,
        text=True,
        check=True,
        cwd=ROOT,
        env={"PYTHONPATH": str(ROOT), "PATH": "/usr/bin:/bin"},
    ).stdout.split()
    assert out[1:] == ["False", "False"], out


def test_label_indexes_are_shared_by_content_only():
    """Short string coordinates reuse one index per distinct content: equal labels give
    identical indexes, different labels (or widths) never get another result's index."""

    def result(labels):
        return make_dataset(
            {"v": (("species",), np.arange(len(labels), dtype=float), "1", "v")},
            {"species": (("species",), np.array(labels), "1", "ionic species")},
        )

    a, b = result(["Na+", "Cl-"]), result(["Na+", "Cl-"])
    xr.testing.assert_identical(a, b)
    assert a.xindexes["species"].equals(b.xindexes["species"])
    c = result(["Na+", "Cl"])
    assert list(c.indexes["species"]) == ["Na+", "Cl"]
    assert c.species.dtype == np.array(["Na+", "Cl"]).dtype
    assert float(result(["K+", "Cl-"]).sel(species="K+").v) == 0.0
    big = [f"s{i}" for i in range(100)]  # beyond the shared-index length: built afresh
    assert list(result(big).indexes["species"]) == big
