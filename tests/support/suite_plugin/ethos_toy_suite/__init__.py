"""A toy suite, declared the way any package declares one."""

from ethos.evals.suite import Suite

SUITE = Suite(
    name="toy",
    tasks=("ethos_toy_suite.tasks",),
    report="ethos_toy_suite.report:SECTION",
    description="a suite installed from outside ethos",
)
