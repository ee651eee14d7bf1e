"""Provision the city campus and the 20 localities from the reference list."""

from django.core.management.base import BaseCommand

from tenants import api


class Command(BaseCommand):
    help = "Crea el campus de la ciudad y las 20 localidades (seguro de repetir)."

    def handle(self, *args, **options):
        results = api.provision_reference_localities()
        created = [r for r in results if r.created]
        for result in created:
            self.stdout.write(
                f"  creada {result.locality.name} ({result.locality.domain}) "
                f"en {result.seconds:.2f} s"
            )
        self.stdout.write(
            self.style.SUCCESS(f"{len(results)} sitios listos ({len(created)} nuevos).")
        )
