"""Spreadsheet import: per-row Spanish errors, a rejected-rows file, all or nothing."""

from __future__ import annotations

import csv
import io
from decimal import Decimal

from openpyxl import Workbook

from monitoring import api
from tenants import api as tenants_api

from .conftest import kennedy_project

HEADER = "codigo;nombre;linea;concepto_gasto;presupuesto;upz;barrio;avance;fecha_avance"


def _csv(*rows: str, header: str = HEADER) -> bytes:
    return "\n".join([header, *rows]).encode("utf-8")


GOOD = [
    "K-01;Parque Ciudad de Cali;2;Parques;$ 1.234.567,50;UPZ82;004607;40;01/03/2025",
    "K-02;Emprendimientos Corabastos;Economía local;Capital semilla;80.000.000;80;;;",
]
BAD = [
    "K-03;Sin línea;deportes;Otro;1.000;UPZ82;;;",  # unknown line
    "K-04;UPZ ajena;1;Otro;1.000;UPZ85;;;",  # Bosa's UPZ
    "K-05;Barrio ajeno;1;Otro;1.000;UPZ82;004642;;",  # Bosa's barrio
    "K-06;Avance imposible;1;Otro;1.000;UPZ82;;120;",  # progress > 100
    "K-07;Dinero raro;1;Otro;1,234,567.50;UPZ82;;;",  # US-style money
    "K-01;Repetido;1;Otro;1.000;UPZ82;;;",  # code already in this file
]


def test_valid_rows_are_imported_and_bad_ones_explained(in_town_a):
    content = _csv(*GOOD, *BAD)
    preview = api.preview_projects(content, filename="proyectos.csv")
    assert preview.valid_count == 2
    assert preview.rejected_lines == [4, 5, 6, 7, 8, 9]
    assert api.list_projects().total == 0  # a preview writes nothing

    messages = {(e.line, e.column): e.message for e in preview.errors}
    assert "Línea de inversión desconocida: «deportes»" in messages[(4, "linea")]
    assert "es de Bosa, no de Kennedy" in messages[(5, "upz")]
    assert "es de Bosa, no de Kennedy" in messages[(6, "barrio")]
    assert "entre 0 y 100" in messages[(7, "avance")]
    assert "«1,234,567.50» no se entiende" in messages[(8, "presupuesto")]
    assert "ya está en la línea 2" in messages[(9, "codigo")]

    result = api.import_projects(content, filename="proyectos.csv")
    assert (result.created, result.rejected) == (2, 6)
    park = api.get_project("K-01")
    assert park.budget == Decimal("1234567.50")
    assert park.line is api.InvestmentLine.INFRASTRUCTURE
    assert (
        park.progress == Decimal("40.00") and str(park.progress_as_of) == "2025-03-01"
    )
    assert api.get_project("K-02").upz_code == "UPZ80"

    # The rejected-rows file is the one the import saw, not a re-reading in
    # which every imported row would now look like a duplicate.
    rejected = list(csv.reader(io.StringIO(result.rejected_csv.decode("utf-8-sig"))))
    assert rejected[0] == [*HEADER.split(";"), "linea", "errores"]
    assert [(row[0], row[-2]) for row in rejected[1:]] == [
        ("K-03", "4"),
        ("K-04", "5"),
        ("K-05", "6"),
        ("K-06", "7"),
        ("K-07", "8"),
        ("K-01", "9"),
    ]
    assert "avance: El avance debe estar entre 0 y 100" in rejected[4][-1]


def test_a_code_already_registered_is_refused(in_town_a):
    kennedy_project("K-01")
    result = api.import_projects(_csv(GOOD[0]), filename="p.csv")
    assert (result.created, result.rejected) == (0, 1)
    assert "edite el proyecto existente" in result.errors[0].message


def test_a_file_problem_stores_nothing(in_town_a):
    result = api.import_projects(
        _csv(*GOOD, header="codigo;nombre;linea"), filename="p.csv"
    )
    assert result.created == 0
    assert "Faltan columnas: concepto_gasto, presupuesto, upz" in result.file_error
    for content, name, words in [
        (b"", "p.csv", "está vacío"),
        (b"x", "p.xls", "97-2003"),
        (b"PK\x03\x04roto", "p.xlsx", "dañado"),
        (_csv(), "p.csv", "solo tiene la fila de encabezados"),
    ]:
        assert words in api.import_projects(content, filename=name).file_error
    assert api.list_projects().total == 0


def test_an_xlsx_keeps_numbers_as_numbers(in_town_a):
    book = Workbook()
    sheet = book.active
    sheet.append(["Código", "Nombre", "Línea", "Concepto gasto", "Presupuesto", "UPZ"])
    # 1234567.5 typed in a cell is a number, not Colombian text with a point.
    sheet.append(["K-10", "Huerta Tintal", 4, "Agricultura urbana", 1234567.5, 82])
    buffer = io.BytesIO()
    book.save(buffer)

    result = api.import_projects(buffer.getvalue(), filename="proyectos.xlsx")

    assert result.created == 1, result.errors
    project = api.get_project("K-10")
    assert project.budget == Decimal("1234567.50")
    assert project.line is api.InvestmentLine.ENVIRONMENT


def test_windows_excel_csv_with_accents_is_read(in_town_a):
    content = _csv("K-20;Reactivación Timiza;3;Ferias;5.000.000;UPZ48;;;").decode()
    result = api.import_projects(content.encode("cp1252"), filename="p.csv")
    assert result.created == 1
    assert api.get_project("K-20").name == "Reactivación Timiza"


def test_an_import_in_bosa_neither_sees_nor_touches_kennedy(town_a, town_b):
    with tenants_api.in_locality(town_a):
        kennedy_project("K-01", name="Parque de Kennedy")
    with tenants_api.in_locality(town_b):
        # Kennedy's code is free in Bosa; Kennedy's UPZ is not Bosa's.
        result = api.import_projects(
            _csv(
                "K-01;Parque de Bosa;2;Parques;1.000.000;UPZ85;;;",
                "K-02;Otro;2;Parques;1.000.000;UPZ82;;;",
            ),
            filename="bosa.csv",
        )
        assert (result.created, result.rejected) == (1, 1)
        assert "es de Kennedy, no de Bosa" in result.errors[0].message
        assert api.get_project("K-01").name == "Parque de Bosa"
    with tenants_api.in_locality(town_a):
        assert [p.name for p in api.list_projects().projects] == ["Parque de Kennedy"]
