"""Small-cell suppression, the one rule every dashboard table and export uses.

A cell of 1 to ``MIN_CELL - 1`` people is hidden (``None``). A column whose total
is shown must not let a hidden cell be recovered by subtraction, so:

- when exactly one cell of the column is hidden, the smallest other cell is hidden
  too, even a zero (two hidden cells can be split many ways);
- when the total itself is small (1 to ``MIN_CELL - 1``), every cell of the column
  is hidden, zeros included: with a total of 1 next to a single category, or next
  to zeros, the only non-zero cell would otherwise name the person's group.
"""

from __future__ import annotations

from collections.abc import Sequence

from .data import MIN_CELL

__all__ = ["hide_small", "protect_column", "protect_columns"]


def hide_small(value: int) -> int | None:
    """The value, or None for 1 to ``MIN_CELL - 1`` people."""
    return None if 0 < value < MIN_CELL else value


def protect_column(
    values: Sequence[int], *, total_shown: bool = True
) -> list[int | None]:
    """One column's cells, suppressed so that none can be derived from its total
    (``total_shown``: the page shows the column's total, or it can be read
    elsewhere, such as the dashboard's headline figures)."""
    total = sum(values)
    if total_shown and 0 < total < MIN_CELL:
        return [None] * len(values)
    shown: list[int | None] = [hide_small(v) for v in values]
    hidden = [i for i, v in enumerate(shown) if v is None]
    if total_shown and len(hidden) == 1:
        others = [(v, i) for i, v in enumerate(shown) if v is not None]
        if others:
            shown[min(others)[1]] = None
    return shown


def protect_columns(
    rows: Sequence[Sequence[int]], *, total_shown: bool = True
) -> list[list[int | None]]:
    """Every column of ``rows`` (each row the same length) protected on its own;
    the result has the rows' shape."""
    if not rows:
        return []
    columns = [
        protect_column([row[i] for row in rows], total_shown=total_shown)
        for i in range(len(rows[0]))
    ]
    return [[column[n] for column in columns] for n in range(len(rows))]
