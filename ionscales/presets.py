"""Named electrolytes with sourced parameter values.

``presets.get(name)`` returns an :class:`~ionscales.electrolyte.Electrolyte`;
``presets.names()`` lists them. Unknown names raise ``ParameterError`` with close-match
suggestions. Each preset's ``references`` and ``notes`` say where its numbers come from
and how sure they are. Primitive-model diameters are model parameters (contact
distances), not crystal radii: fit them (``fitting.fit_activity``) for quantitative work.
"""

from __future__ import annotations

from ionscales import dielectric
from ionscales.density import pitzer_volume, tabulated_density
from ionscales.electrolyte import Electrolyte, Ion, Solvent
from ionscales.errors import ParameterError
from ionscales.units import nm
from ionscales.validation import suggest

__all__ = [
    "names",
    "get",
    "register",
    "WATER",
    "DENSITY_DATA_MISSING",
    "lipf6_ec_emc_3_7",
    "LITFSI_MD_LATTICE",
]

_CRC_D = (
    "Infinite-dilution diffusivities at 25 C: CRC Handbook of Chemistry and Physics, "
    "'Ionic conductivity and diffusion at infinite dilution' (Li+ 1.029, Na+ 1.334, K+ 1.957, "
    "Ca2+ 0.792, Cl- 2.032 in 1e-9 m^2/s)"
)
_WATER_REF = (
    "Water: eps_r(T) of Malmberg & Maryott, J. Res. Natl. Bur. Stand. 56, 1 (1956), Research Paper "
    "2641 (78.30 at 25 C, 55.72 at 100 C; 0..100 C), density 997.05 kg/m^3 and viscosity "
    "0.890 mPa s at 25 C (CRC Handbook)"
)
_DENSITY_REF = (
    "Solution densities: Pitzer volumetric parameters of May, Rowland, Hefter & Koenigsberger, "
    "J. Chem. Eng. Data 56, 5066 (2011), doi:10.1021/je2009329 (25 C); see ionscales/data/PROVENANCE.md"
)

#: Liquid water at 25 C; eps_r follows the Malmberg–Maryott fit at other temperatures
#: (``WATER.at_temperature(T)``; density and viscosity are the 25 C values).
WATER = Solvent(
    "water",
    temperature=298.15,
    density=997.05,
    molar_mass=18.01528e-3,
    viscosity=0.890e-3,
    permittivity_model=dielectric.WATER_MALMBERG_MARYOTT,
)

# Ions (molar masses from IUPAC standard atomic weights)
_Na = Ion("Na+", +1, 0.36 * nm, diffusivity=1.334e-9, molar_mass=22.98977e-3)
_K = Ion("K+", +1, 0.36 * nm, diffusivity=1.957e-9, molar_mass=39.0983e-3)
_Li_aq = Ion("Li+", +1, 0.42 * nm, diffusivity=1.029e-9, molar_mass=6.941e-3)
_Ca = Ion("Ca2+", +2, 0.50 * nm, diffusivity=0.792e-9, molar_mass=40.078e-3)
_Cl = Ion("Cl-", -1, 0.36 * nm, diffusivity=2.032e-9, molar_mass=35.453e-3)

_REGISTRY: dict[str, Electrolyte] = {}


def register(electrolyte: Electrolyte, name: str | None = None) -> None:
    """Add a preset under ``name`` (default: ``electrolyte.name``)."""
    if not isinstance(electrolyte, Electrolyte):
        raise ParameterError("electrolyte", "must be an Electrolyte", electrolyte)
    _REGISTRY[name or electrolyte.name] = electrolyte


def names() -> list[str]:
    """Names of the available presets."""
    return sorted(_REGISTRY)


def get(name: str) -> Electrolyte:
    """The preset called ``name`` (case-sensitive; close matches are suggested)."""
    try:
        return _REGISTRY[name]
    except (KeyError, TypeError):
        raise ParameterError(
            "preset",
            f"unknown preset {name!r}; available: {', '.join(names())}.{suggest(str(name), names())}",
        ) from None


_DIAM_NOTE = (
    "Primitive-model contact diameters are effective parameters: 0.36 nm for NaCl/KCl lies "
    "between the Pauling ion-radius sum (0.276/0.314 nm) and hydrated sizes; an MSA+CS fit to "
    "the Robinson-Stokes NaCl activity coefficients gives 0.33-0.34 nm (m <= 2 mol/kg). "
    "Li+ and Ca2+ are strongly hydrated and larger in this sense (0.42 and 0.50 nm are "
    "approximate, not fitted)."
)

register(
    Electrolyte(
        _Na,
        _Cl,
        WATER,
        name="NaCl(aq)",
        references=(_WATER_REF, _CRC_D, _DENSITY_REF),
        notes=_DIAM_NOTE,
        density_model=pitzer_volume("NaCl"),
    )
)
register(
    Electrolyte(
        _K,
        _Cl,
        WATER,
        name="KCl(aq)",
        references=(_WATER_REF, _CRC_D, _DENSITY_REF),
        notes=_DIAM_NOTE,
        density_model=pitzer_volume("KCl"),
    )
)
register(
    Electrolyte(
        _Li_aq,
        _Cl,
        WATER,
        name="LiCl(aq)",
        references=(_WATER_REF, _CRC_D, _DENSITY_REF),
        notes=_DIAM_NOTE,
        density_model=pitzer_volume("LiCl"),
    )
)
register(
    Electrolyte(
        _Ca,
        _Cl,
        WATER,
        name="CaCl2(aq)",
        references=(_WATER_REF, _CRC_D, _DENSITY_REF),
        notes=_DIAM_NOTE + " CaCl2 densities are checked against data up to 1.0 mol/kg only.",
        density_model=pitzer_volume("CaCl2"),
    )
)

# LiTFSI in water: sizes from the lattice volumes of McEldrew et al. (JES 2021 / the authors'
# 2026 code): xi_Li = 0.4 and xi_TFSI = 10.8 water-molecule volumes (v_w = 0.0300 nm^3), taken
# as spheres of equal volume: d = (6 xi v_w / pi)^(1/3).
_v_w = WATER.molar_mass / (WATER.density * 6.02214076e23)
_d_from_xi = lambda xi: (6 * xi * _v_w / 3.141592653589793) ** (1 / 3)  # noqa: E731
register(
    Electrolyte(
        Ion("Li+", +1, _d_from_xi(0.4), diffusivity=1.029e-9, molar_mass=6.941e-3),
        Ion("TFSI-", -1, _d_from_xi(10.8), molar_mass=280.15e-3),
        WATER,
        name="LiTFSI(aq)",
        references=(
            _WATER_REF,
            "Sizes from lattice volumes xi_Li = 0.4, xi_TFSI = 10.8 (in water volumes) of McEldrew, "
            "Goodwin, Bi, Bazant & Kornyshev, J. Electrochem. Soc. 168, 050514 (2021), "
            "doi:10.1149/1945-7111/abf975, as used in the authors' public code",
            "TFSI- molar mass 280.15 g/mol; Li+ diffusivity: CRC (infinite dilution)",
        ),
        notes="Water-in-salt electrolyte (up to ~21 mol/kg). Diameters are equal-volume spheres "
        "of the lattice volumes (Li+ 0.28 nm, TFSI- 0.85 nm).",
    )
)

# LiPF6 in EC/DMC (1:1 by weight, 'LP30'-like)
register(
    Electrolyte(
        Ion("Li+", +1, 0.45 * nm, molar_mass=6.941e-3),
        Ion("PF6-", -1, 0.51 * nm, molar_mass=144.964e-3),
        Solvent(
            "EC/DMC (1:1 w/w)",
            temperature=298.15,
            density=1200.0,
            molar_mass=89.07e-3,
            viscosity=1.1e-3,
            permittivity_model=dielectric.ConstantPermittivity(
                31.0, 298.15, "EC/DMC 1:1 w/w, approximate (literature 25-35)"
            ),
        ),
        name="LiPF6 in EC/DMC",
        references=(
            "EC/DMC 1:1 mixture: eps_r about 31 (literature 25-35 for 1:1 EC:DMC; approximate), "
            "density about 1.2 g/cm^3, mean molar mass of EC (88.06) and DMC (90.08 g/mol), "
            "viscosity about 1.1 mPa s (approximate)",
            "PF6- diameter 0.51 nm from its thermochemical radius (~0.25 nm); Li+ 0.45 nm "
            "is an effective solvated contact size (approximate)",
        ),
        notes="Values are approximate (no single authoritative source); fit for quantitative work.",
    )
)

#: Density of neat [C4C1Pyrr][NTf2] at 298.15 K [kg/m^3]: median of six measured data sets
#: (six papers, 1393.8-1395.2; NIST ILThermo; see ionscales/data/PROVENANCE.md).
_C4C1PYRR_NTF2_DENSITY = 1394.5

_IL_REF = (
    "[C4C1Pyrr][NTf2] (1-butyl-1-methylpyrrolidinium bis(trifluoromethylsulfonyl)imide): "
    "molar mass 422.41 g/mol, density 1394.5 kg/m^3 at 25 C (median of six measured data sets, "
    "1393.8-1395.2, NIST ILThermo; see ionscales/data/PROVENANCE.md; neat IL 3.301 mol/L); static "
    "eps_r about 11.9 (dielectric spectroscopy, Weingaertner and co-workers; approximate); "
    "ion sizes from molecular volumes (cation ~0.68 nm, anion ~0.76 nm; approximate). "
    "Used in the SFA underscreening work of Smith, Lee & Perkin, J. Phys. Chem. Lett. 7, "
    "2157 (2016), doi:10.1021/acs.jpclett.6b00867"
)
_pyrr = Ion("C4C1Pyrr+", +1, 0.68 * nm, molar_mass=142.26e-3)
_ntf2 = Ion("NTf2-", -1, 0.76 * nm, molar_mass=280.15e-3)
register(
    Electrolyte(
        _pyrr,
        _ntf2,
        Solvent(
            "neat ionic liquid (background permittivity)",
            temperature=298.15,
            permittivity_model=dielectric.ConstantPermittivity(
                11.9, 298.15, "[C4C1Pyrr][NTf2] static eps_r, approximate"
            ),
        ),
        name="[C4C1Pyrr][NTf2]",
        references=(_IL_REF,),
        notes="Neat ionic liquid: use concentration = NEAT_CONCENTRATION (3301 mol/m^3 from the "
        "measured density). The 'solvent' is the dielectric background of the liquid itself, so "
        "molality is undefined (molarity()/molality() raise ParameterError).",
    )
)
register(
    Electrolyte(
        _pyrr,
        _ntf2,
        Solvent(
            "propylene carbonate",
            temperature=298.15,
            density=1204.0,
            molar_mass=102.09e-3,
            viscosity=2.5e-3,
            permittivity_model=dielectric.SOLVENT_PERMITTIVITY["propylene carbonate"],
        ),
        name="[C4C1Pyrr][NTf2] in PC",
        references=(
            _IL_REF,
            "Propylene carbonate: eps_r(T) from the CRC Handbook fit 159.4 - 0.3953 T + "
            "2.6284e-4 T^2 (273-333 K; 64.91 at 25 C, cf. 64.92 in K. Xu, Chem. Rev. 104, 4303 "
            "(2004), Table 1, doi:10.1021/cr030203g), density 1.204 g/cm^3, viscosity 2.5 mPa s (CRC)",
            tabulated_density("[C4C1Pyrr][NTf2] in PC").source,
        ),
        notes="Molality <-> molarity through the measured IL + PC densities at 298.15 K "
        "(doi:10.1007/s10953-010-9562-5); that data set's pure PC (1219.85 kg/m^3) is 1.3 % above "
        "the solvent density used here and its neat IL 0.9 % below the consensus 1394.5 kg/m^3, "
        "so the conversion carries ~1 % systematic uncertainty.",
        density_model=tabulated_density("[C4C1Pyrr][NTf2] in PC"),
    )
)

#: Concentration of neat ionic liquids [mol/m^3] (density / molar mass).
NEAT_CONCENTRATION = {"[C4C1Pyrr][NTf2]": _C4C1PYRR_NTF2_DENSITY / 422.41e-3}


# ---------------------------------------------------------------------------------------
# Aggregation parameters (Flory–Stockmayer models of ionscales.theory.aggregation)


def _litfsi_lattice_density():
    """Solution densities of LiTFSI(aq) implied by the lattice site volumes of the source.

    Markiewitz et al. (arXiv:2602.23875, public code WiSE_EDL_MD_Processing_Panels.m)
    back-calculate v0 = V_box / Omega, Omega = (xi+ + xi-) N_salt + N_water, from their MD
    boxes at 300 K: v0 = 2.2863e-29, 2.2456e-29, 2.1744e-29 m^3 at 12, 15, 21 mol/kg
    (xi = 0.4 + 10.8, water molar mass 18.02 g/mol). Per kg of water the solution then has
    volume Omega v0 and mass 1 + m M_salt, hence rho = (1 + m M_salt) / [(1/M_w + 11.2 m) N_A v0].
    These are simulation volumes, not measured densities (21 mol/kg: 1847 kg/m^3, 5.52 M).
    """
    from ionscales.constants import avogadro
    from ionscales.density import TabulatedDensity

    molality = (12.0, 15.0, 21.0)
    site_volume = (2.2863e-29, 2.2456e-29, 2.1744e-29)
    salt_molar_mass = 6.941e-3 + 280.15e-3
    density = tuple(
        (1 + m * salt_molar_mass) / ((1 / 18.02e-3 + 11.2 * m) * avogadro * v0)
        for m, v0 in zip(molality, site_volume)
    )
    return TabulatedDensity(
        molality,
        density,
        temperature=300.0,
        source="LiTFSI(aq) lattice site volumes v0 = V_box/Omega back-calculated from the MD boxes "
        "of Markiewitz et al., arXiv:2602.23875 (github.com/DMMarkiewitz/Faraday_Discussions_2026, "
        "WiSE_EDL_MD_Processing_Panels.m), 300 K; simulation volumes, not measured densities",
    )


_litfsi = get("LiTFSI(aq)")
register(
    Electrolyte(
        _litfsi.cation,
        _litfsi.anion,
        _litfsi.solvent,
        name=_litfsi.name,
        references=(*_litfsi.references, tabulated_density("LiTFSI(aq)").source),
        notes=_litfsi.notes + " Molality <-> molarity through the measured LiTFSI + water "
        "densities of Gilbert et al. (2017) at 298.15 K, 1.31-21 mol/kg (doi:10.1021/"
        "acs.jced.7b00135; the 21 mol/kg point as quoted by a secondary source, see "
        "ionscales/data/PROVENANCE.md); the aggregation model's lattice site volume follows "
        "from the same conversion. The MD box volumes of the aggregation source "
        "(LITFSI_MD_LATTICE) are 5-8 % denser than these measurements.",
        density_model=tabulated_density("LiTFSI(aq)"),
    )
)
#: LiTFSI(aq) on the lattice of its aggregation source: the same ions and solvent, with
#: molality <-> molarity through the MD box volumes (v0 = V_box / Omega of Markiewitz et al.,
#: 12-21 mol/kg; simulation volumes, 5-8 % denser than the measured solution). For reproducing
#: the source's own numbers: ``SolvatedAggregation.from_preset("LiTFSI(aq)",
#: electrolyte=presets.LITFSI_MD_LATTICE)``. The preset itself converts through measurements.
LITFSI_MD_LATTICE = Electrolyte(
    _litfsi.cation,
    _litfsi.anion,
    _litfsi.solvent,
    name=_litfsi.name,
    references=(*_litfsi.references, _litfsi_lattice_density().source),
    notes=_litfsi.notes + " Lattice variant for the aggregation model: molality <-> molarity "
    "through the MD box volumes of the aggregation source (simulation volumes).",
    density_model=_litfsi_lattice_density(),
)
del _litfsi


#: Aggregation-model parameters of presets, with their sources. ``model`` names a class of
#: :data:`ionscales.theory.aggregation.MODELS`; the other keys are its constructor keywords.
#: ``association`` is the dimensionless lattice (site) constant; the lattice site volume
#: follows the source's definition (solution volume over lattice sites) from the
#: electrolyte's molality <-> molarity conversion unless ``site_volume`` is given.
AGGREGATION_PARAMETERS: dict[str, dict] = {
    "LiTFSI(aq)": {
        "model": "SolvatedAggregation",
        "f_cation": 4,
        "f_anion": 3,
        "association": 0.2527,
        "solvent_association": float("inf"),
        "xi_cation": 0.4,
        "xi_anion": 10.8,
        "source": "Sticky-cation WiSE parameters of LiTFSI: f+ = 4 (Li), f- = 3 (TFSI), "
        "xi+ = 0.4, xi- = 10.8 water volumes, Lambda~ = Lambda_{+-}/Lambda_{+0} = 0.2527 "
        "(extracted from MD of 21 m LiTFSI) as used in the public code of Markiewitz et al., "
        "arXiv:2602.23875 (github.com/DMMarkiewitz/Faraday_Discussions_2026, "
        "Association_Probabilities_Bulk.m), following McEldrew et al., J. Electrochem. Soc. "
        "168, 050514 (2021), doi:10.1149/1945-7111/abf975. Lattice site volume v0 = box volume "
        "over lattice sites, Omega = (xi+ + xi-) N_salt + N_water (the authors' "
        "WiSE_EDL_MD_Processing_Panels.m), evaluated with the solution volume (the electrolyte's "
        "measured densities, Gilbert et al. 2017, doi:10.1021/acs.jced.7b00135).",
    },
}


# ---------------------------------------------------------------------------------------
# LiPF6 in EC:EMC 3:7 (w:w) — the electrolyte of Landesfeind & Gasteiger (2019) and of
# PyBaMM's ORegan2022 parameter set (issue #12). Solvent-mixture properties only; the
# calibrated transport parameters are attached by ionscales.theory.transport (its own
# module), not here. Every number below is marked: [source] or [estimate].

#: Pure-component data of the two solvents at 25 C (EC: 40 C, it melts at 36.4 C), as
#: compiled by K. Xu, Chem. Rev. 104, 4303 (2004), Table 1, doi:10.1021/cr030203g
#: [memory: values as commonly quoted from that table; the table was not re-read here].
EC_EMC_COMPONENTS = {
    "ethylene carbonate": {
        "molar_mass": 88.06e-3,
        "density": 1321.0,
        "viscosity": 1.90e-3,
        "permittivity": 89.78,
        "temperature": 313.15,
    },
    "ethyl methyl carbonate": {
        "molar_mass": 104.10e-3,
        "density": 1006.0,
        "viscosity": 0.65e-3,
        "permittivity": 2.958,
        "temperature": 298.15,
    },
}
#: Mass fractions of the solvent blend (3:7 by weight).
EC_EMC_MASS_FRACTIONS = {"ethylene carbonate": 0.3, "ethyl methyl carbonate": 0.7}


def _ec_emc_3_7_solvent() -> Solvent:
    """EC:EMC 3:7 (w:w) solvent blend from its components (mixing rules; see notes).

    * molar mass: mean over moles, 1/M = sum w_i/M_i [exact for the stated composition];
    * density: ideal volume additivity, 1/rho = sum w_i/rho_i [estimate; the excess volume of
      carbonate blends is small, |V^E|/V < 1 %];
    * permittivity: volume-fraction average of the components [estimate: linear mixing of
      eps_r, uncertain by ~20 % for a polar/apolar blend];
    * viscosity: Arrhenius (Grunberg–Nissan without interaction term) mixing over mole
      fractions, ln eta = sum x_i ln eta_i [estimate, ~10-20 %; EC's value is at 40 C].
    """
    import math

    comp, w = EC_EMC_COMPONENTS, EC_EMC_MASS_FRACTIONS
    moles = {k: w[k] / comp[k]["molar_mass"] for k in comp}
    vols = {k: w[k] / comp[k]["density"] for k in comp}
    n_tot, v_tot = sum(moles.values()), sum(vols.values())
    eps = sum(vols[k] / v_tot * comp[k]["permittivity"] for k in comp)
    eta = math.exp(sum(moles[k] / n_tot * math.log(comp[k]["viscosity"]) for k in comp))
    return Solvent(
        "EC:EMC (3:7 w/w)",
        temperature=298.15,
        density=1.0 / v_tot,
        molar_mass=1.0 / n_tot,
        viscosity=eta,
        permittivity_model=dielectric.ConstantPermittivity(
            eps,
            298.15,
            "EC:EMC 3:7 w/w: volume-fraction average of EC (89.78) and EMC (2.958) [estimate], "
            "components from K. Xu, Chem. Rev. 104, 4303 (2004), Table 1",
        ),
    )


#: The EC:EMC 3:7 (w:w) solvent of the "LiPF6 in EC:EMC 3:7" preset (25 C).
EC_EMC_3_7 = _ec_emc_3_7_solvent()

_LIPF6_MOLAR_MASS = (
    151.905e-3  # LiPF6 [kg/mol], IUPAC atomic weights (Li 6.941, P 30.974, F 18.998)
)
_EC_EMC_REF = (
    "EC:EMC 3:7 (w/w) solvent: component densities, viscosities and permittivities from K. Xu, "
    "Chem. Rev. 104, 4303 (2004), Table 1, doi:10.1021/cr030203g (EC 1.321 g/cm^3, 1.90 mPa s, "
    "eps 89.78 at 40 C; EMC 1.006 g/cm^3, 0.65 mPa s, eps 2.958 at 25 C); blend values by mixing "
    "rules [estimates]: density 1083.5 kg/m^3 (ideal volumes), eps_r 24.3 (volume-fraction "
    "average), viscosity 0.93 mPa s (Arrhenius mole-fraction mixing), molar mass 98.7 g/mol"
)


def lipf6_ec_emc_3_7(**changes) -> Electrolyte:
    """The "LiPF6 in EC:EMC 3:7" preset, optionally with changed fields.

    Parameters
    ----------
    **changes
        Passed to :meth:`Electrolyte.with_` (e.g. ``temperature`` [K], ``diameter`` [m]);
        other modules (the transport calibration of issue #12) build on the preset this
        way instead of editing it.

    Returns
    -------
    Electrolyte
        Li+ / PF6- in the EC:EMC 3:7 (w/w) blend :data:`EC_EMC_3_7` at 25 C.

    Notes
    -----
    Solvent data are mixing-rule estimates from sourced component values (see
    :func:`_ec_emc_3_7_solvent` and the preset's ``references``). Ion diameters are the
    approximate contact sizes of the "LiPF6 in EC/DMC" preset (Li+ 0.45 nm solvated, PF6-
    0.51 nm), not fitted.
    """
    e = get("LiPF6 in EC:EMC 3:7")
    return e.with_(**changes) if changes else e


register(
    Electrolyte(
        Ion("Li+", +1, 0.45 * nm, molar_mass=6.941e-3),
        Ion("PF6-", -1, 0.51 * nm, molar_mass=_LIPF6_MOLAR_MASS - 6.941e-3),
        EC_EMC_3_7,
        name="LiPF6 in EC:EMC 3:7",
        references=(
            _EC_EMC_REF,
            "PF6- diameter 0.51 nm from its thermochemical radius (~0.25 nm); Li+ 0.45 nm is an "
            "effective solvated contact size (approximate)",
        ),
        notes="Electrolyte of Landesfeind & Gasteiger, J. Electrochem. Soc. 166, A3079 (2019), "
        "doi:10.1149/2.0571912jes (PyBaMM ORegan2022). Solvent blend properties are mixing-rule "
        "estimates; calibrated transport parameters live in ionscales.theory.transport.",
    )
)


# ---------------------------------------------------------------------------------------
# Presets without measured solution-density data (issue #11): molality <-> molarity uses
# the crude V_phi = M_salt/rho_solvent estimate there and says so (ValidityWarning), or is
# undefined (neat liquid: ParameterError). tests/test_presets.py checks that this list is
# exactly the presets without a density model.

DENSITY_DATA_MISSING: dict[str, str] = {
    "LiPF6 in EC/DMC": "no verifiable measured LiPF6-in-EC/DMC solution densities found for "
    "ionscales (searched: Landesfeind & Gasteiger 2019, Logan et al. 2018, Valoen & Reimers "
    "2005, Nyman et al. 2008, PyBaMM/BattMo parameter sets, NIST ILThermo; see "
    "ionscales/data/PROVENANCE.md); crude estimate with ValidityWarning",
    "LiPF6 in EC:EMC 3:7": "no verifiable measured LiPF6-in-EC:EMC 3:7 solution densities found "
    "(same search); crude estimate with ValidityWarning",
    "[C4C1Pyrr][NTf2]": "neat ionic liquid: no solvent, molality undefined (ParameterError); "
    "use NEAT_CONCENTRATION",
}
