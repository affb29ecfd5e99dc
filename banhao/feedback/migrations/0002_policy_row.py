"""The one 好差评规则 row (pk = 1) with the defaults, so the admin only ever changes it."""

from django.db import migrations


def create_policy(apps, schema_editor):  # type: ignore[no-untyped-def]
    FeedbackPolicy = apps.get_model("feedback", "FeedbackPolicy")
    FeedbackPolicy.objects.get_or_create(pk=1)


class Migration(migrations.Migration):
    dependencies = [("feedback", "0001_initial")]

    operations = [migrations.RunPython(create_policy, migrations.RunPython.noop)]
