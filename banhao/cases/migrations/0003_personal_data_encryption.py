# Personal data at rest (ADR 0006), step 1 of 2: the applicant's personal columns become text
# (values unchanged) and the blind index of the ID number (证件散列码) appears.

import banhao.privacy.fields
from django.db import migrations


class Migration(migrations.Migration):

    dependencies = [
        ('cases', '0002_deadline_sweep'),
    ]

    operations = [
        migrations.AddField(
            model_name='case',
            name='applicant_id_index',
            field=banhao.privacy.fields.BlindIndexField(db_index=True, purpose='id_number', source='applicant_id_number', verbose_name='证件散列码'),
        ),
        migrations.AlterField(
            model_name='case',
            name='address',
            field=banhao.privacy.fields.EncryptedCharField(blank=True, max_length=300, verbose_name='通讯地址'),
        ),
        migrations.AlterField(
            model_name='case',
            name='applicant_id_number',
            field=banhao.privacy.fields.EncryptedCharField(max_length=18, verbose_name='证件号码'),
        ),
        migrations.AlterField(
            model_name='case',
            name='applicant_name',
            field=banhao.privacy.fields.EncryptedCharField(max_length=200, verbose_name='申请人名称'),
        ),
        migrations.AlterField(
            model_name='case',
            name='contact_name',
            field=banhao.privacy.fields.EncryptedCharField(max_length=100, verbose_name='联系人'),
        ),
        migrations.AlterField(
            model_name='case',
            name='contact_phone',
            field=banhao.privacy.fields.EncryptedCharField(max_length=20, verbose_name='联系电话'),
        ),
    ]
