"""Give every locality's role groups exactly the permissions of ROLE_PERMISSIONS."""

from django.core.management.base import BaseCommand

from lms.locality_roles import api
from tenants import api as tenants_api


class Command(BaseCommand):
    help = "Aplica los permisos de cada rol en todas las localidades (idempotente)."

    def handle(self, *args, **options):
        for schema in tenants_api.locality_schemas():
            with tenants_api.in_locality(schema):
                applied = api.apply_role_permissions()
            total = sum(applied.values())
            self.stdout.write(f"{schema}: {total} permisos en {len(applied)} roles")
