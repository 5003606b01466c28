"""One place that builds the analysis layer's labelled Datasets (wraps :mod:`ionscales.results`).

Every result records where it came from: the number of frames used, their indices (first,
last, stride when regular), the selections and the temperature, so a netCDF file written
from it can be traced back to the trajectory.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import numpy as np
import xarray as xr

from ionscales.results import make_dataset

__all__ = ["analysis_dataset", "trajectory_attrs"]


def trajectory_attrs(traj, frames: np.ndarray) -> dict[str, Any]:
    """netCDF-safe provenance attrs of a result computed on ``frames`` of ``traj``."""
    frames = np.asarray(frames, dtype=np.int64)
    out: dict[str, Any] = {
        "n_frames_used": int(frames.size),
        "first_frame": int(frames[0]),
        "last_frame": int(frames[-1]),
        "trajectory_frames": int(traj.n_frames),
        "selections": "; ".join(f"{k}: {v}" for k, v in traj._selections.items()),
        "temperature_K": "none" if traj.temperature is None else float(traj.temperature),
    }
    steps = np.diff(frames)
    if steps.size and np.all(steps == steps[0]):
        out["frame_stride"] = int(steps[0])
    return out


def analysis_dataset(
    data_vars: Mapping[str, Any],
    coords: Mapping[str, Any] | None = None,
    *,
    traj=None,
    frames=None,
    function: str,
    parameters: Mapping[str, Any] | None = None,
    references=(),
    attrs: Mapping[str, Any] | None = None,
) -> xr.Dataset:
    """Labelled Dataset for an analysis function (units/long names from the vocabulary).

    Parameters
    ----------
    data_vars, coords :
        As :func:`ionscales.results.make_dataset`.
    traj : Trajectory, optional
        Source trajectory (its provenance goes into the attrs).
    frames : ndarray of int, optional
        Frames used (default all frames of ``traj``).
    function : str
        Name of the public analysis function (recorded as ``attrs["model"]``).
    parameters, references, attrs :
        Settings, DOIs and extra attributes.
    """
    all_attrs: dict[str, Any] = {}
    if traj is not None:
        all_attrs.update(trajectory_attrs(traj, traj.frames(None) if frames is None else frames))
    if attrs:
        all_attrs.update(attrs)
    return make_dataset(
        data_vars,
        coords,
        attrs=all_attrs,
        model=f"analysis.{function}",
        parameters=parameters,
        references=tuple(references),
    )
