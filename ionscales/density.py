"""Solution density data: molality <-> molarity from measured volumetric properties.

A salt concentration on the molar scale c [mol/m^3] and on the molal scale m [mol/kg]
are related through the solution density rho(m):

    c = m rho / (1 + m M_salt) = m / (1/rho_w + m V_phi(m)),

with V_phi the apparent molar volume of the salt and rho_w the pure-solvent density.
This module holds the density models an :class:`~ionscales.Electrolyte` can carry
(``Electrolyte(..., density_model=...)``):

* :class:`PitzerVolume`: the Pitzer apparent-molar-volume equation with published
  parameters (aqueous NaCl, KCl, LiCl, CaCl2 ship in ``ionscales/data``; see
  ``ionscales/data/PROVENANCE.md``), :func:`pitzer_volume` loads one;
* :class:`TabulatedDensity`: measured solution densities versus molality, interpolated;
  :func:`tabulated_density` loads a shipped data set (``ionscales/data/solution_density.csv``:
  [C4C1Pyrr][NTf2] in propylene carbonate; LiTFSI in water, Gilbert et al. 2017).

Without a model, :meth:`Electrolyte.molarity` falls back on ``V_phi = M_salt / rho_w``
(ideal mixing at the solvent's density) and warns (``ValidityWarning``): that estimate
is 1-20 % off for concentrated salts (NaCl 4 mol/kg: 3.23 M instead of 3.69 M).

References
----------
P. M. May, D. Rowland, G. Hefter and E. Königsberger, "A generic and updatable Pitzer
characterization of aqueous binary electrolyte solutions at 1 bar and 25 C", J. Chem.
Eng. Data 56, 5066 (2011), doi:10.1021/je2009329.

Gilbert et al., J. Chem. Eng. Data 62, 2056 (2017), doi:10.1021/acs.jced.7b00135 (LiTFSI +
water densities at 298.15 K, shipped; via NIST ILThermo).

K. S. Pitzer, J. C. Peiper and R. H. Busey, "Thermodynamic properties of aqueous sodium
chloride solutions", J. Phys. Chem. Ref. Data 13, 1 (1984) (test data).
"""

from __future__ import annotations

import csv
import math
import warnings
from dataclasses import dataclass, field
from importlib import resources

import numpy as np

from ionscales.constants import gas_constant
from ionscales.errors import ParameterError, ValidityWarning
from ionscales.validation import as_float_array, suggest

__all__ = [
    "DensityModel",
    "PitzerVolume",
    "TabulatedDensity",
    "pitzer_volume",
    "tabulated_density",
    "PITZER_VOLUME_SALTS",
    "TABULATED_DENSITY_SYSTEMS",
    "DEBYE_HUCKEL_VOLUME_SLOPE",
]

#: Debye–Hückel slope A_V of the apparent molar volume of water at 25 C, Pitzer convention
#: [m^3 kg^1/2 mol^-3/2] (1.875 cm^3 kg^1/2 mol^-3/2).
DEBYE_HUCKEL_VOLUME_SLOPE = 1.875e-6

_CM3 = 1e-6  # cm^3/mol -> m^3/mol
_PER_MPA = 1e-6  # kg/(mol MPa) -> kg/(mol Pa)


def _molality(value, name="molality") -> np.ndarray:
    arr = as_float_array(name, value)
    if np.any(arr < 0):
        raise ParameterError(name, "must be >= 0 mol/kg", value)
    return arr


class DensityModel:
    """Base of the solution-density models.

    Subclasses implement :meth:`solution_density` (rho(m) [kg/m^3]) and carry
    ``temperature`` [K] and ``source`` (citation). :meth:`molarity` and :meth:`molality`
    convert between the scales; both are vectorised.
    """

    temperature: float = 298.15
    source: str = ""
    temperature_tolerance: float = 5.0

    def solution_density(self, molality, *, solvent_density, salt_molar_mass):  # pragma: no cover
        raise NotImplementedError

    def check_temperature(self, temperature: float) -> None:
        """Warn (``ValidityWarning``) when used far from the data's temperature."""
        if abs(float(temperature) - self.temperature) > self.temperature_tolerance:
            warnings.warn(
                f"solution-density data are for {self.temperature:g} K, used at {float(temperature):g} K "
                f"(densities change by ~0.2 % per 10 K)",
                ValidityWarning,
                stacklevel=3,
            )

    def molarity(self, molality, *, solvent_density, salt_molar_mass):
        """c = m rho(m) / (1 + m M) [mol/m^3] for molality [mol/kg]."""
        m = _molality(molality)
        rho = self.solution_density(
            m, solvent_density=solvent_density, salt_molar_mass=salt_molar_mass
        )
        return m * rho / (1.0 + m * salt_molar_mass)

    def molality(self, concentration, *, solvent_density, salt_molar_mass, tolerance=1e-13):
        """Inverse of :meth:`molarity` [mol/kg] for concentration [mol/m^3] (vectorised bisection).

        Raises ``ParameterError`` when ``concentration`` exceeds the largest molarity the
        model reaches on its molality range.
        """
        c = _molality(concentration, "concentration")
        lo = np.zeros_like(c)
        m_top = self._molality_ceiling()
        # m = (c/rho_w)/(1 - c V_phi) <= 100 c/rho_w unless the solvent is < 1 % of the volume
        hi = np.minimum(m_top, 100.0 * c / solvent_density)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", ValidityWarning)  # range warnings: issued once below
            c_top = self.molarity(
                m_top, solvent_density=solvent_density, salt_molar_mass=salt_molar_mass
            )
            if np.any(c > c_top):
                raise ParameterError(
                    "concentration",
                    f"exceeds {float(c_top):.6g} mol/m^3, the largest molarity of the density data "
                    f"({self.source.split(',')[0]})",
                    concentration,
                )
            for _ in range(200):
                mid = 0.5 * (lo + hi)
                cm = self.molarity(
                    mid, solvent_density=solvent_density, salt_molar_mass=salt_molar_mass
                )
                below = cm < c
                lo = np.where(below, mid, lo)
                hi = np.where(below, hi, mid)
                if np.all(hi - lo <= tolerance * np.maximum(hi, 1e-300)):
                    break
        m = np.where(c > 0, 0.5 * (lo + hi), 0.0)
        back = self.molarity(m, solvent_density=solvent_density, salt_molar_mass=salt_molar_mass)
        if np.any(np.abs(back - c) > 1e-9 * np.maximum(c, 1e-300)):
            raise ParameterError(
                "concentration",
                "could not be converted to a molality with the density data (solvent below 1 % of the volume?)",
                concentration,
            )
        return m

    def _molality_ceiling(self) -> float:
        return 100.0


@dataclass(frozen=True)
class PitzerVolume(DensityModel):
    """Pitzer apparent molar volume of a binary salt M_nu+ X_nu- in water.

    Parameters
    ----------
    salt : str
        Label.
    charges : tuple of int
        (z+, z-).
    stoichiometry : tuple of float
        (nu+, nu-).
    standard_volume : float
        V0, the infinite-dilution partial molar volume [m^3/mol].
    beta0, beta1 : float
        Volumetric ion-interaction parameters [kg/(mol Pa)].
    c_phi : float
        [kg^2/(mol^2 Pa)].
    max_molality : float
        Range of the fit [mol/kg].
    validated_molality : float
        Molality up to which the package's tests check the densities against independent
        data [mol/kg]; above it (and above ``max_molality``) a ``ValidityWarning``.
    temperature : float
        Of the parameters [K] (298.15).
    source : str

    Notes
    -----
    V_phi = V0 + nu |z+ z-| (A_V/2b) ln(1 + b sqrt(I)) + nu+ nu- RT [2 m B^V + m^2 sqrt(nu+ nu-) C^phiV],
    B^V = beta0 + beta1 g(alpha sqrt(I)), g(x) = 2[1 - (1 + x)e^-x]/x^2, alpha = 2 and
    b = 1.2 kg^1/2 mol^-1/2; I = m (nu+ z+^2 + nu- z-^2)/2 [mol/kg]; the solution density is
    rho = (1 + m M)/(1/rho_w + m V_phi).

    References
    ----------
    May, Rowland, Hefter & Königsberger, J. Chem. Eng. Data 56, 5066 (2011),
    doi:10.1021/je2009329.
    """

    salt: str
    charges: tuple[int, int]
    stoichiometry: tuple[float, float]
    standard_volume: float
    beta0: float
    beta1: float
    c_phi: float
    max_molality: float
    validated_molality: float
    temperature: float = 298.15
    source: str = "May, Rowland, Hefter & Koenigsberger, J. Chem. Eng. Data 56, 5066 (2011), doi:10.1021/je2009329"
    alpha: float = field(default=2.0, repr=False)
    b: float = field(default=1.2, repr=False)

    def apparent_molar_volume(self, molality):
        """V_phi(m) [m^3/mol]."""
        m = _molality(molality)
        (zp, zm), (nup, num) = self.charges, self.stoichiometry
        ionic = 0.5 * m * (nup * zp**2 + num * zm**2)
        root = np.sqrt(ionic)
        x = self.alpha * root
        xs = np.where(x > 1e-6, x, 1.0)
        g = np.where(x > 1e-6, 2 * (1 - (1 + xs) * np.exp(-xs)) / xs**2, 1.0 - 2 * x / 3)
        b_v = self.beta0 + self.beta1 * g
        rt = gas_constant * self.temperature
        dh = (
            (nup + num)
            * abs(zp * zm)
            * DEBYE_HUCKEL_VOLUME_SLOPE
            / (2 * self.b)
            * np.log1p(self.b * root)
        )
        excess = nup * num * rt * (2 * m * b_v + m**2 * math.sqrt(nup * num) * self.c_phi)
        return self.standard_volume + dh + excess

    def solution_density(self, molality, *, solvent_density, salt_molar_mass):
        """rho(m) [kg/m^3]; ``ValidityWarning`` beyond the validated/fitted molality."""
        m = _molality(molality)
        limit = min(self.validated_molality, self.max_molality)
        if np.any(m > limit * 1.01):  # 1 % slack: the checks use data points on a mass-% grid
            warnings.warn(
                f"{self.salt} solution density used at {float(np.max(m)):.4g} mol/kg, beyond "
                f"{limit:g} mol/kg where the volumetric parameters are checked against data",
                ValidityWarning,
                stacklevel=3,
            )
        return (1.0 + m * salt_molar_mass) / (
            1.0 / solvent_density + m * self.apparent_molar_volume(m)
        )

    def _molality_ceiling(self) -> float:
        return 2.0 * self.max_molality


@dataclass(frozen=True)
class TabulatedDensity(DensityModel):
    """Measured solution densities versus molality (apparent molar volume interpolated, PCHIP).

    Parameters
    ----------
    molality_points : sequence of float
        Strictly increasing molalities [mol/kg], >= 0 (a point at 0 is ignored: the pure
        solvent's density is used there).
    density_points : sequence of float
        Solution densities [kg/m^3] at those molalities.
    temperature : float
        Of the data [K].
    source : str
        Citation of the data.
    reference_solvent_density : float, optional
        Pure-solvent density of the data set itself [kg/m^3]. When given, the apparent
        molar volume and the conversions use it instead of the electrolyte's solvent
        density, so that data measured against a slightly different pure-solvent density
        are reproduced exactly (the dilute limit is then c -> m * reference_solvent_density).

    Notes
    -----
    The apparent molar volume derived from the data is interpolated (monotone cubic);
    below the first non-zero point it is held at that point's value; beyond the last point a ``ValidityWarning`` is issued and the end value's apparent
    molar volume is held constant.
    """

    molality_points: tuple[float, ...]
    density_points: tuple[float, ...]
    temperature: float
    source: str
    reference_solvent_density: float | None = None

    def __post_init__(self):
        m = as_float_array("molality_points", self.molality_points, ndim=1)
        rho = as_float_array("density_points", self.density_points, ndim=1)
        if m.size < 2 or m.size != rho.size:
            raise ParameterError(
                "molality_points",
                "needs >= 2 points and one density per molality",
                self.molality_points,
            )
        if np.any(np.diff(m) <= 0) or m[0] < 0:
            raise ParameterError(
                "molality_points",
                "must be >= 0 and strictly increasing [mol/kg]",
                self.molality_points,
            )
        if np.any(rho <= 0):
            raise ParameterError("density_points", "must be > 0 kg/m^3", self.density_points)
        ref = self.reference_solvent_density
        if ref is not None and not (math.isfinite(ref) and ref > 0):
            raise ParameterError("reference_solvent_density", "must be finite and > 0 kg/m^3", ref)
        object.__setattr__(self, "molality_points", tuple(float(v) for v in m))
        object.__setattr__(self, "density_points", tuple(float(v) for v in rho))

    def apparent_molar_volume(self, molality, *, solvent_density, salt_molar_mass):
        """V_phi = (1 + m M)/(m rho) - 1/(m rho_w) [m^3/mol] from the interpolated density."""
        from scipy.interpolate import PchipInterpolator

        if self.reference_solvent_density is not None:
            solvent_density = self.reference_solvent_density
        m_pts = np.asarray(self.molality_points)
        rho_pts = np.asarray(self.density_points)
        v_pts = ((1 + m_pts * salt_molar_mass) / rho_pts - 1 / solvent_density) / np.where(
            m_pts > 0, m_pts, 1.0
        )
        keep = m_pts > 0
        m = _molality(molality)
        mk, vk = m_pts[keep], v_pts[keep]
        if mk.size >= 2:
            inside = PchipInterpolator(mk, vk, extrapolate=False)(np.clip(m, mk[0], mk[-1]))
        else:
            inside = np.full(m.shape, vk[0])
        return np.where(m < mk[0], vk[0], inside)

    def solution_density(self, molality, *, solvent_density, salt_molar_mass):
        """rho(m) [kg/m^3] (``ValidityWarning`` beyond the last data point)."""
        m = _molality(molality)
        if np.any(m > self.molality_points[-1] * (1 + 1e-9)):
            warnings.warn(
                f"solution density extrapolated beyond the last data point "
                f"({self.molality_points[-1]:g} mol/kg)",
                ValidityWarning,
                stacklevel=3,
            )
        if self.reference_solvent_density is not None:
            solvent_density = self.reference_solvent_density
        v = self.apparent_molar_volume(
            m, solvent_density=solvent_density, salt_molar_mass=salt_molar_mass
        )
        return (1.0 + m * salt_molar_mass) / (1.0 / solvent_density + m * v)

    def _molality_ceiling(self) -> float:
        return 2.0 * self.molality_points[-1]


_SALT_CHARGES = {
    "NaCl": ((1, -1), (1.0, 1.0)),
    "KCl": ((1, -1), (1.0, 1.0)),
    "LiCl": ((1, -1), (1.0, 1.0)),
    "CaCl2": ((2, -1), (1.0, 2.0)),
}


def _load_table() -> dict[str, dict[str, float]]:
    text = resources.files("ionscales").joinpath("data/apparent_molar_volume.csv").read_text()
    rows = csv.DictReader(line for line in text.splitlines() if line and not line.startswith("#"))
    return {r["salt"]: {k: float(v) for k, v in r.items() if k != "salt"} for r in rows}


_TABLE = _load_table()

#: Salts with shipped Pitzer volumetric parameters.
PITZER_VOLUME_SALTS = tuple(sorted(_TABLE))


def pitzer_volume(salt: str) -> PitzerVolume:
    """The shipped :class:`PitzerVolume` of ``salt`` (one of :data:`PITZER_VOLUME_SALTS`)."""
    if salt not in _TABLE:
        raise ParameterError(
            "salt",
            f"no volumetric data for {salt!r}; available: {', '.join(PITZER_VOLUME_SALTS)}."
            f"{suggest(str(salt), PITZER_VOLUME_SALTS)}",
        )
    row = _TABLE[salt]
    charges, nu = _SALT_CHARGES[salt]
    return PitzerVolume(
        salt=salt,
        charges=charges,
        stoichiometry=nu,
        standard_volume=row["V0"] * _CM3,
        beta0=row["beta0"] * _PER_MPA,
        beta1=row["beta1"] * _PER_MPA,
        c_phi=row["c_phi"] * _PER_MPA,
        max_molality=row["max_molality"],
        validated_molality=row["validated_molality"],
    )


# ---------------------------------------------------------------------------------------
# Shipped tabulated solution densities (ionscales/data/solution_density.csv)

#: Per system: molar mass of the molecular solvent [kg/mol] (to turn the tabulated solvent
#: mole fractions into molalities) and the citation. See ionscales/data/PROVENANCE.md.
_TABULATED_SYSTEMS = {
    "[C4C1Pyrr][NTf2] in PC": {
        "solvent_molar_mass": 102.09e-3,  # propylene carbonate, C4H6O3
        "salt_molar_mass": 422.41e-3,  # [C4C1Pyrr][NTf2]
        "source": "[C4C1Pyrr][NTf2] + propylene carbonate densities at 298.15 K, "
        "J. Solution Chem. (2010), doi:10.1007/s10953-010-9562-5 (as stored in NIST ILThermo); "
        "see ionscales/data/PROVENANCE.md",
    },
    "LiTFSI(aq)": {
        "solvent_molar_mass": 18.01528e-3,  # water
        "salt_molar_mass": 287.091e-3,  # LiTFSI (Li 6.941 + TFSI 280.15 g/mol, as the preset)
        "source": "LiTFSI + water densities at 298.15 K (1.31-21 mol/kg), Gilbert et al., "
        "J. Chem. Eng. Data 62, 2056 (2017), doi:10.1021/acs.jced.7b00135 (1.31-14.1 mol/kg as "
        "stored in NIST ILThermo; 21 mol/kg as quoted by ddmms/ml-peg); see "
        "ionscales/data/PROVENANCE.md",
    },
}

#: Systems with shipped tabulated solution densities (:func:`tabulated_density`).
TABULATED_DENSITY_SYSTEMS = tuple(sorted(_TABULATED_SYSTEMS))


def _load_solution_density_rows() -> list[dict[str, str]]:
    text = resources.files("ionscales").joinpath("data/solution_density.csv").read_text()
    return list(
        csv.DictReader(line for line in text.splitlines() if line and not line.startswith("#"))
    )


def tabulated_density(system: str) -> TabulatedDensity:
    """The shipped measured solution densities of ``system`` as a :class:`TabulatedDensity`.

    Parameters
    ----------
    system : str
        One of :data:`TABULATED_DENSITY_SYSTEMS` (a preset name).

    Returns
    -------
    TabulatedDensity
        Densities [kg/m^3] versus molality [mol/kg]: m = x_salt / (x_solvent M_solvent)
        from tabulated mole fractions, m = w_salt / (w_solvent M_salt) from mass
        fractions. Where the table has a pure-solvent row, its density is the
        ``reference_solvent_density``; otherwise the electrolyte's solvent density is used.
        The pure-salt end (solvent fraction 0, infinite molality) is not representable on
        the molal scale and is left out.

    Notes
    -----
    Valid at the data's temperature (298.15 K; ``ValidityWarning`` beyond 5 K) and up to
    the last finite molality of the table (``ValidityWarning`` beyond it).
    """
    if system not in _TABULATED_SYSTEMS:
        raise ParameterError(
            "system",
            f"no tabulated densities for {system!r}; available: {', '.join(TABULATED_DENSITY_SYSTEMS)}."
            f"{suggest(str(system), TABULATED_DENSITY_SYSTEMS)}",
        )
    meta = _TABULATED_SYSTEMS[system]
    rows = [r for r in _load_solution_density_rows() if r["system"] == system]
    bases = {r["basis"] for r in rows}
    temps = {float(r["temperature"]) for r in rows}
    if len(temps) != 1 or len(bases) != 1 or not bases <= {"mole fraction", "mass fraction"}:
        raise ParameterError(
            "system", "data table needs one temperature and one composition basis", system
        )
    frac = np.array([float(r["solvent_fraction"]) for r in rows])
    rho = np.array([float(r["density"]) for r in rows])
    # the pure-solvent row, where the source has one, is the data set's own rho_w
    reference = float(rho[frac == 1.0][0]) if np.any(frac == 1.0) else None
    keep = (frac > 0) & (frac < 1)
    if bases == {"mole fraction"}:
        molality = (1 - frac[keep]) / (frac[keep] * meta["solvent_molar_mass"])
    else:
        molality = (1 - frac[keep]) / (frac[keep] * meta["salt_molar_mass"])
    order = np.argsort(molality)
    return TabulatedDensity(
        tuple(molality[order]),
        tuple(rho[keep][order]),
        temperature=temps.pop(),
        source=meta["source"],
        reference_solvent_density=reference,
    )
