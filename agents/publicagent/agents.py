"""PublicAgent's four agents: what each is asked, what each must return.

Montazeri, Feng and Sha (2025, arXiv 2511.03023) split answering a
question over open data into intent clarification, data discovery, data
analysis and reporting, each a specialised agent whose output the
orchestrator validates. Here each agent is an :class:`Agent` with pydantic
input and output types; the orchestration (order, validation, retries,
interrupts, ablations) is the graph in ``ethos.graphs.publicagent``.

The first line of each agent's instructions names the agent, so that logs,
traces and scripted test models can tell the stages apart.
"""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field

from ethos.agents.agent import Agent

REPORT_SECTIONS = (
    "title",
    "lay_summary",
    "assumptions",
    "definitions",
    "results",
    "limitations",
    "conclusion",
    "dataset_links",
)
"""The paper's eight report sections, in order."""


class _Data(BaseModel):
    model_config = ConfigDict(frozen=True)


# -- intent clarification ---------------------------------------------------------


class VagueTerm(_Data):
    term: str = Field(description="the words in the question that are vague")
    issue: str = Field(description="what is unclear: scope, threshold, time or place bounds")
    proposal: str = Field(description="a concrete substitution, e.g. 'adults' -> 'aged 18+'")


class Clarification(_Data):
    restated_question: str = Field(min_length=1, description="the question with proposals applied")
    vague_terms: list[VagueTerm] = Field(default_factory=list)


class IntentInput(_Data):
    question: str


INTENT = Agent(
    "intent",
    instructions=(
        "You are PublicAgent's intent clarifier.\n"
        "Read a person's question about public data. Find vague terms, missing scope, "
        "thresholds, and time or place bounds. For each, propose one concrete substitution "
        "a statistician could compute with (for example 'adults' -> 'aged 18 or over'). "
        "Then restate the question with your proposals applied. Do not answer it."
    ),
    role="intent",
    input_type=IntentInput,
    output_type=Clarification,
    prompt="Question: {question}",
)


# -- discovery --------------------------------------------------------------------


class Candidate(_Data):
    id: str
    title: str
    columns: list[str] = Field(default_factory=list)
    summary: str = ""


class Selection(_Data):
    chosen: list[str] = Field(
        default_factory=list,
        max_length=3,
        description="ids of the data sets that can answer the question (best first); "
        "empty when none can",
    )
    reason: str = ""


class DiscoveryInput(_Data):
    question: str
    candidates: list[Candidate]


def _discovery_prompt(data: DiscoveryInput) -> str:
    lines = [f"Question: {data.question}", "", "Candidate data sets:"]
    for c in data.candidates:
        lines.append(f"- id: {c.id}\n  title: {c.title}\n  columns: {', '.join(c.columns)}")
        if c.summary:
            lines.append(f"  about: {c.summary}")
    return "\n".join(lines)


DISCOVERY = Agent(
    "discovery",
    instructions=(
        "You are PublicAgent's data discovery agent.\n"
        "Given a question and candidate data sets found by search, choose the one to three "
        "data sets whose columns can answer it, best first, using their ids exactly as "
        "written. Choose none if no candidate has the needed columns."
    ),
    role="discovery",
    input_type=DiscoveryInput,
    output_type=Selection,
    prompt=_discovery_prompt,
)


# -- analysis ---------------------------------------------------------------------


class Experiment(_Data):
    goal: str = Field(description="what this query establishes, in one sentence")
    sql: str = Field(description="one DuckDB SELECT statement over the tables given")


class Plan(_Data):
    experiments: list[Experiment] = Field(min_length=1, max_length=4)


class AnalysisInput(_Data):
    question: str
    schema_text: str
    feedback: str = ""


def _analysis_prompt(data: AnalysisInput) -> str:
    text = f"Question: {data.question}\n\nTables (DuckDB):\n{data.schema_text}"
    if data.feedback:
        text += f"\n\nYour previous queries failed or looked wrong:\n{data.feedback}\nFix them."
    return text


ANALYSIS = Agent(
    "analysis",
    instructions=(
        "You are PublicAgent's data analysis agent.\n"
        "Split the question into one to four experiments. For each, write one read-only "
        "DuckDB SELECT over the tables given (use only their columns; write each name "
        "exactly as the schema shows it, double-quoted where it is, since some are SQL "
        'keywords such as "case" or "group"). Prefer queries whose result is '
        "small: aggregates, grouped means, correlations, counts."
    ),
    role="analysis",
    input_type=AnalysisInput,
    output_type=Plan,
    prompt=_analysis_prompt,
)


# -- report -----------------------------------------------------------------------


class ReportDraft(_Data):
    title: str = Field(min_length=1)
    lay_summary: str = Field(min_length=1, description="two or three plain sentences")
    definitions: str = Field(description="terms and measures used, one per line")
    results: str = Field(min_length=1, description="what the numbers show, quoting them")
    limitations: str = Field(min_length=1)
    conclusion: str = Field(min_length=1)


class ReportInput(_Data):
    question: str
    assumptions: list[str]
    datasets: list[str]
    findings: str


REPORT = Agent(
    "report",
    instructions=(
        "You are PublicAgent's report writer.\n"
        "Write a report for a member of the public from the findings given: a title, a lay "
        "summary, definitions, results, limitations and a conclusion. Quote numbers exactly "
        "as they appear in the findings; never invent one."
    ),
    role="report",
    input_type=ReportInput,
    output_type=ReportDraft,
    prompt=(
        "Question: {question}\n\nAssumptions: {assumptions}\n\nData sets: {datasets}\n\n"
        "Findings:\n{findings}"
    ),
)

AGENTS = {agent.name: agent for agent in (INTENT, DISCOVERY, ANALYSIS, REPORT)}
AGENT_ROLES: tuple[str, ...] = tuple(agent.role for agent in AGENTS.values())
"""The model roles of the four agents (``--model-role intent=...``)."""
