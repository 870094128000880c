"""The gateway in front of the local MoE host: the same call, a local model."""

from __future__ import annotations

from pathlib import Path

import pytest
from pydantic import BaseModel

from ethos.models import ExpertMask, Steer, acomplete
from ethos.models.errors import (
    CheckpointNotFoundError,
    ContextLengthError,
    OutputValidationError,
    UnsupportedInterventionError,
)
from ethos.models.local.host import get_local_model
from ethos.recording import run_scope

pytestmark = pytest.mark.local_model
PROMPT = [{"role": "user", "content": "Shall we cooperate this round?"}]


@pytest.fixture(scope="module")
def model(tiny_checkpoints) -> str:
    return f"local/{tiny_checkpoints('olmoe')}"


async def test_generation_through_the_gateway(model: str) -> None:
    first = await acomplete(model, PROMPT, max_tokens=8)
    again = await acomplete(model, PROMPT, max_tokens=8)
    assert first.text == again.text  # greedy by default
    assert 0 < first.usage.output_tokens <= 8 and first.usage.input_tokens > 0
    assert not first.scripted and first.cost_usd == 0.0


async def test_choices_are_scored_not_sampled(model: str) -> None:
    answer = await acomplete(model, PROMPT, choices=["cooperate", "defect"])
    assert answer.choice_logprobs is not None
    assert answer.choice == max(answer.choice_logprobs, key=answer.choice_logprobs.__getitem__)
    local = await get_local_model(model.removeprefix("local/"))
    note = "Answer with exactly one of these options and nothing else: cooperate | defect"
    prompt = [{"role": "user", "content": f"{PROMPT[0]['content']}\n\n{note}"}]
    direct = await local.score_choices(prompt, ["cooperate", "defect"])
    assert list(answer.choice_logprobs.values()) == pytest.approx(direct, abs=1e-5)


async def test_steering_changes_the_scores(model: str) -> None:
    local = await get_local_model(model.removeprefix("local/"))
    plain = await acomplete(model, PROMPT, choices=["cooperate", "defect"])
    steer = Steer(layer=0, vector=(1.0,) * local.hidden_size, alpha=6.0)
    steered = await acomplete(model, PROMPT, choices=["cooperate", "defect"], interventions=[steer])
    assert steered.choice_logprobs != plain.choice_logprobs


async def test_an_untrained_model_fails_structured_output_cleanly(model: str) -> None:
    class Move(BaseModel):
        action: str

    with pytest.raises(OutputValidationError, match=r"did not return Move after one repair"):
        await acomplete(model, PROMPT, output=Move, max_tokens=8)


async def test_local_bad_input(model: str, tmp_path: Path) -> None:
    with pytest.raises(ContextLengthError, match="context"):
        await acomplete(model, "word " * 5000, max_tokens=4)
    with pytest.raises(UnsupportedInterventionError, match="names expert 99"):
        await acomplete(model, PROMPT, interventions=[ExpertMask(layer=0, experts=(99,))])
    with pytest.raises(CheckpointNotFoundError, match="ethos models build-tiny"):
        await acomplete(f"local/{tmp_path}/absent", PROMPT)


async def test_local_calls_are_recorded(model: str, store) -> None:
    run = await store.create_run("eval")
    with run_scope(store, run.id):
        await acomplete(model, PROMPT, max_tokens=4)
    async with store.session() as session:
        from sqlalchemy import select

        from ethos.db.tables import ModelCallRow

        (row,) = (await session.execute(select(ModelCallRow))).scalars()
    assert row.model == model and not row.scripted and row.meta["provider"] == "local"
    assert 0 < row.output_tokens <= 4


async def test_local_names_are_found_in_the_callers_data_dir(model: str, tmp_path: Path) -> None:
    from ethos.settings import load_settings

    data = tmp_path / "elsewhere"
    (data / "models").mkdir(parents=True)
    (data / "models" / "mine").symlink_to(Path(model.removeprefix("local/")))
    answer = await acomplete(
        "local/mine", PROMPT, max_tokens=2, settings=load_settings(data_dir=data)
    )
    assert answer.usage.output_tokens > 0
    with pytest.raises(CheckpointNotFoundError):
        await acomplete("local/mine", PROMPT, max_tokens=2)  # not in the default data dir
