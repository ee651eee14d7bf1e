"""Collective-intelligence workshops and the barrios they reached.

Reached only through ``monitoring.api``. The OGP commitment asks for workshops
with citizens from at least half of the barrios of each locality. A workshop
is one of the learning core's in-person sessions (read through
``lms.learning.api``), marked by a facilitator or manager of this locality
(``access.may_record_workshop``), with the barrios where its participants live.

Which barrios are counted: the cadastral sectors of the UAECD
(``monitoring/data/bogota-sectores-catastrales.csv``, by ``barrio_code``), the
same list the project registry uses; not the planning office's ~5,000
legalised barrios. A barrio counts as reached once any workshop recorded it.
Barrios are recorded only once the session has started: before, nobody came.
"""

from __future__ import annotations

from django.db import transaction
from django.db.models import Count
from django.utils import timezone
from django.utils.translation import gettext as _

from lms.learning import api as learning_api
from lms.learning.data import SessionData
from tenants import api as tenants_api

from .data import BarrioCoverage, WorkshopData
from .reference import (
    LocalityPlaces,
    NotALocality,
    Place,
    find_locality_of_barrio,
    places_of,
)
from .signals import workshops_changed
from .workshop_models import Workshop, WorkshopBarrio

__all__ = [
    "WorkshopError",
    "barrio_choices",
    "barrio_coverage_here",
    "get_workshop",
    "list_workshops",
    "record_workshop",
    "remove_workshop",
]

MAX_NOTES = 2000


class WorkshopError(ValueError):
    """A workshop cannot be saved; ``errors`` maps field → Spanish message."""

    def __init__(self, errors: dict[str, str]):
        super().__init__("; ".join(errors.values()))
        self.errors = errors


def _places() -> LocalityPlaces | None:
    try:
        return places_of(tenants_api.current_schema())
    except (NotALocality, tenants_api.LocalityNotFound):
        return None  # the campus: no barrios, no workshops


def barrio_choices() -> list[tuple[Place, list[Place]]]:
    """This locality's barrios grouped by UPZ (each group and barrio by name),
    for the chooser; empty at the campus."""
    places = _places()
    if places is None:
        return []
    groups: dict[str, list[Place]] = {}
    for barrio in places.barrios.values():
        groups.setdefault(barrio.upz_code, []).append(barrio)
    upz = [places.upz.get(code) or Place(code, code, code) for code in groups]
    return [
        (group, sorted(groups[group.code], key=lambda b: (b.name, b.code)))
        for group in sorted(upz, key=lambda p: (p.name, p.code))
    ]


def _clean_barrios(codes: list[str], places: LocalityPlaces) -> tuple[str, ...]:
    """Codes of this locality's barrios, each once; unknown ones refused with
    the reason (another locality's, or not a cadastral sector at all)."""
    wanted = sorted({str(code).strip() for code in codes if str(code).strip()})
    problems = []
    for code in wanted:
        if code in places.barrios:
            continue
        elsewhere = find_locality_of_barrio(code)
        if elsewhere:
            problems.append(
                _("El barrio %(code)s es de %(locality)s, no de esta localidad.")
                % {"code": code, "locality": elsewhere}
            )
        else:
            problems.append(
                _(
                    "«%(code)s» no es un código de sector catastral de Bogotá "
                    "(seis dígitos, como 004607)."
                )
                % {"code": code[:20]}
            )
    if problems:
        raise WorkshopError({"barrios": " ".join(problems)})
    return tuple(wanted)


def _clean_participants(value: object) -> int | None:
    raw = str(value if value is not None else "").strip()
    if not raw:
        return None
    if not raw.isdigit() or int(raw) > 100_000:
        raise WorkshopError(
            {
                "participants": _(
                    "Escriba el número de personas participantes como un número "
                    "entero (o déjelo en blanco)."
                )
            }
        )
    return int(raw)


@transaction.atomic
def record_workshop(
    session_id: int,
    *,
    recorded_by: int,
    barrio_codes: list[str],
    participants: object = None,
    notes: str = "",
) -> WorkshopData:
    """Mark an in-person session of this locality as a collective-intelligence
    workshop and set the barrios where its participants live (replacing those
    recorded before). The caller checks ``access.may_record_workshop``.

    Raises ``WorkshopError`` for a session that does not exist here, barrios
    that are not this locality's cadastral sectors, barrios of a session that
    has not started, or a head count that is not a whole number.
    """
    places = _places()
    session = learning_api.get_session(session_id)
    if places is None or session is None:
        raise WorkshopError(
            {
                "__all__": _(
                    "Esa sesión no existe en esta localidad; elija una de la lista."
                )
            }
        )
    barrios = _clean_barrios(list(barrio_codes), places)
    count = _clean_participants(participants)
    if barrios and session.starts_at > timezone.now():
        raise WorkshopError(
            {
                "barrios": _(
                    "La sesión aún no ha empezado: marque el taller ahora y "
                    "registre los barrios de quienes asistieron después de la sesión."
                )
            }
        )
    workshop, _created = Workshop.objects.update_or_create(
        session_id=session_id,
        defaults={
            "recorded_by_id": recorded_by,
            "participants": count,
            "notes": str(notes or "").strip()[:MAX_NOTES],
        },
    )
    WorkshopBarrio.objects.filter(workshop=workshop).exclude(
        barrio_code__in=barrios
    ).delete()
    WorkshopBarrio.objects.bulk_create(
        [WorkshopBarrio(workshop=workshop, barrio_code=code) for code in barrios],
        ignore_conflicts=True,
    )
    _announce()
    return _data(workshop, session, barrios)


@transaction.atomic
def remove_workshop(session_id: int) -> bool:
    """The session is no longer a workshop (its barrios stop counting)."""
    deleted, _rows = Workshop.objects.filter(session_id=session_id).delete()
    if deleted:
        _announce()
    return bool(deleted)


def _announce() -> None:
    # Sent in this locality's schema, whatever schema is active at commit time.
    schema = tenants_api.current_schema()

    def send_workshops_changed() -> None:
        with tenants_api.in_locality(schema):
            workshops_changed.send(sender=None)

    transaction.on_commit(send_workshops_changed)


def get_workshop(session_id: int) -> WorkshopData | None:
    """The workshop held in this session, or None if it is not one."""
    workshop = Workshop.objects.filter(session_id=session_id).first()
    session = learning_api.get_session(session_id) if workshop else None
    if workshop is None or session is None:
        return None
    codes = tuple(
        WorkshopBarrio.objects.filter(workshop=workshop)
        .order_by("barrio_code")
        .values_list("barrio_code", flat=True)
    )
    return _data(workshop, session, codes)


def list_workshops() -> list[WorkshopData]:
    """This locality's workshops, latest session first (three queries)."""
    workshops = {w.session_id: w for w in Workshop.objects.all()}
    codes: dict[int, list[str]] = {}
    for workshop_id, code in WorkshopBarrio.objects.order_by("barrio_code").values_list(
        "workshop_id", "barrio_code"
    ):
        codes.setdefault(workshop_id, []).append(code)
    marked = []
    for session in learning_api.list_locality_sessions():
        workshop = workshops.get(session.session_id)
        if workshop is not None:
            marked.append(_data(workshop, session, tuple(codes.get(workshop.pk, []))))
    return marked


def barrio_coverage_here() -> BarrioCoverage:
    """Barrios of this locality reached by its workshops, out of all its
    cadastral sectors (two queries; zeros at the campus)."""
    places = _places()
    if places is None:
        return BarrioCoverage(reached=0, total=0, workshops=0)
    reached = WorkshopBarrio.objects.filter(
        barrio_code__in=list(places.barrios)
    ).aggregate(n=Count("barrio_code", distinct=True))["n"]
    return BarrioCoverage(
        reached=reached or 0,
        total=len(places.barrios),
        workshops=Workshop.objects.count(),
    )


def _data(
    workshop: Workshop, session: SessionData, codes: tuple[str, ...]
) -> WorkshopData:
    return WorkshopData(
        session_id=session.session_id,
        title=session.title,
        cohort_name=session.cohort_name,
        starts_at=session.starts_at,
        place=session.place,
        facilitator_id=session.facilitator_id,
        barrio_codes=codes,
        participants=workshop.participants,
        notes=workshop.notes,
        recorded_by_id=workshop.recorded_by_id,
        updated_at=workshop.updated_at,
    )
