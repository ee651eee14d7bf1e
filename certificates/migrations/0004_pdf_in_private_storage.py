"""Certificate PDFs move out of the public media folder (per locality schema).

Files already issued are moved from MEDIA_ROOT/<schema>/certificados/ to
PRIVATE_MEDIA_ROOT/<schema>/certificados/ with the same names, so the rows stay
valid. Runs in each locality's schema (tenant app).
"""

import os
import shutil

from django.core.files.storage import default_storage
from django.db import migrations, models

from tenants import api as tenants_api


def move_pdfs_to_private_storage(apps, schema_editor):
    Certificate = apps.get_model("certificates", "Certificate")
    private = tenants_api.private_storage()
    for name in Certificate.objects.exclude(pdf="").values_list("pdf", flat=True):
        source = default_storage.path(name)
        target = private.path(name)
        if os.path.exists(source) and not os.path.exists(target):
            os.makedirs(os.path.dirname(target), exist_ok=True)
            shutil.move(source, target)


class Migration(migrations.Migration):
    dependencies = [
        ("certificates", "0003_random_status_index"),
    ]

    operations = [
        migrations.AlterField(
            model_name="certificate",
            name="pdf",
            field=models.FileField(
                blank=True,
                editable=False,
                storage=tenants_api.private_storage,
                upload_to="certificados/",
            ),
        ),
        migrations.RunPython(move_pdfs_to_private_storage, migrations.RunPython.noop),
    ]
