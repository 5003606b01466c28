"""Mean-field slit pore, single-file transfer matrix and confinement regimes."""

from __future__ import annotations

import itertools
import math

import numpy as np
import pytest
import xarray as xr
from scipy import integrate

from ionscales import presets
from ionscales.constants import boltzmann, elementary_charge, vacuum_permittivity
from ionscales.errors import ParameterError, ValidityWarning
from ionscales.results import open_dataset, to_netcdf
from ionscales.theory import confinement as cf
from ionscales.units import M, nm

T = 298.15
KT = boltzmann * T


def mean_field(v, h, coupling):
    """Dimensionless mean-field solution at reduced voltage v (c_max = 1, widths irrelevant)."""
    return cf._mean_field_charging(
        np.asarray(v, float) * KT / elementary_charge,
        1.0,
        0.5,
        2.0,
        -math.log(h),
        T,
        1.0,
        coupling=coupling,
    )


# ------------------------------------------------------------------ closed forms
@pytest.mark.parametrize(
    "h,E", [(10.0, 5.0), (0.2, 5.0), (0.3, 5.0), (1e-3, 5.0), (1.0, 0.0), (0.05, 40.0)]
)
def test_zero_voltage_capacitance_closed_form(h, E):
    x0 = 2 * h / (1 + 2 * h)
    assert mean_field(0.0, h, E)["capacitance_dimensionless"] == pytest.approx(
        x0 / (1 + E * x0), rel=1e-12
    )


def test_reference_numbers_of_the_notes():
    assert mean_field(0.0, 10.0, 5.0)["capacitance_dimensionless"] == pytest.approx(
        0.165289, abs=1e-6
    )
    assert mean_field(0.0, 0.2, 5.0)["capacitance_dimensionless"] == pytest.approx(
        0.11765, abs=1e-5
    )
    for h, w in [(0.2, 4.44228), (0.3, 4.17156), (1e-3, 8.82246)]:
        assert mean_field(15.0, h, 5.0)["energy_dimensionless"] == pytest.approx(w, abs=1e-5)


@pytest.mark.parametrize("h", [0.05, 0.2, 0.24, 0.26, 0.3, 1.0, 10.0])
@pytest.mark.parametrize("E", [0.0, 2.0, 20.0])
def test_camel_iff_x0_below_one_third(h, E):
    x0 = 2 * h / (1 + 2 * h)
    c = mean_field(np.array([0.0, 0.05]), h, E)["capacitance_dimensionless"]
    camel = c[1] > c[0]
    assert camel == (x0 < 1 / 3)


def test_ionophobic_peak_position_and_height():
    h, E = 1e-6, 5.0
    v = np.linspace(10, 20, 100001)
    c = mean_field(v, h, E)["capacitance_dimensionless"]
    i = int(np.argmax(c))
    assert c[i] == pytest.approx(1 / (4 + E), rel=1e-5)
    assert v[i] == pytest.approx(math.log(1 / h) + E / 2, abs=1e-3)


def test_capacitance_is_derivative_of_charge_and_energy_routes_agree():
    v = np.linspace(0, 15, 30001)
    for h in (0.2, 1e-3, 3.0):
        out = mean_field(v, h, 5.0)
        q = -out["rho"]
        dq = np.gradient(q, v)
        np.testing.assert_allclose(out["capacitance_dimensionless"][1:-1], dq[1:-1], atol=1e-6)
        # W = ∫ v C dv  and  W = v Q - ∫ Q dv  (closed form used in the code)
        w_int = integrate.cumulative_trapezoid(v * out["capacitance_dimensionless"], v, initial=0)
        w_q = v * q - integrate.cumulative_trapezoid(q, v, initial=0)
        np.testing.assert_allclose(out["energy_dimensionless"], w_int, atol=2e-6)
        np.testing.assert_allclose(out["energy_dimensionless"], w_q, atol=2e-6)


def test_symmetry_and_occupancy_bounds():
    v = np.linspace(-30, 30, 121)
    out = mean_field(v, 0.5, 8.0)
    np.testing.assert_allclose(out["rho"], -out["rho"][::-1], atol=1e-14)
    assert np.all(
        (out["x_plus"] >= 0) & (out["x_minus"] >= 0) & (out["x_plus"] + out["x_minus"] <= 1)
    )
    # at large positive voltage the pore fills with anions (counter-ions of a positive electrode)
    assert out["x_minus"][-1] > 0.99 and out["x_plus"][-1] < 1e-6


def test_slit_pore_model_units_and_geometric_limit():
    pore = cf.SlitPore(width=0.7 * nm, ion_diameter=0.5 * nm, permittivity=2.0, ionophobicity=-8.0)
    ds = pore.charge(np.array([0.0]))
    c_max = 2 / (math.sqrt(3) * (0.5 * nm) ** 2)
    E = (
        math.pi
        * elementary_charge**2
        / (4 * math.pi * vacuum_permittivity * 2.0 * KT)
        * c_max
        * 0.7
        * nm
        * cf.sheet_coupling_factor(0.5 / 0.7)
    )
    assert pore.coupling == pytest.approx(E, rel=1e-12)
    x0 = pore.zero_voltage_occupancy
    c0 = elementary_charge**2 * c_max / KT * x0 / (1 + E * x0) / 2  # per wall area
    assert float(ds["capacitance"][0]) == pytest.approx(c0, rel=1e-12)
    # ionophilic, strongly coupled: series combination -> geometric capacitance of the sheet
    # (per wall area 2 eps0 eps_r / (L a(d/L)))
    geo = 2 * vacuum_permittivity * 2.0 / (0.7 * nm * cf.sheet_coupling_factor(0.5 / 0.7))
    assert float(ds["capacitance"][0]) == pytest.approx(geo / (1 + 1 / (E * x0)), rel=1e-12)
    assert ds["surface_charge"].attrs["units"] == "C/m^2"


def test_charge_dataset_round_trips_netcdf(tmp_path):
    pore = cf.SlitPore(width=0.7 * nm, ion_diameter=0.5 * nm, ionophobicity=1.0)
    ds = pore.charge(np.linspace(-1, 1, 11))
    path = tmp_path / "pore.nc"
    to_netcdf(ds, path)
    xr.testing.assert_identical(open_dataset(path), ds)


def test_capacitance_map_matches_model_and_handles_sieving():
    widths = np.array([0.4, 0.5, 0.6, 0.9]) * nm
    u = np.linspace(-1, 1, 7)
    m = cf.capacitance_map(widths, u, 0.5 * nm, ionophobicity=2.0)
    assert list(m["accessible"].values) == [0, 0, 1, 1]
    assert np.all(m["capacitance"].values[:2] == 0)
    pore = cf.SlitPore(width=0.6 * nm, ion_diameter=0.5 * nm, ionophobicity=2.0)
    np.testing.assert_allclose(
        m["capacitance"].sel(width=0.6 * nm).values,
        pore.charge(u)["capacitance"].values,
        rtol=1e-12,
    )


def test_pore_size_average_is_area_weighted():
    widths = np.array([0.55, 0.65, 0.75]) * nm
    weights = np.array([1.0, 2.0, 1.0])
    u = np.linspace(0, 1, 5)
    avg = cf.pore_size_average(u, widths, weights, 0.5 * nm)
    parts = [cf.capacitance_map([w], u, 0.5 * nm)["capacitance"].values[0] for w in widths]
    np.testing.assert_allclose(
        avg["capacitance"].values, (parts[0] + 2 * parts[1] + parts[2]) / 4, rtol=1e-12
    )
    # monodisperse distribution reproduces the single pore
    single = cf.pore_size_average(u, widths, [0, 1, 0], 0.5 * nm)
    np.testing.assert_allclose(
        single["stored_energy"].values,
        cf.capacitance_map([widths[1]], u, 0.5 * nm)["stored_energy"].values[0],
        rtol=1e-12,
    )


def test_bad_input_raises_parameter_error():
    with pytest.raises(ParameterError, match="width"):
        cf.SlitPore(width=0.5 * nm, ion_diameter=0.5 * nm)
    with pytest.raises(ParameterError, match="width"):
        cf.SlitPore(width=0.4 * nm, ion_diameter=0.5 * nm)
    pore = cf.SlitPore(width=0.7 * nm, ion_diameter=0.5 * nm)
    with pytest.raises(ParameterError, match="voltage"):
        pore.charge([0.1, np.nan])
    with pytest.raises(ParameterError, match="voltage"):
        pore.charge([np.inf])
    with pytest.raises(ParameterError, match="r"):
        cf.slit_interaction(-1e-9, 1e-9, 2.0)
    with pytest.raises(ParameterError, match="z"):
        cf.slit_interaction(1e-9, 1e-9, 2.0, z=1.2e-9)
    with pytest.raises(ParameterError, match="packing"):
        cf.SlitPore(width=0.7 * nm, ion_diameter=0.5 * nm, packing="cubic")
    with pytest.warns(ValidityWarning):
        cf.SlitPore(width=1.2 * nm, ion_diameter=0.5 * nm)


# ------------------------------------------------------------------ single-file chain
def ring_average(N, J, w, v):
    """Brute-force enumeration of a periodic ring of N sites: (<s> per site, Z)."""
    s = np.array(list(itertools.product((-1, 0, 1), repeat=N)), dtype=float)
    energy = (
        J * np.sum(s * np.roll(s, -1, axis=1), axis=1)
        + w * np.sum(s**2, axis=1)
        + v * np.sum(s, axis=1)
    )
    weight = np.exp(-energy)
    z = float(np.sum(weight))
    return float(np.sum(weight * s.mean(axis=1)) / z), z


def transfer_trace(N, J, w, v):
    s = np.array([-1.0, 0.0, 1.0])
    T = np.exp(
        -(
            J * np.outer(s, s)
            + 0.5 * w * (s[:, None] ** 2 + s[None, :] ** 2)
            + 0.5 * v * (s[:, None] + s[None, :])
        )
    )
    return np.trace(np.linalg.matrix_power(T, N))


def test_transfer_matrix_against_enumeration():
    # a ring's partition function is exactly Tr T^N
    for J, w, v in [(3.0, -1.0, 2.0), (1.0, 0.5, 0.7), (-0.5, 0.2, -1.0)]:
        mean, z = ring_average(8, J, w, v)
        assert z == pytest.approx(transfer_trace(8, J, w, v), rel=1e-12)
    # the infinite chain is the N -> inf limit of the ring: finite-size corrections decay
    # like (lambda_2/lambda_max)^N
    J, w, v = 1.0, 0.5, 0.7
    inf_chain = cf.transfer_matrix_chain(v, coupling=J, ionophobicity=w)["mean_charge"]
    assert inf_chain == pytest.approx(-0.1437065, abs=1e-7)
    m10, _ = ring_average(10, J, w, v)
    assert m10 == pytest.approx(-0.1435190, abs=1e-6)
    # exact finite-ring mean by the trace formula Tr(S T^N)/Tr(T^N) equals enumeration, and
    # tends to the infinite chain (finite-size corrections ~ (lambda_2/lambda_max)^N)
    assert ring_mean_by_trace(10, J, w, v) == pytest.approx(m10, rel=1e-12)
    assert ring_mean_by_trace(200, J, w, v) == pytest.approx(inf_chain, abs=1e-12)


def ring_mean_by_trace(N, J, w, v):
    s = np.array([-1.0, 0.0, 1.0])
    T = np.exp(
        -(
            J * np.outer(s, s)
            + 0.5 * w * (s[:, None] ** 2 + s[None, :] ** 2)
            + 0.5 * v * (s[:, None] + s[None, :])
        )
    )
    T = T / np.max(np.linalg.eigvalsh(T))
    TN = np.linalg.matrix_power(T, N)
    return np.trace(np.diag(s) @ TN) / np.trace(TN)


def test_transfer_matrix_langmuir_limit_and_capacitance():
    v = np.linspace(-5, 5, 41)
    for w in (-2.0, 0.0, 3.0):
        h = math.exp(-w)
        res = cf.transfer_matrix_chain(v, coupling=0.0, ionophobicity=w)
        np.testing.assert_allclose(
            res["mean_charge"], -2 * h * np.sinh(v) / (1 + 2 * h * np.cosh(v)), atol=1e-12
        )
        np.testing.assert_allclose(
            res["occupancy"], 2 * h * np.cosh(v) / (1 + 2 * h * np.cosh(v)), atol=1e-12
        )
        np.testing.assert_allclose(
            res["capacitance"],
            2 * h * (np.cosh(v) + 2 * h) / (1 + 2 * h * np.cosh(v)) ** 2,
            atol=1e-8,
        )
    # Hellmann-Feynman: <s> = -d ln lambda / dv
    J, w = 2.0, 0.3
    g = cf.transfer_matrix_chain(v, coupling=J, ionophobicity=w)
    step = 1e-6
    d = (
        cf.transfer_matrix_chain(v + step, coupling=J, ionophobicity=w)["grand_potential"]
        - cf.transfer_matrix_chain(v - step, coupling=J, ionophobicity=w)["grand_potential"]
    ) / (2 * step)
    np.testing.assert_allclose(g["mean_charge"], d, atol=1e-8)


def test_single_file_pore_uses_cylinder_coupling():
    pore = cf.SingleFilePore(
        radius=0.4 * nm, ion_diameter=0.5 * nm, permittivity=2.0, ionophobicity=1.0
    )
    phi = cf.cylinder_interaction(0.5 * nm, 0.4 * nm, 2.0)
    assert pore.coupling == pytest.approx(elementary_charge * phi / KT, rel=1e-12)
    ds = pore.charge(np.linspace(-0.5, 0.5, 11))
    assert np.all(ds["capacitance"].values > 0)
    np.testing.assert_allclose(
        ds["surface_charge"].values, -ds["surface_charge"].values[::-1], atol=1e-15
    )


# ------------------------------------------------------------------ regimes
def test_regime_criteria():
    d = 0.5 * nm
    assert cf.regime(1.0 * nm, d, 3 * nm) == "layered"
    assert cf.regime(5.0 * nm, d, 3 * nm) == "correlated"
    assert cf.regime(50.0 * nm, d, 3 * nm) == "bulk-like"
    assert cf.regime(5.0 * nm, d, screening_length=3 * nm) == "correlated"
    with pytest.warns(DeprecationWarning, match="screening_length"):
        assert cf.regime(5.0 * nm, d, correlation_length=3 * nm) == "correlated"
    out = cf.regime(np.array([1, 5, 50]) * nm, d, 3 * nm)
    assert list(out) == ["layered", "correlated", "bulk-like"]
    with pytest.raises(ParameterError):
        cf.regime(-1.0, d, 1e-9)


def test_regime_map_uses_screening_decay_length(tmp_path):
    nacl = presets.get("NaCl(aq)")
    c = np.array([1e-3, 0.1]) * M
    widths = np.array([1, 10, 100]) * nm
    m = cf.regime_map(nacl, c, widths, "debye")
    from ionscales.theory import debye_length

    np.testing.assert_allclose(m["screening_length"].values, debye_length(nacl, c), rtol=1e-12)
    # 1 mM: lambda_D = 9.6 nm; 10 nm < 4 lambda_D -> correlated, 100 nm bulk-like
    assert list(m["regime"].sel(concentration=c[0]).values) == [
        "layered",
        "correlated",
        "bulk-like",
    ]
    assert list(m["regime"].sel(concentration=c[1]).values) == ["layered", "bulk-like", "bulk-like"]
    path = tmp_path / "regime.nc"
    to_netcdf(m, path)
    xr.testing.assert_identical(open_dataset(path), m)
