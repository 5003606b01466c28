"""Core data model: :class:`Ion`, :class:`Solvent` and :class:`Electrolyte`.

All are frozen dataclasses validated on construction (bad values raise
:class:`~ionscales.errors.ParameterError`). Quantities are SI: diameters [m],
diffusivities [m^2/s], molar masses [kg/mol], densities [kg/m^3], viscosity [Pa s],
temperature [K]; the permittivity is relative (dimensionless).

A concentration ``c`` passed to an :class:`Electrolyte` method is the concentration of
formula units of the salt [mol/m^3]; ion ``i`` is present at ``nu_i c`` where ``nu_i`` is
its stoichiometric number (derived from the charges for a binary z:z' salt, e.g. CaCl2:
nu = (1, 2)).
"""

from __future__ import annotations

import math
import warnings
from collections.abc import Sequence
from dataclasses import dataclass, field, replace

import numpy as np

from ionscales.constants import (
    avogadro,
    boltzmann,
    elementary_charge,
    vacuum_permittivity,
)
from ionscales.errors import ParameterError, ValidityWarning
from ionscales.validation import as_1d_array, check_concentration, check_positive, check_quantity

__all__ = ["Ion", "Solvent", "Electrolyte", "bjerrum_length"]


#: hard range of an ion (or ion-cluster) diameter [m]: no ion is smaller than 0.01 nm (Li+ is
#: ~0.15 nm across) and the hard-sphere / Bjerrum-pairing terms of the models overflow below
#: ~1e-12 m; nothing above 100 nm is an ion (nanometres typed as metres). Values between 5 nm
#: and 100 nm are accepted with a ValidityWarning.
DIAMETER_RANGE = (1e-11, 1e-7)


def _set_positive(obj, name: str, unit: str, *, optional: bool = False) -> None:
    """Validate field ``name`` of a frozen dataclass as one finite real number > 0 [unit]
    (:func:`ionscales.validation.check_quantity`; ``None`` kept when ``optional``) and store
    it as a float."""
    value = getattr(obj, name)
    if value is None and optional:
        return
    value = check_quantity(name, value, unit=unit, low=0.0, low_inclusive=False, scalar=True)
    object.__setattr__(obj, name, value)


def bjerrum_length(permittivity, temperature):
    """Bjerrum length l_B = e^2 / (4 pi eps0 eps_r k T) [m].

    Parameters
    ----------
    permittivity : float or array_like
        Relative permittivity eps_r [1], > 0.
    temperature : float or array_like
        Temperature [K], > 0.
    """
    eps = check_positive("permittivity", permittivity)
    temp = check_positive("temperature", temperature, "K")
    try:
        np.broadcast_shapes(eps.shape, temp.shape)
    except ValueError:
        raise ParameterError(
            "temperature", f"shape {temp.shape} does not broadcast with permittivity {eps.shape}"
        ) from None
    with np.errstate(over="ignore", divide="ignore"):
        out = elementary_charge**2 / (4 * math.pi * vacuum_permittivity * eps * boltzmann * temp)
    if not np.all(np.isfinite(out)):  # eps_r T below ~1e-290 K (e.g. temperature=1e-300)
        raise ParameterError(
            "temperature",
            "times permittivity is so small that the Bjerrum "
            "length overflows (> 1e308 m); temperatures are in K",
            temperature,
        )
    return float(out) if out.ndim == 0 else out


@dataclass(frozen=True)
class Ion:
    """One ionic species.

    Parameters
    ----------
    name : str
        Label, e.g. ``"Na+"``.
    charge : int
        Valence z (whole number). ``0`` is a neutral species (e.g. a solvent sphere in a
        solvent primitive model); it may appear in a mixture ``Electrolyte(ions=...)``
        but not as the cation or anion of a binary salt.
    diameter : float
        Hard-sphere (contact) diameter [m], 1e-11..1e-7 m (``DIAMETER_RANGE``;
        ``ParameterError`` outside); above 5 nm a ``ValidityWarning`` (a unit mistake?).
    diffusivity : float, optional
        Self-diffusion coefficient at infinite dilution [m^2/s].
    molar_mass : float, optional
        [kg/mol].
    """

    name: str
    charge: int
    diameter: float
    diffusivity: float | None = None
    molar_mass: float | None = None

    def __post_init__(self):
        if not isinstance(self.name, str) or not self.name:
            raise ParameterError("name", "must be a non-empty string", self.name)
        if isinstance(self.charge, bool) or not isinstance(self.charge, (int, np.integer)):
            raise ParameterError(
                "charge", "must be a whole number (valence; 0 for a neutral species)", self.charge
            )
        _set_positive(self, "diameter", "m")
        low, high = DIAMETER_RANGE
        if not low <= self.diameter <= high:
            raise ParameterError(
                "diameter",
                f"must be in metres, {low:g}..{high:g} m (ions are ~0.1-1.5 nm); use units.nm",
                self.diameter,
            )
        if self.diameter > 5e-9:
            warnings.warn(
                f"{self.name}: diameter = {self.diameter:g} m is above 5 nm (ions are 0.2-1.5 nm): a unit "
                "mistake? (use units.nm or units.angstrom)",
                ValidityWarning,
                stacklevel=3,
            )
        _set_positive(self, "diffusivity", "m^2/s", optional=True)
        _set_positive(self, "molar_mass", "kg/mol", optional=True)


@dataclass(frozen=True)
class Solvent:
    """A dielectric continuum with optional molecular data.

    Parameters
    ----------
    name : str
    permittivity : float, optional
        Relative permittivity eps_r [1] at ``temperature``, > 0. May be omitted when
        ``permittivity_model`` is given (it is then evaluated at ``temperature``).
    temperature : float
        [K], > 0. Default 298.15 K.
    density : float, optional
        Pure-solvent mass density [kg/m^3].
    molar_mass : float, optional
        [kg/mol].
    viscosity : float, optional
        Dynamic viscosity [Pa s] (Stokes–Einstein diffusivities of clusters).
    permittivity_model : ionscales.dielectric.PermittivityModel, optional
        eps_r(T) of the solvent (e.g. ``dielectric.WATER_MALMBERG_MARYOTT``). With it,
        :meth:`at_temperature` (and ``Electrolyte.with_(temperature=...)``) re-evaluates
        the permittivity; without it the permittivity is held constant and a
        ``ValidityWarning`` says so when the temperature moves by more than 5 K.

    Notes
    -----
    The permittivity every model uses is ``solvent.permittivity``: the one place where
    eps_r(T) enters. A relative permittivity below 1 or a temperature outside
    150–1000 K is accepted but flagged (``ValidityWarning``): it is usually a unit mistake.
    """

    name: str
    permittivity: float | None = None
    temperature: float = 298.15
    density: float | None = None
    molar_mass: float | None = None
    viscosity: float | None = None
    permittivity_model: object | None = None

    def __post_init__(self):
        from ionscales.dielectric import PermittivityModel

        if not isinstance(self.name, str) or not self.name:
            raise ParameterError("name", "must be a non-empty string", self.name)
        _set_positive(self, "temperature", "K")
        if self.permittivity_model is not None and not isinstance(
            self.permittivity_model, PermittivityModel
        ):
            raise ParameterError(
                "permittivity_model",
                "must be an ionscales.dielectric.PermittivityModel or None",
                self.permittivity_model,
            )
        if self.permittivity is None:
            if self.permittivity_model is None:
                raise ParameterError(
                    "permittivity", "is required (or give permittivity_model=) [1, relative]"
                )
            object.__setattr__(
                self, "permittivity", float(self.permittivity_model(self.temperature))
            )
        _set_positive(self, "permittivity", "")
        _set_positive(self, "density", "kg/m^3", optional=True)
        _set_positive(self, "molar_mass", "kg/mol", optional=True)
        _set_positive(self, "viscosity", "Pa s", optional=True)
        if self.permittivity < 1:
            warnings.warn(
                f"permittivity = {self.permittivity:g} < 1: a static relative permittivity is >= 1 "
                "(was an absolute permittivity or a fraction given?)",
                ValidityWarning,
                stacklevel=3,
            )
        if not 150.0 <= self.temperature <= 1000.0:
            warnings.warn(
                f"temperature = {self.temperature:g} K is outside 150-1000 K (liquid electrolytes): "
                "was it given in Celsius?",
                ValidityWarning,
                stacklevel=3,
            )

    def at_temperature(self, temperature: float) -> Solvent:
        """A copy at ``temperature`` [K], with eps_r(T) from ``permittivity_model``.

        Without a model the permittivity is kept and a ``ValidityWarning`` is issued when
        the temperature changes by more than 5 K.
        """
        temperature = check_quantity(
            "temperature", temperature, unit="K", low=0.0, low_inclusive=False, scalar=True
        )
        if self.permittivity_model is not None:
            return replace(self, temperature=temperature, permittivity=None)
        if abs(temperature - self.temperature) > 5.0:
            warnings.warn(
                f"solvent {self.name!r} has no eps_r(T) model: eps_r = {self.permittivity:g} (given at "
                f"{self.temperature:g} K) is used unchanged at {temperature:g} K",
                ValidityWarning,
                stacklevel=3,
            )
        return replace(self, temperature=temperature)

    @property
    def molecular_volume(self) -> float:
        """Volume per solvent molecule M/(rho N_A) [m^3] (needs density and molar mass)."""
        if self.density is None or self.molar_mass is None:
            raise ParameterError(
                "solvent", f"{self.name!r} needs density and molar_mass for a molecular volume"
            )
        return self.molar_mass / (self.density * avogadro)


@dataclass(frozen=True, init=False)
class Electrolyte:
    """Ions in a solvent, with the stoichiometry of one formula unit.

    Construct a binary salt with ``Electrolyte(cation=..., anion=..., solvent=...)``; the
    stoichiometry follows from electroneutrality (``nu+ = |z-|/g``, ``nu- = z+/g``, with
    ``g = gcd(z+, |z-|)``). A mixture is ``Electrolyte(ions=[...], stoichiometry=[...],
    solvent=...)`` with ``sum(nu_i z_i) = 0``; its concentration counts formula units of
    that stoichiometry.

    Parameters
    ----------
    cation, anion : Ion
        The two ions of a binary salt.
    solvent : Solvent
    ions : sequence of Ion, optional
        Instead of cation/anion: every ionic species.
    stoichiometry : sequence of float, optional
        Ions of each species per formula unit (> 0), electroneutral.
    name : str, optional
    references : sequence of str
        Sources of the parameter values.
    notes : str
        Free text (assumptions behind the values).
    density_model : ionscales.density.DensityModel, optional
        Measured solution density rho(m) used by :meth:`molarity` / :meth:`molality`
        (presets carry one where sourced data exist; see ``ionscales/data/PROVENANCE.md``).
    dielectric_decrement : ionscales.dielectric.DielectricDecrement, optional
        Concentration dependence of the solution permittivity, eps_r(c). When set, the
        screening ladder and the ``"msa"`` thermodynamics use it (each can switch it off
        with ``dielectric_decrement=False``); default ``None``: eps_r = solvent value.
    """

    ions: tuple[Ion, ...]
    stoichiometry: tuple[float, ...]
    solvent: Solvent
    name: str
    references: tuple[str, ...] = field(default=())
    notes: str = ""
    density_model: object | None = None
    dielectric_decrement: object | None = None

    def __init__(
        self,
        cation: Ion | None = None,
        anion: Ion | None = None,
        solvent: Solvent | None = None,
        *,
        ions: Sequence[Ion] | None = None,
        stoichiometry: Sequence[float] | None = None,
        name: str | None = None,
        references: Sequence[str] = (),
        notes: str = "",
        density_model=None,
        dielectric_decrement=None,
    ):
        from ionscales.density import DensityModel
        from ionscales.dielectric import DielectricDecrement

        if dielectric_decrement is not None and not isinstance(
            dielectric_decrement, DielectricDecrement
        ):
            raise ParameterError(
                "dielectric_decrement",
                "must be an ionscales.dielectric.DielectricDecrement or None",
                dielectric_decrement,
            )

        if density_model is not None and not isinstance(density_model, DensityModel):
            raise ParameterError(
                "density_model", "must be an ionscales.density.DensityModel or None", density_model
            )
        if not isinstance(solvent, Solvent):
            raise ParameterError("solvent", "must be a Solvent", solvent)
        if stoichiometry is not None:
            stoichiometry = as_1d_array("stoichiometry", stoichiometry)
        if ions is None:
            if not isinstance(cation, Ion) or not isinstance(anion, Ion):
                raise ParameterError(
                    "cation/anion", "a binary salt needs an Ion for each (or pass ions=)"
                )
            if cation.charge <= 0:
                raise ParameterError("cation", "must have a positive charge", cation.charge)
            if anion.charge >= 0:
                raise ParameterError("anion", "must have a negative charge", anion.charge)
            g = math.gcd(int(cation.charge), int(-anion.charge))
            ions = (cation, anion)
            derived = (float(-anion.charge // g), float(cation.charge // g))
            if stoichiometry is not None and (
                stoichiometry.shape != (2,) or not np.allclose(stoichiometry, derived)
            ):
                raise ParameterError(
                    "stoichiometry",
                    f"of a binary salt is fixed by electroneutrality to {derived}",
                    stoichiometry,
                )
            stoichiometry = derived
        else:
            if cation is not None or anion is not None:
                raise ParameterError("ions", "give either cation/anion or ions=, not both")
            if isinstance(ions, (str, bytes)) or not isinstance(ions, Sequence):
                raise ParameterError("ions", "must be a sequence of at least two Ion objects", ions)
            ions = tuple(ions)
            if len(ions) < 2 or not all(isinstance(i, Ion) for i in ions):
                raise ParameterError("ions", "must be a sequence of at least two Ion objects", ions)
            if stoichiometry is None:
                raise ParameterError(
                    "stoichiometry", "is required with ions= (ions per formula unit)"
                )
        nu = tuple(float(x) for x in stoichiometry)
        if len(nu) != len(ions):
            raise ParameterError(
                "stoichiometry", f"needs one entry per ion ({len(ions)})", stoichiometry
            )
        if any(x <= 0 for x in nu):  # finite: as_1d_array
            raise ParameterError("stoichiometry", "entries must be finite and > 0", stoichiometry)
        net = sum(n * i.charge for n, i in zip(nu, ions))
        if abs(net) > 1e-12 * max(1.0, sum(abs(n * i.charge) for n, i in zip(nu, ions))):
            raise ParameterError(
                "stoichiometry",
                f"composition is not electroneutral: sum(nu_i z_i) = {net:g}, must be 0",
                stoichiometry,
            )
        names = [i.name for i in ions]
        if len(set(names)) != len(names):
            raise ParameterError("ions", "ion names must be distinct", names)
        if not any(i.charge > 0 for i in ions) or not any(i.charge < 0 for i in ions):
            raise ParameterError("ions", "need at least one cation and one anion", names)
        if name is None:
            name = "".join(i.name.rstrip("+-0123456789") for i in ions) + f" in {solvent.name}"
        object.__setattr__(self, "ions", tuple(ions))
        object.__setattr__(self, "stoichiometry", nu)
        object.__setattr__(self, "solvent", solvent)
        object.__setattr__(self, "name", str(name))
        object.__setattr__(self, "references", tuple(str(r) for r in references))
        object.__setattr__(self, "notes", str(notes))
        object.__setattr__(self, "density_model", density_model)
        object.__setattr__(self, "dielectric_decrement", dielectric_decrement)

    # -- structure ---------------------------------------------------------------------
    @property
    def is_binary(self) -> bool:
        """True for one cation and one anion species."""
        return len(self.ions) == 2

    @property
    def cation(self) -> Ion:
        """The (first) cation."""
        return next(i for i in self.ions if i.charge > 0)

    @property
    def anion(self) -> Ion:
        """The (first) anion."""
        return next(i for i in self.ions if i.charge < 0)

    @property
    def species(self) -> list[str]:
        """Ion names, in order."""
        return [i.name for i in self.ions]

    @property
    def charges(self) -> np.ndarray:
        """Valences z_i [1]."""
        return np.array([i.charge for i in self.ions], dtype=float)

    @property
    def diameters(self) -> np.ndarray:
        """Hard-sphere diameters [m]."""
        return np.array([i.diameter for i in self.ions], dtype=float)

    @property
    def diffusivities(self) -> np.ndarray:
        """Diffusivities [m^2/s]; NaN where unknown."""
        return np.array([np.nan if i.diffusivity is None else i.diffusivity for i in self.ions])

    @property
    def nu(self) -> np.ndarray:
        """Stoichiometric numbers (ions per formula unit) [1]."""
        return np.array(self.stoichiometry, dtype=float)

    @property
    def is_symmetric(self) -> bool:
        """Binary, |z+| = |z-| and equal diameters (restricted primitive model)."""
        return (
            self.is_binary
            and self.ions[0].charge == -self.ions[1].charge
            and math.isclose(self.ions[0].diameter, self.ions[1].diameter, rel_tol=1e-12)
        )

    @property
    def contact_diameter(self) -> float:
        """Number-weighted mean cation–anion contact distance (d_+ + d_-)/2 [m].

        For a binary salt this is the cation–anion closest approach; for a mixture the
        average over cation–anion pairs weighted by their ion numbers. It is the single
        diameter used by one-diameter theories (stated in each model's docstring).
        """
        nu, z, d = self.nu, self.charges, self.diameters
        cat, an = z > 0, z < 0
        w = np.outer(nu[cat], nu[an])
        return float(np.sum(w * (d[cat][:, None] + d[an][None, :]) / 2) / np.sum(w))

    @property
    def permittivity(self) -> float:
        """Relative permittivity of the solvent [1]."""
        return self.solvent.permittivity

    @property
    def temperature(self) -> float:
        """[K]."""
        return self.solvent.temperature

    def permittivity_at(self, concentration):
        """Solution permittivity eps_r(c) [1] at salt concentration [mol/m^3] (same shape).

        With a ``dielectric_decrement`` this is the decrement law evaluated at the solvent
        permittivity (at the electrolyte's temperature); otherwise the solvent value.
        """
        c = check_concentration(concentration)
        if self.dielectric_decrement is None:
            out = np.full(c.shape, float(self.permittivity))
        else:
            out = np.asarray(self.dielectric_decrement(c, self.permittivity), dtype=float)
        return float(out) if out.ndim == 0 else out

    def at_concentration(self, concentration: float) -> Electrolyte:
        """A copy whose solvent permittivity is eps_r(c) at one salt concentration [mol/m^3]
        and without a decrement (what a model sees at that state point)."""
        eps = float(self.permittivity_at(float(concentration)))
        solvent = replace(self.solvent, permittivity=eps, permittivity_model=None)
        return Electrolyte(
            ions=self.ions,
            stoichiometry=self.stoichiometry,
            solvent=solvent,
            name=self.name,
            references=self.references,
            notes=self.notes,
            density_model=self.density_model,
        )

    @property
    def bjerrum_length(self) -> float:
        """l_B = e^2/(4 pi eps0 eps_r kT) [m]."""
        return bjerrum_length(self.permittivity, self.temperature)

    @property
    def salt_molar_mass(self) -> float:
        """Molar mass of one formula unit [kg/mol]; ParameterError if an ion's is unknown."""
        if any(i.molar_mass is None for i in self.ions):
            missing = [i.name for i in self.ions if i.molar_mass is None]
            raise ParameterError("molar_mass", f"unknown for {missing}; set Ion(molar_mass=...)")
        return float(sum(n * i.molar_mass for n, i in zip(self.nu, self.ions)))

    # -- state functions ---------------------------------------------------------------
    def ion_concentrations(self, concentration) -> np.ndarray:
        """Ion molarities nu_i c [mol/m^3]; shape ``c.shape + (n_species,)``."""
        c = check_concentration(concentration)
        return c[..., None] * self.nu

    def ion_densities(self, concentration) -> np.ndarray:
        """Ion number densities n_i = nu_i c N_A [1/m^3]; shape ``c.shape + (n_species,)``.

        Parameters
        ----------
        concentration : float or array_like
            Salt (formula-unit) concentration [mol/m^3].
        """
        with np.errstate(over="ignore"):
            out = self.ion_concentrations(concentration) * avogadro
        if not np.all(np.isfinite(out)):
            raise ParameterError(
                "concentration",
                "is so large that the ion number densities "
                "overflow (> 1e308 1/m^3); concentrations are in mol/m^3",
                concentration,
            )
        return out

    def ionic_strength(self, concentration) -> np.ndarray | float:
        """Ionic strength I = (1/2) sum_i nu_i c z_i^2 [mol/m^3] (same shape as c)."""
        c = check_concentration(concentration)
        out = 0.5 * c * float(np.sum(self.nu * self.charges**2))
        return float(out) if out.ndim == 0 else out

    def _conversion_check(self):
        if self.solvent.density is None:
            raise ParameterError(
                "solvent.density", f"unknown for {self.solvent.name!r}; needed for molality"
            )

    def _crude_conversion_warning(self):
        warnings.warn(
            f"{self.name}: no solution-density data; molality <-> molarity assumes V_phi = M_salt/rho_solvent "
            "(crude for concentrated salts); pass solution_density= or apparent_molar_volume=",
            ValidityWarning,
            stacklevel=3,
        )

    def molarity(self, molality, *, solution_density=None, apparent_molar_volume=None):
        """Molality [mol/kg] -> molarity [mol/m^3].

        Order of precedence: a measured ``solution_density`` [kg/m^3] or
        ``apparent_molar_volume`` [m^3/mol] passed here; the electrolyte's
        ``density_model`` (sourced data, evaluated at 25 C; ``ValidityWarning`` beyond
        its temperature or molality range); otherwise the crude ideal-mixing estimate
        ``V_phi = M_salt/rho_solvent``, with a ``ValidityWarning``. See
        :func:`ionscales.units.molality_to_molarity`.
        """
        from ionscales.units import molality_to_molarity

        self._conversion_check()
        if solution_density is None and apparent_molar_volume is None:
            if self.density_model is not None:
                self.density_model.check_temperature(self.temperature)
                return self.density_model.molarity(
                    molality,
                    solvent_density=self.solvent.density,
                    salt_molar_mass=self.salt_molar_mass,
                )
            self._crude_conversion_warning()
        return molality_to_molarity(
            molality,
            solvent_density=self.solvent.density,
            salt_molar_mass=self.salt_molar_mass,
            apparent_molar_volume=apparent_molar_volume,
            solution_density=solution_density,
        )

    def molality(self, concentration, *, solution_density=None, apparent_molar_volume=None):
        """Molarity [mol/m^3] -> molality [mol/kg]; inverse of :meth:`molarity` (same precedence)."""
        from ionscales.units import molarity_to_molality

        self._conversion_check()
        if solution_density is None and apparent_molar_volume is None:
            if self.density_model is not None:
                self.density_model.check_temperature(self.temperature)
                return self.density_model.molality(
                    concentration,
                    solvent_density=self.solvent.density,
                    salt_molar_mass=self.salt_molar_mass,
                )
            self._crude_conversion_warning()
        return molarity_to_molality(
            concentration,
            solvent_density=self.solvent.density,
            salt_molar_mass=self.salt_molar_mass,
            apparent_molar_volume=apparent_molar_volume,
            solution_density=solution_density,
        )

    # -- variants ----------------------------------------------------------------------
    def with_(
        self,
        *,
        permittivity: float | None = None,
        temperature: float | None = None,
        diameter: float | None = None,
        diameters: Sequence[float] | None = None,
        dielectric_decrement=...,
    ) -> Electrolyte:
        """A copy with changed permittivity [1], temperature [K] or diameters [m].

        ``temperature`` moves the solvent to that temperature: its permittivity follows
        the solvent's eps_r(T) model (:meth:`Solvent.at_temperature`). An explicit
        ``permittivity`` fixes eps_r and drops the eps_r(T) model (a later temperature
        change then keeps it, with a ``ValidityWarning``). ``diameter`` sets every ion's
        diameter; ``diameters`` sets them one by one. ``dielectric_decrement`` sets (or,
        with ``None``, removes) the eps_r(c) law.
        """
        solvent = self.solvent
        if temperature is not None:
            solvent = solvent.at_temperature(temperature)
        if permittivity is not None:
            solvent = replace(solvent, permittivity=permittivity, permittivity_model=None)
        ions = self.ions
        if diameter is not None and diameters is not None:
            raise ParameterError("diameter", "give diameter or diameters, not both")
        if diameter is not None:
            diameters = [diameter] * len(ions)
        if diameters is not None:
            if len(diameters) != len(ions):
                raise ParameterError("diameters", f"needs {len(ions)} values", diameters)
            ions = tuple(replace(i, diameter=d) for i, d in zip(ions, diameters))
        return Electrolyte(
            ions=ions,
            stoichiometry=self.stoichiometry,
            solvent=solvent,
            name=self.name,
            references=self.references,
            notes=self.notes,
            density_model=self.density_model,
            dielectric_decrement=self.dielectric_decrement
            if dielectric_decrement is ...
            else dielectric_decrement,
        )

    def __repr__(self) -> str:
        # concise (the dataclass repr runs to a screenful with sources and notes)
        ions = ", ".join(f"{i.name} z={i.charge:+d} d={i.diameter * 1e9:.3g} nm" for i in self.ions)
        return (
            f"Electrolyte({self.name!r}: {ions}; solvent {self.solvent.name}, "
            f"eps_r={self.permittivity:g}, T={self.temperature:g} K)"
        )

    def _repr_html_(self) -> str:
        from html import escape

        rows = "".join(
            f"<tr><td>{escape(i.name)}</td><td>{i.charge:+d}</td><td>{i.diameter * 1e9:.3g}</td>"
            f"<td>{n:g}</td></tr>"
            for i, n in zip(self.ions, self.nu)
        )
        refs = "".join(f"<li>{escape(r)}</li>" for r in self.references)
        return (
            f"<p><b>Electrolyte</b> {escape(str(self.name))}: solvent {escape(self.solvent.name)}, "
            f"&epsilon;<sub>r</sub> = {self.permittivity:g}, T = {self.temperature:g} K</p>"
            "<table><tr><th>ion</th><th>charge</th><th>diameter [nm]</th><th>per formula unit</th></tr>"
            f"{rows}</table>"
            + (f"<details><summary>sources</summary><ul>{refs}</ul></details>" if refs else "")
        )

    def describe(self) -> str:
        """One-line human summary."""
        parts = ", ".join(
            f"{i.name} (z={i.charge:+d}, d={i.diameter * 1e9:.3g} nm, nu={n:g})"
            for i, n in zip(self.ions, self.nu)
        )
        return f"{self.name}: {parts}; eps_r={self.permittivity:g}, T={self.temperature:g} K"
