# Personal data at rest (ADR 0006), step 3 of 3: one person account per 身份证号, now on its
# blind index (证件散列码). A migration of its own so that the constraint is added after the
# rows were updated (PostgreSQL refuses ALTER TABLE with pending trigger events).

from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('accounts', '0006_encrypt_personal_data'),
    ]

    operations = [
        migrations.AddConstraint(
            model_name='user',
            constraint=models.UniqueConstraint(condition=models.Q(('id_index', ''), _negated=True), fields=('id_index',), name='accounts_user_id_index_unique', violation_error_message='该身份证号已注册过账号'),
        ),
    ]
