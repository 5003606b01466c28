"""Ion aggregation and gelation: Flory–Stockmayer theory of ion clusters and networks.

Cations carry ``f_cation`` association sites and anions ``f_anion``; a site of a cation can
bond to a site of an anion (and, in :class:`SolvatedAggregation`, to a solvent molecule of
functionality 1). Cation–cation and anion–anion bonds are forbidden, so finite clusters are
bipartite Cayley trees; percolation of the tree is the gel. The theory is that of
McEldrew, Goodwin, Bi, Bazant & Kornyshev (JCP 2020; JES 2021) built on Flory (1941) and
Stockmayer (1943, 1944).

Three models share one interface (:meth:`solve`, :meth:`gel_point`,
:meth:`effective_carriers`, :meth:`free_fractions`):

* :class:`Aggregation` — cations and anions only (ionic liquids; salts whose solvent does
  not compete for the ions; the solvent, if any, only fills lattice sites);
* :class:`SolvatedAggregation` — cation–anion association competing with cation–solvent
  association (water-in-salt and carbonate electrolytes), with the general three-species
  mass-action solution and the sticky-cation limit ``solvent_association=inf`` (every
  cation site is occupied by an anion or a solvent molecule);
* :class:`SaltInIonicLiquid` — an alkali salt in an ionic liquid sharing the anion, the IL
  cation inert.

Lattice conventions
-------------------
The lattice site volume ``v0`` [m^3] is the solution volume over the number of lattice
sites (McEldrew et al. 2021: box volume / Omega); by default it is evaluated at each state
point from the electrolyte's molality <-> molarity conversion (density data), or fixed
with ``site_volume=``. Species ``i`` occupies ``xi_i`` sites, the lattice is incompressible
(``sum phi_i = 1``). ``c_i = phi_i / xi_i`` is the number of molecules per site and
``psi_i = f_i c_i`` the number of association sites per site. The association constant
``association`` (Lambda) is dimensionless, per lattice site and per pair of association
sites. Two molar constants follow from it and are named explicitly:
the site (bond) constant K_site = N_A v0 Lambda and the ion-pair constant
K_pair = c_11 / (c_10 c_01) = N_A v0 f+ f- Lambda (what conductance measures);
:func:`lattice_association` and :func:`molar_association` (``kind="site"`` or ``"pair"``)
convert, and multiplying a value in L/mol by ``ionscales.units.L`` gives m^3/mol.

Layout (kernels -> models -> bridges):

* :mod:`.kernels` — pure, vectorised functions (Stockmayer weights, probabilities, gel
  criterion, sol fractions, distribution, sizes, constant conversions);
* :mod:`.state` — the typed, frozen :class:`Composition` and :class:`AggregationState`;
* :mod:`.sums` — cluster sums grown until converged (no silent truncation);
* :mod:`.models` — :class:`AggregationModel` and the three models (frozen dataclasses);
* :mod:`.bridges` — the "cluster" screening model; the transport bridge is
  :meth:`AggregationModel.effective_carriers`.

Preset parameters live in :data:`ionscales.presets.AGGREGATION_PARAMETERS`.

References
----------
M. McEldrew, Z.A.H. Goodwin, S. Bi, M.Z. Bazant, A.A. Kornyshev, J. Chem. Phys. 152,
234506 (2020), doi:10.1063/5.0006197.
M. McEldrew, Z.A.H. Goodwin, S. Bi, A.A. Kornyshev, M.Z. Bazant, J. Electrochem. Soc. 168,
050514 (2021), doi:10.1149/1945-7111/abf975.
M. McEldrew, Z.A.H. Goodwin, N. Molinari, B. Kozinsky, A.A. Kornyshev, M.Z. Bazant,
J. Phys. Chem. B 125, 13752 (2021), doi:10.1021/acs.jpcb.1c05546.
P.J. Flory, J. Am. Chem. Soc. 63, 3083 (1941), doi:10.1021/ja01856a061.
W.H. Stockmayer, J. Chem. Phys. 11, 45 (1943); J. Chem. Phys. 12, 125 (1944).
"""

from __future__ import annotations

from ionscales.theory.aggregation.bridges import cluster_screening_model
from ionscales.theory.aggregation.kernels import (
    binary_probabilities,
    cluster_distribution,
    gel_parameter,
    lattice_association,
    mobility_weighted_charge,
    molar_association,
    pair_to_site_constant,
    site_to_pair_constant,
    sol_fractions,
    solvated_probabilities,
    sticky_probabilities,
    stockmayer_log_weight,
    stokes_einstein,
    weight_average_size,
)
from ionscales.theory.aggregation.models import (
    CHECK_TOLERANCE,
    MODELS,
    REFERENCES,
    SIIL_REFERENCE,
    Aggregation,
    AggregationModel,
    SaltInIonicLiquid,
    SolvatedAggregation,
)
from ionscales.theory.aggregation.state import AggregationState, Composition
from ionscales.theory.aggregation.sums import (
    ClusterSums,
    converged_cluster_sums,
    separable_cluster_sums,
)

__all__ = [
    "Aggregation",
    "SolvatedAggregation",
    "SaltInIonicLiquid",
    "AggregationModel",
    "AggregationState",
    "Composition",
    "ClusterSums",
    "converged_cluster_sums",
    "separable_cluster_sums",
    "stockmayer_log_weight",
    "binary_probabilities",
    "solvated_probabilities",
    "sticky_probabilities",
    "gel_parameter",
    "sol_fractions",
    "cluster_distribution",
    "weight_average_size",
    "lattice_association",
    "molar_association",
    "site_to_pair_constant",
    "pair_to_site_constant",
    "mobility_weighted_charge",
    "stokes_einstein",
    "cluster_screening_model",
    "PRESET_PARAMETERS",
    "MODELS",
    "REFERENCES",
    "SIIL_REFERENCE",
    "CHECK_TOLERANCE",
]


def __getattr__(name):
    # the preset table lives with the other presets; kept here with model classes (API)
    if name == "PRESET_PARAMETERS":
        from ionscales import presets

        return {
            k: {**v, "model": MODELS[v["model"]]} for k, v in presets.AGGREGATION_PARAMETERS.items()
        }
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
