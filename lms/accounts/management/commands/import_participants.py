"""Import participants from a CSV/XLSX file (what the /cuenta/importar/ page does)."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from lms.accounts import api


class Command(BaseCommand):
    help = "Importa participantes de un CSV o XLSX; con --revisar solo muestra errores."

    def add_arguments(self, parser):
        parser.add_argument("archivo", type=Path)
        parser.add_argument("--revisar", action="store_true", help="No guarda nada.")
        parser.add_argument(
            "--rechazadas", type=Path, help="Escribe aquí las filas rechazadas (CSV)."
        )

    def handle(self, *args, archivo: Path, revisar: bool, rechazadas, **options):
        if not archivo.is_file():
            raise CommandError(f"No existe el archivo {archivo}. Revise la ruta.")
        content = archivo.read_bytes()
        if revisar:
            result = api.preview_participants(content, filename=archivo.name)
            summary = f"{result.valid_count} filas válidas, {result.duplicate_count} ya registradas"
        else:
            result = api.import_participants(content, filename=archivo.name)
            summary = (
                f"{result.created} creadas, {result.already_registered} ya registradas"
            )
        if result.file_error:
            raise CommandError(result.file_error)
        for error in result.errors:
            self.stdout.write(f"línea {error.line}, {error.column}: {error.message}")
        if rechazadas and result.errors:
            rechazadas.write_bytes(
                api.rejected_rows_csv(content, filename=archivo.name)
            )
        self.stdout.write(
            f"{summary}, {len({e.line for e in result.errors})} rechazadas."
        )
