"""Poisson–Nernst–Planck transients (ionscales.continuum.pnp): physics checks.

References for the analytic anchors: Bazant, Thornton & Ajdari, PRE 70, 021506 (2004)
(linear RC charging law and the weakly nonlinear Gouy–Chapman circuit model of a
blocking cell); Bazant, Chu & Bayly, SIAM J. Appl. Math. 65, 1463 (2005) (classical
thin-double-layer current of a reacting cell, j = 4 tanh(v/4), limiting current 4).
"""

from __future__ import annotations

import numpy as np
import pytest
import xarray as xr
from fipy import CellVariable, DiffusionTerm, Grid1D, TransientTerm
from scipy.integrate import solve_ivp

from ionscales import Electrolyte, Ion, Solvent
from ionscales.continuum import HalfSpace, Slit, solve_pnp
from ionscales.continuum._pnp_core import FullyImplicitSourceTerm, bernoulli, bernoulli_prime
from ionscales.continuum.pnp import iv_curve, pnp_scales, voltage_waveform
from ionscales.errors import ConvergenceError, ConvergenceWarning, ParameterError
from ionscales.results import open_dataset, to_netcdf
from ionscales.units import M, nm

WATER = Solvent("water", permittivity=78.4, temperature=298.15)
SALT = Electrolyte(
    cation=Ion("Na+", charge=1, diameter=0.36 * nm, diffusivity=1e-9),
    anion=Ion("Cl-", charge=-1, diameter=0.36 * nm, diffusivity=1e-9),
    solvent=WATER,
)
C0 = 0.01 * M
SCALES = pnp_scales(SALT, C0)
LAMBDA = SCALES["debye_length"]
VT = SCALES["thermal_voltage"]
CHARGE_UNIT = SCALES["permittivity"] * VT / LAMBDA  # eps kT/(e lambda_D) [C/m^2]


def _diffuse_charge(ds, width):
    """Dimensionless diffuse charge of the left half of a slit, -int rho dx / (eps kT/e lambda)."""
    left = ds.x < width / 2
    rho = (ds.charge_density.where(left, 0.0) * ds.cell_width).sum("x").values
    return -rho / CHARGE_UNIT


# ------------------------------------------------------------------ numerics building blocks
def test_bernoulli_function_and_derivative():
    x = np.array([-30.0, -1.0, -1e-6, 0.0, 1e-6, 1e-3, 2.0, 40.0])
    exact = np.where(x == 0, 1.0, x / np.expm1(np.where(x == 0, 1.0, x)))
    np.testing.assert_allclose(bernoulli(x), exact, rtol=1e-12)
    h = 1e-6
    fd = (bernoulli(x + h) - bernoulli(x - h)) / (2 * h)
    np.testing.assert_allclose(bernoulli_prime(x), fd, rtol=1e-6, atol=1e-9)
    # B(-x) = B(x) + x, the identity behind the split into diffusion + central drift
    np.testing.assert_allclose(bernoulli(-x), bernoulli(x) + x, rtol=1e-12, atol=1e-12)


def test_fully_implicit_source_term_assembles_negative_coupling():
    """phi'' + s c = 0 with c = 1 (own row): FiPy's ImplicitSourceTerm drops s = -1 from the
    matrix (lagged); the fully implicit term solves it in one coupled sweep."""
    mesh = Grid1D(nx=50, dx=1.0 / 50)
    phi = CellVariable(mesh=mesh, value=0.0)
    c = CellVariable(mesh=mesh, value=0.0)
    phi.constrain(0.0, mesh.facesLeft)
    phi.constrain(0.0, mesh.facesRight)
    eq = (DiffusionTerm(1.0, var=phi) + FullyImplicitSourceTerm(-1.0, var=c) == 0) & (
        FullyImplicitSourceTerm(1.0, var=c) - 1.0 == 0
    )
    from fipy.solvers.scipy import LinearLUSolver

    eq.sweep(solver=LinearLUSolver(tolerance=1e-14, criterion="unscaled", iterations=2))
    x = mesh.cellCenters[0].value
    # phi'' = c = 1 with phi(0) = phi(1) = 0: phi = x(x-1)/2 (exact for the 3-point scheme)
    np.testing.assert_allclose(phi.value, x * (x - 1) / 2, atol=1e-3)
    np.testing.assert_allclose(c.value, 1.0, atol=1e-12)


def test_solver_criterion_cannot_stop_before_solving():
    """Reference §8.2 regression: small relative changes per step must still evolve."""
    from fipy.solvers.scipy import LinearLUSolver

    mesh = Grid1D(nx=100, dx=0.01)
    x = mesh.cellCenters[0].value
    c = CellVariable(mesh=mesh, value=1 + 1e-3 * np.cos(np.pi * x))
    solver = LinearLUSolver(tolerance=1e-14, criterion="unscaled", iterations=2)
    eq = TransientTerm() == DiffusionTerm()
    dt = 1e-4
    for _ in range(100):
        eq.solve(var=c, dt=dt, solver=solver)
    amplitude = (c.value.max() - c.value.min()) / 2
    exact = 1e-3 * np.exp(-(np.pi**2) * 100 * dt) * abs(np.cos(np.pi * x[0]))
    assert amplitude == pytest.approx(exact, rel=2e-3)


# ------------------------------------------------------------------ blocking cells
@pytest.fixture(scope="module")
def linear_cell():
    """BTA cell, eps = lambda_D/L = 0.02 (L = half width), v = 0.01 kT/e per electrode."""
    width = 2 * LAMBDA / 0.02
    tau = LAMBDA * (width / 2) / 1e-9
    ds = solve_pnp(
        SALT, C0, Slit(width), voltage=2 * 0.01 * VT, t_end=5 * tau, growth=1.15, progress=False
    )
    return ds, width, tau


@pytest.mark.slow
def test_bazant_thornton_ajdari_linear_charging(linear_cell):
    """q(t) = v (1 - exp(-t/tau_c)), tau_c = lambda_D L/D (BTA 2004, delta = 0).

    Tolerance: the RC law is the eps -> 0 limit; at eps = 0.02 the finite-Debye-length
    corrections are O(eps) ~ 1-2 % while charging and vanish at equilibrium (q -> v)."""
    ds, width, tau = linear_cell
    assert ds.attrs["charging_time"] == pytest.approx(tau, rel=1e-12)
    t = ds.time.values / tau
    q = _diffuse_charge(ds, width)
    rc = 0.01 * (1 - np.exp(-t))
    late = t >= 0.5
    np.testing.assert_allclose(q[late], rc[late], rtol=1.5e-2)
    assert q[-1] == pytest.approx(rc[-1], rel=3e-3)
    # the electrode charge = diffuse charge + the (decaying) bulk-field part, of equal sign
    q_electrode = ds.surface_charge.values / CHARGE_UNIT
    assert np.all(q_electrode[1:] >= q[1:] - 1e-12)
    # at t = 0+ the electrode carries the vacuum-capacitor charge eps V / W
    assert q_electrode[0] == pytest.approx(2 * 0.01 * LAMBDA / width, rel=1e-9)


@pytest.mark.slow
def test_blocking_cell_conservation_positivity_and_gauss(linear_cell):
    ds, width, _ = linear_cell
    inv = ds.inventory.values
    assert np.max(np.abs(inv / inv[0] - 1)) < 1e-10
    assert ds.attrs["inventory_drift"] < 1e-10
    assert float(ds.ion_concentration.min()) > 0
    # overall neutrality (discrete Gauss law): electrode charges balance, net space charge 0
    net_rho = (ds.charge_density * ds.cell_width).sum("x").values
    scale = float(np.max(np.abs(ds.surface_charge.values)))
    assert np.max(np.abs(net_rho)) < 1e-9 * scale
    # antisymmetry of the symmetric cell: c+(x) = c-(W - x)
    c = ds.ion_concentration.isel(time=-1).values
    np.testing.assert_allclose(c[0], c[1][::-1], rtol=1e-9)
    # external current = d(charge)/dt for blocking electrodes, decaying to zero
    assert abs(float(ds.current[-1])) < 0.02 * abs(float(ds.current[1]))
    assert np.all(ds.faradaic_current.values == 0)


@pytest.mark.slow
def test_weakly_nonlinear_charging_follows_gouy_chapman_circuit():
    """v = 1 kT/e per electrode: cosh(zeta/2) dzeta/dT = v - zeta, q = 2 sinh(zeta/2)
    (BTA's circuit model with the GC capacitance); < 1.5 % (O(eps) corrections, eps = 0.02)."""
    width = 2 * LAMBDA / 0.02
    tau = LAMBDA * (width / 2) / 1e-9
    v = 1.0
    ds = solve_pnp(
        SALT, C0, Slit(width), voltage=2 * v * VT, t_end=3 * tau, growth=1.15, progress=False
    )
    t = ds.time.values / tau
    q = _diffuse_charge(ds, width)
    sol = solve_ivp(
        lambda s, z: [(v - z[0]) / np.cosh(z[0] / 2)],
        (0, 3.5),
        [0.0],
        rtol=1e-10,
        atol=1e-12,
        dense_output=True,
    )
    q_ode = 2 * np.sinh(sol.sol(t)[0] / 2)
    late = t >= 0.5
    np.testing.assert_allclose(q[late], q_ode[late], rtol=1.5e-2)
    # the nonlinear charge exceeds the linear RC value (GC capacitance > C_D)
    assert q[-1] > v * (1 - np.exp(-t[-1]))
    assert float(ds.ion_concentration.min()) > 0
    assert ds.attrs["inventory_drift"] < 1e-10


@pytest.mark.slow
def test_halfspace_electrode_charges_towards_gouy_chapman():
    """One electrode facing a bulk reservoir: the equilibrium charge is Grahame's
    4 c0 e lambda_D sinh(psi0/2) (in units eps kT/(e lambda): 2 sinh(psi0/2))."""
    length = 20 * LAMBDA
    psi0 = 2.0
    tau = LAMBDA * length / 1e-9
    # the steady-state rule (charges and profiles, #16) stops a half space long before t_end
    ds = solve_pnp(
        SALT,
        C0,
        HalfSpace(length=length),
        voltage=psi0 * VT,
        t_end=1e5 * tau,
        steady_state=True,
        progress=False,
    )
    assert ds.attrs["steady_state_reached"] == 1
    assert float(ds.time[-1]) < 1e4 * tau
    q = float(ds.surface_charge[-1]) / CHARGE_UNIT
    assert q == pytest.approx(2 * np.sinh(psi0 / 2), rel=5e-3)
    assert float(ds.ion_concentration.min()) > 0


# ------------------------------------------------------------------ reacting cells
@pytest.mark.slow
def test_reacting_cell_current_follows_4_tanh_v_over_4():
    """Closed cell, cation reversible at both walls, anion blocked: steady j = 4 tanh(v/4)
    in units e D c0 / L for thin double layers (eps = 0.02: < 1.5 % at v <= 2)."""
    width = LAMBDA / 0.02
    volts = np.array([0.5, 2.0]) * VT
    iv = iv_curve(SALT, C0, Slit(width), volts, growth=1.15)
    unit = 1.602176634e-19 * 1e-9 * SALT.ion_densities(C0)[0] / width
    j = iv.current.values / unit
    np.testing.assert_allclose(j, 4 * np.tanh(volts / VT / 4), rtol=1.5e-2)
    # steady state: the same current leaves through the other electrode
    np.testing.assert_allclose(iv.current_right.values, iv.current.values, rtol=1e-5)
    assert iv.attrs["limiting_current"] == pytest.approx(4 * unit, rel=1e-12)


@pytest.mark.slow
def test_reacting_cell_limiting_current_plateau():
    """Far above v ~ 4 the current saturates near the limiting current 4 e D c0/L: at
    v = 8 it is within 3 % of 4 (thin cell, eps = 0.002) and the differential conductance
    dj/dv between 8 and 16 kT/e is < 10 % of the ohmic value 1 at v = 0. The small
    remaining rise is the overlimiting current carried by the extended space-charge layer at
    the cathode (Chu & Bazant, SIAM J. Appl. Math. 65, 1485 (2005)), which the full PNP keeps."""
    width = LAMBDA / 0.002
    volts = np.array([8.0, 16.0]) * VT
    # the mesh of this check as written (first cell 0.02 lambda_D; the default now refines
    # it for the electrode potential, on which the blocked-anion inventory drifts 1.4e-7)
    ds = [
        solve_pnp(
            SALT,
            C0,
            Slit(width),
            v,
            20 * width**2 / 1e-9,
            electrodes="reactive",
            steady_state=True,
            first_cell=0.02,
            growth=1.15,
            largest_cell=5.0,
            progress=False,
        )
        for v in volts
    ]
    unit = 1.602176634e-19 * 1e-9 * SALT.ion_densities(C0)[0] / width
    j = np.array([float(d.faradaic_current[-1]) for d in ds]) / unit
    assert abs(j[0] / 4 - 1) < 0.03
    assert 0 < (j[1] - j[0]) / 8.0 < 0.1
    for d in ds:
        assert float(d.ion_concentration.min()) > 0
        # steady state: the same current crosses both electrodes
        assert float(d.faradaic_current_right[-1]) == pytest.approx(
            float(d.faradaic_current[-1]), rel=1e-6
        )
        anion = d.inventory.sel(species="Cl-").values
        assert np.max(np.abs(anion / anion[0] - 1)) < 1e-8


@pytest.mark.slow
def test_butler_volmer_fast_kinetics_approach_reversible_electrodes():
    width = LAMBDA / 0.02
    v = 1.0 * VT
    t_end = 20 * width**2 / 1e-9
    rev = solve_pnp(
        SALT,
        C0,
        Slit(width),
        v,
        t_end,
        electrodes="reactive",
        steady_state=True,
        growth=1.15,
        progress=False,
    )
    fast = solve_pnp(
        SALT,
        C0,
        Slit(width),
        v,
        t_end,
        electrodes="reactive",
        reaction="butler-volmer",
        exchange_current=1e6,
        stern_length=0.05 * LAMBDA,
        steady_state=True,
        growth=1.15,
        progress=False,
    )
    slow = solve_pnp(
        SALT,
        C0,
        Slit(width),
        v,
        t_end,
        electrodes="reactive",
        reaction="butler-volmer",
        exchange_current=1e-3,
        stern_length=0.05 * LAMBDA,
        steady_state=True,
        growth=1.15,
        progress=False,
    )
    j_rev, j_fast, j_slow = (float(d.faradaic_current[-1]) for d in (rev, fast, slow))
    assert j_fast == pytest.approx(j_rev, rel=0.03)
    assert 0 < j_slow < 0.05 * j_rev


# ------------------------------------------------------------------ inputs and outputs
def test_voltage_waveforms_are_safe_and_documented_forms():
    assert voltage_waveform(0.1)(5.0) == 0.1
    assert voltage_waveform(("step", 0.2))(1.0) == 0.2
    assert voltage_waveform(("ramp", 2.0))(0.25) == pytest.approx(0.5)
    assert voltage_waveform(("sine", 0.1, 50.0))(0.005) == pytest.approx(0.1)
    assert voltage_waveform(lambda t: 3 * t)(2.0) == 6.0
    for bad in (
        "0.1*t",
        ("ramp",),
        ("saw", 1.0),
        ("sine", 0.1, -1.0),
        float("nan"),
        ("ramp", "__import__('os')"),
    ):
        with pytest.raises(ParameterError):
            voltage_waveform(bad)


def test_bad_inputs_raise_parameter_error():
    slit = Slit(100 * LAMBDA)
    with pytest.raises(ParameterError, match="electrodes"):
        solve_pnp(SALT, C0, slit, 0.01, 1e-6, electrodes="blockin")
    with pytest.raises(ParameterError, match="t_end"):
        solve_pnp(SALT, C0, slit, 0.01, -1.0)
    with pytest.raises(ParameterError, match="stern_length"):
        solve_pnp(
            SALT,
            C0,
            slit,
            0.01,
            1e-6,
            electrodes="reactive",
            reaction="butler-volmer",
            exchange_current=1.0,
        )
    with pytest.raises(ParameterError, match="exchange_current"):
        solve_pnp(
            SALT,
            C0,
            slit,
            0.01,
            1e-6,
            electrodes="reactive",
            reaction="butler-volmer",
            stern_length=1e-10,
        )
    no_d = Electrolyte(
        cation=Ion("Na+", charge=1, diameter=0.36 * nm),
        anion=Ion("Cl-", charge=-1, diameter=0.36 * nm),
        solvent=WATER,
    )
    with pytest.raises(ParameterError, match="diffusivities"):
        solve_pnp(no_d, C0, slit, 0.01, 1e-6)
    with pytest.raises(ParameterError, match="geometry"):
        from ionscales.continuum import CylindricalPore

        solve_pnp(SALT, C0, CylindricalPore(radius=50 * LAMBDA), 0.01, 1e-6)
    with pytest.raises(ParameterError, match="reacting_species"):
        solve_pnp(SALT, C0, slit, 0.01, 1e-6, electrodes="reactive", reacting_species="K+")


def test_ramp_transient_round_trips_netcdf(tmp_path):
    width = 40 * LAMBDA
    tau = LAMBDA * (width / 2) / 1e-9
    ds = solve_pnp(
        SALT, C0, Slit(width), ("ramp", 0.05 / tau), t_end=tau, rtol=1e-2, growth=1.2, progress=True
    )  # exercises the tqdm bar (stderr)
    np.testing.assert_allclose(ds.applied_voltage.values, 0.05 * ds.time.values / tau)
    assert ds.attrs["converged"] == 1 and ds.attrs["solver_steps"] > 0
    assert ds.attrs["solver_max_newton_iterations"] >= 1
    for name in list(ds.data_vars) + list(ds.coords):
        assert "units" in ds[name].attrs and "long_name" in ds[name].attrs
    path = tmp_path / "pnp.nc"
    to_netcdf(ds, path)
    xr.testing.assert_identical(open_dataset(path), ds)


def test_newton_failure_raises_convergence_error_with_history():
    width = 40 * LAMBDA
    with pytest.raises(ConvergenceError) as info:
        solve_pnp(
            SALT,
            C0,
            Slit(width),
            4 * VT,
            1e-6,
            newton_tolerance=1e-30,
            max_newton=1,
            progress=False,
        )
    assert info.value.history


@pytest.mark.slow
def test_slow_sine_charges_quasi_statically():
    """A sinusoid much slower than the RC time (omega tau_c = 0.063): the electrode charge
    follows the linear RC response, amplitude C_D V/2 / sqrt(1 + (omega tau)^2) with phase lag
    atan(omega tau); at a quarter period q = (C_D V_0/2) cos(lag) sin(pi/2 - lag)... i.e.
    q = (C_D V_0/2) cos(lag)^2 up to the decaying transient exp(-t/tau) (t = 25 tau)."""
    width = 2 * LAMBDA / 0.02
    tau = LAMBDA * (width / 2) / 1e-9
    frequency = 0.01 / tau
    amplitude = 0.02 * VT
    ds = solve_pnp(
        SALT,
        C0,
        Slit(width),
        ("sine", amplitude, frequency),
        0.25 / frequency,
        growth=1.15,
        progress=False,
    )
    lag = np.arctan(2 * np.pi * frequency * tau)
    expected = 0.5 * amplitude / VT * np.cos(lag) ** 2  # in units eps kT/(e lambda_D)
    q = float(ds.surface_charge[-1]) / CHARGE_UNIT
    assert q == pytest.approx(expected, rel=1.5e-2)
    assert ds.applied_voltage.values[-1] == pytest.approx(amplitude, rel=1e-9)


@pytest.mark.slow
def test_equilibrium_charge_converges_at_second_order_on_uniform_meshes():
    """Steady state of one electrode facing a reservoir (psi0 = 1, domain 12 lambda_D): the
    electrode charge approaches Grahame's 2 sinh(psi0/2) (up to the exponentially small
    truncation, ~1e-5) with observed order >= 1.8 under uniform refinement."""
    length = 12 * LAMBDA
    exact = 2 * np.sinh(0.5)
    errors = []
    for cells in (24, 48, 96):
        geometry = HalfSpace(length=length, spacing=np.full(cells, length / cells))
        ds = solve_pnp(
            SALT,
            C0,
            geometry,
            1.0 * VT,
            200 * LAMBDA * length / 1e-9,
            steady_state=True,
            steady_tolerance=1e-9,
            progress=False,
        )
        errors.append(abs(float(ds.surface_charge[-1]) / CHARGE_UNIT - exact))
    orders = np.log2(np.array(errors[:-1]) / np.array(errors[1:]))
    assert np.all(orders > 1.8), (errors, orders)


@pytest.mark.slow
def test_butler_volmer_current_converges_at_second_order_at_the_stern_plane():
    """Butler–Volmer kinetics evaluated at the Stern plane (overpotential across the Stern
    layer, concentration at the wall face): the steady current of a reacting cell
    (10 lambda_D wide, 2 kT/e, lambda_S = lambda_D/2, i0 ~ the diffusion current scale)
    converges at second order under uniform refinement (Richardson orders from 20/40/80
    cells >= 1.9; with the reaction plane at the first cell centre the orders were 0.88 and
    0.95), and the default graded mesh lands within 1e-4 of the extrapolated current."""
    width = 10 * LAMBDA
    unit = 1.602176634e-19 * 1e-9 * SALT.ion_densities(C0)[0] / width
    options = dict(
        electrodes="reactive",
        reaction="butler-volmer",
        exchange_current=unit,
        stern_length=0.5 * LAMBDA,
        steady_state=True,
        steady_tolerance=1e-10,
        progress=False,
    )
    t_end = 50 * width**2 / 1e-9
    currents = []
    for cells in (20, 40, 80):
        ds = solve_pnp(
            SALT,
            C0,
            Slit(width, spacing=np.full(cells, width / cells)),
            2 * VT,
            t_end,
            rtol=1e-4,
            **options,
        )
        # the same current crosses both electrodes in the steady state
        assert float(ds.faradaic_current_right[-1]) == pytest.approx(
            float(ds.faradaic_current[-1]), rel=1e-5
        )
        currents.append(0.5 * float(ds.faradaic_current[-1] + ds.faradaic_current_right[-1]))
    j = np.array(currents) / unit
    order = np.log2((j[1] - j[0]) / (j[2] - j[1]))
    assert order >= 1.9, (j, order)
    extrapolated = j[2] + (j[2] - j[1]) / 3
    default = solve_pnp(SALT, C0, Slit(width), 2 * VT, t_end, **options)
    assert float(default.faradaic_current[-1]) / unit == pytest.approx(extrapolated, rel=1e-4)


def test_work_that_cannot_finish_is_refused_before_starting():
    """#15: cell voltages far beyond dilute point-ion PNP (10 V, 1e300 V) and cells needing
    more than the PNP mesh limit are refused at once with the limit in the message."""
    nacl = Electrolyte(
        cation=Ion("Na+", charge=1, diameter=0.36 * nm, diffusivity=1.3e-9),
        anion=Ion("Cl-", charge=-1, diameter=0.36 * nm, diffusivity=2e-9),
        solvent=WATER,
    )
    for volts in ([0.01, 10.0], [0.01, 1e300]):
        with pytest.raises(ParameterError, match="^voltages: .*limit 60 kT/e"):
            iv_curve(nacl, 10.0, Slit(width=1e-6), volts)
    with pytest.raises(ParameterError, match="^voltage: .*limit"):
        solve_pnp(nacl, 10.0, Slit(width=1e-7), 5.0, 1.0)
    with pytest.raises(ParameterError, match="^geometry: .*PNP limit"):
        solve_pnp(nacl, 10.0, Slit(width=1e-3), 0.01, 1.0)
    with pytest.raises(ParameterError, match="^steady_tolerance: "):
        solve_pnp(nacl, 10.0, Slit(width=1e-7), 0.01, 1.0, steady_state=True, steady_tolerance=0.0)


@pytest.mark.slow
def test_default_mesh_resolves_a_strong_halfspace_electrode():
    """#16: at 0.2 V (7.8 kT/e) the default mesh (resolved for the electrode potential) gives
    a steady charge within the documented 0.2 % of Grahame's 2 sinh(psi0/2) (it was 3.3 %
    below with the fixed 0.02 lambda_D first cell), and the steady-state rule stops the run
    well before t_end on a half space."""
    length = 10 * LAMBDA
    psi0 = 0.2 / VT
    tau = LAMBDA * length / 1e-9
    ds = solve_pnp(
        SALT, C0, HalfSpace(length=length), 0.2, 1e5 * tau, steady_state=True, progress=False
    )
    assert ds.attrs["steady_state_reached"] == 1
    assert float(ds.time[-1]) < 0.9e5 * tau
    q = float(ds.surface_charge[-1]) / CHARGE_UNIT
    assert q == pytest.approx(2 * np.sinh(psi0 / 2), rel=2e-3)
    assert float(ds.ion_concentration.min()) > 0


@pytest.mark.slow
def test_iv_curve_warns_when_a_point_has_not_settled():
    """A t_max far below the diffusion time cannot give a steady current: ConvergenceWarning
    (never a silent transient value), and solve_pnp records steady_state_reached = 0."""
    width = 20 * LAMBDA
    t_max = 5 * SCALES["debye_time"]
    with pytest.warns(ConvergenceWarning, match="did not settle"):
        iv_curve(SALT, C0, Slit(width), [0.5 * VT], t_max=t_max, progress=False)
    ds = solve_pnp(
        SALT,
        C0,
        Slit(width),
        0.5 * VT,
        t_max,
        electrodes="reactive",
        steady_state=True,
        progress=False,
    )
    assert ds.attrs["steady_state_reached"] == 0
