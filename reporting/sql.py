"""Raw SQL with named parameters only.

The dashboards wrap ORM querysets in hand-written SQL (GROUPING SETS, weekly
series). Django renders a queryset with positional ``%s`` placeholders, and a
statement cannot mix them with named ones, so ``named`` renames them
(``%(q0)s``, ``%(q1)s``...) and returns the values under those names.
"""

from __future__ import annotations

import re
from typing import Any

from django.db.models import QuerySet

# A positional placeholder, not an escaped percent sign ("%%s" is the text "%s").
_POSITIONAL = re.compile(r"(?<!%)((?:%%)*)%s")


def named(queryset: QuerySet, prefix: str = "q") -> tuple[str, dict[str, Any]]:
    """The queryset's SQL with named placeholders, and its parameters by name."""
    sql, params = queryset.query.sql_with_params()
    counter = iter(range(len(params)))

    def rename(match: re.Match[str]) -> str:
        return f"{match.group(1)}%({prefix}{next(counter)})s"

    renamed = _POSITIONAL.sub(rename, sql)
    return renamed, {f"{prefix}{i}": value for i, value in enumerate(params)}
