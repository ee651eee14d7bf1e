"""Words shown for the app's values, through gettext (``data.py`` stays stdlib).

Values keep stable Spanish codes (they are stored and travel in URLs); what a
person reads comes from here, in the active language.
"""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from .data import ColumnType, FilterOp, FlagKind, Measure, Origin

__all__ = [
    "column_type_label",
    "filter_op_label",
    "flag_kind_label",
    "measure_label",
    "origin_label",
]

_COLUMN_TYPES = {
    ColumnType.TEXT: _("Texto"),
    ColumnType.INTEGER: _("Número entero"),
    ColumnType.DECIMAL: _("Número con decimales"),
    ColumnType.DATE: _("Fecha"),
    ColumnType.TIMESTAMP: _("Fecha y hora"),
    ColumnType.BOOLEAN: _("Sí / no"),
}
_ORIGINS = {
    Origin.UPLOAD: _("Archivo subido"),
    Origin.CKAN: _("Portal CKAN (datosabiertos.bogota.gov.co)"),
    Origin.SOCRATA: _("datos.gov.co (Socrata)"),
    Origin.DERIVED: _("Hecha a partir de otra versión"),
}
_FLAG_KINDS = {
    FlagKind.OUTLIER: _("Valores atípicos"),
    FlagKind.SHARE_OVER_100: _("Porcentaje imposible"),
    FlagKind.PART_OVER_TOTAL: _("Parte mayor que su total"),
    FlagKind.TOTAL_AMONG_PARTS: _("Total mezclado con las partes"),
    FlagKind.NOT_A_LOCALITY: _("Lugares que no son localidades"),
    FlagKind.MISSING_LOCALITIES: _("Localidades que faltan"),
}
# Read inside a sentence: «votos» <es mayor que> «100».
_FILTER_OPS = {
    FilterOp.EQUALS: _("es igual a"),
    FilterOp.NOT_EQUALS: _("es distinto de"),
    FilterOp.GREATER: _("es mayor que"),
    FilterOp.GREATER_OR_EQUAL: _("es mayor o igual que"),
    FilterOp.LESS: _("es menor que"),
    FilterOp.LESS_OR_EQUAL: _("es menor o igual que"),
    FilterOp.CONTAINS: _("contiene"),
    FilterOp.IS_EMPTY: _("está vacía"),
    FilterOp.IS_NOT_EMPTY: _("no está vacía"),
}
_MEASURES = {
    Measure.COUNT: _("Contar filas"),
    Measure.SUM: _("Sumar"),
    Measure.AVERAGE: _("Promedio"),
    Measure.MINIMUM: _("Mínimo"),
    Measure.MAXIMUM: _("Máximo"),
    Measure.SHARE: _("Porcentaje (parte ÷ total, por 100)"),
}


def column_type_label(kind: ColumnType) -> str:
    return str(_COLUMN_TYPES[kind])


def origin_label(origin: Origin) -> str:
    return str(_ORIGINS[origin])


def flag_kind_label(kind: FlagKind) -> str:
    return str(_FLAG_KINDS[kind])


def filter_op_label(op: FilterOp) -> str:
    return str(_FILTER_OPS[op])


def measure_label(measure: Measure) -> str:
    return str(_MEASURES[measure])
