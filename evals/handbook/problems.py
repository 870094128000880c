"""The ``handbook/reuse`` problem set: arithmetic, fractions, word problems
and unit conversions written for this project, each with an answer a
program checks.

The set is generated from templates with a seeded random generator
(:func:`generate`) and shipped as ``problems.jsonl`` beside this module, so
a run needs nothing but the package; ``tests/test_handbook_reuse.py``
checks that the shipped file is what the generator writes, so the two never
drift. Two splits: ``train`` (questions whose solutions the handbook is
curated from) and ``test`` (the questions an eval measures), with no
question in both.

A user's own set loads from JSONL, one ``{"question": ..., "answer": ...}``
object a line (``id`` and ``category`` optional): :func:`load_problems`.

Answers are exact numbers written as text: an integer (``42``), a decimal
(``0.75``) or a fraction in lowest terms (``19/12``). :func:`check` reads
the final answer out of a model's reply (the last ``Answer: ...``, else the
last number) and compares values exactly, so ``1.5`` matches ``3/2``.
"""

from __future__ import annotations

import json
import math
import random
from collections.abc import Callable, Iterator
from dataclasses import asdict, dataclass
from fractions import Fraction
from pathlib import Path

from ethos.errors import EthosError
from ethos.handbook.answers import check, final_answer, parse_number

__all__ = ["check", "final_answer", "generate", "load_problems", "parse_number", "write"]

SHIPPED = Path(__file__).with_name("problems.jsonl")
CATEGORIES = ("arithmetic", "fractions", "word", "units")
SPLITS = {"train": (1, 15), "test": (0, 60)}  # split -> (seed, problems per category)


class ProblemSetError(EthosError):
    """A problem file that cannot be read as (question, answer) pairs."""


@dataclass(frozen=True)
class Problem:
    id: str
    question: str
    answer: str
    category: str = "user"
    split: str = "test"


def _text(value: Fraction, *, fraction: bool = False) -> str:
    """An exact value as the set writes it: integer, short decimal, or a/b
    (always a/b for a non-integer when ``fraction``)."""
    if value.denominator == 1:
        return str(value.numerator)
    scaled = value * 10_000
    if scaled.denominator == 1 and not fraction:  # a terminating decimal of at most 4 places
        return f"{float(value):.4f}".rstrip("0").rstrip(".")
    return f"{value.numerator}/{value.denominator}"


# -- templates ---------------------------------------------------------------------
# Each takes the generator and returns (question, exact answer).

Template = Callable[[random.Random], tuple[str, Fraction]]


def _arith_chain(r: random.Random) -> tuple[str, Fraction]:
    a, b, c = r.randint(12, 99), r.randint(3, 19), r.randint(11, 250)
    return f"Compute {a} * {b} - {c}.", Fraction(a * b - c)


def _arith_division(r: random.Random) -> tuple[str, Fraction]:
    d = r.randint(3, 12)
    q = r.randint(8, 60)
    e = r.randint(5, 95)
    return f"What is {d * q} / {d} + {e}?", Fraction(q + e)


def _arith_brackets(r: random.Random) -> tuple[str, Fraction]:
    a, b, c = r.randint(5, 40), r.randint(5, 40), r.randint(2, 9)
    return f"Evaluate ({a} + {b}) * {c} - {a}.", Fraction((a + b) * c - a)


def _arith_square(r: random.Random) -> tuple[str, Fraction]:
    a, b = r.randint(11, 35), r.randint(2, 30)
    return f"What is {a} squared minus {b}?", Fraction(a * a - b)


def _proper(r: random.Random, top: int, bottom: tuple[int, int]) -> tuple[int, int]:
    """A fraction n/d as written in a question: in lowest terms, d > 1."""
    while True:
        n, d = r.randint(1, top), r.randint(*bottom)
        if math.gcd(n, d) == 1:
            return n, d


def _frac_add(r: random.Random) -> tuple[str, Fraction]:
    (a, b), (c, d) = _proper(r, 8, (2, 9)), _proper(r, 8, (2, 9))
    return (
        f"What is {a}/{b} + {c}/{d}? Give the result as a fraction in lowest terms.",
        Fraction(a, b) + Fraction(c, d),
    )


def _frac_sub(r: random.Random) -> tuple[str, Fraction]:
    (a, b), (c, d) = _proper(r, 11, (2, 6)), _proper(r, 4, (3, 9))
    if Fraction(a, b) < Fraction(c, d):
        (a, b), (c, d) = (c, d), (a, b)
    return (
        f"Subtract {c}/{d} from {a}/{b}. Give the result as a fraction in lowest terms.",
        Fraction(a, b) - Fraction(c, d),
    )


def _frac_mul(r: random.Random) -> tuple[str, Fraction]:
    (a, b), (c, d) = _proper(r, 9, (2, 10)), _proper(r, 9, (2, 10))
    return (
        f"Multiply {a}/{b} by {c}/{d}. Give the result as a fraction in lowest terms.",
        Fraction(a, b) * Fraction(c, d),
    )


def _frac_of(r: random.Random) -> tuple[str, Fraction]:
    d = r.choice((3, 4, 5, 6, 8))
    n = r.choice([k for k in range(1, d) if math.gcd(k, d) == 1])
    whole = d * r.randint(3, 30)
    return f"What is {n}/{d} of {whole}?", Fraction(n, d) * whole


def _word_left(r: random.Random) -> tuple[str, Fraction]:
    trays, per = r.randint(4, 20), r.choice((12, 18, 24, 30))
    sold = r.randint(1, trays * per - 1)
    return (
        f"A bakery bakes {trays} trays of {per} rolls and sells {sold} rolls. "
        "How many rolls are left?",
        Fraction(trays * per - sold),
    )


def _word_share(r: random.Random) -> tuple[str, Fraction]:
    people = r.randint(3, 9)
    each = r.randint(4, 40)
    extra = r.randint(0, people - 1)
    return (
        f"{people * each + extra} stickers are shared equally among {people} children, and the "
        "stickers that are left over go back in the box. How many stickers does each child get?",
        Fraction(each),
    )


def _word_speed(r: random.Random) -> tuple[str, Fraction]:
    speed = r.choice((40, 45, 48, 50, 60, 72, 80, 90))
    minutes = r.choice((15, 20, 30, 40, 45, 75, 90, 150))
    return (
        f"A train travels at {speed} km per hour for {minutes} minutes. "
        "How many kilometres does it travel?",
        Fraction(speed * minutes, 60),
    )


def _word_price(r: random.Random) -> tuple[str, Fraction]:
    price = r.randint(20, 400)
    off = r.choice((10, 15, 20, 25, 30, 40, 50))
    return (
        f"A jacket costs {price} euros. It is reduced by {off} percent. "
        "What does it cost after the reduction, in euros?",
        Fraction(price * (100 - off), 100),
    )


def _units_length(r: random.Random) -> tuple[str, Fraction]:
    km = Fraction(r.randint(1, 95), r.choice((1, 2, 4, 10)))
    return f"Convert {_text(km)} kilometres to metres.", km * 1000


def _units_time(r: random.Random) -> tuple[str, Fraction]:
    hours = Fraction(r.randint(1, 40), 4)
    return f"How many minutes are there in {_text(hours)} hours?", hours * 60


def _units_mass(r: random.Random) -> tuple[str, Fraction]:
    grams = r.randint(1, 99) * r.choice((5, 25, 50))
    return f"Convert {grams} grams to kilograms.", Fraction(grams, 1000)


def _units_temperature(r: random.Random) -> tuple[str, Fraction]:
    celsius = r.randint(-8, 45) * 5
    return (
        f"Convert {celsius} degrees Celsius to degrees Fahrenheit.",
        Fraction(celsius) * Fraction(9, 5) + 32,
    )


TEMPLATES: dict[str, tuple[Template, ...]] = {
    "arithmetic": (_arith_chain, _arith_division, _arith_brackets, _arith_square),
    "fractions": (_frac_add, _frac_sub, _frac_mul, _frac_of),
    "word": (_word_left, _word_share, _word_speed, _word_price),
    "units": (_units_length, _units_time, _units_mass, _units_temperature),
}


def generate() -> list[Problem]:
    """Every problem of both splits, the same on every machine: the test
    split (seed 0, 60 per category) and the train split (seed 1, 15 per
    category), with no question in both."""
    out: list[Problem] = []
    seen: set[str] = set()
    for split in ("test", "train"):
        seed, per_category = SPLITS[split]
        r = random.Random(seed)
        for category in CATEGORIES:
            templates = TEMPLATES[category]
            made = 0
            while made < per_category:
                question, value = templates[made % len(templates)](r)
                if question in seen:
                    continue
                seen.add(question)
                made += 1
                out.append(
                    Problem(
                        id=f"{split}-{category}-{made:03d}",
                        question=question,
                        answer=_text(value, fraction=category == "fractions"),
                        category=category,
                        split=split,
                    )
                )
    return out


def write(path: Path = SHIPPED) -> Path:
    """Write :func:`generate`'s problems as JSONL (how ``problems.jsonl`` is made:
    ``python -m ethos.evals.handbook.problems``)."""
    lines = [json.dumps(asdict(p), ensure_ascii=False) for p in generate()]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


# -- loading -----------------------------------------------------------------------


def _rows(path: Path) -> Iterator[tuple[int, dict[str, object]]]:
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise ProblemSetError(
            f"cannot read the problem file {path}: {exc.strerror or exc}",
            "give a readable JSONL file of {'question': ..., 'answer': ...} lines",
        ) from None
    for number, line in enumerate(text.splitlines(), 1):
        if not line.strip():
            continue
        try:
            row = json.loads(line)
        except json.JSONDecodeError as exc:
            raise ProblemSetError(
                f"{path}:{number}: not JSON ({exc.msg})",
                'write one object a line: {"question": "...", "answer": "42"}',
            ) from None
        if not isinstance(row, dict):
            raise ProblemSetError(
                f"{path}:{number}: a {type(row).__name__}, not an object",
                'write one object a line: {"question": "...", "answer": "42"}',
            )
        yield number, row


def load_problems(path: Path | str | None = None, *, split: str | None = None) -> list[Problem]:
    """The shipped set (``path`` None), or a user's JSONL of question and
    answer; ``split`` keeps one split of the shipped set. Answers must be
    numbers the checker reads (``42``, ``0.75``, ``19/12``)."""
    file = SHIPPED if path is None else Path(path).expanduser()
    problems: list[Problem] = []
    ids: set[str] = set()
    for number, row in _rows(file):
        question, answer = row.get("question"), row.get("answer")
        if not isinstance(question, str) or not question.strip():
            raise ProblemSetError(
                f"{file}:{number}: no question (a non-empty string under 'question')",
                'write {"question": "...", "answer": "42"} on every line',
            )
        if isinstance(answer, int | float) and not isinstance(answer, bool):
            answer = str(answer)
        if not isinstance(answer, str) or parse_number(answer) is None:
            raise ProblemSetError(
                f"{file}:{number}: answer {answer!r} is not a number the checker reads",
                "give the answer as an integer, a decimal or a fraction a/b",
            )
        pid = str(row.get("id") or f"q{number:04d}")
        if pid in ids:
            raise ProblemSetError(
                f"{file}:{number}: id {pid!r} is used twice", "give every problem its own id"
            )
        ids.add(pid)
        problems.append(
            Problem(
                id=pid,
                question=question.strip(),
                answer=answer.strip(),
                category=str(row.get("category") or "user"),
                split=str(row.get("split") or "test"),
            )
        )
    if not problems:
        raise ProblemSetError(f"{file} holds no problems", "add question and answer lines")
    if split is not None and split != "all":
        if split not in SPLITS:
            raise ProblemSetError(
                f"unknown split {split!r}", f"use one of: all, {', '.join(SPLITS)}"
            )
        problems = [p for p in problems if p.split == split]
        if not problems:
            raise ProblemSetError(f"{file} has no {split!r} problems", "use -T split=all")
    return problems


if __name__ == "__main__":
    print(write())
