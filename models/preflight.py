"""Preflight: every model a command will call, checked before anything is stored.

A run that cannot reach its model should fail once, at the start, naming
the model, the role it plays and the fix, not once per sample after minutes
of retries (a missing OpenAI key reaches litellm as an HTTP 500, which looks
transient). So before a run row exists, each model string is resolved
(provider known), its arguments checked (a self-hosted provider names its
server), a ``script/`` name must be registered, a ``local/`` checkpoint must
be on disk, and a hosted provider's key variable must be set. litellm is
imported only for a hosted model, and it is asked (``validate_environment``)
which variables the provider reads, so the list is litellm's, not ours.
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Mapping
from typing import Any

from ethos.errors import EthosError
from ethos.models.args import ModelArgs
from ethos.models.errors import ModelConfigError

# Providers whose credentials come from a chain (cloud profiles, instance
# roles, application-default credentials) that an environment check cannot
# see: the provider itself answers for them.
CREDENTIAL_CHAINS = frozenset(
    {"bedrock", "bedrock_converse", "sagemaker", "sagemaker_chat", "vertex_ai", "vertex_ai_beta"}
)
# Providers for a server of one's own: no key is needed unless one is named.
KEYLESS = frozenset(
    {"ollama", "ollama_chat", "hosted_vllm", "custom_openai", "openai_like", "lm_studio"}
)

# Providers the gateway calls through the openai SDK, not litellm (see
# ethos.models.openai_transport): their key variable, known without litellm.
NATIVE_KEYS = {"openai": ("OPENAI_API_KEY",)}


class MissingKeyError(ModelConfigError):
    """A hosted model's provider needs a key that is not in the environment."""

    def __init__(self, problem: str, fix: str | None = None, *, variables: list[str]) -> None:
        super().__init__(problem, fix)
        self.variables = variables


def missing_keys(canonical: str, provider: str, args: ModelArgs) -> list[str]:
    """The environment variables ``canonical`` needs and lacks (any one of
    them would do); empty when the key is there or cannot be checked here."""
    if args.api_key_env:
        return [] if os.environ.get(args.api_key_env, "").strip() else [args.api_key_env]
    if args.api_base or provider in KEYLESS or provider in CREDENTIAL_CHAINS:
        return []  # a server of one's own, or credentials only the provider can judge
    if provider in NATIVE_KEYS:  # called without litellm: checked without importing it
        wanted = list(NATIVE_KEYS[provider])
        return [] if any(os.environ.get(k, "").strip() for k in wanted) else wanted
    from ethos.models.providers import load_litellm

    try:
        found = load_litellm().validate_environment(canonical)
    except Exception:  # litellm cannot tell for this provider: the call will
        return []
    wanted = [
        str(k)
        for k in found.get("missing_keys") or []
        if not str(k).endswith(("_API_BASE", "_BASE_URL", "_ENDPOINT"))
    ]
    if any(os.environ.get(k, "").strip() for k in wanted):
        return []  # e.g. gemini reads GEMINI_API_KEY or GOOGLE_API_KEY
    return wanted


def check_one(
    model: str,
    settings: Any,
    model_args: Mapping[str, Any] | None = None,
    *,
    what: str = "",
    scripts: bool = True,
) -> ModelArgs:
    """Check one model string as ``what`` (``arm 'x'``, ``role 'analysis'``)
    will call it; returns its merged arguments. Errors name ``what``.
    ``scripts=False`` skips the script registry: a task file registers its
    scripts when it is imported, which a command may not have done yet."""
    from ethos.models.gateway import check_model

    try:
        canonical, provider, args = check_model(model, settings, model_args)
        name = canonical.split("/", 1)[1] if "/" in canonical else canonical
        if provider == "script":  # answered in-process: no key to check
            if scripts:
                from ethos.models.script import get_script

                get_script(name)
        elif provider == "local":
            from ethos.models.local.paths import resolve_checkpoint

            resolve_checkpoint(name, settings=settings)
        else:
            missing = missing_keys(canonical, provider, args)
            if missing:
                shown = f"${missing[0]}"
                if len(missing) > 1:
                    shown = "one of " + ", ".join(f"${k}" for k in missing)
                raise MissingKeyError(
                    f"{canonical} needs its key in {shown}, which is not set",
                    f'export {missing[0]}=... (or give [models."{canonical}"] in ethos.toml '
                    "an api_key_env or, for a server of your own, an api_base); nothing was stored",
                    variables=missing,
                )
    except EthosError as exc:
        if what and not exc.problem.startswith(what):
            _prefix(exc, what)
        raise
    return args


def arm_model_args(
    common: Mapping[str, Any], options: Mapping[str, Any], max_connections: int
) -> dict[str, Any]:
    """The model arguments an eval arm calls with: the run's ``-M`` values,
    then the arm's ``model_args``, then its options that are model arguments
    (``api_base=...`` in ``--arm``); ``max_connections`` unless one names it.
    One definition for the harness and the command line's preflight, which
    runs before the harness is imported."""
    direct = {k: v for k, v in options.items() if k in ModelArgs.model_fields}
    merged = {**common, **(options.get("model_args") or {}), **direct}
    merged.setdefault("max_connections", max_connections)
    return merged


def check_all(
    entries: Iterable[tuple[str, str, Mapping[str, Any] | None]],
    settings: Any,
    *,
    scripts: bool = True,
) -> None:
    """Check every ``(what, model, model_args)`` of a command, each model
    string once per set of arguments; the first problem is raised."""
    seen: set[tuple[str, str]] = set()
    for what, model, args in entries:
        key = (model, repr(sorted((args or {}).items())))
        if key in seen:
            continue
        seen.add(key)
        check_one(model, settings, args, what=what, scripts=scripts)


def _prefix(exc: EthosError, what: str) -> None:
    """Name the role or arm in the error's problem, keeping its class (and
    so what callers catch) and its fix."""
    exc.problem = f"{what}: {exc.problem}"
    exc.args = (f"{exc.problem}; {exc.fix}" if exc.fix else exc.problem,)
