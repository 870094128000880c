"""MoTE experiments: switch a profile's top experts off and measure a behaviour.

``moe/ablate`` is an eval task over prompts: each sample is one prompt, the
solver asks the arm's model (a ``local/`` MoE) for a reply, and a classifier
says whether the reply shows the behaviour. Behaviour prompts are scored as
``behavior``, control prompts (optional) as ``control``: each a rate with
its Wilson interval per arm in ``ethos eval report``.

``ablate`` builds the arms of the MoTE experiment and runs the task:

- ``baseline``: no intervention;
- ``top<K>``: the profile's top K experts (by MoTE's differential, the
  default, by SteerMoE's risk difference or by the pooled gate differential:
  ``ethos.models.profile.SCORES``) switched off (``off-reroute``,
  ``off-drop``) or forced on;
- ``random<i>``: R controls, each K random experts with the same number per
  layer as the top K, never one of them, drawn from a seeded generator.

Classifiers: ``refusal`` (the reply contains the refusal phrase of the
trained refusal model), ``contains:TEXT`` (the reply contains TEXT, case
folded), ``token:WORD`` (the first generated token is WORD: with greedy
decoding and one token, "the target is the argmax next token").
"""

from __future__ import annotations

import asyncio
import json
import random
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal

from pydantic import BaseModel

from ethos.errors import EthosError
from ethos.evals.metrics import MetricSummary
from ethos.evals.task import Arm, Sample, Score, SolverContext, Task, TaskError, scorer, task
from ethos.models.local.refusal_corpus import REFUSAL

if TYPE_CHECKING:
    from ethos.db.store import Store
    from ethos.models.profile import ExpertProfile, Ranking
    from ethos.settings import Settings

Mode = Literal["off-reroute", "off-drop", "force"]
MODES = ("off-reroute", "off-drop", "force")
DEFAULT_REPLY_TOKENS = 16


class AblationError(EthosError):
    """An ablation cannot be set up with these inputs."""


# -- classifiers -----------------------------------------------------------------


def _fold(text: str) -> str:
    return " ".join(text.replace("\u2019", "'").casefold().split())


def judge_for(spec: str) -> Callable[[str], bool]:
    """The behaviour judge named by ``spec`` (see the module docstring)."""
    kind, _, arg = spec.partition(":")
    if kind == "refusal" and not arg:
        phrase = REFUSAL.rstrip(".!")
        phrases = [_fold(phrase), _fold(phrase.replace("can't", "cannot"))]
        return lambda text: any(p in _fold(text) for p in phrases)
    if kind == "contains" and arg.strip():
        wanted = _fold(arg)
        return lambda text: wanted in _fold(text)
    if kind == "token" and arg.strip():
        word = arg.strip()
        return lambda text: text.strip() == word
    raise TaskError(
        f"unknown classifier {spec!r}",
        "use refusal, contains:TEXT or token:WORD (the first generated token is WORD)",
    )


def reply_tokens(spec: str) -> int:
    """Tokens to generate per reply: one to judge the next token, else a short reply."""
    return 1 if spec.startswith("token:") else DEFAULT_REPLY_TOKENS


# -- the task ---------------------------------------------------------------------


def _prompts(source: str | Sequence[str], what: str) -> list[str]:
    if isinstance(source, str):
        path = Path(source).expanduser()
        try:
            lines = path.read_text(encoding="utf-8").splitlines()
        except OSError as exc:
            raise TaskError(
                f"cannot read the {what} prompts from {path}: {exc.strerror or exc}",
                "pass a text file with one prompt per line",
            ) from None
    else:
        lines = list(source)
    prompts = [line for line in lines if line.strip()]
    if not prompts:
        raise TaskError(f"no {what} prompts in {source!r}", "give one prompt per line")
    return prompts


@task("moe/ablate")
def ablate_task(
    behavior: str | list[str],
    control: str | list[str] | None = None,
    classifier: str = "refusal",
    max_tokens: int | None = None,
    temperature: float = 0.0,
) -> Task:
    """One sample per prompt; ``behavior``/``control``: a file (one prompt a
    line) or a list of prompts; ``classifier``: refusal, contains:TEXT,
    token:WORD."""
    judge = judge_for(classifier)
    tokens = max_tokens or reply_tokens(classifier)
    if tokens < 1:
        raise TaskError(f"max_tokens is {tokens}", "use 1 or more")
    sets = [("behavior", _prompts(behavior, "behavior"))]
    if control is not None:
        sets.append(("control", _prompts(control, "control")))
    samples = [
        Sample(id=f"{name}/{i:05d}", input=prompt, metadata={"set": name})
        for name, prompts in sets
        for i, prompt in enumerate(prompts)
    ]

    async def solve(sample: Sample, ctx: SolverContext) -> dict[str, Any]:
        reply = await ctx.complete(
            [{"role": "user", "content": sample.input}],
            max_tokens=tokens,
            temperature=temperature,
        )
        return {"text": reply.text}

    def judged(name: str) -> Any:
        @scorer(name)
        def score(sample: Sample, output: dict[str, Any], ctx: SolverContext) -> Score:
            if sample.metadata.get("set") != name:
                return Score(value=None)  # the other set's rate
            shown = judge(output["text"])
            return Score(value=shown, explanation=f"{classifier}: {output['text'][:80]!r}")

        return score

    return Task(
        name="moe/ablate",
        samples=samples,
        solver=solve,
        scorers=[judged("behavior"), judged("control")],
        metadata={"classifier": classifier},
    )


# -- the experiment ----------------------------------------------------------------


class AblationArm(BaseModel):
    """One arm: its name, the experts it changes, and the rates it measured."""

    name: str
    experts: list[tuple[int, int]]  # (layer, expert)
    mode: str | None
    behavior: MetricSummary | None = None
    control: MetricSummary | None = None


class AblationResult(BaseModel):
    run_id: str
    status: str
    model: str
    classifier: str
    by: str
    arms: list[AblationArm]

    def arm(self, name: str) -> AblationArm:
        return next(a for a in self.arms if a.name == name)

    @property
    def top(self) -> AblationArm:
        return self.arms[1]

    @property
    def controls(self) -> list[AblationArm]:
        return self.arms[2:]


def masks(experts: Sequence[tuple[int, int]], mode: str) -> list[dict[str, Any]]:
    """ExpertMask data, one per layer."""
    by_layer: dict[int, list[int]] = {}
    for layer, expert in experts:
        by_layer.setdefault(layer, []).append(expert)
    return [
        {"type": "expert_mask", "layer": layer, "experts": sorted(chosen), "mode": mode}
        for layer, chosen in sorted(by_layer.items())
    ]


def random_controls(
    top: Sequence[tuple[int, int]],
    num_experts: dict[int, int],
    count: int,
    seed: int = 0,
) -> list[list[tuple[int, int]]]:
    """``count`` random expert sets of the same size and layer spread as
    ``top``, none of them holding one of ``top``'s experts; distinct while
    there are enough distinct sets."""
    per_layer: dict[int, int] = {}
    for layer, _ in top:
        per_layer[layer] = per_layer.get(layer, 0) + 1
    taken = set(top)
    pools = {
        layer: [e for e in range(num_experts[layer]) if (layer, e) not in taken]
        for layer in per_layer
    }
    for layer, need in per_layer.items():
        if len(pools[layer]) < need:
            raise AblationError(
                f"layer {layer} has {len(pools[layer])} experts outside the top set, "
                f"fewer than the {need} a control needs",
                "ablate fewer experts (--top)",
            )
    generator = random.Random(seed)
    drawn: list[list[tuple[int, int]]] = []
    for _ in range(count):
        for _attempt in range(100):
            chosen = sorted(
                (layer, e)
                for layer, need in sorted(per_layer.items())
                for e in generator.sample(pools[layer], need)
            )
            if chosen not in drawn:
                break
        drawn.append(chosen)
    return drawn


async def load_profile_ref(ref: str | Path, store: Store | None) -> ExpertProfile:
    """A profile from a JSON file, or from a ``moe-profile`` run id (or prefix)."""
    from ethos.models.profile import RUN_KIND, load_profile

    path = await asyncio.to_thread(lambda: Path(ref).expanduser())
    if await asyncio.to_thread(path.is_file):
        return await asyncio.to_thread(load_profile, path)
    if store is None:
        raise AblationError(f"no profile file {path}", "pass a profile JSON or a run id")
    run = await store.get_run(str(ref))
    if run.kind != RUN_KIND:
        raise AblationError(
            f"run {run.id} is a {run.kind} run, not a {RUN_KIND} one",
            "pass the run id `ethos moe profile` printed",
        )
    for event in await store.events(run.id, kind=RUN_KIND):
        artifact = (event.payload or {}).get("artifact")
        if artifact:
            try:
                return await asyncio.to_thread(load_profile, artifact)
            except OSError:
                continue
    raise AblationError(f"run {run.id} has no profile file", "profile the model again")


async def ablate(
    model: str,
    profile: ExpertProfile | str | Path,
    behavior: str | Sequence[str],
    *,
    store: Store,
    control: str | Sequence[str] | None = None,
    top: int = 3,
    by: Ranking = "mote_differential",
    mode: Mode = "off-reroute",
    controls: int = 3,
    classifier: str = "refusal",
    max_tokens: int | None = None,
    temperature: float = 0.0,
    epochs: int = 1,
    seed: int = 0,
    max_connections: int = 16,
    settings: Settings | None = None,
    progress: bool | None = False,
) -> AblationResult:
    """Run the MoTE experiment as an eval run; returns the rates per arm."""
    from ethos.evals.report import build_report
    from ethos.evals.run import EvalConfig, run_eval
    from ethos.settings import load_settings

    settings = settings or load_settings()
    if mode not in MODES:
        raise AblationError(f"unknown mode {mode!r}", f"use one of {', '.join(MODES)}")
    if top < 1 or controls < 0:
        raise AblationError(f"--top {top}, --controls {controls}", "use top >= 1, controls >= 0")
    judge_for(classifier)  # refuse a bad classifier before any compute
    found = (
        profile if not isinstance(profile, str | Path) else await load_profile_ref(profile, store)
    )
    ranked = [s for s in found.ranked(by=by, top=top) if getattr(s, by) > 0]
    if not ranked:
        raise AblationError(
            f"the profile of {found.model} has no expert with a positive {by}",
            "profile with prompts that show the behaviour against ones that do not",
        )
    chosen = [(s.layer, s.expert) for s in ranked]
    num_experts = await _num_experts(model, settings)
    drawn = random_controls(chosen, num_experts, controls, seed)
    arms = [AblationArm(name="baseline", experts=[], mode=None)]
    arms.append(AblationArm(name=f"top{len(chosen)}", experts=chosen, mode=mode))
    arms += [AblationArm(name=f"random{i + 1}", experts=e, mode=mode) for i, e in enumerate(drawn)]
    task_args: dict[str, Any] = {
        "behavior": _arg(behavior),
        "classifier": classifier,
        "temperature": temperature,
    }
    if control is not None:
        task_args["control"] = _arg(control)
    if max_tokens is not None:
        task_args["max_tokens"] = max_tokens
    config = EvalConfig(
        task="moe/ablate",
        task_args=task_args,
        arms=[
            Arm(
                name=a.name,
                model=model,
                options={"interventions": masks(a.experts, mode)} if a.experts else {},
            )
            for a in arms
        ],
        baseline="baseline",
        epochs=epochs,
        seed=seed,
        max_connections=max_connections,
    )
    result = await run_eval(config, store=store, settings=settings, progress=progress)
    report = await build_report(store, result.run_id, browse=0)
    for metric in report.metrics:
        if metric.name in ("behavior", "control"):
            arm = next(a for a in arms if a.name == metric.arm)
            setattr(arm, metric.name, metric)
    return AblationResult(
        run_id=result.run_id,
        status=result.status,
        model=model,
        classifier=classifier,
        by=by,
        arms=arms,
    )


def _arg(prompts: str | Sequence[str]) -> str | list[str]:
    if isinstance(prompts, str | Path):
        return str(Path(prompts).expanduser().resolve())
    return list(prompts)


async def _num_experts(model: str, settings: Settings) -> dict[int, int]:
    from ethos.models.local.routing import RoutingTable
    from ethos.models.profile import resolve_model

    local = await resolve_model(model, settings=settings)
    table = RoutingTable.of(local.hf_model)
    return {i: moe.num_experts for i, moe in table.layers.items()}


def format_rate(metric: MetricSummary | None) -> str:
    if metric is None:
        return "-"
    return f"{metric.mean:.1%} [{metric.ci_low:.1%}, {metric.ci_high:.1%}] (n={metric.n})"


def summary_json(result: AblationResult) -> str:
    return json.dumps(result.model_dump(mode="json"), indent=2)


async def refusal_demo(
    model_ref: str,
    settings: Settings,
    store: Store,
    *,
    top: int = 3,
    controls: int = 3,
    mode: Mode = "off-reroute",
    by: Ranking = "mote_differential",
    last_tokens: int | None = None,
    seed: int = 0,
) -> dict[str, Any]:
    """fTRI and MoTE on the trained refusal model (``ethos models train-tiny``).

    Profiles the training split's harmful requests against its benign ones,
    stores the profile, then runs ``ablate`` on the held-out prompts (harmful
    as the behaviour, benign as the control) with the refusal classifier.
    Returns the top experts and, per arm, the refusal rates with their 95%
    Wilson intervals: ``before`` (baseline), ``after`` (top experts off) and
    ``random`` (the controls), plus the run ids."""
    from ethos.models.local.refusal_corpus import prompts
    from ethos.models.profile import profile, store_profile

    found = await profile(
        model_ref,
        prompts("train", harmful=True),
        prompts("train", harmful=False),
        last_tokens=last_tokens,
        settings=settings,
    )
    profile_run = await store_profile(
        store, found, name=f"{model_ref} harmful v benign", settings=settings
    )
    result = await ablate(
        model_ref,
        found,
        prompts("test", harmful=True),
        control=prompts("test", harmful=False),
        top=top,
        by=by,
        mode=mode,
        controls=controls,
        classifier="refusal",
        seed=seed,
        store=store,
        settings=settings,
    )

    def rates(arm: AblationArm) -> dict[str, Any]:
        return {
            "arm": arm.name,
            "experts": [list(e) for e in arm.experts],
            "harmful": _rate(arm.behavior),
            "benign": _rate(arm.control),
        }

    return {
        "model": model_ref,
        "profile_run": profile_run,
        "ablation_run": result.run_id,
        "status": result.status,
        "mode": mode,
        "by": by,
        "last_tokens": last_tokens,
        "top_experts": [
            {
                "layer": s.layer,
                "expert": s.expert,
                "mote_differential": s.mote_differential,
                "mote_p": s.mote_p,
                "risk_difference": s.risk_difference,
                "gate_differential": s.gate_differential,
            }
            for s in found.ranked(by=by, top=top)
            if (s.layer, s.expert) in result.top.experts
        ],
        "before": rates(result.arms[0]),
        "after": rates(result.top),
        "random": [rates(a) for a in result.controls],
    }


def _rate(metric: MetricSummary | None) -> dict[str, float] | None:
    if metric is None:
        return None
    return {"rate": metric.mean, "ci_low": metric.ci_low, "ci_high": metric.ci_high, "n": metric.n}
