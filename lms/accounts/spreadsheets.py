"""Reading a participants file: CSV (UTF-8, Windows-1252 or Latin-1) or XLSX.

Gives the header and the non-empty rows with their line numbers (1 is the
header), as text. The formats are read by ``lms.spreadsheets`` (the projects
import reads the same files); a file that cannot be read at all raises
``FileProblem`` with a message that says how to fix it; nothing is imported then.
"""

from __future__ import annotations

from collections.abc import Iterator

from django.utils.translation import gettext as _

from lms.spreadsheets import FileProblem, cell_text
from lms.spreadsheets import read_table as _read_any_table

__all__ = ["FileProblem", "Rows", "read_table"]

Rows = Iterator[tuple[int, list[str]]]


def read_table(content: bytes, filename: str) -> tuple[list[str], Rows]:
    """The header and the rows of a CSV or XLSX file, every cell as text."""
    header, rows = _read_any_table(
        content,
        filename,
        empty_message=_(
            "El archivo está vacío. Suba un CSV o XLSX con una fila de "
            "encabezados y una fila por participante."
        ),
    )
    return header, ((line, [cell_text(v) for v in cells]) for line, cells in rows)
