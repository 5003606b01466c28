"""Sweeps: dask local cluster versus a plain loop, chunked versus per-point calls.

* 400 Bikerman Poisson–Boltzmann solves (20 concentrations x 20 wall potentials) through
  ``ionscales.sweep`` on the package's local cluster (``ionscales.sweeps.local_cluster``, the
  cluster ``scheduler="local"`` starts: one single-threaded worker per core, dask's worker
  profiler off; started and warmed before the clock starts, as a user who runs several
  sweeps would) against the same solves in a plain loop in this process. Target: the
  speed-up approaches the number of cores (>= 0.8 x cores, i.e. >= 1.6 on 2 cores). Wall
  time depends on what else runs on the machine, so CPU time is reported beside it: the
  CPU rate of each path (CPU seconds spent in the solves per wall second: at most 1 for the
  loop, at most the number of workers for the sweep) and their ratio, the "CPU speed-up"
  (= the wall speed-up when both paths got the cores they asked for; a wall speed-up below
  it means the cores were shared), and the CPU cost per solve on each path. The
  note also gives the per-task overhead, (cores x t_sweep - time inside the tasks) / points,
  the mean solve time in the loop and on a worker (equal on an idle machine; a slower worker
  solve means the cores are shared with other work — the load average is printed too), and
  the cluster start-up time. The three paths (loop, sweep, bare pool) run in ``REPEATS``
  interleaved rounds, the order rotated each round, and each path's median time counts; the
  note lists the round-by-round ratios and the ratio of each path's best run. (On this VM
  each vCPU's speed flips between ~0.8 and ~1.35 ms per solve every 0.5-5 s: the loop's best
  run needs one fast vCPU, the sweep's both, so best-of-each is biased against the sweep.)
  The same solves on a bare ``ProcessPoolExecutor`` with the same chunks (warmed workers)
  give the parallel speed-up the machine allows for this work: when the host is busy, two
  processes computing at once each run up to ~1.5x slower per solve than one alone, so the
  ceiling is below 2x, and it moves from run to run (1.17-2.08x in six runs on 2026-12-02).
* The same sweep on a plain ``LocalCluster`` with dask's default worker settings (profiler
  on), three interleaved pairs with the loop: information, with the workers' CPU per solve
  over the loop's (median 1.088 against 1.008 on the package's cluster, 12 interleaved
  sweeps; single runs of this row scatter with the host's load).
* Per-task overhead of the cluster path itself: 400 no-op points.
* A vectorised theory sweep (Debye screening over 2000 concentrations x 4 salts, chunked:
  one call per salt) against a plain loop of per-point calls.
"""

from __future__ import annotations

import importlib
import os
import time

import numpy as np

from benchmarks._harness import Row, best_time


def _noop(a, b):
    return a + b


#: interleaved rounds of the loop, the sweep and the bare pool (each path's median counts)
REPEATS = 7


def _warm_bikerman():
    from ionscales import continuum, presets

    continuum.solve_pb(
        presets.get("NaCl(aq)"), 100.0, continuum.HalfSpace(), wall_potential=0.1, model="bikerman"
    )


def _bikerman_chunk(points):
    """Surface charges of a chunk of (concentration, wall potential) Bikerman solves (the
    process-pool reference path)."""
    from ionscales import continuum, presets

    nacl, geometry = presets.get("NaCl(aq)"), continuum.HalfSpace()
    return [
        float(
            continuum.solve_pb(nacl, c, geometry, wall_potential=v, model="bikerman")[
                "surface_charge"
            ]
        )
        for c, v in points
    ]


def _pool_times(points, n_workers, chunk, repeats) -> list[float]:
    """Wall times of the same solves on a bare, warmed ProcessPoolExecutor (same chunking),
    ``repeats`` times: the parallel speed-up any process-based scheduler can reach on this
    machine. A generator: one run per ``next`` (interleaved with the other paths)."""
    from concurrent.futures import ProcessPoolExecutor

    from ionscales.sweeps import interleaved_chunks

    chunks = interleaved_chunks(points, chunk)  # the sweep's own chunks
    with ProcessPoolExecutor(n_workers) as pool:
        list(pool.map(_bikerman_chunk, [points[:1]] * (2 * n_workers)))  # warm every worker
        for _ in range(repeats):
            t0 = time.perf_counter()
            list(pool.map(_bikerman_chunk, chunks))
            yield time.perf_counter() - t0


def _cluster(n_workers, dask_defaults=False):
    """A started local cluster and its client: the one ``ionscales.sweep`` starts for
    ``scheduler="local"`` (``ionscales.sweeps.local_cluster``: worker profiler off), or, with
    ``dask_defaults``, a plain ``LocalCluster`` with dask's default worker settings."""
    from distributed import Client, LocalCluster

    from ionscales.sweeps import local_cluster

    t0 = time.perf_counter()
    if dask_defaults:
        cluster = LocalCluster(
            n_workers=n_workers,
            threads_per_worker=1,
            processes=True,
            dashboard_address=None,
            silence_logs=40,
        )
    else:
        cluster = local_cluster(n_workers)
    client = Client(cluster)
    client.run(importlib.import_module, "ionscales.sweeps")
    return cluster, client, time.perf_counter() - t0


def _bikerman_setup(quick):
    """The sweep's function, grid, fixed parameters and outputs (None if the continuum layer
    is missing, with the reason)."""
    from ionscales import presets, registry
    from ionscales.errors import ParameterError
    from ionscales.units import M

    n_c, n_v = (4, 5) if quick else (20, 20)
    try:
        solve_pb = registry.resolve("continuum.solve_pb")
        continuum = importlib.import_module("ionscales.continuum")
        geometry = continuum.HalfSpace()
    except (ParameterError, AttributeError, ImportError) as exc:
        return None, str(exc)
    grid = {
        "concentration": np.geomspace(0.01, 1.0, n_c) * M,
        "wall_potential": np.linspace(0.02, 0.4, n_v),
    }
    fixed = {"electrolyte": presets.get("NaCl(aq)"), "geometry": geometry, "model": "bikerman"}
    return (solve_pb, grid, fixed, ["surface_charge", "capacitance"]), ""


def _timed_loop(solve_pb, grid, fixed):
    """(wall s, CPU s, surface charges) of the plain loop over the grid."""
    cpu0 = time.process_time()
    t0 = time.perf_counter()
    loop = {}
    for c in grid["concentration"]:
        for v in grid["wall_potential"]:
            ds = solve_pb(concentration=c, wall_potential=v, **fixed)
            loop[(c, v)] = float(ds["surface_charge"])
    return time.perf_counter() - t0, time.process_time() - cpu0, loop


def _timed_sweep(client, solve_pb, grid, fixed, outputs):
    """(wall s, result Dataset) of ``ionscales.sweep`` over the grid on ``client``."""
    import ionscales

    t0 = time.perf_counter()
    ds = ionscales.sweep(
        solve_pb, grid=grid, fixed=fixed, outputs=outputs, scheduler=client, progress=False
    )
    return time.perf_counter() - t0, ds


def _bikerman_row(client, n_workers, startup, quick) -> Row:

    setup, why = _bikerman_setup(quick)
    target = f">= {0.8 * n_workers:.2g}x ({n_workers} cores)"
    if setup is None:
        return Row(
            "sweep: Bikerman PB solves, local cluster vs loop",
            float("nan"),
            None,
            target,
            False,
            f"NOT RUN: continuum layer missing ({why})",
        )
    solve_pb, grid, fixed, outputs = setup
    n = len(grid["concentration"]) * len(grid["wall_potential"])
    workload = f"sweep: {n} Bikerman PB solves, local cluster vs loop"
    # warm-up (imports, first-solve set-up) on both paths: one solve here, one per worker
    solve_pb(
        concentration=grid["concentration"][0], wall_potential=grid["wall_potential"][0], **fixed
    )
    client.run(_warm_bikerman)
    points = [(float(c), float(v)) for c in grid["concentration"] for v in grid["wall_potential"]]
    from ionscales.sweeps import _auto_chunk_size

    repeats = 1 if quick else REPEATS
    pool_runs = _pool_times(points, n_workers, _auto_chunk_size(n, n_workers), repeats)
    loops, sweeps_, pools = [], [], []

    def run_loop():
        loops.append(_timed_loop(solve_pb, grid, fixed))

    def run_sweep():
        sweeps_.append(_timed_sweep(client, solve_pb, grid, fixed, outputs))

    def run_pool():
        pools.append(next(pool_runs))

    # the three paths interleaved, ``repeats`` times, each round in a rotated order (no path
    # always runs first or right after another); the medians over the rounds count
    paths = [run_loop, run_sweep, run_pool]
    for k in range(repeats):
        for path in paths[k % 3 :] + paths[: k % 3]:
            path()
    pool_runs.close()
    t_loop = float(np.median([r[0] for r in loops]))
    t_sweep = float(np.median([r[0] for r in sweeps_]))
    t_pool = float(np.median(pools))
    cpu_loop = float(np.median([r[1] for r in loops]))
    loop = loops[0][2]
    diff = max(
        abs(float(run[1]["surface_charge"].sel(concentration=c, wall_potential=v)) - s)
        for run in sweeps_
        for (c, v), s in loop.items()
    )
    in_tasks = float(np.median([r[1].attrs["sweep_task_seconds"] for r in sweeps_]))
    cpu_tasks = float(np.median([r[1].attrs["sweep_task_cpu_seconds"] for r in sweeps_]))
    # worker time not spent inside the tasks (scheduling, transfer, result handling)
    overhead = (n_workers * t_sweep - in_tasks) / n
    ratio = t_loop / t_sweep
    failed = max(int(run[1].attrs["sweep_failed_points"]) for run in sweeps_)
    load = os.getloadavg()[0]
    rate_loop = cpu_loop / t_loop  # cores the loop actually got (<= 1)
    rate_sweep = cpu_tasks / t_sweep  # cores the workers spent in solves (<= n_workers)
    paired = [lp[0] / sw[0] for lp, sw in zip(loops, sweeps_)]  # same round
    per_run = ", ".join(f"{r:.2f}" for r in paired)
    best = min(r[0] for r in loops) / min(r[0] for r in sweeps_)
    ceiling = t_loop / t_pool
    host = (
        "; the bare pool itself is below the target in this run, so no scheduler could meet it here"
        if ceiling < 0.8 * n_workers
        else ""
    )
    return Row(
        workload,
        t_sweep,
        t_loop,
        target,
        ratio >= 0.8 * n_workers and failed == 0,
        f"wall speed-up {ratio:.3g}x (median times of {repeats} interleaved rounds; "
        f"round by round {per_run}; best of each path {best:.3g}x); a bare process pool on "
        f"the same chunks {ceiling:.3g}x (the machine's parallel ceiling for this "
        f"work; the sweep reaches {t_pool / t_sweep:.0%} of it{host}); CPU speed-up "
        f"{rate_sweep / rate_loop:.3g}x (CPU rate {rate_sweep:.3g} cores in the sweep vs "
        f"{rate_loop:.3g} in the loop); CPU per solve {cpu_loop / n * 1e3:.3g} ms loop / "
        f"{cpu_tasks / n * 1e3:.3g} ms worker (ratio {cpu_tasks / cpu_loop:.3g}); wall per "
        f"solve {t_loop / n * 1e3:.3g} ms loop / {in_tasks / n * 1e3:.3g} ms worker; per-task "
        f"overhead {overhead * 1e3:.3g} ms; load average {load:.2g} on {n_workers} cores; "
        f"cluster start {startup:.2g} s; failed {failed}; max |dsigma| {diff:.1e} C/m^2",
    )


def _dask_defaults_row(n_workers, quick) -> Row:
    """The same sweep on a ``LocalCluster`` with dask's default worker settings (what a user
    who starts a plain cluster gets; the worker profiler on), against the loop: three
    interleaved pairs, information only."""

    setup, why = _bikerman_setup(quick)
    workload = "sweep: same solves, plain LocalCluster (dask defaults)"
    if setup is None:
        return Row(workload, float("nan"), None, "info", True, f"NOT RUN ({why})")
    solve_pb, grid, fixed, outputs = setup
    cluster, client, _ = _cluster(n_workers, dask_defaults=True)
    try:
        client.run(_warm_bikerman)
        loops, sweeps_ = [], []
        for _ in range(1 if quick else 3):
            loops.append(_timed_loop(solve_pb, grid, fixed))
            sweeps_.append(_timed_sweep(client, solve_pb, grid, fixed, outputs))
    finally:
        client.close()
        cluster.close()
    t_loop, cpu_loop, _ = min(loops, key=lambda r: r[0])
    t_sweep, ds = min(sweeps_, key=lambda r: r[0])
    cpu_ratio = np.median(
        [sw[1].attrs["sweep_task_cpu_seconds"] / lp[1] for lp, sw in zip(loops, sweeps_)]
    )
    return Row(
        workload,
        t_sweep,
        t_loop,
        "info",
        True,
        f"wall speed-up {t_loop / t_sweep:.3g}x (best of {len(loops)} interleaved pairs); "
        f"CPU per solve on a worker over the loop's {cpu_ratio:.3g} (median; dask's "
        f"statistical profiler samples the running task every 10 ms, which "
        f"ionscales.sweeps.local_cluster turns off)",
    )


def _noop_row(client, quick) -> Row:
    import ionscales

    n = 100 if quick else 400
    grid = {"a": np.arange(n // 20), "b": np.arange(20.0)}
    t_sweep = best_time(
        lambda: ionscales.sweep(_noop, grid=grid, scheduler=client, progress=False),
        repeat=1 if quick else 2,
    )
    t_loop = best_time(lambda: [_noop(a, b) for a in grid["a"] for b in grid["b"]], repeat=3)
    per_task = t_sweep / n
    return Row(
        f"sweep: {n} no-op points on the local cluster (overhead)",
        t_sweep,
        t_loop,
        "< 20 ms per task",
        per_task < 0.02,
        f"{per_task * 1e3:.3g} ms per task",
    )


def _vectorised_row(quick) -> Row:
    import ionscales
    from ionscales import presets, theory
    from ionscales.units import M

    n = 200 if quick else 2000
    salts = {k: presets.get(k) for k in ("NaCl(aq)", "KCl(aq)", "LiCl(aq)", "CaCl2(aq)")}
    c = np.geomspace(1e-3, 1.0, n) * M

    def ours():
        return ionscales.sweep(
            "theory.screening",
            grid={"concentration": c, "electrolyte": salts},
            fixed={"model": "debye"},
            outputs=["decay_length"],
            scheduler="synchronous",
            progress=False,
        )

    def baseline():
        return [theory.screening(e, float(ci), "debye") for e in salts.values() for ci in c]

    t_ours = best_time(ours, repeat=3)
    t_base = best_time(baseline, repeat=1)
    ratio = t_base / t_ours
    return Row(
        f"sweep: Debye screening {n} c x 4 salts, chunked vs per-point",
        t_ours,
        t_base,
        ">= 20x",
        ratio >= 20,
        "one call per salt instead of one per point",
    )


def run(quick: bool = False) -> list[Row]:
    n_workers = os.cpu_count() or 1
    rows = [_vectorised_row(quick)]
    cluster, client, startup = _cluster(n_workers)
    try:
        rows.append(_noop_row(client, quick))
        rows.append(_bikerman_row(client, n_workers, startup, quick))
    finally:
        client.close()
        cluster.close()
    rows.append(_dask_defaults_row(n_workers, quick))
    return rows
