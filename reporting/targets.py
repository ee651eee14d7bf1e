"""Targets: how many people the city (50,000 by default) or a locality means to
train, and by when."""

from __future__ import annotations

from datetime import date

from django.db import transaction
from django.utils import formats, timezone
from django.utils.translation import gettext as _

from tenants import api as tenants_api

from .build_cache import forget_builds
from .data import DEFAULT_CITY_TARGET, TargetData
from .errors import TargetError
from .models import Target as _Target

__all__ = ["get_target", "read_targets", "set_target", "target_of"]


def get_target(schema_name: str = "") -> TargetData | None:
    """The city's target (default 50,000) or a locality's (None if never set)."""
    return target_of(schema_name, read_targets(schema_name))


def read_targets(schema_name: str | None = None) -> dict[str, TargetData]:
    """The targets set, by schema ('' the city's), in one query: every one, or
    only ``schema_name``'s. A city build needs them all (its own and each
    locality's), so it reads them once."""
    rows = _Target.objects.all()
    if schema_name is not None:
        rows = rows.filter(schema_name=schema_name)
    return {
        row.schema_name: TargetData(
            row.schema_name, row.people, row.target_date, is_default=False
        )
        for row in rows
    }


def target_of(schema_name: str, targets: dict[str, TargetData]) -> TargetData | None:
    """The city's target (default 50,000) or a locality's (None if never set)
    among ``targets`` (``read_targets``)."""
    found = targets.get(schema_name)
    if found is not None or schema_name:
        return found
    return TargetData("", DEFAULT_CITY_TARGET, None, is_default=True)


@transaction.atomic
def set_target(
    schema_name: str = "",
    *,
    people: int | str | None,
    target_date: date | None = None,
    today: date | None = None,
) -> TargetData:
    """Save the city's (``schema_name`` empty) or a locality's target.

    Raises ``TargetError`` with a Spanish message for a missing, zero or negative
    number of people, a date in the past, or an unknown locality.
    """
    today = today or timezone.localdate()
    try:
        value = int(str(people).strip().replace(".", "").replace(" ", ""))
    except ValueError as exc:
        raise TargetError(
            _("La meta debe ser un número entero de personas, por ejemplo 50000.")
        ) from exc
    if value <= 0:
        raise TargetError(
            _(
                "La meta debe ser mayor que cero (recibimos %(value)s); escriba "
                "cuántas personas se espera formar."
            )
            % {"value": value}
        )
    if target_date is not None and target_date < today:
        raise TargetError(
            _("La fecha meta (%(date)s) ya pasó; elija una fecha de hoy en adelante.")
            % {"date": formats.date_format(target_date, "SHORT_DATE_FORMAT")}
        )
    if schema_name and schema_name not in tenants_api.locality_schemas():
        raise TargetError(
            _("No existe la localidad «%(name)s».") % {"name": schema_name}
        )
    _Target.objects.update_or_create(
        schema_name=schema_name, defaults={"people": value, "target_date": target_date}
    )
    transaction.on_commit(forget_builds)  # the manager sees it at once
    target = get_target(schema_name)
    assert target is not None  # noqa: S101 - just saved
    return target
