"""The broker's tables, as SQLAlchemy Core objects that queries are written against.

The shape follows the Pact Broker's own model (see ``reference/broker-api.md`` §4) with two
simplifications that keep queries set-based and cheap:

* a version's creation order *is* its primary key, so "latest" is ``max(id)`` and needs no
  separate sequence (SQLite has none) and no re-ordering;
* a consumer version has at most one publication per provider (``pact_publications`` is
  unique on the pair); re-publishing updates that row instead of adding a revision, so no
  query ever has to discard overwritten revisions.

The Alembic migrations under ``migrations/versions`` create exactly these tables; a test
compares the two so they cannot drift apart.
"""

from __future__ import annotations

import sqlalchemy as sa

from accord.broker.db.types import BoundedString, CheckedText

metadata = sa.MetaData(
    naming_convention={
        "ix": "ix_%(table_name)s_%(column_0_N_name)s",
        "uq": "uq_%(table_name)s_%(column_0_N_name)s",
        "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
        "pk": "pk_%(table_name)s",
    }
)

Timestamp = sa.DateTime(timezone=True)


def _id() -> sa.Column[int]:
    return sa.Column("id", sa.Integer, primary_key=True, autoincrement=True)


def _fk(name: str, target: str, *, nullable: bool = False) -> sa.Column[int]:
    return sa.Column(name, sa.Integer, sa.ForeignKey(target, ondelete="CASCADE"), nullable=nullable)


pacticipants = sa.Table(
    "pacticipants",
    metadata,
    _id(),
    sa.Column("name", BoundedString(255), nullable=False, unique=True),
    sa.Column("display_name", BoundedString(255)),
    sa.Column("repository_url", BoundedString(1024)),
    sa.Column("repository_name", BoundedString(255)),
    sa.Column("repository_namespace", BoundedString(255)),
    sa.Column("main_branch", BoundedString(255)),
    sa.Column("created_at", Timestamp, nullable=False),
    sa.Column("updated_at", Timestamp, nullable=False),
)

versions = sa.Table(
    "versions",
    metadata,
    _id(),
    _fk("pacticipant_id", "pacticipants.id"),
    sa.Column("number", BoundedString(255), nullable=False),
    sa.Column("build_url", BoundedString(1024)),
    sa.Column("created_at", Timestamp, nullable=False),
    sa.Column("updated_at", Timestamp, nullable=False),
    sa.UniqueConstraint("pacticipant_id", "number"),
    sa.Index(None, "pacticipant_id", "id"),
)

branches = sa.Table(
    "branches",
    metadata,
    _id(),
    _fk("pacticipant_id", "pacticipants.id"),
    sa.Column("name", BoundedString(255), nullable=False),
    sa.Column("created_at", Timestamp, nullable=False),
    sa.UniqueConstraint("pacticipant_id", "name"),
)

branch_versions = sa.Table(
    "branch_versions",
    metadata,
    _id(),
    _fk("branch_id", "branches.id"),
    _fk("version_id", "versions.id"),
    _fk("pacticipant_id", "pacticipants.id"),
    sa.Column("created_at", Timestamp, nullable=False),
    sa.UniqueConstraint("branch_id", "version_id"),
    sa.Index(None, "version_id"),
)

tags = sa.Table(
    "tags",
    metadata,
    _id(),
    _fk("version_id", "versions.id"),
    _fk("pacticipant_id", "pacticipants.id"),
    sa.Column("name", BoundedString(255), nullable=False),
    sa.Column("created_at", Timestamp, nullable=False),
    sa.UniqueConstraint("version_id", "name"),
    sa.Index(None, "pacticipant_id", "name", "version_id"),
)

pact_versions = sa.Table(
    "pact_versions",
    metadata,
    _id(),
    _fk("consumer_id", "pacticipants.id"),
    _fk("provider_id", "pacticipants.id"),
    sa.Column("sha", BoundedString(64), nullable=False),
    sa.Column("content", CheckedText, nullable=False),
    sa.Column("interactions_count", sa.Integer, nullable=False),
    sa.Column("created_at", Timestamp, nullable=False),
    sa.UniqueConstraint("consumer_id", "provider_id", "sha"),
)

pact_publications = sa.Table(
    "pact_publications",
    metadata,
    _id(),
    _fk("consumer_id", "pacticipants.id"),
    _fk("provider_id", "pacticipants.id"),
    _fk("consumer_version_id", "versions.id"),
    _fk("pact_version_id", "pact_versions.id"),
    sa.Column("revision", sa.Integer, nullable=False),
    sa.Column("created_at", Timestamp, nullable=False),
    sa.Column("updated_at", Timestamp, nullable=False),
    sa.UniqueConstraint("consumer_version_id", "provider_id"),
    sa.Index(
        "ix_pact_publications_provider_consumer",
        "provider_id",
        "consumer_id",
        "consumer_version_id",
    ),
    sa.Index(None, "pact_version_id"),
)

verifications = sa.Table(
    "verifications",
    metadata,
    _id(),
    _fk("pact_version_id", "pact_versions.id"),
    _fk("provider_version_id", "versions.id"),
    _fk("consumer_id", "pacticipants.id"),
    _fk("provider_id", "pacticipants.id"),
    sa.Column("success", sa.Boolean, nullable=False),
    sa.Column("build_url", BoundedString(1024)),
    sa.Column("test_results", CheckedText),
    sa.Column("verified_by_implementation", BoundedString(255)),
    sa.Column("verified_by_version", BoundedString(255)),
    sa.Column("wip", sa.Boolean, nullable=False),
    sa.Column("pending", sa.Boolean),
    sa.Column("created_at", Timestamp, nullable=False),
    sa.Index(None, "pact_version_id", "provider_version_id", "id"),
    sa.Index(None, "provider_version_id"),
)

environments = sa.Table(
    "environments",
    metadata,
    _id(),
    sa.Column("uuid", BoundedString(36), nullable=False, unique=True),
    sa.Column("name", BoundedString(255), nullable=False, unique=True),
    sa.Column("display_name", BoundedString(255)),
    sa.Column("production", sa.Boolean, nullable=False),
    sa.Column("contacts", CheckedText),
    sa.Column("created_at", Timestamp, nullable=False),
    sa.Column("updated_at", Timestamp, nullable=False),
)

deployed_versions = sa.Table(
    "deployed_versions",
    metadata,
    _id(),
    sa.Column("uuid", BoundedString(36), nullable=False, unique=True),
    _fk("version_id", "versions.id"),
    _fk("pacticipant_id", "pacticipants.id"),
    _fk("environment_id", "environments.id"),
    sa.Column("application_instance", BoundedString(255)),
    # "" when there is no instance, so the partial unique index can see NULL instances too.
    sa.Column("instance_key", BoundedString(255), nullable=False),
    sa.Column("currently_deployed", sa.Boolean, nullable=False),
    sa.Column("undeployed_at", Timestamp),
    sa.Column("created_at", Timestamp, nullable=False),
    sa.Column("updated_at", Timestamp, nullable=False),
    sa.Index(None, "version_id"),
    sa.Index(
        "uq_deployed_versions_current",
        "pacticipant_id",
        "environment_id",
        "instance_key",
        unique=True,
        sqlite_where=sa.text("currently_deployed"),
        postgresql_where=sa.text("currently_deployed"),
    ),
    sa.Index(None, "environment_id", "currently_deployed"),
)

released_versions = sa.Table(
    "released_versions",
    metadata,
    _id(),
    sa.Column("uuid", BoundedString(36), nullable=False, unique=True),
    _fk("version_id", "versions.id"),
    _fk("pacticipant_id", "pacticipants.id"),
    _fk("environment_id", "environments.id"),
    sa.Column("support_ended_at", Timestamp),
    sa.Column("created_at", Timestamp, nullable=False),
    sa.Column("updated_at", Timestamp, nullable=False),
    sa.UniqueConstraint("version_id", "environment_id"),
    sa.Index(None, "environment_id", "support_ended_at"),
)

integrations = sa.Table(
    "integrations",
    metadata,
    _id(),
    _fk("consumer_id", "pacticipants.id"),
    _fk("provider_id", "pacticipants.id"),
    sa.Column("created_at", Timestamp, nullable=False),
    sa.Column("contract_data_updated_at", Timestamp, nullable=False),
    sa.UniqueConstraint("consumer_id", "provider_id"),
    sa.Index(None, "provider_id"),
)

# --- labels (migration 0003) --------------------------------------------------------------
# Free-form names on a pacticipant (``ios``, ``team-payments``), for finding pacticipants and
# for scoping webhooks to every pacticipant carrying one.

labels = sa.Table(
    "labels",
    metadata,
    _id(),
    _fk("pacticipant_id", "pacticipants.id"),
    sa.Column("name", BoundedString(255), nullable=False),
    sa.Column("created_at", Timestamp, nullable=False),
    sa.Column("updated_at", Timestamp, nullable=False),
    sa.UniqueConstraint("pacticipant_id", "name"),
    sa.Index(None, "name"),
)

# --- webhooks (migration 0002) ------------------------------------------------------------
# A webhook is scoped to a consumer and/or a provider, or to neither (global). Everything the
# outgoing request needs is kept as given (templates unrendered); headers and body are JSON.

webhooks = sa.Table(
    "webhooks",
    metadata,
    _id(),
    sa.Column("uuid", BoundedString(64), nullable=False, unique=True),
    sa.Column("description", CheckedText),
    _fk("consumer_id", "pacticipants.id", nullable=True),
    _fk("provider_id", "pacticipants.id", nullable=True),
    sa.Column("enabled", sa.Boolean, nullable=False),
    sa.Column("method", BoundedString(16), nullable=False),
    sa.Column("url", CheckedText, nullable=False),
    sa.Column("headers", CheckedText, nullable=False),
    sa.Column("body", CheckedText),
    sa.Column("username", CheckedText),
    sa.Column("password", CheckedText),
    sa.Column("created_at", Timestamp, nullable=False),
    sa.Column("updated_at", Timestamp, nullable=False),
    # migration 0003: scoped by a label instead (any pacticipant carrying it when it fires);
    # a side has a pacticipant id, a label, or neither (any pacticipant), never both
    sa.Column("consumer_label", BoundedString(255)),
    sa.Column("provider_label", BoundedString(255)),
    sa.Index(None, "consumer_id"),
    sa.Index(None, "provider_id"),
)

webhook_events = sa.Table(
    "webhook_events",
    metadata,
    _id(),
    _fk("webhook_id", "webhooks.id"),
    sa.Column("name", BoundedString(64), nullable=False),
    sa.UniqueConstraint("webhook_id", "name"),
)

# One row per (webhook, event) firing; ``context`` holds the template values, so every retry
# renders the same request. ``status``: pending, retrying, success or failure.
triggered_webhooks = sa.Table(
    "triggered_webhooks",
    metadata,
    _id(),
    sa.Column("uuid", BoundedString(36), nullable=False, unique=True),
    _fk("webhook_id", "webhooks.id"),
    sa.Column("trigger_type", BoundedString(16), nullable=False),
    sa.Column("event_name", BoundedString(64), nullable=False),
    sa.Column("context", CheckedText, nullable=False),
    _fk("consumer_id", "pacticipants.id", nullable=True),
    _fk("provider_id", "pacticipants.id", nullable=True),
    sa.Column("status", BoundedString(16), nullable=False),
    sa.Column("attempts", sa.Integer, nullable=False),
    sa.Column("next_attempt_at", Timestamp),
    sa.Column("created_at", Timestamp, nullable=False),
    sa.Column("updated_at", Timestamp, nullable=False),
    sa.Index(None, "webhook_id", "id"),
    sa.Index(None, "consumer_id", "provider_id", "id"),
)

# Every attempt: the request as sent (secrets redacted) and what came back, or why not.
webhook_executions = sa.Table(
    "webhook_executions",
    metadata,
    _id(),
    _fk("triggered_webhook_id", "triggered_webhooks.id"),
    sa.Column("attempt", sa.Integer, nullable=False),
    sa.Column("success", sa.Boolean, nullable=False),
    sa.Column("request", CheckedText, nullable=False),
    sa.Column("response", CheckedText),
    sa.Column("error", CheckedText),
    sa.Column("duration_ms", sa.Integer),
    sa.Column("created_at", Timestamp, nullable=False),
    sa.Index(None, "triggered_webhook_id", "id"),
)
