"""A scripted three-turn agent sample shared by the transcript tests: an
agent with one tool, whose script looks up two cities' populations (two
tool calls), then answers with their sum. A test double (script/...)."""

from __future__ import annotations

import copy
import json
from typing import Any

from pydantic import BaseModel

from ethos.agents import Agent, AgentContext
from ethos.evals.task import Sample, Score, SolverContext, Task
from ethos.models.script import Script, ScriptAnswer, ScriptedToolCall, ScriptRequest

ANSWER = "990000 people in both"


class Trip(BaseModel):
    city: str


class Plan(BaseModel):
    advice: str


def population(city: str) -> int:
    """Look up a city's population."""
    return {"Oslo": 700_000, "Bergen": 290_000}[city]


def three_turns(seen: list[dict[str, Any]] | None = None) -> Script:
    """Turn 1 and 2 call the tool (Oslo, then Bergen); turn 3 answers.
    Records every request exactly as the model received it in ``seen``."""

    def respond(request: ScriptRequest) -> ScriptAnswer:
        if seen is not None:
            seen.append({"messages": copy.deepcopy(request.messages), "tools": request.tools})
        tool_turns = [m for m in request.messages if m.get("role") == "tool"]
        if len(tool_turns) < 2:
            city = ["Oslo", "Bergen"][len(tool_turns)]
            return ScriptAnswer("", tool_calls=(ScriptedToolCall("population", {"city": city}),))
        total = sum(int(m["content"]) for m in tool_turns)
        return ScriptAnswer(json.dumps({"advice": f"{total} people in both"}))

    return Script(respond)


def agent() -> Agent[Trip, Plan]:
    return Agent(
        "guide",
        instructions="You advise travellers to {city}.",
        role="guide",
        input_type=Trip,
        output_type=Plan,
        tools=[population],
    )


async def solve_with_agent(sample: Sample, ctx: SolverContext) -> Plan:
    return await agent().run(Trip(city=sample.input), AgentContext(model=ctx.model, seed=ctx.seed))


def exact(sample: Sample, output: Any, ctx: SolverContext) -> Score:
    ok = output.advice == sample.target
    return Score(value=ok, explanation=f"advice {output.advice!r}")


def trip_task(samples: int = 1, name: str = "transcripts-agent", ids: str = "trip-{i}") -> Task:
    return Task(
        name=name,
        samples=[Sample(id=ids.format(i=i), input="Oslo", target=ANSWER) for i in range(samples)],
        solver=solve_with_agent,
        scorers=[exact],
    )
