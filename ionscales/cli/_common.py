"""Shared helpers of the CLI sub-commands: quantities with units, options, outputs, figures.

Units are parsed at the command-line (and TOML) boundary with pint and converted to the SI
floats of the Python API; nothing below the CLI sees a unit string. Each quantity *kind*
(length, concentration, molality, voltage, ...) has one dimension and one default unit for
bare numbers, the same in every sub-command (:data:`QUANTITY_KINDS`). A value of the wrong
dimension (``--c-max 3m``, ``3mol/kg`` or ``2V`` for a concentration) is a
:class:`~ionscales.errors.ParameterError` naming the option.

Outputs go through :class:`Outputs`: ``--out`` is an existing directory (or a path ending
in ``/``, created) that receives the command's default file names, or a file stem
(``--out runs/nacl`` -> ``runs/nacl.nc``, ``runs/nacl.png``). Files are written to
temporary names and renamed only when every output of the run has been written, so a
failed run never replaces a good result and leaves none of its half outputs.
"""

from __future__ import annotations

import argparse
import functools
import os
import re
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from ionscales.errors import ParameterError
from ionscales.plots import LINE_STYLES, OKABE_ITO, pyplot  # noqa: F401  (re-exported for the commands)

__all__ = [
    "QUANTITY_KINDS",
    "QuantityKind",
    "parse_quantity",
    "parse_range",
    "parse_for_variable",
    "quantity_argument",
    "add_quantity_option",
    "add_preset_option",
    "add_output_options",
    "CLIParser",
    "UsageError",
    "Outputs",
    "read_columns",
    "split_negative_values",
]


@dataclass(frozen=True)
class QuantityKind:
    """One physical kind of CLI quantity.

    ``dimension`` is a pint dimensionality (``None``: dimensionless), ``unit`` the unit of
    bare numbers and of ``--help``, ``si`` the SI unit the API receives, ``hint`` examples.
    """

    name: str
    dimension: str | None
    unit: str
    si: str
    hint: str


#: kind -> QuantityKind; the one table of CLI units (bare numbers are in ``unit``).
QUANTITY_KINDS: dict[str, QuantityKind] = {
    k.name: k
    for k in (
        QuantityKind("length", "[length]", "nm", "m", "0.5nm, 5angstrom, 1um"),
        QuantityKind(
            "concentration",
            "[substance] / [length] ** 3",
            "mol/L",
            "mol/m^3",
            "0.1M, 10mM; a molarity, not mol/kg",
        ),
        QuantityKind(
            "molality",
            "[substance] / [mass]",
            "mol/kg",
            "mol/kg",
            "21mol/kg, 1molal; a molality, not M",
        ),
        QuantityKind("voltage", "[electric_potential]", "V", "V", "0.1V, -50mV"),
        QuantityKind("temperature", "[temperature]", "K", "K", "298.15K, 25degC"),
        QuantityKind("time", "[time]", "s", "s", "10us, 1ms"),
        QuantityKind("frequency", "1 / [time]", "Hz", "1/s", "1kHz"),
        QuantityKind("voltage_rate", "[electric_potential] / [time]", "V/s", "V/s", "0.1V/s"),
        QuantityKind(
            "surface_charge", "[charge] / [length] ** 2", "C/m^2", "C/m^2", "-0.05C/m^2, 10uC/cm^2"
        ),
        QuantityKind("current_density", "[current] / [length] ** 2", "A/m^2", "A/m^2", "10A/m^2"),
        QuantityKind("dimensionless", None, "1", "1", "78.4"),
    )
}

_NUMBER = r"[-+]?(?:\d+\.?\d*|\.\d+)(?:[eE][-+]?\d+)?"
_UNIT = r"[A-Za-z_µμÅ°/^*0-9.\s()-]*?"


@functools.lru_cache(maxsize=1)
def _registry():
    import pint

    ureg = pint.UnitRegistry(autoconvert_offset_to_baseunit=True)
    ureg.define("molal = mole / kilogram")
    ureg.define("m_molal = mole / kilogram")
    return ureg


def _kind(kind: str | None, default_unit: str) -> QuantityKind | None:
    if kind is not None:
        if kind not in QUANTITY_KINDS:
            raise KeyError(f"unknown quantity kind {kind!r}; known: {', '.join(QUANTITY_KINDS)}")
        return QUANTITY_KINDS[kind]
    if not default_unit:
        return None
    # legacy callers name a default unit: its dimension picks the kind
    dim = _registry().parse_units(_normalise_unit(default_unit)).dimensionality
    for k in QUANTITY_KINDS.values():
        if k.dimension is not None and _registry().get_dimensionality(k.dimension) == dim:
            return k
    raise KeyError(f"no quantity kind has the dimension of {default_unit!r}")


def _normalise_unit(unit: str) -> str:
    unit = unit.strip()
    if unit in ("A",):  # the old parser's angstrom; pint's A is the ampere
        return "angstrom"
    # m3, cm2 -> m^3, cm^2 (a unit letter followed directly by a power)
    return re.sub(r"(?<=[A-Za-z])(\d+)\b", r"^\1", unit)


def _describe(dimensionality) -> str:
    for k in QUANTITY_KINDS.values():
        if (
            k.dimension is not None
            and _registry().get_dimensionality(k.dimension) == dimensionality
        ):
            return f"a {k.name.replace('_', ' ')} ({k.unit})"
    return "dimensionless" if not dimensionality else f"of dimension {dimensionality}"


def _to_si(option: str, number: float, unit: str, text: str, kind: QuantityKind | None) -> float:
    """number [unit] -> SI float of ``kind`` (any dimension when kind is None)."""
    ureg = _registry()
    import pint

    if not unit:
        if kind is None or kind.dimension is None:
            return float(number)
        unit = kind.unit
    try:
        units = ureg.parse_units(_normalise_unit(unit))
        q = ureg.Quantity(number, units)
    except (
        pint.errors.PintError,
        AttributeError,
        TypeError,
        ValueError,
        SyntaxError,
        AssertionError,
    ):
        # pint's parser can fail with any of these on malformed text ("0-" trips an assert)
        raise ParameterError(
            option,
            f"unknown unit {unit!r} (e.g. {kind.hint if kind else '0.5nm, 0.1M, -50mV'})",
            text,
        ) from None
    try:
        if kind is None:
            value = q.to_base_units().magnitude
        elif kind.dimension is None:
            value = q.to("dimensionless").magnitude
        else:
            value = q.to(kind.si).magnitude
    except pint.errors.DimensionalityError:
        expected = (
            f"a {kind.name.replace('_', ' ')} [{kind.unit}]" if kind.dimension else "dimensionless"
        )
        raise ParameterError(
            option,
            f"{text.strip()!r} is {_describe(q.dimensionality)}; expected {expected}, "
            f"e.g. {kind.hint}",
            text,
        ) from None
    value = float(value)
    if not np.isfinite(value):
        raise ParameterError(option, "must be finite", text)
    return value


def parse_quantity(
    option: str, text: str, default_unit: str = "", *, kind: str | None = None
) -> float:
    """Parse one quantity with an optional unit and return it as an SI float.

    Parameters
    ----------
    option : str
        Name reported in errors (``--c-max``, ``grid.concentration``).
    text : str
        A number with an optional unit: ``0.5nm``, ``0.1 M``, ``-50mV``, ``25degC``.
    default_unit : str, optional
        Unit of a bare number (legacy spelling; its dimension selects the kind).
    kind : str, optional
        A key of :data:`QUANTITY_KINDS`: fixes the dimension and the unit of bare numbers.
        Without ``kind`` and ``default_unit`` any dimension is accepted and converted to
        SI base units (``"0.1M"`` -> 100.0 mol/m^3), and a bare number is taken as SI.

    Returns
    -------
    float
        The value in the SI unit of its kind (m, mol/m^3, mol/kg, V, K, s, ...).

    Notes
    -----
    Only ``number [unit]`` is accepted (never an expression); units are pint's (SI
    prefixes, ``M`` = mol/L, ``angstrom``/``Å``, ``degC``), plus ``molal`` = mol/kg.
    """
    spec = _kind(kind, default_unit)
    if not isinstance(text, str):
        raise ParameterError(option, "must be a number with an optional unit", text)
    m = re.fullmatch(rf"\s*({_NUMBER})\s*({_UNIT})\s*", text)
    if not m:
        hint = spec.hint if spec else "0.5nm, 0.1M"
        raise ParameterError(option, f"must be a number with an optional unit (e.g. {hint})", text)
    return _to_si(option, float(m.group(1)), m.group(2).strip(), text, spec)


def parse_for_variable(where: str, name: str, text: str) -> float:
    """Parse ``text`` as a value of the vocabulary variable ``name``, in its SI unit.

    For the TOML sweep runner and other SI-by-default inputs: a bare number is SI (the
    unit :mod:`ionscales.vocab` gives ``name``); a unit must have the variable's dimension
    (``concentration = "3m"`` or ``"3mol/kg"`` is an error naming ``where``). Names that
    are not in the vocabulary or are dimensionless accept any quantity, converted to SI.
    """
    from ionscales.vocab import VARIABLES

    unit = VARIABLES.get(name, ("1", ""))[0]
    if unit == "1":
        return parse_quantity(where, text)
    spec = QuantityKind(
        name,
        str(_registry().parse_units(_normalise_unit(unit)).dimensionality),
        unit,
        unit,
        f"a value in {unit}",
    )
    m = re.fullmatch(rf"\s*({_NUMBER})\s*({_UNIT})\s*", text) if isinstance(text, str) else None
    if not m:
        raise ParameterError(
            where, f"must be a number with an optional unit ({unit} if none)", text
        )
    return _to_si(where, float(m.group(1)), m.group(2).strip() or unit, text, spec)


def parse_range(
    option: str,
    text: str,
    default_unit: str = "",
    default_points: int = 50,
    log: bool = False,
    *,
    kind: str | None = None,
) -> np.ndarray:
    """Parse ``START:STOP[:POINTS][UNIT]`` into SI values (a single value: one point).

    A unit after the last number applies to every end without one (``0.4:3nm``,
    ``-1:1V:9``, ``1mM:1M``). ``log`` spaces the points logarithmically (positive ends).
    Dimensions and bare numbers follow :func:`parse_quantity`.
    """
    spec = _kind(kind, default_unit)
    if not isinstance(text, str):
        raise ParameterError(option, "must be START:STOP[:POINTS] with an optional unit", text)
    unit_re = r"([A-Za-z_µμÅ°/^*0-9.()]*?)"
    m = re.fullmatch(
        rf"\s*({_NUMBER})\s*{unit_re}\s*:\s*({_NUMBER})\s*{unit_re}"
        rf"(?:\s*:\s*(\d+)\s*{unit_re})?\s*",
        text,
    )
    if not m:
        return np.array([parse_quantity(option, text, default_unit, kind=kind)])
    tail = m.group(6) or m.group(4) or ""
    start = _to_si(option, float(m.group(1)), m.group(2) or tail, text, spec)
    stop = _to_si(option, float(m.group(3)), m.group(4) or tail, text, spec)
    points = int(m.group(5)) if m.group(5) else default_points
    if points < 1:
        raise ParameterError(option, "needs at least one point", text)
    if points > 1_000_000:
        raise ParameterError(option, "at most 1e6 points", text)
    if log:
        if start <= 0 or stop <= 0:
            raise ParameterError(option, "a logarithmic range needs positive ends", text)
        return np.geomspace(start, stop, points)
    return np.linspace(start, stop, points)


# ---------------------------------------------------------------------------------------
# argparse: one-line errors, quantity options, shared options


class UsageError(Exception):
    """A command-line usage error (reported on one line, exit code 2)."""


class CLIParser(argparse.ArgumentParser):
    """ArgumentParser whose errors are one line and returned as exit code 2 by ``main``
    (argparse would print the usage and exit); defaults are shown in ``--help``."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("formatter_class", _HelpFormatter)
        if kwargs.get("description"):
            kwargs["description"] = plain_text(kwargs["description"])
        super().__init__(*args, **kwargs)

    def add_argument(self, *args, **kwargs):
        if kwargs.get("help"):
            kwargs["help"] = plain_text(kwargs["help"])
        return super().add_argument(*args, **kwargs)

    def error(self, message):
        raise UsageError(f"{self.prog}: error: {message}")


class _HelpFormatter(argparse.ArgumentDefaultsHelpFormatter):
    def _get_help_string(self, action):
        text = action.help or ""
        if "%(default)" in text or "default" in text.lower():
            return text
        if action.default in (None, argparse.SUPPRESS, False) or action.option_strings == []:
            return text
        return text + " (default: %(default)s)"


def plain_text(text: str) -> str:
    """Help text without reST markup (module docstrings double as descriptions):
    ``code`` -> code, :func:`name` -> name."""
    text = re.sub(r":(?:func|class|meth|mod|data|attr):`~?([^`]+)`", r"\1", text)
    return re.sub(r"``([^`]+)``", r"\1", text)


def quantity_argument(
    option: str,
    kind: str,
    *,
    minimum: float | None = None,
    maximum: float | None = None,
    strict_minimum: bool = False,
    range_points: int | None = None,
    log: bool = False,
):
    """An argparse ``type=`` that parses a quantity (or a range when ``range_points`` is
    given) of ``kind`` into SI, with optional bounds [SI units of the kind]."""
    spec = QUANTITY_KINDS[kind]

    def convert(text: str):
        try:
            if range_points is not None:
                value = parse_range(option, text, default_points=range_points, log=log, kind=kind)
            else:
                value = parse_quantity(option, text, kind=kind)
        except ParameterError as exc:
            msg = str(exc)
            raise argparse.ArgumentTypeError(msg.removeprefix(f"{option}: ")) from None
        arr = np.atleast_1d(value)
        if minimum is not None and (
            np.any(arr <= minimum) if strict_minimum else np.any(arr < minimum)
        ):
            raise argparse.ArgumentTypeError(
                f"must be {'>' if strict_minimum else '>='} {_shown(minimum, spec)}; got {text!r}"
            )
        if maximum is not None and np.any(arr > maximum):
            raise argparse.ArgumentTypeError(f"must be <= {_shown(maximum, spec)}; got {text!r}")
        return value

    convert.__name__ = kind  # argparse names the type in its messages
    return convert


def _shown(value_si: float, spec: QuantityKind) -> str:
    """An SI bound shown in the kind's display unit ("100 mol/L")."""
    if spec.dimension is None:
        return f"{value_si:g}"
    factor = _registry().Quantity(1.0, spec.si).to(spec.unit).magnitude
    return f"{value_si * factor:g} {spec.unit}"


def add_quantity_option(
    parser,
    *flags: str,
    kind: str,
    default=None,
    help: str,
    range_points: int | None = None,
    log: bool = False,
    minimum=None,
    maximum=None,
    strict_minimum: bool = False,
    metavar: str | None = None,
    **kwargs,
):
    """Add an option holding a quantity of ``kind``; the help states the unit of bare numbers.

    The parsed value is an SI float (or, with ``range_points``, an array). The action
    records ``quantity_kind`` and ``quantity_unit`` (walked by the tests: the same option
    has the same unit in every sub-command).
    """
    spec = QUANTITY_KINDS[kind]
    unit = (
        ""
        if spec.unit == "1"
        else f" [{spec.unit}] (any {kind.replace('_', ' ')} unit, e.g. {spec.hint})"
    )
    if range_points is not None:
        unit += f"; START:STOP[:POINTS] ({range_points} points{', log-spaced' if log else ''} by default)"
    action = parser.add_argument(
        *flags,
        default=default,
        help=f"{help}{unit}",
        type=quantity_argument(
            flags[0],
            kind,
            minimum=minimum,
            maximum=maximum,
            strict_minimum=strict_minimum,
            range_points=range_points,
            log=log,
        ),
        metavar=metavar
        or (
            "RANGE"
            if range_points is not None
            else "NUMBER"
            if spec.dimension is None
            else kind.upper()
        ),
        **kwargs,
    )
    action.quantity_kind = kind
    action.quantity_unit = spec.unit
    return action


def add_preset_option(parser, default: str = "NaCl(aq)", *, deprecated_alias: bool = False):
    """``--preset NAME`` (the electrolyte preset); ``--salt`` kept as a deprecated alias."""
    flags = ["--preset"] + (["--salt"] if deprecated_alias else [])
    return parser.add_argument(
        *flags,
        dest="preset",
        default=default,
        metavar="NAME",
        help="electrolyte preset, see ionscales.presets.names()"
        + (" (--salt: deprecated spelling)" if deprecated_alias else ""),
    )


def add_output_options(parser, default: str, *, figures: bool = True):
    """``--out`` (directory or file stem) and ``--plot/--no-plot`` (``--no-figures`` kept as a
    deprecated alias of ``--no-plot``)."""
    parser.add_argument(
        "--out",
        default=default,
        metavar="PATH",
        help="an existing directory (or a path ending in '/') for the default file "
        "names, or a file stem (writes STEM.nc, STEM.png, ...)",
    )
    if figures:
        parser.add_argument(
            "--plot", action=argparse.BooleanOptionalAction, default=True, help="write the figures"
        )
        parser.add_argument(
            "--no-figures",
            dest="plot",
            action="store_false",
            help="deprecated spelling of --no-plot",
        )


def split_negative_values(argv: list[str]) -> list[str]:
    """``--voltage -1:1V`` -> ``--voltage=-1:1V``: a value that starts like a negative
    number is joined to the long option before it (no option of ionscales starts with a
    digit), so argparse does not take it for an option."""
    out: list[str] = []
    for token in argv:
        if (
            out
            and re.match(r"^-\.?\d", token)
            and out[-1].startswith("--")
            and "=" not in out[-1]
            and not re.fullmatch(r"-\d+(\.\d*)?([eE][-+]?\d+)?|-\.\d+([eE][-+]?\d+)?", token)
        ):
            out[-1] = f"{out[-1]}={token}"
        else:
            out.append(token)
    return out


# ---------------------------------------------------------------------------------------
# outputs: one --out rule, atomic writes


class Outputs:
    """The files of one run, written atomically.

    Parameters
    ----------
    out : str
        ``--out``: an existing directory or a path ending in ``/`` (created) -> the default
        names; otherwise a file stem (a trailing ``.nc``/``.png`` is dropped).
    files : dict
        ``key -> (default file name, suffix after the stem)``, e.g.
        ``{"data": ("screening.nc", ".nc"), "figure": ("screening.png", ".png")}``.

    Notes
    -----
    :meth:`add_dataset` / :meth:`add_figure` only queue; :meth:`commit` writes every file
    to a temporary name in its target directory and renames them all once every write
    succeeded, so a failing run leaves no partial output and never replaces a previous
    good file with a broken one. Unwritable targets raise ``ParameterError('--out', ...)``.
    """

    def __init__(self, out: str, files: dict[str, tuple[str, str]], *, option: str = "--out"):
        self.option = option
        text = str(out)
        target = Path(text)
        if target.is_dir() or text.endswith(("/", os.sep)):
            if not target.is_dir():
                try:
                    target.mkdir(parents=True, exist_ok=True)
                except OSError as exc:
                    raise ParameterError(
                        option, f"cannot create directory ({_reason(exc)})", text
                    ) from None
            self.paths = {k: target / name for k, (name, _) in files.items()}
        else:
            if target.suffix in (".nc", ".png", ".pdf", ".svg"):
                target = target.with_suffix("")
            parent = target.parent
            if not parent.is_dir():
                raise ParameterError(option, f"directory {str(parent)!r} does not exist", text)
            self.paths = {k: parent / (target.name + sfx) for k, (_, sfx) in files.items()}
        for path in self.paths.values():
            if path.is_dir():
                raise ParameterError(option, f"{str(path)!r} is a directory, not a file", text)
        for parent in {p.parent for p in self.paths.values()}:
            if not os.access(parent, os.W_OK | os.X_OK):
                raise ParameterError(option, f"directory {str(parent)!r} is not writable", text)
        self._queue: list[tuple[str, object, str]] = []

    def __getitem__(self, key: str) -> Path:
        return self.paths[key]

    def add_dataset(self, key: str, ds) -> None:
        self._queue.append((key, ds, "dataset"))

    def add_figure(self, key: str, fig) -> None:
        self._queue.append((key, fig, "figure"))

    def commit(self) -> list[Path]:
        """Write every queued output (temporary file + rename); return the paths written."""
        from ionscales import results

        temps: list[tuple[Path, Path]] = []
        try:
            for key, obj, what in self._queue:
                path = self.paths[key]
                fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".part", dir=path.parent)
                os.close(fd)
                temps.append((Path(tmp), path))
                if what == "dataset":
                    results.to_netcdf(obj, tmp)
                else:
                    obj.savefig(tmp, format=path.suffix.lstrip(".") or "png", dpi=120)
            for tmp, path in temps:
                os.replace(tmp, path)
        except OSError as exc:
            raise ParameterError(
                self.option, f"cannot write {str(path)!r} ({_reason(exc)})"
            ) from None
        finally:
            for tmp, _ in temps:
                if tmp.exists():
                    tmp.unlink()
            self._close_figures()
        return [path for _, path in temps]

    def _close_figures(self) -> None:
        import matplotlib.pyplot as plt

        for _, obj, what in self._queue:
            if what == "figure":
                plt.close(obj)
        self._queue = []


def _reason(exc: OSError) -> str:
    return f"{exc.__class__.__name__}: {exc.strerror or exc}"


def report(command: str, exc: BaseException) -> str:
    """The one-line message printed for a failure (no traceback)."""
    text = " ".join(str(exc).split()) or exc.__class__.__name__
    return f"ionscales {command}: error: {text}"


def read_columns(path, min_columns: int = 2, *, parameter: str = "FILE") -> np.ndarray:
    """Numeric columns of a CSV file (header line and ``#`` comments skipped).

    Numbers only (never evaluated). Empty fields become NaN. Raises ParameterError naming
    ``parameter`` for a missing or unreadable file, a non-numeric line, ragged rows, no
    data rows or too few columns.
    """
    p = Path(path)
    if not p.is_file():
        raise ParameterError(parameter, "file not found", str(path))
    rows, width = [], None
    try:
        text = p.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise ParameterError(
            parameter, f"cannot be read as text ({exc.__class__.__name__})", str(path)
        ) from None
    header_seen = False
    for number, line in enumerate(text.splitlines(), start=1):
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        parts = [f.strip() for f in line.split(",")]
        try:
            values = [float(f) if f else np.nan for f in parts]
        except ValueError:
            if not rows and not header_seen:
                header_seen = True
                continue
            raise ParameterError(
                parameter, f"line {number} is not numeric: {line[:60]!r}", str(path)
            ) from None
        if width is None:
            width = len(values)
        elif len(values) != width:
            raise ParameterError(
                parameter, f"line {number} has {len(values)} columns, expected {width}", str(path)
            )
        rows.append(values)
    if not rows:
        raise ParameterError(parameter, "is empty (no numeric rows)", str(path))
    data = np.array(rows, dtype=float)
    if data.shape[1] < min_columns:
        raise ParameterError(
            parameter, f"needs at least {min_columns} comma-separated columns", str(path)
        )
    return data


def print_err(message: str) -> None:
    print(message, file=sys.stderr)
