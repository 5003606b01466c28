"""Bridges from the aggregation state to the other layers: the "cluster" screening model.

The transport bridge is :meth:`AggregationModel.effective_carriers` (consumed by
:mod:`ionscales.theory.transport`); the screening bridge is :func:`cluster_screening_model`,
registered in the screening ladder as model "cluster".
"""

from __future__ import annotations

import dataclasses
import math

import numpy as np

from ionscales.constants import avogadro
from ionscales.electrolyte import Electrolyte, bjerrum_length
from ionscales.errors import ParameterError
from ionscales.theory.aggregation.models import REFERENCES, AggregationModel, SaltInIonicLiquid
from ionscales.theory.aggregation.sums import (
    DEFAULT_SIZE_LIMIT,
    DEFAULT_TOLERANCE,
    converged_cluster_sums,
)
from ionscales.validation import check_integer

__all__ = ["cluster_screening_model"]


def cluster_screening_model(
    electrolyte: Electrolyte,
    concentration,
    *,
    aggregation=None,
    max_size: int = 60,
    temperature=None,
    tolerance: float = DEFAULT_TOLERANCE,
    size_limit: int = DEFAULT_SIZE_LIMIT,
):
    """Screening model "cluster": Debye length of the effective carriers.

    kappa^2 = 4 pi l_B N_A sum_carriers c_c z_c^2 over free ions and charged sol clusters
    (c_c [mol/m^3], z_c = l z+ + m z-). The gel is excluded: it is a macroscopic immobile
    network whose charge does not screen as a point carrier (stated rule). A single
    monotonic mode k = i kappa.

    Parameters
    ----------
    electrolyte : Electrolyte
    concentration : ndarray
        Salt molarity [mol/m^3], 1-D.
    aggregation : aggregation model, optional
        Default: ``from_preset(electrolyte.name)`` when the preset has parameters.
    max_size : int
        Starting largest l and m of the cluster sum (default 60), doubled per state point
        until the ion fraction beyond it and the carrier ionic strength converge to
        ``tolerance``.
    temperature : float, optional
        [K] (default: the electrolyte's temperature for the Bjerrum length; the model's
        association at its own reference temperature).
    tolerance : float
        Relative tolerance of the cluster sums (default 1e-6).
    size_limit : int
        Largest size tried (default 2048): ConvergenceWarning where the tolerance is not met
        (at or very near the gel point).

    Notes
    -----
    Valid where the carriers are dilute enough for Debye–Hückel screening by point
    carriers; near the gel point the cluster sums converge slowly and large charged sol
    clusters dominate the ionic strength.
    """
    from ionscales import presets
    from ionscales.theory.ladder import ScreeningModes

    if aggregation is None:
        if electrolyte.name in presets.AGGREGATION_PARAMETERS:
            aggregation = AggregationModel.from_preset(electrolyte.name)
        else:
            raise ParameterError(
                "aggregation",
                f"model 'cluster' needs an aggregation model for "
                f"{electrolyte.name!r}: pass aggregation=Aggregation(...) or "
                f"SolvatedAggregation(...) (presets with parameters: "
                f"{', '.join(presets.AGGREGATION_PARAMETERS)})",
            )
    if not isinstance(aggregation, AggregationModel):
        raise ParameterError(
            "aggregation",
            "must be an Aggregation, SolvatedAggregation or SaltInIonicLiquid",
            aggregation,
        )
    if isinstance(aggregation, SaltInIonicLiquid):
        raise ParameterError(
            "aggregation",
            "SaltInIonicLiquid has no salt-molarity state; use "
            "effective_carriers with salt_fraction",
        )
    max_size = check_integer("max_size", max_size, minimum=1)
    model = aggregation
    if model.site_volume is None and model.electrolyte is None:
        model = dataclasses.replace(model, electrolyte=electrolyte)
    c = np.atleast_1d(np.asarray(concentration, float))
    st = model.state(concentration=c, temperature=temperature)
    z_c, z_a = float(electrolyte.cation.charge), float(electrolyte.anion.charge)
    sums = converged_cluster_sums(
        st,
        {"strength": lambda l, m: (l * z_c + m * z_a) ** 2},
        start=max_size,
        tolerance=tolerance,
        size_limit=size_limit,
    )
    sums.warn_if_unconverged("screening model 'cluster'")
    strength = st.composition.molar(sums.sums["strength"])  # sum c z^2 [mol/m^3]
    # the solvent's eps_r(T) at the requested temperature, not the preset's stored value
    at_t = electrolyte if temperature is None else electrolyte.with_(temperature=float(temperature))
    lb = bjerrum_length(at_t.permittivity, at_t.temperature)
    kappa = np.sqrt(4 * math.pi * lb * avogadro * strength)
    valid = kappa > 0
    return ScreeningModes(
        poles=(1j * np.where(valid, kappa, np.nan))[:, None],
        residual=np.zeros((c.size, 1)),
        valid=valid,
        extra={
            "free_fraction": st.free_cation_fraction,
            "free_anion_fraction": (st.free_anion_fraction, "1", "fraction of free anions"),
            "gel_fraction_cation": (1 - st.sol_cation, "1", "fraction of cations in the gel"),
            "carrier_ionic_strength": (
                0.5 * strength,
                "mol/m^3",
                "ionic strength of the effective carriers (free ions and sol clusters)",
            ),
            "cluster_sum_size": (
                sums.size.astype(float),
                "1",
                "largest cluster size of the converged carrier sum",
            ),
        },
        parameters={
            "aggregation": model.describe(),
            "max_size": max_size,
            **sums.attrs(),
            "rule": "kappa^2 = 4 pi l_B N_A sum c_c z_c^2 over free ions and charged sol clusters; gel excluded",
        },
        references=REFERENCES,
    )
