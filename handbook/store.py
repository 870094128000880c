"""The handbook in the database: named handbooks of behaviours, added with
deduplication, counted as agents use them, pruned and merged.

Every write that decides on names (add, merge, prune) first locks its
handbook's row (a no-op ``UPDATE handbooks``: the row lock on PostgreSQL,
the write lock on SQLite), so that processes extracting into one handbook
at once take turns deciding: a near-duplicate proposed by two of them is
stored once with both provenances, and no name is lost or doubled. The
lock is held for the decision and the insert only; embedding happens
before it. Usage counters never take it: they are single
``SET n = n + 1`` statements, which no concurrent writer can lose.

Each process keeps the handbook's candidates for deduplication (ids,
names, vectors) in memory and, under the lock, reads only the rows added
since (``id >`` the newest it knows); a deletion elsewhere (the row count
fell) makes it read them all again.
"""

from __future__ import annotations

import difflib
import threading
from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Literal

import numpy as np
from pydantic import BaseModel, ConfigDict, Field
from sqlalchemy import delete, func, insert, select, update

from ethos.db.tables import BehaviorRow, HandbookRow, utcnow
from ethos.handbook.behavior import (
    NAME_LIMIT,
    Behavior,
    BehaviorDraft,
    BehaviorError,
    BehaviorNotFoundError,
    HandbookNotFoundError,
    Provenance,
)
from ethos.handbook.dedup import (
    DEFAULT_RULE,
    DedupRule,
    Features,
    features_of,
    is_duplicate,
    judged,
    similarity,
    vetoed,
)
from ethos.handbook.embedder import (
    TextEmbedder,
    default_embedder,
    embed,
    from_bytes,
    instruction_from_bytes,
    to_bytes,
)

if TYPE_CHECKING:
    from sqlalchemy.ext.asyncio import AsyncConnection

    from ethos.db.store import Store

DEFAULT_HANDBOOK = "default"
MERGE_THRESHOLD = DEFAULT_RULE.cosine


class Merge(BaseModel):
    """A draft that was folded into an existing behaviour."""

    model_config = ConfigDict(frozen=True)

    draft: str
    into: str
    similarity: float | None = None
    judge: str | None = None  # the model whose "same" decided this merge


class AddReport(BaseModel):
    """What ``add_behaviors`` did with each draft: stored as new (``added``)
    or merged into a near-duplicate (``merged``), and whether embeddings
    took part (False: no model; word overlap decided)."""

    handbook: str
    added: list[str] = Field(default_factory=list)
    merged: list[Merge] = Field(default_factory=list)
    embedded: bool = False
    judge: str | None = None
    judge_answers: dict[str, int] = Field(
        default_factory=dict,
        description="the judge's answers by kind (same, different, unparseable, failed); "
        "on the last two the embedding decided",
    )
    judge_unasked: list[str] = Field(
        default_factory=list,
        description="pairs in the judge's band it was not asked about (rows stored "
        "meanwhile by another writer): the threshold decided them",
    )


# -- handbooks -----------------------------------------------------------------


def _check_handbook_name(name: str) -> str:
    clean = name.strip()
    if not clean or len(clean) > NAME_LIMIT:
        raise BehaviorError(
            f"handbook name {name!r} must be 1 to {NAME_LIMIT} characters",
            "pass --handbook NAME with a short name",
        )
    return clean


async def ensure_handbook(store: Store, name: str, description: str = "") -> int:
    """The id of handbook ``name``, created (empty) if it does not exist yet;
    safe when several processes create it at once."""
    name = _check_handbook_name(name)
    stmt = store._insert(HandbookRow).values(
        name=name, description=description, created_at=utcnow()
    )
    async with store.engine.begin() as conn:
        await conn.execute(stmt.on_conflict_do_nothing(index_elements=["name"]))
        found = await conn.execute(select(HandbookRow.id).where(HandbookRow.name == name))
        return int(found.scalar_one())


async def list_handbooks(store: Store) -> list[tuple[str, int]]:
    """Every handbook's name and how many behaviours it holds."""
    query = (
        select(HandbookRow.name, func.count(BehaviorRow.id))
        .outerjoin(BehaviorRow, BehaviorRow.handbook_id == HandbookRow.id)
        .group_by(HandbookRow.name)
        .order_by(HandbookRow.name)
    )
    async with store.engine.connect() as conn:
        return [(r[0], int(r[1])) for r in await conn.execute(query)]


async def handbook_id(store: Store, name: str, conn: AsyncConnection | None = None) -> int:
    """The id of an existing handbook; HandbookNotFoundError names the known ones."""
    query = select(HandbookRow.id).where(HandbookRow.name == name)
    if conn is not None:
        found = (await conn.execute(query)).scalar_one_or_none()
    else:
        async with store.engine.connect() as c:
            found = (await c.execute(query)).scalar_one_or_none()
    if found is None:
        known = [n for n, _ in await list_handbooks(store)]
        shown = ", ".join(repr(k) for k in known[:8]) if known else "none yet"
        raise HandbookNotFoundError(
            f"no handbook named {name!r} in {store.url} (known: {shown})",
            "extract behaviours into it first: ethos handbook extract RUN|FILE --model M",
        )
    return int(found)


async def _lock_handbook(conn: AsyncConnection, hid: int) -> None:
    """Take the handbook's write lock for the rest of the transaction (see
    the module docstring): a no-op UPDATE of its row."""
    await conn.execute(
        update(HandbookRow).where(HandbookRow.id == hid).values(description=HandbookRow.description)
    )


# -- reading -------------------------------------------------------------------


def behavior_from_row(row: Any, handbook: str) -> Behavior:
    """A Behavior from a row holding ``BEHAVIOR_COLUMNS``: the one mapping
    that the store's reads and the retrieval index share, so a behaviour
    reads the same whichever way it was found."""
    return Behavior.model_construct(
        id=int(row.id),
        handbook=handbook,
        name=row.name,
        instruction=row.instruction,
        tags=list(row.tags or []),
        provenance=[Provenance.model_validate(p) for p in row.provenance or []],
        version=int(row.version),
        retrieved=int(row.retrieved),
        cited=int(row.cited),
        outcome_mean=(row.outcome_sum / row.outcome_n) if row.outcome_n else None,
    )


BEHAVIOR_COLUMNS = (
    BehaviorRow.id,
    BehaviorRow.name,
    BehaviorRow.instruction,
    BehaviorRow.tags,
    BehaviorRow.provenance,
    BehaviorRow.version,
    BehaviorRow.retrieved,
    BehaviorRow.cited,
    BehaviorRow.outcome_sum,
    BehaviorRow.outcome_n,
)


async def list_behaviors(store: Store, handbook: str = DEFAULT_HANDBOOK) -> list[Behavior]:
    """Every behaviour of a handbook, oldest first."""
    hid = await handbook_id(store, handbook)
    query = select(*BEHAVIOR_COLUMNS).where(BehaviorRow.handbook_id == hid).order_by(BehaviorRow.id)
    async with store.engine.connect() as conn:
        return [behavior_from_row(r, handbook) for r in await conn.execute(query)]


async def get_behavior(store: Store, handbook: str, name: str) -> Behavior:
    """One behaviour by name (any spelling of it: ``Check Units`` finds
    ``behavior_check_units``); BehaviorNotFoundError suggests close names."""
    from ethos.handbook.behavior import normalize_name

    hid = await handbook_id(store, handbook)
    try:
        wanted = normalize_name(name)
    except ValueError:
        wanted = name
    async with store.engine.connect() as conn:
        row = (
            await conn.execute(
                select(*BEHAVIOR_COLUMNS).where(
                    BehaviorRow.handbook_id == hid, BehaviorRow.name == wanted
                )
            )
        ).first()
        if row is None:
            names = (
                (await conn.execute(select(BehaviorRow.name).where(BehaviorRow.handbook_id == hid)))
                .scalars()
                .all()
            )
    if row is None:
        close = difflib.get_close_matches(wanted, names, n=3, cutoff=0.6)
        hint = (
            f"did you mean {', '.join(close)}?" if close else "list them with: ethos handbook list"
        )
        raise BehaviorNotFoundError(f"handbook {handbook!r} has no behaviour {wanted!r}", hint)
    return behavior_from_row(row, handbook)


# -- usage counters --------------------------------------------------------------


async def count_retrieved(store: Store, handbook: str, names: Sequence[str]) -> None:
    """Add one to ``retrieved`` of each named behaviour (unknown names are ignored:
    a behaviour pruned meanwhile is not an error)."""
    await _bump(store, handbook, names, {"retrieved": BehaviorRow.retrieved + 1})


async def count_cited(
    store: Store, handbook: str, names: Sequence[str], score: float | None = None
) -> None:
    """Add one to ``cited`` of each named behaviour and, when the citing
    answer was scored, its score to the outcome mean."""
    await _bump(store, handbook, names, _cited_values(score))


COUNTED_EVENT = "handbook_counted"


async def count_use_once(
    store: Store,
    handbook: str,
    *,
    run_id: str,
    sample_pk: int,
    retrieved: Sequence[str],
    cited: Sequence[str],
    score: float | None = None,
    attempt: int | None = None,
) -> bool:
    """Count one sample's use of ``handbook`` (``retrieved`` and ``cited``
    with ``score``) at most once, however often the sample is redone.

    A resumed run redoes a sample whose score was never committed, and its
    solver calls the counters again; counted plainly, the redone sample's
    retrievals and citations would be counted twice. Here the counters move
    in the same transaction as a ``handbook_counted`` event on the sample
    (a sample row is one (run, sample, epoch, arm)), and a sample that has
    that event is not counted again. False when it already was.
    """
    from ethos.db.tables import EventRow, SampleRow

    hid = await _cached_handbook_id(store, handbook)
    async with store.engine.begin() as conn:
        # Serialises two workers on one sample (PostgreSQL; SQLite has one writer).
        await conn.execute(select(SampleRow.id).where(SampleRow.id == sample_pk).with_for_update())
        seen = await conn.execute(
            select(EventRow.id)
            .where(EventRow.sample_pk == sample_pk, EventRow.kind == COUNTED_EVENT)
            .limit(1)
        )
        if seen.first() is not None:
            return False
        await conn.execute(
            insert(EventRow).values(
                run_id=run_id,
                sample_pk=sample_pk,
                kind=COUNTED_EVENT,
                # counts, not names: a run kept without text (ETHOS_TRANSCRIPTS=false)
                # keeps none here either; the handbook events carry the names
                payload={
                    "handbook": handbook,
                    "retrieved": len(set(retrieved)),
                    "cited": len(set(cited)),
                    "score": score,
                },
                attempt=attempt,
                created_at=utcnow(),
            )
        )
        for names, values in (
            (retrieved, {"retrieved": BehaviorRow.retrieved + 1}),
            (cited, _cited_values(score)),
        ):
            unique = sorted(set(names))
            if unique:
                await conn.execute(
                    update(BehaviorRow)
                    .where(BehaviorRow.handbook_id == hid, BehaviorRow.name.in_(unique))
                    .values(**values)
                )
    return True


def _cited_values(score: float | None) -> dict[str, Any]:
    values: dict[str, Any] = {"cited": BehaviorRow.cited + 1}
    if score is not None:
        values["outcome_sum"] = BehaviorRow.outcome_sum + float(score)
        values["outcome_n"] = BehaviorRow.outcome_n + 1
    return values


async def _bump(store: Store, handbook: str, names: Sequence[str], values: dict[str, Any]) -> None:
    unique = sorted(set(names))  # one order everywhere: concurrent bumps never deadlock
    if not unique:
        return
    hid = await _cached_handbook_id(store, handbook)
    async with store.engine.begin() as conn:
        await conn.execute(
            update(BehaviorRow)
            .where(BehaviorRow.handbook_id == hid, BehaviorRow.name.in_(unique))
            .values(**values)
        )


_ids: dict[tuple[str, str], int] = {}


async def _cached_handbook_id(store: Store, handbook: str) -> int:
    """Handbook ids never change while the row lives: counters (on every
    agent call) skip the lookup after the first."""
    key = (store.url, handbook)
    hid = _ids.get(key)
    if hid is None:
        hid = _ids[key] = await handbook_id(store, handbook)
    return hid


# -- adding with deduplication ---------------------------------------------------


@dataclass
class _Candidates:
    """One process's view of a handbook for deduplication."""

    ids: list[int] = field(default_factory=list)
    names: list[str] = field(default_factory=list)
    texts: list[str] = field(default_factory=list)  # instructions, for a judge to read
    features: list[Features] = field(default_factory=list)
    vectors: np.ndarray = field(default_factory=lambda: np.zeros((0, 0), dtype=np.float32))
    # instruction-only vectors, row for row (zero where a row has none:
    # ``instructed`` is False there and its full-text cosine decides alone)
    instructions: np.ndarray = field(default_factory=lambda: np.zeros((0, 0), dtype=np.float32))
    instructed: np.ndarray = field(default_factory=lambda: np.zeros(0, dtype=bool))
    has_vector: list[bool] = field(default_factory=list)
    without_vector: list[int] = field(default_factory=list)  # decided by words
    size: int = 0
    max_id: int = 0
    model: str | None = None

    positions: dict[str, int] = field(default_factory=dict)

    def by_name(self, name: str) -> int | None:
        return self.positions.get(name)

    def append(
        self,
        row_id: int,
        draft: BehaviorDraft,
        vector: np.ndarray | None,
        instruction: np.ndarray | None = None,
    ) -> None:
        if self.vectors.shape[1] and self.size == self.vectors.shape[0]:
            rows = max(64, 2 * self.size)
            for attr in ("vectors", "instructions"):
                grown = np.zeros((rows, self.vectors.shape[1]), dtype=np.float32)
                grown[: self.size] = getattr(self, attr)[: self.size]
                setattr(self, attr, grown)
            flags = np.zeros(rows, dtype=bool)
            flags[: self.size] = self.instructed[: self.size]
            self.instructed = flags
        if self.vectors.shape[1]:
            known = vector is not None and instruction is not None
            self.vectors[self.size] = vector if vector is not None else 0.0
            self.instructions[self.size] = instruction if known else 0.0
            self.instructed[self.size] = known
        self.ids.append(row_id)
        self.positions[draft.name] = self.size
        self.names.append(draft.name)
        self.texts.append(draft.instruction)
        self.features.append(features_of(draft))
        self.has_vector.append(vector is not None)
        if vector is None:
            self.without_vector.append(self.size)
        self.size += 1
        self.max_id = max(self.max_id, row_id)


_candidates: dict[tuple[str, int, str | None], _Candidates] = {}
_candidates_lock = threading.Lock()


async def _sync_candidates(
    store: Store, conn: AsyncConnection, hid: int, embedder: TextEmbedder | None
) -> _Candidates:
    model = embedder.name if embedder is not None else None
    key = (store.url, hid, model)
    with _candidates_lock:
        cands = _candidates.get(key)
    if cands is None:
        cands = _new_candidates(embedder)
    await _read_candidates(conn, hid, cands, embedder)
    count = (
        await conn.execute(select(func.count(BehaviorRow.id)).where(BehaviorRow.handbook_id == hid))
    ).scalar_one()
    if count != cands.size:  # rows were deleted elsewhere (prune, merge): read them all
        cands = _new_candidates(embedder)
        await _read_candidates(conn, hid, cands, embedder)
    with _candidates_lock:
        _candidates[key] = cands
    return cands


def _new_candidates(embedder: TextEmbedder | None) -> _Candidates:
    cands = _Candidates(model=embedder.name if embedder is not None else None)
    if embedder is not None:
        cands.vectors = np.zeros((64, embedder.dimension), dtype=np.float32)
        cands.instructions = np.zeros((64, embedder.dimension), dtype=np.float32)
        cands.instructed = np.zeros(64, dtype=bool)
    return cands


async def _read_candidates(
    conn: AsyncConnection, hid: int, cands: _Candidates, embedder: TextEmbedder | None
) -> None:
    """Append the handbook's rows newer than the newest ``cands`` holds."""
    query = (
        select(
            BehaviorRow.id,
            BehaviorRow.name,
            BehaviorRow.instruction,
            BehaviorRow.embedding,
            BehaviorRow.embedding_model,
        )
        .where(BehaviorRow.handbook_id == hid, BehaviorRow.id > cands.max_id)
        .order_by(BehaviorRow.id)
    )
    for row in await conn.execute(query):
        vector = instruction = None
        if embedder is not None and row.embedding_model == embedder.name:
            vector = from_bytes(row.embedding, embedder.dimension)
            instruction = instruction_from_bytes(row.embedding, embedder.dimension)
        row_draft = BehaviorDraft.model_construct(
            name=row.name, instruction=row.instruction, tags=[], provenance=[]
        )
        cands.append(int(row.id), row_draft, vector, instruction)


def _forget_candidates(store: Store, hid: int) -> None:
    with _candidates_lock:
        for key in [k for k in _candidates if k[0] == store.url and k[1] == hid]:
            del _candidates[key]


def _best_match(
    cands: _Candidates,
    draft: BehaviorDraft,
    vector: np.ndarray | None,
    rule: DedupRule,
    known: tuple[np.ndarray, np.ndarray] | None = None,
    instruction: np.ndarray | None = None,
    answers: Mapping[tuple[str, str], str] | None = None,
    unasked: list[str] | None = None,
) -> tuple[int, float | None, str | None] | None:
    """The candidate ``draft`` duplicates (its index, similarity, see
    :func:`ethos.handbook.dedup.similarity`, and the judge's answer when
    one decided), or None. ``vector`` embeds the draft's full text,
    ``instruction`` its instruction alone. ``known``: the draft's full-text
    and instruction cosines with the first ``len(known[0])`` candidates,
    computed for the whole call at once (one pass over the matrices).
    ``answers``: with a judge, its answers by (draft name, candidate name);
    then the best candidate the word rules leave decides alone, by
    :func:`ethos.handbook.dedup.judged`; a pair in the band the judge was
    not asked about (see :func:`_ask_judge`) is appended to ``unasked``."""
    same = cands.by_name(draft.name)
    if same is not None:
        cos = None
        if vector is not None and cands.has_vector[same]:
            cos = float(cands.vectors[same] @ vector)
            if instruction is not None and cands.instructed[same]:
                cos = similarity(cos, float(cands.instructions[same] @ instruction))
        return same, cos, None
    if not cands.size:
        return None
    mine = features_of(draft)
    if vector is not None and cands.vectors.shape[1]:
        # rows stored without a vector are zero rows here (cosine 0): never above
        # the threshold, and judged by their words below
        if known is not None:
            seen = len(known[0])
            full = np.concatenate([known[0], cands.vectors[seen : cands.size] @ vector])
        else:
            full = cands.vectors[: cands.size] @ vector
        if instruction is None:
            instr = full
        else:
            if known is not None:
                rest = cands.instructions[seen : cands.size] @ instruction
                instr = np.concatenate([known[1], rest])
            else:
                instr = cands.instructions[: cands.size] @ instruction
            # rows without an instruction vector: the full-text cosine alone
            instr = np.where(cands.instructed[: cands.size], instr, full)
        sims = (full + instr) / 2
        floor = rule.cosine if answers is None else rule.judge_low
        near = np.flatnonzero(sims >= floor)
        for i in near[np.argsort(-sims[near], kind="stable")]:
            if answers is None:
                if is_duplicate(mine, cands.features[i], float(full[i]), rule, float(instr[i])):
                    return int(i), float(sims[i]), None
                continue
            if vetoed(mine, cands.features[i]):
                continue
            sim = float(sims[i])
            answer = None
            if rule.in_band(sim):
                answer = answers.get((draft.name, cands.names[i]))
                if answer is None and unasked is not None:
                    unasked.append(f"{draft.name} ~ {cands.names[i]}")
            if judged(sim, answer, rule):
                return int(i), sim, answer if answer == "same" else None
            break  # the best candidate the word rules leave said apart
        lexical: Sequence[int] = cands.without_vector
    else:
        lexical = range(cands.size)
    for i in lexical:  # rows without a comparable vector: words decide
        if is_duplicate(mine, cands.features[i], None, rule):
            return i, None, None
    return None


def _band_pairs(
    cands: _Candidates,
    drafts: Sequence[BehaviorDraft],
    vectors: np.ndarray,
    instructions: np.ndarray,
    rule: DedupRule,
) -> list[tuple[int, str, str]]:
    """(draft index, candidate name, candidate instruction) for each draft
    whose best candidate the word rules leave (a stored behaviour known to
    this process, or an earlier draft of the call) has its similarity in
    the judge's band: the pairs :func:`_best_match` will ask about."""
    feats = [features_of(d) for d in drafts]
    n = cands.size
    stored = np.zeros((0, len(drafts)), dtype=np.float32)
    if n and cands.vectors.shape[1]:
        full = cands.vectors[:n] @ vectors.T
        instr = np.where(cands.instructed[:n, None], cands.instructions[:n] @ instructions.T, full)
        stored = (full + instr) / 2
    own = (vectors @ vectors.T + instructions @ instructions.T) / 2
    out = []
    for i, d in enumerate(drafts):
        if cands.by_name(d.name) is not None or any(e.name == d.name for e in drafts[:i]):
            continue  # an equal name merges: nothing to ask
        options = [
            (float(stored[k, i]), cands.names[k], cands.texts[k], cands.features[k])
            for k in np.flatnonzero(stored[:, i] >= rule.judge_low)
        ]
        options += [
            (float(own[j, i]), drafts[j].name, drafts[j].instruction, feats[j])
            for j in range(i)
            if own[j, i] >= rule.judge_low
        ]
        for sim, name, text, other in sorted(options, key=lambda o: -o[0]):
            if vetoed(feats[i], other):
                continue
            if rule.in_band(sim):
                out.append((i, name, text))
            break
    return out


async def _ask_judge(
    store: Store,
    hid: int,
    drafts: Sequence[BehaviorDraft],
    vectors: np.ndarray,
    instructions: np.ndarray,
    embedder: TextEmbedder,
    rule: DedupRule,
    judge: str,
) -> dict[tuple[str, str], str]:
    """The judge's answers for the call's pairs in the band, asked before
    the handbook's lock is taken (a model call takes seconds; the lock is
    held for the decision and the insert only). The candidates are this
    process's (read once if it has none): a pair that rows stored
    meanwhile elsewhere bring into the band is not asked, and the
    threshold decides it."""
    from ethos.handbook.judge import judge_pairs

    with _candidates_lock:
        cands = _candidates.get((store.url, hid, embedder.name))
    if cands is None:  # read for the question only; the lock's read is what is kept
        cands = _new_candidates(embedder)
        async with store.engine.connect() as conn:
            await _read_candidates(conn, hid, cands, embedder)
    pairs = _band_pairs(cands, drafts, vectors, instructions, rule)
    verdicts = await judge_pairs(
        judge, [((drafts[i].name, drafts[i].instruction), (n, t)) for i, n, t in pairs]
    )
    return {(drafts[i].name, n): v.answer for (i, n, _), v in zip(pairs, verdicts, strict=True)}


def _merged_provenance(old: list[Any], new: Sequence[Provenance]) -> list[Any]:
    out = list(old or [])
    seen = {tuple(sorted((k, v) for k, v in p.items() if v is not None)) for p in out}
    for p in new:
        item = p.model_dump(mode="json", exclude_none=True)
        key = tuple(sorted(item.items()))
        if key not in seen:
            seen.add(key)
            out.append(item)
    return out


def _merged_tags(old: list[Any], new: Sequence[str]) -> list[str]:
    return list(dict.fromkeys([*(old or []), *new]))


async def add_behaviors(
    store: Store,
    handbook: str,
    drafts: Sequence[BehaviorDraft],
    *,
    embedder: TextEmbedder | Literal["auto"] | None = "auto",
    merge_threshold: float = MERGE_THRESHOLD,
    rule: DedupRule | None = None,
    judge: str | None = None,
) -> AddReport:
    """Store ``drafts`` in ``handbook`` (created if new), each merged into
    a near-duplicate when one exists (see :mod:`ethos.handbook.dedup`):
    the kept behaviour gains the draft's provenance and tags and a new
    version; its name and instruction stay. Drafts within one call are
    deduplicated against each other too. ``embedder`` "auto" is the packaged
    MiniLM when installed; None stores no vectors (word overlap decides).
    ``merge_threshold`` is the similarity (the mean of the full-text and
    instruction-only cosines) at or above which two behaviours are one,
    unless their words say they differ (see :func:`~ethos.handbook.dedup.is_duplicate`).
    Each draft stores both vectors (one blob, see
    :func:`~ethos.handbook.embedder.to_bytes`).

    ``judge``: a model string (the curator or another) that decides the
    drafts whose best candidate's similarity lies in the rule's band
    (:mod:`ethos.handbook.judge`), asked concurrently before the lock is
    taken; a merge it decided names it in the provenance it adds and in
    ``Merge.judge``. Without embeddings there is no band and no call."""
    if rule is None:
        rule = DedupRule(
            cosine=merge_threshold,
            lexical=DEFAULT_RULE.lexical,
            judge_low=min(DEFAULT_RULE.judge_low, merge_threshold),
            judge_high=max(DEFAULT_RULE.judge_high, merge_threshold),
        )
    for d in drafts:
        if not isinstance(d, BehaviorDraft):
            raise BehaviorError(
                f"add_behaviors takes BehaviorDraft objects, not {type(d).__name__}",
                "build them with ethos.handbook.behavior.draft(name, instruction)",
            )
    if embedder == "auto":
        embedder = default_embedder()
    hid = await ensure_handbook(store, handbook)
    report = AddReport(handbook=handbook, embedded=embedder is not None)
    if not drafts:
        return report
    vectors = instructions = None
    if embedder is not None:
        both = await embed(
            embedder, [d.search_text() for d in drafts] + [d.instruction for d in drafts]
        )
        vectors, instructions = both[: len(drafts)], both[len(drafts) :]
    answers: dict[tuple[str, str], str] | None = None
    if judge is not None and embedder is not None and vectors is not None:
        assert instructions is not None  # embedded with the vectors
        answers = await _ask_judge(
            store, hid, list(drafts), vectors, instructions, embedder, rule, judge
        )
        report.judge = judge
        report.judge_answers = dict(Counter(answers.values()))
    blob_model = embedder.name if embedder is not None else None
    now = utcnow()
    try:
        async with store.engine.begin() as conn:
            await _lock_handbook(conn, hid)
            cands = await _sync_candidates(store, conn, hid, embedder)
            known = None
            if vectors is not None and instructions is not None and cands.size:
                if cands.vectors.shape[1]:  # (candidates, drafts) each
                    known = (
                        cands.vectors[: cands.size] @ vectors.T,
                        cands.instructions[: cands.size] @ instructions.T,
                    )
            for i, d in enumerate(drafts):
                vector = vectors[i] if vectors is not None else None
                instruction = instructions[i] if instructions is not None else None
                column = (known[0][:, i], known[1][:, i]) if known is not None else None
                match = _best_match(
                    cands, d, vector, rule, column, instruction, answers, report.judge_unasked
                )
                if match is None:
                    row_id = (
                        await conn.execute(
                            insert(BehaviorRow)
                            .values(
                                handbook_id=hid,
                                name=d.name,
                                instruction=d.instruction,
                                tags=list(d.tags),
                                provenance=_merged_provenance([], d.provenance),
                                embedding=(
                                    to_bytes(vector, instruction) if vector is not None else None
                                ),
                                embedding_model=blob_model if vector is not None else None,
                                version=1,
                                retrieved=0,
                                cited=0,
                                outcome_sum=0.0,
                                outcome_n=0,
                                created_at=now,
                                updated_at=now,
                            )
                            .returning(BehaviorRow.id)
                        )
                    ).scalar_one()
                    cands.append(int(row_id), d, vector, instruction)
                    report.added.append(d.name)
                    continue
                index, cosine, answer = match
                kept = cands.names[index]
                sources = d.provenance
                if answer == "same":  # the judge decided: its name goes with the sources
                    sources = [p.model_copy(update={"judge": judge}) for p in d.provenance]
                row = (
                    await conn.execute(
                        select(BehaviorRow.provenance, BehaviorRow.tags).where(
                            BehaviorRow.id == cands.ids[index]
                        )
                    )
                ).one()
                await conn.execute(
                    update(BehaviorRow)
                    .where(BehaviorRow.id == cands.ids[index])
                    .values(
                        provenance=_merged_provenance(row.provenance, sources),
                        tags=_merged_tags(row.tags, d.tags),
                        version=BehaviorRow.version + 1,
                        updated_at=now,
                    )
                )
                report.merged.append(
                    Merge(
                        draft=d.name,
                        into=kept,
                        similarity=round(cosine, 4) if cosine is not None else None,
                        judge=judge if answer == "same" else None,
                    )
                )
    except BaseException:
        # The in-memory candidates may hold rows the rollback undid.
        _forget_candidates(store, hid)
        raise
    _changed(store, hid)
    return report


# -- pruning and merging ---------------------------------------------------------


async def prune(store: Store, handbook: str, *, min_retrievals: int) -> list[str]:
    """Delete the behaviours retrieved at least ``min_retrievals`` times and
    never cited: retrieval keeps offering them and no answer used them.
    Returns their names."""
    if min_retrievals < 1:
        raise BehaviorError(
            f"--min-retrievals must be at least 1 (got {min_retrievals})",
            "a behaviour never retrieved has had no chance to be cited",
        )
    hid = await handbook_id(store, handbook)
    where = (
        BehaviorRow.handbook_id == hid,
        BehaviorRow.cited == 0,
        BehaviorRow.retrieved >= min_retrievals,
    )
    async with store.engine.begin() as conn:
        await _lock_handbook(conn, hid)
        names = (
            (await conn.execute(select(BehaviorRow.name).where(*where).order_by(BehaviorRow.name)))
            .scalars()
            .all()
        )
        if names:
            await conn.execute(delete(BehaviorRow).where(*where))
    if names:
        _forget_candidates(store, hid)
        _changed(store, hid)
    return list(names)


async def merge(store: Store, handbook: str, keep: str, drop: str) -> Behavior:
    """Fold behaviour ``drop`` into ``keep``: keep gains drop's provenance,
    tags and usage counts and a new version; drop is deleted."""
    kept = await get_behavior(store, handbook, keep)
    dropped = await get_behavior(store, handbook, drop)
    if kept.id == dropped.id:
        raise BehaviorError(
            f"cannot merge {kept.name} into itself", "name two different behaviours"
        )
    hid = await handbook_id(store, handbook)
    async with store.engine.begin() as conn:
        await _lock_handbook(conn, hid)
        rows = {
            r.id: r
            for r in await conn.execute(
                select(BehaviorRow).where(BehaviorRow.id.in_([kept.id, dropped.id]))
            )
        }
        if len(rows) < 2:
            raise BehaviorNotFoundError(
                f"{kept.name} or {dropped.name} was deleted meanwhile", "list them again"
            )
        k, d = rows[kept.id], rows[dropped.id]
        provenance = _merged_provenance(
            k.provenance, [Provenance.model_validate(p) for p in d.provenance or []]
        )
        await conn.execute(
            update(BehaviorRow)
            .where(BehaviorRow.id == k.id)
            .values(
                provenance=provenance,
                tags=_merged_tags(k.tags, d.tags or []),
                retrieved=BehaviorRow.retrieved + d.retrieved,
                cited=BehaviorRow.cited + d.cited,
                outcome_sum=BehaviorRow.outcome_sum + d.outcome_sum,
                outcome_n=BehaviorRow.outcome_n + d.outcome_n,
                version=BehaviorRow.version + 1,
                updated_at=utcnow(),
            )
        )
        await conn.execute(delete(BehaviorRow).where(BehaviorRow.id == d.id))
    _forget_candidates(store, hid)
    _changed(store, hid)
    return await get_behavior(store, handbook, kept.name)


# -- change notices for this process's retrieval indexes --------------------------

_generation: dict[tuple[str, int], int] = {}


def _changed(store: Store, hid: int) -> None:
    key = (store.url, hid)
    _generation[key] = _generation.get(key, 0) + 1


def local_generation(store: Store, hid: int) -> int:
    """How many times this process changed the handbook's behaviours (the
    retrieval index rebuilds when it moves)."""
    return _generation.get((store.url, hid), 0)
