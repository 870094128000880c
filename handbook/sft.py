"""Behaviour-conditioned SFT data: answers written with behaviours in
context, stored without them, beside the plain answers of the same model.

"Metacognitive Reuse" (Didolkar et al., 2025) fine-tunes a student on a
teacher's answers written with retrieved behaviours in its prompt, the
behaviours then removed from the input, and compares it with a student
tuned on the teacher's plain answers. :func:`export_sft` writes both
corpora for the same questions, in the same order, with the same ids:

- ``OUT`` (e.g. ``bc.jsonl``): per question ``{"id", "messages": [user:
  question, assistant: the conditioned answer], "meta": {...}}``. The user
  turn is the question alone; the behaviours appear only in ``meta``
  (offered, cited), which a trainer does not read.
- ``OUT`` with ``.baseline`` before its suffix (``bc.baseline.jsonl``): the
  same questions with the answer written without behaviours.

``messages`` is the chat format trainers take as it is (TRL's
``SFTTrainer``, axolotl's ``chat_template`` datasets). Questions that come
with an ``answer`` get ``meta.correct`` in both files
(:func:`ethos.handbook.answers.is_correct`), so the two corpora's teacher
accuracy can be compared before training. The teacher's citations are
counted in the handbook (with the answer's outcome where it was checked).
Both files are written whole or not at all (a temporary file renamed into
place).
"""

from __future__ import annotations

import asyncio
import json
import os
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from pydantic import BaseModel, ConfigDict, Field

from ethos.errors import EthosError
from ethos.handbook.answers import is_correct

if TYPE_CHECKING:
    from ethos.db.store import Store

CONCURRENCY = 8


class SftError(EthosError):
    """The SFT export cannot run as asked (no questions, an unreadable file)."""


class SftQuestion(BaseModel):
    model_config = ConfigDict(frozen=True)

    id: str
    question: str
    answer: str | None = None


class SftReport(BaseModel):
    """What the export wrote: both files, how many pairs, the teacher's
    tokens and (where answers were given) accuracy in each corpus, and how
    many conditioned answers had no behaviour to condition on."""

    out: Path
    baseline: Path
    written: int
    model: str
    scripted: bool
    handbook: str
    without_behaviors: int = 0
    cited: dict[str, int] = Field(default_factory=dict)
    conditioned_tokens: int = 0
    plain_tokens: int = 0
    conditioned_correct: int | None = None
    plain_correct: int | None = None


def baseline_path(out: Path) -> Path:
    """``bc.jsonl`` -> ``bc.baseline.jsonl``: where the plain answers go."""
    return out.with_name(f"{out.stem}.baseline{out.suffix or '.jsonl'}")


def load_questions(path: Path | str) -> list[SftQuestion]:
    """Questions from a file: JSONL objects with ``question`` (``id`` and
    ``answer`` optional), or plain text, one question a line."""
    file = Path(path).expanduser()
    try:
        lines = file.read_text(encoding="utf-8").splitlines()
    except OSError as exc:
        raise SftError(
            f"cannot read the questions file {file}: {exc.strerror or exc}",
            "give a JSONL file of {'question': ...} lines, or a text file, one question a line",
        ) from None
    rows: list[Any] = []
    for number, line in enumerate(lines, 1):
        if not line.strip():
            continue
        if line.lstrip().startswith("{"):
            try:
                rows.append(json.loads(line))
            except json.JSONDecodeError as exc:
                raise SftError(
                    f"{file}:{number}: not JSON ({exc.msg})",
                    'write one object a line: {"question": "...", "answer": "42"}',
                ) from None
        else:
            rows.append(line.strip())
    return questions_of(rows, where=str(file))


def questions_of(items: Iterable[Any], *, where: str = "questions") -> list[SftQuestion]:
    """Questions from strings, mappings (``question``, optional ``id`` and
    ``answer``) or :class:`SftQuestion` objects; ids default to q0001..."""
    out: list[SftQuestion] = []
    for index, item in enumerate(items, 1):
        if isinstance(item, SftQuestion):
            out.append(item)
            continue
        if isinstance(item, str):
            item = {"question": item}
        if not isinstance(item, Mapping) or not str(item.get("question") or "").strip():
            raise SftError(
                f"{where}: item {index} has no question",
                'give each item a non-empty "question"',
            )
        answer = item.get("answer")
        out.append(
            SftQuestion(
                id=str(item.get("id") or f"q{index:04d}"),
                question=str(item["question"]).strip(),
                answer=None if answer is None else str(answer),
            )
        )
    if not out:
        raise SftError(f"{where}: no questions to answer", "give at least one question")
    ids = [q.id for q in out]
    if len(set(ids)) != len(ids):
        raise SftError(f"{where}: question ids repeat", "give every question its own id")
    return out


async def export_sft(
    store: Store,
    handbook: str,
    questions: Sequence[Any] | Path | str,
    out: Path | str,
    *,
    model: str,
    k: int = 5,
    max_tokens: int | None = None,
    system: str | None = None,
    settings: Any = None,
    embedder: Any = "auto",
) -> SftReport:
    """Answer every question twice with ``model`` (with the top ``k``
    behaviours of ``handbook`` in its prompt, and without) and write the
    two JSONL corpora (see the module docstring). ``questions``: a file
    (:func:`load_questions`) or items (:func:`questions_of`). ``system``:
    instructions both answers get (default none beyond the behaviours).
    ``embedder``: retrieval's ("auto": MiniLM when installed; None: BM25)."""
    from ethos.handbook.conditioning import BehaviorHandbook
    from ethos.handbook.self_improve import attempt, caller
    from ethos.handbook.store import count_cited

    items = (
        load_questions(questions) if isinstance(questions, Path | str) else questions_of(questions)
    )
    target = _target(out)
    book = BehaviorHandbook(store, handbook, k=k, embedder=embedder)
    complete = caller(model, settings=settings)
    gate = asyncio.Semaphore(CONCURRENCY)

    async def both(q: SftQuestion) -> tuple[Any, Any, list[str], bool]:
        async with gate:
            found, _ = await book.retrieve(q.question)
            behaviors = [b for b, _ in found]
            conditioned = await attempt(
                q.question,
                complete,
                max_tokens=max_tokens,
                behaviors=behaviors,
                handbook=handbook,
                system=system or "",
            )
            plain = await attempt(q.question, complete, max_tokens=max_tokens, system=system or "")
        return conditioned, plain, [b.name for b in behaviors], bool(found)

    answered = await asyncio.gather(*(both(q) for q in items))
    check = any(q.answer is not None for q in items)
    report = SftReport(
        out=target,
        baseline=baseline_path(target),
        written=len(items),
        model=model,
        scripted=model.startswith("script/"),
        handbook=handbook,
        conditioned_correct=0 if check else None,
        plain_correct=0 if check else None,
    )
    rows: list[str] = []
    base_rows: list[str] = []
    for q, (conditioned, plain, offered, had) in zip(items, answered, strict=True):
        report.without_behaviors += not had
        report.conditioned_tokens += conditioned.output_tokens
        report.plain_tokens += plain.output_tokens
        for name in conditioned.cited:
            report.cited[name] = report.cited.get(name, 0) + 1
        meta: dict[str, Any] = {"model": model, "scripted": report.scripted}
        c_meta = {
            **meta,
            "handbook": handbook,
            "offered": offered,
            "cited": list(conditioned.cited),
        }
        p_meta = dict(meta)
        if check and q.answer is not None:
            c_meta["correct"] = is_correct(conditioned.text, q.answer)
            p_meta["correct"] = is_correct(plain.text, q.answer)
            report.conditioned_correct += c_meta["correct"]  # type: ignore[operator]
            report.plain_correct += p_meta["correct"]  # type: ignore[operator]
        rows.append(_row(q, conditioned.text, c_meta))
        base_rows.append(_row(q, plain.text, p_meta))
        if conditioned.cited:  # the teacher's citations count, with the outcome where known
            outcome = c_meta.get("correct")
            await count_cited(
                store, handbook, conditioned.cited, None if outcome is None else float(outcome)
            )
    _write(target, rows)
    _write(report.baseline, base_rows)
    return report


def _target(out: Path | str) -> Path:
    target = Path(out).expanduser()
    if target.is_dir():
        raise SftError(f"{target} is a directory", "give a file name such as bc.jsonl")
    if not target.parent.is_dir():
        raise SftError(f"no directory {target.parent}", "create it, or write somewhere that exists")
    return target


def _row(q: SftQuestion, answer: str, meta: dict[str, Any]) -> str:
    return json.dumps(
        {
            "id": q.id,
            "messages": [
                {"role": "user", "content": q.question},
                {"role": "assistant", "content": answer},
            ],
            "meta": meta,
        },
        ensure_ascii=False,
    )


def _write(path: Path, rows: list[str]) -> None:
    temporary = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    temporary.write_text("\n".join(rows) + "\n", encoding="utf-8")
    os.replace(temporary, path)
