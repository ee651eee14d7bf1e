"""The Celery app. Tasks run in the schema of whoever sent them.

Start a worker with ``celery -A lms worker`` (``make run`` does it for you).
"""

import os

from tenants.celery import TenantAwareCeleryApp

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "lms.settings.dev")

app = TenantAwareCeleryApp("lms")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
