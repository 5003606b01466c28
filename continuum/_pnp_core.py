"""Dimensionless Poisson–Nernst–Planck core on FiPy: a Newton solver with
Scharfetter–Gummel fluxes, variable-step BDF2 and blocking/reacting electrodes.

Everything here is dimensionless (length in Debye lengths, time in Debye times
lambda_D^2/D_ref, potential in kT/e, concentration of each species in units of its own
bulk value). :mod:`ionscales.continuum.pnp` wraps it with SI input and output.

Discretisation (1-D finite volumes, cell-centred, on the geometry's planar mesh)
--------------------------------------------------------------------------------
The mesh is the geometry's :class:`~ionscales.continuum.geometry.Mesh1D` (graded from the
electrode(s) by ``geometry.mesh``); its FiPy grid, variables and terms come from the one
adapter :class:`~ionscales.continuum.fipy_mesh.FiPyMesh`, and Newton's method runs through
:func:`ionscales.continuum.newton.run_newton` with the linear solver of
:func:`~ionscales.continuum.newton.make_linear_solver`.

Flux of species k through the face between the left cell L and the right cell R
(distance h between the centres, Delta = z_k (psi_R - psi_L)) is the Scharfetter–Gummel
(exponential-fitting) flux

    J = (d_k/h) [B(Delta) c_L - B(-Delta) c_R],   B(x) = x/(e^x - 1),

which is exact for a constant flux and a linear potential between the two centres and
keeps the concentration block an M-matrix (positive concentrations) whatever the
potential drop per cell. Using B(-x) = B(x) + x it splits into terms FiPy knows,

    J = -d_k A(Delta) grad c  - d_k z_k cbar grad psi,    A(x) = (x/2) coth(x/2),

(enhanced diffusion plus central-difference drift with the arithmetic face mean cbar),
so the concentration row is a ``DiffusionTerm`` in c with coefficient d_k A plus a
``CentralDifferenceConvectionTerm`` with velocity -d_k z_k grad psi. The Newton
linearisation in psi adds ``DiffusionTerm(Gamma, var=psi)`` with
Gamma = d_k z_k [cbar + A'(Delta) (c_R - c_L)] and the matching explicit correction, in
"new-value" form: the assembled linear system L x = b satisfies L x_k - b = F(x_k), so the
residual FiPy reports before each solve is the true nonlinear residual at the iterate.

Every boundary condition enters as a (fully implicit) source in the wall cell: every
FiPy face coefficient is zero on exterior faces and no variable is constrained, so there is
no flux through a blocking wall (ion inventories are conserved to round-off by the flux
form). The potential condition psi + lambda_S dpsi/dn = V_wall (Stern layer of thickness
lambda_S, lambda_S = 0 is Dirichlet) is the source beta (V - psi_P) with
beta = 1/(h_P (h_P/2 + lambda_S)). ``ImplicitSourceTerm`` is only implicit when its sign
"helps" the diagonal; :class:`FullyImplicitSourceTerm` always puts it in the matrix, which
the coupling of the Poisson row to the anion concentration needs.

Time stepping: BDF2 with variable steps (BDF1 for the first step), local error estimated
from the difference between the corrector and a quadratic-extrapolation predictor,
step rejection on error, Newton failure or a negative concentration.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

import numpy as np
from fipy import CentralDifferenceConvectionTerm

from ionscales.continuum.fipy_mesh import FiPyMesh
from ionscales.continuum.geometry import Mesh1D
from ionscales.continuum.newton import (  # the one Newton machinery shared with PB
    FullyImplicitSourceTerm,
    make_linear_solver,
    run_newton,
)
from ionscales.errors import ConvergenceError, ParameterError

__all__ = ["FullyImplicitSourceTerm", "PNPCore", "bernoulli", "bernoulli_prime"]


def bernoulli(x):
    """B(x) = x/(e^x - 1) (B(0) = 1), evaluated without cancellation."""
    x = np.asarray(x, dtype=float)
    out = np.empty_like(x)
    small = np.abs(x) < 1e-4
    xs = x[small]
    out[small] = 1.0 - xs / 2.0 + xs**2 / 12.0
    xl = x[~small]
    out[~small] = xl / np.expm1(xl)
    return out


def bernoulli_prime(x):
    """dB/dx = [e^x - 1 - x e^x]/(e^x - 1)^2 (-1/2 at x = 0)."""
    x = np.asarray(x, dtype=float)
    out = np.empty_like(x)
    small = np.abs(x) < 1e-4
    xs = x[small]
    out[small] = -0.5 + xs / 6.0
    xl = x[~small]
    b = xl / np.expm1(xl)
    # B' = B/x - B * e^x/(e^x - 1) = B (1/x - 1/(1 - e^-x))
    out[~small] = b * (1.0 / xl - 1.0 / (-np.expm1(-xl)))
    return out


def _butler_volmer_flux(z, d, spec, v_wall, c_p, psi_p, h):
    """Outward Butler–Volmer flux with the reaction plane at the Stern plane (the wall face).

    The reaction rate is evaluated with the overpotential across the Stern layer,
    eta = V - psi_w, and the concentration c_w at the wall face (Frumkin form):
    J_out = -k0 [exp((1-a) z eta) - c_w exp(-a z eta)]. The face values follow from the
    wall cell: psi_w = (h/2 V + lambda_S psi_P)/(h/2 + lambda_S) (continuity of the field
    across the Stern plane, the same flux the Poisson row uses), and c_w from continuity of
    the species flux across the half cell between the face and the centre (Scharfetter–
    Gummel over the distance h/2): J_out = (d/(h/2)) [B(delta) c_P - B(-delta) c_w],
    delta = z (psi_w - psi_P). Eliminating c_w gives a series "kinetic + transport"
    resistance,

        J_out = P k0 [e_c B(delta) c_P - e_a B(-delta)] / (P B(-delta) + k0 e_c),

    P = d/(h/2), e_a = exp((1-a) z eta), e_c = exp(-a z eta). Both face values are second-
    order accurate in h; the previous reaction plane (the first cell centre, eta = V - psi_P,
    c_w = c_P) was first order. Returns (J_out, dJ/dc_P, dJ/dpsi_P).
    """
    a, k0 = spec.transfer_coefficient, spec.exchange_rate
    lam = spec.stern_length
    g = (h / 2) / (h / 2 + lam)  # psi_w - psi_P = g (V - psi_P)
    s = 1.0 - g  # eta = V - psi_w = s (V - psi_P)
    u = v_wall - psi_p
    delta = z * g * u
    b1, b2 = float(bernoulli(delta)), float(bernoulli(-delta))
    db1, db2 = float(bernoulli_prime(delta)) * z * g, -float(bernoulli_prime(-delta)) * z * g
    ea = math.exp((1 - a) * z * s * u)
    ec = math.exp(-a * z * s * u)
    dea, dec = (1 - a) * z * s * ea, -a * z * s * ec
    pref = d / (h / 2)
    num = pref * k0 * (ec * b1 * c_p - ea * b2)
    den = pref * b2 + k0 * ec
    flux = num / den
    dflux_dc = pref * k0 * ec * b1 / den
    dnum = pref * k0 * (dec * b1 * c_p + ec * db1 * c_p - dea * b2 - ea * db2)
    dden = pref * db2 + k0 * dec
    dflux_du = (dnum * den - num * dden) / den**2
    return flux, dflux_dc, -dflux_du  # du/dpsi_P = -1


def _a_factor(x):
    """A(x) = (x/2) coth(x/2) = B(x) + x/2 and its derivative B'(x) + 1/2."""
    return bernoulli(x) + 0.5 * x, bernoulli_prime(x) + 0.5


@dataclass
class ElectrodeSpec:
    """One wall (dimensionless).

    kind: "blocking", "reservoir" (fixed concentration c_wall of the reacting species at
    the wall face; Nernstian/reversible only for stern_length = 0, since a Stern layer
    then carries a potential drop that no reaction kinetics balance) or "butler-volmer"
    (exchange rate k0, transfer coefficient alpha, reaction plane = the Stern plane, i.e.
    the wall face: see :func:`_butler_volmer_flux`).
    """

    kind: str = "blocking"
    stern_length: float = 0.0
    reacting: tuple[int, ...] = ()
    wall_concentration: float = 1.0
    exchange_rate: float = 0.0
    transfer_coefficient: float = 0.5


@dataclass
class StepStats:
    steps: int = 0
    rejected: int = 0
    newton_total: int = 0
    newton_max: int = 0
    final_residual: float = 0.0
    history: list = field(default_factory=list)


class PNPCore:
    """Coupled Newton PNP system on a geometry's planar mesh (dimensionless).

    Parameters
    ----------
    mesh : Mesh1D
        The geometry's mesh [m] (planar: ``metric == 0``).
    length_scale : float
        The Debye length lambda_D [m]: the solver works in units of it.
    charges : ndarray
        Valences z_k.
    weights : ndarray
        Poisson weights w_k = z_k n_k0 / sum_j z_j^2 n_j0 (psi'' = -sum_k w_k c_k).
    diffusivities : ndarray
        d_k = D_k / D_ref.
    left, right : ElectrodeSpec
        Wall conditions.
    newton_tolerance : float
        Newton stops when the nonlinear residual is below this times max(1, first residual
        of the step) [1].
    max_newton : int
        Newton iterations before ConvergenceError.
    stagnation : float
        Newton also stops when its update (max-norm relative to max(1, |state|)) falls
        below this after the first iteration: the iterate no longer moves [1].
    linear_tolerance : float
        Tolerance of each LU solve relative to its initial residual
        (:func:`~ionscales.continuum.newton.make_linear_solver`).
    """

    def __init__(
        self,
        mesh: Mesh1D,
        length_scale: float,
        charges,
        weights,
        diffusivities,
        left: ElectrodeSpec,
        right: ElectrodeSpec,
        *,
        newton_tolerance=1e-7,
        max_newton=12,
        stagnation=1e-10,
        linear_tolerance=1e-12,
    ):
        grid = FiPyMesh(mesh, length_scale)
        if not grid.planar:
            raise ParameterError(
                "geometry",
                "the PNP core solves planar cells only (metric 0); this mesh has metric "
                f"{grid.metric}",
                mesh.coordinate,
            )
        self.grid = grid
        self.widths = grid.widths
        self.mesh = grid.fipy
        self.n_cells = grid.n_cells
        self.z = np.asarray(charges, float)
        self.w = np.asarray(weights, float)
        self.d = np.asarray(diffusivities, float)
        self.n_species = len(self.z)
        self.left, self.right = left, right
        self.newton_tolerance = newton_tolerance
        self.max_newton = max_newton
        self.stagnation = stagnation

        self.x = grid.centres - grid.faces[0]
        self.length = float(self.widths.sum())
        self._iface = grid.interior_faces
        self._lcell = grid.left_cells
        self._rcell = grid.right_cells
        self._h = grid.centre_distances

        self.psi = grid.cell_variable(0.0, name="psi")
        self.c = [grid.cell_variable(1.0, name=f"c{k}") for k in range(self.n_species)]
        self.c_prev = [np.ones(self.n_cells) for _ in range(self.n_species)]
        self.c_prev2 = [np.ones(self.n_cells) for _ in range(self.n_species)]

        # time-stepping coefficients (updated in place)
        self._alpha = 0.0  # a0/dt
        self._hist = [np.zeros(self.n_cells) for _ in range(self.n_species)]

        # wall cells and potential sources
        self._cell_left, self._cell_right = 0, self.n_cells - 1
        self.v_left, self.v_right = 0.0, 0.0
        self._beta_left = 1.0 / (self.widths[0] * (self.widths[0] / 2 + left.stern_length))
        self._beta_right = 1.0 / (self.widths[-1] * (self.widths[-1] / 2 + right.stern_length))
        self._psi_diag = grid.cell_variable(0.0)
        self._psi_src = grid.cell_variable(0.0)
        beta = np.zeros(self.n_cells)
        beta[0] += self._beta_left
        beta[-1] += self._beta_right
        self._psi_diag.setValue(beta)

        # per-species face coefficients and wall sources (updated in place)
        self._dcoef = [grid.face_variable(0.0) for _ in range(self.n_species)]
        self._vel = [grid.face_variable(0.0, rank=1) for _ in range(self.n_species)]
        self._gamma = [grid.face_variable(0.0) for _ in range(self.n_species)]
        self._diag_c = [grid.cell_variable(0.0) for _ in range(self.n_species)]
        self._source = [grid.cell_variable(0.0) for _ in range(self.n_species)]
        self._wall_cpsi = [grid.cell_variable(0.0) for _ in range(self.n_species)]

        eqs = []
        poisson = (
            grid.diffusion(1.0, self.psi)
            - grid.implicit_source(self._psi_diag, self.psi)
            + grid.source(self._psi_src)
        )
        for k in range(self.n_species):
            poisson = poisson + grid.implicit_source(float(self.w[k]), self.c[k])
        eqs.append(poisson == 0)
        for k in range(self.n_species):
            ck = self.c[k]
            # diag_c = wall-reaction derivative - a0/dt; source = history + explicit Newton part
            eq = (
                grid.diffusion(self._dcoef[k], ck)
                - CentralDifferenceConvectionTerm(coeff=self._vel[k], var=ck)
                + grid.diffusion(self._gamma[k], self.psi)
                + grid.implicit_source(self._diag_c[k], ck)
                + grid.implicit_source(self._wall_cpsi[k], self.psi)
                + grid.source(self._source[k])
            )
            eqs.append(eq == 0)
        self.equation = eqs[0]
        for e in eqs[1:]:
            self.equation = self.equation & e
        # the shared LU solver: explicit tolerance, criterion "initial" (relative to the
        # initial residual, so the LU solve is always performed; see continuum.newton)
        self.solver = make_linear_solver(tolerance=linear_tolerance)
        self.wall_flux_left = np.zeros(self.n_species)
        self.wall_flux_right = np.zeros(self.n_species)

    # ------------------------------------------------------------------ state helpers
    def state(self):
        return np.concatenate([np.asarray(self.psi.value)] + [np.asarray(c.value) for c in self.c])

    def set_state(self, x):
        n = self.n_cells
        self.psi.setValue(x[:n])
        for k in range(self.n_species):
            self.c[k].setValue(x[(k + 1) * n : (k + 2) * n])

    def concentrations(self):
        return np.array([np.asarray(c.value) for c in self.c])

    def inventories(self):
        return self.concentrations() @ self.widths

    def wall_field(self):
        """Dimensionless field pointing into the electrolyte at each wall (= electrode charge
        per area in units of eps kT/(e lambda_D)): left and right electrode charges."""
        psi = np.asarray(self.psi.value)
        h0, h1 = self.widths[0], self.widths[-1]
        q_left = (self.v_left - psi[0]) / (h0 / 2 + self.left.stern_length)
        q_right = (self.v_right - psi[-1]) / (h1 / 2 + self.right.stern_length)
        return q_left, q_right

    def initial_potential(self):
        """Potential of a uniform (neutral) electrolyte between the walls: linear."""
        span = self.length + self.left.stern_length + self.right.stern_length
        slope = (self.v_right - self.v_left) / span
        return self.v_left + slope * (self.x + self.left.stern_length)

    # ------------------------------------------------------------------ coefficients
    def _wall_flux(self, spec: ElectrodeSpec, k, v_wall, c_p, psi_p, h):
        """Outward flux of species k through a wall and its derivatives (dJ/dc_P, dJ/dpsi_P)."""
        if spec.kind == "blocking" or k not in spec.reacting:
            return 0.0, 0.0, 0.0
        z, d = self.z[k], self.d[k]
        if spec.kind == "reservoir":
            g = (h / 2) / (h / 2 + spec.stern_length)
            delta = z * g * (v_wall - psi_p)
            b_plus, b_minus = bernoulli(delta), bernoulli(-delta)
            bp_plus, bp_minus = bernoulli_prime(delta), bernoulli_prime(-delta)
            cw = spec.wall_concentration
            pref = d / (h / 2)
            flux = pref * (b_plus * c_p - b_minus * cw)
            dflux_dc = pref * b_plus
            dflux_dpsi = pref * (bp_plus * c_p + bp_minus * cw) * (-z * g)
            return float(flux), float(dflux_dc), float(dflux_dpsi)
        return _butler_volmer_flux(z, d, spec, v_wall, c_p, psi_p, h)

    def _update_coefficients(self):
        psi = np.asarray(self.psi.value)
        dpsi = psi[self._rcell] - psi[self._lcell]
        n_faces = self.n_cells + 1
        for k in range(self.n_species):
            z, d = self.z[k], self.d[k]
            c = np.asarray(self.c[k].value)
            cl, cr = c[self._lcell], c[self._rcell]
            delta = z * dpsi
            a_val, a_der = _a_factor(delta)
            dcoef = np.zeros(n_faces)
            dcoef[self._iface] = d * a_val
            vel = np.zeros((1, n_faces))
            vel[0, self._iface] = -d * z * dpsi / self._h
            gamma = np.zeros(n_faces)
            gamma[self._iface] = d * z * (0.5 * (cl + cr) + a_der * (cr - cl))
            self._dcoef[k].setValue(dcoef)
            self._vel[k].setValue(vel)
            self._gamma[k].setValue(gamma)
            # explicit part of the Newton correction: - div(Gamma grad psi_k) per cell
            face_flux = gamma[self._iface] * dpsi / self._h  # Gamma dpsi/dx at interior faces
            div = np.zeros(self.n_cells)
            np.add.at(div, self._lcell, face_flux)
            np.subtract.at(div, self._rcell, face_flux)
            # FiPy's DiffusionTerm(Gamma) at psi_k is +div per cell; subtract it (per volume)
            expl = -div / self.widths
            # wall reactions: source -J_out/h linearised in (c_P, psi_P)
            wcc = np.zeros(self.n_cells)
            wcp = np.zeros(self.n_cells)
            for spec, cell, v_wall, store in (
                (self.left, 0, self.v_left, self.wall_flux_left),
                (self.right, self.n_cells - 1, self.v_right, self.wall_flux_right),
            ):
                h = self.widths[cell]
                flux, jc, jp = self._wall_flux(spec, k, v_wall, c[cell], psi[cell], h)
                store[k] = flux
                wcc[cell] += -jc / h
                wcp[cell] += -jp / h
                # -J/h = -(J0 - jc c0 - jp psi0)/h - jc c/h - jp psi/h
                expl[cell] += -(flux - jc * c[cell] - jp * psi[cell]) / h
            self._diag_c[k].setValue(wcc - self._alpha)
            self._wall_cpsi[k].setValue(wcp)
            self._source[k].setValue(expl + self._hist[k])
        src = np.zeros(self.n_cells)
        src[0] += self._beta_left * self.v_left
        src[-1] += self._beta_right * self.v_right
        self._psi_src.setValue(src)

    # ------------------------------------------------------------------ Newton
    def newton(self):
        """Solve the current implicit step; returns (iterations, residual history).

        Runs :func:`ionscales.continuum.newton.run_newton`. Convergence is judged on the
        nonlinear residual at the iterate (FiPy returns it before each solve; cell-volume
        weighted): below ``newton_tolerance`` times max(1, first residual of the step). The
        solve made at that iterate is kept (one more Newton step). A second path accepts a
        stagnating residual at round-off level when the Newton update itself is below
        ``stagnation`` (1e-10, relative), i.e. the iterate no longer moves. Raises
        ConvergenceError (with the residual history) otherwise, or on non-finite values."""
        scale = []

        def iterate():
            self._update_coefficients()
            before = self.state()
            res = float(self.equation.sweep(solver=self.solver))
            after = self.state()
            if not np.all(np.isfinite(after)):
                return float("nan"), float("nan")
            if not scale:
                scale.append(max(res, 1.0))
            update = float(np.max(np.abs(after - before)) / max(1.0, np.max(np.abs(after))))
            # scaled residual relative to the step's first residual; the raw value is kept
            raw.append(res)
            return res / scale[0], update

        raw: list[float] = []
        try:
            result = run_newton(
                iterate,
                tolerance=self.newton_tolerance,
                max_iterations=self.max_newton,
                stagnation=self.stagnation,
                what="PNP Newton iteration (within max_newton iterations)",
            )
        except ConvergenceError as err:
            raise ConvergenceError(
                str(err),
                iterations=err.iterations,
                residual=err.residual,
                history=raw or [err.residual],
            ) from None
        return result.iterations, raw

    # ------------------------------------------------------------------ time stepping
    def _set_bdf(self, dt, dt_prev):
        """Set the BDF coefficients for a step dt (BDF1 when dt_prev is None)."""
        if dt_prev is None:
            a0, a1, a2 = 1.0, 1.0, 0.0
        else:
            om = dt / dt_prev
            a0, a1, a2 = (1 + 2 * om) / (1 + om), 1 + om, om**2 / (1 + om)
        self._alpha = a0 / dt
        for k in range(self.n_species):
            self._hist[k] = (a1 * self.c_prev[k] - a2 * self.c_prev2[k]) / dt
        return a0, a1, a2

    def integrate(
        self,
        t_end,
        voltage,
        *,
        dt_initial=0.1,
        dt_max=None,
        rtol=1e-3,
        atol=1e-6,
        max_steps=20000,
        callback=None,
        stop=None,
        fixed_dt=None,
    ):
        """Integrate from t = 0 (uniform concentrations) to t_end.

        ``voltage(t) -> (v_left, v_right)`` (dimensionless). ``callback(core, t)`` is called
        after every accepted step; ``stop(core, t)`` may end the run early (returns True).
        ``fixed_dt`` switches to constant-step implicit Euler without error control (the
        classical scheme, kept as a benchmark baseline).
        Returns lists of times, states, wall charges, faradaic fluxes and step statistics.
        """
        stats = StepStats()
        n = self.n_cells
        t = 0.0
        self.v_left, self.v_right = voltage(0.0)
        for k in range(self.n_species):
            self.c_prev[k] = np.asarray(self.c[k].value).copy()
            self.c_prev2[k] = self.c_prev[k].copy()
        self.psi.setValue(self.initial_potential())
        times, states, charges, wflux = (
            [0.0],
            [self.state()],
            [self.wall_field()],
            [(self.wall_flux_left.copy(), self.wall_flux_right.copy())],
        )
        self._update_coefficients()
        wflux[0] = (self.wall_flux_left.copy(), self.wall_flux_right.copy())
        dt = dt_initial
        dt_prev = None
        x0 = self.state()
        x_hist = [x0]  # x_n, x_{n-1}, x_{n-2} for the predictor
        t_hist = [0.0]
        dt_max = dt_max if dt_max is not None else t_end
        while t < t_end * (1 - 1e-12):
            if stats.steps + stats.rejected >= max_steps:
                raise ConvergenceError(
                    f"PNP time stepping exceeded max_steps={max_steps}",
                    iterations=stats.steps,
                    residual=stats.final_residual,
                    history=stats.history[-20:],
                )
            if fixed_dt is not None:
                dt, dt_prev = fixed_dt, None
            dt = min(dt, dt_max, t_end - t)
            t_new = t + dt
            self.v_left, self.v_right = voltage(t_new)
            a0, _, _ = self._set_bdf(dt, dt_prev)
            x_pred = _extrapolate(t_hist, x_hist, t_new)
            x_start = x_hist[0]
            self.set_state(x_pred if len(x_hist) > 1 else x_start)
            try:
                its, hist = self.newton()
            except ConvergenceError as err:
                stats.rejected += 1
                stats.history.extend(err.history)
                self.set_state(x_start)
                dt *= 0.25
                if dt < 1e-10 * max(t_end, 1.0):
                    raise ConvergenceError(
                        "PNP time step fell below 1e-10 t_end after Newton failures",
                        iterations=err.iterations,
                        residual=err.residual,
                        history=err.history,
                    ) from err
                continue
            x_new = self.state()
            conc = x_new[n:]
            if np.min(conc) < 0:
                stats.rejected += 1
                self.set_state(x_start)
                dt *= 0.25
                continue
            # local error estimate (BDF1: vs linear predictor; BDF2: vs quadratic predictor),
            # relative to the size of the deviation from the initial uniform state so that
            # small-signal runs are resolved as accurately as large-signal ones
            if len(x_hist) >= 2 and fixed_dt is None:
                factor = 0.5 if dt_prev is None or len(x_hist) < 3 else 2.0 / 11.0
                dev_c = float(np.max(np.abs(conc - x0[n:])))
                dev_psi = float(np.ptp(x_new[:n]))
                err_c = np.max(np.abs(conc - x_pred[n:])) / (atol + rtol * dev_c)
                err_psi = np.max(np.abs(x_new[:n] - x_pred[:n])) / (atol + rtol * dev_psi)
                err = factor * float(max(err_c, err_psi))
            else:
                err = 0.0
            if err > 1.0:
                stats.rejected += 1
                self.set_state(x_start)
                dt *= max(0.2, 0.9 * err ** (-1.0 / 3.0))
                continue
            # accept
            stats.steps += 1
            stats.newton_total += its
            stats.newton_max = max(stats.newton_max, its)
            stats.final_residual = hist[-1]
            stats.history.append(hist[-1])
            for k in range(self.n_species):
                self.c_prev2[k] = self.c_prev[k]
                self.c_prev[k] = np.asarray(self.c[k].value).copy()
            t = t_new
            x_hist = [x_new] + x_hist[:2]
            t_hist = [t] + t_hist[:2]
            dt_prev = dt
            times.append(t)
            states.append(x_new)
            charges.append(self.wall_field())
            wflux.append((self.wall_flux_left.copy(), self.wall_flux_right.copy()))
            if callback is not None:
                callback(self, t)
            if stop is not None and stop(self, t):
                break
            grow = 3.0 if err == 0.0 else min(3.0, max(0.5, 0.9 * err ** (-1.0 / 3.0)))
            dt = dt * grow
        return times, states, charges, wflux, stats, a0


def _extrapolate(t_hist, x_hist, t_new):
    """Polynomial extrapolation through the last (up to three) accepted states."""
    m = len(x_hist)
    if m == 1:
        return x_hist[0].copy()
    out = np.zeros_like(x_hist[0])
    for i in range(m):
        li = 1.0
        for j in range(m):
            if j != i:
                li *= (t_new - t_hist[j]) / (t_hist[i] - t_hist[j])
        out += li * x_hist[i]
    return out
