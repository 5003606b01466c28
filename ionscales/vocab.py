"""One vocabulary of dimension and variable names, with units and long names.

Results are built from these entries (:func:`ionscales.results.make_dataset` looks up
``units`` and ``long_name`` here), so the same quantity is spelled and labelled the same
way in every layer. Units follow UDUNITS-style strings; "1" means dimensionless.
Each layer has its own section below; add new names to your layer's section.
"""

from __future__ import annotations

__all__ = ["VARIABLES", "lookup", "register"]

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
    "regime": ("1", "decay regime (monotonic | oscillatory | unstable)"),
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
    "valid": ("1", "1 where the model is within its validity range"),
    "activity_coefficient": ("1", "mean ionic activity coefficient"),
    "ln_activity_coefficient": ("1", "natural log of the mean ionic activity coefficient"),
    "osmotic_coefficient": ("1", "osmotic coefficient"),
}

_INTEGRAL_EQUATION: dict[str, tuple[str, str]] = {}
_AGGREGATION: dict[str, tuple[str, str]] = {}
_TRANSPORT: dict[str, tuple[str, str]] = {}
_CONFINEMENT: dict[str, tuple[str, str]] = {}
_CONTINUUM: dict[str, tuple[str, str]] = {
    "potential": ("V", "electrostatic potential relative to the bulk"),
    "charge_density": ("C/m^3", "ionic charge density"),
    "surface_charge": ("C/m^2", "wall charge density from the wall field"),
    "surface_charge_integrated": ("C/m^2", "wall charge density from the integrated ionic charge"),
    "capacitance": ("F/m^2", "differential capacitance"),
    "wall_potential": ("V", "electrode potential relative to the bulk"),
    "diffuse_potential": ("V", "diffuse-layer potential drop"),
    "ion_excess": ("mol/m^2", "ion excess (adsorption) per wall area"),
    "salt_excess": ("mol/m^2", "salt excess per wall area"),
    "free_energy": ("J/m^2", "double-layer grand potential per wall area"),
    "disjoining_pressure": ("Pa", "disjoining pressure (midplane route)"),
    "disjoining_pressure_wall": ("Pa", "disjoining pressure (contact-value route at the wall)"),
    "voltage": ("V", "electrode potential relative to the bulk"),
    "wall": ("1", "wall"),
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
_SWEEP: dict[str, tuple[str, str]] = {}

VARIABLES: dict[str, tuple[str, str]] = {}
for _section in (
    _CORE, _SCREENING, _INTEGRAL_EQUATION, _AGGREGATION, _TRANSPORT, _CONFINEMENT, _CONTINUUM,
    _FITTING, _SWEEP,
):
    VARIABLES.update(_section)


def register(name: str, units: str, long_name: str) -> None:
    """Add a vocabulary entry at run time (for user extensions)."""
    VARIABLES[name] = (units, long_name)


def lookup(name: str) -> tuple[str, str]:
    """(units, long_name) of ``name``; KeyError if the name is not in the vocabulary."""
    return VARIABLES[name]
