"""Closed forms derived or verified with sympy (its job in the project: not on a hot path).

Each test derives a closed form symbolically and compares the package's numerical kernel
with it, so a typo in a hand-written formula fails here.
"""

import numpy as np
import pytest
import sympy as sp

from ionscales import dielectric
from ionscales.theory import poles, thermo


def test_davies_osmotic_coefficient_is_the_gibbs_duhem_partner():
    # ln gamma = -alpha (y/(1+y) - 0.3 y^2), y = sqrt(I); Gibbs–Duhem (molal/molar form, one salt):
    # phi - 1 = (1/m) int_0^m m' d ln gamma = (2/y^2) int_0^y y' ln gamma'(y') y' dy' ... here
    # phi - 1 = (1/y^2) int_0^y t^2 (d ln gamma/dt) dt
    y, t, a = sp.symbols("y t alpha", positive=True)
    ln_g = -a * (t / (1 + t) - sp.Rational(3, 10) * t**2)
    phi_minus_one = sp.simplify(sp.integrate(t**2 * sp.diff(ln_g, t), (t, 0, y)) / y**2)
    # the package: -(alpha/y^2)[1 + y - 2 ln(1+y) - 1/(1+y) - 0.15 y^4]
    package = -(a / y**2) * (1 + y - 2 * sp.log(1 + y) - 1 / (1 + y) - sp.Rational(15, 100) * y**4)
    assert sp.simplify(phi_minus_one - package) == 0


def test_extended_dh_osmotic_function():
    # ln gamma = -A k/(1 + k a) with k ~ sqrt(c): phi - 1 = (1/k^2) int_0^k t^2 d ln gamma/dt dt,
    # phi - 1 = -(A k/3) s(k a) with the package's s(x) = (3/x^3)[1 + x - 1/(1+x) - 2 ln(1+x)]
    k, t, a, amp = sp.symbols("k t a A", positive=True)
    ln_g = -amp * t / (1 + t * a)
    phi_minus_one = sp.integrate(t**2 * sp.diff(ln_g, t), (t, 0, k)) / k**2
    x = k * a
    s = 3 / x**3 * (1 + x - 1 / (1 + x) - 2 * sp.log(1 + x))
    assert sp.simplify(phi_minus_one + amp * k / 3 * s) == 0
    # the series used below x = 0.1: coefficients (-1)^k 3 (k+1)/(k+3)
    big_x = sp.Symbol("X")
    series = sp.series(s.subs(a, 1).subs(k, big_x), big_x, 0, 14).removeO()
    coeffs = sp.Poly(series, big_x).all_coeffs()[::-1]
    assert coeffs == [sp.Rational((-1) ** j * 3 * (j + 1), j + 3) for j in range(14)]
    # the kernel against the exact value (evaluated in 40 digits): the old closed form lost
    # ~7 digits just above its switch at x = 1e-3 (cancellation of O(x^3))
    xs = np.array([1e-4, 5e-4, 1.5e-3, 0.01, 0.0999, 0.1001, 0.5, 3.0])
    exact = [
        float(s.subs({a: 1, k: sp.nsimplify(xv)}).evalf(40)) for xv in xs
    ]  # exact: no cancellation
    np.testing.assert_allclose(thermo._dh_s(xs), exact, rtol=1e-12)


def test_rpm_msa_gamma_and_its_debye_limit():
    y, g = sp.symbols("y g", positive=True)
    root = sp.solve(sp.Eq(2 * g * (1 + g), y), g)
    positive = [r for r in root if r.subs(y, 1).evalf() > 0][0]
    assert sp.simplify(positive - (sp.sqrt(1 + 2 * y) - 1) / 2) == 0
    # energy per ion -Gamma sigma/(1 + Gamma sigma) -> -y/2 (Debye–Hückel) + O(y^2)
    energy = -positive / (1 + positive)
    assert sp.series(energy, y, 0, 2).removeO() == -y / 2
    ys = np.array([1e-6, 0.3, 1.0, 10.0, 500.0])
    np.testing.assert_allclose(
        poles.msa_gamma_sigma(ys),
        [float(positive.subs(y, sp.nsimplify(v)).evalf(40)) for v in ys],
        rtol=1e-13,
    )


def test_langevin_series_and_gavish_promislow_limits():
    x, c, alpha, beta, eps = sp.symbols("x c alpha beta epsilon", positive=True)
    langevin = sp.coth(x) - 1 / x
    series = sp.series(langevin, x, 0, 7).removeO()
    assert sp.simplify(series - (x / 3 - x**3 / 45 + 2 * x**5 / 945)) == 0
    d_series = sp.series(sp.diff(langevin, x), x, 0, 6).removeO()
    assert sp.simplify(d_series - (sp.Rational(1, 3) - x**2 / 15 + 2 * x**4 / 189)) == 0
    gp = eps - beta * langevin.subs(x, 3 * alpha * c / beta)
    # dilute limit: the linear decrement eps - alpha c
    assert sp.simplify(sp.series(gp, c, 0, 2).removeO() - (eps - alpha * c)) == 0
    # package value and derivative at a few points
    dec = dielectric.DielectricDecrement(0.011, 20.0)
    for cv in (0.0, 300.0, 4000.0):
        subs = {eps: 78.3, beta: 58.3, alpha: 0.011, c: cv}
        assert dec(cv, 78.3) == pytest.approx(
            float(gp.subs(subs).evalf(30)) if cv else 78.3, rel=1e-13
        )
        if cv:
            assert dec.derivative(cv, 78.3) == pytest.approx(
                float(sp.diff(gp, c).subs(subs).evalf(30)), rel=1e-10
            )


def test_malmberg_maryott_polynomial():
    t = sp.symbols("t")
    fit = (
        sp.Rational(87740, 1000)
        - sp.Rational(40008, 100000) * t
        + sp.Rational(9398, 10**7) * t**2
        - sp.Rational(1410, 10**9) * t**3
    )
    for tc in (0, 25, 60, 100):
        assert dielectric.water_permittivity(273.15 + tc) == pytest.approx(
            float(fit.subs(t, tc)), rel=1e-13
        )


def test_dh_family_free_energies_and_their_l_b_derivatives():
    # The dielectric decrement in the Debye–Hückel family (#11) rests on an excess free
    # energy density beta f(n, l_B) whose density derivatives are the model's ln gamma_i;
    # the kernel needs l_B df/dl_B at fixed densities. Derived here for a binary salt with
    # salt density r (nu+ = nu- = 1 suffices for the structure; charges kept general).
    r, lb, a, zp, zm, i0, na = sp.symbols("r l_B a z_p z_m I_0 N_A", positive=True)
    s_z = zp**2 + zm**2  # sum nu_i z_i^2
    kappa = sp.sqrt(4 * sp.pi * lb * r * s_z)
    lim = -(kappa**3) / (12 * sp.pi)
    x = kappa * a
    ext = -(sp.log(1 + x) - x + x**2 / 2) / (4 * sp.pi * a**3)
    # d f / d r = sum_i nu_i ln gamma_i at fixed l_B
    assert sp.simplify(sp.diff(lim, r) + lb * kappa / 2 * s_z) == 0
    assert sp.simplify(sp.diff(ext, r) + lb * kappa / (2 * (1 + x)) * s_z) == 0
    assert sp.simplify(lb * sp.diff(lim, lb) + kappa**3 / (8 * sp.pi)) == 0
    assert sp.simplify(lb * sp.diff(ext, lb) + kappa**3 / (8 * sp.pi * (1 + x))) == 0
    # Davies: y = sqrt(I/I0), I = r s_z / (2 N_A) [mol/m^3]; the package's f and its l_B slope
    y = sp.sqrt(r * s_z / (2 * na * i0))
    dav = -2 * lb * kappa * i0 * na / y * (y**2 / 2 - y + sp.log(1 + y) - sp.Rational(3, 40) * y**4)
    nu_ln_pm = -(lb * kappa / 2) * s_z * (1 / (1 + y) - sp.Rational(3, 10) * y)
    assert sp.simplify(sp.diff(dav, r) - nu_ln_pm) == 0
    assert sp.simplify(lb * sp.diff(dav, lb) - sp.Rational(3, 2) * dav) == 0
    # the numerical kernel against these expressions
    vals = {zp: 2, zm: 1, a: 4e-10, lb: 7.1e-10, i0: 1000.0, na: 6.02214076e23}
    for rv in (1.0e20, 6.0e23, 6.0e25, 1.2e27):  # the first: y < 1e-3 (series branch)
        sub = {**vals, r: rv}
        k = float(kappa.subs(sub))
        yv = float(y.subs(sub))
        for model, expr in (("dh-limiting", lim), ("dh-extended", ext), ("davies", dav)):
            expect = float((lb * sp.diff(expr, lb)).subs(sub).evalf(30))
            got = thermo._dh_free_energy_lb_derivative(
                model, np.array([k]), 7.1e-10, 4e-10, np.array([yv]), 1000.0
            )
            np.testing.assert_allclose(got, expect, rtol=1e-10)
