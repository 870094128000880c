"""catalog

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-24

catalog_entries: PublicAgent's catalogue of data sets (one row per data set,
with its columns, sample rows, statistics and search embedding).
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = "0002"
down_revision: str | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def _json() -> sa.types.TypeEngine:
    return sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql")


def upgrade() -> None:
    op.create_table(
        "catalog_entries",
        sa.Column("id", sa.String(length=256), nullable=False),
        sa.Column("source", sa.String(length=64), nullable=False),
        sa.Column("name", sa.String(length=128), nullable=False),
        sa.Column("title", sa.Text(), nullable=False),
        sa.Column("description", sa.Text(), nullable=False),
        sa.Column("columns", _json(), nullable=False),
        sa.Column("sample_rows", _json(), nullable=False),
        sa.Column("stats", _json(), nullable=False),
        sa.Column("n_rows", sa.BigInteger(), nullable=False),
        sa.Column("location", sa.Text(), nullable=False),
        sa.Column("url", sa.Text(), nullable=True),
        sa.Column("embedding", sa.LargeBinary(), nullable=True),
        sa.Column("ingested_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_catalog_entries")),
        sa.UniqueConstraint("name", name=op.f("uq_catalog_entries_name")),
    )
    op.create_index(op.f("ix_catalog_entries_ingested_at"), "catalog_entries", ["ingested_at"])
    op.create_index(op.f("ix_catalog_entries_source"), "catalog_entries", ["source"])


def downgrade() -> None:
    op.drop_index(op.f("ix_catalog_entries_source"), table_name="catalog_entries")
    op.drop_index(op.f("ix_catalog_entries_ingested_at"), table_name="catalog_entries")
    op.drop_table("catalog_entries")
