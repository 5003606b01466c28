"""Presets: sourced data, molality <-> molarity through density data (issue #11), and the
"LiPF6 in EC:EMC 3:7" preset of issue #12."""

import math

import pytest

from ionscales import presets


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
