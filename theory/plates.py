"""Poisson–Boltzmann double-layer interaction between two identical parallel plates.

Exact (nonlinear) PB for a symmetric z:z electrolyte between plates at constant potential or
constant charge (elliptic-integral form), disjoining pressure by the midplane and contact
routes, interaction free energy per area W(D) = ∫_D^inf Pi dh, the weak-overlap and linearised
(Debye–Hückel) limits, the counterion-only (Langmuir) slab, and the Derjaguin approximation.
All kernels are SI at the API; phi denotes the reduced potential z e psi / kT.

References
----------
Verwey & Overbeek, Theory of the Stability of Lyophobic Colloids (Elsevier, 1948);
Derjaguin, Kolloid-Z. 69, 155 (1934); Israelachvili, Intermolecular and Surface Forces,
3rd ed. (Academic Press, 2011); Langmuir, J. Chem. Phys. 6, 873 (1938).
"""

from __future__ import annotations

import math

import numpy as np
from scipy import integrate, optimize, special

from ionscales.constants import avogadro, boltzmann, elementary_charge, vacuum_permittivity
from ionscales.errors import ParameterError
from ionscales.theory.electrostatics import inverse_debye_length
from ionscales.validation import (
    as_float,
    as_float_array,
    check_choice,
    check_positive,
    check_range,
    warn_implausible,
)

__all__ = [
    "plate_midplane_potential",
    "plate_wall_potential",
    "plate_pressure",
    "plate_interaction_energy",
    "weak_overlap_pressure",
    "weak_overlap_energy",
    "linear_plate_pressure",
    "linear_plate_energy",
    "counterion_only_midplane_density",
    "derjaguin_force",
    "force_over_radius",
]


#: largest reduced wall potential |z e psi / kT| (cosh and exp overflow near 710)
_MAX_REDUCED_POTENTIAL = 300.0
#: below this reduced wall potential the linearised solution is used: its relative error is
#: O(phi^2) < 1e-14, while the elliptic form loses precision there (m = e^{-2 phi_m} -> 1)
_LINEAR_LIMIT = 1e-7


def _half_width_of(phi_m, phi0, delta=None):
    """kappa D/2 = ∫_{phi_m}^{phi0} dphi / sqrt(2 (cosh phi - cosh phi_m)) (phi0 > phi_m > 0)
    = 2 e^{-phi_m/2} [K(m) - F(theta0|m)], m = e^{-2 phi_m}, sin theta0 = e^{-(phi0-phi_m)/2}.

    Evaluated without cancellation as 2 e^{-phi_m/2} F(psi | -m/(1-m)) / sqrt(1-m) with
    psi = pi/2 - theta0 = asin(sqrt(1 - e^{-delta})), delta = phi0 - phi_m (pass ``delta``
    when it is known more accurately than the difference)."""
    if delta is None:
        delta = phi0 - phi_m
    one_minus_m = -math.expm1(-2 * phi_m)
    psi = math.asin(math.sqrt(-math.expm1(-max(delta, 0.0))))
    m_complement = -(1 - one_minus_m) / one_minus_m
    return 2 * math.exp(-phi_m / 2) * special.ellipkinc(psi, m_complement) / math.sqrt(one_minus_m)


def _solve_midplane(kd_half, phi0):
    """phi_m for constant wall potential phi0 > 0 and reduced half-separation kappa D/2."""
    if kd_half > 40:  # weak overlap: phi_m = 8 tanh(phi0/4) e^{-kappa D/2} to ~1e-30 relative
        return 8 * math.tanh(phi0 / 4) * math.exp(-kd_half)

    def f(log_phi_m):
        return _half_width_of(math.exp(log_phi_m), phi0) - kd_half

    hi = math.log(phi0) - 1e-15
    if kd_half == 0 or f(hi) >= 0:  # closer than the bracket resolves: phi_m = phi0 to 1e-15
        return phi0
    lo = math.log(phi0) - 1.0
    while f(lo) < 0:
        lo -= 2.0
    return math.exp(optimize.brentq(f, lo, hi, xtol=1e-15, rtol=1e-15, maxiter=400))


def _reduced(electrolyte, concentration):
    """(kappa [1/m], n0 [1/m^3], z, kT [J]) for a symmetric z:z electrolyte."""
    from ionscales.electrolyte import Electrolyte

    if not isinstance(electrolyte, Electrolyte):
        raise ParameterError("electrolyte", "must be an Electrolyte", electrolyte)
    charges = np.asarray(electrolyte.charges, dtype=float)
    if len(charges) != 2 or charges[0] != -charges[1]:
        raise ParameterError(
            "electrolyte",
            "the exact plate solution needs a symmetric z:z electrolyte",
            electrolyte.species,
        )
    c = as_float("concentration", concentration, unit="mol/m^3")
    check_range("concentration", c, 0.0, None, unit="mol/m^3", low_inclusive=False)
    warn_implausible("concentration", c, "concentration", stacklevel=4)
    z = abs(float(charges[0]))
    n0 = c * avogadro * float(electrolyte.nu[0])
    kT = boltzmann * electrolyte.temperature
    eps = vacuum_permittivity * electrolyte.permittivity
    kappa = inverse_debye_length(electrolyte, c)
    return kappa, n0, z, kT, eps


def _wall_conditions(potential, surface_charge, z, kT, eps, kappa):
    if (potential is None) == (surface_charge is None):
        raise ParameterError(
            "potential", "give exactly one of potential [V] or surface_charge [C/m^2]"
        )
    if potential is not None:
        value = as_float("potential", potential, unit="V")
        warn_implausible("potential", value, "voltage", stacklevel=4)
        phi0 = z * elementary_charge * value / kT
        if abs(phi0) > _MAX_REDUCED_POTENTIAL:
            raise ParameterError(
                "potential",
                f"must satisfy |z e psi / kT| <= "
                f"{_MAX_REDUCED_POTENTIAL:g} (|psi| <= "
                f"{_MAX_REDUCED_POTENTIAL * kT / (z * elementary_charge):.4g} V "
                "here; Boltzmann factors overflow beyond)",
                value,
            )
        return "potential", phi0
    value = as_float("surface_charge", surface_charge, unit="C/m^2")
    # s = |phi'(wall)|/kappa = z e sigma / (eps kT kappa)
    s = z * elementary_charge * value / (eps * kT * kappa)
    if 2 * math.asinh(abs(s) / 2) > _MAX_REDUCED_POTENTIAL:
        raise ParameterError(
            "surface_charge",
            "is so large that the isolated wall potential "
            f"exceeds {_MAX_REDUCED_POTENTIAL:g} kT/e (Boltzmann factors "
            "overflow)",
            value,
        )
    return "charge", s


def _phi_m_and_wall(kd, kind, value):
    """Reduced midplane and wall potentials (signed like the wall value)."""
    sign = 1.0 if value >= 0 else -1.0
    a = abs(value)
    if a == 0:
        return 0.0, 0.0
    q = math.exp(-kd / 2)
    if kind == "potential":
        if a < _LINEAR_LIMIT:  # linear PB: phi_m = phi0 / cosh(kappa D/2), exact to O(phi0^2)
            return sign * a * 2 * q / (1 + q * q), sign * a
        return sign * _solve_midplane(kd / 2, a), sign * a
    if kd > 0 and a * (1 + q * q) / -math.expm1(-kd) < _LINEAR_LIMIT:
        # linear PB, constant charge: phi_m = s / sinh(kappa D/2), phi0 = s coth(kappa D/2)
        return sign * a * 2 * q / -math.expm1(-kd), sign * a * (1 + q * q) / -math.expm1(-kd)

    # constant charge s: 2 (cosh phi0 - cosh phi_m) = s^2, i.e. without cancellation
    # sinh^2 phi0 = sinh^2 phi_m + s^2 cosh phi_m + s^4 / 4, and delta = phi0 - phi_m from
    # e^delta = (cosh phi0 + sinh phi0) / (cosh phi_m + sinh phi_m)
    def wall_and_delta(phi_m):
        sh, ch = math.sinh(phi_m), math.cosh(phi_m)
        sh0 = math.sqrt(sh * sh + a * a * ch + a**4 / 4)
        delta = math.log1p((a * a / 2 + (a * a * ch + a**4 / 4) / (sh0 + sh)) / (ch + sh))
        return math.asinh(sh0), delta

    def wall_of(phi_m):
        return wall_and_delta(phi_m)[0]

    if kd / 2 > 40:
        phi0_iso = 2 * math.asinh(a / 2)
        phi_m = 8 * math.tanh(phi0_iso / 4) * math.exp(-kd / 2)
        return sign * phi_m, sign * wall_of(phi_m)

    def f(log_phi_m):
        pm = math.exp(log_phi_m)
        phi0, delta = wall_and_delta(pm)
        return _half_width_of(pm, phi0, delta) - kd / 2

    lo, hi = -5.0, 1.0
    while f(lo) < 0:
        lo -= 2.0
    while f(hi) > 0:
        hi += 1.0
    phi_m = math.exp(optimize.brentq(f, lo, hi, xtol=1e-15, rtol=1e-15, maxiter=400))
    return sign * phi_m, sign * wall_of(phi_m)


def _separations(separation, kind="potential"):
    """Separations D [m]: >= 0 for constant-potential walls (D = 0 is the contact limit),
    > 0 for constant-charge walls (the pressure diverges as D -> 0)."""
    D = as_float_array("separation", separation, unit="m")
    if kind == "charge" and np.any(D <= 0):
        raise ParameterError(
            "separation",
            "must be > 0 m for constant-charge walls (the "
            "counterions between touching charged plates have no room)",
            separation,
        )
    if np.any(D < 0):
        raise ParameterError("separation", "must be >= 0 m", separation)
    warn_implausible("separation", D, "separation", stacklevel=4)
    return D


def _vectorised(separation, func, kind="potential"):
    D = _separations(separation, kind)
    out = np.array([func(float(d)) for d in np.atleast_1d(D).ravel()], dtype=float).reshape(
        np.shape(D)
    )
    return float(out) if out.ndim == 0 else out


def plate_midplane_potential(
    separation, electrolyte, concentration, *, potential=None, surface_charge=None
):
    """Exact PB midplane potential between two identical plates [V].

    Parameters
    ----------
    separation : array_like
        Plate separation D [m], >= 0.
    electrolyte : Electrolyte
        Symmetric z:z electrolyte (its permittivity and temperature are used).
    concentration : float
        Bulk salt concentration [mol/m^3], > 0.
    potential : float, optional
        Wall potential relative to the bulk [V] (constant-potential walls).
    surface_charge : float, optional
        Wall charge density [C/m^2] (constant-charge walls).

    Notes
    -----
    phi'' = kappa^2 sinh phi with phi'(0) = 0 at the midplane gives
    kappa D/2 = 2 e^{-phi_m/2} [K(m) - F(theta0|m)], m = e^{-2 phi_m},
    sin theta0 = e^{-(phi0 - phi_m)/2} (elliptic integrals of the first kind); solved for
    phi_m by Brent's method (~1e-15). Constant charge: s = z e sigma/(eps kT kappa) and
    2 (cosh phi0 - cosh phi_m) = s^2 fixes the wall potential. Beyond kappa D = 80 the
    weak-overlap value 8 tanh(phi0/4) e^{-kappa D/2} is used.
    """
    kappa, n0, z, kT, eps = _reduced(electrolyte, concentration)
    kind, value = _wall_conditions(potential, surface_charge, z, kT, eps, kappa)
    return _vectorised(
        separation,
        lambda d: _phi_m_and_wall(kappa * d, kind, value)[0] * kT / (z * elementary_charge),
        kind,
    )


def plate_wall_potential(
    separation, electrolyte, concentration, *, potential=None, surface_charge=None
):
    """Wall potential [V] (equals ``potential`` for constant-potential walls; rises on approach
    for constant-charge walls). Parameters as :func:`plate_midplane_potential`."""
    kappa, n0, z, kT, eps = _reduced(electrolyte, concentration)
    kind, value = _wall_conditions(potential, surface_charge, z, kT, eps, kappa)
    return _vectorised(
        separation,
        lambda d: _phi_m_and_wall(kappa * d, kind, value)[1] * kT / (z * elementary_charge),
        kind,
    )


def plate_pressure(
    separation, electrolyte, concentration, *, potential=None, surface_charge=None, route="midplane"
):
    """Exact PB disjoining pressure Pi(D) between two identical plates [Pa] (> 0 repulsive).

    Parameters
    ----------
    separation, electrolyte, concentration, potential, surface_charge :
        As in :func:`plate_midplane_potential` ([m], -, [mol/m^3], [V], [C/m^2]).
    route : {"midplane", "contact"}
        Midplane osmotic route Pi = 2 n0 kT (cosh phi_m - 1), or the contact (wall) route
        Pi = kT sum_i [n_i(wall) - n_i(bulk)] - sigma^2/(2 eps0 eps_r); both are exact in PB.
    """
    kappa, n0, z, kT, eps = _reduced(electrolyte, concentration)
    kind, value = _wall_conditions(potential, surface_charge, z, kT, eps, kappa)
    check_choice("route", route, ("midplane", "contact"))

    def one(d):
        phi_m, phi0 = _phi_m_and_wall(kappa * d, kind, value)
        if route == "midplane":  # cosh(phi) - 1 = 2 sinh^2(phi/2), no cancellation
            return 4 * n0 * kT * math.sinh(phi_m / 2) ** 2
        # (phi'(wall)/kappa)^2 = 2 (cosh phi0 - cosh phi_m)
        s2 = 4 * math.sinh((phi0 + phi_m) / 2) * math.sinh((phi0 - phi_m) / 2)
        sigma2 = s2 * (eps * kT * kappa / (z * elementary_charge)) ** 2
        return 4 * n0 * kT * math.sinh(phi0 / 2) ** 2 - sigma2 / (2 * eps)

    return _vectorised(separation, one, kind)


def plate_interaction_energy(
    separation, electrolyte, concentration, *, potential=None, surface_charge=None
):
    """Interaction free energy per unit area W(D) = ∫_D^inf Pi(h) dh [J/m^2] (exact PB).

    Parameters as :func:`plate_midplane_potential`. The integral is done by adaptive
    quadrature in kappa h up to kappa h = 80 plus the weak-overlap tail beyond.
    """
    kappa, n0, z, kT, eps = _reduced(electrolyte, concentration)
    kind, value = _wall_conditions(potential, surface_charge, z, kT, eps, kappa)
    cut = 80.0

    def pi_reduced(kh):
        phi_m = _phi_m_and_wall(kh, kind, value)[0]
        return 4 * math.sinh(phi_m / 2) ** 2

    phi_iso = abs(value) if kind == "potential" else 2 * math.asinh(abs(value) / 2)
    gamma = math.tanh(phi_iso / 4)
    tail = 64 * gamma**2 * math.exp(-cut)

    def one(d):
        kd = kappa * d
        if kd >= cut:
            return 64 * gamma**2 * math.exp(-kd) * n0 * kT / kappa
        val, _ = integrate.quad(pi_reduced, kd, cut, limit=200, epsabs=1e-14, epsrel=1e-11)
        return (val + tail) * n0 * kT / kappa

    return _vectorised(separation, one, kind)


def _gamma_n0_kappa(electrolyte, concentration, potential):
    kappa, n0, z, kT, eps = _reduced(electrolyte, concentration)
    psi = as_float("potential", potential, unit="V")
    warn_implausible("potential", psi, "voltage", stacklevel=4)
    return math.tanh(z * elementary_charge * psi / (4 * kT)), n0, kappa, kT, eps, z


def weak_overlap_pressure(separation, electrolyte, concentration, *, potential):
    """Weak-overlap (linear superposition) pressure 64 n0 kT gamma^2 e^{-kappa D} [Pa],
    gamma = tanh(z e psi0/(4 kT)), psi0 the isolated-wall potential [V]. Valid for kappa D >~ 3."""
    gamma, n0, kappa, kT, *_ = _gamma_n0_kappa(electrolyte, concentration, potential)
    D = _separations(separation)
    return 64 * n0 * kT * gamma**2 * np.exp(-kappa * D)


def weak_overlap_energy(separation, electrolyte, concentration, *, potential):
    """W(D) = (64 n0 kT gamma^2/kappa) e^{-kappa D} [J/m^2] (integral of the weak-overlap pressure)."""
    gamma, n0, kappa, kT, *_ = _gamma_n0_kappa(electrolyte, concentration, potential)
    D = _separations(separation)
    return 64 * n0 * kT * gamma**2 / kappa * np.exp(-kappa * D)


def linear_plate_pressure(
    separation, electrolyte, concentration, *, potential=None, surface_charge=None
):
    """Linearised PB (Debye–Hückel) pressure [Pa]: constant potential
    (eps kappa^2 psi0^2/2)/cosh^2(kappa D/2); constant charge sigma^2/(2 eps sinh^2(kappa D/2))."""
    kappa, n0, z, kT, eps = _reduced(electrolyte, concentration)
    kind, psi, sigma = _linear_wall(potential, surface_charge)
    D = _separations(separation, kind)
    q = np.exp(-kappa * D)  # 1/cosh^2(x/2) = 4q/(1+q)^2, 1/sinh^2(x/2) = 4q/(1-q)^2: no overflow
    if kind == "potential":
        return eps * kappa**2 * psi**2 / 2 * 4 * q / (1 + q) ** 2
    return sigma**2 / (2 * eps) * 4 * q / np.expm1(-kappa * D) ** 2


def linear_plate_energy(
    separation, electrolyte, concentration, *, potential=None, surface_charge=None
):
    """Linearised PB W(D) [J/m^2]: eps kappa psi0^2 [1 - tanh(kappa D/2)] (constant potential),
    (sigma^2/(eps kappa)) [coth(kappa D/2) - 1] (constant charge)."""
    kappa, n0, z, kT, eps = _reduced(electrolyte, concentration)
    kind, psi, sigma = _linear_wall(potential, surface_charge)
    D = _separations(separation, kind)
    q = np.exp(-kappa * D)
    if kind == "potential":  # 1 - tanh(x/2) = 2q/(1 + q), without cancellation or overflow
        return eps * kappa * psi**2 * 2 * q / (1 + q)
    return sigma**2 / (eps * kappa) * 2 * q / -np.expm1(-kappa * D)  # coth(x/2) - 1 = 2q/(1 - q)


def _linear_wall(potential, surface_charge):
    if (potential is None) == (surface_charge is None):
        raise ParameterError(
            "potential", "give exactly one of potential [V] or surface_charge [C/m^2]"
        )
    if potential is not None:
        psi = as_float("potential", potential, unit="V")
        warn_implausible("potential", psi, "voltage", stacklevel=5)
        return "potential", psi, None
    return "charge", None, as_float("surface_charge", surface_charge, unit="C/m^2")


def counterion_only_midplane_density(separation, surface_charge, bjerrum_length):
    """Midplane counterion density n_m [1/m^3] of the salt-free (Langmuir) slab.

    Parameters
    ----------
    separation : array_like
        Plate separation D [m], > 0.
    surface_charge : float
        Wall charge as a number density |sigma|/e [1/m^2], > 0 (monovalent counterions).
    bjerrum_length : float
        l_B [m], > 0.

    Notes
    -----
    n(x) = n_m / cos^2(K x), K^2 = 2 pi l_B n_m, with K tan(K D/2) = 2 pi l_B sigma_n; the
    disjoining pressure is kT n_m (contact theorem), tending to pi/(2 l_B D^2) at high charge.
    """
    D = check_positive("separation", separation, "m")
    sigma_n = float(check_positive("surface_charge", surface_charge, "1/m^2"))
    lb = float(check_positive("bjerrum_length", bjerrum_length, "m"))

    def one(d):
        target = 2 * math.pi * lb * sigma_n * d / 2  # u tan u with u = K D/2
        u = optimize.brentq(
            lambda u: u * math.tan(u) - target, 1e-300, math.pi / 2 - 1e-15, xtol=1e-16
        )
        K = 2 * u / d
        return K**2 / (2 * math.pi * lb)

    out = np.array([one(float(d)) for d in np.atleast_1d(D).ravel()]).reshape(np.shape(D))
    return float(out) if out.ndim == 0 else out


def derjaguin_force(
    interaction_energy, geometry="sphere-flat", *, radius=None, radii=None, angle=math.pi / 2
):
    """Force from the flat-plate interaction energy per area (Derjaguin approximation) [N].

    Parameters
    ----------
    interaction_energy : array_like
        W(D) [J/m^2].
    geometry : {"sphere-flat", "sphere-sphere", "crossed-cylinders"}
        F = 2 pi R W; F = 2 pi R1 R2/(R1 + R2) W; F = 2 pi sqrt(R1 R2) W / sin(angle).
    radius : float, optional
        R [m] for sphere-flat (and equal radii otherwise).
    radii : (float, float), optional
        R1, R2 [m].
    angle : float
        Crossing angle of the cylinders [rad] (surface force balance: pi/2).

    Notes
    -----
    Valid when D and the range of the force are << R (Derjaguin 1934). Surface force balance
    data are reported as F/R = 2 pi W(D) (crossed cylinders at 90 degrees, equal radii).
    """
    f_over_r = force_over_radius(interaction_energy)
    check_choice("geometry", geometry, ("sphere-flat", "sphere-sphere", "crossed-cylinders"))
    if radii is None:
        if radius is None:
            raise ParameterError("radius", "give radius [m] or radii=(R1, R2)")
        r1 = r2 = as_float("radius", radius, unit="m")
        check_range("radius", r1, 0.0, None, unit="m", low_inclusive=False)
    else:
        r = check_positive("radii", radii, "m")
        if r.shape != (2,):
            raise ParameterError("radii", "must be two radii (R1, R2) [m]", radii)
        r1, r2 = float(r[0]), float(r[1])
    if geometry == "sphere-flat":
        return r1 * f_over_r
    if geometry == "sphere-sphere":
        return r1 * r2 / (r1 + r2) * f_over_r
    angle = as_float("angle", angle, unit="rad")
    if not 0 < angle < math.pi:
        raise ParameterError("angle", "must lie in (0, pi) rad", angle)
    return math.sqrt(r1 * r2) * f_over_r / math.sin(angle)


def force_over_radius(interaction_energy):
    """Derjaguin force over radius F/R = 2 pi W(D) [N/m] from the plate energy W [J/m^2].

    The one implementation of the Derjaguin formula in the package (used by
    :func:`derjaguin_force`, :func:`ionscales.continuum.surface_force_curve` and compared with
    by :mod:`ionscales.fitting.surface_force`): sphere–flat with R the sphere radius, and
    crossed cylinders of equal radius R at 90 degrees (the surface force balance).

    Parameters
    ----------
    interaction_energy : array_like
        Interaction free energy per area W(D) [J/m^2].

    Notes
    -----
    Valid when D and the range of the force are << R (Derjaguin 1934).
    """
    return 2 * math.pi * as_float_array("interaction_energy", interaction_energy, unit="J/m^2")
