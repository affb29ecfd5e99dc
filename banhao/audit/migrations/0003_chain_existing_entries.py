"""Chain the entries written before the hash chain existed, in id order, and create the head."""

from django.db import migrations

from banhao.audit.chain import GENESIS_HASH, entry_hash


def chain_existing(apps, schema_editor):
    AuditEntry = apps.get_model("audit", "AuditEntry")
    AuditHead = apps.get_model("audit", "AuditHead")
    db = schema_editor.connection.alias
    seq, prev = 0, GENESIS_HASH
    last_id = 0
    while True:  # in batches by id, so that a large table is not read into memory at once
        batch = list(AuditEntry.objects.using(db).filter(id__gt=last_id).order_by("id")[:1000])
        if not batch:
            break
        for entry in batch:
            seq += 1
            digest = entry_hash(
                seq=seq,
                at=entry.at,
                actor_id=entry.actor_id,
                actor_label=entry.actor_label,
                roles=entry.roles,
                action=entry.action,
                object_type=entry.object_type,
                object_id=entry.object_id,
                address=entry.address,
                result=entry.result,
                details=entry.details,
                prev_hash=prev,
            )
            AuditEntry.objects.using(db).filter(pk=entry.pk).update(
                seq=seq, prev_hash=prev, hash=digest
            )
            prev = digest
            last_id = entry.pk
    AuditHead.objects.using(db).update_or_create(pk=1, defaults={"seq": seq, "hash": prev})


def unchain(apps, schema_editor):
    AuditHead = apps.get_model("audit", "AuditHead")
    AuditHead.objects.using(schema_editor.connection.alias).all().delete()


class Migration(migrations.Migration):

    dependencies = [
        ("audit", "0002_chain_fields"),
    ]

    operations = [
        migrations.RunPython(chain_existing, unchain),
    ]
