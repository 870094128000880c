"""The ORM tables: one row per run, sample, event, model call, score, artifact;
the PublicAgent data catalogue; and the behaviour handbook.

Everything a report shows is derived from these rows alone. Children cascade
from their run at the database level, so deleting a run through SQL or
through ethos leaves no orphans. Schema changes go through Alembic
(``ethos/db/migrations``); never edit these without a migration.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from sqlalchemy import (
    JSON,
    BigInteger,
    Boolean,
    DateTime,
    Float,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    MetaData,
    String,
    Text,
    TypeDecorator,
    UniqueConstraint,
)
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column


class UTCDateTime(TypeDecorator[datetime]):
    """Timezone-aware UTC on the way out, whatever the backend kept."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Any) -> datetime | None:
        if value is not None and value.tzinfo is None:
            value = value.replace(tzinfo=UTC)
        return value

    def process_result_value(self, value: datetime | None, dialect: Any) -> datetime | None:
        if value is not None and value.tzinfo is None:
            value = value.replace(tzinfo=UTC)
        return value


def utcnow() -> datetime:
    return datetime.now(UTC)


# BIGINT keys on PostgreSQL; SQLite only auto-increments INTEGER PRIMARY KEY.
RowId = BigInteger().with_variant(Integer(), "sqlite")
Json = JSON().with_variant(JSONB(), "postgresql")

NAMING = {
    "ix": "ix_%(table_name)s_%(column_0_N_name)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING)


def _run_fk() -> Mapped[str]:
    return mapped_column(String(32), ForeignKey("runs.id", ondelete="CASCADE"), index=True)


def _sample_fk(nullable: bool) -> Any:
    return mapped_column(
        RowId, ForeignKey("samples.id", ondelete="CASCADE"), nullable=nullable, index=True
    )


class RunRow(Base):
    """One run: an evaluation, a graph execution, a demo. Status moves
    running -> succeeded | failed | cancelled."""

    __tablename__ = "runs"

    id: Mapped[str] = mapped_column(String(32), primary_key=True)
    kind: Mapped[str] = mapped_column(String(64), index=True)
    name: Mapped[str] = mapped_column(String(256))
    status: Mapped[str] = mapped_column(String(16), index=True)
    config: Mapped[dict[str, Any]] = mapped_column(Json, default=dict)
    meta: Mapped[dict[str, Any]] = mapped_column("metadata", Json, default=dict)
    error: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)
    finished_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # What the run measures (an eval's configuration, samples and task code):
    # the same command run again finds its unfinished run by it.
    fingerprint: Mapped[str | None] = mapped_column(String(64), index=True)


class RunWorkerRow(Base):
    """A process working a run. Its lease runs to ``expires_at`` and is
    renewed by its heartbeat; the samples it claimed (``samples.claimed_by``)
    are its own while the lease lives, anyone's once it expired."""

    __tablename__ = "run_workers"

    id: Mapped[str] = mapped_column(String(32), primary_key=True)
    run_id: Mapped[str] = _run_fk()
    host: Mapped[str] = mapped_column(String(256))
    pid: Mapped[int] = mapped_column(Integer)
    started_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    heartbeat_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime)


class SampleRow(Base):
    """One sample of a run, per epoch and arm; unique so that a resumed run
    can never record the same (sample, epoch, arm) twice."""

    __tablename__ = "samples"
    __table_args__ = (
        UniqueConstraint("run_id", "sample_id", "epoch", "arm"),
        Index("ix_samples_run_id_status", "run_id", "status"),
    )

    id: Mapped[int] = mapped_column(RowId, primary_key=True, autoincrement=True)
    run_id: Mapped[str] = _run_fk()
    sample_id: Mapped[str] = mapped_column(String(256))
    epoch: Mapped[int] = mapped_column(Integer, default=0)
    arm: Mapped[str] = mapped_column(String(128), default="")
    status: Mapped[str] = mapped_column(String(16), index=True)
    input: Mapped[Any] = mapped_column(Json, nullable=True)
    target: Mapped[Any] = mapped_column(Json, nullable=True)
    output: Mapped[Any] = mapped_column(Json, nullable=True)
    meta: Mapped[dict[str, Any]] = mapped_column("metadata", Json, default=dict)
    error: Mapped[str | None] = mapped_column(Text)
    started_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    finished_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # How many times the sample was taken up (1 on its first try), and the
    # worker (run_workers.id) that holds it now.
    attempt: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    claimed_by: Mapped[str | None] = mapped_column(String(32))


class EventRow(Base):
    """Something that happened in a run: a message, a tool call, a state
    snapshot, a log line. Ordered by id within a run."""

    __tablename__ = "events"
    __table_args__ = (
        Index("ix_events_run_id_id", "run_id", "id"),
        Index("ix_events_sample_pk_id", "sample_pk", "id"),
    )

    id: Mapped[int] = mapped_column(RowId, primary_key=True, autoincrement=True)
    run_id: Mapped[str] = mapped_column(String(32), ForeignKey("runs.id", ondelete="CASCADE"))
    sample_pk: Mapped[int | None] = _sample_fk(nullable=True)
    kind: Mapped[str] = mapped_column(String(64))
    payload: Mapped[Any] = mapped_column(Json, nullable=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    attempt: Mapped[int | None] = mapped_column(Integer)  # of its sample


class TranscriptPartRow(Base):
    """A message or a list of tools offered, stored once per run under the
    SHA-256 of its JSON: transcript events name parts by digest, so a
    conversation resent on every turn costs its new messages only."""

    __tablename__ = "transcript_parts"
    __table_args__ = (UniqueConstraint("run_id", "digest"),)

    id: Mapped[int] = mapped_column(RowId, primary_key=True, autoincrement=True)
    run_id: Mapped[str] = mapped_column(String(32), ForeignKey("runs.id", ondelete="CASCADE"))
    digest: Mapped[str] = mapped_column(String(64))
    body: Mapped[Any] = mapped_column(Json, nullable=True)


class ModelCallRow(Base):
    """One call through the model gateway: what it cost and how long it took."""

    __tablename__ = "model_calls"

    id: Mapped[int] = mapped_column(RowId, primary_key=True, autoincrement=True)
    run_id: Mapped[str] = _run_fk()
    sample_pk: Mapped[int | None] = _sample_fk(nullable=True)
    model: Mapped[str] = mapped_column(String(256), index=True)
    input_tokens: Mapped[int] = mapped_column(Integer, default=0)
    output_tokens: Mapped[int] = mapped_column(Integer, default=0)
    latency_s: Mapped[float] = mapped_column(Float, default=0.0)
    cost_usd: Mapped[float | None] = mapped_column(Float)
    scripted: Mapped[bool] = mapped_column(Boolean, default=False)
    error: Mapped[str | None] = mapped_column(Text)
    meta: Mapped[dict[str, Any]] = mapped_column("metadata", Json, default=dict)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    # The attempt of its sample: a call of an earlier attempt was paid for
    # but its sample was redone (a crash, a retry of a failed sample).
    attempt: Mapped[int | None] = mapped_column(Integer)


class ScoreRow(Base):
    """A scorer's verdict on one sample; one per (sample, scorer)."""

    __tablename__ = "scores"
    __table_args__ = (UniqueConstraint("sample_pk", "scorer"),)

    id: Mapped[int] = mapped_column(RowId, primary_key=True, autoincrement=True)
    run_id: Mapped[str] = _run_fk()
    sample_pk: Mapped[int] = _sample_fk(nullable=False)
    scorer: Mapped[str] = mapped_column(String(128))
    value: Mapped[Any] = mapped_column(Json, nullable=True)
    explanation: Mapped[str | None] = mapped_column(Text)
    meta: Mapped[dict[str, Any]] = mapped_column("metadata", Json, default=dict)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class ArtifactRow(Base):
    """A file a run produced (a report, a plot, a checkpoint): where it is and
    a digest to tell whether it is still the same file."""

    __tablename__ = "artifacts"

    id: Mapped[int] = mapped_column(RowId, primary_key=True, autoincrement=True)
    run_id: Mapped[str] = _run_fk()
    sample_pk: Mapped[int | None] = _sample_fk(nullable=True)
    name: Mapped[str] = mapped_column(String(256))
    path: Mapped[str] = mapped_column(Text)
    media_type: Mapped[str] = mapped_column(String(128), default="application/octet-stream")
    size_bytes: Mapped[int] = mapped_column(BigInteger, default=0)
    sha256: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class CatalogEntryRow(Base):
    """One data set in PublicAgent's catalogue: what it holds (columns, a few
    rows, summary statistics), where its data is, and its search embedding
    (float32, computed at ingest so that search never recomputes it)."""

    __tablename__ = "catalog_entries"

    id: Mapped[str] = mapped_column(String(256), primary_key=True)
    source: Mapped[str] = mapped_column(String(64), index=True)
    name: Mapped[str] = mapped_column(String(128), unique=True)
    title: Mapped[str] = mapped_column(Text)
    description: Mapped[str] = mapped_column(Text, default="")
    columns: Mapped[list[Any]] = mapped_column(Json, default=list)
    sample_rows: Mapped[list[Any]] = mapped_column(Json, default=list)
    stats: Mapped[dict[str, Any]] = mapped_column(Json, default=dict)
    n_rows: Mapped[int] = mapped_column(BigInteger, default=0)
    location: Mapped[str] = mapped_column(Text)
    url: Mapped[str | None] = mapped_column(Text)
    embedding: Mapped[bytes | None] = mapped_column(LargeBinary)
    ingested_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)


class HandbookRow(Base):
    """A named collection of behaviours (``ethos handbook ... --handbook NAME``):
    agents retrieve from one handbook, and names are unique within it."""

    __tablename__ = "handbooks"

    id: Mapped[int] = mapped_column(RowId, primary_key=True, autoincrement=True)
    name: Mapped[str] = mapped_column(String(128), unique=True)
    description: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class BehaviorRow(Base):
    """One behaviour: a named, reusable instruction extracted from solved
    traces ("Metacognitive Reuse", Didolkar et al. 2025).

    ``provenance`` lists every trace it came from (merging near-duplicates
    keeps both), as plain ids rather than foreign keys: a behaviour outlives
    the run it was learned from. The usage counters are bumped in place
    (``SET cited = cited + 1``) so concurrent agents never lose a count;
    ``outcome_sum / outcome_n`` is the mean score of the answers that cited it.
    """

    __tablename__ = "behaviors"
    __table_args__ = (UniqueConstraint("handbook_id", "name"),)

    id: Mapped[int] = mapped_column(RowId, primary_key=True, autoincrement=True)
    handbook_id: Mapped[int] = mapped_column(
        RowId, ForeignKey("handbooks.id", ondelete="CASCADE"), index=True
    )
    name: Mapped[str] = mapped_column(String(128))
    instruction: Mapped[str] = mapped_column(Text)
    tags: Mapped[list[Any]] = mapped_column(Json, default=list)
    provenance: Mapped[list[Any]] = mapped_column(Json, default=list)
    embedding: Mapped[bytes | None] = mapped_column(LargeBinary)
    embedding_model: Mapped[str | None] = mapped_column(String(256))
    version: Mapped[int] = mapped_column(Integer, default=1)
    retrieved: Mapped[int] = mapped_column(BigInteger, default=0)
    cited: Mapped[int] = mapped_column(BigInteger, default=0)
    outcome_sum: Mapped[float] = mapped_column(Float, default=0.0)
    outcome_n: Mapped[int] = mapped_column(BigInteger, default=0)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
