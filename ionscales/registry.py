"""Registry of the package's public functions by name (for sweeps and the TOML runner).

A sweep described in a file names its function, e.g. ``function = "theory.screening"``.
That name is looked up in this fixed table of ``(module, attribute)`` entries; it is never
imported as a path or evaluated, so a sweep file cannot run arbitrary code. Modules are
imported only when an entry is used; an entry whose module is not installed (or not yet
written) gives a clear :class:`~ionscales.errors.ParameterError`.

Each entry also says over which keyword arguments the function broadcasts
(``vectorized``): :func:`ionscales.sweep` then calls it once per chunk with arrays
instead of once per grid point.
"""

from __future__ import annotations

import importlib
import inspect
from collections.abc import Callable
from dataclasses import dataclass, field

from ionscales.errors import ParameterError
from ionscales.validation import suggest

__all__ = ["Entry", "names", "entry", "resolve", "name_of", "describe"]


@dataclass(frozen=True)
class Entry:
    """One registered public function.

    Attributes
    ----------
    name : str
        Registry name (``"theory.screening"``).
    module, attribute : str
        Where the function lives (imported on first use).
    description : str
        One line for listings.
    vectorized : tuple of str
        Keyword arguments the function broadcasts over elementwise (1-D arrays in, one
        result per element out).
    method : str or None
        For a model class: the method called after construction (``"solve"``,
        ``"charge"``); keyword arguments are split between the constructor and the method
        by their signatures.
    units : dict
        Units of outputs that are not in :mod:`ionscales.vocab` (for bare-array returns).
    """

    name: str
    module: str
    attribute: str
    description: str
    vectorized: tuple[str, ...] = ()
    method: str | None = None
    units: dict[str, str] = field(default_factory=dict)

    def load(self) -> Callable:
        """The callable (a model class is wrapped so that it is called like a function)."""
        try:
            mod = importlib.import_module(self.module)
            obj = getattr(mod, self.attribute)
        except (ImportError, AttributeError) as exc:
            raise ParameterError(
                "function",
                f"registry entry {self.name!r} needs {self.module}.{self.attribute}, which is not "
                f"available in this installation ({type(exc).__name__}: {exc})",
            ) from None
        if self.method is None:
            return obj
        return ModelCall(obj, self.method, self.name)


class ModelCall:
    """Call ``cls(**init_kwargs).method(**method_kwargs)`` with one flat set of keywords.

    Keywords are split by the signatures of the constructor and the method; a keyword that
    neither accepts raises ParameterError. Picklable (for dask workers).
    """

    def __init__(self, cls, method: str, name: str):
        self.cls = cls
        self.method = method
        self.name = name
        self.__name__ = name.rsplit(".", 1)[-1]
        self.__qualname__ = name

    def __call__(self, **kwargs):
        init_params = set(inspect.signature(self.cls).parameters)
        method_params = set(inspect.signature(getattr(self.cls, self.method)).parameters) - {"self"}
        unknown = set(kwargs) - init_params - method_params
        if unknown:
            raise ParameterError(
                "fixed/grid",
                f"{sorted(unknown)} are not parameters of {self.cls.__name__} or its "
                f".{self.method}(); accepted: {sorted(init_params | method_params)}",
            )
        init = {k: v for k, v in kwargs.items() if k in init_params}
        rest = {k: v for k, v in kwargs.items() if k not in init_params}
        return getattr(self.cls(**init), self.method)(**rest)

    def __reduce__(self):
        return (ModelCall, (self.cls, self.method, self.name))


_C = ("concentration",)
_ENTRIES: dict[str, Entry] = {}


def _add(name, module, attribute, description, vectorized=(), method=None, units=None):
    _ENTRIES[name] = Entry(
        name, module, attribute, description, tuple(vectorized), method, dict(units or {})
    )


# theory: screening ladder and electrostatics
_add(
    "theory.screening",
    "ionscales.theory",
    "screening",
    "screening length / wavelength of one model versus concentration",
    _C,
)
_add(
    "theory.screening_curves",
    "ionscales.theory",
    "screening_curves",
    "screening of several models on a model dimension",
    _C,
)
_add("theory.debye_length", "ionscales.theory", "debye_length", "Debye length [m]", _C)
_add(
    "theory.bjerrum_length",
    "ionscales.theory",
    "bjerrum_length",
    "Bjerrum length [m]",
    ("permittivity", "temperature"),
)
_add(
    "theory.kirkwood_crossover",
    "ionscales.theory",
    "kirkwood_crossover",
    "kappa_D sigma at a model's Kirkwood crossover",
    units={"kirkwood_crossover": "1"},
)
# thermodynamics
_add(
    "theory.activity_coefficient",
    "ionscales.theory",
    "activity_coefficient",
    "mean ionic activity coefficient",
    ("concentration", "molality"),
)
_add(
    "theory.osmotic_coefficient",
    "ionscales.theory",
    "osmotic_coefficient",
    "osmotic coefficient",
    ("concentration", "molality"),
)
_add(
    "theory.thermodynamics",
    "ionscales.theory.thermo",
    "thermodynamics",
    "activity and osmotic coefficients as one Dataset",
    ("concentration", "molality"),
)
# integral equations
_add(
    "theory.integral_equation.solve",
    "ionscales.theory.integral_equation",
    "solve",
    "Ornstein–Zernike + HNC solve at one state point",
)
# aggregation (model classes: constructor keywords + solve keywords)
_add(
    "theory.aggregation.Aggregation",
    "ionscales.theory.aggregation",
    "Aggregation",
    "Flory–Stockmayer ion aggregation / gelation (binary salt or ionic liquid)",
    method="solve",
)
_add(
    "theory.aggregation.SolvatedAggregation",
    "ionscales.theory.aggregation",
    "SolvatedAggregation",
    "aggregation with competing solvent association",
    method="solve",
)
_add(
    "theory.aggregation.SaltInIonicLiquid",
    "ionscales.theory.aggregation",
    "SaltInIonicLiquid",
    "aggregation of a salt in an ionic liquid",
    method="solve",
)
# transport
_add(
    "theory.transport.nernst_einstein_conductivity",
    "ionscales.theory.transport",
    "nernst_einstein_conductivity",
    "Nernst–Einstein conductivity",
)
# confinement
_add(
    "theory.confinement.slit_interaction",
    "ionscales.theory.confinement",
    "slit_interaction",
    "potential of a charge between two metal plates [V]",
    ("r",),
    units={"slit_interaction": "V"},
)
_add(
    "theory.confinement.SlitPore",
    "ionscales.theory.confinement",
    "SlitPore",
    "charging of a slit pore of ideal-metal walls",
    method="charge",
)
# continuum (FiPy)
_add(
    "continuum.solve_pb",
    "ionscales.continuum",
    "solve_pb",
    "Poisson–Boltzmann / Bikerman / BSK double layer (FiPy)",
)
_add(
    "continuum.solve_pnp",
    "ionscales.continuum",
    "solve_pnp",
    "Poisson–Nernst–Planck charging (FiPy)",
)


def names() -> list[str]:
    """Registered function names."""
    return sorted(_ENTRIES)


def describe() -> dict[str, str]:
    """name -> one-line description."""
    return {k: _ENTRIES[k].description for k in names()}


def entry(name: str) -> Entry:
    """The entry called ``name``; ParameterError naming the valid names otherwise."""
    if not isinstance(name, str) or name not in _ENTRIES:
        raise ParameterError(
            "function",
            f"{name!r} is not a registered function; choose one of: {', '.join(names())}."
            f"{suggest(str(name), names())}",
        )
    return _ENTRIES[name]


def resolve(name: str) -> Callable:
    """The callable registered as ``name``."""
    return entry(name).load()


def name_of(func) -> str | None:
    """Registry name of ``func`` if it is a registered function (or the same object), else None."""
    if isinstance(func, ModelCall):
        return func.name
    attr = getattr(func, "__name__", None)
    for e in _ENTRIES.values():
        if e.attribute != attr:
            continue
        try:
            obj = getattr(importlib.import_module(e.module), e.attribute)
        except (ImportError, AttributeError):
            continue
        if obj is func:
            return e.name
    return None
