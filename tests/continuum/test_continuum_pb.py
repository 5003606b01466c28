"""Continuum layer: Poisson–Boltzmann family on FiPy (checks of the references' section 10).

Reference solutions are written out here independently of the package: Gouy–Chapman profile
and Grahame charge, Gouy–Chapman–Stern series capacitance, Kornyshev (2007) capacitance and
the lattice-gas first integral, the BSK linear capacitance sqrt(1 + 2 d)/(1 + d) derived from
the two-exponential solution, Debye–Hückel slit/cylinder solutions, the exact nonlinear slit
solution by quadrature. Lengths in Debye lengths, potentials in kT/e, charges in
eps kT/(e lambda_D), capacitances in eps/lambda_D unless said otherwise.
"""

from __future__ import annotations

import math

import numpy as np
import pytest
import xarray as xr
from scipy import integrate, optimize
from scipy.special import i0, i1

from ionscales import presets
from ionscales.constants import avogadro, boltzmann, elementary_charge, vacuum_permittivity
from ionscales.continuum import CylindricalPore, HalfSpace, Slit, capacitance_curve, solve_pb
from ionscales.continuum.pb import PB_MODELS, PBProblem
from ionscales.continuum.reference_solver import solve_pb_reference
from ionscales.errors import ConvergenceError, ParameterError
from ionscales.results import check_labelled, open_dataset, to_netcdf

C0 = 100.0  # 0.1 M
VT = boltzmann * 298.15 / elementary_charge


@pytest.fixture(scope="module")
def salt():
    return presets.get("NaCl(aq)")


@pytest.fixture(scope="module")
def units(salt):
    eps = salt.permittivity * vacuum_permittivity
    n0 = C0 * avogadro
    lam = math.sqrt(eps * boltzmann * salt.temperature / (2 * elementary_charge**2 * n0))
    return {
        "lam": lam,
        "eps": eps,
        "q": eps * VT / lam,
        "C": eps / lam,
        "n0": n0,
        "p": 2 * n0 * boltzmann * salt.temperature,
    }


def kornyshev(u, gamma):
    s2 = np.sinh(u / 2) ** 2
    return (
        np.cosh(u / 2) / (1 + 2 * gamma * s2) * np.sqrt(2 * gamma * s2 / np.log1p(2 * gamma * s2))
    )


# ---------------------------------------------------------------------------------------
# FiPy pitfalls (references section 8.2 / 8.3)
# ---------------------------------------------------------------------------------------
def _diffusion_amplitude(solver):
    import fipy

    nx, dt, steps = 100, 1e-4, 30
    mesh = fipy.Grid1D(nx=nx, dx=1.0 / nx)
    x = mesh.cellCenters[0].value
    c = fipy.CellVariable(mesh=mesh, value=1 + 1e-3 * np.cos(np.pi * x))
    eq = fipy.TransientTerm() == fipy.DiffusionTerm()
    for _ in range(steps):
        eq.solve(var=c, dt=dt, solver=solver)
    amplitude = float(np.sum((c.value - 1) * np.cos(np.pi * x)) * 2 / nx)
    h = 1.0 / nx
    k2 = (2 - 2 * np.cos(np.pi * h)) / h**2  # discrete eigenvalue of the cosine mode
    exact = 1e-3 / (1 + dt * k2) ** steps
    return amplitude, exact


def test_solver_criterion_regression():
    """The package's linear solver evolves a slowly decaying mode; FiPy's default does not."""
    from fipy.solvers.scipy import LinearLUSolver

    from ionscales.continuum.newton import make_linear_solver

    amplitude, exact = _diffusion_amplitude(make_linear_solver())
    assert amplitude == pytest.approx(exact, rel=1e-6)
    stuck, _ = _diffusion_amplitude(LinearLUSolver())  # FiPy 4 default: "RHS" criterion, 1e-5
    assert abs(stuck - 1e-3) < 0.1 * abs(exact - 1e-3)  # never moved: the pitfall is real


def test_fully_implicit_source_negative_coefficient():
    """phi'' - c = 0 coupled to c = 1 with a negative off-diagonal coefficient is solved in one sweep."""
    import fipy

    from ionscales.continuum.newton import FullyImplicitSourceTerm, make_linear_solver

    mesh = fipy.Grid1D(nx=50, dx=0.02)
    phi = fipy.CellVariable(mesh=mesh, value=0.0)
    c = fipy.CellVariable(mesh=mesh, value=0.0)
    phi.constrain(0.0, mesh.facesLeft)
    phi.constrain(0.0, mesh.facesRight)
    eq1 = fipy.DiffusionTerm(var=phi) + FullyImplicitSourceTerm(coeff=-1.0, var=c) == 0
    eq2 = FullyImplicitSourceTerm(coeff=1.0, var=c) - 1.0 == 0
    (eq1 & eq2).sweep(solver=make_linear_solver())
    x = mesh.cellCenters[0].value
    assert np.allclose(c.value, 1.0)
    assert np.allclose(phi.value, x**2 / 2 - x / 2, atol=1e-4)  # O(h^2) at the Dirichlet faces


# ---------------------------------------------------------------------------------------
# Gouy–Chapman, Grahame, Stern
# ---------------------------------------------------------------------------------------
@pytest.mark.parametrize("psi0", [1.0, 5.0, 10.0])
def test_gouy_chapman_profile_and_grahame(salt, units, psi0):
    ds = solve_pb(salt, C0, HalfSpace(), wall_potential=psi0 * VT, refinement=2)
    assert ds.attrs["converged"] == 1
    x = ds.x.values / units["lam"]
    exact = 4 * np.arctanh(np.tanh(psi0 / 4) * np.exp(-x))
    assert np.max(np.abs(ds.potential.values / VT - exact)) < 1e-4 * psi0
    grahame = 2 * np.sinh(psi0 / 2)  # sqrt(8 eps kT c0) sinh(psi0/2) in these units
    sigma = float(ds.surface_charge) / units["q"]
    assert sigma == pytest.approx(grahame, rel=1e-4)
    assert float(ds.surface_charge_integrated) == pytest.approx(float(ds.surface_charge), rel=1e-7)
    assert float(ds.capacitance) / units["C"] == pytest.approx(np.cosh(psi0 / 2), rel=1e-4)
    # salt adsorption Gamma+ + Gamma- = 8 c0 lambda sinh^2(psi0/4)
    adsorption = float(ds.ion_excess.sum()) / (C0 * units["lam"])
    assert adsorption == pytest.approx(8 * np.sinh(psi0 / 4) ** 2, rel=2e-4)
    # charge neutrality of the ion excesses: e (Gamma_- - Gamma_+) N_A = sigma
    excess = ds.ion_excess.values * avogadro * elementary_charge
    assert (excess[1] - excess[0]) == pytest.approx(float(ds.surface_charge), rel=1e-6)


def test_sign_symmetry(salt):
    up = solve_pb(salt, C0, HalfSpace(), wall_potential=0.1)
    down = solve_pb(salt, C0, HalfSpace(), wall_potential=-0.1)
    assert float(down.surface_charge) == pytest.approx(-float(up.surface_charge), rel=1e-10)
    np.testing.assert_allclose(
        down.ion_concentration.values[::-1], up.ion_concentration.values, rtol=1e-9
    )


@pytest.mark.parametrize("volts", [0.5, 3.0, 8.0])
def test_gouy_chapman_stern(salt, units, volts):
    """V = psi_d + sigma/C_S and 1/C = 1/C_S + 1/C_GC(psi_d) (Stern length = lambda_D/2)."""
    stern = 0.5 * units["lam"]
    ds = solve_pb(
        salt, C0, HalfSpace(), wall_potential=volts * VT, stern_length=stern, refinement=2
    )
    psi_d = float(ds.diffuse_potential) / VT
    q = float(ds.surface_charge) / units["q"]
    c_stern = 1 / 0.5  # eps/l_S in units of eps/lambda
    assert psi_d + q / c_stern == pytest.approx(volts, rel=1e-9)
    assert q == pytest.approx(2 * np.sinh(psi_d / 2), rel=1e-4)
    expected = 1 / (1 / c_stern + 1 / np.cosh(psi_d / 2))
    assert float(ds.capacitance) / units["C"] == pytest.approx(expected, rel=1e-4)


def test_constant_surface_charge(salt, units):
    sigma = 0.05
    ds = solve_pb(salt, C0, HalfSpace(), surface_charge=sigma, refinement=2)
    q = sigma / units["q"]
    assert float(ds.surface_charge) == sigma
    assert float(ds.surface_charge_integrated) == pytest.approx(sigma, rel=1e-7)
    assert float(ds.diffuse_potential) / VT == pytest.approx(2 * np.arcsinh(q / 2), rel=1e-4)
    assert float(ds.capacitance) / units["C"] == pytest.approx(np.sqrt(1 + q**2 / 4), rel=1e-4)


def test_multivalent_first_integral():
    """2:1 salt (CaCl2): wall charge from the PB first integral sqrt(2 sum_i c_i (e^{-z_i psi} - 1))."""
    salt = presets.get("CaCl2(aq)")
    psi0 = 3.0
    ds = solve_pb(salt, C0, HalfSpace(), wall_potential=psi0 * VT, refinement=2)
    z = salt.charges
    n = salt.nu * C0 * avogadro
    weights = n / np.sum(z**2 * n)
    expected = np.sqrt(2 * np.sum(weights * (np.exp(-z * psi0) - 1)))
    lam = float(ds.debye_length)
    unit = salt.permittivity * vacuum_permittivity * VT / lam
    assert float(ds.surface_charge) / unit == pytest.approx(expected, rel=1e-4)


# ---------------------------------------------------------------------------------------
# Bikerman / Kornyshev
# ---------------------------------------------------------------------------------------
@pytest.mark.parametrize("gamma", [0.01, 0.1, 1 / 3, 0.5])
def test_kornyshev_capacitance(salt, units, gamma):
    u = np.array([-20.0, 0.5, 2.0, 5.0, 10.0, 20.0, 40.0])
    ds = capacitance_curve(
        salt, C0, HalfSpace(), u * VT, model="bikerman", compacity=gamma, refinement=2
    )
    assert ds.attrs["converged"] == 1
    cap = ds.capacitance.values / units["C"]
    np.testing.assert_allclose(cap, kornyshev(u, gamma), rtol=1e-4)
    s2 = np.sinh(u / 2) ** 2
    q_exact = np.sign(u) * np.sqrt(2 / gamma * np.log1p(2 * gamma * s2))
    np.testing.assert_allclose(ds.surface_charge.values / units["q"], q_exact, rtol=1e-4)


@pytest.mark.parametrize("gamma, shape", [(0.2, "camel"), (0.5, "bell")])
def test_camel_bell_switch(salt, units, gamma, shape):
    """C''(0) > 0 (camel) for gamma < 1/3 and < 0 (bell) above: C = 1 + (1 - 3 gamma) u^2/8 + ..."""
    u = np.array([0.0, 0.3])
    ds = capacitance_curve(salt, C0, HalfSpace(), u * VT, model="bikerman", compacity=gamma)
    cap = ds.capacitance.values / units["C"]
    curvature = (cap[1] - cap[0]) / (u[1] ** 2 / 8)
    assert curvature == pytest.approx(1 - 3 * gamma, abs=0.02)
    assert (cap[1] > cap[0]) == (shape == "camel")


def test_compacity_from_ion_sizes(salt):
    """Default gamma = sum_i n_i d_i^3 (lattice of cubes of the ion diameters)."""
    problem = PBProblem(salt, 2000.0, HalfSpace(), wall_potential=0.05, model="bikerman")
    n = salt.nu * 2000.0 * avogadro
    assert problem.compacity == pytest.approx(float(np.sum(n * salt.diameters**3)), rel=1e-12)


# ---------------------------------------------------------------------------------------
# BSK
# ---------------------------------------------------------------------------------------
@pytest.mark.slow
@pytest.mark.parametrize("delta", [0.1, 0.5, 2.0])
def test_bsk_linear_capacitance(salt, units, delta):
    ds = solve_pb(
        salt,
        C0,
        HalfSpace(),
        wall_potential=1e-3 * VT,
        model="bsk",
        compacity=0.5,
        correlation_length=delta * units["lam"],
        refinement=4,
    )
    expected = np.sqrt(1 + 2 * delta) / (1 + delta)
    assert float(ds.capacitance) / units["C"] == pytest.approx(expected, rel=1e-5)


def _sign_changes(values):
    significant = values[np.abs(values) > 1e-8 * np.max(np.abs(values))]
    return int(np.sum(np.diff(np.sign(significant)) != 0))


@pytest.mark.parametrize("delta, oscillates", [(0.45, False), (0.55, True), (1.0, True)])
def test_bsk_overscreening_onset(salt, units, delta, oscillates):
    """Damped charge oscillations (overscreening) appear only above delta_c = 1/2."""
    ds = solve_pb(
        salt,
        C0,
        HalfSpace(),
        wall_potential=0.1 * VT,
        model="bsk",
        compacity=0.5,
        correlation_length=delta * units["lam"],
    )
    changes = _sign_changes(ds.charge_density.values)
    assert (changes > 0) == oscillates


def test_bsk_nonlinear_reference(salt, units):
    """gamma = 0.5, delta = 10, V = 10: q = 3.0488 and crowded counterions (rho -> -2 e c0)
    (references section 4, FiPy run on another mesh; tolerance 1e-3)."""
    ds = solve_pb(
        salt,
        C0,
        HalfSpace(),
        wall_potential=10 * VT,
        model="bsk",
        compacity=0.5,
        correlation_length=10 * units["lam"],
    )
    assert float(ds.surface_charge) / units["q"] == pytest.approx(3.0488, rel=1e-3)
    rho = ds.charge_density.values / (2 * elementary_charge * units["n0"])
    assert rho.min() == pytest.approx(-2.0, abs=2e-3)
    assert rho.max() > 0.5  # overscreening layer


# ---------------------------------------------------------------------------------------
# Slits and cylinders
# ---------------------------------------------------------------------------------------
def test_slit_linear_symmetric_antisymmetric(salt, units):
    lam = units["lam"]
    v = 1e-4
    sym = solve_pb(salt, C0, Slit(3 * lam), wall_potential=v * VT, refinement=2)
    np.testing.assert_allclose(sym.surface_charge.values / units["q"] / v, np.tanh(1.5), rtol=1e-4)
    x = sym.x.values / lam
    np.testing.assert_allclose(
        sym.potential.values / VT / v, np.cosh(x - 1.5) / np.cosh(1.5), atol=1e-4
    )
    anti = solve_pb(salt, C0, Slit(3 * lam), wall_potential=(v * VT, -v * VT), refinement=2)
    np.testing.assert_allclose(
        anti.surface_charge.values / units["q"] / v,
        [1 / np.tanh(1.5), -1 / np.tanh(1.5)],
        rtol=1e-4,
    )
    np.testing.assert_allclose(
        anti.potential.values / VT / v, -np.sinh(x - 1.5) / np.sinh(1.5), atol=1e-4
    )


def test_cylinder_linear(salt, units):
    lam = units["lam"]
    v = 1e-4
    ds = solve_pb(salt, C0, CylindricalPore(2 * lam), wall_potential=v * VT, refinement=2)
    r = ds.x.values / lam
    np.testing.assert_allclose(ds.potential.values / VT / v, i0(r) / i0(2), atol=1e-4)
    assert float(ds.surface_charge) / units["q"] / v == pytest.approx(i1(2) / i0(2), rel=1e-4)
    assert float(ds.surface_charge_integrated) == pytest.approx(float(ds.surface_charge), rel=1e-7)


def _exact_slit_midplane(psi0, half_width):
    def distance(psi_m):
        def integrand(t):  # psi = psi_m + t^2 removes the endpoint singularity
            if t == 0.0:
                return 2 / np.sqrt(2 * np.sinh(psi_m))
            psi = psi_m + t * t
            return 2 * t / np.sqrt(2 * (np.cosh(psi) - np.cosh(psi_m)))

        return integrate.quad(integrand, 0, np.sqrt(psi0 - psi_m), limit=200)[0] - half_width

    return optimize.brentq(distance, 1e-6, psi0 - 1e-9, xtol=1e-14)


def test_exact_nonlinear_slit_and_pressures(salt, units):
    lam = units["lam"]
    psi_m = _exact_slit_midplane(2.0, 1.0)
    assert psi_m == pytest.approx(1.15607953, abs=1e-8)  # references section 10
    ds = solve_pb(salt, C0, Slit(2 * lam), wall_potential=2 * VT, refinement=2)
    psi = ds.potential.values / VT
    mid = psi.size // 2
    assert 0.5 * (psi[mid - 1] + psi[mid]) == pytest.approx(psi_m, abs=5e-5)
    # contact theorem at the midplane: P = 2 n0 kT (cosh psi_m - 1); both routes agree
    expected = (np.cosh(psi_m) - 1) * units["p"]
    assert float(ds.disjoining_pressure) == pytest.approx(expected, rel=1e-4)
    np.testing.assert_allclose(
        ds.disjoining_pressure_wall.values, float(ds.disjoining_pressure), rtol=3e-4
    )


@pytest.mark.parametrize(
    "model, options",
    [
        ("pb", {}),
        ("bikerman", {"compacity": 0.3}),
        ("bsk", {"compacity": 0.3, "correlation_length": 0.5e-9}),
    ],
)
def test_pressure_routes_agree_and_converge(salt, model, options):
    """Issue example (slit 3 nm, 0.1 V); the two routes converge towards each other on refinement."""
    diffs = []
    for refinement in (1, 2):
        ds = solve_pb(
            salt,
            C0,
            Slit(width=3e-9),
            wall_potential=0.1,
            model=model,
            refinement=refinement,
            **options,
        )
        p_mid = float(ds.disjoining_pressure)
        assert p_mid > 0  # like-charged walls repel
        diffs.append(np.max(np.abs(ds.disjoining_pressure_wall.values - p_mid)) / p_mid)
    assert diffs[1] < 2e-3
    assert diffs[1] < 0.5 * diffs[0]


def test_asymmetric_slit_pressure_routes(salt):
    ds = solve_pb(salt, C0, Slit(2e-9), wall_potential=(0.1, -0.05), refinement=2)
    p_wall = ds.disjoining_pressure_wall.values
    p_mid = float(ds.disjoining_pressure)
    np.testing.assert_allclose(p_wall, p_mid, rtol=2e-3, atol=1e-3 * np.max(np.abs(p_wall)))


# ---------------------------------------------------------------------------------------
# convergence order, free energy, cross-check with the didactic solver
# ---------------------------------------------------------------------------------------
def test_observed_order_of_convergence(salt, units):
    errors = []
    for refinement in (1, 2, 4):
        ds = solve_pb(salt, C0, HalfSpace(), wall_potential=5 * VT, refinement=refinement)
        errors.append(abs(float(ds.surface_charge) / units["q"] - 2 * np.sinh(2.5)))
    orders = np.log2(np.array(errors[:-1]) / np.array(errors[1:]))
    assert np.all(orders >= 1.9), orders


@pytest.mark.parametrize(
    "model, options",
    [
        ("pb", {}),
        ("bikerman", {"compacity": 0.2}),
        ("pb", {"stern_length": 2e-10}),
    ],
)
def test_free_energy_thermodynamic_consistency(salt, model, options):
    """d(grand potential)/dV = -sigma (finite difference of the reported free energy)."""
    h = 1e-3
    v = 0.1
    up = solve_pb(salt, C0, HalfSpace(), wall_potential=v + h, model=model, **options)
    down = solve_pb(salt, C0, HalfSpace(), wall_potential=v - h, model=model, **options)
    mid = solve_pb(salt, C0, HalfSpace(), wall_potential=v, model=model, **options)
    slope = (float(up.free_energy) - float(down.free_energy)) / (2 * h)
    assert slope == pytest.approx(-float(mid.surface_charge), rel=2e-3)


def test_free_energy_not_reported_for_bsk(salt):
    ds = solve_pb(salt, C0, HalfSpace(), wall_potential=0.1, model="bsk", correlation_length=1e-9)
    assert np.isnan(float(ds.free_energy))


@pytest.mark.parametrize("psi0, gamma", [(5.0, 0.0), (10.0, 0.1)])
def test_didactic_solver_agrees(salt, psi0, gamma):
    model = "pb" if gamma == 0 else "bikerman"
    problem = PBProblem(
        salt,
        C0,
        HalfSpace(),
        wall_potential=psi0 * VT,
        model=model,
        compacity=None if gamma == 0 else gamma,
    )
    ds = problem.solve(wall_potential=psi0 * VT)
    faces = problem.mesh.faces / problem.debye_length
    ref = solve_pb_reference(faces, psi0, compacity=gamma)
    np.testing.assert_allclose(ds.potential.values / VT, ref["psi"], atol=1e-8 * psi0)
    unit = problem.eps * VT / problem.debye_length
    assert float(ds.surface_charge) / unit == pytest.approx(ref["charge"], rel=1e-8)


def test_didactic_solver_slit(salt):
    problem = PBProblem(salt, C0, Slit(2e-9), wall_potential=(0.1, 0.05))
    ds = problem.solve(wall_potential=(0.1, 0.05))
    faces = problem.mesh.faces / problem.debye_length
    ref = solve_pb_reference(faces, 0.1 / VT, right="wall", right_potential=0.05 / VT)
    np.testing.assert_allclose(ds.potential.values / VT, ref["psi"], atol=1e-8)


# ---------------------------------------------------------------------------------------
# results, errors
# ---------------------------------------------------------------------------------------
def test_dataset_labelled_and_netcdf_roundtrip(salt, tmp_path):
    ds = solve_pb(
        salt, C0, Slit(width=3e-9), wall_potential=0.1, model="bsk", correlation_length=0.5e-9
    )
    check_labelled(ds)
    for name in (
        "potential",
        "surface_charge",
        "surface_charge_integrated",
        "capacitance",
        "disjoining_pressure",
        "disjoining_pressure_wall",
        "charge_density",
    ):
        assert "units" in ds[name].attrs
    assert ds.potential.attrs["units"] == "V"
    assert ds.attrs["converged"] == 1 and ds.attrs["iterations"] >= 1
    path = tmp_path / "edl.nc"
    to_netcdf(ds, path)
    xr.testing.assert_identical(open_dataset(path), ds)


def test_issue_example(salt):
    from ionscales.units import M

    edl = solve_pb(salt, 0.1 * M, HalfSpace(), wall_potential=0.2, model="bikerman")
    assert edl.surface_charge.attrs["units"] == "C/m^2"
    assert edl.capacitance.attrs["units"] == "F/m^2"
    assert float(edl.surface_charge) > 0 and float(edl.capacitance) > 0


@pytest.mark.parametrize(
    "call, parameter",
    [
        (lambda s: Slit(width=-1e-9), "width"),
        (lambda s: Slit(width=0.0), "width"),
        (lambda s: CylindricalPore(radius=float("nan")), "radius"),
        (lambda s: solve_pb(s, 0.0, HalfSpace(), wall_potential=0.1), "concentration"),
        (lambda s: solve_pb(s, -5.0, HalfSpace(), wall_potential=0.1), "concentration"),
        (lambda s: solve_pb(s, C0, HalfSpace(), wall_potential=float("inf")), "wall_potential"),
        (lambda s: solve_pb(s, C0, HalfSpace(), wall_potential=float("nan")), "wall_potential"),
        (
            lambda s: solve_pb(s, C0, HalfSpace(), wall_potential=0.1, surface_charge=0.01),
            "wall_potential/surface_charge",
        ),
        (lambda s: solve_pb(s, C0, HalfSpace()), "wall_potential/surface_charge"),
        (
            lambda s: solve_pb(s, C0, Slit(2e-9), wall_potential=(0.1, None)),
            "wall_potential/surface_charge",
        ),
        (
            lambda s: solve_pb(s, C0, HalfSpace(), surface_charge=0.01, stern_length=1e-10),
            "stern_length",
        ),
        (
            lambda s: solve_pb(s, C0, HalfSpace(spacing=np.full(100, 1e-10)), wall_potential=0.3),
            "spacing",
        ),
        (lambda s: solve_pb(s, C0, HalfSpace(length=2e-9), wall_potential=0.1), "length"),
        (
            lambda s: solve_pb(s, C0, HalfSpace(), wall_potential=0.1, model="bsk"),
            "correlation_length",
        ),
        (lambda s: solve_pb(s, C0, HalfSpace(), wall_potential=0.1, compacity=0.1), "compacity"),
        (
            lambda s: solve_pb(
                s, C0, HalfSpace(), wall_potential=0.1, model="bikerman", compacity=1.2
            ),
            "compacity",
        ),
        (lambda s: solve_pb(s, C0, HalfSpace(), wall_potential=0.1, model="bikermann"), "model"),
    ],
)
def test_bad_input_raises_parameter_error(salt, call, parameter):
    with pytest.raises(ParameterError) as info:
        call(salt)
    assert info.value.parameter == parameter
    assert str(info.value)  # the message carries the reason


def test_unknown_model_suggests(salt):
    with pytest.raises(ParameterError, match="bikerman"):
        solve_pb(salt, C0, HalfSpace(), wall_potential=0.1, model="bikermann")


def test_non_convergence_raises_with_history(salt):
    with pytest.raises(ConvergenceError) as info:
        solve_pb(salt, C0, HalfSpace(), wall_potential=0.3, tolerance=1e-30, max_iterations=2)
    assert info.value.history and info.value.iterations >= 2


def test_permittivity_callable(salt, units):
    """A constant callable reproduces the constant permittivity; a decrement lowers the charge."""
    const = solve_pb(
        salt, C0, HalfSpace(), wall_potential=0.1, permittivity=lambda c: salt.permittivity + 0 * c
    )
    plain = solve_pb(salt, C0, HalfSpace(), wall_potential=0.1)
    assert float(const.surface_charge) == pytest.approx(float(plain.surface_charge), rel=1e-9)
    assert np.isnan(float(const.free_energy))

    def decrement(c):  # 10 per molar, saturating at 20
        return 20 + 58.4 * np.exp(-10 * (c / 1000.0) / 58.4)

    ds = solve_pb(salt, C0, HalfSpace(), wall_potential=0.1, permittivity=decrement)
    assert ds.attrs["converged"] == 1
    assert float(ds.surface_charge_integrated) == pytest.approx(float(ds.surface_charge), rel=1e-6)


@pytest.mark.parametrize("parameter", ["wall values", "delta", "compacity"])
def test_continuation_paths_reach_the_same_solution(salt, units, parameter):
    """Continuation in the wall potential, delta_c and gamma ends on the directly solved state."""
    problem = PBProblem(
        salt,
        C0,
        HalfSpace(),
        wall_potential=5 * VT,
        model="bsk",
        compacity=0.3,
        correlation_length=units["lam"],
    )
    direct = problem.solve(wall_potential=5 * VT)
    walls = problem._walls(5 * VT, None)
    result = problem._continuation(parameter, walls)
    assert result.converged
    np.testing.assert_allclose(problem.psi.value, direct.potential.values / VT, atol=1e-8)


def test_asymmetric_slit_charges_and_mixed_walls(salt):
    """Per-wall integrated charges (Gauss law on each half) match the wall fields, also for BSK
    with one potential-controlled and one charge-controlled wall."""
    ds = solve_pb(
        salt,
        C0,
        Slit(3e-9),
        wall_potential=(0.1, None),
        surface_charge=(None, -0.02),
        model="bsk",
        correlation_length=0.5e-9,
    )
    np.testing.assert_allclose(
        ds.surface_charge_integrated.values, ds.surface_charge.values, rtol=1e-7
    )
    assert float(ds.surface_charge[1]) == pytest.approx(-0.02, rel=1e-12)
    ds = solve_pb(salt, C0, Slit(2e-9), wall_potential=0.1, stern_length=(2e-10, 1e-10))
    np.testing.assert_allclose(
        ds.surface_charge_integrated.values, ds.surface_charge.values, rtol=1e-7
    )
    assert float(ds.surface_charge[1]) > float(ds.surface_charge[0])  # thinner Stern layer


def test_permittivity_callable_capacitance(salt):
    """With a concentration-dependent permittivity the capacitance is dq/dV of converged solves."""

    def decrement(c):
        return 20 + 58.4 * np.exp(-10 * (c / 1000.0) / 58.4)

    h = 2e-4
    up = solve_pb(salt, C0, HalfSpace(), wall_potential=0.1 + h, permittivity=decrement)
    down = solve_pb(salt, C0, HalfSpace(), wall_potential=0.1 - h, permittivity=decrement)
    mid = solve_pb(salt, C0, HalfSpace(), wall_potential=0.1, permittivity=decrement)
    slope = (float(up.surface_charge) - float(down.surface_charge)) / (2 * h)
    assert float(mid.capacitance) == pytest.approx(slope, rel=1e-4)


def test_born_solvation_with_a_local_permittivity(salt):
    """With a concentration-dependent (local) permittivity every ion obeys the Boltzmann law
    with its Born solvation energy in the local permittivity (Born 1920),
    ln(c_i/c_i0) = -z_i psi - (z_i^2 e^2/(8 pi eps0 a_i kT)) (1/eps_r(c(x)) - 1/eps_r(c_b)),
    a_i = d_i/2, c(x) the local salt concentration, checked cell by cell with the energies
    computed here; without the Born term it is plain Boltzmann (the previous behaviour)."""

    def decrement(c):  # linear decrement, 11 per mol/L (NaCl-like)
        return 78.4 - 0.011 * np.asarray(c)

    ds = solve_pb(salt, C0, HalfSpace(), wall_potential=0.1, permittivity=decrement)
    psi = ds.potential.values / VT
    conc = ds.ion_concentration.values
    local_salt = conc.mean(axis=0)  # NaCl: (c+ + c-)/2
    radii = 0.5 * np.array([ion.diameter for ion in salt.ions])
    charges = np.array([ion.charge for ion in salt.ions])
    born = (
        charges**2
        * elementary_charge**2
        / (8 * np.pi * vacuum_permittivity * radii * boltzmann * salt.temperature)
    )
    shift = born[:, None] * (1 / decrement(local_salt) - 1 / decrement(C0))
    expected = -charges[:, None] * psi[None, :] - shift[:, :]
    np.testing.assert_allclose(np.log(conc / C0), expected, atol=1e-9)
    assert float(np.max(shift)) > 0.05  # a real effect near the wall (kT)
    # Born depletion: fewer counter-ions than the Poisson-only model at the same potential
    plain = solve_pb(
        salt, C0, HalfSpace(), wall_potential=0.1, permittivity=decrement, born_solvation=False
    )
    np.testing.assert_allclose(
        np.log(plain.ion_concentration.values / C0),
        -charges[:, None] * plain.potential.values[None, :] / VT,
        atol=1e-9,
    )
    assert float(ds.surface_charge) < float(plain.surface_charge)
    assert float(ds.surface_charge_integrated) == pytest.approx(float(ds.surface_charge), rel=1e-6)


@pytest.mark.parametrize(
    "geometry",
    [HalfSpace(), Slit(3e-9), CylindricalPore(2e-9)],
    ids=["halfspace", "slit", "cylinder"],
)
def test_direct_operator_equals_fipy_assembly(salt, geometry):
    """The scalar PB operator assembled from the geometry's metric (the fast path, no FiPy
    objects) equals the one FiPy assembles for the same equation, entry by entry."""
    problem = PBProblem(salt, C0, geometry, wall_potential=0.1)
    assert problem.fmesh is None  # fast path: nothing built by FiPy
    direct = problem._linear_parts()
    fipy_parts = problem._fipy_linear_parts()
    for mine, theirs in zip(direct, fipy_parts):
        scale = max(float(np.max(np.abs(theirs))), 1e-300)
        np.testing.assert_allclose(mine, theirs, rtol=0, atol=1e-11 * scale)
    # and FiPy's own Newton sweep (the production path of "bsk"/eps(c)) reaches the same state
    fast = problem.solve(wall_potential=0.1)
    eps_r = salt.permittivity
    fipy_problem = PBProblem(
        salt, C0, geometry, wall_potential=0.1, permittivity=lambda c: eps_r + 0 * c
    )
    slow = fipy_problem.solve(wall_potential=0.1)
    # (both converged to the scaled residual 1e-9; the lagged path stops on a different norm)
    np.testing.assert_allclose(fast.potential.values, slow.potential.values, rtol=1e-6)


@pytest.mark.parametrize("psi0", [1.0, 4.0, 10.0])
def test_default_halfspace_mesh_meets_grahame_to_1e_4(salt, units, psi0):
    """The default half-space mesh (0.1 M) gives Grahame's charge 2 sinh(psi0/2) to a
    relative 1e-4 up to 10 kT/e, as documented (1.5e-4 at 10 kT/e with the old growth)."""
    ds = solve_pb(salt, C0, HalfSpace(), wall_potential=psi0 * VT)
    q = float(ds.surface_charge) / units["q"]
    assert abs(q / (2 * np.sinh(psi0 / 2)) - 1) <= 1e-4


def test_tiny_wall_values_converge_like_zero(salt, units):
    """1e-12 V and 1e-12 C/m^2 (and smaller) converge like 0 and 1e-9 do (#15): the source is
    evaluated without cancellation, and the linear response is the Debye capacitance."""
    for kw in (dict(wall_potential=1e-12), dict(surface_charge=1e-12), dict(wall_potential=1e-300)):
        ds = solve_pb(salt, C0, HalfSpace(), **kw)
        assert ds.attrs["converged"] == 1
        assert float(ds.capacitance) / units["C"] == pytest.approx(1.0, rel=1e-4)
    ds = solve_pb(salt, C0, HalfSpace(), wall_potential=1e-12)
    assert float(ds.surface_charge) / units["q"] == pytest.approx(1e-12 / VT, rel=1e-4)


def test_out_of_range_inputs_are_refused_with_the_public_parameter(salt):
    """#15: 100 kT/e with point ions, an absurd concentration and a refinement that would
    exhaust memory raise ParameterError naming the public parameter, before any work."""
    with pytest.raises(ParameterError, match="^wall_potential: .*kT/e"):
        solve_pb(salt, C0, HalfSpace(), wall_potential=100 * VT)
    with pytest.raises(ParameterError, match="^concentration: "):
        solve_pb(salt, 1e300, HalfSpace(), wall_potential=0.1)
    with pytest.raises(ParameterError, match="^refinement: .*limit"):
        solve_pb(salt, C0, HalfSpace(), wall_potential=0.1, refinement=100000)
    # Bikerman saturates the layer: the same potential is solvable
    ds = solve_pb(salt, C0, HalfSpace(), wall_potential=40 * VT, model="bikerman", compacity=0.1)
    assert ds.attrs["converged"] == 1


@pytest.mark.parametrize("name", sorted(PB_MODELS))
def test_every_registered_pb_model_solves_and_labels(salt, units, name):
    """The PB-model registry drives the solver: every registered model gives a converged,
    labelled half-space layer whose charge lies between 0 and the point-ion Grahame charge
    (crowding and correlations only lower it at fixed potential)."""
    spec = PB_MODELS[name]
    kwargs = {"correlation_length": 0.3 * units["lam"]} if spec.correlations else {}
    ds = solve_pb(salt, C0, HalfSpace(), wall_potential=4 * VT, model=name, **kwargs)
    check_labelled(ds)
    q = float(ds.surface_charge) / units["q"]
    assert 0 < q <= 2 * np.sinh(2.0) * (1 + 1e-4)
    assert ds.attrs["model"] == name


def test_wall_potential_keyword_and_its_deprecated_spelling(salt):
    """One name, one meaning: the wall condition is ``wall_potential=`` (the output profile is
    ``potential``); the old keyword still works with a DeprecationWarning naming the new one,
    gives the same result, and giving both is refused."""
    new = solve_pb(salt, C0, HalfSpace(), wall_potential=0.05)
    with pytest.warns(DeprecationWarning, match="wall_potential="):
        old = solve_pb(salt, C0, HalfSpace(), potential=0.05)
    xr.testing.assert_identical(new, old)
    assert "potential" in new.data_vars  # the profile keeps its name
    problem = PBProblem(salt, C0, HalfSpace(), wall_potential=0.05)
    with pytest.warns(DeprecationWarning, match="wall_potential="):
        again = problem.solve(potential=0.05)
    assert float(again.surface_charge) == pytest.approx(float(new.surface_charge), rel=1e-12)
    with pytest.warns(DeprecationWarning, match="wall_potential="):
        PBProblem(salt, C0, HalfSpace(), potential=0.05)
    with pytest.raises(ParameterError, match="^potential: give wall_potential only"):
        solve_pb(salt, C0, HalfSpace(), wall_potential=0.05, potential=0.05)


def test_capacitance_curve_matches_solve_pb_with_a_local_permittivity(salt):
    """capacitance_curve reports the values solve_pb reports, through PBProblem's public
    solve_state (same routines, no second formula). With a concentration-dependent
    permittivity the capacitance is dq/dV of converged solves (central differences of
    solve_pb's charge, the physics check); the old curve used the lagged-permittivity
    Jacobian and was 4 % (0.05 V) to 25 % (0.1 V) off."""

    def decrement(c):
        return 20 + 58.4 * np.exp(-10 * (c / 1000.0) / 58.4)

    curve = capacitance_curve(salt, C0, HalfSpace(), [0.0, 0.05, 0.1], permittivity=decrement)
    h = 2e-4
    for v in (0.05, 0.1):
        up, down = (
            solve_pb(salt, C0, HalfSpace(), wall_potential=v + s, permittivity=decrement)
            for s in (h, -h)
        )
        slope = (float(up.surface_charge) - float(down.surface_charge)) / (2 * h)
        point = curve.sel(voltage=v)
        assert float(point.capacitance) == pytest.approx(slope, rel=1e-4)
        ds = solve_pb(salt, C0, HalfSpace(), wall_potential=v, permittivity=decrement)
        assert float(point.surface_charge) == pytest.approx(float(ds.surface_charge), rel=1e-5)
        assert float(point.surface_charge_integrated) == pytest.approx(
            float(ds.surface_charge_integrated), rel=1e-5
        )


def test_pb_state_is_the_public_continuation_surface(salt):
    """PBProblem.solve_state returns the converged state with the Dataset's wall values, and
    its linear-response predictor lands closer to the next state than the old state does."""
    problem = PBProblem(salt, C0, Slit(3e-9), wall_potential=0.1)
    state = problem.solve_state(0.05)
    ds = problem.solve(0.05)
    np.testing.assert_allclose(state.surface_charge, ds.surface_charge.values, rtol=1e-12)
    np.testing.assert_allclose(
        state.surface_charge_integrated, ds.surface_charge_integrated.values, rtol=1e-12
    )
    np.testing.assert_allclose(state.capacitance, ds.capacitance.values, rtol=1e-9)
    np.testing.assert_allclose(state.diffuse_potential, ds.diffuse_potential.values, rtol=1e-12)
    nxt = problem.solve_state(0.06)
    guess, _ = state.predict(0.01)
    assert np.max(np.abs(guess - nxt.potential)) < 0.05 * np.max(
        np.abs(state.potential - nxt.potential)
    )
    warm = problem.solve_state(0.06, initial=state.predict(0.01))
    assert warm.iterations < nxt.iterations or warm.iterations <= 3


# -- the fast Newton path's kernels ------------------------------------------------------------
def test_tridiagonal_solve_equals_banded_solve_and_refuses_a_singular_matrix():
    """The tridiagonal kernel of the fast path (LAPACK dgtsv) equals SciPy's general banded
    solve on a random symmetric system, and a singular matrix raises LinAlgError."""
    from scipy.linalg import solve_banded

    from ionscales.continuum.pb import _solve_tridiagonal

    rng = np.random.default_rng(3)
    n = 200
    coupling, diagonal, rhs = rng.random(n - 1), -2.5 - rng.random(n), rng.standard_normal(n)
    banded = np.zeros((3, n))
    banded[0, 1:], banded[1], banded[2, :-1] = coupling, diagonal, coupling
    expected = solve_banded((1, 1), banded, rhs)
    np.testing.assert_allclose(_solve_tridiagonal(coupling, diagonal, rhs), expected, rtol=1e-12)
    assert np.all(diagonal < -2.5)  # inputs untouched
    with pytest.raises(np.linalg.LinAlgError):
        _solve_tridiagonal(
            np.ones(2), np.array([1.0, 2.0, 1.0]), np.ones(3)
        )  # [[1,1,0],[1,2,1],[0,1,1]]


@pytest.mark.parametrize("valence", [1.0, 2.0])
@pytest.mark.parametrize("psi0", [0.5, 4.0, -6.0, 15.0])
def test_halfspace_profile_closed_form_solves_the_pb_equation(valence, psi0):
    """The symmetric z:z guess (Gouy-Chapman closed form) equals the first-integral
    quadrature of the general path (asymmetric by 1e-12, which takes that path) and, for
    z = 1, the textbook 4 artanh(tanh(psi0/4) e^-s) written out here."""
    from ionscales.continuum.observables import LatticeGas, halfspace_profile

    s = np.linspace(0.001, 20.0, 400)
    c = 1.0 / (2.0 * valence**2)  # c_i = n_i / sum z^2 n
    closed = halfspace_profile(s, psi0, LatticeGas([valence, -valence], [c, c], 0.0))
    quadrature = halfspace_profile(
        s, psi0, LatticeGas([valence, -valence], [c, c * (1 - 1e-12)], 0.0)
    )
    np.testing.assert_allclose(closed, quadrature, rtol=0, atol=2e-3 * abs(psi0))
    if valence == 1.0:
        np.testing.assert_allclose(
            closed, 4 * np.arctanh(np.tanh(psi0 / 4) * np.exp(-s)), rtol=1e-13, atol=1e-300
        )


@pytest.mark.parametrize("psi_max", [0.3, 4.0, 20.0])
def test_point_ion_max_slope_is_the_dense_grid_maximum(psi_max):
    """Point ions: the largest df/dpsi over |psi| <= psi_max sits at an end (convex sum of
    exponentials); the exact end value equals the maximum over 20001 potentials."""
    from ionscales.continuum.observables import LatticeGas

    gas = LatticeGas([2.0, -1.0], [1 / 6, 1 / 3], 0.0)  # 2:1 salt, sum z^2 c = 1
    dense = np.max(gas.source(np.linspace(-psi_max, psi_max, 20001))[1])
    assert gas.max_slope(psi_max) == pytest.approx(max(1.0, dense), rel=1e-12)


def test_newton_state_cache_follows_the_lattice_gas(salt):
    """The fast path reuses the source and residual its last step left behind; a changed
    lattice gas (compacity continuation swaps it) must not reuse them: the same Newton run
    from the same state takes the same steps with and without the cache."""
    from ionscales.continuum.observables import LatticeGas

    problem = PBProblem(salt, C0, HalfSpace(), wall_potential=0.2, model="bikerman")
    walls = problem._walls(0.2, None)
    problem._solve_state(walls)
    gas = problem.gas
    problem.gas = LatticeGas(gas.z, gas.c, 0.5 * gas.gamma)
    start = problem.psi.value.copy()
    cached_run = problem._newton(walls)  # starts at the state the last step left behind
    problem._set_state(start)  # a fresh array: nothing cached for it
    fresh_run = problem._newton(walls)
    assert cached_run.iterations == fresh_run.iterations
    np.testing.assert_allclose(cached_run.history, fresh_run.history, rtol=1e-9)
