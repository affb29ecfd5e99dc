# Personal data at rest (ADR 0006), step 2 of 3: encrypt the existing values (SM4-GCM with the
# active key of BANHAO_DATA_KEYS) and fill their blind indexes. Reversible.

from django.db import migrations

from banhao.privacy.migration import Column, encrypt_columns


class Migration(migrations.Migration):

    dependencies = [
        ('accounts', '0005_personal_data_encryption'),
    ]

    operations = [
        encrypt_columns(
            'accounts_user',
            [
                Column('id_number', 'accounts.User.id_number', index='id_index', purpose='id_number'),
                Column('mobile', 'accounts.User.mobile', index='mobile_index', purpose='mobile'),
            ],
        ),
    ]
