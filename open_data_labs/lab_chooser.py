"""The dataset chooser of the lab block: a trainer picks a version from a list.

The lab pins one version of one dataset (``dataset`` and ``version`` in the
block's value, what ``labs`` reads). Typing a key and a number invites typos and
"the latest"; the editor instead offers the versions that exist on this site,
grouped by dataset, each with its rows, columns and date, and fills the two
stored fields from the choice when the lesson is saved (``LabBlock.clean``).

The choice list is read from the database each time the form is drawn, so it
follows the active locality. It is not frozen into migrations (``deconstruct``
keeps an empty list): a lesson body's migration must not depend on any site's
data, nor import this app (ADR 0032).
"""

from __future__ import annotations

import re

from django.utils import formats
from django.utils.translation import gettext as _
from wagtail import blocks

from .models import Snapshot as _Snapshot

__all__ = ["SnapshotChooserBlock", "chosen_snapshot", "snapshot_choice"]

_CHOICE = re.compile(r"^(?P<key>[-a-zA-Z0-9_]+)/v(?P<version>[1-9][0-9]*)$")


def snapshot_choice(dataset: str, version: int | str) -> str:
    """The chooser's value for a dataset version (``<key>/v<n>``)."""
    return f"{dataset}/v{version}"


def chosen_snapshot(choice: str) -> tuple[str, int] | None:
    """The dataset key and version of a chooser value, or None."""
    match = _CHOICE.match(choice or "")
    return (match["key"], int(match["version"])) if match else None


def snapshot_choices() -> list[tuple[str, list[tuple[str, str]]]]:
    """The versions on this site, grouped by dataset (title and key)."""
    groups: dict[str, list[tuple[str, str]]] = {}
    rows = _Snapshot.objects.select_related("dataset").order_by(
        "dataset__title", "dataset__key", "-version"
    )
    for snapshot in rows:
        dataset = snapshot.dataset
        group = f"{dataset.title} ({dataset.key})"
        groups.setdefault(group, []).append(
            (
                snapshot_choice(dataset.key, snapshot.version),
                _(
                    "versión %(version)d · %(rows)s filas, %(columns)s columnas · "
                    "%(date)s"
                )
                % {
                    "version": snapshot.version,
                    "rows": formats.number_format(snapshot.row_count, 0, None, True),
                    "columns": snapshot.column_count,
                    "date": formats.date_format(
                        snapshot.retrieved_on, "SHORT_DATE_FORMAT"
                    ),
                },
            )
        )
    return list(groups.items())


class SnapshotChooserBlock(blocks.ChoiceBlock):
    """A select of this site's dataset versions (``<key>/v<n>``)."""

    def __init__(self, **kwargs):
        # Not searched: its words are the dataset's, and reading them would
        # query the list on every index update.
        super().__init__(choices=snapshot_choices, search_index=False, **kwargs)

    # Wagtail's ChoiceBlock looks a stored value up in the choice list; here that
    # is a query, on every lesson view. The value is plain text: keep it as is.
    def to_python(self, value):
        return "" if value is None else str(value)

    def normalize(self, value):
        return "" if value is None else str(value)

    def deconstruct(self):
        # The list is data, read when the form is drawn; migrations keep none.
        path, args, kwargs = super().deconstruct()
        return path, args, {**kwargs, "choices": []}
