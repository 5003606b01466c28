"""Exceptions and warnings shared by every layer of ionscales.

``ParameterError`` is raised for bad input: its message names the parameter, the value
received and the valid range. ``ConvergenceError`` is raised when an iterative solve does
not converge; it carries the diagnostics (iterations, residual, residual history).
Warnings are classes so that users can escalate them with ``-W error::...``.
"""

from __future__ import annotations

from collections.abc import Sequence

__all__ = [
    "IonscalesError",
    "ParameterError",
    "ConvergenceError",
    "ValidityWarning",
    "ConvergenceWarning",
    "CheckpointWarning",
]


class IonscalesError(Exception):
    """Base class of every error raised on purpose by ionscales."""


class ParameterError(IonscalesError, ValueError):
    """Bad input: the message names the parameter, the value and the valid range.

    Parameters
    ----------
    parameter : str
        Name of the offending parameter (as the user spelled it).
    message : str
        What is wrong and what the valid range is.
    value : object, optional
        The value received (shown in the message when given).
    """

    def __init__(self, parameter: str, message: str, value: object = ...):
        self.parameter = parameter
        self.value = value
        shown = "" if value is ... else f" (got {_short_repr(value)})"
        message = " ".join(str(message).split())  # one line, whatever was passed in
        super().__init__(f"{parameter}: {message}{shown}")


class ConvergenceError(IonscalesError, RuntimeError):
    """An iterative solve did not converge.

    Attributes
    ----------
    iterations : int
        Iterations performed.
    residual : float
        Final residual (in the solver's own norm, stated in ``message``).
    history : list of float
        Residual after each iteration.
    """

    def __init__(
        self,
        message: str,
        *,
        iterations: int | None = None,
        residual: float | None = None,
        history: Sequence[float] | None = None,
    ):
        self.iterations = iterations
        self.residual = residual
        self.history = list(history) if history is not None else []
        details = []
        if iterations is not None:
            details.append(f"iterations={iterations}")
        if residual is not None:
            details.append(f"residual={residual:.3e}")
        if self.history:
            tail = ", ".join(f"{h:.2e}" for h in self.history[-5:])
            details.append(f"last residuals=[{tail}]")
        suffix = f" ({'; '.join(details)})" if details else ""
        super().__init__(message + suffix)


class ValidityWarning(UserWarning):
    """A model is used outside its stated validity range (the result is flagged)."""


class ConvergenceWarning(UserWarning):
    """An iterative solve converged poorly (the result records converged=False)."""


class CheckpointWarning(UserWarning):
    """A checkpoint record was ignored (unreadable, modified, or not matching the sweep's
    schema); its points are recomputed."""


def _short_repr(value: object, limit: int = 80) -> str:
    """One line, at most ``limit`` characters (array reprs wrap: their whitespace is folded)."""
    try:
        text = repr(value)
    except Exception:  # noqa: BLE001 - a broken __repr__ must not hide the real error
        text = f"<{type(value).__name__}>"
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 3] + "..."
