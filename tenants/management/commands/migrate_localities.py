"""Deploy step: migrate the public schema, the template schema and every locality."""

from django.core.management.base import BaseCommand

from tenants import api


class Command(BaseCommand):
    help = "Migra el esquema público, la plantilla de localidades y cada localidad."

    def handle(self, *args, **options):
        api.migrate_everything(verbosity=max(0, options["verbosity"] - 1))
        pending = api.template_pending_migrations()
        if pending:
            self.stderr.write(f"La plantilla sigue atrasada: {pending}")
            raise SystemExit(1)
        self.stdout.write(self.style.SUCCESS("Esquemas al día."))
