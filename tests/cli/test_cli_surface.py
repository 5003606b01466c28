"""The command-line surface: units at the boundary, one vocabulary across sub-commands,
one-line failures with exit code 2, atomic outputs, and the ``fit surface-force`` command."""

from __future__ import annotations

import argparse
import re

import numpy as np
import pytest

from ionscales import results
from ionscales.cli import build_parser, main
from ionscales.cli._common import QUANTITY_KINDS, parse_quantity, parse_range
from ionscales.errors import ParameterError
from ionscales.units import M, mM, mV, nm


def _parsers(parser: argparse.ArgumentParser, prefix=()):
    """Every (command path, parser) of the CLI."""
    yield prefix, parser
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            for name, sub in action.choices.items():
                yield from _parsers(sub, (*prefix, name))


def _options():
    for path, parser in _parsers(build_parser()):
        for action in parser._actions:
            if action.option_strings:
                yield path, action


def run(capsys, *argv):
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def one_line_error(code, err):
    assert code == 2, err
    assert err.strip().count("\n") == 0, err
    assert "Traceback" not in err and "error" in err


# ------------------------------------------------------------------ units at the boundary
def test_same_option_same_unit_in_every_subcommand():
    """Walk every parser: an option name has one quantity kind and one bare-number unit,
    and the help text states it (continuum edl --concentration was mol/m^3, screening mol/L)."""
    seen: dict[str, set] = {}
    quantity_options = 0
    for path, action in _options():
        kind = getattr(action, "quantity_kind", None)
        if kind is None:
            continue
        quantity_options += 1
        unit = action.quantity_unit
        assert unit == QUANTITY_KINDS[kind].unit
        if unit != "1":
            assert f"[{unit}]" in action.help, (path, action.option_strings)
        for flag in action.option_strings:
            seen.setdefault(flag, set()).add((kind, unit))
    assert quantity_options > 30
    mixed = {flag: kinds for flag, kinds in seen.items() if len(kinds) > 1}
    assert not mixed, mixed
    assert seen["--concentration"] == {("concentration", "mol/L")}
    assert seen["--width"] == {("length", "nm")}


def test_every_option_has_help_without_internal_labels():
    leaks = re.compile(r"\(Job \d|§|interfaces|shared references|``|:func:|:class:")
    for path, action in _options():
        if action.help == argparse.SUPPRESS or "-h" in action.option_strings:
            continue
        assert action.help, (path, action.option_strings)
        assert not leaks.search(action.help), (path, action.option_strings, action.help)
    for path, parser in _parsers(build_parser()):
        assert not leaks.search(parser.description or ""), path


def test_bare_concentration_is_mol_per_litre_everywhere():
    """``continuum edl --concentration 0.1`` silently ran at 1e-4 M before (mol/m^3)."""
    parser = build_parser()
    for argv in (["continuum", "edl"], ["continuum", "charging"], ["pore", "force"]):
        args = parser.parse_args([*argv, "--concentration", "0.1"])
        assert args.concentration == pytest.approx(0.1 * M)
    args = parser.parse_args(["screening", "--c-max", "0.1"])
    assert args.c_max == pytest.approx(0.1 * M)
    args = parser.parse_args(["continuum", "edl", "--geometry", "slit", "--width", "3"])
    assert args.width == pytest.approx(3 * nm)


@pytest.mark.parametrize(
    "argv",
    [
        ["screening", "--c-max", "3m"],  # metres
        ["screening", "--c-max", "3mol/kg"],  # a molality is not a molarity
        ["screening", "--c-max", "2V"],
        ["continuum", "edl", "--concentration", "0.1nm"],
        ["pore", "--ion-diameter", "0.5M"],
        ["aggregate", "--molality", "1:3M"],  # molarity where a molality is meant
        ["pore", "force", "--potential", "5nm"],
        ["screening", "--temperature", "3s"],
    ],
)
def test_wrong_dimension_exits_2_with_one_line(argv, capsys, tmp_path):
    code, _, err = run(capsys, *argv, "--out", str(tmp_path) + "/")
    one_line_error(code, err)
    assert "expected a" in err and argv[-2] in err


def test_quantity_parser_units_and_dimensions():
    assert parse_quantity("--c", "10mM", kind="concentration") == pytest.approx(10 * mM)
    assert parse_quantity("--c", "0.1", kind="concentration") == pytest.approx(0.1 * M)
    assert parse_quantity("--c", "100 mol/m3", kind="concentration") == pytest.approx(100.0)
    assert parse_quantity("--b", "21molal", kind="molality") == pytest.approx(21.0)
    assert parse_quantity("--u", "-50mV", kind="voltage") == pytest.approx(-50 * mV)
    assert parse_quantity("--T", "25degC", kind="temperature") == pytest.approx(298.15)
    assert parse_quantity("--d", "5angstrom", kind="length") == pytest.approx(0.5 * nm)
    assert parse_quantity("--q", "10uC/cm^2", kind="surface_charge") == pytest.approx(0.1)
    # legacy callers (the TOML sweep runner): no kind -> SI base units of any dimension
    assert parse_quantity("grid.c", "0.1M") == pytest.approx(100.0)
    assert parse_quantity("grid.x", "0.5nm") == pytest.approx(0.5e-9)
    assert parse_quantity("--d", "0.5", "nm") == pytest.approx(0.5e-9)
    np.testing.assert_allclose(
        parse_range("--c", "1mM:1M:4", kind="concentration", log=True), np.geomspace(1.0, 1000.0, 4)
    )
    for text in ("__import__('os')", "1e3**1e9", "2 * 3 m", "nanM"):
        with pytest.raises(ParameterError):
            parse_quantity("--x", text, kind="length")
    with pytest.raises(ParameterError, match="expected a concentration"):
        parse_quantity("--c", "3m", kind="concentration")


def test_negative_values_need_no_equals_sign(tmp_path, capsys):
    code, out, _ = run(
        capsys,
        "pore",
        "--width",
        "0.6:0.9nm:4",
        "--voltage",
        "-1:1V:5",
        "--no-plot",
        "--out",
        str(tmp_path / "p"),
    )
    assert code == 0
    ds = results.open_dataset(tmp_path / "p.nc")
    np.testing.assert_allclose(ds["voltage"].values, np.linspace(-1, 1, 5))


# ------------------------------------------------------------------ failures: one line, exit 2
@pytest.fixture
def file_in_the_way(tmp_path):
    f = tmp_path / "plain"
    f.write_text("x")
    return f


@pytest.mark.parametrize(
    "argv",
    [
        ["screening", "--points", "5", "--models", "debye"],
        ["pore", "--width", "0.6:0.9nm:3", "--voltage", "0:1V:3"],
        ["pore", "force", "--method", "exact", "--separation", "1:10nm:4"],
        ["aggregate", "--molality", "1:2:2", "--max-size", "3"],
        ["continuum", "edl", "--no-sweep"],
        ["continuum", "charging"],
    ],
)
@pytest.mark.parametrize("where", ["missing-dir", "under-a-file"])
def test_invalid_out_exits_2_with_one_line(argv, where, tmp_path, file_in_the_way, capsys):
    out = tmp_path / "no" / "such" / "stem" if where == "missing-dir" else file_in_the_way / "stem"
    code, _, err = run(capsys, *argv, "--out", str(out))
    one_line_error(code, err)
    assert "--out" in err


def test_out_naming_a_directory_as_file(tmp_path, capsys):
    (tmp_path / "screening.nc").mkdir()
    code, _, err = run(
        capsys, "screening", "--points", "5", "--models", "debye", "--out", str(tmp_path) + "/"
    )
    one_line_error(code, err)
    assert "is a directory" in err


def test_fit_out_unwritable(tmp_path, capsys, monkeypatch, file_in_the_way):
    data = tmp_path / "t.csv"
    r = np.linspace(0.2, 4, 60)
    np.savetxt(data, np.c_[r, np.exp(-r / 0.9)], delimiter=",")
    code, _, err = run(
        capsys, "fit", "decay", str(data), "--monotonic", "--out", str(file_in_the_way / "x.nc")
    )
    one_line_error(code, err)


def test_unwritable_target_keeps_previous_output(tmp_path, capsys, monkeypatch):
    """A write that fails (PermissionError at the temporary file) is one line and leaves the
    previous good result untouched; no temporary files are left behind."""
    stem = tmp_path / "s"
    assert (
        run(capsys, "screening", "--points", "5", "--models", "debye", "--out", str(stem))[0] == 0
    )
    before = (tmp_path / "s.nc").read_bytes()

    import tempfile

    def refuse(*args, **kwargs):
        raise PermissionError(13, "Permission denied")

    monkeypatch.setattr(tempfile, "mkstemp", refuse)
    code, _, err = run(capsys, "screening", "--points", "7", "--models", "msa", "--out", str(stem))
    one_line_error(code, err)
    assert "Permission denied" in err
    assert (tmp_path / "s.nc").read_bytes() == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["s.nc", "s.png"]


def test_failed_figure_leaves_no_half_outputs(tmp_path, capsys, monkeypatch):
    """The dataset is only renamed into place once the figure has been written too; an old
    screening.nc survives a run whose figure fails (before: replaced with the new one)."""
    stem = tmp_path / "s"
    assert (
        run(capsys, "screening", "--points", "5", "--models", "debye", "--out", str(stem))[0] == 0
    )
    old = results.open_dataset(tmp_path / "s.nc")
    import matplotlib.figure

    def broken(self, *args, **kwargs):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(matplotlib.figure.Figure, "savefig", broken)
    code, _, err = run(capsys, "screening", "--points", "9", "--models", "msa", "--out", str(stem))
    one_line_error(code, err)
    kept = results.open_dataset(tmp_path / "s.nc")
    assert kept.sizes["concentration"] == 5 and list(kept["model"].values) == list(
        old["model"].values
    )
    assert sorted(p.name for p in tmp_path.iterdir()) == ["s.nc", "s.png"]
    # a fresh target: nothing at all is left behind
    code, _, err = run(capsys, "screening", "--points", "9", "--out", str(tmp_path / "fresh"))
    assert code == 2 and not list(tmp_path.glob("fresh*")) and not list(tmp_path.glob(".*part"))


def test_out_of_memory_request_is_refused(tmp_path, capsys):
    code, _, err = run(capsys, "aggregate", "--max-size", "100000", "--out", str(tmp_path) + "/")
    one_line_error(code, err)
    assert "--max-size" in err and "GB" in err


def test_overflowing_concentration_is_refused(tmp_path, capsys):
    """1e6 mol/L used to run and write a force curve of zeros (overflow)."""
    code, _, err = run(
        capsys, "pore", "force", "--concentration", "1e6M", "--out", str(tmp_path) + "/"
    )
    one_line_error(code, err)
    assert "--concentration" in err and "mol/L" in err
    assert not list(tmp_path.iterdir())


def test_unexpected_numerical_error_is_one_line(monkeypatch, tmp_path, capsys):
    import ionscales.theory as theory

    def overflow(*args, **kwargs):
        raise FloatingPointError("overflow encountered in exp")

    monkeypatch.setattr(theory, "screening_curves", overflow)
    code, _, err = run(capsys, "screening", "--points", "5", "--out", str(tmp_path) + "/")
    one_line_error(code, err)
    assert "FloatingPointError" in err and "IONSCALES_DEBUG" in err


# ------------------------------------------------------------------ fit surface-force
def test_fit_surface_force_cli_recovers_the_decay_length(tmp_path, capsys, rng):
    D = np.linspace(2.0, 30.0, 60)  # nm
    lam, amp = 3.04, 2.5  # nm, mN/m
    f = amp * np.exp(-D / lam) * (1 + 0.02 * rng.normal(size=D.size))
    data = tmp_path / "sfa.csv"
    np.savetxt(data, np.c_[D, f], delimiter=",", header="D_nm,F_over_R_mN_per_m", comments="")
    out = tmp_path / "sf.nc"
    code, text, _ = run(
        capsys, "fit", "surface-force", str(data), "--window", "4:30nm", "--out", str(out)
    )
    assert code == 0
    ds = results.open_dataset(out)
    xi = float(ds["best_value"].sel(param="decay_length"))
    err = float(ds["stderr"].sel(param="decay_length"))
    assert abs(xi - lam * nm) <= 3 * err and err < 0.05 * xi
    a = float(ds["best_value"].sel(param="amplitude"))
    assert a == pytest.approx(amp * 1e-3, rel=0.1)  # mN/m -> N/m
    assert float(ds["separation" if "separation" in ds else "x"].min()) >= 4 * nm - 1e-15
    assert "decay_length" in text


def test_fit_surface_force_cli_bad_unit(tmp_path, capsys):
    data = tmp_path / "sfa.csv"
    np.savetxt(data, np.c_[np.linspace(1, 10, 10), np.exp(-np.linspace(1, 10, 10))], delimiter=",")
    code, _, err = run(capsys, "fit", "surface-force", str(data), "--force-unit", "mN")
    one_line_error(code, err)
    assert "force per length" in err


def test_parse_for_variable_checks_the_vocabulary_dimension():
    """The helper for SI-by-default inputs (TOML sweeps): bare numbers SI, units checked."""
    from ionscales.cli.quantities import parse_for_variable

    assert parse_for_variable("grid.concentration", "concentration", "0.1M") == pytest.approx(100.0)
    assert parse_for_variable("grid.concentration", "concentration", "5") == 5.0
    assert parse_for_variable("fixed.width", "width", "3nm") == pytest.approx(3e-9)
    assert parse_for_variable("fixed.temperature", "temperature", "25degC") == pytest.approx(298.15)
    for text in ("3m", "3mol/kg", "2V"):
        with pytest.raises(ParameterError, match="expected a concentration") as info:
            parse_for_variable("grid.concentration", "concentration", text)
        assert info.value.parameter == "grid.concentration"


@pytest.mark.parametrize(
    "content",
    [
        b"\x89PNG\r\n\x1a\n\x00\x00\xff\xfe binary",
        b"function = \n[grid",
        b'function = "theory.screening"\n[grid]\nc = [1.0]\n[[[',
    ],
    ids=["binary", "malformed", "unclosed-table"],
)
def test_malformed_or_binary_toml_is_one_line(tmp_path, capsys, content):
    path = tmp_path / "bad.toml"
    path.write_bytes(content)
    code, _, err = run(capsys, "sweep", str(path))
    one_line_error(code, err)


def test_help_shows_every_default(capsys):
    """Options with a default say so in --help (edl --model, aggregate --max-size had none)."""
    checked = 0
    for path, parser in _parsers(build_parser()):
        formatter = parser._get_formatter()
        for action in parser._actions:
            if not action.option_strings or action.default in (None, False, argparse.SUPPRESS):
                continue
            if isinstance(action, (argparse._HelpAction, argparse._VersionAction)):
                continue
            text = formatter._get_help_string(action)
            assert "default" in text.lower(), (path, action.option_strings, text)
            checked += 1
    assert checked > 40


def test_malformed_quantity_text_is_one_line_not_a_traceback(capsys):
    """pint's parser trips an internal assert on text like '0-': still one line, exit 2."""
    from ionscales.cli import main

    assert main(["pore", "--ion-diameter", "0-", "--no-plot"]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and "--ion-diameter" in err[0]
