"""Keep every locality's role groups in step with ``data.ROLE_PERMISSIONS``."""

from __future__ import annotations

from typing import Any

from django.apps import apps
from django.contrib.auth.management import create_permissions

from tenants import api as tenants_api

from . import api


def on_locality_provisioned(sender: Any, *, schema_name: str, **kwargs: Any) -> None:
    """A new locality (run with its schema active) gets the roles' groups."""
    api.apply_role_permissions()


def on_post_migrate(sender: Any, *, using: str = "default", **kwargs: Any) -> None:
    """After migrating a locality (or the template), reapply the roles' permissions.

    Django sends ``post_migrate`` once per app; only the last app's signal comes
    after every app has had its turn, and even then auth's own receiver (which
    creates that app's permissions) may run after this one, so permissions are
    created here first. Existing localities pick up a changed table on the next
    ``migrate_localities``.
    """
    configs = [c for c in apps.get_app_configs() if c.models_module is not None]
    if sender is not configs[-1] or tenants_api.is_public_schema():
        return
    for config in configs:
        create_permissions(config, verbosity=0, using=using)
    api.apply_role_permissions()
