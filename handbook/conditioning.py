"""Behaviour-conditioned inference: a handbook's behaviours in an agent's prompt.

:class:`BehaviorHandbook` is the handbook hook of :class:`ethos.agents.agent.Agent`
(``Agent(..., handbook=...)``, or ``AgentContext(handbook=...)`` for every
agent of a graph). Before the model is called it retrieves the behaviours
nearest the task (by embedding, or BM25 where the embedder is absent; see
:mod:`ethos.handbook.retrieval`), lists them in the system prompt and asks
the model to name the ones it uses. After the answer it reads which of the
offered behaviours the answer names, counts them as cited in the store and
writes both steps to the sample's transcript as ``handbook`` events:

    {"phase": "retrieved", "handbook": "default", "agent": "solver",
     "behaviors": [{"name": "behavior_x", "score": 0.71}, ...], "note": null}
    {"phase": "cited", "handbook": "default", "agent": "solver",
     "offered": [...], "cited": ["behavior_x"], "unknown": []}

A handbook with nothing for the task (empty, missing, or no behaviour
above the retrieval threshold) leaves the prompt as it was: the agent runs
without behaviours, and the ``retrieved`` event says so in its ``note``.

Why the citations are parsed from the answer rather than asked for as a
separate field: the output type belongs to the agent, and a behaviour name
(``behavior_<snake_case>``) is distinctive enough to find in any text,
JSON included. A name the model writes that was not offered is reported as
``unknown`` and never counted: a model cannot inflate a behaviour's use by
naming it unprompted.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Mapping, Sequence
from contextvars import ContextVar
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Protocol

from ethos.handbook import conditioning_prompts as prompts
from ethos.recording import record_event

if TYPE_CHECKING:
    from ethos.db.store import Store

CITATION = re.compile(r"\bbehaviou?r_[A-Za-z0-9_]*[A-Za-z0-9]")


class Named(Protocol):
    """Anything with a behaviour's name and instruction (a stored Behavior,
    a BehaviorDraft fresh from extraction)."""

    name: str
    instruction: str


def render_guidance(handbook: str, behaviors: Sequence[Named]) -> str | None:
    """The prompt text listing ``behaviors`` and asking for citations; None
    when there are none (the prompt stays as it was)."""
    if not behaviors:
        return None
    lines = "\n".join(
        prompts.BEHAVIOR_LINE.format(name=b.name, instruction=b.instruction.strip())
        for b in behaviors
    )
    return prompts.GUIDANCE.format(handbook=handbook, behaviors=lines, example=behaviors[0].name)


def parse_citations(text: str, offered: Iterable[str]) -> tuple[list[str], list[str]]:
    """(the offered behaviours ``text`` names, in order of first mention;
    the ``behavior_`` names it writes that were not offered). British
    spelling (``behaviour_x``) counts as the same name."""
    known = set(offered)
    cited: dict[str, None] = {}
    unknown: dict[str, None] = {}
    for match in CITATION.finditer(text):
        name = match.group(0).replace("behaviour_", "behavior_", 1)
        (cited if name in known else unknown)[name] = None
    return list(cited), list(unknown)


def as_text(output: Any) -> str:
    """An agent's output as the text its citations are read from."""
    if isinstance(output, str):
        return output
    dump = getattr(output, "model_dump_json", None)
    if callable(dump):
        return str(dump())
    return json.dumps(output, default=str, ensure_ascii=False)


@dataclass(frozen=True)
class Use:
    """One conditioned call: the behaviours offered (with retrieval
    scores), and, once the answer is in, the ones it cited."""

    handbook: str
    agent: str
    offered: tuple[tuple[str, float], ...] = ()
    note: str | None = None
    cited: tuple[str, ...] = ()
    unknown: tuple[str, ...] = ()

    @property
    def names(self) -> list[str]:
        return [name for name, _ in self.offered]


_uses: ContextVar[Mapping[tuple[int, str, str], Use] | None] = ContextVar(
    "ethos_handbook_uses", default=None
)


@dataclass
class BehaviorHandbook:
    """A stored handbook as an agent's hook (see the module docstring).

    ``k`` and ``threshold`` bound what is retrieved (``threshold`` None:
    retrieval's default); ``tags`` keeps behaviours with any of those tags.
    ``count_citations`` False leaves the cited counter to the caller, who
    knows the answer's outcome (:meth:`record_outcome`), as the
    ``handbook/reuse`` eval does; ``count_retrievals`` False leaves the
    retrieved counter to it too (``record_outcome(..., once=...)`` counts
    both once per sample, so a resumed run's redone sample is not counted
    twice).

    The object holds no per-call state: what :meth:`guidance` offered is
    kept in a context variable keyed by agent and task, which follows the
    agent's own call (an agent runs guidance, model, observe in one task),
    so one instance serves concurrent agents and runs.
    """

    store: Store
    handbook: str = "default"
    k: int = 5
    threshold: float | None = None
    tags: Sequence[str] = ()
    count_citations: bool = True
    count_retrievals: bool = True
    embedder: Any = "auto"  # retrieval's: "auto" (MiniLM when installed), None (BM25), or one
    _key: int = field(default=0, init=False, repr=False)

    def __post_init__(self) -> None:
        self._key = id(self)

    async def retrieve(self, task: str) -> tuple[list[tuple[Any, float]], str | None]:
        """(the behaviours for ``task`` with their scores, a note when there are none)."""
        from ethos.handbook.behavior import HandbookNotFoundError
        from ethos.handbook.retrieval import retrieve

        kwargs: dict[str, Any] = {
            "k": self.k,
            "tags": tuple(self.tags),
            "embedder": self.embedder,
            "count": self.count_retrievals,
        }
        if self.threshold is not None:
            kwargs["threshold"] = self.threshold
        try:
            found = await retrieve(self.store, self.handbook, task, **kwargs)
        except HandbookNotFoundError:
            return [], f"there is no handbook {self.handbook!r}: answering without behaviours"
        if found:
            return [(r.behavior, float(r.score)) for r in found], None
        size = await handbook_size(self.store, self.handbook)
        if size == 0:
            note = f"the handbook {self.handbook!r} holds no behaviours: answering without"
        else:
            note = (
                f"none of the {size} behaviours of {self.handbook!r} matched this task "
                "closely enough: answering without"
            )
        return [], note

    async def guidance(self, agent: str, task: str) -> str | None:
        """The behaviours for ``task`` as prompt text (None: none found)."""
        found, note = await self.retrieve(task)
        use = Use(
            handbook=self.handbook,
            agent=agent,
            offered=tuple((b.name, round(score, 4)) for b, score in found),
            note=note,
        )
        self._remember(agent, task, use)
        record_event(
            "handbook",
            phase="retrieved",
            handbook=self.handbook,
            agent=agent,
            behaviors=[{"name": n, "score": s} for n, s in use.offered],
            note=note,
        )
        return render_guidance(self.handbook, [b for b, _ in found])

    async def observe(self, agent: str, task: str, output: Any) -> None:
        """Read the answer's citations of the offered behaviours, count them
        (unless ``count_citations`` is off) and write them to the transcript."""
        use = self.last(agent, task)
        if use is None or not use.offered:
            return  # nothing was offered: the retrieved event already says so
        cited, unknown = parse_citations(as_text(output), use.names)
        done = Use(use.handbook, agent, use.offered, use.note, tuple(cited), tuple(unknown))
        self._remember(agent, task, done)
        if self.count_citations and cited:
            from ethos.handbook.store import count_cited

            await count_cited(self.store, self.handbook, cited, None)
        record_event(
            "handbook",
            phase="cited",
            handbook=self.handbook,
            agent=agent,
            offered=use.names,
            cited=cited,
            unknown=unknown,
        )

    def last(self, agent: str, task: str) -> Use | None:
        """What the latest conditioned call of ``agent`` on ``task`` in this
        context was offered and cited."""
        return (_uses.get() or {}).get((self._key, agent, task))

    async def record_outcome(
        self, use: Use, score: float, *, once: tuple[str, int, int | None] | None = None
    ) -> bool:
        """Count ``use``'s citations with the answer's outcome (a score in
        [0, 1]); what a caller with ``count_citations=False`` does once it
        has scored the answer. With ``once`` = (run id, sample pk, attempt)
        the offered behaviours' retrievals (when ``count_retrievals`` is
        off) and the citations are counted at most once for that sample
        (:func:`ethos.handbook.store.count_use_once`); False when they
        already were."""
        if once is not None:
            from ethos.handbook.store import count_use_once

            run_id, sample_pk, attempt = once
            return await count_use_once(
                self.store,
                self.handbook,
                run_id=run_id,
                sample_pk=sample_pk,
                attempt=attempt,
                retrieved=[] if self.count_retrievals else use.names,
                cited=use.cited,
                score=score,
            )
        if not self.count_retrievals and use.names:
            from ethos.handbook.store import count_retrieved

            await count_retrieved(self.store, self.handbook, use.names)
        if use.cited:
            from ethos.handbook.store import count_cited

            await count_cited(self.store, self.handbook, list(use.cited), score)
        return True

    def _remember(self, agent: str, task: str, use: Use) -> None:
        uses = dict(_uses.get() or {})
        uses[(self._key, agent, task)] = use
        if len(uses) > 64:  # a long-lived task with many calls: keep the latest
            for stale in list(uses)[: len(uses) - 64]:
                del uses[stale]
        _uses.set(uses)


async def handbook_size(store: Store, handbook: str) -> int:
    """How many behaviours ``handbook`` holds (0 when it does not exist)."""
    from sqlalchemy import func, select

    from ethos.db.tables import BehaviorRow, HandbookRow

    query = (
        select(func.count(BehaviorRow.id))
        .select_from(BehaviorRow)
        .join(HandbookRow, HandbookRow.id == BehaviorRow.handbook_id)
        .where(HandbookRow.name == handbook)
    )
    async with store.engine.connect() as conn:
        return int((await conn.execute(query)).scalar_one())
