"""A spherical geometry (electrolyte outside a charged sphere), added by touching only
``continuum/geometry.py`` and its export: the extension path of the continuum layer.

Anchors: the linearised (Debye–Hückel) closed form psi(r) = psi0 (a/r) exp(-kappa (r - a))
with sigma = eps psi0 (1 + kappa a)/a (e.g. Verwey & Overbeek 1948; Russel, Saville &
Schowalter, Colloidal Dispersions, 1989); second-order mesh convergence; the nonlinear
large-kappa a limit, planar Gouy–Chapman with the first curvature correction
sigma/sigma_planar - 1 -> 1/(kappa a cosh^2(y/4)) (y = e psi0/kT), and the approximate
formula of Ohshima, Healy & White, J. Colloid Interface Sci. 90, 17 (1982),
sigma = 2 sinh(y/2) [1 + 2/(kappa a cosh^2(y/4)) + 8 ln cosh(y/4)/((kappa a)^2 sinh^2(y/2))]^(1/2)
in units eps kappa kT/e, whose relative error is O((kappa a)^-3) [recalled; consistent with the
exact linear limit (1 + 1/(kappa a)) y, checked below].
"""

from __future__ import annotations

import numpy as np
import pytest
import xarray as xr

from ionscales import presets
from ionscales.constants import vacuum_permittivity
from ionscales.continuum import HalfSpace, Sphere, capacitance_curve, solve_pb
from ionscales.continuum.pb import PBProblem
from ionscales.errors import ParameterError
from ionscales.results import open_dataset, to_netcdf
from ionscales.units import thermal_voltage

SALT = presets.get("NaCl(aq)")
C0 = 100.0  # mol/m^3
EPS = SALT.permittivity * vacuum_permittivity
VT = float(thermal_voltage(SALT.temperature))
LAMBDA = PBProblem(SALT, C0, HalfSpace(), wall_potential=1e-3).debye_length


@pytest.mark.parametrize("kappa_a", [0.5, 2.0, 10.0])
def test_low_potential_matches_the_debye_huckel_sphere(kappa_a):
    """psi0 = 1e-4 V (0.004 kT/e: nonlinear terms ~1e-6): potential within 5e-5 psi0 of the
    closed form, the wall-field and integrated charges and the capacitance within 3e-4 of
    eps psi0 (1 + kappa a)/a (the default mesh resolves the planar charge to ~4e-5)."""
    a = kappa_a * LAMBDA
    psi0 = 1e-4
    ds = solve_pb(SALT, C0, Sphere(radius=a), wall_potential=psi0)
    r = ds.x.values
    assert r[0] > a and ds.x.attrs["long_name"] == "radial distance from the sphere centre"
    exact = psi0 * (a / r) * np.exp(-(r - a) / LAMBDA)
    assert np.max(np.abs(ds.potential.values - exact)) < 5e-5 * psi0
    sigma = EPS * psi0 * (1 + kappa_a) / a
    assert float(ds.surface_charge) == pytest.approx(sigma, rel=3e-4)
    assert float(ds.surface_charge_integrated) == pytest.approx(sigma, rel=3e-4)
    assert float(ds.capacitance) == pytest.approx(EPS * (1 + kappa_a) / a, rel=3e-4)
    assert ds.attrs["geometry"] == "sphere"


@pytest.mark.parametrize("kappa_a", [1.0, 5.0])
def test_second_order_mesh_convergence(kappa_a):
    """Uniform cells of 0.1, 0.05, 0.025 lambda_D over 12 lambda_D: the errors of the charge
    and of the potential profile against the closed form fall with observed order >= 1.9."""
    a = kappa_a * LAMBDA
    length = 12 * LAMBDA
    psi0 = 1e-6
    sigma = EPS * psi0 * (1 + kappa_a) / a
    errors = []
    for refinement in (1, 2, 4):
        geometry = Sphere(radius=a, spacing=np.full(120, length / 120))
        ds = solve_pb(SALT, C0, geometry, wall_potential=psi0, refinement=refinement)
        r = ds.x.values
        exact = psi0 * (a / r) * np.exp(-(r - a) / LAMBDA)
        errors.append(
            (
                abs(float(ds.surface_charge) / sigma - 1),
                np.max(np.abs(ds.potential.values - exact)) / psi0,
            )
        )
    errors = np.array(errors)
    orders = np.log2(errors[:-1] / errors[1:])
    assert np.all(orders >= 1.9), (errors, orders)


def test_nonlinear_large_kappa_a_tends_to_gouy_chapman():
    """y = 4 kT/e: the charge approaches the planar (Gouy–Chapman) charge as kappa a grows,
    with the first curvature correction (q/q_planar - 1) kappa a -> 1/cosh^2(y/4) (to 1 % at
    kappa a = 100, 0.1 % at 300), and agrees with Ohshima–Healy–White to 2e-4 for
    kappa a >= 10 (the solver's planar discretisation error is 6e-5)."""
    y = 4.0
    unit = EPS * VT / LAMBDA
    planar = float(solve_pb(SALT, C0, HalfSpace(), wall_potential=y * VT).surface_charge) / unit
    assert planar == pytest.approx(2 * np.sinh(y / 2), rel=1e-4)
    leading = 1 / np.cosh(y / 4) ** 2
    previous = np.inf
    for kappa_a, tol in ((10.0, None), (100.0, 1e-2), (300.0, 1e-3)):
        q = (
            float(
                solve_pb(
                    SALT, C0, Sphere(radius=kappa_a * LAMBDA), wall_potential=y * VT
                ).surface_charge
            )
            / unit
        )
        gap = q / planar - 1
        assert 0 < gap < previous
        previous = gap
        if tol is not None:
            assert gap * kappa_a == pytest.approx(leading, rel=tol)
        ohshima = (
            2
            * np.sinh(y / 2)
            * np.sqrt(
                1
                + 2 / (kappa_a * np.cosh(y / 4) ** 2)
                + 8 * np.log(np.cosh(y / 4)) / (kappa_a**2 * np.sinh(y / 2) ** 2)
            )
        )
        assert q == pytest.approx(ohshima, rel=2e-4)
    # the recalled formula is exact in the linear limit: (1 + 1/(kappa a)) y
    y_small, ka = 1e-2, 0.7
    small = (
        2
        * np.sinh(y_small / 2)
        * np.sqrt(
            1
            + 2 / (ka * np.cosh(y_small / 4) ** 2)
            + 8 * np.log(np.cosh(y_small / 4)) / (ka**2 * np.sinh(y_small / 2) ** 2)
        )
    )
    assert small == pytest.approx((1 + 1 / ka) * y_small, rel=1e-4)  # O(y^2) = 1e-5


def test_sphere_works_across_the_solver_without_solver_changes(tmp_path):
    """Models, charge-controlled walls, capacitance curves and the FiPy-assembled path
    ("bsk", local permittivity) run on the sphere; the result round-trips netCDF."""
    a = 2 * LAMBDA
    fast = solve_pb(SALT, C0, Sphere(radius=a), wall_potential=0.05)
    # the FiPy assembly (metric in the coefficients) reaches the same state as the direct one
    eps_r = SALT.permittivity
    fipy_path = solve_pb(
        SALT, C0, Sphere(radius=a), wall_potential=0.05, permittivity=lambda c: eps_r + 0 * c
    )
    np.testing.assert_allclose(fipy_path.potential.values, fast.potential.values, rtol=1e-6)
    problem = PBProblem(SALT, C0, Sphere(radius=a), wall_potential=0.05)
    direct, fipy_parts = problem._linear_parts(), problem._fipy_linear_parts()
    for mine, theirs in zip(direct, fipy_parts):
        scale = max(float(np.max(np.abs(theirs))), 1e-300)
        np.testing.assert_allclose(mine, theirs, rtol=0, atol=1e-11 * scale)
    # constant charge gives back the potential
    charged = solve_pb(SALT, C0, Sphere(radius=a), surface_charge=float(fast.surface_charge))
    # (the charge wall gets its own default mesh, sized from the planar estimate of its
    # potential: the two solves differ by the O(h^2) discretisation error, ~3e-6 here)
    assert float(charged.wall_potential) == pytest.approx(0.05, rel=2e-5)
    bik = solve_pb(SALT, C0, Sphere(radius=a), wall_potential=0.2, model="bikerman")
    assert float(bik.surface_charge_integrated) == pytest.approx(
        float(bik.surface_charge), rel=1e-6
    )
    bsk = solve_pb(
        SALT, C0, Sphere(radius=a), wall_potential=0.05, model="bsk", correlation_length=0.2e-9
    )
    assert bsk.attrs["converged"] == 1
    curve = capacitance_curve(SALT, C0, Sphere(radius=a), [0.0, 0.02, 0.05])
    assert float(curve.surface_charge.sel(voltage=0.05)) == pytest.approx(
        float(fast.surface_charge), rel=1e-8
    )
    path = tmp_path / "sphere.nc"
    to_netcdf(fast, path)
    xr.testing.assert_identical(open_dataset(path), fast)


def test_bad_sphere_input():
    with pytest.raises(ParameterError, match="radius"):
        Sphere(radius=-1e-9)
    with pytest.raises(ParameterError, match="sum"):
        Sphere(radius=1e-9, length=1e-8, spacing=np.full(10, 1e-10))
    with pytest.raises(ParameterError, match="^length: .*10 screening decay"):
        solve_pb(SALT, C0, Sphere(radius=1e-9, length=2 * LAMBDA), wall_potential=0.01)
