"""Solvent permittivity: eps_r(T) of the solvents and the dielectric decrement eps_r(c).

Two kinds of object live here, both pure and vectorised (SI in, SI out):

* **Temperature models** ``eps_r(T)`` of a pure solvent: :class:`PolynomialPermittivity`
  (a published fit with its validity window, e.g. water after Malmberg & Maryott 1956)
  and :class:`ConstantPermittivity` (one sourced value at one temperature; a
  ``ValidityWarning`` when used away from it, because no temperature dependence is
  known to the package). :data:`SOLVENT_PERMITTIVITY` maps solvent names to them and
  :func:`solvent_permittivity` looks one up: water (Malmberg & Maryott), ethylene and
  propylene carbonate (CRC Handbook fits) have eps_r(T); the linear carbonates do not.
* **Dielectric decrement** ``eps_r(c)`` of a solution: the linear decrement
  ``eps_r = eps_s - alpha c`` and its saturating form by Gavish & Promislow (2016),
  ``eps_r = eps_s - beta L(3 alpha c / beta)``, ``beta = eps_s - eps_ms``, with ``L`` the
  Langevin function. :class:`DielectricDecrement` bundles the parameters and gives the
  value and its concentration derivative (the continuum layer needs both: the Born
  solvation term of a concentration-dependent permittivity is proportional to
  ``d eps_r / d c``).

The models never mutate anything: :class:`ionscales.Solvent` stores a temperature model
and evaluates it at its own temperature, so ``Electrolyte.with_(temperature=T)`` carries
the permittivity along (see :mod:`ionscales.electrolyte`).

References
----------
C. G. Malmberg and A. A. Maryott, "Dielectric constant of water from 0 to 100 C",
J. Res. Natl. Bur. Stand. 56, 1 (1956), Research Paper 2641.

N. Gavish and K. Promislow, "Dependence of the dielectric constant of electrolyte
solutions on ionic concentration: a microfield approach", Phys. Rev. E 94, 012611
(2016), doi:10.1103/PhysRevE.94.012611 (arXiv:1208.5169).

CRC Handbook of Chemistry and Physics, "Permittivity (Dielectric Constant) of Liquids"
(temperature fits of EC and PC; read as transcribed in the CalebBell/chemicals data files).

K. Xu, "Nonaqueous liquid electrolytes for lithium-based rechargeable batteries",
Chem. Rev. 104, 4303 (2004), doi:10.1021/cr030203g (Table 1: carbonate permittivities).
"""

from __future__ import annotations

import math
import warnings
from dataclasses import dataclass

import numpy as np

from ionscales.errors import ParameterError, ValidityWarning
from ionscales.validation import as_float_array, check_concentration, suggest

__all__ = [
    "PermittivityModel",
    "PolynomialPermittivity",
    "ConstantPermittivity",
    "WATER_MALMBERG_MARYOTT",
    "EC_CRC",
    "PC_CRC",
    "kelvin_to_celsius_coefficients",
    "SOLVENT_PERMITTIVITY",
    "solvent_permittivity",
    "water_permittivity",
    "langevin",
    "langevin_derivative",
    "linear_decrement",
    "gavish_promislow_decrement",
    "DielectricDecrement",
    "resolve_decrement",
]

_CELSIUS = 273.15


def _temperature(value, name: str = "temperature") -> np.ndarray:
    arr = as_float_array(name, value)
    if np.any(arr <= 0):
        raise ParameterError(name, "must be > 0 K (absolute temperature)", value)
    return arr


def _scalar_or_array(arr: np.ndarray):
    return float(arr) if arr.ndim == 0 else arr


class PermittivityModel:
    """Base of the eps_r(T) models: ``model(temperature)`` -> eps_r [1].

    Subclasses are frozen dataclasses with a ``source`` (citation text) and implement
    :meth:`__call__` (vectorised over temperature [K]).
    """

    source: str = ""

    def __call__(self, temperature):  # pragma: no cover - interface
        raise NotImplementedError


@dataclass(frozen=True)
class PolynomialPermittivity(PermittivityModel):
    """eps_r(T) = sum_k a_k t^k with t the Celsius temperature, inside a stated window.

    Parameters
    ----------
    coefficients : tuple of float
        a_0, a_1, ... of the polynomial in t [C] (a_k in C^-k).
    t_min, t_max : float
        Validity window of the fit [K]. Outside it the polynomial is extrapolated and a
        ``ValidityWarning`` is issued.
    accuracy : float
        Stated relative accuracy of the data behind the fit [1].
    source : str
        Citation of the fit.
    """

    coefficients: tuple[float, ...]
    t_min: float
    t_max: float
    accuracy: float
    source: str

    def __call__(self, temperature):
        """eps_r at ``temperature`` [K] (float or array, same shape)."""
        temp = _temperature(temperature)
        if np.any(temp < self.t_min) or np.any(temp > self.t_max):
            warnings.warn(
                f"temperature outside {self.t_min:g}..{self.t_max:g} K, the range of the "
                f"permittivity fit ({self.source.split(',')[0]}); extrapolated",
                ValidityWarning,
                stacklevel=2,
            )
        t = temp - _CELSIUS
        out = np.polynomial.polynomial.polyval(t, np.asarray(self.coefficients, dtype=float))
        if np.any(out <= 0):
            raise ParameterError(
                "temperature", "gives eps_r <= 0 from the permittivity fit", temperature
            )
        return _scalar_or_array(out)


@dataclass(frozen=True)
class ConstantPermittivity(PermittivityModel):
    """One sourced eps_r at one temperature; no temperature dependence is known.

    Parameters
    ----------
    value : float
        eps_r at ``temperature`` [1].
    temperature : float
        Temperature of the measurement [K].
    tolerance : float
        Used unchanged within ``|T - temperature| <= tolerance`` [K]; beyond that a
        ``ValidityWarning`` says the value is held constant. Default 5 K.
    source : str
        Citation of the value.
    """

    value: float
    temperature: float
    source: str
    tolerance: float = 5.0

    def __post_init__(self):
        if not (math.isfinite(self.value) and self.value > 0):
            raise ParameterError("value", "must be a finite relative permittivity > 0", self.value)
        if not (math.isfinite(self.temperature) and self.temperature > 0):
            raise ParameterError("temperature", "must be finite and > 0 K", self.temperature)
        if not (math.isfinite(self.tolerance) and self.tolerance >= 0):
            raise ParameterError("tolerance", "must be finite and >= 0 K", self.tolerance)

    def __call__(self, temperature):
        """eps_r (the constant) with the shape of ``temperature`` [K]."""
        temp = _temperature(temperature)
        if np.any(np.abs(temp - self.temperature) > self.tolerance):
            warnings.warn(
                f"no temperature dependence of eps_r is known here; the value "
                f"{self.value:g} measured at {self.temperature:g} K is used unchanged",
                ValidityWarning,
                stacklevel=2,
            )
        return _scalar_or_array(np.full(temp.shape, float(self.value)))


#: Water, Malmberg & Maryott (1956): 0..100 C; measured to better than 0.1 %, the cubic fits
#: the data within 0.01 (78.30 at 25 C, 55.72 at 100 C).
WATER_MALMBERG_MARYOTT = PolynomialPermittivity(
    coefficients=(87.740, -0.40008, 9.398e-4, -1.410e-6),
    t_min=273.15,
    t_max=373.15,
    accuracy=1e-3,
    source="Malmberg & Maryott, J. Res. Natl. Bur. Stand. 56, 1 (1956), Research Paper 2641",
)

_XU = "as compiled by K. Xu, Chem. Rev. 104, 4303 (2004), Table 1, doi:10.1021/cr030203g"
_CRC = (
    "CRC Handbook of Chemistry and Physics, 'Permittivity (Dielectric Constant) of Liquids' "
    "(fit eps = A + B T + C T^2, T in K), as transcribed in CalebBell/chemicals "
    "(chemicals/Electrolytes/Permittivity (Dielectric Constant) of Liquids.tsv)"
)


def kelvin_to_celsius_coefficients(coefficients) -> tuple[float, ...]:
    """Re-express a polynomial sum_k b_k T^k in T [K] as sum_k a_k t^k in t = T - 273.15 [C].

    Exact binomial expansion, so a fit published in kelvin (the CRC Handbook's
    ``A + B T + C T^2 + D T^3``) can be stored as a :class:`PolynomialPermittivity`
    (which evaluates in Celsius) without refitting.
    """
    b = [float(v) for v in coefficients]
    out = [0.0] * len(b)
    for k, bk in enumerate(b):
        for j in range(k + 1):
            out[j] += bk * math.comb(k, j) * _CELSIUS ** (k - j)
    return tuple(out)


#: Ethylene carbonate (liquid above its 36.4 C melting point): CRC Handbook fit
#: eps = 207.46 - 0.3761 T [K], 313-343 K (reproduces the tabulated 89.78 at 313.2 K within 0.1).
EC_CRC = PolynomialPermittivity(
    coefficients=kelvin_to_celsius_coefficients((207.46, -0.3761)),
    t_min=313.0,
    t_max=343.0,
    accuracy=2e-3,
    source=f"EC, {_CRC}; 89.78 at 40 C",
)
#: Propylene carbonate: CRC Handbook fit eps = 159.4 - 0.3953 T + 2.6284e-4 T^2 [K], 273-333 K
#: (66.14 at 293 K tabulated; 64.905 at 25 C against 64.92 in Xu 2004, Table 1).
PC_CRC = PolynomialPermittivity(
    coefficients=kelvin_to_celsius_coefficients((159.4, -0.3953, 2.6284e-4)),
    t_min=273.0,
    t_max=333.0,
    accuracy=1e-3,
    source=f"PC, {_CRC}; 66.14 at 20 C",
)

#: eps_r(T) models by solvent name. EC and PC: measured temperature dependence (CRC fits);
#: the linear carbonates (DMC, DEC, EMC): single values, no temperature data known (the CRC
#: table lists one value each: DMC 3.087 at 298.2 K, DEC 2.82 at 297.2 K, EMC 2.985 at
#: 293.2 K, no fit), so they warn beyond 5 K.
SOLVENT_PERMITTIVITY: dict[str, PermittivityModel] = {
    "water": WATER_MALMBERG_MARYOTT,
    "ethylene carbonate": EC_CRC,
    "propylene carbonate": PC_CRC,
    "dimethyl carbonate": ConstantPermittivity(3.107, 298.15, f"DMC at 25 C, {_XU}"),
    "diethyl carbonate": ConstantPermittivity(2.805, 298.15, f"DEC at 25 C, {_XU}"),
    "ethyl methyl carbonate": ConstantPermittivity(2.958, 298.15, f"EMC at 25 C, {_XU}"),
}


def solvent_permittivity(name: str) -> PermittivityModel:
    """The eps_r(T) model of a solvent in :data:`SOLVENT_PERMITTIVITY` (close matches suggested)."""
    try:
        return SOLVENT_PERMITTIVITY[name]
    except (KeyError, TypeError):
        options = sorted(SOLVENT_PERMITTIVITY)
        raise ParameterError(
            "solvent",
            f"no permittivity model for {name!r}; known: {', '.join(options)}.{suggest(str(name), options)}",
        ) from None


def water_permittivity(temperature):
    """Static relative permittivity of liquid water [1] (Malmberg & Maryott 1956).

    Parameters
    ----------
    temperature : float or array_like
        [K], > 0.

    Returns
    -------
    float or ndarray
        eps_r, same shape as ``temperature``.

    Notes
    -----
    eps_r(t) = 87.740 - 0.40008 t + 9.398e-4 t^2 - 1.410e-6 t^3, t in C. Valid
    0..100 C at 1 atm (data accurate to better than 0.1 %, fit within 0.01); outside,
    a ``ValidityWarning``.

    References
    ----------
    Malmberg & Maryott, J. Res. Natl. Bur. Stand. 56, 1 (1956), Research Paper 2641.
    """
    return WATER_MALMBERG_MARYOTT(temperature)


# -- dielectric decrement -----------------------------------------------------------------
def langevin(x):
    """Langevin function L(x) = coth(x) - 1/x (odd; L(x) ~ x/3 at small x) [1]."""
    x = np.asarray(x, dtype=float)
    small = np.abs(x) < 1e-3
    xs = np.where(small, 1.0, x)
    with np.errstate(over="ignore"):
        big = 1.0 / np.tanh(xs) - 1.0 / xs
    series = x / 3 - x**3 / 45 + 2 * x**5 / 945
    return _scalar_or_array(np.where(small, series, big))


def langevin_derivative(x):
    """dL/dx = 1/x^2 - 1/sinh(x)^2 (-> 1/3 at x = 0) [1]."""
    x = np.asarray(x, dtype=float)
    small = np.abs(x) < 1e-2
    xs = np.where(small, 1.0, x)
    with np.errstate(over="ignore"):
        big = 1.0 / xs**2 - 1.0 / np.sinh(xs) ** 2
    series = 1 / 3 - x**2 / 15 + 2 * x**4 / 189
    return _scalar_or_array(np.where(small, series, big))


def _decrement_inputs(concentration, permittivity, decrement):
    c = check_concentration(concentration)
    eps = as_float_array("permittivity", permittivity)
    if np.any(eps <= 0):
        raise ParameterError(
            "permittivity", "must be > 0 (solvent relative permittivity)", permittivity
        )
    alpha = as_float_array("decrement", decrement)
    if np.any(alpha < 0):
        raise ParameterError(
            "decrement", "must be >= 0 m^3/mol (eps_r decreases with c)", decrement
        )
    return c, eps, alpha


def linear_decrement(concentration, *, permittivity, decrement):
    """Linear dielectric decrement eps_r(c) = eps_s - alpha c [1].

    Parameters
    ----------
    concentration : float or array_like
        Salt concentration c [mol/m^3], >= 0.
    permittivity : float or array_like
        Solvent permittivity eps_s [1], > 0.
    decrement : float
        alpha [m^3/mol] (alpha = 0.011 m^3/mol is 11 per mol/L).

    Notes
    -----
    Valid at low concentration only (typically up to ~1-2 mol/L in water); it reaches
    zero at c = eps_s/alpha, where a ``ParameterError`` is raised. Use
    :func:`gavish_promislow_decrement` beyond.
    """
    c, eps, alpha = _decrement_inputs(concentration, permittivity, decrement)
    out = eps - alpha * c
    if np.any(out <= 0):
        raise ParameterError(
            "concentration",
            "gives eps_r <= 0 with the linear decrement (c >= eps_s/alpha); use the saturating form",
            concentration,
        )
    return _scalar_or_array(out)


def gavish_promislow_decrement(concentration, *, permittivity, decrement, saturation):
    """Saturating decrement eps_r(c) = eps_s - beta L(3 alpha c / beta), beta = eps_s - eps_ms [1].

    Parameters
    ----------
    concentration : float or array_like
        Salt concentration c [mol/m^3], >= 0.
    permittivity : float or array_like
        Solvent permittivity eps_s [1], > 0.
    decrement : float
        Linear (dilute-limit) decrement alpha [m^3/mol], >= 0.
    saturation : float
        Molten-salt-limit permittivity eps_ms [1], 0 < eps_ms < eps_s.

    Notes
    -----
    Reduces to eps_s - alpha c for alpha c << beta and tends to eps_ms as c -> inf;
    monotonic decreasing. Derived for aqueous salts (microfield approach); Gavish &
    Promislow fit alpha and eps_ms per salt to measured static permittivities.

    References
    ----------
    Gavish & Promislow, Phys. Rev. E 94, 012611 (2016), doi:10.1103/PhysRevE.94.012611.
    """
    c, eps, alpha = _decrement_inputs(concentration, permittivity, decrement)
    ms = as_float_array("saturation", saturation)
    if np.any(ms <= 0) or np.any(ms >= eps):
        raise ParameterError(
            "saturation", "must satisfy 0 < eps_ms < permittivity (molten-salt limit)", saturation
        )
    beta = eps - ms
    return _scalar_or_array(eps - beta * np.asarray(langevin(3 * alpha * c / beta)))


@dataclass(frozen=True)
class DielectricDecrement:
    """Concentration dependence of the solution permittivity (parameters + source).

    Parameters
    ----------
    decrement : float
        Dilute-limit decrement alpha = -d eps_r/dc at c = 0 [m^3/mol], >= 0.
    saturation : float or None
        Molten-salt permittivity eps_ms [1] of the Gavish–Promislow form; ``None``: the
        linear decrement.
    source : str
        Where alpha (and eps_ms) come from.
    linear_limit : float or None
        Concentration above which the linear form is flagged with a ``ValidityWarning``
        [mol/m^3]. Default (``None``): where the linear form has lowered eps_r by 25 %.

    Notes
    -----
    ``decrement(c, permittivity)`` gives eps_r(c); ``decrement.derivative(c, permittivity)``
    gives d eps_r/dc [m^3/mol]. The concentration is the salt (formula-unit)
    concentration, as everywhere in ionscales.
    """

    decrement: float
    saturation: float | None = None
    source: str = ""
    linear_limit: float | None = None

    def __post_init__(self):
        if isinstance(self.decrement, bool) or not isinstance(
            self.decrement, (int, float, np.floating)
        ):
            raise ParameterError("decrement", "must be a number >= 0 [m^3/mol]", self.decrement)
        if not (math.isfinite(self.decrement) and self.decrement >= 0):
            raise ParameterError("decrement", "must be finite and >= 0 [m^3/mol]", self.decrement)
        if self.decrement > 1.0:
            warnings.warn(
                f"decrement = {self.decrement:g} m^3/mol is 1000 per mol/L: was it given per mol/L "
                "instead of per mol/m^3? (water salts: 0.005-0.02 m^3/mol)",
                ValidityWarning,
                stacklevel=2,
            )
        if self.saturation is not None and not (
            isinstance(self.saturation, (int, float, np.floating))
            and math.isfinite(self.saturation)
            and self.saturation > 0
        ):
            raise ParameterError(
                "saturation", "must be a finite permittivity > 0 or None", self.saturation
            )
        if self.linear_limit is not None and not (
            math.isfinite(self.linear_limit) and self.linear_limit > 0
        ):
            raise ParameterError(
                "linear_limit", "must be finite and > 0 mol/m^3 or None", self.linear_limit
            )

    @property
    def form(self) -> str:
        """``"linear"`` or ``"gavish-promislow"``."""
        return "linear" if self.saturation is None else "gavish-promislow"

    def __call__(self, concentration, permittivity):
        """eps_r(c) [1] for salt concentration [mol/m^3] and solvent eps_s [1]."""
        if self.saturation is None:
            self._check_linear_range(concentration, permittivity)
            return linear_decrement(
                concentration, permittivity=permittivity, decrement=self.decrement
            )
        return gavish_promislow_decrement(
            concentration,
            permittivity=permittivity,
            decrement=self.decrement,
            saturation=self.saturation,
        )

    def derivative(self, concentration, permittivity):
        """d eps_r / dc [m^3/mol] (<= 0), same broadcast shape as eps_r(c)."""
        c, eps, alpha = _decrement_inputs(concentration, permittivity, self.decrement)
        if self.saturation is None:
            self(concentration, permittivity)  # range checks
            return _scalar_or_array(
                np.broadcast_to(-alpha * np.ones_like(c * eps), (c * eps).shape).copy()
            )
        self(concentration, permittivity)
        beta = eps - self.saturation
        return _scalar_or_array(-3 * alpha * np.asarray(langevin_derivative(3 * alpha * c / beta)))

    def _check_linear_range(self, concentration, permittivity):
        c = check_concentration(concentration)
        eps = as_float_array("permittivity", permittivity)
        limit = self.linear_limit
        if limit is None:
            limit = 0.25 * eps / self.decrement if self.decrement > 0 else np.inf
        if np.any(c > limit):
            warnings.warn(
                "linear dielectric decrement used beyond its range (eps_r lowered by more than "
                "25 %, or above linear_limit); give a saturation permittivity",
                ValidityWarning,
                stacklevel=3,
            )


def resolve_decrement(electrolyte, option):
    """The eps_r(c) law a calculation uses, from its ``dielectric_decrement`` option.

    ``None``: the electrolyte's own law (or none); ``False``: none; ``True``: the
    electrolyte's law, which must exist; a :class:`DielectricDecrement`: that law. Anything
    else raises ParameterError. Shared by the screening ladder and the thermodynamics.
    """
    if option is None:
        return electrolyte.dielectric_decrement
    if option is False:
        return None
    if option is True:
        if electrolyte.dielectric_decrement is None:
            raise ParameterError(
                "dielectric_decrement",
                f"{electrolyte.name} has no eps_r(c) law; pass a "
                "DielectricDecrement or set Electrolyte(dielectric_decrement=...)",
            )
        return electrolyte.dielectric_decrement
    if isinstance(option, DielectricDecrement):
        return option
    raise ParameterError(
        "dielectric_decrement", "must be None, True, False or a DielectricDecrement", option
    )
