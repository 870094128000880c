"""``handbook/reuse``: what reusing behaviours does to accuracy and to the
tokens spent, after "Metacognitive Reuse" (Didolkar et al., 2025).

    ethos eval run handbook/reuse --model openai/gpt-4o-mini -T handbook=math

Samples are the problems of :mod:`ethos.evals.handbook.problems` (the
shipped set's ``test`` split, 240 problems; ``-T split=train`` for the
questions a handbook is curated from; ``-T problems=mine.jsonl`` for a
user's own question and answer lines; ``-T categories=fractions,units``;
``-T limit=N`` takes the categories in turn, so each stays represented).
Each answer is checked by a program: its final ``Answer: X`` (else its
last number) must equal the target exactly.

**Arms**, one run, the same model in each (``-T arms=...`` keeps a subset;
``none``, the baseline, is always kept, first):

- ``none``: the question alone.
- ``conditioned``: behaviour-conditioned inference. The solver agent runs
  with a :class:`ethos.handbook.conditioning.BehaviorHandbook` over the
  stored handbook ``-T handbook=NAME`` (top ``-T k=5``; ``-T
  retrieval=bm25`` ranks by words even where MiniLM is installed): retrieved
  behaviours in its prompt, their citations parsed, counted with the
  answer's outcome (once per sample, even when a resumed run redoes it), and
  written to the transcript.
- ``self_improve``: behaviour-guided self-improvement: the ``none`` answer
  (R1) is reflected on and turned into behaviours by the curator (role
  ``curator``, default the arm's model), and R2 answers from them.
  ``-T curation=lines`` has the curator write plain lines from the start
  (``auto``, the default, tries typed JSON first and falls back to lines;
  a small model such as SmolLM2 fails the JSON on every sample, and those
  failed tokens count in the arm's output tokens).
- ``critique_revise``: the paper's baseline for self-improvement: R2 checks
  and corrects R1.

Every call is capped at ``-T budget`` output tokens (default 1024), so the
two second attempts run at the same budget. The first attempts of the last
two arms are the ``none`` arm's call again (same prompt, same seed).

**Scorers.** ``correct`` (the checker), ``output_tokens`` (every output
token the arm spent on the sample: first attempt, extraction and second
attempt included), ``answer_tokens`` (the final answer's alone; the
paper's measure for conditioned inference) and ``citations``
(``offered``/``cited``: behaviours in the prompt and named in the answer;
null on arms without behaviours). The report gives accuracy and output
tokens per arm with intervals and each arm's Delta to ``none``
(:mod:`ethos.evals.handbook.report`).

Building a handbook from the model's own traces, as the paper does::

    ethos eval run handbook/reuse -T split=train -T arms=none --model M
    ethos handbook extract RUN_ID --model M --handbook math
    ethos eval run handbook/reuse --model M -T handbook=math
"""

from __future__ import annotations

from dataclasses import replace
from typing import TYPE_CHECKING, Any, cast

from ethos.evals.task import Sample, Score, SolverContext, Task, TaskError, scorer, task

if TYPE_CHECKING:
    from ethos.handbook.curation import OutputFormat

ARMS = ("none", "conditioned", "self_improve", "critique_revise")
BASELINE = "none"
SOLVER_AGENT = "solver"


def select_arms(spec: str) -> list[dict[str, Any]]:
    """The arms named by ``spec`` (``all`` or a comma list), ``none`` first and always."""
    wanted = list(ARMS) if spec.strip() == "all" else [s.strip() for s in spec.split(",")]
    unknown = [w for w in wanted if w not in ARMS]
    if unknown or not wanted:
        raise TaskError(
            f"unknown arm(s) {', '.join(unknown) or '(none given)'}",
            f"use all, or among {', '.join(ARMS)}",
        )
    chosen = dict.fromkeys([BASELINE, *wanted])
    return [{"name": a, "options": {"method": a}} for a in chosen]


def select_problems(
    problems: str | None, split: str, categories: str, limit: int | None
) -> list[Any]:
    from ethos.evals.handbook.problems import CATEGORIES, ProblemSetError, load_problems

    try:
        chosen = load_problems(problems, split=None if problems else split)
    except ProblemSetError as exc:
        raise TaskError(exc.problem, exc.fix) from None
    if categories.strip() != "all":
        wanted = [c.strip() for c in categories.split(",") if c.strip()]
        known = sorted({p.category for p in chosen} | set(CATEGORIES))
        unknown = [c for c in wanted if c not in known]
        if unknown or not wanted:
            raise TaskError(
                f"unknown categor(ies) {', '.join(unknown) or '(none given)'}",
                f"use all, or among {', '.join(known)}",
            )
        chosen = [p for p in chosen if p.category in wanted]
        if not chosen:
            raise TaskError(f"no problem of {categories!r}", "use -T categories=all")
    if limit is not None:
        if limit < 1:
            raise TaskError(f"limit must be at least 1, not {limit}", "pass -T limit=20")
        chosen = _interleaved(chosen)[:limit]
    return chosen


def _interleaved(problems: list[Any]) -> list[Any]:
    """The problems taken a category at a time in turn (each category's in
    its own order), so ``limit`` keeps every category represented."""
    by_category: dict[str, list[Any]] = {}
    for p in problems:
        by_category.setdefault(p.category, []).append(p)
    columns = list(by_category.values())
    return [col[i] for i in range(max(map(len, columns))) for col in columns if i < len(col)]


def _preflight(handbook: str, needed: bool) -> Any:
    async def check(store: Any) -> None:
        """A conditioned arm over a handbook that does not exist is a typo,
        refused before the run starts (an existing but empty one runs: its
        answers say they had no behaviours)."""
        if not needed:
            return
        from sqlalchemy import select

        from ethos.db.tables import HandbookRow

        async with store.engine.connect() as conn:
            found = (
                await conn.execute(select(HandbookRow.id).where(HandbookRow.name == handbook))
            ).first()
        if found is None:
            raise TaskError(
                f"there is no handbook {handbook!r} for the conditioned arm",
                "build one from the train split (ethos eval run handbook/reuse -T split=train "
                "-T arms=none, then ethos handbook extract RUN_ID --model M --handbook NAME), "
                "pass -T handbook=NAME, or leave the arm out with -T arms=...",
            )

    return check


@task("handbook/reuse")
def reuse(
    split: str = "test",
    problems: str | None = None,
    categories: str = "all",
    limit: int | None = None,
    arms: str = "all",
    handbook: str = "default",
    k: int = 5,
    budget: int = 1024,
    retrieval: str = "auto",
    curation: str = "auto",
) -> Task:
    """Accuracy and tokens with no handbook, behaviour-conditioned, with
    behaviour-guided self-improvement, and with critique-and-revise."""
    from ethos.agents.agent import Agent
    from ethos.evals.handbook import scripted
    from ethos.evals.handbook.problems import check
    from ethos.handbook import conditioning_prompts as prompts
    from ethos.handbook.curation import FORMATS

    scripted.register()  # script/handbook-solver resolves in any process that builds the task
    if k < 1:
        raise TaskError(f"k must be at least 1, not {k}", "pass -T k=5")
    if retrieval not in ("auto", "bm25"):
        raise TaskError(
            f"retrieval must be auto or bm25, not {retrieval!r}",
            "pass -T retrieval=auto (MiniLM when installed) or -T retrieval=bm25",
        )
    if curation not in FORMATS:
        raise TaskError(
            f"curation must be one of {', '.join(FORMATS)}, not {curation!r}",
            "pass -T curation=lines for a curator that cannot write JSON (a small model)",
        )
    if budget < 16:
        raise TaskError(f"budget must be at least 16 tokens, not {budget}", "pass -T budget=1024")
    chosen = select_problems(problems, split, categories, limit)
    arm_list = select_arms(arms)
    samples = [
        Sample(id=p.id, input=p.question, target=p.answer, metadata={"category": p.category})
        for p in chosen
    ]
    solver_agent: Agent[str, str] = Agent(
        SOLVER_AGENT,
        instructions=prompts.SOLVE_SYSTEM,
        role=SOLVER_AGENT,
        input_type=str,
        max_tokens=budget,
    )

    async def solve(sample: Sample, ctx: SolverContext) -> dict[str, Any]:
        from ethos.handbook import self_improve
        from ethos.handbook.conditioning import BehaviorHandbook
        from ethos.recording import current_scope

        method = str(ctx.arm.options.get("method", BASELINE))
        question = str(sample.input)
        agent_ctx = ctx.agent_context()
        if method == "conditioned":
            scope = current_scope()
            if scope is None:
                raise TaskError("the handbook/reuse solver runs inside an eval run", "use run_eval")
            book = BehaviorHandbook(
                scope.store,
                handbook,
                k=k,
                count_citations=False,
                count_retrievals=False,
                embedder="auto" if retrieval == "auto" else None,
            )
            result = await solver_agent.run_result(question, replace(agent_ctx, handbook=book))
            use = book.last(SOLVER_AGENT, question)
            right = check(result.output, str(sample.target))
            if use is not None:
                # once per sample: a resumed run that redoes it counts nothing twice
                once = None
                if scope.sample_pk is not None:
                    once = (scope.run_id, scope.sample_pk, scope.attempt)
                await book.record_outcome(use, 1.0 if right else 0.0, once=once)
            tokens = result.completion.usage.output_tokens
            return {
                "method": method,
                "answer": result.output,
                "output_tokens": tokens,
                "answer_tokens": tokens,
                "offered": use.names if use else [],
                "cited": list(use.cited) if use else [],
                "unknown": list(use.unknown) if use else [],
                "note": use.note if use else None,
            }
        first = await solver_agent.run_result(question, agent_ctx)
        r1 = self_improve.Attempt(
            text=first.output,
            output_tokens=first.completion.usage.output_tokens,
            input_tokens=first.completion.usage.input_tokens,
        )
        if method == BASELINE:
            return {
                "method": method,
                "answer": r1.text,
                "output_tokens": r1.output_tokens,
                "answer_tokens": r1.output_tokens,
            }
        if method == "self_improve":
            improved = await self_improve.behavior_guided(
                question,
                r1,
                ctx.complete,
                curator=ctx.role("curator"),
                max_tokens=budget,
                output_format=cast("OutputFormat", curation),  # checked against FORMATS
            )
        else:
            improved = await self_improve.critique_and_revise(
                question, r1, ctx.complete, max_tokens=budget
            )
        return {
            "method": method,
            "answer": improved.second.text,
            "first_answer": r1.text,
            "output_tokens": improved.output_tokens,
            "answer_tokens": improved.second.output_tokens,
            "extraction_tokens": improved.extraction_tokens,
            "offered": list(improved.second.offered),
            "cited": list(improved.second.cited),
            "behaviors": [
                {"name": b.name, "instruction": b.instruction} for b in improved.behaviors
            ],
            "note": improved.skipped,
        }

    @scorer("correct")
    def correct(sample: Sample, output: dict[str, Any], ctx: SolverContext) -> Score:
        """The final answer equals the target (exact value)."""
        from ethos.evals.handbook.problems import final_answer

        given = final_answer(str(output.get("answer") or ""))
        right = check(str(output.get("answer") or ""), str(sample.target))
        return Score(
            value=right,
            explanation=f"answered {given if given is not None else 'nothing'}, "
            f"expected {sample.target}",
        )

    @scorer("output_tokens")
    def output_tokens(sample: Sample, output: dict[str, Any], ctx: SolverContext) -> Score:
        """Every output token spent on the sample (both attempts and extraction)."""
        return Score(value=float(output.get("output_tokens") or 0))

    @scorer("answer_tokens")
    def answer_tokens(sample: Sample, output: dict[str, Any], ctx: SolverContext) -> Score:
        """The final answer's output tokens."""
        return Score(value=float(output.get("answer_tokens") or 0))

    @scorer("citations")
    def citations(sample: Sample, output: dict[str, Any], ctx: SolverContext) -> Score:
        """Behaviours offered in the prompt and named in the answer; null on
        arms that offer none."""
        if output.get("method") not in ("conditioned", "self_improve"):
            return Score(value=None, explanation="this arm offers no behaviours")
        offered, cited = output.get("offered") or [], output.get("cited") or []
        return Score(
            value={"offered": float(len(offered)), "cited": float(len(cited))},
            explanation=", ".join(cited) or output.get("note") or "no behaviour cited",
            metadata={"cited": cited, "unknown": output.get("unknown") or []},
        )

    needs_handbook = any(a["name"] == "conditioned" for a in arm_list)
    return Task(
        name="handbook/reuse",
        samples=samples,
        solver=solve,
        scorers=[correct, output_tokens, answer_tokens, citations],
        metadata={
            "arms": arm_list,
            "baseline": BASELINE,
            "arm_options": ("method",),
            "preflight": _preflight(handbook, needs_handbook),
        },
    )
