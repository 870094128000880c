"""Per-model arguments: how to reach a model and how hard to try.

They come from ``[models."<model string>"]`` in ethos.toml and from
``-M key=value`` on the command line (the latter wins), so that a
``hosted_vllm/...`` server, any OpenAI-compatible endpoint, or ``ethos
serve`` itself is reached by a model string plus its arguments. The key
itself is never an argument: ``api_key_env`` names the variable holding it,
so keys stay out of files, logs and the database.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator
from pydantic_core import PydanticCustomError

from ethos.errors import ConfigError
from ethos.keyvalue import parse_pairs
from ethos.models.errors import ModelConfigError


class ModelArgs(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")

    api_base: str | None = Field(None, description="endpoint URL, e.g. http://127.0.0.1:8000/v1")
    api_key_env: str | None = Field(None, description="environment variable holding the key")
    extra_headers: dict[str, str] = Field(default_factory=dict)
    timeout: float = Field(60.0, gt=0, description="seconds per attempt")
    max_retries: int = Field(4, ge=0, le=20, description="retries after the first attempt")
    retry_max_time: float = Field(120.0, gt=0, description="seconds, all attempts together")
    backoff_base: float = Field(0.5, ge=0, description="first backoff, doubled per retry")
    backoff_max: float = Field(20.0, ge=0, description="cap of one backoff")
    max_connections: int = Field(8, ge=1, description="concurrent calls to this model")
    temperature: float | None = None
    max_tokens: int | None = Field(None, ge=1)
    top_p: float | None = None
    seed: int | None = None
    accepts_interventions: bool = Field(
        False, description="the endpoint is `ethos serve` and applies interventions"
    )
    transport: Literal["auto", "openai", "litellm"] = Field(
        "auto",
        description="auto: OpenAI-compatible models through the openai SDK, others through "
        "litellm; litellm: force litellm (ethos.models.openai_transport)",
    )
    input_cost_per_token: float | None = Field(None, ge=0, description="USD, overrides the table")
    output_cost_per_token: float | None = Field(None, ge=0, description="USD, overrides the table")

    @field_validator("api_base")
    @classmethod
    def _with_scheme(cls, value: str | None) -> str | None:
        """A URL without http:// reached the HTTP client as a connection
        fault, retried max_retries times and then reported as 'retry later'."""
        url = (value or "").strip().lower()
        if url and not url.startswith(("http://", "https://")):
            raise PydanticCustomError(
                "url_scheme",
                "'{value}' does not start with http:// or https:// (e.g. http://127.0.0.1:8000/v1)",
                {"value": value},
            )
        return value


def parse_cli_args(pairs: Iterable[str]) -> dict[str, Any]:
    """``-M`` pairs as a dict of model arguments (values read as JSON when they parse)."""
    try:
        return parse_pairs(pairs, "-M")
    except ConfigError as exc:
        raise ModelConfigError(exc.problem, exc.fix) from None


# Providers for a server of one's own. Given no api_base, litellm reads the
# variables listed here; with none of them set it sends the prompt to a
# default (OpenAI's public API for hosted_vllm and custom_openai) or fails
# only after the run began. Such a model is refused until its destination is
# named.
NEEDS_API_BASE: dict[str, tuple[str, ...]] = {
    "hosted_vllm": ("HOSTED_VLLM_API_BASE",),
    "custom_openai": ("OPENAI_BASE_URL", "OPENAI_API_BASE"),
    "openai_like": ("OPENAI_LIKE_API_BASE",),
    "litellm_proxy": ("LITELLM_PROXY_API_BASE",),
    "lm_studio": ("LM_STUDIO_API_BASE",),
    "oobabooga": (),
    # litellm's chat path for these ignores their own *_API_BASE variables
    # and uses the OpenAI client's: unset, the prompt goes to OpenAI.
    "xinference": ("OPENAI_BASE_URL", "OPENAI_API_BASE"),
    "aiohttp_openai": ("OPENAI_BASE_URL", "OPENAI_API_BASE"),
}
# ai21/ reaches AI21's API only for the chat models litellm lists; any other
# ai21/ model takes litellm's OpenAI path, to OpenAI's public API.
OPENAI_FALLBACK = ("OPENAI_BASE_URL", "OPENAI_API_BASE")


def resolve_args(
    model: str, configured: Mapping[str, Mapping[str, Any]], overrides: Mapping[str, Any] | None
) -> ModelArgs:
    """Merge ethos.toml's entry for ``model`` with call-site overrides; a
    model of a self-hosted provider without an api_base is refused."""
    merged = {**configured.get(model, {}), **(overrides or {})}
    try:
        args = ModelArgs(**merged)
    except ValidationError as exc:
        first = exc.errors()[0]
        key = ".".join(str(p) for p in first["loc"])
        if first["type"] == "extra_forbidden":
            known = ", ".join(sorted(ModelArgs.model_fields))
            raise ModelConfigError(
                f"unknown model argument {key!r} for {model}", f"known ones: {known}"
            ) from None
        raise ModelConfigError(
            f"invalid model argument {key!r} for {model}: {first['msg']}",
            "fix it in -M or [models] of ethos.toml",
        ) from None
    check_destination(model, args)
    check_transport(model, args)
    return args


def check_transport(model: str, args: ModelArgs) -> None:
    """``transport=openai`` only for a provider that speaks chat completions."""
    from ethos.models.openai_transport import OPENAI_COMPATIBLE

    provider = model.partition("/")[0]
    if args.transport == "openai" and provider not in OPENAI_COMPATIBLE:
        raise ModelConfigError(
            f"{model} is not an OpenAI-compatible model, so transport=openai cannot reach it",
            f"drop transport (auto), or use transport=litellm; transport=openai is for "
            f"{', '.join(sorted(OPENAI_COMPATIBLE))} models",
        )


def check_destination(model: str, args: ModelArgs) -> None:
    """Refuse a self-hosted provider's model whose server nobody named: the
    prompt would otherwise leave for litellm's default endpoint."""
    import os

    provider, _, name = model.partition("/") if "/" in model else ("", "", model)
    names = NEEDS_API_BASE.get(provider)
    if provider == "ai21" and not _ai21_chat_model(name):
        if (args.api_base or "").strip() or any(
            os.environ.get(n, "").strip() for n in OPENAI_FALLBACK
        ):
            return
        raise ModelConfigError(
            f"{model} is not one of AI21's chat models that litellm knows, and litellm "
            "would send it to OpenAI's public API, which nobody named",
            f"write ai21_chat/{name} for AI21's API, or pass -M api_base=URL for a server "
            "of your own",
        )
    if names is None or (args.api_base or "").strip():
        return
    if any(os.environ.get(name, "").strip() for name in names):
        return
    variables = f" (or set {' / '.join(names)})" if names else ""
    raise ModelConfigError(
        f"{model} names no server: {provider}/ models need an api_base, and without one "
        "the prompt would go to a default endpoint nobody named",
        f"pass -M api_base=http://HOST:PORT/v1 or set api_base under "
        f'[models."{model}"] in ethos.toml{variables}',
    )


def _ai21_chat_model(name: str) -> bool:
    from ethos.models.providers import load_litellm

    return name in load_litellm().ai21_chat_models
