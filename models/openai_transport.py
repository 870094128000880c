"""The native transport: OpenAI-compatible endpoints through the ``openai`` SDK.

``openai/...``, ``hosted_vllm/...``, ``custom_openai/...`` and ``ethos
serve`` all speak the chat completions API. Sending those calls through
litellm cost a multi-second import and ~6 ms of CPU per call (request
building, response conversion, a cost lookup for models it does not know,
a logging task per call), which made ethos CPU-bound at 0.4x of a bare
``openai.AsyncOpenAI`` loop (issue 19). Here one ``AsyncOpenAI`` client per
endpoint, key and event loop holds a connection pool for the process; the
SDK's own retries are off, as the gateway's are the bounded ones. A plain
call is posted through that client's pool with its URL and headers, worked
out once (the SDK's per-request machinery cost as much CPU as the rest of
ethos' path); a streamed one goes through the SDK. The
response is read as plain JSON into the few attributes the gateway uses,
shaped like litellm's so both transports feed one code path (and record
the same transcript).

Faults come back as exceptions the gateway classifies without litellm:
``TransportFault`` carries the HTTP status, whether a retry may help, and
the response (for Retry-After). An endpoint whose answer is not a chat
completion (an HTML page, a JSON object with neither ``choices`` nor
``error``, a 404/405 without an OpenAI-style error) fails at once with one
clear error; an error body under a 200 is retried like a 5xx.
"""

from __future__ import annotations

import asyncio
import json
import os
import threading
import weakref
from dataclasses import dataclass, field
from typing import Any

from ethos.models.errors import ContextLengthError, ProviderError

# Providers whose models speak the chat completions API; their calls go
# native unless -M transport=litellm.
OPENAI_COMPATIBLE = frozenset({"openai", "hosted_vllm", "custom_openai"})
TRANSPORTS = ("auto", "openai", "litellm")
# Where each provider's endpoint and key come from when -M names neither
# (litellm's variables for the same providers).
BASE_ENV = {
    "openai": ("OPENAI_BASE_URL", "OPENAI_API_BASE"),
    "custom_openai": ("OPENAI_BASE_URL", "OPENAI_API_BASE"),
    "hosted_vllm": ("HOSTED_VLLM_API_BASE",),
}
KEY_ENV = {
    "openai": ("OPENAI_API_KEY",),
    "custom_openai": ("OPENAI_API_KEY",),
    "hosted_vllm": ("HOSTED_VLLM_API_KEY",),
}
OPENAI_API = "https://api.openai.com/v1"
# OpenAI's reasoning models take max_completion_tokens, not max_tokens
# (litellm renames it for them too).
_REASONING_PREFIXES = ("o1", "o3", "o4", "gpt-5")
# litellm's finish-reason map, for the values OpenAI-compatible servers send.
FINISH_REASONS = {
    "stop": "stop",
    "length": "length",
    "tool_calls": "tool_calls",
    "function_call": "function_call",
    "content_filter": "content_filter",
    "eos": "stop",
    "eos_token": "stop",
    "stop_sequence": "stop",
    "end_turn": "stop",
    "max_tokens": "length",
    "tool_use": "tool_calls",
    "error": "stop",
}
_CONTEXT_MARKERS = ("context_length_exceeded", "maximum context length", "context window")


def transport_of(provider: str, args: Any) -> str:
    """How a call travels: ``openai`` (this module), ``direct`` (script/ and
    local/ answered in-process) or ``litellm`` (every other provider, or any
    model with -M transport=litellm)."""
    forced = getattr(args, "transport", "auto") == "litellm"
    if forced:
        return "litellm"
    if provider in ("script", "local"):
        return "direct"
    return "openai" if provider in OPENAI_COMPATIBLE else "litellm"


# -- the response, as the gateway reads it ----------------------------------------


@dataclass(slots=True)
class Function:
    name: str
    arguments: str


@dataclass(slots=True)
class ToolCallReply:
    id: str
    function: Function
    type: str = "function"


@dataclass(slots=True)
class Message:
    content: str | None
    tool_calls: list[ToolCallReply] | None = None
    role: str = "assistant"


@dataclass(slots=True)
class Choice:
    message: Message
    finish_reason: str | None
    index: int = 0


@dataclass(slots=True)
class UsageReply:
    prompt_tokens: int = 0
    completion_tokens: int = 0
    cached_tokens: int = 0


@dataclass
class Reply:
    """A chat completion with the attributes the gateway reads (litellm's
    ``ModelResponse`` has the same ones, so one code path serves both)."""

    model: str
    choices: list[Choice]
    usage: UsageReply | None = None
    _hidden_params: dict[str, Any] = field(default_factory=dict)


def reply(
    model: str,
    text: str,
    prompt_tokens: int,
    completion_tokens: int,
    finish_reason: str,
    hidden: dict[str, Any],
    tool_calls: list[dict[str, Any]] | None = None,
) -> Reply:
    """A whole answer built in-process (scripts, the local host)."""
    calls = [_tool_call(c) for c in tool_calls or []] or None
    return Reply(
        model=model,
        choices=[Choice(Message(text, calls), finish_reason)],
        usage=UsageReply(prompt_tokens, completion_tokens),
        _hidden_params={"ethos": hidden},
    )


def _tool_call(raw: dict[str, Any]) -> ToolCallReply:
    function = raw.get("function") or {}
    return ToolCallReply(
        id=str(raw.get("id") or ""),
        function=Function(str(function.get("name") or ""), function.get("arguments") or ""),
    )


def parse_completion(data: Any) -> Reply | None:
    """A chat completion's JSON as a ``Reply``; None when it is not one."""
    if not isinstance(data, dict) or not isinstance(data.get("choices"), list):
        return None
    choices = []
    for raw in data["choices"]:
        message = raw.get("message") or {}
        calls = [_tool_call(c) for c in message.get("tool_calls") or []] or None
        reason = raw.get("finish_reason")
        choices.append(
            Choice(
                Message(message.get("content"), calls),
                FINISH_REASONS.get(reason, "stop") if reason else reason,
                raw.get("index", 0),
            )
        )
    return Reply(model=str(data.get("model") or ""), choices=choices, usage=_usage(data))


def _usage(data: dict[str, Any]) -> UsageReply | None:
    usage = data.get("usage")
    if not isinstance(usage, dict):
        return None
    details = usage.get("prompt_tokens_details") or {}
    return UsageReply(
        int(usage.get("prompt_tokens") or 0),
        int(usage.get("completion_tokens") or 0),
        int(details.get("cached_tokens") or 0) if isinstance(details, dict) else 0,
    )


# -- faults --------------------------------------------------------------------------


class TransportFault(Exception):
    """A failed attempt, as the gateway's retry loop classifies it."""

    def __init__(
        self,
        message: str,
        *,
        status_code: int | None,
        transient: bool,
        response: Any = None,
    ) -> None:
        super().__init__(message)
        self.message = message
        self.status_code = status_code
        self.transient = transient
        self.response = response


def not_chat_completions(url: str, what: str) -> ProviderError:
    return ProviderError(
        f"the endpoint at {url} does not speak the chat completions API ({what})",
        "point api_base at the server's OpenAI-compatible root (usually ending in /v1)",
    )


def _error_message(body: Any) -> str | None:
    """The message of an OpenAI-style error body ({"error": {"message": ...}})."""
    if isinstance(body, dict):
        error = body.get("error")
        if isinstance(error, dict) and error.get("message"):
            return str(error["message"])
        if isinstance(error, str):
            return error
        if isinstance(body.get("message"), str):
            return body["message"]
    return None


def _fault_from_status(status: int, response: Any, url: str, model: str) -> BaseException:
    """An HTTP error status as a TransportFault, or as ethos' typed error
    where retrying cannot help and the status alone would mislead."""
    try:
        body = response.json()
    except Exception:
        body = None
    message = _error_message(body)
    if status in (404, 405) and message is None:
        # Not an OpenAI-style "model not found": the path does not exist.
        return not_chat_completions(url, f"HTTP {status} at {url}/chat/completions")
    text = message or (response.text or "").strip()[:300] or f"HTTP {status}"
    if status == 400 and any(m in text.lower() or m in str(body) for m in _CONTEXT_MARKERS):
        return ContextLengthError(
            f"the prompt does not fit {model}'s context window (HTTP 400: {text[:300]})",
            "shorten the messages or lower max_tokens",
        )
    return TransportFault(text, status_code=status, transient=False, response=response)


# -- clients: one per endpoint, key and event loop -----------------------------------

# A loop's clients live on the loop (an attribute), so they go with it: a
# registry keyed by loop would hold it alive, since the closer below refers
# to its loop. Loops that take no attributes are kept in a weak registry.
_LOOP_ATTR = "_ethos_openai_clients"
_clients: weakref.WeakKeyDictionary[asyncio.AbstractEventLoop, dict[Any, Any]] = (
    weakref.WeakKeyDictionary()
)
_clients_lock = threading.Lock()
_CLOSER = "closer"  # the per-loop entry that closes that loop's clients


def _of_loop(loop: asyncio.AbstractEventLoop) -> dict[Any, Any] | None:
    found = getattr(loop, _LOOP_ATTR, None)
    return found if found is not None else _clients.get(loop)


@dataclass(slots=True)
class _Route:
    """An endpoint's client, and what a plain call needs from it, worked out
    once: the SDK's connection pool, the URL, and the SDK's own headers
    (auth, user agent, platform)."""

    client: Any  # openai.AsyncOpenAI
    http: Any  # its httpx pool
    url: str
    headers: dict[str, str]


def _merge_headers(*mappings: Any) -> dict[str, str]:
    """Headers merged as the SDK merges them: names are case-insensitive and
    a later mapping wins, so 'authorization' in extra_headers replaces the
    key's header rather than travelling beside it (two Authorization or
    User-Agent headers: a server reads the wrong one, or refuses the
    request); the SDK's ``Omit()`` drops a header."""
    merged: dict[str, tuple[str, str]] = {}
    for mapping in mappings:
        for name, value in mapping.items():
            if isinstance(value, str):
                merged[name.lower()] = (name, value)
            else:
                merged.pop(name.lower(), None)
    return dict(merged.values())


def client_for(base_url: str, api_key: str) -> Any:
    """The process's ``AsyncOpenAI`` for an endpoint on the running loop: its
    connection pool is reused by every call (an httpx pool belongs to one
    event loop, hence one per loop). The clients close with their loop."""
    return _route(base_url, api_key).client


def _route(base_url: str, api_key: str) -> _Route:
    loop = asyncio.get_running_loop()
    with _clients_lock:
        per_loop = _of_loop(loop)
        if per_loop is None:
            per_loop = {}
            try:
                setattr(loop, _LOOP_ATTR, per_loop)
            except AttributeError:  # a loop type without attributes of its own
                _clients[loop] = per_loop
            per_loop[_CLOSER] = _start_closer(loop)
        route = per_loop.get((base_url, api_key))
        if route is None:
            import openai

            # Wide enough for any max_connections; the gateway's limit is the bound.
            http = openai.DefaultAsyncHttpxClient(
                limits=_limits(), timeout=None, follow_redirects=True
            )
            client = openai.AsyncOpenAI(
                api_key=api_key, base_url=base_url, max_retries=0, http_client=http
            )
            route = _Route(
                client,
                http,
                str(client.base_url).rstrip("/") + "/chat/completions",
                # In the SDK's order: its defaults ($OPENAI_CUSTOM_HEADERS included) over the key's.
                _merge_headers(client.auth_headers, client.default_headers),
            )
            per_loop[(base_url, api_key)] = route
    return route


async def _close_with_loop(loop: asyncio.AbstractEventLoop) -> Any:
    """An async generator left suspended: ``asyncio.run`` (and any runner
    that calls ``loop.shutdown_asyncgens()``) closes it before closing the
    loop, and closing it closes the loop's clients and their connections
    (else each open socket is reported as an unclosed transport)."""
    try:
        yield
    finally:
        with _clients_lock:
            per_loop = _of_loop(loop) or {}
            _clients.pop(loop, None)
            if getattr(loop, _LOOP_ATTR, None) is not None:
                setattr(loop, _LOOP_ATTR, None)
            clients = [r.client for k, r in per_loop.items() if k != _CLOSER]
        for client in clients:
            try:
                await client.close()
            except Exception:  # closing is best effort: the loop is going away
                pass


def _start_closer(loop: asyncio.AbstractEventLoop) -> Any:
    closer = _close_with_loop(loop)
    try:
        # Run it to its yield: the loop's asyncgen hook registers it then.
        closer.__anext__().send(None)
    except StopIteration:
        pass
    return closer  # held by the loop's entry: the loop keeps only a weak reference


def _limits() -> Any:
    import httpx2 as httpx  # the openai SDK's HTTP client

    return httpx.Limits(max_connections=1000, max_keepalive_connections=1000)


def endpoint(provider: str, request: dict[str, Any]) -> tuple[str, str]:
    """(base URL, key) of a call: -M's, else the provider's variables."""
    base = (request.get("api_base") or "").strip() or next(
        (os.environ[v] for v in BASE_ENV.get(provider, ()) if os.environ.get(v, "").strip()),
        "",
    )
    if not base:
        base = OPENAI_API if provider == "openai" else ""
    key = request.get("api_key") or next(
        (os.environ[v] for v in KEY_ENV.get(provider, ()) if os.environ.get(v)), ""
    )
    if not key:
        if base == OPENAI_API:
            raise ProviderError(
                f"{request['model']} needs an OpenAI key and $OPENAI_API_KEY is not set",
                "export OPENAI_API_KEY=..., or pass -M api_key_env=VAR",
                status=401,
            )
        key = "no-key"  # vLLM, ethos serve: no key needed, but the client wants one
    return base.rstrip("/"), key


def _body(provider: str, request: dict[str, Any]) -> tuple[dict[str, Any], dict[str, Any]]:
    """(the JSON body, the SDK's request options) of a gateway request."""
    model = request["model"]
    # "gpt-4o" (provider inferred) is sent as it is; "openai/gpt-4o" without its provider.
    name = model.split("/", 1)[1] if model.startswith(f"{provider}/") else model
    body: dict[str, Any] = {"model": name, "messages": request["messages"]}
    for key in ("temperature", "top_p", "seed", "tools", "stop", "stream", "stream_options"):
        if key in request:
            body[key] = request[key]
    if "max_tokens" in request:
        reasoning = provider == "openai" and name.startswith(_REASONING_PREFIXES)
        body["max_completion_tokens" if reasoning else "max_tokens"] = request["max_tokens"]
    if request.get("response_format") is not None:
        body["response_format"] = _response_format(request["response_format"])
    body.update(request.get("extra_body") or {})
    options: dict[str, Any] = {"timeout": request["timeout"]}
    if request.get("extra_headers"):
        options["headers"] = dict(request["extra_headers"])
    return body, options


def _response_format(output: Any) -> Any:
    if isinstance(output, dict):
        return output
    from openai.lib._parsing._completions import type_to_response_format_param

    return type_to_response_format_param(output)


# -- sending ---------------------------------------------------------------------------


async def send(call: Any, request: dict[str, Any]) -> Reply:
    """One attempt of a gateway call: a ``Reply``, or an exception the
    gateway classifies (typed ethos errors travel on ``call.options.error``
    so that they are raised as they are, not retried)."""
    try:
        base, key = endpoint(call.provider, request)
    except ProviderError as exc:
        call.options.error = exc
        raise
    route = _route(base, key)
    body, options = _body(call.provider, request)
    if request.get("stream"):
        return await _send_stream(call, route.client, body, options, base, request["timeout"])
    # The SDK's connection pool, URL and headers, without its per-request
    # machinery: its typed transform of the parameters (the body is JSON
    # already), its request options model (a pydantic construct with deep
    # copies) and its pydantic parse of the answer (read as JSON below) cost
    # ~0.5 ms of CPU a call, a quarter of a call's whole cost (issue 19).
    headers = route.headers
    if "headers" in options:
        headers = _merge_headers(headers, options["headers"])
    import httpx2 as httpx  # the openai SDK's HTTP client

    try:
        response = await route.http.post(
            route.url, content=_dumps(body), headers=headers, timeout=request["timeout"]
        )
    except httpx.TimeoutException:
        raise TimeoutError(f"no answer within {request['timeout']:g}s") from None
    except httpx.HTTPError as exc:  # what the SDK maps to APIConnectionError
        raise TransportFault(
            f"connection to {base} failed: {exc}",
            status_code=None,
            transient=True,
        ) from None
    if response.status_code >= 400:
        fault = _fault_from_status(response.status_code, response, base, call.model)
        if not isinstance(fault, TransportFault):
            call.options.error = fault
        raise fault
    answer = _read(call, response, base)
    answer._hidden_params["response_cost"] = cost(call, answer)
    return answer


def _read(call: Any, response: Any, base: str) -> Reply:
    content = response.content
    try:
        data = json.loads(content)
    except ValueError:
        if "json" in response.headers.get("content-type", ""):
            # A garbled body from a server that means to speak JSON: transient.
            raise TransportFault(
                f"the response body is not valid JSON: {content[:80]!r}",
                status_code=None,
                transient=True,
            ) from None
        kind = response.headers.get("content-type") or "no content type"
        error = not_chat_completions(base, f"it answered {kind}, not JSON")
        call.options.error = error
        raise error from None
    parsed = parse_completion(data)
    if parsed is None and isinstance(data, dict) and data.get("error"):
        # A failure some proxies send under a 200: the server's own words,
        # retried as litellm retries it.
        raise TransportFault(
            f"HTTP 200 with an error: {_error_message(data) or data['error']}"[:300],
            status_code=None,
            transient=True,
        )
    if parsed is None:
        keys = ", ".join(list(data)[:5]) if isinstance(data, dict) else type(data).__name__
        error = not_chat_completions(base, f"its answer has no choices: {keys or 'empty'}")
        call.options.error = error
        raise error
    headers = response.headers
    applied = headers.get("x-ethos-interventions")
    if applied is not None:
        # The header name litellm gives it, which the gateway checks.
        parsed._hidden_params["additional_headers"] = {
            "llm_provider-x-ethos-interventions": applied
        }
    return parsed


def _dumps(body: dict[str, Any]) -> bytes:
    """The body as the SDK encodes it (compact UTF-8 JSON, no NaN)."""
    return json.dumps(
        body, ensure_ascii=False, separators=(",", ":"), allow_nan=False, default=_json_default
    ).encode()


def _json_default(value: Any) -> Any:
    if hasattr(value, "model_dump"):  # a pydantic model, as the SDK's encoder sends it
        return value.model_dump(exclude_unset=True, mode="json", by_alias=True)
    if hasattr(value, "isoformat"):
        return value.isoformat()
    raise TypeError(f"{type(value).__name__} is not JSON serialisable")


async def _send_stream(
    call: Any, client: Any, body: dict[str, Any], options: dict[str, Any], base: str, wait_s: float
) -> Reply:
    """A streamed attempt through the SDK, its faults mapped as a plain call's."""
    import openai

    try:
        return await _stream(call, client, body, options)
    except openai.APIStatusError as exc:
        fault = _fault_from_status(int(exc.status_code), exc.response, base, call.model)
        if not isinstance(fault, TransportFault):
            call.options.error = fault
        raise fault from None
    except openai.APITimeoutError:
        raise TimeoutError(f"no answer within {wait_s:g}s") from None
    except openai.APIConnectionError as exc:
        raise TransportFault(
            f"connection to {base} failed: {exc.__cause__ or exc}",
            status_code=None,
            transient=True,
        ) from None


async def _stream(call: Any, client: Any, body: dict[str, Any], options: dict[str, Any]) -> Reply:
    """A streamed call: each new piece of text goes to ``on_token`` (after a
    retry, only what goes beyond the text already shown); the chunks are
    rebuilt into one reply with its usage."""
    import httpx2 as httpx  # the openai SDK's HTTP client
    from openai import APIError, AsyncStream
    from openai.types.chat import ChatCompletion, ChatCompletionChunk

    stream = await client.post(
        "/chat/completions",
        cast_to=ChatCompletion,
        body=body,
        options=options,
        stream=True,
        stream_cls=AsyncStream[ChatCompletionChunk],
    )
    text = ""
    finish: str | None = None
    usage: UsageReply | None = None
    seen_choice = False
    try:
        async with stream:
            async for chunk in stream:
                if chunk.usage is not None:
                    details = getattr(chunk.usage, "prompt_tokens_details", None)
                    usage = UsageReply(
                        chunk.usage.prompt_tokens or 0,
                        chunk.usage.completion_tokens or 0,
                        getattr(details, "cached_tokens", 0) or 0,
                    )
                if not chunk.choices:
                    continue
                seen_choice = True
                choice = chunk.choices[0]
                if choice.finish_reason:
                    finish = FINISH_REASONS.get(choice.finish_reason, "stop")
                piece = choice.delta.content if choice.delta else None
                if piece:
                    text += piece
                    if len(text) > len(call.shown):
                        call.options.on_token(text[len(call.shown) :])
                        call.shown = text
    except httpx.TransportError as exc:  # the connection broke mid-stream
        raise TransportFault(
            f"the stream broke off: {type(exc).__name__}: {exc}",
            status_code=None,
            transient=True,
        ) from None
    except APIError as exc:  # an error event after the 200 (vLLM: the engine failed)
        raise TransportFault(
            f"the stream reported an error: {exc.message}",
            status_code=None,
            transient=True,
        ) from None
    if not seen_choice:
        return Reply(model=body["model"], choices=[], usage=usage)
    answer = Reply(
        model=body["model"],
        choices=[Choice(Message(text), finish or "stop")],
        usage=usage,
    )
    answer._hidden_params["ethos"] = {"streamed": True}
    answer._hidden_params["response_cost"] = cost(call, answer)
    return answer


def cost(call: Any, response: Reply) -> float | None:
    """USD for one native response: the model's configured prices, else
    litellm's table (read without importing litellm); None when unknown."""
    from ethos.models.pricing import call_cost

    usage = response.usage
    if usage is None:
        return None
    return call_cost(
        call.model,
        usage.prompt_tokens,
        usage.completion_tokens,
        usage.cached_tokens,
        input_cost_per_token=getattr(call.args, "input_cost_per_token", None),
        output_cost_per_token=getattr(call.args, "output_cost_per_token", None),
    )
