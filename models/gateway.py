"""The model gateway: one call for every model, hosted, local or scripted.

``acomplete`` resolves the model string, merges its arguments, limits
concurrency per model, retries transient provider faults within bounds,
validates structured output (with one repair round), resolves ``choices``,
and records the call under the active run. The talking is a transport's:
the openai SDK for OpenAI-compatible endpoints (ethos.models.openai_transport),
in-process handlers for script/ and local/, litellm for every other provider
(imported only then); everything ethos promises about a call is enforced
here, once.
"""

from __future__ import annotations

import asyncio
import json
import logging
import random
import re
import threading
import time
from collections.abc import Callable, Mapping, Sequence
from typing import Any

from pydantic import BaseModel, ValidationError

from ethos.models.args import ModelArgs, resolve_args
from ethos.models.errors import (
    ContextLengthError,
    ModelError,
    OutputValidationError,
    ProviderError,
    UnknownProviderError,
    UnsupportedInterventionError,
)
from ethos.models.interventions import ExpertMask, Steer, parse_interventions
from ethos.models.limits import limit_for
from ethos.models.openai_transport import KEY_ENV, OPENAI_COMPATIBLE, TransportFault, transport_of
from ethos.models.providers import OUR_PROVIDERS, CallOptions, known_providers, load_litellm
from ethos.models.types import Completion, ToolCall, Usage
from ethos.recording import current_scope
from ethos.redaction import env_secrets, redact_data

log = logging.getLogger("ethos.models")

Messages = str | Sequence[Mapping[str, Any]]
KEYLESS_OK = frozenset({"openai", "hosted_vllm", "custom_openai", "openai_like"})
RETRYABLE_STATUS = frozenset({408, 409, 429, 500, 502, 503, 504, 529})
NO_KEY = "no-key"  # what a keyless local server is sent: the OpenAI client wants some key
_MISSING_CREDENTIALS = re.compile(
    r"missing credentials|api_key client option must be set|no api key provided", re.IGNORECASE
)
_jitter = random.Random()


# -- model strings -------------------------------------------------------------


def resolve_model(model: str) -> tuple[str, str]:
    """``(canonical model string, provider)``; ``provider:model`` becomes
    ``provider/model``. An unknown provider is refused with the known ones."""
    text = model.strip()
    if not text:
        # Nothing would be a default destination: litellm would pick one.
        raise UnknownProviderError(
            "the model name is empty", "name one as provider/model, e.g. openai/gpt-4o-mini"
        )
    head, sep, tail = text.partition(":")
    if sep and "/" not in head and not tail.startswith("//"):
        text = f"{head}/{tail}"  # provider:model; "provider:" names no model
    provider = text.split("/", 1)[0] if "/" in text else ""
    if "/" in text and not text.split("/", 1)[1].strip():
        raise UnknownProviderError(
            f"model {model!r} names no model after {provider}/",
            f"write {provider}/MODEL, e.g. {provider}/my-model",
        )
    if provider in OUR_PROVIDERS or provider in OPENAI_COMPATIBLE:
        return text, provider  # known without asking litellm (its import takes seconds)
    known = known_providers()
    if provider in known:
        return text, provider
    try:
        _, inferred, _, _ = load_litellm().get_llm_provider(text)
    except Exception:
        inferred = None
    if inferred and not provider:
        return text, str(inferred)
    listed = ", ".join([*OUR_PROVIDERS, *(p for p in known if p not in OUR_PROVIDERS)])
    raise UnknownProviderError(
        f"unknown provider {provider or text!r} in model {model!r}",
        f"write provider/model with one of: {listed}",
    )


def check_model(
    model: str, settings: Any, model_args: Mapping[str, Any] | None = None
) -> tuple[str, str, ModelArgs]:
    """``(canonical, provider, args)`` of a model string, checked without
    calling it: commands run this before they create a run, so an empty name
    or a self-hosted provider's model with no api_base stores nothing."""
    canonical, provider = resolve_model(model)
    return canonical, provider, resolve_args(canonical, settings.models, model_args)


# -- the call ----------------------------------------------------------------


async def acomplete(
    model: str,
    messages: Messages,
    *,
    output: type[BaseModel] | None = None,
    choices: Sequence[str] | None = None,
    interventions: Sequence[ExpertMask | Steer | Mapping[str, Any]] = (),
    temperature: float | None = None,
    max_tokens: int | None = None,
    seed: int | None = None,
    timeout: float | None = None,  # noqa: ASYNC109 (per attempt, inside the retry loop)
    tools: Sequence[Mapping[str, Any]] | None = None,
    stop: Sequence[str] | None = None,
    model_args: Mapping[str, Any] | None = None,
    settings: Any = None,
    on_token: Callable[[str], None] | None = None,
) -> Completion:
    """Ask ``model`` and return its answer, typed when ``output`` is given, one
    of ``choices`` when those are given. Raises ethos' typed errors only.

    ``on_token`` sees the answer's text as it is produced: token by token
    from the local host and from hosted models when the call is plain text
    (no output type, choices, tools or interventions), else whole answers
    (scripts; a repair round's new answer follows the first)."""
    if output is not None and choices:
        raise ModelError("pass output= or choices=, not both", "make two calls")
    if choices is not None and len(set(choices)) < 2:
        raise ModelError("choices= needs at least two distinct options")
    from ethos.settings import load_settings

    settings = settings or load_settings()
    canonical, provider = resolve_model(model)
    args = resolve_args(canonical, settings.models, model_args)
    if transport_of(provider, args) == "litellm":
        load_litellm()  # its import (seconds, once) is not the model's latency
    specs = parse_interventions([_as_dict(i) for i in interventions])
    check_interventions(canonical, provider, args, specs)
    chat = _with_instructions(_as_messages(messages), output, choices)
    options = CallOptions(
        choices=list(choices) if choices else None,
        schema=output.model_json_schema() if output else None,
        interventions=specs,
        settings=settings,
        on_token=None if choices else on_token,
    )
    request = _request(
        canonical,
        provider,
        args,
        chat,
        options,
        output,
        temperature=temperature,
        max_tokens=max_tokens,
        seed=seed,
        timeout=timeout,
        tools=tools,
        stop=stop,
    )
    if provider == "local":
        # Loading (seconds, once per process) is not the call's latency.
        from ethos.models.local.host import get_local_model

        await get_local_model(canonical.split("/", 1)[1], settings=settings)
    started = time.perf_counter()
    call = _Call(canonical, provider, args, request, options)
    try:
        async with limit_for(canonical, args.max_connections):
            completion = await call.run(output, options.choices)
    except ModelError as exc:
        await _record(canonical, call, time.perf_counter() - started, error=str(exc), output=output)
        raise
    completion = completion.model_copy(update={"latency_s": time.perf_counter() - started})
    await _record(canonical, call, completion.latency_s, completion=completion, output=output)
    return completion


def _as_dict(item: Any) -> Any:
    return item.model_dump() if isinstance(item, BaseModel) else item


def _as_messages(messages: Messages) -> list[dict[str, Any]]:
    if isinstance(messages, str):
        return [{"role": "user", "content": messages}]
    out = [dict(m) for m in messages]
    for i, m in enumerate(out):
        if m.get("role") not in {"system", "user", "assistant", "tool", "developer"}:
            raise ModelError(
                f"message {i} has role {m.get('role')!r}",
                "use system, user, assistant or tool",
            )
    if not out:
        raise ModelError("no messages to send", "pass a prompt string or a list of messages")
    return out


def check_interventions(
    model: str, provider: str, args: ModelArgs, specs: list[ExpertMask | Steer]
) -> None:
    if not specs or provider == "local" or args.accepts_interventions:
        return
    raise UnsupportedInterventionError(
        f"{model} cannot apply interventions ({', '.join(s.type for s in specs)})",
        "use a local/ model, or an `ethos serve` endpoint with -M accepts_interventions=true",
    )


def _with_instructions(
    chat: list[dict[str, Any]], output: type[BaseModel] | None, choices: Sequence[str] | None
) -> list[dict[str, Any]]:
    """Add the schema or the options to the last user turn: every chat
    template accepts that, while a late (or any) system turn breaks some."""
    if output is not None:
        schema = json.dumps(output.model_json_schema(), separators=(",", ":"))
        note = f"Reply with only a JSON object that matches this JSON schema:\n{schema}"
    elif choices:
        note = "Answer with exactly one of these options and nothing else: " + " | ".join(choices)
    else:
        return chat
    users = [i for i, m in enumerate(chat) if m.get("role") == "user"]
    if not users:
        return [*chat, {"role": "user", "content": note}]
    last = dict(chat[users[-1]])
    content = last.get("content")
    if isinstance(content, list):
        last["content"] = [*content, {"type": "text", "text": note}]
    else:
        last["content"] = f"{content or ''}\n\n{note}"
    return [*chat[: users[-1]], last, *chat[users[-1] + 1 :]]


def _request(
    model: str,
    provider: str,
    args: ModelArgs,
    chat: list[dict[str, Any]],
    options: CallOptions,
    output: type[BaseModel] | None,
    **call: Any,
) -> dict[str, Any]:
    import os

    request: dict[str, Any] = {
        "model": model,
        "messages": chat,
        "num_retries": 0,  # retries are ours, bounded; never stacked on litellm's
        "max_retries": 0,
        "timeout": call["timeout"] or args.timeout,
    }
    for key in ("temperature", "max_tokens", "seed"):
        value = call[key] if call[key] is not None else getattr(args, key)
        if value is not None:
            request[key] = value
    if args.top_p is not None:
        request["top_p"] = args.top_p
    if call["tools"]:
        request["tools"] = list(call["tools"])
    if call["stop"]:
        request["stop"] = list(call["stop"])
    if args.api_base:
        request["api_base"] = args.api_base
    if args.extra_headers:
        request["extra_headers"] = dict(args.extra_headers)
    if args.api_key_env:
        key = os.environ.get(args.api_key_env)
        if not key:
            raise ProviderError(
                f"{model} takes its key from ${args.api_key_env}, which is not set",
                f"export {args.api_key_env}=... or change api_key_env",
            )
        request["api_key"] = key
    elif (
        args.api_base
        and provider in KEYLESS_OK
        and not any(os.environ.get(v) for v in KEY_ENV.get(provider, ("OPENAI_API_KEY",)))
    ):
        # Local OpenAI-compatible servers (vLLM, ethos serve) need no key, but
        # the OpenAI client refuses to start without one; a key in the
        # provider's variable ($HOSTED_VLLM_API_KEY for vLLM) is sent instead.
        request["api_key"] = NO_KEY
    if provider in OUR_PROVIDERS:
        request["ethos"] = options
    else:
        if options.on_token and not (
            output or options.choices or call["tools"] or options.interventions
        ):
            request["stream"] = True
            request["stream_options"] = {"include_usage": True}
        if options.interventions:
            body = {"interventions": [s.model_dump() for s in options.interventions]}
            request["extra_body"] = {"ethos": body}
        if output is not None and _supports_schema(model, provider, args):
            request["response_format"] = output
    return request


def _confirm_interventions(model: str, response: Any, sent: int) -> None:
    """An endpoint that silently drops the ``ethos`` field would turn an
    intervention study into a no-op; ``ethos serve`` says how many it applied."""
    headers = response._hidden_params.get("additional_headers") or {}
    applied = headers.get("llm_provider-x-ethos-interventions")
    if applied != str(sent):
        raise UnsupportedInterventionError(
            f"{model} did not confirm applying {sent} intervention(s) "
            f"(it answered {applied or 'nothing'}); its server ignores them",
            "point api_base at `ethos serve`, or drop accepts_interventions",
        )


def _supports_schema(model: str, provider: str = "", args: Any = None) -> bool:
    if provider and transport_of(provider, args) != "litellm":
        from ethos.models.pricing import supports_response_schema

        return supports_response_schema(model)  # litellm's table, without litellm
    try:
        return bool(load_litellm().supports_response_schema(model=model))
    except Exception:
        return False


class _Call:
    """One logical call: its attempts, its repair round, its usage."""

    def __init__(
        self,
        model: str,
        provider: str,
        args: ModelArgs,
        request: dict[str, Any],
        options: CallOptions,
    ) -> None:
        self.model, self.provider, self.args = model, provider, args
        self.request, self.options = request, options
        self.attempts = 0
        self.usage = Usage()
        self.cost: float | None = 0.0
        self.scripted = provider == "script"
        self.shown = ""  # the text of this round already passed to on_token
        self.sent: list[dict[str, Any]] = request["messages"]  # the last round's messages

    async def run(self, output: type[BaseModel] | None, choices: list[str] | None) -> Completion:
        response = await self.send(self.request["messages"])
        text = _text(response)
        hidden = response._hidden_params.get("ethos") or {}
        if (output is None and not choices) or _tool_calls(response):
            # A tool call is a turn of its own: the caller runs the tools and asks again.
            return self.completion(response, text)
        parsed, choice, problem = _interpret(text, output, choices)
        if problem:
            repair = [
                *self.request["messages"],
                {"role": "assistant", "content": text},
                {"role": "user", "content": problem},
            ]
            response = await self.send(repair)
            text = _text(response)
            parsed, choice, problem = _interpret(text, output, choices)
        if problem:
            wanted = output.__name__ if output else f"one of {choices}"
            raise OutputValidationError(
                f"{self.model} did not return {wanted} after one repair round "
                f"({problem.splitlines()[0]}); text received: {text[:500]!r}",
                "check the prompt, or use a model that follows formats",
                text=text,
                usage=self.usage,
            )
        return self.completion(
            response,
            text,
            parsed=parsed,
            choice=choice,
            choice_logprobs=hidden.get("choice_logprobs"),
        )

    def completion(self, response: Any, text: str, **extra: Any) -> Completion:
        return Completion(
            model=self.model,
            text=text,
            tool_calls=_tool_calls(response),
            finish_reason=response.choices[0].finish_reason,
            usage=self.usage,
            cost_usd=self.cost,
            attempts=self.attempts,
            scripted=self.scripted,
            **extra,
        )

    async def send(self, messages: list[dict[str, Any]]) -> Any:
        self.shown = ""
        self.sent = messages
        response = await _with_retries(self, {**self.request, "messages": messages})
        on_token = self.options.on_token
        hidden = response._hidden_params.get("ethos") or {}
        if on_token is not None and not hidden.get("streamed") and _text(response):
            on_token(_text(response))
        if self.provider not in OUR_PROVIDERS and self.options.interventions:
            _confirm_interventions(self.model, response, len(self.options.interventions))
        usage = getattr(response, "usage", None)
        if usage is not None:
            self.usage = Usage(
                input_tokens=self.usage.input_tokens + (usage.prompt_tokens or 0),
                output_tokens=self.usage.output_tokens + (usage.completion_tokens or 0),
            )
        if self.provider not in OUR_PROVIDERS:
            self.cost = _add_cost(self.cost, response)
        return response


def _send(call: _Call, request: dict[str, Any]) -> Any:
    """One attempt through the call's transport (ethos.models.openai_transport)."""
    route = transport_of(call.provider, call.args)
    if route == "openai":
        from ethos.models.openai_transport import send

        return send(call, request)
    if route == "direct":
        from ethos.models.providers import answer_directly

        return answer_directly(call.provider, request)
    litellm = load_litellm()
    if request.get("stream"):
        return _consume_stream(litellm, call, request)
    return litellm.acompletion(**request)


def _loaded_litellm() -> Any:
    """litellm if this process imported it, else None: an error cannot be one
    of litellm's then, and asking would cost its import."""
    import sys

    return load_litellm() if "litellm" in sys.modules else None


async def _with_retries(call: _Call, request: dict[str, Any]) -> Any:
    args = call.args
    deadline = time.monotonic() + args.retry_max_time
    local = call.provider in OUR_PROVIDERS
    for attempt in range(1, args.max_retries + 2):
        call.attempts += 1
        call.options.error = None
        began = time.monotonic()
        try:
            pending = _send(call, request)
            # Custom providers get no timeout: local generation may be long and
            # cannot be cut off mid-batch anyway.
            response = await (
                pending if local else asyncio.wait_for(pending, request["timeout"] + 1)
            )
            if not getattr(response, "choices", None):
                raise EmptyResponseError("the response holds no choices")
            return response
        except Exception as exc:
            if call.options.error is not None:
                raise _as_ethos_error(call.options.error, call.model) from None
            status, retryable, wait_hint = _classify(exc)
            reason = _redact(_describe(exc, status), _secrets(request))
            if not retryable:
                raise _permanent(call.model, status, reason, exc, args) from None
            delay = _backoff(args, attempt, wait_hint, status, time.monotonic() - began)
            if attempt > args.max_retries:
                raise ProviderError(
                    f"{call.model} failed {attempt} times; last: {reason}",
                    "retry later, or raise max_retries / retry_max_time with -M",
                    status=status,
                    attempts=attempt,
                ) from None
            if time.monotonic() + delay > deadline:
                raise ProviderError(
                    f"{call.model} still failing after {args.retry_max_time:g}s "
                    f"({attempt} attempts); last: {reason}",
                    "retry later, or raise retry_max_time with -M",
                    status=status,
                    attempts=attempt,
                ) from None
            await asyncio.sleep(delay)
    raise AssertionError("unreachable")


async def _consume_stream(litellm: Any, call: _Call, request: dict[str, Any]) -> Any:
    """A streamed hosted call: each new piece of text goes to ``on_token``
    (after a retry, only what goes beyond the text already shown), and the
    chunks are rebuilt into one response with its usage."""
    stream = await litellm.acompletion(**request)
    chunks = []
    text = ""
    async for chunk in stream:
        chunks.append(chunk)
        piece = chunk.choices[0].delta.content if chunk.choices else None
        if piece:
            text += piece
            if len(text) > len(call.shown):
                call.options.on_token(text[len(call.shown) :])
                call.shown = text
    response = litellm.stream_chunk_builder(chunks, messages=request["messages"])
    if response is None:
        raise EmptyResponseError("the stream ended without an answer")
    response._hidden_params["ethos"] = {"streamed": True}
    return response


def _as_ethos_error(exc: BaseException, model: str) -> BaseException:
    if isinstance(exc, ModelError):
        return exc
    return ModelError(f"{model} failed: {type(exc).__name__}: {exc}")


class EmptyResponseError(Exception):
    """A 200 without an answer in it: treated like any transient fault."""


def _classify(exc: BaseException) -> tuple[int | None, bool, float | None]:
    """(HTTP status if any, retryable?, the server's Retry-After in seconds)."""
    if isinstance(exc, asyncio.TimeoutError | TimeoutError):
        return 408, True, None
    if isinstance(exc, EmptyResponseError):
        return None, True, None
    if isinstance(exc, TransportFault):
        status = exc.status_code
        return status, exc.transient or status in RETRYABLE_STATUS, _retry_after(exc)
    litellm = _loaded_litellm()
    if litellm is not None and isinstance(exc, litellm.ContextWindowExceededError):
        return 400, False, None
    status = getattr(exc, "status_code", None)
    if _MISSING_CREDENTIALS.search(str(exc)):
        # The OpenAI client's "Missing credentials" reaches litellm as a 500:
        # no retry can set a key.
        return 401, False, None
    if litellm is not None and isinstance(exc, litellm.Timeout | litellm.APIConnectionError):
        return status, True, None
    if isinstance(status, int):
        return status, status in RETRYABLE_STATUS, _retry_after(exc)
    return None, False, None


def _retry_after(exc: BaseException) -> float | None:
    response = getattr(exc, "response", None)
    headers = getattr(response, "headers", None) or getattr(exc, "litellm_response_headers", None)
    try:
        value = headers.get("retry-after") if headers is not None else None
        return float(value) if value is not None else None
    except (TypeError, ValueError):
        return None


# The least first ceiling after a quick 5xx: a server that answers at once
# is up, and its fault is most often one request's, so waiting backoff_base
# (0.5 s) stretched a run's tail under 10% 500s by 38% (issue 19); the floor
# keeps a server that fails instantly from being asked again at once.
QUICK_FAULT_FLOOR = 0.02
# Only the first retries of a request start small: a request that failed
# QUICK_RETRIES + 1 times in a row meets a server in trouble (an overloaded
# 503 or 529 answers quickly too), which gets the usual seconds of backoff
# before the last retry, so a quick fault never spends all of a request's
# retries in a fraction of a second. Three: under 10% random 500s a fourth
# failure in a row is 1 sample in 10,000, so the span's tail stays short.
QUICK_RETRIES = 3


def _backoff(
    args: ModelArgs,
    attempt: int,
    wait_hint: float | None,
    status: int | None = None,
    took: float | None = None,
) -> float:
    """Seconds to wait before retry ``attempt`` (1 for the first retry).

    A 5xx that came back quicker than ``backoff_base`` is most often one
    request's fault at a server that is up: the first retry waits
    uniform(0, the time the failing answer took), the second and third up
    to twice and four times that ("full jitter": retries of many failed
    requests spread out, and most go soon); after ``QUICK_RETRIES`` it waits as
    every other fault (429, timeouts, a slow 5xx) does: half to all of
    ``backoff_base`` doubling per retry. Both are capped by ``backoff_max``
    and never exceed the usual schedule; a Retry-After is waited for."""
    usual = min(args.backoff_max, args.backoff_base * 2 ** (attempt - 1))
    server_error = status is not None and 500 <= status < 600
    quick = took is not None and took < args.backoff_base and attempt <= QUICK_RETRIES
    if server_error and quick:
        ceiling = min(usual, max(QUICK_FAULT_FLOOR, took) * 2 ** (attempt - 1))
        delay = _jitter.uniform(0, ceiling)
    else:
        delay = usual / 2 + _jitter.uniform(0, usual / 2)  # equal jitter: never zero
    if wait_hint is not None:
        # The server knows when it can take us again; retry_max_time still bounds it.
        delay = max(delay, wait_hint)
    return delay


def _describe(exc: BaseException, status: int | None) -> str:
    message = str(getattr(exc, "message", "") or exc).strip().splitlines()
    first = message[0] if message else type(exc).__name__
    first = re.sub(r"^litellm\.\w+:\s*", "", first)
    return f"HTTP {status}: {first[:300]}" if status else f"{type(exc).__name__}: {first[:300]}"


def _permanent(
    model: str, status: int | None, reason: str, exc: BaseException, args: ModelArgs
) -> ModelError:
    litellm = _loaded_litellm()
    if litellm is not None and isinstance(exc, litellm.ContextWindowExceededError):
        return ContextLengthError(
            f"the prompt does not fit {model}'s context window ({reason})",
            "shorten the messages or lower max_tokens",
        )
    if status in (401, 403):
        where = f"${args.api_key_env}" if args.api_key_env else "the provider's key variable"
        return ProviderError(
            f"{model} refused the credentials ({reason})",
            f"check {where} (`ethos doctor` shows which keys are set)",
            status=status,
        )
    if status == 404:
        return ProviderError(
            f"{model} was not found at the provider ({reason})",
            "check the model name and api_base",
            status=status,
        )
    return ProviderError(
        f"{model} rejected the request ({reason})",
        "fix the request; retrying would not help",
        status=status,
    )


def _secrets(request: Mapping[str, Any]) -> list[str]:
    """Credentials that must never reach an error, a log line or the database
    (see ethos.redaction): the environment's, and this request's key and headers."""
    found = _env_secrets()
    if request.get("api_key") and request["api_key"] != NO_KEY:  # the placeholder is no secret
        found.append(request["api_key"])
    for value in (request.get("extra_headers") or {}).values():
        found.extend(part for part in str(value).split() if len(part) >= 8)
    return sorted(set(found), key=len, reverse=True)


_env_seen: tuple[Any, list[str]] = (None, [])


def _env_secrets() -> list[str]:
    """``env_secrets()``, worked out again only when the environment changed:
    matching every variable's name on every call cost ~0.1 ms a call."""
    global _env_seen
    import os

    snapshot = tuple(getattr(os.environ, "_data", os.environ).items())
    if snapshot != _env_seen[0]:
        _env_seen = (snapshot, env_secrets())
    return list(_env_seen[1])


def _redact(text: str, secrets: Sequence[str]) -> str:
    for secret in secrets:
        text = text.replace(secret, "***")
    return text


def _add_cost(total: float | None, response: Any) -> float | None:
    """litellm prices the response from its (local) cost map as it returns it;
    None when the model is not in the map: unknown, not free."""
    cost = response._hidden_params.get("response_cost")
    return None if total is None or cost is None else total + float(cost)


def _text(response: Any) -> str:
    return response.choices[0].message.content or ""


def _tool_calls(response: Any) -> list[ToolCall]:
    calls = getattr(response.choices[0].message, "tool_calls", None) or []
    return [
        ToolCall(id=c.id, name=c.function.name, arguments=c.function.arguments or "") for c in calls
    ]


# -- reading structured output and choices ---------------------------------------

_FENCE = re.compile(r"^```(?:json)?\s*(.*?)\s*```$", re.DOTALL)


def extract_json(text: str) -> str:
    """The JSON object in a reply: bare, fenced, or embedded in prose."""
    stripped = text.strip()
    fenced = _FENCE.match(stripped)
    if fenced:
        return fenced.group(1)
    start, end = stripped.find("{"), stripped.rfind("}")
    return stripped[start : end + 1] if 0 <= start < end else stripped


def _interpret(
    text: str, output: type[BaseModel] | None, choices: list[str] | None
) -> tuple[Any, str | None, str | None]:
    """(parsed object, chosen option, problem to send back or None)."""
    if output is not None:
        try:
            return output.model_validate_json(extract_json(text)), None, None
        except ValidationError as exc:
            errors = "; ".join(
                f"{'.'.join(str(p) for p in e['loc']) or 'reply'}: {e['msg']}"
                for e in exc.errors()[:5]
            )
            return (
                None,
                None,
                (
                    f"That reply does not match the required JSON schema: {errors}. "
                    "Reply again with only the corrected JSON object."
                ),
            )
    assert choices is not None
    choice = match_choice(text, choices)
    if choice is None:
        return (
            None,
            None,
            (
                "That reply is not one of the options. Answer with exactly one of: "
                + " | ".join(choices)
            ),
        )
    return None, choice, None


def match_choice(text: str, choices: Sequence[str]) -> str | None:
    """The option a reply names: an exact match (ignoring case, quotes and
    trailing punctuation), else the only option mentioned as a whole word.

    Single-letter options ("A", "B") and options that differ only by case
    are looked for case-sensitively, so that the article "a" is not option A.
    """

    def norm(s: str) -> str:
        return s.strip().strip("\"'`*.!").strip()

    folded = [norm(o).lower() for o in choices]
    strict = len(set(folded)) < len(folded)
    wanted = norm(text)
    for option in choices:
        if norm(option) == wanted or (not strict and norm(option).lower() == wanted.lower()):
            return option
    mentioned = []
    for option in choices:
        exact_case = strict or len(norm(option)) == 1
        flags = 0 if exact_case else re.IGNORECASE
        if re.search(rf"(?<!\w){re.escape(norm(option))}(?!\w)", text, flags):
            mentioned.append(option)
    return mentioned[0] if len(mentioned) == 1 else None


# -- recording -----------------------------------------------------------------


async def _record(
    model: str,
    call: _Call,
    latency: float,
    *,
    error: str | None = None,
    completion: Completion | None = None,
    output: type[BaseModel] | None = None,
) -> None:
    scope = current_scope()
    if scope is None:
        return
    if scope.meter is not None:
        scope.meter.add(call.usage.input_tokens, call.usage.output_tokens, error is not None)
    try:
        await _store_call(scope, model, call, latency, error)
        if scope.transcripts:
            data = _transcript_entry(model, call, latency, error, completion, output)
            written = scope.add_event("model_call", data, _MODEL_CALL_PARTS)
            if written is not None:
                await written
        if scope.writer is not None:
            # Paid for: committed (with its transcript event) before the
            # caller sees the answer, so a crash cannot lose it (ethos.db.batch).
            await scope.writer.committed()
    except Exception:
        # Losing one usage row must not lose the answer (or hide the real error).
        log.warning("could not record a call to %s", model, exc_info=True)


async def _store_call(
    scope: Any, model: str, call: _Call, latency: float, error: str | None
) -> None:
    fields = {
        "input_tokens": call.usage.input_tokens,
        "output_tokens": call.usage.output_tokens,
        "latency_s": latency,
        "cost_usd": call.cost,
        "scripted": call.scripted,
        "error": error,
        "sample_pk": scope.sample_pk,
        "attempt": scope.attempt,
        "metadata": {
            "attempts": call.attempts,
            "provider": call.provider,
            "interventions": [s.type for s in call.options.interventions],
        },
    }
    if scope.writer is not None:
        from ethos.db.store import model_call_row

        scope.writer.model_call(model_call_row(scope.run_id, model, **fields))
    else:
        await scope.store.record_model_call(scope.run_id, model, **fields)


# The fields of a model_call event stored once per run by digest: each
# message, and the tools list whole (see ethos.db.transcript).
_MODEL_CALL_PARTS = {"messages": True, "tools": False}


def _transcript_entry(
    model: str,
    call: _Call,
    latency: float,
    error: str | None,
    completion: Completion | None,
    output: type[BaseModel] | None,
) -> dict[str, Any]:
    """The transcript's record of one call: the request as the model got it
    (ethos' own instructions included) and what came back, key-like strings
    redacted."""
    request = call.request
    result = None
    if completion is not None:
        parsed = completion.parsed
        result = {
            "text": completion.text,
            "tool_calls": [c.model_dump() for c in completion.tool_calls],
            "choice": completion.choice,
            "choice_logprobs": completion.choice_logprobs,
            "parsed": parsed.model_dump(mode="json") if isinstance(parsed, BaseModel) else parsed,
            "finish_reason": completion.finish_reason,
        }
    entry = {
        "model": model,
        "messages": call.sent,
        "tools": request.get("tools"),
        "options": {
            "temperature": request.get("temperature"),
            "max_tokens": request.get("max_tokens"),
            "seed": request.get("seed"),
            # The schema's title, without building the schema again (~0.1 ms a call).
            "output": (output.model_config.get("title") or output.__name__)
            if output is not None
            else None,
            "choices": call.options.choices,
            "stop": request.get("stop"),
            "interventions": [s.model_dump(mode="json") for s in call.options.interventions],
        },
        "output": result,
        "usage": {
            "input_tokens": call.usage.input_tokens,
            "output_tokens": call.usage.output_tokens,
        },
        "latency_s": latency,
        "cost_usd": call.cost,
        "error": error,
        "scripted": call.scripted,
        "attempts": call.attempts,
    }
    secrets = _secrets(request)
    return redact_data(entry, secrets) if secrets else entry


# -- the sync twin ---------------------------------------------------------------

_loop: asyncio.AbstractEventLoop | None = None
_loop_lock = threading.Lock()


def _background_loop() -> asyncio.AbstractEventLoop:
    """One long-lived loop for sync callers: litellm's async clients outlive a
    call, so a fresh loop per call (asyncio.run) would strand them."""
    global _loop
    with _loop_lock:
        if _loop is None:
            _loop = asyncio.new_event_loop()
            threading.Thread(target=_loop.run_forever, name="ethos-gateway", daemon=True).start()
    return _loop


def complete(model: str, messages: Messages, **kwargs: Any) -> Completion:
    """``acomplete`` for synchronous code (scripts, notebooks without await)."""
    try:
        asyncio.get_running_loop()
    except RuntimeError:
        future = asyncio.run_coroutine_threadsafe(
            acomplete(model, messages, **kwargs), _background_loop()
        )
        return future.result()
    raise ModelError(
        "complete() was called inside a running event loop", "use `await acomplete(...)` there"
    )
