"""CSV and XLSX downloads of a dashboard: the same (suppressed) figures as the page."""

from __future__ import annotations

import csv
import io

from openpyxl import Workbook

from .data import MIN_CELL, Dashboard

SUPPRESSED = f"<{MIN_CELL}"


def _cell(value: int | float | None) -> int | float | str:
    return SUPPRESSED if value is None else value


def rows(dashboard: Dashboard) -> list[tuple[str, list[list[object]]]]:
    """(sheet title, rows) for every table of the dashboard."""
    f = dashboard.figures
    sheets: list[tuple[str, list[list[object]]]] = [
        (
            "Resumen",
            [
                ["Ámbito", dashboard.scope_name],
                ["Fecha", dashboard.today.isoformat()],
                ["Registradas", "" if f.registered is None else f.registered],
                ["Inscritas", f.enrolled],
                ["Activas (30 días)", f.active_30d],
                ["Formadas", f.completed],
                ["Certificadas", f.certified],
                ["En rol de participación", f.in_role],
                ["Meta", dashboard.target.people if dashboard.target else ""],
                *[["Nota", note] for note in dashboard.notes],
            ],
        )
    ]
    header = ["Clave", "Nombre", "Inscritas", "Formadas", "Certificadas"]
    if dashboard.localities:
        sheets.append(
            (
                "Localidades",
                [[*header, "Activas (30 días)", "Meta"]]
                + [
                    [
                        r.key,
                        r.label,
                        r.enrolled,
                        r.completed,
                        r.certified,
                        r.active_30d,
                        r.target or "",
                    ]
                    for r in dashboard.localities
                ],
            )
        )
    for title, table in (("Cursos", dashboard.courses), ("Rutas", dashboard.paths)):
        sheets.append(
            (
                title,
                [header]
                + [
                    [r.key, r.label, r.enrolled, r.completed, r.certified]
                    for r in table
                ],
            )
        )
    sheets.append(
        (
            "Semanas",
            [
                [
                    "Semana",
                    "Nuevas inscritas",
                    "Nuevas formadas",
                    "Inscritas (acum.)",
                    "Formadas (acum.)",
                ]
            ]
            + [
                [
                    p.week.isoformat(),
                    p.new_enrolled,
                    p.new_completed,
                    p.cumulative_enrolled,
                    p.cumulative_completed,
                ]
                for p in dashboard.weeks
            ],
        )
    )
    differential: list[list[object]] = [
        ["Enfoque", "Categoría", "Inscritas", "Formadas", "Certificadas"]
    ]
    for breakdown in dashboard.breakdowns:
        for c in breakdown.cells:
            differential.append(
                [
                    breakdown.title,
                    c.category,
                    _cell(c.enrolled),
                    _cell(c.completed),
                    _cell(c.certified),
                ]
            )
    differential.append(
        [f"Celdas con menos de {MIN_CELL} personas se muestran como {SUPPRESSED}."]
    )
    sheets.append(("Enfoque diferencial", differential))
    return sheets


def to_csv(dashboard: Dashboard) -> str:
    out = io.StringIO()
    writer = csv.writer(out)
    for title, table in rows(dashboard):
        writer.writerow([f"# {title}"])
        writer.writerows(table)
        writer.writerow([])
    return out.getvalue()


def to_xlsx(dashboard: Dashboard) -> bytes:
    book = Workbook()
    book.remove(book.active)
    for title, table in rows(dashboard):
        sheet = book.create_sheet(title[:31])
        for line in table:
            sheet.append(line)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()
