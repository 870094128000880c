"""ethos' own suites, declared as plug-ins like anyone else's.

pyproject's ``[project.entry-points."ethos.suites"]`` names each of these;
importing this module is cheap (the task and report modules load only when
tasks are listed or a run of the suite is reported).
"""

from __future__ import annotations

from ethos.evals.suite import Suite

GAMES = Suite(
    name="games",
    tasks=("ethos.evals.games.tasks",),
    report="ethos.evals.games.report:SECTION",
    description="repeated 2x2 games after Akata et al. (2025)",
)

MOE = Suite(
    name="moe",
    tasks=("ethos.evals.moe_tasks",),
    description="MoTE: switch a profile's top experts off and measure a behaviour",
)

PUBLICAGENT = Suite(
    name="publicagent",
    tasks=("ethos.evals.publicagent.tasks",),
    report="ethos.evals.publicagent.report:SECTION",
    description="PublicAgent's own evaluation (Montazeri et al., 2025)",
)

HANDBOOK = Suite(
    name="handbook",
    tasks=("ethos.evals.handbook.tasks",),
    report="ethos.evals.handbook.report:SECTION",
    description="behaviour reuse after Didolkar et al. (2025): conditioned, self-improved, "
    "critique-and-revise",
)

CODA = Suite(
    name="coda",
    tasks=("ethos.evals.coda.tasks",),
    report="ethos.evals.coda.report:SECTION",
    description="CODA after Sun et al. (2025): a planner and an executor in applications",
)

PERSONALITY = Suite(
    name="personality",
    tasks=("ethos.evals.personality.tasks",),
    report="ethos.evals.personality.report:SECTION",
    description="Big Five measured and changed three ways (persona prompt, steering, LoRA), "
    "priced by within-run Delta after Handa et al. (2025)",
)

SCHEMING = Suite(
    name="scheming",
    tasks=("ethos.evals.scheming.tasks",),
    report="ethos.evals.scheming.report:SECTION",
    description="in-context scheming after Meinke et al. (2024): six agentic evaluations in a "
    "bubblewrap sandbox, follow-up interrogation",
)
