"""Presets: sourced data, molality <-> molarity through density data (issue #11), and the
"LiPF6 in EC:EMC 3:7" preset of issue #12."""

import csv
import math
import warnings
from importlib import resources

import numpy as np
import pytest

from ionscales import ParameterError, ValidityWarning, presets
from ionscales.density import PitzerVolume, TabulatedDensity, tabulated_density


def test_lipf6_ec_emc_3_7_solvent_mixing_rules():
    # independent arithmetic on the component values (Xu 2004, Table 1), 30 g EC + 70 g EMC
    e = presets.get("LiPF6 in EC:EMC 3:7")
    n_ec, n_emc = 30 / 88.06, 70 / 104.10  # mol per 100 g
    v_ec, v_emc = 30 / 1.321, 70 / 1.006  # cm^3 per 100 g
    assert e.solvent.molar_mass == pytest.approx(100e-3 / (n_ec + n_emc), rel=1e-12)
    assert e.solvent.density == pytest.approx(100 / (v_ec + v_emc) * 1e3, rel=1e-12)
    phi_ec = v_ec / (v_ec + v_emc)
    assert e.solvent.permittivity == pytest.approx(phi_ec * 89.78 + (1 - phi_ec) * 2.958)
    x_ec = n_ec / (n_ec + n_emc)
    assert e.solvent.viscosity == pytest.approx(1e-3 * 1.90**x_ec * 0.65 ** (1 - x_ec))
    # sanity: blend values lie between the components'
    assert 1006 < e.solvent.density < 1321 and 2.958 < e.solvent.permittivity < 89.78
    assert e.salt_molar_mass == pytest.approx(151.905e-3, rel=1e-4)  # LiPF6
    assert e.cation.charge == 1 and e.anion.charge == -1


def test_lipf6_ec_emc_3_7_constructor():
    e = presets.lipf6_ec_emc_3_7()
    assert e is presets.get("LiPF6 in EC:EMC 3:7")
    hot = presets.lipf6_ec_emc_3_7(temperature=300.0)
    assert hot.temperature == 300.0 and hot.name == e.name
    assert math.isclose(hot.solvent.viscosity, e.solvent.viscosity)


# ---------------------------------------------------------------------------------------
# Molality <-> molarity through measured densities (issue #11 defects 2-3)

M_PC, M_IL = 102.09e-3, 422.41e-3  # kg/mol


def _il_pc_table():
    text = resources.files("ionscales").joinpath("data/solution_density.csv").read_text()
    rows = [
        r
        for r in csv.DictReader(ln for ln in text.splitlines() if ln and not ln.startswith("#"))
        if r["system"] == "[C4C1Pyrr][NTf2] in PC"
    ]
    x = np.array([float(r["x_solvent"]) for r in rows])
    rho = np.array([float(r["density"]) for r in rows])
    return x, rho


def test_il_in_pc_reproduces_tabulated_molarities():
    # molarity straight from the table: c = x_IL rho / (x_IL M_IL + x_PC M_PC) (one mole of
    # mixture has mass x_IL M_IL + x_PC M_PC); molality m = x_IL / (x_PC M_PC)
    x, rho = _il_pc_table()
    inside = (x > 0) & (x < 1)
    x_il = 1 - x[inside]
    c_ref = x_il * rho[inside] / (x_il * M_IL + x[inside] * M_PC)
    m = x_il / (x[inside] * M_PC)
    e = presets.get("[C4C1Pyrr][NTf2] in PC")
    np.testing.assert_allclose(e.molarity(m), c_ref, rtol=5e-3)  # issue #11: within 0.5 %
    np.testing.assert_allclose(e.molality(c_ref), m, rtol=5e-3)


def test_il_in_pc_interpolation_between_data_points():
    # leave-one-out: the density model built without a point predicts that point's molarity
    # within 0.5 % (the data are smooth to ~0.01 %; PCHIP on V_phi between neighbours)
    full = tabulated_density("[C4C1Pyrr][NTf2] in PC")
    m_pts, rho_pts = np.array(full.molality_points), np.array(full.density_points)
    for k in range(1, m_pts.size - 1):
        keep = np.arange(m_pts.size) != k
        model = TabulatedDensity(
            tuple(m_pts[keep]),
            tuple(rho_pts[keep]),
            temperature=298.15,
            source="leave-one-out",
            reference_solvent_density=full.reference_solvent_density,
        )
        c = model.molarity(m_pts[k], solvent_density=1204.0, salt_molar_mass=M_IL)
        c_ref = m_pts[k] * rho_pts[k] / (1 + m_pts[k] * M_IL)
        assert c == pytest.approx(c_ref, rel=5e-3), k


def test_reference_solvent_density_sets_the_dilute_limit():
    model = tabulated_density("[C4C1Pyrr][NTf2] in PC")
    assert model.reference_solvent_density == 1219.85  # the table's pure-PC row
    c = model.molarity(1e-7, solvent_density=1204.0, salt_molar_mass=M_IL)
    assert c / 1e-7 == pytest.approx(1219.85, rel=1e-6)
    with pytest.raises(ParameterError, match="reference_solvent_density"):
        TabulatedDensity(
            (0.1, 1.0),
            (1000.0, 1100.0),
            temperature=298.15,
            source="x",
            reference_solvent_density=-1.0,
        )
    with pytest.raises(ParameterError, match="system"):
        tabulated_density("LiPF6 in EC/DMC")


def test_neat_il_concentration_from_measured_density():
    # 1394.5 kg/m^3 (median of six measured data sets, PROVENANCE.md) / 422.41 g/mol
    assert presets.NEAT_CONCENTRATION["[C4C1Pyrr][NTf2]"] == pytest.approx(3301.3, abs=0.1)


def _molality_range(model):
    if isinstance(model, TabulatedDensity):
        return model.molality_points[0], model.molality_points[-1]
    if isinstance(model, PitzerVolume):
        return 0.01, min(model.validated_molality, model.max_molality)
    raise AssertionError(f"unknown density model {type(model).__name__}")


@pytest.mark.parametrize("name", presets.names())
def test_every_preset_uses_density_data_or_says_it_lacks_them(name):
    e = presets.get(name)
    if e.density_model is not None:
        assert name not in presets.DENSITY_DATA_MISSING
        assert e.density_model.source  # provenance attached
        lo, hi = _molality_range(e.density_model)
        m = np.linspace(lo, hi, 7)
        with warnings.catch_warnings():
            warnings.simplefilter("error")  # no crude estimate, no range warning, nothing
            c = e.molarity(m)
            back = e.molality(c)
        np.testing.assert_allclose(back, m, rtol=1e-9)
        assert np.all(np.diff(c) > 0)
        return
    # no data: documented, and never silent
    assert name in presets.DENSITY_DATA_MISSING
    if e.solvent.density is None:
        with pytest.raises(ParameterError, match="solvent.density"):
            e.molarity(1.0)
    else:
        with pytest.warns(ValidityWarning, match="no solution-density data"):
            e.molarity(1.0)
        with pytest.warns(ValidityWarning, match="no solution-density data"):
            e.molality(1000.0)


def test_density_data_missing_lists_only_presets():
    assert set(presets.DENSITY_DATA_MISSING) <= set(presets.names())
