# Personal data at rest (ADR 0006), step 1 of 3: the columns become text (values unchanged),
# the blind-index columns appear, the old unique constraint on the clear ID number goes.

import banhao.accounts.models
import banhao.privacy.fields
from django.db import migrations


class Migration(migrations.Migration):

    dependencies = [
        ('accounts', '0004_user_mobile_id_number'),
        ('auth', '0012_alter_user_first_name_max_length'),
        ('org', '0001_initial'),
    ]

    operations = [
        migrations.AlterModelManagers(
            name='user',
            managers=[
                ('objects', banhao.accounts.models.UserManager()),
            ],
        ),
        migrations.RemoveConstraint(
            model_name='user',
            name='accounts_user_id_number_unique',
        ),
        migrations.AddField(
            model_name='user',
            name='id_index',
            field=banhao.privacy.fields.BlindIndexField(purpose='id_number', source='id_number', verbose_name='证件散列码'),
        ),
        migrations.AddField(
            model_name='user',
            name='mobile_index',
            field=banhao.privacy.fields.BlindIndexField(db_index=True, purpose='mobile', source='mobile', verbose_name='手机号散列码'),
        ),
        migrations.AlterField(
            model_name='user',
            name='id_number',
            field=banhao.privacy.fields.EncryptedCharField(blank=True, max_length=18, verbose_name='身份证号'),
        ),
        migrations.AlterField(
            model_name='user',
            name='mobile',
            field=banhao.privacy.fields.EncryptedCharField(blank=True, max_length=11, verbose_name='手机号'),
        ),
    ]
