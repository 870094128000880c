"""A loopback OpenAI-compatible server with fault injection, for every suite.

It runs on 127.0.0.1 in its own thread and event loop, so sync and async
tests share it alike. Each request takes the next fault from ``plan`` (then
answers normally once the plan is used up, or always applies ``always``):

    "ok"          answer (the reply function decides the text)
    429, 500, ... that HTTP status with an OpenAI-style error body
    ("429", 0.3)  that status with Retry-After: 0.3
    "stall"       hold the request for ``stall_s`` before answering
    "malformed"   a 200 whose body is not JSON
    "disconnect"  close the connection without a response

With ``honours_interventions`` it confirms the ``ethos`` field the way
``ethos serve`` does (header x-ethos-interventions); without, it ignores it
the way any other OpenAI-compatible server would.
"""

from __future__ import annotations

import asyncio
import json
import random
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from aiohttp import web
from multidict import CIMultiDict

Fault = str | int | tuple[Any, float]


def echo_reply(body: dict[str, Any]) -> str:
    users = [m for m in body.get("messages", []) if m.get("role") == "user"]
    return str(users[-1]["content"]) if users else ""


@dataclass
class FakeOpenAI:
    reply: Callable[[dict[str, Any]], str] = echo_reply
    plan: list[Fault] = field(default_factory=list)
    always: Fault | None = None
    stall_s: float = 30.0
    latency_s: float = 0.0
    honours_interventions: bool = False
    fault_rate: float = 0.0  # the share of requests answered 500 (seeded)
    seed: int = 0
    requests: list[dict[str, Any]] = field(default_factory=list)
    headers: list[CIMultiDict[str]] = field(default_factory=list)
    arrivals: list[float] = field(default_factory=list)
    in_flight: int = 0
    max_in_flight: int = 0
    # True: requests wait, unanswered, until release() (e.g. until every
    # client process under test has started).
    held: bool = False
    # The bodies of requests whose answer was handed to the HTTP layer.
    answered: list[dict[str, Any]] = field(default_factory=list)
    port: int = 0

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}/v1"

    # -- lifecycle -------------------------------------------------------------

    def start(self) -> FakeOpenAI:
        self._rng = random.Random(self.seed)
        ready = threading.Event()
        self._loop = asyncio.new_event_loop()

        def serve() -> None:
            asyncio.set_event_loop(self._loop)
            self._loop.run_until_complete(self._open())
            ready.set()
            self._loop.run_forever()

        self._thread = threading.Thread(target=serve, name="fake-openai", daemon=True)
        self._thread.start()
        if not ready.wait(10):
            raise RuntimeError("fake OpenAI server did not start")
        return self

    def release(self) -> None:
        """Let held requests (and all later ones) through."""
        self._loop.call_soon_threadsafe(self._gate.set)

    async def _open(self) -> None:
        self._gate = asyncio.Event()
        if not self.held:
            self._gate.set()
        app = web.Application()
        app.router.add_post("/v1/chat/completions", self._chat)
        app.router.add_get("/v1/models", self._models)
        self._runner = web.AppRunner(app, shutdown_timeout=0.5)
        await self._runner.setup()
        site = web.TCPSite(self._runner, "127.0.0.1", 0)
        await site.start()
        self.port = site._server.sockets[0].getsockname()[1]  # type: ignore[union-attr]

    def stop(self) -> None:
        asyncio.run_coroutine_threadsafe(self._runner.cleanup(), self._loop).result(10)
        self._loop.call_soon_threadsafe(self._loop.stop)
        self._thread.join(10)

    def __enter__(self) -> FakeOpenAI:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    # -- handlers --------------------------------------------------------------

    async def _models(self, request: web.Request) -> web.Response:
        return web.json_response({"object": "list", "data": [{"id": "fake", "object": "model"}]})

    def _next_fault(self) -> Fault:
        if self.plan:
            return self.plan.pop(0)
        if self.fault_rate and self._rng.random() < self.fault_rate:
            return 500
        return self.always if self.always is not None else "ok"

    async def _chat(self, request: web.Request) -> web.StreamResponse:
        self.arrivals.append(time.monotonic())
        self.headers.append(CIMultiDict(request.headers))  # names are case-insensitive
        self.in_flight += 1
        self.max_in_flight = max(self.max_in_flight, self.in_flight)
        try:
            body = await request.json()
            self.requests.append(body)
            await self._gate.wait()
            if self.latency_s:
                await asyncio.sleep(self.latency_s)
            response = await self._answer(request, body, self._next_fault())
            self.answered.append(body)
            return response
        finally:
            self.in_flight -= 1

    async def _answer(
        self, request: web.Request, body: dict[str, Any], fault: Fault
    ) -> web.StreamResponse:
        retry_after = None
        if isinstance(fault, tuple):
            fault, retry_after = fault
        if fault == "stall":
            await asyncio.sleep(self.stall_s)
        elif fault == "malformed":
            return web.Response(status=200, text="{not json", content_type="application/json")
        elif fault == "disconnect":
            assert request.transport is not None
            request.transport.close()
            return web.Response(status=500)
        elif fault != "ok":
            status = int(fault)
            headers = {"Retry-After": str(retry_after)} if retry_after is not None else {}
            error = {
                "error": {
                    "message": f"injected fault {status}",
                    "type": "server_error",
                    "code": status,
                }
            }
            return web.json_response(error, status=status, headers=headers)
        text = self.reply(body)
        if body.get("stream"):
            return await self._stream(request, body, text)
        headers = {}
        if self.honours_interventions and "ethos" in body:
            headers["x-ethos-interventions"] = str(len(body["ethos"].get("interventions", [])))
        return web.json_response(completion(body, text), headers=headers)

    async def _stream(
        self, request: web.Request, body: dict[str, Any], text: str
    ) -> web.StreamResponse:
        response = web.StreamResponse(headers={"Content-Type": "text/event-stream"})
        await response.prepare(request)
        for piece in text.split(" "):
            chunk = {
                "id": "chatcmpl-fake",
                "object": "chat.completion.chunk",
                "created": 0,
                "model": body.get("model", "fake"),
                "choices": [{"index": 0, "delta": {"content": piece + " "}, "finish_reason": None}],
            }
            await response.write(f"data: {json.dumps(chunk)}\n\n".encode())
        usage = completion(body, text)["usage"]
        final = {
            "id": "chatcmpl-fake",
            "object": "chat.completion.chunk",
            "created": 0,
            "model": body.get("model", "fake"),
            "choices": [{"index": 0, "delta": {}, "finish_reason": "stop"}],
        }
        await response.write(f"data: {json.dumps(final)}\n\n".encode())
        if (body.get("stream_options") or {}).get("include_usage"):
            tail = {**final, "choices": [], "usage": usage}
            await response.write(f"data: {json.dumps(tail)}\n\n".encode())
        await response.write(b"data: [DONE]\n\n")
        return response


def completion(body: dict[str, Any], text: str) -> dict[str, Any]:
    prompt = sum(len(str(m.get("content", "")).split()) for m in body.get("messages", []))
    return {
        "id": "chatcmpl-fake",
        "object": "chat.completion",
        "created": int(time.time()),
        "model": body.get("model", "fake"),
        "choices": [
            {"index": 0, "message": {"role": "assistant", "content": text}, "finish_reason": "stop"}
        ],
        "usage": {
            "prompt_tokens": prompt,
            "completion_tokens": len(text.split()),
            "total_tokens": prompt + len(text.split()),
        },
    }
