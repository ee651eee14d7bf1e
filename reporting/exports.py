"""CSV and XLSX downloads of a dashboard: the same (suppressed) figures as the page."""

from __future__ import annotations

import csv
import io

from django.utils.translation import gettext as _
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
            _("Resumen"),
            [
                [_("Ámbito"), dashboard.scope_name],
                [_("Fecha"), dashboard.today.isoformat()],
                *(
                    [[_("Curso"), dashboard.course_label]]
                    if dashboard.filters.course_key
                    else []
                ),
                [_("Registradas"), "" if f.registered is None else f.registered],
                [_("Inscritas"), f.enrolled],
                [_("Activas (30 días)"), f.active_30d],
                [_("Formadas"), f.completed],
                [_("Certificadas"), f.certified],
                [_("En rol de participación"), f.in_role],
                [_("Meta"), dashboard.target.people if dashboard.target else ""],
                *[[_("Nota"), note] for note in dashboard.notes],
            ],
        )
    ]
    # Names only, never internal keys (a course's key, a locality's schema).
    measures = [_("Inscritas"), _("Formadas"), _("Certificadas")]
    if dashboard.localities:
        sheets.append(
            (
                _("Localidades"),
                [[_("Localidad"), *measures, _("Activas (30 días)"), _("Meta")]]
                + [
                    [
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
    for title, heading, table in (
        (_("Cursos"), _("Curso"), dashboard.courses),
        (_("Rutas"), _("Ruta"), dashboard.paths),
    ):
        sheets.append(
            (
                title,
                [[heading, *measures]]
                + [[r.label, r.enrolled, r.completed, r.certified] for r in table],
            )
        )
    sheets.append(
        (
            _("Semanas"),
            [
                [
                    _("Semana"),
                    _("Nuevas inscritas"),
                    _("Nuevas formadas"),
                    _("Inscritas (acum.)"),
                    _("Formadas (acum.)"),
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
        [_("Enfoque"), _("Categoría"), _("Inscritas"), _("Formadas"), _("Certificadas")]
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
        [
            _("Celdas con menos de %(min)s personas se muestran como %(shown)s.")
            % {"min": MIN_CELL, "shown": SUPPRESSED}
        ]
    )
    sheets.append((_("Enfoque diferencial"), differential))
    if dashboard.civic is not None:
        sheets.append((_("Del certificado al rol"), _civic_rows(dashboard)))
    if dashboard.civic_breakdowns:
        sheets.append((_("Rol, línea y población"), _civic_breakdown_rows(dashboard)))
    return sheets


def _civic_breakdown_rows(dashboard: Dashboard) -> list[list[object]]:
    """The civic funnel by role, investment line and population group."""
    table: list[list[object]] = [
        [
            _("Desglose"),
            _("Categoría"),
            _("Habilitadas para un rol"),
            _("Postuladas"),
            _("Seleccionadas"),
            _("En ejercicio del rol"),
        ]
    ]
    for breakdown in dashboard.civic_breakdowns:
        for c in breakdown.cells:
            values = (c.eligible, c.applied, c.selected, c.in_role)
            table.append([breakdown.title, c.category, *map(_cell, values)])
    return table


def _civic_rows(dashboard: Dashboard) -> list[list[object]]:
    """Certified → eligible → applied → selected → serving, per locality for the
    city (suppressed as on the page)."""
    table: list[list[object]] = [
        [
            _("Localidad") if dashboard.civic_localities else _("Ámbito"),
            _("Certificadas"),
            _("Habilitadas para un rol"),
            _("Postuladas"),
            _("Seleccionadas"),
            _("En ejercicio del rol"),
        ]
    ]
    for r in (*dashboard.civic_localities, dashboard.civic):
        label = r.label or dashboard.scope_name
        values = (r.certified, r.eligible, r.applied, r.selected, r.in_role)
        table.append([label, *map(_cell, values)])
    return table


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
