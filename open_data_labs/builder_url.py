"""The guided builder's steps as address parameters (shareable, no JavaScript).

The builder page is a GET form, so its address *is* the query: anyone who opens
it on the same version sees the same result. Parameters (short, stable):
``c`` columns shown; ``fc``/``fo``/``fv`` a filter's column, comparison and value
(repeated, one per filter); ``g`` group columns; ``m`` the measure and ``mc`` its
column; ``o`` the sort column (``__medida__``: the computed value) and ``od=desc``;
``n`` the row limit; for a percentage, ``pc`` the column that says what a row
counts and ``pp``/``pt`` how the part's and the whole's values start. Unknown comparisons or measures are ignored; unknown column
names are refused in Spanish when the query is compiled.
"""

from __future__ import annotations

from collections.abc import Mapping

from .builder import MAX_BUILDER_ROWS
from .data import BuilderQuery, Filter, FilterOp, Measure

__all__ = ["MAX_FILTERS", "builder_from_params", "builder_to_params"]

MAX_FILTERS = 3
_MAX_NAMES = 50


def _list(params: Mapping, name: str) -> list[str]:
    getlist = getattr(params, "getlist", None)
    values = getlist(name) if getlist else params.get(name, [])
    if isinstance(values, str):
        values = [values]
    return [v.strip() for v in values if v and v.strip()][:_MAX_NAMES]


def _one(params: Mapping, name: str) -> str:
    values = _list(params, name)
    return values[-1] if values else ""


def builder_from_params(params: Mapping) -> BuilderQuery:
    """Read the builder's steps from a ``QueryDict`` (or a dict of lists)."""
    getlist = getattr(params, "getlist", None)
    raw = (lambda n: getlist(n)) if getlist else (lambda n: params.get(n, []))
    filters = []
    for column, op, value in zip(raw("fc"), raw("fo"), raw("fv"), strict=False):
        if not column.strip() or op not in FilterOp._value2member_map_:
            continue
        filters.append(Filter(column.strip(), FilterOp(op), value))
    measure = _one(params, "m")
    try:
        limit = int(_one(params, "n") or 100)
    except ValueError:
        limit = 100
    return BuilderQuery(
        columns=tuple(dict.fromkeys(_list(params, "c"))),
        filters=tuple(filters[:MAX_FILTERS]),
        group_by=tuple(dict.fromkeys(_list(params, "g"))),
        measure=Measure(measure) if measure in Measure._value2member_map_ else None,
        measure_column=_one(params, "mc"),
        share_column=_one(params, "pc"),
        share_part=_one(params, "pp"),
        share_whole=_one(params, "pt"),
        sort_by=_one(params, "o"),
        descending=_one(params, "od") == "desc",
        limit=max(1, min(limit, MAX_BUILDER_ROWS)),
    )


def builder_to_params(query: BuilderQuery) -> list[tuple[str, str]]:
    """The address parameters of a query (``urlencode`` them for a link)."""
    pairs = [("c", c) for c in query.columns]
    for rule in query.filters:
        pairs += [("fc", rule.column), ("fo", rule.op.value), ("fv", rule.value)]
    pairs += [("g", g) for g in query.group_by]
    if query.measure is not None:
        pairs.append(("m", query.measure.value))
    if query.measure_column:
        pairs.append(("mc", query.measure_column))
    for name, value in (
        ("pc", query.share_column),
        ("pp", query.share_part),
        ("pt", query.share_whole),
    ):
        if value:
            pairs.append((name, value))
    if query.sort_by:
        pairs.append(("o", query.sort_by))
    if query.descending:
        pairs.append(("od", "desc"))
    if query.limit != 100:
        pairs.append(("n", str(query.limit)))
    return pairs
