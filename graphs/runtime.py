"""The graph runtime: LangGraph graphs with the store's checkpointer, run by
thread id, resumable, interruptible, streamed as typed events.

One :class:`GraphRuntime` is opened per process (a service opens it at
start-up) and shared by every concurrent run. Its checkpointer lives in the
same database as the store: async SQLite by default, async PostgreSQL when
the store URL is PostgreSQL, so a run killed mid-graph resumes from the
last completed step after a restart.

    async with await GraphRuntime.open() as runtime:
        graph = runtime.compile(builder)
        outcome = await runtime.run(graph, {"question": "..."}, thread_id="q1")
        if outcome.interrupts:
            outcome = await runtime.resume(graph, "q1", "yes, adults means 18+")

What a thread's next ``run`` does depends on where the thread stands: a new
or finished thread starts with the input; an unfinished one (the process
died, the run timed out or was cancelled) continues from its checkpoint and
ignores the input; one that waits on an interrupt must be answered with
``resume``.
"""

from __future__ import annotations

import asyncio
import contextlib
import weakref
from collections.abc import AsyncIterator, Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Self

from pydantic import BaseModel, ConfigDict, Field

from ethos.errors import EthosError
from ethos.graphs.events import (
    Custom,
    Finished,
    GraphEvent,
    Interrupted,
    ModelToken,
    NodeFinished,
    NodeStarted,
    Resumed,
    ToolCalled,
)

if TYPE_CHECKING:
    from langgraph.checkpoint.base import BaseCheckpointSaver
    from langgraph.graph import StateGraph
    from langgraph.graph.state import CompiledStateGraph

    from ethos.db.store import Store
    from ethos.settings import Settings

DEFAULT_STEPS_PER_NODE = 3
MIN_RECURSION_LIMIT = 25
PG_POOL_MAX_SIZE = 16  # checkpoint connections per runtime (one runtime per process)


class GraphError(EthosError):
    """A graph cannot be built or run as asked."""


class GraphDefinitionError(GraphError):
    """The graph's nodes or edges are inconsistent (an unknown node, no entry)."""


class ThreadNotFoundError(GraphError, LookupError):
    """No checkpoint exists for the thread id."""


class ThreadBusyError(GraphError):
    """A run on the thread is already in flight in this process."""


class GraphLimitError(GraphError):
    """A run hit its step limit (LangGraph's recursion limit) or its timeout."""


class InterruptInfo(BaseModel):
    model_config = ConfigDict(frozen=True)

    id: str
    value: Any = None


class RunOutcome(BaseModel):
    """Where a thread stands after a call: finished with ``output`` (the
    graph's state), or paused on ``interrupts`` waiting for an answer."""

    model_config = ConfigDict(frozen=True)

    thread_id: str
    output: Any = None
    interrupts: list[InterruptInfo] = Field(default_factory=list)
    resumed: bool = False

    @property
    def finished(self) -> bool:
        return not self.interrupts


class ThreadState(BaseModel):
    model_config = ConfigDict(frozen=True)

    thread_id: str
    values: Any = None
    next_nodes: list[str] = Field(default_factory=list)
    interrupts: list[InterruptInfo] = Field(default_factory=list)
    steps: int = 0

    @property
    def finished(self) -> bool:
        return not self.next_nodes and not self.interrupts


@dataclass
class GraphRuntime:
    """Compiles graphs with the database's checkpointer and runs them."""

    store: Store
    checkpointer: BaseCheckpointSaver
    _exit: contextlib.AsyncExitStack = field(repr=False)
    _limits: weakref.WeakKeyDictionary[Any, int] = field(
        default_factory=weakref.WeakKeyDictionary, repr=False
    )
    _active: set[str] = field(default_factory=set, repr=False)  # threads with a run in flight

    # -- opening and closing --------------------------------------------------

    @classmethod
    async def open(
        cls,
        *,
        store: Store | None = None,
        settings: Settings | None = None,
        database_url: str | None = None,
    ) -> Self:
        """Open the runtime on ``store`` (borrowed: closing the runtime leaves
        it open) or on a store it opens from ``database_url`` / settings."""
        from ethos.db.store import Store

        stack = contextlib.AsyncExitStack()
        try:
            if store is None:
                store = await Store.open(database_url, settings=settings)
                stack.push_async_callback(store.close)
            saver = await _open_checkpointer(store, stack)
        except BaseException:
            await stack.aclose()
            raise
        return cls(store, saver, stack)

    async def close(self) -> None:
        """Close the checkpointer (and the store when the runtime opened it).
        Runs still in flight should be cancelled first."""
        await self._exit.aclose()

    async def __aenter__(self) -> Self:
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.close()

    # -- building -------------------------------------------------------------

    def compile(
        self, builder: StateGraph, *, name: str | None = None, recursion_limit: int | None = None
    ) -> CompiledStateGraph:
        """Compile ``builder`` with this runtime's checkpointer. An edge to a
        node that does not exist (or no entry point) is refused here, with
        the node's name, not at the first run."""
        try:
            graph = builder.compile(checkpointer=self.checkpointer, name=name or "graph")
        except ValueError as exc:
            raise GraphDefinitionError(
                f"graph {name or 'graph'!r} is not well formed: {exc}",
                f"add the missing node or fix the edge; nodes: {', '.join(sorted(builder.nodes))}",
            ) from None
        nodes = len(builder.nodes)
        self._limits[graph] = recursion_limit or max(
            MIN_RECURSION_LIMIT, DEFAULT_STEPS_PER_NODE * nodes
        )
        return graph

    def recursion_limit(self, graph: CompiledStateGraph) -> int:
        """The step limit a run of ``graph`` gets unless the call sets one."""
        return self._limits.get(graph, MIN_RECURSION_LIMIT)

    # -- running --------------------------------------------------------------

    async def run(
        self,
        graph: CompiledStateGraph,
        input: Any = None,
        *,
        thread_id: str,
        context: Any = None,
        timeout: float | None = None,  # noqa: ASYNC109 (a whole-run budget, not per call)
        recursion_limit: int | None = None,
    ) -> RunOutcome:
        """Run ``graph`` on thread ``thread_id`` to its end or its next
        interrupt (see the module docstring for unfinished threads)."""
        return await _collect(
            self.stream(
                graph,
                input,
                thread_id=thread_id,
                context=context,
                timeout=timeout,
                recursion_limit=recursion_limit,
            ),
            thread_id,
        )

    async def resume(
        self,
        graph: CompiledStateGraph,
        thread_id: str,
        answer: Any,
        *,
        context: Any = None,
        timeout: float | None = None,  # noqa: ASYNC109
        recursion_limit: int | None = None,
    ) -> RunOutcome:
        """Answer the interrupt ``thread_id`` waits on and run on."""
        return await _collect(
            self.stream(
                graph,
                thread_id=thread_id,
                answer=answer,
                context=context,
                timeout=timeout,
                recursion_limit=recursion_limit,
            ),
            thread_id,
        )

    async def stream(
        self,
        graph: CompiledStateGraph,
        input: Any = None,
        *,
        thread_id: str,
        answer: Any = ...,
        context: Any = None,
        timeout: float | None = None,  # noqa: ASYNC109
        recursion_limit: int | None = None,
    ) -> AsyncIterator[GraphEvent]:
        """Run like :meth:`run` (or :meth:`resume` when ``answer`` is given)
        and yield what happens as typed events, ending with ``Finished`` or
        ``Interrupted``. Cancelling the consumer cancels the run; the thread
        keeps its last checkpoint and can be continued later. A second run
        on a thread that has one in flight is refused (two runs would feed
        one thread two inputs, and each caller would get the other's state)."""
        if thread_id in self._active:
            raise ThreadBusyError(
                f"thread {thread_id!r} already has a run in flight",
                "wait for it to finish (or interrupt), then run or resume it again",
            )
        self._active.add(thread_id)
        try:
            async for event in self._stream(
                graph,
                input,
                thread_id=thread_id,
                answer=answer,
                context=context,
                timeout=timeout,
                recursion_limit=recursion_limit,
            ):
                yield event
        except BaseException:  # cancelled, timed out, or failed mid-write
            await self._commit_cut_write()
            raise
        finally:
            self._active.discard(thread_id)

    async def _commit_cut_write(self) -> None:
        """End the transaction a cut-short run may have left open on the
        shared SQLite connection. The saver awaits its INSERT in aiosqlite's
        thread, then commits; a run cancelled (shutdown, a client gone, a
        timeout) between the two leaves the INSERT done and uncommitted, so
        the database's write lock stays held and the store's own engine, or
        another process on the file, waits and fails with "database is
        locked". The commit queues behind the INSERT (one thread, in order)
        and keeps that checkpoint, which is whole: one statement."""
        conn = getattr(self.checkpointer, "conn", None)
        lock = getattr(self.checkpointer, "lock", None)
        if self.store.backend != "sqlite" or conn is None or lock is None:
            return
        with contextlib.suppress(Exception):
            async with lock:
                await conn.commit()

    async def _stream(
        self,
        graph: CompiledStateGraph,
        input: Any,
        *,
        thread_id: str,
        answer: Any,
        context: Any,
        timeout: float | None,  # noqa: ASYNC109
        recursion_limit: int | None,
    ) -> AsyncIterator[GraphEvent]:
        from langgraph.errors import GraphRecursionError
        from langgraph.types import Command

        limit = recursion_limit or self.recursion_limit(graph)
        config = {"configurable": {"thread_id": thread_id}, "recursion_limit": limit}
        state = await self._state_or_none(graph, thread_id)
        if answer is not ...:
            if state is None:
                raise _no_thread(thread_id)
            if not state.interrupts:
                raise GraphError(
                    f"thread {thread_id!r} is not waiting for an answer",
                    "call run() to start or continue it",
                )
            graph_input: Any = Command(resume=answer)
        elif state is not None and state.interrupts:
            raise GraphError(
                f"thread {thread_id!r} waits for an answer to an interrupt "
                f"({_brief(state.interrupts[0].value)})",
                "answer it with resume(graph, thread_id, answer)",
            )
        elif state is not None and state.next_nodes:
            yield Resumed(thread_id=thread_id, next_nodes=state.next_nodes)
            graph_input = None
        else:
            if input is None:
                raise GraphError(
                    f"thread {thread_id!r} has nothing to continue and no input was given",
                    "pass the graph's input",
                )
            graph_input = input
        try:
            async with asyncio.timeout(timeout):
                async for part in graph.astream(
                    graph_input,
                    config,
                    context=context,
                    stream_mode=["tasks", "custom", "updates"],
                    durability="sync",
                    version="v2",
                ):
                    for event in _translate(part, thread_id):
                        yield event
        except GraphRecursionError:
            raise GraphLimitError(
                f"thread {thread_id!r} stopped after {limit} steps (the graph's recursion "
                "limit) without reaching its end",
                f"raise it with recursion_limit= (now {limit}) on run() or compile(), "
                "or look for a loop that never exits",
            ) from None
        except TimeoutError:
            raise GraphLimitError(
                f"thread {thread_id!r} ran past its {timeout} s timeout; its last "
                "checkpoint is kept",
                "run it again with the same thread id to continue, or raise timeout=",
            ) from None
        final = await self.state(graph, thread_id)
        if final.interrupts:
            for item in final.interrupts:
                yield Interrupted(thread_id=thread_id, interrupt_id=item.id, value=item.value)
        else:
            yield Finished(thread_id=thread_id, output=final.values)

    # -- inspecting -----------------------------------------------------------

    async def state(self, graph: CompiledStateGraph, thread_id: str) -> ThreadState:
        """Where ``thread_id`` stands, or ThreadNotFoundError."""
        state = await self._state_or_none(graph, thread_id)
        if state is None:
            raise _no_thread(thread_id)
        return state

    async def _state_or_none(self, graph: CompiledStateGraph, thread_id: str) -> ThreadState | None:
        snapshot = await graph.aget_state({"configurable": {"thread_id": thread_id}})
        if snapshot.created_at is None and not snapshot.values and not snapshot.next:
            return None
        interrupts = [
            InterruptInfo(id=i.id, value=i.value)
            for task in snapshot.tasks
            for i in task.interrupts
        ]
        step = (snapshot.metadata or {}).get("step", 0)
        return ThreadState(
            thread_id=thread_id,
            values=snapshot.values,
            next_nodes=list(snapshot.next),
            interrupts=interrupts,
            steps=int(step or 0),
        )


# -- helpers -------------------------------------------------------------------


def _no_thread(thread_id: str) -> ThreadNotFoundError:
    return ThreadNotFoundError(
        f"no graph thread {thread_id!r} in this database",
        "check the id (and --db); start a new thread with run()",
    )


def _brief(value: Any, limit: int = 80) -> str:
    text = str(value)
    return text if len(text) <= limit else text[: limit - 1] + "…"


async def _collect(events: AsyncIterator[GraphEvent], thread_id: str) -> RunOutcome:
    interrupts: list[InterruptInfo] = []
    output: Any = None
    resumed = False
    async for event in events:
        if isinstance(event, Interrupted):
            interrupts.append(InterruptInfo(id=event.interrupt_id, value=event.value))
        elif isinstance(event, Finished):
            output = event.output
        elif isinstance(event, Resumed):
            resumed = True
    return RunOutcome(thread_id=thread_id, output=output, interrupts=interrupts, resumed=resumed)


_OUR_EVENTS: Mapping[str, type[Any]] = {"token": ModelToken, "tool_call": ToolCalled}


def _translate(part: Mapping[str, Any], thread_id: str) -> list[GraphEvent]:
    kind, data = part["type"], part["data"]
    if kind == "tasks":
        if "result" in data or "error" in data:
            error = data.get("error")
            return [
                NodeFinished(
                    thread_id=thread_id,
                    node=data["name"],
                    task_id=data["id"],
                    update=_jsonable(data.get("result")),
                    error=None if error is None else f"{type(error).__name__}: {error}",
                )
            ]
        return [NodeStarted(thread_id=thread_id, node=data["name"], task_id=data["id"])]
    if kind == "custom":
        if isinstance(data, Mapping) and data.get("ethos") in _OUR_EVENTS:
            fields = {k: v for k, v in data.items() if k != "ethos"}
            return [_OUR_EVENTS[data["ethos"]](thread_id=thread_id, **fields)]
        return [Custom(thread_id=thread_id, data=_jsonable(data))]
    return []  # "updates" only makes LangGraph surface interrupts; state() reads them


def _jsonable(value: Any) -> Any:
    """Node results as plain data (pydantic models dumped), so events can be
    serialised for a client."""
    if isinstance(value, BaseModel):
        return value.model_dump(mode="json")
    if isinstance(value, Mapping):
        return {str(k): _jsonable(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_jsonable(v) for v in value]
    return value


async def _open_checkpointer(store: Store, stack: contextlib.AsyncExitStack) -> Any:
    """The LangGraph saver that writes to the store's own database."""
    url = store.engine.url
    if store.backend == "sqlite":
        import aiosqlite
        from langgraph.checkpoint.sqlite.aio import AsyncSqliteSaver

        path = url.database or ":memory:"
        conn = await aiosqlite.connect(path)
        stack.push_async_callback(conn.close)
        # The store's engine writes to the same file: wait for its lock, never fail.
        await conn.execute("PRAGMA busy_timeout = 30000")
        if path != ":memory:":
            # As the store's engine: WAL with NORMAL sync survives a killed
            # process (what "continue after a crash" promises) without an
            # fsync per checkpoint; only a power cut can lose the last steps.
            await conn.execute("PRAGMA journal_mode = WAL")
            await conn.execute("PRAGMA synchronous = NORMAL")
        saver = AsyncSqliteSaver(conn)
        await saver.setup()
        return saver
    from langgraph.checkpoint.postgres.aio import AsyncPostgresSaver
    from psycopg.rows import dict_row
    from psycopg_pool import AsyncConnectionPool

    conninfo = url.set(drivername="postgresql").render_as_string(hide_password=False)
    pool = AsyncConnectionPool(
        conninfo,
        min_size=1,
        max_size=PG_POOL_MAX_SIZE,
        open=False,
        kwargs={"autocommit": True, "prepare_threshold": 0, "row_factory": dict_row},
    )
    await pool.open()
    stack.push_async_callback(pool.close)
    # Many processes may open a fresh database at once: set up under a lock,
    # on the connection that holds it (a second one from the pool would wait
    # on a server out of connections while every other opener waits on us).
    async with pool.connection() as conn:
        if not await _pg_checkpointer_current(conn, len(AsyncPostgresSaver.MIGRATIONS)):
            await _pg_setup_lock(conn)
            try:
                await AsyncPostgresSaver(conn).setup()
            finally:
                await conn.execute("SELECT pg_advisory_unlock(%s)", (_PG_SETUP_LOCK,))
    return AsyncPostgresSaver(pool)


async def _pg_checkpointer_current(conn: Any, migrations: int) -> bool:
    """Whether the checkpointer's tables are set up to the last migration
    already (the usual case: every worker after the first skips the lock)."""
    import psycopg

    try:
        cur = await conn.execute("SELECT max(v) AS v FROM checkpoint_migrations")
        row = await cur.fetchone()
    except psycopg.errors.UndefinedTable:
        return False
    return row is not None and row["v"] is not None and row["v"] >= migrations - 1


async def _pg_setup_lock(conn: Any) -> None:
    """Take the setup lock by polling, never by waiting inside a statement:
    LangGraph's setup runs CREATE INDEX CONCURRENTLY, which waits for every
    transaction in the database to end, and an opener blocked in
    ``pg_advisory_lock`` is a transaction that ends only when the holder
    unlocks (a deadlock PostgreSQL breaks by failing one of them). Between
    polls a waiter holds no transaction (the connection is autocommit)."""
    delay = 0.02
    while True:
        cur = await conn.execute("SELECT pg_try_advisory_lock(%s) AS got", (_PG_SETUP_LOCK,))
        row = await cur.fetchone()
        if row is not None and row["got"]:
            return
        await asyncio.sleep(delay)
        delay = min(delay * 2, 0.25)


_PG_SETUP_LOCK = 0x657468_6F7367  # "ethosg"
