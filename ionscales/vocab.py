"""One vocabulary of dimension and variable names, with units and long names.

Results are built from these entries (:func:`ionscales.results.make_dataset` looks up
``units`` and ``long_name`` here), so the same quantity is spelled and labelled the same
way in every layer. Units follow UDUNITS-style strings; "1" means dimensionless.
Each layer has its own section below; add new names to your layer's section.

One name, one meaning, one entry: a name defined in two sections is an error at import
(:class:`VocabularyError` lists the names and sections), and :func:`register` refuses to
redefine a name with different units or meaning. A quantity shared by layers (``voltage``,
``surface_charge``, ``capacitance``, ...) lives in the section of the layer that owns its
meaning and the other layers use that entry. ``attrs["model"]`` of a result is a short
identifier (:func:`is_model_identifier`); prose belongs in ``attrs["model_description"]``.
"""

from __future__ import annotations

import re

__all__ = [
    "VARIABLES",
    "RENAMED",
    "VocabularyError",
    "lookup",
    "register",
    "rename",
    "is_model_identifier",
]


class VocabularyError(ValueError):
    """A vocabulary name defined twice (with one meaning each, it must be defined once)."""


# name -> (units, long_name)
_CORE = {
    # dimensions / coordinates
    "concentration": ("mol/m^3", "salt concentration (molarity)"),
    "molality": ("mol/kg", "salt molality"),
    "temperature": ("K", "temperature"),
    "permittivity": ("1", "relative permittivity"),
    "model": ("1", "model name"),
    "mode": ("1", "decay-mode index (0 = slowest decaying)"),
    "species": ("1", "ionic species"),
    "condition": ("1", "condition (state point) index"),
    "param": ("1", "fit parameter name"),
    "cov_i": ("1", "covariance row parameter"),
    "cov_j": ("1", "covariance column parameter"),
    "r": ("m", "distance"),
    "k": ("1/m", "wavenumber"),
    "x": ("m", "distance from the wall"),
    "time": ("s", "time"),
    "diameter": ("m", "ion diameter"),
    "charge_number": ("1", "valence"),
    "ion_concentration": ("mol/m^3", "ion concentration"),
    "ion_density": ("1/m^3", "ion number density"),
    "ionic_strength": ("mol/m^3", "ionic strength"),
    "bjerrum_length": ("m", "Bjerrum length"),
    "converged": ("1", "solver converged (1) or not (0)"),
    "iterations": ("1", "solver iterations"),
    "residual": ("1", "final solver residual"),
    "error": ("1", "error message (empty if the point succeeded)"),
}

_SCREENING = {
    "debye_length": ("m", "Debye length"),
    "decay_length": ("m", "screening (decay) length of the leading mode"),
    "wavelength": ("m", "oscillation wavelength of the leading mode (NaN if monotonic)"),
    "regime": ("1", "decay regime (monotonic | oscillatory | unstable | no-mode)"),
    "mode_decay_length": ("m", "decay length of each mode"),
    "mode_wavelength": ("m", "oscillation wavelength of each mode (NaN if monotonic)"),
    "kappa_real": ("1/m", "real part of the pole k (oscillation wavenumber)"),
    "kappa_imag": ("1/m", "imaginary part of the pole k (inverse decay length)"),
    "pole_residual": ("1", "relative residual of the pole equation at the root"),
    "kappa_sigma_debye": ("1", "kappa_D times the ion diameter"),
    "kirkwood_crossover": ("1", "kappa_D sigma at the Kirkwood crossover"),
    "kirkwood_concentration": ("mol/m^3", "concentration at the Kirkwood crossover"),
    "dressed_charge_ratio": ("1", "dressed-ion effective charge ratio q_eff/q"),
    "effective_permittivity": ("1", "dressed-ion effective relative permittivity"),
    "free_fraction": ("1", "fraction of free (unpaired) ions"),
    "gamma_sigma": (
        "1",
        "MSA screening parameter Gamma times the contact diameter (not a decay length)",
    ),
    "valid": ("1", "1 where the model is within its validity range"),
    "activity_coefficient": ("1", "mean ionic activity coefficient"),
    "ln_activity_coefficient": ("1", "natural log of the mean ionic activity coefficient"),
    "osmotic_coefficient": ("1", "osmotic coefficient"),
}

_INTEGRAL_EQUATION = {
    "species_i": ("1", "first species of the pair"),
    "species_j": ("1", "second species of the pair"),
    "g": ("1", "radial distribution function g_ij(r)"),
    "c_short": ("1", "short-range direct correlation c_ij + l_B z_i z_j erf(a r)/r"),
    "h_charge": ("1", "charge-charge total correlation"),
    "h_number": ("1", "number-number total correlation"),
    "structure_factor_charge": ("1", "charge-charge structure factor S_ZZ(k)"),
    "structure_factor_number": ("1", "number-number structure factor S_NN(k)"),
    "contact_value": ("1", "contact value g_ij(sigma_ij+)"),
    "excess_energy": ("1", "excess internal energy per ion beta U_ex/N"),
    "inverse_compressibility": ("1", "beta dP/drho at fixed composition"),
    "osmotic_coefficient_compressibility": ("1", "osmotic coefficient (compressibility route)"),
    "route_difference": ("1", "compressibility minus virial osmotic coefficient"),
    "ln_activity_coefficient_species": ("1", "ln of the single-ion activity coefficient (HNC)"),
    "electroneutrality_error": ("1", "max relative violation of local electroneutrality"),
    "stillinger_lovett_ratio": ("1", "second charge moment over its Stillinger-Lovett value"),
    "mode_kind": ("1", "decay-mode channel (charge | number)"),
    "charge_fraction": ("1", "charge character of the decay mode (1 = pure charge)"),
    "number_decay_length": ("m", "decay length of the slowest number-channel mode"),
}
_AGGREGATION: dict[str, tuple[str, str]] = {
    "n_cation": ("1", "cations in the cluster"),
    "n_anion": ("1", "anions in the cluster"),
    "n_solvent": ("1", "solvent molecules bound in the cluster"),
    "cluster_charge": ("1", "net valence of the cluster"),
    "volume_fraction": ("1", "volume fraction of the salt (cations and anions)"),
    "salt_fraction": ("1", "mole fraction of alkali salt among all salts"),
    "p_cation": ("1", "probability that a cation site is bonded to an anion"),
    "p_anion": ("1", "probability that an anion site is bonded to a cation"),
    "p_cation_solvent": ("1", "probability that a cation site is bonded to a solvent molecule"),
    "p_solvent": ("1", "probability that a solvent molecule is bonded to a cation"),
    "p_cation_sol": ("1", "probability that a sol cation site is bonded to an anion"),
    "p_anion_sol": ("1", "probability that a sol anion site is bonded to a cation"),
    "association": ("1", "dimensionless lattice association constant"),
    "free_cation_fraction": ("1", "fraction of cations with no anion bonded"),
    "free_anion_fraction": ("1", "fraction of anions with no cation bonded"),
    "bare_cation_fraction": ("1", "fraction of cations with no partner (no anion, no solvent)"),
    "free_solvent_fraction": ("1", "fraction of solvent molecules not bonded to a cation"),
    "ion_pair_fraction": ("1", "fraction of cations in contact ion pairs (1,1)"),
    "gel_parameter": ("1", "branching parameter (f+ - 1)(f- - 1) p+ p- (gel above 1)"),
    "gel_fraction_cation": ("1", "fraction of cations in the gel"),
    "gel_fraction_anion": ("1", "fraction of anions in the gel"),
    "number_average_size": ("1", "number-average sol cluster size (ions per cluster)"),
    "weight_average_size": ("1", "weight-average sol cluster size (ions)"),
    "volume_fraction_cation": ("1", "cation volume fraction"),
    "volume_fraction_anion": ("1", "anion volume fraction"),
    "volume_fraction_solvent": ("1", "solvent volume fraction"),
    "cation_concentration": ("mol/m^3", "total cation concentration (sol and gel)"),
    "anion_concentration": ("mol/m^3", "total anion concentration (sol and gel)"),
    "inert_cation_concentration": ("mol/m^3", "concentration of the inert (ionic-liquid) cation"),
    "cluster_concentration": ("mol/m^3", "concentration of sol clusters"),
    "cluster_charge_concentration": ("mol/m^3", "concentration of sol clusters of each net charge"),
    "truncated_cation_fraction": ("1", "fraction of sol cations in clusters beyond the grid"),
    "carrier": ("1", "effective carrier (cluster species)"),
    "carrier_charge": ("1", "net valence of the carrier"),
    "carrier_concentration": ("mol/m^3", "carrier concentration"),
    "carrier_diameter": ("m", "carrier diameter"),
    "carrier_diffusivity": ("m^2/s", "carrier diffusivity"),
    "cluster_count": ("1", "number of clusters observed"),
    "gel_cation_count": ("1", "cations in the percolating cluster"),
    "gel_anion_count": ("1", "anions in the percolating cluster"),
    "frame": ("1", "trajectory frame"),
    "site_volume": ("m^3", "lattice site volume (solution volume over lattice sites)"),
    "n_inert": ("1", "inert (ionic-liquid) cations in the carrier"),
    "expected_count": ("1", "expected cluster count at the best fit"),
    "association_lattice": ("1", "fitted lattice association constant Lambda"),
    "site_association_constant": ("m^3/mol", "site (bond) association constant N_A v0 Lambda"),
    "pair_association_constant": ("m^3/mol", "ion-pair association constant N_A v0 f+ f- Lambda"),
    "site_association_constant_L": ("L/mol", "site (bond) association constant in L/mol"),
    "pair_association_constant_L": ("L/mol", "ion-pair association constant in L/mol"),
    "cluster_sum_size": ("1", "largest cluster size of the converged carrier sum"),
}
_TRANSPORT: dict[str, tuple[str, str]] = {
    "conductivity": ("S/m", "ionic conductivity"),
    "nernst_einstein_conductivity": ("S/m", "Nernst-Einstein conductivity"),
    "transference_number": ("1", "cation transference number"),
    "nernst_einstein_deviation": ("1", "Nernst-Einstein deviation 1 - sigma/sigma_NE"),
    "cation_effective_charge": ("1", "mobility-weighted effective charge of the cation"),
}
_CONFINEMENT = {
    "width": ("m", "slit (pore) width"),
    "voltage": ("V", "electrode (wall) potential relative to the bulk"),
    "separation": ("m", "surface separation D"),
    "surface_charge": ("C/m^2", "electrode (wall) charge per unit wall area"),
    "capacitance": ("F/m^2", "differential capacitance per unit wall area"),
    "stored_energy": ("J/m^2", "stored energy per unit wall area"),
    "cation_occupancy": ("1", "fraction of in-pore sites occupied by cations"),
    "anion_occupancy": ("1", "fraction of in-pore sites occupied by anions"),
    "total_occupancy": ("1", "fraction of in-pore sites occupied by ions"),
    "coupling": ("1", "dimensionless electrostatic coupling of the pore model"),
    "zero_voltage_occupancy": ("1", "pore filling at zero voltage"),
    "accessible": ("1", "1 where the pore is wider than the ions"),
    "single_layer_valid": ("1", "1 where d < width < 2d (single-layer model valid)"),
    "disjoining_pressure": ("Pa", "disjoining pressure"),
    "interaction_energy": ("J/m^2", "interaction free energy per unit area W(D)"),
    "force_over_radius": ("N/m", "surface force over radius F/R = 2 pi W(D)"),
    "midplane_potential": ("V", "midplane potential"),
    "wall_potential": ("V", "wall (electrode) potential relative to the bulk"),
    "screening_length": (
        "m",
        "bulk screening (correlation) length xi_corr that sets the confinement regime",
    ),
}
_CONTINUUM: dict[str, tuple[str, str]] = {
    "potential": ("V", "electrostatic potential relative to the bulk"),
    "charge_density": ("C/m^3", "ionic charge density"),
    "surface_charge_integrated": ("C/m^2", "wall charge density from the integrated ionic charge"),
    "diffuse_potential": ("V", "diffuse-layer potential drop"),
    "ion_excess": ("mol/m^2", "ion excess (adsorption) per wall area"),
    "salt_excess": ("mol/m^2", "salt excess per wall area"),
    "free_energy": ("J/m^2", "double-layer grand potential per wall area"),
    "disjoining_pressure_wall": ("Pa", "disjoining pressure (contact-value route at the wall)"),
    "wall": ("1", "wall"),
    "correlation_length": ("m", "ion-correlation length l_c (Bazant-Storey-Kornyshev)"),
}
_FITTING = {
    "best_value": ("1", "best-fit value (in the unit given per parameter)"),
    "stderr": ("1", "standard error (in the unit given per parameter)"),
    "covariance": ("1", "covariance of the parameters (SI units of each pair)"),
    "data": ("1", "fitted data"),
    "best_fit": ("1", "model evaluated at the best-fit parameters"),
    "fit_residual": ("1", "data minus best fit (weighted if sigma was given)"),
    "parameter_unit": ("1", "SI unit of each parameter"),
}
# Keyword parameters of the public functions that label sweep grid axes (ionscales.sweep)
# and are not defined by a layer above (voltage, surface_charge, width, separation,
# correlation_length and potential are).
_SWEEP = {
    "radius": ("m", "pore radius"),
    "compacity": ("1", "compacity (steric packing parameter)"),
    "stern_length": ("m", "Stern layer thickness"),
    "t_end": ("s", "end time"),
    "association_constant": ("m^3/mol", "association constant"),
    "ion_diameter": ("m", "ion diameter"),
    "z": ("m", "height of the charge in the slit"),
    "z_source": ("m", "height of the source charge in the slit"),
    "f_cation": ("1", "cation functionality (association sites)"),
    "f_anion": ("1", "anion functionality (association sites)"),
}

# Analysis layer, structural observables (helper "analysis"): MD trajectories -> shells,
# speciation, clusters, lifetimes, charge structure.
_ANALYSIS_STRUCTURE: dict[str, tuple[str, str]] = {
    "partner": ("1", "coordination partner of the cation (anion or a solvent label)"),
    "coordination_number": ("1", "mean number of partner molecules in a cation's first shell"),
    "coordination_number_atoms": (
        "1",
        "mean number of partner atoms within the shell radius of a cation",
    ),
    "frame_coordination_number": (
        "1",
        "mean number of partner molecules in a cation's shell, per frame",
    ),
    "pairing_fraction": (
        "1",
        "fraction of cations with at least one partner molecule in the shell",
    ),
    "uncoordinated_fraction": ("1", "fraction of partner molecules in no cation's first shell"),
    "shell_radius": ("m", "first-shell radius of the cation-partner contact"),
    "motif": ("1", "shell composition label (partner counts in a cation's first shell)"),
    "shell_fraction": ("1", "fraction of cation shells with this composition"),
    "shell_composition": ("1", "partner molecules of each kind in the shell motif"),
    "speciation": (
        "1",
        "contact class: SSIP (no counter-ion in contact), CIP (one), AGG (two or more)",
    ),
    "anion_speciation_fraction": (
        "1",
        "fraction of anions in each contact class (cations in contact)",
    ),
    "cation_speciation_fraction": (
        "1",
        "fraction of cations in each contact class (anions in contact)",
    ),
    "n_partner": ("1", "number of counter-ions in contact"),
    "anion_contact_distribution": ("1", "fraction of anions with n_partner cations in contact"),
    "cation_contact_distribution": ("1", "fraction of cations with n_partner anions in contact"),
    "contact_radius": ("m", "cation-anion contact radius"),
    "percolating_cluster_count": (
        "1",
        "clusters that wrap across the periodic boundaries, per frame",
    ),
    "wrapping_dimension": (
        "1",
        "number of independent box directions the percolating clusters wrap",
    ),
    "lag_time": ("s", "time lag"),
    "continuous_correlation": ("1", "continuous residence correlation <h(0) H(t)>/<h>"),
    "intermittent_correlation": (
        "1",
        "intermittent residence correlation (normalised autocovariance of h)",
    ),
    "continuous_lifetime": (
        "s",
        "continuous residence time (1/e time of the continuous correlation)",
    ),
    "intermittent_lifetime": (
        "s",
        "intermittent residence time (1/e time of the intermittent correlation)",
    ),
    "atom_type": ("1", "atom type (topology label)"),
    "coordinating_atom_fraction": (
        "1",
        "share of coordinated partner molecules whose closest atom has this type",
    ),
    "pair_count": ("1", "atom pairs counted in the distance bin, summed over frames"),
    "r_h_charge": ("m", "r times the charge-charge total correlation"),
    "n_wavevectors": ("1", "box wavevectors in the |k| bin"),
    "stillinger_lovett_length": ("m", "small-k charge length: S_ZZ(k) -> (k l)^2"),
    "stillinger_lovett_permittivity": (
        "1",
        "relative permittivity at which the Stillinger-Lovett condition holds",
    ),
}

# Analysis layer, transport from MD (analysis/transport.py); every value has a "<name>_stderr".
_md_transport_values: dict[str, tuple[str, str]] = {
    "onsager_coefficient": (
        "1/(J m s)",
        "Onsager transport coefficient L_ij (barycentric, per particle count)",
    ),
    "onsager_coefficient_distinct": ("1/(J m s)", "distinct (cross-ion) part of L_ij"),
    "onsager_coefficient_self": ("1/(J m s)", "self part of L_ii, N_i D_i / (V k_B T)"),
    "conductivity_component": ("S/m", "conductivity part (self or distinct ion-ion correlations)"),
    "conductivity_nernst_einstein": ("S/m", "Nernst-Einstein conductivity from self-diffusion"),
    "transference_number_apparent": (
        "1",
        "apparent cation transference number from self-diffusion",
    ),
    "diffusivity": ("m^2/s", "self-diffusion coefficient"),
    "conductivity_cluster": ("S/m", "cluster-resolved (France-Lanord-Grossman) conductivity"),
    "cluster_nernst_einstein_deviation": ("1", "deviation 1 - sigma/sigma_cluster"),
    "vehicular_weight": ("1", "vehicular share of cation transport"),
    "structural_weight": ("1", "structural (shell-exchange) share of cation transport"),
    "collective_weight": ("1", "collective (distinct-correlation) share of cation transport"),
    "residence_time": ("s", "residence time of the cation solvation shell"),
    "shell_diffusion_time": ("s", "time for the cation to diffuse one shell diameter"),
    "shell_comotion": ("1", "co-motion <dr_+ . dr_shell>/<|dr_+|^2> of cation and shell partners"),
}
_MD_TRANSPORT: dict[str, tuple[str, str]] = {
    **_md_transport_values,
    **{
        f"{k}_stderr": (u, f"standard error of the {n}")
        for k, (u, n) in _md_transport_values.items()
    },
    **{f"{k}_stderr": (u, f"standard error of the {n}") for k, (u, n) in _TRANSPORT.items()},
    "conductivity_part": ("1", "part of the conductivity (self, distinct_<i>_<j>)"),
    "msd": ("m^2", "self mean-square displacement per ion (barycentric)"),
    "collective_msd": ("m^2", "cross MSD of the summed species displacements <dR_i . dR_j>"),
    "charge_msd": ("m^2", "mean-square charge displacement <|sum_a z_a dr_a|^2>"),
    "msd_exponent": ("1", "local exponent d log MSD / d log t of the self MSD"),
    "species_charge": ("1", "valence of the ionic species"),
    "ion_count": ("1", "number of ions of the species"),
    "shell_diameter": ("m", "diameter of the cation solvation shell (twice its radius)"),
    "vehicular_ratio": ("1", "shell residence time over shell-diffusion time (> 1: vehicular)"),
}

# transport properties for cell models (theory.transport_properties, issue #12)
_TRANSPORT_PROPERTIES: dict[str, tuple[str, str]] = {
    "salt_diffusivity": ("m^2/s", "salt diffusion coefficient (solvent-velocity reference)"),
    "thermodynamic_factor": (
        "1",
        "thermodynamic factor 1 + d ln gamma_pm / d ln m (molal, Lewis–Randall)",
    ),
    "molar_thermodynamic_factor": ("1", "thermodynamic factor 1 + d ln y_pm / d ln c (molar)"),
    "pair_fraction": ("1", "fraction of the salt in neutral ion pairs"),
    "cluster_fraction": (
        "1",
        "fraction of the cations in charged clusters of two or more ions "
        "(none in the pairing model)",
    ),
    "gel_fraction": ("1", "fraction of the cations in the gel (immobile)"),
    "viscosity": ("Pa s", "solution viscosity"),
    "onsager_coefficient_molar": (
        "mol^2/(J m s)",
        "Onsager transport coefficient L_ij (solvent frame, molar)",
    ),
}


def merge_sections(sections: dict[str, dict[str, tuple[str, str]]]) -> dict[str, tuple[str, str]]:
    """One table from the sections; a name in two sections raises :class:`VocabularyError`."""
    merged: dict[str, tuple[str, str]] = {}
    owner: dict[str, str] = {}
    clashes: dict[str, list[str]] = {}
    for section, entries in sections.items():
        for name, entry in entries.items():
            if name in merged:
                clashes.setdefault(name, [owner[name]]).append(section)
                continue
            merged[name] = entry
            owner[name] = section
    if clashes:
        listing = "; ".join(
            f"{name} in {', '.join(where)}" for name, where in sorted(clashes.items())
        )
        raise VocabularyError(
            f"vocabulary names defined more than once (one name, one entry): {listing}"
        )
    return merged


VARIABLES: dict[str, tuple[str, str]] = merge_sections(
    {
        "core": _CORE,
        "screening": _SCREENING,
        "integral_equation": _INTEGRAL_EQUATION,
        "aggregation": _AGGREGATION,
        "transport": _TRANSPORT,
        "confinement": _CONFINEMENT,
        "continuum": _CONTINUUM,
        "fitting": _FITTING,
        "sweep": _SWEEP,
        "analysis": _ANALYSIS_STRUCTURE,
        "md_transport": _MD_TRANSPORT,
        "transport_properties": _TRANSPORT_PROPERTIES,
    }
)


#: old output name -> its vocabulary name, for outputs a layer has renamed (one meaning per
#: name); :func:`ionscales.results.upgrade_names` applies it to results read from old files.
RENAMED: dict[str, str] = {}


def rename(old: str, new: str) -> None:
    """Record that output ``old`` is now called ``new`` (which must be a vocabulary name)."""
    if new not in VARIABLES:
        raise VocabularyError(f"{new!r} is not in the vocabulary; add its entry first")
    if old in VARIABLES and old != new and RENAMED.get(old) != new:
        # the old name may keep another meaning only if it is not itself an entry
        raise VocabularyError(f"{old!r} is still a vocabulary entry; remove it before renaming")
    RENAMED[old] = new


# continuum renames (one name, one meaning): the PNP electrode charge per area is the
# vocabulary's surface_charge, as in solve_pb and the confinement layer
rename("charge", "surface_charge")


def register(name: str, units: str, long_name: str) -> None:
    """Add a vocabulary entry at run time (for user extensions).

    Registering an existing name again with the same units and long name is a no-op;
    with a different entry it raises :class:`VocabularyError` (one name, one meaning).
    """
    old = VARIABLES.get(name)
    if old is not None and old != (units, long_name):
        raise VocabularyError(
            f"{name!r} is already in the vocabulary as {old}; choose another name"
        )
    VARIABLES[name] = (units, long_name)


_IDENTIFIER = re.compile(r"[a-z0-9][a-z0-9_.+-]*")


def is_model_identifier(model: str) -> bool:
    """True for a short model identifier ("msa", "pb", "slit-mean-field"), False for prose."""
    return isinstance(model, str) and _IDENTIFIER.fullmatch(model) is not None


def lookup(name: str) -> tuple[str, str]:
    """(units, long_name) of ``name``; KeyError if the name is not in the vocabulary."""
    return VARIABLES[name]
