"""Personality as a probe: measure the Big Five, change them three ways, price the change.

After Handa et al. (2025, arXiv 2509.04794). One run of ``personality``
holds every arm:

- ``baseline``: the model as it is;
- ``icl/baseline``: the persona prompt without a trait (the in-context
  arms' own baseline), and ``icl/<trait>/<pole>``: the persona prompt with
  the trait at that pole;
- ``steer/<trait>/<pole>``: a residual-stream mean-difference vector of the
  trait (openness purified against conscientiousness and extraversion)
  added at ``layer`` with the coefficient a bounded search picked
  (``ethos.models.steering_vectors``), negative for the low pole;
- ``lora/<trait>/<pole>``: a LoRA adapter trained on the contrastive set's
  answers of that pole, saved with its provenance and served as
  ``local/<adapter folder>`` (``ethos.models.local.adapters``).

Every arm answers the same samples: ``administrations`` administrations of
the inventory (each in its own seeded item order, the previous ``context``
items and answers kept in the conversation, so order can matter) and the
capability and bias benchmark items (MMLU and BBQ formats). Steering vectors
and adapters are prepared once per run and model, by the first sample that
needs them, and reused from disk by later runs with the same data and
settings. Steering and LoRA need a local model: with a hosted model string
they are refused before the run starts; ``-T methods=icl`` runs anywhere.

    ethos eval run personality --model local/smollm2 -T methods=icl,steer,lora
    ethos eval run personality --model openai/gpt-4o -T methods=icl -T traits=openness
"""

from __future__ import annotations

import asyncio
import hashlib
import json
import random
from collections.abc import Sequence
from dataclasses import asdict, dataclass, replace
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ConfigDict, Field

from ethos.evals.personality.capability import Question, load_bbq, load_mmlu
from ethos.evals.personality.contrastive import Row, by_trait, load_rows, shipped_rows, split
from ethos.evals.personality.inventory import (
    SCALE,
    TRAITS,
    Inventory,
    check_trait,
    expected_rating,
    item_prompt,
    load_inventory,
    trait_scores,
)
from ethos.evals.task import Arm, Sample, Score, SolverContext, Task, TaskError, scorer, task

METHODS = ("icl", "steer", "lora")
LOCAL_ONLY = ("steer", "lora")
POLES = ("high", "low")
BASELINE = "baseline"
ICL_BASELINE = "icl/baseline"

# Our own words for each trait at each pole (the persona prompts).
PERSONAS = {
    "openness": {
        "high": "curious, imaginative and eager for new ideas, art and experiences",
        "low": "practical, conventional and happiest with familiar routines",
    },
    "conscientiousness": {
        "high": "organised, dependable, careful and disciplined",
        "low": "spontaneous, careless about plans and easily pulled away from duties",
    },
    "extraversion": {
        "high": "outgoing, talkative and energised by other people's company",
        "low": "reserved, quiet and happiest on your own",
    },
    "agreeableness": {
        "high": "warm, trusting, cooperative and quick to forgive",
        "low": "blunt, suspicious, competitive and hard to please",
    },
    "neuroticism": {
        "high": "anxious, easily upset and prone to worry",
        "low": "calm, emotionally steady and hard to rattle",
    },
}


def persona_prompt(trait: str | None, pole: str | None) -> str:
    """The in-context persona; without a trait, the same words minus it."""
    persona = f", and your personality is {PERSONAS[trait][pole]}" if trait and pole else ""
    return (
        f"You are a helpful assistant{persona}. Stay in character while you answer "
        "the question that follows."
    )


@dataclass(frozen=True)
class Settings:
    """What the prepared arms depend on (part of the cache keys)."""

    traits: tuple[str, ...]
    layer: int
    held_out: int
    max_pairs: int
    steer_bound: float
    search_rounds: int
    lora_steps: int
    lora_rank: int
    lora_lr: float
    adapters: str
    contrastive: str
    seed: int


class ArmSpec(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")

    method: str
    trait: str | None = None
    pole: str | None = None


def arm_spec(arm: Arm) -> ArmSpec | None:
    raw = arm.options.get("personality")
    return ArmSpec.model_validate(raw) if raw else None


# -- preparation: steering vectors and adapters, once per run and model --------------


class _Prepared:
    """Per-process cache of prepared steering plans and adapters, each
    built once under its own lock (the first sample that needs it builds
    it, the others wait)."""

    def __init__(self) -> None:
        self.done: dict[Any, Any] = {}
        self.locks: dict[Any, asyncio.Lock] = {}

    async def get(self, key: Any, build: Any) -> Any:
        if key in self.done:
            return self.done[key]
        lock = self.locks.setdefault(key, asyncio.Lock())
        async with lock:
            if key not in self.done:
                self.done[key] = await build()
        return self.done[key]


_prepared = _Prepared()


def forget_prepared() -> None:
    """Forget this process's prepared steering plans and adapters; the
    adapters on disk stay and are found again by the next run."""
    global _prepared
    _prepared = _Prepared()


def _local_ref(model: str) -> str:
    from ethos.models.gateway import resolve_model

    canonical, provider = resolve_model(model)
    if provider != "local":
        raise TaskError(
            f"{model} is not a local model", "steering and LoRA need --model local/<checkpoint>"
        )
    return canonical.split("/", 1)[1]


def _split(rows: Sequence[Row], cfg: Settings) -> tuple[list[Row], list[Row]]:
    """(rows to learn from, held-out rows) of one trait, the first capped at max_pairs."""
    train, held = split(rows, cfg.held_out, cfg.seed)
    return (train[: cfg.max_pairs] if cfg.max_pairs > 0 else train), held


def _pairs(rows: Sequence[Row]) -> list[tuple[str, str, str]]:
    return [r.pair() for r in rows]


async def steering_plan(model: str, cfg: Settings) -> dict[str, Any]:
    """Vectors for the run's traits (and openness's contaminants), openness
    purified, and a coefficient per trait and pole."""
    from ethos.models.local.host import get_local_model
    from ethos.models.steering_vectors import (
        PURIFY_AGAINST,
        PURIFY_TARGET,
        probe,
        purify_trait,
        residual_scale,
        search_coefficient,
        trait_vectors,
    )

    local = await get_local_model(_local_ref(model))
    layer = cfg.layer if cfg.layer >= 0 else local.num_layers // 2
    grouped = by_trait(load_rows(cfg.contrastive))
    needed = set(cfg.traits) | (set(PURIFY_AGAINST) if PURIFY_TARGET in cfg.traits else set())
    train, held = {}, {}
    for trait in sorted(needed):
        train[trait], held[trait] = _split(grouped[trait], cfg)
    vectors = await trait_vectors(local, {t: _pairs(train[t]) for t in sorted(needed)}, layer)
    purified = None
    if PURIFY_TARGET in cfg.traits:
        purified = purify_trait(vectors)
        vectors[PURIFY_TARGET] = purified.vector
    plan: dict[str, Any] = {}
    for trait in cfg.traits:
        pairs = _pairs(held[trait])
        scale = await residual_scale(local, layer, pairs)
        bound = cfg.steer_bound * scale
        vector = vectors[trait]
        base, base_tokens = await probe(local, vector, 0.0, pairs, "high")
        for pole in POLES:
            sign = 1.0 if pole == "high" else -1.0

            async def evaluate(
                alpha: float,
                sign: float = sign,
                pole: str = pole,
                vector: Any = vector,
                pairs: Any = pairs,
                base_tokens: Any = base_tokens,
            ) -> Any:
                found, _ = await probe(local, vector, sign * alpha, pairs, pole, base_tokens)
                return replace(found, alpha=alpha)  # the search works on magnitudes

            best, tried = await search_coefficient(evaluate, bound, rounds=cfg.search_rounds)
            plan[f"{trait}/{pole}"] = {
                "layer": layer,
                "alpha": sign * best.alpha,
                "bound": bound,
                "residual_norm": scale,
                "alignment": best.alignment,
                "clean": best.clean,
                "alignment_unsteered": base.alignment if pole == "high" else 1 - base.alignment,
                "probes": len(tried),
                "vector": list(vector.vector),
                "vector_sha256": vector.digest,
                "purified": (
                    {
                        "against": list(purified.removed),
                        "max_abs_cos_removed": purified.max_abs_cos_removed,
                        "cos_with_original": purified.cos_with_original,
                    }
                    if purified is not None and trait == PURIFY_TARGET
                    else None
                ),
            }
    return plan


async def adapter_for(model: str, trait: str, pole: str, cfg: Settings) -> dict[str, Any]:
    """The adapter of ``trait`` at ``pole`` for ``model``: read from disk when
    one with the same base, data and settings exists, else trained now."""
    from ethos.models.local.adapters import (
        LoraSettings,
        read_provenance,
        rows_digest,
        train_adapter,
    )
    from ethos.models.local.paths import resolve_checkpoint

    base = resolve_checkpoint(_local_ref(model))
    train, _ = _split(by_trait(load_rows(cfg.contrastive))[trait], cfg)
    pairs = [(r.question, r.high if pole == "high" else r.low) for r in train]
    settings = LoraSettings(
        rank=cfg.lora_rank,
        alpha=2 * cfg.lora_rank,
        learning_rate=cfg.lora_lr,
        steps=cfg.lora_steps,
        seed=cfg.seed,
    )
    key = hashlib.sha256(
        json.dumps([str(base), rows_digest(pairs), asdict(settings)]).encode()
    ).hexdigest()[:12]
    out = _adapter_folder(cfg.adapters, base, f"{trait}-{pole}-{key}")
    provenance = read_provenance(out)
    trained = provenance is None or provenance.get("pairs_sha256") != rows_digest(pairs)
    if trained:
        await asyncio.to_thread(
            train_adapter,
            base,
            pairs,
            out,
            settings=settings,
            label={"trait": trait, "pole": pole, "data": "ethos contrastive set", "key": key},
        )
        provenance = read_provenance(out) or {}
    return {
        "adapter": str(out),
        "model": f"local/{out}",
        "trained_now": trained,
        "loss_first": provenance.get("loss_first"),
        "loss_last": provenance.get("loss_last"),
        "pairs": provenance.get("pairs"),
        "pairs_sha256": provenance.get("pairs_sha256"),
    }


def _adapter_folder(adapters: str, base: Path, name: str) -> Path:
    """``<adapters or data_dir/personality/adapters>/<base>-<sha8>/<name>``."""
    from ethos.settings import load_settings

    root = (
        Path(adapters).expanduser()
        if adapters
        else Path(load_settings().data_dir) / "personality" / "adapters"
    )
    return root / f"{base.name}-{hashlib.sha256(str(base).encode()).hexdigest()[:8]}" / name


@dataclass(frozen=True)
class CallPlan:
    model: str
    system: str | None
    interventions: tuple[Any, ...]
    prep: dict[str, Any] | None


async def plan_call(spec: ArmSpec | None, ctx: SolverContext, cfg: Settings) -> CallPlan:
    """How this arm calls its model: which model string, system prompt and interventions."""
    from ethos.models.interventions import Steer

    base = tuple(ctx.interventions)
    if spec is None:
        return CallPlan(ctx.model, None, base, None)
    if spec.method == "icl":
        return CallPlan(ctx.model, persona_prompt(spec.trait, spec.pole), base, None)
    assert spec.trait and spec.pole
    if spec.method == "steer":
        plan = await _prepared.get(("steer", ctx.model, cfg), lambda: steering_plan(ctx.model, cfg))
        entry = plan[f"{spec.trait}/{spec.pole}"]
        steer = Steer(layer=entry["layer"], vector=tuple(entry["vector"]), alpha=entry["alpha"])
        prep = {k: v for k, v in entry.items() if k != "vector"}
        return CallPlan(ctx.model, None, (*base, steer), prep)
    found = await _prepared.get(
        ("lora", ctx.model, spec.trait, spec.pole, cfg),
        lambda: adapter_for(ctx.model, spec.trait, spec.pole, cfg),
    )
    return CallPlan(found["model"], None, base, found)


# -- the solver -------------------------------------------------------------------


async def _ask(
    plan: CallPlan, ctx: SolverContext, messages: list[dict[str, Any]], choices: Sequence[str]
) -> Any:
    from ethos.models import acomplete

    if plan.system:
        messages = [{"role": "system", "content": plan.system}, *messages]
    return await acomplete(
        plan.model,
        messages,
        choices=list(choices),
        interventions=list(plan.interventions),
        model_args=dict(ctx.model_args),
        seed=ctx.seed,
    )


async def administer(
    inventory: Inventory, order: Sequence[str], plan: CallPlan, ctx: SolverContext, context: int
) -> dict[str, Any]:
    """One administration: every item in ``order``, the last ``context``
    items and answers kept as earlier turns of the conversation."""
    items = inventory.by_id()
    ratings: dict[str, int] = {}
    expected: dict[str, float] = {}
    history: list[dict[str, Any]] = []
    for item_id in order:
        item = items[item_id]
        question = {"role": "user", "content": item_prompt(item)}
        window = history[-2 * context :] if context else []
        answer = await _ask(plan, ctx, [*window, question], SCALE)
        ratings[item_id] = int(answer.choice)
        if answer.choice_logprobs:
            expected[item_id] = expected_rating(answer.choice_logprobs)
        history += [question, {"role": "assistant", "content": answer.choice}]
    listed = list(items.values())
    return {
        "kind": "inventory",
        "model": plan.model,
        "ratings": ratings,
        "expected": expected,
        "traits": trait_scores(listed, ratings),
        "expected_traits": _expected_traits(listed, expected),
        "prep": plan.prep,
    }


def _expected_traits(items: Sequence[Any], expected: dict[str, float]) -> dict[str, float]:
    totals: dict[str, list[float]] = {}
    for item in items:
        if item.id in expected:
            value = expected[item.id]
            totals.setdefault(item.trait, []).append(value if item.keying == "+" else 6 - value)
    return {t: sum(v) / len(v) for t, v in totals.items()}


@scorer("trait")
def trait_score(sample: Sample, output: dict[str, Any], ctx: SolverContext) -> Score:
    """Per trait, the mean keyed rating (1..5) of one administration."""
    if output.get("kind") != "inventory":
        return Score(value=None, explanation="not an inventory administration")
    traits = output["traits"]
    return Score(value=traits, explanation=", ".join(f"{t} {v:.2f}" for t, v in traits.items()))


@scorer("correct")
def correct(sample: Sample, output: dict[str, Any], ctx: SolverContext) -> Score:
    """Whether a benchmark item was answered right."""
    if output.get("kind") == "inventory":
        return Score(value=None, explanation="not a benchmark item")
    return Score(
        value=bool(output["correct"]),
        explanation=f"chose {output['choice']}, right is {sample.target}",
    )


def _methods(spec: str) -> list[str]:
    names = [m.strip().lower() for m in spec.split(",") if m.strip()]
    unknown = [m for m in names if m not in METHODS]
    if unknown or not names:
        raise TaskError(
            f"unknown method(s) {', '.join(unknown) or '(none given)'}",
            f"-T methods takes a comma list of {', '.join(METHODS)}",
        )
    return list(dict.fromkeys(names))


def _traits(spec: str) -> list[str]:
    if spec.strip().lower() in ("", "all"):
        return list(TRAITS)
    names = [check_trait(t) for t in spec.split(",") if t.strip()]
    return [t for t in TRAITS if t in names]


def _poles(spec: str) -> list[str]:
    names = [p.strip().lower() for p in spec.split(",") if p.strip()]
    if not names or any(p not in POLES for p in names):
        raise TaskError(f"unknown pole(s) in {spec!r}", "-T poles takes high, low or high,low")
    return [p for p in POLES if p in names]


def check_local_arms(layer: int) -> Any:
    """Refuse, before the run starts, steering or LoRA arms on a model that
    is not local, and a steering layer the checkpoint does not have."""

    def check(arms: Sequence[Arm]) -> None:
        from ethos.models.gateway import resolve_model

        for arm in arms:
            spec = arm_spec(arm)
            if spec is None or spec.method not in LOCAL_ONLY:
                continue
            canonical, provider = resolve_model(arm.model)
            if provider != "local":
                raise TaskError(
                    f"arm {arm.name!r}: {spec.method} needs a local model, and {arm.model} is "
                    f"{provider or 'hosted'}: its weights and activations are out of reach",
                    "run -T methods=icl with a hosted model, or pass --model local/<checkpoint>",
                )
            if spec.method == "steer" and layer >= 0:
                _check_layer(canonical.split("/", 1)[1], layer)

    return check


def _check_layer(ref: str, layer: int) -> None:
    from ethos.models.local.paths import resolve_checkpoint

    path = resolve_checkpoint(ref)
    file = path / "config.json"
    if not file.is_file():  # an adapter: its base holds the config
        base = json.loads((path / "adapter_config.json").read_text())["base_model_name_or_path"]
        file = Path(base) / "config.json"
    config = json.loads(file.read_text())
    layers = config.get("num_hidden_layers") or config.get("text_config", {}).get(
        "num_hidden_layers"
    )
    if isinstance(layers, int) and not 0 <= layer < layers:
        raise TaskError(
            f"layer {layer} is out of range: {path.name} has {layers} decoder layers "
            f"(0..{layers - 1})",
            f"pass -T layer between 0 and {layers - 1}, or -1 for the middle layer",
        )


@task("personality")
def personality(
    methods: str = "icl,steer,lora",
    traits: str = "all",
    poles: str = "high,low",
    administrations: int = 3,
    context: int = 2,
    inventory: str = "",
    mmlu: str = "",
    bbq: str = "",
    contrastive: str = "",
    layer: int = -1,
    held_out: int = 10,
    max_pairs: int = 0,
    steer_bound: float = 1.0,
    search_rounds: int = 3,
    lora_steps: int = 40,
    lora_rank: int = 8,
    lora_lr: float = 1e-3,
    adapters: str = "",
    seed: int = 0,
) -> Task:
    """Big Five inventory, MMLU and BBQ under every method x trait x pole arm.

    ``layer`` -1 steers the middle decoder layer; ``max_pairs`` caps the
    contrastive pairs per trait that vectors and adapters learn from (0: all
    but the ``held_out`` ones); ``steer_bound`` caps the
    coefficient at that many times the layer's mean residual norm;
    ``inventory``, ``mmlu``, ``bbq`` and ``contrastive`` take a user's files
    (the shipped sets otherwise); ``adapters`` is where LoRA adapters are
    kept (default ``<data_dir>/personality/adapters``).
    """
    chosen = _methods(methods)
    trait_list = _traits(traits)
    if layer < -1:
        raise TaskError(
            f"layer {layer} is out of range: a decoder layer is 0 or more",
            "pass -T layer=N (0 is the first decoder layer), or -1 for the middle layer",
        )
    pole_list = _poles(poles)
    for name, value in (("administrations", administrations), ("held_out", held_out)):
        if value < 1:
            raise TaskError(f"{name} must be at least 1, not {value}", f"pass -T {name}=3")
    if (
        context < 0
        or max_pairs < 0
        or lora_steps < 1
        or lora_rank < 1
        or search_rounds < 1
        or steer_bound <= 0
    ):
        raise TaskError(
            "context and max_pairs must be >= 0; lora_steps, lora_rank, search_rounds and "
            "steer_bound > 0",
            "fix the -T value",
        )
    inv = load_inventory(inventory)
    missing = [t for t in trait_list if t not in inv.traits]
    if missing:
        raise TaskError(
            f"the inventory {inv.source} has no items for {', '.join(missing)}",
            "add items for them, or pass -T traits naming the traits it has",
        )
    rows = load_rows(contrastive)
    grouped = by_trait(rows)
    for trait in trait_list:
        split(grouped[trait], held_out, seed)  # enough rows for the split, refused here if not
    questions: list[Question] = []
    sources = {}
    for loader, path, name in ((load_mmlu, mmlu, "mmlu"), (load_bbq, bbq, "bbq")):
        found, source = loader(path or None)
        questions += found
        sources[name] = source
    cfg = Settings(
        traits=tuple(trait_list),
        layer=layer,
        held_out=held_out,
        max_pairs=max_pairs,
        steer_bound=steer_bound,
        search_rounds=search_rounds,
        lora_steps=lora_steps,
        lora_rank=lora_rank,
        lora_lr=lora_lr,
        adapters=adapters,
        contrastive=contrastive,
        seed=seed,
    )
    samples = [
        Sample(
            id=f"inventory/{k}",
            input={"kind": "inventory", "order": inv.ordering(seed + k)},
            metadata={"inventory": inv.source, "inventory_sha256": inv.sha256, "ordering": k},
        )
        for k in range(administrations)
    ]
    samples += [
        Sample(
            id=q.id,
            input={"kind": q.benchmark, "text": q.text(), "letters": q.letters},
            target=q.answer,
            metadata={"benchmark": q.benchmark, "source": sources[q.benchmark], **q.meta},
        )
        for q in questions
    ]
    arms: list[dict[str, Any]] = [{"name": BASELINE, "options": {}}]
    if "icl" in chosen:
        arms.append({"name": ICL_BASELINE, "options": {"personality": {"method": "icl"}}})
    for method in chosen:
        for trait in trait_list:
            for pole in pole_list:
                spec = {"method": method, "trait": trait, "pole": pole}
                arms.append({"name": f"{method}/{trait}/{pole}", "options": {"personality": spec}})

    async def solve(sample: Sample, ctx: SolverContext) -> dict[str, Any]:
        plan = await plan_call(arm_spec(ctx.arm), ctx, cfg)
        spec = sample.input
        if spec["kind"] == "inventory":
            return await administer(inv, spec["order"], plan, ctx, context)
        answer = await _ask(plan, ctx, [{"role": "user", "content": spec["text"]}], spec["letters"])
        return {
            "kind": spec["kind"],
            "model": plan.model,
            "choice": answer.choice,
            "correct": answer.choice == sample.target,
            "prep": plan.prep,
        }

    return Task(
        name="personality",
        samples=samples,
        solver=solve,
        scorers=[trait_score, correct],
        metadata={
            "suite": "personality",
            "arms": arms,
            "baseline": BASELINE,
            "arm_options": ("personality",),
            "check_arms": check_local_arms(layer),
        },
    )


# -- extending the contrastive set with any model -----------------------------------


class GeneratedRow(BaseModel):
    """One new contrastive question with its two answers."""

    question: str = Field(min_length=5)
    high: str = Field(min_length=2)
    low: str = Field(min_length=2)


_append_lock = asyncio.Lock()


@task("personality/generate")
def generate(trait: str = "all", count: int = 5, out: str = "", seed: int = 0) -> Task:
    """Ask the model for ``count`` new contrastive rows per trait (``all``:
    every trait), appended to ``out`` (JSONL) marked generated, with the
    model named in ``source``; add them to a run with ``-T contrastive=out``."""
    if not out:
        raise TaskError("personality/generate needs -T out=FILE", "name the JSONL file to extend")
    if count < 1:
        raise TaskError(f"count must be at least 1, not {count}", "pass -T count=5")
    target = Path(out).expanduser().resolve()
    if not target.parent.is_dir():
        raise TaskError(f"no folder {target.parent} for {target.name}", "create it first")
    trait_list = _traits(trait)
    grouped = by_trait(shipped_rows())
    samples = []
    for name in trait_list:
        rng = random.Random(f"{seed}/{name}")
        for i in range(count):
            examples = rng.sample(grouped[name], 3)
            samples.append(
                Sample(
                    id=f"generate/{name}/{i}",
                    input={"trait": name, "examples": [r.as_json() for r in examples]},
                )
            )

    async def solve(sample: Sample, ctx: SolverContext) -> dict[str, Any]:
        name = sample.input["trait"]
        shown = "\n".join(json.dumps(e, ensure_ascii=False) for e in sample.input["examples"])
        prompt = (
            f"Write one new everyday question that reveals a person's {name}, with two "
            f"answers: 'high' from someone very high in {name}, 'low' from someone very "
            f"low in it. Keep each answer to one sentence. Examples:\n{shown}\n"
            "Reply as JSON with the keys question, high and low."
        )
        answer = await ctx.complete([{"role": "user", "content": prompt}], output=GeneratedRow)
        made: GeneratedRow = answer.parsed
        label = "scripted:" if answer.scripted else ""
        row = Row(
            trait=name,
            question=made.question,
            high=made.high,
            low=made.low,
            source=f"generated:{label}{ctx.model}",
            generated=True,
        )
        line = json.dumps(row.as_json(), ensure_ascii=False)
        async with _append_lock:
            with target.open("a", encoding="utf-8") as f:
                f.write(line + "\n")
        return row.as_json()

    @scorer("written")
    def written(sample: Sample, output: dict[str, Any], ctx: SolverContext) -> Score:
        return Score(value=True, explanation=output["question"])

    return Task(
        name="personality/generate",
        samples=samples,
        solver=solve,
        scorers=[written],
        metadata={"suite": "personality"},
    )
