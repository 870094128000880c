"""ethos' two providers, and litellm, loaded lazily and offline.

``script/<name>`` and ``local/<name-or-path>`` are answered in-process:
the gateway calls their handlers directly (``answer_directly``), through
the same retries, usage accounting and recording as every other call, so
a run of scripted, local or OpenAI-compatible models never imports
litellm (seconds of import, and ~6 ms of CPU per call; issue 19). With
``-M transport=litellm`` the same handlers are litellm custom providers.
Importing litellm phones home unless told not to, so it happens only when
a model needs it, with the cost map forced local and telemetry off.

Gateway-only options (choices, schema, interventions) reach our handlers
in-process as one ``CallOptions`` object under the ``ethos`` key; errors a
handler raises travel back on the same object, so the gateway re-raises
ethos' own typed error instead of litellm's re-wrapped one.
"""

from __future__ import annotations

import json
import math
import os
import random
import threading
from dataclasses import dataclass, field
from functools import cache
from typing import Any

from ethos.models.interventions import ExpertMask, Steer

OUR_PROVIDERS = ("script", "local")
_lock = threading.Lock()
_litellm: Any = None


@dataclass
class CallOptions:
    choices: list[str] | None = None
    schema: dict[str, Any] | None = None
    interventions: list[ExpertMask | Steer] = field(default_factory=list)
    settings: Any = None  # where local/NAME is looked up (the caller's data_dir)
    error: BaseException | None = None
    on_token: Any = None  # called with each piece of text as the model produces it


def load_litellm() -> Any:
    """Import and configure litellm once per process."""
    global _litellm
    with _lock:
        if _litellm is None:
            os.environ["LITELLM_LOCAL_MODEL_COST_MAP"] = "True"
            os.environ.setdefault("LITELLM_TELEMETRY", "False")
            import litellm

            litellm.telemetry = False
            litellm.suppress_debug_info = True
            litellm.turn_off_message_logging = True
            _quiet(litellm)
            handlers = _make_handlers(litellm)
            litellm.custom_provider_map = [
                *(p for p in litellm.custom_provider_map if p["provider"] not in OUR_PROVIDERS),
                *({"provider": name, "custom_handler": h} for name, h in handlers.items()),
            ]
            from litellm.utils import custom_llm_setup

            custom_llm_setup()
            _litellm = litellm
    return _litellm


def _quiet(litellm: Any) -> None:
    """Switch off litellm's per-call work that ethos already does: the
    success-logging task (a deep copy of the call for redaction, then the
    callbacks) while nobody registered a callback, since the gateway records
    every call itself; and the cost lookup of a model its price map does not
    list (about 2.7 ms a call to learn "unknown", which is None either way).
    Guarded: a litellm without these internals is left as it is."""
    try:
        import litellm.utils as utils
        from litellm.litellm_core_utils.litellm_logging import Logging
    except ImportError:
        return
    schedule = getattr(utils, "_schedule_async_success_logging", None)
    if schedule is not None and not getattr(schedule, "_ethos", False):

        def quiet_schedule(**kwargs: Any) -> None:
            if _has_callbacks(litellm):
                schedule(**kwargs)

        quiet_schedule._ethos = True  # type: ignore[attr-defined]
        utils._schedule_async_success_logging = quiet_schedule
    calculate = getattr(Logging, "response_cost_calculator", None)
    if calculate is not None and not getattr(calculate, "_ethos", False):

        def priced_only(self: Any, result: object, *args: Any, **kwargs: Any) -> float | None:
            provider = (getattr(self, "model_call_details", None) or {}).get("custom_llm_provider")
            model = str(getattr(self, "model", "") or "")
            params = getattr(self, "litellm_params", None) or {}
            custom = params.get("input_cost_per_token") or params.get("output_cost_per_token")
            table = litellm.model_cost
            if not custom and (
                provider in OUR_PROVIDERS
                or (model not in table and f"{provider}/{model}" not in table)
            ):
                return None
            return calculate(self, result, *args, **kwargs)

        priced_only._ethos = True  # type: ignore[attr-defined]
        Logging.response_cost_calculator = priced_only


def _has_callbacks(litellm: Any) -> bool:
    names = ("callbacks", "success_callback", "_async_success_callback", "input_callback")
    return any(getattr(litellm, name, None) for name in names)


@cache
def known_providers() -> tuple[str, ...]:
    """Every provider litellm knows (ours included), sorted; computed once."""
    litellm = load_litellm()
    return tuple(sorted({str(getattr(p, "value", p)) for p in litellm.provider_list}))


def _response(
    litellm: Any,  # None: the gateway's own reply type (no litellm)
    model: str,
    text: str,
    prompt_tokens: int,
    output_tokens: int,
    finish_reason: str,
    hidden: dict[str, Any],
    tool_calls: list[dict[str, Any]] | None = None,
) -> Any:
    if litellm is None:
        from ethos.models.openai_transport import reply

        return reply(model, text, prompt_tokens, output_tokens, finish_reason, hidden, tool_calls)
    message: dict[str, Any] = {"role": "assistant", "content": text}
    if tool_calls:
        message["tool_calls"] = tool_calls
    response = litellm.ModelResponse(
        model=model,
        choices=[{"message": message, "finish_reason": finish_reason, "index": 0}],
        usage={
            "prompt_tokens": prompt_tokens,
            "completion_tokens": output_tokens,
            "total_tokens": prompt_tokens + output_tokens,
        },
    )
    response._hidden_params["ethos"] = hidden
    return response


async def _streamed(local: Any, messages: Any, sampling: dict[str, Any], on_token: Any) -> Any:
    """Generate with the local host's stream, passing each delta on as it
    decodes; returns the whole generation as ``generate`` would."""
    from ethos.models.local.host import Generation

    parts: list[str] = []
    last: Any = None
    deltas = await local.astream(messages, **sampling)  # prepared on a thread
    try:
        async for delta in deltas:
            if delta.text:
                parts.append(delta.text)
                on_token(delta.text)
            last = delta
    finally:
        await deltas.aclose()
    return Generation(
        text="".join(parts),
        input_tokens=last.input_tokens if last else 0,
        output_tokens=last.output_tokens if last else 0,
        finish_reason="length" if last and last.finish_reason == "length" else "stop",
    )


def pick_choice(logprobs: dict[str, float], temperature: float | None, seed: int | None) -> str:
    """The option a scored call answers with. At temperature 0 (or unset) the
    arg max, as greedy decoding would pick. Above 0 a draw from the options'
    own distribution, softmax(log-probability / temperature), as sampling a
    reply would: an arm run at temperature 0.7 then measures a sampled policy
    instead of repeating the arg max. The draw is fixed by the call's seed
    (the harness gives each sample, epoch and round one, the same in every
    arm), so a run replays;
    without a seed it differs call to call, as generation does."""
    best = max(logprobs, key=logprobs.__getitem__)
    if not temperature or temperature <= 0:
        return best
    scaled = {option: value / temperature for option, value in logprobs.items()}
    top = scaled[best]
    if not math.isfinite(top):  # no option has any probability: nothing to draw from
        return best
    weights = [(option, math.exp(value - top)) for option, value in scaled.items()]
    point = random.Random(seed).random() * sum(w for _, w in weights)
    for option, weight in weights:
        point -= weight
        if point < 0:
            return option
    return best  # rounding left the point at the very end


def _words(messages: list[dict[str, Any]]) -> int:
    return sum(len(str(m.get("content") or "").split()) for m in messages)


@cache
def _direct_handlers() -> dict[str, Any]:
    return _make_handlers(None)


async def answer_directly(provider: str, request: dict[str, Any]) -> Any:
    """A script/ or local/ call answered in-process, without litellm; a
    handler's error travels on the options as through litellm."""
    handler = _direct_handlers()[provider]
    options = request.get("ethos") or CallOptions()
    # As litellm hands them to a custom provider: a tool-calling assistant
    # turn without text has no content key (scripts written against it see
    # the same messages either way).
    messages = [
        {k: v for k, v in m.items() if k != "content"}
        if m.get("content") is None and "content" in m
        else m
        for m in request["messages"]
    ]
    try:
        return await handler._answer(request["model"].split("/", 1)[1], messages, request, options)
    except Exception as exc:
        options.error = exc
        raise


def _make_handlers(litellm: Any) -> dict[str, Any]:
    """The handlers; litellm None: plain objects returning the gateway's reply."""
    if litellm is None:
        base: type = object
    else:
        from litellm import CustomLLM as base

    class _Handler(base):  # type: ignore[valid-type, misc]
        async def _answer(
            self,
            model: str,
            messages: list[dict[str, Any]],
            params: dict[str, Any],
            options: CallOptions,
        ) -> Any:
            raise NotImplementedError

        async def acompletion(
            self,
            model: str,
            messages: list,
            api_base: str,
            custom_prompt_dict: dict,
            model_response: Any,
            print_verbose: Any,
            encoding: Any,
            api_key: Any,
            logging_obj: Any,
            optional_params: dict,
            **kwargs: Any,
        ) -> Any:
            options = optional_params.get("ethos") or CallOptions()
            try:
                return await self._answer(model, messages, optional_params, options)
            except Exception as exc:
                options.error = exc
                raise

    class ScriptHandler(_Handler):
        async def _answer(
            self,
            model: str,
            messages: list[dict[str, Any]],
            params: dict[str, Any],
            options: CallOptions,
        ) -> Any:
            from ethos.models.script import get_script

            answer = get_script(model).answer(
                messages, options.choices, options.schema, params.get("tools")
            )
            if options.on_token is not None and answer.text and not options.choices:
                options.on_token(answer.text)  # a script's answer arrives whole
            hidden = {
                "scripted": True,
                "choice_logprobs": answer.choice_logprobs,
                "streamed": options.on_token is not None,
            }
            calls = [
                {
                    "id": f"call_{i}",
                    "type": "function",
                    "function": {"name": c.name, "arguments": json.dumps(c.arguments)},
                }
                for i, c in enumerate(answer.tool_calls)
            ]
            return _response(
                litellm,
                f"script/{model}",
                answer.text,
                _words(messages),
                len(answer.text.split()),
                "tool_calls" if calls else "stop",
                hidden,
                calls,
            )

    class LocalHandler(_Handler):
        async def _answer(
            self,
            model: str,
            messages: list[dict[str, Any]],
            params: dict[str, Any],
            options: CallOptions,
        ) -> Any:
            from ethos.models.local.host import get_local_model

            if params.get("tools"):
                # Silently dropping them would read as a model that chose not to call any.
                from ethos.models.errors import ModelConfigError

                raise ModelConfigError(
                    f"local/{model} was offered tools, but the local host does not parse "
                    "tool calls (as `ethos serve` refuses them too)",
                    "give tools to a hosted model, or call local/ models without tools=",
                )
            local = await get_local_model(model, settings=options.settings)
            # A long prompt is templated and tokenised on a thread, not the
            # caller's event loop.
            prompt_tokens = await local.prepare(messages, local.count_tokens, messages)
            if options.choices:
                scores = await local.score_choices(
                    messages, options.choices, interventions=options.interventions
                )
                logprobs = dict(zip(options.choices, scores, strict=True))
                choice = pick_choice(logprobs, params.get("temperature"), params.get("seed"))
                return _response(
                    litellm,
                    f"local/{model}",
                    choice,
                    prompt_tokens,
                    0,
                    "stop",
                    {"scripted": False, "choice_logprobs": logprobs},
                )
            sampling = {
                "max_tokens": params.get("max_tokens") or 256,
                "temperature": params.get("temperature") or 0.0,
                "top_p": params.get("top_p") or 1.0,
                "seed": params.get("seed"),
                "stop": params.get("stop"),
                "interventions": options.interventions,
            }
            if options.on_token is not None:
                generation = await _streamed(local, messages, sampling, options.on_token)
            else:
                generation = await local.generate(messages, **sampling)
            return _response(
                litellm,
                f"local/{model}",
                generation.text,
                generation.input_tokens,
                generation.output_tokens,
                generation.finish_reason,
                {"scripted": False, "streamed": options.on_token is not None},
            )

    return {"script": ScriptHandler(), "local": LocalHandler()}
