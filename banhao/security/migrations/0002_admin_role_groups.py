"""三权分立: the groups of the security admin and the audit admin roles (the system admin is the
existing "admin" group, banhao.accounts.roles.Role.ADMIN)."""

from django.db import migrations

ROLES = ["security_admin", "audit_admin"]


def create_groups(apps, schema_editor):
    group = apps.get_model("auth", "Group")
    for name in ROLES:
        group.objects.get_or_create(name=name)


class Migration(migrations.Migration):
    dependencies = [
        ("security", "0001_initial"),
        ("accounts", "0002_role_groups"),
        ("auth", "0012_alter_user_first_name_max_length"),
    ]
    operations = [migrations.RunPython(create_groups, migrations.RunPython.noop)]
