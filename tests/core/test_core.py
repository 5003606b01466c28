"""Core: units, constants, the Ion/Solvent/Electrolyte data model, presets, results."""

import math

import numpy as np
import pytest
import xarray as xr

import ionscales
from ionscales import Electrolyte, Ion, ParameterError, Solvent, ValidityWarning, presets, units
from ionscales.results import check_labelled, make_dataset, open_dataset, to_netcdf
from ionscales.theory import bjerrum_length, debye_length
from ionscales.units import M, nm

WATER = Solvent("water", permittivity=78.4, temperature=298.15, density=997.05)


def test_bjerrum_length_reference_values():
    # references/screening.md section 9.1 (CODATA constants)
    assert bjerrum_length(78.4, 298.15) == pytest.approx(0.714872e-9, rel=1e-5)
    assert bjerrum_length(1.0, 298.15) == pytest.approx(56.0459e-9, rel=1e-5)


def test_debye_length_reference_values(nacl):
    nacl = nacl.with_(permittivity=78.4)  # the [COMPUTED] reference values are for eps_r = 78.4
    assert debye_length(nacl, 1 * M) == pytest.approx(0.304012e-9, rel=1e-5)
    assert debye_length(nacl, 0.1 * M) == pytest.approx(0.961370e-9, rel=1e-5)
    assert debye_length(nacl, 1e-4 * M) == pytest.approx(30.401e-9, rel=1e-4)
    assert np.isinf(debye_length(nacl, 0.0))


def test_debye_length_uses_ionic_strength_for_asymmetric_salts():
    cacl2 = presets.get("CaCl2(aq)")
    nacl = presets.get("NaCl(aq)")
    # CaCl2 at c has I = 3c: same Debye length as NaCl at 3c
    assert debye_length(cacl2, 0.1 * M) == pytest.approx(debye_length(nacl, 0.3 * M), rel=1e-12)
    assert cacl2.ionic_strength(0.1 * M) == pytest.approx(300.0)


def test_stoichiometry_from_electroneutrality():
    ca = Ion("Ca2+", 2, 0.5 * nm)
    cl = Ion("Cl-", -1, 0.36 * nm)
    assert Electrolyte(ca, cl, WATER).stoichiometry == (1.0, 2.0)
    la = Ion("La3+", 3, 0.5 * nm)
    so4 = Ion("SO4 2-", -2, 0.5 * nm)
    assert Electrolyte(la, so4, WATER).stoichiometry == (2.0, 3.0)
    mg = Ion("Mg2+", 2, 0.5 * nm)
    assert Electrolyte(mg, so4, WATER).stoichiometry == (1.0, 1.0)


def test_ion_densities_shape_and_values(nacl):
    c = np.array([0.1, 1.0]) * M
    n = nacl.ion_densities(c)
    assert n.shape == (2, 2)
    assert n[1, 0] == pytest.approx(1000 * 6.02214076e23)


def test_mixture_must_be_neutral():
    na = Ion("Na+", 1, 0.36 * nm)
    ca = Ion("Ca2+", 2, 0.5 * nm)
    cl = Ion("Cl-", -1, 0.36 * nm)
    mix = Electrolyte(ions=[na, ca, cl], stoichiometry=[1, 0.5, 2], solvent=WATER)
    assert mix.ionic_strength(1.0) == pytest.approx(0.5 * (1 + 0.5 * 4 + 2))
    with pytest.raises(ParameterError, match="electroneutral"):
        Electrolyte(ions=[na, ca, cl], stoichiometry=[1, 1, 2], solvent=WATER)


@pytest.mark.parametrize(
    "kwargs, parameter",
    [
        ({"charge": "1"}, "charge"),  # charge 0 is a neutral species now (issue 16)
        ({"charge": 1.5}, "charge"),
        ({"diameter": -1e-10}, "diameter"),
        ({"diameter": 0.0}, "diameter"),
        ({"diameter": float("nan")}, "diameter"),
        ({"diameter": 0.36}, "diameter"),  # nanometres passed as metres
        ({"diffusivity": -1e-9}, "diffusivity"),
    ],
)
def test_bad_ion_raises_naming_parameter(kwargs, parameter):
    args = {"name": "X+", "charge": 1, "diameter": 0.3e-9, **kwargs}
    with pytest.raises(ParameterError) as info:
        Ion(**args)
    assert info.value.parameter == parameter


@pytest.mark.parametrize(
    "kwargs, parameter",
    [
        ({"permittivity": 0}, "permittivity"),
        ({"temperature": -1}, "temperature"),
        ({"permittivity": float("inf")}, "permittivity"),
    ],
)
def test_bad_solvent_raises(kwargs, parameter):
    with pytest.raises(ParameterError) as info:
        Solvent("w", **{"permittivity": 78.4, "temperature": 298.15, **kwargs})
    assert info.value.parameter == parameter


@pytest.mark.parametrize("c", [-1.0, float("nan"), [1.0, -2.0]])
def test_bad_concentration_raises(nacl, c):
    with pytest.raises(ParameterError, match="concentration"):
        nacl.ion_densities(c)


def test_presets_complete_and_sourced():
    required = {
        "NaCl(aq)",
        "KCl(aq)",
        "LiCl(aq)",
        "CaCl2(aq)",
        "LiPF6 in EC/DMC",
        "LiTFSI(aq)",
        "[C4C1Pyrr][NTf2]",
    }
    assert required <= set(presets.names())
    for name in presets.names():
        e = presets.get(name)
        assert e.references, name
        assert all(0.1e-9 < d < 1.5e-9 for d in e.diameters)
        assert 1 < e.permittivity < 100 and 200 < e.temperature < 400


def test_unknown_preset_suggests():
    with pytest.raises(ParameterError, match="NaCl"):
        presets.get("NaCL(aq)")


def test_molality_molarity_round_trip_and_dilute_limit(nacl):
    m = np.array([1e-4, 0.1, 1.0, 6.0])
    c = nacl.molarity(m)
    # dilute limit: c -> m * rho_water
    assert c[0] == pytest.approx(1e-4 * 997.05, rel=1e-5)
    np.testing.assert_allclose(nacl.molality(c), m, rtol=1e-12)
    # with a measured solution density: c = m rho / (1 + m M)
    c1 = units.molality_to_molarity(
        1.0, solvent_density=997.05, salt_molar_mass=0.05844, solution_density=1036.3
    )
    assert c1 == pytest.approx(1036.3 / 1.05844, rel=1e-12)
    with pytest.raises(ParameterError):
        units.molality_to_molarity(-1.0, solvent_density=997.05, salt_molar_mass=0.05844)


def test_unit_multipliers():
    assert units.M == 1000.0 and units.mM == 1.0
    assert units.nm == 1e-9 and units.angstrom == 1e-10
    assert units.uC_per_cm2 == pytest.approx(1e-2)
    assert units.thermal_voltage(298.15) == pytest.approx(0.025693, rel=1e-4)


def test_dataset_labels_and_netcdf_round_trip(tmp_path):
    ds = make_dataset(
        {
            "debye_length": ("concentration", [1e-9, 3e-10]),
            "regime": ("concentration", np.array(["monotonic", "oscillatory"])),
            "valid": ("concentration", np.array([True, False])),
        },
        {"concentration": np.array([100.0, 1000.0])},
        model="test",
        parameters={"sigma": 0.3e-9, "flag": True, "names": ["a", "b"]},
        references=("ref A", "ref B"),
        attrs={"converged": True, "history": [1.0, 0.5]},
    )
    check_labelled(ds)
    assert ds["debye_length"].attrs["units"] == "m"
    path = tmp_path / "x.nc"
    to_netcdf(ds, path)
    back = open_dataset(path)
    xr.testing.assert_identical(ds, back)


def test_error_classes():
    assert issubclass(ionscales.ParameterError, ValueError)
    assert issubclass(ionscales.ConvergenceError, RuntimeError)
    err = ionscales.ConvergenceError("no", iterations=3, residual=0.1, history=[1, 0.5, 0.1])
    assert "iterations=3" in str(err) and err.history == [1, 0.5, 0.1]
    assert math.isfinite(err.residual)


def test_cli_bad_input_is_one_line_exit_2(capsys):
    from ionscales.cli._common import parse_quantity, parse_range

    assert parse_quantity("--width", "0.5nm") == pytest.approx(0.5e-9)
    np.testing.assert_allclose(
        parse_range("--width", "0.4:3nm", default_points=3), [0.4e-9, 1.7e-9, 3e-9]
    )
    np.testing.assert_allclose(parse_range("--voltage", "-1:1V:5"), np.linspace(-1, 1, 5))
    with pytest.raises(ParameterError):
        parse_quantity("--width", "abc")


# ---------------------------------------------------------------- eps_r(T) through the solvent (#11)
def test_bjerrum_length_at_373K_follows_malmberg_maryott(nacl):
    # Malmberg & Maryott (1956): eps_r = 55.72 at 100 C (fit within 0.01 of the data; data to
    # better than 0.1 %). Before #11 the preset kept eps_r = 78.4, so l_B was 40 % off.
    hot = nacl.with_(temperature=373.15)
    assert hot.permittivity == pytest.approx(55.72, abs=0.02)
    expected = bjerrum_length(55.72, 373.15)
    assert hot.bjerrum_length == pytest.approx(expected, rel=1e-3)
    assert hot.bjerrum_length / nacl.bjerrum_length == pytest.approx(
        (78.30 * 298.15) / (55.72 * 373.15), rel=1e-3
    )
    assert nacl.permittivity == pytest.approx(78.30, abs=0.01)  # 25 C table value


def test_every_water_preset_carries_eps_of_T():
    for name in ("NaCl(aq)", "KCl(aq)", "LiCl(aq)", "CaCl2(aq)", "LiTFSI(aq)"):
        e = presets.get(name).with_(temperature=323.15)
        # Malmberg & Maryott table: 69.91 at 50 C
        assert e.permittivity == pytest.approx(69.91, abs=0.02), name


def test_explicit_permittivity_drops_the_model_and_warns_on_temperature_change(nacl):
    fixed = nacl.with_(permittivity=78.4)
    assert fixed.permittivity == 78.4 and fixed.solvent.permittivity_model is None
    with pytest.warns(ValidityWarning, match="no eps_r\\(T\\) model"):
        moved = fixed.with_(temperature=350.0)
    assert moved.permittivity == 78.4
    # a small move (< 5 K) is silent
    assert fixed.with_(temperature=300.0).permittivity == 78.4


def test_constant_permittivity_presets_warn_when_moved_in_temperature():
    il = presets.get("[C4C1Pyrr][NTf2]")
    with pytest.warns(ValidityWarning, match="no temperature dependence"):
        il.with_(temperature=350.0)


def test_solvent_needs_a_permittivity_or_a_model():
    with pytest.raises(ParameterError, match="permittivity"):
        Solvent("w")
    with pytest.raises(ParameterError, match="permittivity_model"):
        Solvent("w", permittivity_model=78.4)


def test_implausible_solvent_and_ion_values_warn():
    # values a unit mistake produces (#15): accepted but flagged
    with pytest.warns(ValidityWarning, match="permittivity"):
        Solvent("w", permittivity=0.5)
    with pytest.warns(ValidityWarning, match="Celsius"):
        Solvent("w", permittivity=78.4, temperature=25.0)
    with pytest.warns(ValidityWarning, match="5 nm"):
        Ion("X+", 1, 36e-9)


def test_neutral_species_allowed_in_mixtures_not_as_salt_ions():
    solvent_sphere = Ion("S", 0, 0.28e-9)
    na, cl = Ion("Na+", 1, 0.36e-9), Ion("Cl-", -1, 0.36e-9)
    mix = Electrolyte(ions=[na, cl, solvent_sphere], stoichiometry=[1, 1, 20], solvent=WATER)
    assert list(mix.charges) == [1, -1, 0]
    assert mix.ionic_strength(100.0) == pytest.approx(100.0)
    with pytest.raises(ParameterError, match="cation"):
        Electrolyte(solvent_sphere, cl, WATER)
    with pytest.raises(ParameterError, match="anion"):
        Electrolyte(na, solvent_sphere, WATER)


# ---------------------------------------------------------------- molality <-> molarity (#11 defect 3)
def test_crude_molality_conversion_warns():
    e = Electrolyte(
        Ion("Na+", 1, 0.36e-9, molar_mass=0.02299),
        Ion("Cl-", -1, 0.36e-9, molar_mass=0.03545),
        WATER,
    )
    with pytest.warns(ValidityWarning, match="no solution-density data"):
        e.molarity(4.0)
    with pytest.warns(ValidityWarning, match="no solution-density data"):
        e.molality(3000.0)
    # measured input: no warning
    assert e.molarity(1.0, solution_density=1036.23) == pytest.approx(1036.23 / 1.05844, rel=1e-4)


# ---------------------------------------------------------------- #15: one coercion policy
@pytest.mark.parametrize(
    "diameter",
    [1e-300, 5e-12, 10**400, 1e300, 2e-7, 1 + 0j, "3e-10", True, np.array([3e-10])],
    ids=lambda v: repr(v)[:16],
)
def test_ion_diameter_outside_its_hard_range_or_not_a_number_is_a_parameter_error(diameter):
    """1e-300 m overflowed in the models (CLI --diameter 1e-300), 10**400 in float()."""
    with pytest.raises(ParameterError) as info:
        Ion("X+", 1, diameter)
    assert info.value.parameter == "diameter"
    assert "\n" not in str(info.value)


def test_ion_diameter_range_edges():
    from ionscales.electrolyte import DIAMETER_RANGE

    assert DIAMETER_RANGE == (1e-11, 1e-7)
    assert Ion("X+", 1, 1e-11).diameter == 1e-11
    assert isinstance(Ion("X+", 1, np.float32(3e-10)).diameter, float)
    with pytest.warns(ValidityWarning, match="5 nm"):
        Ion("X+", 1, 1e-7)


@pytest.mark.parametrize(
    "permittivity, temperature, parameter",
    [
        (1 + 1j, 300.0, "permittivity"),
        ("", 300.0, "permittivity"),
        ("78.4", 300.0, "permittivity"),
        (78.4, 1 + 1j, "temperature"),
        (78.4, "", "temperature"),
        (78.4, 10**400, "temperature"),
        (True, 300.0, "permittivity"),
        (78.4, None, "temperature"),
        ([78.4, 2.0], [300.0] * 3, "temperature"),
    ],
    ids=lambda v: repr(v)[:16],
)
def test_bjerrum_length_rejects_non_numbers(permittivity, temperature, parameter):
    """complex and '' raised TypeError / ValueError from float()."""
    from ionscales.electrolyte import bjerrum_length

    with pytest.raises(ParameterError) as info:
        bjerrum_length(permittivity, temperature)
    assert info.value.parameter == parameter


def test_bjerrum_length_broadcasts_and_matches_the_closed_form():
    from ionscales.constants import boltzmann, elementary_charge, vacuum_permittivity
    from ionscales.electrolyte import bjerrum_length

    eps = np.array([78.4, 2.0])
    out = bjerrum_length(eps, 298.15)
    ref = elementary_charge**2 / (4 * math.pi * vacuum_permittivity * eps * boltzmann * 298.15)
    np.testing.assert_allclose(out, ref, rtol=1e-14)
    assert bjerrum_length(78.4, 298.15) == pytest.approx(
        0.7148e-9, rel=1e-3
    )  # 0.715 nm, water 25 C


@pytest.mark.parametrize("field", ["permittivity", "temperature", "density", "viscosity"])
@pytest.mark.parametrize(
    "value", [1 + 1j, "", "1.0", np.array([1.0, 2.0]), 10**400], ids=lambda v: repr(v)[:16]
)
def test_solvent_fields_follow_the_coercion_policy(field, value):
    with pytest.raises(ParameterError) as info:
        Solvent("w", **{"permittivity": 78.4, "temperature": 298.15, field: value})
    assert info.value.parameter == field


@pytest.mark.parametrize(
    "stoichiometry",
    [True, "ab", [1.0, "x"], [1.0, 10**400], [[1.0, 1.0]]],
    ids=lambda v: repr(v)[:16],
)
def test_electrolyte_stoichiometry_follows_the_coercion_policy(stoichiometry):
    """stoichiometry=True raised TypeError (not iterable), 'ab' ValueError from float()."""
    na, cl = Ion("Na+", 1, 0.36e-9), Ion("Cl-", -1, 0.36e-9)
    with pytest.raises(ParameterError) as info:
        Electrolyte(ions=[na, cl], stoichiometry=stoichiometry, solvent=WATER)
    assert info.value.parameter == "stoichiometry"
    with pytest.raises(ParameterError) as info:
        Electrolyte(na, cl, WATER, stoichiometry=stoichiometry)
    assert info.value.parameter == "stoichiometry"
    with pytest.raises(ParameterError, match="ions"):
        Electrolyte(ions="NaCl", stoichiometry=[1, 1], solvent=WATER)


def test_overflowing_bjerrum_length_and_ion_densities_are_parameter_errors():
    """bjerrum_length(2.0, 1e-300) returned inf and ion_densities(1e300) inf, silently."""
    from ionscales.electrolyte import bjerrum_length

    with pytest.raises(ParameterError, match="temperature"):
        bjerrum_length(2.0, 1e-300)
    nacl = presets.get("NaCl(aq)")
    with pytest.raises(ParameterError, match="concentration"):
        nacl.ion_densities(1e300)
    with pytest.raises(ParameterError, match="concentration"):
        nacl.ion_densities(np.array([1.0, 1e300]))
    # 1 mol/m^3 of NaCl: N_A ions of each kind per m^3
    np.testing.assert_allclose(nacl.ion_densities(1.0), [6.02214076e23] * 2, rtol=1e-12)
