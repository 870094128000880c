"""Reading a final answer out of a reply and checking it exactly.

The ``handbook/reuse`` problems and the SFT export's questions with
answers are checked by a program, not a grader: a reply's answer is its
last ``Answer: X`` (else its last number), and it is right when its value
equals the target's exactly, so ``1.5`` matches ``3/2`` and ``1,200``
matches ``1200``.
"""

from __future__ import annotations

import re
from fractions import Fraction

_NUMBER = r"-?\d+(?:,\d{3})*(?:\.\d+)?(?:\s*/\s*-?\d+)?"
_ANSWER = re.compile(rf"answer\s*(?:is)?\s*[:=]?\s*\**\s*\$?\s*({_NUMBER})", re.I)
_ANY_NUMBER = re.compile(_NUMBER)


def parse_number(text: str) -> Fraction | None:
    """An exact value from ``42``, ``-0.75``, ``1,200`` or ``19/12``; None otherwise."""
    cleaned = text.strip().replace(",", "").replace(" ", "")
    try:
        value = Fraction(cleaned)
    except (ValueError, ZeroDivisionError):
        return None
    return value


def final_answer(reply: str) -> str | None:
    """The answer a reply gives: its last ``Answer: X``, else its last number."""
    found = _ANSWER.findall(reply)
    if found:
        return found[-1].strip()
    numbers = _ANY_NUMBER.findall(reply)
    return numbers[-1].strip() if numbers else None


def check(reply: str, answer: str) -> bool:
    """Whether ``reply`` ends in the value ``answer`` names (exactly)."""
    given = final_answer(reply)
    if given is None:
        return False
    got, wanted = parse_number(given), parse_number(answer)
    return got is not None and wanted is not None and got == wanted


def is_correct(reply: str, answer: str) -> bool:
    """:func:`check`, False (not an error) when ``answer`` is no number."""
    return parse_number(answer) is not None and check(reply, answer)
