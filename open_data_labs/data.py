"""Values the open-data labs hand to other apps and to templates (stdlib only)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from enum import StrEnum


class ColumnType(StrEnum):
    """The few types a learner needs to tell apart (stored in Spanish, shown too)."""

    TEXT = "texto"
    INTEGER = "entero"
    DECIMAL = "decimal"
    DATE = "fecha"
    TIMESTAMP = "fecha_hora"
    BOOLEAN = "booleano"

    @property
    def label(self) -> str:
        return {
            "texto": "Texto",
            "entero": "Número entero",
            "decimal": "Número con decimales",
            "fecha": "Fecha",
            "fecha_hora": "Fecha y hora",
            "booleano": "Sí / no",
        }[self.value]

    @property
    def is_numeric(self) -> bool:
        return self in (ColumnType.INTEGER, ColumnType.DECIMAL)


class Origin(StrEnum):
    """Where a snapshot's rows came from."""

    UPLOAD = "archivo"
    CKAN = "ckan"
    SOCRATA = "socrata"
    DERIVED = "derivada"

    @property
    def label(self) -> str:
        return {
            "archivo": "Archivo subido",
            "ckan": "Portal CKAN (datosabiertos.bogota.gov.co)",
            "socrata": "datos.gov.co (Socrata)",
            "derivada": "Hecha a partir de otra versión",
        }[self.value]


class FlagKind(StrEnum):
    """Kinds of suspicious values the profile points at."""

    OUTLIER = "atipico"
    SHARE_OVER_100 = "porcentaje_imposible"
    PART_OVER_TOTAL = "parte_mayor_que_total"
    TOTAL_AMONG_PARTS = "total_mezclado"
    NOT_A_LOCALITY = "no_es_localidad"
    MISSING_LOCALITIES = "localidades_faltantes"

    @property
    def label(self) -> str:
        return {
            "atipico": "Valores atípicos",
            "porcentaje_imposible": "Porcentaje imposible",
            "parte_mayor_que_total": "Parte mayor que su total",
            "total_mezclado": "Total mezclado con las partes",
            "no_es_localidad": "Lugares que no son localidades",
            "localidades_faltantes": "Localidades que faltan",
        }[self.value]


@dataclass(frozen=True, slots=True)
class ColumnData:
    """One column of a snapshot. ``unit`` is "%" when the file wrote percentages."""

    name: str
    type: ColumnType
    unit: str = ""


@dataclass(frozen=True, slots=True)
class DatasetData:
    key: str
    title: str
    description: str
    licence: str
    source_url: str
    publisher: str
    latest_version: int | None
    created_at: datetime


@dataclass(frozen=True, slots=True)
class SnapshotData:
    """A pinned, immutable version of a dataset's table (one Parquet file)."""

    dataset_key: str
    dataset_title: str
    version: int
    sha256: str
    size_bytes: int
    row_count: int
    column_count: int
    columns: tuple[ColumnData, ...]
    source_url: str
    licence: str
    retrieved_on: date
    origin: Origin
    origin_detail: str
    notes: tuple[str, ...]
    derived_from_version: int | None
    created_at: datetime


@dataclass(frozen=True, slots=True)
class Bin:
    """One bar of a histogram (or of a top-values chart)."""

    label: str
    count: int


@dataclass(frozen=True, slots=True)
class Flag:
    """A suspicious pattern, explained in plain Spanish, with a few examples."""

    kind: FlagKind
    column: str
    message: str
    examples: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class ColumnProfile:
    name: str
    type: ColumnType
    unit: str
    missing: int
    distinct: int
    minimum: str | None
    maximum: str | None
    histogram: tuple[Bin, ...]
    top_values: tuple[Bin, ...]
    flags: tuple[Flag, ...] = ()


@dataclass(frozen=True, slots=True)
class SnapshotProfile:
    row_count: int
    columns: tuple[ColumnProfile, ...]
    # Flags about the table as a whole (e.g. a total column among place columns).
    flags: tuple[Flag, ...] = ()

    @property
    def all_flags(self) -> tuple[Flag, ...]:
        return self.flags + tuple(f for c in self.columns for f in c.flags)


@dataclass(frozen=True, slots=True)
class TablePreview:
    columns: tuple[ColumnData, ...]
    rows: tuple[tuple[str, ...], ...]
    row_count: int


@dataclass(frozen=True, slots=True)
class TurnSuggestion:
    """Which columns look like one-column-per-place, for the turn-the-table step."""

    id_columns: tuple[str, ...]
    value_columns: tuple[str, ...]
    reason: str
    other_columns: tuple[str, ...] = field(default=())
