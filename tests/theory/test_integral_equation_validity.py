"""Validity of OZ/HNC states and input checks of the integral-equation layer (issues 11, 15).

A fixed point of the HNC map is not necessarily a physical state: past the ionic-fluid
spinodal the iteration can converge to machine precision on a branch with a negative
compressibility, broken charge sum rules and collapsed cation–anion contact values.
``converged`` must mean converged to a valid state. Every regression here was reproduced
on the code before the fix (it returned such states with ``converged=True``, raised
TypeError/OverflowError, or reported dressed charges for decoupled modes).
"""

from __future__ import annotations

import math
import warnings

import numpy as np
import pytest

from ionscales import presets, theory
from ionscales.errors import ConvergenceError, ConvergenceWarning, ParameterError
from ionscales.theory import integral_equation as ie
from ionscales.units import M

SCREENING_GRID = {"dr": 0.36e-9 / 50, "debye_lengths": 16.0}  # what dressed-ion-hnc uses
#: a state where the iteration converges (residual ~1e-10) to an unphysical fixed point
UNPHYSICAL_C = 1645.78


@pytest.fixture(scope="module")
def salt():
    return presets.get("NaCl(aq)")


# ---------------------------------------------------------------------------------------
# unphysical fixed points are not "converged"


def test_unphysical_low_permittivity_state_is_rejected(salt):
    # eps_r = 2 (l_B/sigma = 78): the iteration converges (residual < 1e-9) to a state with
    # inverse compressibility ~ -300, electroneutrality broken by 10 %, S(k) < 0 and
    # g_+-(sigma) ~ 1e-34; before the fix this came back with converged=True
    e2 = salt.with_(permittivity=2.0)
    with pytest.raises(ConvergenceError, match="unphysical"):
        ie.solve(e2, UNPHYSICAL_C, **SCREENING_GRID)
    with pytest.warns(ConvergenceWarning, match="unphysical"):
        pair = ie.solve(e2, UNPHYSICAL_C, on_invalid="warn", **SCREENING_GRID)
    assert pair.residual < 1e-9  # the fixed point itself is converged ...
    assert not pair.converged and not pair.valid  # ... but not to a valid state
    checks = pair.validity
    assert checks["inverse_compressibility"][0] < 0 and not checks["inverse_compressibility"][1]
    assert not checks["electroneutrality"][1]
    assert not checks["unlike_contact"][1]


def test_negative_compressibility_with_intact_sum_rules_is_rejected(salt):
    # eps_r = 10, 1 mol/L: electroneutrality and Stillinger–Lovett hold to 1e-9 but the
    # structure factor S_NN(k) is negative (a thermodynamically unstable state)
    with pytest.warns(ConvergenceWarning, match="structure_factor"):
        pair = ie.solve(salt.with_(permittivity=10.0), 1 * M, on_invalid="warn")
    assert pair.validity["electroneutrality"][1] and pair.validity["stillinger_lovett"][1]
    assert not pair.validity["structure_factor"][1]
    assert not pair.validity["inverse_compressibility"][1]
    assert not pair.converged


@pytest.mark.parametrize("c", [0.01 * M, 1 * M, 3 * M])
def test_valid_aqueous_states_pass_every_check(salt, c):
    pair = ie.solve(salt, c)
    assert pair.converged and pair.valid
    assert set(pair.validity) == {
        "inverse_compressibility",
        "structure_factor",
        "electroneutrality",
        "stillinger_lovett",
        "unlike_contact",
    }
    # exact sum rules hold to grid accuracy, far inside the tolerances
    assert pair.validity["electroneutrality"][0] < 1e-6
    assert pair.validity["stillinger_lovett"][0] < 1e-5
    # primitive model with attraction at contact: g_+-(sigma) > 1
    assert pair.validity["unlike_contact"][0] > 1


def test_dressed_ion_hnc_warns_and_marks_invalid_points(salt):
    # before the fix: no warning, and one of these points came back "valid"
    e2 = salt.with_(permittivity=2.0)
    with pytest.warns(ConvergenceWarning, match="dressed-ion-hnc: no valid HNC state at 1 of 1"):
        modes = ie.hnc_screening_model(e2, np.array([UNPHYSICAL_C]))
    assert not modes.valid.any()
    # the model's own input checks (theory.screening coerces before it reaches the model)
    with pytest.raises(ParameterError, match="^concentration:"):
        ie.hnc_screening_model(salt, "1")
    with pytest.raises(ParameterError, match="^concentration:"):
        ie.hnc_screening_model(salt, np.array([]))


def test_valid_dressed_ion_hnc_points_meet_the_pole_tolerance(salt):
    ds = theory.screening(salt, np.array([0.05, 0.5, 2.0]) * M, "dressed-ion-hnc")
    assert bool(ds.valid.all())
    # the relative pole residual |F/(k F')| documented for the ladder (< 1e-10)
    assert float(ds.pole_residual.max()) < ie.POLE_TOLERANCE
    # independent check of a root: F changes sign across it on the imaginary axis
    pair = ie.solve(salt, 0.05 * M, dr=salt.contact_diameter / 50)
    lead = pair.modes[0]
    pf = pair._pole_function()
    kappa = lead.k.imag
    lo, hi = pf(np.array([1j * kappa * (1 - 1e-8), 1j * kappa * (1 + 1e-8)])).real
    assert lo * hi < 0


def test_decay_modes_report_no_dressed_charge_for_decoupled_number_modes(salt):
    ds = ie.solve(salt, 1 * M).decay_modes()
    kinds = list(ds.mode_kind.values)
    assert "number" in kinds and "charge" in kinds
    number = ds.where(ds.mode_kind == "number", drop=True)
    charge = ds.where(ds.mode_kind == "charge", drop=True)
    # symmetric electrolyte: the number modes do not couple to the charge density at all
    assert float(number.charge_fraction.max()) < 1e-8
    assert np.all(np.isnan(number.dressed_charge_ratio.values))
    assert np.all(np.isnan(number.effective_permittivity.values))
    assert np.all(np.isfinite(charge.dressed_charge_ratio.values))


@pytest.mark.slow
def test_screening_curves_crossover_uses_the_salts_own_coupling(salt):
    coupling = salt.bjerrum_length / salt.contact_diameter  # 1.986 for the preset
    ds = theory.screening_curves(salt, np.array([0.1, 1.0]) * M, models=["dressed-ion-hnc"])
    own = ie.hnc_kirkwood_crossover(coupling=coupling)
    default = ie.hnc_kirkwood_crossover()
    assert float(ds.kirkwood_crossover[0]) == pytest.approx(own, abs=1e-12)
    # the two couplings (1.986 vs 1.682) give crossovers 1.296 vs 1.289: resolvable at the
    # bisection tolerance 2e-3
    assert abs(own - default) > 3e-3
    assert ie.hnc_kirkwood_crossover(electrolyte=salt) == own


# ---------------------------------------------------------------------------------------
# input validation: ParameterError naming parameter, value and range, in one line


@pytest.mark.parametrize(
    ("kwargs", "parameter"),
    [
        ({"tolerance": "1e-9"}, "tolerance"),
        ({"tolerance": True}, "tolerance"),
        ({"tolerance": 1e-30}, "tolerance"),
        ({"dr": 1e-300}, "dr"),
        ({"dr": float("nan")}, "dr"),
        ({"dr": "0.1"}, "dr"),
        ({"mixing": 1 + 0j}, "mixing"),
        ({"max_iterations": 2.5}, "max_iterations"),
        ({"max_iterations": 10**9}, "max_iterations"),
        ({"grid_points": 10**12}, "grid_points"),
        ({"continuation_steps": -1}, "continuation_steps"),
        ({"debye_lengths": None}, "debye_lengths"),
        ({"on_invalid": "ignore"}, "on_invalid"),
    ],
)
def test_solve_rejects_bad_options(salt, kwargs, parameter):
    with pytest.raises(ParameterError, match=f"^{parameter}:") as info:
        ie.solve(salt, 100.0, **kwargs)
    assert "\n" not in str(info.value)


@pytest.mark.parametrize("concentration", [1e-300, 1e300, "100", np.array([1.0, 2.0]), None, -1.0])
def test_solve_rejects_bad_concentrations(salt, concentration):
    with pytest.raises(ParameterError, match="^concentration:") as info:
        ie.solve(salt, concentration)
    assert "\n" not in str(info.value)


def test_tiny_concentration_is_refused_with_the_memory_limit(salt):
    # 1e-300 mol/m^3 needs a box of 25 Debye lengths: the message states the limit and the
    # smallest concentration that fits (before the fix: OverflowError)
    with pytest.raises(ParameterError, match="memory limit") as info:
        ie.solve(salt, 1e-6)
    text = str(info.value)
    c_min = float(text.split(">= ")[1].split(" mol/m^3")[0])
    # the stated bound is right: a little above it solves the grid-size check
    assert ie._default_grid_points(salt, 1.01 * c_min, 0.01, 25.0) <= ie._max_grid_points(2)
    with pytest.raises(ParameterError, match="memory limit"):
        ie._default_grid_points(salt, 0.99 * c_min, 0.01, 25.0)


@pytest.mark.parametrize("concentration", [1e-300, np.array([]), np.array([[1.0, 2.0]]), -5.0])
def test_dressed_ion_hnc_rejects_bad_concentrations(salt, concentration):
    with pytest.raises(ParameterError, match="concentration") as info:
        theory.screening(salt, concentration, "dressed-ion-hnc")
    assert "\n" not in str(info.value)


def test_scan_and_crossover_reject_bad_input(salt):
    with pytest.raises(ParameterError, match="^concentrations:"):
        ie.scan(salt, [])
    with pytest.raises(ParameterError, match="^concentration:"):
        ie.scan(salt, [1e-300, 1.0])
    with pytest.raises(ParameterError, match="^dr:"):
        ie.scan(salt, [10.0, 20.0], dr=1e-300)
    with pytest.raises(ParameterError, match="^coupling:"):
        ie.hnc_kirkwood_crossover(coupling="2")
    with pytest.raises(ParameterError, match="^tolerance:"):
        ie.hnc_kirkwood_crossover(tolerance=0.0)
    with pytest.raises(ParameterError, match="^electrolyte:"):
        ie.hnc_kirkwood_crossover(electrolyte=salt.with_(permittivity=2.0))
    with pytest.raises(ParameterError, match="^max_points:"):
        ie.hnc_screening_model(salt, [10.0], max_points=1)


def test_validity_tolerances_are_far_above_grid_error(salt):
    """The tolerances must not reject valid states on coarse-but-allowed grids: the
    dressed-ion-hnc grid (sigma/50, 16 Debye lengths) keeps the sum rules to < 2e-4."""
    pair = ie.solve(salt, 1.0, **SCREENING_GRID)
    assert pair.valid
    assert pair.validity["stillinger_lovett"][0] < ie.VALIDITY_TOLERANCES["stillinger_lovett"] / 10
    assert pair.validity["electroneutrality"][0] < ie.VALIDITY_TOLERANCES["electroneutrality"] / 10
    assert math.isfinite(pair.thermodynamics["ln_activity_coefficient"])


# ---------------------------------------------------------------------------------------
# objects people inspect (issues 13, 14)


def test_labelled_arrays_carry_units_on_every_coordinate(salt, tmp_path):
    pair = ie.solve(salt, 1 * M)
    for da in (
        pair.g,
        pair.c_short,
        pair.h_charge,
        pair.h_number,
        pair.structure_factor_charge,
        pair.structure_factor_number,
    ):
        for name, coord in da.coords.items():
            assert "units" in coord.attrs and "long_name" in coord.attrs, (da.name, name)
    assert pair.g.r.attrs["units"] == "m" and pair.structure_factor_charge.k.attrs["units"] == "1/m"
    from ionscales.results import open_dataset, to_netcdf

    for ds in (pair.to_dataset(), pair.decay_modes()):
        path = tmp_path / "out.nc"
        to_netcdf(ds, path)
        back = open_dataset(path)
        for name in list(ds.data_vars) + list(ds.coords):
            assert back[name].attrs["units"] == ds[name].attrs["units"]
        path.unlink()


def test_pair_correlation_repr_is_concise_and_states_validity(salt):
    pair = ie.solve(salt, 1 * M)
    text = repr(pair)
    assert text.startswith("PairCorrelation(HNC, NaCl(aq), 1000 mol/m^3: converged")
    assert len(text.splitlines()) == 2 and "osmotic coefficient" in text
    assert "array(" not in text  # no grids dumped
    html = pair._repr_html_()
    assert html.startswith("<table>") and "check: structure_factor" in html
    with pytest.warns(ConvergenceWarning):
        bad = ie.solve(salt.with_(permittivity=10.0), 1 * M, on_invalid="warn")
    assert "invalid: inverse_compressibility" in repr(bad)


def test_theory_lazy_table_exposes_the_oz_modules():
    import importlib
    import subprocess
    import sys

    code = "import ionscales.theory as t; print(t.oz_solver.__name__, t.oz_poles.__name__)"
    out = subprocess.run(
        [sys.executable, "-c", code],
        capture_output=True,
        text=True,
        check=True,
        cwd=str(importlib.import_module("ionscales").__path__[0] + "/.."),
    )
    assert out.stdout.split() == ["ionscales.theory.oz_solver", "ionscales.theory.oz_poles"]


def test_dressed_ion_hnc_marks_overpacked_points_invalid():
    # LiTFSI(aq) diameters pack beyond 0.6 above ~2.97 mol/L: those points have no state
    # (a warning, not an exception that would lose the rest of the curve)
    salt = presets.get("LiTFSI(aq)")
    with pytest.warns(ConvergenceWarning, match="packing fraction"):
        modes = ie.hnc_screening_model(salt, np.array([1000.0, 3500.0]))
    assert modes.valid.tolist() == [True, False]
    with pytest.raises(ParameterError, match="packing fraction"):
        ie.solve(salt, 3500.0)


# ---------------------------------------------------------------------------------------
# property-based: junk in any option gives a one-line ParameterError, never another error

from hypothesis import HealthCheck, given, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402

_JUNK = st.one_of(
    st.text(max_size=5),
    st.booleans(),
    st.none(),
    st.complex_numbers(allow_nan=False, allow_infinity=False).filter(lambda z: z.imag != 0),
    st.lists(st.floats(allow_nan=False), min_size=2, max_size=3),
    st.sampled_from([float("nan"), float("inf"), -float("inf"), -1.0, 0.0, -1e-300, 1e300]),
)
_OPTIONS = [
    "tolerance",
    "dr",
    "mixing",
    "max_iterations",
    "grid_points",
    "continuation_steps",
    "debye_lengths",
    "concentration",
]


@settings(
    max_examples=80, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(option=st.sampled_from(_OPTIONS), value=_JUNK)
def test_solve_junk_options_raise_parameter_error(salt, option, value):
    kwargs = {option: value}
    concentration = kwargs.pop("concentration", 100.0)
    if value is None and option in ("dr", "grid_points", "mixing"):
        return  # None is the documented default of these
    if option == "continuation_steps" and value == 0 and not isinstance(value, bool):
        return  # 0 disables continuation (valid)
    with pytest.raises(ParameterError) as info:
        ie.solve(salt, concentration, **kwargs)
    text = str(info.value)
    assert "\n" not in text
    assert text.split(":")[0] == option


def test_issue_example_eps2_is_never_returned_as_converged(salt):
    # the issue's example (before: converged=True, inverse compressibility -220, ln gamma -91.6)
    e2 = salt.with_(permittivity=2.0)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", ConvergenceWarning)
            pair = ie.solve(e2, 104.18, on_invalid="warn")
    except ConvergenceError:
        return  # no HNC solution found: reported as such
    assert not pair.converged
    assert not pair.valid
