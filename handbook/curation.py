"""Curation: behaviours from solved traces, the way "Metacognitive Reuse"
(Didolkar et al. 2025) builds its handbook, in two model calls per trace.

1. **Reflect** (``REFLECT_*`` in :mod:`ethos.handbook.prompts`): given the
   problem, the worked solution, its final answer and the grader's scores
   when the run has them: was it right, what was wasted, which general
   steps would have made it shorter.
2. **Extract** (``EXTRACT_*``): from problem, solution and reflection,
   name-and-instruction pairs, typed output through the gateway (repair and
   retry on invalid JSON).

The drafts then go through :func:`ethos.handbook.store.add_behaviors`, which
merges near-duplicates and keeps every provenance. Traces come from a
stored run (each sample's input, the model answers in its transcript, its
output and scores) or from a JSONL file of question and solution (or answer).
A trace with no answer, or whose curator reply stays malformed, is skipped
with the reason in the report; a draft the handbook cannot take (no
instruction, a name of no words) is listed as rejected, not stored.
"""

from __future__ import annotations

import asyncio
import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from pydantic import BaseModel, ConfigDict, Field, ValidationError
from sqlalchemy import select

from ethos.errors import EthosError
from ethos.handbook import prompts
from ethos.handbook.behavior import BehaviorDraft, Provenance, invalid_draft
from ethos.handbook.store import DEFAULT_HANDBOOK, AddReport, Merge, add_behaviors

if TYPE_CHECKING:
    from ethos.db.store import Sample, Store
    from ethos.handbook.embedder import TextEmbedder

MAX_BEHAVIORS = 5  # per trace: the paper's handbooks hold about one per solved problem
CONCURRENCY = 4


class Reflection(BaseModel):
    """The curator's review of one trace."""

    correct: bool | None = Field(
        default=None, description="whether the final answer is right; null when unknown"
    )
    mistakes: str = Field(default="", description="any mistake or wasted step, briefly")
    shortcuts: list[str] = Field(
        default_factory=list,
        description="general steps that would have made the solution shorter or safer",
    )


class ExtractedBehavior(BaseModel):
    name: str = Field(description="snake_case, starting with behavior_")
    instruction: str = Field(description="one or two sentences in the imperative")
    tags: list[str] = Field(default_factory=list, description="one to three topic tags")


class Extraction(BaseModel):
    """What the extraction call returns."""

    behaviors: list[ExtractedBehavior] = Field(default_factory=list)


@dataclass(frozen=True)
class Trace:
    """One solved problem to learn from."""

    key: str  # where it is: "sample s1 epoch 0 arm ''" or "file.jsonl:3"
    question: str
    solution: str  # the worked solution (the answer alone when no working was kept)
    answer: str
    provenance: Provenance
    scores: Mapping[str, Any] | None = None


class Skipped(BaseModel):
    model_config = ConfigDict(frozen=True)

    trace: str
    reason: str


@dataclass
class TraceBehaviors:
    """The drafts one trace yielded (``skipped`` says why there are none)."""

    behaviors: list[BehaviorDraft]
    skipped: str | None = None
    output_tokens: int = 0
    reflection: Reflection | None = None
    rejected: list[str] | None = None
    scripted: bool = False


class ExtractReport(BaseModel):
    """What an extraction did: traces read, used and skipped (with reasons),
    behaviours added and merged, drafts rejected, output tokens spent."""

    handbook: str
    model: str
    source: str
    traces: int = 0
    used: int = 0
    skipped: list[Skipped] = Field(default_factory=list)
    rejected: list[str] = Field(default_factory=list)
    added: list[str] = Field(default_factory=list)
    merged: list[Merge] = Field(default_factory=list)
    output_tokens: int = 0
    scripted: bool = False
    embedded: bool = False


def _clip(text: str, limit: int = prompts.TRACE_CHARS) -> str:
    return text if len(text) <= limit else "[...] " + text[-limit:]


def _as_text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, str):
        return value.strip()
    if isinstance(value, Mapping):
        for key in ("answer", "text", "content", "output", "question", "input"):
            if isinstance(value.get(key), str):
                return value[key].strip()
    return json.dumps(value, ensure_ascii=False, default=str)


async def behaviors_of_trace(
    question: str,
    solution: str,
    *,
    model: str,
    answer: str | None = None,
    scores: Mapping[str, Any] | None = None,
    provenance: Sequence[Provenance] = (),
    max_behaviors: int = MAX_BEHAVIORS,
    seed: int | None = 0,
) -> TraceBehaviors:
    """Reflect on one trace and extract its behaviours (not stored). A
    trace with no answer, or a curator reply that stays malformed after the
    gateway's repair round, gives no behaviours and says why in ``skipped``."""
    from ethos.models import acomplete
    from ethos.models.errors import ContextLengthError, OutputValidationError, ProviderError

    solution = (solution or "").strip()
    answer = (answer if answer is not None else solution).strip()
    if not answer:
        return TraceBehaviors([], skipped="the trace has no answer")
    shown = _clip(solution or answer)
    verdict = (
        prompts.VERDICT_LINE.format(scores=json.dumps(dict(scores), default=str)) if scores else ""
    )
    tokens = 0
    scripted = False
    try:
        reflected = await acomplete(
            model,
            [
                {"role": "system", "content": prompts.REFLECT_SYSTEM},
                {
                    "role": "user",
                    "content": prompts.REFLECT_USER.format(
                        question=question, trace=shown, answer=_clip(answer, 500), verdict=verdict
                    ),
                },
            ],
            output=Reflection,
            seed=seed,
        )
        tokens += reflected.usage.output_tokens
        scripted = reflected.scripted
        reflection: Reflection = reflected.parsed
        extracted = await acomplete(
            model,
            [
                {"role": "system", "content": prompts.EXTRACT_SYSTEM.format(limit=max_behaviors)},
                {
                    "role": "user",
                    "content": prompts.EXTRACT_USER.format(
                        question=question,
                        trace=shown,
                        reflection=reflection.model_dump_json(indent=1),
                    ),
                },
            ],
            output=Extraction,
            seed=seed,
        )
    except (OutputValidationError, ContextLengthError, ProviderError) as exc:
        # The failed call's tokens were paid for too (both rounds of a repair).
        spent = getattr(exc, "usage", None)
        tokens += spent.output_tokens if spent is not None else 0
        return TraceBehaviors(
            [], skipped=f"the curator failed: {exc.problem}", output_tokens=tokens
        )
    tokens += extracted.usage.output_tokens
    found: Extraction = extracted.parsed
    drafts: list[BehaviorDraft] = []
    rejected: list[str] = []
    for item in found.behaviors[:max_behaviors]:
        try:
            drafts.append(
                BehaviorDraft(
                    name=item.name,
                    instruction=item.instruction,
                    tags=item.tags,
                    provenance=list(provenance),
                )
            )
        except ValidationError as exc:
            rejected.append(invalid_draft(exc, item.name).problem)
    return TraceBehaviors(
        drafts,
        skipped=None if drafts else "the curator proposed no usable behaviour",
        output_tokens=tokens,
        reflection=reflection,
        rejected=rejected,
        scripted=scripted or extracted.scripted,
    )


async def extract_traces(
    store: Store,
    traces: Sequence[Trace | Skipped],
    *,
    model: str,
    handbook: str = DEFAULT_HANDBOOK,
    source: str,
    embedder: TextEmbedder | Any = "auto",
    concurrency: int = CONCURRENCY,
    max_behaviors: int = MAX_BEHAVIORS,
) -> ExtractReport:
    """Curate each trace (``concurrency`` at a time) and add its behaviours
    to ``handbook`` as soon as it is done, so an interrupted extraction
    keeps what it finished."""
    report = ExtractReport(handbook=handbook, model=model, source=source, traces=len(traces))
    report.skipped.extend(t for t in traces if isinstance(t, Skipped))
    todo = [t for t in traces if isinstance(t, Trace)]
    if embedder == "auto":
        from ethos.handbook.embedder import default_embedder

        embedder = default_embedder()
    report.embedded = embedder is not None
    gate = asyncio.Semaphore(max(1, concurrency))

    async def one(trace: Trace) -> tuple[Trace, TraceBehaviors, AddReport | None]:
        async with gate:
            found = await behaviors_of_trace(
                trace.question,
                trace.solution,
                model=model,
                answer=trace.answer,
                scores=trace.scores,
                provenance=[trace.provenance],
                max_behaviors=max_behaviors,
            )
            added = None
            if found.behaviors:
                added = await add_behaviors(store, handbook, found.behaviors, embedder=embedder)
            return trace, found, added

    for trace, found, added in await asyncio.gather(*(one(t) for t in todo)):
        report.output_tokens += found.output_tokens
        report.scripted = report.scripted or found.scripted
        report.rejected.extend(f"{trace.key}: {r}" for r in found.rejected or [])
        if added is None:
            report.skipped.append(Skipped(trace=trace.key, reason=found.skipped or "nothing found"))
            continue
        report.used += 1
        report.added.extend(added.added)
        report.merged.extend(added.merged)
    return report


# -- traces from a stored run ------------------------------------------------------


async def run_traces(store: Store, run_id: str, *, curator: str) -> list[Trace | Skipped]:
    """Every sample of a run as a trace (or as skipped, with the reason)."""
    from ethos.db.tables import ScoreRow

    run = await store.get_run(run_id)
    samples: list[Sample] = []
    while True:
        page = await store.samples(run.id, limit=1000, offset=len(samples))
        samples.extend(page)
        if len(page) < 1000:
            break
    if not samples:
        raise EthosError(
            f"run {run.id} has no samples to learn from",
            "extract from an eval run (ethos runs list shows them) or from a JSONL file",
        )
    scores: dict[int, dict[str, Any]] = {}
    async with store.engine.connect() as conn:
        query = select(ScoreRow.sample_pk, ScoreRow.scorer, ScoreRow.value).where(
            ScoreRow.run_id == run.id
        )
        for pk, scorer, value in await conn.execute(query):
            scores.setdefault(pk, {})[scorer] = value
    out: list[Trace | Skipped] = []
    for sample in samples:
        key = f"sample {sample.sample_id} epoch {sample.epoch}" + (
            f" arm {sample.arm}" if sample.arm else ""
        )
        if sample.status != "succeeded":
            why = (sample.error or sample.status).splitlines()[0] if sample.error else sample.status
            out.append(Skipped(trace=key, reason=f"the sample did not succeed ({why})"))
            continue
        answer = _as_text(sample.output)
        if not answer:
            out.append(Skipped(trace=key, reason="the trace has no answer"))
            continue
        working = await _working(store, sample.id)
        out.append(
            Trace(
                key=key,
                question=_as_text(sample.input),
                solution=working or answer,
                answer=answer,
                provenance=Provenance(
                    source="run",
                    run_id=run.id,
                    sample_id=sample.sample_id,
                    epoch=sample.epoch,
                    arm=sample.arm or None,
                    model=curator,
                ),
                scores=scores.get(sample.id),
            )
        )
    return out


async def _working(store: Store, sample_pk: int) -> str:
    """The model answers of a sample's transcript, in order: the worked
    solution the final output came from ('' without a transcript)."""
    texts: list[str] = []
    try:
        async for event in store.transcript(sample_pk):
            if event.kind == "model_call":
                text = (event.data.get("output") or {}).get("text")
                if text:
                    texts.append(str(text).strip())
    except EthosError:  # stored without transcripts: the output alone
        return ""
    return "\n\n".join(texts)


async def extract_from_run(
    store: Store,
    run_id: str,
    *,
    model: str,
    handbook: str = DEFAULT_HANDBOOK,
    embedder: TextEmbedder | Any = "auto",
    concurrency: int = CONCURRENCY,
    max_behaviors: int = MAX_BEHAVIORS,
) -> ExtractReport:
    """Behaviours from every succeeded sample of a stored run."""
    traces = await run_traces(store, run_id, curator=model)
    return await extract_traces(
        store,
        traces,
        model=model,
        handbook=handbook,
        source=f"run {run_id}",
        embedder=embedder,
        concurrency=concurrency,
        max_behaviors=max_behaviors,
    )


# -- traces from a JSONL file -----------------------------------------------------


def file_traces(path: str | Path, *, curator: str) -> list[Trace | Skipped]:
    """Traces from a JSONL file: one object per line with ``question`` and
    ``solution`` (the worked answer) or ``answer`` (or both); ``id`` names a
    line in provenance. The whole file is checked before any model call: a
    malformed line is one error naming the file and line."""
    file = Path(path).expanduser()
    if not file.is_file():
        raise EthosError(f"{file} is not a file", "give a JSONL file or a run id")
    out: list[Trace | Skipped] = []
    with file.open(encoding="utf-8") as handle:
        for number, line in enumerate(handle, 1):
            if not line.strip():
                continue
            where = f"{file.name}:{number}"
            try:
                item = json.loads(line)
            except json.JSONDecodeError as exc:
                raise EthosError(
                    f"{file}:{number} is not JSON ({exc.msg})",
                    'write one object per line: {"question": ..., "solution": ...}',
                ) from None
            if not isinstance(item, dict) or not _as_text(item.get("question")):
                raise EthosError(
                    f"{file}:{number} has no question",
                    'write one object per line: {"question": ..., "solution": ...}',
                )
            solution = _as_text(item.get("solution"))
            answer = _as_text(item.get("answer")) or solution
            if not answer:
                out.append(Skipped(trace=where, reason="the trace has no answer"))
                continue
            out.append(
                Trace(
                    key=where,
                    question=_as_text(item["question"]),
                    solution=solution or answer,
                    answer=answer,
                    provenance=Provenance(
                        source="file",
                        path=str(file),
                        sample_id=str(item.get("id", f"line {number}")),
                        model=curator,
                    ),
                )
            )
    if not out:
        raise EthosError(f"{file} holds no lines", "write one JSON object per line")
    return out


async def extract_from_jsonl(
    store: Store,
    path: str | Path,
    *,
    model: str,
    handbook: str = DEFAULT_HANDBOOK,
    embedder: TextEmbedder | Any = "auto",
    concurrency: int = CONCURRENCY,
    max_behaviors: int = MAX_BEHAVIORS,
) -> ExtractReport:
    """Behaviours from a JSONL file of (question, solution or answer) pairs."""
    traces = await asyncio.to_thread(file_traces, path, curator=model)
    return await extract_traces(
        store,
        traces,
        model=model,
        handbook=handbook,
        source=str(path),
        embedder=embedder,
        concurrency=concurrency,
        max_behaviors=max_behaviors,
    )
