"""Expert interventions as arms of the scheming suite: profile a local MoE's
experts on scheming against non-scheming episodes, then switch the top ones
off in an arm (MoTE's experiment, Dahlke et al. 2025, on this suite).

1. A finished scheming run holds each episode as data (its commands,
   outputs and tool calls, :class:`ethos.evals.scheming.tasks.SchemingOutput`).
   :func:`episode_texts` renders every episode as the text an agent saw and
   wrote, split by the detector's verdict (``schemed``), never by what the
   model said about itself.
2. :func:`profile_run` runs those texts through a ``local/`` MoE with
   :func:`ethos.models.profile.profile` (fTRI: which experts the scheming
   episodes' tokens route to, against the others').
3. :func:`switch_off_arms` turns the profile's top experts into an arm with
   ``ExpertMask`` interventions beside a baseline arm, for
   ``run_eval`` or, on the command line, ``--arm``::

       ethos eval run scheming --arm base=local/M \\
           --arm off=local/M,interventions='[{"type": "expert_mask", "layer": 1,
           "experts": [3], "mode": "off-reroute"}]'

A local model has no native tool calls, so its episodes use the text tool
protocol (:mod:`ethos.graphs.episode`). Figures from the tiny MoE that the
tests build are a tiny random model's: they show the machinery works, not
how any real model schemes.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

from ethos.errors import EthosError
from ethos.evals.scheming.tasks import SchemingOutput
from ethos.evals.task import Arm

if TYPE_CHECKING:
    from ethos.db.store import Store
    from ethos.models.profile import ExpertProfile

MODES = ("off-reroute", "off-drop")


def episode_text(output: SchemingOutput) -> str:
    """One sample's episodes as the agent saw them: its calls and their replies."""
    lines = []
    for episode in output.episodes:
        for step in episode.steps:
            if step.tool == "bash":
                lines.append(f"$ {step.arguments.get('command', '')}")
            else:
                shown = {k: v for k, v in step.arguments.items() if k != "_raw"}
                lines.append(f"[{step.tool}] {shown}")
            lines.append(f"error: {step.error}" if step.error else step.output)
        if episode.final_message:
            lines.append(episode.final_message)
    return "\n".join(lines)


def episode_texts(outputs: Iterable[SchemingOutput]) -> tuple[list[str], list[str]]:
    """(scheming, non-scheming) episode texts; episodes without a single
    accepted tool call are left out of both (nothing happened in them)."""
    schemed: list[str] = []
    clean: list[str] = []
    for output in outputs:
        if output.measures.get("no_action") == 1.0 or "schemed" not in output.measures:
            continue
        text = episode_text(output)
        (schemed if output.measures["schemed"] == 1.0 else clean).append(text)
    return schemed, clean


async def run_outputs(store: Store, run_id: str) -> list[SchemingOutput]:
    """The scheming outputs of a run's succeeded samples."""
    return [
        SchemingOutput.model_validate(s.output)
        for s in await store.samples(run_id)
        if s.status == "succeeded" and isinstance(s.output, dict) and "measures" in s.output
    ]


async def profile_run(
    model: str, store: Store, run_id: str, *, settings: Any = None
) -> ExpertProfile:
    """fTRI profile of ``model`` (``local/``) over the run's scheming
    episodes against its non-scheming ones."""
    from ethos.models.profile import profile

    schemed, clean = episode_texts(await run_outputs(store, run_id))
    if not schemed or not clean:
        raise EthosError(
            f"run {run_id} has {len(schemed)} scheming and {len(clean)} non-scheming episodes; "
            "a profile needs both",
            "profile a run whose arms include agents that scheme and agents that do not",
        )
    return await profile(model, schemed, clean, chat=False, settings=settings)


def switch_off_arms(
    found: ExpertProfile, model: str, *, top: int = 4, mode: str = "off-reroute"
) -> list[Arm]:
    """A baseline arm and one with the profile's ``top`` experts switched off."""
    if mode not in MODES:
        raise EthosError(f"unknown mode {mode!r}", f"use one of {', '.join(MODES)}")
    if top < 1:
        raise EthosError(f"top must be at least 1, not {top}", "switch off 1 or more experts")
    from ethos.evals.moe_tasks import masks

    chosen = [(s.layer, s.expert) for s in found.ranked(top=top)]
    return [
        Arm(name="baseline", model=model),
        Arm(
            name=f"top{top}-{mode}",
            model=model,
            options={"interventions": masks(chosen, mode)},
        ),
    ]
