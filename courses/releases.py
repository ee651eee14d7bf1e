"""Releases: a campus course's next version, frozen as a snapshot and copied into
all or chosen localities.

``release_course`` freezes the course and, in the same transaction, puts one
copy task per locality in the task outbox (``tenants.api.send_after_commit``):
the tasks reach the broker once the release commits (or later, from the relay,
if the broker is down then), and any free worker takes the next locality, so
several workers share a release. ``copy_release_target`` is one task's body:
each locality is one transaction; a failed copy is recorded with its reason
and leaves that locality on its previous version. The last locality to finish
closes the release. ``retry_failed_localities`` queues the failed ones again,
leaving the localities already done alone. ``run_release`` copies every
pending locality in the calling process (the demo data and tests).
"""

from __future__ import annotations

import logging
import time

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from tenants import api as tenants_api

from . import publishing as _publishing
from .data import ReleaseData, ReleaseTargetData
from .errors import CourseError, ReleaseNotFound
from .models import CoursePage as _CoursePage
from .models import CourseRelease as _CourseRelease
from .models import CourseReleaseTarget as _Target

__all__ = [
    "COPY_TASK",
    "copy_release_target",
    "get_release",
    "list_releases",
    "release_course",
    "retry_failed_localities",
    "run_release",
]

logger = logging.getLogger(__name__)

# The Celery task (courses.tasks) that copies one release into one locality;
# named here so the outbox row needs no import of the task layer above.
COPY_TASK = "courses.copy_release_target"
_ACTIVE = [_CourseRelease.Status.PENDING, _CourseRelease.Status.RUNNING]
_UNFINISHED = [_Target.Status.PENDING, _Target.Status.COPYING]


@transaction.atomic
def release_course(
    course_key: str,
    *,
    schema_names: list[str] | None = None,
    requested_by_id: int | None = None,
) -> ReleaseData:
    """Release the next version of a campus course to all or chosen localities.

    Freezes the course as it is now and schedules the copy (after commit). Refused,
    with a message, outside the campus, for an unpublished course, for unknown
    localities, or while another release of the same course is still running.
    """
    if tenants_api.current_schema() != settings.CITY_CAMPUS_SCHEMA:
        raise CourseError(
            _("Solo el campus de la ciudad publica cursos en las localidades.")
        )
    course = _CoursePage.objects.select_for_update().filter(key=course_key).first()
    if course is None or not course.live:
        raise CourseError(
            _("El curso «%(key)s» no existe o no está publicado en el campus.")
            % {"key": course_key}
        )
    active = course.releases.filter(
        status__in=[_CourseRelease.Status.PENDING, _CourseRelease.Status.RUNNING]
    ).first()
    if active:
        raise CourseError(
            _(
                "Ya hay una publicación en curso de este curso (versión "
                "%(version)s). Espere a que termine y vuelva a intentarlo."
            )
            % {"version": active.version}
        )
    localities = {
        loc.schema_name: loc
        for loc in tenants_api.list_localities(include_campus=False)
    }
    chosen = list(localities) if not schema_names else schema_names
    unknown = [name for name in chosen if name not in localities]
    if unknown:
        raise CourseError(
            _("Localidades desconocidas: %(names)s.") % {"names": ", ".join(unknown)}
        )
    if not chosen:
        raise CourseError(_("Elija al menos una localidad."))

    course.version += 1
    course.save(update_fields=["version"])
    try:
        with transaction.atomic():
            release = _CourseRelease.objects.create(
                course=course,
                version=course.version,
                requested_by_id=requested_by_id,
                snapshot=_publishing.snapshot_course(course),
            )
    except IntegrityError as exc:  # two trainers pressed "publish" at the same instant
        raise CourseError(
            _("Ya hay una publicación en curso de este curso. Espere a que termine.")
        ) from exc
    ordered = sorted(chosen, key=lambda n: localities[n].name)
    _Target.objects.bulk_create(
        _Target(release=release, schema_name=name, locality_name=localities[name].name)
        for name in ordered
    )
    _queue_copies(release.pk, ordered)
    return get_release(release.pk)


def _queue_copies(release_id: int, schema_names: list[str]) -> None:
    # In the caller's transaction: the release and its tasks commit together.
    for name in schema_names:
        tenants_api.send_after_commit(COPY_TASK, release_id, name)


@transaction.atomic
def retry_failed_localities(release_id: int) -> ReleaseData:
    """Copy a finished release again into the localities where it failed.

    The localities already done are left as they are. Refused, with a message,
    while the release still runs, when nothing failed, and when a newer version
    of the course exists (retrying would put the older one back).
    """
    release = (
        _CourseRelease.objects.select_for_update()
        .select_related("course")
        .filter(pk=release_id)
        .first()
    )
    if release is None:
        raise ReleaseNotFound(release_id)
    failed = list(
        release.targets.filter(status=_Target.Status.FAILED).values_list(
            "schema_name", flat=True
        )
    )
    if release.status in _ACTIVE:
        raise CourseError(
            _("Esta publicación aún está en curso; espere a que termine.")
        )
    if not failed:
        raise CourseError(_("Ninguna localidad falló en esta publicación."))
    if release.course.releases.filter(version__gt=release.version).exists():
        raise CourseError(
            _(
                "Ya hay una versión más nueva de este curso; publíquela de nuevo "
                "en vez de reintentar la versión %(version)s."
            )
            % {"version": release.version}
        )
    try:
        with transaction.atomic():
            _CourseRelease.objects.filter(pk=release.pk).update(
                status=_CourseRelease.Status.RUNNING, finished_at=None
            )
    except IntegrityError as exc:  # another release of the course is running
        raise CourseError(
            _("Ya hay una publicación en curso de este curso. Espere a que termine.")
        ) from exc
    release.targets.filter(schema_name__in=failed).update(
        status=_Target.Status.PENDING, message="", seconds=None, finished_at=None
    )
    _queue_copies(release.pk, failed)
    return get_release(release.pk)


def run_release(release_id: int) -> ReleaseData:
    """Copy a release into each of its unfinished localities, in this process.

    The workers do the same one locality per task (``copy_release_target``);
    this is for the demo data and tests. Localities already done are skipped.
    """
    release = _CourseRelease.objects.filter(pk=release_id).first()
    if release is None:
        raise ReleaseNotFound(release_id)
    pending = release.targets.exclude(status=_Target.Status.DONE)
    for schema_name in pending.values_list("schema_name", flat=True):
        copy_release_target(release_id, schema_name)
    return get_release(release_id)


def copy_release_target(release_id: int, schema_name: str) -> str:
    """Copy a release into one locality; returns that locality's status.

    Safe to run again (a redelivered task): a locality already done is skipped.
    The last locality to finish marks the release done (or failed).
    """
    release = _CourseRelease.objects.filter(pk=release_id).first()
    if release is None:
        raise ReleaseNotFound(release_id)
    target = release.targets.filter(schema_name=schema_name).first()
    if target is None or target.status == _Target.Status.DONE:
        _close_if_finished(release_id)
        return _Target.Status.DONE if target else "missing"
    _CourseRelease.objects.filter(
        pk=release_id, status=_CourseRelease.Status.PENDING
    ).update(status=_CourseRelease.Status.RUNNING)
    status = _copy_to_target(release, target)
    _close_if_finished(release_id)
    return status


def _close_if_finished(release_id: int) -> None:
    # Each locality's status is committed before this runs, and the release row
    # is locked here, so whichever locality finishes last sees all the others.
    with transaction.atomic():
        release = (
            _CourseRelease.objects.select_for_update()
            .filter(pk=release_id, status__in=_ACTIVE)
            .first()
        )
        if release is None:
            return
        statuses = set(release.targets.values_list("status", flat=True))
        if statuses & set(_UNFINISHED):
            return
        failed = _Target.Status.FAILED in statuses
        _CourseRelease.objects.filter(pk=release_id).update(
            status=_CourseRelease.Status.FAILED
            if failed
            else _CourseRelease.Status.DONE,
            finished_at=timezone.now(),
        )


def _copy_to_target(release: _CourseRelease, target: _Target) -> str:
    _Target.objects.filter(pk=target.pk).update(
        status=_Target.Status.COPYING, message=""
    )
    started = time.perf_counter()
    try:
        with tenants_api.in_locality(target.schema_name):
            result = _publishing.apply_snapshot(release.snapshot)
    except _publishing.LocalityNotReady:
        status = _Target.Status.FAILED
        message = _(
            "La localidad aún se está creando; vuelva a publicar cuando termine."
        )
    except Exception as exc:  # recorded for the admin; other localities go on
        logger.exception("Copia de %s a %s falló", release, target.schema_name)
        status = _Target.Status.FAILED
        message = _("No se pudo copiar: %(reason)s") % {"reason": exc}
    else:
        status, message = _Target.Status.DONE, _copied_message(result)
    _Target.objects.filter(pk=target.pk).update(
        status=status,
        message=message,
        seconds=time.perf_counter() - started,
        finished_at=timezone.now(),
    )
    return status


def _copied_message(result: _publishing.ApplyResult) -> str:
    message = _("%(created)s lecciones nuevas, %(updated)s actualizadas") % {
        "created": result.created_lessons,
        "updated": result.updated_lessons,
    }
    if result.retired_lessons:
        # One wording for any count: the release page's tests and users read
        # «N retiradas» as a tally, like the two figures before it.
        message += _(
            ", %(count)s retiradas (%(keys)s): quien estaba en ellas verá un aviso "
            "y conserva su avance"
        ) % {
            "count": len(result.retired_lessons),
            "keys": ", ".join(result.retired_lessons),
        }
    return message


def get_release(release_id: int) -> ReleaseData:
    """One release and the state of each of its localities."""
    release = _CourseRelease.objects.select_related("course").get(pk=release_id)
    return ReleaseData(
        release_id=release.pk,
        course_key=release.course.key,
        course_title=release.course.title,
        version=release.version,
        status=release.status,
        status_label=release.get_status_display(),
        targets=tuple(
            ReleaseTargetData(
                schema_name=t.schema_name,
                locality_name=t.locality_name,
                status=t.status,
                status_label=t.get_status_display(),
                message=t.message,
                seconds=t.seconds,
            )
            for t in release.targets.all()
        ),
    )


def list_releases(course_key: str) -> list[ReleaseData]:
    """Every release of a course, oldest first."""
    ids = _CourseRelease.objects.filter(course__key=course_key).values_list(
        "pk", flat=True
    )
    return [get_release(pk) for pk in ids]
