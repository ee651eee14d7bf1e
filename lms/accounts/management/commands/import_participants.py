"""Import participants from a CSV/XLSX file (what the /cuenta/importar/ page does)."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from lms.accounts import api


class Command(BaseCommand):
    help = gettext_lazy(
        "Importa participantes de un CSV o XLSX; con --revisar solo muestra errores."
    )

    def add_arguments(self, parser):
        parser.add_argument("archivo", type=Path)
        parser.add_argument(
            "--revisar", action="store_true", help=gettext_lazy("No guarda nada.")
        )
        parser.add_argument(
            "--rechazadas",
            type=Path,
            help=gettext_lazy("Escribe aquí las filas rechazadas (CSV)."),
        )

    def handle(self, *args, archivo: Path, revisar: bool, rechazadas, **options):
        if not archivo.is_file():
            raise CommandError(
                _("No existe el archivo %(file)s. Revise la ruta.") % {"file": archivo}
            )
        content = archivo.read_bytes()
        if revisar:
            result = api.preview_participants(content, filename=archivo.name)
            summary = _("%(valid)s filas válidas, %(registered)s ya registradas") % {
                "valid": result.valid_count,
                "registered": result.duplicate_count,
            }
        else:
            result = api.import_participants(content, filename=archivo.name)
            summary = _("%(created)s creadas, %(registered)s ya registradas") % {
                "created": result.created,
                "registered": result.already_registered,
            }
        if result.file_error:
            raise CommandError(result.file_error)
        for error in result.errors:
            self.stdout.write(
                _("línea %(line)s, %(column)s: %(message)s")
                % {"line": error.line, "column": error.column, "message": error.message}
            )
        if rechazadas and result.errors:
            rechazadas.write_bytes(
                api.rejected_rows_csv(content, filename=archivo.name)
            )
        self.stdout.write(
            _("%(summary)s, %(rejected)s rechazadas.")
            % {"summary": summary, "rejected": len({e.line for e in result.errors})}
        )
