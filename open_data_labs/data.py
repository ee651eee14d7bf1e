"""Values the open-data labs hand to other apps and to templates (stdlib only)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from enum import StrEnum


class ColumnType(StrEnum):
    """The few types a learner needs to tell apart (stable codes; the words shown
    for them come from ``labels.py``, in the reader's language)."""

    TEXT = "texto"
    INTEGER = "entero"
    DECIMAL = "decimal"
    DATE = "fecha"
    TIMESTAMP = "fecha_hora"
    BOOLEAN = "booleano"

    @property
    def is_numeric(self) -> bool:
        return self in (ColumnType.INTEGER, ColumnType.DECIMAL)


class Origin(StrEnum):
    """Where a snapshot's rows came from."""

    UPLOAD = "archivo"
    CKAN = "ckan"
    SOCRATA = "socrata"
    DERIVED = "derivada"


class FlagKind(StrEnum):
    """Kinds of suspicious values the profile points at."""

    OUTLIER = "atipico"
    SHARE_OVER_100 = "porcentaje_imposible"
    PART_OVER_TOTAL = "parte_mayor_que_total"
    TOTAL_AMONG_PARTS = "total_mezclado"
    NOT_A_LOCALITY = "no_es_localidad"
    MISSING_LOCALITIES = "localidades_faltantes"


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
    # Where the file is in Django's storage (read through ``snapshot_path``).
    storage_name: str = ""


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


# --- Learner queries: the guided builder's model and what a query returns -------


class FilterOp(StrEnum):
    """Comparisons the guided builder offers (URL values, stable)."""

    EQUALS = "igual"
    NOT_EQUALS = "distinto"
    GREATER = "mayor"
    GREATER_OR_EQUAL = "mayor_o_igual"
    LESS = "menor"
    LESS_OR_EQUAL = "menor_o_igual"
    CONTAINS = "contiene"
    IS_EMPTY = "vacio"
    IS_NOT_EMPTY = "no_vacio"

    @property
    def needs_value(self) -> bool:
        return self not in (FilterOp.IS_EMPTY, FilterOp.IS_NOT_EMPTY)


class Measure(StrEnum):
    """What the builder computes per group (or over the whole table)."""

    COUNT = "contar"
    SUM = "sumar"
    AVERAGE = "promedio"
    MINIMUM = "minimo"
    MAXIMUM = "maximo"
    # Sum over the rows of one kind over the sum of another, times 100: on a
    # long table (what is counted in one column), a turnout or a share.
    SHARE = "porcentaje"

    @property
    def needs_number(self) -> bool:
        return self in (Measure.SUM, Measure.AVERAGE, Measure.SHARE)


@dataclass(frozen=True, slots=True)
class Filter:
    """Keep the rows where ``column`` compares to ``value`` (text as typed)."""

    column: str
    op: FilterOp
    value: str = ""


@dataclass(frozen=True, slots=True)
class BuilderQuery:
    """The guided builder's steps, in order; never SQL text.

    Columns are names of the snapshot's real columns (checked when compiled);
    values are kept as the learner typed them and become query parameters.
    ``sort_by`` is an output column name or ``MEASURE_SORT`` (the computed value).
    For ``Measure.SHARE``, ``share_column`` says what each row counts, and the
    part and the whole are the rows whose value there starts with
    ``share_part`` and ``share_whole`` (case ignored).
    """

    columns: tuple[str, ...] = ()
    filters: tuple[Filter, ...] = ()
    group_by: tuple[str, ...] = ()
    measure: Measure | None = None
    measure_column: str = ""
    share_column: str = ""
    share_part: str = ""
    share_whole: str = ""
    sort_by: str = ""
    descending: bool = False
    limit: int = 100


MEASURE_SORT = "__medida__"
# The table a learner query reads: the pinned version, and nothing else.
TABLE_NAME = "datos"


@dataclass(frozen=True, slots=True)
class StepExplanation:
    """One step card: its title, a Spanish sentence and the SQL it adds."""

    key: str
    title: str
    sentence: str
    sql: str


@dataclass(frozen=True, slots=True)
class CompiledQuery:
    """SQL with parameters (what runs) and the same SQL with values inlined
    (what the learner reads and may copy into the SQL editor)."""

    sql: str
    params: tuple[object, ...]
    display_sql: str
    steps: tuple[StepExplanation, ...]


class QueryProblem(StrEnum):
    """Why a learner query was refused or stopped (the message says it in Spanish)."""

    EMPTY = "vacia"
    TOO_LONG = "muy_larga"
    SEVERAL_STATEMENTS = "varias_sentencias"
    NOT_A_SELECT = "no_es_select"
    CHANGES_SETTINGS = "configuracion"
    FILE_OR_NETWORK = "archivos_o_red"
    EXTENSION = "extension"
    READ_ONLY = "solo_lectura"
    SYNTAX = "sintaxis"
    UNKNOWN_COLUMN = "columna_desconocida"
    UNKNOWN_TABLE = "tabla_desconocida"
    UNKNOWN_FUNCTION = "funcion_desconocida"
    BAD_VALUE = "valor_invalido"
    TIMEOUT = "tiempo"
    MEMORY = "memoria"
    BUSY = "ocupado"
    OTHER = "otro"


@dataclass(frozen=True, slots=True)
class QueryColumn:
    """A column of a query's result: its name and our type (None: other)."""

    name: str
    type: ColumnType | None


@dataclass(frozen=True, slots=True)
class QueryResult:
    """What a learner query returned on one pinned version.

    ``rows`` hold DuckDB's Python values (numbers stay numbers, for answer
    checks); ``is_truncated`` says more rows existed than ``max_rows``.
    """

    dataset_key: str
    version: int
    sha256: str
    sql: str
    columns: tuple[QueryColumn, ...]
    rows: tuple[tuple[object, ...], ...]
    is_truncated: bool
    max_rows: int
    elapsed_ms: float  # of the run that computed it
    is_cached: bool = False  # kept from an earlier run on the same version


# --- Lab activities in lessons: checks and outcomes -------------------------------


class CheckKind(StrEnum):
    """How a lab question's answer is compared with the expected one (stable)."""

    NUMBER = "numero"  # one number, within a tolerance
    CATEGORY = "categoria"  # one value, e.g. a locality's name
    SET = "conjunto"  # several values, order-free
    RANKING = "orden"  # several values, in order
    PROPERTY = "propiedad"  # the learner's own query, checked for a property


class LabProperty(StrEnum):
    """What a property question checks on the learner's query result (stable)."""

    ONLY_LOCALITIES = "solo_localidades"  # no totals, no places that are not one
    SAME_ROWS = "mismas_filas"  # the reference query's rows, order-free


@dataclass(frozen=True, slots=True)
class QuestionOutcome:
    """One question of a submitted lab: the learner's answer and what it earned."""

    number: int
    answer: str
    is_right: bool
    message: str
    is_known_mistake: bool = False


@dataclass(frozen=True, slots=True)
class LabOutcome:
    """A submitted lab: how many answers were right, and each question's message."""

    lab_key: str
    right: int
    total: int
    passed: bool
    questions: tuple[QuestionOutcome, ...]

    @property
    def score_percent(self) -> float:
        return round(100 * self.right / self.total, 1) if self.total else 0.0
