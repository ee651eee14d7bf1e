# Status-list indexes become random per list (certificates/status.py). Existing
# certificates keep the id-based index their published credentials name: a row
# that somehow has none gets its id, the index it would have had before.

from django.db import migrations, models
from django.db.models import F


def keep_id_based_indexes(apps, schema_editor):
    Certificate = apps.get_model("certificates", "Certificate")
    Certificate.objects.filter(status_index__isnull=True).update(status_index=F("id"))


class Migration(migrations.Migration):

    dependencies = [
        ('certificates', '0002_revoke_permission'),
    ]

    operations = [
        migrations.RunPython(keep_id_based_indexes, migrations.RunPython.noop),
        migrations.AlterField(
            model_name='certificate',
            name='status_index',
            field=models.PositiveIntegerField(editable=False, null=True),
        ),
        migrations.AddConstraint(
            model_name='certificate',
            constraint=models.UniqueConstraint(fields=('status_index',), name='one_status_index_per_list'),
        ),
    ]
