"""Webhooks: their definitions and events, each firing (triggered webhook) and every attempt
to deliver it (execution), so retries and failures can be read back later.

Revision ID: 0002
Revises: 0001
Create Date: 2025-02-01
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision: str | None = "0001"
branch_labels: str | None = None
depends_on: str | None = None

Timestamp = sa.DateTime(timezone=True)


def _fk(table: str, column: str, target: str) -> sa.ForeignKeyConstraint:
    return sa.ForeignKeyConstraint(
        [column], [f"{target}.id"], name=f"fk_{table}_{column}_{target}", ondelete="CASCADE"
    )


def upgrade() -> None:
    op.create_table(
        "webhooks",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("uuid", sa.String(64), nullable=False),
        sa.Column("description", sa.Text()),
        sa.Column("consumer_id", sa.Integer()),
        sa.Column("provider_id", sa.Integer()),
        sa.Column("enabled", sa.Boolean(), nullable=False),
        sa.Column("method", sa.String(16), nullable=False),
        sa.Column("url", sa.Text(), nullable=False),
        sa.Column("headers", sa.Text(), nullable=False),
        sa.Column("body", sa.Text()),
        sa.Column("username", sa.Text()),
        sa.Column("password", sa.Text()),
        sa.Column("created_at", Timestamp, nullable=False),
        sa.Column("updated_at", Timestamp, nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_webhooks"),
        sa.UniqueConstraint("uuid", name="uq_webhooks_uuid"),
        _fk("webhooks", "consumer_id", "pacticipants"),
        _fk("webhooks", "provider_id", "pacticipants"),
    )
    op.create_index("ix_webhooks_consumer_id", "webhooks", ["consumer_id"])
    op.create_index("ix_webhooks_provider_id", "webhooks", ["provider_id"])
    op.create_table(
        "webhook_events",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("webhook_id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(64), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_webhook_events"),
        sa.UniqueConstraint("webhook_id", "name", name="uq_webhook_events_webhook_id_name"),
        _fk("webhook_events", "webhook_id", "webhooks"),
    )
    op.create_table(
        "triggered_webhooks",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("uuid", sa.String(36), nullable=False),
        sa.Column("webhook_id", sa.Integer(), nullable=False),
        sa.Column("trigger_type", sa.String(16), nullable=False),
        sa.Column("event_name", sa.String(64), nullable=False),
        sa.Column("context", sa.Text(), nullable=False),
        sa.Column("consumer_id", sa.Integer()),
        sa.Column("provider_id", sa.Integer()),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("next_attempt_at", Timestamp),
        sa.Column("created_at", Timestamp, nullable=False),
        sa.Column("updated_at", Timestamp, nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_triggered_webhooks"),
        sa.UniqueConstraint("uuid", name="uq_triggered_webhooks_uuid"),
        _fk("triggered_webhooks", "webhook_id", "webhooks"),
        _fk("triggered_webhooks", "consumer_id", "pacticipants"),
        _fk("triggered_webhooks", "provider_id", "pacticipants"),
    )
    op.create_index(
        "ix_triggered_webhooks_webhook_id_id", "triggered_webhooks", ["webhook_id", "id"]
    )
    op.create_index(
        "ix_triggered_webhooks_consumer_id_provider_id_id",
        "triggered_webhooks",
        ["consumer_id", "provider_id", "id"],
    )
    op.create_table(
        "webhook_executions",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("triggered_webhook_id", sa.Integer(), nullable=False),
        sa.Column("attempt", sa.Integer(), nullable=False),
        sa.Column("success", sa.Boolean(), nullable=False),
        sa.Column("request", sa.Text(), nullable=False),
        sa.Column("response", sa.Text()),
        sa.Column("error", sa.Text()),
        sa.Column("duration_ms", sa.Integer()),
        sa.Column("created_at", Timestamp, nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_webhook_executions"),
        _fk("webhook_executions", "triggered_webhook_id", "triggered_webhooks"),
    )
    op.create_index(
        "ix_webhook_executions_triggered_webhook_id_id",
        "webhook_executions",
        ["triggered_webhook_id", "id"],
    )


def downgrade() -> None:
    op.drop_table("webhook_executions")
    op.drop_table("triggered_webhooks")
    op.drop_table("webhook_events")
    op.drop_table("webhooks")
