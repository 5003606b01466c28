"""The one FiPy adapter, the one Newton machinery and the shared bulk scales of the
continuum layer (PB and PNP build on the same pieces)."""

from __future__ import annotations

import numpy as np
import pytest
import xarray as xr
from fipy import CellVariable, CylindricalGrid1D, DiffusionTerm, Grid1D

from ionscales import Electrolyte, Ion, Solvent
from ionscales.continuum import HalfSpace, Slit
from ionscales.continuum.fipy_mesh import FiPyMesh
from ionscales.continuum.geometry import Mesh1D, graded_faces
from ionscales.continuum.newton import FullyImplicitSourceTerm, make_linear_solver, run_newton
from ionscales.continuum.pb import PBProblem
from ionscales.continuum.pnp import _build, pnp_scales
from ionscales.errors import ConvergenceError, ParameterError
from ionscales.units import M, nm

WATER = Solvent("water", permittivity=78.4, temperature=298.15)
SALT = Electrolyte(
    cation=Ion("Na+", charge=1, diameter=0.36 * nm, diffusivity=1e-9),
    anion=Ion("Cl-", charge=-1, diameter=0.36 * nm, diffusivity=1e-9),
    solvent=WATER,
)
C0 = 0.01 * M


def _assemble(term, var):
    term.cacheMatrix()
    term.cacheRHSvector()
    term.justResidualVector(var=var, solver=make_linear_solver())
    return term.matrix.matrix.toarray(), np.asarray(term.RHSvector, dtype=float)


@pytest.mark.parametrize("metric", [1, 2])
def test_metric_in_coefficients_equals_the_metric_grid(metric):
    """div(k grad u) + s u + b assembled on the planar grid with the metric in the
    coefficients equals FiPy's own CylindricalGrid1D assembly (metric 1) and, for metric 2,
    the exact spherical finite-volume system sum_f A_f k (u_R - u_L)/d_f + V_P (s u_P + b)
    with A_f = r_f^2 and V_P = (r_out^3 - r_in^3)/3."""
    faces = 0.5 + graded_faces(3.0, first_cell=0.01, max_cell=0.2, growth=1.1)
    mesh = Mesh1D(faces, coordinate="r", walls=("left",), metric=metric)
    grid = FiPyMesh(mesh)
    u = grid.cell_variable(0.0)
    k, s, b = 1.7, -0.3, 2.5
    term = grid.diffusion(k, u) + grid.implicit_source(s, u) + grid.source(grid.cell_variable(b))
    matrix, rhs = _assemble(term, u)
    if metric == 1:
        fm = CylindricalGrid1D(dr=np.diff(faces), origin=(faces[0],))
        v = CellVariable(mesh=fm, value=0.0)
        ref = (
            DiffusionTerm(k, var=v)
            + FullyImplicitSourceTerm(s, var=v)
            + CellVariable(mesh=fm, value=b)
        )
        ref_matrix, ref_rhs = _assemble(ref, v)
    else:
        n = faces.size - 1
        centres = 0.5 * (faces[1:] + faces[:-1])
        volumes = (faces[1:] ** 3 - faces[:-1] ** 3) / 3
        t = k * faces[1:-1] ** 2 / np.diff(centres)
        ref_matrix = np.diag(s * volumes) + np.diag(t, 1) + np.diag(t, -1)
        ref_matrix -= np.diag(np.r_[t, 0] + np.r_[0, t])
        ref_rhs = -b * volumes
        assert matrix.shape == (n, n)
    np.testing.assert_allclose(
        matrix, ref_matrix, rtol=1e-12, atol=1e-12 * np.abs(ref_matrix).max()
    )
    np.testing.assert_allclose(rhs, ref_rhs, rtol=1e-12)


def test_spherical_cell_volumes_are_exact():
    faces = 2.0 + graded_faces(5.0, first_cell=1e-4, max_cell=0.3, growth=1.05)
    mesh = Mesh1D(faces, coordinate="r", walls=("left",), metric=2)
    assert mesh.cell_volumes().sum() == pytest.approx((7.0**3 - 2.0**3) / 3, rel=1e-13)
    np.testing.assert_allclose(mesh.scaled_face_areas(), faces**2)
    with pytest.raises(ParameterError, match="metric"):
        mesh.fipy()  # FiPy's SphericalGrid1D is inconsistent: refused, not used


def test_pnp_core_runs_on_the_geometry_mesh():
    """PNP's mesh is the geometry's own graded mesh (HalfSpace with a finite length = the
    reservoir; Slit graded towards both electrodes), through the one adapter."""
    scales = pnp_scales(SALT, C0)
    lam = scales["debye_length"]
    options = dict(
        electrodes="blocking",
        reaction="reservoir",
        reacting_species=None,
        exchange_current=None,
        transfer_coefficient=0.5,
        stern_length=0.0,
        diffusivities=None,
        first_cell=0.01,
        growth=1.08,
        largest_cell=2.0,
        newton_tolerance=1e-7,
        max_newton=12,
    )
    for geometry in (HalfSpace(length=30 * lam), Slit(40 * lam)):
        core, *_ = _build(SALT, C0, geometry, **options)
        expected = geometry.mesh(
            decay_length=lam, first_cell=0.01 * lam, max_cell=2.0 * lam, growth=1.08
        )
        np.testing.assert_allclose(core.widths * lam, expected.widths, rtol=1e-12)
        assert isinstance(core.grid, FiPyMesh) and core.grid.mesh1d.walls == geometry.walls
    # a reservoir at a finite distance may be closer than the 10 decay lengths PB demands
    core, *_ = _build(SALT, C0, HalfSpace(length=5 * lam), **options)
    assert core.length == pytest.approx(5.0)


def test_pnp_and_pb_share_the_bulk_scales():
    """One Debye length for PB and PNP (continuum.scales), not two formulas."""
    pb = PBProblem(SALT, C0, HalfSpace(), wall_potential=0.01)
    scales = pnp_scales(SALT, C0)
    assert scales["debye_length"] == pb.debye_length
    assert scales["thermal_voltage"] == pb.thermal_voltage
    np.testing.assert_array_equal(scales["bulk_densities"], pb.number_densities)
    # lambda_D = 0.3040 nm / sqrt(c/M) for a 1:1 salt in water at 298.15 K (eps_r = 78.4)
    assert scales["debye_length"] == pytest.approx(0.3040e-9 / np.sqrt(0.01), rel=1e-3)


@pytest.mark.parametrize("salt", ["NaCl(aq)", "CaCl2(aq)", "LiPF6 in EC/DMC"])
def test_bulk_scales_equal_the_theory_layer(salt):
    """continuum.scales computes kT/e and lambda_D directly; they are the numbers of
    units.thermal_voltage and theory.electrostatics.debye_length (also with an overriding
    permittivity)."""
    from ionscales import presets
    from ionscales.continuum.scales import bulk_scales
    from ionscales.theory.electrostatics import debye_length
    from ionscales.units import thermal_voltage

    e = presets.get(salt)
    for eps_r in (None, 20.0):
        s = bulk_scales(e, 150.0, eps_r)
        ref = e if eps_r is None else e.with_(permittivity=eps_r)
        assert s.debye_length == pytest.approx(debye_length(ref, 150.0), rel=1e-12)
        assert s.thermal_voltage == pytest.approx(thermal_voltage(e.temperature), rel=1e-14)


def test_run_newton_stagnation_path_and_failure_history():
    """The stagnation path accepts an iterate that no longer moves (after the first step),
    and without it the same sequence raises ConvergenceError with the whole history."""
    sequence = iter([(1.0, 1.0), (1e-3, 1e-12), (1e-3, 1e-13)])
    result = run_newton(lambda: next(sequence), tolerance=1e-9, stagnation=1e-10)
    assert result.converged and result.iterations == 2
    sequence = iter([(1.0, 1.0), (1e-3, 1e-12), (1e-3, 1e-13)])
    with pytest.raises(ConvergenceError) as info:
        run_newton(lambda: next(sequence), tolerance=1e-9, max_iterations=3)
    assert info.value.history == [1.0, 1e-3, 1e-3]
    # a first step that does not move is not accepted by the stagnation path
    sequence = iter([(1.0, 0.0), (1e-12, 0.0)])
    assert run_newton(lambda: next(sequence), tolerance=1e-9, stagnation=1e-10).iterations == 2


def test_shared_linear_solver_always_solves():
    """criterion "initial": a small relative change (1e-7 of the state, below the stock
    "RHS" criterion's 1e-5, which returns the initial guess unchanged there) is solved."""
    from fipy.solvers.scipy import LinearLUSolver

    mesh = Grid1D(nx=20, dx=0.05)
    x = mesh.cellCenters[0].value
    for solver, moves in ((make_linear_solver(), True), (LinearLUSolver(criterion="RHS"), False)):
        u = CellVariable(mesh=mesh, value=1.0)
        u.constrain(1.0, mesh.facesLeft)
        u.constrain(1.0 + 1e-7, mesh.facesRight)
        DiffusionTerm(1.0, var=u).solve(var=u, solver=solver)
        if moves:
            np.testing.assert_allclose(u.value - 1.0, 1e-7 * x, rtol=1e-6)
        else:  # the trap this setup avoids
            np.testing.assert_array_equal(u.value, 1.0)
    with pytest.raises(ParameterError, match="tolerance"):
        make_linear_solver(tolerance=1.0)


def test_pnp_electrode_charge_is_surface_charge_and_old_files_read(tmp_path):
    """One name, one meaning: the PNP electrode charge per area is ``surface_charge`` (as in
    solve_pb; ``charge`` is kept beside it as a deprecated alias); a result written with
    only the old name ``charge`` reads back under the new name through
    ``results.upgrade_names`` (vocab.RENAMED)."""
    from ionscales.continuum import solve_pnp
    from ionscales.results import open_dataset, to_netcdf, upgrade_names

    lam = pnp_scales(SALT, C0)["debye_length"]
    ds = solve_pnp(SALT, C0, Slit(20 * lam), 0.01, 1e-9, rtol=1e-2, growth=1.2, progress=False)
    assert ds.surface_charge.attrs["units"] == "C/m^2"
    # the name API.md documents stays readable, marked deprecated, with the same values
    np.testing.assert_array_equal(ds["charge"].values, ds.surface_charge.values)
    assert ds["charge"].attrs["long_name"].startswith("deprecated alias of surface_charge")
    current = ds.drop_vars("charge")
    path = tmp_path / "old.nc"
    to_netcdf(current.rename(surface_charge="charge"), path)  # a file of the old version
    back = upgrade_names(open_dataset(path))
    xr.testing.assert_identical(back, current)


def test_pnp_refuses_curved_geometries_by_their_metric():
    """PNP solves planar cells; a cylinder or a sphere is refused by its metric (a new
    curved geometry needs no change in PNP to be refused)."""
    from ionscales.continuum import CylindricalPore, Sphere, solve_pnp

    lam = pnp_scales(SALT, C0)["debye_length"]
    for geometry in (CylindricalPore(radius=50 * lam), Sphere(radius=5 * lam, length=20 * lam)):
        with pytest.raises(ParameterError, match="^geometry: .*planar"):
            solve_pnp(SALT, C0, geometry, 0.01, 1e-6)
