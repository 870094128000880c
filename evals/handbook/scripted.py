"""TEST DOUBLE: a scripted solver and curator for ``handbook/reuse``.

``script/handbook-solver`` answers the eval's problems, critiques, and the
handbook's reflection and extraction prompts with fixed rules, so the
eval, the self-improvement arms, the SFT export and the demo run end to end
with no model. It looks answers up in the shipped problem set (it is an
oracle with planted mistakes, not a solver); its figures say nothing about
any model, and every call it answers is marked scripted, as is every report
of a run that used it.

Rules (``h`` is a stable hash of the question):

- plain solve: a long worked answer, wrong (the target plus one) when
  ``h % 4 == 0``;
- with behaviours in the prompt: a short answer naming the first offered
  behaviour that fits the kind of problem (else the first offered), wrong only when
  ``h % 8 == 0``; it also names one behaviour that was not offered when
  ``h % 16 == 1`` (so unknown citations are exercised);
- critique of an attempt: a medium-length corrected answer, always right;
- the handbook's reflection and extraction (structured output): one
  behaviour per kind of problem it recognises in the question, from
  :data:`BEHAVIORS`.
"""

from __future__ import annotations

import json
import re
import zlib
from fractions import Fraction
from functools import cache
from typing import Any

from ethos.models.script import Script, ScriptRequest, register_script

NAME = "handbook-solver"
MODEL = f"script/{NAME}"

# (kind, the words that mark it in a question, name, instruction)
BEHAVIORS = (
    (
        "temperature",
        ("celsius", "fahrenheit"),
        "behavior_celsius_to_fahrenheit",
        "Multiply the Celsius value by 9/5 and then add 32; do the multiplication first.",
    ),
    (
        "units",
        ("convert", "kilometres", "metres", "minutes", "hours", "grams", "kilograms"),
        "behavior_convert_with_one_factor",
        "Write the factor between the two units (1 km = 1000 m, 1 h = 60 min, 1 kg = 1000 g) "
        "and multiply or divide by it once.",
    ),
    (
        "fractions",
        ("/", "fraction"),
        "behavior_common_denominator_then_reduce",
        "Put fractions over their least common denominator before adding or subtracting, "
        "then divide numerator and denominator by their greatest common divisor.",
    ),
    (
        "percent",
        ("percent",),
        "behavior_percent_as_multiplier",
        "Turn a reduction of p percent into one multiplication by (100 - p)/100.",
    ),
    (
        "rate",
        ("per hour", "travels"),
        "behavior_rate_times_time_same_units",
        "Convert the time to the rate's unit first, then multiply rate by time.",
    ),
    (
        "word",
        ("trays", "shared", "sells", "children"),
        "behavior_name_quantities_then_equation",
        "Name each quantity of a word problem and write one equation linking them "
        "before computing.",
    ),
    (
        "arithmetic",
        ("compute", "evaluate", "what is", "squared"),
        "behavior_operations_in_order",
        "Work brackets first, then multiplication and division, then addition and subtraction.",
    ),
)
_OFFERED = re.compile(r"^- (behavior_[a-z0-9_]+): (.*)$", re.M)


@cache
def _answers() -> dict[str, str]:
    from ethos.evals.handbook.problems import load_problems

    return {p.question: p.answer for p in load_problems(split="all")}


def _hash(text: str) -> int:
    return zlib.crc32(text.encode())


def _wrong(answer: str) -> str:
    value = Fraction(answer) + 1
    return (
        str(value.numerator) if value.denominator == 1 else f"{value.numerator}/{value.denominator}"
    )


def _question(request: ScriptRequest) -> str:
    users = [m for m in request.messages if m.get("role") == "user"]
    return str(users[-1].get("content") or "") if users else ""


def _system(request: ScriptRequest) -> str:
    return "\n".join(
        str(m.get("content") or "") for m in request.messages if m.get("role") == "system"
    )


def kinds(question: str) -> list[tuple[str, str, str]]:
    """The (kind, name, instruction) of every behaviour that fits ``question``."""
    low = question.lower()
    return [(k, n, i) for k, words, n, i in BEHAVIORS if any(w in low for w in words)]


def _solve(question: str, offered: list[tuple[str, str]]) -> str:
    answer = _answers().get(question.strip())
    h = _hash(question.strip())
    if answer is None:
        return "I could not find the numbers this needs.\nAnswer: 0"
    if not offered:
        given = _wrong(answer) if h % 4 == 0 else answer
        steps = (
            "First I read the problem carefully and write down every number it gives. "
            "Then I decide which operations are needed and in which order, checking the "
            "units of each quantity as I go. I carry out each step one at a time, writing "
            "the intermediate results, and then I check the result against the question "
            "once more to be sure nothing was missed."
        )
        return f"{steps}\nAnswer: {given}"
    fitting = {name for _, name, _ in kinds(question)}
    best = next((name for name, _ in offered if name in fitting), offered[0][0])
    given = _wrong(answer) if h % 8 == 0 else answer
    extra = " (and behavior_guess_and_check)" if h % 16 == 1 else ""
    return f"Using {best}{extra}, the computation is direct.\nAnswer: {given}"


def _critique(text: str) -> str:
    question = text.partition("Problem: ")[2].partition("\n")[0]
    answer = _answers().get(question.strip(), "0")
    return (
        "I checked the earlier solution step by step and recomputed each operation "
        f"from the numbers in the problem.\nAnswer: {answer}"
    )


def _structured(request: ScriptRequest) -> str:
    """A reply to the handbook's reflection or extraction: whatever object
    the schema asks for, its behaviour lists filled from :data:`BEHAVIORS`."""
    text = _question(request)
    problem = re.search(r"Problem:\n(.*?)\n\n", text, re.S)  # the curation prompts' layout
    kind, _, name, instruction = BEHAVIORS[-1]
    found = kinds(problem.group(1) if problem else text) or [(kind, name, instruction)]
    behaviors = [{"name": n, "instruction": i, "tags": [k]} for k, n, i in found[:2]]
    schema = request.schema or {}
    return json.dumps(_fill(schema, schema, behaviors))


def _fill(schema: dict[str, Any], root: dict[str, Any], behaviors: list[dict[str, Any]]) -> Any:
    """A value of ``schema`` (a pydantic JSON schema): objects field by
    field, a list of objects with name and instruction as ``behaviors``,
    booleans true, strings a short sentence."""
    if "$ref" in schema:
        ref = schema["$ref"].rsplit("/", 1)[-1]
        return _fill(root.get("$defs", {}).get(ref, {}), root, behaviors)
    for key in ("anyOf", "oneOf", "allOf"):
        if key in schema:
            options = [s for s in schema[key] if s.get("type") != "null"]
            return _fill(options[0], root, behaviors) if options else None
    kind = schema.get("type")
    if kind == "object" or "properties" in schema:
        return {name: _fill(sub, root, behaviors) for name, sub in schema["properties"].items()}
    if kind == "array":
        items = schema.get("items", {})
        target = items
        if "$ref" in items:
            target = root.get("$defs", {}).get(items["$ref"].rsplit("/", 1)[-1], {})
        props = target.get("properties", {})
        if "name" in props and "instruction" in props:
            return [{k: v for k, v in b.items() if k in props} for b in behaviors]
        return []
    if kind == "boolean":
        return True
    if kind in ("integer", "number"):
        return 1
    return "The answer follows from the numbers by the steps named."


def respond(request: ScriptRequest) -> str:
    if request.schema is not None:
        return _structured(request)
    system = _system(request)
    if "You check a solution" in system:
        return _critique(_question(request))
    offered = _OFFERED.findall(system)
    return _solve(_question(request), offered)


def register() -> str:
    """Make ``script/handbook-solver`` answer (idempotent); returns the model string."""
    return register_script(NAME, Script(respond, description="handbook-solver test double"))
