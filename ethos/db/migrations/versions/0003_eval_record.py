"""eval record

Revision ID: 0003
Revises: 0002
Create Date: 2026-12-05

The record of what each sample's model saw and said, and the bookkeeping
that lets several processes work one run:

- transcript_parts: message and tool-list bodies of a run, stored once per
  run by content digest (a conversation resent each turn is not stored again);
  transcript events in ``events`` refer to them by digest.
- events.attempt and model_calls.attempt: which attempt of its sample an event
  or a call belongs to (a sample redone after a crash keeps its old calls: they
  were paid for).
- samples.attempt and samples.claimed_by: how often a sample was taken up, and
  the worker that holds it now.
- run_workers: the processes working a run, each with a lease renewed by its
  heartbeat; a claim whose worker's lease expired may be taken by another.
- runs.fingerprint: what a run measures, looked up when the same command runs
  again.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = "0003"
down_revision: str | None = "0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def _json() -> sa.types.TypeEngine:
    return sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql")


def _row_id() -> sa.types.TypeEngine:
    return sa.BigInteger().with_variant(sa.Integer(), "sqlite")


def upgrade() -> None:
    op.create_table(
        "transcript_parts",
        sa.Column("id", _row_id(), autoincrement=True, nullable=False),
        sa.Column("run_id", sa.String(length=32), nullable=False),
        sa.Column("digest", sa.String(length=64), nullable=False),
        sa.Column("body", _json(), nullable=True),
        sa.ForeignKeyConstraint(
            ["run_id"],
            ["runs.id"],
            name=op.f("fk_transcript_parts_run_id_runs"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_transcript_parts")),
        sa.UniqueConstraint("run_id", "digest", name=op.f("uq_transcript_parts_run_id_digest")),
    )
    op.create_table(
        "run_workers",
        sa.Column("id", sa.String(length=32), nullable=False),
        sa.Column("run_id", sa.String(length=32), nullable=False),
        sa.Column("host", sa.String(length=256), nullable=False),
        sa.Column("pid", sa.Integer(), nullable=False),
        sa.Column("started_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("heartbeat_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("expires_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["run_id"], ["runs.id"], name=op.f("fk_run_workers_run_id_runs"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_run_workers")),
    )
    op.create_index(op.f("ix_run_workers_run_id"), "run_workers", ["run_id"], unique=False)
    op.add_column("runs", sa.Column("fingerprint", sa.String(length=64), nullable=True))
    op.create_index(op.f("ix_runs_fingerprint"), "runs", ["fingerprint"])
    op.add_column("samples", sa.Column("attempt", sa.Integer(), server_default="0", nullable=False))
    op.add_column("samples", sa.Column("claimed_by", sa.String(length=32), nullable=True))
    op.create_index("ix_samples_run_id_status", "samples", ["run_id", "status"])
    op.add_column("events", sa.Column("attempt", sa.Integer(), nullable=True))
    op.create_index("ix_events_sample_pk_id", "events", ["sample_pk", "id"])
    op.add_column("model_calls", sa.Column("attempt", sa.Integer(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("model_calls") as batch:
        batch.drop_column("attempt")
    op.drop_index("ix_events_sample_pk_id", table_name="events")
    with op.batch_alter_table("events") as batch:
        batch.drop_column("attempt")
    op.drop_index("ix_samples_run_id_status", table_name="samples")
    with op.batch_alter_table("samples") as batch:
        batch.drop_column("claimed_by")
        batch.drop_column("attempt")
    op.drop_index(op.f("ix_runs_fingerprint"), table_name="runs")
    with op.batch_alter_table("runs") as batch:
        batch.drop_column("fingerprint")
    op.drop_index(op.f("ix_run_workers_run_id"), table_name="run_workers")
    op.drop_table("run_workers")
    op.drop_table("transcript_parts")
