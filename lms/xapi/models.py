"""LRS tables: statements (JSON plus the columns the query filters use), documents, attachments, credentials."""
from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql
from sqlalchemy.orm import Mapped, mapped_column

from lms.extensions import db
from lms.timeutil import utcnow

# PostgreSQL keeps statements as jsonb (queryable, compact); SQLite as its JSON text.
JSON_DOCUMENT = sa.JSON().with_variant(postgresql.JSONB(), "postgresql")
IFI_LENGTH = 500  # "account:<homePage>|<name>" or "mbox:mailto:…"; longer identifiers are refused
IRI_LENGTH = 1000


class XapiStatement(db.Model):
    """One stored statement: the full JSON as the LRS returns it, and its filterable parts as columns."""

    __tablename__ = "xapi_statement"
    __table_args__ = (
        sa.Index("ix_xapi_statement_actor_activity", "actor_ifi", "activity_id", "stored_seq"),
        sa.Index("ix_xapi_statement_object_agent", "object_agent_ifi", "stored_seq"),
        sa.Index("ix_xapi_statement_verb", "verb_id", "stored_seq"),
        sa.Index("ix_xapi_statement_activity", "activity_id", "stored_seq"),
        sa.Index("ix_xapi_statement_registration", "registration", "stored_seq"),
        sa.Index("ix_xapi_statement_stored", "stored", "stored_seq"),
    )

    # Insertion order; paging and "stored" order follow it (stored timestamps may tie).
    stored_seq: Mapped[int] = mapped_column(sa.BigInteger().with_variant(sa.Integer(), "sqlite"), primary_key=True)
    statement_id: Mapped[str] = mapped_column(sa.String(36), unique=True)
    actor_ifi: Mapped[str | None] = mapped_column(sa.String(IFI_LENGTH))
    object_agent_ifi: Mapped[str | None] = mapped_column(sa.String(IFI_LENGTH))
    verb_id: Mapped[str] = mapped_column(sa.String(IRI_LENGTH))
    activity_id: Mapped[str | None] = mapped_column(sa.String(IRI_LENGTH))  # the object, when an Activity
    # The statement this one targets (StatementRef object): voiding, and "statements about statements".
    target_statement_id: Mapped[str | None] = mapped_column(sa.String(36), index=True)
    registration: Mapped[str | None] = mapped_column(sa.String(36))
    stored: Mapped[datetime] = mapped_column()
    voided: Mapped[bool] = mapped_column(default=False, server_default=sa.false())
    # The authority that wrote it: an API token id, or a launch credential (then its learner's user).
    token_id: Mapped[int | None] = mapped_column(sa.ForeignKey("api_token.id", ondelete="SET NULL"), index=True)
    statement: Mapped[dict] = mapped_column(JSON_DOCUMENT)


class XapiStatementLink(db.Model):
    """Every agent and activity a statement mentions anywhere (for related_agents/related_activities)."""

    __tablename__ = "xapi_statement_link"
    __table_args__ = (sa.Index("ix_xapi_statement_link_value", "kind", "value", "stored_seq"),)

    id: Mapped[int] = mapped_column(sa.BigInteger().with_variant(sa.Integer(), "sqlite"), primary_key=True)
    stored_seq: Mapped[int] = mapped_column(sa.ForeignKey("xapi_statement.stored_seq", ondelete="CASCADE"),
                                            index=True)
    kind: Mapped[str] = mapped_column(sa.String(8))  # "agent" or "activity"
    value: Mapped[str] = mapped_column(sa.String(IRI_LENGTH))


class XapiAttachment(db.Model):
    """Attachment content, shared by every statement whose attachment has this SHA-2."""

    __tablename__ = "xapi_attachment"

    sha2: Mapped[str] = mapped_column(sa.String(128), primary_key=True)
    content_type: Mapped[str] = mapped_column(sa.String(255))
    content: Mapped[bytes] = mapped_column(sa.LargeBinary)


class XapiActivity(db.Model):
    """The latest definition of an activity the LRS has seen (for GET /activities)."""

    __tablename__ = "xapi_activity"

    activity_id: Mapped[str] = mapped_column(sa.String(IRI_LENGTH), primary_key=True)
    definition: Mapped[dict] = mapped_column(JSON_DOCUMENT)


class XapiDocument(db.Model):
    """A state, activity profile or agent profile document; unset keys are stored as ''."""

    __tablename__ = "xapi_document"
    __table_args__ = (sa.UniqueConstraint("kind", "activity_id", "agent_ifi", "registration", "document_id",
                                          name="uq_xapi_document_key"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(sa.String(16))  # state, activity_profile, agent_profile
    activity_id: Mapped[str] = mapped_column(sa.String(IRI_LENGTH), default="")
    agent_ifi: Mapped[str] = mapped_column(sa.String(IFI_LENGTH), default="")
    registration: Mapped[str] = mapped_column(sa.String(36), default="")
    document_id: Mapped[str] = mapped_column(sa.String(IRI_LENGTH))
    content_type: Mapped[str] = mapped_column(sa.String(255))
    content: Mapped[bytes] = mapped_column(sa.LargeBinary)
    etag: Mapped[str] = mapped_column(sa.String(64))
    updated: Mapped[datetime] = mapped_column(default=utcnow)


class XapiLaunchCredential(db.Model):
    """A short-lived Basic credential of one launched package: one learner, one activity (and registration)."""

    __tablename__ = "xapi_launch_credential"

    id: Mapped[int] = mapped_column(primary_key=True)
    key: Mapped[str] = mapped_column(sa.String(32), unique=True)  # the Basic user name
    secret_hash: Mapped[str] = mapped_column(sa.String(64))
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("user.id", ondelete="CASCADE"), index=True)
    agent_ifi: Mapped[str] = mapped_column(sa.String(IFI_LENGTH))
    activity_id: Mapped[str] = mapped_column(sa.String(IRI_LENGTH))
    registration: Mapped[str | None] = mapped_column(sa.String(36))
    # The integration token that minted it (None when the portal itself launched the package).
    token_id: Mapped[int | None] = mapped_column(sa.ForeignKey("api_token.id", ondelete="CASCADE"), index=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    expires_at: Mapped[datetime] = mapped_column()

