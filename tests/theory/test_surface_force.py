"""Exact PB plates, weak-overlap / linear / Langmuir limits, Derjaguin, and the continuum
surface-force curve (reference values: confinement notes sec. 8, computed there by elliptic
integrals, quadrature and scipy solve_bvp)."""

from __future__ import annotations

import math

import numpy as np
import pytest
import xarray as xr
from scipy import integrate

from ionscales import presets
from ionscales.constants import avogadro, boltzmann, elementary_charge, vacuum_permittivity
from ionscales.errors import ParameterError
from ionscales.results import open_dataset, to_netcdf
from ionscales.theory import debye_length
from ionscales.theory import plates as pl
from ionscales.units import M, nm

SALT = presets.get("NaCl(aq)").with_(permittivity=78.4)  # the notes' constants are for eps_r = 78.4
C = 0.1 * M
LD = debye_length(SALT, C)
KT = boltzmann * SALT.temperature
N0 = C * avogadro
V_T = KT / elementary_charge
EPS = vacuum_permittivity * SALT.permittivity


def test_debye_length_and_prefactor_constants():
    # notes sec. 10.12: lambda_D(1 M) = 0.30400 nm; 64 kT n0/kappa (1 M) = 0.04823 J/m^2; 4kT/e
    assert debye_length(SALT, 1 * M) == pytest.approx(0.30400 * nm, rel=2e-5)
    assert 64 * KT * 1 * M * avogadro * debye_length(SALT, 1 * M) == pytest.approx(
        0.04823, rel=1e-4
    )
    assert 4 * V_T == pytest.approx(0.10277, rel=1e-4)


@pytest.mark.parametrize(
    "phi0,kd,phi_m,pressure",
    [
        (1, 0.5, 0.964679, 1.005051),
        (1, 2, 0.628213, 0.4078028),
        (2, 1, 1.662575, 3.462521),
        (2, 2, 1.156080, 1.492169),
        (2, 6, 0.182612, 0.03344006),
        (4, 1, 2.772817, 14.06613),
        (4, 4, 0.766993, 0.6176894),
        (4, 6, 0.298392, 0.08970044),
    ],
)
def test_exact_constant_potential_table(phi0, kd, phi_m, pressure):
    kw = dict(potential=phi0 * V_T)
    assert pl.plate_midplane_potential(kd * LD, SALT, C, **kw) / V_T == pytest.approx(
        phi_m, abs=2e-6
    )
    assert pl.plate_pressure(kd * LD, SALT, C, **kw) / (N0 * KT) == pytest.approx(
        pressure, rel=2e-6
    )
    # sign symmetry
    assert pl.plate_pressure(kd * LD, SALT, C, potential=-phi0 * V_T) == pytest.approx(
        pl.plate_pressure(kd * LD, SALT, C, **kw), rel=1e-12
    )


def test_exact_solution_against_solve_bvp():
    from scipy.integrate import solve_bvp

    # phi'' = sinh phi on [0, kD/2], phi'(0) = 0, phi(kD/2) = phi0 (notes: phi_m = 1.15607953)
    half = 1.0
    x = np.linspace(0, half, 200)
    sol = solve_bvp(
        lambda x, y: np.vstack([y[1], np.sinh(y[0])]),
        lambda a, b: np.array([a[1], b[0] - 2.0]),
        x,
        np.vstack([np.full_like(x, 1.5), x]),
        tol=1e-10,
    )
    assert pl.plate_midplane_potential(2 * LD, SALT, C, potential=2 * V_T) / V_T == pytest.approx(
        sol.sol(0)[0], abs=1e-8
    )
    assert sol.sol(0)[0] == pytest.approx(1.15607953, abs=1e-7)


@pytest.mark.parametrize(
    "kd,phi_m,phi0,pressure",
    [
        (0.5, 2.841841, 3.121745, 15.20562),
        (1, 2.068367, 2.601840, 6.038281),
        (2, 1.253637, 2.219668, 1.788525),
        (4, 0.486845, 2.032763, 0.2417368),
    ],
)
def test_exact_constant_charge_table(kd, phi_m, phi0, pressure):
    s = 2 * math.sinh(1)  # isolated-wall potential 2 kT/e
    sigma = s * EPS * V_T / LD
    assert pl.plate_midplane_potential(
        kd * LD, SALT, C, surface_charge=sigma
    ) / V_T == pytest.approx(phi_m, abs=2e-6)
    assert pl.plate_wall_potential(kd * LD, SALT, C, surface_charge=sigma) / V_T == pytest.approx(
        phi0, abs=2e-6
    )
    p = pl.plate_pressure(kd * LD, SALT, C, surface_charge=sigma) / (N0 * KT)
    assert p == pytest.approx(pressure, rel=2e-6)
    # constant charge is more repulsive than constant potential at the same isolated-wall potential
    assert p > pl.plate_pressure(kd * LD, SALT, C, potential=2 * V_T) / (N0 * KT)


def test_both_pressure_routes_agree():
    D = np.array([0.3, 1, 3]) * LD
    for kw in (dict(potential=3 * V_T), dict(surface_charge=0.05)):
        np.testing.assert_allclose(
            pl.plate_pressure(D, SALT, C, route="contact", **kw),
            pl.plate_pressure(D, SALT, C, **kw),
            rtol=1e-9,
        )


def test_weak_overlap_and_linear_limits():
    # notes table: exact/WOA = 0.987 at phi0 = 2, kD = 6
    ratio = pl.plate_pressure(6 * LD, SALT, C, potential=2 * V_T) / pl.weak_overlap_pressure(
        6 * LD, SALT, C, potential=2 * V_T
    )
    assert ratio == pytest.approx(0.03344006 / 0.03387796, rel=1e-5)
    D = np.array([10, 14]) * LD
    np.testing.assert_allclose(
        pl.plate_pressure(D, SALT, C, potential=2 * V_T),
        pl.weak_overlap_pressure(D, SALT, C, potential=2 * V_T),
        rtol=3e-3,
    )
    np.testing.assert_allclose(
        pl.plate_interaction_energy(D, SALT, C, potential=2 * V_T),
        pl.weak_overlap_energy(D, SALT, C, potential=2 * V_T),
        rtol=3e-3,
    )
    # linearised PB for phi0 << 1 (relative corrections O(phi0^2))
    small = 0.01 * V_T
    D = np.array([0.5, 1, 3]) * LD
    np.testing.assert_allclose(
        pl.plate_pressure(D, SALT, C, potential=small),
        pl.linear_plate_pressure(D, SALT, C, potential=small),
        rtol=1e-3,
    )
    np.testing.assert_allclose(
        pl.plate_interaction_energy(D, SALT, C, potential=small),
        pl.linear_plate_energy(D, SALT, C, potential=small),
        rtol=1e-3,
    )
    sigma = 1e-4
    np.testing.assert_allclose(
        pl.plate_pressure(D, SALT, C, surface_charge=sigma),
        pl.linear_plate_pressure(D, SALT, C, surface_charge=sigma),
        rtol=1e-3,
    )
    np.testing.assert_allclose(
        pl.plate_interaction_energy(D, SALT, C, surface_charge=sigma),
        pl.linear_plate_energy(D, SALT, C, surface_charge=sigma),
        rtol=1e-3,
    )


def test_energy_is_integral_of_pressure():
    D = 1.5 * LD
    W = pl.plate_interaction_energy(D, SALT, C, potential=3 * V_T)
    ref, _ = integrate.quad(
        lambda h: pl.plate_pressure(h, SALT, C, potential=3 * V_T), D, 60 * LD, limit=200
    )
    assert W == pytest.approx(ref, rel=1e-8)


def test_langmuir_counterion_slab():
    lb = 0.7149 * nm
    notes = {
        (1.0, 1): 1.099776,
        (1.0, 2): 0.371012,
        (1.0, 5): 0.074170,
        (0.1, 1): 0.185886,
        (0.1, 2): 0.086673,
        (0.1, 5): 0.028652,
    }
    for (sigma, D), n_m in notes.items():
        assert pl.counterion_only_midplane_density(
            D * nm, sigma / nm**2, lb
        ) * nm**3 == pytest.approx(n_m, abs=1e-6)
    # high-charge limit pi/(2 l_B D^2)
    D = 2 * nm
    n_m = pl.counterion_only_midplane_density(D, 1e4 / nm**2, lb)
    assert n_m == pytest.approx(math.pi / (2 * lb * D**2), rel=1e-3)


def test_derjaguin_relations():
    W = np.array([1e-3, 2e-4])
    R = 1e-2
    np.testing.assert_allclose(pl.derjaguin_force(W, radius=R), 2 * math.pi * R * W)
    np.testing.assert_allclose(pl.derjaguin_force(W, "sphere-sphere", radius=R), math.pi * R * W)
    np.testing.assert_allclose(
        pl.derjaguin_force(W, "crossed-cylinders", radius=R), 2 * math.pi * R * W
    )
    # sphere-sphere LSA: pi R W_WOA = 64 pi kT R n0 gamma^2 e^{-kh}/kappa^2 ... per the notes the
    # energy of two spheres is pi R ∫ W dD = 64 pi kT R n0 gamma^2 e^{-kappa h}/kappa^2
    h = 3 * LD
    gamma = math.tanh(2 / 4)
    energy_spheres = (
        math.pi
        * R
        * integrate.quad(
            lambda d: pl.weak_overlap_energy(d, SALT, C, potential=2 * V_T), h, 60 * LD
        )[0]
    )
    assert energy_spheres == pytest.approx(
        64 * math.pi * KT * R * N0 * gamma**2 * math.exp(-h / LD) * LD**2, rel=1e-8
    )
    with pytest.raises(ParameterError):
        pl.derjaguin_force(W, "cube", radius=R)


def test_bad_input():
    with pytest.raises(ParameterError, match="separation"):
        pl.plate_pressure(-1e-9, SALT, C, potential=0.05)
    with pytest.raises(ParameterError, match="potential"):
        pl.plate_pressure(1e-9, SALT, C)
    with pytest.raises(ParameterError, match="electrolyte"):
        pl.plate_pressure(1e-9, presets.get("CaCl2(aq)"), C, potential=0.05)


# ------------------------------------------------------------------ continuum surface force
def test_energy_from_pressure_is_exact_for_exponentials():
    from ionscales.continuum.forces import energy_from_pressure

    D = np.geomspace(1, 20, 9) * nm
    P = 3.0 * np.exp(-D / (2 * nm))
    np.testing.assert_allclose(
        energy_from_pressure(D, P), 3.0 * 2 * nm * np.exp(-D / (2 * nm)), rtol=1e-12
    )


def test_surface_force_curve_exact_method_and_round_trip(tmp_path):
    from ionscales.continuum.forces import surface_force_curve

    D = np.array([1, 3, 6, 10, 20]) * nm
    ds = surface_force_curve(SALT, 0.01 * M, D, potential=-0.05, method="exact")
    np.testing.assert_allclose(ds["force_over_radius"], 2 * math.pi * ds["interaction_energy"])
    lam = debye_length(SALT, 0.01 * M)
    assert float(ds["debye_length"]) == pytest.approx(lam)
    # weak overlap: F/R -> 128 pi n0 kT gamma^2 lambda_D e^{-D/lambda_D}
    gamma = math.tanh(0.05 / (4 * V_T))
    woa = 128 * math.pi * 0.01 * M * avogadro * KT * gamma**2 * lam * math.exp(-20 * nm / lam)
    assert float(ds["force_over_radius"][-1]) == pytest.approx(woa, rel=5e-3)
    assert ds["regime"].values[0] == "layered"
    path = tmp_path / "force.nc"
    to_netcdf(ds, path)
    xr.testing.assert_identical(open_dataset(path), ds)
    with pytest.raises(ParameterError, match="separation"):
        surface_force_curve(SALT, 0.01 * M, [-1e-9, 1e-9], potential=-0.05, method="exact")
    with pytest.raises(ParameterError, match="method"):
        surface_force_curve(SALT, 0.01 * M, D, potential=-0.05, method="exact", model="bikerman")


@pytest.mark.slow
def test_fipy_slit_pressure_routes_and_energy_match_exact_pb():
    from ionscales.continuum.forces import surface_force_curve

    D = np.geomspace(1.5, 25, 10) * nm
    kw = dict(potential=-0.05)
    fipy = surface_force_curve(SALT, 0.01 * M, D, method="fipy", **kw)
    exact = surface_force_curve(SALT, 0.01 * M, D, method="exact", **kw)
    np.testing.assert_allclose(fipy["disjoining_pressure"], exact["disjoining_pressure"], rtol=2e-3)
    # contact route: exact in PB, but cancellation grows as Pi/(n0 kT) falls; close range only
    close = D < 8 * nm
    np.testing.assert_allclose(
        fipy["disjoining_pressure_wall"][close], exact["disjoining_pressure"][close], rtol=5e-3
    )
    # W from the sampled pressures (exponential interpolation) vs exact quadrature
    np.testing.assert_allclose(fipy["interaction_energy"], exact["interaction_energy"], rtol=1e-2)
    # constant charge, and a steric model that must reduce to PB at low voltage and dilution
    sig = surface_force_curve(SALT, 0.01 * M, D[::3], surface_charge=-0.005, method="fipy")
    sig_exact = surface_force_curve(SALT, 0.01 * M, D[::3], surface_charge=-0.005, method="exact")
    np.testing.assert_allclose(
        sig["disjoining_pressure"], sig_exact["disjoining_pressure"], rtol=3e-3
    )
    bik = surface_force_curve(SALT, 0.01 * M, D[::3], model="bikerman", method="fipy", **kw)
    np.testing.assert_allclose(
        bik["disjoining_pressure"], exact["disjoining_pressure"][::3], rtol=1e-2
    )
