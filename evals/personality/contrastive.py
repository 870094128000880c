"""The contrastive set: questions with a high-trait and a low-trait answer.

Each row is JSON: ``trait``, ``question``, ``high`` (an answer showing much
of the trait), ``low`` (one showing little of it), and ``source``. The
shipped set (``data/contrastive.jsonl``, 50 questions per trait) was written
for this project. Rows a model wrote (the ``personality/generate`` task)
carry ``"generated": true`` and ``"source": "generated:<model>"``, so they
can always be told apart or left out; ``-T contrastive=FILE`` adds a file of
such rows to the shipped ones (a question already present is not added
twice).

Steering vectors and LoRA adapters learn from all rows but ``held_out``
per trait, which the coefficient search scores instead (a seeded split, so
every arm of a run, and every rerun, sees the same split).
"""

from __future__ import annotations

import json
import random
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from importlib.resources import files
from pathlib import Path

from ethos.evals.personality.inventory import TRAITS, check_trait
from ethos.evals.task import TaskError

FIELDS = ("trait", "question", "high", "low")


@dataclass(frozen=True)
class Row:
    trait: str
    question: str
    high: str
    low: str
    source: str = "ethos"
    generated: bool = False

    def pair(self) -> tuple[str, str, str]:
        return (self.question, self.high, self.low)

    def as_json(self) -> dict[str, object]:
        out: dict[str, object] = {
            "trait": self.trait,
            "question": self.question,
            "high": self.high,
            "low": self.low,
            "source": self.source,
        }
        if self.generated:
            out["generated"] = True
        return out


def shipped_rows() -> list[Row]:
    text = (files("ethos.evals.personality") / "data" / "contrastive.jsonl").read_text("utf-8")
    return parse_rows(text, "contrastive.jsonl (shipped)")


def parse_rows(text: str, source: str) -> list[Row]:
    rows = []
    for line, raw in enumerate(text.splitlines(), start=1):
        if not raw.strip():
            continue
        try:
            data = json.loads(raw)
        except ValueError:
            raise TaskError(
                f"{source} line {line} is not JSON",
                f"each line is an object with {', '.join(FIELDS)}",
            ) from None
        missing = [f for f in FIELDS if not isinstance(data, dict) or not data.get(f)]
        if missing:
            raise TaskError(
                f"{source} line {line} lacks {', '.join(missing)}",
                f"each line is an object with {', '.join(FIELDS)}",
            )
        rows.append(
            Row(
                trait=check_trait(str(data["trait"]), f" in {source} line {line}"),
                question=str(data["question"]),
                high=str(data["high"]),
                low=str(data["low"]),
                source=str(data.get("source") or "ethos"),
                generated=bool(data.get("generated", False)),
            )
        )
    return rows


def load_rows(extra: str | Path | None = None) -> list[Row]:
    """The shipped rows, plus those of ``extra`` (a JSONL file) not already there."""
    rows = shipped_rows()
    if extra:
        file = Path(extra).expanduser()
        if not file.is_file():
            raise TaskError(f"no contrastive file {file}", "give a JSONL file of rows")
        try:
            text = file.read_text("utf-8")
        except (OSError, UnicodeDecodeError) as exc:
            raise TaskError(
                f"cannot read contrastive file {file}: {exc}", "give a UTF-8 JSONL file"
            ) from None
        rows = merged(rows, parse_rows(text, str(file)))
    return rows


def merged(rows: Iterable[Row], more: Iterable[Row]) -> list[Row]:
    out = list(rows)
    seen = {(r.trait, r.question.strip().lower()) for r in out}
    for row in more:
        key = (row.trait, row.question.strip().lower())
        if key not in seen:
            seen.add(key)
            out.append(row)
    return out


def by_trait(rows: Sequence[Row]) -> dict[str, list[Row]]:
    out: dict[str, list[Row]] = {t: [] for t in TRAITS}
    for row in rows:
        out[row.trait].append(row)
    return out


def split(rows: Sequence[Row], held_out: int, seed: int = 0) -> tuple[list[Row], list[Row]]:
    """(training rows, held-out rows) for one trait, seeded."""
    if held_out < 1 or held_out >= len(rows):
        raise TaskError(
            f"held_out={held_out} leaves no rows to learn from or none to score ({len(rows)} rows)",
            f"pass -T held_out between 1 and {max(1, len(rows) - 1)}",
        )
    order = list(rows)
    random.Random(seed).shuffle(order)
    return order[held_out:], order[:held_out]
