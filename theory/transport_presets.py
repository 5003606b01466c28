"""Calibrated transport-chain parameters (:class:`~ionscales.theory.transport.TransportModel`).

Two tables: :data:`CALIBRATED` (the pairing chain) and :data:`CALIBRATED_AGGREGATION`
(the Flory–Stockmayer cluster carriers, ``carriers="aggregation"``). Every entry is
**calibrated**: fitted with :func:`ionscales.fitting.fit_transport` to the
data named in its ``source`` (which data, which fit, the rms deviations per property). They
are not measurements of the parameters themselves: the radii, K_A and viscosity
coefficients absorb what the chain (pairing + Debye–Hückel + Stokes–Einstein + DHO)
misses.

``lipf6_ec_emc()`` is the "LiPF6 in EC:EMC 3:7" preset with an eps_r(T) law (the
calibration spans 263–323 K); the calibrated parameters apply to any electrolyte of that
name (the plain preset keeps one eps_r and warns away from 25 C).
"""

from __future__ import annotations

from ionscales.dielectric import PolynomialPermittivity
from ionscales.electrolyte import Electrolyte

__all__ = [
    "CALIBRATED_AGGREGATION",
    "DEVIATIONS_AGGREGATION",
    "CALIBRATED",
    "DEVIATIONS",
    "CALIBRATION_GRID",
    "calibrated",
    "lipf6_ec_emc",
    "LIPF6_EC_EMC",
]

LIPF6_EC_EMC = "LiPF6 in EC:EMC 3:7"


def lipf6_ec_emc() -> Electrolyte:
    """The "LiPF6 in EC:EMC 3:7" preset with a temperature-dependent eps_r(T).

    The preset (:func:`ionscales.presets.lipf6_ec_emc_3_7`: sourced/estimated density,
    viscosity, eps_r at 25 C) has one eps_r and no temperature law; the calibration spans
    263–323 K, so its solvent gets ``eps_r(T) = eps_25 + phi_EC (d eps_EC/dT) (T - 298.15 K)``:
    the temperature derivative of the preset's own mixing rule (volume-fraction average),
    with EC's measured slope -0.3761 K^-1 (CRC Handbook fit, 313-343 K,
    :data:`ionscales.dielectric.EC_CRC`) and EMC's slope taken as 0 (no data; EMC gives
    ~9 % of eps_r), anchored at the preset's 25 C value: -0.0926 K^-1, -0.38 %/K. The
    blend's eps_r itself is an estimate (~20 %). At 298.15 K it is the preset.
    """
    from dataclasses import replace

    from ionscales import presets
    from ionscales.dielectric import EC_CRC

    base = presets.get(LIPF6_EC_EMC)
    eps25 = float(base.permittivity)
    comp, w = presets.EC_EMC_COMPONENTS, presets.EC_EMC_MASS_FRACTIONS
    vols = {k: w[k] / comp[k]["density"] for k in comp}
    phi_ec = vols["ethylene carbonate"] / sum(vols.values())
    slope = phi_ec * EC_CRC.coefficients[1]  # d eps/dT [1/K]; EC's CRC fit is linear in T
    eps = PolynomialPermittivity(
        coefficients=(eps25 - 25.0 * slope, slope),
        t_min=253.15,
        t_max=333.15,
        accuracy=0.2,
        source="EC:EMC 3:7 w:w: the preset's eps_r at 25 C with the volume-fraction rule's slope "
        "phi_EC d eps_EC/dT (EC: CRC Handbook fit; EMC slope 0, no data) [estimate]",
    )
    solvent = replace(base.solvent, permittivity=None, permittivity_model=eps)
    return Electrolyte(
        ions=base.ions,
        stoichiometry=base.stoichiometry,
        solvent=solvent,
        name=base.name,
        references=base.references,
        notes=base.notes,
        density_model=base.density_model,
    )


#: name -> dict of TransportModel fields (``viscosity_<field>`` for the viscosity law) and a
#: ``source`` string; filled by the calibration in tests/test_fit_transport.py's procedure.
CALIBRATED: dict[str, dict] = {
    LIPF6_EC_EMC: {
        # calibrated: fit_transport(landesfeind2019(c, T)[["conductivity"]], ...) on
        # c = 100, 250, 500, 750, ..., 2000 mol/m^3 x T = 263.15, 273.15, 283.15, 298.15,
        # 313.15, 323.15 K with lipf6_ec_emc(); varied association_constant and the viscosity
        # law (B, Jones–Dole B, D); Stokes radii fixed at 0.60 / 0.25 nm (dilute t+ = 0.29),
        # eta(25 C, c -> 0) held at the preset's 0.93 mPa s; start K_A 5 L/mol
        "cation_radius": 0.6e-9,
        "anion_radius": 0.25e-9,
        "association_constant": 0.038859736984444004,
        "density_slope": 0.1,
        "viscosity_solvent_viscosity": 3.0237110190947137e-06,
        "viscosity_pseudo_activation": 1708.751993859632,
        "viscosity_b": -0.00040295445886858784,
        "viscosity_d": 1.0321124068906985e-06,
        "viscosity_source": "calibrated (eta(25 C, c -> 0) held at the preset's solvent viscosity)",
        "source": "calibrated: fit_transport on Landesfeind & Gasteiger 2019 conductivity (PyBaMM "
        "ORegan2022 correlations, 9 c x 6 T, 0.1-2 M, 263-323 K); varied K_A, viscosity B, Jones–Dole "
        "B and D. rms relative deviation on that grid: conductivity 0.117, salt_diffusivity 0.43, "
        "thermodynamic_factor (molar) 0.64; transference_number 0.32 absolute (D, t+, TDF not fitted: "
        "qualitatively wrong, see README)",
    },
}

#: rms deviations of the calibrated chains on their calibration grid (all four properties;
#: only ``conductivity`` was fitted): relative, absolute for ``transference_number``
DEVIATIONS = {
    LIPF6_EC_EMC: {
        "conductivity": 0.1166,
        "salt_diffusivity": 0.4311,
        "transference_number": 0.3175,
        "thermodynamic_factor": 0.6397,
    },
}

#: name -> TransportModel fields of the calibrated *aggregation* chain
#: (``carriers="aggregation"``: Flory–Stockmayer clusters with f+ = 4, f- = 2), used by
#: ``transport.properties(electrolyte, c, T, carriers="aggregation")``
CALIBRATED_AGGREGATION: dict[str, dict] = {
    LIPF6_EC_EMC: {
        # calibrated: fit_transport(landesfeind2019(c, T)[["conductivity", "salt_diffusivity",
        # "transference_number"]], start, vary=[association_constant, association_enthalpy,
        # cation_radius, anion_radius, viscosity_pseudo_activation, viscosity_b, viscosity_d],
        # relative_error={conductivity: 0.05, salt_diffusivity: 0.10, transference_number:
        # 0.05 absolute}) on CALIBRATION_GRID with start = the pairing entry below turned
        # into carriers="aggregation", f_cation=4, f_anion=2 (Li+ tetrahedral: 4 sites; PF6-
        # bridging two Li+: 2 sites; of the site pairs tried, (2,1) (3,1) (4,1) (3,2) (4,2)
        # (6,2), (4,2) gave the lowest sum of squares; (4,3) crossed the gel point).
        # 1-sigma errors: K_pair 41.4 +- 1.9 L/mol, dH -8.9 +- 1.0 kJ/mol, r+ 0.443 +- 0.026 nm,
        # r- 0.243 +- 0.012 nm, B 1277 +- 76 K, Jones–Dole B -0.33 +- 0.13 L/mol,
        # D 0.84 +- 0.06 (L/mol)^2
        "carriers": "aggregation",
        "f_cation": 4,
        "f_anion": 2,
        "cation_radius": 4.426170335847404e-10,
        "anion_radius": 2.4345669338074103e-10,
        "association_constant": 0.04143280390068449,
        "association_enthalpy": -8853.444134791345,
        "density_slope": 0.1,
        "viscosity_solvent_viscosity": 1.2886351961632787e-05,
        "viscosity_pseudo_activation": 1276.5287472584707,
        "viscosity_b": -0.0003256765967341293,
        "viscosity_d": 8.349941417155885e-07,
        "viscosity_source": "calibrated (eta(25 C, c -> 0) held at the preset's solvent viscosity)",
        "source": "calibrated: fit_transport on Landesfeind & Gasteiger 2019 conductivity, salt "
        "diffusivity and transference number (PyBaMM ORegan2022 correlations, 9 c x 6 T, 0.1-2 M, "
        "263-323 K), aggregation carriers f+ = 4, f- = 2; varied K_pair, dH, r+, r-, viscosity B, "
        "Jones–Dole B and D (refit with the preset's mixing-rule eps_r(T)). rms deviation on "
        "that grid: conductivity 0.116, salt_diffusivity 0.196 (relative), transference_number 0.149 (absolute; falls with c like the data), "
        "thermodynamic_factor (molar, not fitted) 0.75: qualitatively wrong (< 1, falling; data "
        "rise to 3.9), see README",
    },
}

#: rms deviations of the calibrated aggregation chains on their calibration grid
#: (relative; absolute for ``transference_number``; TDF not fitted)
DEVIATIONS_AGGREGATION = {
    LIPF6_EC_EMC: {
        "conductivity": 0.1156,
        "salt_diffusivity": 0.1962,
        "transference_number": 0.1493,
        "thermodynamic_factor": 0.7490,
    },
}

#: the calibration grid of each entry: (concentrations [mol/m^3], temperatures [K])
CALIBRATION_GRID = {
    LIPF6_EC_EMC: (
        (100.0, 250.0, 500.0, 750.0, 1000.0, 1250.0, 1500.0, 1750.0, 2000.0),
        (263.15, 273.15, 283.15, 298.15, 313.15, 323.15),
    ),
}


def calibrated(name: str, electrolyte: Electrolyte, carriers: str = "pairing"):
    """The calibrated TransportModel of ``electrolyte`` (by ``name``) for the carrier model
    ``carriers`` ("pairing" or "aggregation"), or None."""
    table = CALIBRATED_AGGREGATION if carriers == "aggregation" else CALIBRATED
    entry = table.get(name)
    if entry is None:
        return None
    from ionscales.theory.transport_properties import TransportModel, ViscosityLaw

    fields = dict(entry)
    visc = {
        k[len("viscosity_") :]: fields.pop(k) for k in list(fields) if k.startswith("viscosity_")
    }
    if visc:
        fields["viscosity"] = ViscosityLaw(**visc)
    return TransportModel(electrolyte, **fields)
