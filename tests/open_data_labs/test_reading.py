"""Colombian files that must just work, and hostile files that must be refused.

Every file goes through the public API (``upload_snapshot``); a refusal must
explain itself in Spanish and store nothing (no version, no file).
"""

from __future__ import annotations

import io
import zipfile

import duckdb
import pytest
from django.core.files.storage import default_storage
from openpyxl import Workbook

from open_data_labs import api
from open_data_labs.data import ColumnType

from .conftest import upload


def _types(snapshot) -> dict[str, ColumnType]:
    return {c.name: c.type for c in snapshot.columns}


def _rows(dataset_key: str, version: int = 1) -> list[tuple]:
    path = api.snapshot_path(dataset_key, version)
    with duckdb.connect() as con:
        return con.execute(f"SELECT * FROM read_parquet('{path}')").fetchall()


def _nothing_stored(dataset_key: str) -> None:
    assert api.list_snapshots(dataset_key) == []
    assert not default_storage.exists(f"open_data/{dataset_key}")


# --- Colombian files that must just work ---------------------------------------


def test_semicolons_decimal_commas_thousand_dots_and_pesos(dataset):
    snapshot = upload(
        dataset.key,
        "localidad;codigo;presupuesto;ejecucion\n"
        "Kennedy;08;$ 1.234.567,50;45,5%\n"
        "Bosa;07;$ 987.654;100%\n",
    )
    assert _types(snapshot) == {
        "localidad": ColumnType.TEXT,
        "codigo": ColumnType.TEXT,
        "presupuesto": ColumnType.DECIMAL,
        "ejecucion": ColumnType.DECIMAL,
    }
    assert snapshot.columns[3].unit == "%"
    assert _rows(dataset.key) == [
        ("Kennedy", "08", 1234567.5, 45.5),
        ("Bosa", "07", 987654.0, 100.0),
    ]


def test_codes_keep_their_leading_zeros_and_divipola_stays_text(dataset):
    snapshot = upload(
        dataset.key,
        "codigo_divipola,cod_localidad,habitantes\n11001,01,100\n11001,19,250\n",
    )
    assert _types(snapshot)["codigo_divipola"] is ColumnType.TEXT
    assert _types(snapshot)["cod_localidad"] is ColumnType.TEXT
    assert _types(snapshot)["habitantes"] is ColumnType.INTEGER
    assert _rows(dataset.key) == [("11001", "01", 100), ("11001", "19", 250)]


def test_windows_1252_file_from_excel(dataset):
    data = "Localidad;Población\nSan Cristóbal;404.697\nUsaquén;553.921\n".encode(
        "cp1252"
    )
    snapshot = upload(dataset.key, data)
    assert [c.name for c in snapshot.columns] == ["Localidad", "Población"]
    assert _rows(dataset.key) == [("San Cristóbal", 404697), ("Usaquén", 553921)]
    assert any("Windows-1252" in n for n in snapshot.notes)


def test_mixed_encodings_are_read_line_by_line(dataset):
    # Two exports pasted together: UTF-8 lines and Excel (Windows-1252) lines.
    data = (
        "Localidad;Población\nSan Cristóbal;404.697\n".encode()
        + "Usaquén;553.921\nFontibón;394.648\n".encode("cp1252")
    )
    snapshot = upload(dataset.key, data)
    assert [c.name for c in snapshot.columns] == ["Localidad", "Población"]
    assert _rows(dataset.key) == [
        ("San Cristóbal", 404697),
        ("Usaquén", 553921),
        ("Fontibón", 394648),
    ]
    [note] = [n for n in snapshot.notes if "mezclada" in n]
    assert "2 líneas en UTF-8 y 2 en Windows-1252 (por ejemplo la línea 3)" in note


def test_utf8_with_bom(dataset):
    snapshot = upload(dataset.key, "\ufefflocalidad,total\nSuba,3\n".encode())
    assert snapshot.columns[0].name == "localidad"


def test_comma_file_with_english_decimals_and_iso_dates(dataset):
    snapshot = upload(dataset.key, "fecha,valor\n2024-01-31,1234.5\n2024-02-29,1.25\n")
    assert _types(snapshot) == {"fecha": ColumnType.DATE, "valor": ColumnType.DECIMAL}
    assert _rows(dataset.key)[0][1] == 1234.5


def test_colombian_dates_and_missing_markers(dataset):
    snapshot = upload(
        dataset.key, "fecha;valor\n31/01/2024;N.D.\n29/02/2024;12\n;SIN DATO\n"
    )
    assert _types(snapshot) == {"fecha": ColumnType.DATE, "valor": ColumnType.INTEGER}
    assert [row[1] for row in _rows(dataset.key)] == [None, 12, None]


def test_short_rows_are_completed_with_empty_values(dataset):
    snapshot = upload(dataset.key, "a;b;c\n1;2;3\n4;5\n")
    assert snapshot.row_count == 2
    assert any("menos valores" in n for n in snapshot.notes)
    assert _rows(dataset.key)[1] == (4, 5, None)


def test_xlsx_first_sheet(dataset):
    book = Workbook()
    sheet = book.active
    sheet.append(["localidad", "codigo", "votos"])
    sheet.append(["Kennedy", "08", 22087])
    sheet.append(["Bosa", "07", 16235.0])
    buffer = io.BytesIO()
    book.save(buffer)
    snapshot = upload(dataset.key, buffer.getvalue(), name="datos.xlsx")
    assert _rows(dataset.key) == [("Kennedy", "08", 22087), ("Bosa", "07", 16235)]
    assert snapshot.columns[2].type is ColumnType.INTEGER


def test_parquet_upload_keeps_types_and_reads_text_columns(dataset, tmp_path):
    path = tmp_path / "in.parquet"
    with duckdb.connect() as con:
        con.execute(
            "COPY (SELECT 'Kennedy' AS lugar, 3.5 AS tasa, '1.234,5' AS monto) "
            f"TO '{path}' (FORMAT parquet)"
        )
    snapshot = upload(dataset.key, path.read_bytes(), name="in.parquet")
    assert _types(snapshot) == {
        "lugar": ColumnType.TEXT,
        "tasa": ColumnType.DECIMAL,
        "monto": ColumnType.DECIMAL,
    }


def test_empty_header_names_and_duplicates_are_named(dataset):
    snapshot = upload(dataset.key, ",valor,valor\nNulos,1,2\n")
    assert [c.name for c in snapshot.columns] == ["columna_1", "valor", "valor_2"]


# --- Hostile or broken files: refused, explained, nothing stored ----------------


def _refused(dataset_key: str, data: bytes, name: str = "datos.csv") -> str:
    with pytest.raises(api.DataFileRefused) as caught:
        api.upload_snapshot(dataset_key, data, filename=name)
    _nothing_stored(dataset_key)
    return str(caught.value)


def test_empty_file(dataset):
    assert "vacío" in _refused(dataset.key, b"")


def test_blank_file_with_only_a_bom(dataset):
    assert "vacío" in _refused(dataset.key, b"\xef\xbb\xbf\r\n  \n")


def test_header_without_rows(dataset):
    assert "solo tiene encabezados" in _refused(dataset.key, b"a;b;c\n")


def test_single_column_or_unknown_delimiter(dataset):
    message = _refused(dataset.key, b"a b c\n1 2 3\n")
    assert "separador" in message


def test_ragged_rows_with_extra_values(dataset):
    message = _refused(dataset.key, b"a;b\n1;2\n3;4;5\n6;7\n8;9;10\n")
    assert "más valores" in message and "3, 5" in message


def test_unclosed_quote_makes_the_rest_one_cell(dataset):
    message = _refused(dataset.key, b'a,b\n"1,2\n3,4\n')
    assert "solo tiene encabezados" in message or "mal formado" in message


def test_utf16_file(dataset):
    message = _refused(dataset.key, "a;b\n1;2\n".encode("utf-16"))
    assert "UTF-16" in message


def test_binary_file_with_csv_name(dataset):
    message = _refused(dataset.key, b"\x00\x01\x02\x03" * 100)
    assert "UTF-16" in message or "binario" in message


def test_old_excel_xls(dataset):
    message = _refused(
        dataset.key, b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 100, "datos.xls"
    )
    assert ".xlsx" in message


def test_unknown_extension(dataset):
    assert "no es CSV" in _refused(dataset.key, b"hola", "datos.docx")


def test_oversized_upload(dataset, settings):
    settings.OPEN_DATA_MAX_UPLOAD_BYTES = 1024
    message = _refused(dataset.key, b"a;b\n" + b"1;2\n" * 1000)
    assert "máximo es" in message
    with pytest.raises(api.DataFileRefused):
        api.check_upload_size(2 * 1024**3)  # a 2 GB upload, refused by its size


def test_too_many_rows(dataset, settings):
    settings.OPEN_DATA_MAX_ROWS = 3
    assert "filas" in _refused(dataset.key, b"a;b\n1;2\n3;4\n5;6\n7;8\n")


def test_too_many_columns(dataset, settings):
    settings.OPEN_DATA_MAX_COLUMNS = 3
    assert "columnas" in _refused(dataset.key, b"a;b;c;d\n1;2;3;4\n")


def test_xlsx_zip_bomb_is_refused_before_opening(dataset):
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("xl/workbook.xml", "<workbook/>")
        # 300 MB of zeros compress to a few hundred KB.
        with archive.open("xl/worksheets/sheet1.xml", "w", force_zip64=True) as part:
            chunk = b"0" * (1024 * 1024)
            for _ in range(300):
                part.write(chunk)
    data = buffer.getvalue()
    assert len(data) < 2 * 1024 * 1024
    message = _refused(dataset.key, data, "bomba.xlsx")
    assert "se descomprime" in message


def test_corrupt_xlsx(dataset):
    message = _refused(dataset.key, b"PK\x03\x04" + b"basura" * 50, "datos.xlsx")
    assert "dañado" in message


def test_zip_that_is_not_a_workbook(dataset):
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("hola.txt", "no soy un libro")
    assert "no un libro" in _refused(dataset.key, buffer.getvalue(), "datos.xlsx")


def test_fake_parquet(dataset):
    message = _refused(dataset.key, b"PAR1 esto no es parquet", "datos.parquet")
    assert "PAR1" in message


def test_truncated_parquet(dataset, tmp_path):
    path = tmp_path / "in.parquet"
    with duckdb.connect() as con:
        con.execute(f"COPY (SELECT range AS n FROM range(1000)) TO '{path}'")
    data = path.read_bytes()
    broken = data[:4] + data[len(data) // 2 :]
    assert "dañado" in _refused(dataset.key, broken, "datos.parquet")


def test_types_hold_for_values_beyond_the_first_thousands(dataset):
    """Typing looks at a sample first; a late value still decides the type."""
    lines = ["codigo;monto;nota"]
    lines += [f"{n};1.234;{n}" for n in range(100, 2600)]
    lines += ["0999;1.234,5;ver anexo"]
    snapshot = upload(dataset.key, "\n".join(lines) + "\n")
    assert _types(snapshot) == {
        "codigo": ColumnType.TEXT,  # one leading zero at the end keeps codes text
        "monto": ColumnType.DECIMAL,  # Colombian: 1.234 is one thousand two hundred…
        "nota": ColumnType.TEXT,
    }
    assert _rows(dataset.key)[-1] == ("0999", 1234.5, "ver anexo")
    assert _rows(dataset.key)[0][1] == 1234.0
