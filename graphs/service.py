"""The graph runtime inside an async service: opened once, graphs by name,
runs tracked so that shutdown is clean.

A web service (FastAPI, aiohttp) opens one :class:`GraphService` at start-up
and keeps it for its lifetime. Requests name a registered graph and a thread
id; every run is an asyncio task the service knows about, so closing it
waits for the runs in flight for a grace period, then cancels the rest.
A cancelled run's thread keeps its last checkpoint: the next process
continues it with ``run(name, None, thread_id=...)``.

    @asynccontextmanager
    async def lifespan(app: FastAPI):
        async with await GraphService.open(store=store) as service:
            service.register("ask", build_ask_graph)
            app.state.graphs = service
            yield  # closing waits for runs in flight, then cancels them

    outcome = await app.state.graphs.run("ask", {"question": q}, context=ctx)
    async for event in app.state.graphs.stream("ask", {"question": q}):
        ...  # plain dicts, ready for json.dumps or SSE

No global state: two services in one process are independent.
"""

from __future__ import annotations

import asyncio
import contextlib
import uuid
from collections.abc import AsyncIterator, Callable, Coroutine
from typing import TYPE_CHECKING, Any, Self

from ethos.graphs.runtime import (
    GraphError,
    GraphRuntime,
    RunOutcome,
    ThreadBusyError,
    ThreadState,
)

if TYPE_CHECKING:
    from langgraph.graph import StateGraph
    from langgraph.graph.state import CompiledStateGraph

    from ethos.db.store import Store
    from ethos.settings import Settings

DEFAULT_GRACE_S = 10.0
STREAM_BUFFER = 64  # events a slow stream consumer may fall behind before the run waits


class UnknownGraphError(GraphError, LookupError):
    """No graph is registered under the name asked for."""


class ServiceClosedError(GraphError):
    """The service is closing or closed: it starts no new run, and a run it
    cancelled on the way down ends with this error."""


class GraphService:
    """See the module docstring. Build one with :meth:`open`."""

    def __init__(
        self, runtime: GraphRuntime, *, context: Any = None, owns_runtime: bool = True
    ) -> None:
        self.runtime = runtime
        self.default_context = context
        self._graphs: dict[str, CompiledStateGraph] = {}
        self._running: dict[str, asyncio.Task[Any]] = {}  # thread id -> its run
        self._closing = False
        self._closed = asyncio.Event()
        self._owns_runtime = owns_runtime

    # -- opening and closing --------------------------------------------------

    @classmethod
    async def open(
        cls,
        *,
        store: Store | None = None,
        settings: Settings | None = None,
        database_url: str | None = None,
        context: Any = None,
    ) -> Self:
        """Open the service's runtime on ``store`` (borrowed: it stays open
        after the service closes) or on a store opened from ``database_url``
        / settings (closed with the service). ``context`` is what runs get
        when they pass none (an ``AgentContext`` with the service's roles)."""
        runtime = await GraphRuntime.open(store=store, settings=settings, database_url=database_url)
        return cls(runtime, context=context)

    async def __aenter__(self) -> Self:
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.close()

    @property
    def closing(self) -> bool:
        """True once :meth:`close` has started: new runs are refused."""
        return self._closing

    @property
    def in_flight(self) -> list[str]:
        """Thread ids with a run in flight."""
        return list(self._running)

    async def close(self, grace_s: float = DEFAULT_GRACE_S) -> None:
        """Refuse new runs, wait up to ``grace_s`` for the runs in flight,
        cancel those still going (their threads keep their last checkpoint),
        then close the runtime. Calling it again is harmless."""
        if self._closing:
            await self._closed.wait()  # a second caller waits for the first
            return
        self._closing = True
        try:
            tasks = list(self._running.values())
            if tasks and grace_s > 0:
                await asyncio.wait(tasks, timeout=grace_s)
            for task in tasks:
                task.cancel()
            await asyncio.gather(*tasks, return_exceptions=True)
        finally:
            if self._owns_runtime:
                await self.runtime.close()
            self._closed.set()

    # -- graphs ---------------------------------------------------------------

    def register(
        self,
        name: str,
        graph: StateGraph | Callable[[], StateGraph],
        *,
        recursion_limit: int | None = None,
    ) -> CompiledStateGraph:
        """Compile ``graph`` (a ``StateGraph`` builder, or a function that
        returns one) with the service's checkpointer under ``name``."""
        if name in self._graphs:
            raise GraphError(
                f"a graph named {name!r} is already registered",
                "register each graph once, at start-up, under its own name",
            )
        from langgraph.graph import StateGraph

        builder = graph if isinstance(graph, StateGraph) or not callable(graph) else graph()
        if not isinstance(builder, StateGraph):  # a compiled graph would not checkpoint here
            raise GraphError(
                f"graph {name!r} is a {type(builder).__name__}, not a StateGraph builder",
                "register the StateGraph (or a function returning one) uncompiled; "
                "the service compiles it with its checkpointer",
            )
        compiled = self.runtime.compile(builder, name=name, recursion_limit=recursion_limit)
        self._graphs[name] = compiled
        return compiled

    @property
    def names(self) -> list[str]:
        return sorted(self._graphs)

    def graph(self, name: str) -> CompiledStateGraph:
        """The compiled graph registered as ``name``, or UnknownGraphError."""
        try:
            return self._graphs[name]
        except KeyError:
            raise UnknownGraphError(
                f"no graph named {name!r} in this service",
                f"use one of: {', '.join(self.names) or '(none registered)'}",
            ) from None

    # -- running --------------------------------------------------------------

    async def run(
        self,
        name: str,
        input: Any = None,
        *,
        thread_id: str | None = None,
        context: Any = None,
        timeout: float | None = None,  # noqa: ASYNC109 (a whole-run budget)
    ) -> RunOutcome:
        """Run graph ``name`` on ``thread_id`` (a new one when None) to its
        end or its next interrupt; see ``GraphRuntime.run``."""
        graph = self.graph(name)
        thread_id = thread_id or new_thread_id()
        return await self._track(
            thread_id,
            self.runtime.run(
                graph,
                input,
                thread_id=thread_id,
                context=self._context(context),
                timeout=timeout,
            ),
        )

    async def resume(
        self,
        name: str,
        thread_id: str,
        answer: Any,
        *,
        context: Any = None,
        timeout: float | None = None,  # noqa: ASYNC109
    ) -> RunOutcome:
        """Answer the interrupt ``thread_id`` waits on and run on."""
        graph = self.graph(name)
        return await self._track(
            thread_id,
            self.runtime.resume(
                graph,
                thread_id,
                answer,
                context=self._context(context),
                timeout=timeout,
            ),
        )

    def stream(
        self,
        name: str,
        input: Any = None,
        *,
        thread_id: str | None = None,
        answer: Any = ...,
        context: Any = None,
        timeout: float | None = None,
    ) -> AsyncIterator[dict[str, Any]]:
        """Run like :meth:`run` (or :meth:`resume` when ``answer`` is given)
        and yield its events as JSON-ready dicts (``kind`` says which;
        ``ethos.graphs.events.EVENT_ADAPTER`` turns one back into its type).

        An unknown graph, a closing service or a busy thread is refused
        here, before a response starts; the run itself starts at the first
        iteration. It is a task of the service: a consumer that stops early
        cancels it, and so does closing the service."""
        graph = self.graph(name)
        thread_id = thread_id or new_thread_id()
        self._check_can_start(thread_id)
        return self._stream(graph, input, thread_id, answer, self._context(context), timeout)

    async def _stream(
        self,
        graph: CompiledStateGraph,
        input: Any,
        thread_id: str,
        answer: Any,
        context: Any,
        timeout: float | None,  # noqa: ASYNC109
    ) -> AsyncIterator[dict[str, Any]]:
        queue: asyncio.Queue[Any] = asyncio.Queue(STREAM_BUFFER)
        done = object()

        async def produce() -> None:
            async for event in self.runtime.stream(
                graph,
                input,
                thread_id=thread_id,
                answer=answer,
                context=context,
                timeout=timeout,
            ):
                await queue.put(event.model_dump(mode="json", fallback=repr))
            await queue.put(done)

        task = self._start(thread_id, produce())
        try:
            while True:
                getter = asyncio.ensure_future(queue.get())
                await asyncio.wait([getter, task], return_when=asyncio.FIRST_COMPLETED)
                if getter.done():
                    item = getter.result()
                    if item is done:
                        break
                    yield item
                    continue
                getter.cancel()
                while not queue.empty():  # what the run said before it ended
                    item = queue.get_nowait()
                    if item is not done:
                        yield item
                await self._outcome(task, thread_id)  # raises the run's error
                break
        finally:
            if not task.done():
                task.cancel()
                with contextlib.suppress(BaseException):
                    await task

    async def state(self, name: str, thread_id: str) -> ThreadState:
        """Where ``thread_id`` stands in graph ``name`` (ThreadNotFoundError
        when it has no checkpoint)."""
        graph = self.graph(name)
        if self._closed.is_set():
            raise _closed_error()
        return await self.runtime.state(graph, thread_id)

    # -- helpers --------------------------------------------------------------

    def _context(self, context: Any) -> Any:
        return self.default_context if context is None else context

    def _check_can_start(self, thread_id: str) -> None:
        if self._closing:
            raise _closed_error()
        if thread_id in self._running:
            raise ThreadBusyError(
                f"thread {thread_id!r} already has a run in flight",
                "wait for it to finish (or interrupt), then run or resume it again",
            )

    def _start(self, thread_id: str, work: Coroutine[Any, Any, Any]) -> asyncio.Task[Any]:
        try:
            self._check_can_start(thread_id)
        except GraphError:
            work.close()
            raise
        task = asyncio.create_task(work, name=f"ethos-graph:{thread_id}")
        self._running[thread_id] = task
        task.add_done_callback(lambda _: self._running.pop(thread_id, None))
        return task

    async def _track(self, thread_id: str, work: Coroutine[Any, Any, Any]) -> Any:
        task = self._start(thread_id, work)
        try:
            # Waiting on the task (not shielding it): a caller that is
            # cancelled cancels its run too.
            await asyncio.wait([task])
        except asyncio.CancelledError:
            task.cancel()
            raise
        return await self._outcome(task, thread_id)

    async def _outcome(self, task: asyncio.Task[Any], thread_id: str) -> Any:
        if task.cancelled() and self._closing:
            raise ServiceClosedError(
                f"the run on thread {thread_id!r} was cancelled because the service is "
                "shutting down; the thread keeps its last checkpoint",
                "run it again with the same thread id (and no input) to continue",
            )
        return task.result()  # the run's result, its error, or CancelledError


def new_thread_id() -> str:
    """A fresh thread id: 32 hex characters."""
    return uuid.uuid4().hex


def _closed_error() -> ServiceClosedError:
    return ServiceClosedError(
        "the graph service is shutting down and starts no new runs",
        "retry against a running instance; threads cut short keep their checkpoints",
    )
