"""``ionscales sweep FILE.toml``: registry-only functions, parsing, clear errors."""

from __future__ import annotations

import json
import textwrap

import numpy as np
import pytest

from ionscales import presets, results, theory
from ionscales.cli import main
from ionscales.cli.sweep import load_sweep_file
from ionscales.errors import ParameterError
from ionscales.units import M, nm


def _write(tmp_path, text, name="sweep.toml"):
    path = tmp_path / name
    path.write_text(textwrap.dedent(text))
    return path


def test_toml_sweep_writes_one_labelled_dataset(tmp_path, capsys):
    # the hot copy keeps the preset's permittivity explicitly (a temperature alone now moves
    # eps_r along the solvent's eps_r(T))
    eps = presets.get("NaCl(aq)").permittivity
    path = _write(
        tmp_path,
        f"""
        function = "theory.screening"
        outputs = ["decay_length", "debye_length", "regime"]
        scheduler = "synchronous"

        [fixed]
        model = "debye"

        [grid]
        concentration = {{start = "1mM", stop = "1M", num = 4, log = true}}
        electrolyte = ["NaCl(aq)", "CaCl2(aq)",
                       {{preset = "NaCl(aq)", temperature = 350.0, permittivity = {eps!r}, name = "NaCl hot"}}]
    """,
    )
    out = tmp_path / "result.nc"
    assert main(["sweep", str(path), "--output", str(out), "--no-progress"]) == 0
    assert "12 points" in capsys.readouterr().out
    ds = results.open_dataset(out)
    results.check_labelled(ds)
    c = np.geomspace(1e-3, 1.0, 4) * M
    np.testing.assert_allclose(ds["concentration"], c)
    assert list(ds["electrolyte"].values) == ["NaCl(aq)", "CaCl2(aq)", "NaCl hot"]
    assert ds["decay_length"].attrs["units"] == "m"
    # Debye screening: 0.304 nm / sqrt(c/M) for 1:1 water at 298.15 K (0.1 % rounding of 0.304)
    np.testing.assert_allclose(
        ds["decay_length"].sel(electrolyte="NaCl(aq)") / nm, 0.304 / np.sqrt(c / M), rtol=1e-3
    )
    np.testing.assert_allclose(
        ds["decay_length"].sel(electrolyte="CaCl2(aq)"),
        theory.debye_length(presets.get("CaCl2(aq)"), c),
        rtol=1e-12,
    )
    # same permittivity, higher temperature: lambda_D ~ sqrt(T)
    ratio = ds["decay_length"].sel(electrolyte="NaCl hot") / ds["decay_length"].sel(
        electrolyte="NaCl(aq)"
    )
    np.testing.assert_allclose(ratio, np.sqrt(350.0 / 298.15), rtol=1e-12)
    assert (ds["regime"] == "monotonic").all() and (ds["error"] == "").all()
    grid = json.loads(ds.attrs["sweep_grid"])
    assert "T=350 K" in grid["electrolyte"][2]


def test_inline_electrolyte_and_quantity_strings(tmp_path):
    path = _write(
        tmp_path,
        """
        function = "theory.debye_length"
        [fixed.electrolyte]
        cation = {name = "A+", charge = 1, diameter = "0.4nm"}
        anion = {name = "B-", charge = -1, diameter = "4 angstrom"}
        solvent = {name = "water", permittivity = 78.4, temperature = 298.15}
        [grid]
        concentration = ["10mM", "0.1M", 1000.0]
    """,
    )
    spec = load_sweep_file(path)
    np.testing.assert_allclose(spec["grid"]["concentration"], [10.0, 100.0, 1000.0])
    e = spec["fixed"]["electrolyte"]
    assert e.ions[0].diameter == pytest.approx(0.4e-9) and e.ions[1].diameter == pytest.approx(
        0.4e-9
    )
    from ionscales import sweep

    ds = sweep(**spec, scheduler="synchronous")
    np.testing.assert_allclose(
        ds["debye_length"] / nm, 0.304 / np.sqrt(ds["concentration"] / M), rtol=1e-3
    )


@pytest.mark.parametrize(
    "function",
    ["os.system", "ionscales.theory.screening", "builtins.eval", "__import__('os').system('true')"],
)
def test_functions_outside_the_registry_are_rejected(tmp_path, capsys, function):
    path = _write(
        tmp_path,
        f"""
        function = {json.dumps(function)}
        [grid]
        concentration = [1.0]
    """,
    )
    assert main(["sweep", str(path)]) == 2
    err = capsys.readouterr().err
    assert "is not a registered function" in err and "theory.screening" in err
    assert "Traceback" not in err


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ('function = "theory.debye_length"\n[grid\nconcentration = [1.0]\n', "is not valid TOML"),
        ("[grid]\nconcentration = [1.0]\n", "function: is required"),
        ('function = "theory.debye_length"\n', "grid: is required"),
        (
            'function = "theory.debye_length"\nimport = "os"\n[grid]\nconcentration = [1.0]\n',
            "unknown keys ['import']",
        ),
        ('function = "theory.debye_length"\n[grid]\nconcentration = ["0.1 MMM"]\n', "unknown unit"),
        (
            'function = "theory.debye_length"\n[grid]\nconcentration = {start = 1, stop = 2}\n',
            "needs start, stop, num",
        ),
        ('function = "theory.debye_length"\n[grid]\nconcentration = []\n', "at least one value"),
        (
            'function = "theory.debye_length"\n[fixed]\nelectrolyte = "Seawater"\n[grid]\n'
            "concentration = [1.0]\n",
            "unknown preset",
        ),
        (
            'function = "theory.debye_length"\n[fixed]\nx = {a = 1}\n[grid]\nconcentration = [1.0]\n',
            "inline tables are understood only",
        ),
        ("function = 3\n[grid]\nconcentration = [1.0]\n", "must be a registry name"),
    ],
)
def test_malformed_files_give_clear_messages(tmp_path, capsys, text, message):
    path = _write(tmp_path, text)
    with pytest.raises(ParameterError, match=None) as info:
        load_sweep_file(path)
    assert message in str(info.value)
    assert main(["sweep", str(path)]) == 2
    err = capsys.readouterr().err
    assert message in err and "Traceback" not in err


def test_missing_file_and_list(tmp_path, capsys):
    assert main(["sweep", str(tmp_path / "nope.toml")]) == 2
    assert "cannot read the sweep file" in capsys.readouterr().err
    assert main(["sweep", "--list"]) == 0
    listing = capsys.readouterr().out
    assert "theory.screening" in listing and "continuum.solve_pb" in listing


def test_example_sweep_file_is_valid():
    from pathlib import Path

    path = Path(__file__).resolve().parents[2] / "examples" / "screening_sweep.toml"
    spec = load_sweep_file(path)
    assert spec["func"] == "theory.screening"
    assert spec["grid"]["concentration"][0] == pytest.approx(1.0)  # 1 mM = 1 mol/m^3
    assert spec["grid"]["concentration"][-1] == pytest.approx(3000.0)
    assert [e.name for e in spec["grid"]["electrolyte"]] == ["NaCl(aq)", "CaCl2(aq)"]


def _from_checkout() -> bool:
    """Whether the imported ionscales is a source checkout (else an installed wheel: CI runs
    pytest from the repository root against the installed package too)."""
    from pathlib import Path

    import ionscales

    return (Path(ionscales.__file__).resolve().parent.parent / "pyproject.toml").is_file()


def test_bench_command_finds_the_checkout_or_says_why(monkeypatch, capfd):
    from ionscales.cli import bench

    root = bench.find_benchmarks()
    if _from_checkout():
        assert root is not None and (root / "benchmarks" / "_harness.py").is_file()
        assert main(["bench", "no_such_benchmark"]) == 2
        assert "unknown benchmarks" in capfd.readouterr().err
    else:
        assert root is None
    monkeypatch.setattr(bench, "find_benchmarks", lambda: None)
    assert main(["bench"]) == 2
    err = capfd.readouterr().err
    assert "benchmarks/ was not found" in err and "source checkout" in err


def test_source_checkout_maps_only_the_layer_folders():
    """ionscales used to extend __path__ to the repository root: ionscales.benchmarks and
    ionscales.examples imported, and 'benchmarks' shadowed any top-level package."""
    import importlib
    import subprocess
    import sys
    from pathlib import Path

    import ionscales

    package = Path(ionscales.__file__).resolve().parent
    # the layers sit beside the package in a checkout, inside it in a wheel
    home = package.parent if _from_checkout() else package
    for name in ("ionscales.benchmarks", "ionscales.examples", "ionscales.tests"):
        with pytest.raises(ModuleNotFoundError):
            importlib.import_module(name)
    assert [Path(p).resolve() for p in ionscales.__path__] == [package]
    for layer in ("theory", "continuum", "fitting"):
        mod = importlib.import_module(f"ionscales.{layer}")
        assert Path(mod.__file__).resolve() == home / layer / "__init__.py"
    # a fresh interpreter started elsewhere with the same ionscales first on sys.path
    code = (
        f"import sys; sys.path.insert(0, {str(package.parent)!r}); import ionscales.theory as t; "
        "import ionscales.fitting; import importlib.util as u; print(t.__file__); "
        "print(u.find_spec('ionscales.benchmarks'))"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, cwd="/", timeout=120
    )
    assert out.returncode == 0, out.stderr
    lines = out.stdout.split()
    assert Path(lines[0]).resolve() == home / "theory" / "__init__.py" and lines[1] == "None"


# --- security: a sweep file is data -----------------------------------------------------


def test_bench_never_imports_benchmarks_from_the_current_directory(tmp_path, monkeypatch, capfd):
    """A hostile benchmarks/ package in the working directory (or a parent) is not run."""
    import sys

    marker = tmp_path / "pwned"
    hostile = tmp_path / "benchmarks"
    hostile.mkdir()
    (hostile / "__init__.py").write_text("")
    (hostile / "_harness.py").write_text("")
    (hostile / "__main__.py").write_text(
        f"open({str(marker)!r}, 'w').write('ran')\ndef main(argv):\n    return 0\n"
    )
    (tmp_path / "sub").mkdir()
    monkeypatch.chdir(tmp_path / "sub")
    before = set(sys.path)
    assert main(["bench", "no_such_benchmark"]) == 2
    # the project's own benchmarks answered (a checkout), or none were found (a wheel)
    expected = "unknown benchmarks" if _from_checkout() else "benchmarks/ was not found"
    assert expected in capfd.readouterr().err
    assert not marker.exists()
    assert set(sys.path) == before  # no sys.path edits in this process


def test_sweep_file_cannot_name_a_scheduler_address(tmp_path, capsys):
    path = _write(
        tmp_path,
        """
        function = "theory.debye_length"
        scheduler = "tcp://10.0.0.66:8786"
        [fixed]
        electrolyte = "NaCl(aq)"
        [grid]
        concentration = [1.0]
    """,
    )
    with pytest.raises(ParameterError, match="only on the command line"):
        load_sweep_file(path)
    assert main(["sweep", str(path), "--no-progress"]) == 2
    assert "scheduler" in capsys.readouterr().err
    # the command line may: it overrides the file, and the file is then accepted
    spec_path = _write(
        tmp_path,
        """
        function = "theory.debye_length"
        scheduler = "synchronous"
        [fixed]
        electrolyte = "NaCl(aq)"
        [grid]
        concentration = [1.0]
    """,
        name="ok.toml",
    )
    assert load_sweep_file(spec_path)["scheduler"] == "synchronous"


@pytest.mark.parametrize("key", ["output", "checkpoint"])
@pytest.mark.parametrize("raw", ["../../victim.txt", "/tmp/elsewhere", "a/../../b"])
def test_sweep_file_paths_stay_inside_its_directory(tmp_path, key, raw):
    (tmp_path / "d" / "e").mkdir(parents=True)
    path = _write(
        tmp_path / "d" / "e",
        f"""
        function = "theory.debye_length"
        {key} = {json.dumps(raw)}
        [fixed]
        electrolyte = "NaCl(aq)"
        [grid]
        concentration = [1.0]
    """,
    )
    with pytest.raises(ParameterError, match=key):
        load_sweep_file(path)


def test_sweep_file_cannot_overwrite_a_file_outside(tmp_path, capsys):
    victim = tmp_path / "victim.txt"
    victim.write_text("precious")
    (tmp_path / "d" / "e").mkdir(parents=True)
    path = _write(
        tmp_path / "d" / "e",
        """
        function = "theory.debye_length"
        output = "../../victim.txt"
        scheduler = "synchronous"
        [fixed]
        electrolyte = "NaCl(aq)"
        [grid]
        concentration = [1.0]
    """,
    )
    assert main(["sweep", str(path), "--no-progress"]) == 2
    assert "stay inside" in capsys.readouterr().err
    assert victim.read_text() == "precious"


def test_sweep_file_paths_resolve_in_its_directory_and_command_line_overrides(
    tmp_path, monkeypatch
):
    d = tmp_path / "d"
    d.mkdir()
    path = _write(
        d,
        """
        function = "theory.debye_length"
        output = "out/result.nc"
        checkpoint = "ck"
        scheduler = "synchronous"
        [fixed]
        electrolyte = "NaCl(aq)"
        [grid]
        concentration = [1.0, 10.0]
    """,
    )
    elsewhere = tmp_path / "cwd"
    elsewhere.mkdir()
    monkeypatch.chdir(elsewhere)  # not the file's directory
    spec = load_sweep_file(path)
    assert spec["output"] == (d / "out" / "result.nc").resolve()
    assert spec["checkpoint"] == (d / "ck").resolve()
    (d / "out").mkdir()
    assert main(["sweep", str(path), "--no-progress"]) == 0
    assert (d / "out" / "result.nc").is_file() and any((d / "ck").iterdir())
    assert not any(elsewhere.iterdir())
    # the command line may write anywhere
    other = tmp_path / "other.nc"
    assert (
        main(
            [
                "sweep",
                str(path),
                "--no-progress",
                "--output",
                str(other),
                "--checkpoint",
                str(tmp_path / "ck2"),
            ]
        )
        == 0
    )
    assert other.is_file() and any((tmp_path / "ck2").iterdir())
    # default output: beside the sweep file
    bare = _write(
        d,
        """
        function = "theory.debye_length"
        scheduler = "synchronous"
        [fixed]
        electrolyte = "NaCl(aq)"
        [grid]
        concentration = [1.0]
    """,
        name="bare.toml",
    )
    assert main(["sweep", str(bare), "--no-progress"]) == 0
    assert (d / "bare.nc").is_file() and not any(elsewhere.iterdir())


def test_toml_quantities_are_dimension_checked_per_variable():
    """#14: quantities in a sweep file go through pint with the variable's dimension."""
    from ionscales.cli import sweep as cs

    np.testing.assert_allclose(
        cs._range_string("grid.concentration", "concentration", "0.1:1M:4"),
        [100.0, 400.0, 700.0, 1000.0],
    )
    np.testing.assert_allclose(
        cs._range_string("grid.width", "width", "0.4:3nm:3"), [4e-10, 1.7e-9, 3e-9]
    )
    np.testing.assert_allclose(cs._axis("width", "1nm:3nm:3"), [1e-9, 2e-9, 3e-9])
    for bad in ("3m:4m:2", "1mol/kg:2mol/kg:2"):
        with pytest.raises(ParameterError, match="expected a concentration"):
            cs._range_string("grid.concentration", "concentration", bad)
    with pytest.raises(ParameterError, match="expected a concentration"):
        cs._value("grid.concentration", "concentration", "2V")


def test_toml_preset_override_moves_the_permittivity_with_temperature():
    """The preset-with-overrides path is Electrolyte.with_: eps_r follows the solvent's eps_r(T)."""
    from ionscales import presets
    from ionscales.cli import sweep as cs

    e = cs._electrolyte("electrolyte", {"preset": "NaCl(aq)", "temperature": 350})
    assert e.permittivity == pytest.approx(
        presets.get("NaCl(aq)").with_(temperature=350.0).permittivity
    )
    assert e.permittivity < 65.0
