"""Database triggers that refuse UPDATE and DELETE (PostgreSQL: and TRUNCATE) on the audit
entries and prune anchors, except DELETE under the prune permit (see banhao.audit.triggers).
Per vendor: PostgreSQL and SQLite; other databases get none. The reverse drops them.

On SQLite, a later migration that rebuilds audit_auditentry or audit_auditanchor drops these
triggers with the old table: it must run ``install_triggers`` again after its operations.
"""

from django.db import migrations

from banhao.audit import triggers


def install_triggers(apps, schema_editor):
    connection = schema_editor.connection
    with connection.cursor() as cursor:
        triggers.install(cursor, connection.vendor)


def drop_triggers(apps, schema_editor):
    connection = schema_editor.connection
    with connection.cursor() as cursor:
        triggers.drop(cursor, connection.vendor)


class Migration(migrations.Migration):

    dependencies = [
        ("audit", "0004_seq_required"),
    ]

    operations = [
        migrations.RunPython(install_triggers, drop_triggers),
    ]
