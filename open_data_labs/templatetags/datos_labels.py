"""Template filters that show the app's stable codes in the reader's language."""

from django import template

from .. import labels
from ..data import ColumnType, FlagKind, Origin

register = template.Library()


@register.filter
def type_label(kind: ColumnType) -> str:
    return labels.column_type_label(ColumnType(kind))


@register.filter
def origin_label(origin: Origin) -> str:
    return labels.origin_label(Origin(origin))


@register.filter
def flag_label(kind: FlagKind) -> str:
    return labels.flag_kind_label(FlagKind(kind))
