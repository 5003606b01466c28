"""Slit-pore electrostatics, mean-field pore charging, single-file chain, regimes.

Reference numbers come from the confinement notes (section 10 checks), where they were
computed independently by two methods (mpmath image sums and Bessel series); the image sums
here are evaluated independently with mpmath.nsum.
"""

from __future__ import annotations

import math

import mpmath as mp
import numpy as np
import pytest
from scipy import integrate, special

from ionscales.constants import elementary_charge, vacuum_permittivity
from ionscales.theory import confinement as cf
from ionscales.units import nm

PREF = elementary_charge / (4 * math.pi * vacuum_permittivity)  # e/(4 pi eps0) [V m]
L = 1.0 * nm


def g_midplane(x, eps=1.0):
    """Dimensionless midplane interaction 4 pi eps0 eps_r L phi / e."""
    return cf.slit_interaction(np.asarray(x) * L, L, eps) * L * eps / PREF


def image_sum(x, t, tp):
    """Brute-force image series (symmetric in n, mpmath.nsum acceleration)."""

    def f(n):
        return 1 / mp.sqrt(x**2 + (t - tp - 2 * n) ** 2) - 1 / mp.sqrt(x**2 + (t + tp - 2 * n) ** 2)

    return float(f(0) + mp.nsum(lambda n: f(n) + f(-n), [1, mp.inf]))


# ---------------------------------------------------------------- slit Green function
@pytest.mark.parametrize(
    "x,t,tp",
    [
        (0.3, 0.2, 0.7),
        (1.0, 0.25, 0.25),
        (0.5, 0.1, 0.9),
        (2.0, 0.3, 0.6),
        (0.01, 0.95, 0.9),
        (0.999, 0.97, 0.98),
        (1.2, 0.05, 0.95),
        (3.0, 0.5, 0.5),
        (0.05, 0.5, 0.5),
        (1.49, 0.97, 0.98),
        (1.49, 0.02, 0.03),
        (1.51, 0.97, 0.98),
    ],
)
def test_slit_interaction_matches_image_sum_at_arbitrary_heights(x, t, tp):
    ours = cf.slit_interaction(x * L, L, 1.0, z=t * L, z_source=tp * L) * L / PREF
    assert ours == pytest.approx(image_sum(x, t, tp), rel=1e-12)


def test_k0_series_equals_image_sum_on_both_sides_of_the_switch():
    x = np.array([0.9, 1.4999999, 1.5, 1.5000001, 1.6])
    ours = g_midplane(x)
    ref = [image_sum(xi, 0.5, 0.5) for xi in x]
    np.testing.assert_allclose(ours, ref, rtol=1e-12)
    # the mode series alone (used for x >= 1.5) also holds below the switch
    modes = cf._g_modes(np.array([0.5, 0.9]), 0.5, 0.5)
    np.testing.assert_allclose(
        modes, [image_sum(0.5, 0.5, 0.5), image_sum(0.9, 0.5, 0.5)], rtol=1e-12
    )


def test_midplane_reference_values():
    # notes sec. 1.4 table (two independent methods, ~1e-15) -- 13 significant digits quoted
    x = [0.05, 0.25, 0.5, 1.0, 2.0, 3.0]
    ref = [
        18.61595494843,
        2.667347621871,
        0.8014753375825,
        0.1181650522696,
        0.003666344915068,
        1.301282893779e-4,
    ]
    np.testing.assert_allclose(g_midplane(x), ref, rtol=1e-11)


def test_permittivity_and_width_scaling():
    base = cf.slit_interaction(0.7 * nm, 1.0 * nm, 1.0)
    assert cf.slit_interaction(0.7 * nm, 1.0 * nm, 4.0) == pytest.approx(base / 4, rel=1e-14)
    assert cf.slit_interaction(1.4 * nm, 2.0 * nm, 1.0) == pytest.approx(base / 2, rel=1e-13)
    # symmetry under exchange of source and field heights and under reflection z -> L - z
    a = cf.slit_interaction(0.4 * nm, L, 2.0, z=0.2 * nm, z_source=0.7 * nm)
    b = cf.slit_interaction(0.4 * nm, L, 2.0, z=0.7 * nm, z_source=0.2 * nm)
    c = cf.slit_interaction(0.4 * nm, L, 2.0, z=0.8 * nm, z_source=0.3 * nm)
    assert a == pytest.approx(b, rel=1e-14) and a == pytest.approx(c, rel=1e-12)


def test_asymptote_over_exact_tends_to_one():
    # notes sec. 1.4 table: asymptote/exact = 1.0344 (x = 1), 1.0127 (x = 3), 0.5807 (x = 0.05);
    # the K0 expansion K0(z) = sqrt(pi/2z) e^{-z} (1 - 1/(8z) + ...) puts the asymptote above
    x = np.array([0.5, 1.0, 3.0, 6.0, 10.0])
    ratio = cf.slit_interaction_asymptote(x * L, L, 1.0) * L / PREF / g_midplane(x)
    assert np.all(ratio > 1)
    assert np.all(np.diff(ratio[1:]) < 0)
    assert ratio[1] == pytest.approx(1.0344, abs=1e-4)
    assert ratio[2] == pytest.approx(1.0127, abs=1e-4)
    # far out only the n = 1 mode 4 K0(pi x) survives (the n = 3 mode is e^{-2 pi x} smaller)
    k0_only = (np.sqrt(8 / x) * np.exp(-math.pi * x)) / (4 * special.k0(math.pi * x))
    np.testing.assert_allclose(ratio[-2:], k0_only[-2:], rtol=1e-12)
    np.testing.assert_allclose(ratio[-1], 1 + 1 / (8 * math.pi * 10), rtol=2e-4)
    small = cf.slit_interaction_asymptote(0.05 * L, L, 1.0) * L / PREF / g_midplane(0.05)
    assert small == pytest.approx(0.5807, abs=1e-4)


def test_small_distance_limit_minus_two_ln_two():
    x = np.array([1e-3, 1e-4])
    np.testing.assert_allclose(g_midplane(x) - 1 / x, -2 * math.log(2), atol=2e-6)


def test_self_energy_digamma_form_matches_image_sum_and_limits():
    eps = 1.0
    for t in (0.1, 0.25, 0.5, 0.8):
        u = cf.image_self_energy(t * L, L, eps)
        # potential of the images at the ion (units q/(eps L)): like images at z + 2nL (n != 0),
        # unlike images at -z + 2nL; U_self = q phi_images / 2
        reg = float(
            mp.nsum(
                lambda n, t=t: 2 / abs(2 * n) - 1 / abs(2 * t - 2 * n) - 1 / abs(2 * t + 2 * n),
                [1, mp.inf],
            )
        ) - 1 / (2 * t)
        assert u == pytest.approx(0.5 * elementary_charge * PREF / L * reg, rel=1e-10)
    notes = {0.1: -2.50606264, 0.25: -1.03972077, 0.5: -0.69314718, 0.8: -1.27490428}
    for t, value in notes.items():
        assert cf.image_self_energy(t * L, L, eps) / (
            elementary_charge * PREF / L
        ) == pytest.approx(value, abs=1e-8)
    assert cf.image_self_energy(0.5 * L, L, eps) == pytest.approx(
        -math.log(2) * elementary_charge * PREF / L
    )
    z = 1e-4 * L  # single-wall image limit -q^2/(4 eps (2z)) in Gaussian units
    assert cf.image_self_energy(z, L, eps) == pytest.approx(
        -elementary_charge * PREF / (4 * z), rel=1e-3
    )


def test_force_series_matches_finite_difference_and_reference():
    x = np.array([0.2, 0.5, 0.99, 1.0, 2.0])
    force = cf.slit_force(x * L, L, 1.0) * L**2 / (elementary_charge * PREF)
    h = 1e-6
    fd = -(g_midplane(x + h) - g_midplane(x - h)) / (2 * h)
    np.testing.assert_allclose(force, fd, rtol=1e-8)
    assert force[1] == pytest.approx(3.37326760, abs=1e-8)
    assert force[3] == pytest.approx(0.4274626465, abs=1e-10)
    # alternating image form of the notes for the midplane force
    for xi, fi in zip(x, force):
        ref = float(
            mp.nsum(lambda n, xi=xi: (-1) ** int(n) * xi / (xi**2 + n**2) ** 1.5, [-mp.inf, mp.inf])
        )
        assert fi == pytest.approx(ref, rel=1e-9)
    # off the midplane
    f_off = (
        cf.slit_force(0.6 * L, L, 1.0, z=0.3 * L, z_source=0.4 * L)
        * L**2
        / (elementary_charge * PREF)
    )
    g_off = [
        cf.slit_interaction(r * L, L, 1.0, z=0.3 * L, z_source=0.4 * L) * L / PREF
        for r in (0.6 + h, 0.6 - h)
    ]
    assert f_off == pytest.approx(-(g_off[0] - g_off[1]) / (2 * h), rel=1e-7)


def test_sheet_coupling_factor_series_vs_quadrature():
    for delta, ref in [(0.1, 0.813818), (0.5, 0.321682), (1.0, 0.086389), (1.5, 0.021298)]:
        a = cf.sheet_coupling_factor(delta)
        assert a == pytest.approx(ref, abs=1e-6)
        # quadrature of the exact midplane interaction: a = (4/(pi L^2)) ∫_d^inf g(r/L) 2 pi r dr
        quad, _ = integrate.quad(lambda x: g_midplane(x) * x, delta, 40, limit=200, epsabs=1e-14)
        # A(d) = ∫_{r>d} G 2 pi r dr = (pi L/eps) a(d/L) with G = g(r/L)/(eps L)  =>  a = 2 ∫ g x dx
        assert a == pytest.approx(2 * quad, rel=1e-8)
    assert cf.sheet_coupling_factor(0.0) == 1.0
    small = 1e-3
    assert cf.sheet_coupling_factor(small) == pytest.approx(
        1 - 2 * small + 2 * math.log(2) * small**2, abs=1e-8
    )


def test_cylinder_series_vs_integral():
    z = np.array([0.1, 0.5, 1.0, 2.0])
    ours = cf.cylinder_interaction(z * nm, 1.0 * nm, 1.0) * nm / PREF
    np.testing.assert_allclose(ours, [9.13136350, 1.17756607, 0.29169470, 0.02520158], atol=1e-8)
    # integral form evaluated here independently for points on both branches
    for y in (0.02, 0.06, 0.3):

        def integrand(k, y=y):
            return special.kv(0, k) / special.iv(0, k) * math.cos(k * y)

        val = sum(
            integrate.quad(integrand, a, b, limit=200, epsabs=1e-15)[0]
            for a, b in ((0, 1), (1, 5), (5, 12), (12, 25))
        )
        ref = 1 / y - 2 / math.pi * val
        assert cf.cylinder_interaction(y * nm, nm, 1.0) * nm / PREF == pytest.approx(ref, rel=1e-9)
    # leading decay 3.0857795 exp(-2.4048 z/R)
    far = cf.cylinder_interaction(6 * nm, nm, 1.0) * nm / PREF
    j1 = special.jn_zeros(0, 1)[0]
    assert far == pytest.approx(3.0857795 * math.exp(-j1 * 6), rel=1e-6)
