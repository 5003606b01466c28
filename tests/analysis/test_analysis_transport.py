"""Transport from MD (analysis.onsager, analysis.transport_weights) on Brownian dynamics.

The trajectories are generated here with prescribed diffusivities: free cations (D+), free
anions (D-), rigid neutral cation–anion pairs moving as one body (D_pair) and neutral solvent
particles (D_solv). Every particle's barycentric displacement is a linear combination
sum_u C[a, u] dr_u of the independent Brownian displacements dr_u of the moving units
(<|dr_u|^2> = 6 D_u t), so every expectation is known in closed form:

    slope <dR_i . dR_j> = 6 sum_u G_iu G_ju D_u,   G_iu = sum_{a in i} C[a, u]

(an independent route: linear algebra on the construction, no MSD estimator). In the lab frame
this is the textbook answer L_++ = (N_f D+ + P D_p)/(V kT), L_+- = P D_p/(V kT),
sigma = e^2 N_f (D+ + D-)/(V kT), t+ = D+/(D+ + D-); in the barycentric frame the L_ij and t+
shift by the ions' share of the mass (sigma does not), which the exact expression includes.
"""

from __future__ import annotations

import warnings

import numpy as np
import pytest

from ionscales import ParameterError, ValidityWarning
from ionscales.analysis import load_arrays
from ionscales.analysis.transport import (
    cross_msd,
    cross_msd_direct,
    diffusive_window,
    local_exponent,
    onsager,
    transport_weights,
)
from ionscales.constants import boltzmann, elementary_charge
from ionscales.results import check_labelled, open_dataset, to_netcdf

T = 300.0
E2 = elementary_charge**2
PAIR_OFFSET = np.array([2.5e-10, 0.0, 0.0])


def brownian_system(
    seed=3,
    n_free=8,
    n_pairs=32,
    n_solvent=64,
    frames=5000,
    dt=1e-12,
    d_cat=2e-9,
    d_an=1e-9,
    d_pair=0.5e-9,
    d_solv=3e-9,
    box=4e-9,
    m_ion=1e-26,
    m_solv=3e-26,
    caged=False,
):
    """Unwrapped BD positions of free ions, rigid pairs and solvent, with the construction."""
    rng = np.random.default_rng(seed)
    kinds = ["cat"] * n_free + ["an"] * n_free + ["pair"] * n_pairs + ["solv"] * n_solvent
    d_of = {"cat": d_cat, "an": d_an, "pair": d_pair, "solv": d_solv}
    d_unit = np.array([d_of[k] for k in kinds])
    steps = rng.normal(size=(frames, len(kinds), 3)) * np.sqrt(2 * d_unit * dt)[None, :, None]
    steps[0] = 0.0
    start = rng.uniform(0, box, size=(len(kinds), 3))
    if caged:  # Ornstein-Uhlenbeck: every unit tied to its start (MSD saturates, never diffusive)
        x = np.zeros((frames, len(kinds), 3))
        for t in range(1, frames):
            x[t] = 0.9 * x[t - 1] + steps[t]
        units = start[None] + x
    else:
        units = start[None] + np.cumsum(steps, axis=0)
    pos, species, charges, masses, unit = [], [], [], [], []

    def add(k, p, s, q, m):
        pos.append(p)
        species.append(s)
        charges.append(q)
        masses.append(m)
        unit.append(k)

    for k, kind in enumerate(kinds):
        if kind == "cat":
            add(k, units[:, k], "cation", 1.0, m_ion)
        elif kind == "an":
            add(k, units[:, k], "anion", -1.0, m_ion)
        elif kind == "pair":
            add(k, units[:, k], "cation", 1.0, m_ion)
            add(k, units[:, k] + PAIR_OFFSET, "anion", -1.0, m_ion)
        else:
            add(k, units[:, k], "solvent", 0.0, m_solv)
    return {
        "positions": np.stack(pos, axis=1),
        "species": np.array(species),
        "charges": np.array(charges),
        "masses": np.array(masses),
        "unit": np.array(unit),
        "d_unit": d_unit,
        "dt": dt,
        "box": box,
        "frames": frames,
        "n_pairs": n_pairs,
    }


def as_trajectory(s, *, unwrapped=True, temperature=T, positions=None):
    pos = s["positions"] if positions is None else positions
    return load_arrays(
        pos,
        box=[s["box"]] * 3,
        species=s["species"],
        charges=s["charges"],
        times=np.arange(s["frames"]) * s["dt"],
        masses=s["masses"],
        unwrapped=unwrapped,
        temperature=temperature,
    )


def exact(s):
    """Exact barycentric expectations of the constructed system (see module docstring)."""
    n_part, n_unit = len(s["species"]), len(s["d_unit"])
    a = np.zeros((n_part, n_unit))
    a[np.arange(n_part), s["unit"]] = 1.0
    c = a - (s["masses"] @ a / s["masses"].sum())[None, :]
    names = ["cation", "anion"]
    member = np.array([(s["species"] == n).astype(float) for n in names])
    g = member @ c
    d = s["d_unit"]
    kt_v = boltzmann * T * s["box"] ** 3
    lij = (g * d) @ g.T / kt_v
    lself = member @ (c**2 @ d) / kt_v
    counts = member.sum(axis=1)
    z = np.array([1.0, -1.0])
    sigma = E2 * z @ lij @ z
    sigma_ne = E2 * np.sum(z**2 * lself)
    # clusters: every free ion alone (z = +-1), every pair neutral (z = 0)
    free = np.array([np.sum(s["unit"] == u) == 1 for u in s["unit"]]) & (s["species"] != "solvent")
    sigma_cluster = E2 * np.sum(c[free] ** 2 @ d) / kt_v
    return {
        "L": lij,
        "Lself": lself,
        "D": lself * kt_v / counts,
        "sigma": sigma,
        "sigma_ne": sigma_ne,
        "t_plus": (lij[0, 0] - lij[0, 1]) / (lij[0, 0] - 2 * lij[0, 1] + lij[1, 1]),
        "t_apparent": lself[0] / lself.sum(),
        "deviation": 1 - sigma / sigma_ne,
        "sigma_cluster": sigma_cluster,
    }


def pair_labels(s):
    """Cluster label per ion and frame: the construction's unit (pairs share one)."""
    ion = s["species"] != "solvent"
    # Trajectory orders ions cations first, then anions, each in input order
    unit = s["unit"][ion]
    sp = s["species"][ion]
    order = np.concatenate([np.nonzero(sp == "cation")[0], np.nonzero(sp == "anion")[0]])
    return np.broadcast_to(unit[order], (s["frames"], order.size)).astype(np.int64)


def within(value, stderr, expected, k=3.0):
    value, stderr = np.asarray(value, float), np.asarray(stderr, float)
    assert np.all(np.isfinite(stderr)) and np.all(stderr > 0)
    assert np.all(np.abs(value - expected) <= k * stderr), (value, stderr, expected)


# -------------------------------------------------------------------------------- kernels


def test_fft_cross_msd_equals_direct_loop():
    rng = np.random.default_rng(0)
    x = rng.normal(size=(257, 5, 3)).cumsum(axis=0)
    y = x + rng.normal(size=(257, 5, 3)).cumsum(axis=0)
    for a, b in ((x, None), (x, y), (x[:, 0], y[:, 1])):
        fft = cross_msd(a, b)
        direct = cross_msd_direct(a, b)
        np.testing.assert_allclose(fft, direct, rtol=1e-9, atol=1e-9 * np.abs(direct).max())


def test_fft_msd_of_ballistic_motion_is_exact():
    # x(t) = v t: MSD(m) = |v|^2 m^2 exactly for every lag, local exponent exactly 2
    v = np.array([1.0, -2.0, 0.5])
    x = np.arange(100)[:, None] * v
    np.testing.assert_allclose(cross_msd(x), np.arange(100) ** 2 * (v @ v), rtol=1e-9, atol=1e-6)
    np.testing.assert_allclose(local_exponent(cross_msd(x))[1:], 2.0, rtol=1e-9)


def test_diffusive_window_rejects_ballistic_and_short():
    lags = np.arange(41.0)
    with pytest.raises(ParameterError, match="diffusive window"):
        diffusive_window(lags**2)
    with pytest.raises(ParameterError, match="too few frames"):
        diffusive_window(lags[:3])
    # ballistic start then diffusive: the window starts after the crossover
    msd = np.where(lags < 4, lags**2, 8 * lags - 16)
    m_a, m_b = diffusive_window(msd, tolerance=0.1)
    assert m_b == 40 and 4 <= m_a <= 20


# -------------------------------------------------------------------------------- onsager


@pytest.fixture(scope="module")
def paired():
    s = brownian_system()
    return s, exact(s), onsager(as_trajectory(s), clusters=pair_labels(s))


def test_onsager_coefficients_of_pairs_and_free_ions(paired):
    s, ex, ds = paired
    l_val, l_err = ds.onsager_coefficient.values, ds.onsager_coefficient_stderr.values
    within(l_val, l_err, ex["L"])
    # L_+- is positive (the pairs) and clearly resolved: the test can tell pairs from free ions
    assert l_val[0, 1] > 3 * l_err[0, 1]
    np.testing.assert_allclose(l_val, l_val.T)
    within(ds.diffusivity, ds.diffusivity_stderr, ex["D"])
    within(ds.onsager_coefficient_self, ds.onsager_coefficient_self_stderr, ex["Lself"])


def test_conductivity_and_transference_of_pairs_and_free_ions(paired):
    s, ex, ds = paired
    within(ds.conductivity, ds.conductivity_stderr, ex["sigma"])
    within(ds.conductivity_nernst_einstein, ds.conductivity_nernst_einstein_stderr, ex["sigma_ne"])
    within(ds.nernst_einstein_deviation, ds.nernst_einstein_deviation_stderr, ex["deviation"])
    within(ds.transference_number, ds.transference_number_stderr, ex["t_plus"])
    within(
        ds.transference_number_apparent, ds.transference_number_apparent_stderr, ex["t_apparent"]
    )
    # sigma does not depend on the frame (neutral system): the lab-frame textbook value
    # e^2 N_f (D+ + D-)/(V kT) holds exactly; t+ does (the ions carry 29% of the mass here):
    # barycentric 0.618 versus D+/(D+ + D-) = 2/3 in the lab (solvent-fixed) frame
    kt_v = boltzmann * T * s["box"] ** 3
    assert ex["sigma"] == pytest.approx(E2 * 8 * (2e-9 + 1e-9) / kt_v, rel=1e-12)
    heavy = dict(s, masses=np.where(s["species"] == "solvent", 1e-20, s["masses"]))
    assert exact(heavy)["t_plus"] == pytest.approx(2 / 3, rel=1e-4)
    # errors are not absurd: a few per cent to tens of per cent for this short run
    for name in ("conductivity", "conductivity_nernst_einstein", "transference_number"):
        rel = float(ds[f"{name}_stderr"] / abs(ds[name]))
        assert 1e-3 < rel < 0.5, (name, rel)


def test_conductivity_parts_add_up(paired):
    _, _, ds = paired
    parts = ds.conductivity_component
    assert list(parts.conductivity_part.values) == [
        "self",
        "distinct_cation_cation",
        "distinct_cation_anion",
        "distinct_anion_anion",
    ]
    assert float(parts.sum()) == pytest.approx(float(ds.conductivity), rel=1e-10)
    assert float(parts.sel(conductivity_part="self")) == pytest.approx(
        float(ds.conductivity_nernst_einstein), rel=1e-10
    )
    # the pairs' correlated motion is the negative cation-anion distinct part
    val = float(parts.sel(conductivity_part="distinct_cation_anion"))
    err = float(ds.conductivity_component_stderr.sel(conductivity_part="distinct_cation_anion"))
    assert val < -3 * err


def test_cluster_resolved_conductivity_removes_pairing_deviation(paired):
    _, ex, ds = paired
    within(ds.conductivity_cluster, ds.conductivity_cluster_stderr, ex["sigma_cluster"])
    # neutral pairs carry no current: the cluster sum explains the whole NE deviation
    within(ds.cluster_nernst_einstein_deviation, ds.cluster_nernst_einstein_deviation_stderr, 0.0)
    assert float(ds.nernst_einstein_deviation) > 3 * float(ds.nernst_einstein_deviation_stderr)


def test_free_ions_obey_nernst_einstein():
    s = brownian_system(seed=11, n_pairs=0, n_free=24)
    ex = exact(s)
    ds = onsager(as_trajectory(s))
    within(ds.onsager_coefficient, ds.onsager_coefficient_stderr, ex["L"])
    within(ds.nernst_einstein_deviation, ds.nernst_einstein_deviation_stderr, ex["deviation"])
    assert abs(ex["deviation"]) < 0.05  # barycentric O(1/N) only
    within(ds.transference_number, ds.transference_number_stderr, ex["t_plus"])


def test_window_reported_and_overridable(paired):
    s, ex, ds = paired
    dt = s["dt"]
    assert ds.attrs["window_source"] == "automatic"
    assert ds.attrs["window_start"] == pytest.approx(dt)  # Brownian: diffusive from the first lag
    assert ds.attrs["window_end"] == pytest.approx((s["frames"] // 10 // 4) * dt)
    assert "log2(MSD(2t)/MSD(t))" in ds.attrs["window_rule"]
    alpha = ds.msd_exponent.isel(lag_time=slice(1, 60)).values
    np.testing.assert_allclose(alpha, 1.0, atol=0.1)
    user = onsager(as_trajectory(s), window=(5 * dt, 100 * dt))
    assert user.attrs["window_source"] == "user"
    assert user.attrs["window_end"] == pytest.approx(100 * dt)
    within(user.conductivity, user.conductivity_stderr, ex["sigma"])


def test_result_is_labelled_and_round_trips(paired, tmp_path):
    _, _, ds = paired
    check_labelled(ds)
    for name in ("conductivity", "transference_number", "diffusivity", "onsager_coefficient"):
        assert f"{name}_stderr" in ds
    assert ds.conductivity.attrs["units"] == "S/m"
    assert ds.diffusivity.attrs["units"] == "m^2/s"
    to_netcdf(ds, tmp_path / "onsager.nc")
    back = open_dataset(tmp_path / "onsager.nc")
    np.testing.assert_array_equal(back.onsager_coefficient.values, ds.onsager_coefficient.values)
    assert back.attrs["window_rule"] == ds.attrs["window_rule"]


@pytest.mark.slow
def test_standard_errors_are_calibrated():
    # over independent seeds, (estimate - exact) / stderr has an rms near 1 (t with 9 dof:
    # 1.13); a stderr that is too small (rms >> 1) or absurdly large (rms << 1) fails
    z = []
    for seed in range(20, 28):
        s = brownian_system(seed=seed, frames=3000, n_solvent=16)
        ex = exact(s)
        ds = onsager(as_trajectory(s))
        for name, key in (
            ("conductivity", "sigma"),
            ("transference_number", "t_plus"),
            ("conductivity_nernst_einstein", "sigma_ne"),
        ):
            z.append((float(ds[name]) - ex[key]) / float(ds[f"{name}_stderr"]))
    rms = float(np.sqrt(np.mean(np.square(z))))
    assert 0.5 < rms < 1.8, z


# -------------------------------------------------------------------------------- bad input


def test_too_few_frames_for_a_diffusive_window():
    s = brownian_system(frames=60, n_solvent=4)
    with pytest.raises(ParameterError, match="too few frames"):
        onsager(as_trajectory(s))


def test_caged_motion_has_no_diffusive_window():
    s = brownian_system(frames=2000, n_solvent=4, caged=True)
    with pytest.raises(ParameterError, match="diffusive window"):
        onsager(as_trajectory(s))


def test_wrapped_input_detected():
    s = brownian_system(frames=2000, n_solvent=4)
    wrapped = np.mod(s["positions"], s["box"])
    with pytest.raises(ParameterError, match="wrapped"):
        onsager(as_trajectory(s, unwrapped=False, positions=wrapped))


def test_missing_temperature_and_bad_options():
    s = brownian_system(frames=400, n_solvent=4)
    with pytest.raises(ParameterError, match="temperature"):
        onsager(as_trajectory(s, temperature=None))
    traj = as_trajectory(s)
    with pytest.raises(ParameterError, match="blocks"):
        onsager(traj, blocks=1)
    with pytest.raises(ParameterError, match="window"):
        onsager(traj, window=(0.0, 1.0))
    with pytest.raises(ParameterError, match="clusters"):
        onsager(traj, clusters=np.zeros((3, 3), dtype=int))


# -------------------------------------------------------------------------------- weights

A_LATTICE = 0.4e-9  # hop length between solvent sites [m]
SHELL = 0.3e-9  # shell radius [m]: the own site's solvent (0.2 nm) is in, the next (0.45 nm) out


def lane_and_lattice(
    seed=5, n_vehicle=8, n_hop=16, frames=6000, dt=1e-12, d_vehicle=2e-9, p_hop=0.02
):
    """Vehicular cations (rigid pairs sliding along x in separate lanes) and structural cations
    (hopping between static solvent sites of a square lattice) in one box.

    Exact (lab frame; the heavy static solvent pins the centre of mass): MSD slopes
    s_v = 2 D_vehicle (1-D), s_h = p_hop a^2 / dt; co-motion f = N_v s_v/(N_v s_v + N_h s_h)
    (a vehicle's shell is its anion, dr_shell = dr_+; a hopper's shell is a static solvent);
    collective = N_v s_v / (2 N_v s_v + N_h s_h) (the pairs' L_+- against all self terms).
    """
    rng = np.random.default_rng(seed)
    box = 6.4e-9
    n_site = int(round(box / A_LATTICE))
    sites = (
        np.stack(np.meshgrid(np.arange(n_site), np.arange(n_site), indexing="ij"), -1).reshape(
            -1, 2
        )
        * A_LATTICE
        + A_LATTICE / 2
    )
    # vehicles: lane k at y = 0.8 nm k, plane z = 4.5 nm, anion 0.25 nm above its cation
    x_v = rng.uniform(0, box, n_vehicle) + np.cumsum(
        rng.normal(size=(frames, n_vehicle)) * np.sqrt(2 * d_vehicle * dt), axis=0
    )
    cat_v = np.stack(
        [
            x_v,
            np.broadcast_to(0.8e-9 * np.arange(n_vehicle) + 0.2e-9, x_v.shape),
            np.full(x_v.shape, 4.5e-9),
        ],
        -1,
    )
    an_v = cat_v + np.array([0.0, 0.0, 0.25e-9])
    # hoppers: on lattice sites in the plane z = 2.0 nm; each frame a hop to one of 4 neighbours
    moves = np.array([[1, 0], [-1, 0], [0, 1], [0, -1]]) * A_LATTICE
    hop = (rng.random((frames, n_hop)) < p_hop)[..., None] * moves[
        rng.integers(0, 4, (frames, n_hop))
    ]
    hop[0] = 0
    xy = sites[rng.choice(len(sites), n_hop, replace=False)] + np.cumsum(hop, axis=0)
    cat_h = np.concatenate([xy, np.full((frames, n_hop, 1), 2.0e-9)], -1)
    an_h = np.broadcast_to(
        np.concatenate([rng.uniform(0, box, (n_hop, 2)), np.full((n_hop, 1), 0.5e-9)], -1),
        (frames, n_hop, 3),
    )
    solv = np.broadcast_to(
        np.concatenate([sites, np.full((len(sites), 1), 2.2e-9)], -1), (frames, len(sites), 3)
    )
    pos = np.concatenate([cat_v, cat_h, an_v, an_h, solv], axis=1)
    species = (
        ["cation"] * (n_vehicle + n_hop)
        + ["anion"] * (n_vehicle + n_hop)
        + ["solvent"] * len(sites)
    )
    charges = [1.0] * (n_vehicle + n_hop) + [-1.0] * (n_vehicle + n_hop) + [0.0] * len(sites)
    masses = np.array([1e-26] * (2 * (n_vehicle + n_hop)) + [1e-22] * len(sites))
    traj = load_arrays(
        pos,
        box=[box] * 3,
        species=species,
        charges=charges,
        times=np.arange(frames) * dt,
        masses=masses,
        unwrapped=True,
        temperature=T,
    )
    s_v, s_h = 2 * d_vehicle, p_hop * A_LATTICE**2 / dt
    nv, nh = n_vehicle * s_v, n_hop * s_h
    return traj, {"comotion": nv / (nv + nh), "collective": nv / (2 * nv + nh)}


def test_transport_weights_of_vehicles_and_hoppers():
    traj, ex = lane_and_lattice()
    # the vehicles never lose their anion: that residence time is unresolved (NaN, warned)
    with pytest.warns(ValidityWarning, match="anion"):
        ds = transport_weights(traj, shell_radius=SHELL)
    f, w_c = ex["comotion"], ex["collective"]
    within(ds.shell_comotion, ds.shell_comotion_stderr, f)
    within(ds.collective_weight, ds.collective_weight_stderr, w_c)
    within(ds.vehicular_weight, ds.vehicular_weight_stderr, (1 - w_c) * f)
    within(ds.structural_weight, ds.structural_weight_stderr, (1 - w_c) * (1 - f))
    total = ds.vehicular_weight + ds.structural_weight + ds.collective_weight
    assert float(total) == pytest.approx(1.0, abs=1e-12)
    assert ds.shell_diameter.attrs["units"] == "m"
    assert float(ds.shell_diameter) == pytest.approx(2 * SHELL)
    # a hopper leaves its site with probability p per frame: C_c(t) = (1 - p)^t, 1/e time
    # -dt / ln(1 - p); the Self-Fong-Persson ratio divides it by tau_D
    tau = -1e-12 / np.log(1 - 0.02)
    res = ds.residence_time.sel(partner="solvent")
    assert float(res) == pytest.approx(tau, rel=0.1)
    assert np.isnan(float(ds.residence_time.sel(partner="anion")))
    ratio = float(ds.vehicular_ratio.sel(partner="solvent"))
    assert ratio == pytest.approx(float(res / ds.shell_diffusion_time), rel=1e-12)
    check_labelled(ds)


def test_transport_weight_limits_are_exact():
    # only vehicles: every shell moves exactly with its cation -> co-motion 1
    traj, _ = lane_and_lattice(n_hop=0 + 1, p_hop=0.0)
    ds = transport_weights(traj, shell_radius=SHELL, residence=False)
    assert float(ds.shell_comotion) == pytest.approx(1.0, abs=0.02)  # one static hopper left in
    # only hoppers: the partners never move -> co-motion 0 (up to the tiny barycentric shift)
    # (the anions are static: no diffusive regime of their own, so the window is given)
    traj, _ = lane_and_lattice(n_vehicle=1, d_vehicle=1e-14, p_hop=0.05)
    ds = transport_weights(traj, shell_radius=SHELL, window=(1e-12, 100e-12), residence=False)
    assert abs(float(ds.shell_comotion)) < 0.02
    # independent hoppers: no distinct correlations (|noise| only), all the rest structural
    within(ds.collective_weight, ds.collective_weight_stderr, 0.0)
    within(ds.structural_weight, ds.structural_weight_stderr, 1.0)


def test_transport_weights_bad_input():
    traj, _ = lane_and_lattice(frames=2000)
    with pytest.raises(ParameterError, match="partners"):
        transport_weights(traj, shell_radius=SHELL, partners=["water"])
    with pytest.raises(ParameterError, match="shell_radius"):
        transport_weights(traj, shell_radius=-1.0)


def test_cluster_conductivity_from_the_contact_graph(paired):
    # analysis' cation-anion contact graph finds the rigid pairs (0.25 nm apart) by itself;
    # random contacts between free ions (a few per cent) barely change sigma_cluster
    s, ex, ds_labels = paired
    ds = onsager(as_trajectory(s), clusters="contact", cutoff=0.3e-9)
    assert ds.attrs["cluster_contact_radius"] == pytest.approx(0.3e-9)
    within(ds.conductivity_cluster, ds.conductivity_cluster_stderr, ex["sigma_cluster"])
    # all-singleton clusters would give sigma_NE instead: clearly excluded
    assert abs(float(ds.conductivity_cluster) - ex["sigma_ne"]) > 3 * float(
        ds.conductivity_cluster_stderr
    )


def test_ion_only_barycentric_transference_is_set_by_the_masses():
    # without solvent, momentum conservation in the barycentric frame ties the species:
    # m+ dR+ + m- dR- = 0 at every frame, so L+- = -(m+/m-) L++, L-- = (m+/m-)^2 L++ and
    # t+ = m- / (m+ + m-) exactly, whatever the diffusivities (Li+ 6.94 u, PF6- 144.96 u)
    s = brownian_system(n_solvent=0, frames=1200)
    m_li, m_pf6 = 6.94, 144.96
    masses = np.where(s["species"] == "cation", m_li, m_pf6) * 1.66053906660e-27
    s = dict(s, masses=masses)
    ds = onsager(as_trajectory(s))
    assert float(ds.transference_number) == pytest.approx(m_pf6 / (m_li + m_pf6), rel=1e-9)
    lij = ds.onsager_coefficient.values
    assert lij[0, 1] == pytest.approx(-(m_li / m_pf6) * lij[0, 0], rel=1e-9)


def test_fft_msd_is_accurate_far_from_the_origin():
    # positions 1 um away from the origin, steps of 0.1 nm: the FFT route must not lose the
    # small displacements to cancellation against |x|^2 ~ 1e-12 m^2
    rng = np.random.default_rng(4)
    x = 1e-6 + np.cumsum(rng.normal(size=(500, 4, 3)) * 1e-10, axis=0)
    np.testing.assert_allclose(cross_msd(x)[1:], cross_msd_direct(x)[1:], rtol=1e-8)


def test_self_msd_agrees_with_mdanalysis_einstein_msd():
    # an independent implementation: MDAnalysis' EinsteinMSD (direct windowed average over
    # all origins) on the same unwrapped positions
    mda = pytest.importorskip("MDAnalysis")
    from MDAnalysis.analysis.msd import EinsteinMSD
    from MDAnalysis.coordinates.memory import MemoryReader

    rng = np.random.default_rng(9)
    pos = np.cumsum(rng.normal(size=(300, 12, 3)), axis=0) + 50.0  # Angstrom
    u = mda.Universe.empty(12, trajectory=True)
    u.load_new(pos.astype(np.float64), format=MemoryReader, dimensions=[200.0] * 3 + [90.0] * 3)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # MDAnalysis notes about missing atom attributes
        ref = EinsteinMSD(u, select="all", msd_type="xyz", fft=False).run().results.timeseries
    ours = cross_msd(u.trajectory.timeseries(order="fac").astype(float)) / 12
    np.testing.assert_allclose(ours[1:], ref[1:], rtol=1e-6)
