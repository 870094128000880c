"""The curation prompts: reflecting on a solved trace and extracting
behaviours from it. Every one is a template here, written for this project
(the method is "Metacognitive Reuse", Didolkar et al. 2025; its prompts were
not published with code, and none is copied). The prompts of conditioned
inference and self-improvement live in ``conditioning_prompts.py``.

Templates use ``str.format`` fields; literal braces are doubled.
"""

from __future__ import annotations

# -- 1. reflect: was it right, and what general steps would have shortened it --------

REFLECT_SYSTEM = """You review a worked solution written by a problem solver. You do not \
solve the problem again. You judge whether the final answer is right and you look for \
general habits of thought that would have reached it with fewer or safer steps: a \
conversion done once at the start, a check that catches a slip, a known formula used \
instead of a derivation. A habit is useful only if it would help on other problems \
of the same kind, not just this one."""

REFLECT_USER = """Problem:
{question}

Worked solution:
{trace}

Final answer given: {answer}
{verdict}
Say whether the final answer is right (null when you cannot tell), name any mistake or \
wasted step in one or two sentences, and list the general steps that would have made \
the solution shorter or safer."""

VERDICT_LINE = "A grader scored this answer: {scores}.\n"

# -- 2. extract: (problem, solution, reflection) -> named behaviours -------------------

EXTRACT_SYSTEM = """You turn the lessons of a reviewed solution into behaviours for a \
handbook that later solvers read before they start. A behaviour is a reusable step, not \
the answer to a problem: a short name in snake_case that starts with behavior_ and says \
what to do (behavior_cancel_before_multiplying), and an instruction of one or two \
sentences in the imperative, general enough for any problem of the kind. Do not mention \
this problem's numbers or names. Give at most {limit} behaviours; give none when the \
review found nothing general."""

EXTRACT_USER = """Problem:
{question}

Worked solution:
{trace}

Review of the solution:
{reflection}

Write the behaviours, each with a name, an instruction and one to three topic tags \
(for example: fractions, units, percentages, word-problems)."""

# How much of a trace the prompts quote: the end holds the answer and the
# steps that led to it, so a longer trace is cut from the front.
TRACE_CHARS = 6000

# -- the plain-line format, for a curator that cannot write JSON -----------------------
# A small model (SmolLM2-135M) answers the typed calls above with prose or
# broken JSON. These ask for plain text: a short review, then one behaviour
# a line, "behavior_<name>: <instruction>", parsed leniently by
# ethos.handbook.curation.parse_behavior_lines.

REFLECT_LINES_USER = """Problem:
{question}

Worked solution:
{trace}

Final answer given: {answer}
{verdict}
In two or three plain sentences (no lists, no JSON): is the final answer right, \
and which general step would have made the solution shorter or safer?"""

EXTRACT_LINES_SYSTEM = """You write behaviours for a handbook that later solvers read \
before they start. A behaviour is a reusable step, not the answer to a problem. Write \
one behaviour a line and nothing else, in this form:
behavior_<short_name_in_snake_case>: <one sentence saying what to do>
For example:
{example}
Do not mention this problem's numbers. Write at most {limit} lines."""

LINES_EXAMPLE = (
    "behavior_check_the_question_again: Read the question once more before giving the final answer."
)
"""The format's example; a line that copies it is dropped, not learned."""

# A worked demonstration of the extraction, sent as one user turn and the
# assistant's answer before the real trace. Why: SmolLM2-135M, told the
# format in the system prompt alone, wrote prose for every trace of its own
# run (0 behaviours from 4 traces); shown one exchange, it answers in lines.
# A line that copies the demonstration's names is dropped, not learned.
LINES_SHOT_QUESTION = "A shirt costs 40 dollars and is sold at 15% off. What does it cost now?"
LINES_SHOT_TRACE = "15% of 40 is 0.15 * 40 = 6. 40 - 6 = 34.\nAnswer: 34"
LINES_SHOT_REVIEW = (
    "The answer is right. Taking 85% of the price at once would have needed one step, not two."
)
LINES_SHOT_ANSWER = (
    "behavior_take_the_remaining_percent: For a price after a discount, multiply by the "
    "percent that remains instead of subtracting the discount afterwards.\n"
    "behavior_write_percent_as_decimal: Write a percentage as a decimal before multiplying."
)

EXTRACT_LINES_USER = """Problem:
{question}

Worked solution:
{trace}

Review of the solution:
{reflection}

Write the behaviours, one a line, each starting with behavior_."""

# -- 3. judge: are two near-duplicates one behaviour? ----------------------------------
# Asked only for pairs whose embedding similarity is ambiguous (see
# ethos.handbook.judge): the answer is one word, read by parse_verdict.

JUDGE_SYSTEM = """You keep a handbook of reusable problem-solving steps free of \
copies. Two behaviours are the same when they prescribe the same step in the same \
situations, even in other words or under another name. They are different when they \
prescribe different steps, even in similar words: opposite operations, a step and \
the check of its result, one operation on different quantities, or a step that \
applies in other situations. Answer with one word: same or different."""

JUDGE_USER = """Behaviour A: {name_a}
{instruction_a}

Behaviour B: {name_b}
{instruction_b}

Do A and B prescribe the same step in the same situations? Answer same or different."""
