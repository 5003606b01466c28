"""Poisson–Nernst–Planck transients on FiPy: charging of blocking cells and currents
through reacting cells.

Public functions: :func:`solve_pnp` (a transient) and :func:`iv_curve` (steady current
versus cell voltage of a reacting cell). The numerics live in
:mod:`ionscales.continuum._pnp_core` (dimensionless Newton/BDF2 solver with
Scharfetter–Gummel fluxes); this module converts SI input to the internal scales
(Debye length, kT/e, bulk concentration of each species, Debye time lambda_D^2/D) and
builds labelled results.
"""

from __future__ import annotations

import math
import sys
import warnings
from collections.abc import Callable, Sequence

import numpy as np
import xarray as xr

from ionscales.constants import avogadro, elementary_charge
from ionscales.continuum._pnp_core import ElectrodeSpec, PNPCore
from ionscales.continuum.geometry import _Geometry, wall_resolution_length
from ionscales.continuum.observables import LatticeGas
from ionscales.continuum.scales import bulk_scales
from ionscales.electrolyte import Electrolyte
from ionscales.errors import ConvergenceWarning, ParameterError
from ionscales.results import make_dataset, solver_attrs
from ionscales.validation import check_choice

__all__ = ["solve_pnp", "iv_curve", "voltage_waveform", "pnp_scales", "default_first_cell"]

REFERENCES = (
    "Bazant, Thornton & Ajdari, Phys. Rev. E 70, 021506 (2004), doi:10.1103/PhysRevE.70.021506",
    "Scharfetter & Gummel, IEEE Trans. Electron Devices 16, 64 (1969), doi:10.1109/T-ED.1969.16566",
    "Bazant, Chu & Bayly, SIAM J. Appl. Math. 65, 1463 (2005), doi:10.1137/040609938",
    "Guyer, Wheeler & Warren, FiPy, Comput. Sci. Eng. 11, 6 (2009), doi:10.1109/MCSE.2009.52",
)

_ELECTRODES = ("blocking", "reactive")
_REACTIONS = ("reservoir", "butler-volmer")


# ----------------------------------------------------------------------------- inputs
def voltage_waveform(voltage) -> Callable[[float], float]:
    """Turn the ``voltage`` argument of :func:`solve_pnp` into a function V(t) [V].

    Parameters
    ----------
    voltage : float, tuple or callable
        - a number V [V]: a step from 0 to V at t = 0+;
        - ``("step", V)``: the same;
        - ``("ramp", rate)``: V(t) = rate t, rate [V/s];
        - ``("sine", amplitude, frequency)``: V(t) = amplitude sin(2 pi frequency t),
          amplitude [V], frequency [Hz];
        - a callable ``f(t) -> V`` with t [s] (must return a finite number).

    No text is ever evaluated; unknown forms raise ParameterError.
    """
    if callable(voltage):

        def from_callable(t, _f=voltage):
            value = float(_f(t))
            if not math.isfinite(value):
                raise ParameterError("voltage", "callable returned a non-finite value", value)
            return value

        return from_callable
    if isinstance(voltage, (tuple, list)):
        if not voltage or not isinstance(voltage[0], str):
            raise ParameterError(
                "voltage", "tuple form must start with 'step', 'ramp' or 'sine'", voltage
            )
        kind = check_choice("voltage", voltage[0], ("step", "ramp", "sine"))
        args = [_finite("voltage", a) for a in voltage[1:]]
        needed = {"step": 1, "ramp": 1, "sine": 2}[kind]
        if len(args) != needed:
            raise ParameterError("voltage", f"({kind!r}, ...) takes {needed} number(s)", voltage)
        if kind == "step":
            level = args[0]
            return lambda t: level
        if kind == "ramp":
            rate = args[0]
            return lambda t: rate * t
        amplitude, frequency = args
        if frequency <= 0:
            raise ParameterError("voltage", "sine frequency must be > 0 Hz", frequency)
        return lambda t: amplitude * math.sin(2 * math.pi * frequency * t)
    level = _finite("voltage", voltage)
    return lambda t: level


def _finite(name, value) -> float:
    try:
        out = float(value)
    except (TypeError, ValueError):
        raise ParameterError(name, "must be a finite number", value) from None
    if not math.isfinite(out):
        raise ParameterError(name, "must be a finite number", value)
    return out


def pnp_scales(electrolyte: Electrolyte, concentration: float, diffusivities=None) -> dict:
    """Internal scales of the PNP solver.

    Returns a dict with ``debye_length`` [m], ``thermal_voltage`` kT/e [V],
    ``bulk_densities`` n_k0 [1/m^3], ``diffusivities`` D_k [m^2/s], ``reference_diffusivity``
    D_ref = sum z^2 n D / sum z^2 n [m^2/s] (the conductivity-weighted mean, so the bulk
    conductivity is eps D_ref / lambda_D^2) and ``debye_time`` lambda_D^2/D_ref [s].
    """
    if not isinstance(electrolyte, Electrolyte):
        raise ParameterError("electrolyte", "must be an ionscales Electrolyte", electrolyte)
    c = _finite("concentration", concentration)
    if c <= 0:
        raise ParameterError("concentration", "must be > 0 mol/m^3 (bulk salt concentration)", c)
    bulk = bulk_scales(electrolyte, c)  # the same Debye length and densities as PB
    z = bulk.charges
    n0 = bulk.number_densities
    if diffusivities is None:
        dk = electrolyte.diffusivities
        if np.any(~np.isfinite(dk)):
            raise ParameterError(
                "diffusivities",
                "unknown for some ions; set Ion(diffusivity=...) "
                "or pass diffusivities=[...] in m^2/s",
                list(dk),
            )
    else:
        dk = np.asarray(diffusivities, float).ravel()
        if dk.shape != z.shape or np.any(~np.isfinite(dk)) or np.any(dk <= 0):
            raise ParameterError(
                "diffusivities",
                f"need {len(z)} positive values in m^2/s (one per ion)",
                diffusivities,
            )
    debye = bulk.debye_length
    d_ref = float(np.sum(z**2 * n0 * dk) / np.sum(z**2 * n0))
    return {
        "debye_length": debye,
        "thermal_voltage": bulk.thermal_voltage,
        "bulk_densities": n0,
        "diffusivities": dk,
        "reference_diffusivity": d_ref,
        "debye_time": debye**2 / d_ref,
        "permittivity": bulk.permittivity,
        "charges": z,
    }


def _cell_kind(geometry) -> str:
    """ "slit" (two electrodes) or "halfspace" (one electrode facing a reservoir) of a planar
    continuum geometry; ParameterError for anything PNP does not solve."""
    if not isinstance(geometry, _Geometry):
        raise ParameterError(
            "geometry", "must be a continuum geometry: Slit(width) or HalfSpace(length)", geometry
        )
    if geometry.metric != 0:
        raise ParameterError(
            "geometry",
            "solve_pnp supports planar cells, Slit (two electrodes) and HalfSpace "
            f"(one electrode facing a bulk reservoir); not {type(geometry).__name__}",
            geometry,
        )
    if len(geometry.walls) == 2:
        return "slit"
    if geometry.walls == ("left",) and geometry.bulk_end:
        if geometry.length is None:
            raise ParameterError(
                "geometry",
                "HalfSpace needs a finite length= [m] for a PNP "
                "transient (the bulk reservoir sits at x = length)",
                geometry,
            )
        return "halfspace"
    raise ParameterError(
        "geometry", "solve_pnp needs one or two electrodes in a planar cell", geometry
    )  # pragma: no cover - every planar geometry of continuum.geometry is one of the above


def _mesh(geometry, debye, first_cell, growth, largest_cell):
    """(length [lambda_D], Mesh1D [m], kind) from the geometry's own mesh.

    The default mesh is ``geometry.mesh`` graded from the electrode(s): first cell
    ``first_cell``, growth ``growth``, largest cell ``largest_cell`` (Debye lengths); a
    HalfSpace's finite length is the distance to the reservoir (>= 4 Debye lengths).
    """
    kind = _cell_kind(geometry)
    width = geometry.domain_length(debye, min_decay_lengths=0.0)
    length = width / debye
    if length < 4:
        raise ParameterError(
            "geometry.width",
            f"must be at least 4 Debye lengths ({4 * debye:.3g} m) for the PNP layer",
            width,
        )
    if geometry.spacing is None:
        # estimate the size of the graded mesh before building it
        span = length / 2 if kind == "slit" else length
        graded = (
            math.log(max(largest_cell / first_cell, 1.0)) / math.log(growth)
            if growth > 1.0
            else span / first_cell
        )
        estimate = (2 if kind == "slit" else 1) * (graded + span / largest_cell)
        if estimate > MAX_PNP_CELLS:
            raise ParameterError(
                "geometry",
                f"needs ~{estimate:.3g} cells for {length:.3g} Debye "
                f"lengths, above the PNP limit {MAX_PNP_CELLS}; use a narrower cell "
                "or a larger largest_cell",
                width,
            )
    mesh = geometry.mesh(
        decay_length=debye,
        first_cell=first_cell * debye,
        max_cell=largest_cell * debye,
        growth=growth,
        min_decay_lengths=4.0,
    )
    if mesh.n_cells < 4:
        raise ParameterError(
            "geometry.spacing", "must be >= 4 positive cell widths [m]", mesh.n_cells
        )
    if mesh.n_cells > MAX_PNP_CELLS:
        raise ParameterError(
            "geometry.spacing",
            f"has {mesh.n_cells} cells, above the PNP limit {MAX_PNP_CELLS}",
            mesh.n_cells,
        )
    return length, mesh, kind


def _species_indices(electrolyte, names, default_positive=True):
    if names is None:
        return (next(i for i, ion in enumerate(electrolyte.ions) if ion.charge > 0),)
    if isinstance(names, str):
        names = (names,)
    out = []
    for name in names:
        check_choice("reacting_species", name, electrolyte.species)
        out.append(electrolyte.species.index(name))
    return tuple(out)


# ----------------------------------------------------------------------------- solver
#: deprecated name of the PNP electrode charge, still written beside ``surface_charge``
#: (same values) so that scripts reading ``ds.charge`` keep working
DEPRECATED_CHARGE = "charge"


#: iv_curve warns when the last step of a point still changed the state by more than this
SETTLED_CHANGE = 1e-3
#: largest electrode potential a PNP run accepts [kT/e] (dilute point ions far beyond validity)
MAX_WALL_POTENTIAL = 60.0
#: largest PNP mesh (cells); the coupled Newton system has 3 unknowns per cell and ~0.05-1 s
#: of FiPy assembly per Newton step at this size
MAX_PNP_CELLS = 20_000


def _check_wall_potential(name, wall_potential, vt):
    if not wall_potential / vt <= MAX_WALL_POTENTIAL:
        raise ParameterError(
            name,
            f"gives an electrode potential of {wall_potential:.3g} V "
            f"({wall_potential / vt:.3g} kT/e), above the limit "
            f"{MAX_WALL_POTENTIAL:g} kT/e ({MAX_WALL_POTENTIAL * vt:.2f} V) of "
            "dilute point-ion PNP",
            wall_potential,
        )


#: default first cell as a fraction of the wall layer (Gouy–Chapman length at the wall potential)
FIRST_CELL_FRACTION = 0.03
#: default first cell when the wall layer is thick (low potentials) [Debye lengths]
FIRST_CELL_MAX = 0.02


def default_first_cell(electrolyte, concentration, wall_potential: float) -> float:
    """Default first cell [Debye lengths] resolving a wall at ``wall_potential`` [V].

    ``min(0.02, 0.03 * l_w)`` with ``l_w = lambda_D/sqrt(max d rho/d psi)`` the local
    screening (Gouy–Chapman) length at the largest wall potential (see
    :func:`ionscales.continuum.geometry.wall_resolution_length`): the steady charge is then
    within ~0.1 % of Gouy–Chapman up to ~10 kT/e on the default graded mesh.
    """
    bulk = bulk_scales(electrolyte, concentration)
    z, n0 = bulk.charges, bulk.number_densities
    gas = LatticeGas(z, n0 / bulk.ionic_strength_density, 0.0)
    vt = bulk.thermal_voltage
    psi = min(abs(float(wall_potential)) / vt, 700.0)
    layer = wall_resolution_length(gas.max_slope(psi))
    return float(min(FIRST_CELL_MAX, FIRST_CELL_FRACTION * layer))


def _build(
    electrolyte,
    concentration,
    geometry,
    *,
    electrodes,
    reaction,
    reacting_species,
    exchange_current,
    transfer_coefficient,
    stern_length,
    diffusivities,
    first_cell,
    growth,
    largest_cell,
    newton_tolerance,
    max_newton,
    wall_potential=0.0,
):
    electrodes = check_choice("electrodes", electrodes, _ELECTRODES)
    reaction = check_choice("reaction", reaction, _REACTIONS)
    scales = pnp_scales(electrolyte, concentration, diffusivities)
    debye = scales["debye_length"]
    stern = _finite("stern_length", stern_length)
    if stern < 0:
        raise ParameterError("stern_length", "must be >= 0 m", stern)
    if first_cell is None:
        first_cell = max(default_first_cell(electrolyte, concentration, wall_potential), 1e-5)
    for name, value, low, high in (
        ("first_cell", first_cell, 1e-5, 1.0),
        ("growth", growth, 1.0, 1.5),
        ("largest_cell", largest_cell, 0.05, 50.0),
    ):
        v = _finite(name, value)
        if not low <= v <= high:
            raise ParameterError(name, f"must be in [{low}, {high}] (Debye lengths or ratio)", v)
    length, mesh, kind = _mesh(geometry, debye, first_cell, growth, largest_cell)
    z = scales["charges"]
    n0 = scales["bulk_densities"]
    weights = z * n0 / np.sum(z**2 * n0)
    d_rel = scales["diffusivities"] / scales["reference_diffusivity"]
    left = ElectrodeSpec(stern_length=stern / debye)
    right = ElectrodeSpec(stern_length=stern / debye)
    reacting = ()
    if electrodes == "reactive":
        reacting = _species_indices(electrolyte, reacting_species)
        if reaction == "reservoir":
            for spec in (left, right):
                spec.kind, spec.reacting, spec.wall_concentration = "reservoir", reacting, 1.0
        else:
            i0 = _finite(
                "exchange_current",
                exchange_current if exchange_current is not None else float("nan"),
            )
            if i0 <= 0:
                raise ParameterError(
                    "exchange_current",
                    "Butler–Volmer needs an exchange current density > 0 A/m^2",
                    i0,
                )
            alpha = _finite("transfer_coefficient", transfer_coefficient)
            if not 0 < alpha < 1:
                raise ParameterError("transfer_coefficient", "must be in (0, 1)", alpha)
            if stern <= 0:
                raise ParameterError(
                    "stern_length",
                    "Butler–Volmer kinetics need a Stern layer "
                    "(stern_length > 0 m) that carries the overpotential",
                    stern,
                )
            if len(reacting) != 1:
                raise ParameterError(
                    "reacting_species", "Butler–Volmer takes one reacting species", reacting_species
                )
            k = reacting[0]
            # number flux i0/(z e) in units of D_ref n_k0 / lambda_D
            k0 = (
                i0
                / (abs(z[k]) * elementary_charge)
                * debye
                / (scales["reference_diffusivity"] * n0[k])
            )
            for spec in (left, right):
                spec.kind, spec.reacting = "butler-volmer", reacting
                spec.exchange_rate, spec.transfer_coefficient = k0, alpha
    if kind == "halfspace":
        # the far boundary is the bulk: every species held at its bulk value, psi = 0
        right = ElectrodeSpec(
            kind="reservoir",
            stern_length=0.0,
            reacting=tuple(range(len(z))),
            wall_concentration=1.0,
        )
    core = PNPCore(
        mesh,
        debye,
        z,
        weights,
        d_rel,
        left,
        right,
        newton_tolerance=newton_tolerance,
        max_newton=max_newton,
    )
    return core, scales, length, kind, reacting


def solve_pnp(
    electrolyte: Electrolyte,
    concentration: float,
    geometry,
    voltage,
    t_end: float,
    electrodes: str = "blocking",
    *,
    reaction: str = "reservoir",
    reacting_species=None,
    exchange_current: float | None = None,
    transfer_coefficient: float = 0.5,
    stern_length: float = 0.0,
    diffusivities: Sequence[float] | None = None,
    rtol: float = 1e-3,
    first_cell: float | None = None,
    growth: float = 1.08,
    largest_cell: float = 2.0,
    newton_tolerance: float = 1e-7,
    max_newton: int = 12,
    max_steps: int = 20000,
    steady_state: bool = False,
    steady_tolerance: float = 1e-6,
    progress: bool | None = None,
) -> xr.Dataset:
    """Poisson–Nernst–Planck transient of an electrolyte cell after a voltage signal.

    Parameters
    ----------
    electrolyte : Electrolyte
        Ions (charges, diffusivities) and solvent (permittivity, temperature).
    concentration : float
        Bulk (initial, uniform) salt concentration [mol/m^3].
    geometry : Slit or HalfSpace
        ``Slit(width)``: two parallel electrodes a distance ``width`` [m] apart (left at
        +V/2, right at -V/2). ``HalfSpace(length)``: one electrode at x = 0 (potential V)
        facing a bulk reservoir (bulk concentrations, potential 0) at x = length [m]
        (a finite length, >= 4 Debye lengths). The mesh is the geometry's own
        (``geometry.mesh``, graded from the electrodes with ``first_cell``, ``growth``,
        ``largest_cell``); an optional ``spacing`` [m] array on the geometry replaces it.
        Curved geometries (CylindricalPore, Sphere) are refused.
    voltage : float, tuple or callable
        Applied cell voltage [V]: a number (step at t = 0+), ``("ramp", rate [V/s])``,
        ``("sine", amplitude [V], frequency [Hz])`` or ``f(t [s]) -> V`` (see
        :func:`voltage_waveform`).
    t_end : float
        Final time [s] (> 0).
    electrodes : {"blocking", "reactive"}
        Blocking: no ion crosses either wall (ion inventories conserved to round-off).
        Reactive: ``reacting_species`` (default: the first cation) crosses the walls by
        ``reaction``; the other ions are blocked.
    reaction : {"reservoir", "butler-volmer"}
        Reservoir: the reacting species is held at its bulk concentration at the wall face
        (a Nernstian, reversible electrode only for ``stern_length = 0``: with a Stern
        layer the potential drop across it is not balanced by any kinetics, so use
        Butler–Volmer there). Butler–Volmer: production rate
        (i0/(z e)) [exp((1-a) z e eta/kT) - (c_w/c0) exp(-a z e eta/kT)] evaluated at the
        Stern plane (Frumkin form): eta is the potential drop across the Stern layer and
        c_w the concentration at the wall face, both reconstructed to second order from the
        wall cell (so ``stern_length > 0`` is required; the current converges at second
        order in the cell size).
    reacting_species : str or sequence of str, optional
        Ion name(s) that react (default: the first cation).
    exchange_current : float, optional
        Exchange current density i0 [A/m^2] (Butler–Volmer only).
    transfer_coefficient : float
        Anodic/cathodic symmetry a in (0, 1) [1].
    stern_length : float
        Stern-layer thickness lambda_S [m] (permittivity of the solvent): the wall condition
        is phi + lambda_S dphi/dn = V_electrode; 0 gives a Dirichlet wall.
    diffusivities : sequence of float, optional
        Ion diffusivities [m^2/s] overriding ``Ion.diffusivity``.
    rtol : float
        Relative local-error tolerance of the adaptive BDF2 time stepping [1] (relative to the
        deviation from the initial state).
    first_cell, growth, largest_cell : float
        Default graded mesh: first cell width [Debye lengths] (default: resolved for the
        largest electrode potential of the waveform over [0, t_end],
        ``min(0.02, 0.03 l_w/lambda_D)`` with l_w the Gouy–Chapman length at that
        potential, see :func:`default_first_cell`), geometric growth ratio [1] and largest
        cell [Debye lengths].
    newton_tolerance : float
        Newton stops when the nonlinear residual falls below this times max(1, initial
        residual of the step) [1]; otherwise ConvergenceError after ``max_newton`` iterations
        (then the step is retried with a smaller time step).
    max_steps : int
        Maximum number of (accepted + rejected) time steps.
    steady_state : bool
        Stop before ``t_end`` once the electrode charges, the faradaic fluxes at the
        electrodes and the potential and concentration profiles change by less than
        ``steady_tolerance`` (relative, per step) over three consecutive long steps (see
        :class:`_SteadyStop`); attrs ``steady_state_reached`` (1 when it stopped, or when the
        last step at ``t_end`` changed less than the tolerance; 0: the transient ran to
        ``t_end`` without settling, which is recorded, not an error of the transient) and
        ``steady_state_last_change``. :func:`iv_curve` warns (ConvergenceWarning) when a
        point's last step still changed the state by more than 1e-3.
    progress : bool, optional
        tqdm progress bar over simulated time (default: only when stderr is a terminal).

    Returns
    -------
    xarray.Dataset
        Over (``time``, ``x``) [s, m]: ``potential`` [V], ``ion_concentration`` [mol/m^3]
        (over ``species`` too), ``charge_density`` [C/m^3]; over ``time``:
        ``applied_voltage`` [V], ``surface_charge`` (charge per area of the electrode at
        x = 0; called ``charge`` before, which :func:`ionscales.results.upgrade_names` maps
        for files written by older versions) [C/m^2], ``current`` (external current density, displacement + faradaic, positive
        into the electrolyte at x = 0) [A/m^2], ``faradaic_current`` [A/m^2] at x = 0,
        ``inventory`` per species [mol/m^2]. Attrs: ``debye_length`` [m], ``charging_time``
        [s] (lambda_D L/D_ref with L the half width for a slit, the length for a half
        space), ``debye_time`` [s], ``debye_capacitance`` eps/lambda_D [F/m^2], ``converged``, ``iterations`` (Newton iterations, total),
        ``residual`` (final nonlinear residual), ``solver_steps``, ``solver_rejected_steps``,
        ``solver_max_newton_iterations``, ``inventory_drift`` (largest relative change of a
        blocked species' inventory).

    Notes
    -----
    Dimensionless equations (x in lambda_D, t in lambda_D^2/D_ref, psi = e phi/kT,
    c_k = n_k/n_k0):

        dc_k/dt = d_k div(grad c_k + z_k c_k grad psi),
        div grad psi = -sum_k z_k n_k0 c_k / sum_j z_j^2 n_j0.

    Fluxes are Scharfetter–Gummel (exponential fitting), so concentrations stay positive
    for any potential drop per cell; the coupled system is solved by Newton's method with
    FiPy assembling the exact Jacobian (equations built once, coefficients updated in place,
    LU solver with explicit tolerance and the "initial" criterion, so it always solves;
    the mesh is the geometry's own graded mesh, ``geometry.mesh``);
    time stepping is variable-step BDF2 with local-error control and step rejection.
    Validity: dilute point ions (no sterics), constant permittivity; the graded mesh
    resolves wall potentials up to ~10 kT/e with the defaults: the equilibrium charge of a
    half space at 7.8 kT/e is within 0.2 % of Gouy–Chapman (refine ``first_cell`` beyond).
    Linear charging of a blocking slit follows the RC law
    q(t) = C_D V/2/(1+delta) [1 - exp(-(1+delta) t/tau_c)], tau_c = lambda_D (W/2)/D
    (Bazant, Thornton & Ajdari 2004); a reservoir cell reaches j = 4 tanh(v/4) in units of
    z e D c0/L (thin double layers), saturating at the limiting current.

    References
    ----------
    Bazant, Thornton & Ajdari, PRE 70, 021506 (2004), doi:10.1103/PhysRevE.70.021506;
    Scharfetter & Gummel, IEEE TED 16, 64 (1969), doi:10.1109/T-ED.1969.16566;
    Bazant, Chu & Bayly, SIAM J. Appl. Math. 65, 1463 (2005), doi:10.1137/040609938.
    """
    t_end = _finite("t_end", t_end)
    if t_end <= 0:
        raise ParameterError("t_end", "must be > 0 s", t_end)
    rtol = _finite("rtol", rtol)
    if not 1e-8 <= rtol <= 0.5:
        raise ParameterError("rtol", "must be in [1e-8, 0.5]", rtol)
    waveform = voltage_waveform(voltage)
    # largest electrode potential of the signal (sampled), which the default mesh resolves
    samples = [abs(waveform(t)) for t in np.linspace(0.0, t_end, 513)]
    half = 0.5 if _cell_kind(geometry) == "slit" else 1.0
    wall_potential = half * max(samples)
    scales0 = pnp_scales(electrolyte, concentration, diffusivities)
    _check_wall_potential("voltage", wall_potential, scales0["thermal_voltage"])
    core, scales, length, kind, reacting = _build(
        electrolyte,
        concentration,
        geometry,
        electrodes=electrodes,
        reaction=reaction,
        reacting_species=reacting_species,
        exchange_current=exchange_current,
        transfer_coefficient=transfer_coefficient,
        stern_length=stern_length,
        diffusivities=diffusivities,
        first_cell=first_cell,
        growth=growth,
        largest_cell=largest_cell,
        newton_tolerance=newton_tolerance,
        max_newton=max_newton,
        wall_potential=wall_potential,
    )
    vt, tau_d = scales["thermal_voltage"], scales["debye_time"]
    initial_voltage = waveform(0.0)  # validates the callable early

    if kind == "slit":

        def voltage_dimless(t):
            v = waveform(t * tau_d) / vt
            return 0.5 * v, -0.5 * v
    else:

        def voltage_dimless(t):
            return waveform(t * tau_d) / vt, 0.0

    del initial_voltage

    bar = _progress_bar(progress, t_end)
    last = [0.0]

    def callback(_core, t):
        if bar is not None:
            bar.update(t * tau_d - last[0])
            last[0] = t * tau_d

    steady_tolerance = _finite("steady_tolerance", steady_tolerance)
    if not 0 < steady_tolerance < 0.1:
        raise ParameterError(
            "steady_tolerance", "must lie in (0, 0.1) (relative change per step)", steady_tolerance
        )
    stop = _SteadyStop(steady_tolerance, kind, reacting) if steady_state else None
    try:
        times, states, charges, wflux, stats, _ = core.integrate(
            t_end / tau_d,
            voltage_dimless,
            rtol=rtol,
            atol=1e-3 * rtol,
            max_steps=max_steps,
            callback=callback,
            stop=stop,
        )
    finally:
        if bar is not None:
            bar.close()
    ds = _dataset(
        electrolyte,
        concentration,
        core,
        scales,
        length,
        kind,
        reacting,
        np.asarray(times),
        np.asarray(states),
        charges,
        wflux,
        stats,
        waveform,
        electrodes,
        reaction,
        stern_length,
    )
    if steady_state:
        # stopped early by the rule, or at t_end with a last (long) step below the tolerance
        reached = times[-1] < (t_end / tau_d) * (1 - 1e-9) or stop.last_change < steady_tolerance
        ds.attrs["steady_state_reached"] = int(reached)
        ds.attrs["steady_state_last_change"] = stop.last_change
    return ds


class _SteadyStop:
    """Stopping rule of ``steady_state=True`` on quantities that converge.

    Monitored each accepted step: the electrode charge(s) (both walls of a slit, the
    electrode of a half space; not the reservoir end, whose field is ~0), the faradaic
    fluxes of the reacting species at the electrodes (not the reservoir end, where the
    flux of a blocking-electrode half space is round-off noise around zero), and the whole
    state (potential and concentration profiles). The run stops after three consecutive
    steps in which each changed by less than ``tolerance`` (relative; charges and fluxes
    relative to their size with a floor of 1e-9 of the Debye-unit scale, profiles relative
    to max(1, |state|)) while the time step is at least 5 % of the elapsed time (so a short
    step early in the transient cannot fake a steady state). ``last_change`` is the
    largest relative change of the last step (judged at t_end when the run did not stop).
    """

    def __init__(self, tolerance, kind, reacting):
        self.tolerance, self.kind, self.reacting = tolerance, kind, reacting
        self.previous: dict = {}
        self.quiet = 0
        self.last_change = float("inf")

    def __call__(self, core, t):
        q_left, q_right = core.wall_field()
        charges = np.array([q_left, q_right] if self.kind == "slit" else [q_left])
        fluxes = [core.wall_flux_left[k] for k in self.reacting]
        if self.kind == "slit":
            fluxes += [core.wall_flux_right[k] for k in self.reacting]
        fluxes = np.asarray(fluxes, dtype=float)
        state = core.state()
        previous = self.previous
        if previous:
            dq = np.max(np.abs(charges - previous["q"]) / np.maximum(np.abs(charges), 1e-9))
            df = (
                np.max(np.abs(fluxes - previous["f"]) / np.maximum(np.abs(fluxes), 1e-9))
                if fluxes.size
                else 0.0
            )
            dx = np.max(np.abs(state - previous["x"])) / max(1.0, float(np.max(np.abs(state))))
            self.last_change = float(max(dq, df, dx))
            long_step = (t - previous["t"]) >= 0.05 * t
            self.quiet = self.quiet + 1 if (self.last_change < self.tolerance and long_step) else 0
        previous.update(q=charges, f=fluxes, x=state, t=t)
        return self.quiet >= 3


def _progress_bar(progress, total):
    if progress is None:
        progress = sys.stderr.isatty()
    if not progress:
        return None
    from tqdm import tqdm

    return tqdm(
        total=float(total),
        desc="PNP transient",
        leave=False,
        bar_format="{l_bar}{bar}| t = {n:.3g} of {total:.3g} s [{elapsed}<{remaining}]",
    )


def _dataset(
    electrolyte,
    concentration,
    core,
    scales,
    length,
    kind,
    reacting,
    times,
    states,
    charges,
    wflux,
    stats,
    waveform,
    electrodes,
    reaction,
    stern_length,
):
    debye, vt, tau_d = scales["debye_length"], scales["thermal_voltage"], scales["debye_time"]
    n0, z = scales["bulk_densities"], scales["charges"]
    eps, d_ref = scales["permittivity"], scales["reference_diffusivity"]
    n = core.n_cells
    t_si = times * tau_d
    psi = states[:, :n] * vt
    conc = states[:, n:].reshape(len(times), core.n_species, n)
    conc_si = conc * (n0 / avogadro)[None, :, None]
    rho = elementary_charge * np.einsum("k,tkx->tx", z * n0, conc)
    charge_scale = eps * vt / debye
    q_left = np.array([c[0] for c in charges]) * charge_scale
    # faradaic current at x = 0: charge carried into the electrolyte by produced ions
    flux_scale = d_ref / debye  # times n_k0 -> number flux [1/(m^2 s)]
    faradaic = np.array([-elementary_charge * np.sum(z * n0 * f[0] * flux_scale) for f in wflux])
    faradaic_right = np.array(
        [elementary_charge * np.sum(z * n0 * f[1] * flux_scale) for f in wflux]
    )
    # external current: BDF-consistent time derivative of the electrode charge + faradaic
    if len(times) > 2:
        displacement = np.gradient(q_left, t_si, edge_order=2)
    elif len(times) == 2:
        displacement = np.full(2, (q_left[1] - q_left[0]) / (t_si[1] - t_si[0]))
    else:
        displacement = np.zeros(len(times))
    current = displacement + faradaic
    widths_si = core.widths * debye
    inventory = np.einsum("tkx,x->tk", conc_si, widths_si)
    blocked = [k for k in range(core.n_species) if k not in reacting and kind == "slit"]
    drift = 0.0
    for k in blocked:
        drift = max(drift, float(np.max(np.abs(inventory[:, k] / inventory[0, k] - 1))))
    half = length / 2 if kind == "slit" else length
    charging_time = debye * (half * debye) / d_ref
    applied = np.array([waveform(t) for t in t_si])
    params = {
        "concentration": float(concentration),
        "width": length * debye,
        "geometry": kind,
        "electrodes": electrodes,
        "reaction": reaction if electrodes == "reactive" else "none",
        "reacting_species": [electrolyte.species[k] for k in reacting],
        "stern_length": float(stern_length),
        "diffusivities": scales["diffusivities"].tolist(),
        "cells": int(n),
    }
    attrs = solver_attrs(
        converged=True,
        iterations=stats.newton_total,
        residual=stats.final_residual,
        steps=stats.steps,
        rejected_steps=stats.rejected,
        max_newton_iterations=stats.newton_max,
    )
    attrs.update(
        {
            "inventory_drift": drift,
            "debye_length": debye,
            "debye_time": tau_d,
            "charging_time": charging_time,
            "thermal_voltage": vt,
            "debye_capacitance": eps / debye,
        }
    )
    x = core.x * debye
    return make_dataset(
        {
            "potential": (("time", "x"), psi, "V", "electric potential"),
            "ion_concentration": (
                ("time", "species", "x"),
                conc_si,
                "mol/m^3",
                "ion concentration",
            ),
            "charge_density": (("time", "x"), rho, "C/m^3", "space charge density"),
            "applied_voltage": (("time",), applied, "V", "applied cell voltage"),
            "surface_charge": (
                ("time",),
                q_left,
                "C/m^2",
                "charge per area of the electrode at x = 0",
            ),
            # the name API.md documents (``charge(time)``), kept for existing scripts
            DEPRECATED_CHARGE: (
                ("time",),
                q_left,
                "C/m^2",
                "deprecated alias of surface_charge (charge per area of the electrode at x = 0)",
            ),
            "current": (
                ("time",),
                current,
                "A/m^2",
                "external current density (displacement + faradaic) at x = 0",
            ),
            "faradaic_current": (("time",), faradaic, "A/m^2", "faradaic current density at x = 0"),
            "faradaic_current_right": (
                ("time",),
                faradaic_right,
                "A/m^2",
                "faradaic current density into the far wall",
            ),
            "inventory": (("time", "species"), inventory, "mol/m^2", "ion inventory per area"),
        },
        coords={
            "time": (("time",), t_si, "s", "time"),
            "x": (("x",), x, "m", "distance from the electrode at x = 0"),
            "species": (("species",), np.array(electrolyte.species), "1", "ionic species"),
            "cell_width": (("x",), widths_si, "m", "finite-volume cell width"),
        },
        attrs=attrs,
        model="pnp",
        parameters=params,
        references=REFERENCES,
    )


def iv_curve(
    electrolyte: Electrolyte,
    concentration: float,
    geometry,
    voltages,
    *,
    reaction: str = "reservoir",
    t_max: float | None = None,
    progress: bool | None = None,
    **options,
) -> xr.Dataset:
    """Steady current density versus cell voltage of a reacting cell.

    Each voltage is run as a transient from the uniform state with ``steady_state=True``
    (pseudo-transient continuation; the adaptive time step grows to the diffusion time).

    Parameters
    ----------
    electrolyte, concentration, geometry :
        As in :func:`solve_pnp` (``geometry`` a Slit).
    voltages : array_like
        Cell voltages [V].
    reaction : {"reservoir", "butler-volmer"}
        Electrode reaction (see :func:`solve_pnp`).
    t_max : float, optional
        Longest transient per voltage [s] (default 20 L^2/D_ref, L the cell width).
    progress : bool, optional
        Progress bar over voltages (default: only on a terminal).
    **options :
        Passed to :func:`solve_pnp` (e.g. ``exchange_current``, ``stern_length``, ``rtol``).

    Returns
    -------
    xarray.Dataset
        Over ``voltage`` [V]: ``current`` [A/m^2] (steady, at x = 0), ``current_right`` [A/m^2]
        (at the other electrode; equal in a steady state), ``steady_time`` [s]; attrs
        ``limiting_current`` [A/m^2] = 4 z e D c0 / L (binary salt, cation reacting, anion
        blocked, equal-valence closed cell; Bazant, Chu & Bayly 2005).
    """
    volts = np.atleast_1d(np.asarray(voltages, float))
    if volts.ndim != 1 or volts.size == 0 or np.any(~np.isfinite(volts)):
        raise ParameterError("voltages", "must be a non-empty 1-D array of finite volts", voltages)
    scales = pnp_scales(electrolyte, concentration, options.get("diffusivities"))
    if _cell_kind(geometry) != "slit":
        raise ParameterError(
            "geometry", "iv_curve needs a Slit (two reacting electrodes)", geometry
        )
    width = geometry.domain_length(scales["debye_length"])
    # refuse what cannot finish before the first transient (each electrode carries V/2)
    _check_wall_potential("voltages", 0.5 * float(np.max(np.abs(volts))), scales["thermal_voltage"])
    if t_max is None:
        t_max = 20 * float(width) ** 2 / scales["reference_diffusivity"]
    options.setdefault("rtol", 1e-2)
    currents, right, t_steady, unsettled = [], [], [], []
    bar = None
    if progress or (progress is None and sys.stderr.isatty()):
        from tqdm import tqdm

        bar = tqdm(total=volts.size, desc="i-V sweep", leave=False)
    try:
        for v in volts:
            ds = solve_pnp(
                electrolyte,
                concentration,
                geometry,
                float(v),
                t_max,
                electrodes="reactive",
                reaction=reaction,
                steady_state=True,
                progress=False,
                **options,
            )
            # a point counts as unsettled when its last step still changed the state by more
            # than SETTLED_CHANGE (0.1 %): its current is then not a steady value
            if ds.attrs["steady_state_last_change"] > SETTLED_CHANGE:
                unsettled.append((float(v), ds.attrs["steady_state_last_change"]))
            currents.append(float(ds["faradaic_current"][-1]))
            right.append(float(ds["faradaic_current_right"][-1]))
            t_steady.append(float(ds["time"][-1]))
            if bar is not None:
                bar.update(1)
    finally:
        if bar is not None:
            bar.close()
    if unsettled:
        worst = max(change for _, change in unsettled)
        warnings.warn(
            f"iv_curve: {len(unsettled)} of {volts.size} voltages did not settle within "
            f"t_max = {t_max:g} s (last relative change per step {worst:.2g} > "
            f"{SETTLED_CHANGE:g}); their currents are the values at t_max",
            ConvergenceWarning,
            stacklevel=2,
        )
    z = scales["charges"]
    k = next(i for i, zi in enumerate(z) if zi > 0)
    n0 = scales["bulk_densities"]
    limiting = 4 * abs(z[k]) * elementary_charge * scales["diffusivities"][k] * n0[k] / float(width)
    return make_dataset(
        {
            "current": (("voltage",), np.array(currents), "A/m^2", "steady current density"),
            "current_right": (
                ("voltage",),
                np.array(right),
                "A/m^2",
                "steady faradaic current density at the second electrode",
            ),
            "steady_time": (
                ("voltage",),
                np.array(t_steady),
                "s",
                "time at which the steady state was reached",
            ),
        },
        coords={"voltage": (("voltage",), volts, "V", "cell voltage")},
        attrs={"limiting_current": limiting},
        model="pnp-iv",
        parameters={
            "concentration": float(concentration),
            "width": float(width),
            "reaction": reaction,
        },
        references=REFERENCES,
    )
