"""Decoupled GRPO data: groups of planner thoughts, rewarded through the frozen executor.

CODA's stage 1 (research notes, section 5) trains only the planner: for one
step of a task, the planner samples a group of G thoughts; the frozen
executor turns each into an action; each action is rewarded against the
labelled action of that step, ``1[type(a) = type(a_ref)] + r_dist(a, a_ref)``
(:func:`ethos.agents.coda.environment.action_reward`), or, where the step
has no labelled action, by whether the application's success check passes
after it (:func:`success_reward`); the rewards become group-normalised
advantages (:func:`group_advantages`). Stage 2 pools the successful
trajectories of every application as supervised data for one planner.

Both are written as JSONL, one record a line, validated by the pydantic
models here (:class:`Stage1Record`, :class:`Stage2Record`); docs/coda.md
documents the fields.
"""

from __future__ import annotations

import json
import math
from collections.abc import Awaitable, Callable, Iterable, Sequence
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from ethos.agents.coda.environment import (
    ANSWER,
    Action,
    ActionError,
    CodaError,
    Environment,
    EnvTask,
    action_reward,
    make_environment,
    replay,
)
from ethos.agents.coda.roles import executor_messages, planner_messages, read_planner, retry_message

STAGE1 = "ethos.coda.stage1/1"
STAGE2 = "ethos.coda.stage2/1"
ADVANTAGE_EPS = 1e-6
EXECUTOR_TRIES = 3

Complete = Callable[[list[dict[str, str]]], Awaitable[str]]


class Message(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")

    role: Literal["system", "user", "assistant"]
    content: str


class Stage1Record(BaseModel):
    """One planner sample of a group (stage 1, per application)."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    schema_: Literal["ethos.coda.stage1/1"] = Field(STAGE1, alias="schema")
    app: str
    task_id: str
    step: int = Field(ge=0, description="reference actions already applied before this step")
    group: str = Field(description="app/task/step: the records that share a baseline")
    sample: int = Field(ge=0, description="the sample's index in its group")
    prompt: list[Message] = Field(min_length=1)
    completion: str = Field(description="the planner's reply, as sampled")
    thought: str | None
    action: str | None = Field(
        description="what the frozen executor made of it (None: nothing valid)"
    )
    action_type: str | None
    reference_action: str | None
    reward_kind: Literal["reference", "success"]
    reward: float
    advantage: float


class Stage2Record(BaseModel):
    """One planner turn of a successful trajectory (stage 2, all applications pooled)."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    schema_: Literal["ethos.coda.stage2/1"] = Field(STAGE2, alias="schema")
    app: str
    task_id: str
    trajectory: str = Field(description="where it came from: run/sample/epoch/arm")
    step: int = Field(ge=1)
    messages: list[Message] = Field(
        min_length=3, description="the planner's prompt, then its reply"
    )


def group_advantages(rewards: Sequence[float]) -> list[float]:
    """GRPO's group-normalised advantages: ``(r_i - mean) / std`` over the
    group, with the population standard deviation (ddof 0, as DeepSeekMath
    writes it); a group whose rewards are all equal teaches nothing and gets
    zeros."""
    if not rewards:
        return []
    mean = sum(rewards) / len(rewards)
    std = math.sqrt(sum((r - mean) ** 2 for r in rewards) / len(rewards))
    if std < ADVANTAGE_EPS:
        return [0.0 for _ in rewards]
    return [(r - mean) / std for r in rewards]


async def ground(
    executor: Complete,
    env: Environment,
    observation: str,
    thought: str,
    tries: int = EXECUTOR_TRIES,
) -> Action | None:
    """The frozen executor's action for ``thought``, or None after ``tries``
    replies that were not actions."""
    messages = executor_messages(env.action_space, observation, thought)
    for _ in range(tries):
        reply = await executor(messages)
        try:
            return env.action_space.parse(reply)
        except ActionError as exc:
            messages = [*messages, {"role": "assistant", "content": reply}, retry_message(str(exc))]
    return None


async def success_reward(task: EnvTask, done: Sequence[str], action: Action | None) -> float:
    """The reward where a step has no labelled action: 1.0 when the task's
    success check passes after ``done`` and then ``action``, else 0.0."""
    if action is None:
        return 0.0
    env = make_environment(task.app)
    try:
        await replay(env, task, done)
        await env.step(action)
        return 1.0 if await env.success() else 0.0
    finally:
        await env.close()


async def planner_action(
    reply: str, executor: Complete, env: Environment, observation: str
) -> tuple[str | None, Action | None]:
    """(thought, action) of one planner reply: an ``ANS`` becomes the answer
    action directly; a thought is grounded by the executor."""
    parsed = read_planner(reply)
    if parsed.answer is not None:
        return None, env.action_space.action(ANSWER, text=parsed.answer)
    thought = parsed.thought or ""
    return thought, await ground(executor, env, observation, thought)


def reference_history(task: EnvTask, k: int) -> list[dict[str, Any]]:
    """The first ``k`` reference actions as the planner's prompt shows steps."""
    return [
        {"index": i + 1, "thought": None, "action": a, "error": None}
        for i, a in enumerate(task.reference[:k])
    ]


async def step_prompt(task: EnvTask, k: int) -> tuple[list[dict[str, str]], str, Environment]:
    """The planner's prompt at step ``k`` of the reference trajectory, the
    observation, and the environment standing there (close it after use)."""
    env = make_environment(task.app)
    observation = await replay(env, task, task.reference[:k])
    return planner_messages(task, observation, reference_history(task, k)), observation, env


async def collect_group(
    task: EnvTask,
    k: int,
    completions: Sequence[str],
    executor: Complete,
    *,
    use_reference: bool = True,
) -> list[Stage1Record]:
    """Reward a group of planner replies at step ``k`` of ``task`` (see the
    module docstring) and compute their advantages."""
    if not 0 <= k < len(task.reference):
        raise CodaError(f"task {task.id} has no step {k} (it has {len(task.reference)})")
    prompt, observation, env = await step_prompt(task, k)
    try:
        reference_text = task.reference[k] if use_reference else None
        reference = None
        if reference_text is not None:
            if reference_text.startswith(f"{ANSWER} "):
                reference = env.action_space.action(ANSWER, text=reference_text[7:])
            else:
                reference = env.action_space.parse(reference_text)
        rows: list[tuple[str, str | None, Action | None, float]] = []
        for completion in completions:
            thought, action = await planner_action(completion, executor, env, observation)
            if reference is not None:
                reward = action_reward(action, reference)
            else:
                reward = await success_reward(task, task.reference[:k], action)
            rows.append((completion, thought, action, reward))
    finally:
        await env.close()
    advantages = group_advantages([r[3] for r in rows])
    return [
        Stage1Record(
            app=task.app,
            task_id=task.id,
            step=k,
            group=f"{task.app}/{task.id}/{k}",
            sample=i,
            prompt=[Message(**m) for m in prompt],
            completion=completion,
            thought=thought,
            action=action.text if action else None,
            action_type=action.type if action else None,
            reference_action=reference.text if reference else None,
            reward_kind="reference" if reference is not None else "success",
            reward=reward,
            advantage=adv,
        )
        for i, ((completion, thought, action, reward), adv) in enumerate(
            zip(rows, advantages, strict=True)
        )
    ]


def stage2_records(
    app: str, task_id: str, trajectory: str, steps: Sequence[dict[str, Any]], goal_task: EnvTask
) -> list[Stage2Record]:
    """A successful trajectory's planner turns as chat examples: each turn's
    prompt as the planner saw it, then what it said."""
    out = []
    for i, step in enumerate(steps):
        prompt = planner_messages(goal_task, step["observation"], steps[:i])
        said = f"ANS {step['answer']}" if step.get("answer") else f"Thought: {step['thought']}"
        messages = [*prompt, {"role": "assistant", "content": said}]
        out.append(
            Stage2Record(
                app=app,
                task_id=task_id,
                trajectory=trajectory,
                step=step["index"],
                messages=[Message(**m) for m in messages],
            )
        )
    return out


def write_jsonl(path: Path, records: Iterable[BaseModel]) -> int:
    """Write records one a line (by alias: the ``schema`` field); returns the count."""
    path.parent.mkdir(parents=True, exist_ok=True)
    n = 0
    with path.open("w", encoding="utf-8") as f:
        for record in records:
            f.write(json.dumps(record.model_dump(mode="json", by_alias=True)) + "\n")
            n += 1
    return n


def read_jsonl(path: Path, model: type[BaseModel]) -> list[Any]:
    """Read and validate a JSONL file of ``model`` records; a bad line is a
    CodaError naming the file and line."""
    from pydantic import ValidationError

    out = []
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        if not line.strip():
            continue
        try:
            out.append(model.model_validate_json(line))
        except ValidationError as exc:
            first = exc.errors()[0]
            where = ".".join(str(p) for p in first["loc"])
            raise CodaError(
                f"{path}:{number} is not a {model.__name__} ({where}: {first['msg']})",
                "write it with `ethos coda collect` / `ethos coda export`",
            ) from None
    return out
