# ruff: noqa: E501  (scripted wordings: one a line)
"""TEST DOUBLE: a scripted curator for the handbook's tests
(``script/test-curator``). It answers the reflection and extraction calls
with fixed rules: one behaviour per topic it recognises in the problem
(units, fractions, percentages, averages), worded in one of three ways
chosen by a hash of the question, so that deduplication sees the same
behaviour proposed under the same name, in other words, and under another
name. A problem mentioning "blank" yields a behaviour with no instruction
(the handbook must reject it). Its answers say nothing about any model."""

from __future__ import annotations

import json
import re
import zlib

from ethos.models.script import Script, ScriptRequest, register_script

NAME = "test-curator"
MODEL = f"script/{NAME}"

# topic -> (words that mark it, [(name, instruction), ...] three wordings)
TOPICS: dict[str, tuple[tuple[str, ...], list[tuple[str, str]]]] = {
    "units": (
        ("km", "metres", "minutes", "hours", "grams"),
        [
            (
                "behavior_convert_units_first",
                "Convert every quantity to the same unit before adding or comparing them.",
            ),
            (
                "behavior_convert_units_first",
                "Convert all quantities to one unit before you add or compare them.",
            ),
            (
                "behavior_units_before_adding",
                "Convert every quantity to the same unit before adding or comparing them, first.",
            ),
        ],
    ),
    "fractions": (
        ("/", "fraction"),
        [
            (
                "behavior_common_denominator",
                "Rewrite fractions over a common denominator before adding or subtracting them.",
            ),
            (
                "behavior_common_denominator",
                "Put the fractions over one common denominator before adding or subtracting.",
            ),
            (
                "behavior_lcd_before_adding",
                "Rewrite the fractions over a common denominator before adding or subtracting them.",
            ),
        ],
    ),
    "percentages": (
        ("%", "percent"),
        [
            (
                "behavior_percent_as_decimal",
                "Turn a percentage into a decimal by dividing it by 100 before multiplying.",
            ),
            (
                "behavior_percent_as_decimal",
                "Write the percentage as a decimal, dividing by 100, before multiplying.",
            ),
            (
                "behavior_percentage_to_decimal",
                "Turn a percentage into a decimal by dividing it by 100 before you multiply.",
            ),
        ],
    ),
    "averages": (
        ("average", "mean"),
        [
            (
                "behavior_mean_sum_over_count",
                "Compute the mean by adding all the values and dividing by how many there are.",
            ),
            (
                "behavior_mean_sum_over_count",
                "Add up the values and divide the total by their count to get the mean.",
            ),
            (
                "behavior_average_sum_over_count",
                "Compute the mean by adding all the values and dividing by how many values there are.",
            ),
        ],
    ),
}


def topics(text: str) -> list[str]:
    low = text.lower()
    return [t for t, (words, _) in TOPICS.items() if any(w in low for w in words)]


def _problem(request: ScriptRequest) -> str:
    user = str(request.messages[-1].get("content", ""))
    match = re.search(r"Problem:\n(.*?)\n\n", user, re.S)
    return match.group(1) if match else user


def respond(request: ScriptRequest) -> str:
    title = (request.schema or {}).get("title")
    problem = _problem(request)
    if title == "Reflection":
        return json.dumps(
            {"correct": True, "mistakes": "none", "shortcuts": ["name the topic's usual step"]}
        )
    if title == "Extraction":
        variant = zlib.crc32(problem.encode()) % 3
        found = [
            {"name": TOPICS[t][1][variant][0], "instruction": TOPICS[t][1][variant][1], "tags": [t]}
            for t in topics(problem)
        ]
        if "blank" in problem.lower():
            found.append({"name": "behavior_blank", "instruction": "   ", "tags": []})
        return json.dumps({"behaviors": found})
    return "The scripted curator answers only reflection and extraction calls."


def register() -> str:
    return register_script(NAME, Script(respond, description="handbook test curator"))
