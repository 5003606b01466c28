"""The coercion policy of ionscales.validation and the core entry points that use it (#15)."""

from __future__ import annotations

import numpy as np
import pytest

from ionscales import units
from ionscales.errors import ParameterError, ValidityWarning
from ionscales.validation import (
    as_1d_array,
    as_float,
    as_float_array,
    check_bool,
    check_choice,
    check_integer,
    check_range,
    warn_implausible,
)


def test_thermal_voltage_value_and_bad_temperatures():
    # k_B/e = 8.617333262e-5 V/K exactly in the 2019 SI: 298.15 K -> 25.6926 mV
    assert units.thermal_voltage(298.15) == pytest.approx(298.15 * 8.617333262e-5, rel=1e-9)
    assert isinstance(units.thermal_voltage(298.15), float)
    np.testing.assert_allclose(
        units.thermal_voltage([300.0, 600.0]), [0.025852, 0.051704], rtol=1e-4
    )
    for bad in (None, -300.0, 0.0, np.inf, np.nan, "300", True, 300 + 0j):
        with pytest.raises(ParameterError, match="temperature"):
            units.thermal_voltage(bad)
    with pytest.warns(ValidityWarning, match="temperature = 25 K"):
        units.thermal_voltage(25.0)


def test_dead_converters_are_gone():
    assert not hasattr(units, "molarity_to_number_density")
    assert not hasattr(units, "number_density_to_molarity")
    import ionscales.validation as v

    assert not hasattr(v, "check_finite")


@pytest.mark.parametrize(
    ("value", "message"),
    [
        (True, "not a bool"),
        (np.array([True, False]), "not bools"),
        ("1e-9", "not text"),
        (1e-9 + 0j, "not complex"),
        (np.array([1.0 + 0j]), "not complex"),
        (None, "is required"),
        ([1.0, [2.0, 3.0]], "regular array"),
        (np.array([1.0, None], dtype=object), "array of numbers"),
        (np.nan, "finite"),
        ([1.0, np.inf], "finite"),
    ],
)
def test_quantities_reject_what_the_policy_rejects(value, message):
    with pytest.raises(ParameterError, match=message) as info:
        as_float_array("width", value, unit="m")
    assert str(info.value).startswith("width: ")
    assert "\n" not in str(info.value)


def test_quantities_accept_numbers_arrays_and_numpy_scalars():
    import xarray as xr

    assert as_float("x", 3) == 3.0 and isinstance(as_float("x", np.float32(2.5)), float)
    assert as_float("x", np.array(4.0)) == 4.0
    np.testing.assert_array_equal(as_float_array("x", [1, 2]), [1.0, 2.0])
    np.testing.assert_array_equal(as_float_array("x", xr.DataArray([1.0, 2.0])), [1.0, 2.0])
    np.testing.assert_array_equal(as_1d_array("x", 5.0), [5.0])
    with pytest.raises(ParameterError, match="single number"):
        as_float("x", [1.0, 2.0])
    with pytest.raises(ParameterError, match="1-D"):
        as_1d_array("x", np.ones((2, 2)))  # never flattened
    with pytest.raises(ParameterError, match="at least one value"):
        as_1d_array("x", [])


def test_flags_integers_choices_and_ranges():
    assert check_bool("all_modes", np.bool_(True)) is True
    for bad in (0, 1, "yes", None):
        with pytest.raises(ParameterError, match="True or False"):
            check_bool("all_modes", bad)
    assert check_integer("n", 3.0) == 3
    for bad in (True, "3", 2.5, np.nan):
        with pytest.raises(ParameterError, match="whole number"):
            check_integer("n", bad)
    with pytest.raises(ParameterError, match="unknown value ''"):
        check_choice("model", "", ["msa", "debye"])  # an empty name is not the default
    with pytest.raises(ParameterError, match="Did you mean 'msa'"):
        check_choice("model", "mas", ["msa", "debye"])
    with pytest.raises(ParameterError, match="unknown value 3"):
        check_choice("model", 3, ["msa", "debye"])
    with pytest.raises(ParameterError, match=r"must lie in \(0, 1\] m"):
        check_range("width", 0.0, 0.0, 1.0, unit="m", low_inclusive=False)


def test_messages_stay_on_one_line_for_large_arrays():
    with pytest.raises(ParameterError) as info:
        as_float_array("separation", np.full((40, 40), np.nan))
    text = str(info.value)
    assert "\n" not in text and len(text) < 200


def test_implausible_values_warn_not_raise():
    with pytest.warns(ValidityWarning, match="unit mistake"):
        warn_implausible("ion_diameter", 36e-9, "ion_diameter")
    with pytest.warns(ValidityWarning, match="permittivity = 0.5"):
        warn_implausible("permittivity", 0.5, "permittivity")
    with pytest.warns(ValidityWarning, match="concentration"):
        warn_implausible("concentration", 1e8, "concentration")
    warn_implausible("temperature", 298.15, "temperature")  # no warning (errors in tests)
