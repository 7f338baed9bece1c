"""The initial broker schema: pacticipants, versions, branches, tags, pacts, verifications,
environments, deployments, releases and integrations.

Revision ID: 0001
Revises:
Create Date: 2025-01-01
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision: str | None = None
branch_labels: str | None = None
depends_on: str | None = None


def upgrade() -> None:
    op.create_table(
        "environments",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("uuid", sa.String(36), nullable=False),
        sa.Column("name", sa.String(255), nullable=False),
        sa.Column("display_name", sa.String(255)),
        sa.Column("production", sa.Boolean(), nullable=False),
        sa.Column("contacts", sa.Text()),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.UniqueConstraint("uuid", name="uq_environments_uuid"),
        sa.UniqueConstraint("name", name="uq_environments_name"),
        sa.PrimaryKeyConstraint("id", name="pk_environments"),
    )
    op.create_table(
        "pacticipants",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(255), nullable=False),
        sa.Column("display_name", sa.String(255)),
        sa.Column("repository_url", sa.String(1024)),
        sa.Column("repository_name", sa.String(255)),
        sa.Column("repository_namespace", sa.String(255)),
        sa.Column("main_branch", sa.String(255)),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_pacticipants"),
        sa.UniqueConstraint("name", name="uq_pacticipants_name"),
    )
    op.create_table(
        "branches",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("pacticipant_id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(255), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_branches"),
        sa.ForeignKeyConstraint(
            ["pacticipant_id"],
            ["pacticipants.id"],
            name="fk_branches_pacticipant_id_pacticipants",
            ondelete="CASCADE",
        ),
        sa.UniqueConstraint("pacticipant_id", "name", name="uq_branches_pacticipant_id_name"),
    )
    op.create_table(
        "integrations",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("consumer_id", sa.Integer(), nullable=False),
        sa.Column("provider_id", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("contract_data_updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["consumer_id"],
            ["pacticipants.id"],
            name="fk_integrations_consumer_id_pacticipants",
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["provider_id"],
            ["pacticipants.id"],
            name="fk_integrations_provider_id_pacticipants",
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name="pk_integrations"),
        sa.UniqueConstraint(
            "consumer_id", "provider_id", name="uq_integrations_consumer_id_provider_id"
        ),
    )
    op.create_index("ix_integrations_provider_id", "integrations", ["provider_id"])
    op.create_table(
        "pact_versions",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("consumer_id", sa.Integer(), nullable=False),
        sa.Column("provider_id", sa.Integer(), nullable=False),
        sa.Column("sha", sa.String(64), nullable=False),
        sa.Column("content", sa.Text(), nullable=False),
        sa.Column("interactions_count", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_pact_versions"),
        sa.ForeignKeyConstraint(
            ["provider_id"],
            ["pacticipants.id"],
            name="fk_pact_versions_provider_id_pacticipants",
            ondelete="CASCADE",
        ),
        sa.UniqueConstraint(
            "consumer_id", "provider_id", "sha", name="uq_pact_versions_consumer_id_provider_id_sha"
        ),
        sa.ForeignKeyConstraint(
            ["consumer_id"],
            ["pacticipants.id"],
            name="fk_pact_versions_consumer_id_pacticipants",
            ondelete="CASCADE",
        ),
    )
    op.create_table(
        "versions",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("pacticipant_id", sa.Integer(), nullable=False),
        sa.Column("number", sa.String(255), nullable=False),
        sa.Column("build_url", sa.String(1024)),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_versions"),
        sa.UniqueConstraint("pacticipant_id", "number", name="uq_versions_pacticipant_id_number"),
        sa.ForeignKeyConstraint(
            ["pacticipant_id"],
            ["pacticipants.id"],
            name="fk_versions_pacticipant_id_pacticipants",
            ondelete="CASCADE",
        ),
    )
    op.create_index("ix_versions_pacticipant_id_id", "versions", ["pacticipant_id", "id"])
    op.create_table(
        "branch_versions",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("branch_id", sa.Integer(), nullable=False),
        sa.Column("version_id", sa.Integer(), nullable=False),
        sa.Column("pacticipant_id", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["version_id"],
            ["versions.id"],
            name="fk_branch_versions_version_id_versions",
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["branch_id"],
            ["branches.id"],
            name="fk_branch_versions_branch_id_branches",
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name="pk_branch_versions"),
        sa.ForeignKeyConstraint(
            ["pacticipant_id"],
            ["pacticipants.id"],
            name="fk_branch_versions_pacticipant_id_pacticipants",
            ondelete="CASCADE",
        ),
        sa.UniqueConstraint(
            "branch_id", "version_id", name="uq_branch_versions_branch_id_version_id"
        ),
    )
    op.create_index("ix_branch_versions_version_id", "branch_versions", ["version_id"])
    op.create_table(
        "deployed_versions",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("uuid", sa.String(36), nullable=False),
        sa.Column("version_id", sa.Integer(), nullable=False),
        sa.Column("pacticipant_id", sa.Integer(), nullable=False),
        sa.Column("environment_id", sa.Integer(), nullable=False),
        sa.Column("application_instance", sa.String(255)),
        sa.Column("instance_key", sa.String(255), nullable=False),
        sa.Column("currently_deployed", sa.Boolean(), nullable=False),
        sa.Column("undeployed_at", sa.DateTime(timezone=True)),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["environment_id"],
            ["environments.id"],
            name="fk_deployed_versions_environment_id_environments",
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name="pk_deployed_versions"),
        sa.ForeignKeyConstraint(
            ["version_id"],
            ["versions.id"],
            name="fk_deployed_versions_version_id_versions",
            ondelete="CASCADE",
        ),
        sa.UniqueConstraint("uuid", name="uq_deployed_versions_uuid"),
        sa.ForeignKeyConstraint(
            ["pacticipant_id"],
            ["pacticipants.id"],
            name="fk_deployed_versions_pacticipant_id_pacticipants",
            ondelete="CASCADE",
        ),
    )
    op.create_index("ix_deployed_versions_version_id", "deployed_versions", ["version_id"])
    op.create_index(
        "uq_deployed_versions_current",
        "deployed_versions",
        ["pacticipant_id", "environment_id", "instance_key"],
        unique=True,
        sqlite_where=sa.text("currently_deployed"),
        postgresql_where=sa.text("currently_deployed"),
    )
    op.create_index(
        "ix_deployed_versions_environment_id_currently_deployed",
        "deployed_versions",
        ["environment_id", "currently_deployed"],
    )
    op.create_table(
        "pact_publications",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("consumer_id", sa.Integer(), nullable=False),
        sa.Column("provider_id", sa.Integer(), nullable=False),
        sa.Column("consumer_version_id", sa.Integer(), nullable=False),
        sa.Column("pact_version_id", sa.Integer(), nullable=False),
        sa.Column("revision", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.UniqueConstraint(
            "consumer_version_id",
            "provider_id",
            name="uq_pact_publications_consumer_version_id_provider_id",
        ),
        sa.ForeignKeyConstraint(
            ["pact_version_id"],
            ["pact_versions.id"],
            name="fk_pact_publications_pact_version_id_pact_versions",
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["consumer_id"],
            ["pacticipants.id"],
            name="fk_pact_publications_consumer_id_pacticipants",
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name="pk_pact_publications"),
        sa.ForeignKeyConstraint(
            ["provider_id"],
            ["pacticipants.id"],
            name="fk_pact_publications_provider_id_pacticipants",
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["consumer_version_id"],
            ["versions.id"],
            name="fk_pact_publications_consumer_version_id_versions",
            ondelete="CASCADE",
        ),
    )
    op.create_index(
        "ix_pact_publications_pact_version_id", "pact_publications", ["pact_version_id"]
    )
    op.create_index(
        "ix_pact_publications_provider_consumer",
        "pact_publications",
        ["provider_id", "consumer_id", "consumer_version_id"],
    )
    op.create_table(
        "released_versions",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("uuid", sa.String(36), nullable=False),
        sa.Column("version_id", sa.Integer(), nullable=False),
        sa.Column("pacticipant_id", sa.Integer(), nullable=False),
        sa.Column("environment_id", sa.Integer(), nullable=False),
        sa.Column("support_ended_at", sa.DateTime(timezone=True)),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["environment_id"],
            ["environments.id"],
            name="fk_released_versions_environment_id_environments",
            ondelete="CASCADE",
        ),
        sa.UniqueConstraint(
            "version_id", "environment_id", name="uq_released_versions_version_id_environment_id"
        ),
        sa.PrimaryKeyConstraint("id", name="pk_released_versions"),
        sa.ForeignKeyConstraint(
            ["version_id"],
            ["versions.id"],
            name="fk_released_versions_version_id_versions",
            ondelete="CASCADE",
        ),
        sa.UniqueConstraint("uuid", name="uq_released_versions_uuid"),
        sa.ForeignKeyConstraint(
            ["pacticipant_id"],
            ["pacticipants.id"],
            name="fk_released_versions_pacticipant_id_pacticipants",
            ondelete="CASCADE",
        ),
    )
    op.create_index(
        "ix_released_versions_environment_id_support_ended_at",
        "released_versions",
        ["environment_id", "support_ended_at"],
    )
    op.create_table(
        "tags",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("version_id", sa.Integer(), nullable=False),
        sa.Column("pacticipant_id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(255), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.UniqueConstraint("version_id", "name", name="uq_tags_version_id_name"),
        sa.ForeignKeyConstraint(
            ["version_id"], ["versions.id"], name="fk_tags_version_id_versions", ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name="pk_tags"),
        sa.ForeignKeyConstraint(
            ["pacticipant_id"],
            ["pacticipants.id"],
            name="fk_tags_pacticipant_id_pacticipants",
            ondelete="CASCADE",
        ),
    )
    op.create_index(
        "ix_tags_pacticipant_id_name_version_id", "tags", ["pacticipant_id", "name", "version_id"]
    )
    op.create_table(
        "verifications",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("pact_version_id", sa.Integer(), nullable=False),
        sa.Column("provider_version_id", sa.Integer(), nullable=False),
        sa.Column("consumer_id", sa.Integer(), nullable=False),
        sa.Column("provider_id", sa.Integer(), nullable=False),
        sa.Column("success", sa.Boolean(), nullable=False),
        sa.Column("build_url", sa.String(1024)),
        sa.Column("test_results", sa.Text()),
        sa.Column("verified_by_implementation", sa.String(255)),
        sa.Column("verified_by_version", sa.String(255)),
        sa.Column("wip", sa.Boolean(), nullable=False),
        sa.Column("pending", sa.Boolean()),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_verifications"),
        sa.ForeignKeyConstraint(
            ["provider_id"],
            ["pacticipants.id"],
            name="fk_verifications_provider_id_pacticipants",
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["provider_version_id"],
            ["versions.id"],
            name="fk_verifications_provider_version_id_versions",
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["consumer_id"],
            ["pacticipants.id"],
            name="fk_verifications_consumer_id_pacticipants",
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["pact_version_id"],
            ["pact_versions.id"],
            name="fk_verifications_pact_version_id_pact_versions",
            ondelete="CASCADE",
        ),
    )
    op.create_index(
        "ix_verifications_pact_version_id_provider_version_id_id",
        "verifications",
        ["pact_version_id", "provider_version_id", "id"],
    )
    op.create_index(
        "ix_verifications_provider_version_id", "verifications", ["provider_version_id"]
    )


def downgrade() -> None:
    op.drop_table("verifications")
    op.drop_table("tags")
    op.drop_table("released_versions")
    op.drop_table("pact_publications")
    op.drop_table("deployed_versions")
    op.drop_table("branch_versions")
    op.drop_table("versions")
    op.drop_table("pact_versions")
    op.drop_table("integrations")
    op.drop_table("branches")
    op.drop_table("pacticipants")
    op.drop_table("environments")
