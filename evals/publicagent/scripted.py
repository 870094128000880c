"""TEST DOUBLES: a scripted grader and judge for PublicAgent's evaluation.

``script/publicagent-grader`` answers both the grader and the judge of
:mod:`ethos.evals.publicagent.tasks` with fixed rules, so the evaluation
runs end to end with no model (tests, demos). Its grades say nothing about
any answer's quality; every call it answers is marked scripted, and so is
every report of a run that used it.

Rules. The grader reads the answer between its markers: a failure report
scores 1-2 everywhere; otherwise accuracy is 8 with a results table (a
Markdown table of query results) that names a data set or column the answer
hint names (``in mtcars``, ``(wt)``), 5 with a table that names none, 3
without a table, completeness 2 plus one per
report section (``## ...``, at most 10), relevance 1 plus 9 times the share
of the question's longer words found in the answer, coherence 8 for a
titled report of at least four sections, else 5. The judge prefers the
answer without a failure, then the one with more non-empty sections, then
the one with a results table; otherwise a tie.
"""

from __future__ import annotations

import json
import re
from typing import Any

from ethos.models.script import Script, ScriptRequest, register_script

MODEL = "script/publicagent-grader"
FAILED = "PublicAgent could not answer"

_TABLE_ROW = re.compile(r"^\|.*\|\s*$", re.M)
_SECTION = re.compile(r"^## .*$", re.M)
_WORD = re.compile(r"[a-z]{4,}")
_COMMON = {"the", "a", "an", "each", "every", "all", "which", "one", "two", "years"}


def _between(text: str, start: str, end: str) -> str:
    _, found, rest = text.partition(start)
    return rest.partition(end)[0].strip() if found else ""


def _field(text: str, name: str) -> str:
    match = re.search(rf"^{name}: (.*)$", text, re.M)
    return match.group(1).strip() if match else ""


def _sections(answer: str) -> int:
    """Report sections (``## heading``) with some text under them."""
    parts = _SECTION.split(answer)[1:]
    return sum(1 for body in parts if body.strip())


def hint_names(hint: str) -> set[str]:
    """The data set and column names a hint mentions: ``(wt)``, ``in mtcars``."""
    names = set(re.findall(r"\((\w[\w.]*)\)", hint)) | set(re.findall(r"\bin (\w[\w.]*)", hint))
    return names - _COMMON


def grade(question: str, answer: str, hint: str = "") -> dict[str, Any]:
    if FAILED in answer or not answer.strip():
        return {
            "accuracy": 1,
            "completeness": 1,
            "relevance": 2,
            "coherence": 2,
            "justification": "scripted rules: the pipeline failed, no answer was given",
        }
    table = bool(_TABLE_ROW.search(answer))
    named = hint_names(hint)
    on_target = not named or any(re.search(rf"\b{re.escape(n)}\b", answer, re.I) for n in named)
    sections = _sections(answer)
    words = set(_WORD.findall(question.lower()))
    found = sum(1 for w in words if w in answer.lower())
    relevance = 1 + round(9 * found / len(words)) if words else 5
    titled = answer.lstrip().startswith("# ")
    return {
        "accuracy": (8 if on_target else 5) if table else 3,
        "completeness": min(10, 2 + sections),
        "relevance": relevance,
        "coherence": 8 if titled and sections >= 4 else 5,
        "justification": f"scripted rules: results table {'yes' if table else 'no'}, "
        f"names the hint's data {'yes' if on_target else 'no'}, "
        f"{sections} sections, {found} of {len(words)} question words",
    }


def _strength(answer: str) -> tuple[int, int, int]:
    return (
        int(FAILED not in answer and bool(answer.strip())),
        _sections(answer),
        int(bool(_TABLE_ROW.search(answer))),
    )


def judge(a: str, b: str) -> dict[str, str]:
    sa, sb = _strength(a), _strength(b)
    if sa == sb:
        return {
            "winner": "tie",
            "reason": "scripted rules: no difference in failure, sections or tables",
        }
    winner = "A" if sa > sb else "B"
    return {
        "winner": winner,
        "reason": f"scripted rules: (no failure, sections, table) A={sa} B={sb}",
    }


def respond(request: ScriptRequest) -> str:
    system = str(request.messages[0].get("content", "")) if request.messages else ""
    user = next(
        (str(m.get("content", "")) for m in request.messages if m.get("role") == "user"), ""
    )
    first = system.splitlines()[0] if system else ""
    if first.startswith("You grade answers"):
        answer = _between(user, "=== Answer ===", "=== End of answer ===")
        hint = _field(user, "Hint at the computation that answers it")
        return json.dumps(grade(_field(user, "Question"), answer, hint))
    if first.startswith("You compare two answers"):
        a = _between(user, "=== Answer A ===", "=== End of answer A ===")
        b = _between(user, "=== Answer B ===", "=== End of answer B ===")
        return json.dumps(judge(a, b))
    return "I am a scripted grader for PublicAgent's evaluation and do not know this request."


def register() -> str:
    """Register the rules as ``script/publicagent-grader``; returns that name."""
    return register_script(
        MODEL.split("/", 1)[1], Script(respond, description="PublicAgent grader and judge (rules)")
    )
