"""A second attempt at a question, two ways, at the same token budget.

- **Behaviour-guided self-improvement** ("Metacognitive Reuse", Didolkar et
  al. 2025): the model's first attempt R1 is reflected on and turned into
  behaviours (the handbook's own curation, :mod:`ethos.handbook.curation`),
  and the second attempt R2 sees the question and those behaviours, not R1.
- **Critique-and-revise**, the paper's baseline: the second attempt sees
  the question and R1 and is asked to check and correct it.

Both second attempts get the same ``max_tokens``; the extraction's own
tokens are counted apart (:attr:`Improvement.extraction_tokens`), so a
report can state the cost both with and without it. The paper reports
self-improvement using about three times the output tokens of its baseline
and helping only at large budgets (secondary review; see
``shared/research/papers_agents.md``): measuring both is the point.

Model calls go through a ``complete`` callable, ``await complete(messages,
**options)`` returning a :class:`ethos.models.Completion`: a model's
:func:`caller`, or an eval's ``SolverContext.complete`` (the arm's model
arguments, interventions and the sample's seed).
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Literal

from ethos.handbook import conditioning_prompts as prompts
from ethos.handbook.conditioning import Named, parse_citations, render_guidance
from ethos.recording import record_event

if TYPE_CHECKING:
    from ethos.handbook.behavior import BehaviorDraft
    from ethos.handbook.curation import OutputFormat

Complete = Callable[..., Awaitable[Any]]
Method = Literal["self_improve", "critique_revise"]
IN_CONTEXT = "in-context"  # the handbook name shown for behaviours not stored anywhere


def caller(model: str, **options: Any) -> Complete:
    """``complete`` for ``model`` through the gateway, with fixed ``options``
    (model_args, seed, settings)."""

    async def complete(messages: Any, **kwargs: Any) -> Any:
        from ethos.models import acomplete

        return await acomplete(model, messages, **{**options, **kwargs})

    return complete


@dataclass(frozen=True)
class Attempt:
    """One answer: its text, its output and input tokens, and (when
    behaviours were in its prompt) which it was offered and cited."""

    text: str
    output_tokens: int
    input_tokens: int = 0
    offered: tuple[str, ...] = ()
    cited: tuple[str, ...] = ()


@dataclass(frozen=True)
class Improvement:
    """A first attempt and the second one made from it by ``method``."""

    method: Method
    first: Attempt
    second: Attempt
    behaviors: tuple[BehaviorDraft, ...] = ()
    extraction_tokens: int = 0
    skipped: str | None = field(default=None)  # why no behaviours came out of R1, if none did

    @property
    def output_tokens(self) -> int:
        """Every output token the two attempts and the extraction cost."""
        return self.first.output_tokens + self.extraction_tokens + self.second.output_tokens


async def attempt(
    question: str,
    complete: Complete,
    *,
    max_tokens: int | None = None,
    behaviors: Sequence[Named] = (),
    handbook: str = IN_CONTEXT,
    system: str = prompts.SOLVE_SYSTEM,
) -> Attempt:
    """Answer ``question``; with ``behaviors`` listed in the system prompt
    (and their citations read from the answer) when given."""
    guidance = render_guidance(handbook, list(behaviors))
    instructions = "\n\n".join(part for part in (system, guidance) if part)
    messages = [{"role": "system", "content": instructions}] if instructions else []
    messages.append({"role": "user", "content": question})
    completion = await complete(messages, max_tokens=max_tokens)
    offered = tuple(b.name for b in behaviors)
    cited = parse_citations(completion.text, offered)[0] if offered else []
    return Attempt(
        text=completion.text,
        output_tokens=completion.usage.output_tokens,
        input_tokens=completion.usage.input_tokens,
        offered=offered,
        cited=tuple(cited),
    )


async def behavior_guided(
    question: str,
    first: Attempt,
    complete: Complete,
    *,
    curator: str,
    max_tokens: int | None = None,
    output_format: OutputFormat = "auto",
) -> Improvement:
    """R2 from the behaviours ``curator`` extracts out of (question, R1).
    When extraction yields nothing (R1 gave no answer, the curator's reply
    stayed malformed), R2 is asked without behaviours and ``skipped`` says why.
    ``output_format`` is the curator's (:func:`ethos.handbook.curation.behaviors_of_trace`):
    ``lines`` spares a small model the typed calls it cannot answer, whose failed
    JSON would otherwise be paid for on every sample."""
    from ethos.handbook.curation import behaviors_of_trace

    found = await behaviors_of_trace(
        question, first.text, model=curator, output_format=output_format
    )
    drafts = tuple(found.behaviors)
    record_event(
        "handbook",
        phase="extracted",
        handbook=IN_CONTEXT,
        behaviors=[{"name": d.name, "instruction": d.instruction} for d in drafts],
        note=found.skipped,
    )
    second = await attempt(question, complete, max_tokens=max_tokens, behaviors=drafts)
    return Improvement(
        method="self_improve",
        first=first,
        second=second,
        behaviors=drafts,
        extraction_tokens=found.output_tokens,
        skipped=found.skipped,
    )


async def critique_and_revise(
    question: str, first: Attempt, complete: Complete, *, max_tokens: int | None = None
) -> Improvement:
    """R2 from a check of (question, R1): the baseline of :func:`behavior_guided`."""
    messages = [
        {"role": "system", "content": prompts.CRITIQUE_SYSTEM},
        {
            "role": "user",
            "content": prompts.CRITIQUE_USER.format(question=question, attempt=first.text),
        },
    ]
    completion = await complete(messages, max_tokens=max_tokens)
    second = Attempt(
        text=completion.text,
        output_tokens=completion.usage.output_tokens,
        input_tokens=completion.usage.input_tokens,
    )
    return Improvement(method="critique_revise", first=first, second=second)
