"""Model arguments are scoped per model: an arm's ``-M`` arguments and
interventions reach the arm's model only; a role played by another model
(a grader, an agent's role) is called with its own ``[models."..."]``
arguments from ethos.toml. Shown at two loopback servers that record what
they receive."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from ethos.agents import Agent, AgentContext
from ethos.db.store import Store
from ethos.errors import ConfigError
from ethos.evals.run import EvalConfig, run_eval
from ethos.evals.task import Arm, Sample, Score, SolverContext, Task
from tests.support.openai_server import FakeOpenAI

ARM_MODEL = "hosted_vllm/arm-model"
GRADER_MODEL = "hosted_vllm/grader-model"
MASK = {"type": "expert_mask", "layer": 0, "experts": [1], "mode": "off-drop"}

# The agents a solver uses: one plays no configured role (the arm's model
# answers), the other plays the grader.
HELPER = Agent("helper", instructions="Help.", role="helper", input_type=str)
CHECKER = Agent("checker", instructions="Check.", role="grader", input_type=str)


def scoped_task() -> Task:
    async def solve(sample: Sample, ctx: SolverContext) -> str:
        direct = await ctx.complete([{"role": "user", "content": f"solve {sample.id}"}])
        agents = ctx.agent_context()
        await HELPER.run(f"help {sample.id}", agents)
        await CHECKER.run(f"check {sample.id}", agents)
        return direct.text

    async def graded(sample: Sample, output: str, ctx: SolverContext) -> Score:
        question = [{"role": "user", "content": f"grade {output}"}]
        verdict = await ctx.complete(question, role="grader")
        return Score(value=verdict.text == f"grade {output}")

    return Task(
        name="scoped", samples=[Sample(id="a"), Sample(id="b")], solver=solve, scorers=[graded]
    )


def sent(server: FakeOpenAI) -> list[tuple[str, Any, Any, str | None, bool]]:
    """(model, temperature, max_tokens, x-who header, interventions sent) per request."""
    return [
        (
            body["model"],
            body.get("temperature"),
            body.get("max_tokens"),
            headers.get("x-who"),
            "ethos" in body,
        )
        for body, headers in zip(server.requests, server.headers, strict=True)
    ]


async def test_a_grader_role_gets_its_own_arguments_and_none_of_the_arms(
    store: Store, tmp_path: Path
) -> None:
    with (
        FakeOpenAI(honours_interventions=True) as arm_server,
        FakeOpenAI(honours_interventions=True) as grader_server,
    ):
        (tmp_path / "ethos.toml").write_text(
            f'[models."{GRADER_MODEL}"]\napi_base = "{grader_server.base_url}"\n'
            'temperature = 0.0\nmax_tokens = 5\nextra_headers = { "x-who" = "grader" }\n'
        )
        config = EvalConfig(
            task="scoped",
            arms=[Arm(name="arm", model=ARM_MODEL, options={"interventions": [MASK]})],
            model_args={
                "api_base": arm_server.base_url,
                "temperature": 0.7,
                "max_tokens": 33,
                "extra_headers": {"x-who": "arm"},
                "accepts_interventions": True,
            },
            model_roles={"grader": GRADER_MODEL},
            seed=3,
        )
        result = await run_eval(config, store=store, task=scoped_task(), progress=False)
    assert (result.status, result.failed) == ("succeeded", 0)
    arm_calls, grader_calls = sent(arm_server), sent(grader_server)
    # Per sample: the solver's own call and the helper agent on the arm's model ...
    assert arm_calls == [("arm-model", 0.7, 33, "arm", True)] * 4
    # ... the checker agent and the scorer on the grader's, with ethos.toml's arguments only.
    assert grader_calls == [("grader-model", 0.0, 5, "grader", False)] * 4


async def test_a_role_played_by_the_arms_own_model_is_the_arms_model(
    store: Store, tmp_path: Path
) -> None:
    """The arguments follow the model, not the role's name."""
    with FakeOpenAI() as server:
        config = EvalConfig(
            task="scoped",
            arms=[Arm(name="arm", model=ARM_MODEL)],
            model_args={"api_base": server.base_url, "temperature": 0.7},
            model_roles={"grader": ARM_MODEL},
            seed=3,
        )
        result = await run_eval(config, store=store, task=scoped_task(), progress=False)
    assert (result.status, result.failed) == ("succeeded", 0)
    assert [(m, t) for m, t, *_ in sent(server)] == [("arm-model", 0.7)] * 8


def test_the_agent_context_of_a_solver_carries_the_arm_deps_and_seed() -> None:
    arm = Arm(name="a", model=ARM_MODEL, options={"interventions": [MASK]})
    ctx = SolverContext(
        arm=arm, epoch=1, seed=42, roles={"grader": GRADER_MODEL}, model_args={"temperature": 0.7}
    )
    deps = object()
    agents = ctx.agent_context(deps)
    assert (agents.model, agents.seed, agents.deps) == (ARM_MODEL, 42, deps)
    assert agents.model_for("grader") == GRADER_MODEL
    assert agents.model_for("writer") == ARM_MODEL
    assert agents.args_for(ARM_MODEL) == {"temperature": 0.7}
    assert agents.args_for(GRADER_MODEL) == {}
    assert agents.interventions_for(ARM_MODEL) == [MASK]
    assert agents.interventions_for(GRADER_MODEL) == []
    assert ctx.args_for(GRADER_MODEL) == {}


def test_model_arguments_without_a_model_are_refused() -> None:
    """They would silently reach no model (they belong to the context's model)."""
    with pytest.raises(ConfigError, match="model arguments or interventions but no model"):
        AgentContext(roles={"writer": ARM_MODEL}, model_args={"temperature": 0.2})


async def test_a_run_given_settings_calls_its_models_with_them(
    store: Store, monkeypatch: pytest.MonkeyPatch
) -> None:
    """``run_eval(settings=...)``: the solver's calls, its agents' and the
    scorer's use the run's settings (here the only place that names the
    endpoints); they were read again from the environment on every call,
    which knows neither endpoint, and cost a settings check per call."""
    import ethos.settings

    reads = []
    real = ethos.settings.load_settings
    monkeypatch.setattr(
        ethos.settings, "load_settings", lambda **kw: reads.append(kw) or real(**kw)
    )
    with FakeOpenAI() as arm_server, FakeOpenAI() as grader_server:
        settings = real(
            models={
                ARM_MODEL: {"api_base": arm_server.base_url},
                GRADER_MODEL: {"api_base": grader_server.base_url},
            }
        )
        config = EvalConfig(
            task="scoped",
            arms=[Arm(name="arm", model=ARM_MODEL)],
            model_roles={"grader": GRADER_MODEL},
            seed=3,
        )
        result = await run_eval(
            config, store=store, task=scoped_task(), progress=False, settings=settings
        )
    assert (result.status, result.failed) == ("succeeded", 0)
    assert [m for m, *_ in sent(arm_server)] == ["arm-model"] * 4
    assert [m for m, *_ in sent(grader_server)] == ["grader-model"] * 4
    assert reads == []  # 16 calls, settings read none of the times
