"""Activity and osmotic coefficients of electrolytes (primitive-model thermodynamics).

Models (``model=``):

``"dh-limiting"``
    Debye–Hückel limiting law, ln gamma_i = -z_i^2 l_B kappa / 2.
``"dh-extended"``
    Extended Debye–Hückel with one ion size ``a`` (default: the electrolyte's
    cation–anion contact diameter; option ``ion_size=`` [m]),
    ln gamma_i = -z_i^2 l_B kappa / (2 (1 + kappa a)).
``"davies"``
    Davies (1962) with the coefficient 0.3,
    ln gamma_i = -z_i^2 (l_B kappa / 2) [1/(1 + sqrt(I/I0)) - 0.3 sqrt(I/I0)], i.e.
    log10 gamma_i = -A z_i^2 (sqrt(I)/(1 + sqrt(I)) - 0.3 I) with A computed from l_B
    (and the solvent density on the molal scale), I0 = 1 mol/kg (molal) or 1 mol/L (molar).
``"msa"``
    Primitive model in the mean spherical approximation (Blum 1975, any charges and
    diameters, any number of ionic species) plus the hard-sphere contribution
    (Carnahan–Starling for equal diameters, BMCSL for unequal ones).
``"pitzer"``
    Pitzer's ion-interaction model for a binary salt with tabulated parameters
    (NaCl at 25 C: Pitzer & Mayorga 1973). Salts without parameters raise ParameterError.

Concentration scales. Give exactly one of ``concentration`` (salt molarity [mol/m^3]) or
``molality`` (salt molality [mol/kg]); the returned coefficients are on the scale of the
keyword given (molar scale y_c and phi_c for ``concentration``, molal scale gamma_m and
phi_m for ``molality``).

* The Debye–Hückel family is evaluated with the ion number densities of that scale:
  n_i = nu_i c N_A (molar form) or n_i = nu_i m rho_w N_A (molal form, rho_w the solvent
  density) — the usual textbook forms, whose molal constants are
  A = sqrt(2 pi N_A rho_w) l_B^{3/2} / ln 10 and B = sqrt(8 pi l_B N_A rho_w).
* The MSA is a McMillan–Mayer (molar-scale) theory; for ``molality`` input the molarity
  c(m) is computed with :meth:`Electrolyte.molarity` (options ``apparent_molar_volume=``,
  ``solution_density=``) and converted with ln gamma_m = ln y_c + ln(c / (m rho_w)) and
  phi_m = phi_c c / (m rho_w) (no McMillan–Mayer -> Lewis–Randall correction, and the
  solvent partial molar volume taken as that of the pure solvent).
* Pitzer is a molal-scale model; for ``concentration`` input the molality is computed
  with :meth:`Electrolyte.molality` and the same relations are used in reverse.

Dielectric decrement eps_r(c) (:func:`decrement_models`: "msa", "dh-limiting",
"dh-extended", "davies"). Each of these has an excess free energy density
beta f(n, l_B) whose density derivatives are its ln gamma_i; with eps_r(c) the package
uses beta f_ex(c) = f(n, l_B(c)) + sum_i n_i z_i^2 l_B,s (eps_s/eps_r(c) - 1)/d_i (Born
solvation relative to the pure solvent) and takes both ln gamma and phi from it, so
Gibbs–Duhem holds exactly and zero decrement gives back the constant-eps_r numbers.
Pitzer (fitted with a fixed Debye–Hückel slope) and the chemical model do not carry it.
"""

from __future__ import annotations

import math
import warnings
from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np

from ionscales.constants import avogadro
from ionscales.dielectric import resolve_decrement
from ionscales.electrolyte import Electrolyte
from ionscales.errors import ConvergenceError, ParameterError, ValidityWarning
from ionscales.results import make_dataset
from ionscales.validation import as_float_array, check_choice, check_quantity

__all__ = [
    "MODELS",
    "register_thermo_model",
    "thermo_models",
    "decrement_models",
    "ThermoResult",
    "AssociationEquilibrium",
    "activity_coefficient",
    "osmotic_coefficient",
    "ln_activity_coefficients",
    "thermodynamics",
    "dh_molal_constants",
    "blum_msa",
    "hard_sphere_mixture",
    "msa_free_energy_density",
    "pitzer_binary",
    "PITZER_PARAMETERS",
]

REFERENCES = {
    "dh-limiting": ("P. Debye and E. Hückel, Phys. Z. 24, 185 (1923)",),
    "dh-extended": (
        "P. Debye and E. Hückel, Phys. Z. 24, 185 (1923)",
        "R. A. Robinson and R. H. Stokes, Electrolyte Solutions, 2nd ed. (Butterworths, 1959)",
    ),
    "davies": ("C. W. Davies, Ion Association (Butterworths, London, 1962)",),
    "msa": (
        "L. Blum, Mol. Phys. 30, 1529 (1975), doi:10.1080/00268977500103051",
        "N. F. Carnahan and K. E. Starling, J. Chem. Phys. 51, 635 (1969), doi:10.1063/1.1672048",
        "G. A. Mansoori, N. F. Carnahan, K. E. Starling and T. W. Leland, J. Chem. Phys. 54, 1523 (1971), "
        "doi:10.1063/1.1675048",
    ),
    "pitzer": (
        "K. S. Pitzer and G. Mayorga, J. Phys. Chem. 77, 2300 (1973), doi:10.1021/j100621a026",
    ),
}

#: Pitzer parameters per (cation name, anion name): beta0 [kg/mol], beta1 [kg/mol],
#: Cphi [(kg/mol)^2], alpha1 [(kg/mol)^{1/2}], b [(kg/mol)^{1/2}], temperature [K],
#: maximum molality [mol/kg], a_phi [(kg/mol)^{1/2}]: the Debye–Hückel osmotic slope the
#: parameters were fitted with (part of the empirical model; not recomputed from eps_r).
PITZER_PARAMETERS = {
    ("Na+", "Cl-"): {
        "beta0": 0.0765,
        "beta1": 0.2664,
        "cphi": 0.00127,
        "alpha1": 2.0,
        "b": 1.2,
        "temperature": 298.15,
        "max_molality": 6.0,
        "a_phi": 0.392,
        "source": "Pitzer & Mayorga 1973, Table I (NaCl, 25 C), doi:10.1021/j100621a026",
    },
}


# --------------------------------------------------------------------------------------
# kernels
# --------------------------------------------------------------------------------------
def dh_molal_constants(bjerrum_length: float, solvent_density: float) -> dict[str, float]:
    """Debye–Hückel constants of the molal form.

    Parameters
    ----------
    bjerrum_length : float
        l_B [m].
    solvent_density : float
        Pure-solvent density rho_w [kg/m^3].

    Returns
    -------
    dict
        ``A`` [(kg/mol)^{1/2}] (log10 form, log10 gamma_i = -A z_i^2 sqrt(I)),
        ``A_phi`` = A ln10 / 3 [(kg/mol)^{1/2}], ``B`` [1/m (kg/mol)^{1/2}] with
        kappa = B sqrt(I).

    Notes
    -----
    kappa^2 = 8 pi l_B N_A rho_w I for I in mol/kg, so B = sqrt(8 pi l_B N_A rho_w) and
    A = l_B B / (2 ln 10). Water at 25 C (eps_r = 78.4, rho_w = 997.05 kg/m^3):
    A = 0.5099, A_phi = 0.3913, B = 0.3284 1/Å (kg/mol)^{1/2}.
    """
    b = math.sqrt(8 * math.pi * bjerrum_length * avogadro * solvent_density)
    a = bjerrum_length * b / (2 * math.log(10))
    return {"A": a, "A_phi": a * math.log(10) / 3, "B": b}


def _dh_s(x):
    """s(x) = (3/x^3)[1 + x - 1/(1+x) - 2 ln(1+x)], s(0) = 1.

    The closed form cancels to O(x^3): below x = 0.1 the series
    s = sum_k (-1)^k 3 (k+1)/(k+3) x^k (14 terms, derived with sympy in
    tests/test_symbolic.py) is used; both are accurate to ~3e-13 at the switch.
    """
    x = np.asarray(x, dtype=float)
    small = x < 0.1
    xs = np.where(small, 1.0, x)
    exact = 3.0 / xs**3 * (1 + xs - 1 / (1 + xs) - 2 * np.log1p(xs))
    series = np.zeros_like(x)
    for k in range(13, -1, -1):
        series = series * x + (-1) ** k * 3.0 * (k + 1) / (k + 3)
    return np.where(small, series, exact)


def blum_msa(densities, charges, diameters, bjerrum_length: float, *, tol: float = 1e-15):
    """Electrostatic part of the primitive model in the MSA (Blum 1975).

    Parameters
    ----------
    densities : array_like, shape (..., n_species)
        Ion number densities n_i [1/m^3], >= 0.
    charges : array_like, shape (n_species,)
        Valences z_i [1].
    diameters : array_like, shape (n_species,)
        Hard-sphere diameters sigma_i [m].
    bjerrum_length : float or array_like
        l_B [m]; an array must match the leading (state) shape of ``densities``.

    Returns
    -------
    dict
        ``gamma`` (Blum's screening parameter Gamma [1/m]), ``ln_gamma`` (per ion,
        shape (..., n_species)), ``osmotic_minus_one`` (phi_el - 1),
        ``energy_density`` (beta U / V [1/m^3]) and ``free_energy_density``
        (beta A_el / V [1/m^3]).

    Notes
    -----
    Delta = 1 - (pi/6) sum_i n_i sigma_i^3,
    Omega = 1 + (pi/(2 Delta)) sum_i n_i sigma_i^3 / (1 + Gamma sigma_i),
    P_n = (1/Omega) sum_i n_i sigma_i z_i / (1 + Gamma sigma_i),
    Q_i = (z_i - (pi/(2 Delta)) sigma_i^2 P_n) / (1 + Gamma sigma_i), and Gamma solves
    Gamma^2 = pi l_B sum_i n_i Q_i^2 (vectorised bisection on (0, kappa_D/2]).
    beta U/V = -l_B [Gamma sum_i n_i z_i^2/(1 + Gamma sigma_i) + (pi/(2 Delta)) Omega P_n^2],
    beta A_el/V = beta U/V + Gamma^3/(3 pi); with eta = pi P_n / (2 Delta):
    ln gamma_i = -l_B [Gamma z_i^2/(1+Gamma sigma_i) + eta sigma_i ((2 z_i - eta sigma_i^2)/(1+Gamma sigma_i)
    + eta sigma_i^2/3)], phi_el - 1 = -Gamma^3/(3 pi rho) - 2 l_B eta^2/(pi rho).
    These equal the density derivatives of beta A_el/V (tested to 1e-7). For equal
    diameters (RPM) 2 Gamma (1 + Gamma sigma) = kappa_D.
    """
    n = np.asarray(densities, dtype=float)
    z = np.asarray(charges, dtype=float)
    s = np.asarray(diameters, dtype=float)
    lb = np.asarray(bjerrum_length, dtype=float)  # scalar, or one l_B per state (eps_r(c))
    lb_ion = lb[..., None] if lb.ndim else lb
    delta = 1 - (math.pi / 6) * np.sum(n * s**3, axis=-1)
    if np.any(delta <= 0):
        raise ParameterError("concentration", "ion packing fraction must be < 1 for the MSA")
    kappa = np.sqrt(4 * math.pi * lb * np.sum(n * z**2, axis=-1))

    def parts(g):
        g_ = g[..., None]
        denom = 1 + g_ * s
        omega = 1 + (math.pi / (2 * delta)) * np.sum(n * s**3 / denom, axis=-1)
        pn = np.sum(n * s * z / denom, axis=-1) / omega
        q = (z - (math.pi / (2 * delta))[..., None] * s**2 * pn[..., None]) / denom
        return denom, omega, pn, q

    def f(g):
        _, _, _, q = parts(g)
        return g**2 - math.pi * lb * np.sum(n * q**2, axis=-1)

    lo = np.zeros_like(kappa)
    hi = 0.5 * kappa + 1e-300
    # make sure the upper end brackets the root
    for _ in range(60):
        bad = (f(hi) < 0) & (kappa > 0)
        if not np.any(bad):
            break
        hi = np.where(bad, 2 * hi, hi)
    for _ in range(200):
        mid = 0.5 * (lo + hi)
        neg = f(mid) < 0
        lo = np.where(neg, mid, lo)
        hi = np.where(neg, hi, mid)
        if np.all(hi - lo <= tol * np.maximum(hi, 1e-300)):
            break
    g = 0.5 * (lo + hi)
    g = np.where(kappa > 0, g, 0.0)
    denom, omega, pn, _ = parts(g)
    eta = math.pi * pn / (2 * delta)
    g_, eta_ = g[..., None], eta[..., None]
    ln_gamma = -lb_ion * (
        g_ * z**2 / denom + eta_ * s * ((2 * z - eta_ * s**2) / denom + eta_ * s**2 / 3)
    )
    energy = -lb * (g * np.sum(n * z**2 / denom, axis=-1) + (math.pi / (2 * delta)) * omega * pn**2)
    free = energy + g**3 / (3 * math.pi)
    rho = np.sum(n, axis=-1)
    with np.errstate(divide="ignore", invalid="ignore"):
        osm = np.where(
            rho > 0, -(g**3) / (3 * math.pi * rho) - 2 * lb * eta**2 / (math.pi * rho), 0.0
        )
    return {
        "gamma": g,
        "ln_gamma": ln_gamma,
        "osmotic_minus_one": osm,
        "energy_density": energy,
        "free_energy_density": free,
    }


def hard_sphere_mixture(densities, diameters):
    """Hard-sphere excess chemical potentials and pressure (Carnahan–Starling / BMCSL).

    Parameters
    ----------
    densities : array_like, shape (..., n_species)
        Number densities [1/m^3].
    diameters : array_like, shape (n_species,)
        Diameters [m].

    Returns
    -------
    dict
        ``ln_gamma`` (beta mu_i^ex, shape (..., n_species)), ``osmotic_minus_one``
        (Z - 1), ``free_energy_density`` (beta A_ex/V [1/m^3]), ``packing_fraction``.

    Notes
    -----
    Equal diameters: Carnahan–Starling, eta = pi rho sigma^3/6,
    ln gamma = (8 eta - 9 eta^2 + 3 eta^3)/(1-eta)^3, Z - 1 = (4 eta - 2 eta^2)/(1-eta)^3,
    beta A/N = eta (4 - 3 eta)/(1-eta)^2. Unequal diameters: BMCSL with
    xi_n = (pi/6) sum_i n_i sigma_i^n, D = 1 - xi_3,
    F = (xi_2^3/xi_3^2 - xi_0) ln D + 3 xi_1 xi_2/D + xi_2^3/(xi_3 D^2), beta A/V = (6/pi) F,
    beta mu_i = sum_n sigma_i^n dF/dxi_n; BMCSL reduces to CS for equal sizes.
    """
    n = np.asarray(densities, dtype=float)
    s = np.asarray(diameters, dtype=float)
    rho = np.sum(n, axis=-1)
    xi = [(math.pi / 6) * np.sum(n * s**k, axis=-1) for k in range(4)]
    x0, x1, x2, x3 = xi
    if np.any(x3 >= 1):
        raise ParameterError("concentration", "hard-sphere packing fraction must be < 1")
    if np.allclose(s, s[0], rtol=1e-12, atol=0):
        e = x3
        ln_g = (8 * e - 9 * e**2 + 3 * e**3) / (1 - e) ** 3
        osm = (4 * e - 2 * e**2) / (1 - e) ** 3
        free = rho * e * (4 - 3 * e) / (1 - e) ** 2
        return {
            "ln_gamma": np.repeat(ln_g[..., None], s.size, axis=-1),
            "osmotic_minus_one": osm,
            "free_energy_density": free,
            "packing_fraction": e,
        }
    d = 1 - x3
    pos = x3 > 0
    x3s = np.where(pos, x3, 1.0)
    lnd = np.log(d)
    dF0 = -lnd
    dF1 = 3 * x2 / d
    dF2 = 3 * (x2**2 / x3s**2) * lnd + 3 * x1 / d + 3 * x2**2 / (x3s * d**2)
    dF3 = (
        -2 * (x2**3 / x3s**3) * lnd
        - (x2**3 / x3s**2 - x0) / d
        + 3 * x1 * x2 / d**2
        - x2**3 / (x3s**2 * d**2)
        + 2 * x2**3 / (x3s * d**3)
    )
    ln_g = dF0[..., None] + dF1[..., None] * s + dF2[..., None] * s**2 + dF3[..., None] * s**3
    F = (x2**3 / x3s**2 - x0) * lnd + 3 * x1 * x2 / d + x2**3 / (x3s * d**2)
    bp = (6 / math.pi) * (x0 / d + 3 * x1 * x2 / d**2 + (3 - x3) * x2**3 / d**3)
    with np.errstate(divide="ignore", invalid="ignore"):
        osm = np.where(rho > 0, bp / np.where(rho > 0, rho, 1.0) - 1, 0.0)
    ln_g = np.where(pos[..., None], ln_g, 0.0)
    free = np.where(pos, (6 / math.pi) * F, 0.0)
    return {
        "ln_gamma": ln_g,
        "osmotic_minus_one": osm,
        "free_energy_density": free,
        "packing_fraction": x3,
    }


def msa_free_energy_density(densities, charges, diameters, bjerrum_length: float):
    """beta A_ex / V [1/m^3] of the primitive model (MSA electrostatics + hard spheres).

    The chemical potentials returned by :func:`blum_msa` and :func:`hard_sphere_mixture`
    are the derivatives of this function with respect to the densities.
    """
    el = blum_msa(densities, charges, diameters, bjerrum_length)
    hs = hard_sphere_mixture(densities, diameters)
    return el["free_energy_density"] + hs["free_energy_density"]


def pitzer_binary(
    molality,
    *,
    z_cation: int,
    z_anion: int,
    nu_cation: float,
    nu_anion: float,
    a_phi: float,
    beta0: float,
    beta1: float,
    cphi: float,
    alpha1: float = 2.0,
    b: float = 1.2,
):
    """Pitzer mean activity and osmotic coefficients of one binary salt (molal scale).

    Parameters
    ----------
    molality : array_like
        Salt molality m [mol/kg].
    z_cation, z_anion : int
        Valences.
    nu_cation, nu_anion : float
        Stoichiometric numbers.
    a_phi : float
        Debye–Hückel A_phi [(kg/mol)^{1/2}].
    beta0, beta1, cphi, alpha1, b : float
        Pitzer parameters ([kg/mol], [kg/mol], [(kg/mol)^2], [(kg/mol)^{1/2}], [(kg/mol)^{1/2}]).

    Returns
    -------
    ln_gamma_pm, phi : ndarray

    Notes
    -----
    I = m (nu_M z_M^2 + nu_X z_X^2)/2, f^phi = -A_phi sqrt(I)/(1 + b sqrt(I)),
    f^gamma = -A_phi [sqrt(I)/(1 + b sqrt(I)) + (2/b) ln(1 + b sqrt(I))],
    B^phi = beta0 + beta1 e^{-x}, B^gamma = 2 beta0 + (2 beta1/x^2)[1 - (1 + x - x^2/2) e^{-x}],
    x = alpha1 sqrt(I); with nu = nu_M + nu_X:
    phi - 1 = |z_M z_X| f^phi + m (2 nu_M nu_X/nu) B^phi + m^2 (2 (nu_M nu_X)^{3/2}/nu) C^phi,
    ln gamma_pm = |z_M z_X| f^gamma + m (2 nu_M nu_X/nu) B^gamma + m^2 (3 (nu_M nu_X)^{3/2}/nu) C^phi
    (Pitzer & Mayorga 1973).
    """
    m = np.asarray(molality, dtype=float)
    zz = abs(z_cation * z_anion)
    nu = nu_cation + nu_anion
    ionic = 0.5 * m * (nu_cation * z_cation**2 + nu_anion * z_anion**2)
    sq = np.sqrt(ionic)
    x = alpha1 * sq
    f_phi = -a_phi * sq / (1 + b * sq)
    f_gam = -a_phi * (sq / (1 + b * sq) + (2 / b) * np.log1p(b * sq))
    b_phi = beta0 + beta1 * np.exp(-x)
    small = x < 1e-4
    xs = np.where(small, 1.0, x)
    g_exact = 2 * (1 - (1 + xs) * np.exp(-xs)) / xs**2  # Pitzer's g(x)
    g_series = 1 - 2 * x / 3 + x**2 / 4
    gx = np.where(small, g_series, g_exact)
    # B^gamma = 2 beta0 + beta1 [g(x) + exp(-x)] = 2 beta0 + (2 beta1/x^2)[1 - (1 + x - x^2/2) e^{-x}]
    b_gam = 2 * beta0 + beta1 * (gx + np.exp(-x))
    p = 2 * nu_cation * nu_anion / nu
    q = (nu_cation * nu_anion) ** 1.5 / nu
    phi = 1 + zz * f_phi + m * p * b_phi + m**2 * 2 * q * cphi
    ln_g = zz * f_gam + m * p * b_gam + m**2 * 3 * q * cphi
    return ln_g, phi


# --------------------------------------------------------------------------------------
# model registry (as the screening ladder's register_model)
# --------------------------------------------------------------------------------------
@dataclass(frozen=True)
class ThermoResult:
    """Raw output of a thermodynamic model over a flat 1-D state array.

    Attributes
    ----------
    ln_gamma : ndarray, shape (n, n_species)
        Single-ion ln gamma_i [1] on the scale of the input keyword.
    osmotic : ndarray, shape (n,)
        Osmotic coefficient [1] on that scale.
    """

    ln_gamma: np.ndarray
    osmotic: np.ndarray


@dataclass(frozen=True)
class _ThermoSpec:
    name: str
    func: Callable
    description: str
    references: tuple[str, ...]
    dielectric_decrement: bool = False


_THERMO_MODELS: dict[str, _ThermoSpec] = {}


def register_thermo_model(
    name: str,
    func: Callable,
    *,
    description: str,
    references: Sequence[str] = (),
    dielectric_decrement: bool = False,
) -> None:
    """Register a thermodynamic (activity) model.

    Parameters
    ----------
    name : str
        ``model=`` name.
    func : callable
        ``func(electrolyte, scale, values, *, conversion, **options) -> ThermoResult`` with
        ``scale`` "concentration" [mol/m^3] or "molality" [mol/kg] and ``values`` a flat
        1-D array >= 0; results on that scale. Options it does not know must raise
        ``ParameterError`` (use :func:`_reject_options`).
    description : str
        One line for listings.
    references : sequence of str
    dielectric_decrement : bool
        Whether ``func`` evaluates an eps_r(c) law (it then receives the option
        ``dielectric_decrement=``; see :func:`activity_coefficient`). Models registered
        without it ignore the electrolyte's law and say so (``ValidityWarning``).
    """
    _THERMO_MODELS[name] = _ThermoSpec(
        name, func, description, tuple(references), bool(dielectric_decrement)
    )


def thermo_models() -> dict[str, str]:
    """Registered thermodynamic model names with their one-line descriptions."""
    return {k: v.description for k, v in _THERMO_MODELS.items()}


def decrement_models() -> tuple[str, ...]:
    """Names of the registered thermodynamic models that evaluate a dielectric decrement
    eps_r(c) consistently (free-energy derivative, Gibbs–Duhem exact)."""
    return tuple(k for k, v in _THERMO_MODELS.items() if v.dielectric_decrement)


def _reject_options(model: str, options: dict) -> None:
    live = {k: v for k, v in options.items() if v is not None}
    if live:
        name = sorted(live)[0]
        raise ParameterError(name, f"is not an option of thermodynamic model {model!r}", live[name])


# --------------------------------------------------------------------------------------
# front end
# --------------------------------------------------------------------------------------
def _state(electrolyte, concentration, molality, model, conversion):
    if not isinstance(electrolyte, Electrolyte):
        raise ParameterError("electrolyte", "must be an Electrolyte", electrolyte)
    check_choice("model", model, list(_THERMO_MODELS))
    if (concentration is None) == (molality is None):
        raise ParameterError(
            "concentration", "give exactly one of concentration= [mol/m^3] or molality= [mol/kg]"
        )
    if concentration is not None:
        name, value = "concentration", concentration
    else:
        name, value = "molality", molality
    arr = as_float_array(name, value)
    if arr.size == 0:
        raise ParameterError(name, "must not be empty (give at least one state point)", value)
    if np.any(arr < 0):
        raise ParameterError(name, "must be finite and >= 0", value)
    limit = 1e5 if name == "concentration" else 100.0  # 100 mol/L; 100 mol/kg
    if np.any(arr > limit):
        warnings.warn(
            f"{name} up to {float(np.max(arr)):.3g} {'mol/m^3' if name == 'concentration' else 'mol/kg'} is "
            "beyond any liquid electrolyte: a unit mistake?",
            ValidityWarning,
            stacklevel=4,
        )
    return name, arr


def _other_scale(electrolyte, scale, values, conversion):
    """Convert molality <-> molarity and return (c [mol/m^3], m [mol/kg], rho_w)."""
    rho_w = electrolyte.solvent.density
    if rho_w is None:
        raise ParameterError(
            "solvent.density",
            f"unknown for {electrolyte.solvent.name!r}; "
            "needed to convert between molality and molarity",
        )
    if scale == "molality":
        return np.asarray(electrolyte.molarity(values, **conversion), dtype=float), values, rho_w
    return values, np.asarray(electrolyte.molality(values, **conversion), dtype=float), rho_w


def _molal_ratio(c, m, rho_w):
    """c / (m rho_w): ln gamma_m = ln y_c + ln(ratio), phi_m = phi_c ratio (1 at m = 0)."""
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.where(m > 0, c / np.where(m > 0, m, 1.0) / rho_w, 1.0)


def _dh_free_energy_lb_derivative(model, kappa, lb, a, y, i0):
    """l_B (d beta f_ex / d l_B) at fixed ion densities [1/m^3] of the Debye–Hückel family.

    beta f_ex is the excess Helmholtz free energy density whose density derivatives are the
    model's ln gamma_i at constant l_B (kappa^2 = 4 pi l_B sum n_i z_i^2):

    * limiting law: beta f = -kappa^3/(12 pi), so l_B df/dl_B = -kappa^3/(8 pi);
    * extended DH: beta f = -[ln(1 + x) - x + x^2/2]/(4 pi a^3), x = kappa a, so
      l_B df/dl_B = -kappa^3/(8 pi (1 + kappa a));
    * Davies (A proportional to l_B^{3/2}, 0.3 and I0 fixed): beta f = -(2 l_B kappa I0 N_A / y)
      [y^2/2 - y + ln(1 + y) - 0.075 y^4], y = sqrt(I/I0), so l_B df/dl_B = 3 beta f / 2.

    (derived and checked with sympy in tests/theory/test_symbolic.py).
    """
    if model == "dh-limiting":
        return -(kappa**3) / (8 * math.pi)
    if model == "dh-extended":
        return -(kappa**3) / (8 * math.pi * (1 + kappa * a))
    ys = np.where(y > 0, y, 1.0)
    bracket = (
        np.where(
            y > 1e-3,
            ys**2 / 2 - ys + np.log1p(ys),
            y**3 / 3 - y**4 / 4 + y**5 / 5 - y**6 / 6,
        )
        - 0.075 * y**4
    )
    f = np.where(y > 0, -2 * lb * kappa * i0 * avogadro / ys * bracket, 0.0)
    return 1.5 * f


def _debye_hueckel_family(model: str):
    def func(
        electrolyte,
        scale,
        flat,
        *,
        conversion,
        ion_size=None,
        dielectric_decrement=None,
        **options,
    ):
        _reject_options(model, options)
        if model != "dh-extended" and ion_size is not None:
            raise ParameterError(
                "ion_size", f"is an option of 'dh-extended', not of {model!r}", ion_size
            )
        decrement = resolve_decrement(electrolyte, dielectric_decrement)
        nu, z = electrolyte.nu, electrolyte.charges
        lb_s = electrolyte.bjerrum_length
        if scale == "molality":
            rho_w = electrolyte.solvent.density
            if rho_w is None:
                raise ParameterError(
                    "solvent.density",
                    f"unknown for {electrolyte.solvent.name!r}; needed for the molal form",
                )
            c_ref, i0 = flat * rho_w, rho_w  # mol/m^3 equivalent; I0 = 1 mol/kg
        else:
            c_ref, i0 = flat, 1000.0  # I0 = 1 mol/L
        n = c_ref[:, None] * nu * avogadro
        rho = np.sum(n, axis=-1)
        if decrement is None:
            lb = lb_s
        else:
            # eps_r(c) at the model's own salt density (m rho_w on the molal form)
            eps_s = electrolyte.permittivity
            eps = np.asarray(decrement(c_ref, eps_s), dtype=float)
            d_eps = np.asarray(decrement.derivative(c_ref, eps_s), dtype=float)  # [m^3/mol]
            lb = lb_s * eps_s / eps
        kappa = np.sqrt(4 * math.pi * lb * np.sum(n * z**2, axis=-1))
        half = (lb * kappa / 2)[:, None] * z**2  # limiting-law |ln gamma_i|
        with np.errstate(divide="ignore", invalid="ignore"):
            k3 = np.where(rho > 0, kappa**3 / (24 * math.pi * np.where(rho > 0, rho, 1.0)), 0.0)
        a = y = None
        if model == "dh-limiting":
            ln_g, osm = -half, -k3
        elif model == "dh-extended":
            a = electrolyte.contact_diameter if ion_size is None else ion_size
            a = float(as_float_array("ion_size", a))
            if a < 0:
                raise ParameterError("ion_size", "must be >= 0 m", ion_size)
            ln_g = -half / (1 + kappa * a)[:, None]
            osm = -k3 * _dh_s(kappa * a)
        else:  # davies
            ionic = 0.5 * c_ref * float(np.sum(nu * z**2))
            y = np.sqrt(ionic / i0)
            ln_g = -half * (1 / (1 + y) - 0.3 * y)[:, None]
            # phi - 1 from Gibbs–Duhem: -(alpha/y^2)[1 + y - 2 ln(1+y) - 1/(1+y) - 0.15 y^4]
            # with ln gamma_pm = -alpha (y/(1+y) - 0.3 y^2), alpha = (l_B kappa/2) <z^2>/y
            zbar = float(np.sum(nu * z**2) / np.sum(nu))
            ys = np.where(y > 0, y, 1.0)
            alpha = np.where(y > 0, lb * kappa / 2 * zbar / ys, 0.0)
            inner = np.where(
                y > 1e-3, 1 + ys - 2 * np.log1p(ys) - 1 / (1 + ys), y**3 / 3 - y**4 / 2 + 0.6 * y**5
            )
            osm = np.where(y > 0, -alpha / ys**2 * (inner - 0.15 * y**4), 0.0)
            big = float(np.max(ionic) / i0) if ionic.size else 0.0
            if big > 1.0:
                warnings.warn(
                    f"davies: ionic strength up to {big:.3g} x I0 (I0 = 1 mol/kg or mol/L), beyond "
                    "its ~0.5 range; the 0.3 I term makes gamma grow without bound (units?)",
                    ValidityWarning,
                    stacklevel=4,
                )
        if decrement is not None:
            # beta f_ex(c) = f_DH(n, l_B(c)) + sum_i n_i z_i^2 l_B,s (eps_s/eps(c) - 1)/d_i
            # (the MSA's construction): the chemical potential gains (df/dl_B)(dl_B/d rho_salt)
            # and the Born solvation of the ions (radius d_i/2) relative to the pure solvent;
            # both enter phi through beta Pi_ex = rho_salt mu_ex - f_ex (Gibbs–Duhem exact).
            lb_df = _dh_free_energy_lb_derivative(model, kappa, lb, a, y, i0)
            mu_el_extra = -lb_df * d_eps / (eps * avogadro)  # dl_B/drho = -l_B eps'/(eps N_A)
            born = z**2 * lb_s / electrolyte.diameters
            factor = eps_s / eps - 1.0
            dfactor = -eps_s * d_eps / (eps**2 * avogadro)
            rho_salt = c_ref * avogadro
            mu_born_extra = rho_salt * float(np.sum(nu * born)) * dfactor
            nu_tot = float(np.sum(nu))
            ln_g = (
                ln_g
                + born[None, :] * factor[:, None]
                + ((mu_el_extra + mu_born_extra) / nu_tot)[:, None]
            )
            with np.errstate(divide="ignore", invalid="ignore"):
                osm = osm + np.where(
                    rho > 0,
                    rho_salt * (mu_el_extra + mu_born_extra) / np.where(rho > 0, rho, 1.0),
                    0.0,
                )
        return ThermoResult(ln_g, 1 + osm)

    return func


def _msa_molar(electrolyte, c, decrement):
    """Molar-scale MSA + hard spheres at salt molarities c (n,); optional eps_r(c)."""
    nu, z, d = electrolyte.nu, electrolyte.charges, electrolyte.diameters
    n = c[:, None] * nu * avogadro
    if decrement is None:
        lb = electrolyte.bjerrum_length
        el = blum_msa(n, z, d, lb)
        hs = hard_sphere_mixture(n, d)
        return el["ln_gamma"] + hs["ln_gamma"], 1 + el["osmotic_minus_one"] + hs[
            "osmotic_minus_one"
        ]
    eps_s = electrolyte.permittivity
    eps = np.asarray(decrement(c, eps_s), dtype=float)
    d_eps = np.asarray(decrement.derivative(c, eps_s), dtype=float)  # [m^3/mol]
    lb = electrolyte.bjerrum_length * eps_s / eps
    el = blum_msa(n, z, d, lb)
    hs = hard_sphere_mixture(n, d)
    rho_salt = c * avogadro
    rho = np.sum(n, axis=-1)
    nu_tot = float(np.sum(nu))
    # d/d rho_salt of beta A_el(n, l_B(c)) adds (dA/dl_B)(dl_B/drho) = -(beta U/V) eps'/(eps N_A)
    # (beta A_el is stationary in Gamma and linear-in-l_B couplings give dA/dl_B = U/l_B)
    mu_el_extra = -el["energy_density"] * d_eps / (eps * avogadro)
    # Born solvation relative to the pure solvent, radius d_i/2:
    # beta w_i = z_i^2 l_B,s (eps_s/eps - 1)/d_i
    born = z**2 * electrolyte.bjerrum_length / d  # (species,)
    factor = eps_s / eps - 1.0
    dfactor = -eps_s * d_eps / (eps**2 * avogadro)  # d factor / d rho_salt
    born_density_sum = rho_salt * float(np.sum(nu * born))  # sum_i n_i beta w_i / factor
    mu_born_extra = born_density_sum * dfactor  # from d(factor)/d rho_salt
    ln_g = (
        el["ln_gamma"]
        + hs["ln_gamma"]
        + born[None, :] * factor[:, None]
        + ((mu_el_extra + mu_born_extra) / nu_tot)[:, None]
    )
    with np.errstate(divide="ignore", invalid="ignore"):
        osm_extra = np.where(
            rho > 0, rho_salt * (mu_el_extra + mu_born_extra) / np.where(rho > 0, rho, 1.0), 0.0
        )
    phi = 1 + el["osmotic_minus_one"] + hs["osmotic_minus_one"] + osm_extra
    return ln_g, phi


def _msa_model(electrolyte, scale, flat, *, conversion, dielectric_decrement=None, **options):
    _reject_options("msa", options)
    decrement = resolve_decrement(electrolyte, dielectric_decrement)
    if scale == "molality":
        c, m, rho_w = _other_scale(electrolyte, scale, flat, conversion)
    else:
        c = flat
    ln_g, phi = _msa_molar(electrolyte, c, decrement)
    if scale == "molality":
        ratio = _molal_ratio(c, m, rho_w)
        ln_g = ln_g + np.log(ratio)[:, None]
        phi = phi * ratio
    return ThermoResult(ln_g, phi)


def _pitzer_model(electrolyte, scale, flat, *, conversion, **options):
    _reject_options("pitzer", options)
    nu = electrolyte.nu
    if not electrolyte.is_binary:
        raise ParameterError("model", "'pitzer' is implemented for binary salts only")
    key = (electrolyte.cation.name, electrolyte.anion.name)
    if key not in PITZER_PARAMETERS:
        raise ParameterError(
            "model",
            f"no Pitzer parameters for {key[0]}/{key[1]}; available: "
            + ", ".join("/".join(k) for k in PITZER_PARAMETERS),
        )
    par = PITZER_PARAMETERS[key]
    if abs(electrolyte.temperature - par["temperature"]) > 0.5:
        warnings.warn(
            f"Pitzer parameters for {key} are for {par['temperature']} K, used at "
            f"{electrolyte.temperature} K",
            ValidityWarning,
            stacklevel=4,
        )
    if electrolyte.solvent.density is None:
        raise ParameterError("solvent.density", "needed for the molal Debye–Hückel constant A_phi")
    if scale == "concentration":
        c, m, rho_w = _other_scale(electrolyte, scale, flat, conversion)
    else:
        m = flat
    if np.any(m > par["max_molality"] * 1.05):
        warnings.warn(
            f"Pitzer parameters for {key} are fitted up to {par['max_molality']} mol/kg",
            ValidityWarning,
            stacklevel=4,
        )
    # the fitted parameters belong to the A_phi they were fitted with (PM73: 0.392 at 25 C)
    a_phi = par["a_phi"]
    ci, ai = electrolyte.ions
    ln_pm, phi = pitzer_binary(
        m,
        z_cation=ci.charge,
        z_anion=ai.charge,
        nu_cation=nu[0],
        nu_anion=nu[1],
        a_phi=a_phi,
        beta0=par["beta0"],
        beta1=par["beta1"],
        cphi=par["cphi"],
        alpha1=par["alpha1"],
        b=par["b"],
    )
    # single-ion values are not defined by the model: report the mean for every ion
    out_ln = np.repeat(ln_pm[:, None], 2, axis=-1)
    if scale == "concentration":
        ratio = _molal_ratio(c, m, rho_w)
        out_ln = out_ln - np.log(ratio)[:, None]
        phi = phi / ratio
    return ThermoResult(out_ln, phi)


# -- ion association (chemical model) ---------------------------------------------------
@dataclass(frozen=True)
class AssociationEquilibrium:
    """Ion pairing of a symmetric binary salt with activity-corrected mass action.

    K_A = p / (f+ f- gamma+ gamma-), with f = c - p the free-ion molarity [mol/m^3] and
    gamma_i the MSA + hard-sphere activity coefficients of the free ions at (f+, f-)
    (pairs: neutral, ideal). ``free_fractions(electrolyte, c)`` returns alpha = f/c for
    every ion, so the same equilibrium feeds the ``free-ion`` screening model
    (``screening(e, c, "free-ion", free_fraction=AssociationEquilibrium(...))``) and the
    ``"msa-association"`` thermodynamics.

    Parameters
    ----------
    association_constant : float, optional
        K_A [m^3/mol], >= 0. Default: ``association`` formula of the electrolyte.
    association : {"bjerrum", "fuoss"}
        Formula for K_A when none is given (as the ``free-ion`` screening model).
    tolerance : float
        Relative tolerance of the fixed point in alpha.
    """

    association_constant: float | None = None
    association: str = "bjerrum"
    tolerance: float = 1e-13
    max_iterations: int = 500

    def __post_init__(self):
        if self.association_constant is not None:
            object.__setattr__(
                self,
                "association_constant",
                check_quantity(
                    "association_constant",
                    self.association_constant,
                    unit="m^3/mol",
                    low=0.0,
                    scalar=True,
                ),
            )
        check_choice("association", self.association, ["bjerrum", "fuoss"])

    def constant(self, electrolyte) -> float:
        """K_A [m^3/mol] used for ``electrolyte``."""
        _check_symmetric_pairing(electrolyte)
        if self.association_constant is not None:
            return float(self.association_constant)
        from ionscales.theory import models

        formula = (
            models.bjerrum_association_constant
            if self.association == "bjerrum"
            else models.fuoss_association_constant
        )
        return float(formula(electrolyte))

    def solve(self, electrolyte, concentration):
        """(alpha, ln gamma_free (n, 2), phi_free (n,)) at salt molarities [mol/m^3] (1-D)."""
        c = np.asarray(concentration, dtype=float).reshape(-1)
        k = self.constant(electrolyte)
        alpha = 2.0 / (1.0 + np.sqrt(1.0 + 4.0 * k * c))  # ideal start
        converged = False
        for _ in range(self.max_iterations):
            ln_g, phi = _msa_molar(electrolyte, alpha * c, None)
            g2 = np.exp(ln_g[:, 0] + ln_g[:, 1])
            new = 2.0 / (1.0 + np.sqrt(1.0 + 4.0 * k * c * g2))
            step = np.max(np.abs(new - alpha) / np.maximum(alpha, 1e-300), initial=0.0)
            alpha = 0.5 * (alpha + new)  # damped: converges where K c gamma^2 varies fast
            if step <= self.tolerance:
                converged = True
                break
        if not converged:
            raise ConvergenceError(
                f"association equilibrium did not converge for {electrolyte.name} (K_A = {k:g} m^3/mol)",
                iterations=self.max_iterations,
                residual=float(step),
            )
        ln_g, phi = _msa_molar(electrolyte, alpha * c, None)
        return alpha, ln_g, phi

    def free_fractions(self, electrolyte, concentration):
        """Free fraction of every ion, shape (n, 2) (the ``free-ion`` screening interface)."""
        alpha = self.solve(electrolyte, concentration)[0]
        return np.repeat(alpha[:, None], 2, axis=1)


def _check_symmetric_pairing(electrolyte):
    z = electrolyte.charges
    if not electrolyte.is_binary or z[0] != -z[1]:
        raise ParameterError(
            "model", "'msa-association' needs a symmetric binary salt (|z+| = |z-|: neutral pairs)"
        )


def _msa_association_model(
    electrolyte, scale, flat, *, conversion, association_constant=None, association=None, **options
):
    _reject_options("msa-association", options)
    eq = AssociationEquilibrium(association_constant, association or "bjerrum")
    if scale == "molality":
        c, m, rho_w = _other_scale(electrolyte, scale, flat, conversion)
    else:
        c = flat
    alpha, ln_free, phi_free = eq.solve(electrolyte, c)
    # stoichiometric single-ion values: mu_i = ln(f gamma_free) = ln(c gamma_i) -> ln gamma_i = ln alpha + ln gamma_free
    with np.errstate(divide="ignore"):
        ln_g = ln_free + np.log(alpha)[:, None]
    # beta Pi = (f+ + f-) phi_free + p (ideal pairs), per 2c ions of the stoichiometric salt
    phi = alpha * phi_free + (1.0 - alpha) / 2.0
    if scale == "molality":
        ratio = _molal_ratio(c, m, rho_w)
        ln_g = ln_g + np.log(ratio)[:, None]
        phi = phi * ratio
    return ThermoResult(ln_g, phi)


register_thermo_model(
    "dh-limiting",
    _debye_hueckel_family("dh-limiting"),
    description="Debye–Hückel limiting law (option dielectric_decrement=)",
    references=REFERENCES["dh-limiting"],
    dielectric_decrement=True,
)
register_thermo_model(
    "dh-extended",
    _debye_hueckel_family("dh-extended"),
    description="extended Debye–Hückel with one ion size (options ion_size=, "
    "dielectric_decrement=)",
    references=REFERENCES["dh-extended"],
    dielectric_decrement=True,
)
register_thermo_model(
    "davies",
    _debye_hueckel_family("davies"),
    description="Davies equation (0.3) (option dielectric_decrement=)",
    references=REFERENCES["davies"],
    dielectric_decrement=True,
)
register_thermo_model(
    "msa",
    _msa_model,
    description="primitive model: Blum MSA + hard spheres (option dielectric_decrement=)",
    references=REFERENCES["msa"],
    dielectric_decrement=True,
)
register_thermo_model(
    "pitzer",
    _pitzer_model,
    description="Pitzer ion interaction (tabulated binary salts)",
    references=REFERENCES["pitzer"],
)
register_thermo_model(
    "msa-association",
    _msa_association_model,
    description="chemical model: MSA free ions at the free-ion concentration + ideal ion pairs "
    "(options association_constant=, association=)",
    references=REFERENCES["msa"]
    + ("N. Bjerrum, Kgl. Danske Vidensk. Selsk. Math.-fys. Medd. 7, 1 (1926)",),
)

#: names of the registered thermodynamic models (a snapshot; see :func:`thermo_models`)
MODELS = tuple(_THERMO_MODELS)


_CONVERSION_KEYS = ("apparent_molar_volume", "solution_density")


def _compute(electrolyte, concentration, molality, model, ion_size, kwargs):
    """Per-ion ln gamma (shape (..., n)) and phi on the scale of the given keyword.

    ``kwargs``: the molality conversion keywords and the model's options.
    """
    conversion = {k: v for k, v in kwargs.items() if k in _CONVERSION_KEYS}
    options = {k: v for k, v in kwargs.items() if k not in _CONVERSION_KEYS}
    scale, x = _state(electrolyte, concentration, molality, model, conversion)
    flat = x.reshape(-1)
    spec = _THERMO_MODELS[model]
    opts = dict(options or {})
    if not spec.dielectric_decrement:
        choice = opts.pop("dielectric_decrement", None)
        if choice is not None and choice is not False:
            raise ParameterError(
                "dielectric_decrement",
                f"is supported by {sorted(decrement_models())}, not by {model!r}",
                choice,
            )
        if choice is None and electrolyte.dielectric_decrement is not None:
            warnings.warn(
                f"thermodynamic model {model!r} ignores the eps_r(c) law of {electrolyte.name} (constant "
                f"eps_r); use one of {sorted(decrement_models())} or pass dielectric_decrement=False",
                ValidityWarning,
                stacklevel=3,
            )
    if ion_size is not None:
        opts["ion_size"] = ion_size
    res = spec.func(electrolyte, scale, flat, conversion=conversion, **opts)
    nu = electrolyte.nu
    out_ln = np.asarray(res.ln_gamma, dtype=float).reshape(flat.size, len(nu))
    out_phi = np.asarray(res.osmotic, dtype=float).reshape(flat.size)
    shape = x.shape
    return scale, x, out_ln.reshape(shape + (len(nu),)), out_phi.reshape(shape)


def _scalar(a):
    a = np.asarray(a)
    return float(a) if a.ndim == 0 else a


def ln_activity_coefficients(
    electrolyte, concentration=None, model="msa", *, molality=None, ion_size=None, **options
):
    """Single-ion ln gamma_i [1], shape ``concentration.shape + (n_species,)``.

    Parameters are those of :func:`activity_coefficient`. For ``"pitzer"`` (which defines
    only the mean) every ion gets ln gamma_pm.
    """
    return _compute(electrolyte, concentration, molality, model, ion_size, options)[2]


def activity_coefficient(
    electrolyte, concentration=None, model="msa", *, molality=None, ion_size=None, **options
):
    """Mean ionic activity coefficient gamma_pm [1].

    Parameters
    ----------
    electrolyte : Electrolyte
        Any z:z' salt or mixture (``"pitzer"``: binary salts with tabulated parameters).
    concentration : float or array_like, optional
        Salt molarity [mol/m^3], >= 0 (molar-scale result y_pm).
    model : str
        A registered model (:func:`thermo_models`): "dh-limiting", "dh-extended",
        "davies", "msa", "pitzer", "msa-association".
    molality : float or array_like, optional
        Salt molality [mol/kg], >= 0 (molal-scale result gamma_pm). Give exactly one of
        ``concentration`` and ``molality``.
    ion_size : float, optional
        Ion size a [m] of ``"dh-extended"`` (default: ``electrolyte.contact_diameter``).
    apparent_molar_volume, solution_density : optional
        Passed to :meth:`Electrolyte.molarity` / :meth:`~Electrolyte.molality` when a
        model needs the other concentration scale ([m^3/mol], [kg/m^3]).
    dielectric_decrement : None, bool or DielectricDecrement, optional
        Models of :func:`decrement_models` ("msa", "dh-limiting", "dh-extended",
        "davies"). ``None`` (default): the electrolyte's eps_r(c) law if it has one
        (presets: none), else constant eps_r; ``False``: constant eps_r; ``True``: require
        the electrolyte's law; a :class:`~ionscales.dielectric.DielectricDecrement`: use it.
        With eps_r(c) the model is evaluated at l_B(c) and the terms dA/dl_B * dl_B/dc and
        the Born solvation energy z_i^2 l_B (eps_s/eps_r(c) - 1)/d_i (radius d_i/2, the
        electrolyte's diameters) are added: ln gamma and phi both derive from one excess
        free energy, so the result stays Gibbs–Duhem consistent. The Debye–Hückel family
        evaluates eps_r at its own salt density (m rho_w on the molal form); Davies keeps
        0.3 and I0 and scales A with l_B^{3/2}. "pitzer" and "msa-association" do not
        carry it (Pitzer's parameters were fitted with a fixed Debye–Hückel slope, so an
        eps_r(c) would count the decrement twice; the chemical model is not extended):
        they raise for ``True`` or a law, and warn when the electrolyte has one.
    association_constant, association : optional
        ``"msa-association"`` only: K_A [m^3/mol] or the formula ("bjerrum", "fuoss") of
        :class:`AssociationEquilibrium`.

    Returns
    -------
    float or ndarray
        gamma_pm = exp(sum_i nu_i ln gamma_i / sum_i nu_i), same shape as the input.

    Notes
    -----
    See the module docstring for the formulas, the concentration scales and the
    conversions. Validity: DH limiting law I -> 0 (about 1e-3 mol/kg); extended DH and
    Davies up to about 0.1–0.5 mol/kg; MSA + hard spheres with a fitted diameter to about
    1–2 mol/kg for aqueous 1:1 salts; Pitzer NaCl to 6 mol/kg at 25 C.

    References
    ----------
    L. Blum, Mol. Phys. 30, 1529 (1975), doi:10.1080/00268977500103051;
    K. S. Pitzer and G. Mayorga, J. Phys. Chem. 77, 2300 (1973), doi:10.1021/j100621a026;
    C. W. Davies, Ion Association (1962); N. F. Carnahan and K. E. Starling,
    doi:10.1063/1.1672048; G. A. Mansoori et al., doi:10.1063/1.1675048.
    """
    _, _, ln_i, _ = _compute(electrolyte, concentration, molality, model, ion_size, options)
    nu = electrolyte.nu
    return _scalar(np.exp(np.sum(ln_i * nu, axis=-1) / np.sum(nu)))


def osmotic_coefficient(
    electrolyte, concentration=None, model="msa", *, molality=None, ion_size=None, **options
):
    """Osmotic coefficient phi [1] (same parameters as :func:`activity_coefficient`).

    phi = beta Pi / rho (molar scale, rho the total ion number density) or
    phi_m = -ln a_w / (nu m M_w) (molal scale).
    """
    return _scalar(_compute(electrolyte, concentration, molality, model, ion_size, options)[3])


def thermodynamics(
    electrolyte, concentration=None, model="msa", *, molality=None, ion_size=None, **options
):
    """Labelled Dataset of the activity and osmotic coefficients over a 1-D grid.

    Same parameters as :func:`activity_coefficient`. Dimension ``concentration`` or
    ``molality`` (whichever keyword was given) and ``species``; variables
    ``activity_coefficient``, ``ln_activity_coefficient`` (mean), ``ion_ln_activity_coefficient``
    (per species) and ``osmotic_coefficient``. Attrs: model, scale, parameters, references.
    """
    scale, x, ln_i, phi = _compute(electrolyte, concentration, molality, model, ion_size, options)
    x = np.atleast_1d(x)
    if x.ndim != 1:
        raise ParameterError(scale, "must be a scalar or a 1-D array for thermodynamics()", x.shape)
    ln_i = ln_i.reshape(x.size, -1)
    phi = np.atleast_1d(phi)
    nu = electrolyte.nu
    ln_pm = np.sum(ln_i * nu, axis=-1) / np.sum(nu)
    params = {
        "electrolyte": electrolyte.name,
        "permittivity": electrolyte.permittivity,
        "temperature": electrolyte.temperature,
        "diameters_m": [float(d) for d in electrolyte.diameters],
    }
    if model == "dh-extended":
        params["ion_size_m"] = float(electrolyte.contact_diameter if ion_size is None else ion_size)
    for k, v in options.items():
        if k in _CONVERSION_KEYS:
            params[k] = np.asarray(v).tolist() if v is not None else None
        elif v is not None:
            params[k] = v if isinstance(v, (bool, int, float, str)) else repr(v)
    unit = "mol/m^3" if scale == "concentration" else "mol/kg"
    return make_dataset(
        {
            "activity_coefficient": ((scale,), np.exp(ln_pm)),
            "ln_activity_coefficient": ((scale,), ln_pm),
            "ion_ln_activity_coefficient": (
                (scale, "species"),
                ln_i,
                "1",
                "natural log of the single-ion activity coefficient",
            ),
            "osmotic_coefficient": ((scale,), phi),
        },
        {
            scale: ((scale,), x, unit),
            "species": (("species",), np.array(electrolyte.species, dtype=str)),
        },
        model=model,
        parameters=params,
        references=_THERMO_MODELS[model].references,
        attrs={
            "scale": "molar (McMillan-Mayer, y_c)"
            if scale == "concentration"
            else "molal (gamma_m)"
        },
    )
