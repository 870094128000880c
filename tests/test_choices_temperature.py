"""``choices=`` at a temperature: a draw from the options' softmax, seeded.

At temperature 0 a scored call answers with the arg max; above 0 it samples
from softmax(log-probability / temperature) with the call's seed, so an eval
arm run at temperature 0.7 measures a sampled policy (the README's
``--arm steered=local/tiny,temperature=0.7``) instead of repeating the arg max.
"""

from __future__ import annotations

import asyncio
import math
from collections import Counter
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from ethos.models import acomplete
from ethos.models.providers import pick_choice

PROMPT = [{"role": "user", "content": "Shall we cooperate this round? C or D."}]
OPTIONS = ["C", "D"]
# chi-square critical values at p = 0.001 by degrees of freedom: a correct
# sampler fails one run in a thousand, a sampler off by a few points fails always.
CHI2_999 = {1: 10.83, 2: 13.82, 3: 16.27}


def softmax(logprobs: dict[str, float], temperature: float) -> dict[str, float]:
    top = max(logprobs.values())
    weights = {o: math.exp((v - top) / temperature) for o, v in logprobs.items()}
    total = sum(weights.values())
    return {o: w / total for o, w in weights.items()}


def chi_square(counts: Counter, expected: dict[str, float], draws: int) -> float:
    return sum((counts[o] - draws * p) ** 2 / (draws * p) for o, p in expected.items())


@pytest.fixture(scope="module")
def model(tiny_checkpoints) -> str:
    return f"local/{tiny_checkpoints('olmoe')}"


GATEWAY_DRAWS = 100  # through the local model; the 1,000 draws below replay them


@pytest.mark.local_model
@pytest.mark.slow
async def test_frequencies_over_1000_seeded_draws_match_the_softmax(model: str) -> None:
    """Calls at 0.7 through the gateway and the local model answer exactly
    what pick_choice draws from the log-probabilities they report, with the
    call's seed; over seeds 0..999 those draws pass a chi-square test against
    the softmax. (A thousand model calls took three minutes on a loaded box;
    the draw is a function of the reported log-probabilities and the seed,
    which the first hundred calls pin one by one.)"""
    answers = await asyncio.gather(
        *(
            acomplete(model, PROMPT, choices=OPTIONS, temperature=0.7, seed=seed)
            for seed in range(GATEWAY_DRAWS)
        )
    )
    logprobs = answers[0].choice_logprobs
    assert all(a.choice_logprobs == pytest.approx(logprobs, abs=1e-5) for a in answers)
    assert [a.choice for a in answers] == [
        pick_choice(logprobs, 0.7, seed) for seed in range(GATEWAY_DRAWS)
    ]
    assert len({a.choice for a in answers}) == 2  # at 0.7 not always the arg max
    expected = softmax(logprobs, 0.7)
    # The test means something only if more than one option is likely.
    assert sum(p > 0.05 for p in expected.values()) >= 2, expected
    draws = 1000
    counts = Counter(pick_choice(logprobs, 0.7, seed) for seed in range(draws))
    statistic = chi_square(counts, expected, draws)
    assert statistic < CHI2_999[len(OPTIONS) - 1], (counts, expected, statistic)
    # The arg max alone (what the gateway did before) fails the same test.
    best = max(logprobs, key=logprobs.__getitem__)
    assert chi_square(Counter({best: draws}), expected, draws) > CHI2_999[len(OPTIONS) - 1]


@pytest.mark.local_model
async def test_temperature_zero_is_the_arg_max(model: str) -> None:
    greedy = [
        await acomplete(model, PROMPT, choices=OPTIONS, temperature=0, seed=seed)
        for seed in range(3)
    ]
    logprobs = greedy[0].choice_logprobs
    best = max(logprobs, key=logprobs.__getitem__)
    assert {a.choice for a in greedy} == {best}
    unset = await acomplete(model, PROMPT, choices=OPTIONS)
    assert unset.choice == best
    # The draws at 0.7 replay: each is pick_choice of the same log-probabilities
    # and seed, which the test above pins call by call.


@settings(max_examples=60, deadline=None)
@given(
    st.lists(st.floats(-12.0, 0.0), min_size=2, max_size=4),
    st.sampled_from([0.3, 0.7, 1.0, 2.0]),
)
def test_pick_choice_draws_each_option_at_its_softmax_rate(
    values: list[float], temperature: float
) -> None:
    logprobs = {f"option{i}": v for i, v in enumerate(values)}
    expected = softmax(logprobs, temperature)
    draws = 1000
    counts = Counter(pick_choice(logprobs, temperature, seed) for seed in range(draws))
    for option, p in expected.items():
        # Each option's count within 4.5 binomial standard deviations (plus
        # one draw for the near-certain and near-impossible ones).
        bound = 4.5 * math.sqrt(draws * p * (1 - p)) + 1
        assert abs(counts[option] - draws * p) <= bound, (option, counts, expected)


def test_pick_choice_at_zero_and_without_temperature_is_the_arg_max() -> None:
    logprobs = {"C": -0.9, "D": -0.5, "E": -3.0}
    assert {pick_choice(logprobs, t, s) for t in (0, 0.0, None) for s in range(20)} == {"D"}
    # An option with no probability is never drawn, at any temperature.
    assert "E" not in {pick_choice({"D": -0.1, "E": -math.inf}, 5.0, s) for s in range(200)}


@pytest.mark.local_model
async def test_an_arms_temperature_reaches_a_game_players_choice(model: str) -> None:
    """A player's default temperature is 0; an arm's ``temperature=0.7``
    (the model's arguments) must win over it, or the README's sampled arm
    plays the arg max and measures a Delta of exactly 0."""
    from ethos.agents.games import BATTLE_OF_THE_SEXES, LLMPlayer, tit_for_tat
    from ethos.graphs.games import play_match

    def off_arg_max(match: Any) -> int:
        return sum(d.move != max((0, 1), key=lambda i: d.logprobs[i]) for d, _ in match.decisions)

    greedy = LLMPlayer(model=model)
    sampled = LLMPlayer(model=model, model_args={"temperature": 0.7})
    played = [
        await play_match(BATTLE_OF_THE_SEXES, player, tit_for_tat, rounds=10, seed=3)
        for player in (greedy, sampled)
    ]
    assert off_arg_max(played[0]) == 0
    assert off_arg_max(played[1]) > 0
