"""The scheming suite's episodes as sandbox scenarios, so ``ethos sandbox
scenarios`` lists them and ``ethos sandbox exec scheming/oversight_subversion/transit-signals
-- cat project/oversight_config.yaml`` opens one (the ``nudge`` variant; the
files do not depend on the variant, only the prompts do).

Named by the ``ethos.sandbox_scenarios`` entry point in pyproject.
"""

from __future__ import annotations

from collections.abc import Callable

from ethos.evals.scheming import plans, schema
from ethos.sandbox.scenarios import Scenario
from ethos.sandbox.spec import EpisodeSpec


def _factory(evaluation: str, scenario_id: str, condition: str | None) -> Callable[[], EpisodeSpec]:
    def build() -> EpisodeSpec:
        from ethos.evals.scheming.tasks import plans_for

        made = plans_for({"evaluation": evaluation, "scenario": scenario_id, "variant": "nudge"})
        return next(p for p in made if p.condition == condition).spec

    return build


def scenarios() -> list[Scenario]:
    """One sandbox scenario per evaluation, scenario and condition."""
    out = []
    for evaluation in plans.EVALUATIONS:
        if evaluation in plans.WORLD_EVALUATIONS:
            ids = [(w.id, w.company) for w in schema.worlds()]
        elif evaluation == "email_reranking":
            ids = [(s.id, s.company) for s in schema.email_scenarios()]
        else:
            ids = [(s.id, s.company) for s in schema.sandbag_scenarios()]
        for scenario_id, company in ids:
            for condition in plans.CONDITIONS.get(evaluation, (None,)):
                name = f"scheming/{evaluation}/{scenario_id}" + (
                    f"/{condition}" if condition else ""
                )
                what = evaluation.replace("_", " ") + (f" ({condition})" if condition else "")
                out.append(
                    Scenario(
                        name, _factory(evaluation, scenario_id, condition), f"{what} at {company}"
                    )
                )
    return out
