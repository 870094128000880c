"""``ethos serve``: an OpenAI-compatible HTTP server for a local model.

Any OpenAI client (the ``openai`` package, litellm as ``openai/...`` or
``hosted_vllm/...`` with an api_base) can talk to it. Concurrent requests
reach the local host, which batches them. What OpenAI's API has no word for
travels in an ``ethos`` field of the body: ``{"interventions": [...]}``,
validated like every other field; the response says how many were applied
(body field ``ethos`` and header ``x-ethos-interventions``), so a client
can tell that the server honoured them rather than ignored them.

When more than ``max_queue`` requests are in flight, new ones get 503 with
Retry-After instead of piling up. SIGTERM/SIGINT stop accepting requests
and let those in flight finish.

One request cannot hurt the others: its body is refused when nested more
than ``MAX_DEPTH`` deep, its interventions are checked against the model
before it is queued, its prompt is templated and tokenised on a thread (a
prompt far over the context is refused before tokenising), and a row that
still fails inside a batch fails alone (``engine.py``).
"""

from __future__ import annotations

import asyncio
import hmac
import json
import logging
import time
import uuid
from typing import Any, Literal

from aiohttp import web
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from ethos.models.errors import (
    ContextLengthError,
    InterventionSpecError,
    ModelError,
    UnsupportedInterventionError,
)
from ethos.models.interventions import ExpertMask, Steer, parse_interventions

INTERVENTIONS_HEADER = "x-ethos-interventions"
MAX_DEPTH = 400  # JSON nesting of a request body; no OpenAI request comes near it
MAX_BODY = 16 * 1024 * 1024
# Characters of a chat request's JSON that are not its prompt's text (the
# roles, sampling settings, interventions' vectors) at most.
OTHER_FIELDS = 1024 * 1024
log = logging.getLogger("ethos.serve")


class ContentPart(BaseModel):
    model_config = ConfigDict(extra="allow")

    type: str
    text: str | None = None


class ChatMessage(BaseModel):
    model_config = ConfigDict(extra="allow")

    role: Literal["system", "user", "assistant", "tool", "developer"]
    content: str | list[ContentPart] | None = None

    def plain(self) -> dict[str, Any]:
        content = self.content
        if isinstance(content, list):  # OpenAI content parts: keep the text ones
            content = "".join(p.text or "" for p in content if p.type == "text")
        return {"role": self.role, "content": content or ""}


class EthosExtension(BaseModel):
    model_config = ConfigDict(extra="forbid")

    interventions: list[ExpertMask | Steer] = Field(default_factory=list)

    @field_validator("interventions", mode="before")
    @classmethod
    def _parse(cls, value: Any) -> list[ExpertMask | Steer]:
        return parse_interventions(value)


class ChatRequest(BaseModel):
    """The fields of OpenAI's chat completion request that a local model
    honours; the others OpenAI clients send are accepted and ignored."""

    model_config = ConfigDict(extra="ignore")

    # OpenAI accepts null for every optional field: so do we.
    model: str
    messages: list[ChatMessage] = Field(min_length=1)
    max_tokens: int | None = Field(None, ge=1)
    max_completion_tokens: int | None = Field(None, ge=1)
    temperature: float | None = Field(None, ge=0, le=2)
    top_p: float | None = Field(None, gt=0, le=1)
    seed: int | None = Field(None, ge=0, le=2**63 - 1)
    stop: str | list[str] | None = None
    n: int | None = Field(None, ge=1, le=1)
    stream: bool | None = None
    stream_options: dict[str, Any] | None = None
    tools: list[Any] | None = None
    response_format: dict[str, Any] | None = None
    ethos: EthosExtension | None = None

    @property
    def interventions(self) -> list[ExpertMask | Steer]:
        return self.ethos.interventions if self.ethos else []

    def unsupported(self) -> str | None:
        """A field we would otherwise have to ignore silently."""
        if self.tools:
            return "tools"
        if self.response_format and self.response_format.get("type") not in (None, "text"):
            return "response_format"
        return None

    def sampling(self) -> dict[str, Any]:
        stop = [self.stop] if isinstance(self.stop, str) else self.stop
        return {
            "max_tokens": self.max_completion_tokens or self.max_tokens or 256,
            "temperature": 0.0 if self.temperature is None else self.temperature,
            "top_p": 1.0 if self.top_p is None else self.top_p,
            "seed": self.seed,
            "stop": stop,
            "interventions": self.interventions,
        }


def error_response(
    status: int,
    message: str,
    *,
    kind: str,
    code: str | None = None,
    param: str | None = None,
    headers: dict[str, str] | None = None,
) -> web.Response:
    """An OpenAI-style error body, which every OpenAI client knows how to raise."""
    body = {"error": {"message": message, "type": kind, "param": param, "code": code}}
    return web.json_response(body, status=status, headers=headers)


class Server:
    """Holds the loaded model and the count of requests in flight."""

    def __init__(self, model_ref: str, *, token: str | None = None, max_queue: int = 64) -> None:
        self.model_ref = model_ref.removeprefix("local/")
        self.token = token
        self.max_queue = max_queue
        self.in_flight = 0
        self.abandoned = 0
        self.closing = False
        self.local: Any = None

    @property
    def model_id(self) -> str:
        return self.local.name if self.local is not None else self.model_ref

    def served_names(self) -> set[str]:
        return {self.model_id, f"local/{self.model_id}", self.model_ref, f"local/{self.model_ref}"}

    async def start(self, app: web.Application) -> None:
        from ethos.models.local.host import get_local_model

        self.local = await get_local_model(self.model_ref)

    async def stop(self, app: web.Application) -> None:
        self.closing = True
        if self.local is not None:
            await self.local.aclose()

    # -- middleware: auth, errors -------------------------------------------------

    @web.middleware
    async def guard(self, request: web.Request, handler: Any) -> web.StreamResponse:
        if self.token and request.path.startswith("/v1/"):
            # Exactly "Bearer <token>" (the scheme case-insensitive, as HTTP
            # has it): a bare token is not a credential.
            scheme, _, given = request.headers.get("Authorization", "").partition(" ")
            if scheme.lower() != "bearer" or not hmac.compare_digest(
                given.encode(), self.token.encode()
            ):
                return error_response(
                    401,
                    "invalid or missing bearer token",
                    kind="authentication_error",
                    code="invalid_api_key",
                )
        try:
            return await handler(request)
        except web.HTTPException:
            raise
        except ContextLengthError as exc:
            return error_response(
                400,
                str(exc),
                kind="invalid_request_error",
                code="context_length_exceeded",
                param="messages",
            )
        except UnsupportedInterventionError as exc:
            return error_response(
                400,
                str(exc),
                kind="invalid_request_error",
                code="unsupported_intervention",
                param="ethos",
            )
        except ModelError as exc:
            if self.closing:
                return error_response(
                    503,
                    "the server is shutting down",
                    kind="server_error",
                    code="shutting_down",
                    headers={"Retry-After": "1"},
                )
            return error_response(400, str(exc), kind="invalid_request_error")
        except Exception as exc:  # a bug: still an error body every client can read
            log.exception("request failed")
            return error_response(500, f"internal error: {type(exc).__name__}", kind="server_error")

    # -- routes ------------------------------------------------------------------

    async def health(self, request: web.Request) -> web.Response:
        batches = dict(self.local.batch_sizes) if self.local is not None else {}
        return web.json_response(
            {
                "status": "ok",
                "model": self.model_id,
                "in_flight": self.in_flight,
                "abandoned": self.abandoned,
                "batch_sizes": {str(k): v for k, v in sorted(batches.items())},
            }
        )

    async def models(self, request: web.Request) -> web.Response:
        created = int(time.time())
        return web.json_response(
            {
                "object": "list",
                "data": [
                    {
                        "id": self.model_id,
                        "object": "model",
                        "created": created,
                        "owned_by": "ethos",
                    }
                ],
            }
        )

    async def chat(self, request: web.Request) -> web.StreamResponse:
        parsed = await self._parse(request)
        if isinstance(parsed, web.Response):
            return parsed
        if self.in_flight >= self.max_queue:
            return error_response(
                503,
                f"the server is at its limit of {self.max_queue} requests in flight",
                kind="server_error",
                code="overloaded",
                headers={"Retry-After": "1"},
            )
        self.in_flight += 1
        try:
            if parsed.stream:
                return await self._stream(request, parsed)
            return await self._complete(parsed)
        except asyncio.CancelledError:
            self.abandoned += 1  # the client hung up; its generation stopped with it
            raise
        finally:
            self.in_flight -= 1

    def prompt_chars(self) -> int:
        """The most characters of text a prompt that fits the context has
        (no token of the model decodes to more than ``max_token_chars``)."""
        return self.local.context_length * self.local.max_token_chars

    async def _read(self, request: web.Request) -> bytes | web.Response:
        """The body, read in chunks (other requests are served in between).
        One with more text than any prompt that fits the context is refused
        unparsed: json.loads holds the GIL, so parsing 10 MB takes 50-90 ms
        of the event loop on any thread; tokenising it, seconds."""
        kept = bytearray()
        size = 0
        async for chunk in request.content.iter_any():
            size += len(chunk)
            if size <= MAX_BODY:
                kept += chunk
        prompt_chars = self.prompt_chars()
        at_least = size
        if size <= MAX_BODY:
            try:  # ~1 ms for 10 MB of ASCII
                text = kept.decode()
            except UnicodeDecodeError:
                return bytes(kept)  # the parser says what is wrong with it
            # Outside OTHER_FIELDS every character of the JSON is one of the
            # prompt's text, except escapes: each starts with a backslash and
            # spends at most 6 characters (\uXXXX) on at least half of one.
            at_least = len(text) - 6 * text.count("\\") - OTHER_FIELDS
            if at_least <= prompt_chars:
                return bytes(kept)
        return error_response(
            400,
            f"the request body has {size} bytes, at least {at_least} characters of text; "
            f"a prompt that fits {self.model_id}'s context of {self.local.context_length} "
            f"tokens has at most {prompt_chars}",
            kind="invalid_request_error",
            code="context_length_exceeded",
            param="messages",
        )

    async def _parse(self, request: web.Request) -> ChatRequest | web.Response:
        data = await self._read(request)
        if isinstance(data, web.Response):
            return data
        too_deep = error_response(
            400,
            f"the request body is nested more than {MAX_DEPTH} levels deep",
            kind="invalid_request_error",
        )
        try:
            raw = json.loads(data)
        except RecursionError:  # deeper than the parser itself goes
            return too_deep
        except (json.JSONDecodeError, UnicodeDecodeError):
            return error_response(
                400, "the request body is not valid JSON", kind="invalid_request_error"
            )
        if (data.count(b"[") + data.count(b"{") > MAX_DEPTH) and nested_deeper(raw, MAX_DEPTH):
            return too_deep
        if not isinstance(raw, dict):
            return error_response(
                400, "the request body must be a JSON object", kind="invalid_request_error"
            )
        try:
            body = ChatRequest.model_validate(raw)
        except InterventionSpecError as exc:
            where = f"ethos.interventions.{exc.index}" + (f".{exc.field}" if exc.field else "")
            if exc.index is None:
                where = "ethos.interventions"
            return error_response(
                400, f"invalid field '{where}': {exc}", kind="invalid_request_error", param=where
            )
        except ValidationError as exc:
            first = exc.errors()[0]
            where = ".".join(str(p) for p in first["loc"])
            return error_response(
                400,
                f"invalid field '{where}': {first['msg']}",
                kind="invalid_request_error",
                param=where,
            )
        field = body.unsupported()
        if field:
            return error_response(
                400,
                f"'{field}' is not supported by ethos serve (local models answer in text)",
                kind="invalid_request_error",
                code="unsupported_parameter",
                param=field,
            )
        if body.model not in self.served_names():
            return error_response(
                404,
                f"model {body.model!r} is not served here; this server serves {self.model_id!r}",
                kind="invalid_request_error",
                code="model_not_found",
                param="model",
            )
        return body

    def _headers(self, body: ChatRequest) -> dict[str, str]:
        return {INTERVENTIONS_HEADER: str(len(body.interventions))}

    async def _complete(self, body: ChatRequest) -> web.Response:
        messages = [m.plain() for m in body.messages]
        result = await self.local.generate(messages, **body.sampling())
        payload = {
            "id": f"chatcmpl-{uuid.uuid4().hex}",
            "object": "chat.completion",
            "created": int(time.time()),
            "model": self.model_id,
            "choices": [
                {
                    "index": 0,
                    "finish_reason": result.finish_reason,
                    "message": {"role": "assistant", "content": result.text},
                }
            ],
            "usage": {
                "prompt_tokens": result.input_tokens,
                "completion_tokens": result.output_tokens,
                "total_tokens": result.input_tokens + result.output_tokens,
            },
            "ethos": {"interventions_applied": len(body.interventions)},
        }
        return web.json_response(payload, headers=self._headers(body))

    async def _stream(self, request: web.Request, body: ChatRequest) -> web.StreamResponse:
        messages = [m.plain() for m in body.messages]
        # Prepared on a thread; bad input (a prompt over the context) raises
        # here, before any bytes are sent.
        deltas = await self.local.astream(messages, **body.sampling())
        chunk_id, created = f"chatcmpl-{uuid.uuid4().hex}", int(time.time())

        def chunk(delta: dict[str, Any], finish: str | None = None, **extra: Any) -> bytes:
            data = {
                "id": chunk_id,
                "object": "chat.completion.chunk",
                "created": created,
                "model": self.model_id,
                "choices": [{"index": 0, "delta": delta, "finish_reason": finish}],
                **extra,
            }
            return f"data: {json.dumps(data)}\n\n".encode()

        response: web.StreamResponse | None = None
        try:
            first = await anext(deltas)  # validation errors surface here, as a 400
            response = web.StreamResponse(
                headers={
                    "Content-Type": "text/event-stream",
                    "Cache-Control": "no-cache",
                    **self._headers(body),
                }
            )
            await response.prepare(request)
            await response.write(chunk({"role": "assistant", "content": ""}))
            item = first
            while True:
                if item.text:
                    await response.write(chunk({"content": item.text}))
                if item.finish_reason is not None:
                    await response.write(chunk({}, item.finish_reason))
                    if (body.stream_options or {}).get("include_usage"):
                        await response.write(usage_chunk(chunk_id, created, self.model_id, item))
                    break
                item = await anext(deltas)
        except ConnectionResetError:  # the client left mid-stream: no one to answer
            return response or web.Response(status=499)
        except ModelError as exc:
            if response is None:
                raise  # nothing sent yet: the middleware answers with a status
            # Mid-stream (a row whose numbers broke): an error event, as
            # OpenAI streams one, then the end; the other rows go on.
            error = {"message": str(exc), "type": "server_error", "param": None, "code": None}
            await response.write(f"data: {json.dumps({'error': error})}\n\n".encode())
        finally:
            await deltas.aclose()  # a client that left frees its batch row now
        await response.write(b"data: [DONE]\n\n")
        await response.write_eof()
        return response


def nested_deeper(value: Any, limit: int) -> bool:
    """Whether parsed JSON nests lists and objects more than ``limit`` deep
    (the top level is depth 1); iterative, so no depth can overflow it."""
    if not isinstance(value, dict | list):
        return False
    stack = [(value, 1)]
    while stack:
        item, depth = stack.pop()
        children = item.values() if isinstance(item, dict) else item
        if depth > limit:
            return True
        stack.extend((c, depth + 1) for c in children if isinstance(c, dict | list))
    return False


def usage_chunk(chunk_id: str, created: int, model: str, item: Any) -> bytes:
    usage = {
        "prompt_tokens": item.input_tokens,
        "completion_tokens": item.output_tokens,
        "total_tokens": item.input_tokens + item.output_tokens,
    }
    data = {
        "id": chunk_id,
        "object": "chat.completion.chunk",
        "created": created,
        "model": model,
        "choices": [],
        "usage": usage,
    }
    return f"data: {json.dumps(data)}\n\n".encode()


def create_app(model_ref: str, *, token: str | None = None, max_queue: int = 64) -> web.Application:
    """The aiohttp application serving ``model_ref`` (a local/ model)."""
    server = Server(model_ref, token=token, max_queue=max_queue)
    app = web.Application(middlewares=[server.guard], client_max_size=MAX_BODY)
    app.router.add_get("/health", server.health)
    app.router.add_get("/v1/models", server.models)
    app.router.add_post("/v1/chat/completions", server.chat)
    app.on_startup.append(server.start)
    app.on_cleanup.append(server.stop)
    app["server"] = server
    return app


def serve(
    model_ref: str,
    *,
    host: str = "127.0.0.1",
    port: int = 8000,
    token: str | None = None,
    max_queue: int = 64,
    shutdown_timeout: float = 60.0,
) -> None:
    """Run until SIGINT/SIGTERM; requests in flight then get ``shutdown_timeout``
    seconds to finish."""
    app = create_app(model_ref, token=token, max_queue=max_queue)
    # handler_cancellation: a client that hangs up stops its generation,
    # instead of holding a batch row and a queue slot until it finishes.
    web.run_app(
        app,
        host=host,
        port=port,
        shutdown_timeout=shutdown_timeout,
        handler_cancellation=True,
        print=lambda text: print(text, flush=True),
        access_log=None,
    )
