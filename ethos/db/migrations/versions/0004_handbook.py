"""handbook

Revision ID: 0004
Revises: 0003
Create Date: 2026-12-05

The behaviour handbook: named collections (``handbooks``) of behaviours
(``behaviors``), each a named instruction with its provenance, tags,
embedding, version and usage counters. Names are unique within a handbook.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = "0004"
down_revision: str | None = "0003"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def _json() -> sa.types.TypeEngine:
    return sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql")


def _row_id() -> sa.types.TypeEngine:
    return sa.BigInteger().with_variant(sa.Integer(), "sqlite")


def upgrade() -> None:
    op.create_table(
        "handbooks",
        sa.Column("id", _row_id(), autoincrement=True, nullable=False),
        sa.Column("name", sa.String(length=128), nullable=False),
        sa.Column("description", sa.Text(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_handbooks")),
        sa.UniqueConstraint("name", name=op.f("uq_handbooks_name")),
    )
    op.create_table(
        "behaviors",
        sa.Column("id", _row_id(), autoincrement=True, nullable=False),
        sa.Column("handbook_id", _row_id(), nullable=False),
        sa.Column("name", sa.String(length=128), nullable=False),
        sa.Column("instruction", sa.Text(), nullable=False),
        sa.Column("tags", _json(), nullable=False),
        sa.Column("provenance", _json(), nullable=False),
        sa.Column("embedding", sa.LargeBinary(), nullable=True),
        sa.Column("embedding_model", sa.String(length=256), nullable=True),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("retrieved", sa.BigInteger(), nullable=False),
        sa.Column("cited", sa.BigInteger(), nullable=False),
        sa.Column("outcome_sum", sa.Float(), nullable=False),
        sa.Column("outcome_n", sa.BigInteger(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["handbook_id"],
            ["handbooks.id"],
            name=op.f("fk_behaviors_handbook_id_handbooks"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_behaviors")),
        sa.UniqueConstraint("handbook_id", "name", name=op.f("uq_behaviors_handbook_id_name")),
    )
    op.create_index(op.f("ix_behaviors_handbook_id"), "behaviors", ["handbook_id"], unique=False)


def downgrade() -> None:
    op.drop_index(op.f("ix_behaviors_handbook_id"), table_name="behaviors")
    op.drop_table("behaviors")
    op.drop_table("handbooks")
