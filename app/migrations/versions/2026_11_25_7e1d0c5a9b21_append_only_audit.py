"""append-only audit and disclosure tables; the app role's privileges

The audit trail and the disclosure log are append-only: triggers refuse UPDATE, DELETE (and on
PostgreSQL TRUNCATE) for everyone, and on PostgreSQL the runtime role (CONFER_APP_DB_ROLE,
default confer_app, when it exists and is not the migrating role) gets only SELECT and INSERT on
them, and ordinary privileges on everything else.

Revision ID: 7e1d0c5a9b21
Revises: 52413eaedafb
Create Date: 2026-11-25 03:10:00
"""

import os
import re
from collections.abc import Sequence

from alembic import op

revision: str = "7e1d0c5a9b21"
down_revision: str | None = "52413eaedafb"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

APPEND_ONLY = ("audit_entry", "audit_chain", "audit_seal", "audit_checkpoint", "disclosure")


def _app_role() -> str:
    role = os.environ.get("CONFER_APP_DB_ROLE", "confer_app")
    if not re.fullmatch(r"[a-z_][a-z0-9_]{0,62}", role):
        raise ValueError(f"CONFER_APP_DB_ROLE is not a plain role name: {role!r}")
    return role


def upgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute(
            """
            CREATE OR REPLACE FUNCTION confer_refuse_change() RETURNS trigger
            LANGUAGE plpgsql AS $$
            BEGIN
                RAISE EXCEPTION 'confer: % on % refused: the table is append-only',
                    TG_OP, TG_TABLE_NAME USING ERRCODE = 'insufficient_privilege';
            END $$;
            """
        )
        for table in APPEND_ONLY:
            op.execute(
                f"CREATE TRIGGER {table}_append_only BEFORE UPDATE OR DELETE ON {table} "
                "FOR EACH ROW EXECUTE FUNCTION confer_refuse_change()"
            )
            op.execute(
                f"CREATE TRIGGER {table}_no_truncate BEFORE TRUNCATE ON {table} "
                "FOR EACH STATEMENT EXECUTE FUNCTION confer_refuse_change()"
            )
        role = _app_role()
        tables = ", ".join(APPEND_ONLY)
        op.execute(
            f"""
            DO $$
            BEGIN
                IF EXISTS (SELECT 1 FROM pg_roles WHERE rolname = '{role}')
                   AND '{role}' <> current_user THEN
                    GRANT USAGE ON SCHEMA public TO {role};
                    GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA public TO {role};
                    GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA public TO {role};
                    ALTER DEFAULT PRIVILEGES IN SCHEMA public
                        GRANT SELECT, INSERT, UPDATE, DELETE ON TABLES TO {role};
                    ALTER DEFAULT PRIVILEGES IN SCHEMA public
                        GRANT USAGE, SELECT ON SEQUENCES TO {role};
                    REVOKE UPDATE, DELETE, TRUNCATE ON {tables} FROM {role};
                END IF;
            END $$;
            """
        )
    else:
        for table in APPEND_ONLY:
            for action in ("UPDATE", "DELETE"):
                op.execute(
                    f"CREATE TRIGGER {table}_no_{action.lower()} BEFORE {action} ON {table} "
                    f"BEGIN SELECT RAISE(ABORT, '{table} is append-only'); END"
                )


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        for table in APPEND_ONLY:
            op.execute(f"DROP TRIGGER IF EXISTS {table}_append_only ON {table}")
            op.execute(f"DROP TRIGGER IF EXISTS {table}_no_truncate ON {table}")
        op.execute("DROP FUNCTION IF EXISTS confer_refuse_change()")
    else:
        for table in APPEND_ONLY:
            for action in ("update", "delete"):
                op.execute(f"DROP TRIGGER IF EXISTS {table}_no_{action}")
