"""Functions swept by tests/test_sweeps.py (importable by dask workers and subprocesses).

``counted_point`` appends one line per call to the file ``log`` so a test can count the
calls across processes; the environment variable ``IONSCALES_TEST_DIE_AFTER=N`` makes the
process die hard (``os._exit``) on call N + 1, as if it were killed.
"""

from __future__ import annotations

import math
import os

import numpy as np
import xarray as xr

from ionscales.results import make_dataset


def counted_point(a, b, log):
    """A smooth function of (a, b) with a failing point at a == 2, b == 1."""
    with open(log, "a") as f:
        f.write(f"{a} {b}\n")
    done = sum(1 for _ in open(log))
    die_after = os.environ.get("IONSCALES_TEST_DIE_AFTER")
    if die_after is not None and done > int(die_after):
        os._exit(17)
    if a == 2 and b == 1:
        raise ValueError("no solution at a=2, b=1")
    return {"sum": a + b, "product": a * b}


#: set by a test: interrupt_after raises KeyboardInterrupt once this many calls are logged
INTERRUPT_AFTER: int | None = None


def interrupt_after(a, b, log):
    """Like counted_point, but raises KeyboardInterrupt (Ctrl-C) after INTERRUPT_AFTER calls."""
    with open(log, "a") as f:
        f.write(f"{a} {b}\n")
    done = sum(1 for _ in open(log))
    if INTERRUPT_AFTER is not None and done > INTERRUPT_AFTER:
        raise KeyboardInterrupt
    return {"sum": a + b, "product": a * b}


def profile(decay, amplitude, fail_below=0.0):
    """A labelled Dataset: exp(-x/decay) on a fixed x grid, plus scalar integrals."""
    if decay < fail_below:
        raise ArithmeticError(f"decay {decay} below {fail_below}")
    x = np.linspace(0.0, 5e-9, 11)
    y = amplitude * np.exp(-x / decay)
    return make_dataset(
        {
            "potential": ("x", y, "V", "potential"),
            "integral": ((), amplitude * decay * (1 - math.exp(-x[-1] / decay)), "V m", "integral"),
        },
        {"x": x},
        model="toy-profile",
        parameters={"decay": decay, "amplitude": amplitude},
        attrs={"converged": 1, "iterations": 3},
    )


def vector_sum(a, b):
    """Broadcasts over ``a``; raises if any a is negative (to test per-point fallback)."""
    a = np.asarray(a, dtype=float)
    if np.any(a < 0):
        raise ValueError("a must be >= 0")
    return xr.Dataset(
        {"total": ("a", a + b, {"units": "m", "long_name": "a + b"})}, coords={"a": a}
    )


class Solved:
    """A solver result object that is not a Dataset but has ``to_dataset()``."""

    def __init__(self, value):
        self.value = value

    def to_dataset(self):
        return make_dataset({"energy": ((), self.value, "J", "energy")}, attrs={"converged": 1})


def solve_object(value):
    return Solved(2.0 * value)


def crash_point(a, crash_at, log=None):
    """a**2, but the worker process dies of a segmentation fault at ``a == crash_at``."""
    if log is not None:
        with open(log, "a") as f:
            f.write(f"{a}\n")
    if a == crash_at:
        import signal

        os.kill(os.getpid(), signal.SIGSEGV)
        os._exit(139)  # if SIGSEGV is caught or ignored
    return {"square": float(a) ** 2}


def attrs_point(a, log):
    """A Dataset whose attrs say which point produced it (``origin``)."""
    with open(log, "a") as f:
        f.write(f"{a}\n")
    return make_dataset(
        {"double": ((), 2.0 * a, "m", "twice a")}, model="toy-attrs", attrs={"origin": float(a)}
    )


def worker_settings(a):
    """What the worker running this point was set up with: its statistical profiler on (1.0)
    or off (0.0), its thread count and its event-loop tick interval [ms] (NaN when not on a
    dask worker)."""
    from distributed import get_worker

    try:
        worker = get_worker()
    except ValueError:
        return {"profiler": math.nan, "threads": math.nan, "tick_ms": math.nan}
    return {
        "profiler": float("profile" in worker.periodic_callbacks),
        "threads": float(worker.state.nthreads),
        "tick_ms": float(worker.periodic_callbacks["tick"].callback_time),
    }
