"""The CODA loop: a planner thinks, an executor acts, the application answers.

Three nodes on the graph runtime (:mod:`ethos.graphs.runtime`):

- ``plan``: the planner reads the goal, the steps so far and the
  observation, and writes a thought, or a final answer (``ANS``) that is
  applied directly and ends the episode without the executor;
- ``execute``: the executor turns the thought into one action; a reply that
  does not parse (or names an action outside the space) goes back to it with
  the error, up to ``retries`` tries, after which the step is recorded as
  failed and the planner goes on; an environment that raises is recorded on
  the step too, never a crash;
- ``finish``: the success check on the final state.

Every step (observation, thought, action, result, reward, error) is a
``coda_step`` event of the sample's transcript (:func:`ethos.recording.record_event`),
committed before the episode goes on, and is kept in the graph's state,
whose checkpoint is written after every node: a run killed mid-episode
resumes at its last finished node, and the environment (never
checkpointed itself) is rebuilt by replaying the recorded actions, the
applications being deterministic.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any, TypedDict

from ethos.agents.coda.environment import (
    ANSWER,
    ActionError,
    CodaError,
    Environment,
    EnvTask,
    make_environment,
    replay,
)
from ethos.agents.coda.roles import (
    executor_messages,
    planner_messages,
    read_planner,
    retry_message,
)
from ethos.recording import current_scope, record_event

EXECUTOR_TRIES = 3
MAX_ERROR_CHARS = 500

Complete = Callable[[list[dict[str, str]]], Awaitable[str]]


class CodaState(TypedDict, total=False):
    app: str
    task_id: str
    steps: list[dict[str, Any]]
    thought: str | None
    observation: str
    done: bool
    stop: str | None
    success: bool | None


@dataclass
class CodaContext:
    """One episode's models and limits. ``planner`` and ``executor`` are
    async functions of the messages that return the reply's text; the
    episode's environment is built here on first use (and rebuilt from the
    recorded actions after a restart), so give every run its own context."""

    task: EnvTask
    planner: Complete
    executor: Complete
    max_steps: int | None = None
    tries: int = EXECUTOR_TRIES
    environment: Callable[[str], Environment] = make_environment
    _env: Environment | None = field(default=None, repr=False)

    @property
    def step_limit(self) -> int:
        return self.max_steps or self.task.max_steps

    async def env(self, state: CodaState) -> Environment:
        if self._env is None:
            env = self.environment(self.task.app)
            await replay(env, self.task, replayable(state.get("steps", [])))
            self._env = env
        return self._env

    async def close(self) -> None:
        if self._env is not None:
            await self._env.close()
            self._env = None


def replayable(steps: list[dict[str, Any]]) -> list[str]:
    """The actions that reached the environment, in order (not the failed
    parses, nor the steps where the environment itself raised)."""
    return [s["action"] for s in steps if s.get("action") and not s.get("raised")]


def start_state(task: EnvTask) -> CodaState:
    return {"app": task.app, "task_id": task.id, "steps": [], "done": False, "stop": None}


def _ctx(runtime: Any) -> CodaContext:
    ctx = runtime.context
    if not isinstance(ctx, CodaContext):
        raise CodaError(
            "the CODA graph was run without its context",
            "pass context=CodaContext(task, planner, executor) to the run",
        )
    return ctx


def _clip(text: str) -> str:
    return text if len(text) <= MAX_ERROR_CHARS else text[: MAX_ERROR_CHARS - 1] + "…"


async def plan(state: CodaState, runtime: Any) -> dict[str, Any]:
    """The planner's turn: a thought for the executor, or the final answer."""
    ctx = _ctx(runtime)
    steps = list(state.get("steps", []))
    if len(steps) >= ctx.step_limit:
        return {"done": True, "stop": "step limit"}
    env = await ctx.env(state)
    observation = await env.observe()
    reply = read_planner(await ctx.planner(planner_messages(ctx.task, observation, steps)))
    if reply.answer is None:
        return {"thought": reply.thought, "observation": observation}
    action = env.action_space.action(ANSWER, text=reply.answer)
    step = await _apply(env, action, _new_step(steps, observation, None))
    step["answer"] = reply.answer
    await _record_step(step)
    return {"steps": [*steps, step], "thought": None, "done": True, "stop": "answer"}


async def execute(state: CodaState, runtime: Any) -> dict[str, Any]:
    """The executor's turn: one action for the thought, retried while it
    does not parse; then the environment's step."""
    ctx = _ctx(runtime)
    env = await ctx.env(state)
    steps = list(state.get("steps", []))
    observation = state.get("observation") or await env.observe()
    thought = state.get("thought") or ""
    step = _new_step(steps, observation, thought)
    messages = executor_messages(env.action_space, observation, thought)
    failures: list[dict[str, str]] = []
    action = None
    for _ in range(ctx.tries):
        reply = await ctx.executor(messages)
        try:
            action = env.action_space.parse(reply)
            break
        except ActionError as exc:
            failures.append({"reply": _clip(reply), "error": str(exc)})
            messages = [*messages, {"role": "assistant", "content": reply}, retry_message(str(exc))]
    step["failed_tries"] = failures
    if action is None:
        step["error"] = (
            f"the executor wrote no valid action in {ctx.tries} tries: {failures[-1]['error']}"
        )
    else:
        step = await _apply(env, action, step)
    await _record_step(step)
    done = bool(step.get("done"))
    return {
        "steps": [*steps, step],
        "thought": None,
        "done": done,
        "stop": "done" if done else None,
    }


async def finish(state: CodaState, runtime: Any) -> dict[str, Any]:
    """The success check on the final state."""
    ctx = _ctx(runtime)
    env = await ctx.env(state)
    success = bool(await env.success())
    steps = state.get("steps", [])
    record_event(
        "coda_episode",
        app=ctx.task.app,
        task=ctx.task.id,
        success=success,
        steps=len(steps),
        failed_steps=sum(1 for s in steps if s.get("error")),
        stop=state.get("stop") or "done",
    )
    return {"success": success}


async def _record_step(step: dict[str, Any]) -> None:
    """A ``coda_step`` event, committed before the episode goes on (the
    group commit model calls use: a few milliseconds), so a step the
    checkpoint holds is in the transcript too, whenever the process dies."""
    record_event("coda_step", **step)
    scope = current_scope()
    if scope is None or not scope.transcripts:
        return
    if scope.writer is not None:
        await scope.writer.committed()
    else:
        await scope.written()


def _new_step(steps: list[dict[str, Any]], observation: str, thought: str | None) -> dict[str, Any]:
    return {
        "index": len(steps) + 1,
        "observation": observation,
        "thought": thought,
        "action": None,
        "action_type": None,
        "result": None,
        "reward": 0.0,
        "done": False,
        "error": None,
    }


async def _apply(env: Environment, action: Any, step: dict[str, Any]) -> dict[str, Any]:
    step = {**step, "action": action.text, "action_type": action.type}
    try:
        result = await env.step(action)
    except Exception as exc:  # the application itself broke: the step records it
        step.update(error=_clip(f"the environment raised {type(exc).__name__}: {exc}"), raised=True)
        return step
    step.update(
        result=result.observation, reward=result.reward, done=result.done, error=result.error
    )
    return step


def _after_plan(state: CodaState) -> str:
    return "finish" if state.get("done") else "execute"


def _after_execute(state: CodaState) -> str:
    return "finish" if state.get("done") else "plan"


def build_graph() -> Any:
    """The CODA StateGraph (compile it with ``GraphRuntime.compile``)."""
    from langgraph.graph import END, START, StateGraph

    builder = StateGraph(CodaState, context_schema=CodaContext)
    builder.add_node("plan", plan)
    builder.add_node("execute", execute)
    builder.add_node("finish", finish)
    builder.add_edge(START, "plan")
    builder.add_conditional_edges("plan", _after_plan, ["execute", "finish"])
    builder.add_conditional_edges("execute", _after_execute, ["plan", "finish"])
    builder.add_edge("finish", END)
    return builder


async def run_episode(runtime: Any, ctx: CodaContext, *, thread_id: str) -> CodaState:
    """Run (or continue, after a crash) one episode on ``thread_id`` and
    return its final state. A finished thread is returned as it stands."""
    from ethos.graphs.runtime import ThreadNotFoundError

    graph = runtime.compile(build_graph(), name="coda", recursion_limit=2 * ctx.step_limit + 10)
    try:
        state = await runtime.state(graph, thread_id)
    except ThreadNotFoundError:
        state = None
    if state is not None and state.finished:
        return state.values
    try:
        outcome = await runtime.run(graph, start_state(ctx.task), thread_id=thread_id, context=ctx)
    finally:
        await ctx.close()
    return outcome.output
