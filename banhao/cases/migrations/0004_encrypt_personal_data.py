# Personal data at rest (ADR 0006), step 2 of 2: encrypt the existing values (SM4-GCM with the
# active key of BANHAO_DATA_KEYS) and fill the blind index of the ID number. Reversible.

from django.db import migrations

from banhao.privacy.migration import Column, encrypt_columns


class Migration(migrations.Migration):

    dependencies = [
        ('cases', '0003_personal_data_encryption'),
    ]

    operations = [
        encrypt_columns(
            'cases_case',
            [
                Column('applicant_name', 'cases.Case.applicant_name'),
                Column(
                    'applicant_id_number',
                    'cases.Case.applicant_id_number',
                    index='applicant_id_index',
                    purpose='id_number',
                ),
                Column('contact_name', 'cases.Case.contact_name'),
                Column('contact_phone', 'cases.Case.contact_phone'),
                Column('address', 'cases.Case.address'),
            ],
        ),
    ]
