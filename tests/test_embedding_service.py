"""GraphService inside a real FastAPI app, driven over ASGI (no ports):
concurrent requests, the event loop kept free while the local model
generates, clean shutdown with a run in flight, clear 404s."""

from __future__ import annotations

import asyncio
import json
import time
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any, TypedDict

import httpx
import pytest
from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse, StreamingResponse
from langgraph.graph import END, START, StateGraph
from langgraph.types import interrupt
from pydantic import BaseModel

from ethos.agents import Agent, AgentContext
from ethos.errors import EthosError
from ethos.graphs.events import EVENT_ADAPTER, Finished
from ethos.graphs.runtime import GraphError, ThreadNotFoundError
from ethos.graphs.service import (
    GraphService,
    ServiceClosedError,
    ThreadBusyError,
    UnknownGraphError,
)
from ethos.models.script import function, register_script

LATENCY_S = 0.1


class Flow(TypedDict, total=False):
    question: str
    answer: str
    steps: list[str]


class AskBody(BaseModel):
    question: str | None = None
    graph: str = "ask"
    thread_id: str | None = None


class AnswerBody(BaseModel):
    answer: Any


def _last_user(messages: list[dict]) -> str:
    return [m for m in messages if m["role"] == "user"][-1]["content"]


SCRIPT = register_script("service-echo", function(lambda m: f"answer to: {_last_user(m)}"))


def answerer(**kwargs: Any) -> Agent[str, str]:
    return Agent(
        "answerer",
        instructions="Answer the question.",
        role="writer",
        input_type=str,
        output_type=str,
        **kwargs,
    )


def ask_graph(agent: Agent, *, latency_s: float = 0.0, peak: dict | None = None) -> StateGraph:
    """One node: (simulated network latency, then) one agent call."""

    async def answer(state: Flow, runtime) -> Flow:
        if peak is not None:
            peak["now"] += 1
            peak["max"] = max(peak["max"], peak["now"])
        try:
            if latency_s:
                await asyncio.sleep(latency_s)
            return {"answer": await agent.run(state["question"], runtime.context)}
        finally:
            if peak is not None:
                peak["now"] -= 1

    builder = StateGraph(Flow, context_schema=AgentContext)
    builder.add_node("answer", answer)
    builder.add_edge(START, "answer")
    builder.add_edge("answer", END)
    return builder


def gated_graph(gate: dict[str, asyncio.Event]) -> StateGraph:
    """``first`` then ``wait``, which waits on ``gate['open']`` (replaced per app)
    and sets ``gate['entered']`` when given: with durability="sync", ``first``'s
    checkpoint is written before ``wait`` starts, so a test that waits on it
    knows the thread is stored (polling could ask before the first checkpoint)."""

    async def first(state: Flow) -> Flow:
        return {"steps": ["first"]}

    async def wait(state: Flow) -> Flow:
        if "entered" in gate:
            gate["entered"].set()
        await gate["open"].wait()
        return {"steps": [*state["steps"], "wait"], "answer": "done"}

    builder = StateGraph(Flow)
    builder.add_node("first", first)
    builder.add_node("wait", wait)
    builder.add_edge(START, "first")
    builder.add_edge("first", "wait")
    builder.add_edge("wait", END)
    return builder


def asking_graph() -> StateGraph:
    async def clarify(state: Flow) -> Flow:
        return {"answer": interrupt({"question": f"what do you mean by {state['question']!r}?"})}

    builder = StateGraph(Flow)
    builder.add_node("clarify", clarify)
    builder.add_edge(START, "clarify")
    builder.add_edge("clarify", END)
    return builder


STATUS = {UnknownGraphError: 404, ThreadNotFoundError: 404, ThreadBusyError: 409}


def make_app(
    db: Path,
    graphs: dict[str, StateGraph | Callable[[], StateGraph]],
    *,
    context: AgentContext | None = None,
    grace_s: float = 5.0,
) -> FastAPI:
    """The app a user would write: the service opened in the lifespan."""

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        service = await GraphService.open(database_url=f"sqlite:///{db}", context=context)
        for name, graph in graphs.items():
            service.register(name, graph)
        app.state.graphs = service
        try:
            yield
        finally:
            await service.close(grace_s=grace_s)

    app = FastAPI(lifespan=lifespan)

    @app.exception_handler(EthosError)
    async def ethos_error(request: Request, exc: EthosError) -> JSONResponse:
        status = next((s for t, s in STATUS.items() if isinstance(exc, t)), 400)
        if isinstance(exc, ServiceClosedError):
            status = 503
        return JSONResponse({"error": str(exc)}, status_code=status)

    def service(request: Request) -> GraphService:
        return request.app.state.graphs

    @app.get("/health")
    async def health(request: Request) -> dict:
        graphs = service(request)
        return {"ok": not graphs.closing, "in_flight": len(graphs.in_flight)}

    @app.post("/ask")
    async def ask(body: AskBody, request: Request) -> dict:
        graph_input = None if body.question is None else {"question": body.question}
        outcome = await service(request).run(body.graph, graph_input, thread_id=body.thread_id)
        return outcome.model_dump(mode="json")

    @app.post("/ask/stream")
    async def ask_stream(body: AskBody, request: Request) -> StreamingResponse:
        events = service(request).stream(body.graph, {"question": body.question})  # 404 here

        async def lines() -> AsyncIterator[str]:
            async for event in events:
                yield json.dumps(event) + "\n"

        return StreamingResponse(lines(), media_type="application/x-ndjson")

    @app.post("/threads/{graph}/{thread_id}/answer")
    async def answer(graph: str, thread_id: str, body: AnswerBody, request: Request) -> dict:
        outcome = await service(request).resume(graph, thread_id, body.answer)
        return outcome.model_dump(mode="json")

    @app.get("/threads/{graph}/{thread_id}")
    async def thread(graph: str, thread_id: str, request: Request) -> dict:
        state = await service(request).state(graph, thread_id)
        return {**state.model_dump(mode="json"), "finished": state.finished}

    return app


@asynccontextmanager
async def serving(app: FastAPI) -> AsyncIterator[httpx.AsyncClient]:
    """Run the app's lifespan (ASGITransport does not) around a client."""
    async with app.router.lifespan_context(app):
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://svc") as client:
            yield client


async def test_twenty_concurrent_requests_each_answered_on_its_own_stored_thread(
    tmp_path: Path,
) -> None:
    peak = {"now": 0, "max": 0}
    app = make_app(
        tmp_path / "svc.db",
        {"ask": ask_graph(answerer(), latency_s=LATENCY_S, peak=peak)},
        context=AgentContext(roles={"writer": SCRIPT}),
    )
    async with serving(app) as client:
        questions = [f"question {i}?" for i in range(20)]
        replies = await asyncio.gather(
            *(client.post("/ask", json={"question": q}) for q in questions)
        )
        assert [r.status_code for r in replies] == [200] * 20
        outcomes = [r.json() for r in replies]
        assert [o["output"]["answer"] for o in outcomes] == [f"answer to: {q}" for q in questions]
        threads = [o["thread_id"] for o in outcomes]
        assert len(set(threads)) == 20
        assert peak["max"] >= 5  # the requests ran side by side, not one after another
        for question, thread_id in zip(questions, threads, strict=True):
            stored = (await client.get(f"/threads/ask/{thread_id}")).json()
            assert stored["finished"]
            assert stored["values"] == {"question": question, "answer": f"answer to: {question}"}
        assert (await client.get("/health")).json() == {"ok": True, "in_flight": 0}


async def test_events_stream_as_json_lines(tmp_path: Path) -> None:
    app = make_app(
        tmp_path / "svc.db",
        {"ask": ask_graph(answerer())},
        context=AgentContext(roles={"writer": SCRIPT}),
    )
    async with serving(app) as client:
        reply = await client.post("/ask/stream", json={"question": "why?"})
    events = [EVENT_ADAPTER.validate_json(line) for line in reply.text.splitlines()]
    kinds = [e.kind for e in events]
    assert kinds == ["node_started", "token", "node_finished", "finished"]
    assert isinstance(events[-1], Finished)
    assert events[-1].output == {"question": "why?", "answer": "answer to: why?"}
    assert len({e.thread_id for e in events}) == 1


async def test_an_interrupt_is_answered_over_http(tmp_path: Path) -> None:
    app = make_app(tmp_path / "svc.db", {"clarify": asking_graph})
    async with serving(app) as client:
        paused = (await client.post("/ask", json={"question": "adults", "graph": "clarify"})).json()
        assert paused["interrupts"][0]["value"] == {"question": "what do you mean by 'adults'?"}
        thread_id = paused["thread_id"]
        done = await client.post(f"/threads/clarify/{thread_id}/answer", json={"answer": "18+"})
        assert done.json()["output"] == {"question": "adults", "answer": "18+"}


async def test_unknown_graph_and_unknown_thread_are_404_with_the_reason(tmp_path: Path) -> None:
    app = make_app(tmp_path / "svc.db", {"ask": ask_graph(answerer()), "clarify": asking_graph})
    async with serving(app) as client:
        for path in ("/ask", "/ask/stream"):
            unknown_graph = await client.post(path, json={"question": "?", "graph": "summarize"})
            assert unknown_graph.status_code == 404
            assert unknown_graph.json()["error"] == (
                "no graph named 'summarize' in this service; use one of: ask, clarify"
            )
        for reply in (
            await client.get("/threads/ask/no-such-thread"),
            await client.post("/threads/clarify/no-such-thread/answer", json={"answer": 1}),
        ):
            assert reply.status_code == 404
            assert "no graph thread 'no-such-thread'" in reply.json()["error"]
        no_input = await client.post("/ask", json={"thread_id": "fresh"})
        assert no_input.status_code == 400 and "no input was given" in no_input.json()["error"]


async def test_shutdown_cancels_the_run_in_flight_and_its_thread_continues_later(
    tmp_path: Path,
) -> None:
    gate = {"open": asyncio.Event(), "entered": asyncio.Event()}
    db = tmp_path / "svc.db"
    app = make_app(db, {"gated": gated_graph(gate)}, grace_s=0.2)
    async with serving(app) as client:
        service: GraphService = app.state.graphs
        request = asyncio.create_task(
            client.post("/ask", json={"question": "q", "graph": "gated", "thread_id": "t-1"})
        )
        # Until the run waits in its second node (a hang guard, not a timing).
        await asyncio.wait_for(gate["entered"].wait(), timeout=60)
        assert (await service.state("gated", "t-1")).next_nodes == ["wait"]
        assert (await client.get("/health")).json() == {"ok": True, "in_flight": 1}
        with pytest.raises(ThreadBusyError, match="'t-1' already has a run in flight"):
            await service.run("gated", None, thread_id="t-1")
        started = time.perf_counter()
    # The lifespan has exited: the run was given 0.2 s, then cancelled.
    assert time.perf_counter() - started < 2.0
    cut_short = await request
    assert cut_short.status_code == 503
    assert "cancelled because the service is shutting down" in cut_short.json()["error"]
    assert service.in_flight == []
    with pytest.raises(ServiceClosedError, match="starts no new runs"):
        await service.run("gated", {"question": "late"})
    with pytest.raises(ServiceClosedError):
        service.stream("gated", {"question": "late"})  # refused before any event

    # A new process (a new app on the same database) continues the thread.
    gate["open"] = asyncio.Event()
    gate["open"].set()
    async with serving(make_app(db, {"gated": gated_graph(gate)})) as client:
        stored = (await client.get("/threads/gated/t-1")).json()
        assert stored["next_nodes"] == ["wait"] and stored["values"]["steps"] == ["first"]
        resumed = (await client.post("/ask", json={"graph": "gated", "thread_id": "t-1"})).json()
    assert resumed["resumed"]
    assert resumed["output"] == {"question": "q", "steps": ["first", "wait"], "answer": "done"}


async def test_a_run_that_finishes_within_the_grace_period_is_awaited(tmp_path: Path) -> None:
    gate = {"open": asyncio.Event(), "entered": asyncio.Event()}
    service = await GraphService.open(database_url=f"sqlite:///{tmp_path / 'svc.db'}")
    service.register("gated", gated_graph(gate))
    run = asyncio.create_task(service.run("gated", {"question": "q"}, thread_id="t"))
    # Until the run waits in its second node (a fixed sleep could close first under load).
    await asyncio.wait_for(gate["entered"].wait(), 60)
    closing = asyncio.create_task(service.close(grace_s=5.0))
    await asyncio.sleep(0.1)
    assert service.closing and not closing.done()
    gate["open"].set()
    await closing
    assert (await run).output["answer"] == "done"


async def test_registration_refuses_duplicates_and_compiled_graphs(tmp_path: Path) -> None:
    async with await GraphService.open(database_url=f"sqlite:///{tmp_path / 's.db'}") as service:
        service.register("clarify", asking_graph)
        with pytest.raises(GraphError, match="already registered"):
            service.register("clarify", asking_graph)
        with pytest.raises(GraphError, match="not a StateGraph builder"):
            service.register("compiled", asking_graph().compile())
        with pytest.raises(UnknownGraphError, match="use one of: clarify"):
            await service.state("ask", "t")


@pytest.mark.local_model
async def test_health_answers_while_the_local_model_generates(
    tmp_path: Path, tiny_checkpoints
) -> None:
    model = f"local/{tiny_checkpoints('olmoe')}"
    app = make_app(
        tmp_path / "svc.db",
        {"ask": ask_graph(answerer(max_tokens=32))},
        context=AgentContext(roles={"writer": model}),
    )
    async with serving(app) as client:
        warm = await client.post("/ask", json={"question": "warm up"})  # loads the model
        assert warm.status_code == 200, warm.text
        asks = asyncio.gather(
            *(client.post("/ask", json={"question": f"Round {i}: cooperate?"}) for i in range(4))
        )
        lags: list[float] = []
        while not asks.done():
            start = time.perf_counter()
            health = await client.get("/health")
            lags.append(time.perf_counter() - start)
            assert health.status_code == 200
            await asyncio.sleep(0.02)
        replies = await asks
    assert all(r.status_code == 200 and r.json()["output"]["answer"] for r in replies)
    assert len(lags) >= 3, "generation finished before /health was probed"
    assert max(lags) < 0.5, f"/health took {max(lags):.3f} s while the model generated"


async def test_a_stream_cut_by_shutdown_ends_with_the_reason(tmp_path: Path) -> None:
    gate = {"open": asyncio.Event()}
    service = await GraphService.open(database_url=f"sqlite:///{tmp_path / 'svc.db'}")
    service.register("gated", gated_graph(gate))
    seen: list[str] = []

    async def consume() -> None:
        async for event in service.stream("gated", {"question": "q"}, thread_id="s"):
            seen.append(f"{event['kind']}:{event.get('node')}")
            if event["kind"] == "node_started" and event["node"] == "wait":
                asyncio.get_running_loop().call_soon(asyncio.ensure_future, service.close(0))

    with pytest.raises(ServiceClosedError, match="thread 's' was cancelled"):
        await consume()
    assert seen == ["node_started:first", "node_finished:first", "node_started:wait"]
    assert service.in_flight == []
