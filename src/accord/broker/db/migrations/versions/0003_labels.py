"""Pacticipant labels, and webhooks scoped by a consumer or provider label.

Revision ID: 0003
Revises: 0002
Create Date: 2025-03-01
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision: str | None = "0002"
branch_labels: str | None = None
depends_on: str | None = None

Timestamp = sa.DateTime(timezone=True)


def upgrade() -> None:
    op.create_table(
        "labels",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("pacticipant_id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(255), nullable=False),
        sa.Column("created_at", Timestamp, nullable=False),
        sa.Column("updated_at", Timestamp, nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_labels"),
        sa.UniqueConstraint("pacticipant_id", "name", name="uq_labels_pacticipant_id_name"),
        sa.ForeignKeyConstraint(
            ["pacticipant_id"],
            ["pacticipants.id"],
            name="fk_labels_pacticipant_id_pacticipants",
            ondelete="CASCADE",
        ),
    )
    op.create_index("ix_labels_name", "labels", ["name"])
    # nullable columns without constraints: a plain ALTER TABLE ... ADD COLUMN, even on SQLite
    op.add_column("webhooks", sa.Column("consumer_label", sa.String(255)))
    op.add_column("webhooks", sa.Column("provider_label", sa.String(255)))


def downgrade() -> None:
    with op.batch_alter_table("webhooks") as batch:
        batch.drop_column("provider_label")
        batch.drop_column("consumer_label")
    op.drop_table("labels")
