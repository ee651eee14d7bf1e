"""Bulk import of participants: preview, per-row errors, rejected rows, re-import."""

from __future__ import annotations

import csv
import io

from django.contrib.auth import get_user_model
from openpyxl import Workbook

from lms.accounts import api

HEADER = "nombres,apellidos,correo,tipo_documento,numero_documento,localidad,fecha_nacimiento"
GOOD = [
    "José,Pérez,jose@example.org,CC,80111222,Kennedy,1985-02-01",
    "Luz Dary,Gómez,luz@example.org,TI,1012345678,bosa,15/03/2010",
]
BAD = [
    "Ana,Ruiz,ana@example.org,CC,80A,Kennedy,1990-01-01",  # malformed document
    "Eva,Díaz,eva@example.org,CC,80333444,Atlántida,1990-01-01",  # unknown locality
    "Sol,Mora,sol@example.org,CC,80555666,Kennedy,2199-01-01",  # future
    "Rita,Paz,jose@example.org,CC,80777888,Kennedy,1990-01-01",  # email repeated
]


def _csv(*rows: str, encoding: str = "utf-8") -> bytes:
    return "\n".join([HEADER, *rows]).encode(encoding)


def _count() -> int:
    return get_user_model().objects.count()


def test_preview_reports_each_bad_row_and_stores_nothing(db):
    before = _count()
    preview = api.preview_participants(_csv(*GOOD, *BAD), filename="jornada.csv")
    assert preview.file_error is None
    assert preview.valid_count == 2
    assert preview.rejected_lines == [4, 5, 6, 7]
    by_line = {(e.line, e.column): e.message for e in preview.errors}
    assert "no son dígitos" in by_line[(4, "numero_documento")]
    assert "«Atlántida» no existe" in by_line[(5, "localidad")]
    assert "en el futuro" in by_line[(6, "fecha_nacimiento")]
    assert "ya está en la línea 2" in by_line[(7, "correo")]
    assert _count() == before


def test_import_creates_valid_rows_without_usable_password_and_reimport_adds_none(db):
    content = _csv(*GOOD, *BAD)
    first = api.import_participants(content, filename="jornada.csv", batch_size=1)
    assert (first.created, first.already_registered, first.rejected) == (2, 0, 4)
    jose = get_user_model().objects.get(email="jose@example.org")
    assert not jose.has_usable_password()
    assert (jose.document_type, jose.residence_locality_id) == ("CC", "test_kennedy")
    before = _count()
    second = api.import_participants(content, filename="jornada.csv")
    assert (second.created, second.already_registered) == (0, 2)
    assert _count() == before


def test_rejected_rows_file_has_line_and_reasons(db):
    data = api.rejected_rows_csv(_csv(*GOOD, *BAD), filename="jornada.csv")
    assert data.startswith(b"\xef\xbb\xbf")  # Excel opens it as UTF-8
    rows = list(csv.reader(io.StringIO(data.decode("utf-8-sig"))))
    assert rows[0][-2:] == ["linea", "errores"]
    assert [r[-2] for r in rows[1:]] == ["4", "5", "6", "7"]
    assert rows[2][1] == "Díaz" and "Atlántida" in rows[2][-1]


def test_latin1_and_semicolons_as_excel_saves_them(db):
    content = _csv(*GOOD, encoding="latin-1").replace(b",", b";")
    result = api.import_participants(content, filename="excel.csv")
    assert result.created == 2
    assert get_user_model().objects.filter(last_name="Pérez").exists()


def test_xlsx_with_real_dates(db):
    from datetime import date

    book = Workbook()
    sheet = book.active
    sheet.append(HEADER.split(","))
    sheet.append(
        [
            "Ana",
            "Niño",
            "ana.x@example.org",
            "CC",
            52999888,
            "KENNEDY",
            date(1970, 1, 2),
        ]
    )
    out = io.BytesIO()
    book.save(out)
    preview = api.preview_participants(out.getvalue(), filename="jornada.xlsx")
    assert preview.errors == []
    assert preview.valid_count == 1
    api.import_participants(out.getvalue(), filename="jornada.xlsx")
    ana = get_user_model().objects.get(email="ana.x@example.org")
    assert ana.birth_date == date(1970, 1, 2)
    assert ana.document_number == "52999888"


def test_whole_file_problems(db):
    before = _count()
    cases = {
        b"": "está vacío",
        HEADER.encode(): "solo tiene la fila de encabezados",
        b"nombres,apellidos,correo\nA,B,c@example.org": "Faltan columnas: tipo_documento",
        (HEADER + ",telefono\n" + GOOD[0] + ",3001234567").encode(): "telefono",
        b"\xff\xfen\x00o\x00m\x00": "UTF-16",
    }
    for content, fragment in cases.items():
        result = api.import_participants(content, filename="x.csv")
        assert result.file_error and fragment in result.file_error, (content, result)
        assert result.created == 0
    assert "xlsx" in api.preview_participants(b"x", filename="viejo.xls").file_error
    assert _count() == before


def test_existing_account_with_other_email_is_an_error_not_an_overwrite(register):
    person = register(document_number="80111222", email="original@example.org")
    result = api.import_participants(_csv(GOOD[0]), filename="x.csv")
    assert result.created == 0 and result.rejected == 1
    assert "otro correo" in result.errors[0].message
    assert api.get_person(person.user_id).email == "original@example.org"


def test_extra_cells_in_a_row(db):
    result = api.preview_participants(_csv(GOOD[0] + ",sobra"), filename="x.csv")
    assert result.errors[0].column == "(fila)"


def test_management_command_imports_and_writes_rejected_rows(db, tmp_path):
    from django.core.management import call_command

    source = tmp_path / "jornada.csv"
    source.write_bytes(_csv(*GOOD, BAD[0]))
    rejected = tmp_path / "rechazadas.csv"
    out = io.StringIO()
    call_command("import_participants", str(source), rechazadas=rejected, stdout=out)
    assert "2 creadas, 0 ya registradas, 1 rechazadas." in out.getvalue()
    assert "Ana" in rejected.read_text(encoding="utf-8-sig")
