"""Calibrated transport-chain parameters (:class:`~ionscales.theory.transport.TransportModel`).

Every entry is **calibrated**: fitted with :func:`ionscales.fitting.fit_transport` to the
data named in its ``source`` (which data, which fit, the rms deviations per property). They
are not measurements of the parameters themselves: the radii, K_A and viscosity
coefficients absorb what the chain (pairing + Debye–Hückel + Stokes–Einstein + DHO)
misses.

``lipf6_ec_emc()`` builds the LiPF6 in EC:EMC 3:7 (w:w) electrolyte the calibration uses
until the preset of that name exists in :mod:`ionscales.presets`; its solvent numbers are
approximate literature values (see the function).
"""

from __future__ import annotations

from ionscales.dielectric import PolynomialPermittivity
from ionscales.electrolyte import Electrolyte, Ion, Solvent

__all__ = [
    "CALIBRATED",
    "DEVIATIONS",
    "CALIBRATION_GRID",
    "calibrated",
    "lipf6_ec_emc",
    "LIPF6_EC_EMC",
]

LIPF6_EC_EMC = "LiPF6 in EC:EMC 3:7"


def lipf6_ec_emc() -> Electrolyte:
    """LiPF6 in EC:EMC 3:7 (w:w) at 298.15 K for the transport chain.

    Solvent: density 1087 kg/m^3 (ideal mixing of EC 1321 and EMC 1007 kg/m^3 at 3:7 w:w),
    molar mass 0.0987 kg/mol (mole average of EC 88.06 and EMC 104.10 g/mol), viscosity
    0.9 mPa s at 25 C (approximate, literature 0.8–1.0), eps_r(T) = 18.5 - 0.045 (t - 25 C)
    (approximate: EC:EMC 3:7 is reported near 18–20 at 25 C; the slope follows EC's
    d ln eps/dT ~ -0.4 %/K). The eps_r, viscosity and ion sizes only enter the calibrated
    chain together with fitted parameters. Ions: Li+ (0.006941 kg/mol), PF6- (0.144964
    kg/mol), crystallographic-scale diameters 0.18 and 0.51 nm.
    """
    eps = PolynomialPermittivity(
        coefficients=(18.5 + 0.045 * 25.0, -0.045),
        t_min=253.15,
        t_max=333.15,
        accuracy=0.1,
        source="EC:EMC 3:7 w:w, approximate (18-20 at 25 C reported), linear slope from EC",
    )
    solvent = Solvent(
        "EC:EMC 3:7 (w:w)",
        temperature=298.15,
        density=1087.0,
        molar_mass=0.0987,
        viscosity=0.9e-3,
        permittivity_model=eps,
    )
    li = Ion("Li+", 1, 0.18e-9, molar_mass=0.006941)
    pf6 = Ion("PF6-", -1, 0.51e-9, molar_mass=0.144964)
    return Electrolyte(li, pf6, solvent, name=LIPF6_EC_EMC)


#: name -> dict of TransportModel fields (``viscosity_<field>`` for the viscosity law) and a
#: ``source`` string; filled by the calibration in tests/test_fit_transport.py's procedure.
CALIBRATED: dict[str, dict] = {
    LIPF6_EC_EMC: {
        # calibrated: fit_transport(landesfeind2019(c, T)[["conductivity"]], ...) on
        # c = 100, 250, 500, 750, ..., 2000 mol/m^3 x T = 263.15, 273.15, 283.15, 298.15,
        # 313.15, 323.15 K; varied association_constant and the viscosity law (B, Jones–Dole
        # B, D); Stokes radii fixed at 0.60 / 0.25 nm (dilute t+ = 0.29), start K_A 5 L/mol
        "cation_radius": 0.6e-9,
        "anion_radius": 0.25e-9,
        "association_constant": 0.0566188523260408,
        "density_slope": 0.1,
        "viscosity_solvent_viscosity": 2.4194389377365826e-06,
        "viscosity_pseudo_activation": 1764.7078388600512,
        "viscosity_b": -0.00027136515497717186,
        "viscosity_d": 1.3263566825990542e-06,
        "viscosity_source": "calibrated (eta(25 C, c -> 0) held at 0.9 mPa s)",
        "source": "calibrated: fit_transport on Landesfeind & Gasteiger 2019 conductivity (PyBaMM "
        "ORegan2022 correlations, 9 c x 6 T, 0.1-2 M, 263-323 K); varied K_A, viscosity B, Jones–Dole "
        "B and D. rms relative deviation on that grid: conductivity 0.123, salt_diffusivity 0.78, "
        "thermodynamic_factor (molar) 0.68; transference_number 0.31 absolute (D, t+, TDF not fitted: "
        "qualitatively wrong, see README)",
    },
}

#: rms deviations of the calibrated chains on their calibration grid (all four properties;
#: only ``conductivity`` was fitted): relative, absolute for ``transference_number``
DEVIATIONS = {
    LIPF6_EC_EMC: {
        "conductivity": 0.1229,
        "salt_diffusivity": 0.7834,
        "transference_number": 0.3115,
        "thermodynamic_factor": 0.6821,
    },
}

#: the calibration grid of each entry: (concentrations [mol/m^3], temperatures [K])
CALIBRATION_GRID = {
    LIPF6_EC_EMC: (
        (100.0, 250.0, 500.0, 750.0, 1000.0, 1250.0, 1500.0, 1750.0, 2000.0),
        (263.15, 273.15, 283.15, 298.15, 313.15, 323.15),
    ),
}


def calibrated(name: str, electrolyte: Electrolyte):
    """The calibrated TransportModel of ``electrolyte`` (by ``name``), or None."""
    entry = CALIBRATED.get(name)
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
