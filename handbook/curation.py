"""Curation: behaviours from solved traces, the way "Metacognitive Reuse"
(Didolkar et al. 2025) builds its handbook, in two model calls per trace.

1. **Reflect** (``REFLECT_*`` in :mod:`ethos.handbook.prompts`): given the
   problem, the worked solution, its final answer and the grader's scores
   when the run has them: was it right, what was wasted, which general
   steps would have made it shorter.
2. **Extract** (``EXTRACT_*``): from problem, solution and reflection,
   name-and-instruction pairs, typed output through the gateway (repair and
   retry on invalid JSON).

A curator that cannot write JSON (the small SmolLM2-135M answers the typed
calls with prose) gets the plain-line format instead (``*_LINES_*``): a
review in plain sentences, then one ``behavior_<name>: <instruction>`` line
per behaviour, read by :func:`parse_behavior_lines`, which keeps what it can
and reports every line it drops and why. ``output_format="auto"`` (the
default) falls back to it when the typed calls fail after their repair
round; ``"lines"`` uses it from the start, ``"json"`` never.

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
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError
from sqlalchemy import select

from ethos.errors import EthosError
from ethos.handbook import prompts
from ethos.handbook.behavior import (
    PREFIX,
    BehaviorDraft,
    Provenance,
    invalid_draft,
    normalize_name,
)
from ethos.handbook.store import DEFAULT_HANDBOOK, AddReport, Merge, add_behaviors

if TYPE_CHECKING:
    from ethos.db.store import Sample, Store
    from ethos.handbook.embedder import TextEmbedder

MAX_BEHAVIORS = 5  # per trace: the paper's handbooks hold about one per solved problem
CONCURRENCY = 4

# Output tokens a curator call may spend: a review or five behaviours need a
# few hundred; a small model that never stops is cut here, not at its context.
CURATOR_MAX_TOKENS = 768
# The plain-line format asks for two or three sentences, then a few short
# lines: a small model that rambles is cut at these (a 135M model on a busy
# CPU writes a few tokens a second).
REVIEW_MAX_TOKENS = 160
LINES_MAX_TOKENS = 256

OutputFormat = Literal["auto", "json", "lines"]
FORMATS: tuple[str, ...] = ("auto", "json", "lines")


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
    output_format: str = "json"  # the format the behaviours came in: json or lines
    dropped: list[str] | None = None  # lines of a plain-line answer that were not behaviours


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
    output_format: str = "auto"
    line_format: int = Field(
        default=0, description="traces curated in the plain-line format (asked, or fallen back to)"
    )
    dropped: list[str] = Field(
        default_factory=list, description="plain-line answers' lines that were not behaviours"
    )
    judge: str | None = None
    judge_answers: dict[str, int] = Field(
        default_factory=dict,
        description="the dedup judge's answers by kind (see ethos.handbook.judge)",
    )
    judge_unasked: list[str] = Field(
        default_factory=list, description="pairs in the judge's band decided by the threshold"
    )


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


# -- plain lines: what a curator that cannot write JSON answers ----------------------

_BULLET = re.compile(r"^\s*(?:[-*+\u2022>]+|\(?\d+[.):]|#+)\s*")
_LINE = re.compile(r"^(behaviou?r[\w \t-]*?)\s*(?::|\s-\s|\s\u2013\s|\s\u2014\s|=)\s*(.+)$", re.I)
_FIELD = re.compile(r"^(name|instruction)\s*[:=]\s*(.+)$", re.I)
# a behaviour's name alone, its instruction on the next line (SmolLM2 writes
# "behavior_divide_the_whole_number_by_the_remainder:" then a sentence)
_NAME_ONLY = re.compile(r"^(behaviou?r_[A-Za-z0-9_]+)\s*[:=\u2013\u2014-]?$", re.I)
_PLACEHOLDER = re.compile(r"[<>{}\[\]]|short_name")


def _clean(line: str) -> str:
    line = _BULLET.sub("", line.strip())
    return line.replace("**", "").replace("`", "").strip().strip("\"'").strip()


def parse_behavior_lines(
    text: str, *, limit: int = MAX_BEHAVIORS
) -> tuple[list[tuple[str, str]], list[str]]:
    """(normalised name, instruction) pairs from a plain-line answer, and
    each dropped line with why. Lenient: list bullets, numbering, bold, quotes and
    ``behaviour``/``Behavior`` spellings are tolerated, ``-`` or ``=`` may
    stand for the colon, a ``name: ...`` line followed by an
    ``instruction: ...`` line is one behaviour, and so is a
    ``behavior_<name>:`` line alone followed by a line of prose. Dropped: lines that are not
    of that form, lines that keep the format's placeholder or copy its
    example, repeated names, and lines past ``limit``. Blank lines are
    ignored, not dropped; a line of decoration only (``---``) is dropped."""
    found: list[tuple[str, str]] = []
    dropped: list[str] = []
    seen: set[str] = set()
    pending_name: str | None = None
    bare = False  # the pending name came alone on its line: any next prose line is its instruction
    examples = _example_names()

    def take(name: str, instruction: str, raw: str) -> None:
        if _PLACEHOLDER.search(name) or _PLACEHOLDER.search(instruction):
            dropped.append(f"the format's placeholder, not a behaviour: {raw[:120]}")
            return
        try:  # "Behaviour Check Units" -> behavior_check_units
            key = normalize_name(re.sub(r"^behaviour", "behavior", name.strip(), flags=re.I))
        except ValueError as exc:
            dropped.append(f"{exc}: {raw[:120]}")
            return
        if key in examples:
            dropped.append(f"a copy of the format's example: {raw[:120]}")
        elif key in seen:
            dropped.append(f"a name given twice: {raw[:120]}")
        elif len(found) >= limit:
            dropped.append(f"past the {limit} behaviours asked for: {raw[:120]}")
        else:
            seen.add(key)
            found.append((key, instruction))

    for raw in text.splitlines():
        if not raw.strip():
            continue
        line = _clean(raw)
        if not line:  # decoration only ("---", ">", "**"): reported, so every line is accounted for
            dropped.append(f"not a {PREFIX}<name>: <instruction> line: {raw.strip()[:120]}")
            continue
        field = _FIELD.match(line)
        alone = _NAME_ONLY.match(line)
        named = field.group(2) if field and field.group(1).lower() == "name" else None
        if alone or named:
            if pending_name is not None:
                dropped.append(f"a name with no instruction: {pending_name[:120]}")
            pending_name = alone.group(1) if alone else _clean(named or "")
            bare = bool(alone)
            continue
        if bare and pending_name is not None and not field:
            bare = False
            if not _LINE.match(line):  # the prose line under a name alone: its instruction
                take(pending_name, line, f"{pending_name}: {raw.strip()}")
                pending_name = None
                continue
            dropped.append(f"a name with no instruction: {pending_name[:120]}")
            pending_name = None
        if field and pending_name is not None:
            take(pending_name, _clean(field.group(2)), raw.strip())
            pending_name = None
            continue
        match = _LINE.match(line)
        if not match and line.lower().startswith("behavio") and _PLACEHOLDER.search(line):
            dropped.append(f"the format's placeholder, not a behaviour: {raw.strip()[:120]}")
        elif match and _clean(match.group(2)):
            take(match.group(1).strip(), _clean(match.group(2)), raw.strip())
        else:
            dropped.append(f"not a {PREFIX}<name>: <instruction> line: {raw.strip()[:120]}")
    if pending_name is not None:
        dropped.append(f"a name with no instruction: {pending_name[:120]}")
    return found, dropped


def _example_names() -> frozenset[str]:
    """The behaviour names the plain-line prompts show as examples (the
    format's and the demonstration's): a line that reuses one copied it."""
    shown = [prompts.LINES_EXAMPLE, *prompts.LINES_SHOT_ANSWER.splitlines()]
    return frozenset(line.split(":", 1)[0].strip().lower() for line in shown)


def _lines_messages(question: str, shown: str, review: str, limit: int) -> list[dict[str, str]]:
    """The plain-line extraction's messages: the format, one worked
    exchange (prompts.LINES_SHOT_*: a small model copies a shown answer's
    form far more readily than it follows a described one), then the trace."""
    return [
        {
            "role": "system",
            "content": prompts.EXTRACT_LINES_SYSTEM.format(
                limit=limit, example=prompts.LINES_EXAMPLE
            ),
        },
        {
            "role": "user",
            "content": prompts.EXTRACT_LINES_USER.format(
                question=prompts.LINES_SHOT_QUESTION,
                trace=prompts.LINES_SHOT_TRACE,
                reflection=prompts.LINES_SHOT_REVIEW,
            ),
        },
        {"role": "assistant", "content": prompts.LINES_SHOT_ANSWER},
        {
            "role": "user",
            "content": prompts.EXTRACT_LINES_USER.format(
                question=question, trace=shown, reflection=_clip(review, 2000)
            ),
        },
    ]


def _drafts(
    items: Sequence[tuple[str, str, list[str]]], provenance: Sequence[Provenance]
) -> tuple[list[BehaviorDraft], list[str]]:
    drafts: list[BehaviorDraft] = []
    rejected: list[str] = []
    for name, instruction, tags in items:
        try:
            drafts.append(
                BehaviorDraft(
                    name=name, instruction=instruction, tags=tags, provenance=list(provenance)
                )
            )
        except ValidationError as exc:
            rejected.append(invalid_draft(exc, name).problem)
    return drafts, rejected


def _reflect_messages(
    template: str, question: str, shown: str, answer: str, verdict: str
) -> list[dict[str, str]]:
    """The reflection call's messages, the same for the typed (JSON) and the
    plain-line format but for the user template that says what to write."""
    return [
        {"role": "system", "content": prompts.REFLECT_SYSTEM},
        {
            "role": "user",
            "content": template.format(
                question=question, trace=shown, answer=_clip(answer, 500), verdict=verdict
            ),
        },
    ]


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
    output_format: OutputFormat = "auto",
) -> TraceBehaviors:
    """Reflect on one trace and extract its behaviours (not stored). A
    trace with no answer, or a curator reply that stays malformed (after
    the gateway's repair round, and in the plain-line format when
    ``output_format`` allows it), gives no behaviours and says why in
    ``skipped``."""
    from ethos.models import acomplete
    from ethos.models.errors import ContextLengthError, OutputValidationError, ProviderError

    if output_format not in FORMATS:
        raise EthosError(
            f"unknown curation format {output_format!r}", f"use one of {', '.join(FORMATS)}"
        )
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
    reflection: Reflection | None = None
    failed = ""
    if output_format != "lines":
        try:
            reflected = await acomplete(
                model,
                _reflect_messages(prompts.REFLECT_USER, question, shown, answer, verdict),
                output=Reflection,
                seed=seed,
                max_tokens=CURATOR_MAX_TOKENS,
            )
            tokens += reflected.usage.output_tokens
            scripted = reflected.scripted
            reflection = reflected.parsed
            extracted = await acomplete(
                model,
                [
                    {
                        "role": "system",
                        "content": prompts.EXTRACT_SYSTEM.format(limit=max_behaviors),
                    },
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
                max_tokens=CURATOR_MAX_TOKENS,
            )
        except (OutputValidationError, ContextLengthError, ProviderError) as exc:
            # The failed call's tokens were paid for too (both rounds of a repair).
            spent = getattr(exc, "usage", None)
            tokens += spent.output_tokens if spent is not None else 0
            if output_format == "json" or not isinstance(exc, OutputValidationError):
                return TraceBehaviors(
                    [], skipped=f"the curator failed: {exc.problem}", output_tokens=tokens
                )
            failed = exc.problem
        else:
            tokens += extracted.usage.output_tokens
            found: Extraction = extracted.parsed
            drafts, rejected = _drafts(
                [(b.name, b.instruction, b.tags) for b in found.behaviors[:max_behaviors]],
                provenance,
            )
            return TraceBehaviors(
                drafts,
                skipped=None if drafts else "the curator proposed no usable behaviour",
                output_tokens=tokens,
                reflection=reflection,
                rejected=rejected,
                scripted=scripted or extracted.scripted,
            )
    # the plain-line format: asked for, or the typed calls failed
    try:
        if reflection is None:
            reviewed = await acomplete(
                model,
                _reflect_messages(prompts.REFLECT_LINES_USER, question, shown, answer, verdict),
                seed=seed,
                max_tokens=REVIEW_MAX_TOKENS,
            )
            tokens += reviewed.usage.output_tokens
            scripted = scripted or reviewed.scripted
            review = reviewed.text.strip()
            reflection = Reflection(mistakes=review[:2000])
        else:
            review = reflection.model_dump_json(indent=1)
        written = await acomplete(
            model,
            _lines_messages(question, shown, review, max_behaviors),
            seed=seed,
            max_tokens=LINES_MAX_TOKENS,
        )
    except (ContextLengthError, ProviderError) as exc:
        spent = getattr(exc, "usage", None)
        tokens += spent.output_tokens if spent is not None else 0
        return TraceBehaviors(
            [], skipped=f"the curator failed: {exc.problem}", output_tokens=tokens
        )
    tokens += written.usage.output_tokens
    pairs, dropped = parse_behavior_lines(written.text, limit=max_behaviors)
    drafts, rejected = _drafts([(n, i, []) for n, i in pairs], provenance)
    why = "the curator wrote no behavior_<name>: <instruction> line"
    if failed:
        why += f" (after its JSON failed: {failed})"
    return TraceBehaviors(
        drafts,
        skipped=None if drafts else why,
        output_tokens=tokens,
        reflection=reflection,
        rejected=rejected,
        scripted=scripted or written.scripted,
        output_format="lines",
        dropped=dropped,
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
    output_format: OutputFormat = "auto",
    judge: str | None = None,
) -> ExtractReport:
    """Curate each trace (``concurrency`` at a time) and add its behaviours
    to ``handbook`` as soon as it is done, so an interrupted extraction
    keeps what it finished. ``judge``: a model that decides the
    near-duplicates the embedding is unsure of (see
    :func:`~ethos.handbook.store.add_behaviors`)."""
    report = ExtractReport(
        handbook=handbook,
        model=model,
        source=source,
        traces=len(traces),
        output_format=output_format,
        judge=judge,
    )
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
                output_format=output_format,
            )
            added = None
            if found.behaviors:
                added = await add_behaviors(
                    store, handbook, found.behaviors, embedder=embedder, judge=judge
                )
            return trace, found, added

    for trace, found, added in await asyncio.gather(*(one(t) for t in todo)):
        report.output_tokens += found.output_tokens
        report.scripted = report.scripted or found.scripted
        report.rejected.extend(f"{trace.key}: {r}" for r in found.rejected or [])
        report.dropped.extend(f"{trace.key}: {d}" for d in found.dropped or [])
        report.line_format += found.output_format == "lines"
        if added is None:
            report.skipped.append(Skipped(trace=trace.key, reason=found.skipped or "nothing found"))
            continue
        report.used += 1
        report.added.extend(added.added)
        report.merged.extend(added.merged)
        report.judge_unasked.extend(added.judge_unasked)
        for answer, n in added.judge_answers.items():
            report.judge_answers[answer] = report.judge_answers.get(answer, 0) + n
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
    output_format: OutputFormat = "auto",
    judge: str | None = None,
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
        output_format=output_format,
        judge=judge,
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
    output_format: OutputFormat = "auto",
    judge: str | None = None,
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
        output_format=output_format,
        judge=judge,
    )
