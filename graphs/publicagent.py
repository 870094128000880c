"""The PublicAgent pipeline: intent -> discovery -> analysis -> report.

The orchestrator of Montazeri et al. (2025) runs the four agents in order,
validates each stage's output and retries a stage that failed. Here that is
a LangGraph graph: one node per stage (plus ``confirm``, where an
interactive run asks the person about the proposed clarifications through
an interrupt), a conditional edge after each stage that moves on, retries
the stage (at most ``MAX_STAGE_ATTEMPTS`` times; discovery widens its
search on a retry) or gives up with a failure report. State holds plain
JSON data, so every step checkpoints and a killed run continues where it
stopped without redoing finished stages.

Ablations (the paper's protocol) are part of the input: ``ablate="intent"``
skips clarification, ``"discovery"`` gives analysis a random data set,
``"analysis"`` reports from metadata alone, ``"report"`` returns the raw
findings without the report agent.
"""

from __future__ import annotations

import asyncio
import base64
import io
import operator
import random
from dataclasses import dataclass
from typing import Annotated, Any, Literal, TypedDict

from pydantic import BaseModel, ConfigDict, Field

from ethos.agents.agent import AgentContext
from ethos.agents.publicagent.agents import (
    ANALYSIS,
    DISCOVERY,
    INTENT,
    REPORT,
    AnalysisInput,
    Candidate,
    Clarification,
    DiscoveryInput,
    IntentInput,
    ReportInput,
)
from ethos.errors import EthosError

Ablation = Literal["none", "intent", "discovery", "analysis", "report"]
ABLATIONS: tuple[str, ...] = ("none", "intent", "discovery", "analysis", "report")
STAGES = ("clarify", "discover", "analyse", "report")
MAX_STAGE_ATTEMPTS = 2
MAX_SQL_TRIES = 3
MAX_DATASETS = 3
SEARCH_K = 8
WIDE_SEARCH_K = 25


class PublicAgentError(EthosError):
    """The question or the run's options are unusable."""


@dataclass(frozen=True)
class PublicAgentDeps:
    """What the pipeline reaches for besides models: the store holding the
    catalogue, and the sandbox's limits."""

    store: Any
    max_rows: int = 200
    sql_timeout_s: float = 10.0


def _merged(old: dict[str, Any] | None, new: dict[str, Any] | None) -> dict[str, Any]:
    return {**(old or {}), **(new or {})}


class PublicAgentState(TypedDict, total=False):
    question: str
    interactive: bool
    ablate: str
    seed: int
    clarification: dict[str, Any]
    question_used: str
    assumptions: list[str]
    datasets: list[dict[str, Any]]
    experiments: list[dict[str, Any]]
    report: dict[str, Any]
    attempts: dict[str, int]
    done: Annotated[list[str], operator.add]
    errors: Annotated[list[str], operator.add]
    failure: str | None
    # agent role -> {"model": the model that answered it, "scripted": a script/ model's}
    models: Annotated[dict[str, dict[str, Any]], _merged]


class ExperimentResult(BaseModel):
    model_config = ConfigDict(frozen=True)

    goal: str
    sql: str
    columns: list[str] = Field(default_factory=list)
    rows: list[list[Any]] = Field(default_factory=list)
    truncated: bool = False
    anomalies: list[str] = Field(default_factory=list)
    error: str | None = None
    table: str = ""

    @property
    def ok(self) -> bool:
        return self.error is None and bool(self.rows)


class PublicAgentAnswer(BaseModel):
    """What a finished run produced."""

    model_config = ConfigDict(frozen=True)

    question: str
    markdown: str
    sections: dict[str, str] = Field(default_factory=dict)
    chart_png: bytes | None = None
    datasets: list[dict[str, Any]] = Field(default_factory=list)
    experiments: list[ExperimentResult] = Field(default_factory=list)
    assumptions: list[str] = Field(default_factory=list)
    failure: str | None = None
    ablate: str = "none"
    models: dict[str, dict[str, Any]] = Field(default_factory=dict)

    @classmethod
    def from_state(cls, state: dict[str, Any]) -> PublicAgentAnswer:
        report = state.get("report") or {}
        chart = report.get("chart_png")
        return cls(
            question=state.get("question", ""),
            markdown=report.get("markdown", ""),
            sections=report.get("sections", {}),
            chart_png=base64.b64decode(chart) if chart else None,
            datasets=state.get("datasets", []),
            experiments=[ExperimentResult(**e) for e in state.get("experiments", [])],
            assumptions=state.get("assumptions", []),
            failure=state.get("failure"),
            ablate=state.get("ablate", "none"),
            models=state.get("models", {}),
        )


def start_state(
    question: str, *, interactive: bool = False, ablate: str = "none", seed: int = 0
) -> PublicAgentState:
    """The input of a run, checked: an empty question or an unknown ablation
    is refused before anything runs."""
    if not question or not question.strip():
        raise PublicAgentError("the question is empty", 'ask something, e.g. ethos ask "..."')
    if ablate not in ABLATIONS:
        raise PublicAgentError(
            f"unknown ablation {ablate!r}", f"use one of: {', '.join(ABLATIONS)}"
        )
    return {
        "question": question.strip(),
        "interactive": interactive,
        "ablate": ablate,
        "seed": seed,
        "attempts": {},
        "done": [],
        "errors": [],
        "failure": None,
    }


# -- the graph ---------------------------------------------------------------------


def build_graph() -> Any:
    """The PublicAgent StateGraph (compile it with ``GraphRuntime.compile``)."""
    from langgraph.graph import END, START, StateGraph

    builder = StateGraph(PublicAgentState, context_schema=AgentContext)
    builder.add_node("clarify", clarify)
    builder.add_node("confirm", confirm)
    builder.add_node("discover", discover)
    builder.add_node("analyse", analyse)
    builder.add_node("report", report)
    builder.add_node("fail", fail)
    builder.add_edge(START, "clarify")
    builder.add_conditional_edges("clarify", _route("clarify", "confirm"))
    builder.add_edge("confirm", "discover")
    builder.add_conditional_edges("discover", _route("discover", "analyse"))
    builder.add_conditional_edges("analyse", _route("analyse", "report"))
    builder.add_conditional_edges("report", _route("report", END))
    builder.add_edge("fail", END)
    return builder


def _route(stage: str, after: str) -> Any:
    def route(state: PublicAgentState) -> str:
        if stage in state.get("done", []):
            return after
        if state.get("attempts", {}).get(stage, 0) < MAX_STAGE_ATTEMPTS:
            return stage
        return "fail"

    route.__name__ = f"after_{stage}"
    return route


def _attempt(state: PublicAgentState, stage: str) -> tuple[int, dict[str, int]]:
    attempts = dict(state.get("attempts", {}))
    attempts[stage] = attempts.get(stage, 0) + 1
    return attempts[stage], attempts


def _failed(stage: str, attempts: dict[str, int], error: BaseException | str) -> dict[str, Any]:
    text = str(error).strip() or type(error).__name__
    if len(text) > 800:
        text = text[:799] + "…"
    return {"attempts": attempts, "errors": [f"{stage} (attempt {attempts[stage]}): {text}"]}


def _context(runtime: Any) -> AgentContext:
    ctx = runtime.context
    if not isinstance(ctx, AgentContext) or not isinstance(ctx.deps, PublicAgentDeps):
        raise PublicAgentError(
            "the PublicAgent graph was run without its context",
            "pass context=AgentContext(..., deps=PublicAgentDeps(store)) to the run",
        )
    return ctx


# -- stages ------------------------------------------------------------------------


async def clarify(state: PublicAgentState, runtime: Any) -> dict[str, Any]:
    """Intent clarification: vague terms and the proposed substitutions."""
    _, attempts = _attempt(state, "clarify")
    if state["ablate"] == "intent":
        return {
            "attempts": attempts,
            "done": ["clarify"],
            "clarification": {"restated_question": state["question"], "vague_terms": []},
        }
    try:
        result = await INTENT.run_result(IntentInput(question=state["question"]), _context(runtime))
    except (EthosError, ValueError) as exc:
        return _failed("clarify", attempts, exc)
    return {
        "attempts": attempts,
        "done": ["clarify"],
        "clarification": result.output.model_dump(),
        "models": _answered(INTENT, result),
    }


async def confirm(state: PublicAgentState) -> dict[str, Any]:
    """Ask the person about the proposals (interactive runs) or accept them
    and record them as assumptions (batch runs)."""
    from langgraph.types import interrupt

    found = Clarification(**state["clarification"])
    question = found.restated_question
    if not found.vague_terms:
        return {"question_used": question, "assumptions": []}
    proposals = [f"'{t.term}' taken as {t.proposal}" for t in found.vague_terms]
    if not state.get("interactive"):
        return {
            "question_used": question,
            "assumptions": [f"{p} (proposed by the intent agent, unconfirmed)" for p in proposals],
        }
    answer = interrupt(
        {
            "question": state["question"],
            "restated": question,
            "proposals": [t.model_dump() for t in found.vague_terms],
            "ask": "Accept these clarifications? Answer yes, or write the question as you mean it.",
        }
    )
    text = _answer_text(answer)
    if text.lower() in _ACCEPT:
        return {
            "question_used": question,
            "assumptions": [f"{p} (confirmed by the person)" for p in proposals],
        }
    if text.lower() in _DECLINE:
        return {
            "question_used": state["question"],
            "assumptions": ["the person declined the proposed clarifications"],
        }
    return {"question_used": text, "assumptions": [f"the person restated the question: {text}"]}


_ACCEPT = frozenset({"", "y", "yes", "ok", "accept", "true", "none"})
_DECLINE = frozenset({"n", "no", "reject", "decline", "false"})


def _answer_text(answer: Any) -> str:
    """The person's reply as text. ``None`` or ``True`` accepts and ``False``
    declines; a mapping's ``question``, ``answer``, ``text`` or ``accept``
    entry is read, and a mapping with none of them declines (its text is no
    question)."""
    if answer is None or answer is True:
        return "yes"
    if answer is False:
        return "no"
    if isinstance(answer, dict):
        for key in ("question", "answer", "text", "accept"):
            if key in answer and not isinstance(answer[key], dict):
                return _answer_text(answer[key])
        return "no"
    return str(answer).strip()


async def discover(state: PublicAgentState, runtime: Any) -> dict[str, Any]:
    """Hybrid retrieval over the catalogue, then the model picks; a retry
    widens the search to more candidates and the original wording."""
    from ethos.agents.publicagent.catalog import list_entries

    attempt, attempts = _attempt(state, "discover")
    ctx = _context(runtime)
    store = ctx.deps.store
    if state["ablate"] == "discovery":
        entries = await list_entries(store)
        if not entries:
            return _failed("discover", attempts, "the catalogue is empty")
        picked = random.Random(state.get("seed", 0)).choice(entries)
        return {"attempts": attempts, "done": ["discover"], "datasets": [_dataset(picked)]}
    question = state.get("question_used") or state["question"]
    try:
        candidates = await _candidates(store, question, state["question"], wide=attempt > 1)
        if not candidates:
            return _failed("discover", attempts, "the catalogue is empty; run ethos catalog ingest")
        result = await DISCOVERY.run_result(
            DiscoveryInput(question=question, candidates=list(candidates.values())), ctx
        )
    except (EthosError, ValueError) as exc:
        return _failed("discover", attempts, exc)
    picked = result.output
    chosen = [i for i in dict.fromkeys(picked.chosen) if i in candidates][:MAX_DATASETS]
    unknown = [i for i in picked.chosen if i not in candidates]
    if not chosen:
        why = f"ids not among the candidates: {unknown}" if unknown else "no candidate fits"
        failed = _failed("discover", attempts, f"no data set chosen ({why})")
        return {**failed, "models": _answered(DISCOVERY, result)}  # it answered, unusably
    from ethos.agents.publicagent.catalog import get_entry

    entries = [await get_entry(store, i) for i in chosen]
    return {
        "attempts": attempts,
        "done": ["discover"],
        "datasets": [_dataset(e) for e in entries],
        "models": _answered(DISCOVERY, result),
    }


async def _candidates(store: Any, question: str, original: str, *, wide: bool) -> dict[str, Any]:
    from ethos.agents.publicagent.catalog import get_entry
    from ethos.agents.publicagent.retrieval import open_index

    index = await open_index(store)
    k = WIDE_SEARCH_K if wide else SEARCH_K
    hits = await index.asearch(question, k=k)
    if wide and original != question:
        hits = [*hits, *(await index.asearch(original, k=k))]
    found: dict[str, Candidate] = {}
    for hit in hits:
        if hit.id in found:
            continue
        entry = await get_entry(store, hit.id)
        found[hit.id] = Candidate(
            id=entry.id,
            title=entry.title,
            columns=entry.column_names[:40],
            summary=_first_sentences(entry.description, 240),
        )
    return found


def _dataset(entry: Any) -> dict[str, Any]:
    return {"id": entry.id, "title": entry.title, "name": entry.name, "url": entry.url}


async def analyse(state: PublicAgentState, runtime: Any) -> dict[str, Any]:
    """Experiments as DuckDB SQL, run read-only; failures and anomalies go
    back to the model for at most ``MAX_SQL_TRIES`` rounds."""
    _, attempts = _attempt(state, "analyse")
    if state["ablate"] == "analysis":
        return {"attempts": attempts, "done": ["analyse"], "experiments": []}
    ctx = _context(runtime)
    try:
        sandbox = await _sandbox(ctx.deps, state["datasets"])
    except (EthosError, ValueError, OSError) as exc:
        return _failed("analyse", attempts, exc)
    question = state.get("question_used") or state["question"]
    kept: list[ExperimentResult] = []
    feedback = ""
    answered: dict[str, dict[str, Any]] = {}
    try:
        for _ in range(MAX_SQL_TRIES):
            result = await ANALYSIS.run_result(
                AnalysisInput(question=question, schema_text=sandbox.schema(), feedback=feedback),
                ctx,
            )
            plan, answered = result.output, _answered(ANALYSIS, result)
            results = [await _run_experiment(sandbox, e.goal, e.sql) for e in plan.experiments]
            kept.extend(r for r in results if r.ok)
            bad = [r for r in results if not r.ok]
            if kept and not bad:
                break
            feedback = "\n".join(
                f"- {r.goal}: {r.sql}\n  problem: {r.error or '; '.join(r.anomalies)}" for r in bad
            )
            if kept:
                break  # something answered: report it rather than loop on the rest
    except (EthosError, ValueError) as exc:
        return _failed("analyse", attempts, exc)
    finally:
        sandbox.close()
    if not kept:  # the model answered, with queries that failed: the report names it
        failed = _failed("analyse", attempts, f"no query returned rows; last problems:\n{feedback}")
        return {**failed, "models": answered}
    return {
        "attempts": attempts,
        "done": ["analyse"],
        "experiments": [r.model_dump() for r in kept],
        "models": answered,
    }


async def _sandbox(deps: PublicAgentDeps, datasets: list[dict[str, Any]]) -> Any:
    from ethos.agents.publicagent.catalog import get_entry, load_frame
    from ethos.agents.publicagent.sql import Sandbox

    frames = {}
    for item in datasets:
        entry = await get_entry(deps.store, item["id"])
        frames[entry.name] = await asyncio.to_thread(load_frame, entry)
    return Sandbox(frames, max_rows=deps.max_rows, timeout_s=deps.sql_timeout_s)


async def _run_experiment(sandbox: Any, goal: str, sql: str) -> ExperimentResult:
    from ethos.agents.publicagent.sql import SqlFailedError, SqlRefusedError

    try:
        result = await sandbox.arun(sql)
    except (SqlRefusedError, SqlFailedError) as exc:
        return ExperimentResult(goal=goal, sql=sql, error=str(exc))
    return ExperimentResult(
        goal=goal,
        sql=sql,
        columns=result.columns,
        rows=result.rows,
        truncated=result.truncated,
        anomalies=result.anomalies,
        table=result.as_markdown(limit=20),
    )


async def report(state: PublicAgentState, runtime: Any) -> dict[str, Any]:
    """The eight-section Markdown report, with the query results quoted
    verbatim under Results and a chart where a result has a few rows."""
    _, attempts = _attempt(state, "report")
    experiments = [ExperimentResult(**e) for e in state.get("experiments", [])]
    findings = _findings(state, experiments)
    try:
        chart = await asyncio.to_thread(_chart, experiments)
    except Exception:  # a chart is optional: an odd label must not lose the report
        chart = None
    if state["ablate"] == "report":
        raw = f"# {state['question']}\n\n{findings}\n"
        return {
            "attempts": attempts,
            "done": ["report"],
            "report": {"markdown": raw, "sections": {}, "chart_png": chart},
        }
    titles = [d["title"] for d in state.get("datasets", [])]
    try:
        result = await REPORT.run_result(
            ReportInput(
                question=state.get("question_used") or state["question"],
                assumptions=state.get("assumptions", []),
                datasets=titles,
                findings=findings,
            ),
            _context(runtime),
        )
    except (EthosError, ValueError) as exc:
        return _failed("report", attempts, exc)
    sections = _sections(state, result.output.model_dump(), experiments)
    markdown = _markdown(sections, chart is not None)
    return {
        "attempts": attempts,
        "done": ["report"],
        "report": {"markdown": markdown, "sections": sections, "chart_png": chart},
        "models": _answered(REPORT, result),
    }


async def fail(state: PublicAgentState) -> dict[str, Any]:
    """A stage failed every attempt: say which, and why, instead of a report."""
    stage = next(s for s in STAGES if s not in state.get("done", []))
    errors = "\n".join(f"- {e}" for e in state.get("errors", []))
    markdown = (
        f"# PublicAgent could not answer\n\n**Question:** {state['question']}\n\n"
        f"The {stage} stage failed after {MAX_STAGE_ATTEMPTS} attempts.\n\n{errors}\n"
    )
    return {"failure": stage, "report": {"markdown": markdown, "sections": {}, "chart_png": None}}


def _answered(agent: Any, result: Any) -> dict[str, dict[str, Any]]:
    """The model that gave ``agent``'s accepted answer, for the report's record."""
    return {agent.role: {"model": result.model, "scripted": bool(result.completion.scripted)}}


# -- writing -----------------------------------------------------------------------


_AGENT_TITLES = {
    "intent": "Intent clarification",
    "discovery": "Data set discovery",
    "analysis": "Analysis",
    "report": "Report",
}
_ABLATED = {
    "intent": "not run (ablated: the question was used as asked)",
    "discovery": "not run (ablated: a data set drawn at random)",
    "analysis": "not run (ablated: reported from the data sets' metadata alone)",
    "report": "not run (ablated: the raw findings, as the analysis left them)",
}
SCRIPTED_LABEL = "scripted: a rule-based test double, not a language model"


def models_markdown(answer: PublicAgentAnswer) -> str:
    """A "Models" section: which model answered each of the four agents,
    scripted ones labelled as such (their answers are no model's behaviour),
    ablated or unreached agents said to be so."""
    lines = ["## Models", ""]
    for role, title in _AGENT_TITLES.items():
        found = answer.models.get(role)
        if found:
            label = f" ({SCRIPTED_LABEL})" if found.get("scripted") else ""
            text = f"`{found['model']}`{label}"
        elif answer.ablate == role:
            text = _ABLATED[role]
        elif answer.failure is not None:
            text = "no answer (the run stopped before this agent answered)"
        else:
            text = "not recorded"
        lines.append(f"- {title}: {text}")
    return "\n".join(lines) + "\n"


def _findings(state: PublicAgentState, experiments: list[ExperimentResult]) -> str:
    if experiments:
        parts = []
        for e in experiments:
            note = f"\n\nNotes: {'; '.join(e.anomalies)}" if e.anomalies else ""
            parts.append(f"### {e.goal}\n\n```sql\n{e.sql}\n```\n\n{e.table}{note}")
        return "\n\n".join(parts)
    datasets = state.get("datasets", [])
    if datasets:  # the analysis ablation: what the metadata alone says
        return "No analysis was run. Data sets considered: " + "; ".join(
            d["title"] for d in datasets
        )
    return "No data set and no analysis."


def _sections(
    state: PublicAgentState, draft: dict[str, str], experiments: list[ExperimentResult]
) -> dict[str, str]:
    assumptions = state.get("assumptions", []) or ["none beyond the question as asked"]
    tables = "\n\n".join(f"**{e.goal}**\n\n{e.table}" for e in experiments) or _findings(
        state, experiments
    )
    anomalies = [a for e in experiments for a in e.anomalies]
    limitations = draft["limitations"]
    if anomalies:
        limitations += "\n\nChecks on the results: " + "; ".join(anomalies)
    links = [
        f"- [{d['title']}]({d['url']}) (`{d['id']}`)"
        if d.get("url")
        else f"- {d['title']} (`{d['id']}`)"
        for d in state.get("datasets", [])
    ]
    return {
        "title": draft["title"],
        "lay_summary": draft["lay_summary"],
        "assumptions": "\n".join(f"- {a}" for a in assumptions),
        "definitions": draft["definitions"] or "-",
        "results": f"{draft['results']}\n\n{tables}".strip(),
        "limitations": limitations,
        "conclusion": draft["conclusion"],
        "dataset_links": "\n".join(links) or "-",
    }


_HEADINGS = {
    "lay_summary": "Lay summary",
    "assumptions": "Assumptions",
    "definitions": "Definitions",
    "results": "Results",
    "limitations": "Limitations",
    "conclusion": "Conclusion",
    "dataset_links": "Data set links",
}


def _markdown(sections: dict[str, str], has_chart: bool) -> str:
    lines = [f"# {sections['title']}", ""]
    for key, heading in _HEADINGS.items():
        lines += [f"## {heading}", "", sections[key], ""]
        if key == "results" and has_chart:
            lines += ["![chart](chart.png)", ""]
    return "\n".join(lines)


def _chart(experiments: list[ExperimentResult]) -> str | None:
    """A bar chart of the first result with 2-30 rows of a label and a
    number (base64 PNG), or None when no result invites one."""
    for e in experiments:
        if not 2 <= len(e.rows) <= 30 or len(e.columns) < 2:
            continue
        numeric = [
            i
            for i in range(1, len(e.columns))
            if all(isinstance(r[i], int | float) and not isinstance(r[i], bool) for r in e.rows)
        ]
        if not numeric:
            continue
        import matplotlib

        matplotlib.use("Agg")
        from matplotlib.figure import Figure

        fig = Figure(figsize=(6, 3.5), dpi=100)
        ax = fig.add_subplot()
        ax.bar([_plain(r[0]) for r in e.rows], [float(r[numeric[0]]) for r in e.rows])
        ax.set_xlabel(_plain(e.columns[0]))
        ax.set_ylabel(_plain(e.columns[numeric[0]]))
        ax.set_title(_plain(e.goal[:70]))
        fig.tight_layout()
        buffer = io.BytesIO()
        fig.savefig(buffer, format="png")
        return base64.b64encode(buffer.getvalue()).decode()
    return None


def _plain(value: Any) -> str:
    """Text for a chart label: '$' escaped, so matplotlib does not read it as
    math (``$a_$`` or ``$\\x$`` in a value made saving the chart raise)."""
    return str(value).replace("$", r"\$")


def _first_sentences(text: str, limit: int) -> str:
    flat = " ".join(text.split())
    return flat if len(flat) <= limit else flat[: limit - 1] + "…"


# -- running a question ------------------------------------------------------------


async def answer_question(
    runtime: Any,
    question: str | None,
    *,
    ctx: AgentContext,
    thread_id: str,
    interactive: bool = False,
    ablate: str = "none",
    seed: int = 0,
    ask_person: Any = None,
    on_event: Any = None,
) -> PublicAgentAnswer:
    """Run one question to its report. ``question=None`` continues the
    unfinished thread ``thread_id``. In interactive runs each interrupt is
    put to ``ask_person`` (an async function of the interrupt's value that
    returns the person's answer); ``on_event`` sees every event."""
    graph = runtime.compile(build_graph(), name="publicagent")
    waiting: Any = None
    if question is None:
        state = await runtime.state(graph, thread_id)  # ThreadNotFoundError names it
        if state.finished:
            return PublicAgentAnswer.from_state(state.values)
        if state.interrupts:  # stopped at a question to the person (Ctrl-C at the prompt)
            waiting = state.interrupts[0].value
    events = (
        None
        if waiting is not None
        else runtime.stream(
            graph,
            None
            if question is None
            else start_state(question, interactive=interactive, ablate=ablate, seed=seed),
            thread_id=thread_id,
            context=ctx,
        )
    )
    while True:
        if events is not None:
            waiting = None
            async for event in events:
                if on_event is not None:
                    on_event(event)
                if event.kind == "interrupted":
                    waiting = event.value
        if waiting is None:
            break
        if ask_person is None:
            raise PublicAgentError(
                f"thread {thread_id!r} waits for a person's answer",
                "run it interactively, or without --interactive to accept the proposals",
            )
        reply = await ask_person(waiting)
        events = runtime.stream(graph, thread_id=thread_id, answer=reply, context=ctx)
    state = await runtime.state(graph, thread_id)
    return PublicAgentAnswer.from_state(state.values)
