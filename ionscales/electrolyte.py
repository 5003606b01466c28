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
from collections.abc import Sequence
from dataclasses import dataclass, field, replace

import numpy as np

from ionscales.constants import (
    avogadro,
    boltzmann,
    elementary_charge,
    vacuum_permittivity,
)
from ionscales.errors import ParameterError
from ionscales.validation import check_concentration

__all__ = ["Ion", "Solvent", "Electrolyte", "bjerrum_length"]


def _positive_number(name: str, value, unit: str, *, optional: bool = False):
    if value is None and optional:
        return
    if isinstance(value, bool) or not isinstance(value, (int, float, np.floating, np.integer)):
        raise ParameterError(name, f"must be a number > 0 [{unit}]", value)
    if not math.isfinite(value) or value <= 0:
        raise ParameterError(name, f"must be finite and > 0 [{unit}]", value)


def bjerrum_length(permittivity, temperature):
    """Bjerrum length l_B = e^2 / (4 pi eps0 eps_r k T) [m].

    Parameters
    ----------
    permittivity : float or array_like
        Relative permittivity eps_r [1], > 0.
    temperature : float or array_like
        Temperature [K], > 0.
    """
    eps = np.asarray(permittivity, dtype=float)
    temp = np.asarray(temperature, dtype=float)
    if np.any(~np.isfinite(eps)) or np.any(eps <= 0):
        raise ParameterError("permittivity", "must be finite and > 0 (relative permittivity)", permittivity)
    if np.any(~np.isfinite(temp)) or np.any(temp <= 0):
        raise ParameterError("temperature", "must be finite and > 0 K", temperature)
    out = elementary_charge**2 / (4 * math.pi * vacuum_permittivity * eps * boltzmann * temp)
    return float(out) if out.ndim == 0 else out


@dataclass(frozen=True)
class Ion:
    """One ionic species.

    Parameters
    ----------
    name : str
        Label, e.g. ``"Na+"``.
    charge : int
        Valence z (whole number; 0 for a neutral species in an explicit ``ions=`` list).
    diameter : float
        Hard-sphere (contact) diameter [m].
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
            raise ParameterError("charge", "must be a whole number (valence)", self.charge)
        # charge 0 is a neutral species (e.g. the solvent spheres of the solvent primitive
        # model): allowed in an explicit ions= list, rejected as cation/anion of a binary salt
        _positive_number("diameter", self.diameter, "m")
        if self.diameter > 1e-7:
            raise ParameterError("diameter", "must be in metres (> 0 and < 1e-7 m); use units.nm", self.diameter)
        _positive_number("diffusivity", self.diffusivity, "m^2/s", optional=True)
        _positive_number("molar_mass", self.molar_mass, "kg/mol", optional=True)


@dataclass(frozen=True)
class Solvent:
    """A dielectric continuum with optional molecular data.

    Parameters
    ----------
    name : str
    permittivity : float
        Relative permittivity eps_r [1], > 0.
    temperature : float
        [K], > 0. Default 298.15 K.
    density : float, optional
        Pure-solvent mass density [kg/m^3].
    molar_mass : float, optional
        [kg/mol].
    viscosity : float, optional
        Dynamic viscosity [Pa s] (Stokes–Einstein diffusivities of clusters).
    """

    name: str
    permittivity: float
    temperature: float = 298.15
    density: float | None = None
    molar_mass: float | None = None
    viscosity: float | None = None

    def __post_init__(self):
        if not isinstance(self.name, str) or not self.name:
            raise ParameterError("name", "must be a non-empty string", self.name)
        _positive_number("permittivity", self.permittivity, "1, relative permittivity")
        _positive_number("temperature", self.temperature, "K")
        _positive_number("density", self.density, "kg/m^3", optional=True)
        _positive_number("molar_mass", self.molar_mass, "kg/mol", optional=True)
        _positive_number("viscosity", self.viscosity, "Pa s", optional=True)

    @property
    def molecular_volume(self) -> float:
        """Volume per solvent molecule M/(rho N_A) [m^3] (needs density and molar mass)."""
        if self.density is None or self.molar_mass is None:
            raise ParameterError("solvent", f"{self.name!r} needs density and molar_mass for a molecular volume")
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
    """

    ions: tuple[Ion, ...]
    stoichiometry: tuple[float, ...]
    solvent: Solvent
    name: str
    references: tuple[str, ...] = field(default=())
    notes: str = ""

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
    ):
        if not isinstance(solvent, Solvent):
            raise ParameterError("solvent", "must be a Solvent", solvent)
        if ions is None:
            if not isinstance(cation, Ion) or not isinstance(anion, Ion):
                raise ParameterError("cation/anion", "a binary salt needs an Ion for each (or pass ions=)")
            if cation.charge <= 0:
                raise ParameterError("cation", "must have a positive charge", cation.charge)
            if anion.charge >= 0:
                raise ParameterError("anion", "must have a negative charge", anion.charge)
            g = math.gcd(int(cation.charge), int(-anion.charge))
            ions = (cation, anion)
            derived = (float(-anion.charge // g), float(cation.charge // g))
            if stoichiometry is not None and not np.allclose(stoichiometry, derived):
                raise ParameterError(
                    "stoichiometry",
                    f"of a binary salt is fixed by electroneutrality to {derived}",
                    stoichiometry,
                )
            stoichiometry = derived
        else:
            if cation is not None or anion is not None:
                raise ParameterError("ions", "give either cation/anion or ions=, not both")
            ions = tuple(ions)
            if len(ions) < 2 or not all(isinstance(i, Ion) for i in ions):
                raise ParameterError("ions", "must be a sequence of at least two Ion objects", ions)
            if stoichiometry is None:
                raise ParameterError("stoichiometry", "is required with ions= (ions per formula unit)")
        nu = tuple(float(x) for x in stoichiometry)
        if len(nu) != len(ions):
            raise ParameterError("stoichiometry", f"needs one entry per ion ({len(ions)})", stoichiometry)
        if any((not math.isfinite(x)) or x <= 0 for x in nu):
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
        return self.ion_concentrations(concentration) * avogadro

    def ionic_strength(self, concentration) -> np.ndarray | float:
        """Ionic strength I = (1/2) sum_i nu_i c z_i^2 [mol/m^3] (same shape as c)."""
        c = check_concentration(concentration)
        out = 0.5 * c * float(np.sum(self.nu * self.charges**2))
        return float(out) if out.ndim == 0 else out

    def molarity(self, molality, *, solution_density=None, apparent_molar_volume=None):
        """Molality [mol/kg] -> molarity [mol/m^3]; see :func:`ionscales.units.molality_to_molarity`.

        Uses the solvent density and the salt molar mass (both must be known).
        """
        from ionscales.units import molality_to_molarity

        if self.solvent.density is None:
            raise ParameterError("solvent.density", f"unknown for {self.solvent.name!r}; needed for molality")
        return molality_to_molarity(
            molality,
            solvent_density=self.solvent.density,
            salt_molar_mass=self.salt_molar_mass,
            apparent_molar_volume=apparent_molar_volume,
            solution_density=solution_density,
        )

    def molality(self, concentration, *, solution_density=None, apparent_molar_volume=None):
        """Molarity [mol/m^3] -> molality [mol/kg]; inverse of :meth:`molarity`."""
        from ionscales.units import molarity_to_molality

        if self.solvent.density is None:
            raise ParameterError("solvent.density", f"unknown for {self.solvent.name!r}; needed for molality")
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
    ) -> Electrolyte:
        """A copy with changed permittivity [1], temperature [K] or diameters [m].

        ``diameter`` sets every ion's diameter; ``diameters`` sets them one by one.
        """
        solvent = self.solvent
        if permittivity is not None or temperature is not None:
            solvent = replace(
                solvent,
                permittivity=solvent.permittivity if permittivity is None else permittivity,
                temperature=solvent.temperature if temperature is None else temperature,
            )
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
        )

    def describe(self) -> str:
        """One-line human summary."""
        parts = ", ".join(
            f"{i.name} (z={i.charge:+d}, d={i.diameter * 1e9:.3g} nm, nu={n:g})"
            for i, n in zip(self.ions, self.nu)
        )
        return (
            f"{self.name}: {parts}; eps_r={self.permittivity:g}, T={self.temperature:g} K"
        )
