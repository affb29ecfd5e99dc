"""The SM3 hash chain: seq, prev_hash and hash on every entry; the chain head; prune anchors.

seq is nullable here so that the rows written before the chain can be chained by 0003; 0004
makes it required and unique.
"""

from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ("audit", "0001_initial"),
    ]

    operations = [
        migrations.AddField(
            model_name="auditentry",
            name="seq",
            field=models.BigIntegerField(null=True, verbose_name="序号"),
        ),
        migrations.AddField(
            model_name="auditentry",
            name="prev_hash",
            field=models.CharField(default="", max_length=64, verbose_name="前序哈希"),
            preserve_default=False,
        ),
        migrations.AddField(
            model_name="auditentry",
            name="hash",
            field=models.CharField(default="", max_length=64, verbose_name="哈希（SM3）"),
            preserve_default=False,
        ),
        migrations.AlterModelOptions(
            name="auditentry",
            options={
                "ordering": ["-seq"],
                "verbose_name": "审计记录",
                "verbose_name_plural": "审计记录",
            },
        ),
        migrations.CreateModel(
            name="AuditHead",
            fields=[
                ("id", models.PositiveSmallIntegerField(default=1, primary_key=True, serialize=False)),
                ("seq", models.BigIntegerField(default=0, verbose_name="最后序号")),
                ("hash", models.CharField(max_length=64, verbose_name="最后哈希")),
            ],
            options={
                "verbose_name": "审计链头",
                "verbose_name_plural": "审计链头",
            },
        ),
        migrations.CreateModel(
            name="AuditAnchor",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("seq", models.BigIntegerField(unique=True, verbose_name="最后清理序号")),
                ("hash", models.CharField(max_length=64, verbose_name="最后清理哈希")),
                ("pruned_at", models.DateTimeField(verbose_name="清理时间")),
                ("count", models.BigIntegerField(verbose_name="清理条数")),
                ("cutoff", models.DateTimeField(verbose_name="清理截止时间")),
            ],
            options={
                "verbose_name": "审计清理锚点",
                "verbose_name_plural": "审计清理锚点",
                "ordering": ["-seq"],
            },
        ),
    ]
