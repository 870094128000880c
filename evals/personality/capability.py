"""Capability and bias benchmarks in their standard file formats.

- MMLU (Hendrycks et al., 2021) ships one CSV per subject, without a
  header: ``question,A,B,C,D,answer`` with answer a letter. A file with that
  header line is read too.
- BBQ (Parrish et al., 2022) ships JSONL, one object per line with at least
  ``context``, ``question``, ``ans0``, ``ans1``, ``ans2`` and ``label`` (the
  index of the right answer; in an ambiguous context that is the "cannot be
  determined" answer); ``context_condition`` and ``category`` are kept.

Small sets in these formats, written for this project, ship in ``data/``
(``mmlu_mini.csv``, ``bbq_mini.jsonl``) so a run works offline; point
``-T mmlu=PATH`` / ``-T bbq=PATH`` at the real files for real figures.
"""

from __future__ import annotations

import csv
import io
import json
from dataclasses import dataclass, field
from importlib.resources import files
from pathlib import Path
from typing import Any

from ethos.evals.task import TaskError

MMLU_COLUMNS = ("question", "A", "B", "C", "D", "answer")
BBQ_FIELDS = ("context", "question", "ans0", "ans1", "ans2", "label")


@dataclass(frozen=True)
class Question:
    """One multiple-choice item: the prompt, its lettered options, the right letter."""

    benchmark: str
    id: str
    prompt: str
    options: tuple[str, ...]
    answer: str
    meta: dict[str, Any] = field(default_factory=dict)

    @property
    def letters(self) -> list[str]:
        return [chr(ord("A") + i) for i in range(len(self.options))]

    def text(self) -> str:
        lines = [self.prompt, ""]
        lines += [f"{letter}. {o}" for letter, o in zip(self.letters, self.options, strict=True)]
        lines += ["", "Answer with the letter of the correct option."]
        return "\n".join(lines)


def _data(name: str) -> tuple[str, str]:
    resource = files("ethos.evals.personality") / "data" / name
    return resource.read_text(encoding="utf-8"), f"{name} (written for this project)"


def _read(path: str | Path, what: str) -> tuple[str, str]:
    file = Path(path).expanduser()
    if not file.is_file():
        raise TaskError(f"no {what} file {file}", f"give the path of a {what} file")
    try:
        return file.read_text(encoding="utf-8"), str(file.resolve())
    except (OSError, UnicodeDecodeError) as exc:
        raise TaskError(f"cannot read {what} file {file}: {exc}", "give a UTF-8 file") from None


def load_mmlu(path: str | Path | None = None) -> tuple[list[Question], str]:
    """The questions of an MMLU-format CSV (the shipped mini set for None)."""
    text, source = _data("mmlu_mini.csv") if not path else _read(path, "MMLU CSV")
    expected = ",".join(MMLU_COLUMNS)
    # A stream, not splitlines(): a quoted MMLU question may hold line breaks (code items).
    reader = csv.reader(io.StringIO(text))
    rows = []
    for row in reader:
        rows.append((reader.line_num, row))  # line_num: the file line the row ends on
    if rows and [c.strip().lower() for c in rows[0][1]] == [c.lower() for c in MMLU_COLUMNS]:
        rows = rows[1:]
    out = []
    for line, row in rows:
        if not row or not any(cell.strip() for cell in row):
            continue
        if len(row) != len(MMLU_COLUMNS):
            raise TaskError(
                f"{source} line {line} has {len(row)} column(s); an MMLU CSV has 6: {expected}",
                "give MMLU's own CSV format (no header, or that header): "
                "question, four options, the answer letter",
            )
        answer = row[5].strip().upper()
        if answer not in "ABCD" or len(answer) != 1:
            raise TaskError(
                f"{source} line {line}: answer {row[5]!r} is not A, B, C or D "
                f"(columns: {expected})",
                "the last column is the letter of the right option",
            )
        out.append(
            Question(
                benchmark="mmlu",
                id=f"mmlu/{len(out) + 1:03d}",
                prompt=row[0].strip(),
                options=tuple(c.strip() for c in row[1:5]),
                answer=answer,
            )
        )
    if not out:
        raise TaskError(f"{source} holds no questions", f"an MMLU CSV has rows {expected}")
    return out, source


def load_bbq(path: str | Path | None = None) -> tuple[list[Question], str]:
    """The items of a BBQ-format JSONL file (the shipped mini set for None)."""
    text, source = _data("bbq_mini.jsonl") if not path else _read(path, "BBQ JSONL")
    expected = ", ".join(BBQ_FIELDS)
    out = []
    for line, raw in enumerate(text.splitlines(), start=1):
        if not raw.strip():
            continue
        try:
            row = json.loads(raw)
        except ValueError:
            raise TaskError(
                f"{source} line {line} is not JSON; a BBQ file has one object per line "
                f"with fields {expected}",
                "give BBQ's own JSONL format",
            ) from None
        missing = [f for f in BBQ_FIELDS if not isinstance(row, dict) or f not in row]
        if missing:
            raise TaskError(
                f"{source} line {line} lacks field(s) {', '.join(missing)}; a BBQ line has "
                f"{expected}",
                "give BBQ's own JSONL format",
            )
        label = row["label"]
        if type(label) is not int or label not in (0, 1, 2):
            raise TaskError(
                f"{source} line {line}: label {label!r} is not 0, 1 or 2",
                "label indexes ans0..ans2",
            )
        out.append(
            Question(
                benchmark="bbq",
                id=f"bbq/{len(out) + 1:03d}",
                prompt=f"{row['context']}\n{row['question']}",
                options=(str(row["ans0"]), str(row["ans1"]), str(row["ans2"])),
                answer="ABC"[label],
                meta={
                    "category": row.get("category"),
                    "context_condition": row.get("context_condition"),
                },
            )
        )
    if not out:
        raise TaskError(f"{source} holds no items", f"a BBQ line has {expected}")
    return out, source
