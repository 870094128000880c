"""The handbook step of ``ethos demo``: learn behaviours from a run, list
them, and reuse them in one conditioned answer, in a few seconds.

1. ``handbook/reuse`` on eight problems of its ``train`` split (an eval
   run, stored like any other);
2. the curator reflects on each stored trace and extracts behaviours into
   the handbook ``demo`` (deduplicated; provenance: that run's samples);
3. the solver agent answers one ``test`` problem with the handbook as its
   hook: the retrieved behaviours go into its prompt, the ones it names
   are counted, and its transcript records both (a run of its own).

Solver and curator are ``script/handbook-solver``, a TEST DOUBLE (the
printout says so), so the step needs no model and always takes the same
path; ranking is BM25, so it loads no embedding model either.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

HANDBOOK = "demo"
QUESTION_ID = "test-fractions-002"


@dataclass(frozen=True)
class HandbookDemo:
    train_run: str
    answer_run: str
    model: str
    added: list[str]
    merged: int
    behaviors: list[Any]  # ethos.handbook.behavior.Behavior, after the answer
    question: str
    answer: str
    offered: list[str]
    cited: list[str]
    correct: bool


async def handbook_demo(store: Any, settings: Any = None) -> HandbookDemo:
    from ethos.agents.agent import Agent, AgentContext
    from ethos.evals.handbook import scripted
    from ethos.evals.handbook.problems import check, load_problems
    from ethos.evals.handbook.tasks import SOLVER_AGENT
    from ethos.evals.run import EvalConfig, run_eval
    from ethos.evals.task import Arm
    from ethos.handbook import conditioning_prompts as prompts
    from ethos.handbook.conditioning import BehaviorHandbook
    from ethos.handbook.curation import extract_from_run
    from ethos.handbook.store import list_behaviors
    from ethos.recording import run_scope

    model = scripted.register()
    train = await run_eval(
        EvalConfig(
            task="handbook/reuse",
            task_args={"split": "train", "arms": "none", "limit": 8},
            arms=[Arm(name="demo", model=model)],
        ),
        store=store,
        progress=False,
        settings=settings,
    )
    extracted = await extract_from_run(
        store, train.run_id, model=model, handbook=HANDBOOK, embedder=None
    )
    problem = next(p for p in load_problems(split="test") if p.id == QUESTION_ID)
    book = BehaviorHandbook(store, HANDBOOK, k=3, embedder=None, count_citations=False)
    solver: Agent[str, str] = Agent(
        SOLVER_AGENT, instructions=prompts.SOLVE_SYSTEM, role=SOLVER_AGENT, input_type=str
    )
    run = await store.create_run(
        "handbook", name="one behaviour-conditioned answer", config={"model": model}
    )
    sample = await store.record_sample(run.id, problem.id, status="running", input=problem.question)
    try:
        with run_scope(store, run.id, sample_pk=sample.id) as scope:
            answer = await solver.run(
                problem.question, AgentContext(model=model, settings=settings, handbook=book)
            )
            await scope.written()
    except BaseException as exc:  # Ctrl-C included: the run is never left `running`
        failed = isinstance(exc, Exception)
        await store.finish_run(
            run.id, "failed" if failed else "cancelled", error=f"{type(exc).__name__}: {exc}"
        )
        raise
    use = book.last(SOLVER_AGENT, problem.question)
    right = check(answer, problem.answer)
    if use is not None:
        await book.record_outcome(use, 1.0 if right else 0.0)
    await store.record_sample(
        run.id,
        problem.id,
        input=problem.question,
        target=problem.answer,
        output={"answer": answer, "cited": list(use.cited) if use else []},
    )
    await store.finish_run(run.id, "succeeded")
    return HandbookDemo(
        train_run=train.run_id,
        answer_run=run.id,
        model=model,
        added=extracted.added,
        merged=len(extracted.merged),
        behaviors=await list_behaviors(store, HANDBOOK),
        question=problem.question,
        answer=answer,
        offered=use.names if use else [],
        cited=list(use.cited) if use else [],
        correct=right,
    )


def print_handbook_demo(console: Any, found: HandbookDemo) -> bool:
    """Print the step; True when it failed (no behaviour learned or cited)."""
    from rich.table import Table
    from rich.text import Text

    console.print(
        f"\n[bold]behaviour handbook[/] (handbook {HANDBOOK!r}): behaviours extracted from the "
        f"traces of eval run {found.train_run[:12]} (handbook/reuse, train split), "
        f"{len(found.added)} added, {found.merged} merged into near-duplicates"
    )
    table = Table(box=None, header_style="bold")
    for column in ("behaviour", "instruction", "from", "retrieved", "cited"):
        table.add_column(column, overflow="fold")
    for b in found.behaviors:
        samples = sorted({p.sample_id for p in b.provenance if p.sample_id})
        shown = ", ".join(samples[:2]) + (f" +{len(samples) - 2}" if len(samples) > 2 else "")
        table.add_row(
            Text(b.name), Text(b.instruction), Text(shown), str(b.retrieved), str(b.cited)
        )
    console.print(table)
    console.print(Text(f"  question: {found.question}"))
    console.print(Text(f"  offered: {', '.join(found.offered) or 'none'}"))
    console.print(Text("  answer: " + found.answer.replace("\n", " / ")))
    console.print(
        Text(
            f"  cited: {', '.join(found.cited) or 'none'}; "
            f"{'right' if found.correct else 'wrong'} (run {found.answer_run[:12]}: "
            f"ethos runs show {found.answer_run[:12]} --sample {QUESTION_ID})"
        )
    )
    console.print(
        f"  solver and curator: {found.model} (scripted: a rule-based test double; "
        "`ethos eval run handbook/reuse -m provider/model` measures a real one)"
    )
    return not found.added or not found.cited
