"""The prompts of behaviour-conditioned inference, self-improvement and the
``handbook/reuse`` eval: every one a template here, written for this
project (the paper's own prompts were not published with code).

Templates use ``str.format`` fields; literal braces are doubled.
"""

from __future__ import annotations

# -- behaviour-conditioned inference (ethos.handbook.conditioning) ------------------

GUIDANCE = """Behaviours from the handbook "{handbook}": short, named steps that worked on \
similar tasks before.
{behaviors}
Use a behaviour only where it helps. When you apply one, name it where you use it, \
for example "({example})", so a reader can see which you used. Do not name behaviours \
you did not use."""

BEHAVIOR_LINE = "- {name}: {instruction}"

# -- solving a checked problem (ethos.handbook.self_improve, evals/handbook) ---------

SOLVE_SYSTEM = """You solve short maths problems. Work in brief steps, then finish with \
one line of the form "Answer: <number>", giving an integer, a decimal, or a fraction \
a/b in lowest terms."""

# Critique-and-revise: the baseline the behaviour-guided second attempt is compared with.
CRITIQUE_SYSTEM = """You check a solution to a short maths problem. Go through it step by \
step, say where it goes wrong if it does, then write a corrected solution. Finish with \
one line of the form "Answer: <number>", giving an integer, a decimal, or a fraction \
a/b in lowest terms."""

CRITIQUE_USER = """Problem: {question}

Earlier solution:
{attempt}

Check the earlier solution and write the corrected one."""
