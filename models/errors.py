"""Errors of the model gateway, each naming the model and the fix."""

from __future__ import annotations

from typing import Any

from ethos.errors import EthosError


class ModelError(EthosError):
    """Base of the gateway's errors."""


class UnknownProviderError(ModelError):
    """The model string names a provider neither litellm nor ethos knows."""


class ModelConfigError(ModelError):
    """A model argument (-M key=value, [models] in ethos.toml) is invalid."""


class ProviderError(ModelError):
    """The provider kept failing (429, 5xx, timeouts) past the retry bounds,
    or failed in a way retrying cannot fix (401, 400)."""

    def __init__(
        self, problem: str, fix: str | None = None, *, status: int | None = None, attempts: int = 1
    ) -> None:
        super().__init__(problem, fix)
        self.status = status
        self.attempts = attempts

    @property
    def exit_status(self) -> int:  # type: ignore[override]
        """Refused credentials or a request the provider rejects (4xx) are the
        user's to fix: 2; a provider that kept failing (429, 5xx, timeouts): 1."""
        refused = self.status is not None and 400 <= self.status < 500 and self.status != 429
        return 2 if refused else 1


class OutputValidationError(ModelError):
    """The model's reply did not match the requested schema, even after repair."""

    def __init__(
        self, problem: str, fix: str | None = None, *, text: str = "", usage: Any = None
    ) -> None:
        super().__init__(problem, fix)
        self.text = text
        self.usage = usage  # the failed call's Usage (both rounds): paid for though it failed


class ContextLengthError(ModelError):
    """The prompt does not fit the model's context window."""


class InterventionSpecError(ModelConfigError):
    """An intervention given as data (a dict, JSON) is malformed: a field is
    missing, unknown or of the wrong kind. ``index`` and ``field`` say where."""

    def __init__(
        self, problem: str, fix: str | None = None, *, index: int | None = None, field: str = ""
    ) -> None:
        super().__init__(problem, fix)
        self.index = index
        self.field = field


class UnsupportedInterventionError(ModelError):
    """The backend cannot honour an intervention; refusing beats ignoring it."""


class NonFiniteOutputError(ModelError):
    """A request's computation produced NaN or infinity (e.g. an extreme
    steering vector); that request fails, its batch goes on."""


class CheckpointNotFoundError(ModelError):
    """``local/<name-or-path>`` names no checkpoint on disk."""
