"""The screening ladder: one interface over every screening model.

A *screening model* is a function ``f(electrolyte, concentration, **options) ->
ScreeningModes`` registered under a name with :func:`register_model`. It returns the poles
k = alpha_0 + i alpha_1 of the charge–charge correlation (decay modes ~ exp(-alpha_1 r)
cos(alpha_0 r - theta)/r) for each concentration; this module turns them into the labelled
Dataset of :func:`screening`: decay length 1/alpha_1 and wavelength 2 pi/alpha_0 of the
leading (slowest-decaying, smallest alpha_1) mode, the Debye length, the regime, and
optionally every mode on a ``mode`` dimension.

Models provided by modules that are imported on first use are registered by
``(module, attribute)`` so that the ladder is complete without importing them.
"""

from __future__ import annotations

import importlib
import warnings
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import xarray as xr

from ionscales.dielectric import resolve_decrement
from ionscales.electrolyte import Electrolyte
from ionscales.errors import ConvergenceWarning, ParameterError, ValidityWarning
from ionscales.results import make_dataset
from ionscales.theory.electrostatics import debye_length, inverse_debye_length
from ionscales.validation import check_choice, check_concentration

__all__ = [
    "ScreeningModes",
    "register_model",
    "screening_models",
    "screening",
    "screening_curves",
    "kirkwood_crossover",
]

#: absolute threshold on |alpha_0|/|k| below which a root is taken as purely imaginary
MONOTONIC_TOLERANCE = 1e-10


@dataclass
class ScreeningModes:
    """Raw output of a screening model over a 1-D concentration array.

    Attributes
    ----------
    poles : ndarray of complex, shape (n_concentration, n_modes)
        k = alpha_0 + i alpha_1 [1/m] with alpha_0 >= 0, alpha_1 > 0; NaN for absent modes.
        The order is free; :func:`screening` sorts by alpha_1 (slowest decay first).
    residual : ndarray, shape (n_concentration, n_modes)
        Relative residual |F(k)| / scale of the pole equation at each root (verifies it).
    valid : ndarray of bool, shape (n_concentration,)
        False where the model has no physical answer (e.g. past a spinodal); the decay
        length is then NaN and the regime "unstable" (or "invalid").
    extra : dict
        name -> ndarray over concentration (e.g. dressed_charge_ratio); units from the
        vocabulary, or name -> (values, units, long_name).
    parameters : dict
        Model parameters to record in the Dataset attrs.
    references : tuple of str
    invalid_label : str
        Regime label where ``valid`` is False ("unstable" past a spinodal).
    """

    poles: np.ndarray
    residual: np.ndarray
    valid: np.ndarray
    extra: dict[str, Any] = field(default_factory=dict)
    parameters: dict[str, Any] = field(default_factory=dict)
    references: tuple[str, ...] = ()
    invalid_label: str = "unstable"


@dataclass(frozen=True)
class _ModelSpec:
    name: str
    target: Callable | tuple[str, str]
    description: str
    crossover: Callable[..., float] | tuple[str, str] | None = None
    unavailable: str | None = None

    def resolve(self, which: str = "target") -> Callable:
        obj = getattr(self, which)
        if isinstance(obj, tuple):
            module, attr = obj
            try:
                mod = importlib.import_module(module)
                return getattr(mod, attr)
            except (ImportError, AttributeError):
                if self.unavailable:
                    raise ParameterError("model", self.unavailable) from None
                raise
        return obj


_MODELS: dict[str, _ModelSpec] = {}


def register_model(
    name: str,
    func: Callable | tuple[str, str],
    *,
    description: str,
    crossover: Callable[..., float] | tuple[str, str] | None = None,
    unavailable: str | None = None,
) -> None:
    """Register a screening model.

    Parameters
    ----------
    name : str
        Model name used in ``screening(..., model=name)``.
    func : callable or (module, attribute)
        ``func(electrolyte, concentration_1d, **options) -> ScreeningModes``.
    description : str
        One line shown in listings and the CLI help.
    crossover : callable or (module, attribute), optional
        ``crossover(**options) -> kappa_D sigma`` at the model's Kirkwood crossover.
    unavailable : str, optional
        Message of the ParameterError raised if a lazily registered model cannot be imported.
    """
    _MODELS[name] = _ModelSpec(name, func, description, crossover, unavailable)


def screening_models() -> dict[str, str]:
    """Registered model names with their one-line descriptions."""
    _ensure_builtin_models()
    return {k: v.description for k, v in _MODELS.items()}


def _get_spec(model: str) -> _ModelSpec:
    _ensure_builtin_models()
    check_choice("model", model, list(_MODELS))
    return _MODELS[model]


def screening(
    electrolyte: Electrolyte,
    concentration,
    model: str = "msa",
    *,
    all_modes: bool = False,
    dielectric_decrement=None,
    **options,
) -> xr.Dataset:
    """Screening length and oscillation wavelength versus concentration.

    Parameters
    ----------
    electrolyte : Electrolyte
    concentration : float or array_like
        Salt concentration [mol/m^3] (1-D or scalar), > 0.
    model : str
        One of :func:`screening_models` ("debye", "dh-exclusion", "msa", "dressed-ion",
        "free-ion", "cluster", "scaling", "dressed-ion-hnc").
    all_modes : bool
        Also return every mode found on a ``mode`` dimension (0 = slowest decaying).
    dielectric_decrement : None, bool or DielectricDecrement
        ``None`` (default): use the electrolyte's eps_r(c) law if it has one (presets:
        none); ``False``: constant eps_r; ``True``: require the electrolyte's law; a
        :class:`~ionscales.dielectric.DielectricDecrement`: use it. With eps_r(c) every
        state point is evaluated with its own permittivity (the model sees
        ``electrolyte.at_concentration(c)``; one model call per point) and the Dataset
        gains ``permittivity`` over concentration; ``debye_length`` uses eps_r(c) too.
    **options
        Model options (see each model's documentation).

    Returns
    -------
    xarray.Dataset
        Over ``concentration``: ``decay_length`` [m], ``wavelength`` [m] (NaN where the
        leading mode is monotonic), ``debye_length`` [m], ``regime`` ("monotonic" |
        "oscillatory" | "unstable"), ``valid``, ``pole_residual``, ``kappa_sigma_debye``
        and model-specific extras; with ``all_modes``, ``mode_decay_length`` and
        ``mode_wavelength`` over (``concentration``, ``mode``).
    """
    if not isinstance(electrolyte, Electrolyte):
        raise ParameterError("electrolyte", "must be an Electrolyte", electrolyte)
    spec = _get_spec(model)
    c = _screening_concentration(concentration)
    scalar = np.ndim(concentration) == 0
    func = spec.resolve("target")
    decrement = resolve_decrement(electrolyte, dielectric_decrement)
    if decrement is None:
        modes = func(electrolyte, c, **options)
        ds = _modes_to_dataset(electrolyte, c, model, modes, all_modes=all_modes)
    else:
        local = electrolyte.with_(dielectric_decrement=decrement)
        modes = _stack_modes(
            [func(local.at_concentration(ci), np.array([ci]), **options) for ci in c]
        )
        eps = np.atleast_1d(local.permittivity_at(c))
        kappa = inverse_debye_length(electrolyte, c) * np.sqrt(electrolyte.permittivity / eps)
        ds = _modes_to_dataset(
            electrolyte, c, model, modes, all_modes=all_modes, kappa_debye=kappa, permittivity=eps
        )
        ds.attrs["dielectric_decrement"] = f"{decrement.form}: {decrement.source}"
    return ds.isel(concentration=0) if scalar else ds


def _screening_concentration(concentration) -> np.ndarray:
    """Validated 1-D concentration array (> 0, non-empty) [mol/m^3]."""
    c = check_concentration(concentration)
    c = np.atleast_1d(c)
    if c.ndim != 1:
        raise ParameterError("concentration", "must be a scalar or a 1-D array", concentration)
    if c.size == 0:
        raise ParameterError(
            "concentration", "must not be empty (give at least one state point)", concentration
        )
    if np.any(c <= 0):
        raise ParameterError(
            "concentration", "must be > 0 mol/m^3 for a screening length", concentration
        )
    if np.any(c > 1e5):
        warnings.warn(
            f"concentration up to {float(np.max(c)):.3g} mol/m^3 (= {float(np.max(c)) / 1e3:.3g} mol/L) is beyond "
            "any liquid electrolyte (neat salts are < 50 mol/L): was it given in mol/L x 1000 twice?",
            ValidityWarning,
            stacklevel=3,
        )
    return c


def _stack_modes(parts: list[ScreeningModes]) -> ScreeningModes:
    """Concatenate per-point ScreeningModes (modes padded with NaN)."""
    width = max(
        np.asarray(p.poles).reshape(len(np.atleast_1d(p.valid)), -1).shape[1] for p in parts
    )

    def pad(a, fill):
        a = np.asarray(a)
        a = a.reshape(a.shape[0] if a.ndim else 1, -1)
        out = np.full((a.shape[0], width), fill, dtype=a.dtype)
        out[:, : a.shape[1]] = a
        return out

    poles = np.concatenate([pad(np.asarray(p.poles, dtype=complex), np.nan + 0j) for p in parts])
    residual = np.concatenate(
        [
            pad(
                np.broadcast_to(np.asarray(p.residual, dtype=float), np.asarray(p.poles).shape),
                np.nan,
            )
            for p in parts
        ]
    )
    valid = np.concatenate([np.atleast_1d(np.asarray(p.valid, dtype=bool)) for p in parts])
    extra = {}
    for name, value in parts[0].extra.items():
        if isinstance(value, tuple):
            extra[name] = (
                np.concatenate([np.atleast_1d(p.extra[name][0]) for p in parts]),
                value[1],
                value[2],
            )
        else:
            extra[name] = np.concatenate([np.atleast_1d(p.extra[name]) for p in parts])
    return ScreeningModes(
        poles=poles,
        residual=residual,
        valid=valid,
        extra=extra,
        parameters=parts[0].parameters,
        references=parts[0].references,
        invalid_label=parts[0].invalid_label,
    )


def _modes_to_dataset(
    electrolyte,
    c,
    model,
    modes: ScreeningModes,
    *,
    all_modes: bool,
    kappa_debye=None,
    permittivity=None,
) -> xr.Dataset:
    poles = np.asarray(modes.poles, dtype=complex)
    if poles.ndim == 1:
        poles = poles[:, None]
    residual = np.broadcast_to(
        np.asarray(modes.residual, dtype=float).reshape(poles.shape[0], -1), poles.shape
    )
    valid = np.asarray(modes.valid, dtype=bool).reshape(c.shape)
    alpha0 = np.abs(poles.real)
    alpha1 = poles.imag
    absent = ~np.isfinite(alpha1) | (alpha1 <= 0)
    alpha1 = np.where(absent, np.inf, alpha1)
    order = np.argsort(alpha1, axis=1, kind="stable")
    alpha0 = np.take_along_axis(alpha0, order, axis=1)
    alpha1 = np.take_along_axis(alpha1, order, axis=1)
    residual = np.take_along_axis(residual, order, axis=1)
    absent = np.take_along_axis(absent, order, axis=1)
    monotonic = alpha0 <= MONOTONIC_TOLERANCE * np.maximum(np.abs(alpha1), 1.0)
    with np.errstate(divide="ignore", invalid="ignore"):
        decay = np.where(absent, np.nan, 1.0 / alpha1)
        wave = np.where(absent | monotonic, np.nan, 2 * np.pi / np.where(alpha0 > 0, alpha0, 1.0))
    missing = valid & absent[:, 0]
    if np.any(missing):  # a model that flags a point valid must deliver a pole there
        warnings.warn(
            f"screening model {model!r} found no decay mode at {int(missing.sum())} "
            "concentration(s); they are marked invalid (regime 'no-mode')",
            ConvergenceWarning,
            stacklevel=3,
        )
        valid = valid & ~missing
    lead_decay = np.where(valid, decay[:, 0], np.nan)
    lead_wave = np.where(valid, wave[:, 0], np.nan)
    regime = np.where(
        missing,
        "no-mode",
        np.where(
            ~valid, modes.invalid_label, np.where(np.isnan(lead_wave), "monotonic", "oscillatory")
        ),
    )
    kappa_d = inverse_debye_length(electrolyte, c) if kappa_debye is None else kappa_debye
    data: dict[str, Any] = {
        "decay_length": ("concentration", lead_decay),
        "wavelength": ("concentration", lead_wave),
        "debye_length": (
            "concentration",
            debye_length(electrolyte, c) if kappa_debye is None else 1.0 / kappa_d,
        ),
        "regime": ("concentration", regime.astype(str, copy=False)),
        "valid": ("concentration", valid),
        "pole_residual": ("concentration", np.where(absent[:, 0], np.nan, residual[:, 0])),
        "kappa_sigma_debye": ("concentration", kappa_d * electrolyte.contact_diameter),
    }
    if permittivity is not None:
        data["permittivity"] = (
            "concentration",
            np.asarray(permittivity, dtype=float),
            "1",
            "relative permittivity of the solution, eps_r(c)",
        )
    for name, value in modes.extra.items():
        if isinstance(value, tuple):
            values, units, long_name = value
            data[name] = ("concentration", np.asarray(values), units, long_name)
        else:
            data[name] = ("concentration", np.asarray(value))
    coords: dict[str, Any] = {"concentration": c}
    if all_modes:
        n_modes = poles.shape[1]
        data["mode_decay_length"] = (("concentration", "mode"), decay)
        data["mode_wavelength"] = (("concentration", "mode"), wave)
        data["kappa_real"] = (("concentration", "mode"), np.where(absent, np.nan, alpha0))
        data["kappa_imag"] = (("concentration", "mode"), np.where(absent, np.nan, alpha1))
        coords["mode"] = np.arange(n_modes)
    params = {"electrolyte": electrolyte.describe(), **modes.parameters}
    return make_dataset(
        data,
        coords,
        model=model,
        parameters=params,
        references=tuple(modes.references),
        attrs={
            "electrolyte": electrolyte.name,
            "permittivity": electrolyte.permittivity,
            "temperature": electrolyte.temperature,
            "contact_diameter": electrolyte.contact_diameter,
            "max_pole_residual": float(np.nanmax(np.where(absent, np.nan, residual), initial=0.0))
            if np.any(~absent)
            else 0.0,
        },
    )


def screening_curves(
    electrolyte: Electrolyte,
    concentration,
    models: Sequence[str] | None = None,
    *,
    options: Mapping[str, Mapping[str, Any]] | None = None,
    dielectric_decrement=None,
) -> xr.Dataset:
    """:func:`screening` for several models, stacked on a ``model`` dimension.

    Parameters
    ----------
    electrolyte : Electrolyte
    concentration : array_like
        [mol/m^3], > 0, 1-D.
    models : str or sequence of str, optional
        One model name or several. Default: every analytic model that needs no extra
        input ("debye", "dh-exclusion", "msa", "dressed-ion", "free-ion", "scaling").
    options : mapping, optional
        Per-model keyword options, ``{"free-ion": {"association_constant": ...}}``.
    dielectric_decrement : optional
        As in :func:`screening`, for every model.

    Returns
    -------
    xarray.Dataset
        Variables over (``model``, ``concentration``); the Kirkwood crossover of each model
        (``kirkwood_crossover``) and the concentration where it is reached for this
        electrolyte (``kirkwood_concentration``). A model without a crossover (``"debye"``:
        monotonic decay at every concentration) has ``has_kirkwood_crossover`` False and NaN
        in both (undefined, not a number that was not found).
    """
    _ensure_builtin_models()
    if models is None:
        models = DEFAULT_CURVE_MODELS
    if isinstance(models, str):  # one model, not its characters
        models = [models]
    elif isinstance(models, np.ndarray) and models.ndim == 1 or isinstance(models, (list, tuple)):
        models = list(models)
    else:
        raise ParameterError("models", "must be a model name or a list of model names", models)
    if not models:
        raise ParameterError("models", "must name at least one model")
    for m in models:
        check_choice("models", m, list(_MODELS))
    if options is not None and not isinstance(options, Mapping):
        raise ParameterError("options", "must be a mapping model name -> keyword options", options)
    options = dict(options or {})
    for m, opts in options.items():
        if not isinstance(opts, Mapping):
            raise ParameterError("options", f"for {m!r} must be a mapping of keyword options", opts)
    unknown = set(options) - set(models)
    if unknown:
        raise ParameterError("options", f"given for models not requested: {sorted(unknown)}")
    c = _screening_concentration(concentration)
    parts = [
        screening(
            electrolyte, c, m, dielectric_decrement=dielectric_decrement, **options.get(m, {})
        )
        for m in models
    ]
    kirk, kirk_c, has_kirk = [], [], []
    kappa_per_c = inverse_debye_length(electrolyte, 1.0)  # kappa_D at 1 mol/m^3
    for m in models:
        if _get_spec(m).crossover is None:  # e.g. Debye-Hueckel: monotonic decay at every c
            x = float("nan")
        else:
            keys = _crossover_keywords(m)
            x = kirkwood_crossover(
                m,
                **({"electrolyte": electrolyte} if "electrolyte" in keys else {}),
                **{k: v for k, v in options.get(m, {}).items() if k in keys},
            )
        has_kirk.append(bool(np.isfinite(x)))
        kirk.append(x)
        kirk_c.append(
            (x / electrolyte.contact_diameter / kappa_per_c) ** 2 if np.isfinite(x) else np.nan
        )
    # stack the per-model results with plain NumPy (xarray's concat/merge is slow here);
    # a variable missing for a model is NaN ("" for text, False for flags)
    stacked: dict[str, Any] = {}
    for var in dict.fromkeys(v for p in parts for v in p.data_vars):
        src = next(p[var] for p in parts if var in p.data_vars)
        if src.dims != ("concentration",):
            continue
        fill = {"U": "", "O": "", "b": False}.get(src.dtype.kind, np.nan)
        rows = [p[var].values if var in p.data_vars else np.full(c.shape, fill) for p in parts]
        stacked[var] = (
            ("model", "concentration"),
            np.stack(rows),
            src.attrs["units"],
            src.attrs["long_name"],
        )
    out = make_dataset(
        {
            **stacked,
            "kirkwood_crossover": ("model", np.array(kirk)),
            "kirkwood_concentration": ("model", np.array(kirk_c)),
            "has_kirkwood_crossover": (
                "model",
                np.array(has_kirk, dtype=bool),
                "1",
                "the model has a Kirkwood crossover (else "
                "kirkwood_crossover and kirkwood_concentration are NaN)",
            ),
        },
        {"model": np.array(models, dtype=str), "concentration": c},
        model="screening_curves",
        parameters={
            "electrolyte": electrolyte.describe(),
            "models": models,
            "options": {k: dict(v) for k, v in options.items()},
        },
        references=tuple(
            dict.fromkeys(r for p in parts for r in p.attrs.get("references", "").split("; ") if r)
        ),
        attrs={
            "electrolyte": electrolyte.name,
            "permittivity": electrolyte.permittivity,
            "temperature": electrolyte.temperature,
            "contact_diameter": electrolyte.contact_diameter,
        },
    )
    return out


def _crossover_keywords(model: str) -> set[str]:
    import inspect

    spec = _MODELS[model]
    if spec.crossover is None:
        return set()
    try:
        func = spec.resolve("crossover")
    except ParameterError:
        return set()
    return set(inspect.signature(func).parameters)


def kirkwood_crossover(model: str, **options) -> float:
    """kappa_D sigma at the model's Kirkwood crossover (monotonic -> oscillatory decay).

    Computed from the model's pole equation (not tabulated). ``ParameterError`` if the
    model has no crossover (e.g. "debye").
    """
    spec = _get_spec(model)
    if spec.crossover is None:
        raise ParameterError("model", f"{model!r} has no Kirkwood crossover")
    return float(spec.resolve("crossover")(**options))


# ---------------------------------------------------------------------------------------
# built-in models


def _debye_model(electrolyte: Electrolyte, concentration: np.ndarray) -> ScreeningModes:
    """Debye–Hückel: a single monotonic mode k = i kappa_D (any valences)."""
    kappa = inverse_debye_length(electrolyte, concentration)
    return ScreeningModes(
        poles=(1j * np.asarray(kappa))[:, None],
        residual=np.zeros((len(concentration), 1)),
        valid=np.ones(len(concentration), dtype=bool),
        references=("P. Debye & E. Hückel, Phys. Z. 24, 185 (1923)",),
    )


DEFAULT_CURVE_MODELS = ["debye", "dh-exclusion", "msa", "dressed-ion", "free-ion", "scaling"]

_BUILTINS_LOADED = False


def _ensure_builtin_models() -> None:
    """Import the modules that register the analytic models (once)."""
    global _BUILTINS_LOADED
    if not _BUILTINS_LOADED:
        _BUILTINS_LOADED = True
        importlib.import_module("ionscales.theory.models")


register_model("debye", _debye_model, description="Debye–Hückel screening length (any valences)")
register_model(
    "cluster",
    ("ionscales.theory.aggregation", "cluster_screening_model"),
    description="Debye length of the effective carriers (free ions and charged clusters) "
    "of an aggregation model",
    unavailable="model 'cluster' needs the aggregation theory (ionscales.theory.aggregation: "
    "effective carriers from the Flory–Stockmayer cluster distribution), which is not "
    "available in this installation",
)
register_model(
    "dressed-ion-hnc",
    ("ionscales.theory.integral_equation", "hnc_screening_model"),
    description="Dressed-ion screening from the Ornstein–Zernike equation with the HNC closure",
    crossover=("ionscales.theory.integral_equation", "hnc_kirkwood_crossover"),
    unavailable="model 'dressed-ion-hnc' needs the integral-equation solver "
    "(ionscales.theory.integral_equation), which is not available in this installation",
)
