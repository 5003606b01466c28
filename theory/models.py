"""Analytic screening models of the ladder (registered on import by ionscales.theory.ladder).

Each model is ``f(electrolyte, concentration_1d, **options) -> ScreeningModes`` returning the
poles k = alpha_0 + i alpha_1 [1/m] of the charge–charge correlation (see
:mod:`ionscales.theory.ladder`). Models that share the restricted-primitive-model picture
work in units of the contact diameter sigma = ``electrolyte.contact_diameter`` with
y = kappa_D sigma, where kappa_D is the inverse Debye length of *all* ions (any valences);
the root finding is in :mod:`ionscales.theory.poles`.

=============== ==========================================================================
name            physics
=============== ==========================================================================
dh-exclusion    Debye–Hückel with the Coulomb kernel cut inside sigma: k^2 + kappa_D^2
                cos(k sigma) = 0 (Kirkwood 1936); crossover 1.031719, spinodal 2.791544
msa             mean spherical approximation (Waisman–Lebowitz 1972 for one diameter;
                Blum 1975 multicomponent solution for unequal diameters); RPM crossover 1.228740
dressed-ion     dressed-ion screening equation kappa^2 = kappa_D^2 q_eff/q (Kjellander &
                Mitchell) with a pluggable short-range closure (MSA by default)
free-ion        Debye length of the free (unpaired) ions only (Bjerrum 1926, Fuoss 1958)
scaling         empirical underscreening law lambda_S/lambda_D = A (sigma/lambda_D)^n
                (Smith, Lee & Perkin 2016; Lee et al. 2017)
=============== ==========================================================================
"""

from __future__ import annotations

import functools
import math
import warnings
from collections.abc import Callable

import numpy as np
from scipy.special import expi

from ionscales.constants import avogadro
from ionscales.electrolyte import Electrolyte
from ionscales.errors import ConvergenceError, ConvergenceWarning, ParameterError, ValidityWarning
from ionscales.theory import msa_mixture, poles
from ionscales.theory.electrostatics import inverse_debye_length
from ionscales.theory.ladder import ScreeningModes, register_model
from ionscales.validation import check_choice, check_probability

__all__ = [
    "dh_exclusion_model",
    "msa_model",
    "dressed_ion_model",
    "dressed_ion_poles",
    "free_ion_model",
    "scaling_model",
    "bjerrum_association_constant",
    "fuoss_association_constant",
    "paired_concentration",
    "free_and_paired_concentrations",
    "dh_exclusion_crossover",
    "msa_crossover",
    "msa_crossover_concentration",
    "dressed_ion_crossover",
    "REFERENCES",
]

REFERENCES = {
    "debye": "P. Debye & E. Hückel, Phys. Z. 24, 185 (1923)",
    "kirkwood": "J. G. Kirkwood, Chem. Rev. 19, 275 (1936), doi:10.1021/cr60064a007",
    "waisman": "E. Waisman & J. L. Lebowitz, J. Chem. Phys. 56, 3086 (1972), doi:10.1063/1.1677644",
    "blum": "L. Blum, Mol. Phys. 30, 1529 (1975), doi:10.1080/00268977500103051",
    "kjellander-mitchell": "R. Kjellander & D. J. Mitchell, Chem. Phys. Lett. 200, 76 (1992)",
    "kjellander-2019": "R. Kjellander, Soft Matter 15, 5866 (2019), doi:10.1039/c9sm00712a",
    "bjerrum": "N. Bjerrum, Kgl. Danske Vidensk. Selsk. Math.-fys. Medd. 7, 1 (1926)",
    "fuoss": "R. M. Fuoss, J. Am. Chem. Soc. 80, 5059 (1958), doi:10.1021/ja01552a016",
    "smith": "A. M. Smith, A. A. Lee & S. Perkin, J. Phys. Chem. Lett. 7, 2157 (2016), "
    "doi:10.1021/acs.jpclett.6b00867",
    "lee": "A. A. Lee, C. S. Perez-Martinez, A. M. Smith & S. Perkin, Phys. Rev. Lett. 119, "
    "026002 (2017), doi:10.1103/PhysRevLett.119.026002",
}

#: largest kappa_D sigma tabulated for the complex MSA branch
MSA_MAX_KAPPA_SIGMA = 1.0e3
#: kept for compatibility: the one-diameter mapping is now flagged for any unequal diameters
RPM_DIAMETER_RATIO = 1.0


def _reject_unknown(model: str, unknown: dict) -> None:
    if unknown:
        name = sorted(unknown)[0]
        raise ParameterError(name, f"is not an option of screening model {model!r}", unknown[name])


def _reduced_state(electrolyte: Electrolyte, concentration: np.ndarray):
    """Contact diameter sigma [m] and y = kappa_D sigma [1] over concentration."""
    sigma = electrolyte.contact_diameter
    return sigma, inverse_debye_length(electrolyte, concentration) * sigma


def _equal_diameters(electrolyte: Electrolyte) -> bool:
    d = electrolyte.diameters
    return bool(np.all(np.abs(d - d[0]) <= 1e-12 * d[0]))


def _warn_rpm_mapping(model: str, electrolyte: Electrolyte) -> str:
    """The rule for electrolytes that are not the RPM; returns the recorded mapping.

    Equal diameters (any valences, any number of species): exact. With one diameter the
    hard-sphere part of c_ij is the same for every pair and, by electroneutrality, Blum's
    P_n = 0, so the MSA electrostatic part is z_i z_j c_D(r) with the RPM form; the matrix
    1 - rho^1/2 c rho^1/2 then splits into a number and a charge channel (orthogonal by
    electroneutrality) and the charge poles solve the RPM equation with kappa_D of all
    ions (checked against the OZ solver with the MSA closure in tests/test_screening.py).
    Unequal diameters couple the channels: "msa" and "dressed-ion" with the MSA closure then
    use the multicomponent MSA (not this mapping); for the other dressed-ion closures the
    mapping is an approximation, with a ValidityWarning.
    """
    if _equal_diameters(electrolyte):
        if electrolyte.is_symmetric:
            return "restricted primitive model (exact mapping)"
        return "equal diameters: charge channel exact (kappa_D of all ions)"
    warnings.warn(
        f"screening model {model!r} solves the one-diameter pole equation; {electrolyte.name} has "
        f"unequal diameters (ratio {float(np.max(electrolyte.diameters) / np.min(electrolyte.diameters)):.3g}), "
        "so it is mapped onto an equivalent RPM with sigma = contact diameter and kappa_D of all ions "
        "(density-charge coupling neglected; the 'msa' model solves the unequal-size MSA: the "
        "mapping moves the decay length of LiCl 2 mol/L by +0.9 %, CaCl2 1 mol/L -6 %, the "
        "wavelength of CaCl2 0.3 mol/L by +18 %)",
        ValidityWarning,
        stacklevel=4,
    )
    return "equivalent RPM: sigma = contact diameter, kappa_D of all ions (approximate)"


# ---------------------------------------------------------------------------------------
# RPM-type pole models (dimensionless core shared by dh-exclusion, msa and dressed-ion)


def _two_branch_poles(
    func, axis_func, y, table, y_cross, *, x_min=None, x_min_bracket=(1e-3, 60.0), y_max=np.inf
):
    """Modes in sigma units: columns (i x1, i x2) below the crossover, (z, -conj z) above.

    Returns z (n, 2), residual (n, 2), ok (n,) (False beyond y_max or if Newton failed).
    """
    n = y.size
    z = np.full((n, 2), np.nan + 0j)
    residual = np.full((n, 2), np.nan)
    ok = np.zeros(n, dtype=bool)
    inside = y < y_max
    x1, x2 = poles.imaginary_axis_roots(
        axis_func, y, y_cross=y_cross, x_min=x_min, x_min_bracket=x_min_bracket
    )
    real_branch = inside & np.isfinite(x1)
    if np.any(real_branch):
        for col, x in enumerate((x1, x2)):
            zz = 1j * x[real_branch]
            value, _, scale = func(zz, y[real_branch])
            z[real_branch, col] = zz
            residual[real_branch, col] = np.abs(value) / scale
        # verify: the leading root must satisfy its pole equation (x2 may lie beyond x_upper)
        ok[real_branch] = residual[real_branch, 0] <= 1e-10
        if not np.all(ok[real_branch]):
            warnings.warn(
                f"imaginary-axis pole not resolved at {int(np.sum(~ok[real_branch]))} concentration(s); "
                "flagged invalid",
                ConvergenceWarning,
                stacklevel=4,
            )
    complex_branch = inside & ~real_branch
    if np.any(complex_branch):
        yc = y[complex_branch]
        guess = poles.complex_branch_guess(table, yc, y_cross)
        root, res, conv = poles.newton_complex(func, guess, yc)
        # same branch as the tabulated continuation: the root stays close to its guess
        good = (
            conv & (root.real > 0) & (root.imag > 0) & (np.abs(root - guess) < 0.05 * np.abs(guess))
        )
        root = np.where(good, root, np.nan)
        z[complex_branch, 0] = root
        z[complex_branch, 1] = -root.conjugate()
        residual[complex_branch, 0] = np.where(good, res, np.nan)
        residual[complex_branch, 1] = residual[complex_branch, 0]
        ok[complex_branch] = good
        if not np.all(good):
            warnings.warn(
                f"complex pole not found at {int(np.sum(~good))} concentration(s); flagged invalid",
                ConvergenceWarning,
                stacklevel=4,
            )
    return z, residual, ok


@functools.cache
def _cut_coulomb_table():
    return poles.complex_branch_table(
        poles.cut_coulomb_pole_function,
        poles.CUT_COULOMB_CROSSOVER,
        poles.CUT_COULOMB_CROSSOVER_X,
        poles.CUT_COULOMB_SPINODAL,
    )


@functools.cache
def _msa_crossover_point() -> tuple[float, float]:
    return poles.imaginary_axis_crossover(poles.msa_axis_function, bracket=(1.0, 1.5))


@functools.cache
def _msa_table():
    y_k, x_k = _msa_crossover_point()
    return poles.complex_branch_table(poles.msa_pole_function, y_k, x_k, MSA_MAX_KAPPA_SIGMA)


def dh_exclusion_poles(y):
    """Poles z = k sigma of the cut-kernel Debye–Hückel model for y = kappa_D sigma.

    Returns z (n, 2), relative residual (n, 2) and a mask of stable points (y below the
    spinodal 2.791544; NaN poles beyond it).
    """
    y = np.asarray(y, dtype=float)
    return _two_branch_poles(
        poles.cut_coulomb_pole_function,
        poles.cut_coulomb_axis_function,
        y,
        _cut_coulomb_table(),
        poles.CUT_COULOMB_CROSSOVER,
        x_min=poles.CUT_COULOMB_CROSSOVER_X,
        y_max=poles.CUT_COULOMB_SPINODAL,
    )


_MSA_MEMO: dict = {}


def msa_poles(y):
    """Poles z = k sigma of the MSA charge–charge correlation of the RPM for y = kappa_D sigma.

    Returns z (n, 2), relative residual (n, 2) and a mask of points inside the tabulated
    range y < 1000.
    """
    y = np.asarray(y, dtype=float)
    key = (y.shape, y.tobytes())
    if _MSA_MEMO.get("key") != key:  # one-entry memo: "msa" and "dressed-ion" share the roots
        _MSA_MEMO["key"] = key
        _MSA_MEMO["value"] = _two_branch_poles(
            poles.msa_pole_function,
            poles.msa_axis_function,
            y,
            _msa_table(),
            _msa_crossover_point()[0],
            x_min_bracket=(1.9, 2.5),
            y_max=MSA_MAX_KAPPA_SIGMA,
        )
    return tuple(a.copy() for a in _MSA_MEMO["value"])


def dh_exclusion_model(
    electrolyte: Electrolyte, concentration: np.ndarray, **unknown
) -> ScreeningModes:
    """Debye–Hückel screening with the Coulomb kernel cut inside the contact diameter.

    Parameters
    ----------
    electrolyte : Electrolyte
        sigma = ``electrolyte.contact_diameter`` [m] is the cut-off of every pair.
    concentration : ndarray
        Salt concentration [mol/m^3], 1-D, > 0.

    Returns
    -------
    ScreeningModes
        Two modes: the two purely imaginary roots below the crossover, the complex pair
        +-alpha_0 + i alpha_1 above it. Past the spinodal the model has no screened state:
        the poles are NaN, ``valid`` is False (regime "unstable") and a ValidityWarning is
        emitted.

    Notes
    -----
    With c_D(r) = -l_B/r for r > sigma and 0 inside, the charge–charge pole equation is
    k^2 + kappa_D^2 cos(k sigma) = 0 for any valences sharing one cut-off sigma (for
    unequal diameters sigma is the mean cation–anion contact distance, an approximation
    for like-ion pairs). On the imaginary axis k = i kappa: kappa^2 = kappa_D^2 cosh(kappa sigma).
    Monotonic decay (two imaginary roots) for kappa_D sigma < 1.031719 (Kirkwood crossover,
    tanh x = 2/x); damped oscillations above; a real root (charge-ordering spinodal, infinite
    decay length) at kappa_D sigma = 2.791544. kappa -> kappa_D (1 + (kappa_D sigma)^2/4) at
    low concentration.

    References
    ----------
    Kirkwood, Chem. Rev. 19, 275 (1936), doi:10.1021/cr60064a007; Adar, Safran, Diamant &
    Andelman, Phys. Rev. E (2019), arXiv:1812.07217 (same kernel).
    """
    _reject_unknown("dh-exclusion", unknown)
    sigma, y = _reduced_state(electrolyte, concentration)
    z, residual, ok = dh_exclusion_poles(y)
    unstable = y >= poles.CUT_COULOMB_SPINODAL
    if np.any(unstable):
        warnings.warn(
            f"dh-exclusion: kappa_D sigma >= {poles.CUT_COULOMB_SPINODAL:.6f} (charge-ordering "
            f"spinodal) at {int(np.sum(unstable))} concentration(s) (from "
            f"{float(np.min(np.asarray(concentration)[unstable])) / 1e3:.4g} mol/L); no screened state, "
            "flagged valid=False (regime 'unstable')",
            ValidityWarning,
            stacklevel=3,
        )
    return ScreeningModes(
        poles=z / sigma,
        residual=residual,
        valid=ok,
        parameters={"sigma": sigma, "spinodal_kappa_sigma": poles.CUT_COULOMB_SPINODAL},
        references=(REFERENCES["debye"], REFERENCES["kirkwood"]),
        invalid_label="unstable",
    )


def msa_model(electrolyte: Electrolyte, concentration: np.ndarray, **unknown) -> ScreeningModes:
    """Charge–charge decay modes of the restricted primitive model in the MSA.

    Parameters
    ----------
    electrolyte : Electrolyte
    concentration : ndarray
        Salt concentration [mol/m^3], 1-D, > 0.

    Returns
    -------
    ScreeningModes
        Two modes as for "dh-exclusion"; extra ``gamma_sigma`` (MSA screening parameter
        Gamma sigma, which is NOT a decay length).

    Notes
    -----
    With B = Gamma sigma/(1 + Gamma sigma), Gamma sigma = (sqrt(1 + 2 kappa_D sigma) - 1)/2,
    the MSA direct correlation c_D(r) = -l_B/r outside the core and
    -(l_B/sigma)(2B - B^2 r/sigma) inside gives (sigma = 1 units, z = k sigma)
    z^2 + y^2 [cos z + z^2 (2B f1(z) - B^2 f2(z))] = 0, f1 = (sin z - z cos z)/z^3,
    f2 = (2z sin z - (z^2 - 2) cos z - 2)/z^4. Monotonic decay below the Kirkwood point
    kappa_D sigma = 1.228740 (merging at kappa sigma = 2.332680), oscillatory above; the
    decay length is shorter than Debye below the crossover.

    Equal diameters (any valences, any number of species): the same equation with kappa_D
    of all ions is exact (the number and charge channels decouple: Blum's P_n = 0).
    Unequal diameters: the multicomponent MSA (Blum 1975; Blum & Høye 1977) in Baxter's
    factorised form, I - n^1/2 c(k) n^1/2 = Q(-k)^T Q(k); the modes are the zeros of
    det Q(-k) in the upper half plane (:mod:`ionscales.theory.msa_mixture`), and the reported
    ones are the slowest modes with a charge share >= 1/2 (number and charge couple). Agrees
    with the numerical OZ solver with the MSA closure to 2e-5 for LiCl and CaCl2 up to
    2 mol/L. ``gamma_sigma`` is then Blum's Gamma times the contact diameter. The equal-size
    branch is tabulated for kappa_D sigma < 1000 (beyond: valid=False).

    References
    ----------
    Waisman & Lebowitz, J. Chem. Phys. 56, 3086 (1972), doi:10.1063/1.1677644; Blum, Mol.
    Phys. 30, 1529 (1975), doi:10.1080/00268977500103051; Blum & Høye, J. Phys. Chem. 81,
    1311 (1977); Baxter, J. Chem. Phys. 52, 4559 (1970).
    """
    _reject_unknown("msa", unknown)
    sigma, y = _reduced_state(electrolyte, concentration)
    if _equal_diameters(electrolyte):
        mapping = _warn_rpm_mapping("msa", electrolyte)
        z, residual, ok = msa_poles(y)
        _warn_out_of_table("msa", y)
        gamma_sigma = poles.msa_gamma_sigma(y)
    else:
        mapping = "multicomponent MSA (Blum), unequal diameters"
        z, residual, ok, gamma_sigma = _mixture_msa_poles(
            electrolyte, np.asarray(concentration, dtype=float), y
        )
    return ScreeningModes(
        poles=z / sigma,
        residual=residual,
        valid=ok,
        extra={"gamma_sigma": gamma_sigma},
        parameters={"sigma": sigma, "rpm_mapping": mapping},
        references=(REFERENCES["waisman"], REFERENCES["blum"]),
        invalid_label="invalid",
    )


def _mixture_msa_poles(electrolyte: Electrolyte, c: np.ndarray, y: np.ndarray):
    """Charge modes of the multicomponent MSA (unequal diameters), in contact-diameter units.

    Returns z (n, 2), residual (n, 2), ok (n,) and Blum's Gamma times the contact diameter.
    States with an ion packing fraction >= 1 have no MSA solution: NaN, ok False and a
    ValidityWarning.
    """
    sigma = electrolyte.contact_diameter
    n = electrolyte.ion_densities(c) * sigma**3
    d = electrolyte.diameters / sigma
    packing = (math.pi / 6) * np.sum(n * d**3, axis=-1)
    z = np.full((c.size, 2), np.nan + 0j)
    residual = np.full((c.size, 2), np.nan)
    ok = np.zeros(c.size, dtype=bool)
    gamma_sigma = np.full(c.size, np.nan)
    packed = packing >= 1.0
    if np.any(packed):
        warnings.warn(
            f"msa: ion packing fraction >= 1 at {int(np.sum(packed))} concentration(s) (from "
            f"{float(np.min(c[packed])) / 1e3:.4g} mol/L); no MSA solution there, flagged valid=False",
            ValidityWarning,
            stacklevel=4,
        )
    keep = ~packed
    if np.any(keep):
        mixture = msa_mixture.MSAMixture(
            n[keep], electrolyte.charges, d, electrolyte.bjerrum_length / sigma
        )
        with warnings.catch_warnings():  # the one-diameter poles are only seeds here
            warnings.simplefilter("ignore", ValidityWarning)
            seeds, _, _ = msa_poles(y[keep])
        z[keep], residual[keep], ok[keep] = msa_mixture.decay_poles(mixture, y[keep], seeds)
        gamma_sigma[keep] = mixture.params["gamma"]
    if not np.all(ok[keep]):
        warnings.warn(
            f"msa: no charge mode of the multicomponent MSA found at {int(np.sum(~ok[keep]))} "
            "concentration(s); flagged invalid",
            ConvergenceWarning,
            stacklevel=4,
        )
    return z, residual, ok, gamma_sigma


def _warn_out_of_table(model: str, y) -> None:
    beyond = y >= MSA_MAX_KAPPA_SIGMA
    if np.any(beyond):
        warnings.warn(
            f"{model}: kappa_D sigma >= {MSA_MAX_KAPPA_SIGMA:g} at {int(np.sum(beyond))} "
            "concentration(s), outside the computed range; flagged valid=False",
            ValidityWarning,
            stacklevel=4,
        )


# ---------------------------------------------------------------------------------------
# dressed-ion theory


ShortRange = Callable[[np.ndarray, np.ndarray], tuple[np.ndarray, np.ndarray]]


def dressed_ion_pole_function(short_range: ShortRange):
    """Pole function of the dressed-ion screening equation for a closure (sigma = 1).

    ``short_range(z, y) -> (S, dS/dz)`` is rho c_short(k) (the short-range part of the
    charge direct correlation, c_D = c_short - l_B/r). The screening equation
    kappa^2 = kappa_D^2 q_eff(i kappa)/q with q_eff/q = 1/(1 - S) becomes, for complex
    z, F(z) = z^2 (1 - S(z)) + y^2 = 0.
    """

    def func(z, y):
        s, ds = short_range(z, y)
        one_minus = 1.0 - s
        value = z * z * one_minus + y * y
        deriv = 2 * z * one_minus - z * z * ds
        scale = np.abs(z * z) * (1.0 + np.abs(s)) + y * y
        return value, deriv, scale

    return func


def dressed_ion_poles(short_range: ShortRange, y, guesses, *, tol: float = 1e-13):
    """Vectorised Newton for the dressed-ion screening equation from given initial poles.

    Parameters
    ----------
    short_range : callable
        ``short_range(z, y) -> (S, dS/dz)``: rho c_short at complex z = k sigma and
        y = kappa_D sigma (dimensionless, broadcasting).
    y : ndarray, shape (n,)
        kappa_D sigma.
    guesses : complex ndarray, shape (n, m)
        Starting poles (NaN = skip), e.g. from the MSA.

    Returns
    -------
    z, residual, converged : arrays of shape (n, m)
    """
    func = dressed_ion_pole_function(short_range)
    guesses = np.asarray(guesses, dtype=complex)
    yy = np.broadcast_to(np.asarray(y, dtype=float)[:, None], guesses.shape)
    start = np.isfinite(guesses)
    z = np.full(guesses.shape, np.nan + 0j)
    residual = np.full(guesses.shape, np.nan)
    converged = np.zeros(guesses.shape, dtype=bool)
    if np.any(start):
        root, res, conv = poles.newton_complex(func, guesses[start], yy[start], tol=tol)
        # purely imaginary starting points stay on the axis up to rounding
        root = np.where(np.abs(root.real) < 1e-10 * np.abs(root), 1j * root.imag, root)
        z[start], residual[start], converged[start] = root, res, conv
    return z, residual, converged


_CLOSURES = {"msa": poles.msa_short_range, "cut-coulomb": poles.cut_coulomb_short_range}


def _user_closure(closure, sigma: float, kappa_per_sqrt_c: float) -> ShortRange:
    """Wrap ``closure(k, concentration)`` [1/m, mol/m^3] into the sigma-unit signature."""

    def short_range(z, y):
        c = (np.asarray(y) / (sigma * kappa_per_sqrt_c)) ** 2
        k = np.asarray(z) / sigma
        out = closure(k, c)
        if isinstance(out, tuple):
            value, deriv_k = out
            return np.asarray(value, dtype=complex), np.asarray(deriv_k, dtype=complex) / sigma
        h = 1e-6 * (np.abs(k) + 1.0 / sigma)
        deriv_k = (np.asarray(closure(k + h, c)) - np.asarray(closure(k - h, c))) / (2 * h)
        return np.asarray(out, dtype=complex), deriv_k / sigma

    return short_range


def dressed_ion_model(
    electrolyte: Electrolyte,
    concentration: np.ndarray,
    *,
    closure="msa",
    **unknown,
) -> ScreeningModes:
    """Dressed-ion screening: kappa^2 = kappa_D^2 q_eff(i kappa)/q with a chosen closure.

    Parameters
    ----------
    electrolyte : Electrolyte
    concentration : ndarray
        Salt concentration [mol/m^3], 1-D, > 0.
    closure : {"msa", "cut-coulomb"} or callable
        Short-range direct correlation rho c_short(k) of the charge channel
        (c_D = c_short - l_B/r). "msa": Waisman–Lebowitz MSA of the RPM; "cut-coulomb":
        c_short = +l_B/r inside the core (the dh-exclusion model). A callable
        ``closure(k, concentration)`` takes complex k [1/m] and the concentration
        [mol/m^3] as arrays of the same shape and returns rho c_short(k) [1] (or a tuple
        with its derivative d/dk [m]; otherwise a central difference is used). It must be
        analytic in k near the poles (e.g. the Fourier–Bessel transform of a short-ranged
        c_short(r), valid at complex k). The MSA poles are the starting points of Newton;
        points where it does not converge are flagged invalid with a ConvergenceWarning.

    Returns
    -------
    ScreeningModes
        Modes as for "msa" and extras ``dressed_charge_ratio`` q_eff/q and
        ``effective_permittivity`` E_r^eff of the leading mode (NaN where that mode is
        oscillatory: both are then complex).

    Notes
    -----
    Splitting c_D = c_short - l_B/r, the dressed-ion charge density is
    rho*(k)/q = 1/(1 - rho c_short(k)), so the exact screening equation of a symmetric
    electrolyte, kappa^2 = kappa_D^2 q_eff(i kappa)/q, is the pole equation
    1 - rho c_D(i kappa) = 0. Underscreening (kappa < kappa_D) happens if and only if
    q_eff < q. The potential of an ion decays as q_eff e^{-kappa r}/(4 pi eps0 E_r^eff r)
    with E_r^eff = eps_r [1 - (kappa_D^2/(2 kappa)) d(q_eff/q)/d kappa] (the residue of
    the pole); E_r^eff -> eps_r at infinite dilution and -> 0 at the Kirkwood crossover,
    where two modes merge. With the MSA closure the poles equal those of "msa"
    (q_eff/q = 1.1116 at kappa_D sigma = 0.5). Unequal diameters with the MSA closure: the
    multicomponent MSA (as "msa"); the dressed charges z*_i = [(I - c0 n)^-1 z]_i
    (c0 = c + beta u_Coulomb) differ per species and ``dressed_charge_ratio`` is their
    charge-weighted mean sum n_i z_i z*_i / sum n_i z_i^2 = kappa^2/kappa_D^2, with
    E_r^eff = eps_r (1 + d kappa^2(k)/d k^2) (:func:`ionscales.theory.msa_mixture.dressed_ion`;
    checked against the OZ-MSA solver). Other closures with unequal diameters: the
    one-diameter equation (sigma = contact diameter, kappa_D of all ions) with a
    ValidityWarning.

    References
    ----------
    Kjellander & Mitchell, Chem. Phys. Lett. 200, 76 (1992); Kjellander, Soft Matter 15,
    5866 (2019), doi:10.1039/c9sm00712a.
    """
    _reject_unknown("dressed-ion", unknown)
    sigma, y = _reduced_state(electrolyte, concentration)
    if isinstance(closure, str):
        check_choice("closure", closure, list(_CLOSURES))
        short_range = _CLOSURES[closure]
        label = closure
    elif callable(closure):
        kappa_per_sqrt_c = inverse_debye_length(electrolyte, 1.0)
        short_range = _user_closure(closure, sigma, kappa_per_sqrt_c)
        label = getattr(closure, "__name__", type(closure).__name__)
    else:
        raise ParameterError(
            "closure", "must be 'msa', 'cut-coulomb' or a callable closure(k, c)", closure
        )
    if closure == "msa" and not _equal_diameters(electrolyte):
        return _mixture_dressed_ion(electrolyte, np.asarray(concentration, dtype=float), y)
    mapping = _warn_rpm_mapping("dressed-ion", electrolyte)
    if closure == "cut-coulomb":
        guesses, _, ok_guess = dh_exclusion_poles(y)
        if np.any(~ok_guess):
            warnings.warn(
                "dressed-ion (cut-coulomb closure): kappa_D sigma beyond the spinodal "
                f"{poles.CUT_COULOMB_SPINODAL:.6f}; flagged valid=False",
                ValidityWarning,
                stacklevel=3,
            )
    else:
        guesses, _, ok_guess = msa_poles(y)
        _warn_out_of_table("dressed-ion", y)
    z, residual, converged = dressed_ion_poles(
        short_range, y, np.where(ok_guess[:, None], guesses, np.nan)
    )
    valid = ok_guess & converged[:, 0]
    if np.any(ok_guess & ~valid):
        warnings.warn(
            f"dressed-ion: the screening equation did not converge at {int(np.sum(ok_guess & ~valid))} "
            "concentration(s); flagged valid=False",
            ConvergenceWarning,
            stacklevel=3,
        )
    # leading mode: smallest Im z
    imag = np.where(np.isfinite(z.imag) & (z.imag > 0), z.imag, np.inf)
    lead = np.take_along_axis(z, np.argmin(imag, axis=1)[:, None], axis=1)[:, 0]
    monotonic = valid & (np.abs(lead.real) <= 1e-10 * np.abs(lead))
    s, ds = short_range(np.where(monotonic, lead, 1j), y)
    q_ratio = 1.0 / (1.0 - s)
    dq_dz = ds / (1.0 - s) ** 2
    with np.errstate(invalid="ignore", divide="ignore"):
        charge_ratio = np.where(monotonic, (-lead * lead / (y * y)).real, np.nan)
        permittivity = np.where(
            monotonic, electrolyte.permittivity * (1.0 + y * y * dq_dz / (2 * lead)).real, np.nan
        )
        # two routes to q_eff/q: the pole (-z^2/y^2) and the closure 1/(1 - S(z)); they agree
        # wherever the screening equation is solved (this does not test dS/dz, which enters
        # only E_r^eff)
        mismatch = monotonic & ~(np.abs(q_ratio.real - charge_ratio) <= 1e-8 * np.abs(charge_ratio))
    if np.any(mismatch):
        warnings.warn(
            f"dressed-ion: q_eff/q from the pole and from the closure disagree at {int(np.sum(mismatch))} "
            "concentration(s); their dressed charge and permittivity are set to NaN",
            ConvergenceWarning,
            stacklevel=3,
        )
    charge_ratio = np.where(mismatch, np.nan, charge_ratio)
    permittivity = np.where(mismatch, np.nan, permittivity)
    return ScreeningModes(
        poles=z / sigma,
        residual=residual,
        valid=valid,
        extra={"dressed_charge_ratio": charge_ratio, "effective_permittivity": permittivity},
        parameters={"sigma": sigma, "closure": label, "rpm_mapping": mapping},
        references=(
            REFERENCES["kjellander-mitchell"],
            REFERENCES["kjellander-2019"],
            REFERENCES["waisman"],
        ),
        invalid_label="invalid",
    )


def _mixture_dressed_ion(electrolyte: Electrolyte, c: np.ndarray, y: np.ndarray) -> ScreeningModes:
    """Dressed-ion quantities of the multicomponent MSA (unequal diameters, MSA closure)."""
    sigma = electrolyte.contact_diameter
    z, residual, valid, _ = _mixture_msa_poles(electrolyte, c, y)
    lead = z[:, 0]
    monotonic = valid & (np.abs(lead.real) <= 1e-10 * np.abs(lead))
    charge_ratio = np.full(c.size, np.nan)
    permittivity = np.full(c.size, np.nan)
    if np.any(monotonic):
        n = electrolyte.ion_densities(c[monotonic]) * sigma**3
        mixture = msa_mixture.MSAMixture(
            n,
            electrolyte.charges,
            electrolyte.diameters / sigma,
            electrolyte.bjerrum_length / sigma,
        )
        _, weighted, eps_ratio = msa_mixture.dressed_ion(mixture, lead[monotonic])
        pole_route = (-(lead[monotonic] ** 2) / y[monotonic] ** 2).real
        # two routes to the charge-weighted q_eff/q: the pole (-k^2/kappa_D^2) and
        # kappa^2(k)/kappa_D^2 from the dressed charges; they agree wherever the pole is solved
        agree = np.abs(weighted.real - pole_route) <= 1e-8 * np.abs(pole_route)
        if not np.all(agree):
            warnings.warn(
                f"dressed-ion: q_eff/q from the pole and from the dressed charges disagree at "
                f"{int(np.sum(~agree))} concentration(s); their dressed charge and permittivity are set to NaN",
                ConvergenceWarning,
                stacklevel=4,
            )
        charge_ratio[monotonic] = np.where(agree, pole_route, np.nan)
        permittivity[monotonic] = np.where(agree, electrolyte.permittivity * eps_ratio.real, np.nan)
    return ScreeningModes(
        poles=z / sigma,
        residual=residual,
        valid=valid,
        extra={"dressed_charge_ratio": charge_ratio, "effective_permittivity": permittivity},
        parameters={
            "sigma": sigma,
            "closure": "msa",
            "rpm_mapping": "multicomponent MSA (Blum), unequal diameters",
        },
        references=(
            REFERENCES["kjellander-mitchell"],
            REFERENCES["kjellander-2019"],
            REFERENCES["blum"],
        ),
        invalid_label="invalid",
    )


# ---------------------------------------------------------------------------------------
# free ions (ion pairing)


def bjerrum_association_constant(electrolyte: Electrolyte) -> float:
    """Bjerrum ion-pair association constant K_A [m^3/mol] of a binary salt.

    K_A = 4 pi N_A int_a^R r^2 exp(b/r) dr with b = |z+ z-| l_B, R = b/2 (Bjerrum distance)
    and a the contact diameter; K_A = 0 when a >= R (no pairs in Bjerrum's sense).

    References
    ----------
    Bjerrum, Kgl. Danske Vidensk. Selsk. Math.-fys. Medd. 7, 1 (1926).
    """
    a, b = _pair_lengths(electrolyte)
    r_bjerrum = b / 2
    if a >= r_bjerrum:
        return 0.0
    # r = a u, t = beta/u (beta = b/a): int_1^{R/a} u^2 e^{beta/u} du = beta^3 int_2^beta t^-4 e^t dt,
    # with the antiderivative P(t) = Ei(t)/6 - e^t (1/(3t^3) + 1/(6t^2) + 1/(6t))
    beta = b / a

    def antiderivative(t):
        return float(expi(t)) / 6 - math.exp(t) * (1 / (3 * t**3) + 1 / (6 * t**2) + 1 / (6 * t))

    return 4 * math.pi * avogadro * a**3 * beta**3 * (antiderivative(beta) - antiderivative(2.0))


def fuoss_association_constant(electrolyte: Electrolyte) -> float:
    """Fuoss ion-pair association constant K_A = (4 pi N_A a^3/3) exp(b/a) [m^3/mol].

    b = |z+ z-| l_B, a = contact diameter.

    References
    ----------
    Fuoss, J. Am. Chem. Soc. 80, 5059 (1958), doi:10.1021/ja01552a016.
    """
    a, b = _pair_lengths(electrolyte)
    return 4 * math.pi * avogadro * a**3 / 3 * math.exp(b / a)


def _pair_lengths(electrolyte: Electrolyte) -> tuple[float, float]:
    if not electrolyte.is_binary:
        raise ParameterError(
            "association",
            "ion-pair association needs a binary salt; give free_fraction= for a mixture",
        )
    z = electrolyte.charges
    return electrolyte.contact_diameter, abs(z[0] * z[1]) * electrolyte.bjerrum_length


def paired_concentration(concentration, association_constant, stoichiometry=(1.0, 1.0)):
    """Ion-pair concentration p [mol/m^3] from ideal mass action (closed form).

    K_A = p / ((nu+ c - p)(nu- c - p)), i.e. K p^2 - (K (nu+ + nu-) c + 1) p + K nu+ nu- c^2 = 0,
    smaller root written without cancellation: p = 2 K nu+ nu- c^2 / (b + sqrt(b^2 - 4 K^2 nu+ nu- c^2)),
    b = K (nu+ + nu-) c + 1. For a 1:1 salt the free fraction is 1 - p/c = 2/(1 + sqrt(1 + 4 K c)).

    Parameters
    ----------
    concentration : array_like
        Salt concentration c [mol/m^3], >= 0.
    association_constant : float
        K_A [m^3/mol], >= 0.
    stoichiometry : (nu+, nu-)
    """
    c = np.asarray(concentration, dtype=float)
    k = float(association_constant)
    nu_p, nu_m = (float(v) for v in stoichiometry)
    b = k * (nu_p + nu_m) * c + 1.0
    disc = np.sqrt(np.maximum(b * b - 4 * k * k * nu_p * nu_m * c * c, 0.0))
    return 2 * k * nu_p * nu_m * c * c / (b + disc)


def free_and_paired_concentrations(concentration, association_constant, stoichiometry=(1.0, 1.0)):
    """Free-ion concentrations (n, 2) and pair concentration p (n,) [mol/m^3], cancellation-free.

    With f+ = nu+ c - p, f- = nu- c - p and Delta = f_major - f_minor = |nu- - nu+| c, the
    minority species obeys K f^2 + (K Delta + 1) f - nu_min c = 0, solved as
    f = 2 nu_min c / (K Delta + 1 + sqrt((K Delta + 1)^2 + 4 K nu_min c)); accurate even when
    almost every ion is paired (K c >> 1).
    """
    c = np.asarray(concentration, dtype=float)
    k = float(association_constant)
    nu = np.asarray(stoichiometry, dtype=float)
    minor = int(np.argmin(nu))
    delta = abs(nu[1] - nu[0]) * c
    b = k * delta + 1.0
    f_minor = 2 * nu[minor] * c / (b + np.sqrt(b * b + 4 * k * nu[minor] * c))
    free = np.empty(c.shape + (2,))
    free[..., minor] = f_minor
    free[..., 1 - minor] = f_minor + delta
    pairs = np.maximum(nu[minor] * c - f_minor, 0.0)
    return free, pairs


def _free_fractions_from_option(free_fraction, electrolyte, c) -> np.ndarray:
    n_species = len(electrolyte.ions)
    if hasattr(free_fraction, "free_fractions"):
        out = np.asarray(free_fraction.free_fractions(electrolyte, c), dtype=float)
        if out.shape != (c.size, n_species):
            raise ParameterError(
                "free_fraction",
                f"free_fractions() must return shape ({c.size}, {n_species}), got {out.shape}",
            )
        return check_probability("free_fraction", out)
    alpha = check_probability("free_fraction", free_fraction)
    if alpha.ndim == 0:
        return np.full((c.size, n_species), float(alpha))
    if alpha.shape == (c.size,):
        return np.repeat(alpha[:, None], n_species, axis=1)
    if alpha.shape == (c.size, n_species):
        return alpha
    raise ParameterError(
        "free_fraction",
        f"must be a number, an array over concentration ({c.size},) or ({c.size}, {n_species}), "
        "or an object with free_fractions(electrolyte, concentration)",
        free_fraction,
    )


def free_ion_model(
    electrolyte: Electrolyte,
    concentration: np.ndarray,
    *,
    free_fraction=None,
    association_constant=None,
    association: str = "bjerrum",
    **unknown,
) -> ScreeningModes:
    """Debye length of the free (unpaired) ions only.

    Parameters
    ----------
    electrolyte : Electrolyte
    concentration : ndarray
        Salt concentration [mol/m^3], 1-D, > 0.
    free_fraction : float, array or object, optional
        Fraction of free ions in [0, 1]: a number or an array over concentration (all
        species), an array (n_concentration, n_species), or an object with
        ``free_fractions(electrolyte, concentration) -> (n_concentration, n_species)``
        (e.g. an aggregation model). Takes precedence over the pairing options.
    association_constant : float, optional
        Ion-pair association constant K_A [m^3/mol], >= 0 (binary salts).
    association : {"bjerrum", "fuoss"}
        Formula for K_A when ``association_constant`` is not given (default "bjerrum").

    Returns
    -------
    ScreeningModes
        One monotonic mode; extra ``free_fraction`` (number-weighted fraction of free
        ions). Where no charge carrier is free the decay length is infinite: valid=False,
        regime "unscreened".

    Notes
    -----
    kappa_free^2 = 4 pi l_B [sum_i n_i,free z_i^2 + n_pair (z+ + z-)^2]: free ions and, for
    asymmetric salts, the charged pairs. Pairing by ideal mass action (activity
    corrections neglected), K_A = p/((nu+ c - p)(nu- c - p)), solved in closed form
    (:func:`paired_concentration`). Bjerrum: K_A = 4 pi N_A int_a^{l_B|z+z-|/2} r^2
    e^{l_B |z+ z-|/r} dr (zero if a >= l_B|z+ z-|/2, e.g. NaCl in water); Fuoss:
    K_A = (4 pi N_A a^3/3) e^{l_B |z+ z-|/a}. kappa_free -> kappa_D as c -> 0.

    References
    ----------
    Bjerrum (1926); Fuoss, J. Am. Chem. Soc. 80, 5059 (1958), doi:10.1021/ja01552a016.
    """
    _reject_unknown("free-ion", unknown)
    c = np.asarray(concentration, dtype=float)
    z = electrolyte.charges
    lb = electrolyte.bjerrum_length
    parameters: dict = {}
    if free_fraction is not None:
        if association_constant is not None:
            raise ParameterError(
                "association_constant", "give either free_fraction or association_constant"
            )
        alpha = _free_fractions_from_option(free_fraction, electrolyte, c)
        n_free = alpha * electrolyte.ion_densities(c)
        kappa2 = 4 * math.pi * lb * np.sum(n_free * z * z, axis=1)
        weights = electrolyte.nu
        fraction = np.sum(alpha * weights, axis=1) / np.sum(weights)
        parameters["free_fraction_source"] = type(free_fraction).__name__
        refs = (REFERENCES["debye"],)
    else:
        if association_constant is not None:
            k_a = float(np.asarray(association_constant, dtype=float))
            if not math.isfinite(k_a) or k_a < 0:
                raise ParameterError(
                    "association_constant", "must be finite and >= 0 m^3/mol", association_constant
                )
            source = "user"
        else:
            check_choice("association", association, ["bjerrum", "fuoss"])
            k_a = (
                bjerrum_association_constant
                if association == "bjerrum"
                else fuoss_association_constant
            )(electrolyte)
            source = association
        if not electrolyte.is_binary:
            raise ParameterError(
                "association_constant", "ion pairing needs a binary salt; use free_fraction="
            )
        nu = electrolyte.nu
        free, pairs = free_and_paired_concentrations(c, k_a, nu)
        kappa2 = (
            4
            * math.pi
            * lb
            * avogadro
            * (np.sum(free * z * z, axis=1) + pairs * (z[0] + z[1]) ** 2)
        )
        fraction = np.sum(free, axis=1) / ((nu[0] + nu[1]) * c)
        parameters.update(association=source, association_constant=k_a)
        refs = (REFERENCES["debye"], REFERENCES["bjerrum"], REFERENCES["fuoss"])
    kappa = np.sqrt(np.maximum(kappa2, 0.0))
    valid = kappa > 0
    return ScreeningModes(
        poles=np.where(valid, 1j * kappa, np.nan)[:, None],
        residual=np.zeros((c.size, 1)),
        valid=valid,
        extra={"free_fraction": fraction},
        parameters=parameters,
        references=refs,
        invalid_label="unscreened",
    )


# ---------------------------------------------------------------------------------------
# underscreening scaling law


def scaling_model(
    electrolyte: Electrolyte,
    concentration: np.ndarray,
    *,
    prefactor: float = 1.0,
    exponent: float = 3.0,
    **unknown,
) -> ScreeningModes:
    """Empirical underscreening law lambda_S/lambda_D = A (sigma/lambda_D)^n, Debye below.

    Parameters
    ----------
    electrolyte : Electrolyte
        sigma = contact diameter [m].
    concentration : ndarray
        Salt concentration [mol/m^3], 1-D, > 0.
    prefactor : float
        A [1], > 0 (order one; fit it with ``fitting.fit_screening_scaling``).
    exponent : float
        n [1], > 0 (3 from surface-force data).

    Notes
    -----
    lambda_S = lambda_D for kappa_D sigma <= A^(-1/n) (where the concentrated branch meets
    the Debye length: continuous, the minimum of lambda_S), and lambda_S = lambda_D A
    (kappa_D sigma)^n above. With n = 3, lambda_S = A sigma^3/lambda_D^2 = 8 pi A l_B c sigma^3
    (1:1), linear in l_B and c. A fit to surface-force-apparatus data, not a theory: the
    prefactor and the diameter are effective; one monotonic mode, no Kirkwood crossover.

    References
    ----------
    Smith, Lee & Perkin, J. Phys. Chem. Lett. 7, 2157 (2016), doi:10.1021/acs.jpclett.6b00867;
    Lee, Perez-Martinez, Smith & Perkin, Phys. Rev. Lett. 119, 026002 (2017),
    doi:10.1103/PhysRevLett.119.026002.
    """
    _reject_unknown("scaling", unknown)
    for name, value in (("prefactor", prefactor), ("exponent", exponent)):
        if (
            isinstance(value, bool)
            or not isinstance(value, (int, float, np.integer, np.floating))
            or not math.isfinite(value)
            or value <= 0
        ):
            raise ParameterError(name, "must be a finite number > 0", value)
    sigma, y = _reduced_state(electrolyte, concentration)
    kappa_d = y / sigma
    y_cross = prefactor ** (-1.0 / exponent)
    ratio = np.where(y > y_cross, prefactor * y**exponent, 1.0)  # lambda_S / lambda_D
    return ScreeningModes(
        poles=(1j * kappa_d / ratio)[:, None],
        residual=np.zeros((y.size, 1)),
        valid=np.ones(y.size, dtype=bool),
        parameters={
            "prefactor": float(prefactor),
            "exponent": float(exponent),
            "sigma": sigma,
            "debye_below_kappa_sigma": y_cross,
        },
        references=(REFERENCES["smith"], REFERENCES["lee"]),
    )


# ---------------------------------------------------------------------------------------
# Kirkwood crossovers (from the pole equations)


def dh_exclusion_crossover() -> float:
    """kappa_D sigma = x_K/sqrt(cosh x_K), tanh x_K = 2/x_K (1.0317190...)."""
    return poles.CUT_COULOMB_CROSSOVER


def msa_crossover(electrolyte: Electrolyte | None = None) -> float:
    """kappa_D sigma where the two imaginary MSA roots merge (1.228740... for the RPM).

    With ``electrolyte`` of unequal diameters: kappa_D sigma (sigma its contact diameter) at
    the crossover of the multicomponent MSA (:func:`msa_crossover_concentration`); size
    asymmetry shifts it (LiCl 1.2334, CaCl2 1.1654). Equal diameters give the RPM value.
    """
    if electrolyte is None or _equal_diameters(electrolyte):
        return _msa_crossover_point()[0]
    c = msa_crossover_concentration(electrolyte)
    return float(inverse_debye_length(electrolyte, c) * electrolyte.contact_diameter)


def msa_crossover_concentration(electrolyte: Electrolyte) -> float:
    """Salt concentration [mol/m^3] at the Kirkwood crossover of "msa" for an electrolyte.

    Parameters
    ----------
    electrolyte : Electrolyte

    Notes
    -----
    Equal diameters: kappa_D sigma = 1.228740 (:func:`msa_crossover`). Unequal diameters:
    the concentration where the slowest charge mode of the multicomponent MSA turns
    oscillatory (bisection in ln c to 1e-10 relative, bracketed by kappa_D sigma in
    [0.2, 6] and ion packing fraction < 0.99); size asymmetry shifts it (for the RPM mapping the crossover would stay at
    1.228740). Raises ConvergenceError when no crossover lies in the bracket.
    """
    sigma = electrolyte.contact_diameter
    per_sqrt_c = inverse_debye_length(electrolyte, 1.0) * sigma  # y = per_sqrt_c sqrt(c)
    if _equal_diameters(electrolyte):
        return float((msa_crossover() / per_sqrt_c) ** 2)

    def oscillatory(c: float) -> bool:
        cc = np.array([c])
        z, _, ok, _ = _mixture_msa_poles(electrolyte, cc, per_sqrt_c * np.sqrt(cc))
        if not ok[0]:
            raise ConvergenceError(
                f"msa: no charge mode at {c:.6g} mol/m^3 while locating the crossover"
            )
        return bool(abs(z[0, 0].real) > 1e-10 * abs(z[0, 0]))

    # below the close-packed concentration (ion packing fraction 1, linear in c)
    packing_per_c = (math.pi / 6) * float(
        np.sum(electrolyte.ion_densities(1.0) * electrolyte.diameters**3)
    )
    c_hi = min((6.0 / per_sqrt_c) ** 2, 0.99 / packing_per_c)
    lo, hi = math.log((0.2 / per_sqrt_c) ** 2), math.log(c_hi)
    if hi <= lo or oscillatory(math.exp(lo)) or not oscillatory(math.exp(hi)):
        raise ConvergenceError(
            "msa: no Kirkwood crossover for kappa_D sigma in [0.2, 6] below ion packing fraction 0.99"
        )
    while hi - lo > 1e-10:
        mid = 0.5 * (lo + hi)
        if oscillatory(math.exp(mid)):
            hi = mid
        else:
            lo = mid
    return float(math.exp(0.5 * (lo + hi)))


def dressed_ion_crossover(closure: str = "msa") -> float:
    """Crossover of the dressed-ion screening equation for a named closure.

    Computed from the dressed-ion form z^2 (1 - S(z)) + y^2 = 0 on the imaginary axis (a
    different code path from :func:`msa_crossover`; the two must agree for "msa").
    """
    if not isinstance(closure, str):
        raise ParameterError(
            "closure", "the crossover is computed for a named closure only", closure
        )
    check_choice("closure", closure, list(_CLOSURES))
    return _dressed_ion_crossover(closure)


@functools.cache
def _dressed_ion_crossover(closure: str) -> float:
    # On z = i x the screening equation reads y^2 = h(x) = x^2 (1 - S(ix; y)); h rises from 0,
    # peaks and falls (S grows like cosh x), so two roots exist while max_x h >= y^2 and
    # they merge where max_x h = y^2.
    short_range = _CLOSURES[closure]

    def h(x, y):
        return float((x * x * (1.0 - short_range(np.array(1j * x), np.array(y))[0])).real)

    def excess(y):
        neg_max, _ = poles.golden_minimum(lambda x: -h(x, y), 0.05, 10.0, xtol=1e-10)
        return -neg_max - y * y

    return float(poles.bisect_scalar(excess, 0.5, 2.0))


register_model(
    "dh-exclusion",
    dh_exclusion_model,
    description="Debye–Hückel with the Coulomb kernel cut inside the contact diameter (Kirkwood)",
    crossover=dh_exclusion_crossover,
)
register_model(
    "msa",
    msa_model,
    description="mean spherical approximation of the restricted primitive model",
    crossover=msa_crossover,
)
register_model(
    "dressed-ion",
    dressed_ion_model,
    description="dressed-ion screening kappa^2 = kappa_D^2 q_eff/q (MSA closure by default)",
    crossover=dressed_ion_crossover,
)
register_model(
    "free-ion",
    free_ion_model,
    description="Debye length of the free ions (Bjerrum/Fuoss ion pairing or a given free fraction)",
)
register_model(
    "scaling",
    scaling_model,
    description="underscreening scaling law lambda_S/lambda_D = A (sigma/lambda_D)^n",
)
