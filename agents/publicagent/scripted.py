"""A scripted stand-in for PublicAgent's model: rules, not a language model.

It lets the pipeline run end to end with no model at all (``make demo``,
tests, CI): it recognises each agent by the first line of its
instructions and answers with simple rules: no clarifications beyond a
small list of vague words, the first candidate data set, a summary query
over the numeric columns the question names (a grouped one when the table
has a text column), and a report that quotes the results. Every answer it
gives is marked scripted, like any ``script/`` model's, and must never be
reported as a model's behaviour.
"""

from __future__ import annotations

import json
import re
from typing import Any

from ethos.models.script import Script, ScriptRequest, register_script

MODEL = "script/publicagent-rules"

_VAGUE = {
    "recent": "the most recent years in the data",
    "recently": "in the most recent years in the data",
    "young": "aged under 30",
    "old": "aged 65 or over",
    "adults": "aged 18 or over",
    "big": "above the median size",
    "large": "above the median size",
    "heavy": "above the median weight",
    "heavier": "higher weight",
    "expensive": "above the median price",
    "a lot": "above the median",
    "often": "in more than half of the records",
}
_NUMERIC = re.compile(r"INT|DOUBLE|FLOAT|DECIMAL|REAL|NUMERIC|BIGINT|HUGEINT", re.I)
_TABLE = re.compile(r"CREATE TABLE (\w+) \((.*)\);", re.S)


def respond(request: ScriptRequest) -> str:
    system = str(request.messages[0].get("content", "")) if request.messages else ""
    user = str(request.messages[-1].get("content", ""))
    first = system.splitlines()[0] if system else ""
    if "intent clarifier" in first:
        return json.dumps(_clarify(_field(user, "Question")))
    if "data discovery" in first:
        ids = re.findall(r"^- id: (\S+)", user, re.M)
        return json.dumps({"chosen": ids[:1], "reason": "the best-ranked candidate"})
    if "data analysis" in first:
        return json.dumps(_plan(_field(user, "Question"), user, "previous queries failed" in user))
    if "report writer" in first:
        return json.dumps(_report(user))
    return "I am a scripted stand-in for PublicAgent's agents and do not know this request."


def _field(text: str, name: str) -> str:
    match = re.search(rf"^{name}: (.*)$", text, re.M)
    return match.group(1).strip() if match else ""


def _clarify(question: str) -> dict[str, Any]:
    lowered = question.lower()
    terms = [
        {"term": word, "issue": "vague threshold or scope", "proposal": meaning}
        for word, meaning in _VAGUE.items()
        if re.search(rf"\b{re.escape(word)}\b", lowered)
    ]
    return {"restated_question": question, "vague_terms": terms}


def _columns(schema: str) -> list[tuple[str, str, str]]:
    """(table, column, type) for every column in the sandbox's schema text."""
    found = []
    for table, body in _TABLE.findall(schema):
        for part in re.split(r",\s*(?=\"|\w)", body):
            match = re.match(r'\s*"?([^"]+?)"?\s+([A-Z][A-Z0-9_() ,]*)$', part.strip())
            if match:
                found.append((table, match.group(1), match.group(2)))
    return found


def _plan(question: str, prompt: str, retry: bool) -> dict[str, Any]:
    columns = _columns(prompt)
    if not columns:
        return {"experiments": [{"goal": "count the rows", "sql": "SELECT 1 AS n"}]}
    table = columns[0][0]
    own = [(c, t) for tb, c, t in columns if tb == table]
    words = [w.strip(".") for w in re.findall(r"[a-z0-9_.]+", question.lower())]
    numeric = [c for c, t in own if _NUMERIC.search(t) and c.lower() != "rownames"]
    # In the order the question names them, so "wt and mpg" correlates wt with mpg.
    named = sorted((c for c in numeric if c.lower() in words), key=lambda c: words.index(c.lower()))
    named = named or numeric
    text = [c for c, t in own if not _NUMERIC.search(t) and c.lower() != "rownames"]
    group = next((c for c in text if c.lower() in words), text[0] if text else None)
    experiments = []
    if named:
        a = named[0]
        parts = [
            "COUNT(*) AS n",
            f'ROUND(AVG("{a}"), 4) AS "mean_{a}"',
        ]
        if len(named) > 1:
            b = named[1]
            parts += [
                f'ROUND(AVG("{b}"), 4) AS "mean_{b}"',
                f'ROUND(CORR("{a}", "{b}"), 4) AS "corr_{a}_{b}"',
            ]
        summary = f'SELECT {", ".join(parts)} FROM "{table}"'
        experiments.append({"goal": f"summarise {', '.join(named[:2])}", "sql": summary})
        if group and not retry:
            experiments.append(
                {
                    "goal": f"mean {a} by {group}",
                    "sql": f'SELECT "{group}", COUNT(*) AS n, ROUND(AVG("{a}"), 4) AS "mean_{a}" '
                    f'FROM "{table}" GROUP BY "{group}" ORDER BY "{group}" LIMIT 30',
                }
            )
    else:
        experiments.append(
            {"goal": "count the rows", "sql": f'SELECT COUNT(*) AS n FROM "{table}"'}
        )
    return {"experiments": experiments}


def _report(prompt: str) -> dict[str, Any]:
    question = _field(prompt, "Question")
    datasets = _field(prompt, "Data sets")
    findings = prompt.split("Findings:", 1)[-1].strip()
    rows = [line for line in findings.splitlines() if line.startswith("|") and "---" not in line]
    values = [cell.strip() for row in rows[1:2] for cell in row.strip("|").split("|")]
    header = [cell.strip() for row in rows[:1] for cell in row.strip("|").split("|")]
    shown = ", ".join(f"{h} = {v}" for h, v in zip(header, values, strict=False)) or "no numbers"
    return {
        "title": f"What the data says: {question}",
        "lay_summary": f"We answered the question with the data sets {datasets}. "
        f"The main figures are {shown}.",
        "definitions": "n: the number of records. mean: the average. corr: Pearson correlation.",
        "results": "The queries and their exact results are listed below.",
        "limitations": "Written by a scripted stand-in for a model: the wording is generic, "
        "and the data sets are small historical samples.",
        "conclusion": f"See the figures above ({shown}).",
    }


def register() -> str:
    """Register the rules as ``script/publicagent-rules`` and return that name."""
    return register_script(MODEL.split("/", 1)[1], Script(respond, description="PublicAgent rules"))
