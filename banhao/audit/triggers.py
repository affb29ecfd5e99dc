"""Database triggers that keep the audit tables append-only even against raw SQL.

Both tables (entries and prune anchors) refuse UPDATE and DELETE; PostgreSQL also refuses
TRUNCATE. DELETE (and TRUNCATE) is allowed only inside a transaction holding the prune permit
(``banhao.audit.services.prune_permit``):

* PostgreSQL: one PL/pgSQL function checks the transaction-local setting
  ``banhao.audit_prune`` (``set_config('banhao.audit_prune', 'on', true)``), which ends with
  the transaction whatever happens;
* SQLite: the DELETE trigger's WHEN clause checks for a row in ``audit_prune_permit``; the
  permit row is inserted and removed inside the pruning transaction, so no other connection
  ever sees it.

Migration 0005 installs them. On SQLite a migration that rebuilds an audit table (most
AlterField/AddField operations do) drops its triggers: such a migration must call
``install`` again afterwards (``verify_audit`` warns when a trigger is missing or disabled).
"""

from __future__ import annotations

from typing import Any

TABLES = ("audit_auditentry", "audit_auditanchor")
PERMIT_TABLE = "audit_prune_permit"
PG_FUNCTION = "audit_append_only_guard"


def trigger_names(vendor: str) -> list[str]:
    kinds = ("update", "delete", "truncate") if vendor == "postgresql" else ("update", "delete")
    if vendor not in {"postgresql", "sqlite"}:
        return []
    return [f"{table}_no_{kind}" for table in TABLES for kind in kinds]


def _sqlite_install() -> list[str]:
    sql = [f"CREATE TABLE IF NOT EXISTS {PERMIT_TABLE} (id INTEGER PRIMARY KEY CHECK (id = 1))"]
    for table in TABLES:
        sql.append(
            f"CREATE TRIGGER IF NOT EXISTS {table}_no_update BEFORE UPDATE ON {table} "
            f"BEGIN SELECT RAISE(ABORT, '{table} is append-only: UPDATE refused'); END"
        )
        sql.append(  # constant table names only
            f"CREATE TRIGGER IF NOT EXISTS {table}_no_delete BEFORE DELETE ON {table} "  # noqa: S608
            f"WHEN NOT EXISTS (SELECT 1 FROM {PERMIT_TABLE}) "
            f"BEGIN SELECT RAISE(ABORT, '{table} is append-only: DELETE refused'); END"
        )
    return sql


def _sqlite_drop() -> list[str]:
    sql = [f"DROP TRIGGER IF EXISTS {name}" for name in trigger_names("sqlite")]
    sql.append(f"DROP TABLE IF EXISTS {PERMIT_TABLE}")
    return sql


def _pg_install() -> list[str]:
    sql = [
        f"""
        CREATE OR REPLACE FUNCTION {PG_FUNCTION}() RETURNS trigger LANGUAGE plpgsql AS $guard$
        BEGIN
            IF TG_OP IN ('DELETE', 'TRUNCATE')
               AND coalesce(current_setting('banhao.audit_prune', true), '') = 'on' THEN
                RETURN OLD;
            END IF;
            RAISE EXCEPTION USING
                ERRCODE = 'integrity_constraint_violation',
                MESSAGE = TG_TABLE_NAME || ' is append-only: ' || TG_OP || ' refused';
        END
        $guard$
        """
    ]
    for table in TABLES:
        for kind, level in (("update", "ROW"), ("delete", "ROW"), ("truncate", "STATEMENT")):
            name = f"{table}_no_{kind}"
            sql.append(f"DROP TRIGGER IF EXISTS {name} ON {table}")
            sql.append(
                f"CREATE TRIGGER {name} BEFORE {kind.upper()} ON {table} "
                f"FOR EACH {level} EXECUTE FUNCTION {PG_FUNCTION}()"
            )
    return sql


def _pg_drop() -> list[str]:
    sql = [
        f"DROP TRIGGER IF EXISTS {table}_no_{kind} ON {table}"
        for table in TABLES
        for kind in ("update", "delete", "truncate")
    ]
    sql.append(f"DROP FUNCTION IF EXISTS {PG_FUNCTION}()")
    return sql


def install_sql(vendor: str) -> list[str]:
    return {"postgresql": _pg_install, "sqlite": _sqlite_install}.get(vendor, list)()


def drop_sql(vendor: str) -> list[str]:
    return {"postgresql": _pg_drop, "sqlite": _sqlite_drop}.get(vendor, list)()


def install(cursor: Any, vendor: str) -> None:
    """(Re)install the triggers; idempotent."""
    for statement in install_sql(vendor):
        cursor.execute(statement)


def drop(cursor: Any, vendor: str) -> None:
    for statement in drop_sql(vendor):
        cursor.execute(statement)


def missing(cursor: Any, vendor: str) -> list[str]:
    """The names of the triggers that should be there but are not (or are disabled)."""
    expected = trigger_names(vendor)
    if not expected:
        return []
    if vendor == "sqlite":
        cursor.execute("SELECT name FROM sqlite_master WHERE type = 'trigger'")
    else:
        cursor.execute("SELECT tgname FROM pg_trigger WHERE NOT tgisinternal AND tgenabled <> 'D'")
    present = {row[0] for row in cursor.fetchall()}
    return [name for name in expected if name not in present]
