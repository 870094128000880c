"""A model decides the near-duplicates the embedding is unsure of.

MiniLM's pooled vectors put "the same step in other words" and "a different
step in the same words" at the same similarity (see
:mod:`ethos.handbook.dedup`), so deduplication can ask a model: for a
draft whose best candidate's similarity lies in the rule's band
(``DedupRule.judge_low`` to ``judge_high``), the judge reads both
behaviours (``JUDGE_*`` in :mod:`ethos.handbook.prompts`) and answers
same or different. Its answer is read by :func:`parse_verdict`; an answer
that is neither, or a call that fails, leaves the embedding decision
standing and is counted, never raised: a judge never loses an extraction.
The judge is any model string the gateway calls (the curator or another).
"""

from __future__ import annotations

import asyncio
import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal

from ethos.errors import EthosError
from ethos.handbook import prompts

Answer = Literal["same", "different", "unparseable", "failed"]
ANSWERS: tuple[str, ...] = ("same", "different", "unparseable", "failed")

# One word is asked for; a few more let "Different." or "They are the same" through.
JUDGE_MAX_TOKENS = 16
JUDGE_CONCURRENCY = 4

_WORD = re.compile(r"\b(not the same|not identical|different|distinct|same|identical|yes|no)\b")
_MEANS = {
    "not the same": "different",
    "not identical": "different",
    "different": "different",
    "distinct": "different",
    "no": "different",
    "same": "same",
    "identical": "same",
    "yes": "same",
}


@dataclass(frozen=True)
class Verdict:
    """The judge's answer for one pair, and the text it was read from (or
    the error of a failed call)."""

    answer: Answer
    text: str = ""


def parse_verdict(text: str) -> Answer:
    """same or different from the judge's answer (its first telling word:
    same, identical, yes; different, distinct, not the same, not
    identical, no), or
    unparseable (no such word, or the question's "same or different"
    echoed back)."""
    low = text.lower()
    if "same or different" in low:
        return "unparseable"
    found = _WORD.search(low)
    return _MEANS[found.group(1)] if found else "unparseable"  # type: ignore[return-value]


def judge_messages(a: tuple[str, str], b: tuple[str, str]) -> list[dict[str, str]]:
    """The judge's messages for behaviours ``a`` and ``b`` (name, instruction)."""
    return [
        {"role": "system", "content": prompts.JUDGE_SYSTEM},
        {
            "role": "user",
            "content": prompts.JUDGE_USER.format(
                name_a=a[0], instruction_a=a[1], name_b=b[0], instruction_b=b[1]
            ),
        },
    ]


async def judge_pair(model: str, a: tuple[str, str], b: tuple[str, str]) -> Verdict:
    """Ask ``model`` whether ``a`` and ``b`` (name, instruction) are one
    behaviour. A failed call is a ``failed`` verdict, not an exception."""
    from ethos.models import acomplete

    try:
        done = await acomplete(model, judge_messages(a, b), seed=0, max_tokens=JUDGE_MAX_TOKENS)
    except EthosError as exc:
        return Verdict("failed", str(exc)[:300])
    return Verdict(parse_verdict(done.text), done.text.strip()[:300])


async def judge_pairs(
    model: str,
    pairs: Sequence[tuple[tuple[str, str], tuple[str, str]]],
    concurrency: int = JUDGE_CONCURRENCY,
) -> list[Verdict]:
    """:func:`judge_pair` for each pair, ``concurrency`` calls at a time, in order."""
    gate = asyncio.Semaphore(max(1, concurrency))

    async def one(a: tuple[str, str], b: tuple[str, str]) -> Verdict:
        async with gate:
            return await judge_pair(model, a, b)

    return list(await asyncio.gather(*(one(a, b) for a, b in pairs)))


def check_judge(model: str, settings: object | None = None) -> None:
    """Raise the gateway's one-line error when ``model`` cannot be called
    (unknown provider, unregistered script, missing checkpoint or key):
    a command checks its judge before anything is stored."""
    from ethos.models.preflight import check_one
    from ethos.settings import load_settings

    check_one(model, settings or load_settings(), what="--judge")
