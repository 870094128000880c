"""What the planner and the executor are asked, and how their replies are read.

As in CODA's released inference code (research notes, section 5): the
planner answers ``Thought: ...`` with what to do next in words, or
``ANS <answer>`` with a final answer, which skips the executor; the executor
gets the planner's thought and the application's exact action syntax and
writes one action. Prompts here are this project's own words.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Any

from pydantic import BaseModel, ConfigDict

from ethos.agents.coda.environment import ActionSpace, EnvTask

PLANNER_SYSTEM = """You plan the next step of a task in the {app} application.
You do not act yourself: an executor turns your instruction into one command.
Reply with one line:
Thought: <what to do next, in words, naming the objects and values to use>
or, when the task asks a question and you know the answer:
ANS <the answer>"""

EXECUTOR_SYSTEM = """You operate the {app} application. Turn the instruction into exactly one
command in the application's syntax, and reply with that command alone.
Commands:
{syntax}"""


class PlannerReply(BaseModel):
    """The planner's turn: a thought for the executor, or a final answer."""

    model_config = ConfigDict(frozen=True)

    thought: str | None = None
    answer: str | None = None


def read_planner(text: str) -> PlannerReply:
    """``ANS x`` (or ``Answer: x``) is a final answer; otherwise the text
    after ``Thought:`` (or the whole reply) is the thought."""
    body = str(text).strip()
    final = re.match(r"(?is)^\s*(?:ANS\b|answer\s*:)\s*:?\s*(.+)$", body)
    if final:
        return PlannerReply(answer=" ".join(final.group(1).split()))
    thought = re.search(r"(?is)thought\s*:\s*(.+)", body)
    text_out = (thought.group(1) if thought else body).strip()
    return PlannerReply(thought=" ".join(text_out.split()) or "(no thought)")


def history_lines(steps: Sequence[dict[str, Any]]) -> str:
    """The episode so far as the planner reads it."""
    if not steps:
        return "(no steps yet)"
    lines = []
    for s in steps:
        outcome = f"error: {s['error']}" if s.get("error") else "ok"
        lines.append(
            f"{s['index']}. {s.get('thought') or ''} -> {s.get('action') or '-'} ({outcome})"
        )
    return "\n".join(lines)


def planner_messages(
    task: EnvTask, observation: str, steps: Sequence[dict[str, Any]]
) -> list[dict[str, str]]:
    done = sum(1 for s in steps if s.get("action") and not s.get("error"))
    return [
        {"role": "system", "content": PLANNER_SYSTEM.format(app=task.app)},
        {
            "role": "user",
            "content": f"Task {task.app}/{task.id}: {task.goal}\n\n"
            f"Steps so far:\n{history_lines(steps)}\n"
            f"Completed actions: {done}\n\n{observation}\n\nWhat is the next step?",
        },
    ]


def executor_messages(space: ActionSpace, observation: str, thought: str) -> list[dict[str, str]]:
    return [
        {
            "role": "system",
            "content": EXECUTOR_SYSTEM.format(app=space.app, syntax=space.describe()),
        },
        {"role": "user", "content": f"{observation}\n\nInstruction: {thought}\n\nCommand:"},
    ]


def retry_message(error: str) -> dict[str, str]:
    """What the executor is told after a reply that was not an action."""
    return {
        "role": "user",
        "content": f"That is not a valid command: {error}\nReply with one command in the exact "
        "syntax, nothing else.",
    }
