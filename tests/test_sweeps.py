"""ionscales.sweep: grid evaluation, failures, checkpoint/resume, schedulers, registry."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap
from pathlib import Path

import numpy as np
import pytest
import xarray as xr

import ionscales
from ionscales import presets, registry, results, theory
from ionscales.errors import ParameterError
from ionscales.sweeps import checkpoint_directory
from ionscales.units import M, nm

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
import _sweep_helpers as helpers  # noqa: E402


def _same_values(a: xr.Dataset, b: xr.Dataset, names) -> None:
    """Variables (with their units and coordinates) identical; sweep bookkeeping attrs aside."""
    left, right = a[list(names)].copy(), b[list(names)].copy()
    left.attrs, right.attrs = {}, {}
    xr.testing.assert_identical(left, right)


def _lines(path: Path) -> int:
    return sum(1 for _ in open(path)) if path.exists() else 0


# --- same numbers as direct calls ---------------------------------------------------


def test_2d_vectorised_sweep_equals_direct_calls_and_debye_law(nacl):
    salts = {"NaCl": nacl, "CaCl2": presets.get("CaCl2(aq)")}
    c = np.geomspace(1e-3, 1.0, 7) * M
    ds = ionscales.sweep(
        "theory.debye_length",
        grid={"concentration": c, "electrolyte": salts},
        scheduler="synchronous",
    )
    assert ds["debye_length"].dims == ("concentration", "electrolyte")
    assert ds["debye_length"].attrs["units"] == "m"
    assert ds["concentration"].attrs["units"] == "mol/m^3"
    for label, e in salts.items():
        direct = theory.debye_length(e, c)
        np.testing.assert_array_equal(ds["debye_length"].sel(electrolyte=label).values, direct)
    # physics: 1:1 salt in water, lambda_D = 0.304 nm / sqrt(c / M) (textbook value at
    # eps_r = 78.4, 298.15 K; 0.1 % tolerance covers the rounding of 0.304)
    np.testing.assert_allclose(
        ds["debye_length"].sel(electrolyte="NaCl") / nm, 0.304 / np.sqrt(c / M), rtol=1e-3
    )
    # 2:1 salt: ionic strength 3c, so lambda_D(CaCl2) = lambda_D(NaCl) / sqrt(3)
    ratio = ds["debye_length"].sel(electrolyte="NaCl") / ds["debye_length"].sel(electrolyte="CaCl2")
    np.testing.assert_allclose(
        ratio, np.sqrt(3.0), rtol=1e-3
    )  # eps_r of the presets agree to 0.1 %
    assert (ds["error"] == "").all()
    # vectorised once per salt: two tasks, not fourteen calls
    assert json.loads(ds.attrs["sweep_vectorized"]) == ["concentration"]


def test_per_point_and_vectorised_paths_agree(nacl):
    c = np.array([0.01, 0.1, 1.0]) * M
    grid = {"concentration": c, "model": ["debye"]}
    a = ionscales.sweep(
        theory.screening,
        grid=grid,
        fixed={"electrolyte": nacl},
        outputs=["decay_length", "regime"],
        scheduler="synchronous",
    )
    b = ionscales.sweep(
        theory.screening,
        grid=grid,
        fixed={"electrolyte": nacl},
        outputs=["decay_length", "regime"],
        scheduler="synchronous",
        vectorized=False,
    )
    assert a.attrs["sweep_function"] == "theory.screening"  # recognised as the registry entry
    _same_values(a, b, ["decay_length", "regime", "error"])
    np.testing.assert_allclose(
        a["decay_length"].sel(model="debye"), theory.debye_length(nacl, c), rtol=1e-12
    )
    assert (a["regime"] == "monotonic").all()


def test_dataset_outputs_keep_units_extra_dims_and_solver_attrs():
    ds = ionscales.sweep(
        helpers.profile,
        grid={"decay": [1e-9, 2e-9], "amplitude": [0.1, 0.2, 0.3]},
        outputs=["potential", "integral", "converged", "iterations"],
        scheduler="synchronous",
    )
    assert ds["potential"].dims == ("decay", "amplitude", "x")
    assert ds["potential"].attrs["units"] == "V"
    assert ds["integral"].attrs["units"] == "V m"
    assert ds["x"].attrs["units"] == "m"
    assert ds["decay"].attrs["units"] == "unknown"  # not a known parameter name: said so
    # the profile at the wall is the amplitude; potential is linear in the amplitude
    np.testing.assert_allclose(ds["potential"].isel(x=0), np.broadcast_to([0.1, 0.2, 0.3], (2, 3)))
    np.testing.assert_allclose(
        ds["potential"].sel(amplitude=0.2), 2 * ds["potential"].sel(amplitude=0.1)
    )
    assert (ds["converged"] == 1).all() and (ds["iterations"] == 3).all()
    direct = helpers.profile(2e-9, 0.3)
    assert float(ds["integral"].sel(decay=2e-9, amplitude=0.3)) == float(direct["integral"])
    assert json.loads(ds.attrs["point_attrs"])["model"] == "toy-profile"


# --- failures ------------------------------------------------------------------------


def test_failing_point_is_marked_and_the_sweep_goes_on(tmp_path):
    log = tmp_path / "calls.log"
    ds = ionscales.sweep(
        helpers.counted_point,
        grid={"a": [1, 2, 3], "b": [0, 1, 2]},
        fixed={"log": str(log)},
        scheduler="synchronous",
    )
    assert _lines(log) == 9
    assert ds["error"].sel(a=2, b=1).item() == "ValueError: no solution at a=2, b=1"
    assert np.isnan(ds["sum"].sel(a=2, b=1)) and np.isnan(ds["product"].sel(a=2, b=1))
    ok = ds["error"] == ""
    assert int(ok.sum()) == 8 and ds.attrs["sweep_failed_points"] == 1
    a, b = xr.broadcast(ds["a"], ds["b"])
    np.testing.assert_array_equal(ds["sum"].where(ok), (a + b).where(ok))
    # the result survives netCDF unchanged
    path = tmp_path / "sweep.nc"
    results.to_netcdf(ds, path)
    xr.testing.assert_identical(results.open_dataset(path), ds)
    results.check_labelled(ds)


def test_vectorised_chunk_failure_falls_back_to_points():
    ds = ionscales.sweep(
        helpers.vector_sum,
        grid={"a": [-1.0, 0.0, 2.0], "b": [1.0, 10.0]},
        vectorized=["a"],
        scheduler="synchronous",
    )
    assert ds["total"].attrs["units"] == "m"
    assert (ds["error"].sel(a=-1.0) == "ValueError: a must be >= 0").all()
    np.testing.assert_array_equal(ds["total"].sel(a=2.0), [3.0, 12.0])
    np.testing.assert_array_equal(ds["total"].sel(a=0.0), [1.0, 10.0])


# --- checkpoint and resume ------------------------------------------------------------


def test_rerun_with_checkpoint_recomputes_nothing(tmp_path):
    log = tmp_path / "calls.log"
    kw = dict(
        grid={"a": [1, 2, 3], "b": [0, 1]},
        fixed={"log": str(log)},
        scheduler="synchronous",
        checkpoint=tmp_path / "ck",
    )
    first = ionscales.sweep(helpers.counted_point, **kw)
    assert _lines(log) == 6
    second = ionscales.sweep(helpers.counted_point, **kw)
    assert _lines(log) == 6  # nothing recomputed, not even the failed point
    assert second.attrs["sweep_computed_points"] == 0
    keep = ["sum", "product", "error"]
    _same_values(first, second, keep)
    # retry_failed recomputes exactly the failed point
    ionscales.sweep(helpers.counted_point, retry_failed=True, **kw)
    assert _lines(log) == 7
    # a different sweep (other fixed value) gets its own directory
    d1 = checkpoint_directory(tmp_path / "ck", helpers.counted_point, kw["grid"], kw["fixed"])
    d2 = checkpoint_directory(tmp_path / "ck", helpers.counted_point, kw["grid"], {"log": "other"})
    assert d1.is_dir() and d1 != d2


def test_interrupted_sweep_resumes_without_recomputing(tmp_path, monkeypatch):
    log = tmp_path / "calls.log"
    grid = {"a": [1.0, 2.0, 3.0, 4.0], "b": [0.0, 1.0]}
    kw = dict(grid=grid, fixed={"log": str(log)}, scheduler="synchronous", checkpoint=tmp_path)
    monkeypatch.setattr(helpers, "INTERRUPT_AFTER", 3)
    with pytest.raises(KeyboardInterrupt):
        ionscales.sweep(helpers.interrupt_after, **kw)
    assert _lines(log) == 4  # 3 finished + the interrupted call
    monkeypatch.setattr(helpers, "INTERRUPT_AFTER", None)
    resumed = ionscales.sweep(helpers.interrupt_after, **kw)
    assert _lines(log) == 4 + 5  # only the 5 unfinished points were computed
    assert resumed.attrs["sweep_computed_points"] == 5
    a, b = xr.broadcast(resumed["a"], resumed["b"])
    np.testing.assert_array_equal(resumed["sum"], a + b)
    assert (resumed["error"] == "").all()


@pytest.mark.slow
def test_killed_sweep_resumes_in_a_new_process(tmp_path):
    """A process killed hard (os._exit) after 5 points; the resume computes only the rest."""
    log = tmp_path / "calls.log"
    script = tmp_path / "run_sweep.py"
    script.write_text(
        textwrap.dedent(f"""
        import sys
        sys.path[:0] = [{str(HERE)!r}, {str(HERE.parent)!r}]  # the helpers, this checkout
        import ionscales, _sweep_helpers as h
        ds = ionscales.sweep(h.counted_point, grid={{"a": [1, 2, 3, 4], "b": [0, 1, 2]}},
                             fixed={{"log": {str(log)!r}}}, scheduler="synchronous",
                             checkpoint={str(tmp_path / "ck")!r})
        print("done", int(ds.attrs["sweep_computed_points"]))
    """)
    )
    env = {**os.environ, "IONSCALES_TEST_DIE_AFTER": "5"}
    killed = subprocess.run(
        [sys.executable, str(script)], env=env, capture_output=True, text=True, timeout=120
    )
    assert killed.returncode == 17, killed.stderr
    assert _lines(log) == 6  # five finished, the sixth call died
    directory = checkpoint_directory(
        tmp_path / "ck",
        helpers.counted_point,
        {"a": [1, 2, 3, 4], "b": [0, 1, 2]},
        {"log": str(log)},
    )
    assert len(list(directory.glob("points-*.nc"))) == 5
    env.pop("IONSCALES_TEST_DIE_AFTER")
    resumed = subprocess.run(
        [sys.executable, str(script)], env=env, capture_output=True, text=True, timeout=120
    )
    assert resumed.returncode == 0, resumed.stderr
    assert resumed.stdout.split() == ["done", "7"]
    assert _lines(log) == 6 + 7  # exactly the 7 unfinished points were computed
    # and the full result equals a fresh sweep without checkpoint
    full = ionscales.sweep(
        helpers.counted_point,
        grid={"a": [1, 2, 3, 4], "b": [0, 1, 2]},
        fixed={"log": str(log)},
        scheduler="synchronous",
        checkpoint=tmp_path / "ck",
    )
    fresh = ionscales.sweep(
        helpers.counted_point,
        grid={"a": [1, 2, 3, 4], "b": [0, 1, 2]},
        fixed={"log": str(tmp_path / "fresh.log")},
        scheduler="synchronous",
    )
    _same_values(full, fresh, ["sum", "product", "error"])


# --- checkpoints are validated, not trusted ---------------------------------------------


def _records(directory: Path) -> dict[int, Path]:
    """point index -> checkpoint file (per-point tasks)."""
    from ionscales.sweeps import _read_record

    out = {}
    for f in sorted(directory.glob("points-*.nc")):
        for i in _read_record(f)["index"]:
            out[i] = f
    return out


def _checkpointed(tmp_path, **extra):
    log = tmp_path / "calls.log"
    kw = dict(
        grid={"a": [1.0, 3.0, 4.0, 5.0, 6.0, 7.0], "b": [0.0, 2.0, 3.0, 4.0]},
        fixed={"log": str(log)},
        scheduler="synchronous",
        checkpoint=tmp_path / "ck",
        **extra,
    )
    first = ionscales.sweep(helpers.counted_point, **kw)
    assert _lines(log) == 24 and (first["error"] == "").all()
    directory = checkpoint_directory(
        tmp_path / "ck", helpers.counted_point, kw["grid"], kw["fixed"], extra.get("outputs")
    )
    return kw, log, first, directory


def _rewrite(path: Path, change) -> None:
    with xr.open_dataset(path, engine="netcdf4") as ds:
        ds = ds.load()
    ds = change(ds)
    path.unlink()
    ds.to_netcdf(path, engine="netcdf4")


@pytest.mark.parametrize("lose_schema", [False, True])
def test_a_record_with_a_wrong_shape_is_recomputed_not_spread_as_nan(tmp_path, lose_schema):
    """One record whose output has another shape (valid hash: e.g. written by a buggy
    version) sorts first; the 23 good points stay good and the bad one is recomputed."""
    from ionscales.sweeps import _read_record, _record_dataset

    kw, log, first, directory = _checkpointed(tmp_path)
    path = _records(directory)[5]
    rec = _read_record(path)
    rec["outputs"]["sum"]["values"] = np.zeros((1, 3))
    rec["outputs"]["sum"]["dims"] = ["extra"]
    rec["outputs"]["sum"]["coords"] = [np.arange(3)]
    path.unlink()
    _record_dataset(rec).to_netcdf(directory / "points-00000000000000000000-0-000000.nc")
    if lose_schema:  # an older checkpoint without schema.json: the majority decides
        (directory / "schema.json").unlink()
    with pytest.warns(ionscales.errors.CheckpointWarning, match="do not match the sweep's schema"):
        again = ionscales.sweep(helpers.counted_point, **kw)
    assert _lines(log) == 25  # exactly the bad point recomputed
    assert (again["error"] == "").all()
    _same_values(first, again, ["sum", "product", "error"])


def test_a_record_with_a_renamed_output_is_recomputed(tmp_path):
    kw, log, first, directory = _checkpointed(tmp_path, outputs=["sum", "product"])
    path = _records(directory)[7]

    def rename(ds):
        meta = json.loads(ds.attrs["outputs"])
        for m in meta.values():
            if m["name"] == "sum":
                m["name"] = "total"
        ds.attrs["outputs"] = json.dumps(meta)
        return ds

    _rewrite(path, rename)
    with pytest.warns(ionscales.errors.CheckpointWarning):
        again = ionscales.sweep(helpers.counted_point, **kw)
    assert _lines(log) == 25
    assert (again["error"] == "").all()
    _same_values(first, again, ["sum", "product", "error"])


def test_a_missing_output_is_an_error_not_a_silent_nan():
    def sometimes(a):
        return {"x": a} if a != 2 else {"y": a}

    ds = ionscales.sweep(sometimes, grid={"a": [1, 2, 3]}, outputs=["x"], scheduler="synchronous")
    assert ds["error"].sel(a=2).item() != ""
    assert "'x'" in ds["error"].sel(a=2).item()
    assert np.isnan(ds["x"].sel(a=2)) and (ds["x"].sel(a=[1, 3]) == [1, 3]).all()


@pytest.mark.parametrize("what", ["values", "errors", "index"])
def test_tampered_records_are_detected_by_their_hash_and_recomputed(tmp_path, what):
    kw, log, first, directory = _checkpointed(tmp_path)
    path = _records(directory)[3]

    def tamper(ds):
        if what == "values":
            ds["out_0"].values[...] = 1e6
        elif what == "errors":
            ds["error"].values[...] = "ValueError: made up"
        else:
            ds["point_index"].values[...] = 4
        return ds

    _rewrite(path, tamper)
    with pytest.warns(ionscales.errors.CheckpointWarning, match="SHA-256"):
        again = ionscales.sweep(helpers.counted_point, **kw)
    assert _lines(log) == 25
    _same_values(first, again, ["sum", "product", "error"])
    assert list(directory.glob("rejected-points-*.nc"))  # kept for inspection, not reloaded
    third = ionscales.sweep(helpers.counted_point, **kw)  # no warning, nothing recomputed
    assert _lines(log) == 25 and third.attrs["sweep_computed_points"] == 0


def test_point_attrs_come_from_the_first_grid_point_not_the_first_finished_task(tmp_path):
    log = tmp_path / "calls.log"
    kw = dict(
        grid={"a": [1.0, 2.0, 3.0]},
        fixed={"log": str(log)},
        scheduler="synchronous",
        checkpoint=tmp_path / "ck",
    )
    first = ionscales.sweep(helpers.attrs_point, **kw)
    assert json.loads(first.attrs["point_attrs"])["origin"] == 1.0
    directory = checkpoint_directory(tmp_path / "ck", helpers.attrs_point, kw["grid"], kw["fixed"])
    _records(directory)[0].unlink()  # point 0 is now computed last on resume
    again = ionscales.sweep(helpers.attrs_point, **kw)
    assert _lines(log) == 4
    assert json.loads(again.attrs["point_attrs"])["origin"] == 1.0
    assert again.attrs["point_attrs"] == first.attrs["point_attrs"]


@pytest.mark.slow
def test_a_point_that_kills_its_worker_fails_alone_on_a_cluster(tmp_path):
    """A segfault at one of 8 points (chunks of 4 on 2 workers): the other 7 finish in the
    same run, the crashing point is marked failed with the cause and checkpointed."""
    log = tmp_path / "calls.log"
    kw = dict(
        grid={"a": list(range(8))},
        fixed={"crash_at": 3, "log": str(log)},
        n_workers=2,
        chunk_size=4,
        checkpoint=tmp_path / "ck",
    )
    ds = ionscales.sweep(helpers.crash_point, **kw)
    ok = ds["error"] != ""
    assert list(ok.values) == [a == 3 for a in range(8)], ds["error"].values
    assert "worker process died" in ds["error"].sel(a=3).item()
    np.testing.assert_array_equal(ds["square"].where(~ok), [0, 1, 4, np.nan, 16, 25, 36, 49])
    calls = _lines(log)
    again = ionscales.sweep(helpers.crash_point, **kw)  # resume: nothing to do, no crash
    assert again.attrs["sweep_computed_points"] == 0 and _lines(log) == calls
    _same_values(ds, again, ["square", "error"])


# --- schedulers ------------------------------------------------------------------------


@pytest.mark.slow
def test_cluster_address_path_agrees_with_synchronous(tmp_path, nacl):
    """The same sweep through a scheduler address ("tcp://...", the real-cluster path)."""
    from distributed import LocalCluster

    grid = {"a": [1, 2, 3], "b": [0, 1, 2]}
    c = np.geomspace(0.01, 1, 6) * M
    with LocalCluster(
        n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None
    ) as cluster:
        address = cluster.scheduler_address
        assert address.startswith("tcp://")
        on_cluster = ionscales.sweep(
            helpers.counted_point,
            grid=grid,
            fixed={"log": str(tmp_path / "c.log")},
            scheduler=address,
            checkpoint=tmp_path / "ck",
        )
        vec_cluster = ionscales.sweep(
            "theory.debye_length",
            grid={"concentration": c},
            fixed={"electrolyte": nacl},
            scheduler=address,
            chunk_size=2,
        )
    local = ionscales.sweep(
        helpers.counted_point,
        grid=grid,
        fixed={"log": str(tmp_path / "s.log")},
        scheduler="synchronous",
    )
    keep = ["sum", "product", "error"]
    _same_values(on_cluster, local, keep)
    assert _lines(tmp_path / "c.log") == 9
    assert on_cluster.attrs["sweep_scheduler"] == address
    np.testing.assert_array_equal(vec_cluster["debye_length"], theory.debye_length(nacl, c))


@pytest.mark.slow
def test_default_scheduler_is_a_local_cluster_and_agrees_with_synchronous(tmp_path):
    kw = dict(grid={"a": [1, 2, 3], "b": [0, 1]}, outputs=["sum"])
    on_cluster = ionscales.sweep(
        helpers.counted_point, fixed={"log": str(tmp_path / "c.log")}, n_workers=2, **kw
    )
    local = ionscales.sweep(
        helpers.counted_point, fixed={"log": str(tmp_path / "s.log")}, scheduler="synchronous", **kw
    )
    assert on_cluster.attrs["sweep_scheduler"] == "local"
    _same_values(on_cluster, local, ["sum", "error"])
    assert on_cluster["error"].sel(a=2, b=1).item().startswith("ValueError")


def _nanny_settings(cluster):
    return [
        (n.memory_manager.memory_monitor_interval, n.periodic_callbacks["tick"].callback_time)
        for n in cluster.workers.values()
    ]


@pytest.mark.slow
def test_local_cluster_settings_reach_scheduler_nannies_and_workers():
    """ionscales' own local clusters (``local_cluster`` and the default scheduler) turn dask's
    worker profiler off and slow its background monitors, in the worker processes and in
    this process; ``config`` overrides them; dask's global configuration is left alone."""
    import dask
    from distributed import Client

    from ionscales.sweeps import LOCAL_ALLOWED_FAILURES, local_cluster

    grid = {"a": [0, 1, 2, 3]}
    default = ionscales.sweep(helpers.worker_settings, grid=grid, n_workers=2)
    np.testing.assert_array_equal(default["profiler"], 0.0)
    np.testing.assert_array_equal(default["threads"], 1.0)
    np.testing.assert_array_equal(default["tick_ms"], 200.0)
    with local_cluster(1) as cluster, Client(cluster) as client:
        ds = ionscales.sweep(helpers.worker_settings, grid=grid, scheduler=client)
        np.testing.assert_array_equal(ds["profiler"], 0.0)
        np.testing.assert_array_equal(ds["tick_ms"], 200.0)
        assert cluster.scheduler.allowed_failures == LOCAL_ALLOWED_FAILURES
        assert cluster.scheduler.periodic_callbacks["tick"].callback_time == 200.0
        assert _nanny_settings(cluster) == [(0.5, 200.0)]
        client.restart()  # a worker the nanny starts again keeps the settings
        again = ionscales.sweep(helpers.worker_settings, grid=grid, scheduler=client)
        np.testing.assert_array_equal(again["profiler"], 0.0)
        np.testing.assert_array_equal(again["tick_ms"], 200.0)
    on = {"distributed.worker.profile.enabled": True, "distributed.admin.tick.interval": "20ms"}
    with local_cluster(1, config=on) as cluster, Client(cluster) as client:
        ds = ionscales.sweep(helpers.worker_settings, grid=grid, scheduler=client)
        np.testing.assert_array_equal(ds["profiler"], 1.0)
        np.testing.assert_array_equal(ds["tick_ms"], 20.0)
        assert _nanny_settings(cluster) == [(0.5, 20.0)]
    assert dask.config.get("distributed.worker.profile.enabled") is True
    assert dask.config.get("distributed.admin.tick.interval") == "20ms"
    assert dask.config.get("distributed.scheduler.allowed-failures") == 3
    # the synchronous path runs in this process, not on a worker
    here = ionscales.sweep(helpers.worker_settings, grid=grid, scheduler="synchronous")
    assert np.isnan(here["profiler"]).all()


def test_local_cluster_rejects_a_bad_worker_count():
    from ionscales.sweeps import local_cluster

    with pytest.raises(ParameterError, match="n_workers"):
        local_cluster(0)
    with pytest.raises(ParameterError, match="config"):
        local_cluster(1, config=[("distributed.admin.tick.interval", "1s")])


# --- validation, registry, reproducibility ---------------------------------------------


def test_bad_arguments_raise_parameter_errors(nacl):
    with pytest.raises(ParameterError, match="both fixed and on the grid"):
        ionscales.sweep(
            theory.debye_length,
            grid={"concentration": [1.0]},
            fixed={"concentration": 1.0, "electrolyte": nacl},
        )
    with pytest.raises(ParameterError, match="fixed"):
        ionscales.sweep(
            theory.debye_length, grid={"concentration": [1.0]}, fixed=[("electrolyte", nacl)]
        )
    with pytest.raises(ParameterError, match="scheduler"):
        ionscales.sweep(
            theory.debye_length,
            grid={"concentration": [1.0]},
            fixed={"electrolyte": nacl},
            scheduler="my-laptop",
        )
    with pytest.raises(ParameterError, match="grid"):
        ionscales.sweep(theory.debye_length, grid={})
    with pytest.raises(ParameterError, match="at least one value"):
        ionscales.sweep(theory.debye_length, grid={"concentration": []})
    with pytest.raises(ParameterError, match="clash"):
        ionscales.sweep(theory.debye_length, grid={"concentration": [1.0]}, outputs=["error"])
    with pytest.raises(ParameterError, match="not grid keys"):
        ionscales.sweep(
            theory.debye_length, grid={"concentration": [1.0]}, vectorized=["temperature"]
        )


def test_registry_names_only_and_clear_errors_for_missing_modules():
    with pytest.raises(ParameterError, match="not a registered function"):
        registry.entry("os.system")
    with pytest.raises(ParameterError, match="not a registered function"):
        registry.entry("ionscales.theory.screening")  # an import path is not a registry name
    with pytest.raises(ParameterError, match="not a registered function"):
        ionscales.sweep("builtins.eval", grid={"source": ["1+1"]})
    missing = registry.Entry("theory.nowhere", "ionscales.theory.nowhere", "solve", "test entry")
    with pytest.raises(ParameterError, match="not available in this installation"):
        missing.load()
    assert "theory.screening" in registry.names() and "continuum.solve_pb" in registry.names()
    assert registry.name_of(theory.debye_length) == "theory.debye_length"
    assert registry.name_of(helpers.profile) is None


def test_attrs_are_enough_to_recompute_a_point(nacl):
    c = np.array([0.05, 0.5]) * M
    ds = ionscales.sweep(
        "theory.screening",
        grid={"concentration": c, "model": ["debye"]},
        fixed={"electrolyte": nacl},
        outputs=["decay_length"],
        scheduler="synchronous",
    )
    assert ds.attrs["ionscales_version"] == ionscales.__version__
    assert ds.attrs["sweep_scheduler"] == "synchronous"
    fixed = json.loads(ds.attrs["sweep_fixed"])
    assert fixed["electrolyte"] == nacl.describe()
    grid = json.loads(ds.attrs["sweep_grid"])
    assert grid["model"] == ["debye"] and np.allclose(grid["concentration"], c)
    func = registry.resolve(ds.attrs["sweep_function"])
    again = func(
        electrolyte=presets.get(fixed["electrolyte"].split(":")[0]),
        concentration=np.array(grid["concentration"]),
        model=grid["model"][0],
    )
    np.testing.assert_array_equal(
        again["decay_length"].values, ds["decay_length"].sel(model="debye").values
    )
    assert json.loads(ds.attrs["point_attrs"])["model"] == "debye"


# --- continuum solves, mapped per point -----------------------------------------------


@pytest.mark.slow
def test_bikerman_pb_sweep_equals_direct_solves_and_kornyshev_charge(nacl):
    """2 x 2 Bikerman half-space solves: the sweep reproduces direct calls, with units, and the
    surface charge follows Kornyshev's closed form
    sigma = sgn(u) sqrt(4 eps eps0 kT n0 / gamma * ln(1 + 2 gamma sinh^2(e u / 2kT))),
    gamma = 2 n0 a^3 (Kornyshev, J. Phys. Chem. B 111, 5545 (2007))."""
    from ionscales import constants, continuum

    geometry = continuum.HalfSpace()
    c = np.array([0.1, 1.0]) * M
    u = np.array([0.05, 0.25])
    fixed = {"electrolyte": nacl, "geometry": geometry, "model": "bikerman"}
    ds = ionscales.sweep(
        "continuum.solve_pb",
        grid={"concentration": c, "wall_potential": u},
        fixed=fixed,
        outputs=["surface_charge", "capacitance", "converged"],
        scheduler="synchronous",
    )
    assert (ds["error"] == "").all(), ds["error"].values
    assert ds["surface_charge"].attrs["units"] == "C/m^2"
    assert ds["capacitance"].attrs["units"] == "F/m^2"
    assert ds["wall_potential"].attrs["units"] == "V"
    assert (ds["converged"] == 1).all()
    kT = constants.boltzmann * nacl.temperature
    eps = constants.vacuum_permittivity * nacl.permittivity
    a = nacl.ions[0].diameter
    for ci in c:
        for ui in u:
            direct = continuum.solve_pb(concentration=ci, wall_potential=ui, **fixed)
            got = ds.sel(concentration=ci, wall_potential=ui)
            assert float(got["surface_charge"]) == float(direct["surface_charge"])
            assert float(got["capacitance"]) == float(direct["capacitance"])
            n0 = ci * constants.avogadro
            gamma = 2 * n0 * a**3
            s = np.sinh(constants.elementary_charge * ui / (2 * kT))
            sigma = np.sqrt(4 * eps * kT * n0 / gamma * np.log1p(2 * gamma * s**2))
            # 0.5 %: discretisation error of the graded FiPy mesh on the wall field
            assert float(got["surface_charge"]) == pytest.approx(sigma, rel=5e-3)
    assert "bikerman" in json.loads(ds.attrs["point_attrs"])["model"]


def test_result_objects_with_to_dataset_are_converted():
    ds = ionscales.sweep(helpers.solve_object, grid={"value": [1.0, 2.5]}, scheduler="synchronous")
    np.testing.assert_array_equal(ds["energy"], [2.0, 5.0])
    assert ds["energy"].attrs["units"] == "J"
    assert (ds["converged"] == 1).all()


def test_automatic_chunks_balance_workers_and_amortise_scheduling():
    """About two tasks per worker (each task's scheduling amortised), never more than
    MAX_AUTO_CHUNK points per task (checkpoint granularity), one point per task for tiny
    sweeps."""
    from ionscales.sweeps import MAX_AUTO_CHUNK, _auto_chunk_size

    for n_points, workers in [(400, 2), (20, 2), (3, 2), (10**5, 8), (7, 1)]:
        size = _auto_chunk_size(n_points, workers)
        tasks = -(-n_points // size)
        assert 1 <= size <= MAX_AUTO_CHUNK
        assert tasks >= min(n_points, 2 * workers)
    assert _auto_chunk_size(400, 2) == 100 and _auto_chunk_size(10**5, 8) == MAX_AUTO_CHUNK


def test_automatic_cluster_chunks_interleave_the_grid():
    """Automatic chunks take every n-th point, so each task samples every axis (tasks cost
    alike when the cost varies along an axis); every point is in exactly one task; an
    explicit chunk_size keeps contiguous chunks."""
    from ionscales.sweeps import _SweepSpec

    grid = {"a": np.arange(10.0), "b": np.arange(4.0)}
    spec = _SweepSpec.build(_noop_pair, grid, None, None, None, None, None)
    spec.chunk_size, spec.interleave = 10, True  # what sweep() sets on a cluster
    tasks = spec.tasks(list(range(40)))
    assert len(tasks) == 4
    assert sorted(i for idx, _ in tasks for i in idx) == list(range(40))
    for _, points in tasks:
        assert {p["a"] for p in points} == set(grid["a"])  # the slow axis, all of it
    explicit = _SweepSpec.build(_noop_pair, grid, None, None, None, 10, None)
    assert [idx for idx, _ in explicit.tasks(list(range(40)))][0] == list(range(10))


def _noop_pair(a, b):
    return a + b


def test_task_points_are_opaque_to_dask_graph_parsing(monkeypatch):
    """dask walks every list, tuple and dict among a task's arguments looking for futures
    (in the scheduler thread of this process, ~25 ms per 400-point sweep); a task's points
    travel in one object it does not walk, which unpacks like (indices, points) and
    pickles."""
    import pickle

    from dask import _task_spec

    from ionscales.sweeps import _SweepSpec, _Task

    calls = []
    parse = _task_spec.parse_input

    def counted(obj):
        calls.append(obj)
        return parse(obj)

    monkeypatch.setattr(_task_spec, "parse_input", counted)  # the recursion goes through it
    grid = {"a": np.arange(6.0), "b": np.arange(2.0)}
    spec = _SweepSpec.build(_noop_pair, grid, None, None, None, 4, None)
    task = spec.tasks(list(range(12)))[0]
    assert isinstance(task, _Task)
    assert _task_spec.parse_input(task) is task and len(calls) == 1  # not traversed
    calls.clear()
    _task_spec.parse_input(tuple(task))  # the same points as plain containers: walked
    assert len(calls) > 10
    indices, points = pickle.loads(pickle.dumps(task))
    assert indices == [0, 1, 2, 3] and points[1] == {"a": 0.0, "b": 1.0}
