"""Mean spherical approximation of the primitive model with unequal diameters and valences.

Blum's solution of the multicomponent MSA (Blum 1975; Blum & Høye 1977) in Baxter's
factorised form, used to find the decay modes of the pair correlations (poles of the
structure factors) without solving the Ornstein–Zernike equation numerically.

Everything here is dimensionless: lengths in units of a reference length (the models use the
contact diameter), densities n_i in units of its inverse cube.

Factorisation (Baxter 1970, with the Coulomb tail of Blum 1975). With
A(k) = I - n^(1/2) c(k) n^(1/2) (c_ij(k) the 3-D transform of the direct correlation),

    A(k) = Q(-k)^T Q(k),   Q_ij(k) = delta_ij - 2 pi (n_i n_j)^(1/2) int_{S_ij}^inf e^{ikr} Q_ij(r) dr,

S_ij = (sigma_i - sigma_j)/2, sigma_ij = (sigma_i + sigma_j)/2, and in the MSA

    Q_ij(r) = (A_i/2) (r - sigma_ij)^2 + B_ij (r - sigma_ij) - a_i z_j,   S_ij < r < sigma_ij,
    Q_ij(r) = -a_i z_j,                                                 r > sigma_ij.

The constant tail reproduces the Coulomb part of c, 4 pi l_B z_i z_j/k^2, if
pi sum_l n_l a_l^2 = l_B, which with a_i = l_B X_i/Gamma is Blum's equation for Gamma,
Gamma^2 = pi l_B sum_i n_i X_i^2, X_i = (z_i - eta sigma_i^2)/(1 + Gamma sigma_i),
eta = pi P_n/(2 Delta) (Gamma from :func:`ionscales.theory.thermo.blum_msa`). Baxter's relation
r h_ij(r) = -Q'_ij(r) + 2 pi sum_l n_l int Q_il(t) (r - t) h_lj(|r - t|) dt on the core
S_ij < r < sigma_ij, where h = -1, is linear in r (the r^2 term of the Coulomb tail cancels
by electroneutrality); its two coefficients give, for each i, n + 1 linear equations for A_i
and B_i (derived here; for l_B -> 0 they give Baxter's Percus–Yevick mixture). They contain
the first moments outside the core M_j = sum_l n_l z_l int_{sigma_lj}^inf r h_lj(r) dr, i.e.
the potential at the centre of ion j, beta e psi_j = 4 pi l_B (M_j - sum_l n_l z_l sigma_lj^2/2).
Blum's per-ion MSA energies give beta e psi_j = -2 l_B (Gamma X_j + eta sigma_j) + C, where
the constant C (invisible in the energy, sum_j n_j z_j C = 0) is fixed here by requiring that
Q(-k)^T Q(k) has no 1/k term (it must be even in k): an affine condition in C, solved in
closed form (two linear solves). With it Q(-k)^T Q(k) is real and symmetric for every real k
to rounding; without C it is not (tested).

Checks (tests/test_msa_mixture.py): Q(-k)^T Q(k) is real and symmetric on the real axis and
has the Coulomb pole 4 pi l_B (n^1/2 z)(n^1/2 z)^T/k^2; the Percus–Yevick hard-sphere mixture for l_B -> 0 (Lebowitz
1964); the RPM pole equation of Waisman & Lebowitz for equal diameters; the OZ solver with the
MSA closure (an independent numerical solution) for LiCl and CaCl2 (0.3-2 mol/L, 2e-5) and a
size ratio of 2.3.

Validity: the MSA itself (the closure c = -beta u outside the cores) is accurate for the
energies of aqueous 1:1 salts and poor for strong coupling; packing fraction < 1 required.

The decay modes exp(i k r)/r (Im k > 0) are the zeros of det Q(-k) (Q(k) has no zeros in the
upper half plane); D(k) = k det Q(k) is entire and the modes are k = -k' with D(k') = 0.
"""

from __future__ import annotations

import math

import numpy as np

from ionscales.theory import poles

__all__ = [
    "MSAMixture",
    "blum_parameters",
    "imaginary_modes",
    "charge_fraction",
    "decay_poles",
    "dressed_ion",
]

_SERIES_W = 1.0  # |w| below which g_n(w) is summed as a series
_SERIES_TERMS = 26  # truncation error < 1/26! ~ 2.5e-27 for |w| < 1


def _g(w, nmax: int):
    """g_n(w) = int_{-1}^0 u^n e^{iwu} du for n = 0..nmax (entire in w), stacked on axis 0."""
    w = np.asarray(w, dtype=complex)
    out = np.empty((nmax + 1,) + w.shape, dtype=complex)
    small = np.abs(w) < _SERIES_W
    ws = np.where(small, 1.0, w)
    iw = 1j * ws
    e = np.exp(-iw)
    # g_0 = (1 - e^{-iw})/(iw); by parts
    # g_n = [u^n e^{iwu}/(iw)]_{-1}^0 - (n/(iw)) g_{n-1} = -(-1)^n e^{-iw}/(iw) - n g_{n-1}/(iw)
    prev = (1.0 - e) / iw
    out[0] = prev
    for n in range(1, nmax + 1):
        prev = -((-1) ** n) * e / iw - n * prev / iw
        out[n] = prev
    if np.any(small):
        wsm = w[small]
        m = np.arange(_SERIES_TERMS)
        steps = np.empty((wsm.size, _SERIES_TERMS), dtype=complex)
        steps[:, 0] = 1.0
        steps[:, 1:] = (1j * wsm)[:, None] / m[1:]
        powers = np.cumprod(steps, axis=1)  # (iw)^m/m!
        for n in range(nmax + 1):
            out[n][small] = powers @ (((-1.0) ** (n + m)) / (n + m + 1))
    return out


def blum_parameters(densities, charges, diameters, bjerrum_length):
    """Blum's MSA parameters of the primitive model (reduced units).

    Parameters
    ----------
    densities : ndarray, shape (N, m)
        n_i [1/L^3].
    charges : ndarray, shape (m,)
        z_i [1].
    diameters : ndarray, shape (m,)
        sigma_i [L].
    bjerrum_length : float
        l_B [L].

    Returns
    -------
    dict with ``gamma`` (N,), ``eta`` (N,) = pi P_n/(2 Delta), ``delta`` (N,), ``x`` (N, m)
    (Blum's X_i), ``a`` (N, m) = l_B X_i/Gamma and ``m`` (N, m) the moments M_j.
    """
    from ionscales.theory.thermo import blum_msa  # lazy: the thermo layer loads on first use

    n = np.asarray(densities, dtype=float)
    z = np.asarray(charges, dtype=float)
    s = np.asarray(diameters, dtype=float)
    lb = float(bjerrum_length)
    gamma = blum_msa(n, z, s, lb)["gamma"]
    delta = 1 - (math.pi / 6) * np.sum(n * s**3, axis=-1)
    denom = 1 + gamma[:, None] * s
    omega = 1 + (math.pi / (2 * delta)) * np.sum(n * s**3 / denom, axis=-1)
    pn = np.sum(n * s * z / denom, axis=-1) / omega
    eta = math.pi * pn / (2 * delta)
    x = (z - eta[:, None] * s**2) / denom
    a = lb * x / gamma[:, None]
    s_pair = 0.5 * (s[:, None] + s[None, :])
    moment = -(gamma[:, None] * x + eta[:, None] * s) / (2 * math.pi) + 0.5 * np.einsum(
        "nl,l,lj->nj", n, z, s_pair**2
    )
    return {"gamma": gamma, "eta": eta, "delta": delta, "x": x, "a": a, "m": moment}


class MSAMixture:
    """Baxter factor function of the MSA primitive model at N states (reduced units).

    Parameters
    ----------
    densities : ndarray, shape (N, m)
        Ion number densities n_i [1/L^3], > 0, electroneutral (sum n_i z_i = 0).
    charges : ndarray, shape (m,)
        Valences z_i [1] (nonzero).
    diameters : ndarray, shape (m,)
        Hard-sphere diameters sigma_i [L], > 0.
    bjerrum_length : float
        l_B [L], > 0.
    """

    def __init__(self, densities, charges, diameters, bjerrum_length):
        self.n = np.atleast_2d(np.asarray(densities, dtype=float))
        self.z = np.asarray(charges, dtype=float)
        self.s = np.asarray(diameters, dtype=float)
        self.lb = float(bjerrum_length)
        p = blum_parameters(self.n, self.z, self.s, self.lb)
        self.params = p
        self.a = p["a"]
        self.offset = self._moment_offset(p["a"], p["m"])
        self.moment = p["m"] + self.offset[:, None]
        self.A, self.B = self._coefficients(p["a"], self.moment)

    def _small_k_mismatch(self, a, moment):
        """Component of w = R0^T n^(1/2) a orthogonal to n^(1/2) z (R0 = regular part of Q(k) at
        k = 0); Q(-k)^T Q(k) has no 1/k term (it is even in k) if and only if it vanishes."""
        A, B = self._coefficients(a, moment)
        n, z, s = self.n, self.z, self.s
        s_pair = 0.5 * (s[:, None] + s[None, :])
        az = a[:, :, None] * z[None, None, :]
        m0 = (
            A[:, :, None] * (s**3)[None, None, :] / 6
            - B * (s**2)[None, None, :] / 2
            - az * s[None, None, :]
        )
        sq = np.sqrt(n)
        r0 = np.eye(len(s))[None] - 2 * math.pi * sq[:, :, None] * sq[:, None, :] * (
            m0 + az * s_pair[None]
        )
        w = np.einsum("nij,ni->nj", r0, sq * a)
        zeta = sq * z
        return w - (np.sum(w * zeta, axis=-1) / np.sum(zeta * zeta, axis=-1))[:, None] * zeta

    def _moment_offset(self, a, moment):
        """The j-independent constant in M_j (the per-ion MSA energies fix the potentials only
        up to a constant, since sum_j n_j z_j = 0): the root of the small-k condition, which is
        affine in it."""
        r0 = self._small_k_mismatch(a, moment)
        r1 = self._small_k_mismatch(a, moment + 1.0) - r0
        norm = np.sum(r1 * r1, axis=-1)
        return np.where(norm > 0, -np.sum(r0 * r1, axis=-1) / np.where(norm > 0, norm, 1.0), 0.0)

    # --- the linear equations of Baxter's relation on the core ---------------------------
    def _coefficients(self, a, moment):
        n, z, s = self.n, self.z, self.s
        nst, m = n.shape
        s_pair = 0.5 * (s[:, None] + s[None, :])
        two_pi = 2 * math.pi
        # unknowns per (state, i): u = (A_i, B_i1, ..., B_im)
        mat = np.zeros((nst, m, m + 1, m + 1))
        rhs = np.zeros((nst, m, m + 1))
        # x-coefficient: A_i (1 + 2 pi sum_l n_l s_l^3/6) - 2 pi sum_l n_l s_l^2/2 B_il
        #              = 1 + pi a_i sum_l n_l z_l s_l
        mat[:, :, 0, 0] = 1 + two_pi * np.sum(n * s**3, axis=-1)[:, None] / 6
        mat[:, :, 0, 1:] = -two_pi * (n * s**2 / 2)[:, None, :]
        rhs[:, :, 0] = 1 + math.pi * a * np.sum(n * z * s, axis=-1)[:, None]
        # constant term, one equation per j:
        # A_i s_ij - B_ij + 2 pi sum_l n_l m1_il - 2 pi a_i [sum_l n_l z_l (s_lj^2 - s_il^2)/2 - M_j] = 0,
        # m1_il = s_il m0_il + (-A_i s_l^4/8 + B_il s_l^3/3 + a_i z_l s_l^2/2),
        # m0_il = A_i s_l^3/6 - B_il s_l^2/2 - a_i z_l s_l
        for j in range(m):
            row = 1 + j
            # coefficient of A_i
            coef_a = s_pair[:, j][None, :] + two_pi * np.einsum(
                "nl,il->ni", n, s_pair * (s**3 / 6)[None, :] - (s**4 / 8)[None, :]
            )
            mat[:, :, row, 0] = coef_a
            # coefficient of B_il
            coef_b = (
                two_pi * n[:, None, :] * (-s_pair * (s**2 / 2)[None, :] + (s**3 / 3)[None, :])[None]
            )
            mat[:, :, row, 1:] = coef_b
            mat[:, :, row, 1 + j] -= 1.0
            # terms in a_i (known) go to the right-hand side
            known = (
                two_pi
                * a
                * np.einsum(
                    "nl,il->ni", n, (-s_pair * z[None, :] * s[None, :] + (z * s**2 / 2)[None, :])
                )
            )
            tail = (
                -two_pi
                * a
                * (
                    0.5 * np.einsum("nl,l,il->ni", n, z, s_pair[:, j][None, :] ** 2 - s_pair**2)
                    - moment[:, j][:, None]
                )
            )
            rhs[:, :, row] = -(known + tail)
        u = np.linalg.solve(mat, rhs[..., None])[..., 0]
        return u[..., 0], u[..., 1:]

    # --- Q(k) ------------------------------------------------------------------------------
    def q_matrix(self, k, states=None, *, derivative: bool = False):
        """Q(k) at complex k, shape (K, m, m) (and dQ/dk with ``derivative``).

        ``k`` is 1-D; ``states`` (same length, integers) picks the state of each k (default:
        k[i] belongs to state i).
        """
        k = np.atleast_1d(np.asarray(k, dtype=complex))
        idx = np.arange(k.size) if states is None else np.asarray(states, dtype=int)
        n, z, s = self.n[idx], self.z, self.s
        m = len(s)
        s_pair = 0.5 * (s[:, None] + s[None, :])
        w = k[:, None] * s[None, :]  # (K, m): k sigma_j
        g = _g(w, 3 if derivative else 2)  # (n_max+1, K, m)
        a = self.a[idx]
        big_a, big_b = self.A[idx], self.B[idx]
        az = a[:, :, None] * z[None, None, :]  # a_i z_j
        core = (
            0.5 * big_a[:, :, None] * (s**3)[None, None, :] * g[2][:, None, :]
            + big_b * (s**2)[None, None, :] * g[1][:, None, :]
            - az * s[None, None, :] * g[0][:, None, :]
        )
        phase = np.exp(1j * k[:, None, None] * s_pair[None])
        tail = -az * 1j / k[:, None, None]
        pref = 2 * math.pi * np.sqrt(n[:, :, None] * n[:, None, :])
        integral = phase * (core + tail)
        q = np.eye(m)[None] - pref * integral
        if not derivative:
            return q
        # d/dk [e^{ik s_ij} f(k)] = i s_ij e f + e f';  d g_n(k s)/dk = i s g_{n+1}(k s)
        core_p = 1j * (
            0.5 * big_a[:, :, None] * (s**4)[None, None, :] * g[3][:, None, :]
            + big_b * (s**3)[None, None, :] * g[2][:, None, :]
            - az * (s**2)[None, None, :] * g[1][:, None, :]
        )
        tail_p = az * 1j / k[:, None, None] ** 2
        d_integral = 1j * s_pair[None] * integral + phase * (core_p + tail_p)
        return q, -pref * d_integral

    def mode_function(self, k, states=None):
        """D(-k) = -k det Q(-k), its k-derivative and a scale for relative residuals.

        Entire in k; its zeros with Im k > 0 are the decay modes exp(ikr)/r of every pair
        correlation (Q(k) itself has no zeros in the upper half plane).
        """
        k = np.atleast_1d(np.asarray(k, dtype=complex))
        kk = -k
        q, dq = self.q_matrix(kk, states, derivative=True)
        det = np.linalg.det(q)
        value = kk * det
        ddet = np.einsum("nij,nji->n", _adjugate(q), dq)  # Jacobi: d det = tr(adj(Q) dQ)
        dvalue = -(det + kk * ddet)
        scale = np.abs(kk) * np.prod(np.linalg.norm(q, axis=-1), axis=-1)  # Hadamard bound
        return value, dvalue, scale


def _adjugate(q):
    m = q.shape[-1]
    if m == 2:
        adj = np.empty_like(q)
        adj[..., 0, 0] = q[..., 1, 1]
        adj[..., 1, 1] = q[..., 0, 0]
        adj[..., 0, 1] = -q[..., 0, 1]
        adj[..., 1, 0] = -q[..., 1, 0]
        return adj
    out = np.empty_like(q)
    for i in range(m):
        for j in range(m):
            minor = np.delete(np.delete(q, j, axis=-2), i, axis=-1)
            out[..., i, j] = ((-1) ** (i + j)) * np.linalg.det(minor)
    return out


# ---------------------------------------------------------------------------------------
# decay modes


def _axis_det(mm: MSAMixture, kappa, states):
    """det Q(-i kappa) (real) for real kappa > 0: its zeros are the monotonic modes k = i kappa."""
    return np.linalg.det(mm.q_matrix(-1j * kappa, states)).real


def imaginary_modes(
    mm: MSAMixture, kappa_min, *, kappa_max: float = 60.0, grid: int = 400, iterations: int = 60
):
    """The two smallest roots kappa1 < kappa2 of det Q(-i kappa) = 0 on (kappa_min, kappa_max].

    Vectorised over states: a log grid locates sign changes, bisection refines them.
    Returns kappa1, kappa2 (NaN where missing) and, where there is no root, the location of
    the extremum of det Q(-i kappa) nearest the Debye scale (seed for the complex branch).
    """
    nst = mm.n.shape[0]
    lo = np.log(np.asarray(kappa_min, dtype=float))
    t = np.linspace(0.0, 1.0, grid)
    logk = lo[:, None] + (math.log(kappa_max) - lo)[:, None] * t[None, :]
    kap = np.exp(logk)
    states = np.repeat(np.arange(nst), grid)
    f = _axis_det(mm, kap.ravel(), states).reshape(nst, grid)
    change = np.sign(f[:, :-1]) * np.sign(f[:, 1:]) < 0
    roots = []
    for order in range(2):
        has = np.sum(change, axis=1) > order
        pos = np.where(has, np.argmax(np.cumsum(change, axis=1) > order, axis=1), 0)
        a = logk[np.arange(nst), pos]
        b = logk[np.arange(nst), pos + 1]
        fa = f[np.arange(nst), pos]
        for _ in range(iterations):
            mid = 0.5 * (a + b)
            fm = _axis_det(mm, np.exp(mid), np.arange(nst))
            same = np.sign(fm) == np.sign(fa)
            a = np.where(same, mid, a)
            fa = np.where(same, fm, fa)
            b = np.where(same, b, mid)
        roots.append(np.where(has, np.exp(0.5 * (a + b)), np.nan))
    # no root: seed of the complex pair from the extremum of f closest to zero. Near it
    # f(kappa) ~ f_e + f''(kappa - kappa_e)^2/2, so kappa = kappa_e +- i sqrt(2 f_e/f''),
    # i.e. k = i kappa_e +- sqrt(2 f_e/f'')
    rows = np.arange(nst)
    interior = np.zeros_like(f, dtype=bool)
    interior[:, 1:-1] = (np.sign(f[:, 1:-1] - f[:, :-2]) * np.sign(f[:, 2:] - f[:, 1:-1])) < 0
    # an extremum that approaches zero is smaller in magnitude than its neighbours
    with np.errstate(divide="ignore", invalid="ignore"):
        depth = np.abs(f[:, 1:-1]) / np.maximum(np.abs(f[:, :-2]), np.abs(f[:, 2:]))
    score = np.full(f.shape, np.inf)
    score[:, 1:-1] = np.where(interior[:, 1:-1] & (depth < 1), depth, np.inf)
    j = np.clip(np.argmin(score, axis=1), 1, grid - 2)
    x0, x1, x2 = kap[rows, j - 1], kap[rows, j], kap[rows, j + 1]
    f0, f1, f2 = f[rows, j - 1], f[rows, j], f[rows, j + 1]
    # parabola through the three points (non-uniform spacing)
    d1 = (f1 - f0) / (x1 - x0)
    d2 = (f2 - f1) / (x2 - x1)
    curv = 2 * (d2 - d1) / (x2 - x0)
    slope = d1 + 0.5 * curv * (x1 - x0)  # f' at x1 is d1 + curv (x1 - x0)/2
    k_e = x1 - slope / np.where(curv != 0, curv, np.nan)
    f_e = f1 - 0.5 * slope**2 / np.where(curv != 0, curv, np.nan)
    with np.errstate(invalid="ignore"):
        re = np.sqrt(2 * f_e / curv)
    extremum = np.isfinite(score[rows, j])
    seed = np.where(extremum & np.isfinite(re), re + 1j * k_e, np.nan + 0j)
    # just below the crossover the two roots can fall inside one grid cell (no sign change):
    # locate the extremum on [x0, x2] (golden section on s f, s = sign f(x1)); if it has crossed
    # zero, bisect on either side of it
    cand_states = np.nonzero(extremum & ~np.isfinite(roots[0]))[0]
    if cand_states.size:
        sel = cand_states
        s = np.sign(f1[sel])
        a, b = x0[sel].copy(), x2[sel].copy()
        ratio = (math.sqrt(5) - 1) / 2
        for _ in range(iterations):
            c1 = b - ratio * (b - a)
            c2 = a + ratio * (b - a)
            left = s * _axis_det(mm, c1, sel) < s * _axis_det(mm, c2, sel)
            b = np.where(left, c2, b)
            a = np.where(left, a, c1)
        k_star = 0.5 * (a + b)
        f_star = _axis_det(mm, k_star, sel)
        crossed = np.sign(f_star) != s
        for which, (lo_end, hi_end) in enumerate(((x0[sel], k_star), (k_star, x2[sel]))):
            a, b = lo_end.copy(), hi_end.copy()
            fa = _axis_det(mm, a, sel)
            for _ in range(iterations):
                mid = 0.5 * (a + b)
                fm = _axis_det(mm, mid, sel)
                same = np.sign(fm) == np.sign(fa)
                a = np.where(same, mid, a)
                fa = np.where(same, fm, fa)
                b = np.where(same, b, mid)
            roots[which][sel] = np.where(crossed, 0.5 * (a + b), np.nan)
        seed[sel[crossed]] = np.nan
    return roots[0], roots[1], seed


def charge_fraction(mm: MSAMixture, k, states=None):
    """Charge share of a mode: with v the null vector of Q(-k)^T Q(k) (symmetrised basis),
    q = |sum_i n_i^(1/2) z_i v_i|^2 and p = <z^2> |sum_i n_i^(1/2) v_i|^2 give q/(q + p)
    (the classification of ionscales.theory.oz_poles)."""
    k = np.atleast_1d(np.asarray(k, dtype=complex))
    idx = np.arange(k.size) if states is None else np.asarray(states, dtype=int)
    a = np.swapaxes(mm.q_matrix(-k, idx), -1, -2) @ mm.q_matrix(k, idx)
    _, _, vh = np.linalg.svd(a)
    v = vh[:, -1, :].conj()
    sq = np.sqrt(mm.n[idx])
    q = np.abs(np.sum(sq * mm.z * v, axis=-1)) ** 2
    zbar2 = np.sum(mm.n[idx] * mm.z**2, axis=-1) / np.sum(mm.n[idx], axis=-1)
    p = zbar2 * np.abs(np.sum(sq * v, axis=-1)) ** 2
    return q / np.where(q + p > 0, q + p, 1.0)


_SEED_RE = tuple(np.round(np.arange(0.3, 1.75, 0.1), 2))
_SEED_IM = (0.5, 1.5, 3.0)
#: the seed grid is used where the leading monotonic root has kappa L > GRID_KAPPA (or none)
GRID_KAPPA = 0.5
#: at most this many states get the full seed grid; the others start from their roots
GRID_STATES = 24
#: roots carried from each of the two nearest grid states
MAX_CARRIED = 8
#: relative residual |D|/scale below which a root is accepted
ROOT_TOLERANCE = 1e-10


def _newton_candidates(func, seeds, states):
    """Newton from every finite seed (rows = states); accepted roots (Im k > 0, Re k > 0)."""
    start = np.isfinite(seeds)
    st = np.broadcast_to(np.asarray(states)[:, None], seeds.shape)[start]
    root, res, conv = poles.newton_complex(func, seeds[start], st.astype(float))
    good = conv & (res <= ROOT_TOLERANCE) & (root.imag > 0) & (root.real > 1e-8 * np.abs(root))
    cand = np.full(seeds.shape, np.nan + 0j)
    cand[start] = np.where(good, root, np.nan)
    cres = np.full(seeds.shape, np.nan)
    cres[start] = res
    return cand, cres


def decay_poles(mm: MSAMixture, y, guesses):
    """Leading charge modes in the layout of the one-diameter models (reduced units).

    Parameters
    ----------
    mm : MSAMixture
    y : ndarray (N,)
        kappa_D L (sets the lower end of the imaginary-axis scan).
    guesses : complex ndarray (N, 2)
        Poles of the equivalent one-diameter MSA (one of the seeds of the complex search).

    Returns
    -------
    z (N, 2), relative residual (N, 2), ok (N,).

    Notes
    -----
    Candidates: the roots of det Q(-i kappa) on the imaginary axis (vectorised scan and
    bisection) and complex roots from Newton started at the one-diameter MSA pole, at the
    point where the monotonic pair leaves the axis, and on a grid Re k = (0.3..1.7) 2 pi/sigma_i,
    Im k = 0.5, 1.5, 3 (the number-like modes of each species; only where there is no
    monotonic root or its kappa L > 0.5). Charge modes are those with a
    charge share >= 1/2 (:func:`charge_fraction`); column 0 is the slowest charge mode, column 1
    the second monotonic root (monotonic) or -conj of column 0 (oscillatory). With unequal
    diameters every mode couples to charge and number; a number-like mode can be the slowest
    (strong size asymmetry near packing): it is not reported here.
    """
    nst = mm.n.shape[0]
    idx = np.arange(nst)
    k1, k2, axis_seed = imaginary_modes(mm, 1e-3 * np.minimum(y, 1.0))

    def func(k, states):
        # trial Newton iterates can leave the region where e^{ik sigma} is finite: they come
        # back non-finite and are rejected (accepted roots are re-checked below)
        with np.errstate(all="ignore"):
            return mm.mode_function(k, np.asarray(states).astype(int))

    g = np.asarray(guesses, dtype=complex)[:, 0]
    base = [np.where(np.isfinite(g) & (g.real > 0), g, np.nan), axis_seed]
    # the grid only where an oscillatory mode can compete: no monotonic root, or a leading
    # one decaying faster than exp(-r/(2L)) (the grid's smallest Im k is 0.5/L); on at most
    # GRID_STATES of them (spread in kappa_D L), the others start from the roots found at the
    # two nearest of those (the roots move smoothly with the state)
    grid_states = np.nonzero(~np.isfinite(k1) | (k1 > GRID_KAPPA))[0]
    if grid_states.size > GRID_STATES:
        by_y = grid_states[np.argsort(y[grid_states], kind="stable")]
        picked = np.unique(by_y[np.round(np.linspace(0, by_y.size - 1, GRID_STATES)).astype(int)])
    else:
        picked = grid_states
    grid = np.array(
        [
            2 * math.pi * re / sigma + 1j * im
            for sigma in np.unique(mm.s)
            for re in _SEED_RE
            for im in _SEED_IM
        ]
    )
    seeds = np.full((nst, max(grid.size, 2 * MAX_CARRIED)), np.nan + 0j)
    seeds[picked, : grid.size] = grid
    seeds = np.concatenate([np.stack(base, axis=1), seeds], axis=1)
    cand, cres = _newton_candidates(func, seeds, idx)
    rest = np.setdiff1d(grid_states, picked)
    if rest.size:
        # carried seeds: the slowest distinct roots of the two nearest picked states in y
        carried = np.full((picked.size, MAX_CARRIED), np.nan + 0j)
        for row, state in enumerate(picked):  # loop over <= GRID_STATES states
            r = cand[state][np.isfinite(cand[state])]
            r = np.unique(np.round(r, 8))
            r = r[np.argsort(r.imag)][:MAX_CARRIED]
            carried[row, : r.size] = r
        y_picked = y[picked]
        order = np.argsort(y_picked)
        pos = (
            np.clip(np.searchsorted(y_picked[order], y[rest]), 1, picked.size - 1)
            if picked.size > 1
            else np.zeros(rest.size, dtype=int)
        )
        lo = order[np.maximum(pos - 1, 0)]
        hi = order[np.minimum(pos, picked.size - 1)]
        seeds2 = np.concatenate([np.stack(base, axis=1)[rest], carried[lo], carried[hi]], axis=1)
        c2, r2 = _newton_candidates(func, seeds2, rest)
        width = c2.shape[1]
        cand[rest] = np.nan
        cres[rest] = np.nan
        cand[rest, :width] = c2
        cres[rest, :width] = r2
    # imaginary roots as candidates too
    axis = np.stack([1j * k1, 1j * k2], axis=1)
    cand = np.concatenate([axis, cand], axis=1)
    cres = np.concatenate([np.full((nst, 2), np.nan), cres], axis=1)
    found = np.isfinite(cand)
    st_all = np.broadcast_to(idx[:, None], cand.shape)[found]
    value, _, scale = func(cand[found], st_all)
    cres[found] = np.abs(value) / scale
    frac = np.zeros(cand.shape)
    frac[found] = charge_fraction(mm, cand[found], st_all)
    is_charge = found & (frac >= 0.5) & (cres <= ROOT_TOLERANCE)
    key = np.where(is_charge, cand.imag, np.inf)
    lead = np.argmin(key, axis=1)
    ok = np.isfinite(key[idx, lead])
    z = np.full((nst, 2), np.nan + 0j)
    residual = np.full((nst, 2), np.nan)
    z0 = cand[idx, lead]
    monotonic = ok & (lead < 2)
    z[ok, 0] = z0[ok]
    residual[ok, 0] = cres[idx, lead][ok]
    # second column: the other monotonic root, or the mirror of the oscillatory mode
    other = np.where(lead == 0, 1, 0)
    second = np.where(monotonic, cand[idx, other], -np.conj(z0))
    second_res = np.where(monotonic, cres[idx, other], cres[idx, lead])
    keep = ok & np.isfinite(second)
    z[keep, 1] = second[keep]
    residual[keep, 1] = second_res[keep]
    return z, residual, ok


def dressed_ion(mm: MSAMixture, k, states=None):
    """Dressed-ion quantities of the MSA mixture at complex k (Kjellander & Mitchell 1994).

    With c0 = c + beta u_Coulomb, A0(k) = I - n^1/2 c0 n^1/2 = Q(-k)^T Q(k) - 4 pi l_B zeta zeta^T/k^2
    (zeta = n^1/2 z): dressed charges z* = n^-1/2 A0^-1 zeta, kappa^2(k) = 4 pi l_B zeta^T A0^-1 zeta,
    and det A = det A0 (1 + kappa^2(k)/k^2), so the modes solve k^2 + kappa^2(k) = 0.

    Returns
    -------
    ratio : (K, m) complex
        z*_i/z_i per species.
    weighted : (K,) complex
        sum_i n_i z_i^2 (z*_i/z_i) / sum_i n_i z_i^2 = kappa^2(k)/kappa_D^2.
    permittivity_ratio : (K,) complex
        E*/eps_r = 1 + d kappa^2/d k^2 (analytic derivative).
    """
    k = np.atleast_1d(np.asarray(k, dtype=complex))
    idx = np.arange(k.size) if states is None else np.asarray(states, dtype=int)
    q_p, dq_p = mm.q_matrix(k, idx, derivative=True)
    q_m, dq_m = mm.q_matrix(-k, idx, derivative=True)
    a = np.swapaxes(q_m, -1, -2) @ q_p
    da = -np.swapaxes(dq_m, -1, -2) @ q_p + np.swapaxes(q_m, -1, -2) @ dq_p
    sq = np.sqrt(mm.n[idx])
    zeta = sq * mm.z
    outer = zeta[:, :, None] * zeta[:, None, :]
    four_pi_lb = 4 * math.pi * mm.lb
    kk = k[:, None, None]
    a0 = a - four_pi_lb * outer / kk**2
    da0 = da + 2 * four_pi_lb * outer / kk**3
    x = np.linalg.solve(a0, zeta[..., None].astype(complex))[..., 0]  # A0^-1 zeta
    ratio = x / sq / mm.z
    kappa2 = four_pi_lb * np.sum(zeta * x, axis=-1)
    kappa_d2 = four_pi_lb * np.sum(zeta * zeta, axis=-1)
    dkappa2_dk = -four_pi_lb * np.einsum("ni,nij,nj->n", x, da0, x)  # A0 symmetric
    return ratio, kappa2 / kappa_d2, 1 + dkappa2_dk / (2 * k)
